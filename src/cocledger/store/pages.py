"""A page that holds the active bans among its own text (SPEC §4, Publishing into a page).

The page is read as UTF-8 without newline translation, so that text and bytes map one to one;
`coc publish --update` replaces what lies between the two marker lines and writes the page back
atomically, every other byte as it was (line endings, a byte order mark, a missing final newline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

START, END = "coc:active-bans:start", "coc:active-bans:end"
MARKERS = {
    "rst": (f".. {START}", f".. {END}"),
    "md": (f"<!-- {START} -->", f"<!-- {END} -->"),
    "html": (f"<!-- {START} -->", f"<!-- {END} -->"),
}
_STYLE_NAMES = {"rst": "reStructuredText", "html": "Markdown and HTML"}
_PAGE_NAMES = {"rst": "a reStructuredText page", "md": "a Markdown page", "html": "an HTML page"}
# A marker line: the marker alone on its line, indented or not, spacing inside it free.
_PATTERNS = {
    "rst": re.compile(r"[ \t]*\.\.[ \t]+coc:active-bans:(start|end)[ \t]*\r?"),
    "html": re.compile(r"[ \t]*<!--[ \t]*coc:active-bans:(start|end)[ \t]*-->[ \t]*\r?"),
}
_PATTERNS["md"] = _PATTERNS["html"]


@dataclass(frozen=True)
class Region:
    """Where the bans go: from just after the start marker's line to the end marker's line."""

    start: int
    end: int
    line: int  # the start marker's line number
    indent: str  # the start marker's, given to every line put in between
    newline: str  # the start marker's line ending, used for every line put in between


@dataclass(frozen=True)
class Page:
    """A page's whole text and, when it holds the markers, the region between them."""

    path: Path
    text: str
    region: Region | None

    @property
    def marked(self) -> str:
        """What `--check` compares: the region, or the whole file when it has no markers."""
        return self.text[self.region.start : self.region.end] if self.region else self.text

    def with_region(self, content: str) -> str:
        """The page with the region replaced by `content` and every other character kept."""
        if self.region is None:
            return content
        return self.text[: self.region.start] + content + self.text[self.region.end :]


def how_to_mark(fmt: str) -> str:
    """The two lines to add, for a message."""
    start, end = MARKERS[fmt]
    return f"put the table between the lines `{start}` and `{end}`"


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its `\\n`) for every line: `\\n` ends a line, as git sees it."""
    found, at = [], 0
    while at <= len(text):
        stop = text.find("\n", at)
        stop = len(text) if stop < 0 else stop
        found.append((at, text[at:stop]))
        at = stop + 1
    return found


def _markers(text: str, fmt: str) -> list[tuple[int, int, str, str]]:
    """(line number, offset, 'start' or 'end', the line) of every marker line of `fmt`."""
    pattern = _PATTERNS[fmt]
    found = []
    for number, (offset, line) in enumerate(_lines(text), 1):
        match = pattern.fullmatch(line.removeprefix("\ufeff") if number == 1 else line)
        if match:
            found.append((number, offset, match.group(1), line))
    return found


def find_region(text: str, fmt: str, name: str) -> Region | None:
    """The region between the markers; None when the page has none. One start line, then one
    end line, or a usage error naming the line to fix (as a marker of the other style is)."""
    marks = _markers(text, fmt)
    if not marks:
        _refuse_other_style(text, fmt, name)
        return None
    starts = [m for m in marks if m[2] == "start"]
    ends = [m for m in marks if m[2] == "end"]
    if len(starts) == 1 and len(ends) == 1 and starts[0][0] < ends[0][0]:
        (number, offset, _, line), (_, end, _, _) = starts[0], ends[0]
        newline = "\r\n" if line.endswith("\r") else "\n"
        indent = line[: len(line) - len(line.lstrip(" \t\ufeff"))].lstrip("\ufeff")
        return Region(offset + len(line) + 1, end, number, indent, newline)
    start, stop = MARKERS[fmt]
    if len(starts) > 1 or len(ends) > 1:
        twice = starts[1] if len(starts) > 1 else ends[1]
        problem = f"a second `{start if twice in starts else stop}` line"
        where = twice[0]
    elif not ends or not starts:
        problem = f"`{start}` without `{stop}`" if starts else f"`{stop}` without `{start}`"
        where = marks[0][0]
    else:
        problem, where = f"`{stop}` comes before `{start}`", ends[0][0]
    raise UsageError(
        f"{name}:{where}: {problem}; the page needs one `{start}` line, then one `{stop}` line, "
        "with the table between them"
    )


def _refuse_other_style(text: str, fmt: str, name: str) -> None:
    """An rst page with HTML comment markers (or the reverse) is a mistake worth naming."""
    other = "html" if fmt == "rst" else "rst"
    marks = _markers(text, other)
    if marks:
        start, end = MARKERS[fmt]
        raise UsageError(
            f"{name}:{marks[0][0]}: `{marks[0][3].strip()}` is the {_STYLE_NAMES[other]} marker; "
            f"{_PAGE_NAMES[fmt]} needs `{start}` and `{end}` (or give the right --format)"
        )


def holds_markers(text: str) -> bool:
    """Whether a file has a marker line of any style (so `-o` must not overwrite it)."""
    return any(_markers(text, fmt) for fmt in ("rst", "html"))


def _bytes(path: Path, flag: str, doing: str) -> bytes | None:
    """The file's bytes; None when there is no such file; anything else that stops the reading
    is a usage error naming the flag and the file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot {doing} ({exc.strerror or exc})") from None


def write_whole(path: Path, text: str) -> None:
    """-o: the whole file, atomically (an existing one keeps its permissions); never over a page
    that holds markers (`--update` is for it)."""
    from .atomic import write_atomic

    data = _bytes(path, "-o", "write over it")
    if data is not None and holds_markers(data.decode("utf-8", errors="replace")):
        raise UsageError(
            f"-o {path}: the file holds coc:active-bans markers, and -o would replace all of it; "
            f"use `coc publish --update {path}` to replace only the part between them"
        )
    write_atomic(path, text)


def read_text(path: Path, flag: str) -> str | None:
    """The file's text exactly as stored; None when there is no such file. Anything else that
    stops the reading is a usage error naming the flag and the file."""
    data = _bytes(path, flag, "read it")
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{flag} {path}: not UTF-8 text (byte {exc.start}); coc reads and writes pages in UTF-8"
        ) from None


def read_page(path: Path, fmt: str, flag: str) -> Page | None:
    """The page and its region (`find_region`); None when there is no such file."""
    text = read_text(path, flag)
    if text is None:
        return None
    region = find_region(text, fmt, str(path)) if fmt in MARKERS else None
    return Page(path, text, region)


def write_page(page: Page, content: str) -> bool:
    """Replace the page's region with `content`, atomically; False (nothing written) when the
    region already holds it, so an unchanged page keeps its time stamp."""
    from .atomic import write_atomic

    text = page.with_region(content)
    if text == page.text:
        return False
    write_atomic(page.path, text.encode("utf-8"))
    return True
