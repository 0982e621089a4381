"""What validate's checks look at: the ledger as the one loader gives it (`core.ledger.Ledger`:
a file that does not parse is None there, its problems already reported, and every check skips
what it cannot see), the files whose problems are wanted (all, for `coc validate`; those an
action reads or writes, for its own check), the indexes many checks share and the lines of key
paths. With --base, the history as a `HistorySource` fed by `store/`; with --identity, an
`Opener` fed by `store/` (SPEC §8); no check reads a file, runs git or opens a key.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from ..core import rules
from ..core.history import HistorySource
from ..core.ids import CASES_DIR, case_path
from ..core.ledger import Ledger
from ..core.models import Case, Person, Policy, Sanction
from ..core.problems import Problem
from ..core.sealing import Opener
from ..core.snapshot import Entries
from ..errors import CocError

T = TypeVar("T")


class Finding(NamedTuple):
    """What a check reports: the file, the key path to the offending value, and what is wrong.

    The runner adds the code and severity from the check table and turns the path into a line;
    a finding that already knows its line (a YAML syntax error) gives it.
    """

    file: str
    path: Sequence[str | int]
    message: str
    line: int = 0
    col: int = 0


@dataclass
class Context:
    """The ledger as the checks see it."""

    at: datetime
    ledger: Ledger
    scope: frozenset[str] | None = None
    """The files whose problems are wanted (None: every file); ALL_CASES stands for cases/."""
    history: HistorySource | None = None
    cases_only: frozenset[str] | None = None
    """The cases whose sanctions the register's checks look into (their case, their timeline's
    replay); None: every one. After an action, those it changed, on a ledger that held no error
    before it."""
    entries_only: frozenset[str] | None = None
    """The sanctions whose entries of sanctions.yaml are judged (None: every one); likewise."""
    opener: Opener | None = None
    """`validate --identity`: whether what that identity may read opens (SPEC §8, CL099)."""
    _shared: dict[str, Any] = field(default_factory=dict)

    # --- what is looked at --------------------------------------------------------------------

    def wants(self, file: str) -> bool:
        """Whether problems in this file are wanted."""
        if self.scope is None or file in self.scope:
            return True
        return file.startswith(CASES_DIR + "/") and CASES_DIR + "/" in self.scope

    def locate(self, file: str, path: Sequence[str | int]) -> tuple[int, int]:
        return self.ledger.locate(file, path) if path else (1, 1)

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """A value several checks need (the history, `coc due`'s items), computed once per run."""
        if name not in self._shared:
            self._shared[name] = compute()
        return self._shared[name]  # type: ignore[no-any-return]

    # --- the files ----------------------------------------------------------------------------

    @property
    def policy(self) -> Policy | None:
        return self.ledger.policy

    @property
    def register(self) -> Entries[Sanction] | None:
        """sanctions.yaml's entries (None: it does not parse), validated when used."""
        return self.ledger.sanctions

    @cached_property
    def people(self) -> Entries[Person] | None:
        return self.ledger.people

    @cached_property
    def sanctions(self) -> list[Sanction] | None:
        """Every entry of sanctions.yaml (the history checks of --base read them all)."""
        found = self.register
        return list(found.all()) if found is not None else None

    @property
    def missing(self) -> frozenset[str]:
        return self.ledger.missing

    @cached_property
    def case_files(self) -> list[str]:
        return list(self.ledger.case_files())

    @cached_property
    def parse_problems(self) -> list[Problem]:
        files = None if self.scope is None else self._scoped_files()
        return [p for p in self.ledger.problems(files) if self.wants(p.file)]

    def _scoped_files(self) -> Collection[str]:
        assert self.scope is not None
        if CASES_DIR + "/" in self.scope:
            return {*self.scope, *self.case_files} - {CASES_DIR + "/"}
        return self.scope

    @cached_property
    def wanted_case_files(self) -> list[str]:
        """The case files whose problems are wanted, parsed or not, in order (a scope that
        names its case files is not matched against a listing of every one)."""
        if self.scope is not None and CASES_DIR + "/" not in self.scope:
            return sorted(f for f in self.scope if f.startswith(CASES_DIR + "/"))
        return [f for f in self.case_files if self.wants(f)]

    @cached_property
    def cases(self) -> list[tuple[str, Case]]:
        """The parsed case files whose problems are wanted, in order."""
        found = []
        for file in self.wanted_case_files:
            case = self.ledger.case_in(file)
            if case is not None:
                found.append((file, case))
        return found

    @property
    def today(self) -> date:
        return rules.local_date(self.at, self.policy) if self.policy else self.at.date()

    # --- indexes --------------------------------------------------------------------------------

    @cached_property
    def person_ids(self) -> set[str] | None:
        return set(self.people.ids) if self.people is not None else None

    @cached_property
    def _all_cases(self) -> dict[str, tuple[str, Case]] | None:
        """Every case by id, wherever its file is (only when every file is looked at)."""
        if self.scope is not None:
            return None
        return {case.id: (file, case) for file, case in self.cases}

    def case_of(self, case_id: str | None) -> tuple[str, Case] | None:
        """A case by id: (its file, the case), None if there is none that parses."""
        if not case_id:
            return None
        if self._all_cases is not None:
            return self._all_cases.get(case_id)
        try:
            file = case_path(case_id)
        except CocError:  # not an id: no case
            return None
        case = self.ledger.case_in(file)
        return (file, case) if case is not None and case.id == case_id else None

    @cached_property
    def _case_stems(self) -> set[str]:
        return {os.path.splitext(os.path.basename(f))[0] for f in self.case_files}

    def known_case(self, case_id: str) -> bool:
        """Whether the case has a file (one that does not parse is not 'unknown')."""
        if self.scope is None:
            return case_id in self._case_stems
        try:
            return self.ledger.exists(case_path(case_id))
        except CocError:  # not an id: no case
            return False

    @cached_property
    def sanctions_by_id(self) -> Mapping[str, Sanction]:
        register = self.register
        return _ById(register) if register is not None else {}

    @cached_property
    def sanctions_by_person(self) -> Mapping[str, Sequence[Sanction]]:
        """Each person's sanctions: rules over one person's record never scan the whole register."""
        return self._grouped("person")

    @cached_property
    def sanctions_by_case(self) -> Mapping[str, Sequence[Sanction]]:
        return self._grouped("case")

    def _grouped(self, field: str) -> Mapping[str, Sequence[Sanction]]:
        register = self.register
        if register is None:
            return {}
        if self.entries_only is not None:  # a few entries judged: look each one up
            return _Grouped(register, field)
        grouped: dict[str, list[Sanction]] = defaultdict(list)
        for sanction in register.all():
            key = getattr(sanction, field)
            if key:
                grouped[key].append(sanction)
        return grouped

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Each sanction id's place in sanctions.yaml (the first, for an id listed twice)."""
        register = self.register
        places: dict[str, int] = {}
        for index, sanction_id in enumerate(register.ids if register is not None else ()):
            places.setdefault(sanction_id, index)
        return places

    def index_of(self, sanction_id: str) -> int | None:
        return self._positions.get(sanction_id)

    def entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """(key path, sanction) for each entry of sanctions.yaml judged (`entries_only`)."""
        register = self.register
        if register is None:
            return
        if self.entries_only is None:
            for index, sanction in enumerate(register.all()):
                yield ("sanctions", index), sanction
            return
        chosen = [i for i in self.entries_only if i in self._positions]
        for sanction_id in sorted(chosen, key=self._positions.__getitem__):
            yield ("sanctions", self._positions[sanction_id]), register[sanction_id]

    def live_entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """Sanctions still holding their details (not tombstones)."""
        return ((path, s) for path, s in self.entries() if s.status != "expunged")

    def looked_into(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """The sanctions on record whose case a check reads (`cases_only`)."""
        only = self.cases_only
        return ((p, s) for p, s in self.live_entries() if only is None or s.case in only)

    def live_cases(self) -> Iterator[tuple[str, Case]]:
        return ((file, case) for file, case in self.cases if case.status != "expunged")


class _ById(Mapping[str, Sanction]):
    """sanctions.yaml's entries by id, each validated when looked up."""

    def __init__(self, register: Entries[Sanction]) -> None:
        self.register = register

    def __getitem__(self, sanction_id: str) -> Sanction:
        return self.register[sanction_id]

    def __contains__(self, sanction_id: object) -> bool:
        return sanction_id in self.register

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self.register.ids))

    def __len__(self) -> int:
        return len(dict.fromkeys(self.register.ids))


class _Grouped(Mapping[str, Sequence[Sanction]]):
    """The sanctions of one person (or case), looked up when asked for."""

    def __init__(self, register: Entries[Sanction], field: str) -> None:
        self.register, self.field = register, field

    def __getitem__(self, key: str) -> Sequence[Sanction]:
        found = self.register.where(self.field, key)
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(v for v in self.register.values_of(self.field) if v))

    def __len__(self) -> int:
        return len(list(iter(self)))
