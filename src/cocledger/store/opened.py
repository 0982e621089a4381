"""SPEC §8 The snapshot's views of a sealed ledger: each case got by id, and each register entry
read, opened with the user's identity (`seals.Seals`); nothing above `store/` sees a key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from ..core.models import Case, Person, Sanction
from ..core.snapshot import EVERY_CASE, CaseFiles, CaseQuery, Entries
from .seals import Seals

E = TypeVar("E", Person, Sanction)


class OpenedCases:
    """A ledger's case files with each case got by id opened (`CaseFiles`); a scan over many
    yields them as stored: a list never shows a sealed field's text, and opening thousands
    would cost what no list needs."""

    def __init__(self, inner: CaseFiles, seals: Seals) -> None:
        self.inner, self.seals = inner, seals

    def get(self, case_id: str) -> Case | None:
        found = self.inner.get(case_id)
        return self.seals.open_case(found) if found is not None else None

    def exists(self, case_id: str) -> bool:
        return self.inner.exists(case_id)

    def ids(self, year: str | None = None) -> list[str]:
        return self.inner.ids(year)

    def strays(self) -> list[str]:
        return self.inner.strays()

    def scan(self, query: CaseQuery = EVERY_CASE) -> Iterator[Case]:
        return self.inner.scan(query)


class OpenedEntries(Generic[E]):
    """people.yaml or sanctions.yaml with each entry opened when it is read."""

    def __init__(self, inner: Entries[E], open_: Callable[[E], E]) -> None:
        self.inner: Entries[E] = inner
        self._open: Callable[[E], E] = open_
        self._done: dict[str, E] = {}

    @property
    def ids(self) -> Sequence[str]:
        return self.inner.ids

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.inner

    def __getitem__(self, entry_id: str) -> E:
        if entry_id not in self._done:
            self._done[entry_id] = self._open(self.inner[entry_id])
        return self._done[entry_id]

    def __len__(self) -> int:
        return len(self.inner)

    def all(self) -> Sequence[E]:
        return [self[entry_id] for entry_id in self.inner.ids]

    def where(self, field: str, value: str | None) -> Sequence[E]:
        return [self[entry.id] for entry in self.inner.where(field, value)]

    def values_of(self, field: str) -> Sequence[str | None]:
        return self.inner.values_of(field)
