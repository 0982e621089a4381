"""One atomic commit per action (SPEC §5): write the files, commit exactly them, and on any
failure put the work tree, the index and HEAD back as they were.

git is run through `git._git` (the command line, argument lists, never a shell), so the user's
hooks and config (signed commits) stay in effect.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import CocError, RefusedError, UsageError
from . import git, interrupts
from .atomic import write_atomic
from .git import _first_line, _out, git_dir, head_sha

ACTION_VAR = "COC_ACTION"
"""Set to the action's name (`sanction enact`) for the `git commit` of a `coc` action and so for
its hooks: the strict pre-commit hook (`coc validate --strict`) then blocks only a warning the
action adds (SPEC §6), so overdue duties can be cleared one action at a time."""
_TRAILER_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_BAD_PATH_CHARS = set('\\:*?[]"<>|') | {chr(c) for c in range(32)} | {"\x7f"}
_Old = dict[str, tuple[bytes, int] | None]  # path -> (bytes, mode) before the action, or None


@dataclass(frozen=True)
class ChangeSet:
    """What one action changes: file texts by ledger-relative POSIX path, and its commit message."""

    files: dict[str, str | None]  # path -> new full text (UTF-8); None deletes the file
    subject: str
    trailers: dict[str, str]
    body: str = ""
    unchanged: str = "nothing to commit: the files already have this content"


def _check_path(root: Path, path: str) -> str:
    """A ledger path must be relative, POSIX, plain (no pathspec magic) and outside .git."""
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
        or any(part.lower() == ".git" for part in parts)
        or _BAD_PATH_CHARS.intersection(path)
    ):
        raise UsageError(f"refusing to write {path!r}: not a plain relative path inside the ledger")
    for i in range(1, len(parts) + 1):
        if (root / "/".join(parts[:i])).is_symlink():
            link = "/".join(parts[:i])
            raise RefusedError(f"refusing to write {path}: {link} is a symbolic link")
    if (root / path).exists() and not (root / path).is_file():
        raise RefusedError(f"refusing to write {path}: it exists and is not a regular file")
    return path


def _message(change: ChangeSet) -> str:
    """Subject, blank line, optional body, blank line, one `Key: value` trailer per line."""
    subject = change.subject.strip()
    if not subject or "\n" in subject:
        raise UsageError("a commit subject must be one non-empty line")
    for key, value in change.trailers.items():
        if not _TRAILER_KEY.match(key) or not value.strip() or "\n" in value:
            raise UsageError(f"bad commit trailer {key!r}: {value!r}")
    trailers = "\n".join(f"{k}: {v}" for k, v in change.trailers.items())
    blocks = [subject, change.body.strip(), trailers]
    return "\n\n".join(b for b in blocks if b) + "\n"


def _refuse_dirty(root: Path, paths: list[str]) -> None:
    """Refuse if a file to write has staged, unstaged or untracked changes: never clobber them."""
    opts = ["--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]
    proc = git._git(root, "--no-optional-locks", "status", *opts, "--", *paths)
    entries = [e for e in proc.stdout.decode("utf-8", "replace").split("\0") if len(e) > 3]
    if entries:
        name = entries[0][3:]
        raise RefusedError(
            f"{name} has uncommitted changes: commit or stash your edits to {name} first"
        )


class GitRefusedError(RefusedError):
    """git (a hook, signing, identity) refused the commit; `said` keeps all it said (a hook's
    output included), which the CLI prints below the one-line error (SPEC §6)."""

    def __init__(self, proc: subprocess.CompletedProcess[bytes]) -> None:
        self.said = (proc.stderr + proc.stdout).decode("utf-8", "replace")
        if proc.returncode < 0:  # killed: SIGXFSZ under `ulimit -f`, a memory limit, kill -9
            super().__init__(git.stopped(["commit"], -proc.returncode))
            return
        super().__init__(f"git refused the commit: {_first_line(proc.stderr, proc.stdout)}")


def _index_tags(root: Path, paths: list[str]) -> dict[str, str]:
    """`git ls-files -v -f` tag of each tracked path: `H` when git checks the file itself; `S`
    skip-worktree; lower case when git takes it on trust (assume-unchanged, core.ignoreStat,
    fsmonitor)."""
    out = git._git(root, "ls-files", "-v", "-f", "-z", "--", *paths).stdout.decode(
        "utf-8", "replace"
    )
    return {entry[2:]: entry[0] for entry in out.split("\0") if len(entry) > 2}


def _refuse_skipped(tags: dict[str, str]) -> None:
    """git commits the index's copy of a skip-worktree file, never the one written."""
    for name, tag in tags.items():
        if tag in "Ss":
            raise RefusedError(
                f"{name} is marked skip-worktree (a sparse checkout?), so git would not commit "
                f"coc's change to it: `git update-index --no-skip-worktree {name}` first"
            )


