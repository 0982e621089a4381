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
from .core.recorded import Recorded, shown
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
            "attempts": self.attempts,
        }


class SyncStopped(RefusedError):
    """A replay that cannot stand: nothing was changed (SPEC §7)."""


def sync(root: Path, onto: str | None, dry_run: bool, push: bool, now: datetime) -> Synced:
    """Run `coc sync` on the ledger at `root` (under its lock). The user's branch changes at one
    point only, once the rebuilt commits have passed `validate --base` (its old head kept under
    BACKUP); a signal before that point stops everything, after it the sync completes."""
    from .store import git, keyring

    with git.locked(root):
        try:
            return _sync(root, onto, dry_run, push, now)
        finally:
            keyring.done(root)


def _sync(root: Path, onto: str | None, dry_run: bool, push: bool, now: datetime) -> Synced:
    from .store import git, interrupts, keyring, remote, synced_keys

    if git.in_progress(root):  # a merge or rebase git left stopped (`git pull`)
        from .store.yamlio import CONFLICT

        raise CocError(f"git is in the middle of a merge or rebase: {CONFLICT}")
    to = remote.target(root, onto)
    first = remote.head(root)
    total: Synced | None = None
    for attempt in range(1, ATTEMPTS + 1):
        remote.fetch(root, to.remote)
        keys = None if dry_run else keyring.fetch(root, to.remote)
        shared_both = keyring.take(root, keys)  # SPEC §8: their keys with ours, for the replay
        expected = remote.lease(root, to)
        try:
            result = _once(root, to, first, dry_run, now)
        except SyncStopped as stopped:
            if total is None and not dry_run:
                git._git(root, "update-ref", remote.BACKUP, first, check=False)
            elif total is not None:
                raise SyncStopped(
                    f"{stopped} (your branch holds your actions as rebuilt on the upstream "
                    f"a moment ago; as they were: {remote.BACKUP})"
                ) from None
            raise
        total = _composed(total, result)
        total.attempts = attempt
        if not dry_run:  # the keys as the branch now uses them; what left the record, dropped
            synced_keys.after_sync(root, shared_both)
        shared_keys = [] if dry_run else keyring.shared(root, keys)
        if dry_run or not push or to.push_to is None or not (total.shared or shared_keys):
            return total
        interrupts.finish()  # the branch moved (or was current): from here on, it completes
        if remote.push(root, to, expected, shared_keys, branch=bool(total.shared)):
            total.pushed = bool(total.shared)
            return total
        if to.lease and total.shared:
            raise CocError(
                f"your branch's copy on {to.remote} has commits you do not have (someone "
                f"pushed to it): look at them (`git fetch`, `git log HEAD..@{{upstream}}`) "
                f"before pushing; your branch holds your actions rebuilt on {to.ref}"
            )
    raise CocError(
        f"the upstream moved {ATTEMPTS} times while sync pushed: your actions are rebuilt "
        "on it and kept here; run `coc sync` again in a moment"
    )
    raise AssertionError("unreachable")  # pragma: no cover


def _composed(before: Synced | None, now: Synced) -> Synced:
    """An attempt after a push the upstream refused starts from the previous attempt's commits:
    what the user is told runs from their own commits and ids to the last ones."""
    if before is None:
        return now
    renamed = {old: now.renamed.get(new, new) for old, new in before.renamed.items()}
    renamed.update({k: v for k, v in now.renamed.items() if k not in before.renamed.values()})
    originals = {r.new: r.old for r in before.replayed}
    replayed = [Replayed(originals.get(r.old, r.old), r.new, r.subject) for r in now.replayed]
    now.renamed = {k: v for k, v in renamed.items() if k != v}
    now.replayed = replayed or before.replayed
    now.numbers = before.numbers + now.numbers
    return now


def _once(root: Path, to: Any, first: str, dry_run: bool, now: datetime) -> Synced:
    """One attempt: take the upstream, or rebuild this branch's actions on it (`first`: the
    branch's head before sync began, what BACKUP keeps)."""
    from .store import git, interrupts, recorded, remote

    upstream = remote.sha(root, to.ref)
    head = remote.head(root)
    result = Synced(to.ref, upstream, dry_run=dry_run)
    fork = git.merge_base(root, upstream, head)
    if fork == head:  # nothing of ours: take the upstream as it is
        result.fast_forward = len(git.history(root, upstream, since=head))
        if result.fast_forward and not dry_run:
            remote.move_to(root, first, upstream)
        return result
    try:
        mine = recorded.since(root, upstream)
    except recorded.Foreign as exc:
        raise _foreign(exc) from None
    mine = _opened(root, mine)
    edited = [(rec, why) for rec in mine if (why := _not_as_written(root, rec))]
    if edited:
        raise _foreign(recorded.Foreign([rec.shown for rec, _ in edited], edited[0][1]))
    result.shared = len(mine)
    if fork == upstream:  # the upstream did not move: ours go on top as they are, judged so
        with remote.scratch(root, head, only_if_dirty=True) as tree:
            _judge(tree, upstream, now)
        return result
    new_head = _rebuild(root, upstream, mine, result, now)
    if not dry_run:
        remote.ready_to_move(root, head, new_head)
        interrupts.check()  # the last moment a signal stops it all
        remote.move_to(root, first, new_head)
    return result


