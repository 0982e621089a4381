"""The YAML 1.2 core schema as ruamel, the writer, resolves it, on PyYAML's fast C parser.

PyYAML reads YAML 1.1 (`no` is false, `0123` is 83); ruamel, the writer, reads YAML 1.2. The loader
below uses ruamel's YAML 1.2 resolvers and refuses a repeated key as ruamel does, so the reader
(`yamlio`) and the writer (`yamlwrite`) read every value of a ledger file the same way: SPEC §2,
the ledger is YAML files that people edit by hand and `validate` reads as the tool writes them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

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

# The core tags, and the constructor of each scalar the reader's fast path (`yamlio._build`) builds.
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