def _index_is_head(root: Path, tags: dict[str, str]) -> bool:
    """Whether `git commit --include -- paths` makes the very commit `git commit -- paths` makes:
    nothing staged (submodules included), no merge, cherry-pick or revert under way, and git
    takes none of the paths on trust (`tags` all `H`). It writes the index once instead of
    twice: 23 ms instead of 35 on a 10,000-file work tree. Otherwise the partial commit leaves
    whatever else is staged out of ours. (Between this check and git's index lock are a few
    milliseconds: a file staged by hand in exactly that moment would go into the commit.)"""
    if any(tag != "H" for tag in tags.values()):
        return False
    states = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")
    if any(os.path.exists(os.path.join(git_dir(root), name)) for name in states):
        return False
    staged = git._git(root, "diff", "--cached", "--quiet", "--ignore-submodules=none", check=False)
    return staged.returncode == 0


def _unchanged(prev: tuple[bytes, int] | None, text: str | None) -> bool:
    return prev is not None and text is not None and prev[0] == text.encode("utf-8")


def apply(root: Path, change: ChangeSet) -> str:
    """Write the files and commit exactly them as one commit; on any failure restore everything.

    Call inside `locked(root)`. Returns the new commit's sha. A signal (SPEC §5) takes effect
    only at the points where the action can stop cleanly (`interrupts.poll`), never halfway
    through writing a file or rolling back; `git commit` is passed it, and once the commit
    exists it is kept.
    """
    with interrupts.held(then_check=False, stoppable=True):
        return _apply(root, change)


