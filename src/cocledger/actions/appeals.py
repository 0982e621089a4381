"""CoC §8 Addressing grievances: only permanent resolutions (such as bans) may be appealed; the
council decides an appeal upheld, overturned (the sanction stops counting and leaves the published
list) or reduced (a shorter duration, dates recomputed). Appeals come after the decision, so a
closed case takes them too; an expunged one cannot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from ..core import council, rules, transitions
from ..core.change import Outcome
from ..core.durations import LIFETIME, Duration
from ..core.models import Appeal, Case, Person, Policy, Sanction, evolve
from ..core.snapshot import Snapshot
from ..errors import RefusedError, UsageError
from ..queries import sanction_json
from . import change_of, gate, parties_of, step_case, text
from .sanctions import whole_days

Outcome_ = Literal["upheld", "overturned", "reduced"]
"""CoC §8: what the council may decide of an appeal."""


def appeal_json(sanction: Sanction) -> dict[str, Any]:
    """The sanction as `sanction show --json` gives it, its appeal included."""
    return sanction_json(sanction)


def file(snap: Snapshot, actor: Person, at: datetime, sanction_id: str, reason: str) -> Outcome:
    """CoC §8: an appeal of a kind in `appeals.allowed_for`, of a sanction in force, once."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = snap.case(parties_of(sanction)[0])
    step = gate(snap, "appeal file", actor, at, case, sanction)
    if sanction.appeal is not None:
        raise RefusedError(f"{sanction_id} was already appealed on {sanction.appeal.filed_on}")
    grounds = text(reason, "--reason", "reason")
    if not grounds:
        raise UsageError("--reason is empty: say on what grounds the decision is appealed")
    day = rules.local_date(at, policy)
    appeal = Appeal(filed_on=day, filed_by=sanction.person, reason=grounds)
    appealed = transitions.move(step, sanction, day, appeal=appeal)
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    return Outcome(
        change_of(snap, step, actor, at, new, [appealed]),
        appeal_json(appealed),
        f"Filed the appeal of {sanction_id}; the council decides it.",
    )


def deciders(
    policy: Policy, case: Case, sanction: Sanction, members: Sequence[str], upto: int | None
) -> list[str]:
    """Who decided: for a lifetime ban the council that enacted it, i.e. every council member on
    the roster not conflicted in the case; otherwise the members named, else the case's committee.
    The gate refuses a conflicted member (`guards.deciders`, SPEC §3 Recusal)."""
    if sanction.kind == "lifetime_ban":
        if members:
            raise UsageError(
                "an appeal of a lifetime ban is decided by the full council that enacted it: "
                "drop --member"
            )
        return council.eligible_council(policy, case, upto)
    return list(dict.fromkeys(members)) or list(case.committee)


def _reduced(policy: Policy, sanction: Sanction, to: Duration, day: date) -> dict[str, object]:
    """A reduced sanction keeps its start; its end and its time on the record are recomputed."""
    if to.is_lifetime:
        raise UsageError("--reduced-to lifetime is no reduction: give a duration like '3 months'")
    whole_days(to, "--reduced-to")
    kind = "ban" if sanction.kind == "lifetime_ban" else sanction.kind
    ends_on, expunges_on = rules.sanction_dates(policy, kind, to, sanction.starts_on)
    if sanction.ends_on is not None and (ends_on is None or ends_on >= sanction.ends_on):
        raise RefusedError(
            f"--reduced-to {to}: {sanction.id} already ends on {sanction.ends_on}; "
            "a reduction must end it sooner"
        )
    changes: dict[str, object] = {
        "kind": kind,
        "duration": to,
        "ends_on": ends_on,
        "expunges_on": expunges_on,
    }
    if sanction.deviation_reason is None:
        rung = rules.rung_for(policy, sanction.offence)
        if rules.is_deviation(rung, kind, to):
            changes["deviation_reason"] = f"reduced on appeal on {day}"
    return changes


def decide(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    sanction_id: str,
    outcome: Outcome_,
    reduced_to: Duration | None,
    members: Sequence[str],
) -> Outcome:
    """CoC §8: the council reviews the appeal: upheld, overturned or reduced."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = snap.case(parties_of(sanction)[0])
    for member in members:
        snap.person(member, "--member")
    chosen = deciders(policy, case, sanction, members, transitions.position(case, at))
    name = "appeal overturn" if outcome == "overturned" else "appeal decide"
    step = gate(snap, name, actor, at, case, sanction, members=chosen, outcome=outcome)
    appeal = sanction.appeal
    if appeal is None:
        raise RefusedError(f"{sanction_id} has no appeal to decide (`coc appeal file`)")
    if appeal.outcome is not None:
        raise RefusedError(f"the appeal of {sanction_id} was already decided: {appeal.outcome}")
    day = rules.local_date(at, policy)
    decided_by = tuple(chosen)
    changes: dict[str, object] = {}
    reduced_from = None
    if outcome == "reduced":
        if reduced_to is None:
            raise UsageError("--reduced-to needs a duration such as '3 months'")
        changes = _reduced(policy, sanction, reduced_to, day)
        reduced_from = sanction.duration or LIFETIME
    decision = evolve(
        appeal, outcome=outcome, decided_on=day, decided_by=decided_by, reduced_from=reduced_from
    )
    decided = transitions.move(step, sanction, day, appeal=decision, **changes)
    note = f"reduced to {reduced_to}" if outcome == "reduced" else outcome
    new = step_case(snap, step, case, actor, at, sanction=sanction_id, note=note)
    message = f"Decided the appeal of {sanction_id}: {note}."
    if outcome == "reduced":
        message += f" It now ends on {decided.ends_on}."
    return Outcome(change_of(snap, step, actor, at, new, [decided]), appeal_json(decided), message)
