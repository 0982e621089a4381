"""The ledger work tree as a Snapshot, and an action's Change made so as one atomic commit.

`open(root)` reads each file at most once, when first needed, from the parse caches where it
can; `session(root)` holds the ledger's lock for an action. `Repository.commit` renders the
changed records into YAML (keeping comments, rewriting a register entry by entry), commits them
with `commit.apply`, then keeps the caches true: it enters the registers it wrote, and empties every
cache when the change removes personal details. Nothing above `store/` sees a cache.

An ambiguous ledger (two entries with one id, a case file that holds another case) is refused
here, naming both places, for every command but `coc validate` (SPEC §2).
"""

from __future__ import annotations

import builtins
import contextlib
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ..core.change import Change
from ..core.defaults import CASE_HEADER, PEOPLE_HEADER, SANCTIONS_HEADER
from ..core.ids import (
    CASES_DIR,
    PEOPLE_FILE,
    POLICY_FILE,
    SANCTIONS_FILE,
    case_path,
    is_case_id,
    no_case,
)
from ..core.messages import TEMPLATE_NAMES, template_path
from ..core.models import Case, PeopleFile, Person, Policy, Sanction, SanctionsFile
from ..core.snapshot import Snapshot
from ..errors import CocError, InputError
from . import cache, commit, git, templates, yamlio
from .loader import Locator, parse_strictly, read_text
from .registers import Register

R = TypeVar("R", Person, Sanction)
HEADERS = {PEOPLE_FILE: PEOPLE_HEADER, SANCTIONS_FILE: SANCTIONS_HEADER}


def data_of(model: BaseModel, only_set: bool = False) -> Any:
    """A model as the plain values the YAML files hold (dates as ISO text)."""
    return model.model_dump(mode="json", exclude_none=True, exclude_unset=only_set)


def ambiguous(file: str, what: str, line: int, other: str) -> InputError:
    """SPEC §2 An ambiguous ledger: both places, and what to do."""
    return InputError(
        f"{what} is also at {other}: with two, every answer about it would be a guess; "
        "keep one (`coc validate` shows every problem)",
        file,
        line,
    )


