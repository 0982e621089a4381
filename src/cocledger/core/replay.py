"""`coc validate` replays the gate over the ledger (SPEC §3 One gate): each case's timeline goes
step by step through `transitions.STEPS`, as the actions went through it, checking who recorded
each event (Recusal), the order and the statuses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from . import rules
from .models import Case, Event, Policy, Sanction
from .transitions import NEW, STEPS, Step, order_problem

EVENT_STEPS: dict[str, str] = {
    step.event: name
    for name, step in STEPS.items()
    if step.event and name not in ("apology refused", "appeal overturn")
}


@dataclass(frozen=True)
class Breach:
    """Where a case's record departs from the table: an event (by its index) or a record."""

    kind: Literal["conflicted", "order"]
    message: str
    event: int | None = None
    sanction: str | None = None


def step_of(event: Event) -> str:
    """The step that recorded an event (an apology refused, an appeal overturned: by its note)."""
    if event.action == "apology_recorded" and event.note == "refused":
        return "apology refused"
    if event.action == "appeal_decided" and event.note == "overturned":
        return "appeal overturn"
    return EVENT_STEPS[event.action]


def conflicted_then(case: Case, person: str, upto: int) -> bool:
    """Recusal, as the case stood before its event `upto`: a declared conflict counts from the
    event that declared it (or from the start, when no event did)."""
    if person in (case.reporter, case.respondent) or person in case.witnesses:
        return True
    if person not in case.conflicts:
        return False
    declared = [
        j
        for j, e in enumerate(case.timeline)
        if e.action == "conflict_declared" and person in (e.members or ())
    ]
    return not declared or declared[0] < upto


@dataclass
class Walk:
    """Where a case's steps have brought it: its status, and each sanction's, with the moment it
    took that status (None: before its first event)."""

    case_status: str | None = None
    sanctions: dict[str, str] = field(default_factory=dict)
    since: dict[str, datetime] = field(default_factory=dict)

    def take(
        self, policy: Policy, step: Step, event: Event, sanctions: Mapping[str, Sanction]
    ) -> str | None:
        """Advance by one event's step; returns why it was not allowed from here, or None."""
        problem = None
        found = sanctions.get(event.sanction or "")
        if step.sanction_from and found is not None:
            now = self.sanctions.get(found.id, NEW)
            if now not in step.sanction_from:
                shown = "not yet proposed" if now == NEW else now
                problem = f"{event.action} on {found.id} while it was {shown}"
            elif step.sanction_to:
                self._set(found.id, step.sanction_to, event.at)
            later = found.escalated_to
            if step_of(event) == "apology refused" and later is not None and later in sanctions:
                vote = rules.needs_vote(policy, sanctions[later])
                name = "escalation to a vote" if vote else "escalation"
                self._set(later, STEPS[name].sanction_to or "", event.at)
        self.case_status = step.case_to or self.case_status
        return problem

    def _set(self, sanction: str, status: str, at: datetime) -> None:
        self.sanctions[sanction] = status
        self.since[sanction] = at


def walk(
    policy: Policy, case: Case, sanctions: Mapping[str, Sanction], until: datetime | None = None
) -> Walk:
    """The statuses a case's timeline (up to `until`) gives it and its sanctions."""
    state = Walk()
    for e in case.timeline:
        if until is not None and e.at > until:
            break
        state.take(policy, STEPS[step_of(e)], e, sanctions)
    return state


def replay(policy: Policy, case: Case, sanctions: Mapping[str, Sanction]) -> Iterator[Breach]:
    """SPEC §3: every event of a case on record, recorded by someone not conflicted then and in
    an order the table allows; its statuses and its sanctions' are what the steps make them."""
    state = Walk()
    for j, e in enumerate(case.timeline):
        if conflicted_then(case, e.by, j):
            yield Breach(
                "conflicted", f"{e.action} was recorded by someone conflicted in {case.id}", j
            )
        step = STEPS[step_of(e)]
        status = state.case_status
        if (status is None) != (NEW in step.case_from) or (
            status is not None and status not in step.case_from
        ):
            yield Breach("order", f"{e.action} on a case that is {status or 'not yet received'}", j)
        problem = state.take(policy, step, e, sanctions)
        if problem:
            yield Breach("order", problem, j, e.sanction)
        problem = order_problem(step, case, e.sanction, upto=j)
        if problem:
            yield Breach("order", problem, j, e.sanction)
    yield from _final_statuses(case, state.case_status, state.sanctions, sanctions)


def _final_statuses(
    case: Case, status: str | None, states: dict[str, str], sanctions: Mapping[str, Sanction]
) -> Iterator[Breach]:
    if status is not None and status != case.status:
        yield Breach("order", f"{case.id} is {case.status}, but its timeline leaves it {status}")
    for sanction in sanctions.values():
        if sanction.case != case.id or sanction.status == "expunged":
            continue
        replayed = states.get(sanction.id)
        if replayed != sanction.status:
            shown = replayed or "never proposed"
            yield Breach(
                "order",
                f"{sanction.id} is {sanction.status}, but the timeline of {case.id} leaves it "
                f"{shown}",
                sanction=sanction.id,
            )
