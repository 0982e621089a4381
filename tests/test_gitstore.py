"""gitstore on real git repositories: one commit per action, nothing else swept in, rollback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cocledger
from cocledger.errors import CocError, RefusedError, UsageError
from cocledger.store import commit
from cocledger.store import git as gitstore
from cocledger.store.commit import ChangeSet
from conftest import as_from_a_terminal

SRC = str(Path(cocledger.__file__).resolve().parent.parent)
TRAILERS = {"Coc-Action": "report new", "Coc-Case": "COC-2026-0001", "Coc-Actor": "alice"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def state(repo: Path) -> tuple[str, str, str]:
    """Everything a failed action must leave untouched: status, index and history."""
    log = subprocess.run(["git", "log", "--format=%H"], cwd=repo, capture_output=True, text=True)
    return (
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "ls-files", "--stage"),
        log.stdout,
    )


def change(files: dict[str, str | None], case: str = "COC-2026-0001") -> ChangeSet:
    trailers = {**TRAILERS, "Coc-Case": case}
    return ChangeSet(files=files, subject=f"report new ({case})", trailers=trailers)


@pytest.fixture
def empty_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh repository, isolated from the user's git config, with a fixed identity."""
    home = tmp_path / "home"
    home.mkdir()
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "EMAIL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Alice Example")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "alice@example.org")
    repo = tmp_path / "ledger"
    gitstore.init_repo(repo)
    git(repo, "config", "commit.gpgsign", "false")
    return repo


@pytest.fixture
def repo(empty_repo: Path) -> Path:
    """A repository with one commit holding two tracked files."""
    (empty_repo / "policy.yaml").write_text("policy: 1\n")
    (empty_repo / "people.yaml").write_text("people: []\n")
    git(empty_repo, "add", ".")
    git(empty_repo, "commit", "-q", "-m", "init")
    return empty_repo


def committed_files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-only", "--format=", rev).split()


def test_apply_makes_one_commit_with_exactly_its_files_subject_and_trailers(repo: Path) -> None:
    before = gitstore.head_sha(repo)
    sha = commit.apply(repo, change({"cases/2026/COC-2026-0001.yaml": "id: x\n"}))
    assert sha == gitstore.head_sha(repo)
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert committed_files(repo) == ["cases/2026/COC-2026-0001.yaml"]
    [info] = gitstore.commits(repo, max_count=1)
    assert (info.sha, info.subject, info.trailers) == (sha, "report new (COC-2026-0001)", TRAILERS)
    assert info.author_email == "alice@example.org"
    assert info.authored_at.tzinfo is not None
    assert git(repo, "status", "--porcelain") == ""


def test_message_has_subject_body_and_trailer_block(repo: Path) -> None:
    cs = ChangeSet(
        {"a.yaml": "a\n"}, "sanction enact S-2026-0003 (COC-2026-0007)", TRAILERS, "Why."
    )
    commit.apply(repo, cs)
    message = git(repo, "log", "-1", "--format=%B")
    trailers = "\n".join(f"{k}: {v}" for k, v in TRAILERS.items())
    assert message == f"sanction enact S-2026-0003 (COC-2026-0007)\n\nWhy.\n\n{trailers}\n\n"


def test_first_commit_in_empty_repo_keeps_other_staged_file_staged(empty_repo: Path) -> None:
    (empty_repo / "notes.txt").write_text("draft\n")
    git(empty_repo, "add", "notes.txt")
    sha = commit.apply(empty_repo, change({"policy.yaml": "policy: 1\n"}))
    assert git(empty_repo, "rev-list", "--all").split() == [sha]
    assert committed_files(empty_repo) == ["policy.yaml"]
    assert git(empty_repo, "status", "--porcelain") == "A  notes.txt\n"


