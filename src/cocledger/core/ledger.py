"""The ledger as `coc validate`'s checks see it: what parsed of each file, and the problems of
what did not, each at its file and line (SPEC §6). A file that does not parse is None here (its
problems reported), and every check skips what it cannot see.

`store.repository` gives one of a work tree (the one loader: actions, queries and validate all
read through it); `InMemory` gives one of a Snapshot, for the actions' check of their own result
and for tests. Pure data and an interface: nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .council import RosterVersions
from .ids import CASES_DIR, case_path
from .models import Case, Person, Policy, Sanction
from .problems import Problem
from .snapshot import Entries, Snapshot


class Ledger(Protocol):
    """A ledger's files, parsed leniently."""

    @property
    def policy(self) -> Policy | None: ...

    @property
    def people(self) -> Entries[Person] | None: ...

    @property
    def sanctions(self) -> Entries[Sanction] | None: ...

    @property
    def missing(self) -> frozenset[str]:
        """Ledger files that are not there (people.yaml: CL004)."""

    def case_files(self) -> Sequence[str]:
        """Every YAML file under cases/, by its path in the ledger, in order."""

    def case_in(self, relpath: str) -> Case | None:
        """The case a file holds; None when it is not there or does not parse."""

    def exists(self, relpath: str) -> bool:
        """Whether there is such a file (parsed or not)."""

    def problems(self, files: Collection[str] | None = None) -> list[Problem]:
        """The parse problems (CL001-CL006) of these files (None: of every file)."""

    def text(self, relpath: str) -> str | None:
        """A file's text (None: not there, or not known)."""

    def locate(self, relpath: str, path: Sequence[str | int]) -> tuple[int, int]:
        """The line and column of a key path in a file (1, 1 when not known)."""

    def shown(self, relpath: str) -> str:
        """A file as messages name it (from the work tree's top, SPEC §2)."""

    def rosters(self) -> RosterVersions:
        """The versions of the roster (`council.roster_at`), none when not known: a council that
        has changed since does not make a past step wrong (`core.replay`)."""

    def known_clean(self) -> bool:
        """Whether the ledger, exactly as it is, was found before to hold no error (a store may
        remember it; never a guess)."""

    def note_clean(self) -> None:
        """The ledger, exactly as it is, holds no error: a store may remember it."""

    @property
    def as_stored(self) -> bool:
        """Whether sealed fields are as the files hold them (SPEC §8), so that validate judges
        their sealing; False for an action's result held in memory, whose fields are opened (the
        store seals them, and sets each case's `sealed_for`, as it commits)."""


@dataclass(frozen=True)
class InMemory:
    """A Snapshot as a Ledger: every record parsed, no file text (lines are not located).
    `as_stored`: its sealed fields are as files hold them (by default they are taken to be opened,
    as an action's snapshot holds them, and their sealing is not judged)."""

    snap: Snapshot
    versions: Callable[[], RosterVersions] | None = None
    as_stored: bool = False

    @property
    def policy(self) -> Policy:
        return self.snap.policy

    @property
    def people(self) -> Entries[Person]:
        return self.snap.people

    @property
    def sanctions(self) -> Entries[Sanction]:
        return self.snap.sanctions

    @property
    def missing(self) -> frozenset[str]:
        return frozenset()

    def case_files(self) -> Sequence[str]:
        return [case_path(case_id) for case_id in self.snap.case_ids()]

    def case_in(self, relpath: str) -> Case | None:
        if not relpath.startswith(CASES_DIR + "/"):
            return None
        case_id = relpath.rsplit("/", 1)[-1].removesuffix(".yaml")
        found = self.snap.case_files.get(case_id)
        return found if found is not None and case_path(found.id) == relpath else None

    def exists(self, relpath: str) -> bool:
        if not relpath.startswith(CASES_DIR + "/"):
            return False
        return self.snap.case_files.exists(relpath.rsplit("/", 1)[-1].removesuffix(".yaml"))

    def problems(self, files: Collection[str] | None = None) -> list[Problem]:
        return []

    def text(self, relpath: str) -> str | None:
        return None

    def locate(self, relpath: str, path: Sequence[str | int]) -> tuple[int, int]:
        return 1, 1

    def shown(self, relpath: str) -> str:
        return relpath

    def rosters(self) -> RosterVersions:
        return self.versions() if self.versions is not None else ()

    def known_clean(self) -> bool:
        return False

    def note_clean(self) -> None:
        return None


@dataclass(frozen=True)
class Versions:
    """The versions of policy.yaml a ledger held in memory went through, each with the moment of
    the action that wrote it (the first: from the start): its roster's versions when called."""

    versions: tuple[tuple[datetime | None, Policy], ...] = ()

    def then(self, moment: datetime | None, policy: Policy) -> Versions:
        return Versions((*self.versions, (moment, policy)))

    def __call__(self) -> RosterVersions:
        return [(moment, policy.roster) for moment, policy in self.versions]
