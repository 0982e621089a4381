"""Shared fixtures: real git repositories in tmp_path, driven through the real CLI.

Every test runs with a fixed git identity and an isolated HOME, so no personal git config leaks in.
The cast is fictional: alice (project lead) and bob, carol, dan, erin on the council; frank,
gina, hank and ivy are community members.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer.testing
from typer.testing import CliRunner

from cocledger.cli.main import app

# typer rebuilds its click command tree on every CliRunner.invoke (~0.1 s, most of a `coc` run
# in the tests); the app never changes during a session, so build it once.
if hasattr(typer.testing, "_get_command"):  # a private helper: skip the speed-up if it moves
    typer.testing._get_command = functools.cache(typer.testing._get_command)


def pytest_configure(config: pytest.Config) -> None:
    """The suite makes thousands of small git repositories (about 250 MB a run): in memory
    (tmpfs) where the machine has one and TMPDIR does not say otherwise, they cost a fifth less
    time than on disk, and the time no longer swings with the disk's other work. Set here, in
    the first process: pytest-xdist's workers and every `coc` and git they start inherit it."""
    shm = Path("/dev/shm")
    if "TMPDIR" in os.environ or hasattr(config, "workerinput"):
        return
    if shm.is_dir() and os.access(shm, os.W_OK):
        os.environ["TMPDIR"] = str(shm)
        tempfile.tempdir = None  # worked out again, from TMPDIR


T = TypeVar("T")

COUNCIL = ["bob", "carol", "dan", "erin"]
MEMBERS = ["frank", "gina", "hank", "ivy"]
SETUP_DAY = "2026-01-02"


@pytest.fixture(autouse=True)
def git_identity(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed identity and an empty HOME for every test, as towncrier's test helpers do."""
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)


def isolate_git(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Alice Ashdown")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "alice@example.org")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.invalid\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
        # no `git maintenance run --auto` after each of the suite's thousands of tiny commits
        "[maintenance]\n\tauto = false\n[gc]\n\tauto = 0\n"
    )
    monkeypatch.delenv("COC_DEBUG", raising=False)


@dataclass
class Run:
    """The result of one `coc` invocation."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class LedgerRepo:
    """A real ledger repository and a way to run `coc` in it as any person."""

    root: Path

    def coc(
        self,
        *args: str,
        actor: str = "alice",
        expect: int | None = 0,
        env: dict[str, str] | None = None,
    ) -> Run:
        env = {"GIT_AUTHOR_EMAIL": f"{actor}@example.org", "GIT_AUTHOR_NAME": actor, **(env or {})}
        # Tests run with the ledger as the working directory; -C is exercised by its own tests.
        result = CliRunner().invoke(app, list(args), env=env)
        run = Run(result.exit_code, result.stdout, result.stderr)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if expect is not None:
            assert run.exit_code == expect, (
                f"coc {' '.join(args)} -> {run.exit_code}\n{run.stdout}\n{run.stderr}"
            )
        return run

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout

    def status(self) -> str:
        return self.git("status", "--porcelain")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def trailers(self, rev: str = "HEAD") -> dict[str, str]:
        text = self.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
        return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)

    def trailers_at(self, rev: str = "HEAD") -> tuple[dict[str, str], datetime]:
        """The trailers without `Coc-At`, and the moment `Coc-At` gives (an ISO instant)."""
        found = self.trailers(rev)
        moment = datetime.fromisoformat(found.pop("Coc-At"))
        assert moment.tzinfo is not None
        return found, moment

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")


def run_entry(args: list[str], env: dict[str, str] | None = None) -> Run:
    """`coc ARGS` through the console script's own entry point, in this process."""
    from cocledger.cli.main import run

    with CliRunner().isolation(env=env) as (out, err, _):
        saved, sys.argv = sys.argv, ["coc", *args]
        code: int | str | None = 0
        try:
            run()
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.argv = saved
            sys.stdout.flush()
            sys.stderr.flush()
        assert code is None or isinstance(code, int), code  # coc exits with a number
        return Run(code or 0, out.getvalue().decode(), err.getvalue().decode())


def build_ledger(root: Path) -> LedgerRepo:
    """A ledger with the default (Mautic) policy, a five-member council and four members: a copy
    of the one `ledger_template` built (the setup commits are the same every time)."""
    shutil.copytree(_shared_ledger(), root, symlinks=True, dirs_exist_ok=True)
    return LedgerRepo(root)


def _build_ledger(root: Path) -> LedgerRepo:
    repo = LedgerRepo(root)
    result = CliRunner().invoke(
        app,
        [
            "init",
            str(root),
            "--lead",
            "alice",
            "--name",
            "Alice Ashdown",
            "--email",
            "alice@example.org",
            "--contact",
            "conduct@example.org",
        ],
    )
    assert result.exit_code == 0, result.output
    for person in COUNCIL + MEMBERS:
        repo.coc(
            "person",
            "add",
            person,
            "--name",
            f"{person.title()} Example",
            "--email",
            f"{person}@example.org",
            "--at",
            SETUP_DAY,
        )
    for person in COUNCIL:
        repo.coc("council", "add", person, "--at", SETUP_DAY)
    return repo


