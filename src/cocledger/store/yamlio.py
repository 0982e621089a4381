"""Reading and writing the ledger's YAML: a fast YAML 1.2 reader, a comment-keeping writer and
line lookup for error messages.

PyYAML reads YAML 1.1 (`no` is false, `0123` is 83); ruamel, the writer, reads YAML 1.2. The fast
reader below uses ruamel's YAML 1.2 resolvers so both read every value the same way.

The reader is the gate for untrusted text (SPEC §5): it refuses anchors, aliases and tags other
than the core ones (the ledger never writes them, and an alias is how 588 bytes grow into
gigabytes), a file over MAX_FILE_BYTES, more than MAX_NODES values and nesting deeper than
MAX_DEPTH, before any value is built; every refusal and syntax error is a `YamlProblem` at a line
that exists in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..errors import InputError

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A ledger file's cap: over 20 times the sanctions register of a 10,000-case ledger (690 kB), and
small enough that the worst text under it parses in seconds, in a few hundred MB."""
MAX_NODES = 500_000
"""Values (scalars, lists, mappings) in one file: a register of ~16,000 sanctions. What a file of
tiny values (`[1,1,1,...]`) costs follows this count, not its bytes."""
MAX_DEPTH = 64
"""Lists and mappings inside each other: a ledger file needs 5; Python's recursion needs a cap."""


class YamlProblem(InputError):
    """A file the YAML reader refuses, located like a diagnostic: its check code (CL001 syntax,
    CL005 anchor, alias or tag, CL006 too big or nested too deep), line and column."""

    def __init__(self, message: str, file: str, line: int = 1, col: int = 1, code: str = "CL001"):
        super().__init__(message, file, line)
        self.col = col
        self.code = code


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


def _build(node: yaml.Node, loader: Any, seen: set[int], depth: int) -> Any:
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
    if key in seen:  # a list or mapping met twice is an alias: refused before it is copied
        raise _alias(node.start_mark)
    seen.add(key)
    if depth > MAX_DEPTH:
        raise _too_deep(node.start_mark)
    depth += 1
    if cls is yaml.MappingNode and node.tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _Slow
            item_key = _build(key_node, loader, seen, depth)
            try:
                repeated = item_key in mapping
            except TypeError:
                raise _Slow from None
            if repeated:
                raise _Slow
            mapping[item_key] = _build(value_node, loader, seen, depth)
        return mapping
    if cls is yaml.SequenceNode and node.tag == _SEQ:
        return [_build(item, loader, seen, depth) for item in node.value]
    raise _Slow


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


def _load(text: str) -> Any:
    """`yaml.load(text, Loader=_Yaml12Loader)` of a screened text, with the fast path."""
    _screen(text)
    loader = _Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(node, loader, set(), 1)
        except _Slow:
            _check_tree(node)
            return loader.construct_document(node)
    finally:
        loader.dispose()


def load_fast(text: str, file: str) -> Any:
    """Parse YAML 1.2 safely and fast; what it refuses is a YamlProblem at a line of the file."""
    try:
        return _load(text)
    except _Refused as exc:
        line, col = _position(text, exc.mark)
        raise YamlProblem(exc.message, file, line, col, exc.code) from None
    except yaml.MarkedYAMLError as exc:
        message, mark = syntax_message(exc)
        line, col = _position(text, mark)
        code = "CL006" if "maximum nesting depth" in message else "CL001"
        raise YamlProblem(f"YAML syntax: {message}", file, line, col, code) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control code)
        line, col = _char_position(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        message = f"YAML syntax: {char} is not allowed in YAML text ({exc.reason})"
        raise YamlProblem(message, file, line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}", file) from None
    except RecursionError:  # pragma: no cover - only the pure-Python reader recurses this deep
        raise YamlProblem(_too_deep(None).message, file, code="CL006") from None


# Contexts whose problem lies at the token that broke them (a mis-indented key, a tab, a second
# document, a bad escape): the problem's mark is the place. Other contexts name something opened
# and never closed (a quote, a bracket, a key without its colon): their own mark is the place.
_AT_PROBLEM = (
    "while parsing a block",
    "while scanning a plain scalar",
    "while scanning for the next token",
    "while parsing a quoted scalar",
    "while increasing",
    "expected a single document",
)


_CONSTRUCT = re.compile(r"while (?:scanning|parsing) an? ")


def syntax_message(exc: yaml.MarkedYAMLError) -> tuple[str, Any]:
    """The parser's words, its context kept ("while scanning a quoted scalar that starts at line
    67: found unexpected end of stream"), and the mark where the broken construct starts."""
    problem = exc.problem or "not valid YAML"
    context, opened, found = exc.context, exc.context_mark, exc.problem_mark
    if not context:
        return problem, found or opened
    if opened is not None and _CONSTRUCT.match(context):  # not "while scanning for the next token"
        context = f"{context} that starts at line {opened.line + 1}"
    separator = ": " if context.startswith("while ") else ", "
    at_problem = context.startswith(_AT_PROBLEM)
    mark = (found or opened) if at_problem else (opened or found)
    return f"{context}{separator}{problem}", mark


def _position(text: str, mark: Any) -> tuple[int, int]:
    """1-based (line, column) of a mark, on a line that exists: an error at the end of the
    stream (after the last line break) is put at the end of the last line."""
    if mark is None:
        return 1, 1
    lines = text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    if mark.line < len(lines):
        return mark.line + 1, mark.column + 1
    return len(lines), len(lines[-1]) + 1


def _char_position(text: str, position: int) -> tuple[int, int]:
    """1-based (line, column) of a reader error: libyaml counts its position in UTF-8 bytes."""
    if _Base is not yaml.SafeLoader:
        raw = text.encode("utf-8", "surrogatepass")
        start = raw.rfind(b"\n", 0, position) + 1
        column = len(raw[start:position].decode("utf-8", "replace"))
        return raw.count(b"\n", 0, position) + 1, column + 1
    return text.count("\n", 0, position) + 1, position - (text.rfind("\n", 0, position) + 1) + 1


def compose_fast(text: str) -> yaml.Node | None:
    """The node tree of a YAML text from the fast C parser: positions without building values,
    ~100x faster than the round-trip loader (validate locates its problems with it). None when
    the text does not compose, or is not one the reader would build (see `_screen`)."""
    try:
        _screen(text)
        return yaml.compose(text, Loader=_Yaml12Loader)
    except (yaml.YAMLError, _Refused):
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