class Repository:
    """One ledger work tree, read for one command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str | None] = {}

    # --- reading --------------------------------------------------------------------------------

    def text(self, relpath: str) -> str | None:
        """A ledger file's text (None when it is not there)."""
        if relpath not in self._texts:
            path = self.root / relpath
            try:  # refused over the size cap or at a byte that is not UTF-8 (`loader.read_text`)
                found = read_text(path, self.name(relpath)) if path.is_file() else None
                self._texts[relpath] = found
            except OSError as exc:
                raise InputError(
                    f"cannot read it: {exc.strerror or exc}", self.name(relpath)
                ) from None
        return self._texts[relpath]

    def name(self, relpath: str) -> str:
        """A ledger file as messages name it: from the work tree's top (SPEC §2), so that a ledger
        in a folder of a larger repository is pointed at where the user and CI look."""
        return git.shown(self.root, relpath) if self.git_dir is not None else relpath

    @cached_property
    def git_dir(self) -> str | None:
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

    @cached_property
    def policy(self) -> Policy:
        text = self.text(POLICY_FILE)
        if text is None:
            raise self._missing(POLICY_FILE)
        return parse_strictly(text, self.name(POLICY_FILE), Policy)

    def _register(self, relpath: str, model: type[R], whole: type[BaseModel]) -> Register[R]:
        """A register from the parse cache, or parsed whole (and then entered in the cache);
        refused when two entries share an id (or, for people, an email)."""
        text = self.text(relpath)
        if text is None:
            if relpath != SANCTIONS_FILE:
                raise self._missing(relpath)
            return Register.of(model, [])  # a ledger without sanctions yet
        key = relpath.removesuffix(".yaml")
        found = cache.register(
            self.cache,
            text,
            model,
            lambda: getattr(parse_strictly(text, self.name(relpath), whole), key),
        )
        assert found is not None  # parse_strictly raises rather than return nothing
        repeated = found.repeated(("email",) if model is Person else ())
        if repeated:
            field, value, first, later = repeated[0]
            where = Locator(text)
            line, other = where((key, later, field))[0], where((key, first, field))[0]
            what = f"the {field} '{value}'" if field == "email" else f"the id '{value}'"
            shown = self.name(relpath)
            raise ambiguous(shown, what, line, f"{shown}:{other}")
        return found

    @cached_property
    def people(self) -> Register[Person]:
        return self._register(PEOPLE_FILE, Person, PeopleFile)

    @cached_property
    def sanctions(self) -> Register[Sanction]:
        return self._register(SANCTIONS_FILE, Sanction, SanctionsFile)

    @cached_property
    def case_files(self) -> CaseStore:
        return CaseStore(self)

    @cached_property
    def snapshot(self) -> Snapshot:
        """The ledger as it stands; policy, people and sanctions are read now, cases when used."""
        return Snapshot(self.policy, self.people, self.sanctions, self.case_files, Templates(self))

    @cached_property
    def trusted(self) -> Snapshot:
        """The snapshot an action decides on: refused (exit 2, at file:line) while a stored
        computed field of the register differs from the rules (issue 14.1): actions never act
        on what `coc validate` rejects."""
        from ..core import integrity

        texts = (self.text(POLICY_FILE), self.text(SANCTIONS_FILE))
        if not cache.trusted(self.cache, texts):  # 34 ms for 2,000 sanctions, else a lookup
            found = next(integrity.register(self.policy, self.sanctions.all()), None)
            if found is not None:
                raise self._untrusted(SANCTIONS_FILE, found)
            cache.trust(self.cache, texts)
        return self.snapshot

    def _untrusted(self, relpath: str, found: Any) -> InputError:
        line = Locator(self.text(relpath) or "")(found.path)[0]
        return InputError(
            f"{found.message}: an action would rely on it; correct it (or revert the edit) "
            "first (`coc validate` shows every problem)",
            self.name(relpath),
            line,
        )

    # --- writing --------------------------------------------------------------------------------

    def commit(self, change: Change) -> str:
        """Write the change's records and commit exactly them (SPEC §5); returns the sha. A case
        the change rewrites must hold the deadlines the rules give (issue 14.1)."""
        from ..core import integrity

        for case in change.cases:
            before = self.case_files.get(case.id)  # None for a new case
            found = next(integrity.case_deadlines(self.policy, before), None) if before else None
            if found is not None:
                raise self._untrusted(case_path(case.id), found)
        files, written = self._render(change)
        sha = commit.apply(
            self.root, commit.ChangeSet(files, change.subject, change.trailers, change.body)
        )
        if change.forgets:
            cache.clear(self.cache)
        else:
            cache.Written(self.cache, written).commit()
        if "trusted" in vars(self):  # written with the rules' values, on a checked register
            after = [files.get(p, self.text(p)) for p in (POLICY_FILE, SANCTIONS_FILE)]
            cache.trust(self.cache, after)
        return sha

    def _render(self, change: Change) -> tuple[dict[str, str | None], list[tuple[str, Any]]]:
        files: dict[str, str | None] = dict(change.files)
        written: list[tuple[str, Any]] = []
        for case in change.cases:
            relpath = case_path(case.id)
            previous = self.text(relpath)
            text = yamlio.dump(data_of(case), previous)
            files[relpath] = text if previous is not None else CASE_HEADER + text
        if change.sanctions:
            written.append(self._register_text(SANCTIONS_FILE, Sanction, change.sanctions, ()))
            files[SANCTIONS_FILE] = written[-1][0]
        if change.people or change.people_removed:
            people = self._register_text(PEOPLE_FILE, Person, change.people, change.people_removed)
            written.append(people)
            files[PEOPLE_FILE] = people[0]
        if change.policy is not None:
            files[POLICY_FILE] = yamlio.dump(
                data_of(change.policy, only_set=True), self.text(POLICY_FILE)
            )
        return files, written

    def _register_text(
        self, relpath: str, model: type[R], changed: Sequence[R], removed: Collection[str]
    ) -> tuple[str, Register[Any]]:
        """A register file rewritten entry by entry: only the changed or added entries are
        rendered (the whole file only when entries leave it, or its layout is not the tool's)."""
        key = relpath.removesuffix(".yaml")
        previous = self.text(relpath)
        register: Register[Any] = Register.of(model, [])
        if previous:
            register = self.sanctions if relpath == SANCTIONS_FILE else self.people
        new = register.changed(changed).without(removed)
        items = {entry.id: data_of(entry) for entry in changed}
        text = None if removed else yamlio.dump_items(previous, key, items, set(register.ids))
        if text is None:
            text = yamlio.dump({key: [data_of(entry) for entry in new.all()]}, previous)
            if previous is None:
                text = HEADERS[relpath] + text
        return text, new


