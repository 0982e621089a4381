"""Checks of the characters of every file, whatever it holds: a bidirectional control (CL092).

SPEC §4 Commands: U+202A-U+202E and U+2066-U+2069 make a name or a text show in another order
than it is stored (`core.bidi`); `coc` refuses them where a person types text, and a hand edit
that brings one in is reported here, at its line and column, in the YAML files and in the
message templates alike. Messages name the character only, never the text around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from ..core import bidi
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.messages import TEMPLATE_NAMES, template_path
from ..core.problems import line_and_column
from .context import Context, Finding

_ESCAPED = re.compile(r"\\(?:u|U0000)(?:202[A-Ea-e]|206[6-9])")
"""A bidirectional control written as a YAML double-quoted escape (`"\\u202E"`)."""
_EITHER = re.compile(f"{bidi.PATTERN.pattern}|{_ESCAPED.pattern}")
FIX = (
    "a bidirectional control character makes text show in another order than it is stored (a "
    "name could read as another on the published page or in an e-mail); remove it"
)
KeyPath = tuple[str | int, ...]


def check_bidi_controls(ctx: Context) -> Iterator[Finding]:
    """SPEC §4: no bidirectional control character in any file of the ledger."""
    files = [POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE, *(template_path(n) for n in TEMPLATE_NAMES)]
    for file in [*(f for f in files if ctx.wants(f)), *ctx.wanted_case_files]:
        text = ctx.ledger.text(file)
        if text is None or (text.isascii() and "\\" not in text):
            continue
        for index, char in bidi.found(text):
            yield _at(file, text, index, char)
        if file.endswith(".yaml") and _ESCAPED.search(text):
            yield from _escaped(ctx, file, text)


def _escaped(ctx: Context, file: str, text: str) -> Iterator[Finding]:
    """The controls written as escapes: each value of the file's model that holds controls is
    found from its key on, and its escapes among the next as many controls of the text (the
    same six letters in a plain or single-quoted text are only letters)."""
    for path, value in _values(*_model(ctx, file)):
        count = sum(1 for _ in bidi.found(value))
        if not count:
            continue
        line, col = ctx.locate(file, path)
        start = sum(len(row) + 1 for row in text.split("\n")[: line - 1]) + col - 1
        for match in list(_EITHER.finditer(text, start))[:count]:
            if len(match.group()) > 1:
                yield _at(file, text, match.start(), chr(int(match.group()[-4:], 16)))


def _at(file: str, text: str, index: int, char: str) -> Finding:
    line, col = line_and_column(text, index)
    return Finding(file, (), f"{bidi.named(char)}: {FIX}", line, col)


def _model(ctx: Context, file: str) -> tuple[object, KeyPath]:
    """What a YAML file parsed to (None: it did not parse), and the key path it lies at."""
    if file == POLICY_FILE:
        return ctx.policy, ()
    if file == PEOPLE_FILE:
        return (list(ctx.people.all()) if ctx.people is not None else None), ("people",)
    if file == SANCTIONS_FILE:
        return ctx.sanctions, ("sanctions",)
    return ctx.ledger.case_in(file), ()


def _values(value: object, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every text in a model, with its key path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for key, item in vars(value).items():
            yield from _values(item, (*path, key))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(key, (*path, key))
            yield from _values(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _values(item, (*path, index))
