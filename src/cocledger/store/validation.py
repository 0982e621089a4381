"""What `coc validate` reads: every ledger file parsed once, leniently, into a `checks.Context`.

Case files are parsed in two worker processes when there are many of them: YAML parsing is the
floor of validation, and the workers hand back plain data, which is cheap to pass between
processes (models are not), so the models are built here. The registers come from the parse
cache only when validate itself parsed them (it never trusts what an action wrote there).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ..checks.context import Context
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.models import Case, PeopleFile, Person, Policy, Sanction, SanctionsFile
from ..core.problems import Problem
from ..errors import InputError
from . import cache, git
from .loader import Locate, Locator, load_data, parse_file, read_text, validate_data
from .yamlio import YamlProblem

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", Person, Sanction)
Progress = Callable[[int, int], None]  # (files done, files in all)
Parsed = tuple[str, str | None, bool, Any, list[Problem]]  # path, text, read, data, problems

PARALLEL_FROM = 500  # below this, starting worker processes costs more than it saves
CHUNK = 250


def _read(root: Path, relpath: str) -> tuple[str | None, list[Problem]]:
    """A file's text, or why not as a problem (over the size cap, not UTF-8, unreadable)."""
    try:
        return read_text(root / relpath, relpath), []
    except YamlProblem as exc:
        return None, [Problem(exc.code, "error", relpath, exc.line or 1, exc.col, exc.detail)]
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        return None, [Problem("CL001", "error", relpath, 1, 1, message)]


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
    else:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=2)
        results = pool.map(_read_and_parse, repeat(str(root)), chunks, repeat(False))
    try:
        for result in results:
            yield from result
            done += len(result)
            if progress:
                progress(done, len(files))
    finally:
        if len(files) >= PARALLEL_FROM:
            pool.shutdown()


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


class Texts(dict[str, str]):
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


class _Loader:
    def __init__(self, root: Path, ctx: Context, texts: Texts) -> None:
        self.root, self.ctx, self.texts = root, ctx, texts
        self.cache = cache.directory(_git_dir(root))

    def text(self, relpath: str) -> str | None:
        """policy.yaml, people.yaml or sanctions.yaml: None when missing or unreadable."""
        if not (self.root / relpath).is_file():
            return None
        text, problems = _read(self.root, relpath)
        self.ctx.parse_problems.extend(problems)
        if text is not None:
            self.texts[relpath] = text
        return text

    def file(self, relpath: str, model: type[M], text: str | None = None) -> M | None:
        text = self.text(relpath) if text is None else text
        if text is None:
            return None
        parsed, problems = parse_file(text, relpath, model, Locator(text))
        self.ctx.parse_problems.extend(problems)
        return parsed

    def entries(self, relpath: str, entry: type[E], whole: type[BaseModel]) -> list[E] | None:
        """A register's entries, from the parse cache (only what validate itself parsed)."""
        text = self.text(relpath)
        if text is None:
            return None
        key = relpath.removesuffix(".yaml")

        def parse() -> list[E] | None:
            parsed = self.file(relpath, whole, text)
            return None if parsed is None else list(getattr(parsed, key))

        found = cache.register(self.cache, text, entry, parse, written=False)
        return None if found is None else list(found.all())

    def case(self, relpath: str, text: str | None, read: bool, data: Any, problems: Any) -> None:
        if text is not None:
            self.texts[relpath] = text
        if problems or not read:
            self.ctx.parse_problems.extend(problems)
            return
        locate: Locate = Locator(text) if text is not None else _Later(self.texts, relpath)
        case, problems = validate_data(data, relpath, Case, locate)
        self.ctx.parse_problems.extend(problems)
        if case is not None:
            self.ctx.cases.append((relpath, case))


class _Later:
    """A locator for a file parsed in a worker: its text is read only if a line is needed."""

    def __init__(self, texts: Texts, relpath: str) -> None:
        self.texts, self.relpath = texts, relpath

    def __call__(self, path: Any) -> tuple[int, int]:
        return Locator(self.texts[self.relpath])(path)


def _git_dir(root: Path) -> str | None:
    try:
        return git.git_dir(root)
    except Exception:  # not a repository: validate a plain folder, without a cache
        return None


def load(
    root: Path, at: datetime, base: str | None = None, progress: Progress | None = None
) -> Context:
    """The ledger at `root` for validate (and its history since `base`, read when needed)."""
    if not (root / POLICY_FILE).is_file():
        raise InputError(f"missing; is {root} a ledger? Create one with `coc init`", POLICY_FILE)
    texts = Texts(root)
    ctx = Context(at=at, texts=texts)
    loader = _Loader(root, ctx, texts)
    ctx.policy = loader.file(POLICY_FILE, Policy)
    ctx.people = loader.entries(PEOPLE_FILE, Person, PeopleFile)
    ctx.missing = frozenset(f for f in (PEOPLE_FILE,) if not (root / f).is_file())
    has_sanctions = (root / SANCTIONS_FILE).exists()
    ctx.sanctions = loader.entries(SANCTIONS_FILE, Sanction, SanctionsFile) if has_sanctions else []
    ctx.case_files = find_case_files(root)
    for relpath, text, read, data, problems in parse_all(root, ctx.case_files, progress):
        if read and text is None:
            texts.unread.add(relpath)
        loader.case(relpath, text, read, data, problems)
    ctx.policy_when_enacted = lambda sanction: _policy_when_enacted(root, sanction)
    if base is not None:
        from .history import GitHistory

        ctx.history = GitHistory(root, base, ctx)  # seeded with the registers read above
    return ctx


def _policy_when_enacted(root: Path, sanction: str) -> Policy | None:
    """policy.yaml as it stood before the `coc sanction enact` commit of a sanction."""
    from ..errors import CocError
    from .loader import parse_quietly

    try:
        found = git.commits(root, grep=f"^Coc-Sanction: {sanction}$", paths=[SANCTIONS_FILE])
        enacting = [c for c in found if c.trailers.get("Coc-Action") == "sanction enact"]
        if not enacting:
            return None
        parents = git.parents(root, enacting[-1].sha)
        text = git.file_at(root, parents[0], POLICY_FILE) if parents else None
    except CocError:
        return None
    return parse_quietly(text, POLICY_FILE, Policy)
