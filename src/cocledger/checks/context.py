"""What validate's checks look at: the ledger as `store.validation` loaded it, leniently (a file
that does not parse is None here, its problems already reported, and every check skips what it
cannot see), with the indexes many checks share and the lines of key paths.

Pure data: the texts come in as a mapping, and the history (with --base) as a `HistorySource`,
both fed by `store/`; no check reads a file or runs git.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, NamedTuple, Protocol, TypeVar

from ..core import rules
from ..core.models import Case, Person, Policy, Sanction
from ..core.problems import Problem
from ..store.git import CommitInfo
from ..store.loader import Locator

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


class HistorySource(Protocol):
    """The git history validate --base reads, as `store.history` gives it."""

    base: str
    fork: str
    rewritten: bool
    """REF is not an ancestor of HEAD."""
    changed: set[str]
    commits: list[CommitInfo]

    def text_at(self, rev: str, path: str) -> str | None: ...

    def model_at(self, rev: str, path: str, model: type[Any]) -> Any:
        """A file's model at a revision, None if absent or broken."""

    def parents(self, sha: str) -> list[str]: ...

    def changed_between(self, before: str, after: str) -> list[str]: ...

    def commits_of(self, trailer: str, path: str) -> list[CommitInfo]: ...

    def close(self) -> None:
        """Stop reading git (validate is done)."""


@dataclass
class Context:
    """The ledger as the checks see it."""

    at: datetime
    texts: Mapping[str, str]
    policy: Policy | None = None
    people: list[Person] | None = None
    sanctions: list[Sanction] | None = None
    cases: list[tuple[str, Case]] = field(default_factory=list)
    case_files: list[str] = field(default_factory=list)
    missing: frozenset[str] = frozenset()
    parse_problems: list[Problem] = field(default_factory=list)
    history: HistorySource | None = None
    policy_when_enacted: Callable[[str], Policy | None] | None = None
    """policy.yaml as it stood when a sanction was enacted (read from git by the store)."""
    _locators: dict[str, Locator] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict)

    # --- lines, for the files that have a problem -----------------------------------------------

    def locate(self, file: str, path: Sequence[str | int]) -> tuple[int, int]:
        """Line and column of a key path; a file is composed (positions only) at most once."""
        if not path or file not in self.texts:
            return 1, 1
        if file not in self._locators:
            self._locators[file] = Locator(self.texts[file])
        return self._locators[file](path)

    # --- what many checks need ------------------------------------------------------------------

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """A value several checks need (the history, `coc due`'s items), computed once per run."""
        if name not in self._shared:
            self._shared[name] = compute()
        return self._shared[name]  # type: ignore[no-any-return]

    @property
    def today(self) -> date:
        return rules.local_date(self.at, self.policy) if self.policy else self.at.date()

    @cached_property
    def person_ids(self) -> set[str] | None:
        return {p.id for p in self.people} if self.people is not None else None

    @cached_property
    def cases_by_id(self) -> dict[str, tuple[str, Case]]:
        return {case.id: (file, case) for file, case in self.cases}

    @cached_property
    def known_case_ids(self) -> set[str]:
        """Ids of parsed cases and the names of case files that did not parse (not 'unknown')."""
        stems = {os.path.splitext(os.path.basename(f))[0] for f in self.case_files}  # Path.stem
        return set(self.cases_by_id) | stems

    @cached_property
    def sanctions_by_id(self) -> dict[str, Sanction]:
        return {s.id: s for s in self.sanctions or []}

    @cached_property
    def sanctions_by_person(self) -> dict[str, list[Sanction]]:
        """Each person's sanctions: rules over one person's record never scan the whole register."""
        grouped: dict[str, list[Sanction]] = defaultdict(list)
        for sanction in self.sanctions or []:
            if sanction.person:
                grouped[sanction.person].append(sanction)
        return grouped

    @cached_property
    def sanctions_by_case(self) -> dict[str, list[Sanction]]:
        grouped: dict[str, list[Sanction]] = defaultdict(list)
        for sanction in self.sanctions or []:
            if sanction.case:
                grouped[sanction.case].append(sanction)
        return grouped

    def entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """(key path, sanction) for each entry of sanctions.yaml."""
        for index, sanction in enumerate(self.sanctions or []):
            yield ("sanctions", index), sanction

    def live_entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """Sanctions still holding their details (not tombstones)."""
        return ((path, s) for path, s in self.entries() if s.status != "expunged")

    def live_cases(self) -> Iterator[tuple[str, Case]]:
        return ((file, case) for file, case in self.cases if case.status != "expunged")