def _opened(root: Path, mine: list[Recorded]) -> list[Recorded]:
    """SPEC §8: the records of a sealed ledger's commits opened with this member's identity, so
    that each is compared with, and replayed as, what its action was given."""
    from .store.repository import Repository
    from .store.seals import Seals

    policy = Repository(root).loaded_policy[0]
    if policy is None or not policy.sealed:
        return mine
    seals = Seals(root)
    return [seals.open_recorded(rec) for rec in mine]


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
    from .store import interrupts, remote, repository

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
        interrupts.reopen()  # a commit of the scratch work tree is not the user's: a signal stops
        interrupts.check()
    except CocError as exc:
        raise _stopped(root, upstream, rec, ids, str(exc)) from None
    return Replayed(rec.sha, new, outcome.change.subject)


def _stopped(
    root: Path, upstream: str, rec: Recorded, ids: dict[str, str], why: str
) -> SyncStopped:
    """SPEC §7 When a replay cannot stand: both commits named, and the way on."""
    from .store import remote

    theirs = _last_on(root, upstream, rec, {ids.get(x, x) for x in (rec.case, rec.sanction) if x})
    said = f", which recorded {shown(theirs.sha, theirs.subject)}" if theirs else ""
    return SyncStopped(
        f"sync stopped before changing anything: your {rec.shown} cannot be replayed on the "
        f"upstream{said}: {why}. Your branch is as it was (and kept as {remote.BACKUP}). Settle "
        f"it with the council; to drop just this step, `git rebase --onto {rec.sha[:12]}^ "
        f"{rec.sha[:12]}`, then `coc sync` again"
    )


def _last_on(root: Path, upstream: str, rec: Recorded, ids: set[str]) -> CommitInfo | None:
    """The upstream's commit since the fork that this step meets: the newest of the same action
    on the same case or sanction, else the newest on it (for a step on neither: of the same
    action)."""
    from .store import git

    head = git.head_sha(root) or upstream
    theirs = git.history(root, upstream, since=head)  # no signature to verify: names only
    same = [c for c in theirs if c.trailers.get("Coc-Action") == rec.action]
    on = [c for c in theirs if {c.trailers.get("Coc-Case"), c.trailers.get("Coc-Sanction")} & ids]
    if ids:
        return next((c for c in on if c in same), on[0] if on else None)
    return same[0] if same else None


def _not_as_written(root: Path, rec: Recorded) -> str | None:
    """Why the commit is not exactly what its `coc` action wrote (run again, in memory, on the
    commit's own parent as git holds it), or None."""
    from .actions import resync
    from .store.files import GitTree
    from .store.repository import Repository

    source = GitTree(root, rec.parent)
    try:
        snap = Repository(root, source=source).snapshot
        if rec.actor not in snap.people:
            return f"its actor {rec.actor} is not in people.yaml"
        outcome = resync.action_of(rec, {})(snap, snap.people[rec.actor], rec.at)
    except CocError as exc:
        return f"`coc {rec.action}` would not record it ({exc})"
    finally:
        source.close()
    return resync.as_recorded(rec, outcome.change)


def _foreign(exc: Any) -> SyncStopped:
    names = ", ".join(exc.named[:5])
    more = f" and {len(exc.named) - 5} more" if len(exc.named) > 5 else ""
    return SyncStopped(
        f"sync replays only `coc` actions, and {names}{more} is not one: {exc.why}. Make it a "
        "`coc` action (`git reset --soft` it away and run the command), or rebase it by hand "
        "(`git rebase @{upstream}`) and run `coc validate --base @{upstream}`; nothing changed"
    )


def _judge(root: Path, base: str, now: datetime) -> None:
    """`validate --base` of the rebuilt ledger: sync stops on any error CI would report."""
    from .validation import check

    found = [p for p in check(root, base, lambda _: now)[1] if p.severity == "error"]
    if found:
        first = found[0]
        raise SyncStopped(
            f"sync stopped before changing anything: the rebuilt ledger would fail CI: "
            f"{first.file}:{first.line}: {first.code} {first.message}"
            + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
        )
