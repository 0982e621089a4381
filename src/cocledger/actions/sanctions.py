"""Actions of Proposed sanctions: propose from the ladder, vote, enact, reject, and the apology
whose refusal escalates the warning automatically."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .. import rules
from ..durations import Duration
from ..errors import RefusedError, UsageError
from ..ledger import Ledger
from ..models import Case, Event, Person, Sanction, Vote
from . import (
    Outcome,
    append_event,
    commit,
    in_order,
    next_id,
    parties_of,
    sanctions_file,
)


def sanction_json(sanction: Sanction) -> dict[str, Any]:
    """SPEC §4: the keys scripts rely on for `sanction propose/show --json`."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "sanction": sanction.id,
        "case": sanction.case,
        "person": sanction.person,
        "offence": sanction.offence,
        "kind": sanction.kind,
        "duration": str(sanction.duration) if sanction.duration else None,
        "status": sanction.status,
        "starts_on": day(sanction.starts_on),
        "ends_on": day(sanction.ends_on),
        "expunges_on": day(sanction.expunges_on),
        "apology_due": day(sanction.apology_due),
        "decided_on": day(sanction.decided_on),
        "escalated_from": sanction.escalated_from,
        "escalated_to": sanction.escalated_to,
    }


def whole_days(duration: Duration | None, flag: str) -> None:
    """A sanction is in force on whole days (starts_on <= d < ends_on): a length in hours would
    round to no day at all, yet count as an offence. Hours stay for deadlines."""
    if duration is not None and duration.unit == "hours":
        raise UsageError(
            f"{flag} {duration}: a sanction lasts whole days; write days or months, "
            "e.g. '7 days' or '3 months'"
        )


def new_sanction(
    ids: list[str],
    case_id: str,
    person: str,
    day: date,
    by: str,
    **fields: Any,
) -> Sanction:
    """A proposed sanction decided on `day`, with the next id of that year (S-YEAR-NNNN)."""
    return Sanction(
        id=next_id("S", day.year, ids),
        case=case_id,
        person=person,
        status="proposed",
        status_on=day,
        decided_on=day,
        proposed_by=by,
        **fields,
    )


def _awaiting_proposal(ledger: Ledger, case_id: str) -> tuple[Case, str]:
    """The case and its respondent, if the case is open, reviewed and has no standing sanction."""
    case = ledger.case(case_id)
    if case.status != "open" or case.respondent is None:
        raise RefusedError(f"{case_id} is {case.status}")
    if not case.first("reviewed"):
        raise RefusedError(
            f"{case_id} has not been reviewed at a meeting yet (`coc report review`)"
        )
    standing = [s for s in ledger.sanctions_of_case(case_id) if s.counts]
    if standing:  # one incident, one offence: a second proposal would count as another
        first = standing[0]
        how = (
            f"reject it first (`coc sanction reject {first.id}`) to propose another"
            if first.status == "proposed"
            else "one incident is one offence; an appeal can change it"
        )
        raise RefusedError(f"{case_id} already has sanction {first.id} ({first.status}): {how}")
    return case, case.respondent


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


def _record_change(
    ledger: Ledger,
    actor: Person,
    event: Event,
    changed: list[Sanction],
    verb: str,
) -> Outcome:
    """One commit for a change to sanctions (the first is the one the action is about): the
    register, and the event on that sanction's case."""
    subject = changed[0]
    case_id, _ = parties_of(subject)
    _, files = append_event(ledger, case_id, event)
    files.update(sanctions_file(ledger, changed))
    change = commit(f"{verb} {subject.id} ({case_id})", verb, actor, files, case_id, subject.id)
    return Outcome(change, sanction_json(subject), "")


