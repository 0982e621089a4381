"""Actions of Proposed sanctions: propose from the ladder, vote, enact, reject, and the apology
whose refusal escalates the warning automatically."""

from __future__ import annotations

from datetime import date, datetime

from ..core import rules, transitions
from ..core.change import Outcome
from ..core.durations import Duration
from ..core.ids import next_id
from ..core.models import Case, Person, Policy, Sanction, Vote
from ..core.snapshot import Snapshot
from ..errors import RefusedError, UsageError
from ..queries import sanction_json
from . import change_of, in_order, parties_of, step_case, text


def whole_days(duration: Duration | None, flag: str) -> None:
    """A sanction is in force on whole days (starts_on <= d < ends_on): a length in hours would
    round to no day at all, yet count as an offence. Hours stay for deadlines."""
    if duration is not None and duration.unit == "hours":
        raise UsageError(
            f"{flag} {duration}: a sanction lasts whole days; write days or months, "
            "e.g. '7 days' or '3 months'"
        )


def _one_per_case(snap: Snapshot, case: Case) -> None:
    """One incident, one offence: a second proposal would count as another."""
    standing = [s for s in snap.sanctions_of_case(case.id) if s.counts]
    if standing:
        first = standing[0]
        how = (
            f"reject it first (`coc sanction reject {first.id}`) to propose another"
            if first.status == "proposed"
            else "one incident is one offence; an appeal can change it"
        )
        raise RefusedError(f"{case.id} already has sanction {first.id} ({first.status}): {how}")


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
    step = transitions.permit(policy, "sanction propose", actor.id, case)
    _one_per_case(snap, case)
    respondent = case.respondent
    assert respondent is not None  # a case on record has one
    day = rules.local_date(at, policy)
    in_order(snap, respondent, day)
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
        change_of(step, actor, new, [sanction]),
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
    step = transitions.permit(policy, "sanction vote", actor.id, case, sanction)
    if on_behalf and member is None:
        raise UsageError("--on-behalf needs --member: whose vote do you record?")
    member = member or actor.id
    snap.person(member, "--member")
    if member != actor.id and not on_behalf:
        raise UsageError(
            f"--member {member} is not you ({actor.id}): each member records their own vote; "
            f"add --on-behalf to record the vote {member} gave at a meeting"
        )
    if member not in policy.roster.council:
        raise RefusedError(f"{member} is not on the council")
    conflicted = rules.conflict(case, member)
    if conflicted:
        raise RefusedError(f"{conflicted} and cannot vote on it")
    recorded_by = actor.id if member != actor.id else None
    ballot = Vote(member=member, vote="yes" if yes else "no", at=at, recorded_by=recorded_by)
    earlier = [v for v in sanction.votes if v.member == member]
    voted = transitions.move(
        step, sanction, rules.local_date(at, policy), votes=(*sanction.votes, ballot)
    )
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    result = rules.tally(policy, voted, case)
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
        change_of(step, actor, new, [voted]),
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


def _not_stale(snap: Snapshot, sanction: Sanction, person: str, day: date) -> None:
    """SPEC §3 A stale proposal: the offence and the ladder's sanction, recomputed for the day of
    enactment, are still the proposal's (no proposal rejected, sanction overturned or record
    cleared meanwhile)."""
    policy = snap.policy
    now = rules.record(policy, snap.sanctions_of(person), person, day, subject=sanction)
    then = rules.rung_for(policy, sanction.offence)
    ladder = (now.rung.kind, now.rung.duration)
    proposed = (sanction.kind, sanction.duration)
    deviated = sanction.deviation_reason is not None
    if now.offence == sanction.offence and (deviated or ladder == proposed) and then == now.rung:
        return
    raise RefusedError(
        f"{sanction.id} is stale: it was proposed as offence {sanction.offence}, "
        f"{_words(*proposed)}; on {day} it is offence {now.offence}, for which the ladder gives "
        f"{_words(*ladder)}. Reject it (`coc sanction reject {sanction.id}`) and propose again"
    )


def _words(kind: str, duration: Duration | None) -> str:
    return kind.replace("_", " ") + (f" of {duration}" if duration else "")


def enact(
    snap: Snapshot, actor: Person, at: datetime, sanction_id: str, starts_on: date | None
) -> Outcome:
    """Proposed sanctions: the council enacts; a lifetime ban needs the full council's vote."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = _case_of(snap, sanction)
    step = transitions.permit(policy, "sanction enact", actor.id, case, sanction)
    _, person = parties_of(sanction)
    day = rules.local_date(at, policy)
    in_order(snap, person, day, sanction)
    if starts_on is not None and starts_on < day:
        raise UsageError(f"--starts-on {starts_on} is before the day of enactment ({day})")
    _not_stale(snap, sanction, person, day)
    if rules.needs_vote(policy, sanction):
        result = rules.tally(policy, sanction, case)
        if not result.passed:
            missing = ", ".join(result.missing)
            reason = (
                f"not yet voted: {missing}"
                if missing
                else f"{len(result.yes)} of {len(result.eligible)} in favour is not enough"
            )
            raise RefusedError(
                f"{sanction_id} needs the full council's vote ({result.rule}); {reason}"
            )
    dates = enactment(
        policy, sanction.kind, sanction.duration, sanction.offence, starts_on or day, actor.id, day
    )
    done = transitions.move(step, sanction, day, **dates)
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    return Outcome(
        change_of(step, actor, new, [done]),
        sanction_json(done),
        f"Enacted {sanction_id} from {done.starts_on}.",
    )


def reject(snap: Snapshot, actor: Person, at: datetime, sanction_id: str) -> Outcome:
    """The council may decline a proposal; a rejected sanction never counts as an offence."""
    policy = snap.policy
    sanction = snap.sanction(sanction_id)
    case = _case_of(snap, sanction)
    step = transitions.permit(policy, "sanction reject", actor.id, case, sanction)
    _, person = parties_of(sanction)
    day = rules.local_date(at, policy)
    in_order(snap, person, day, sanction)
    done = transitions.move(step, sanction, day)
    new = step_case(snap, step, case, actor, at, sanction=sanction_id)
    return Outcome(
        change_of(step, actor, new, [done]), sanction_json(done), f"Rejected {sanction_id}."
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
    if any(r.kind == nxt.kind and r.vote for r in policy.ladder):
        return transitions.create(transitions.STEPS["escalation to a vote"], day, **fields)
    dates = enactment(policy, nxt.kind, nxt.duration, record.offence, day, actor.id, day)
    return transitions.create(transitions.STEPS["escalation"], day, **fields, **dates)


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
    step = transitions.permit(policy, name, actor.id, case, warning)
    if warning.apology_due is None:
        raise RefusedError(f"{sanction_id} is not an enacted warning awaiting an apology")
    if conduct and not escalates:
        raise UsageError(
            "--conduct is the public summary of the sanction a refusal escalates to; recording "
            f"{sanction_id} as {'delivered' if delivered else 'refused'} escalates nothing"
        )
    day = rules.local_date(at, policy)
    _, person = parties_of(warning)
    in_order(snap, person, day, warning)
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
    return Outcome(change_of(step, actor, new, changed), data, message)
