"""The only module that runs git (with `commit`, which makes an action's commit): the work
tree's root, the author, the git directory, the ledger's lock, and history queries.

Runs the git command line through `subprocess` (argument lists, never a shell): faster to start
than importing GitPython and it keeps the user's hooks and config (e.g. signed commits) in effect.
`root` is always the ledger's folder, as `find_root` returns it: the top of its work tree, or a
folder inside a larger repository (SPEC §2). git runs in that folder, so pathspecs are relative to
it; what git prints relative to the work tree's top is asked for `--relative` or mapped with
`prefix`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from ..core.history import CommitInfo
from ..core.ids import POLICY_FILE
from ..errors import CocError, RefusedError, UsageError
from . import interrupts

_locked_dirs: dict[Path, str] = {}  # git dir of each ledger this process holds locked (re-entrant)
_git_dirs: dict[Path, str] = {}
_prefixes: dict[Path, str] = {}  # ledger root -> its folder inside the work tree ("" or "dir/")


def _first_line(*texts: bytes) -> str:
    lines = b"\n".join(texts).decode("utf-8", "replace").splitlines()
    return next((line.strip() for line in lines if line.strip()), "(no output)")


def _git(
    root: Path,
    *args: str,
    check: bool = True,
    wait: bool = False,
    forward: bool = False,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in root without a shell; on failure raise CocError with git's first line. A
    signal meanwhile interrupts coc once git has ended (unless `wait`: the caller looks at what
    git did first, as after `git commit`); with `forward` it is passed on to git first. `env`:
    variables set for git and its hooks."""
    try:
        proc = interrupts.run(["git", *args], root, forward, env)
    except FileNotFoundError as exc:
        raise CocError("git is not installed or not on PATH: install git first") from exc
    if proc.returncode < 0:
        interrupts.note(-proc.returncode)  # Ctrl-C reached git first: coc was interrupted too
    if not wait:
        interrupts.check()
        if proc.returncode < 0:
            interrupts.poll()  # inside an action: it stops here, and rolls back
    if check and proc.returncode < 0 and not interrupts.pending():  # killed, not by our user
        raise CocError(stopped(args, -proc.returncode))
    if check and proc.returncode != 0:
        raise CocError(f"git {_command(args)} failed: {_first_line(proc.stderr, proc.stdout)}")
    return proc


def _command(args: tuple[str, ...] | list[str]) -> str:
    """The git command of these arguments (`status`, not the `--no-optional-locks` before it)."""
    return next((arg for arg in args if not arg.startswith("-")), args[0])


def stopped(args: tuple[str, ...] | list[str], signum: int) -> str:
    """What to say of a git that a signal ended (none of the user's: theirs interrupt coc)."""
    import signal

    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    return (
        f"git {_command(args)} was stopped by {name} (a file size limit such as `ulimit -f`, a "
        "memory limit, or kill?): lift the limit and run coc again; nothing was changed"
    )