def test_unrelated_unstaged_and_staged_edits_stay_uncommitted(repo: Path) -> None:
    (repo / "policy.yaml").write_text("policy: staged edit\n")
    git(repo, "add", "policy.yaml")
    (repo / "people.yaml").write_text("people: unstaged edit\n")
    (repo / "scratch.txt").write_text("untracked\n")
    before = git(repo, "status", "--porcelain")
    commit.apply(repo, change({"sanctions.yaml": "sanctions: []\n"}))
    assert committed_files(repo) == ["sanctions.yaml"]
    assert git(repo, "status", "--porcelain") == before
    assert before == " M people.yaml\nM  policy.yaml\n?? scratch.txt\n"
    assert git(repo, "diff", "--cached", "--name-only") == "policy.yaml\n"


def test_deleting_a_file_commits_its_removal(repo: Path) -> None:
    commit.apply(repo, change({"people.yaml": None, "policy.yaml": "policy: 2\n"}))
    assert not (repo / "people.yaml").exists()
    assert git(repo, "show", "--name-status", "--format=", "HEAD") == (
        "D\tpeople.yaml\nM\tpolicy.yaml\n"
    )
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("kind", ["staged", "unstaged", "untracked"])
def test_file_with_uncommitted_changes_is_refused(repo: Path, kind: str) -> None:
    target = "people.yaml" if kind != "untracked" else "cases/new.yaml"
    (repo / target).parent.mkdir(exist_ok=True)
    (repo / target).write_text("someone's edit\n")
    if kind == "staged":
        git(repo, "add", target)
    before = state(repo)
    with pytest.raises(RefusedError, match=f"commit or stash your edits to {target} first"):
        commit.apply(repo, change({"policy.yaml": "policy: 2\n", target: "ours\n"}))
    assert state(repo) == before
    assert (repo / target).read_text() == "someone's edit\n"
    assert (repo / "policy.yaml").read_text() == "policy: 1\n"


def _commit_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    real = gitstore._git

    def spy(root: Path, *args: str, **options: bool) -> subprocess.CompletedProcess[bytes]:
        if args[0] == "commit":
            calls.append(args)
        return real(root, *args, **options)

    monkeypatch.setattr(gitstore, "_git", spy)
    return calls


