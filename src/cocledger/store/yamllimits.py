"""The limits of the YAML reader, the gate for untrusted text (SPEC §5: untrusted input never
exhausts the machine): a file over MAX_FILE_BYTES, more than MAX_NODES values, nesting deeper than
MAX_DEPTH, and anchors, aliases and tags other than the core ones (the ledger never writes them, and
an alias is how 588 bytes grow into gigabytes) are refused before any value is built.

Each refusal is a `_Refused` with its check code (CL005, CL006) and place; `yamlio` reports it as a
`YamlProblem` at a line that exists in the file.
"""

from __future__ import annotations

from typing import Any

import yaml

from .yaml12 import _MAP, _MERGE, _SEQ, _TAG, _Yaml12Loader

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A ledger file's cap: over 20 times the sanctions register of a 10,000-case ledger (690 kB), and
small enough that the worst text under it parses in seconds, in a few hundred MB."""
MAX_NODES = 500_000
"""Values (scalars, lists, mappings) in one file: a register of ~16,000 sanctions. What a file of
tiny values (`[1,1,1,...]`) costs follows this count, not its bytes."""
MAX_DEPTH = 64
"""Lists and mappings inside each other: a ledger file needs 5; Python's recursion needs a cap."""


class _Refused(Exception):
    """Text the reader will not build (an anchor, an alias, a tag, too much): its check code and
    where (a yaml Mark, or None for the whole file)."""

    def __init__(self, code: str, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.mark = code, message, mark


_LEDGER_NEVER = "the ledger never uses anchors or aliases"
_CORE_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_CORE_TAGS |= {_SEQ, _MAP}


def _alias(mark: Any) -> _Refused:
    return _Refused("CL005", f"a YAML alias (*…): {_LEDGER_NEVER}; write the value out", mark)


def _too_deep(mark: Any) -> _Refused:
    return _Refused(
        "CL006",
        f"nested more than {MAX_DEPTH} levels deep (lists or mappings inside each other): no "
        "ledger file needs that; check the brackets and indentation here",
        mark,
    )


def _too_many(mark: Any) -> _Refused:
    return _Refused(
        "CL006",
        f"more than {MAX_NODES:,} values in one file, more than a ledger file may hold "
        "(docs/checks.md, CL006): is this the right file?",
        mark,
    )


def too_big(size: int) -> _Refused:
    """The refusal of a text or file over MAX_FILE_BYTES, before it is parsed (or even read)."""
    return _Refused(
        "CL006",
        f"{size / 2**20:.1f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB a ledger file may hold "
        "(docs/checks.md, CL006): is this the right file?",
    )


def _check_tree(node: yaml.Node) -> None:
    """Before the (recursive) constructor builds a document the fast path handed back: no alias,
    no tag beyond the core ones (and `<<`), not too deep, not too many values."""
    seen: set[int] = set()
    todo: list[tuple[yaml.Node, int]] = [(node, 1)]
    while todo:
        node, depth = todo.pop()
        if node.tag not in _CORE_TAGS and node.tag != _MERGE:
            raise _not_core_tag(node.tag, node.start_mark)
        if id(node) in seen:
            raise _alias(node.start_mark)
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise _too_many(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            todo.extend((child, depth + 1) for pair in node.value for child in pair)
        else:
            todo.extend((child, depth + 1) for child in node.value)


def _not_core_tag(tag: str, mark: Any) -> _Refused:
    return _Refused(
        "CL005",
        "a YAML tag (!…): the ledger holds plain values only; remove the tag (quote the value "
        "to keep it as text)",
        mark,
    )


_FLOW = "[]{},"
_BEFORE_PROPERTY = _FLOW + ":?\ufeff"


def _may_hold_property(text: str) -> bool:
    """Whether an anchor (&a), an alias (*a) or a tag (!t) may begin somewhere: at the start, after
    white space or a flow indicator, an anchor's or alias's name right after it. Only such text
    (prose like "*really*" too) costs an event scan; "Q&A", "R & D" or "Stop!" do not. str.find
    keeps this at C speed: a regex tried at every position costs a third of the parse."""
    for char in "&*!":
        at = text.find(char)
        while at >= 0:
            before = text[at - 1] if at else " "
            if before.isspace() or before in _BEFORE_PROPERTY:
                after = text[at + 1 : at + 2]
                if char == "!" or (after and not after.isspace() and after not in _FLOW):
                    return True
            at = text.find(char, at + 1)
    return False


_NODE_STARTS = ",:-?[{\n"  # each of these begins at most 3 values: 3 * their count bounds them


def _screen(text: str) -> None:
    """Refuse what must never be composed, at C speed for ordinary files: the size by length; an
    event scan (no nodes kept) only for text that may hold a property or too many values."""
    if len(text) > MAX_FILE_BYTES:
        raise too_big(len(text))
    suspect = _may_hold_property(text)
    if not suspect and 3 * (len(text) + 1) > MAX_NODES:
        suspect = 3 * (sum(map(text.count, _NODE_STARTS)) + 1) > MAX_NODES
    if suspect:
        _scan_events(text)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_OPEN_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _scan_events(text: str) -> None:
    """The C parser's events, one at a time: the first anchor, alias, non-core tag, level past
    MAX_DEPTH or value past MAX_NODES is refused at its place, before anything is built."""
    loader = _Yaml12Loader(text)
    depth = nodes = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                nodes += 1
                if event.anchor is not None:
                    raise _Refused(
                        "CL005",
                        f"a YAML anchor (&…): {_LEDGER_NEVER}; remove it, and write the value "
                        "out where an alias (*…) names it",
                        event.start_mark,
                    )
                if event.tag is not None and event.tag not in _CORE_TAGS:
                    raise _not_core_tag(event.tag, event.start_mark)
                if nodes > MAX_NODES:
                    raise _too_many(event.start_mark)
                if isinstance(event, _OPEN_EVENTS):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _too_deep(event.start_mark)
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise _alias(event.start_mark)
            elif isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        loader.dispose()
