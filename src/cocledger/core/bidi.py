"""Bidirectional control characters (U+202A-U+202E, U+2066-U+2069): invisible, they make text show
in another order than it is stored, so a name ending in U+202E + `gnp.exe` reads `exe.png` on the
published page, in a draft and in an e-mail's `To:`. SPEC §4 Commands: refused in what a person
types (`actions.text`), reported by `coc validate` in every file (CL092), and shown by their
codes wherever the terminal prints ledger text (`output.console.visible`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
PATTERN = re.compile(f"[{CONTROLS}]")


def found(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every bidirectional control in `text`."""
    if text.isascii():  # nearly every text: no scan
        return
    for match in PATTERN.finditer(text):
        yield match.start(), match.group()


def named(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`: how a message names one."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a bidirectional control')})"
