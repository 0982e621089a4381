"""`publish --check`: a page that differs from what publish writes only in whitespace is told so,
with the first such difference and its line (trailing spaces, a line ending, a missing final
newline, a blank line), since a diff of two lines that look the same tells nobody anything.

Pure: two texts in, one description out.
"""

from __future__ import annotations

import re
from itertools import zip_longest

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_ENDINGS = {"\r\n": "CRLF", "\n": "LF", "": "no line ending"}


def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its own ending (`\\n` ends a line, as git sees it)."""
    return _LINE.findall(text)


def _ending(line: str) -> tuple[str, str]:
    """(the line's text, its ending: CRLF, LF or none)."""
    for ending in ("\r\n", "\n"):
        if line.endswith(ending):
            return line[: -len(ending)], ending
    return line, ""


def only_whitespace(published: str, expected: str) -> tuple[str, int] | None:
    """When `published` differs from `expected` only in whitespace: what its first such
    difference is (a text with a `{line}` field) and on which of its lines (1 = the first);
    else None (equal, or a difference a reader can see)."""
    if published == expected or "".join(published.split()) != "".join(expected.split()):
        return None
    pairs = zip_longest(_lines(published), _lines(expected))
    for number, (theirs, ours) in enumerate(pairs, 1):
        if theirs != ours:
            return _what(theirs, ours), number
    return None  # pragma: no cover - unequal texts differ on some line


def _what(theirs: str | None, ours: str | None) -> str:
    """One line of the page against the line publish writes there, both of the same words."""
    if theirs is None:
        return "a blank line missing at line {line}, where publish writes one"
    if ours is None:
        return "a blank line publish does not write at line {line}"
    (text, end), (want, want_end) = _ending(theirs), _ending(ours)
    if text == want:
        if not end:
            return "no newline at the end of line {line}, the last"
        return f"line {{line}} ends in {_ENDINGS[end]} where publish writes {_ENDINGS[want_end]}"
    if not text.strip() and want.strip():
        return "a blank line publish does not write at line {line}"
    if text.strip() and not want.strip():
        return "a blank line missing at line {line}, where publish writes one"
    if text.rstrip() == want.rstrip():
        extra = text[len(text.rstrip()) :]
        if extra and len(want) == len(want.rstrip()):
            kind = "spaces" if set(extra) == {" "} else "whitespace"
            return f"trailing {kind} on line {{line}}"
        return "the trailing spaces of line {line} (publish writes them otherwise)"
    if text.lstrip() == want.lstrip():
        return "the indentation of line {line}"
    if text.split() == want.split():
        return "the spaces between the words of line {line}"
    return "where the lines break, from line {line}"
