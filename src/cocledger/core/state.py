"""Where a case's steps have brought it: the case and its sanctions as the first events of its
timeline left them, walked through the gate's table (`transitions.STEPS`).

The gate judges every step by this state, as an action meets it and as `coc validate`'s replay
meets each event (SPEC §3 One engine); `core.moment` shows a past moment with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from . import rules
from .models import Case, Event, Policy, Sanction
from .transitions import NEW, STEPS, escalation

EVENT_STEPS: dict[str, str] = {
    step.event: name
    for name, step in STEPS.items()
    if step.event and name not in ("apology refused", "appeal overturn")
}


def step_of(event: Event, sanction: Sanction | None = None) -> str:
    """The step that recorded an event: an appeal overturned by its note, an apology refused
    when the refusal escalated the warning (its rung says so: it then names the sanction it
    escalated to); a refusal that escalates nothing is recorded as the apology's own step."""
    if event.action == "apology_recorded" and event.note == "refused":
        escalated = sanction is not None and sanction.escalated_to is not None
        return "apology refused" if escalated else "apology delivered"
    if event.action == "appeal_decided" and event.note == "overturned":
        return "appeal overturn"
    return EVENT_STEPS[event.action]


@dataclass
class State:
    """A case and its sanctions after its first `seen` events: the case's status (None: not yet
    received), its committee and review meeting, and each sanction's status (with the moment it
    took it) and number of votes."""

    seen: int = 0
    case_status: str | None = None
    committee: tuple[str, ...] = ()
    review_meeting: date | None = None
    sanctions: dict[str, str] = field(default_factory=dict)
    since: dict[str, datetime] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)

    def status_of(self, sanction: str) -> str:
        """A sanction's status then (NEW: not yet proposed)."""
        return self.sanctions.get(sanction, NEW)

    def advance(self, policy: Policy, case: Case, sanctions: Mapping[str, Sanction]) -> None:
        """Take the next event's step, as the table says it moves the case and its sanction."""
        event = case.timeline[self.seen]
        self.seen += 1
        found = sanctions.get(event.sanction or "")
        name = step_of(event, found)
        step = STEPS[name]
        if step.case_to is not None or NEW in step.case_from:
            self.case_status = step.case_to
        if event.action == "committee_formed":
            self.committee = tuple(event.members or ())
        elif event.action == "conflict_declared":
            gone = set(event.members or ())
            self.committee = tuple(m for m in self.committee if m not in gone)
        elif event.action == "reviewed":
            self.review_meeting = event.meeting
        if found is None or not step.sanction_from:
            return
        if event.action == "vote_recorded":
            self.votes[found.id] = self.votes.get(found.id, 0) + 1
        if step.sanction_to:
            self._set(found.id, step.sanction_to, event.at)
        later = found.escalated_to
        if name == "apology refused" and later is not None and later in sanctions:
            escalated = escalation(policy, sanctions[later].kind)
            self._set(later, escalated.sanction_to or "", event.at)

    def _set(self, sanction: str, status: str, at: datetime) -> None:
        self.sanctions[sanction] = status
        self.since[sanction] = at

    def sanction_then(self, policy: Policy, sanction: Sanction) -> Sanction:
        """The sanction as it stood then: its status (and the day it took it) and the votes
        recorded by then; the rest of its record as it is."""
        status = self.status_of(sanction.id)
        votes = sanction.votes[: self.votes.get(sanction.id, 0)]
        if status == sanction.status and len(votes) == len(sanction.votes):
            return sanction
        changes: dict[str, object] = {"votes": votes}
        if status != sanction.status and status != NEW:
            changes.update(
                status=status, status_on=rules.local_date(self.since[sanction.id], policy)
            )
        return sanction.model_copy(update=changes)


def of_case(case: Case, sanctions: Mapping[str, Sanction]) -> dict[str, Sanction]:
    """The sanctions a case's timeline acts on: those of the case, and any its events name."""
    named = {e.sanction for e in case.timeline if e.sanction}
    return {i: s for i, s in sanctions.items() if s.case == case.id or i in named}


def walk(
    policy: Policy, case: Case, sanctions: Mapping[str, Sanction], upto: int | None = None
) -> State:
    """The state the first `upto` events of a case (all by default) give it and its sanctions."""
    state = State()
    end = len(case.timeline) if upto is None else upto
    while state.seen < end:
        state.advance(policy, case, sanctions)
    return state
