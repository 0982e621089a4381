"""Writing the ledger's YAML: ruamel's round-trip writer, which keeps a file's comments.

A file is written back keeping the comments of its previous text wherever the data is unchanged,
its text readable (summaries as literal blocks) and quoted where a YAML 1.1 reader would misread it;
a register of thousands of entries is rewritten only in the entries an action changed (SPEC §2:
the ledger is files people read and edit by hand). ruamel is imported here only, and only when a
file is written or round-tripped: `coc validate` never loads it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


def _rt() -> Any:
    from ruamel.yaml import YAML

    handler = YAML(typ="rt")
    handler.width = 100
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.preserve_quotes = True
    return handler


def load_roundtrip(text: str) -> Any:
    """Load with ruamel's round-trip loader, which keeps comments (to write a file back)."""
    return _rt().load(text)


# Characters a literal block or a plain/single-quoted scalar cannot carry so that both readers
# give them back: control characters, and NEL/LS/PS/BOM, which the YAML 1.1 reader takes for
# line breaks. Text holding one is written double-quoted, where they are escaped. (A plain str
# given for a key that held a styled string keeps that style: ruamel's CommentedMap does that.)
_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _plain(value: Any) -> Any:
    """Multi-line text becomes a literal block so summaries stay readable in the file; text is
    written back exactly as given (no newline added), escaped where a block cannot hold it."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if not isinstance(value, str):
        return value
    if _NEEDS_ESCAPES.search(value) or value.startswith("\t"):  # libyaml: no tab opens a block
        return DoubleQuotedScalarString(value)
    if "\n" in value or (value.startswith("coc-sealed:") and len(value) > 80):
        return LiteralScalarString(value)  # a long sealed value: one line of its own
    if _read_otherwise(value):
        return SingleQuotedScalarString(value)
    return value


_YAML11 = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _read_otherwise(text: str) -> bool:
    """Whether a YAML 1.1 reader (PyYAML, many CI tools) would read this text, written plain,
    as something else: `no` as false, `1:20` as 80, `0123` as 83. ruamel, the writer, quotes
    what YAML 1.2 would misread; this quotes what 1.1 would."""
    tag = _YAML11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag != _STR_TAG)


def _merge(old: Any, new: Any) -> Any:
    """Carry `new` into the round-trip tree `old`, keeping comments wherever the data is unchanged."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for position, (key, value) in enumerate(new.items()):
            if key in old:
                old[key] = _merge(old[key], value)
            elif hasattr(old, "insert"):  # a new key goes where the model puts it
                old.insert(min(position, len(old)), _plain(key), _fresh(value))
            else:
                old[key] = _fresh(value)
        return old
    if isinstance(old, list) and isinstance(new, list):
        del old[len(new) :]
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = _merge(old[index], value)
            else:
                old.append(_fresh(value))
        return old
    same = (old == new and type(old) is type(new)) or (isinstance(old, str) and old == new)
    if same and not (type(old) is str and _read_otherwise(old)):  # a plain `no`, by hand
        return old
    return _fresh(new)


def _fresh(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((_plain(k), _fresh(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_fresh(v) for v in value)
    return _plain(value)


def dump(data: Any, previous: str | None = None) -> str:
    """YAML text for `data` (plain JSON-like values), keeping the comments of `previous`."""
    import io

    tree = _fresh(data) if not previous else _merge(load_roundtrip(previous), data)
    out = io.StringIO()
    _rt().dump(tree, out)
    return out.getvalue()


_ITEM = re.compile(r"^  - id: ['\"]?([^'\"\s#]+)['\"]?[ \t]*(?:#.*)?$", re.M)


def _item_starts(text: str) -> dict[str, int] | None:
    """{id: offset} of each `  - id: X` line (as `_ITEM.finditer` finds them), None if an id
    repeats: the regex is only tried where such a line starts, which is 10x faster on a register
    of thousands of entries."""
    prefix = "  - id: "
    found = text.find("\n" + prefix)
    at = 0 if text.startswith(prefix) else (found + 1 if found >= 0 else -1)
    starts: dict[str, int] = {}
    while at >= 0:
        match = _ITEM.match(text, at)
        if match:
            if match.group(1) in starts:  # a duplicate id: which block is meant is unclear
                return None
            starts[match.group(1)] = match.start()
        found = text.find("\n" + prefix, at)
        at = found + 1 if found >= 0 else -1
    return starts


def dump_items(
    previous: str | None, list_key: str, items: dict[str, Any], known: set[str]
) -> str | None:
    """Rewrite or append only the given items (by id) of a top-level list such as `sanctions:`.

    A register of thousands of entries is never re-parsed whole: each changed item's own block is
    round-tripped (keeping its comments) and spliced back. `known` are the ids the file holds now;
    None when the text is not in the tool's own layout, so the caller falls back to `dump`.
    """
    if not previous:
        return None
    header = re.search(rf"^{re.escape(list_key)}:[ \t]*(\[\])?[ \t]*(#.*)?$", previous, re.M)
    if header is None:
        return None
    starts = _item_starts(previous)
    if starts is None or set(starts) != known or (header.group(1) and starts):
        return None  # not the layout the tool writes: let the caller re-render the whole file
    bounds = sorted(starts.values())
    text = previous
    appended: list[str] = []
    for item_id, data in items.items():
        if item_id not in starts:
            appended.append(dump([data]))
            continue
        start = starts[item_id]
        later = [b for b in bounds if b > start]
        end = later[0] if later else len(previous)
        block = previous[start:end]
        new_block = dump([data], block)
        if not block.endswith("\n"):
            new_block = new_block.rstrip("\n")
        text = text.replace(block, new_block, 1) if text.count(block) == 1 else None  # type: ignore[assignment]
        if text is None:
            return None
    if appended:
        if header.group(1):
            text = text[: header.start()] + f"{list_key}:" + text[header.end() :]
        if not text.endswith("\n"):
            text += "\n"
        text += "".join(appended)
    return text