def _apply(root: Path, change: ChangeSet) -> str:
    import tempfile  # here: only an action needs it, and it is 3.5 ms of every query's start-up

    paths = [_check_path(root, p) for p in change.files]
    if not paths:
        raise UsageError("nothing to commit: the change writes no file")
    message = _message(change)
    locks = _refuse_stale_locks(root)
    _refuse_dirty(root, paths)
    tags = _index_tags(root, paths)
    _refuse_skipped(tags)
    old: _Old = {}
    for p in paths:
        target = root / p
        old[p] = (target.read_bytes(), target.stat().st_mode & 0o7777) if target.is_file() else None
    staged = [p for p in paths if change.files[p] is not None or old[p] is not None]
    changed = [p for p in staged if not _unchanged(old[p], change.files[p])]
    if not changed:
        raise RefusedError(change.unchanged)
    old_head = head_sha(root)
    include = bool(old_head) and _index_is_head(root, tags)  # before we stage anything
    interrupts.poll()  # nothing is written yet
    written: list[str] = []
    made_dirs: list[Path] = []
    committing = False
    try:
        for p in paths:
            target, text = root / p, change.files[p]
            written.append(p)
            if text is None:
                if old[p] is not None:
                    target.unlink()
                continue
            missing = [d for d in reversed(target.parents) if d != root and not d.exists()]
            for d in missing:
                d.mkdir()
                made_dirs.append(d)
            prev = old[p]
            write_atomic(target, text, prev[1] if prev else None)
            interrupts.poll()
        # `git commit -- paths` takes tracked files from the work tree itself: only new files and
        # deletions need staging first (hashing a large register twice costs ~15 ms)
        to_stage = [p for p in staged if old[p] is None or change.files[p] is None]
        if to_stage:
            git._git(root, "add", "-A", "--", *to_stage)
            interrupts.poll()
        if include:  # deletions are staged by now: git >= 2.45 refuses a path the index lacks
            present = [p for p in staged if change.files[p] is not None]
            spec = ["--include", "--", *present] if present else []
        else:
            spec = ["--", *staged]
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".coc-msg") as msg:
            msg.write(message)
            msg.flush()
            committing = True
            # a signal now goes to git, which cleans up after itself; coc waits to see the outcome
            commit = ["commit", "-q", "--no-edit", "-F", msg.name, *spec]
            action = {ACTION_VAR: change.trailers.get("Coc-Action") or change.subject}
            proc = git._git(root, *commit, check=False, wait=True, forward=True, env=action)
        new_head = _our_commit(root, old_head)
        if new_head is None:
            interrupts.poll()  # interrupted before the commit existed: roll back
            raise GitRefusedError(proc)
        interrupts.finish()  # it exists: a signal from now on cannot undo it (SPEC §5)
        if proc.returncode != 0:  # stopped after making it, before it updated the index
            _clear_locks_of_stopped_git(locks)
            git._git(root, "reset", "-q", "--", *staged, check=False)  # the index: as HEAD
        _check_committed(root, old_head, changed)
        return new_head
    except BaseException as exc:
        stopped = interrupts.raised() or interrupts.pending() or interrupts.child_killed()
        try:
            if stopped:
                _clear_locks_of_stopped_git(locks)  # first: the roll-back's git needs the index
        finally:
            _rollback(root, old, written, staged, made_dirs, old_head, committing)
            if interrupts.child_killed():  # the roll-back's own git may have been killed too
                _clear_locks_of_stopped_git(locks)
        if isinstance(exc, OSError):
            raise CocError(f"could not write the ledger: {exc}; nothing was changed") from exc
        raise


def _our_commit(root: Path, old_head: str | None) -> str | None:
    """The commit `git commit` made on top of old_head, if it made one (whatever its exit code:
    an interrupted git may have made it just before it stopped). A failing rev-list is no answer:
    then the action fails, and the roll-back undoes a commit that exists."""
    proc = git._git(root, "rev-list", "--parents", "-n1", "HEAD", check=False, wait=True)
    if proc.returncode != 0:
        if head_sha(root) is None:  # no commit at all yet: git made none
            return None
        if proc.returncode < 0:
            raise CocError(git.stopped(["rev-list"], -proc.returncode))
        raise CocError(f"git rev-list failed: {_first_line(proc.stderr, proc.stdout)}")
    shas = _out(proc).split()
    return shas[0] if _made_on(shas, old_head) else None


def _made_on(shas: list[str], old_head: str | None) -> bool:
    """Whether `rev-list --parents -n1 HEAD` shows a new commit whose only parent is old_head
    (none for a first commit): the one an action made, and nobody else's."""
    return bool(shas) and shas[0] != old_head and shas[1:] == ([old_head] if old_head else [])


