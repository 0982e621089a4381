"""SPEC §7 `coc sync`: this clone's actions shared with the upstream, as one writer among several.

Fetch; when both sides moved, rebuild this clone's new action commits on the upstream by replaying
each action through the gate (`actions.resync`, `actions.perform`), oldest first, in a scratch
work tree (`store.remote.scratch`); check the result as CI would (`validate --base` the
upstream); only then move the branch (the old one kept under `refs/coc/sync-backup`) and push,
starting again when the push finds that the upstream moved meanwhile. Anything that cannot stand
stops the sync before it changes anything, naming both commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .core.history import CommitInfo
from .core.problems import Problem
from .core.recorded import Recorded
from .errors import CocError, RefusedError

ATTEMPTS = 5
"""Pushes rejected because the upstream moved meanwhile, before sync gives up for now."""


@dataclass
class Replayed:
    """One action rebuilt on the upstream: the commit it was and the one it is now."""

    old: str
    new: str
    subject: str


@dataclass
class Synced:
    """What `coc sync` did, for people and for `--json`."""

    upstream: str
    base: str = ""
    """The upstream commit this clone's actions now follow."""
    replayed: list[Replayed] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    """Dates the new base made other than this clone had them (`resync.dates_changed`)."""
    fast_forward: int = 0
    """Upstream commits this clone took as they were (nothing of its own to rebuild)."""
    shared: int = 0
    """This clone's actions on top of the upstream, to push."""
    pushed: bool = False
    dry_run: bool = False
    attempts: int = 1

    def json(self) -> dict[str, Any]:
        return {
            "upstream": self.upstream,
            "base": self.base,
            "replayed": [vars(r) for r in self.replayed],
            "renamed": self.renamed,
            "changed": self.numbers,
            "fast_forward": self.fast_forward,
            "shared": self.shared,
            "pushed": self.pushed,
            "dry_run": self.dry_run,
        }


class SyncStopped(RefusedError):
    """A replay that cannot stand: nothing was changed (SPEC §7)."""


