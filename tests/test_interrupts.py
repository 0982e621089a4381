"""SPEC §5 Interrupted (SIGINT, SIGTERM, SIGHUP) before its commit exists, an action leaves
everything as before, git's lock files included; once the commit exists, it finishes, reports it
and exits 0. A lock left behind is reported with the command that clears it.

The signals are real: `coc` runs as its own process (the console script), in a session of its
own, so that a signal can go to it alone or to its whole process group as Ctrl-C does. Git hooks
that sleep hold it at the moment under test.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cocledger.store import interrupts
from conftest import LedgerRepo, as_from_a_terminal, clone

COC = [sys.executable, "-c", "from cocledger.cli.launch import run; run()"]
ENV = {"GIT_AUTHOR_EMAIL": "alice@example.org", "GIT_AUTHOR_NAME": "Alice Ashdown"}
TRIALS = int(os.environ.get("COC_SIGNAL_TRIALS", "3"))


@pytest.fixture
def repo(ledger_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(ledger_template, tmp_path, monkeypatch)


def _start(repo: LedgerRepo, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COC, *args],
        cwd=repo.root,
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )


def _hook(repo: LedgerRepo, name: str, script: str) -> Path:
    marker = repo.root.parent / f"{name}.started"
    hook = repo.root / ".git" / "hooks" / name
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n{script}\n")
    hook.chmod(0o755)
    return marker


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the hook never ran"
        time.sleep(0.01)


def _wait_for_handlers(proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    """Until coc catches SIGINT, SIGTERM and SIGHUP (Linux's SigCgt mask), or it has ended:
    before that the process is still Python starting up, which is Python's (docs/process.md)."""
    wanted = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1)) | (1 << (signal.SIGHUP - 1))
    status = Path(f"/proc/{proc.pid}/status")
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            caught = next(
                line for line in status.read_text().splitlines() if line.startswith("SigCgt:")
            )
        except (OSError, StopIteration):
            return  # not Linux, or already gone: fall back to the fixed delay
        if int(caught.split()[1], 16) & wanted == wanted:
            return
        time.sleep(0.002)


def _git_locks(repo: LedgerRepo) -> list[str]:
    """git's lock files (coc's own coc.lock is an flock that is never stale)."""
    found = (repo.root / ".git").rglob("*.lock")
    return sorted(str(p) for p in found if p.name != "coc.lock" and "coc-cache" not in p.parts)


def _untouched(repo: LedgerRepo, head: str) -> None:
    assert repo.head() == head
    assert repo.git("status", "--porcelain", "--ignored") == ""
    assert _git_locks(repo) == []
    assert not list(repo.root.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGINT, False), (signal.SIGTERM, True), (signal.SIGHUP, False)],
)
def test_a_signal_while_a_hook_hangs_rolls_back_and_leaves_no_lock(
    repo: LedgerRepo, signum: int, to_group: bool
) -> None:
    """coc alone (SIGINT sent to its pid) passes the signal to git; the group (Ctrl-C, `timeout`)
    reaches git itself. Either way git stops, removes its locks, and coc rolls back."""
    head = repo.head()
    started = _hook(repo, "pre-commit", "sleep 30")
    proc = _start(repo, "person", "add", "zed", "--name", "Zed Example")
    _wait_for(started, proc)
    (os.killpg if to_group else os.kill)(proc.pid, signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    assert err.strip() == "coc: error: interrupted; nothing was changed"
    assert "Traceback" not in err
    started.unlink()
    (repo.root / ".git" / "hooks" / "pre-commit").unlink()
    _untouched(repo, head)


def test_a_signal_once_the_commit_exists_keeps_it_and_says_so(repo: LedgerRepo) -> None:
    head = repo.head()
    started = _hook(repo, "post-commit", "sleep 30")
    proc = _start(repo, "person", "add", "zed", "--name", "Zed Example")
    _wait_for(started, proc)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Added zed" in out
    assert "interrupted after the action was committed" in err and "do not run it again" in err
    (repo.root / ".git" / "hooks" / "post-commit").unlink()
    assert repo.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert repo.git("status", "--porcelain") == ""  # the index was brought up to the commit
    assert _git_locks(repo) == []


def test_signals_at_random_moments_tell_the_truth(repo: LedgerRepo) -> None:
    """Each trial: exit 0 with exactly one commit, or 128 + the signal with nothing changed; never
    a traceback, a lock, a temporary file or a stray edit. COC_SIGNAL_TRIALS=300 for a long run."""
    rng = random.Random(20261203)
    template = repo.root.parent / "template"
    shutil.copytree(repo.root, template, symlinks=True)
    for trial in range(TRIALS):
        shutil.rmtree(repo.root)
        shutil.copytree(template, repo.root, symlinks=True)
        head = repo.head()
        signum = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
        to_group, delay = rng.random() < 0.5, rng.uniform(0, 1.0)
        proc = _start(repo, "person", "add", f"p{trial}", "--name", "P Example")
        _wait_for_handlers(proc)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):  # it had ended: a plain run, then
            (os.killpg if to_group else os.kill)(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
        what = f"trial {trial}: {signal.Signals(signum).name} after {delay:.3f} s -> {err!r}"
        assert "Traceback" not in err, what
        if proc.returncode == 0:
            assert repo.git("rev-list", "--count", f"{head}..HEAD").strip() == "1", what
            assert "nothing was changed" not in err, what
            assert repo.git("status", "--porcelain", "--ignored") == "", what
            assert _git_locks(repo) == [], what
        else:
            assert proc.returncode == 128 + signum, what
            assert "interrupted; nothing was changed" in err, what
            _untouched(repo, head)


def test_a_lock_left_by_a_stopped_git_is_named_with_the_command_to_clear_it(
    repo: LedgerRepo,
) -> None:
    head = repo.head()
    lock = repo.root / ".git" / "index.lock"
    lock.write_text("")
    refused = repo.coc("person", "add", "zed", "--name", "Zed Example", expect=1)
    assert f"rm -f {lock}" in refused.stderr
    assert repo.head() == head and repo.git("status", "--porcelain") == ""
    lock.unlink()
    repo.coc("person", "add", "zed", "--name", "Zed Example")


def test_a_file_size_limit_is_named_and_leaves_nothing(repo: LedgerRepo) -> None:
    """Under `ulimit -f` git is killed by SIGXFSZ (Python ignores it and gets EFBIG instead)."""
    import resource

    head = repo.head()
    index = (repo.root / ".git" / "index").stat().st_size
    limit = (repo.root / "people.yaml").stat().st_size + 200  # room for the one new person
    assert limit < index  # so git, writing its index, runs into the limit

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [*COC, "person", "add", "zed", "--name", "Zed Example"],
        cwd=repo.root,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        preexec_fn=limited,
    )
    assert proc.returncode == 1, proc.stderr
    assert "SIGXFSZ" in proc.stderr and "ulimit -f" in proc.stderr
    _untouched(repo, head)