class CaseStore:
    """The case files of a work tree (SPEC §2: cases/<year>/<id>.yaml), each parsed once; a file
    is recognised by its content in the case cache, so a scan parses only new or changed files."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._cases: dict[str, Case] = {}

    def get(self, case_id: str) -> Case | None:
        relpath = case_path(case_id)
        if case_id not in self._cases:
            text = self.repo.text(relpath)
            if text is None:
                return None
            case = parse_strictly(text, self.repo.name(relpath), Case)
            self._cases[case_id] = self._checked(relpath, case)
        return self._cases[case_id]

    def _checked(self, relpath: str, case: Case) -> Case:
        """A case file holds the case its name says; a copy holding another is ambiguous."""
        if relpath == case_path(case.id):
            return case
        line = Locator(self.repo.text(relpath) or "")(("id",))[0]
        home = case_path(case.id)
        other = self.repo.text(home)
        shown = self.repo.name(home)
        there = f"{shown}:{Locator(other)(('id',))[0]}" if other is not None else shown
        raise ambiguous(self.repo.name(relpath), f"the case {case.id}", line, there)

    def ids(self, year: str | None = None) -> list[str]:
        base = self.repo.root / CASES_DIR
        if not base.is_dir():
            return []
        pattern = f"{year}/*.yaml" if year else "*/*.yaml"
        # a stray file (notes.yaml, a copy) is validate's to report (CL001/CL021), not a crash here
        return sorted(p.stem for p in base.glob(pattern) if is_case_id(p.stem))

    def scan(self, status: str | None = None, also: Collection[str] = ()) -> Iterator[Case]:
        """Every case in id order; with `status`, only the cases of that status and those in `also`
        (a case of another status is not even unpickled)."""
        store = cache.Store(self.repo.cache, "cases")
        root = str(self.repo.root)
        for case_id in self.ids():
            wanted = status is None or case_id in also
            relpath = case_path(case_id)
            try:  # read even when loaded before: the store keeps the entries of what it saw
                with builtins.open(os.path.join(root, relpath), "rb") as handle:
                    raw: bytes | None = handle.read()
            except OSError:  # not where its id says: `get` reports it as it always has
                raw = None
            digest, entry = store.find(raw) if raw is not None else (b"", None)
            case = self._cases.get(case_id)
            if case is None:
                if entry is not None and not wanted and entry[0] != status:
                    continue
                case = cache.Store.model(entry, Case) if entry is not None else None
                if case is None:
                    case = self.get(case_id)
                    if case is None:
                        raise no_case(case_id)
                    if raw is not None:
                        store.add(digest, case.status, case)
                self._cases[case_id] = self._checked(relpath, case)
            if wanted or case.status == status:
                yield case
        store.save()


class Templates(Mapping[str, str]):
    """The notice templates: the ledger's own copy (meant to be edited), else the default."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def __getitem__(self, name: str) -> str:
        if name not in TEMPLATE_NAMES:
            raise KeyError(name)
        text = self.repo.text(template_path(name))
        return text if text is not None else templates.default(name)

    def __iter__(self) -> Iterator[str]:
        return iter(TEMPLATE_NAMES)

    def __len__(self) -> int:
        return len(TEMPLATE_NAMES)


def open(root: Path) -> Repository:
    """The ledger at `root` (its folder, as `git.find_root` says), for a query."""
    return Repository(root)


@contextlib.contextmanager
def session(root: Path) -> Iterator[Repository]:
    """The ledger at `root` under its lock, for one action: read, decide, commit."""
    with git.locked(root):
        yield Repository(root)
