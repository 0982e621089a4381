"""End of ban / SPEC §3 Expiry of records: once a record window clears, the personal details of its
sanctions (and of their cases, when nothing still on record refers to them) are removed from the
ledger in one commit, leaving tombstones; people no longer referenced leave people.yaml. Which
records have left the record is the rule of `core.expiry`.

Git history still holds the details: docs/privacy.md says how a community purges it.
"""

from __future__ import annotations

from datetime import datetime

from ..core import rules, sealing, transitions
from ..core.change import Change, Outcome
from ..core.expiry import STEP, case_tombstone, due, parties, referenced, sanction_tombstone
from ..core.models import Case, Person
from ..core.snapshot import Snapshot
from ..errors import RefusedError, SealedError
from . import gate


def expunge(snap: Snapshot, actor: Person, at: datetime) -> Outcome:
    """SPEC §3 Expiry of records: tombstones in one commit; nothing due, no commit."""
    policy = snap.policy
    transitions.authorise(policy, "expunge", actor.id)
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
    touched = {s.case for s in sanctions if s.id in leaving and s.case in cases} | set(gone_cases)
    for case_id in sorted(touched):
        _not_a_party(snap, actor, at, case_id)
    candidates: set[str] = set()
    for s in sanctions:
        if s.id in leaving:
            candidates |= parties(None, s)
    for case_id in gone_cases:
        candidates |= parties(cases[case_id], None)
    new_sanctions = [sanction_tombstone(s, day) if s.id in leaving else s for s in sanctions]
    for case_id in gone_cases:
        cases[case_id] = case_tombstone(cases[case_id])
    if candidates:
        _anonymous_opened(snap, cases)
    still = referenced(cases.values(), new_sanctions)
    still |= set(policy.roster.members)
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


def _anonymous_opened(snap: Snapshot, cases: dict[str, Case]) -> None:
    """SPEC §8: an anonymous reporter's id is sealed in a case still on record, and they stay in
    people.yaml while it names them: each such case is read opened (its readers run expunge)."""
    for case_id, case in cases.items():
        if case.status != "expunged":
            cases[case_id] = sealing.with_reporter(snap, case)
            if sealing.is_sealed(cases[case_id].reporter):
                raise SealedError(
                    f"the reporter of {case_id} (kept in people.yaml while it is on record)"
                )


def _not_a_party(snap: Snapshot, actor: Person, at: datetime, case_id: str) -> None:
    """SPEC §3 Recusal: `coc expunge` run by a party to any record it would remove is refused like
    any other step of their case (the gate judges it, case by case)."""
    try:
        gate(snap, "expunge", actor, at, snap.case(case_id))
    except RefusedError as refused:
        raise RefusedError(
            f"{refused}; another council member runs `coc expunge`", refused.code
        ) from None
