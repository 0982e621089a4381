"""The active bans page in each format (rst, md, html, json), the part of a page between its
markers (`render_region`), and `publish --check`'s comparison.

Pure: the rows of `core.bans` come in, text goes out, and the same rows always render to the
same bytes. Every format shows user text literally.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Callable, Sequence
from datetime import date

from ..core.bans import COLUMNS, NO_ACTIVE_BANS, PublishedBan
from ..core.wording import long_date
from .console import visible

# --- escaping -----------------------------------------------------------------------------------

_RST_KEEP = frozenset(",'?!;")
# Punctuation CommonMark gives no meaning in a table cell (no `[` or `<` to follow a `!`, no
# typographer): left as written, so the Markdown source stays readable.
_MD_PLAIN = frozenset(",'?!;-\"%")
# Autolinks (GFM's extension, markdown-it's linkify) are found in the text itself, after escapes
# are resolved: `.` and `:` inside a word are written as character references, which both
# renderers decode but neither matches; `@` also gets an empty comment before it, because
# cmark-gfm joins adjacent text (references included) before it looks for e-mail addresses.
_MD_REFERENCE = {".": "&#46;", ":": "&#58;", "@": "<!-- -->&#64;"}


def _one_line(text: str) -> str:
    """A table cell is one line: newlines and runs of spaces become one space; a control
    character shows as its code (`visible`), as in the terminal (SPEC §4)."""
    return " ".join(visible(text).split())


def _html(text: str) -> str:
    """HTML-escaped text, control characters shown as their codes."""
    return html.escape(visible(text))


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
    """Text that Markdown (CommonMark, GitHub's cmark-gfm, markdown-it with linkify) shows
    literally in a table cell: no markup, raw HTML, entity, `|`, link, URL, `www.` host or e-mail
    address. ASCII punctuation is backslash-escaped; `.`, `:` and `@` break autolinks instead
    (`_MD_REFERENCE`), except a `.` or `:` that ends a word, which no link can hold (but for
    `www.`, which cmark-gfm links on its own)."""
    line = _one_line(text)
    out = []
    for index, char in enumerate(line):
        ends_word = line[index + 1 : index + 2] in ("", " ")
        www = char == "." and line[max(index - 3, 0) : index].lower() == "www"
        if char == "@" or (char in ".:" and (www or not ends_word)):
            out.append(_MD_REFERENCE[char])
        elif char in string.punctuation and char not in _MD_PLAIN and char not in ".:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


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
    e = _html
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
            *_html_head_and_body(rows),
            "</table>",
            "</div>",
        ]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_head_and_body(rows: Sequence[PublishedBan]) -> list[str]:
    """The table's header and rows, every value escaped; the name is the row's header."""
    e = _html
    return [
        "<thead>",
        "<tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in COLUMNS) + "</tr>",
        "</thead>",
        "<tbody>",
        *(
            f'<tr><th scope="row">{e(r.person)}</th><td>{e(r.conduct)}</td>'
            f"<td>{e(r.sanction)}</td></tr>"
            for r in rows
        ),
        "</tbody>",
    ]


def render_html_table(rows: Sequence[PublishedBan], as_of: date, community: str) -> str:
    """The table alone, for a page that holds more: its own heading and style around it, and no
    date, so that it stays right until a ban starts or ends."""
    if not rows:
        return f'<p class="coc-active-bans">{NO_ACTIVE_BANS}.</p>\n'
    lines = ['<table class="coc-active-bans">', *_html_head_and_body(rows), "</table>"]
    return "\n".join(lines) + "\n"


Renderer = Callable[[Sequence[PublishedBan], date, str], str]
RENDERERS: dict[str, Renderer] = {
    "rst": render_rst,
    "md": render_md,
    "html": render_html,
    "json": render_json,
}
# What goes between the markers of a page that holds more (store.pages): a block of its own.
REGION_RENDERERS: dict[str, Renderer] = {
    "rst": render_rst,
    "md": render_md,
    "html": render_html_table,
}
EXTENSIONS = {
    ".rst": "rst",
    ".rest": "rst",
    ".txt": "rst",  # an rst include (`.. include:: active-bans.txt`)
    ".inc": "rst",
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


def render_region(
    fmt: str,
    rows: Sequence[PublishedBan],
    as_of: date,
    community: str,
    indent: str,
    newline: str,
    gap: str = "",
) -> str:
    """What goes between a page's markers: the table as a block of its own (a blank line before
    and after it, so rst and Markdown read the markers as comments beside it), indented like the
    start marker, with its line endings, and `gap` on the blank line inside an rst table
    (`table_gap`), so that a page's own layout survives its first update byte for byte."""
    table = REGION_RENDERERS[fmt](rows, as_of, community).rstrip("\n").split("\n")
    lines = ["", *(line or gap for line in table), ""]
    return "".join((indent + line if line else line) + newline for line in lines)


# The blank line that ends a list-table's options: a directive, its indented `:option:` lines.
_TABLE_GAP = re.compile(
    r"^([ \t]*)\.\. list-table::[^\n]*\n(?:\1[ \t]+:[^\n]*\n)*([ \t]*)\r?\n", re.MULTILINE
)


def table_gap(*texts: str) -> str:
    """The whitespace a page writes on the blank line between a list-table's options and its rows,
    past the directive's indentation, from the first of `texts` holding such a table ("" if none
    does). Mautic's handbook page writes the options' four spaces there, in each of its tables:
    `--update` keeps that, and never fights an editor that trims them either."""
    for text in texts:
        found = _TABLE_GAP.search(text)
        if found:
            return found.group(2).removeprefix(found.group(1))
    return ""


_FIRST_LINES = {
    "rst": (".. list-table::", f"{NO_ACTIVE_BANS}."),
    "md": ("| " + " | ".join(COLUMNS) + " |", f"{NO_ACTIVE_BANS}."),
}


def holds_only_the_table(fmt: str, published: str) -> bool:
    """Whether a file without markers looks like publish's own output (so that regenerating it
    with -o loses nothing), rather than a page that holds the table among its own text: an rst
    or Markdown file that starts with the table, an HTML page that states publish's as-of date."""
    if fmt == "html":
        return not published.strip() or _AS_OF.search(published) is not None
    first = next((line.strip() for line in published.splitlines() if line.strip()), "")
    return fmt not in _FIRST_LINES or not first or first in _FIRST_LINES[fmt]