def sync(root: Path, onto: str | None, dry_run: bool, push: bool, now: datetime) -> Synced:
    """Run `coc sync` on the ledger at `root` (under its lock)."""
    from .store import git, remote

    with git.locked(root):
        to = remote.target(root, onto)
        expected = remote.sha(root, remote.upstream(root) or to.ref) if to.lease else None
        for attempt in range(1, ATTEMPTS + 1):
            remote.fetch(root, to.remote)
            try:
                result = _once(root, to, dry_run, now)
            except SyncStopped:
                if not dry_run:  # the branch as it was, kept where the message says
                    git._git(root, "update-ref", remote.BACKUP, remote.head(root), check=False)
                raise
            result.attempts = attempt
            if dry_run or not push or to.push_to is None or not result.shared:
                return result
            if remote.push(root, to, expected):
                result.pushed = True
                return result
        raise CocError(
            f"the upstream moved {ATTEMPTS} times while sync pushed: your commits are kept here; "
            "run `coc sync` again in a moment"
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _once(root: Path, to: Any, dry_run: bool, now: datetime) -> Synced:
    from .store import git, recorded, remote

    upstream = remote.sha(root, to.ref)
    head = remote.head(root)
    result = Synced(to.ref, upstream, dry_run=dry_run)
    fork = git.merge_base(root, upstream, head)
    if fork == head:  # nothing of ours: take the upstream as it is
        result.fast_forward = len(git.commits_between(root, head, upstream))
        if result.fast_forward and not dry_run:
            remote.move_to(root, head, upstream)
        return result
    try:
        mine = recorded.since(root, upstream)
    except recorded.Foreign as exc:
        raise _foreign(exc) from None
    if fork == upstream:  # the upstream did not move: ours go on top as they are
        result.shared = len(mine)
        _judge(root, upstream, now)
        return result
    new_head = _rebuild(root, upstream, mine, result, now)
    result.shared = len(mine)
    if not dry_run:
        remote.move_to(root, head, new_head)
    return result


def _rebuild(root: Path, upstream: str, mine: list[Recorded], result: Synced, now: datetime) -> str:
    """Replay each of `mine` on `upstream` in a scratch work tree; the new head, once `validate
    --base upstream` finds no error there."""
    from .store import remote

    with remote.scratch(root, upstream) as tree:
        for rec in mine:
            replayed = _replay(root, tree, upstream, rec, result.renamed, result.numbers, now)
            result.replayed.append(replayed)
        _judge(tree, upstream, now)
        return remote.head(tree)


def _replay(
    root: Path,
    tree: Path,
    upstream: str,
    rec: Recorded,
    ids: dict[str, str],
    numbers: list[str],
    now: datetime,
) -> Replayed:
    from .actions import resync
    from .actions.perform import perform
    from .store import remote, repository

    try:
        with repository.session(tree) as repo:
            snap = repo.snapshot
            action = resync.action_of(rec, ids)
            changed = resync.proposal_changes(rec, snap, ids)
            if changed:
                raise RefusedError(f"{changed}: a decision the council must take again")
            email = snap.people[rec.actor].email if rec.actor in snap.people else None
            outcome = perform(
                repo.ledger, snap, email, rec.at, resync.step_of(rec), action, max(rec.at, now)
            )
            if outcome.change is None:
                raise RefusedError("it changes nothing there")
            given = resync.renamed(rec, outcome.change, snap)
            why = resync.decided_again(rec, outcome.change, {**ids, **given})
            if why:
                raise RefusedError(f"{why}: a decision the council must take again")
            ids.update(given)
            numbers += resync.dates_changed(rec, outcome.change, ids)
            name, mail, date = rec.author
            with remote.authored_by(name, mail, date):
                new = repo.commit(outcome.change, outcome.clean)
    except CocError as exc:
        raise _stopped(root, upstream, rec, ids, str(exc)) from None
    return Replayed(rec.sha, new, outcome.change.subject)


def _stopped(
    root: Path, upstream: str, rec: Recorded, ids: dict[str, str], why: str
) -> SyncStopped:
    """SPEC §7 When a replay cannot stand: both commits named, and the way on."""
    from .store import remote

    theirs = _last_on(root, upstream, {ids.get(x, x) for x in (rec.case, rec.sanction) if x})
    said = f", which recorded {theirs.sha[:12]} ({theirs.subject})" if theirs else ""
    return SyncStopped(
        f"sync stopped before changing anything: your {rec.shown} cannot be replayed on the "
        f"upstream{said}: {why}. Your branch is as it was (and kept as {remote.BACKUP}); settle "
        "it with the council, then record what is still to do on the upstream "
        "(`git reset --keep @{upstream}` drops your commits; `git log` still finds them)"
    )


def _last_on(root: Path, upstream: str, ids: set[str]) -> CommitInfo | None:
    """The upstream's newest commit since the fork about one of `ids`."""
    from .store import git

    if not ids:
        return None
    head = git.head_sha(root) or upstream
    for commit in git.commits_between(root, head, upstream):
        if {commit.trailers.get("Coc-Case"), commit.trailers.get("Coc-Sanction")} & ids:
            return commit
    return None


def _foreign(exc: Any) -> SyncStopped:
    names = ", ".join(f"{c.sha[:12]} ({c.subject})" for c in exc.commits[:5])
    more = f" and {len(exc.commits) - 5} more" if len(exc.commits) > 5 else ""
    return SyncStopped(
        f"sync replays only `coc` actions, and {names}{more} is not one: {exc.why}. Make it a "
        "`coc` action (`git reset --soft` it away and run the command), or rebase it by hand "
        "(`git rebase @{upstream}`) and run `coc validate --base @{upstream}`; nothing changed"
    )


def problems(root: Path, base: str, at: datetime) -> list[Problem]:
    """What `coc validate --base BASE` reports on the ledger at `root`."""
    from .checks import Context, run
    from .store import repository
    from .store.history import GitHistory

    repo = repository.open(root, trust_written=False)
    history = GitHistory(root, base)
    try:
        repo.load_all()
        history.seed(repo.ledger)
        return run(Context(at, repo.ledger, history=history), [])
    finally:
        history.close()


def _judge(root: Path, base: str, now: datetime) -> None:
    found = [p for p in problems(root, base, now) if p.severity == "error"]
    if found:
        first = found[0]
        raise SyncStopped(
            f"sync stopped before changing anything: the rebuilt ledger would fail CI: "
            f"{first.file}:{first.line}: {first.code} {first.message}"
            + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
        )
