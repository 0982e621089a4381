"""Expunge commits recomputed (`coc validate --base REF`): a commit with the trailer
`Coc-Action: expunge` turns into tombstones only what `coc expunge` would have on its day,
computed with the same rule from the records as they stood before it (its parent's files).

A hand-made commit with that trailer could otherwise tombstone a ban still in force, or an open
case, and so take it off the published page and out of every count.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from ..core import rules
from ..core.expiry import due
from ..core.history import CommitInfo
from ..core.ids import CASES_DIR, POLICY_FILE, SANCTIONS_FILE
from ..core.models import Case, Policy, SanctionsFile
from .context import Context, Finding
from .trust import EXPUNGE, History, history_of


def check_expunge_due(ctx: Context) -> Iterator[Finding]:
    """SPEC §6 --base: every tombstone an expunge commit makes was due on that commit's day,
    recomputed from the records before it."""
    h = history_of(ctx)
    if h is None:
        return
    for commit in h.commits:
        if commit.trailers.get("Coc-Action") == EXPUNGE and h.parents(commit):
            yield from _undue(ctx, h, commit)


def _day(ctx: Context, commit: CommitInfo, policy: Policy) -> date:
    """The expunge's day: its `Coc-At`, never later than the commit's own time (the fallback)
    nor than the moment validate judges by; a forged date cannot make records due early."""
    moments = [commit.authored_at, ctx.at]
    try:
        stated = datetime.fromisoformat(commit.trailers.get("Coc-At", ""))
    except ValueError:
        stated = None
    if stated is not None and stated.tzinfo is not None:
        moments.append(stated)
    return rules.local_date(min(moments), policy)


def _sanction_tombstones(h: History, commit: CommitInfo, parent: str) -> set[str]:
    """The sanctions the commit turned into tombstones (or added as tombstones)."""
    after = h.model_at(commit.sha, SANCTIONS_FILE, SanctionsFile)
    before = h.model_at(parent, SANCTIONS_FILE, SanctionsFile)
    was = {s.id: s.status for s in before.sanctions} if before else {}
    made = (s.id for s in after.sanctions if s.status == "expunged") if after else ()
    return {sid for sid in made if was.get(sid) != "expunged"}


def _case_tombstones(h: History, commit: CommitInfo, parent: str) -> dict[str, tuple[str, Case]]:
    """case id -> (file, the case before) of each case the commit turned into a tombstone; a
    case not there before is due by nothing (an empty stand-in, never expunged)."""
    found: dict[str, tuple[str, Case]] = {}
    for path in h.files_of(commit):
        after = h.model_at(commit.sha, path, Case) if path.startswith(CASES_DIR + "/") else None
        if after is None or after.status != "expunged":
            continue
        before = h.model_at(parent, path, Case)
        if before is None:
            found[after.id] = (path, after)
        elif before.status != "expunged":
            found[after.id] = (path, before)
    return found


def _undue(ctx: Context, h: History, commit: CommitInfo) -> Iterator[Finding]:
    parent = h.parent(commit)
    sanctions = _sanction_tombstones(h, commit, parent)
    cases = _case_tombstones(h, commit, parent)
    if not sanctions and not cases:
        return
    policy = h.model_at(parent, POLICY_FILE, Policy)
    register = h.model_at(parent, SANCTIONS_FILE, SanctionsFile)
    if register is None and h.text_at(parent, SANCTIONS_FILE) is None:
        register = SanctionsFile()
    what = f"the expunge commit {commit.sha[:10]}"
    if policy is None or register is None:
        yield Finding(
            POLICY_FILE,
            (),
            f"{what} cannot be recomputed: policy.yaml or sanctions.yaml before it does not parse",
            1,
            1,
        )
        return
    day = _day(ctx, commit, policy)
    known = {cid: case for cid, (_, case) in cases.items() if case.status != "expunged"}
    due_sanctions, gone = due(policy, list(register.sanctions), known, day)
    due_cases = set(gone)
    late = f"was made a tombstone by {what} of {day}, but it had not left the record then"
    for sid in sorted(sanctions - due_sanctions):
        yield Finding(SANCTIONS_FILE, _sanction_at(ctx, sid), f"{sid} {late}")
    for cid, (path, _) in sorted(cases.items()):
        if cid not in due_cases:
            yield Finding(path, ("status",), f"{cid} {late}")


def _sanction_at(ctx: Context, sanction: str) -> tuple[str | int, ...]:
    index = next((i for i, s in enumerate(ctx.sanctions or []) if s.id == sanction), None)
    return ("sanctions",) if index is None else ("sanctions", index, "status")