@contextlib.contextmanager
def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, root: Path | None = None
) -> Iterator[Path]:
    """Build a template ledger once (in an isolated HOME, as its own working directory)."""
    with pytest.MonkeyPatch.context() as mp:
        isolate_git(tmp_path_factory.mktemp("home"), mp)
        root = root or tmp_path_factory.mktemp(name) / "ledger"
        root.mkdir()
        mp.chdir(root)
        yield root
        # Fewer files to copy into every test (the file system is the slow part): one pack.
        LedgerRepo(root).git("repack", "-adq")
        for sample in (root / ".git" / "hooks").glob("*.sample"):
            sample.unlink()


def clone(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    """A private copy of a template ledger (work tree and .git), made the working directory."""
    root = tmp_path / "ledger"
    shutil.copytree(template, root, symlinks=True)
    monkeypatch.chdir(root)
    return LedgerRepo(root)


_factory: list[pytest.TempPathFactory] = []


@pytest.fixture(scope="session", autouse=True)
def _temp_factory(tmp_path_factory: pytest.TempPathFactory) -> None:
    _factory[:] = [tmp_path_factory]


@contextlib.contextmanager
def _only_one_worker(key: str) -> Iterator[Path]:
    """A place for `key` that every pytest-xdist worker of this run sees, held by one at a time:
    what one worker built there (a template ledger, only ever copied from), the others reuse."""
    factory = _factory[0]
    base = factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        base = base.parent  # the run's folder, above each worker's own
    where = base / "shared" / key
    where.mkdir(parents=True, exist_ok=True)
    with open(where / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield where


def shared(fixture: Callable[..., T]) -> Callable[..., T]:
    """A template fixture built by one worker of the run, the others taking what it returned (a
    template is only ever copied: it never changes once built; the value must pickle)."""

    @functools.wraps(fixture)
    def once(*args: Any, **kwargs: Any) -> T:
        with _only_one_worker(f"{fixture.__module__}.{fixture.__qualname__}") as where:
            kept = where / "value.pickle"
            if kept.exists():
                value: T = pickle.loads(kept.read_bytes())
                return value
            made = fixture(*args, **kwargs)
            kept.write_bytes(pickle.dumps(made))
            return made

    return once


def _shared_ledger() -> Path:
    with _only_one_worker("ledger") as where:
        root = where / "ledger"
        if not (root / ".git").is_dir():
            shutil.rmtree(root, ignore_errors=True)
            with built_once(_factory[0], "template", root) as made:
                _build_ledger(made)
        return root


@pytest.fixture(scope="session")
def ledger_template() -> Path:
    return _shared_ledger()


@pytest.fixture
def ledger(
    ledger_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LedgerRepo]:
    """A ledger with the default (Mautic) policy, a five-member council and four members
    (a copy of one built once per session: the setup commits are the same for every test)."""
    yield clone(ledger_template, tmp_path, monkeypatch)


def new_report(
    repo: LedgerRepo, at: str, *extra: str, respondent: str = "frank", reporter: str = "gina"
) -> str:
    """`coc report new` of a report about `respondent`, received at `at`; returns its id."""
    args = ("--respondent", respondent, "--reporter", reporter, "--summary", "Insults in chat")
    return str(repo.coc("report", "new", *args, "--at", at, *extra, "--json").json["case"])


def form_committee(
    repo: LedgerRepo, case: str, at: str, members: tuple[str, ...] = ("bob", "carol", "dan")
) -> Run:
    """Incident processing: the usual conflict-free committee of three council members."""
    return repo.coc("committee", "form", case, *(f"--member={m}" for m in members), "--at", at)


def reviewed_case(
    repo: LedgerRepo,
    respondent: str = "frank",
    reporter: str = "gina",
    received: str = "2026-01-10T09:00:00+00:00",
    meeting: str = "2026-01-22",
    extra: tuple[str, ...] = (),
) -> str:
    """Take a report through receipt, notice, committee, sharing and review; returns its id."""
    if meeting not in repo.read("policy.yaml"):
        repo.coc("meeting", "add", meeting, "--at", SETUP_DAY)
    case = repo.coc(
        "report",
        "new",
        "--respondent",
        respondent,
        "--reporter",
        reporter,
        "--at",
        received,
        "--setting",
        "public",
        "--category",
        "personal-insults",
        "--summary",
        "Insults in chat",
        *extra,
        "--json",
    ).json["case"]
    repo.coc("report", "notify-council", case, "--at", received)
    form_committee(repo, case, received)
    shared: tuple[str, ...] = ()
    if "--anonymous-reporter" in extra:  # the reported person gets the council's summary
        summary = repo.root.parent / "shared-summary.txt"  # outside the ledger's work tree
        summary.write_text("Insults in chat, reported to the council.\n", encoding="utf-8")
        shared = ("--summary-file", str(summary))
    repo.coc("report", "share", case, *shared, "--at", received)
    repo.coc("report", "review", case, "--meeting", meeting, "--at", meeting)
    return case


@pytest.fixture(scope="session")
@shared
def complete_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The complete ledger of tests/checkwork.py (every kind of record), built once a session."""
    from checkwork import build_complete_ledger

    with built_once(tmp_path_factory, "complete") as root:
        build_complete_ledger(root)
    return root


@pytest.fixture
def repo(complete_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    """A private copy of the complete ledger, for checks to break one thing at a time."""
    return clone(complete_template, tmp_path, monkeypatch)


def as_from_a_terminal() -> None:
    """In the child, before exec: the signals as an interactive shell leaves them to a command.
    A test run started in the background (`pytest &`) has SIGINT ignored, and `coc` rightly
    keeps a signal its caller ignores ignored (docs/process.md): here the signals are tested."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
