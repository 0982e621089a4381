"""The ledger as one immutable value: what an action or a query reads, and all it reads.

`store.repository` makes a Snapshot of a work tree (loading files lazily and from its caches,
which nothing here can see); `Snapshot.of` makes one in memory, for tests and tools. Either way
the snapshot is unambiguous: no two entries share an id (SPEC §2 An ambiguous ledger).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..errors import InputError, UsageError
from .ids import (
    CASES_DIR,
    PERSON_ID_PATTERN,
    SANCTION_ID_PATTERN,
    case_path,
    check_id,
    no_case,
)
from .models import Case, Person, Policy, Sanction

if TYPE_CHECKING:
    from .change import Change

E = TypeVar("E", Person, Sanction)
E_co = TypeVar("E_co", covariant=True)


def lowered(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def same(value: Any) -> str | None:
    return value if isinstance(value, str) else None


LOOKUPS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "Person": {"email": lowered},
    "Sanction": {"person": same, "case": same},
}
"""The fields each register is looked up by, and how a value is compared (emails ignore case)."""


class Entries(Protocol[E_co]):
    """people.yaml or sanctions.yaml: entries by id, in file order."""

    @property
    def ids(self) -> Sequence[str]: ...

    def __contains__(self, entry_id: object) -> bool: ...

    def __getitem__(self, entry_id: str) -> E_co: ...

    def __len__(self) -> int: ...

    def all(self) -> Sequence[E_co]: ...

    def where(self, field: str, value: str | None) -> Sequence[E_co]: ...

    def values_of(self, field: str) -> Sequence[str | None]:
        """Every entry's value of a lookup field (as LOOKUPS compares it), in file order."""


@dataclass(frozen=True)
class CaseQuery:
    """Which cases a scan of the case files gives, in id order."""

    status: str | None = None
    """Only the cases of this status (and those in `also`); None: every case."""
    also: Collection[str] = ()
    year: str | None = None
    """Only the cases whose ids are of this year."""
    readable: bool = False
    """A case file that cannot be read is passed over, not refused."""
    mentioning: Collection[str] = ()
    """A case whose file's text lacks one of these strings may be left out: a filter before
    parsing, for a query that compares cases with those fields (SPEC §3 The same thing twice)."""

    def wants(self, case_id: str, status: str) -> bool:
        return self.status is None or status == self.status or case_id in self.also


EVERY_CASE = CaseQuery()


class CaseFiles(Protocol):
    """The case files: one by id, the ids there are, every case."""

    def get(self, case_id: str) -> Case | None: ...

    def exists(self, case_id: str) -> bool:
        """Whether the case has a file (parsed or not)."""

    def ids(self, year: str | None = None) -> list[str]: ...

    def strays(self) -> list[str]:
        """The files under cases/ that are not where a case file's name puts them (a case
        misplaced, a copy, notes.yaml): which ids they hold is unknown until they are fixed."""

    def scan(self, query: CaseQuery = EVERY_CASE) -> Iterator[Case]:
        """The cases `query` asks for, in id order."""


