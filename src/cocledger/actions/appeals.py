"""CoC §8 Addressing grievances: only permanent resolutions (such as bans) may be appealed; the
council decides an appeal upheld, overturned (the sanction stops counting and leaves the published
list) or reduced (a shorter duration, dates recomputed)."""

from __future__ import annotations

from datetime import date, datetime

from .. import rules
from ..durations import LIFETIME, Duration
from ..errors import RefusedError, UsageError
from ..ledger import Ledger
from ..models import Appeal, Event, Person, Sanction
from . import (
    Outcome,
    append_event,
    commit,
    in_order,
    not_before,
    parties_of,
    sanctions_file,
)
from .sanctions import sanction_json, whole_days


def _commit(ledger: Ledger, actor: Person, verb: str, sanction: Sanction, event: Event) -> Outcome:
    """Appeals come after the decision, so a closed case takes them too; an expunged one cannot."""
    case_id, _ = parties_of(sanction)
    _, files = append_event(ledger, case_id, event)
    files.update(sanctions_file(ledger, [sanction]))
    change = commit(
        f"appeal {verb} {sanction.id} ({case_id})",
        f"appeal {verb}",
        actor,
        files,
        case_id,
        sanction.id,
    )
    return Outcome(change, appeal_json(sanction), "")


def appeal_json(sanction: Sanction) -> dict[str, object]:
    data = sanction_json(sanction)
    appeal = sanction.appeal
    data["appeal"] = appeal.model_dump(mode="json", exclude_none=True) if appeal else None
    return data


def file(ledger: Ledger, actor: Person, at: datetime, sanction_id: str, reason: str) -> Outcome:
    """CoC §8: an appeal of a kind in `appeals.allowed_for`, of a sanction in force, once."""
    policy = ledger.policy
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    if not rules.appealable(policy, sanction):
        allowed = ", ".join(policy.appeals.allowed_for) or "nothing"
        raise RefusedError(
            f"{sanction_id} is a {sanction.kind.replace('_', ' ')}: only {allowed} may be "
            "appealed (policy.yaml appeals.allowed_for; Code of Conduct §8)"
        )
    if sanction.status != "enacted":
        raise RefusedError(
            f"{sanction_id} is {sanction.status}; only an enacted sanction can be appealed"
        )
    if sanction.appeal is not None:
        raise RefusedError(f"{sanction_id} was already appealed on {sanction.appeal.filed_on}")
    if not reason.strip():
        raise UsageError("--reason is empty: say on what grounds the decision is appealed")
    day = rules.local_date(at, policy)
    if sanction.enacted_on:
        not_before(day, sanction.enacted_on, f"the enactment of {sanction_id}")
    sanction.appeal = Appeal(filed_on=day, filed_by=sanction.person, reason=reason.strip())
    event = Event(at=at, action="appeal_filed", by=actor.id, sanction=sanction_id)
    outcome = _commit(ledger, actor, "file", sanction, event)
    outcome.message = f"Filed the appeal of {sanction_id}; the council decides it."
    return outcome


def deciders(ledger: Ledger, sanction: Sanction, members: list[str]) -> list[str]:
    """Who decided: for a lifetime ban the council that enacted it, i.e. every council member on
    the roster not a party to the case; otherwise the members named, else the case's committee."""
    policy = ledger.policy
    case = ledger.case(parties_of(sanction)[0])
    if sanction.kind == "lifetime_ban":
        if members:
            raise UsageError(
                "an appeal of a lifetime ban is decided by the full council that enacted it: "
                "drop --member"
            )
        return [m for m in policy.roster.council if m not in case.parties]
    for member in members:
        ledger.person(member, "--member")
    outsiders = [m for m in members if m not in policy.roster.council]
    if outsiders:
        raise RefusedError(f"not on the council: {', '.join(outsiders)}")
    conflicted = [m for m in members if m in case.parties]
    if conflicted:
        raise RefusedError(
            f"a party to {case.id} cannot decide its appeal: {', '.join(conflicted)}"
        )
    return list(dict.fromkeys(members)) or list(case.committee)


def _reduce(ledger: Ledger, sanction: Sanction, appeal: Appeal, to: Duration, day: date) -> None:
    """A reduced sanction keeps its start; its end and its time on the record are recomputed."""
    policy = ledger.policy
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
    previous = sanction.duration
    sanction.kind = kind  # type: ignore[assignment]
    sanction.duration = to
    sanction.ends_on, sanction.expunges_on = ends_on, expunges_on
    if sanction.deviation_reason is None:
        rung = rules.rung_for(policy, sanction.offence)
        if rules.is_deviation(rung, kind, to):
            sanction.deviation_reason = f"reduced on appeal on {day}"
    appeal.reduced_from = previous or LIFETIME


def decide(
    ledger: Ledger,
    actor: Person,
    at: datetime,
    sanction_id: str,
    outcome: str,
    reduced_to: Duration | None,
    members: list[str],
) -> Outcome:
    """CoC §8: the council reviews the appeal: upheld, overturned or reduced."""
    policy = ledger.policy
    sanction = ledger.sanction(sanction_id).model_copy(deep=True)
    appeal = sanction.appeal
    if appeal is None:
        raise RefusedError(f"{sanction_id} has no appeal to decide (`coc appeal file`)")
    if appeal.outcome is not None:
        raise RefusedError(f"the appeal of {sanction_id} was already decided: {appeal.outcome}")
    if sanction.status != "enacted":
        raise RefusedError(f"{sanction_id} is {sanction.status}; its appeal cannot be decided")
    day = rules.local_date(at, policy)
    not_before(day, appeal.filed_on, "the appeal was filed")
    if outcome != "upheld":  # its status or dates change what later offences were computed from
        in_order(ledger, parties_of(sanction)[1], day, sanction)
    appeal.decided_by = deciders(ledger, sanction, members)
    if outcome == "overturned":
        sanction.status = "overturned"
        sanction.status_on = day
    elif outcome == "reduced":
        if reduced_to is None:
            raise UsageError("--reduced-to needs a duration such as '3 months'")
        _reduce(ledger, sanction, appeal, reduced_to, day)
    appeal.outcome = outcome  # type: ignore[assignment]
    appeal.decided_on = day
    note = f"reduced to {reduced_to}" if outcome == "reduced" else outcome
    event = Event(at=at, action="appeal_decided", by=actor.id, sanction=sanction_id, note=note)
    result = _commit(ledger, actor, "decide", sanction, event)
    result.message = f"Decided the appeal of {sanction_id}: {note}."
    if outcome == "reduced":
        result.message += f" It now ends on {sanction.ends_on}."
    return result