def test_with_nothing_else_staged_the_index_is_written_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git commit --include` then (one index write, not the partial commit's two); with
    something else staged, the partial commit, which leaves it out."""
    calls = _commit_calls(monkeypatch)
    commit.apply(repo, change({"people.yaml": None, "cases/2026/COC-2026-0001.yaml": "id: x\n"}))
    assert "--include" in calls[-1]
    assert git(repo, "show", "--name-status", "--format=", "HEAD") == (
        "A\tcases/2026/COC-2026-0001.yaml\nD\tpeople.yaml\n"
    )
    (repo / "other.txt").write_text("staged by someone\n")
    git(repo, "add", "other.txt")
    commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    assert "--include" not in calls[-1]
    assert committed_files(repo) == ["policy.yaml"]
    assert git(repo, "status", "--porcelain") == "A  other.txt\n"


def test_a_merge_under_way_never_becomes_an_action(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a merge stopped before its commit and nothing to stage (`-s ours`), `--include`
    would make the action a merge commit: git refuses the partial commit instead."""
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "side.txt").write_text("side\n")
    git(repo, "add", "side.txt")
    git(repo, "commit", "-q", "-m", "side")
    git(repo, "checkout", "-q", "-")
    git(repo, "merge", "-q", "--no-commit", "-s", "ours", "side")
    assert git(repo, "diff", "--cached", "--name-only") == ""
    calls = _commit_calls(monkeypatch)
    before = state(repo)
    with pytest.raises(RefusedError, match="git refused the commit"):
        commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    assert "--include" not in calls[-1]
    assert state(repo) == before
    assert (Path(gitstore.git_dir(repo)) / "MERGE_HEAD").exists()


@pytest.mark.parametrize("under_way", ["CHERRY_PICK_HEAD", "REVERT_HEAD"])
def test_a_cherry_pick_or_revert_under_way_gets_the_partial_commit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, under_way: str
) -> None:
    """As before `--include` existed: git refuses a partial commit during a cherry-pick, and
    makes one during a revert."""
    state_file = Path(gitstore.git_dir(repo)) / under_way
    state_file.write_text(git(repo, "rev-parse", "HEAD"))
    calls = _commit_calls(monkeypatch)
    if under_way == "CHERRY_PICK_HEAD":
        with pytest.raises(RefusedError, match="partial commit during a cherry-pick"):
            commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    else:
        commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
        assert committed_files(repo) == ["policy.yaml"]
    assert calls and "--include" not in calls[-1]


def test_a_change_that_only_deletes_is_committed(repo: Path) -> None:
    """git >= 2.45 refuses `--include -- path` for a path already gone from the index."""
    commit.apply(repo, change({"people.yaml": None}))
    assert git(repo, "show", "--name-status", "--format=", "HEAD") == "D\tpeople.yaml\n"
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("trust", ["assume-unchanged", "core.ignoreStat"])
def test_a_file_git_takes_on_trust_is_still_committed(repo: Path, trust: str) -> None:
    """`--include` would take such a file from the index as it is and leave the edit out."""
    if trust == "core.ignoreStat":
        git(repo, "config", "core.ignoreStat", "true")
        (repo / "people.yaml").write_text("people: []\n")  # same content: the bit gets set
        git(repo, "add", "people.yaml")
    else:
        git(repo, "update-index", f"--{trust}", "people.yaml")
    commit.apply(repo, change({"people.yaml": "people: [frank]\n", "policy.yaml": "policy: 2\n"}))
    assert git(repo, "show", "HEAD:people.yaml") == "people: [frank]\n"
    assert sorted(committed_files(repo)) == ["people.yaml", "policy.yaml"]


def test_a_staged_submodule_commit_stays_out_even_when_diffs_ignore_submodules(repo: Path) -> None:
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{gitstore.head_sha(repo)},sub")
    git(repo, "commit", "-q", "-m", "a submodule")
    git(repo, "update-index", "--cacheinfo", f"160000,{gitstore.head_sha(repo)},sub")  # a bump
    git(repo, "config", "diff.ignoreSubmodules", "all")
    commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    assert committed_files(repo) == ["policy.yaml"]
    assert git(repo, "diff", "--cached", "--name-only", "--ignore-submodules=none") == "sub\n"


@pytest.mark.parametrize("other_staged", [True, False])
def test_a_file_a_pre_commit_hook_stages_goes_into_the_commit(
    repo: Path, other_staged: bool
) -> None:
    """As a council's hook that refreshes the published page in the same commit would want."""
    if other_staged:
        (repo / "other.txt").write_text("staged by someone\n")
        git(repo, "add", "other.txt")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho page > page.txt && git add page.txt\n")
    hook.chmod(0o755)
    commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    assert sorted(committed_files(repo)) == ["page.txt", "policy.yaml"]


@pytest.mark.parametrize("other_staged", [True, False])
def test_a_skip_worktree_file_is_refused_before_anything_is_written(
    repo: Path, other_staged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git commits the index's copy of such a file, never the one written (it used to commit
    the action without its edit, silently)."""
    if other_staged:
        (repo / "other.txt").write_text("staged by someone\n")
        git(repo, "add", "other.txt")
    git(repo, "update-index", "--skip-worktree", "people.yaml")
    calls = _commit_calls(monkeypatch)
    before = state(repo)
    with pytest.raises(RefusedError, match=r"people\.yaml is marked skip-worktree"):
        commit.apply(
            repo, change({"people.yaml": "people: [frank]\n", "policy.yaml": "policy: 2\n"})
        )
    assert calls == []
    assert state(repo) == before
    assert (repo / "people.yaml").read_text() == "people: []\n"


def test_a_file_whose_bytes_change_but_not_its_blob_is_no_omission(repo: Path) -> None:
    """A CRLF checkout rewritten with LF: git stores the same blob, so the commit does not list
    the file, and that is right."""
    git(repo, "config", "core.autocrlf", "true")
    (repo / "policy.yaml").write_bytes(b"policy: 1\r\n")  # as a CRLF checkout has it
    git(repo, "add", "policy.yaml")
    assert git(repo, "status", "--porcelain") == ""
    commit.apply(repo, change({"policy.yaml": "policy: 1\n", "people.yaml": "people: [frank]\n"}))
    assert committed_files(repo) == ["people.yaml"]


def test_a_commit_missing_a_changed_file_is_rolled_back(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net under `--include`: were the choice wrong (here forced for a file marked
    assume-unchanged), the action fails and leaves everything as it was."""
    git(repo, "update-index", "--assume-unchanged", "people.yaml")
    monkeypatch.setattr(commit, "_index_is_head", lambda root, tags: True)
    before = state(repo)
    with pytest.raises(
        CocError, match=r"git left people\.yaml out of the commit .*; nothing was changed"
    ):
        commit.apply(
            repo, change({"people.yaml": "people: [frank]\n", "policy.yaml": "policy: 2\n"})
        )
    assert state(repo) == before
    assert (repo / "people.yaml").read_text() == "people: []\n"
    assert not (Path(gitstore.git_dir(repo)) / "ORIG_HEAD").exists()  # HEAD moved back, no reset


def test_the_lock_remembers_the_git_dir_only_while_it_is_held(repo: Path) -> None:
    with gitstore.locked(repo):
        assert gitstore._locked_dirs == {repo: gitstore.git_dir(repo)}
    assert gitstore._locked_dirs == {}


def test_unchanged_content_is_refused_as_nothing_to_commit(repo: Path) -> None:
    with pytest.raises(RefusedError, match="nothing to commit"):
        commit.apply(repo, change({"policy.yaml": "policy: 1\n"}))


@pytest.mark.parametrize("hook", ["pre-commit", "commit-msg"])
@pytest.mark.parametrize("fixture", ["repo", "empty_repo"])
@pytest.mark.parametrize("other_staged", [True, False])  # the partial commit, or --include
def test_hook_rejection_rolls_everything_back(
    request: pytest.FixtureRequest, fixture: str, hook: str, other_staged: bool
) -> None:
    repo: Path = request.getfixturevalue(fixture)
    if other_staged:
        (repo / "other.txt").write_text("staged by someone\n")
        git(repo, "add", "other.txt")
    (repo / "scratch.txt").write_text("untracked\n")
    hook_file = repo / ".git" / "hooks" / hook
    hook_file.write_text("#!/bin/sh\necho 'ledger check failed: CL001' >&2\nexit 1\n")
    hook_file.chmod(0o755)
    before = state(repo)
    files = {"cases/2026/COC-2026-0001.yaml": "id: x\n", "policy.yaml": "policy: 2\n"}
    with pytest.raises(RefusedError, match=r"^git refused the commit: ledger check failed: CL001$"):
        commit.apply(repo, change(files))
    assert state(repo) == before
    assert not (repo / "cases").exists()
    if fixture == "repo":
        assert (repo / "policy.yaml").read_text() == "policy: 1\n"
    else:
        assert not (repo / "policy.yaml").exists()
    assert not list(repo.rglob("*.coc-tmp"))


def test_failure_mid_write_restores_earlier_files(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(repo)
    real_replace, calls = os.replace, []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(gitstore.os, "replace", failing_replace)
    with pytest.raises(CocError, match="No space left on device; nothing was changed"):
        commit.apply(repo, change({"policy.yaml": "policy: 2\n", "people.yaml": "people: 2\n"}))
    monkeypatch.undo()
    assert (repo / "policy.yaml").read_text() == "policy: 1\n"
    assert (repo / "people.yaml").read_text() == "people: []\n"
    assert state(repo) == before
    assert not list(repo.rglob("*.coc-tmp"))


def test_exception_after_staging_unstages_and_restores(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(repo)
    real_git = gitstore._git

    def git_failing_commit(root: Path, *args: str, **options: bool):  # type: ignore[no-untyped-def]
        if args[0] == "commit":
            raise RuntimeError("boom")
        return real_git(root, *args, **options)

    monkeypatch.setattr(gitstore, "_git", git_failing_commit)
    with pytest.raises(RuntimeError, match="boom"):
        commit.apply(repo, change({"policy.yaml": "policy: 2\n", "new/dir/x.yaml": "x\n"}))
    monkeypatch.undo()
    assert state(repo) == before
    assert not (repo / "new").exists()


def test_ctrl_c_during_commit_rolls_back(repo: Path) -> None:
    """A real SIGINT to the whole process group (as a terminal sends it) while a hook runs."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nkill -INT 0\nsleep 5\n")
    hook.chmod(0o755)
    before = state(repo)
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from cocledger.store.commit import ChangeSet, apply
        try:
            apply(Path({str(repo)!r}), ChangeSet({{"policy.yaml": "p: 2\\n", "n/x.yaml": "x\\n"}},
                  "s", {{"Coc-Action": "x"}}))
        except KeyboardInterrupt:
            sys.exit(42)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": SRC},
        start_new_session=True,
        capture_output=True,
        timeout=30,
        preexec_fn=as_from_a_terminal,
    )
    assert proc.returncode == 42, proc.stderr
    assert state(repo) == before
    assert not (repo / "n").exists()
    assert (repo / "policy.yaml").read_text() == "policy: 1\n"


@pytest.mark.parametrize(
    "path", ["../x", "/etc/x", ".git/config", "a/../b", "a//b", "./a", "a\\b", "*.yaml", ":x", ""]
)
def test_bad_paths_are_usage_errors(repo: Path, path: str) -> None:
    before = state(repo)
    with pytest.raises(UsageError):
        commit.apply(repo, change({"policy.yaml": "policy: 2\n", path: "x\n"}))
    assert state(repo) == before
    assert (repo / "policy.yaml").read_text() == "policy: 1\n"


def test_symlinked_directory_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "cases").symlink_to(outside)
    with pytest.raises(RefusedError, match="symbolic link"):
        commit.apply(repo, change({"cases/x.yaml": "x\n"}))
    assert list(outside.iterdir()) == []


def test_author_email_prefers_env_then_config(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "config", "user.email", "config@example.org")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.org")
    assert gitstore.author_email(repo) == "env@example.org"
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    assert gitstore.author_email(repo) == "config@example.org"
    git(repo, "config", "--unset", "user.email")
    assert gitstore.author_email(repo) is None


def test_find_root_from_subdirectory_and_outside_a_repo(repo: Path, tmp_path: Path) -> None:
    (repo / "cases" / "2026").mkdir(parents=True)
    assert gitstore.find_root(repo / "cases" / "2026") == repo.resolve()
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(UsageError, match=r"not inside a git repository: run `coc init PATH`"):
        gitstore.find_root(outside)


def test_init_repo_is_idempotent(repo: Path) -> None:
    head = gitstore.head_sha(repo)
    gitstore.init_repo(repo)
    assert gitstore.head_sha(repo) == head


HOLD = """
import sys, time
from pathlib import Path
from cocledger.store.git import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    Path(sys.argv[3]).write_text("done")
"""

TRY = """
import sys
from pathlib import Path
from cocledger.errors import RefusedError
from cocledger.store.git import locked
try:
    with locked(Path(sys.argv[1]), timeout=float(sys.argv[2])):
        print("acquired")
except RefusedError as exc:
    print(exc)
"""


def python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-c", code, *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)


def test_locked_refuses_a_second_process_after_timeout(repo: Path) -> None:
    with gitstore.locked(repo):
        with gitstore.locked(repo):  # re-entrant within one process
            pass
        out, _ = python(TRY, str(repo), "0.2").communicate(timeout=30)
    assert out.strip() == "another coc command is working on this ledger; try again in a moment"
    out, _ = python(TRY, str(repo), "0.2").communicate(timeout=30)
    assert out.strip() == "acquired"


def test_locked_waits_for_the_holder_to_finish(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "holder-done"
    holder = python(HOLD, str(repo), "0.5", str(marker))
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with gitstore.locked(repo, timeout=20):
        assert marker.exists()  # we only got the lock once the holder had finished its work
    holder.wait(timeout=30)


WRITER = """
import sys, time
from pathlib import Path
from cocledger.store.commit import ChangeSet, apply
from cocledger.store.git import locked
root, me = Path(sys.argv[1]), sys.argv[2]
with locked(root):
    counter = root / "counter.txt"
    n = int(counter.read_text()) if counter.exists() else 0
    time.sleep(0.3)  # both processes load at once: only the lock keeps them apart
    apply(root, ChangeSet({"counter.txt": f"{n + 1}\\n", f"{me}.yaml": me + "\\n"},
                          f"write {me}", {"Coc-Action": "write", "Coc-Actor": me}))
"""


def test_concurrent_actions_under_the_lock_both_land(repo: Path) -> None:
    procs = [python(WRITER, str(repo), name) for name in ("alice", "bob")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    history = gitstore.commits(repo)
    assert sorted(c.trailers["Coc-Actor"] for c in history[:2]) == ["alice", "bob"]
    assert len(history) == 3
    assert (repo / "counter.txt").read_text() == "2\n"
    for made in history[:2]:  # each commit holds exactly what its own process wrote
        actor = made.trailers["Coc-Actor"]
        assert committed_files(repo, made.sha) == sorted(["counter.txt", f"{actor}.yaml"])
    assert git(repo, "status", "--porcelain") == ""


def test_commits_grep_finds_a_case_by_its_trailer(repo: Path) -> None:
    for case in ("COC-2026-0002", "COC-2026-00021", "COC-2026-0003"):
        commit.apply(repo, change({f"{case}.yaml": case}, case))
    found = gitstore.commits(repo, grep="^Coc-Case: COC-2026-0002$")
    assert [c.trailers["Coc-Case"] for c in found] == ["COC-2026-0002"]
    by_path = gitstore.commits(repo, paths=["COC-2026-0003.yaml"])
    assert [c.subject for c in by_path] == ["report new (COC-2026-0003)"]
    assert gitstore.commits(repo, grep="^Coc-Case: COC-2099-0001$") == []


def test_commits_in_empty_repo_is_empty(empty_repo: Path) -> None:
    assert gitstore.commits(empty_repo) == []
    assert gitstore.head_sha(empty_repo) is None


def test_file_at_changed_files_and_commits_between(repo: Path) -> None:
    base = gitstore.head_sha(repo)
    assert base is not None
    commit.apply(repo, change({"policy.yaml": "policy: 2\n"}))
    commit.apply(repo, change({"sanctions.yaml": "[]\n", "people.yaml": None}, "COC-2026-0002"))
    assert gitstore.file_at(repo, base, "policy.yaml") == "policy: 1\n"
    assert gitstore.file_at(repo, "HEAD", "policy.yaml") == "policy: 2\n"
    assert gitstore.file_at(repo, base, "sanctions.yaml") is None
    with pytest.raises(UsageError, match="unknown git revision"):
        gitstore.file_at(repo, "no-such-branch", "policy.yaml")
    with pytest.raises(UsageError):
        gitstore.file_at(repo, "--output=/tmp/x", "policy.yaml")
    assert gitstore.changed_files(repo, base) == ["people.yaml", "policy.yaml", "sanctions.yaml"]
    between = gitstore.commits_between(repo, base)
    assert [c.trailers["Coc-Case"] for c in between] == ["COC-2026-0002", "COC-2026-0001"]
    assert [c.signature for c in between] == ["N", "N"]
    assert gitstore.commits_between(repo, base, paths=["policy.yaml"])[0].subject == (
        "report new (COC-2026-0001)"
    )
    assert gitstore.merge_base(repo, base) == base
