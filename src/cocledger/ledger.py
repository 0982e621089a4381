"""Load a ledger directory into models, lazily and once, with the file and line of every problem.

Files are parsed with the fast YAML 1.2 reader; only a file with a problem is re-read with the
position-keeping loader to find the line, so a large ledger loads near the parsing floor.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import parse_cache, yamlio
from .errors import InputError, UsageError
from .ids import (
    CASE_ID_PATTERN,
    CASES_DIR,
    PERSON_ID_PATTERN,
    SANCTION_ID_PATTERN,
    case_path,
    check_id,
    no_case,
)
from .models import (
    Case,
    PeopleFile,
    Person,
    Policy,
    Sanction,
    SanctionsFile,
)
from .registers import Register

POLICY_FILE = "policy.yaml"
PEOPLE_FILE = "people.yaml"
SANCTIONS_FILE = "sanctions.yaml"

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One finding about the ledger, located like a compiler diagnostic (file:line:col)."""

    code: str
    severity: str  # "error" or "warning"
    file: str
    line: int
    col: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "message": self.message,
        }


def schema_message(error: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """One readable line per pydantic error: the dotted key path and what is wrong."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    dotted = ".".join(str(p) for p in loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        return loc, f"{dotted}: unknown key (check its spelling)"
    if error["type"] == "missing":
        return loc, f"{dotted}: required key is missing"
    message = error["msg"].removeprefix("Value error, ")
    return loc, f"{dotted}: {message}"


Locate = Callable[[str, Sequence[str | int]], tuple[int, int]]


def parse_file(
    text: str, file: str, model: type[M], locate: Locate | None = None
) -> tuple[M | None, list[Problem]]:
    """Parse and validate one file; every problem comes back as data with its line."""
    data, problems = load_data(text, file)
    if problems:
        return None, problems
    return validate_data(data, text, file, model, locate)


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


def validate_data(
    data: Any, text: str, file: str, model: type[M], locate: Locate | None = None
) -> tuple[M | None, list[Problem]]:
    """The model of parsed data, or its CL002/CL003 problems located in `text` by `locate`
    (default: a round-trip parse of `text`, made once for all its problems)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        locate = locate or yamlio.locator()
        problems = []
        for error in exc.errors():
            loc, message = schema_message(error)
            code = "CL003" if error["type"] == "extra_forbidden" else "CL002"
            line, col = locate(text, loc)
            problems.append(Problem(code, "error", file, line, col, message))
        return None, problems


class Ledger:
    """A ledger work tree; each file is read at most once, when first needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str | None] = {}
        self._cases: dict[str, Case] = {}
        self.written: dict[str, tuple[str, Register[Any]]] = {}  # registers an action rewrote

    def text(self, relpath: str) -> str | None:
        if relpath not in self._texts:
            path = self.root / relpath
            self._texts[relpath] = path.read_text(encoding="utf-8") if path.is_file() else None
        return self._texts[relpath]

    def _load(self, relpath: str, model: type[M]) -> M:
        text = self.text(relpath)
        if text is None:
            raise self._missing(relpath)
        parsed, problems = parse_file(text, relpath, model)
        if parsed is None:
            first = problems[0]
            raise InputError(first.message, relpath, first.line)
        return parsed

    def _missing(self, relpath: str) -> InputError:
        return InputError(f"missing; is {self.root} a ledger? Create one with `coc init`", relpath)

    def _register(
        self, relpath: str, model: type[R], whole: type[BaseModel], key: str
    ) -> Register[R]:
        """A register from the parse cache, or parsed whole (and then entered in the cache)."""
        text = self.text(relpath)
        if text is None:
            if relpath != SANCTIONS_FILE:
                raise self._missing(relpath)
            return Register.of(model, [])  # a ledger without sanctions yet
        found = parse_cache.register(
            self.root, text, model, lambda: getattr(self._load(relpath, whole), key)
        )
        assert found is not None  # _load raises rather than return nothing
        return found

    @cached_property
    def policy(self) -> Policy:
        return self._load(POLICY_FILE, Policy)

    @cached_property
    def people_register(self) -> Register[Person]:
        return self._register(PEOPLE_FILE, Person, PeopleFile, "people")

    @cached_property
    def sanction_register(self) -> Register[Sanction]:
        return self._register(SANCTIONS_FILE, Sanction, SanctionsFile, "sanctions")

    @property
    def people(self) -> list[Person]:
        return self.people_register.all()

    @property
    def sanctions(self) -> list[Sanction]:
        return self.sanction_register.all()

    def person(self, person_id: str, flag: str = "ID") -> Person:
        check_id(person_id, PERSON_ID_PATTERN, "person", "frank.example")
        if person_id in self.people_register:
            return self.people_register[person_id]
        raise UsageError(
            f"{flag}: no person '{person_id}' in people.yaml (add them with `coc person add`)"
        )

    def people_with_email(self, email: str | None) -> list[Person]:
        """The people whose email is this one, ignoring case (the actor check needs no more)."""
        return self.people_register.where("email", email.strip()) if email else []

    def sanction(self, sanction_id: str) -> Sanction:
        check_id(sanction_id, SANCTION_ID_PATTERN, "sanction", "S-2026-0003")
        if sanction_id in self.sanction_register:
            return self.sanction_register[sanction_id]
        raise UsageError(f"no sanction '{sanction_id}' in sanctions.yaml (see `coc case show`)")

    def sanctions_of(self, person_id: str) -> list[Sanction]:
        """One person's sanctions, in register order."""
        return self.sanction_register.where("person", person_id)

    def case(self, case_id: str) -> Case:
        relpath = case_path(case_id)
        if case_id not in self._cases:
            if self.text(relpath) is None:
                raise no_case(case_id)
            self._cases[case_id] = self._load(relpath, Case)
        return self._cases[case_id]

    def case_files(self) -> list[str]:
        """Every case file's relative path, sorted; nothing is parsed."""
        base = self.root / CASES_DIR
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.glob("*/*.yaml"))

    def case_ids(self, year: str | None = None) -> list[str]:
        pattern = f"{year}/*.yaml" if year else "*/*.yaml"
        base = self.root / CASES_DIR
        if not base.is_dir():
            return []
        # a stray file (notes.yaml, a copy) is validate's to report (CL001/CL021), not a crash here
        return sorted(p.stem for p in base.glob(pattern) if re.fullmatch(CASE_ID_PATTERN, p.stem))

    def cases(self, status: str | None = None, also: Collection[str] = ()) -> Iterator[Case]:
        """Every case in id order; with `status`, only the cases of that status and those in `also`.

        A case file is recognised by its content in the case store (inside .git), so only new or
        changed files are parsed, and a case of another status is not even unpickled.
        """
        store = parse_cache.Store(self.root, "cases")
        root = str(self.root)
        for case_id in self.case_ids():
            wanted = status is None or case_id in also
            try:  # read even when loaded before: the store keeps the entries of what it saw
                with open(os.path.join(root, case_path(case_id)), "rb") as handle:
                    raw: bytes | None = handle.read()
            except OSError:  # not where its id says: `case` reports it as it always has
                raw = None
            digest, entry = store.find(raw) if raw is not None else (b"", None)
            case = self._cases.get(case_id)
            if case is None:
                if entry is not None and not wanted and entry[0] != status:
                    continue
                case = parse_cache.Store.model(entry, Case) if entry is not None else None
                if case is None:
                    case = self.case(case_id)
                    if raw is not None:
                        store.add(digest, case.status, case)
                self._cases[case_id] = case
            if wanted or case.status == status:
                yield case
        store.save()

    def sanctions_of_case(self, case_id: str) -> list[Sanction]:
        return self.sanction_register.where("case", case_id)
