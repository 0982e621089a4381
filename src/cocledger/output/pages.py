"""The active bans page in each format (rst, md, html, json) and `publish --check`'s comparison.

Pure: the rows of `core.bans` come in, text goes out, and the same rows always render to the
same bytes. Every format shows user text literally.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..core import rules
from ..core.bans import COLUMNS, NO_ACTIVE_BANS, PublishedBan
from ..core.models import Person, Sanction
from ..core.wording import long_date, sanction_text

# --- escaping -----------------------------------------------------------------------------------

_RST_KEEP = frozenset(",'?!;")
_MD_ESCAPE = frozenset(string.punctuation) - frozenset(",'?!;.-:/@\"%")


def _one_line(text: str) -> str:
    """A table cell is one line: newlines and runs of spaces become one space."""
    return " ".join(text.split())


def rst_escape(text: str) -> str:
    """Text that reStructuredText shows literally in a list-table cell.

    Every ASCII punctuation mark that could start markup (`*`, `` ` ``, `_`, `|`, `:`, `[`, `..`,
    `1.`, `-`, ...) is backslash-escaped, and so is a first character that is not a letter or
    digit (the Unicode bullets `•`, `‣`, `⁃` would start a list). Whitespace becomes one space."""
    out = []
    for index, char in enumerate(_one_line(text)):
        markup = char in string.punctuation and char not in _RST_KEEP
        opens_block = index == 0 and not char.isalnum()
        out.append("\\" + char if char != " " and (markup or opens_block) else char)
    escaped = "".join(out)
    if escaped and set(escaped) == {"\\"}:
        # A cell of only backslashes would read as a section underline; an escaped space (which
        # reStructuredText drops) in front breaks the pattern.
        escaped = "\\ " + escaped
    return escaped


def md_escape(text: str) -> str:
    """Text that Markdown (CommonMark/GFM) shows literally in a table cell: inline markup,
    raw HTML, entities and the cell separator `|` are backslash-escaped."""
    return "".join("\\" + c if c in _MD_ESCAPE else c for c in _one_line(text))


# --- renderers ----------------------------------------------------------------------------------


def render_rst(rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    """The policy's own Active sanctions table, ready to paste under its heading."""
    if not rows:
        return f"{NO_ACTIVE_BANS}.\n"
    lines = [
        ".. list-table::",
        "    :header-rows: 1",
        "    :widths: 20 40 40",
        "    :width: 100",
        "",
    ]
    body = [COLUMNS, *((r.person, r.conduct, r.sanction) for r in rows)]
    for cells in body:
        first, *rest = (rst_escape(cell) for cell in cells)
        lines.append(f"    * - {first}".rstrip())
        lines.extend(f"      - {cell}".rstrip() for cell in rest)
    return "\n".join(lines) + "\n"


def render_md(rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    """A GitHub-flavoured Markdown table with the same columns."""
    if not rows:
        return f"{NO_ACTIVE_BANS}.\n"
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {md_escape(r.person)} | {md_escape(r.conduct)} | {md_escape(r.sanction)} |"
        )
    return "\n".join(lines) + "\n"


def render_json(rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    """SPEC §4: a list of {person, conduct, sanction, starts_on, ends_on}; empty: `[]`."""
    return json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False) + "\n"


_STYLE = """\
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#4a4a4a;--line:#c8c8c8;--head:#f0f0f0}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#121212;--muted:#c2c2c2;--line:#4a4a4a;--head:#232323}}
*{box-sizing:border-box}
body{margin:0;padding:1rem;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
p{margin:.5rem 0}
.as-of,.note{color:var(--muted)}
.scroll{overflow-x:auto}
.scroll:focus{outline:2px solid currentColor;outline-offset:2px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid var(--line);overflow-wrap:break-word}
thead th{background:var(--head)}
tbody th{font-weight:600}
.empty{font-size:1.125rem;font-weight:600}
@media (max-width:30rem){body{padding:.75rem}th,td{padding:.375rem}}"""


def render_html(rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    """A self-contained page: escaped text, a captioned table with header scopes, a viewport for
    phones, dark-mode colours, no external resources, and the day it is correct for."""
    e = html.escape
    title = f"Active bans — {community}" if community else "Active bans"
    when = f'<time class="as-of-date" datetime="{as_of.isoformat()}">{long_date(as_of)}</time>'
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{e(title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(title)}</h1>",
        f'<p class="as-of">As of {when}.</p>',
        '<p class="note">Under the Code of Conduct, the names of banned people and the dates of '
        "their bans are published so that no speaking or other engagement is offered to them "
        "while the ban lasts.</p>",
    ]
    if not rows:
        parts.append(f'<p class="empty">{NO_ACTIVE_BANS}.</p>')
    else:
        parts += [
            '<div class="scroll" role="region" aria-labelledby="bans-caption" tabindex="0">',
            "<table>",
            f'<caption id="bans-caption">Bans in force on {long_date(as_of)}</caption>',
            "<thead>",
            "<tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in COLUMNS) + "</tr>",
            "</thead>",
            "<tbody>",
        ]
        for r in rows:
            parts.append(
                f'<tr><th scope="row">{e(r.person)}</th><td>{e(r.conduct)}</td>'
                f"<td>{e(r.sanction)}</td></tr>"
            )
        parts += ["</tbody>", "</table>", "</div>"]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


Renderer = Callable[[Sequence[PublishedBan], date, str], str]
RENDERERS: dict[str, Renderer] = {
    "rst": render_rst,
    "md": render_md,
    "html": render_html,
    "json": render_json,
}
EXTENSIONS = {
    ".rst": "rst",
    ".rest": "rst",
    ".txt": "rst",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}

_AS_OF = re.compile(r'<time class="as-of-date" datetime="(\d{4}-\d{2}-\d{2})">')


def stated_as_of(published: str) -> date | None:
    """The `as of` day an HTML page states, so `--check` compares the bans and not the date."""
    match = _AS_OF.search(published)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def render(fmt: str, rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    return RENDERERS[fmt](rows, as_of, community)


# --- --check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """Why a published file is out of date: bans it lacks and bans it lists that have ended."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]
    first_line: int


_FRAGMENT: dict[str, Callable[[str], str]] = {
    "rst": rst_escape,
    "md": md_escape,
    "html": lambda text: html.escape(_one_line(text)),
    "json": lambda text: json.dumps(text, ensure_ascii=False)[1:-1],
}


def drift(
    fmt: str,
    published: str,
    expected: str,
    people: Sequence[Person],
    sanctions: Iterable[Sanction],
    day: date,
) -> Drift | None:
    """None when `published` is exactly what publish produces; else what differs, by sanction id
    (ids, not names, so a CI log names no one)."""
    if published == expected:
        return None
    escape = _FRAGMENT[fmt]
    names = {person.id: person.name for person in people}

    def listed(sanction: Sanction) -> bool:
        name = names.get(sanction.person or "")
        if not name or sanction.starts_on is None:
            return False
        return escape(name) in published and escape(sanction_text(sanction)) in published

    missing, stale = [], []
    for s in sanctions:
        if s.kind not in rules.BAN_KINDS or s.starts_on is None or s.status == "expunged":
            continue
        if rules.in_force(s, day):
            if not listed(s):
                missing.append(s.id)
        elif listed(s):
            stale.append(s.id)
    old, new = published.splitlines(), expected.splitlines()
    first = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b),
        min(len(old), len(new)) + 1,
    )
    return Drift(tuple(missing), tuple(stale), first)


def drift_message(path: str, found: Drift, regenerate: str) -> str:
    """One line for CI: what differs and the command that fixes it."""
    reasons = []
    if found.stale:
        reasons.append(f"lists bans not in force ({', '.join(found.stale)})")
    if found.missing:
        reasons.append(f"lacks bans in force ({', '.join(found.missing)})")
    if not reasons:
        reasons.append(f"differs from what publish produces now (first at line {found.first_line})")
    return f"{path} is out of date: {'; '.join(reasons)}; regenerate it with `{regenerate}`"