def _out(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode("utf-8", "replace").strip()


def find_root(start: Path) -> Path:
    """The ledger every command works on (SPEC §2): the first folder from start upwards, inside
    its git work tree, that holds policy.yaml; the work tree's top when none does (the loader
    then says policy.yaml is missing)."""
    if not start.is_dir():
        raise UsageError(f"{start} is not a directory: pass -C PATH to an existing ledger")
    proc = _git(start, "rev-parse", "--show-toplevel", "--absolute-git-dir", check=False)
    if proc.returncode < 0:  # killed: it said nothing about where it ran
        raise CocError(stopped(["rev-parse"], -proc.returncode))
    if proc.returncode != 0 and b"not a git repository" not in proc.stderr:  # safe.directory, …
        raise UsageError(f"git rev-parse failed in {start}: {_first_line(proc.stderr)}")
    if proc.returncode != 0 or not proc.stdout.strip():
        raise UsageError(
            f"{start} is not inside a git repository: run `coc init PATH` or pass -C PATH"
        )
    lines = _out(proc).splitlines()
    top = Path(lines[0]).resolve()
    here = start.resolve()
    folders = [here, *here.parents]
    inside = folders[: folders.index(top) + 1] if top in folders else [top]
    root = next((d for d in inside if (d / POLICY_FILE).is_file()), top)
    _prefixes[root] = "" if root == top else root.relative_to(top).as_posix() + "/"
    if len(lines) > 1:  # asked in the same run: one git process fewer for every command
        _git_dirs.setdefault(root, lines[1])
    return root


def prefix(root: Path) -> str:
    """The ledger's folder inside its work tree, as git names paths ("" at the top, else
    "dir/"): file names in messages and annotations are given from the work tree's top."""
    if root not in _prefixes:
        proc = _git(root, "rev-parse", "--show-prefix", check=False)
        _prefixes[root] = _out(proc) if proc.returncode == 0 else ""
    return _prefixes[root]


def shown(root: Path, relpath: str) -> str:
    """A ledger path as the user and CI see it: from the work tree's top."""
    return prefix(root) + relpath


def author_email(root: Path) -> str | None:
    """The author email git would record (GIT_AUTHOR_EMAIL, author.email, user.email, EMAIL).

    Auto-detected addresses (user@host) do not count: None means nobody configured one.
    """
    if os.environ.get("GIT_AUTHOR_EMAIL"):
        return os.environ["GIT_AUTHOR_EMAIL"]
    proc = _git(root, "config", "-z", "--get-regexp", r"^(author|user)\.email$", check=False)
    found = dict(
        entry.split("\n", 1)
        for entry in proc.stdout.decode("utf-8", "replace").split("\0")
        if "\n" in entry
    )
    return found.get("author.email") or found.get("user.email") or os.environ.get("EMAIL") or None


def init_repo(root: Path) -> None:
    """`git init` root (creating it) unless it already lies inside a work tree: then the ledger
    is a folder of that repository (SPEC §2) and its commits touch only that folder."""
    root.mkdir(parents=True, exist_ok=True)
    if work_tree_top(root) is None:
        _git(root, "init", "-q")


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree folder lies in, None outside any: `coc init` below a top
    makes the ledger a folder of that repository (SPEC §2) rather than a repository of its own."""
    proc = _git(folder, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return Path(_out(proc)).resolve()


def git_dir(root: Path) -> str:
    """The repository's git directory, as git says (`.git`, or elsewhere for a linked work tree,
    which then keeps caches of its own); asked of git once per work tree and process."""
    if root not in _git_dirs:
        _git_dirs[root] = _out(_git(root, "rev-parse", "--absolute-git-dir"))
    return _git_dirs[root]


@contextlib.contextmanager
def locked(root: Path, timeout: float = 30.0) -> Iterator[None]:
    """Exclusive inter-process lock on the ledger, so load + allocate id + commit is atomic."""
    directory = git_dir(root)
    if directory in _locked_dirs.values():  # already ours: nesting must not deadlock
        yield
        return
    lock_path = os.path.join(directory, "coc.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only repository, a full disk, no free inodes
        raise CocError(
            f"cannot take the ledger's lock {lock_path}: {exc.strerror or exc}. An action writes "
            "in the repository's git directory: make it writable, or free space on its disk "
            "(`df -h`, and `df -i` for inodes); nothing was changed"
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RefusedError(
                        "another coc command is working on this ledger; try again in a moment"
                    ) from None
                time.sleep(0.05)
        _locked_dirs[root] = directory
        try:
            yield
        finally:
            _locked_dirs.pop(root, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def head_sha(root: Path) -> str | None:
    """The current commit, or None in a repository without commits yet (git's quiet exit 1).
    Any other failure raises: taken for "no commit yet", it made an action commit on top of
    HEAD, then unstage its files while rolling back."""
    proc = _git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
    if proc.returncode == 0:
        return _out(proc)
    if proc.returncode < 0:
        raise CocError(stopped(["rev-parse"], -proc.returncode))
    if proc.returncode != 1 or proc.stderr.strip():
        raise CocError(f"git rev-parse failed: {_first_line(proc.stderr, proc.stdout)}")
    return None


def _rev(rev: str) -> str:
    if not rev or rev.startswith("-"):
        raise UsageError(f"bad git revision {rev!r}")
    return rev


def file_at(root: Path, rev: str, path: str) -> str | None:
    """Text of path at rev (for history checks), None if the file does not exist there."""
    proc = _git(root, "cat-file", "blob", f"{_rev(rev)}:{prefix(root)}{path}", check=False)
    if proc.returncode == 0:
        return proc.stdout.decode("utf-8", "replace")
    if _git(root, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}", check=False).returncode:
        raise UsageError(f"unknown git revision {rev!r}: fetch it or pass an existing ref")
    return None


def changed_files(root: Path, base: str, head: str = "HEAD") -> list[str]:
    """Paths changed on head since it forked from base (`base...head`, as a pull request shows)."""
    revs = f"{_rev(base)}...{_rev(head)}"
    opts = ["--name-only", "-z", "--no-renames", "--relative"]  # the ledger's folder only
    proc = _git(root, "diff", *opts, revs, "--", check=False)
    if proc.returncode != 0:
        raise UsageError(f"cannot compare {base}...{head}: {_first_line(proc.stderr)}")
    return [p for p in proc.stdout.decode("utf-8", "replace").split("\0") if p]


_FIELDS = ["%H", "%an", "%ae", "%aI", "%s", "%(trailers:only,unfold)"]


def _log(
    root: Path, args: list[str], paths: list[str] | None, signature: bool, body: bool = False
) -> list[CommitInfo]:
    """One `git log` for all commits: NUL-separated fields, trailers parsed in Python. With
    `body`, the message bodies and parents too, and the history as committed: no replace refs."""
    fields = [*_FIELDS, "%G?" if signature else "", "%b" if body else "", "%P" if body else ""]
    fmt = "%x00".join(fields) + "%x00"
    proc = _git(
        root,
        *(["--no-replace-objects"] if body else []),
        "log",
        "--encoding=UTF-8",
        f"--format={fmt}",
        *args,
        "--",
        *(paths or ([] if not prefix(root) else ["."])),  # a ledger in a folder: its commits
        check=False,
    )
    if proc.returncode != 0:
        if head_sha(root) is None:  # no commit yet: an empty history, not an error
            return []
        raise UsageError(f"cannot read the git history: {_first_line(proc.stderr)}")
    values = proc.stdout.decode("utf-8", "replace").split("\0")
    result = []
    for i in range(0, len(values) - len(fields) + 1, len(fields)):
        sha, name, email, when, subject, trailer_text, sig, text, parents = values[
            i : i + len(fields)
        ]
        pairs = (line.partition(":") for line in trailer_text.splitlines())
        trailers = {k.strip(): v.strip() for k, sep, v in pairs if sep}  # repeated key: last wins
        at = datetime.fromisoformat(when)
        result.append(
            CommitInfo(
                sha.strip(), name, email, at, subject, trailers, sig, text, tuple(parents.split())
            )
        )
    return result


def commits(
    root: Path,
    grep: str | None = None,
    paths: list[str] | None = None,
    max_count: int | None = None,
) -> list[CommitInfo]:
    """Newest first; grep is an extended regex matched per line of the message (e.g. a trailer)."""
    args = ["--extended-regexp", f"--grep={grep}"] if grep else []
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    return _log(root, args, paths, signature=False)


def history(root: Path, until: str, since: str | None = None) -> list[CommitInfo]:
    """Every commit of `until` (or only those after `since`, an ancestor of it), newest first,
    with their message bodies and parents."""
    revs = f"{_rev(since)}..{_rev(until)}" if since else _rev(until)
    return _log(root, [revs], None, False, body=True)


def ignored(root: Path, path: Path) -> bool:
    """Whether git leaves a file out of the commits of the work tree at `root` (`.gitignore`)."""
    return (
        _git(root, "check-ignore", "-q", "--no-index", str(path.resolve()), check=False).returncode
        == 0
    )


def is_ancestor(root: Path, ancestor: str, rev: str = "HEAD") -> bool:
    """Whether `rev` descends from `ancestor` (False too when `ancestor` no longer exists)."""
    proc = _git(root, "merge-base", "--is-ancestor", _rev(ancestor), _rev(rev), check=False)
    return proc.returncode == 0


def commits_between(
    root: Path, base: str, head: str = "HEAD", paths: list[str] | None = None
) -> list[CommitInfo]:
    """Commits on head not on base (`base..head`), newest first, with their signature letter."""
    return _log(root, [f"{_rev(base)}..{_rev(head)}"], paths, signature=True)


def merge_base(root: Path, a: str, b: str = "HEAD") -> str | None:
    """The fork point of a and b, the base `changed_files` compares against."""
    proc = _git(root, "merge-base", _rev(a), _rev(b), check=False)
    return _out(proc) if proc.returncode == 0 else None


def parents(root: Path, rev: str) -> list[str]:
    """The parents of a commit: none for a root commit, two or more for a merge."""
    proc = _git(root, "rev-list", "--parents", "-n1", _rev(rev), "--", check=False)
    if proc.returncode != 0:
        raise UsageError(f"unknown git revision {rev!r}: fetch it or pass an existing ref")
    return _out(proc).split()[1:]


STOPPED = ("MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge",
           "rebase-apply")  # fmt: skip
"""What git leaves in its folder while a merge, rebase, cherry-pick or revert is stopped."""


def in_progress(root: Path) -> bool:
    """Whether a merge, rebase, cherry-pick or revert is stopped (a look at git's folder)."""
    try:
        folder = Path(git_dir(root))
    except CocError:
        return False
    return any((folder / name).exists() for name in STOPPED)


def unmerged(root: Path) -> list[str]:
    """Files git holds in conflict (a merge, rebase or pull stopped on them), ledger-relative;
    asked of git only while one of them is stopped."""
    if not in_progress(root):
        return []
    proc = _git(root, "ls-files", "--unmerged", "-z", "--", ".", check=False)
    if proc.returncode != 0:
        return []
    entries = proc.stdout.decode("utf-8", "replace").split("\0")
    return sorted({e.split("\t", 1)[1] for e in entries if "\t" in e})
