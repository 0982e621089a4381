"""End of ban / SPEC §3 Expiry of records: which records have left the record on a day, and
what `coc expunge` keeps of them (tombstones). `actions.expunge` makes them so; `validate --base`
recomputes an expunge commit with the same rule (CL090). And what a query as of an earlier day
cannot show since (`hidden_on`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from . import rules, transitions
from .fields import OFF_RECORD, STOPPED_STATUSES
from .models import Appeal, Case, Event, Policy, Sanction
from .tombstones import (
    APPEAL_TOMBSTONE_KEYS,
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
)

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


def parties(case: Case | None, sanction: Sanction | None) -> set[str]:
    """The people a record is about (not the council members who handled it)."""
    found: set[str] = set()
    if case is not None:
        found |= case.parties
    if sanction is not None:
        found |= {p for p in (sanction.person, sanction.appeal and sanction.appeal.filed_by) if p}
    return found


def referenced(cases: Iterable[Case], sanctions: Iterable[Sanction]) -> set[str]:
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


def hidden_on(
    sanctions: Iterable[Sanction], day: date, what: Literal["records", "bans"] = "records"
) -> list[Sanction]:
    """SPEC §3 Queries as of a moment: the tombstones of what had been decided by `day` and was
    expunged after it (with `bans`, of the bans in force that day), which an answer as of `day`
    cannot show whole: their details are gone. A tombstone names no one, so any of them may have
    been anyone's."""
    found = []
    for sanction in sanctions:
        if sanction.status != "expunged" or sanction.status_on <= day or sanction.decided_on > day:
            continue  # a record, one expunged by then, or one not decided yet
        if what == "bans" and not _was_in_force(sanction, day):
            continue
        found.append(sanction)
    return found


def _was_in_force(tombstone: Sanction, day: date) -> bool:
    """Terms of a ban, of a tombstone: enacted by `day`, not overturned by then, and in force."""
    appeal = tombstone.appeal
    overturned_on = appeal.decided_on if appeal and appeal.outcome == "overturned" else None
    if overturned_on is not None and overturned_on <= day:
        return False
    if tombstone.enacted_on is None or tombstone.enacted_on > day:
        return False
    return rules.in_force(tombstone.model_copy(update={"status": "enacted"}), day)


def expunged_since(hidden: Iterable[Sanction]) -> date | None:
    """The day of the first expunge that made these tombstones (None: nothing hidden)."""
    return min((s.status_on for s in hidden), default=None)
