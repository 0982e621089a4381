"""SPEC §5 under faults: whatever fails on the way to an action's commit (a git call, a full disk,
a hook), the work tree, the index and HEAD are left exactly as before, and the user reads one
line; many `coc` processes on one repository lose and mix no commit.

git fails for real: a wrapper named `git`, first on PATH, counts its calls and makes the k-th
one fail (exit 128, or killed by a signal before or after doing its work), for every k a
successful run reaches. Signals sent to coc itself are tests/test_interrupts.py's. The bigger
runs: COC_FAULTS=all (every way of failing at every call of every action) and COC_CONCURRENCY=200.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from casework import banned
from cocledger.errors import CocError
from cocledger.store import atomic, commit, interrupts
from cocledger.store import git as gitstore
from conftest import LedgerRepo, Run, clone, isolate_git, reviewed_case, shared

REAL_GIT = shutil.which("git") or "git"
COC = [sys.executable, "-c", "from cocledger.cli.launch import run; run()"]
ENV = {"GIT_AUTHOR_EMAIL": "alice@example.org", "GIT_AUTHOR_NAME": "Alice Ashdown"}
ALL = os.environ.get("COC_FAULTS") == "all"
CONCURRENCY = int(os.environ.get("COC_CONCURRENCY", "8"))
AT = "2026-11-02"  # after every record of the template below, and the old ban has left the record

# The wrapper: without COC_FAULT_COUNTER (the test's own git calls) it is plain git. A git that is
# killed while it holds a lock leaves it behind, so the killed commands that take one leave one.
WRAPPER = """#!/bin/sh
if [ -n "$COC_FAULT_COUNTER" ]; then
  n=$(( $(cat "$COC_FAULT_COUNTER") + 1 ))
  echo "$n" > "$COC_FAULT_COUNTER"
  if [ "$n" = "$COC_FAULT_AT" ]; then
    sub="$1"; [ "$sub" = --no-optional-locks ] && sub="$2"
    leave() {{
      case "$sub" in add|commit|reset|rm|update-index) : > "$COC_FAULT_GIT_DIR/index.lock";; esac
      case "$sub" in commit|update-ref) : > "$COC_FAULT_GIT_DIR/refs/heads/main.lock";; esac
    }}
    ulimit -c 0
    case "$COC_FAULT_MODE" in
      exit) echo "fatal: injected failure of git call $n" >&2; exit 128;;
      after) {git} "$@"; leave; kill -KILL $$;;
      *) leave; kill -"$COC_FAULT_MODE" $$;;
    esac
  fi
fi
exec {git} "$@"
"""
MODES = {
    "exit": "exit 128",
    "KILL": "SIGKILL before",
    "XFSZ": "SIGXFSZ before",
    "after": "SIGKILL after",
}
SIGNALLED = {"KILL": "SIGKILL", "XFSZ": "SIGXFSZ", "after": "SIGKILL"}


def real_git(root: Path, *args: str) -> str:
    return subprocess.run(
        [REAL_GIT, *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


@dataclass(frozen=True)
class State:
    """Everything a failed action must leave as it was."""

    head: str
    status: str
    stage: str
    files: dict[str, bytes | None]  # every path of the work tree (None: a folder)


def state(root: Path) -> State:
    files = {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
        if p.relative_to(root).parts[0] != ".git"
    }
    status = real_git(root, "status", "--porcelain", "--ignored", "--untracked-files=all")
    return State(
        real_git(root, "rev-parse", "HEAD"), status, real_git(root, "ls-files", "-s"), files
    )


def leftovers(root: Path, tmp: Path | None = None) -> list[str]:
    """git's lock files (coc's own coc.lock is an flock, never stale), temporary files of ours
    beside the ledger's files, and anything left in the temporary directory."""
    git_dir = root / ".git"
    locks = [
        str(p)
        for p in git_dir.rglob("*.lock")
        if p.name != "coc.lock" and "coc-cache" not in p.relative_to(git_dir).parts
    ]
    left = [str(p) for p in tmp.iterdir()] if tmp else []
    return locks + [str(p) for p in root.rglob("*.tmp")] + left


