"""The one loader: a ledger work tree read for one command, each file at most once, when first
needed, from the parse caches where it can, leniently (a file that does not parse is None and
its problems are kept, each at its line).

Two views of the same reading: `ledger` (a `core.ledger.Ledger`, what `coc validate`'s checks
and the actions' own check of what they read look at) and `snapshot` (a `core.snapshot.Snapshot`,
what an action or a query decides on), which refuses a file that does not parse, naming file and
line (exit 2), and an ambiguous ledger (two entries with one id, a case file that holds another
case), naming both places (SPEC §2). `session(root)` holds the ledger's lock for an action;
`Repository.commit` makes its Change one commit (`store.render`, `store.commit`) and keeps the
caches true. Nothing above `store/` sees a cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from ..core.change import Change
from ..core.council import RosterVersions
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.messages import TEMPLATE_NAMES, template_path
from ..core.models import Case, PeopleFile, Person, Policy, Sanction, SanctionsFile
from ..core.problems import Problem
from ..core.snapshot import Snapshot
from ..errors import CocError, InputError
from . import cache, clean, commit, git, render, rosters, templates
from .cases import CaseStore, Progress
from .files import Disk, Source
from .loader import Locator, parse_file, read_problem, refusal
from .opened import OpenedCases, OpenedEntries
from .registers import Register
from .seals import Seals, expunged_keys

R = TypeVar("R", Person, Sanction)
T = TypeVar("T")
Loaded = tuple[T | None, list[Problem]]
"""What a file gave: its model (None: it does not parse, or is not there) and its problems."""


def ambiguous(file: str, what: str, line: int, other: str) -> InputError:
    """SPEC §2 An ambiguous ledger: both places, and what to do."""
    return InputError(
        f"{what} is also at {other}: with two, every answer about it would be a guess; "
        "keep one (`coc validate` shows every problem)",
        file,
        line,
    )


class Repository:
    """One ledger work tree, read for one command. `trust_written`: serve the registers an
    action wrote from the parse cache (`coc validate` trusts only what it parsed itself).
    `source`: where the files are (default: the folder `root` on disk)."""

    def __init__(self, root: Path, trust_written: bool = True, source: Source | None = None):
        self.root = root
        self.trust_written = trust_written
        self.source: Source = source if source is not None else Disk(root)
        self._read: dict[str, tuple[str | None, list[Problem]]] = {}

    # --- files --------------------------------------------------------------------------------

    def text(self, relpath: str) -> str | None:
        """A file an action writes: its text (None: not there yet), or refused if unreadable."""
        text, problems = self.read(relpath)
        if problems:
            raise self.refusal(problems)
        return text

    def read(self, relpath: str) -> tuple[str | None, list[Problem]]:
        """A ledger file's text (None when it is not there), or why it cannot be read."""
        if relpath not in self._read:
            self._read[relpath] = read_problem(self.source, relpath)
        return self._read[relpath]

    def text_of(self, relpath: str) -> str | None:
        """A file's text if it can be read (to find a line in it)."""
        return self.read(relpath)[0]

    def name(self, relpath: str) -> str:
        """A ledger file as messages name it: from the work tree's top (SPEC §2), so that a ledger
        in a folder of a larger repository is pointed at where the user and CI look."""
        return git.shown(self.root, relpath) if self.git_dir is not None else relpath

    def refusal(self, problems: Sequence[Problem]) -> InputError:
        return refusal(problems, self.name)

    ambiguous = staticmethod(ambiguous)

    @cached_property
    def git_dir(self) -> str | None:
        if self.source.root is None:
            return None
        try:
            return git.git_dir(self.root)
        except CocError:  # not a repository (yet): no cache, and nothing to commit to
            return None

    @cached_property
    def cache(self) -> Path | None:
        return cache.directory(self.git_dir)

    def _missing(self, relpath: str) -> InputError:
        return InputError(
            f"missing; is {self.root} a ledger? Create one with `coc init`", self.name(relpath)
        )

    # --- parsed, leniently --------------------------------------------------------------------

    @cached_property
    def loaded_policy(self) -> tuple[Policy | None, list[Problem]]:
        text, problems = self.read(POLICY_FILE)
        if text is None:
            return None, problems
        return parse_file(text, POLICY_FILE, Policy, Locator(text))

    def _register(
        self, relpath: str, model: type[R], whole: type[BaseModel]
    ) -> Loaded[Register[R]]:
        """A register from the parse cache, or parsed whole (and then entered in the cache)."""
        text, problems = self.read(relpath)
        if text is None:
            empty = relpath == SANCTIONS_FILE and not problems  # no sanctions yet
            return (Register.of(model, []) if empty else None), problems
        key = relpath.removesuffix(".yaml")
        found: list[Problem] = []

        def parse() -> Sequence[R] | None:
            parsed, problems = parse_file(text, relpath, whole, Locator(text))
            found.extend(problems)
            return None if parsed is None else getattr(parsed, key)

        register = cache.register(self.cache, text, model, parse, written=self.trust_written)
        return register, found

    @cached_property
    def loaded_people(self) -> Loaded[Register[Person]]:
        return self._register(PEOPLE_FILE, Person, PeopleFile)

    @cached_property
    def loaded_sanctions(self) -> Loaded[Register[Sanction]]:
        return self._register(SANCTIONS_FILE, Sanction, SanctionsFile)

    @cached_property
    def case_files(self) -> CaseStore:
        return CaseStore(self)

    def load_all(self, progress: Progress | None = None) -> None:
        """Every file parsed now (`coc validate`): the case files in worker processes if many."""
        self.case_files.load_all(progress)

    @cached_property
    def ledger(self) -> Files:
        return Files(self)

    # --- parsed, strictly: what an action or a query relies on --------------------------------

    @cached_property
    def policy(self) -> Policy:
        policy, problems = self.loaded_policy
        if policy is None:
            raise self.refusal(problems) if problems else self._missing(POLICY_FILE)
        return policy

    def _strict(self, relpath: str, loaded: Loaded[Register[R]]) -> Register[R]:
        found, problems = loaded
        if found is None:
            raise self.refusal(problems) if problems else self._missing(relpath)
        repeated = found.repeated(("email",) if found.model is Person else ())
        if repeated:
            field, value, first, later = repeated[0]
            where = Locator(self.text_of(relpath) or "")
            key = relpath.removesuffix(".yaml")
            line, other = where((key, later, field))[0], where((key, first, field))[0]
            what = f"the {field} '{value}'" if field == "email" else f"the id '{value}'"
            shown = self.name(relpath)
            raise ambiguous(shown, what, line, f"{shown}:{other}")
        return found

    @cached_property
    def people(self) -> Register[Person]:
        return self._strict(PEOPLE_FILE, self.loaded_people)

    @cached_property
    def sanctions(self) -> Register[Sanction]:
        return self._strict(SANCTIONS_FILE, self.loaded_sanctions)

    @cached_property
    def stored(self) -> Snapshot:
        """The ledger as its files hold it: sealed fields sealed (SPEC §8)."""
        return Snapshot(self.policy, self.people, self.sanctions, self.case_files, Templates(self))

    @cached_property
    def seals(self) -> Seals | None:
        """The data keys of a sealed ledger, as this user's identity opens them (None: plain)."""
        policy = self.loaded_policy[0]
        sealed = policy is not None and policy.sealed and self.git_dir is not None
        return Seals(self.root) if sealed else None

    @cached_property
    def snapshot(self) -> Snapshot:
        """The ledger as it stands; policy, people and sanctions are read now, cases when used.
        In a sealed ledger, what this user's identity opens is opened (SPEC §8)."""
        seals = self.seals
        if seals is None:
            return self.stored
        return Snapshot(
            self.policy,
            OpenedEntries(self.people, seals.open_person),
            OpenedEntries(self.sanctions, seals.open_sanction),
            OpenedCases(self.case_files, seals),
            Templates(self),
        )

    # --- writing --------------------------------------------------------------------------------

    def commit(self, change: Change, clean_after: bool = False) -> str:
        """Write the change's records and commit exactly them (SPEC §5); returns the sha.
        `clean_after`: the ledger once the change is made was found to hold no error
        (`actions.perform`), which the next command need not find again."""
        seals = self._seals_for(change)
        moved = None
        if seals is not None:
            after = self.stored.after(change)
            change = seals.sealed(change, self.stored, after)
            moved = seals.keyring.update(seals.puts(after.people))  # a commit never lacks its key
        files, written = render.files(self, change)
        try:
            sha = commit.apply(
                self.root,
                commit.ChangeSet(
                    files, change.subject, change.trailers, change.body, change.unchanged
                ),
            )
        except BaseException:
            if moved is not None:
                moved.undo()  # refused or failed: the keys as they were, too
            raise
        if seals is not None:
            if moved is not None:
                moved.settle()
            seals.keyring.replace({}, expunged_keys(change))  # SPEC §8: no key opens what left
        if change.forgets:
            cache.clear(self.cache)
        else:
            cache.Written(self.cache, written).commit()
        if clean_after and self.source.holds_cases(clean.SMALL):
            as_committed = "ledger" in vars(self) and self.ledger._identity[1]
            clean.remember(self.cache, clean.identity(self.root, as_committed)[0])
        return sha

    def _seals_for(self, change: Change) -> Seals | None:
        """The seals a change is written with: the ledger's, or new ones when it seals it."""
        if change.policy is None:
            return self.seals
        if not change.policy.sealed or not self.source.exists(POLICY_FILE):
            return None  # a new ledger holds nothing to seal yet
        return vars(self).get("seals") or Seals(self.root)


