"""What validate's checks look at: every ledger file parsed once with the fast reader, and its
node tree (for line numbers) composed only for the files that turn out to have a problem.

Case files are parsed in two worker processes when there are many of them: YAML parsing is the
floor of validation, and the workers hand back plain data, which is cheap to pass between processes
(models are not), so the models are built here.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from .. import parse_cache, rules, yamlio
from ..errors import InputError
from ..ledger import (
    CASES_DIR,
    PEOPLE_FILE,
    POLICY_FILE,
    SANCTIONS_FILE,
    Problem,
    load_data,
    parse_file,
    validate_data,
)
from ..models import Case, PeopleFile, Person, Policy, Sanction, SanctionsFile

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=BaseModel)
T = TypeVar("T")
Progress = Callable[[int, int], None]  # (files done, files in all)
Parsed = tuple[str, str | None, bool, Any, list[Problem]]  # path, text, read, data, problems

PARALLEL_FROM = 500  # below this, starting worker processes costs more than it saves
CHUNK = 250


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


def _read(root: Path, relpath: str) -> tuple[str | None, list[Problem]]:
    try:
        return (root / relpath).read_text(encoding="utf-8"), []
    except (OSError, UnicodeError) as exc:
        return None, [Problem("CL001", "error", relpath, 1, 1, f"cannot read the file: {exc}")]


def _read_and_parse(root: str, files: list[str], keep_text: bool = True) -> list[Parsed]:
    """Read and parse files with the fast reader (runs in a worker process for large ledgers,
    which hands back the data but not the texts: only a file with a problem is read again)."""
    parsed: list[Parsed] = []
    for relpath in files:
        text, problems = _read(Path(root), relpath)
        data = None
        if text is not None:
            data, problems = load_data(text, relpath)
        parsed.append((relpath, text if keep_text else None, text is not None, data, problems))
    return parsed


def parse_all(root: Path, files: list[str], progress: Progress | None = None) -> Iterator[Parsed]:
    """Every file parsed once, in order; in two worker processes when there are many."""
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    done = 0
    if len(files) < PARALLEL_FROM:
        results: Iterator[list[Parsed]] = map(_read_and_parse, repeat(str(root)), chunks)
        for result in results:
            yield from result
            done += len(result)
            if progress:
                progress(done, len(files))
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        for result in pool.map(_read_and_parse, repeat(str(root)), chunks, repeat(False)):
            yield from result
            done += len(result)
            if progress:
                progress(done, len(files))


def find_case_files(root: Path) -> list[str]:
    """Every YAML file under cases/, wherever it is (a misplaced one is reported, not skipped)."""
    base = root / CASES_DIR
    if not base.is_dir():
        return []
    found: list[str] = []
    todo = [(str(base), CASES_DIR)]
    while todo:  # os.scandir: a tenth of the time of Path.rglob on 10,000 files
        folder, rel = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):  # as rglob: no symlinked folders
                    todo.append((entry.path, f"{rel}/{entry.name}"))
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    found.append(f"{rel}/{entry.name}")
    return sorted(found)


class _Texts(dict[str, str]):
    """The texts of the files read, by path. A case file parsed in a worker process is in it too,
    read again from disk only when a problem in it needs its line."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.unread: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.unread

    def __missing__(self, key: str) -> str:
        if key not in self.unread:
            raise KeyError(key)
        text, _ = _read(self.root, key)
        self.unread.discard(key)
        self[key] = text or ""
        return self[key]


