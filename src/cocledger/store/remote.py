"""The git `coc sync` runs beyond one action's commit (SPEC §7): the upstream of the branch,
fetch and push, a scratch work tree where this clone's actions are rebuilt on the upstream (the
user's own work tree is never touched until the result stands), the backup ref and the author
each rebuilt commit keeps."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CocError, RefusedError, UsageError
from . import git

BACKUP = "refs/coc/sync-backup"
"""Where sync keeps the branch as it was before it rebuilt it."""


@dataclass(frozen=True)
class Target:
    """What this clone syncs with: the remote to fetch and push, the ref holding the upstream's
    branch, and where a push goes (None: nothing is pushed)."""

    remote: str
    ref: str
    push_to: str | None
    lease: bool
    """Push with a lease (the branch's history was rewritten: `--onto`)."""


def _out(root: Path, *args: str) -> str | None:
    proc = git._git(root, *args, check=False)
    return proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else None


def branch(root: Path) -> str | None:
    return _out(root, "symbolic-ref", "--short", "-q", "HEAD")


def upstream(root: Path) -> str | None:
    """The ref of the current branch's upstream (`origin/main`), if it has one."""
    return _out(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")


def target(root: Path, onto: str | None) -> Target:
    """The branch's upstream, or `--onto REF` (then a push goes to the branch's own upstream,
    with a lease: the pull-request routine)."""
    name = branch(root)
    if name is None:
        raise UsageError("HEAD is detached: check out the branch to sync (`git switch main`)")
    tracked = upstream(root)
    own_remote = _out(root, "config", f"branch.{name}.remote")
    own_merge = _out(root, "config", f"branch.{name}.merge")
    if onto is None:
        if tracked is None or own_remote is None or own_merge is None:
            raise UsageError(
                f"the branch {name} has no upstream: `git push -u origin {name}` once, "
                "or give --onto origin/main"
            )
        return Target(own_remote, tracked, own_merge, lease=False)
    remote = onto.split("/", 1)[0] if "/" in onto else None
    remotes = (_out(root, "remote") or "").split()
    if remote not in remotes:
        remote = own_remote or (remotes[0] if remotes else None)
    if remote is None:
        raise UsageError("this clone has no remote to sync with: `git remote add origin URL`")
    push_to = own_merge if tracked is not None and own_remote == remote else None
    return Target(remote, onto, push_to, lease=True)


def fetch(root: Path, remote: str) -> None:
    proc = git._git(root, "fetch", "-q", remote, check=False)
    if proc.returncode != 0:
        raise CocError(
            f"git fetch {remote} failed: {git._first_line(proc.stderr)}; nothing changed"
        )


def sha(root: Path, rev: str) -> str:
    found = _out(root, "rev-parse", "-q", "--verify", f"{git._rev(rev)}^{{commit}}")
    if found is None:
        raise UsageError(f"--onto {rev}: no such git revision here (fetch it first)")
    return found


def lease(root: Path, to: Target) -> str | None:
    """What a push with a lease expects the branch on the remote to be: as last fetched."""
    if not to.lease or to.push_to is None:
        return None
    tracked = upstream(root)
    return _out(root, "rev-parse", "-q", "--verify", tracked) if tracked else ""


def _clean(root: Path) -> bool:
    """Whether the ledger's files in the work tree are as HEAD has them."""
    proc = git._git(root, "status", "--porcelain", "--untracked-files=no", "--", ".", check=False)
    return proc.returncode == 0 and not proc.stdout.strip()


@contextlib.contextmanager
def scratch(root: Path, start: str, only_if_dirty: bool = False) -> Iterator[Path]:
    """A work tree of `start` outside the user's, where the ledger is rebuilt or judged (its
    ledger folder: the same folder of the repository as `root`'s); removed afterwards, whatever
    happens. `only_if_dirty`: the user's own work tree when it is as `start` has it."""
    if only_if_dirty and start == git.head_sha(root) and _clean(root):
        yield root
        return
    folder = Path(tempfile.mkdtemp(prefix="coc-sync-"))
    tree = folder / "tree"
    try:
        git._git(root, "worktree", "add", "-q", "--detach", str(tree), start)
        yield tree / git.prefix(root) if git.prefix(root) else tree
    finally:
        git._git(root, "worktree", "remove", "--force", str(tree), check=False)
        shutil.rmtree(folder, ignore_errors=True)
        git._git(root, "worktree", "prune", check=False)


def ready_to_move(root: Path, old: str, new: str) -> None:
    """The branch can move from `old` to `new` keeping the user's uncommitted edits: none of them
    is in a file the rebuilt commits change (else nothing changes, and they are told why)."""
    changed = _out(root, "diff", "--name-only", "--relative", old, new, "--", ".") or ""
    paths = [p for p in changed.splitlines() if p]
    if not paths:
        return
    proc = git._git(root, "status", "--porcelain", "--", *paths, check=False)
    edited = proc.stdout.decode("utf-8", "replace").strip()
    if edited:
        first = edited.splitlines()[0][3:]
        raise RefusedError(
            f"{first} has uncommitted changes, and sync rebuilt that file: commit or stash them "
            "(`git stash`), then run `coc sync` again; nothing changed"
        )


@contextlib.contextmanager
def authored_by(name: str, email: str, date: str) -> Iterator[None]:
    """A rebuilt commit keeps its author (and their date); the one who syncs commits it."""
    saved = {
        k: os.environ.get(k) for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE")
    }
    os.environ.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=date)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def head(root: Path) -> str:
    found = git.head_sha(root)
    if found is None:
        raise UsageError("this clone has no commit yet: nothing to sync")
    return found


def move_to(root: Path, old: str, new: str) -> None:
    """The branch now points at the rebuilt commits (the old head kept under BACKUP); the work
    tree follows, keeping the user's own uncommitted edits (`git reset --keep`)."""
    git._git(root, "update-ref", BACKUP, old)
    proc = git._git(root, "reset", "-q", "--keep", new, check=False)
    if proc.returncode != 0:
        raise RefusedError(
            f"your uncommitted changes touch files sync rebuilt ({git._first_line(proc.stderr)}): "
            "commit or stash them, then run `coc sync` again; nothing changed"
        )


def push(
    root: Path, to: Target, expected: str | None, keys: Sequence[str] = (), branch: bool = True
) -> bool:
    """Push HEAD to the target's branch (and, with `keys`, the keys commit, atomically: SPEC §8;
    only the keys when not `branch`: nothing of the branch to share);
    False when the remote's branch or keys are not what was fetched (the upstream moved
    meanwhile: sync starts again), an error for anything else."""
    assert to.push_to is not None
    spec = f"HEAD:{to.push_to}"
    lease = [f"--force-with-lease={to.push_to}:{expected or ''}"] if to.lease else []
    if keys:
        lease = ["--atomic", *(lease if branch else []), *keys[:-1]]
    refs = [*([spec] if branch else []), *keys[-1:]]
    proc = git._git(root, "push", "-q", "--porcelain", *lease, to.remote, *refs, check=False)
    if proc.returncode == 0:
        return True
    said = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    if "[rejected]" in said or "stale info" in said or "fetch first" in said:
        return False
    raise CocError(
        f"git push {to.remote} {spec} failed: {git._first_line(proc.stderr, proc.stdout)}; "
        "your commits are here: run `coc sync` again once the remote can be reached"
    )


def has(root: Path, rev: str, path: str) -> bool:
    """Whether `rev` holds the ledger file `path`."""
    return _out(root, "cat-file", "-e", f"{rev}:{git.prefix(root)}{path}") is not None


def unshared(root: Path, case_id: str, sanction_id: str | None) -> str | None:
    """SPEC §7 Ids are provisional until shared: the id (of the case or the sanction) that this
    branch gave in a commit its upstream does not hold yet (its id may still change: the upstream
    may hold another record under it); None when both are shared, or there is no upstream."""
    from ..core.ids import SANCTIONS_FILE, case_path

    tracked = upstream(root)
    if tracked is None:
        return None
    folder = git.prefix(root)
    mine = f"{tracked}..HEAD"
    added = _out(root, "log", "--format=%H", "--diff-filter=A", mine, "--",
                 f":(top){folder}{case_path(case_id)}")  # fmt: skip
    if added or not has(root, tracked, case_path(case_id)):
        return case_id
    if sanction_id:
        given = _out(root, "log", "--format=%H", f"-Sid: {sanction_id}\n", mine, "--",
                     f":(top){folder}{SANCTIONS_FILE}")  # fmt: skip
        if given:
            return sanction_id
    return None