def propose(
    ledger: Ledger,
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
    policy = ledger.policy
    _, respondent = _awaiting_proposal(ledger, case_id)
    day = rules.local_date(at, policy)
    in_order(ledger, respondent, day)
    record = rules.record(policy, ledger.sanctions_of(respondent), respondent, day)
    kind, duration, reason = ladder_choice(record, kind, duration, deviation_reason)
    if kind in rules.BAN_KINDS and not conduct:
        raise UsageError(
            "--conduct is required for a ban: it is the public summary published with it"
        )
    sanction = new_sanction(
        ledger.sanction_register.ids,
        case_id,
        respondent,
        day,
        actor.id,
        kind=kind,
        duration=duration,
        offence=record.offence,
        conduct=conduct,
        deviation_reason=reason,
    )
    event = Event(at=at, action="sanction_proposed", by=actor.id, sanction=sanction.id)
    outcome = _record_change(ledger, actor, event, [sanction], "sanction propose")
    length = f" {duration}" if duration else ""
    outcome.message = f"Proposed {sanction.id}: offence {record.offence}, {kind}{length}."
    outcome.details = [
        f"{s.id}: {s.kind}{' ' + str(s.duration) if s.duration else ''}, decided {s.decided_on}"
        for s in record.window
    ] or ["no earlier sanction on record"]
    return outcome


def vote(
    ledger: Ledger,
    actor: Person,
    at: datetime,
    sanction_id: str,
    member: str | None,
    yes: bool,
    on_behalf: bool = False,
) -> Outcome:
    """Proposed sanctions, 5th offence: each council member's vote, recorded one at a time. A
    member records their own; a vote given at a meeting may be recorded for them (--on-behalf)."""
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    member = member or actor.id
    case = _voter_case(ledger, actor, sanction, member, on_behalf)
    ballot = Vote(member=member, vote="yes" if yes else "no", at=at)
    if member != actor.id:
        ballot.recorded_by = actor.id
    sanction.votes = [*sanction.votes, ballot]
    event = Event(at=at, action="vote_recorded", by=actor.id, sanction=sanction_id)
    outcome = _record_change(ledger, actor, event, [sanction], "sanction vote")
    result = rules.tally(ledger.policy, sanction, case)
    outcome.data = {
        "sanction": sanction_id,
        "yes": list(result.yes),
        "no": list(result.no),
        "missing": list(result.missing),
        "passed": result.passed,
    }
    by = f" (recorded by {actor.id})" if ballot.recorded_by else ""
    outcome.message = (
        f"Recorded {member}'s vote on {sanction_id}{by}; {len(result.missing)} still to vote."
    )
    return outcome


def _voter_case(
    ledger: Ledger, actor: Person, sanction: Sanction, member: str, on_behalf: bool
) -> Case:
    """The case voted on, once `member` may vote on it and `actor` may record that vote."""
    ledger.person(member, "--member")
    if member != actor.id and not on_behalf:
        raise UsageError(
            f"--member {member} is not you ({actor.id}): each member records their own vote; "
            f"add --on-behalf to record the vote {member} gave at a meeting"
        )
    if sanction.status != "proposed":
        raise RefusedError(
            f"{sanction.id} is {sanction.status}; votes are taken on a proposed sanction"
        )
    case_id, _ = parties_of(sanction)
    if member not in ledger.policy.roster.council:
        raise RefusedError(f"{member} is not on the council")
    case = ledger.case(case_id)
    if member in case.parties:
        raise RefusedError(f"{member} is a party to {case_id} and cannot vote on it")
    return case


def enacted(ledger: Ledger, sanction: Sanction, starts_on: date, by: str, day: date) -> Sanction:
    """SPEC §3 A sanction's dates: computed from starts_on, each from its own start."""
    policy = ledger.policy
    sanction = sanction.model_copy(deep=True)
    sanction.status = "enacted"
    sanction.status_on = day
    sanction.enacted_on = day
    sanction.enacted_by = by
    sanction.starts_on = starts_on
    sanction.ends_on, sanction.expunges_on = rules.sanction_dates(
        policy, sanction.kind, sanction.duration, starts_on
    )
    rung = rules.rung_for(policy, sanction.offence)
    if sanction.kind == "warning" and rung.kind == "warning" and rung.apology == "required":
        sanction.apology_due = rules.apology_due(starts_on, policy)
    return sanction


def enact(
    ledger: Ledger, actor: Person, at: datetime, sanction_id: str, starts_on: date | None
) -> Outcome:
    """Proposed sanctions: the council enacts; a lifetime ban needs the full council's vote."""
    policy = ledger.policy
    sanction = ledger.sanction(sanction_id)
    if sanction.status != "proposed":
        raise RefusedError(
            f"{sanction_id} is {sanction.status}; only a proposed sanction can be enacted"
        )
    case_id, person = parties_of(sanction)
    day = rules.local_date(at, policy)
    in_order(ledger, person, day, sanction)
    if starts_on is not None and starts_on < day:
        raise UsageError(f"--starts-on {starts_on} is before the day of enactment ({day})")
    if rules.needs_vote(policy, sanction):
        result = rules.tally(policy, sanction, ledger.case(case_id))
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
    done = enacted(ledger, sanction, starts_on or day, actor.id, day)
    event = Event(at=at, action="sanction_enacted", by=actor.id, sanction=sanction_id)
    outcome = _record_change(ledger, actor, event, [done], "sanction enact")
    outcome.message = f"Enacted {sanction_id} from {done.starts_on}."
    return outcome


def reject(ledger: Ledger, actor: Person, at: datetime, sanction_id: str) -> Outcome:
    """The council may decline a proposal; a rejected sanction never counts as an offence."""
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    if sanction.status != "proposed":
        raise RefusedError(
            f"{sanction_id} is {sanction.status}; only a proposed sanction can be rejected"
        )
    _, person = parties_of(sanction)
    day = rules.local_date(at, ledger.policy)
    in_order(ledger, person, day, sanction)
    sanction.status = "rejected"
    sanction.status_on = day
    event = Event(at=at, action="sanction_rejected", by=actor.id, sanction=sanction_id)
    outcome = _record_change(ledger, actor, event, [sanction], "sanction reject")
    outcome.message = f"Rejected {sanction_id}."
    return outcome


def _awaiting_apology(ledger: Ledger, sanction_id: str) -> Sanction:
    """A copy of the enacted warning whose apology is still to be recorded."""
    warning = ledger.sanction(sanction_id).model_copy(deep=True)
    if warning.apology is not None:
        raise RefusedError(
            f"the apology for {sanction_id} was already recorded as {warning.apology}"
        )
    if warning.status != "enacted" or warning.apology_due is None:
        raise RefusedError(f"{sanction_id} is not an enacted warning awaiting an apology")
    return warning


def escalate(
    ledger: Ledger, actor: Person, warning: Sanction, day: date, conduct: str | None
) -> Sanction:
    """Proposed sanctions, 1st offence: should the apology be refused, the sanction is escalated
    to the next offence automatically: a new sanction decided that day, linked to the warning,
    enacted at once unless its rung needs the full council's vote. Returns the new sanction."""
    policy = ledger.policy
    case_id, person = parties_of(warning)
    in_order(ledger, person, day, warning)
    warning.status = "escalated"
    warning.status_on = day
    mine = [warning if s.id == warning.id else s for s in ledger.sanctions_of(person)]
    record = rules.record(policy, mine, person, day)
    nxt = record.rung
    conduct = conduct or warning.conduct
    if nxt.kind in rules.BAN_KINDS and not conduct:
        raise UsageError(
            f"--conduct is required: the refusal escalates {warning.id} to a "
            f"{nxt.kind.replace('_', ' ')}, and --conduct is the public summary published with it"
        )
    escalation = new_sanction(
        ledger.sanction_register.ids,
        case_id,
        person,
        day,
        actor.id,
        kind=nxt.kind,
        duration=nxt.duration,
        offence=record.offence,
        conduct=conduct,
        escalated_from=warning.id,
    )
    if not rules.needs_vote(policy, escalation):
        escalation = enacted(ledger, escalation, day, actor.id, day)
    warning.escalated_to = escalation.id
    return escalation


def apology_record(
    ledger: Ledger,
    actor: Person,
    at: datetime,
    sanction_id: str,
    delivered: bool,
    conduct: str | None = None,
) -> Outcome:
    """Proposed sanctions, 1st offence: the apology delivered, or refused (which escalates the
    warning where its rung says so)."""
    policy = ledger.policy
    warning = _awaiting_apology(ledger, sanction_id)
    day = rules.local_date(at, policy)
    escalates = not delivered and rules.rung_for(policy, warning.offence).refusal_escalates
    if conduct and not escalates:
        raise UsageError(
            "--conduct is the public summary of the sanction a refusal escalates to; recording "
            f"{sanction_id} as {'delivered' if delivered else 'refused'} escalates nothing"
        )
    warning.apology = "delivered" if delivered else "refused"
    warning.apology_recorded_on = day
    escalation = escalate(ledger, actor, warning, day, conduct) if escalates else None
    event = Event(
        at=at, action="apology_recorded", by=actor.id, sanction=sanction_id, note=warning.apology
    )
    changed = [warning] if escalation is None else [warning, escalation]
    outcome = _record_change(ledger, actor, event, changed, "apology record")
    outcome.message = f"Recorded the apology for {sanction_id} as {warning.apology}."
    if escalation is not None:
        outcome.data = sanction_json(escalation)
        outcome.message = (
            f"Apology refused: {sanction_id} escalated to {escalation.id}, offence "
            f"{escalation.offence}, {escalation.kind} {escalation.duration or ''} "
            f"{escalation.status} from {escalation.starts_on or 'after the vote'}."
        )
    return outcome
