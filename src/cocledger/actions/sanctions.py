"""Actions of Proposed sanctions: propose from the ladder, vote, enact, reject, and the apology
whose refusal escalates the warning automatically."""

from __future__ import annotations

from datetime import date, datetime

from ..core import council, rules, transitions
from ..core.change import Outcome
from ..core.durations import Duration
from ..core.ids import next_id
from ..core.models import Case, Person, Policy, Sanction, Vote
from ..core.sanction_deadlines import apology_form
from ..core.snapshot import Snapshot
from ..errors import UsageError
from ..queries import sanction_json
from . import change_of, gate, parties_of, step_case, text


def whole_days(duration: Duration | None, flag: str) -> None:
    """A sanction is in force on whole days (starts_on <= d < ends_on): a length in hours would
    round to no day at all, yet count as an offence. Hours stay for deadlines."""
    if duration is not None and duration.unit == "hours":
        raise UsageError(
            f"{flag} {duration}: a sanction lasts whole days; write days or months, "
            "e.g. '7 days' or '3 months'"
        )


def ladder_choice(
    record: rules.Record, kind: str | None, duration: Duration | None, reason: str | None
) -> tuple[str, Duration | None, str | None]:
    """Proposed sanctions / Other sanctions: the ladder's kind and duration for the offence,
    unless the council deviates and says why. Returns the kind, duration and deviation reason."""
    rung = record.rung
    kind = kind or rung.kind
    if duration is None and kind == rung.kind:
        duration = rung.duration
    if kind == "ban" and (duration is None or duration.is_lifetime):
        raise UsageError("--duration is required for a ban, e.g. --duration '3 months'")
    if kind in ("warning", "lifetime_ban") and duration is not None:
        raise UsageError(f"--duration does not apply to a {kind}")
    whole_days(duration, "--duration")
    deviates = rules.is_deviation(rung, kind, duration)
    if deviates and not reason:
        raise UsageError(
            f"the ladder recommends {rung.kind}{' of ' + str(rung.duration) if rung.duration else ''} "
            f"for offence {record.offence}; give --deviation-reason to propose {kind} instead"
        )
    return kind, duration, reason if deviates else None


def conduct_given(kind: str, conduct: str | None) -> None:
    """Communications: a ban is published with a public summary of the conduct (`--conduct`),
    asked for before anything else about the proposal."""
    if kind in rules.BAN_KINDS and not conduct:
        raise UsageError(
            "--conduct is required for a ban: it is the public summary published with it"
        )


def _case_of(snap: Snapshot, sanction: Sanction) -> Case:
    return snap.case(parties_of(sanction)[0])


def propose(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    case_id: str,
    kind: str | None,
    duration: Duration | None,
    deviation_reason: str | None,
    conduct: str | None,
) -> Outcome:
    """Proposed sanctions: the ladder's recommendation for the respondent's next offence, unless
    the council deviates (Other sanctions) and says why."""
    policy = snap.policy
    case = snap.case(case_id)
    step = gate(snap, "sanction propose", actor, at, case)
    respondent = case.respondent
    assert respondent is not None  # a case on record has one
    day = rules.local_date(at, policy)
    record = rules.record(policy, snap.sanctions_of(respondent), respondent, day)
    conduct = text(conduct, "--conduct", "short")
    deviation_reason = text(deviation_reason, "--deviation-reason", "reason")
    conduct_given(kind or record.rung.kind, conduct)
    kind, duration, reason = ladder_choice(record, kind, duration, deviation_reason)
    sanction = transitions.create(
        step,
        day,
        id=next_id("S", day.year, snap.sanctions.ids),
        case=case_id,
        person=respondent,
        proposed_by=actor.id,
        kind=kind,
        duration=duration,
        offence=record.offence,
        conduct=conduct,
        deviation_reason=reason,
    )
    new = step_case(snap, step, case, actor, at, sanction=sanction.id)
    length = f" {duration}" if duration else ""
    details = tuple(
        f"{s.id}: {s.kind}{' ' + str(s.duration) if s.duration else ''}, decided {s.decided_on}"
        for s in record.window
    ) or ("no earlier sanction on record",)
    return Outcome(
        change_of(snap, step, actor, at, new, [sanction]),
        sanction_json(sanction),
        f"Proposed {sanction.id}: offence {record.offence}, {kind}{length}.",
        details,
    )


