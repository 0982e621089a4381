"""The one loader: a YAML text parsed into a model, every problem as data with its line.

Files are parsed with the fast YAML 1.2 reader; a file with a problem is composed (positions
only, with the same fast reader) once, to find the line of each. Actions, queries and
`coc validate` all read the ledger through here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..core.problems import Problem
from ..errors import InputError
from . import yamlio

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


def schema_message(error: Any) -> tuple[tuple[Any, ...], str]:
    """One readable line per pydantic error: the dotted key path and what is wrong."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    dotted = ".".join(str(p) for p in loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        return loc, f"{dotted}: unknown key (check its spelling)"
    if error["type"] == "missing":
        return loc, f"{dotted}: required key is missing"
    message = error["msg"].removeprefix("Value error, ")
    return loc, f"{dotted}: {message}"


def load_data(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The fast YAML parse alone (validate runs it in worker processes): data or CL001/CL002."""
    try:
        data = yamlio.load_fast(text, file)
    except InputError as exc:
        return None, [Problem("CL001", "error", file, exc.line or 1, 1, exc.detail)]
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


def parse_strictly(text: str, file: str, model: type[M]) -> M:
    """A file an action or a query relies on: its model, or its first problem as an InputError
    (exit 2, naming file:line and pointing to `coc validate`)."""
    parsed, problems = parse_file(text, file, model)
    if parsed is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: see `coc validate`)" if len(problems) > 1 else ""
        raise InputError(first.message + more, file, first.line)
    return parsed


def parse_quietly(text: str | None, file: str, model: type[M]) -> M | None:
    """A model of an older version of a file (history checks): None when it does not parse."""
    if text is None:
        return None
    parsed, _ = parse_file(text, file, model, Locator(""))
    return parsed
