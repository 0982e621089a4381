"""`coc publish --check`: a published file (or the part of a page between its markers) against
what publish produces now, saying which bans it lacks or lists though they ended (by sanction
id, never by name: the line goes to CI logs), with a short diff of the page's own lines.

Pure: the page's text and the rows come in, the verdict goes out.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from ..core import rules
from ..core.bans import PublishedBan
from ..core.models import Person, Sanction
from ..core.wording import sanction_text
from .pages import (
    _one_line,
    holds_only_the_table,
    md_escape,
    render,
    render_region,
    rst_escape,
    stated_as_of,
    table_gap,
)
from .whitespace import only_whitespace


def short_diff(published: str, expected: str, name: str, limit: int = 40) -> str:
    """A unified diff from the file to what publish would write, cut at `limit` lines."""
    import difflib

    lines = list(
        difflib.unified_diff(
            published.splitlines(),
            expected.splitlines(),
            fromfile=name,
            tofile=f"{name} (as coc publish would write it)",
            n=1,
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more lines)"]
    return "\n".join(lines)


@dataclass(frozen=True)
class Drift:
    """Why a published file is out of date: bans it lacks and bans it lists that have ended."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]
    first_line: int
    whitespace: str = ""
    """When only whitespace differs: the first such difference, with a `{line}` field."""


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
    (so that the error line names no one; the diff beside it shows only the page's own lines)."""
    if published == expected:
        return None
    spacing = only_whitespace(published, expected)
    if spacing is not None:
        return Drift((), (), spacing[1], spacing[0])
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


def drift_message(path: str, found: Drift, remedy: str) -> str:
    """One line for CI: what differs (sanction ids, never names) and what fixes it."""
    reasons = []
    if found.stale:
        reasons.append(f"lists bans not in force ({', '.join(found.stale)})")
    if found.missing:
        reasons.append(f"lacks bans in force ({', '.join(found.missing)})")
    if found.whitespace:
        reasons.append(
            f"differs only in whitespace: {found.whitespace.format(line=found.first_line)}"
        )
    if not reasons:
        reasons.append(f"differs from what publish produces now (first at line {found.first_line})")
    return f"{path} is out of date: {'; '.join(reasons)}; {remedy}"


class Marked(Protocol):
    """A page as `publish --check` compares it (`store.pages.Page`)."""

    @property
    def text(self) -> str: ...

    @property
    def region(self) -> Any: ...

    @property
    def marked(self) -> str: ...

    def with_region(self, content: str) -> str: ...


def region_text(
    page: Marked, fmt: str, rows: Sequence[PublishedBan], day: date, community: str
) -> str:
    """What publish puts between the page's markers (`--update`, and `--check` compares), in the
    page's own layout: the start marker's indent and line ending, its tables' blank line."""
    region = page.region
    assert region is not None, "a page with markers"
    gap = table_gap(page.marked, page.text)
    return render_region(fmt, rows, day, community, region.indent, region.newline, gap)


@dataclass(frozen=True)
class PageCheck:
    """`publish --check` of a page: what differs (None: it is up to date), the diff to show,
    and whether the table is alone in the file (else part of a larger page)."""

    drift: Drift | None
    diff: str
    table_only: bool


def check_page(
    page: Marked,
    fmt: str,
    rows: Sequence[PublishedBan],
    day: date,
    community: str,
    people: Sequence[Person],
    sanctions: Iterable[Sanction],
    name: str,
) -> PageCheck:
    """The marked region (the whole file when it has no markers) against what publish produces
    now. A whole HTML page keeps its own as-of date: it stays valid until a ban starts or ends."""
    region = page.region
    if region is not None:
        expected = region_text(page, fmt, rows, day, community)
        table_only = False
    else:
        as_of = (stated_as_of(page.text) if fmt == "html" else None) or day
        expected = render(fmt, rows, as_of, community)
        table_only = holds_only_the_table(fmt, page.text)
    found = drift(fmt, page.marked, expected, people, sanctions, day)
    if found is None:
        return PageCheck(None, "", table_only)
    if region is not None:
        found = replace(found, first_line=found.first_line + region.line)
    # Lines that differ only in whitespace look the same in a diff: the message says what differs.
    diff = "" if found.whitespace else short_diff(page.text, page.with_region(expected), name)
    return PageCheck(found, diff, table_only)