class Files:
    """The ledger as `coc validate`'s checks see it (`core.ledger.Ledger`), over a Repository."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._locators: dict[str, Locator] = {}
        self._rosters: RosterVersions | None = None

    @property
    def policy(self) -> Policy | None:
        return self.repo.loaded_policy[0]

    @property
    def people(self) -> Register[Person] | None:
        return self.repo.loaded_people[0]

    @property
    def sanctions(self) -> Register[Sanction] | None:
        return self.repo.loaded_sanctions[0]

    @property
    def missing(self) -> frozenset[str]:
        return frozenset() if self.repo.source.exists(PEOPLE_FILE) else frozenset({PEOPLE_FILE})

    def case_files(self) -> Sequence[str]:
        return self.repo.case_files.files()

    def case_in(self, relpath: str) -> Case | None:
        return self.repo.case_files.parsed(relpath)

    def exists(self, relpath: str) -> bool:
        return self.repo.source.exists(relpath)

    def problems(self, files: Collection[str] | None = None) -> list[Problem]:
        wanted = [POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE, *self.case_files()]
        found: list[Problem] = []
        for relpath in wanted if files is None else sorted(files):
            found += self._problems_of(relpath)
        return found

    def _problems_of(self, relpath: str) -> list[Problem]:
        if relpath == POLICY_FILE:
            return self.repo.loaded_policy[1]
        if relpath == PEOPLE_FILE:
            return self.repo.loaded_people[1]
        if relpath == SANCTIONS_FILE:
            return self.repo.loaded_sanctions[1]
        return self.repo.case_files.problems(relpath)

    def text(self, relpath: str) -> str | None:
        return self.repo.text_of(relpath)

    def locate(self, relpath: str, path: Sequence[str | int]) -> tuple[int, int]:
        if relpath not in self._locators:
            self._locators[relpath] = Locator(self.repo.text_of(relpath) or "")
        return self._locators[relpath](path)

    def shown(self, relpath: str) -> str:
        return self.repo.name(relpath)

    def known_clean(self) -> bool:
        return clean.known(self.repo.cache, self._identity[0])

    def note_clean(self) -> None:
        clean.remember(self.repo.cache, self._identity[0])

    @property
    def as_stored(self) -> bool:
        return True  # the files, sealed fields sealed: validate judges their sealing (SPEC §8)

    @cached_property
    def _identity(self) -> tuple[str | None, bool]:
        """The ledger's content as git sees it, and whether the work tree is as committed."""
        if self.repo.git_dir is None or not self.repo.source.holds_cases(clean.SMALL):
            return None, False
        return clean.identity(self.repo.root)

    def rosters(self) -> RosterVersions:
        """The roster of every version of policy.yaml git holds, oldest first, each with its
        commit's moment (its `Coc-At`, else its author date; the first: from the start)."""
        if self._rosters is None:
            self._rosters = rosters.read(self.repo.root) if self.repo.git_dir is not None else []
        return self._rosters


