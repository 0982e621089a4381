"""SPEC §3 Queries as of a moment: the ledger as it stood then, for every query's `--at`.

Cases received later are left out; a case keeps the events recorded up to the moment, and the
status, committee, declared conflicts, response, review and deadlines they give it. Sanctions
proposed later are left out; the others take the status the case's steps had given them then
(`state.walk`, the gate's own table), without the votes, apology, escalation or appeal recorded
later. Tombstones stay as they are: what has left the record is off it whenever one looks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from . import rules
from .durations import Duration
from .models import Appeal, Case, Policy, Sanction
from .snapshot import Snapshot
from .state import State, of_case, walk
from .transitions import position

ENACTED = ("enacted_on", "enacted_by", "starts_on", "ends_on", "expunges_on", "apology_due")


def as_of(snap: Snapshot, at: datetime) -> Snapshot:
    """The snapshot as it stood at `at` (held in memory)."""
    policy = snap.policy
    everything = {s.id: s for s in snap.sanctions.all()}
    cases: list[Case] = []
    sanctions: list[Sanction] = []
    day = rules.local_date(at, policy)
    for case in snap.cases():
        if case.received_at > at:
            continue
        if case.status == "expunged":
            cases.append(case)
            continue
        mine = {i: s for i, s in of_case(case, everything).items() if s.status != "expunged"}
        state = walk(policy, case, mine, position(case, at))
        cases.append(case_then(policy, case, state, at))
        sanctions += [
            then for s in mine.values() if (then := sanction_then(policy, s, case, state))
        ]
    known = {s.id for s in sanctions}
    tombstones = [s for s in everything.values() if s.status == "expunged" and s.decided_on <= day]
    sanctions += [s for s in tombstones if s.id not in known]
    order = {sanction_id: n for n, sanction_id in enumerate(everything)}
    sanctions.sort(key=lambda s: order[s.id])
    return Snapshot.of(policy, snap.people.all(), sanctions, cases, snap.templates)


def case_then(policy: Policy, case: Case, state: State, at: datetime) -> Case:
    """A case as it stood at `at`: its events up to then and what they set."""
    events = case.timeline[: state.seen]
    if len(events) == len(case.timeline):
        return case
    changes: dict[str, Any] = {"timeline": events, "status": state.case_status or case.status}
    later = {m for e in case.timeline[len(events) :] if e.action == "conflict_declared"
             for m in e.members or ()}  # fmt: skip
    changes["committee"] = state.committee
    changes["conflicts"] = tuple(m for m in case.conflicts if m not in later)
    if not any(e.action == "response_received" for e in events):
        changes["response"] = None
    if not any(e.action == "shared" for e in events):
        changes["shared_summary"] = None
    if not any(e.action == "reviewed" for e in events):
        changes["review_meeting"] = None
    then = case.model_copy(update=changes)
    return then.model_copy(update={"deadlines": rules.case_deadlines(then, policy)})


def sanction_then(policy: Policy, sanction: Sanction, case: Case, state: State) -> Sanction | None:
    """A sanction as it stood at the state's moment; None when it was not proposed yet. Its status, the day
    it took it and its votes are the state's (`State.sanction_then`); what later steps added to
    its record is taken off."""
    status = state.sanctions.get(sanction.id)
    if status is None:
        return None
    done = {e.action for e in case.timeline[: state.seen] if e.sanction == sanction.id}
    changes: dict[str, Any] = {}
    if status == "proposed":
        changes.update(dict.fromkeys(ENACTED))
    if "apology_recorded" not in done:
        changes.update(apology=None, apology_recorded_on=None)
    if sanction.escalated_to and sanction.escalated_to not in state.sanctions:
        changes["escalated_to"] = None
    if sanction.appeal is not None:
        changes.update(_appeal_then(policy, sanction, sanction.appeal, done))
    then = state.sanction_then(policy, sanction)
    return then.model_copy(update=changes) if changes else then


def _appeal_then(
    policy: Policy, sanction: Sanction, appeal: Appeal, done: Iterable[str]
) -> dict[str, Any]:
    """An appeal not filed yet is not there; one not decided yet has no outcome, and a ban
    reduced later still had its first length."""
    steps = set(done)
    if "appeal_filed" not in steps:
        return {"appeal": None}
    if "appeal_decided" in steps:
        return {}
    undecided = appeal.model_copy(
        update={"outcome": None, "decided_on": None, "decided_by": (), "reduced_from": None}
    )
    changes: dict[str, Any] = {"appeal": undecided}
    if appeal.outcome == "reduced" and appeal.reduced_from is not None:
        changes.update(_before_reduction(policy, sanction, appeal.reduced_from))
    return changes


def _before_reduction(policy: Policy, sanction: Sanction, length: Duration) -> dict[str, Any]:
    """The ban as enacted, before an appeal reduced it: its kind, length and dates."""
    lifetime = length.is_lifetime
    kind = "lifetime_ban" if lifetime else sanction.kind
    duration = None if lifetime else length
    ends_on, expunges_on = rules.sanction_dates(policy, kind, duration, sanction.starts_on)
    reason = sanction.deviation_reason
    return {
        "kind": kind,
        "duration": duration,
        "ends_on": ends_on,
        "expunges_on": expunges_on,
        "deviation_reason": None if reason and reason.startswith("reduced on appeal") else reason,
    }
