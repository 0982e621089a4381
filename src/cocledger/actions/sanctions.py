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
from . import Outcome, case_file, commit, next_id, sanctions_file


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


def _replace(sanctions: list[Sanction], changed: Sanction) -> list[Sanction]:
    return [changed if s.id == changed.id else s for s in sanctions]


def _case_event(ledger: Ledger, case_id: str, event: Event) -> tuple[Case, dict[str, str | None]]:
    """Append an event to the case's timeline, which runs forward: none may predate the last."""
    case = ledger.case(case_id).model_copy(deep=True)
    last = max((e.at for e in case.timeline), default=case.received_at)
    if event.at < last:
        raise RefusedError(
            f"--at {event.at.isoformat()} is before the last event of {case_id} "
            f"({last.isoformat()}); check the date"
        )
    case.timeline = [*case.timeline, event]
    return case, case_file(ledger, case)


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
    case = ledger.case(case_id)
    if case.status != "open":
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
    day = rules.local_date(at, policy)
    assert case.respondent is not None
    record = rules.record(policy, ledger.sanctions, case.respondent, day)
    rung = record.rung
    kind = kind or rung.kind
    if duration is None and kind == rung.kind:
        duration = rung.duration
    if kind == "ban" and (duration is None or duration.is_lifetime):
        raise UsageError("--duration is required for a ban, e.g. --duration '3 months'")
    if kind in ("warning", "lifetime_ban") and duration is not None:
        raise UsageError(f"--duration does not apply to a {kind}")
    if rules.is_deviation(rung, kind, duration) and not deviation_reason:
        raise UsageError(
            f"the ladder recommends {rung.kind}{' of ' + str(rung.duration) if rung.duration else ''} "
            f"for offence {record.offence}; give --deviation-reason to propose {kind} instead"
        )
    if kind in rules.BAN_KINDS and not conduct:
        raise UsageError(
            "--conduct is required for a ban: it is the public summary published with it"
        )
    year = f"{day.year:04d}"
    sanction = Sanction(
        id=next_id("S", day.year, [s.id for s in ledger.sanctions if s.id[2:6] == year]),
        case=case_id,
        person=case.respondent,
        kind=kind,  # type: ignore[arg-type]
        duration=duration,
        offence=record.offence,
        status="proposed",
        status_on=day,
        decided_on=day,
        proposed_by=actor.id,
        conduct=conduct,
        deviation_reason=deviation_reason if rules.is_deviation(rung, kind, duration) else None,
    )
    _, files = _case_event(
        ledger, case_id, Event(at=at, action="sanction_proposed", by=actor.id, sanction=sanction.id)
    )
    files.update(sanctions_file(ledger, [*ledger.sanctions, sanction]))
    change = commit(
        f"sanction propose {sanction.id} ({case_id})",
        "sanction propose",
        actor,
        files,
        case_id,
        sanction.id,
    )
    why = [
        f"{s.id}: {s.kind}{' ' + str(s.duration) if s.duration else ''}, decided {s.decided_on}"
        for s in record.window
    ]
    message = f"Proposed {sanction.id}: offence {record.offence}, {kind}{' ' + str(duration) if duration else ''}."
    return Outcome(
        change, sanction_json(sanction), message, why or ["no earlier sanction on record"]
    )


def vote(
    ledger: Ledger, actor: Person, at: datetime, sanction_id: str, member: str, yes: bool
) -> Outcome:
    """Proposed sanctions, 5th offence: each council member's vote, recorded one at a time."""
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    ledger.person(member, "--member")
    if sanction.status != "proposed":
        raise RefusedError(
            f"{sanction_id} is {sanction.status}; votes are taken on a proposed sanction"
        )
    assert sanction.case is not None
    case = ledger.case(sanction.case)
    if member not in ledger.policy.roster.council:
        raise RefusedError(f"{member} is not on the council")
    if member in case.parties:
        raise RefusedError(f"{member} is a party to {sanction.case} and cannot vote on it")
    sanction.votes = [*sanction.votes, Vote(member=member, vote="yes" if yes else "no", at=at)]
    files = sanctions_file(ledger, _replace(ledger.sanctions, sanction))
    _, case_files = _case_event(
        ledger,
        sanction.case,
        Event(at=at, action="vote_recorded", by=actor.id, sanction=sanction_id),
    )
    files.update(case_files)
    change = commit(
        f"sanction vote {sanction_id} ({sanction.case})",
        "sanction vote",
        actor,
        files,
        sanction.case,
        sanction_id,
    )
    result = rules.tally(ledger.policy, sanction, case)
    data = {
        "sanction": sanction_id,
        "yes": list(result.yes),
        "no": list(result.no),
        "missing": list(result.missing),
        "passed": result.passed,
    }
    return Outcome(
        change,
        data,
        f"Recorded {member}'s vote on {sanction_id}; {len(result.missing)} still to vote.",
    )


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
    assert sanction.case is not None
    day = rules.local_date(at, policy)
    if starts_on is not None and starts_on < day:
        raise UsageError(f"--starts-on {starts_on} is before the day of enactment ({day})")
    if rules.needs_vote(policy, sanction):
        result = rules.tally(policy, sanction, ledger.case(sanction.case))
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
    files = sanctions_file(ledger, _replace(ledger.sanctions, done))
    _, case_files = _case_event(
        ledger,
        sanction.case,
        Event(at=at, action="sanction_enacted", by=actor.id, sanction=sanction_id),
    )
    files.update(case_files)
    change = commit(
        f"sanction enact {sanction_id} ({sanction.case})",
        "sanction enact",
        actor,
        files,
        sanction.case,
        sanction_id,
    )
    return Outcome(change, sanction_json(done), f"Enacted {sanction_id} from {done.starts_on}.")