class Templates(Mapping[str, str]):
    """The notice templates: the ledger's own copy (meant to be edited), else the default."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def __getitem__(self, name: str) -> str:
        if name not in TEMPLATE_NAMES:
            raise KeyError(name)
        text, problems = self.repo.read(template_path(name))
        if problems:
            raise self.repo.refusal(problems)
        return text if text is not None else templates.default(name)

    def __iter__(self) -> Iterator[str]:
        return iter(TEMPLATE_NAMES)

    def __len__(self) -> int:
        return len(TEMPLATE_NAMES)


def open(root: Path, trust_written: bool = True) -> Repository:
    """The ledger at `root` (its folder, as `git.find_root` says), for a query or validate."""
    return Repository(root, trust_written)


@contextlib.contextmanager
def session(root: Path) -> Iterator[Repository]:
    """The ledger at `root` under its lock, for one action: read, decide, commit."""
    with git.locked(root):
        conflicted = git.unmerged(root)
        if conflicted:
            from .yamlio import CONFLICT, conflict_marker

            path = root / conflicted[0]
            text = path.read_text("utf-8", "replace") if path.is_file() else ""
            line = conflict_marker(text) or None
            raise InputError(CONFLICT, git.shown(root, conflicted[0]), line)
        repo = Repository(root)
        yield repo
        repo.case_files.save()
