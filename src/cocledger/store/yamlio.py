"""Reading and writing the ledger's YAML: a fast YAML 1.2 reader, a comment-keeping writer and
line lookup for error messages.

PyYAML reads YAML 1.1 (`no` is false, `0123` is 83); ruamel, the writer, reads YAML 1.2. The fast
reader below uses ruamel's YAML 1.2 resolvers so both read every value the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..errors import InputError

try:  # the C parser is ~10x faster; fall back where libyaml is missing
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


class _Yaml12Loader(_Base):  # type: ignore[misc]
    """PyYAML's fast loader restricted to the YAML 1.2 core schema as ruamel resolves it."""


_Yaml12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "tag:yaml.org,2002:float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "tag:yaml.org,2002:timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern, re.X), list(_first))


def _marked(construct: Any) -> Any:
    """A scalar that matches a resolver but is not a value (`0b_`, `2026-13-45`) is a YAML error
    with its line, not a ValueError escaping the loader."""

    def wrapper(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{node.value}' is not a valid {node.tag.rsplit(':', 1)[-1]}: {exc}",
                node.start_mark,
            ) from None

    return wrapper


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """YAML 1.2 integers as ruamel reads them: `0123` is 123, `0o17` is 15."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text, 10)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """Mappings that refuse a repeated key, as ruamel does, instead of keeping the last one.

    Keys merged in with `<<` may be overridden by the mapping's own keys, as in ruamel.
    """
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            repeated = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key must be a plain value, not a list or mapping",
                key_node.start_mark,
            ) from None
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _marked(_construct_int))
for _scalar in ("float", "timestamp"):
    _tag = f"tag:yaml.org,2002:{_scalar}"
    _Yaml12Loader.add_constructor(_tag, _marked(_Yaml12Loader.yaml_constructors[_tag]))
_Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

# --- the fast path: plain data straight from the C parser's nodes --------------------------------
# PyYAML's constructor machinery (per-node bookkeeping, generators for recursive structures) costs
# more than the C parsing itself. `_build` turns the node tree into the same values directly for
# what ledger files hold: mappings, lists and scalars of the core tags. Anything else (a merge
# key, a repeated key, an alias looping into itself, an unusual tag, a value that does not
# construct) is handed back to the constructor above, so every result and error stays the same.

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _SEQ, _MAP, _MERGE = (_TAG + t for t in ("str", "null", "seq", "map", "merge"))
_SCALARS = {
    _TAG + t: _Yaml12Loader.yaml_constructors[_TAG + t]
    for t in ("bool", "int", "float", "timestamp")
}
_RESOLVED: dict[str, str] = {}  # plain scalar -> its tag: depends on the text alone
_RESOLVED_MAX = 200_000


def _resolve(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
    """Resolvers are regexes tried in Python for every plain scalar; the answer depends on the
    text alone, and ledgers repeat the same ids, dates and words: remember it."""
    if kind is yaml.ScalarNode and implicit[0]:
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = yaml.resolver.BaseResolver.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[value] = tag
        return tag
    return yaml.resolver.BaseResolver.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]


_Yaml12Loader.resolve = _resolve


class _Slow(Exception):
    """Not a case for the fast path: construct this document the ordinary way."""


def _build(node: yaml.Node, loader: Any, open_nodes: set[int]) -> Any:
    cls = node.__class__
    if cls is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        construct = _SCALARS.get(tag)
        if construct is None:
            raise _Slow
        try:
            return construct(loader, node)
        except Exception:
            raise _Slow from None
    key = id(node)
    if key in open_nodes:  # an alias inside itself
        raise _Slow
    open_nodes.add(key)
    try:
        if cls is yaml.MappingNode and node.tag == _MAP:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise _Slow
                item_key = _build(key_node, loader, open_nodes)
                try:
                    repeated = item_key in mapping
                except TypeError:
                    raise _Slow from None
                if repeated:
                    raise _Slow
                mapping[item_key] = _build(value_node, loader, open_nodes)
            return mapping
        if cls is yaml.SequenceNode and node.tag == _SEQ:
            return [_build(item, loader, open_nodes) for item in node.value]
        raise _Slow
    finally:
        open_nodes.discard(key)


def _load(text: str) -> Any:
    """`yaml.load(text, Loader=_Yaml12Loader)`, with the fast path for the values."""
    loader = _Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(node, loader, set())
        except _Slow:
            return loader.construct_document(node)
    finally:
        loader.dispose()


def load_fast(text: str, file: str) -> Any:
    """Parse YAML 1.2 safely and fast; a syntax error becomes an InputError with its line."""
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise InputError(f"YAML syntax: {problem}", file, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML syntax: {exc}", file) from None


def compose_fast(text: str) -> yaml.Node | None:
    """The node tree of a YAML text from the fast C parser: positions without building values,
    ~100x faster than the round-trip loader (validate locates its problems with it)."""
    try:
        return yaml.compose(text, Loader=_Yaml12Loader)
    except yaml.YAMLError:
        return None


def node_position(node: yaml.Node | None, path: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the deepest node of `path` in a composed tree: of the key for a
    mapping entry, of the item for a list entry."""
    line, col = 1, 1
    for key in path:
        if (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            node = node.value[key]
            mark = node.start_mark
        elif isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if entry is None:
                break
            mark, node = entry[0].start_mark, entry[1]
        else:
            break
        line, col = mark.line + 1, mark.column + 1
    return line, col


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


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the deepest node of `path` found in the YAML text ((1, 1) when
    the text does not compose); `store.loader.Locator` keeps the tree for many lookups."""
    return node_position(compose_fast(text), path)


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
    if "\n" in value:
        return LiteralScalarString(value)
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