def reject(ledger: Ledger, actor: Person, at: datetime, sanction_id: str) -> Outcome:
    """The council may decline a proposal; a rejected sanction never counts as an offence."""
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    if sanction.status != "proposed":
        raise RefusedError(
            f"{sanction_id} is {sanction.status}; only a proposed sanction can be rejected"
        )
    assert sanction.case is not None
    sanction.status = "rejected"
    sanction.status_on = rules.local_date(at, ledger.policy)
    files = sanctions_file(ledger, _replace(ledger.sanctions, sanction))
    _, case_files = _case_event(
        ledger,
        sanction.case,
        Event(at=at, action="sanction_rejected", by=actor.id, sanction=sanction_id),
    )
    files.update(case_files)
    change = commit(
        f"sanction reject {sanction_id} ({sanction.case})",
        "sanction reject",
        actor,
        files,
        sanction.case,
        sanction_id,
    )
    return Outcome(change, sanction_json(sanction), f"Rejected {sanction_id}.")


def apology_record(
    ledger: Ledger, actor: Person, at: datetime, sanction_id: str, delivered: bool
) -> Outcome:
    """Proposed sanctions, 1st offence: should the apology be refused, the sanction is escalated
    to the next offence automatically: enacted that day, linked to the warning."""
    policy = ledger.policy
    warning = ledger.sanction(sanction_id).model_copy(deep=True)
    if warning.apology is not None:
        raise RefusedError(
            f"the apology for {sanction_id} was already recorded as {warning.apology}"
        )
    if warning.status != "enacted" or warning.apology_due is None:
        raise RefusedError(f"{sanction_id} is not an enacted warning awaiting an apology")
    assert warning.case is not None and warning.person is not None
    day = rules.local_date(at, policy)
    warning.apology = "delivered" if delivered else "refused"
    warning.apology_recorded_on = day
    sanctions = _replace(ledger.sanctions, warning)
    rung = rules.rung_for(policy, warning.offence)
    escalation = None
    if not delivered and rung.refusal_escalates:
        warning.status = "escalated"
        warning.status_on = day
        sanctions = _replace(sanctions, warning)
        record = rules.record(policy, sanctions, warning.person, day)
        nxt = record.rung
        year = f"{day.year:04d}"
        escalation = Sanction(
            id=next_id("S", day.year, [s.id for s in sanctions if s.id[2:6] == year]),
            case=warning.case,
            person=warning.person,
            kind=nxt.kind,
            duration=nxt.duration,
            offence=record.offence,
            status="proposed",
            status_on=day,
            decided_on=day,
            proposed_by=actor.id,
            conduct=warning.conduct or "Refused the apology required after a formal warning",
            escalated_from=warning.id,
        )
        if not rules.needs_vote(policy, escalation):
            escalation = enacted(ledger, escalation, day, actor.id, day)
        warning.escalated_to = escalation.id
        sanctions = [*_replace(sanctions, warning), escalation]
    event = Event(
        at=at, action="apology_recorded", by=actor.id, sanction=sanction_id, note=warning.apology
    )
    _, files = _case_event(ledger, warning.case, event)
    files.update(sanctions_file(ledger, sanctions))
    change = commit(
        f"apology record {sanction_id} ({warning.case})",
        "apology record",
        actor,
        files,
        warning.case,
        sanction_id,
    )
    if escalation is None:
        return Outcome(
            change,
            sanction_json(warning),
            f"Recorded the apology for {sanction_id} as {warning.apology}.",
        )
    return Outcome(
        change,
        sanction_json(escalation),
        f"Apology refused: {sanction_id} escalated to {escalation.id}, offence {escalation.offence}, "
        f"{escalation.kind} {escalation.duration or ''} {escalation.status} from {escalation.starts_on or 'after the vote'}.",
    )