def vote(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    sanction_id: str,
    member: str | None,
    yes: bool,
    on_behalf: bool = False,
) -> Outcome:
    """Proposed sanctions, 5th offence: each council member's vote, recorded one at a time. A
    member records their own; a vote given at a meeting may be recorded for them (--on-behalf)."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = _case_of(snap, sanction)
    if on_behalf and member is None:
        raise UsageError("--on-behalf needs --member: whose vote do you record?")
    member = member or actor.id
    snap.person(member, "--member")
    if member != actor.id and not on_behalf:
        raise UsageError(
            f"--member {member} is not you ({actor.id}): each member records their own vote; "
            f"add --on-behalf to record the vote {member} gave at a meeting"
        )
    step = gate(snap, "sanction vote", actor, at, case, sanction, member=member)
    recorded_by = actor.id if member != actor.id else None
    ballot = Vote(member=member, vote="yes" if yes else "no", at=at, recorded_by=recorded_by)
    earlier = [v for v in sanction.votes if v.member == member and v.at <= at]
    place = len([v for v in sanction.votes if v.at <= at])  # where its event lands (in order)
    votes = (*sanction.votes[:place], ballot, *sanction.votes[place:])
    voted = transitions.move(step, sanction, rules.local_date(at, policy), votes=votes)
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    result = council.tally(policy, voted, new)
    data = {
        "sanction": sanction_id,
        "yes": list(result.yes),
        "no": list(result.no),
        "missing": list(result.missing),
        "passed": result.passed,
    }
    by = f" (recorded by {actor.id})" if recorded_by else ""
    replaced = f", replacing the vote of {earlier[-1].at:%Y-%m-%d}" if earlier else ""
    return Outcome(
        change_of(snap, step, actor, at, new, [voted]),
        data,
        f"Recorded {member}'s vote on {sanction_id}{by}{replaced}; "
        f"{len(result.missing)} still to vote.",
    )


def enactment(
    policy: Policy,
    kind: str,
    duration: Duration | None,
    offence: int,
    starts_on: date,
    by: str,
    day: date,
) -> dict[str, object]:
    """SPEC §3 A sanction's dates: computed from starts_on, each from its own start; a warning
    whose rung requires an apology has it due `deadlines.apology` after it starts."""
    ends_on, expunges_on = rules.sanction_dates(policy, kind, duration, starts_on)
    rung = rules.rung_for(policy, offence)
    apology_due = None
    if kind == "warning" and rung.kind == "warning" and rung.apology == "required":
        apology_due = rules.apology_due(starts_on, policy)
    return {
        "enacted_on": day,
        "enacted_by": by,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "expunges_on": expunges_on,
        "apology_due": apology_due,
    }


def enact(
    snap: Snapshot, actor: Person, at: datetime, sanction_id: str, starts_on: date | None
) -> Outcome:
    """Proposed sanctions: the council enacts; a lifetime ban needs the full council's vote."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = _case_of(snap, sanction)
    step = gate(snap, "sanction enact", actor, at, case, sanction)
    day = rules.local_date(at, policy)
    if starts_on is not None and starts_on < day:
        raise UsageError(f"--starts-on {starts_on} is before the day of enactment ({day})")
    dates = enactment(
        policy, sanction.kind, sanction.duration, sanction.offence, starts_on or day, actor.id, day
    )
    done = transitions.move(step, sanction, day, **dates)
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    message = f"Enacted {sanction_id} from {done.starts_on}."
    if done.apology_due is not None:  # 1st offence: the apology's date, as `coc due` shows it
        message += f" Apology due by {done.apology_due}: {apology_form(case)}."
    return Outcome(change_of(snap, step, actor, at, new, [done]), sanction_json(done), message)


