"""The one loader: a YAML text parsed into a model, every problem as data with its line.

Files are parsed with the fast YAML 1.2 reader; a file with a problem is composed (positions
only, with the same fast reader) once, to find the line of each. Actions, queries and
`coc validate` all read the ledger through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..core.problems import Problem
from ..errors import InputError
from . import yamlio

if TYPE_CHECKING:
    from .files import Source

M = TypeVar("M", bound=BaseModel)


class Locator:
    """Lines of key paths in one text: the text is composed at most once, when first asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tree: Any = None
        self._composed = False

    def __call__(self, path: Sequence[str | int]) -> tuple[int, int]:
        if not path:
            return 1, 1
        if not self._composed:
            self._tree, self._composed = yamlio.compose_fast(self.text), True
        return yamlio.node_position(self._tree, path)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MESSAGE_MAX = 300


def one_line(message: str) -> str:
    """A message fit for one line of a terminal or a CI annotation: control characters a file's
    value brought in are escaped (`\x00`, `\n`), and a huge value is cut."""
    message = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def schema_message(error: Any) -> tuple[tuple[Any, ...], str]:
    """One readable line per pydantic error: the dotted key path and what is wrong."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    dotted = one_line(".".join(str(p) for p in loc) or "(top level)")
    if error["type"] == "extra_forbidden":
        return loc, f"{dotted}: unknown key (check its spelling)"
    if error["type"] == "missing":
        return loc, f"{dotted}: required key is missing"
    message = error["msg"].removeprefix("Value error, ")
    return loc, one_line(f"{dotted}: {message}")


def read_text(path: Path, relpath: str) -> str:
    """A ledger file's text; a YamlProblem (CL006) when it is over the cap, before reading it,
    or (CL001) at the line and column of the first byte that is not UTF-8."""
    from .files import Disk

    raw = Disk(path.parent).read(path.name)
    if raw is None:
        raise FileNotFoundError(path)
    return decoded(raw, relpath)


def decoded(raw: bytes, relpath: str) -> str:
    """A file's bytes as text; a YamlProblem (CL001) at the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} here): save the file as UTF-8"
        raise yamlio.YamlProblem(message, relpath, line, col) from None


def read_problem(source: Source, relpath: str) -> tuple[str | None, list[Problem]]:
    """A file's text, or why not as a problem (over the size cap, not UTF-8, unreadable); None
    and no problem when it is not there."""
    try:
        raw = source.read(relpath)
        return (decoded(raw, relpath) if raw is not None else None), []
    except yamlio.YamlProblem as exc:
        return None, [Problem(exc.code, "error", relpath, exc.line or 1, exc.col, exc.detail)]
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        return None, [Problem("CL001", "error", relpath, 1, 1, message)]


def load_data(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The fast YAML parse alone (validate runs it in worker processes): data, or the problem
    of a text the reader refuses (CL001, CL005, CL006) or that is not a mapping (CL002)."""
    try:
        data = yamlio.load_fast(text, file)
    except yamlio.YamlProblem as exc:
        return None, [Problem(exc.code, "error", file, exc.line or 1, exc.col, exc.detail)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem("CL002", "error", file, 1, 1, "the file must hold a mapping of keys")]
    return data, []


Locate = Callable[[Sequence[str | int]], tuple[int, int]]


def validate_data(
    data: Any, file: str, model: type[M], locate: Locate
) -> tuple[M | None, list[Problem]]:
    """The model of parsed data, or its CL002/CL003 problems, each at its line."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc, message = schema_message(error)
            code = "CL003" if error["type"] == "extra_forbidden" else "CL002"
            line, col = locate(loc)
            problems.append(Problem(code, "error", file, line, col, message))
        return None, problems


def parse_file(
    text: str, file: str, model: type[M], locate: Locator | None = None
) -> tuple[M | None, list[Problem]]:
    """Parse and validate one file; every problem comes back as data with its line."""
    data, problems = load_data(text, file)
    if problems:
        return None, problems
    return validate_data(data, file, model, locate or Locator(text))


def refusal(problems: Sequence[Problem], name: Callable[[str], str] = str) -> InputError:
    """What an action or a query says of a file it relies on that has problems: the first, at
    its line (exit 2), pointing to `coc validate` for the rest."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more: see `coc validate`)" if len(problems) > 1 else ""
    return InputError(first.message + more, name(first.file), first.line)


def parse_strictly(text: str, file: str, model: type[M]) -> M:
    """A file an action or a query relies on: its model, or its first problem as an InputError
    (exit 2, naming file:line and pointing to `coc validate`)."""
    parsed, problems = parse_file(text, file, model)
    if parsed is None:
        raise refusal(problems)
    return parsed


def parse_quietly(text: str | None, file: str, model: type[M]) -> M | None:
    """A model of an older version of a file (history checks): None when it does not parse."""
    if text is None:
        return None
    parsed, _ = parse_file(text, file, model, Locator(""))
    return parsed
