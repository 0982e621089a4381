"""The case files of a work tree (SPEC §2: cases/<year>/<id>.yaml), for the one loader: each read
and parsed once, leniently (a file that does not parse is None, its problems kept with their
lines). An action or a query asks for a case by id and is refused one that does not parse, or
that holds another case; `coc validate` has them all parsed at once, in two worker processes
when there are many (YAML parsing is the floor of validation, and plain data is cheap to pass
between processes, models are not); a scan of every case is served from the case cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.ids import case_path, is_case_id, no_case
from ..core.models import Case
from ..core.problems import Problem
from ..core.snapshot import EVERY_CASE, CaseQuery
from ..errors import InputError
from . import cache
from .files import Disk
from .loader import Locator, load_data, parse_file, read_problem, validate_data

if TYPE_CHECKING:
    from .repository import Repository

Progress = Callable[[int, int], None]  # (files done, files in all)
Parsed = tuple[str, bool, Any, list[Problem]]  # path, read, data, problems

PARALLEL_FROM = 500  # below this, starting worker processes costs more than it saves
STORE_FROM = 20  # case files parsed by a command before the case cache is worth loading
CHUNK = 250


def _read_and_parse(root: str, files: list[str]) -> list[Parsed]:
    """Read and parse files with the fast reader (in a worker process for a large ledger, which
    hands back the data, not the texts: only a file with a problem is read again, for its line)."""
    parsed: list[Parsed] = []
    source = Disk(Path(root))
    for relpath in files:
        text, problems = read_problem(source, relpath)
        data = None
        if text is not None:
            data, problems = load_data(text, relpath)
        parsed.append((relpath, text is not None, data, problems))
    return parsed


class CaseStore:
    """The case files of one work tree, read for one command."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._parsed: dict[str, Case | None] = {}
        self._problems: dict[str, list[Problem]] = {}
        self._files: list[str] | None = None
        self._store: cache.Store | None = None

    @property
    def store(self) -> cache.Store | None:
        """The case cache: models by their file's content (only for a repository that trusts
        what it or an action parsed before; `coc validate` parses every file itself), once a
        command reads more than a few case files: loading it costs more than parsing those."""
        return self._cache(len(self._parsed) >= STORE_FROM)

    def _cache(self, wanted: bool) -> cache.Store | None:
        ready = self._store is None and wanted and self.repo.trust_written
        if ready and self.repo.cache is not None:
            self._store = cache.Store(self.repo.cache, "cases")
        return self._store

    def save(self) -> None:
        """Keep what was parsed in the case cache for the next command (best effort)."""
        if self._store is not None:
            self._store.save(whole=False)

    # --- leniently, by file (the Ledger view) ---------------------------------------------------

    def files(self) -> list[str]:
        """Every YAML file under cases/."""
        if self._files is None:
            self._files = self.repo.source.case_files()
        return self._files

    def parsed(self, relpath: str) -> Case | None:
        """The case a file holds (None: not there, or it does not parse: see `problems`)."""
        if relpath not in self._parsed:
            text, problems = self.repo.read(relpath)
            case = None
            if text is not None:
                case, problems = self._parse(text, relpath)
            self._parsed[relpath], self._problems[relpath] = case, problems
        return self._parsed[relpath]

    def _parse(self, text: str, relpath: str) -> tuple[Case | None, list[Problem]]:
        """A case file's model, from the case cache when this exact text was parsed before."""
        store = self.store
        if store is None:
            return parse_file(text, relpath, Case, Locator(text))
        digest, entry = store.find(text.encode("utf-8"))
        found = cache.Store.model(entry, Case) if entry is not None else None
        if found is not None:
            return found, []
        case, problems = parse_file(text, relpath, Case, Locator(text))
        if case is not None:
            store.add(digest, case.status, case)
        return case, problems

    def problems(self, relpath: str) -> list[Problem]:
        self.parsed(relpath)
        return self._problems[relpath]

    def load_all(self, progress: Progress | None = None) -> None:
        """Every case file parsed now, in order; in two worker processes when there are many."""
        todo = [f for f in self.files() if f not in self._parsed]
        if self.repo.source.root is None:  # held in memory: read here
            for relpath in todo:
                self.parsed(relpath)
            return
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        root = str(self.repo.source.root)
        parallel = len(todo) >= PARALLEL_FROM
        if parallel:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=2)
            results: Iterator[list[Parsed]] = pool.map(_read_and_parse, repeat(root), chunks)
        else:
            results = map(_read_and_parse, repeat(root), chunks)
        done = len(self.files()) - len(todo)
        try:
            for result in results:
                for relpath, read, data, problems in result:
                    self._take(relpath, read, data, problems)
                done += len(result)
                if progress:
                    progress(done, len(self.files()))
        finally:
            if parallel:
                pool.shutdown()

    def _take(self, relpath: str, read: bool, data: Any, problems: list[Problem]) -> None:
        case = None
        if read and not problems:
            locate = lambda path: Locator(self.repo.text_of(relpath) or "")(path)  # noqa: E731
            case, problems = validate_data(data, relpath, Case, locate)
        self._parsed[relpath], self._problems[relpath] = case, problems

    # --- strictly, by id (the Snapshot's case files) --------------------------------------------

    def get(self, case_id: str) -> Case | None:
        """A case by id (None: no such file), refused when its file does not parse or holds
        another case (SPEC §2 An ambiguous ledger)."""
        relpath = case_path(case_id)
        case = self.parsed(relpath)
        if case is None:
            problems = self._problems[relpath]
            if not problems:
                return None
            raise self.repo.refusal(problems)
        return self._checked(relpath, case)

    def _checked(self, relpath: str, case: Case) -> Case:
        """A case file holds the case its name says; a copy holding another is ambiguous."""
        if relpath == case_path(case.id):
            return case
        line = Locator(self.repo.text_of(relpath) or "")(("id",))[0]
        home = case_path(case.id)
        other = self.repo.text_of(home)
        shown = self.repo.name(home)
        there = f"{shown}:{Locator(other)(('id',))[0]}" if other is not None else shown
        raise self.repo.ambiguous(self.repo.name(relpath), f"the case {case.id}", line, there)

    def exists(self, case_id: str) -> bool:
        return self.repo.source.exists(case_path(case_id))

    def ids(self, year: str | None = None) -> list[str]:
        """The ids of the case files where their ids put them (a stray file, notes.yaml or a
        copy, is validate's to report, CL001/CL021, not a crash here)."""
        found = []
        listed = self.files() if year is None or self._files is not None else None
        for relpath in listed if listed is not None else self.repo.source.case_files(year):
            parts = relpath.split("/")
            if _in_place(relpath) and (year is None or parts[1] == year):
                found.append(parts[-1].removesuffix(".yaml"))
        return sorted(found)

    def strays(self) -> list[str]:
        if self._files is None and self.repo.ledger.known_clean():
            return []  # each would be an error (CL001, CL021): a ledger known to hold none has none
        return [p for p in self.files() if not _in_place(p)]

    def scan(self, query: CaseQuery = EVERY_CASE) -> Iterator[Case]:
        """The cases `query` asks for, in id order: served from the case cache, where a file is
        recognised by its content, so a scan parses only new or changed files, and a case of
        another status is not even unpickled. A `readable` query passes over a file that does
        not parse, or holds another case, instead of refusing it. A query `mentioning` strings
        parses only the files whose bytes hold each of them, and does not load the case cache:
        `report new` compares itself with the few open cases between the same two people."""
        if query.mentioning:
            yield from self._mentioning(query)
            return
        status, readable = query.status, query.readable
        store = self._cache(True) or cache.Store(None, "cases")
        for case_id in self.ids(query.year):
            wanted = query.wants(case_id, "")  # wanted whatever its status
            relpath = case_path(case_id)
            try:  # read even when loaded before: the store keeps the entries of what it saw
                raw = self.repo.source.read(relpath)
            except (OSError, InputError):  # `get` reports it as it always has
                raw = None
            digest, entry = store.find(raw) if raw is not None else (b"", None)
            case = self._parsed.get(relpath)
            if case is None:
                if entry is not None and not wanted and entry[0] != status:
                    continue
                case = cache.Store.model(entry, Case) if entry is not None else None
                if case is None:
                    case = self._unless(readable, self.get, case_id)
                    if case is None and readable:
                        continue
                    if case is None:
                        raise no_case(case_id)
                    if raw is not None:
                        store.add(digest, case.status, case)
                self._parsed[relpath], self._problems[relpath] = case, []
            case = self._unless(readable, self._checked, relpath, case)
            if case is not None and query.wants(case_id, case.status):
                yield case
        store.save(whole=query.year is None)  # a year's scan has not seen the other years' files

    def _mentioning(self, query: CaseQuery) -> Iterator[Case]:
        needles = [m.encode("utf-8") for m in query.mentioning]
        for case_id in self.ids(query.year):
            relpath = case_path(case_id)
            if relpath not in self._parsed:
                try:
                    raw = self.repo.source.read(relpath)
                except (OSError, InputError):
                    raw = None  # `get` reports it as it always has
                if raw is not None and not all(n in raw for n in needles):
                    continue
            case = self._unless(query.readable, self.get, case_id)
            if case is None and not query.readable:
                raise no_case(case_id)
            if case is not None and query.wants(case_id, case.status):
                yield case

    @staticmethod
    def _unless(readable: bool, read: Callable[..., Case | None], *args: Any) -> Case | None:
        """`read(*args)`; with `readable`, None where it refuses the file (exit 2)."""
        try:
            return read(*args)
        except InputError:
            if readable:
                return None
            raise


def _in_place(relpath: str) -> bool:
    """cases/<year>/<id>.yaml, the year the id's own."""
    parts = relpath.split("/")
    stem = parts[-1].removesuffix(".yaml")
    return (
        len(parts) == 3
        and parts[-1].endswith(".yaml")
        and is_case_id(stem)
        and stem[4:8] == parts[1]
    )