def _refuse_stale_locks(root: Path) -> list[str]:
    """git's lock files, left by a git (or a coc) that was killed, make every commit fail until
    they are removed; say so, with the command, before anything is written. (coc's own lock is
    an flock: the system releases it when its process is gone.)"""
    import shlex
    import time

    directory = git_dir(root)
    names = ["index.lock", "HEAD.lock"]
    with contextlib.suppress(OSError):
        head = Path(directory, "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        if head.startswith("ref: refs/"):
            common = directory
            with contextlib.suppress(OSError):  # a linked work tree keeps refs in the common dir
                common = os.path.join(directory, Path(directory, "commondir").read_text().strip())
            names.append(os.path.join(common, head[5:] + ".lock"))
    paths = [os.path.join(directory, name) for name in names]
    for path in paths:
        try:
            age = time.time() - os.stat(path).st_mtime
        except OSError:
            continue
        raise CocError(
            f"{path} exists (for {_age(age)}): a git command is running in this repository, or "
            "one was stopped (a crash, kill -9) and left it behind. If no git command is "
            f"running, remove it and run coc again: rm -f {shlex.quote(path)}"
        )
    return paths


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _clear_locks_of_stopped_git(locks: list[str]) -> None:
    """After a signal, the lock files that were not there when the action began: a git stopped
    by the same signal can leave one (it has a moment between creating a lock and registering it
    for removal), and one killed by a signal it does not handle (SIGXFSZ under `ulimit -f`)
    always does. No git of ours runs any more, and coc's lock kept other actions out."""
    for path in locks:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _check_committed(root: Path, old_head: str | None, changed: list[str]) -> None:
    """The commit holds every file the action changed, as git stores it. git may leave one out
    without a word (an fsmonitor that missed the write, or anything `_index_is_head` did not
    foresee); then the action fails and is rolled back."""
    before = [old_head] if old_head else ["--root"]
    opts = ["-r", "-z", "--no-renames", "--no-commit-id", "--name-only", "--relative"]
    names = git._git(root, "diff-tree", *opts, *before, "HEAD").stdout.decode("utf-8", "replace")
    missing = sorted(set(changed) - set(names.split("\0")))
    if missing:  # new bytes, same blob (line endings, a clean filter): nothing was left out
        files = [p for p in missing if (root / p).is_file()]
        hashed = _out(git._git(root, "hash-object", "--", *files)).split() if files else []
        listed = git._git(root, "ls-tree", "-z", "HEAD", "--", *missing).stdout.decode(
            "utf-8", "replace"
        )
        tree = {e.split("\t", 1)[1]: e.split()[2] for e in listed.split("\0") if "\t" in e}
        stored = dict(zip(files, hashed, strict=True))
        missing = [p for p in missing if p not in stored or stored[p] != tree.get(p)]
    if missing:
        name = missing[0]
        raise CocError(
            f"git left {name} out of the commit (is it marked assume-unchanged, or did an "
            f"fsmonitor miss the change? see `git ls-files -v -f {name}`); nothing was changed"
        )


def _rollback(
    root: Path,
    old: _Old,
    written: list[str],
    staged: list[str],
    made_dirs: list[Path],
    old_head: str | None,
    committing: bool,
) -> None:
    """Put HEAD, index entries and files back as they were; signals wait meanwhile (a second
    Ctrl-C must not leave half of it undone; `apply` holds them already)."""
    with interrupts.held(then_check=False):
        shas: list[str] = []
        if committing:  # git may have made our commit before the failure
            head = git._git(root, "rev-list", "--parents", "-n1", "HEAD", check=False)
            shas = _out(head).split()
        if _made_on(shas, old_head):  # failed after git made our commit: undo it
            undo, new_head = "coc: roll back an action that failed", shas[0]
            if old_head:  # like `reset --soft`, without ORIG_HEAD, and only if HEAD is ours
                git._git(root, "update-ref", "-m", undo, "HEAD", old_head, new_head, check=False)
            else:
                git._git(root, "update-ref", "-m", undo, "-d", "HEAD", new_head, check=False)
        if old_head:
            git._git(root, "reset", "-q", "--", *staged, check=False)
        else:
            git._git(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *staged, check=False)
        for p in written:  # best effort for each file: one failure must not stop the others
            prev, target = old[p], root / p
            with contextlib.suppress(OSError):
                if prev is None:
                    target.unlink(missing_ok=True)
                else:
                    write_atomic(target, prev[0], prev[1])
        for d in reversed(made_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