def one_line_error(run: Run) -> str:
    """The one `coc: error:` line; below it only what git said, indented (SPEC §6)."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("coc: error: "), run.stderr
    assert all(line.startswith("    ") for line in lines[1:]), run.stderr
    return lines[0]


@pytest.fixture(scope="module")
@shared
def faults_template(ledger_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The conftest ledger with a ban of 2025 that has left the record (an expunge is due) and a
    proposed warning of another case (an enactment writes the register and the case file)."""
    with pytest.MonkeyPatch.context() as mp:
        isolate_git(tmp_path_factory.mktemp("home"), mp)
        root = tmp_path_factory.mktemp("faults") / "ledger"
        shutil.copytree(ledger_template, root, symlinks=True)
        mp.chdir(root)
        repo = LedgerRepo(root)
        banned(repo, "2025-01-10T09:00:00+00:00", "2025-01-22", "2025-01-23", "2025-01-27")
        case = reviewed_case(
            repo, "hank", "ivy", received="2025-03-03T09:00:00+00:00", meeting="2025-03-13"
        )
        repo.coc("sanction", "propose", case, "--at", "2025-03-13")
        repo.git("repack", "-adq")  # fewer files to copy for every trial
    return root


Setup = Callable[[LedgerRepo], tuple[str, ...]]


@dataclass
class Trials:
    """Copies of the template, and `coc` run in them with git failing as told. A trial that
    changed nothing (as it must, when it fails) leaves its copy for the next one."""

    template: Path
    base: Path
    monkeypatch: pytest.MonkeyPatch
    count: int = 0
    ready: tuple[LedgerRepo, tuple[str, ...], State] | None = None

    def __post_init__(self) -> None:
        bindir = self.base / "bin"
        bindir.mkdir()
        wrapper = bindir / "git"
        wrapper.write_text(WRAPPER.format(git=REAL_GIT))
        wrapper.chmod(0o755)
        self.monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
        self.tmp = self.base / "tmp"  # coc's temporary files (the commit message) go here
        self.tmp.mkdir()
        self.monkeypatch.setattr(tempfile, "tempdir", str(self.tmp))

    def fresh(self, setup: Setup) -> tuple[LedgerRepo, tuple[str, ...], State]:
        """A copy of the template made ready for an action: its arguments, and the state."""
        if self.ready is None:
            self.count += 1
            root = self.base / f"copy-{self.count}" / "ledger"
            shutil.copytree(self.template, root, symlinks=True)
            self.monkeypatch.chdir(root)
            repo = LedgerRepo(root)
            args = setup(repo)
            self.ready = (repo, args, state(root))
        return self.ready

    @contextlib.contextmanager
    def faulty(self, repo: LedgerRepo, at: int, mode: str) -> Iterator[None]:
        """git call number `at` fails as `mode` says (0: none); the count is kept."""
        self.ready = None  # until the caller has seen that nothing changed
        counter = repo.root.parent / "git-calls"
        counter.write_text("0")
        env = {
            "COC_FAULT_COUNTER": str(counter),
            "COC_FAULT_AT": str(at),
            "COC_FAULT_MODE": mode,
            "COC_FAULT_GIT_DIR": str(repo.root / ".git"),
        }
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            # git's answers the process keeps would make the k-th call another one next time
            mp.setattr(gitstore, "_git_dirs", {})
            mp.setattr(gitstore, "_prefixes", {})
            yield

    def run(self, repo: LedgerRepo, args: tuple[str, ...], at: int = 0, mode: str = "exit") -> Run:
        with self.faulty(repo, at, mode):
            return repo.coc(*args, expect=None)

    def unchanged(self, repo: LedgerRepo, args: tuple[str, ...], before: State) -> None:
        """The copy is as it was: the next trial may use it."""
        self.ready = (repo, args, before)

    def calls(self, repo: LedgerRepo) -> int:
        return int((repo.root.parent / "git-calls").read_text())