class Listed(Generic[E]):
    """Entries held in memory (a Snapshot made by `Snapshot.of`)."""

    def __init__(self, entries: Iterable[E]) -> None:
        self._entries: tuple[E, ...] = tuple(entries)
        self._by_id: dict[str, E] = {e.id: e for e in self._entries}
        if len(self._by_id) != len(self._entries):
            raise ValueError("two entries share an id")

    @property
    def ids(self) -> Sequence[str]:
        return tuple(self._by_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __getitem__(self, entry_id: str) -> E:
        return self._by_id[entry_id]

    def __len__(self) -> int:
        return len(self._entries)

    def all(self) -> Sequence[E]:
        return self._entries

    def where(self, field: str, value: str | None) -> Sequence[E]:
        compare = LOOKUPS[type(self._entries[0]).__name__][field] if self._entries else same
        wanted = compare(value)
        return [e for e in self._entries if compare(getattr(e, field)) == wanted]

    def values_of(self, field: str) -> Sequence[str | None]:
        if not self._entries:
            return []
        compare = LOOKUPS[type(self._entries[0]).__name__][field]
        return [compare(getattr(e, field)) for e in self._entries]


class EntriesAfter(Generic[E]):
    """A register with some entries replaced, added or removed by a change not yet committed;
    the others are read from the register underneath when asked for (a register of thousands
    is not validated whole to check what one action changed)."""

    def __init__(self, base: Entries[E], changed: Iterable[E], removed: Collection[str] = ()):
        self.base: Entries[E] = base
        self.changed: dict[str, E] = {e.id: e for e in changed}
        self.removed: set[str] = set(removed) - set(self.changed)
        kept: list[str] = [i for i in dict.fromkeys(base.ids) if i not in self.removed]
        self._ids: tuple[str, ...] = (*kept, *(i for i in self.changed if i not in base))

    @property
    def ids(self) -> Sequence[str]:
        return self._ids

    def __contains__(self, entry_id: object) -> bool:
        if entry_id in self.changed:
            return True
        return entry_id not in self.removed and entry_id in self.base

    def __getitem__(self, entry_id: str) -> E:
        found: E
        if entry_id in self.changed:
            found = self.changed[entry_id]
        elif entry_id in self.removed:
            raise KeyError(entry_id)
        else:
            found = self.base[entry_id]
        return found

    def __len__(self) -> int:
        return len(self._ids)

    def all(self) -> Sequence[E]:
        return [self[i] for i in self._ids]

    def _compare(self, field: str) -> Callable[[Any], str | None]:
        model = next(iter(self.changed.values())).__class__.__name__ if self.changed else None
        return LOOKUPS[model][field] if model else same

    def where(self, field: str, value: str | None) -> Sequence[E]:
        compare = self._compare(field)
        found = []
        for entry in self.base.where(field, value):
            if entry.id in self.removed or entry.id in self.changed:
                continue
            found.append(entry)
        wanted = compare(value)
        found += [e for e in self.changed.values() if compare(getattr(e, field)) == wanted]
        return found

    def values_of(self, field: str) -> Sequence[str | None]:
        compare = self._compare(field)
        under = dict(zip(self.base.ids, self.base.values_of(field), strict=True))
        return [
            compare(getattr(self.changed[i], field)) if i in self.changed else under[i]
            for i in self._ids
        ]


@dataclass(frozen=True)
class CasesInMemory:
    """Case files held in memory, by id."""

    by_id: Mapping[str, Case]

    def get(self, case_id: str) -> Case | None:
        return self.by_id.get(case_id)

    def exists(self, case_id: str) -> bool:
        return case_id in self.by_id

    def ids(self, year: str | None = None) -> list[str]:
        return sorted(i for i in self.by_id if year is None or i[4:8] == year)

    def strays(self) -> list[str]:
        return []  # held by id: every case is where its id puts it

    def scan(self, query: CaseQuery = EVERY_CASE) -> Iterator[Case]:
        for case_id in self.ids(query.year):
            case = self.by_id[case_id]
            if query.wants(case_id, case.status):
                yield case


@dataclass(frozen=True)
class CasesAfter:
    """Case files with some cases added or replaced (by a change not yet committed): the others
    are read from the case files underneath, when asked for."""

    base: CaseFiles
    changed: Mapping[str, Case]

    def get(self, case_id: str) -> Case | None:
        found = self.changed.get(case_id)
        return found if found is not None else self.base.get(case_id)

    def exists(self, case_id: str) -> bool:
        return case_id in self.changed or self.base.exists(case_id)

    def _changed_of(self, year: str | None) -> dict[str, Case]:
        return {i: c for i, c in self.changed.items() if year is None or i[4:8] == year}

    def ids(self, year: str | None = None) -> list[str]:
        return sorted(set(self.base.ids(year)) | set(self._changed_of(year)))

    def strays(self) -> list[str]:
        return self.base.strays()

    def scan(self, query: CaseQuery = EVERY_CASE) -> Iterator[Case]:
        year = query.year
        if query.mentioning:  # the base filters its files' text; the changed cases are all given
            new = self._changed_of(year)
            found = {c.id: c for c in self.base.scan(query) if c.id not in new}
            found.update((i, c) for i, c in new.items() if query.wants(i, c.status))
            yield from (found[i] for i in sorted(found))
            return
        for case_id in self.ids(year):
            try:
                case = self.get(case_id)
            except InputError:  # a file that cannot be read: refused, or passed over
                if query.readable:
                    continue
                raise
            if case is not None and query.wants(case_id, case.status):
                yield case


ALL_CASES = CASES_DIR + "/"
"""In `Snapshot.reads`: every case file was read."""


@dataclass(frozen=True)
class Snapshot:
    """The ledger as it stands: policy, people, sanctions, case files and notice templates.

    `reads` names the case files an action read (ALL_CASES: every one), so that it can be
    refused when one of them holds an error `coc validate` reports (SPEC §3 One engine); the
    policy and the registers are read by every action."""

    policy: Policy
    people: Entries[Person]
    sanctions: Entries[Sanction]
    case_files: CaseFiles
    templates: Mapping[str, str] = field(default_factory=dict)
    """Template name -> the text the ledger uses (its own copy, or the package's default)."""
    reads: set[str] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        policy: Policy,
        people: Iterable[Person] = (),
        sanctions: Iterable[Sanction] = (),
        cases: Iterable[Case] = (),
        templates: Mapping[str, str] | None = None,
    ) -> Snapshot:
        """A snapshot held in memory."""
        by_id = {case.id: case for case in cases}
        return cls(policy, Listed(people), Listed(sanctions), CasesInMemory(by_id), templates or {})

    def after(self, change: Change) -> Snapshot:
        """The ledger as it would stand once `change` is made, held in memory (for tests, and to
        check an action's result before it is committed); case files not changed are read from
        this snapshot's, when asked for."""
        cases = CasesAfter(self.case_files, {c.id: c for c in change.cases})
        return Snapshot(
            change.policy or self.policy,
            _after(self.people, change.people, change.people_removed),
            _after(self.sanctions, change.sanctions, ()),
            cases,
            self.templates,
        )

    def given(self, change: Change) -> tuple[list[str], list[str]]:
        """The case and sanction ids a change gives: the records it writes that this ledger does
        not hold yet."""
        cases = [c.id for c in change.cases if not self.case_files.exists(c.id)]
        return cases, [s.id for s in change.sanctions if s.id not in self.sanctions]

    def person(self, person_id: str, flag: str = "ID") -> Person:
        check_id(person_id, PERSON_ID_PATTERN, "person", "frank.example")
        if person_id in self.people:
            return self.people[person_id]
        raise UsageError(
            f"{flag}: no person '{person_id}' in people.yaml (add them with `coc person add`)"
        )

    def people_with_email(self, email: str | None) -> Sequence[Person]:
        """The people whose email is this one, ignoring case."""
        return self.people.where("email", email.strip()) if email else []

    def sanction(self, sanction_id: str) -> Sanction:
        check_id(sanction_id, SANCTION_ID_PATTERN, "sanction", "S-2026-0003")
        if sanction_id in self.sanctions:
            return self.sanctions[sanction_id]
        raise UsageError(f"no sanction '{sanction_id}' in sanctions.yaml (see `coc case show`)")

    def sanctions_of(self, person_id: str) -> Sequence[Sanction]:
        """One person's sanctions, in register order."""
        return self.sanctions.where("person", person_id)

    def sanctions_of_case(self, case_id: str) -> Sequence[Sanction]:
        return self.sanctions.where("case", case_id)

    def case(self, case_id: str) -> Case:
        found = self.case_files.get(case_id)
        if found is None:
            raise no_case(case_id)
        self.reads.add(case_path(found.id))
        return found

    def case_ids(self, year: str | None = None) -> list[str]:
        return self.case_files.ids(year)

    def ids_taken(self, year: str) -> list[str]:
        """The case ids of a year no new case may take: those of its case files, and any a file
        not where its name puts it may hold (read, so an error there refuses the action: a
        misplaced COC-2026-0002 would otherwise be given again)."""
        strays = self.case_files.strays()
        self.reads.update(strays)
        stems = [p.rsplit("/", 1)[-1].rsplit(".", 1)[0] for p in strays]
        return [*self.case_files.ids(year), *(s for s in stems if s[4:8] == year)]

    def cases(self, status: str | None = None, also: Collection[str] = ()) -> Iterator[Case]:
        """Every case in id order; with `status`, those of that status and those in `also`."""
        self.reads.add(ALL_CASES)
        return self.case_files.scan(CaseQuery(status, also))

    def open_cases(self, year: str, mentioning: Collection[str] = ()) -> Iterator[Case]:
        """The open cases whose ids are of `year` (and whose files mention every one of
        `mentioning`), for SPEC §3 The same thing twice (a report received that year is compared
        with them). A case file that cannot be read is passed over (a stray draft never stops a
        report), and none is counted as read: the action relies only on a case it finds the
        same."""
        return self.case_files.scan(
            CaseQuery("open", year=year, readable=True, mentioning=mentioning)
        )

    def template(self, name: str) -> str:
        return self.templates[name]


def _after(entries: Entries[E], changed: Sequence[E], removed: Collection[str]) -> Entries[E]:
    """A register once a change is made: held in memory when it was (as a Listed), else over the
    register underneath (`EntriesAfter`)."""
    if isinstance(entries, Listed):
        kept = {e.id: e for e in entries.all()}
        kept.update({e.id: e for e in changed})
        for gone in removed:
            kept.pop(gone, None)
        return Listed(kept.values())
    if not changed and not removed:
        return entries
    return EntriesAfter(entries, changed, removed)