def test_an_unwritable_git_directory_says_what_to_do(repo: LedgerRepo) -> None:
    """What a read-only file system or no free inodes gives (EROFS, ENOSPC) is an OSError on
    coc's lock; a directory in its place gives one as well, even to root."""
    head = repo.head()
    lock = repo.root / ".git" / "coc.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    refused = repo.coc("person", "add", "zed", "--name", "Zed Example", expect=1)
    assert "cannot take the ledger's lock" in refused.stderr and "df -i" in refused.stderr
    lock.rmdir()
    assert repo.head() == head


def test_critical_sections_hold_a_signal_until_a_point_where_it_can_stop() -> None:
    """The module's contract, in this process: a signal inside `held` waits; `poll` acts on it
    in a stoppable section, never in a shielded one; once the commit exists it is only noted."""
    interrupts.reset()
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, interrupts._handler)
    try:
        with interrupts.held(then_check=False, stoppable=True):
            os.kill(os.getpid(), signal.SIGTERM)
            with interrupts.held(then_check=False):
                interrupts.poll()  # shielded: nothing happens
            assert interrupts.pending() == signal.SIGTERM
            with pytest.raises(interrupts.Interrupted) as stopped:
                interrupts.poll()
        assert stopped.value.exit_code == 128 + signal.SIGTERM
        assert interrupts.raised() == signal.SIGTERM
        interrupts.reset()
        interrupts.finish()
        os.kill(os.getpid(), signal.SIGTERM)  # after the commit: noted, never raised
        interrupts.poll()
        interrupts.check()
        assert interrupts.pending() == signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)
        interrupts.reset()


def test_a_signal_python_could_only_print_waits_again() -> None:
    """A signal that lands in a destructor or a library's callback (seen in CI: pydantic-core
    compiling a pattern) would be printed as "Exception ignored" with a traceback, and lost:
    coc's hook keeps it, silent, for the next point where the command can stop."""

    class Finalised:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # the handler raises here, inside __del__

    interrupts.reset()
    previous, hook = signal.getsignal(signal.SIGINT), sys.unraisablehook
    signal.signal(signal.SIGINT, interrupts._handler)
    sys.unraisablehook = interrupts._unraisable
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            Finalised()  # dropped at once: __del__ runs, its exception cannot propagate
        assert err.getvalue() == ""
        assert interrupts.pending() == signal.SIGINT and interrupts.raised() == 0
        with pytest.raises(interrupts.Interrupted) as stopped:
            interrupts.check()
        assert stopped.value.exit_code == 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = hook
        interrupts.reset()


def test_other_unraisable_errors_are_still_printed(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken:
        def __del__(self) -> None:
            raise ValueError("a real bug, to be seen")

    hook = sys.unraisablehook
    sys.unraisablehook = interrupts._unraisable
    try:
        Broken()
    finally:
        sys.unraisablehook = hook
    assert "a real bug, to be seen" in capsys.readouterr().err