@pytest.fixture
def trials(faults_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Trials:
    return Trials(faults_template, tmp_path, monkeypatch)


def person_add(repo: LedgerRepo) -> tuple[str, ...]:
    return ("person", "add", "zed", "--name", "Zed Example", "--email", "zed@example.org")


def person_add_beside_a_staged_file(repo: LedgerRepo) -> tuple[str, ...]:
    """Something else staged: the partial commit, which must leave it staged and out."""
    (repo.root / "notes.txt").write_text("a council member's notes\n")
    real_git(repo.root, "add", "notes.txt")
    return person_add(repo)


def report_new(repo: LedgerRepo) -> tuple[str, ...]:
    """A new case file in a new folder (cases/2026/)."""
    assert not (repo.root / "cases" / "2026").exists()
    report = ("--respondent", "frank", "--reporter", "gina", "--summary", "Insults in chat")
    return ("report", "new", *report, "--at", AT)


def sanction_enact(repo: LedgerRepo) -> tuple[str, ...]:
    """The register and the case file."""
    register = yaml.safe_load(repo.read("sanctions.yaml"))["sanctions"]
    [proposed] = [s["id"] for s in register if s["status"] == "proposed"]
    return ("sanction", "enact", proposed, "--at", AT)


def expunge(repo: LedgerRepo) -> tuple[str, ...]:
    """People, the register and a case file at once."""
    return ("expunge", "--at", AT)


ACTIONS: dict[str, Setup] = {
    "person add": person_add,
    "person add, something else staged": person_add_beside_a_staged_file,
    "report new": report_new,
    "sanction enact": sanction_enact,
    "expunge": expunge,
}
# By default each action one way: git exiting 128 at every call, or killed at every call (before
# it ran, by SIGKILL or SIGXFSZ, or after it did its work); COC_FAULTS=all for every pair.
KILLED = {
    "person add, something else staged": "KILL",
    "report new": "XFSZ",
    "sanction enact": "after",
}
CHOSEN = [
    (action, mode)
    for action in ACTIONS
    for mode in MODES
    if ALL or KILLED.get(action) == mode or (mode == "exit" and action not in KILLED)
]


def _committed(repo: LedgerRepo, before: State, what: str) -> list[str]:
    """The one commit the action made, its files, and a clean tree (untracked notes aside)."""
    assert real_git(repo.root, "rev-list", "--count", f"{before.head.strip()}..HEAD") == "1\n", what
    shown = real_git(repo.root, "show", "--name-only", "--format=", "HEAD")
    status = real_git(repo.root, "status", "--porcelain", "--ignored", "--untracked-files=all")
    expected = "".join(line for line in before.status.splitlines(True) if "notes.txt" in line)
    assert status == expected, what
    return shown.split()


@pytest.mark.parametrize(("action", "mode"), CHOSEN)
def test_a_failing_git_at_any_step_leaves_everything_as_it_was(
    trials: Trials, action: str, mode: str
) -> None:
    """For each git call k of a successful run: the action either completes (the call came
    after its commit) or fails with one line and leaves HEAD, index, files and locks as before."""
    repo, args, before = trials.fresh(ACTIONS[action])
    done = trials.run(repo, args)
    assert done.exit_code == 0, done.stderr
    files = _committed(repo, before, "the run without faults")
    calls = trials.calls(repo)
    assert calls >= 8  # git's answers, our commit, and the check of what it holds
    for k in range(1, calls + 1):
        repo, args, before = trials.fresh(ACTIONS[action])
        run = trials.run(repo, args, at=k, mode=mode)
        what = f"{action}, git call {k} of {calls} failing ({MODES[mode]}): {run.stderr!r}"
        assert trials.calls(repo) >= k, what  # the fault happened
        output = run.stdout + run.stderr
        assert "Traceback" not in output and "internal error" not in output, what
        assert leftovers(repo.root, trials.tmp) == [], what
        if run.exit_code == 0:
            assert _committed(repo, before, what) == files, what
            continue
        assert run.exit_code in (1, 2), what
        message = one_line_error(run)
        assert "git -" not in message, what  # the command is named, not an option before it
        if mode in SIGNALLED:
            assert SIGNALLED[mode] in message, what
        else:  # git's own reason, as it gave it
            assert message.endswith(f"fatal: injected failure of git call {k}"), what
        assert state(repo.root) == before, what
        trials.unchanged(repo, args, before)


def test_the_deletion_of_a_file_survives_a_failing_git_at_any_step(trials: Trials) -> None:
    """No action deletes a file yet; `commit.apply` does, beside a new file in a new folder."""
    files = {
        "cases/.gitkeep": None,
        "templates/witnesses.txt": "Edited.\n",
        "cases/2031/COC-2031-0001.yaml": "id: COC-2031-0001\n",
    }
    change = commit.ChangeSet(files, "test (COC-2031-0001)", {"Coc-Action": "test"})

    def apply(repo: LedgerRepo, at: int, mode: str) -> BaseException | None:
        interrupts.reset()
        try:
            with trials.faulty(repo, at, mode), gitstore.locked(repo.root):
                commit.apply(repo.root, change)
        except Exception as exc:
            return exc
        finally:
            interrupts.reset()
        return None

    def nothing(repo: LedgerRepo) -> tuple[str, ...]:
        return ()

    repo, _, before = trials.fresh(nothing)
    assert apply(repo, 0, "exit") is None
    assert sorted(_committed(repo, before, "no fault")) == sorted(files)
    calls = trials.calls(repo)
    for mode in MODES if ALL else ("exit",):
        for k in range(1, calls + 1):
            repo, _, before = trials.fresh(nothing)
            failed = apply(repo, k, mode)
            what = f"git call {k} of {calls} failing ({MODES[mode]}): {failed!r}"
            assert trials.calls(repo) >= k, what
            assert leftovers(repo.root, trials.tmp) == [], what
            if failed is None:
                assert sorted(_committed(repo, before, what)) == sorted(files), what
                continue
            assert isinstance(failed, CocError), what
            if mode in SIGNALLED:
                assert SIGNALLED[mode] in str(failed), what
            assert state(repo.root) == before, what
            trials.unchanged(repo, (), before)


# --- a full disk ------------------------------------------------------------------------------


DISKS = [(a, c) for a in ("sanction enact", "expunge") for c in ("replace", "fsync")]


@pytest.mark.parametrize(
    ("action", "call"), DISKS if ALL else [("sanction enact", "replace"), ("expunge", "fsync")]
)
def test_a_full_disk_at_any_write_leaves_the_ledger_as_it_was(
    trials: Trials, monkeypatch: pytest.MonkeyPatch, action: str, call: str
) -> None:
    """ENOSPC at the n-th `os.replace` (or `os.fsync`) of a run, for every n a successful run
    reaches: the ledger's files, the parse caches' and git's are all written so. A cache that
    cannot be written costs only speed; a ledger file, the action."""
    real = getattr(atomic.os, call)
    seen = {"calls": 0, "fail at": 0}

    def full(*args: object) -> object:
        seen["calls"] += 1
        if seen["calls"] == seen["fail at"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args)

    def run(repo: LedgerRepo, args: tuple[str, ...], at: int) -> Run:
        trials.ready = None  # a fresh copy each time: the caches a run writes change the count
        seen.update({"calls": 0, "fail at": at})
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(atomic.os, call, full)
            return repo.coc(*args, expect=None)

    repo, args, before = trials.fresh(ACTIONS[action])
    assert run(repo, args, 0).exit_code == 0
    files = _committed(repo, before, "no fault")
    writes, refused = seen["calls"], 0
    assert writes >= len(files)
    for n in range(1, writes + 1):
        repo, args, before = trials.fresh(ACTIONS[action])
        result = run(repo, args, n)
        what = f"{action}, {call} {n} of {writes} failing: {result.stderr!r}"
        assert seen["calls"] >= n, what  # the fault happened
        assert leftovers(repo.root, trials.tmp) == [], what
        if result.exit_code == 0:  # a cache
            assert _committed(repo, before, what) == files, what
            continue
        assert result.exit_code == 1, what
        message = one_line_error(result)
        assert message.startswith("coc: error: could not write the ledger: "), what
        assert message.endswith("No space left on device; nothing was changed"), what
        assert state(repo.root) == before, what
        refused += 1
    assert refused >= len(files)  # the write of each file it writes failed once


# --- hooks ------------------------------------------------------------------------------------

FIXER = """echo '  # fixed by the hook' >> people.yaml && git add people.yaml
echo 'people.yaml: files were modified by this hook' >&2; exit 1"""
STAGER = """echo 'Edited by the hook.' > templates/witnesses.txt && git add templates/witnesses.txt
echo 'witnesses.txt: files were modified by this hook' >&2; exit 1"""


@pytest.mark.parametrize("other_staged", [False, True])  # --include, or the partial commit
@pytest.mark.parametrize(("hook", "said"), [(FIXER, "people.yaml"), (STAGER, "witnesses.txt")])
def test_a_hook_that_edits_and_stages_then_fails_leaves_index_and_head(
    trials: Trials, hook: str, said: str, other_staged: bool
) -> None:
    """A fixer such as the pre-commit framework's rewrites a staged file, stages it and fails:
    the file coc wrote is put back and git drops what the hook staged. (A file the hook alone
    edited keeps the hook's edit: coc never wrote it, so it has nothing to put back.)"""
    setup = person_add_beside_a_staged_file if other_staged else person_add
    repo, args, before = trials.fresh(setup)
    hooks = repo.root / ".git" / "hooks"
    (hooks / "pre-commit").write_text(f"#!/bin/sh\n{hook}\n")
    (hooks / "pre-commit").chmod(0o755)
    run = trials.run(repo, args)
    assert run.exit_code == 1
    refused = f"coc: error: git refused the commit: {said}: files were modified by this hook"
    assert one_line_error(run) == refused
    assert leftovers(repo.root, trials.tmp) == []
    after = state(repo.root)
    assert (after.head, after.stage) == (before.head, before.stage)
    changed = {p for p in before.files if after.files.get(p) != before.files[p]}
    if hook == FIXER:
        assert after == before
    else:
        assert changed == {"templates/witnesses.txt"}
        lines = sorted([" M templates/witnesses.txt\n", *before.status.splitlines(True)])
        assert sorted(after.status.splitlines(True)) == lines


def test_a_failing_post_commit_hook_changes_nothing_of_the_action(trials: Trials) -> None:
    """git ignores a post-commit hook's exit code: the commit exists, and the action stands."""
    repo, args, before = trials.fresh(person_add)
    hook = repo.root / ".git" / "hooks" / "post-commit"
    hook.write_text("#!/bin/sh\necho 'post-commit: mirror unreachable' >&2\nexit 1\n")
    hook.chmod(0o755)
    run = trials.run(repo, args)
    assert run.exit_code == 0, run.stderr
    assert _committed(repo, before, "post-commit") == ["people.yaml"]
    assert leftovers(repo.root, trials.tmp) == []


# --- many processes ---------------------------------------------------------------------------


def people_at(repo: LedgerRepo, rev: str) -> list[str]:
    return [p["id"] for p in yaml.safe_load(repo.git("show", f"{rev}:people.yaml"))["people"]]


def test_many_processes_on_one_repository_lose_and_mix_no_commit(
    ledger_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC §5 Two `coc` processes at once: one waits (up to 30 s) or fails cleanly. Here
    COC_CONCURRENCY (8) real `coc person add` processes start at once, with queries beside
    them; every success is one commit of people.yaml alone, and no person is lost or doubled."""
    repo = clone(ledger_template, tmp_path, monkeypatch)
    head = repo.head()
    env = {**os.environ, **ENV}
    ids = [f"p{n:03d}" for n in range(CONCURRENCY)]
    actions = [
        subprocess.Popen(
            [*COC, "person", "add", pid, "--name", f"Member {pid}", "--at", AT],
            cwd=repo.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pid in ids
    ]
    queries = [
        subprocess.Popen(
            [*COC, *query],
            cwd=repo.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for query in (("case", "list", "--json"), ("validate",))
    ]
    done = [(*p.communicate(timeout=120), p.returncode) for p in actions]
    listed, validated = [(*p.communicate(timeout=120), p.returncode) for p in queries]
    assert listed[2] == 0 and json.loads(listed[0]) == [], listed
    assert validated[2] == 0 and validated[0] == "No problems found.\n", validated
    added = [pid for pid, (_, err, code) in zip(ids, done, strict=True) if code == 0]
    for _, err, code in done:
        assert "Traceback" not in err, err
        if code != 0:  # only when the lock was held for more than its 30 s
            assert code == 1 and len(err.strip().splitlines()) == 1, err
            assert "another coc command is working on this ledger" in err, err
    assert added  # (under a heavy load some may wait past 30 s)
    made = repo.git("rev-list", "--reverse", f"{head}..HEAD").split()
    assert len(made) == len(added)
    for sha in made:  # each adds one person, on top of all the others before it
        assert repo.git("show", "--name-only", "--format=", sha).split() == ["people.yaml"]
        assert repo.trailers(sha)["Coc-Action"] == "person add"
        new, old = (people_at(repo, rev) for rev in (sha, f"{sha}^"))
        assert len(new) == len(old) + 1 and set(old) < set(new)
    people = people_at(repo, "HEAD")
    assert sorted(p for p in people if p in ids) == sorted(added)
    assert len(people) == len(set(people))
    assert repo.status() == "" and leftovers(repo.root) == []
    assert repo.coc("validate", expect=None).exit_code == 0