def reject(snap: Snapshot, actor: Person, at: datetime, sanction_id: str) -> Outcome:
    """The council may decline a proposal; a rejected sanction never counts as an offence."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = _case_of(snap, sanction)
    step = gate(snap, "sanction reject", actor, at, case, sanction)
    done = transitions.move(step, sanction, rules.local_date(at, policy))
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    return Outcome(
        change_of(snap, step, actor, at, new, [done]),
        sanction_json(done),
        f"Rejected {sanction_id}.",
    )


def _escalate(
    snap: Snapshot, actor: Person, warning: Sanction, day: date, conduct: str | None
) -> Sanction:
    """Proposed sanctions, 1st offence: should the apology be refused, the sanction is escalated
    to the next offence automatically: a new sanction decided that day, linked to the warning,
    enacted at once unless its rung needs the full council's vote."""
    policy = snap.policy
    case_id, person = parties_of(warning)
    mine = [warning if s.id == warning.id else s for s in snap.sanctions_of(person)]
    record = rules.record(policy, mine, person, day)
    nxt = record.rung
    conduct = conduct or warning.conduct
    if nxt.kind in rules.BAN_KINDS and not conduct:
        raise UsageError(
            f"--conduct is required: the refusal escalates {warning.id} to a "
            f"{nxt.kind.replace('_', ' ')}, and --conduct is the public summary published with it"
        )
    fields = {
        "id": next_id("S", day.year, snap.sanctions.ids),
        "case": case_id,
        "person": person,
        "proposed_by": actor.id,
        "kind": nxt.kind,
        "duration": nxt.duration,
        "offence": record.offence,
        "conduct": conduct,
        "escalated_from": warning.id,
    }
    step = transitions.escalation(policy, nxt.kind)
    if step.sanction_to == "proposed":  # to a vote: no dates until it is enacted
        return transitions.create(step, day, **fields)
    dates = enactment(policy, nxt.kind, nxt.duration, record.offence, day, actor.id, day)
    return transitions.create(step, day, **fields, **dates)


def apology_record(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    sanction_id: str,
    delivered: bool,
    conduct: str | None = None,
) -> Outcome:
    """Proposed sanctions, 1st offence: the apology delivered, or refused (which escalates the
    warning where its rung says so)."""
    policy = snap.policy
    warning = snap.sanction(sanction_id)
    case = _case_of(snap, warning)
    escalates = not delivered and rules.rung_for(policy, warning.offence).refusal_escalates
    conduct = text(conduct, "--conduct", "short")
    name = "apology refused" if escalates else "apology delivered"
    step = gate(snap, name, actor, at, case, warning)
    assert warning.apology_due is not None  # guards.awaiting_apology
    if conduct and not escalates:
        raise UsageError(
            "--conduct is the public summary of the sanction a refusal escalates to; recording "
            f"{sanction_id} as {'delivered' if delivered else 'refused'} escalates nothing"
        )
    day = rules.local_date(at, policy)
    said = "delivered" if delivered else "refused"
    apology = transitions.move(step, warning, day, apology=said, apology_recorded_on=day)
    escalation = _escalate(snap, actor, apology, day, conduct) if escalates else None
    changed = [apology]
    if escalation is not None:
        changed = [transitions.move(step, apology, day, escalated_to=escalation.id), escalation]
    new = step_case(snap, step, case, actor, at, sanction=sanction_id, note=said)
    late = " (late)" if day > warning.apology_due else ""
    message = f"Recorded the apology for {sanction_id} as {said}{late}."
    data = sanction_json(changed[0])
    if escalation is not None:
        data = sanction_json(escalation)
        message = (
            f"Apology refused{late}: {sanction_id} escalated to {escalation.id}, offence "
            f"{escalation.offence}, {escalation.kind} {escalation.duration or ''} "
            f"{escalation.status} from {escalation.starts_on or 'after the vote'}."
        )
    return Outcome(change_of(snap, step, actor, at, new, changed), data, message)