class Context:
    """The ledger as the checks see it. A file that does not parse is None here (its problems are
    already reported) and every check skips what it cannot see, so one broken file never hides
    the problems of the others."""

    def __init__(self, root: Path, at: datetime, base: str | None = None) -> None:
        self.root = root
        self.at = at  # the moment looked at: --at, read in the policy's time zone once loaded
        self.base = base
        self.texts: dict[str, str] = _Texts(root)
        self.parse_problems: list[Problem] = []
        self.policy: Policy | None = None
        self.people: list[Person] | None = None
        self.sanctions: list[Sanction] | None = None
        self.cases: list[tuple[str, Case]] = []
        self.case_files: list[str] = []
        self._trees: dict[str, Any] = {}
        self._shared: dict[str, Any] = {}

    # --- loading --------------------------------------------------------------------------------

    def load(self, progress: Progress | None = None) -> Context:
        if not (self.root / POLICY_FILE).is_file():
            raise InputError(
                f"missing; is {self.root} a ledger? Create one with `coc init`", POLICY_FILE
            )
        self.policy = self._file(POLICY_FILE, Policy)
        self.people = self._entries(PEOPLE_FILE, Person, PeopleFile, "people")
        if (self.root / SANCTIONS_FILE).exists():
            self.sanctions = self._entries(SANCTIONS_FILE, Sanction, SanctionsFile, "sanctions")
        else:
            self.sanctions = []
        self.case_files = find_case_files(self.root)
        for relpath, text, read, data, problems in parse_all(self.root, self.case_files, progress):
            if read and text is None:
                self.texts.unread.add(relpath)  # type: ignore[attr-defined]
            self._add_case(relpath, text, read, data, problems)
        return self

    def _text(self, relpath: str) -> str | None:
        """policy.yaml, people.yaml or sanctions.yaml: None when missing or unreadable."""
        if not (self.root / relpath).is_file():
            return None
        text, problems = _read(self.root, relpath)
        self.parse_problems.extend(problems)
        if text is not None:
            self.texts[relpath] = text
        return text

    def _file(self, relpath: str, model: type[M], text: str | None = None) -> M | None:
        text = self._text(relpath) if text is None else text
        if text is None:
            return None
        parsed, problems = parse_file(text, relpath, model, self._locator(relpath))
        self.parse_problems.extend(problems)
        return parsed

    def _entries(
        self, relpath: str, entry: type[E], whole: type[BaseModel], key: str
    ) -> list[E] | None:
        """A register's entries, from the parse cache (only what validate itself parsed)."""
        text = self._text(relpath)
        if text is None:
            return None

        def parse() -> list[E] | None:
            parsed = self._file(relpath, whole, text)
            return None if parsed is None else getattr(parsed, key)

        found = parse_cache.register(self.root, text, entry, parse, written=False)
        return None if found is None else found.all()

    def _add_case(
        self, relpath: str, text: str | None, read: bool, data: Any, problems: list[Problem]
    ) -> None:
        if text is not None:
            self.texts[relpath] = text
        if problems or not read:
            self.parse_problems.extend(problems)
            return
        case, problems = validate_data(data, "", relpath, Case, self._locator(relpath))
        self.parse_problems.extend(problems)
        if case is not None:
            self.cases.append((relpath, case))

    # --- lines, for the files that have a problem -----------------------------------------------

    def locate(self, file: str, path: Sequence[str | int]) -> tuple[int, int]:
        """Line and column of a key path; a file is composed (positions only) at most once."""
        if not path or file not in self.texts:
            return 1, 1
        if file not in self._trees:
            self._trees[file] = yamlio.compose_fast(self.texts[file])
        return yamlio.node_position(self._trees[file], path)

    def _locator(self, file: str) -> Callable[[str, Sequence[str | int]], tuple[int, int]]:
        return lambda _text, path: self.locate(file, path)

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

    def entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """(key path, sanction) for each entry of sanctions.yaml."""
        for index, sanction in enumerate(self.sanctions or []):
            yield ("sanctions", index), sanction

    def live_entries(self) -> Iterator[tuple[tuple[str | int, ...], Sanction]]:
        """Sanctions still holding their details (not tombstones)."""
        return ((path, s) for path, s in self.entries() if s.status != "expunged")

    def live_cases(self) -> Iterator[tuple[str, Case]]:
        return ((file, case) for file, case in self.cases if case.status != "expunged")


def parse_quietly(text: str | None, file: str, model: type[M]) -> M | None:
    """A model of an older version of a file (history checks): None when it does not parse."""
    if text is None:
        return None
    parsed, _ = parse_file(text, file, model, locate=lambda _text, _path: (1, 1))
    return parsed
