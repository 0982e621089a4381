"""End of ban / SPEC §3 Expiry of records: once a record window clears, the personal details of its
sanctions (and of their cases, when nothing still on record refers to them) are removed from the
ledger in one commit, leaving tombstones; people no longer referenced leave people.yaml.

Git history still holds the details: docs/privacy.md says how a community purges it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from ..core import rules, transitions
from ..core.change import Change, Outcome
from ..core.models import (
    APPEAL_TOMBSTONE_KEYS,
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    OFF_RECORD,
    SANCTION_TOMBSTONE_KEYS,
    STOPPED_STATUSES,
    Appeal,
    Case,
    Event,
    Person,
    Policy,
    Sanction,
)
from ..core.snapshot import Snapshot
from ..errors import RefusedError

STEP = transitions.STEPS["expunge"]


def sanction_tombstone(sanction: Sanction, day: date) -> Sanction:
    """What stays of a sanction off the record: id, kind, dates, `status: expunged`."""
    kept = {k: getattr(sanction, k) for k in SANCTION_TOMBSTONE_KEYS}
    if sanction.appeal is not None:
        appeal = {k: getattr(sanction.appeal, k) for k in APPEAL_TOMBSTONE_KEYS}
        kept["appeal"] = Appeal.model_construct(**appeal)
    return transitions.move(STEP, Sanction.model_construct(**kept), day)


def case_tombstone(case: Case) -> Case:
    """What stays of a case: its id, receipt, deadlines and the bare timeline (who acted when)."""
    kept = {k: getattr(case, k) for k in CASE_TOMBSTONE_KEYS if k != "timeline"}
    timeline = tuple(
        Event(**{k: getattr(e, k) for k in EVENT_TOMBSTONE_KEYS if getattr(e, k) is not None})
        for e in case.timeline
    )
    return transitions.record(STEP, Case.model_construct(**kept, timeline=timeline), None)


def _parties(case: Case | None, sanction: Sanction | None) -> set[str]:
    """The people a record is about (not the council members who handled it)."""
    found: set[str] = set()
    if case is not None:
        found |= case.parties
    if sanction is not None:
        found |= {p for p in (sanction.person, sanction.appeal and sanction.appeal.filed_by) if p}
    return found


def _referenced(cases: Iterable[Case], sanctions: Iterable[Sanction]) -> set[str]:
    """Every person id the ledger still refers to, tombstones included."""
    found: set[str] = set()
    for case in cases:
        found |= case.parties | set(case.committee)
        found |= {p for p in (case.received_by,) if p}
        for event in case.timeline:
            found |= {event.by, *(event.members or [])}
    for s in sanctions:
        found |= {p for p in (s.person, s.proposed_by, s.enacted_by) if p}
        found |= {vote.member for vote in s.votes}
        if s.appeal:
            found |= {p for p in (s.appeal.filed_by, *s.appeal.decided_by) if p}
    return found


def _cases_to_expunge(
    cases: dict[str, Case], sanctions: list[Sanction], leaving: set[str]
) -> list[str]:
    """A case goes when every sanction of it is off the record (expunged now or before, or
    rejected, withdrawn, overturned) and no sanction still on record links to one of them."""
    staying = [s for s in sanctions if s.id not in leaving and s.status not in OFF_RECORD]
    kept = {s.case for s in staying}
    linked = {i for s in staying for i in (s.escalated_from, s.escalated_to) if i}
    of_case = rules.by_case(sanctions)
    result = []
    for case_id in sorted({s.case for s in sanctions if s.id in leaving and s.case}):
        case = cases.get(case_id)
        if case is None or case.status == "expunged" or case_id in kept:
            continue
        if linked & {s.id for s in of_case.get(case_id, [])}:
            continue
        result.append(case_id)
    return result


def _closed_cases_leaving(
    policy: Policy, cases: dict[str, Case], sanctions: list[Sanction], day: date
) -> list[str]:
    """SPEC §3 Retention of closed cases: those closed with no sanction on record, whose time
    on the record (`record_retention_after_close`) has run out by `day`."""
    of_case = rules.by_case(sanctions)
    leaves = {
        c: rules.case_leaves_on(policy, case, of_case.get(c, [])) for c, case in cases.items()
    }
    return sorted(c for c, on in leaves.items() if on is not None and on <= day)


def _not_conflicted(cases: dict[str, Case], gone: list[str], actor: Person) -> None:
    """SPEC §3 Recusal: a conflicted person never acts on the case, its expiry included."""
    for case_id in gone:
        reason = rules.conflict(cases[case_id], actor.id)
        if reason:
            raise RefusedError(
                f"{reason}: a conflicted person never acts on the case; another council "
                "member runs `coc expunge`"
            )


def due(
    policy: Policy, sanctions: list[Sanction], cases: dict[str, Case], day: date
) -> tuple[set[str], list[str]]:
    """SPEC §3 Expiry: the sanctions, and the cases of those given, that `coc expunge` makes
    tombstones on `day` (validate --base recomputes an expunge commit's with it)."""
    leaving = {s.id for s in rules.expired_sanctions(policy, sanctions, day)}
    closed = _closed_cases_leaving(policy, cases, sanctions, day)
    gone_cases = sorted({*_cases_to_expunge(cases, sanctions, leaving), *closed})
    # The rejected, withdrawn or overturned sanctions of a case that goes, go with it.
    leaving |= {s.id for s in sanctions if s.case in gone_cases and s.status in STOPPED_STATUSES}
    return leaving, gone_cases


def expunge(snap: Snapshot, actor: Person, at: datetime) -> Outcome:
    """SPEC §3 Expiry of records: tombstones in one commit; nothing due, no commit."""
    policy = snap.policy
    transitions.permit(policy, "expunge", actor.id)
    day = rules.local_date(at, policy)
    sanctions = list(snap.sanctions.all())
    cases = {case.id: case for case in snap.cases()}
    leaving, gone_cases = due(policy, sanctions, cases, day)
    if not leaving and not gone_cases:
        return Outcome(
            None,
            {"expunged": 0, "sanctions": [], "cases": [], "people_removed": 0},
            f"Nothing to expunge on {day}: no record has cleared.",
        )
    _not_conflicted(
        cases, sorted({s.case for s in sanctions if s.id in leaving and s.case in cases}), actor
    )
    candidates: set[str] = set()
    for s in sanctions:
        if s.id in leaving:
            candidates |= _parties(None, s)
    for case_id in gone_cases:
        candidates |= _parties(cases[case_id], None)
    new_sanctions = [sanction_tombstone(s, day) if s.id in leaving else s for s in sanctions]
    for case_id in gone_cases:
        cases[case_id] = case_tombstone(cases[case_id])
    still = _referenced(cases.values(), new_sanctions)
    still |= {policy.roster.project_lead, *policy.roster.council}
    forgotten = candidates - still
    count = len(leaving) + len(gone_cases)
    ids = sorted(leaving) + gone_cases
    change = Change(
        f"expunge {count} records",
        STEP.action,
        actor.id,
        at,
        cases=tuple(cases[case_id] for case_id in gone_cases),
        sanctions=tuple(s for s in new_sanctions if s.id in leaving),
        people_removed=frozenset(forgotten),
        body=f"Expunged: {', '.join(ids)}",
    )
    data = {
        "expunged": count,
        "sanctions": sorted(leaving),
        "cases": gone_cases,
        "people_removed": len(forgotten),
    }
    message = (
        f"Expunged {len(leaving)} sanction(s) and {len(gone_cases)} case(s) that left the record "
        f"by {day}; {len(forgotten)} person(s) no longer referenced left people.yaml."
    )
    return Outcome(change, data, message, tuple(f"expunged: {i}" for i in ids))
