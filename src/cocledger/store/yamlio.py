"""Reading the ledger's YAML: the fast YAML 1.2 reader, and line lookup for error messages.

The reader builds values straight from the C parser's nodes (`_build`), on the YAML 1.2 loader of
`yaml12`, so it reads every value as ruamel, the writer (`yamlwrite`), does. It is the gate for
untrusted text (SPEC §5): what `yamllimits` refuses (anchors, aliases, tags, too big, too deep, too
many values) and every syntax error is a `YamlProblem` at a line that exists in the file (SPEC §6).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..errors import InputError
from .yaml12 import _MAP, _MERGE, _NULL, _SCALARS, _SEQ, _STR, _Base, _Yaml12Loader
from .yamllimits import MAX_DEPTH, _alias, _check_tree, _Refused, _screen, _too_deep


class YamlProblem(InputError):
    """A file the YAML reader refuses, located like a diagnostic: its check code (CL001 syntax,
    CL005 anchor, alias or tag, CL006 too big or nested too deep), line and column."""

    def __init__(self, message: str, file: str, line: int = 1, col: int = 1, code: str = "CL001"):
        super().__init__(message, file, line)
        self.col = col
        self.code = code


# --- the fast path: plain data straight from the C parser's nodes --------------------------------
# PyYAML's constructor machinery (per-node bookkeeping, generators for recursive structures) costs
# more than the C parsing itself. `_build` turns the node tree into the same values directly for
# what ledger files hold: mappings, lists and scalars of the core tags. Anything else (a merge
# key, a repeated key, an alias looping into itself, an unusual tag, a value that does not
# construct) is handed back to the constructor (`yaml12`), so every result and error stays the
# same.


class _Slow(Exception):
    """Not a case for the fast path: construct this document the ordinary way."""


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
    """Parse YAML 1.2 safely and fast; what it refuses is a YamlProblem at a line of the file
    (git's conflict markers, which break the YAML, named as such: SPEC §6)."""
    try:
        return _load(text)
    except _Refused as exc:
        line, col = _position(text, exc.mark)
        raise YamlProblem(exc.message, file, line, col, exc.code) from None
    except (yaml.YAMLError, RecursionError) as exc:
        conflict = conflict_marker(text)
        if conflict:
            raise YamlProblem(CONFLICT, file, conflict, 1) from None
        raise _syntax_problem(exc, text, file) from None


CONFLICT = (
    "an unresolved merge conflict (git's <<<<<<< markers): `git merge --abort` (or `git rebase "
    "--abort`), then `coc sync` rebuilds your actions on the upstream (SPEC §7)"
)


def conflict_marker(text: str) -> int:
    """The line of git's first conflict marker in `text`, 0 if there is none."""
    if "<<<<<<< " not in text and ">>>>>>> " not in text:
        return 0
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<< ", ">>>>>>> ", "|||||||")) or line.rstrip() == "=======":
            return n
    return 0


def _syntax_problem(error: BaseException, text: str, file: str) -> YamlProblem:
    """The YamlProblem of a text the reader refused, at its line."""
    if isinstance(error, yaml.MarkedYAMLError):
        message, mark = syntax_message(error)
        line, col = _position(text, mark)
        code = "CL006" if "maximum nesting depth" in message else "CL001"
        return YamlProblem(f"YAML syntax: {message}", file, line, col, code)
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        line, col = _char_position(text, error.position)
        char = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
        message = f"YAML syntax: {char} is not allowed in YAML text ({error.reason})"
        return YamlProblem(message, file, line, col)
    if isinstance(error, RecursionError):  # pragma: no cover - only the pure-Python reader
        return YamlProblem(_too_deep(None).message, file, code="CL006")
    return YamlProblem(f"YAML syntax: {error}", file)


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
    from ..core.problems import line_and_column  # an error's path: not imported at start-up

    return line_and_column(text, position)


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


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the deepest node of `path` found in the YAML text ((1, 1) when
    the text does not compose); `store.loader.Locator` keeps the tree for many lookups."""
    return node_position(compose_fast(text), path)
