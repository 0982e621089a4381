"""SPEC §3 One gate for every action: who may take it, and from which status to which.

`STEPS` is the one table. Every action asks `permit` before it changes anything: the role the
step needs (the git author is matched to a person by `identify`), that the actor is not
conflicted in the case (Recusal, the project lead included), the case's and the sanction's
status, and the order of the process (what must come first, what happens once). Statuses change
only through `record`, `move` and `create`, which take them from the table; `coc validate`
replays the same table over each case's timeline (`core.replay`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from ..errors import RefusedError
from . import rules
from .models import Case, Event, EventAction, Person, Policy, Sanction, evolve

Role = Literal["report", "council"]
ROLES: dict[Role, str] = {
    "report": "the project lead or a council member",
    "council": "a council member",
}
NEW = "new"
"""In a step's `case_from` or `sanction_from`: the step creates the record."""

OPEN = frozenset({"open"})
LIVE = frozenset({"open", "closed"})
ON_RECORD = frozenset({"proposed", "enacted", "escalated", "rejected", "withdrawn", "overturned"})


@dataclass(frozen=True)
class Step:
    """One row of the table: an action (as its `Coc-Action` trailer names it) and its rules."""

    action: str
    role: Role
    event: EventAction | None = None
    """What the step records on the case's timeline."""
    case_from: frozenset[str] = frozenset()
    """The case statuses it may act on; empty: it acts on no case."""
    case_to: str | None = None
    sanction_from: frozenset[str] = frozenset()
    """The statuses of the sanction it acts on (NEW: it creates one); empty: no sanction."""
    sanction_to: str | None = None
    requires: tuple[EventAction, ...] = ()
    """Events that must come first: of the sanction when the step acts on one, else of the case."""
    once: bool = False
    """Its event happens once: per sanction when it acts on one, else per case."""
    needs: str = ""
    """How a refusal for the sanction's status ends: '...; only a proposed sanction can be enacted'."""


STEPS: dict[str, Step] = {
    # setting up (no case)
    "person add": Step("person add", "council"),
    "person edit": Step("person edit", "council"),
    "council add": Step("council add", "council"),
    "council remove": Step("council remove", "council"),
    "meeting add": Step("meeting add", "council"),
    # Incident processing
    "report new": Step("report new", "report", "received", frozenset({NEW}), "open"),
    "report notify-council": Step(
        "report notify-council", "report", "council_notified", OPEN, once=True
    ),
    "report share": Step("report share", "report", "shared", OPEN, once=True),
    "report respond": Step(
        "report respond", "report", "response_received", OPEN, requires=("shared",), once=True
    ),
    "committee form": Step("committee form", "council", "committee_formed", OPEN),
    "committee recuse": Step("committee recuse", "council", "conflict_declared", OPEN),
    "report review": Step(
        "report review", "council", "reviewed", OPEN, requires=("committee_formed",)
    ),
    # Proposed sanctions
    "sanction propose": Step(
        "sanction propose",
        "council",
        "sanction_proposed",
        OPEN,
        sanction_from=frozenset({NEW}),
        sanction_to="proposed",
        requires=("reviewed",),
    ),
    "sanction vote": Step(
        "sanction vote",
        "council",
        "vote_recorded",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        needs="votes are taken on a proposed sanction",
    ),
    "sanction enact": Step(
        "sanction enact",
        "council",
        "sanction_enacted",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        sanction_to="enacted",
        needs="only a proposed sanction can be enacted",
    ),
    "sanction reject": Step(
        "sanction reject",
        "council",
        "sanction_rejected",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        sanction_to="rejected",
        needs="only a proposed sanction can be rejected",
    ),
    "apology delivered": Step(
        "apology record",
        "council",
        "apology_recorded",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        once=True,
        needs="the apology is recorded for an enacted warning",
    ),
    "apology refused": Step(
        "apology record",
        "council",
        "apology_recorded",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        sanction_to="escalated",
        once=True,
        needs="the apology is recorded for an enacted warning",
    ),
    "escalation": Step(
        "apology record",
        "council",
        None,
        LIVE,
        sanction_from=frozenset({NEW}),
        sanction_to="enacted",
    ),
    "escalation to a vote": Step(
        "apology record",
        "council",
        None,
        LIVE,
        sanction_from=frozenset({NEW}),
        sanction_to="proposed",
    ),
    # CoC §8 appeals
    "appeal file": Step(
        "appeal file",
        "council",
        "appeal_filed",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        once=True,
        needs="only an enacted sanction can be appealed",
    ),
    "appeal decide": Step(
        "appeal decide",
        "council",
        "appeal_decided",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        requires=("appeal_filed",),
        once=True,
        needs="its appeal cannot be decided",
    ),
    "appeal overturn": Step(
        "appeal decide",
        "council",
        "appeal_decided",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        sanction_to="overturned",
        requires=("appeal_filed",),
        once=True,
        needs="its appeal cannot be decided",
    ),
    # Communications, closing, expiry of records
    "notify": Step("notify", "council", "notified", LIVE),
    "case close": Step("case close", "council", "closed", OPEN, case_to="closed"),
    "expunge": Step(
        "expunge",
        "council",
        None,
        LIVE,
        case_to="expunged",
        sanction_from=ON_RECORD,
        sanction_to="expunged",
    ),
}

REQUIRED = {
    "shared": "has not been shared with the reported person yet (`coc report share`)",
    "committee_formed": "has no committee yet: form one with `coc committee form`",
    "reviewed": "has not been reviewed at a meeting yet (`coc report review`)",
    "appeal_filed": "has no appeal to decide (`coc appeal file`)",
}
DONE = {
    "council_notified": "the council notice was",
    "shared": "sharing with the reported person was",
    "response_received": "a response was",
    "apology_recorded": "the apology was",
    "appeal_filed": "its appeal was",
    "appeal_decided": "the decision on its appeal was",
}


# --- who acts -----------------------------------------------------------------------------------


def identify(matches: Sequence[Person], email: str | None) -> Person:
    """SPEC §3 Roles: the actor is the git author, matched to a person by email in people.yaml."""
    if not email:
        raise RefusedError(
            "no git author identity: set it with `git config user.email you@example.org`"
        )
    if not matches:
        raise RefusedError(
            f"the git author {email} is not in people.yaml: ask a council member to add you "
            "with `coc person add`, or commit as yourself"
        )
    return matches[0]


def authorise(policy: Policy, name: str, actor: str) -> Step:
    """SPEC §3 Roles: reports need the project lead or a council member, everything else a
    council member."""
    step = STEPS[name]
    allowed = set(policy.roster.council)
    if step.role == "report":
        allowed.add(policy.roster.project_lead)
    if actor not in allowed:
        raise RefusedError(f"{actor} is not {ROLES[step.role]}, who alone may do this")
    return step


# --- the gate -----------------------------------------------------------------------------------


def permit(
    policy: Policy,
    name: str,
    actor: str,
    case: Case | None = None,
    sanction: Sanction | None = None,
) -> Step:
    """Whether `actor` may take step `name` on `case` (and `sanction`) now; RefusedError says why
    not. Call it before computing anything the step changes."""
    step = authorise(policy, name, actor)
    if case is not None:
        _case_status(step, case)
        reason = rules.conflict(case, actor)
        if reason:
            raise RefusedError(f"{reason}: a conflicted person never acts on the case")
    if case is not None:
        problem = order_problem(step, case, sanction.id if sanction else None)
        if problem:
            raise RefusedError(problem)
    if sanction is not None:
        _sanction_status(step, sanction)
    return step


def _case_status(step: Step, case: Case) -> None:
    if case.status in step.case_from or NEW in step.case_from:
        return
    if case.status == "expunged":
        raise RefusedError(f"{case.id} has been expunged: nothing more can be recorded on it")
    if case.status == step.case_to:
        raise RefusedError(f"{case.id} is already {case.status}")
    raise RefusedError(f"{case.id} is {case.status}; nothing more can be recorded on it")


def _sanction_status(step: Step, sanction: Sanction) -> None:
    if not step.sanction_from or sanction.status in step.sanction_from:
        return
    if sanction.status == "expunged":
        raise RefusedError(f"{sanction.id} has been expunged: nothing more can be recorded on it")
    raise RefusedError(f"{sanction.id} is {sanction.status}; {step.needs}")


def order_problem(
    step: Step, case: Case, sanction: str | None, upto: int | None = None
) -> str | None:
    """The order of the process: what the step needs done first, and what it does only once
    (among the first `upto` events of the timeline, for a replay)."""
    events = case.timeline[:upto]
    acts_on_sanction = sanction is not None and bool(step.sanction_from - {NEW})
    mine = [e for e in events if e.sanction == sanction] if acts_on_sanction else list(events)
    subject = sanction if acts_on_sanction else case.id
    for needed in step.requires:
        if not any(e.action == needed for e in mine):
            return f"{subject} {REQUIRED[needed]}"
    if step.once and step.event is not None:
        done = next((e for e in mine if e.action == step.event), None)
        if done is not None:
            what = DONE.get(step.event, f"{step.event.replace('_', ' ')} was")
            outcome = f" as {done.note}" if done.note and step.event == "apology_recorded" else ""
            return f"{subject}: {what} already recorded{outcome} on {done.at.date()}"
    return None


# --- the only places a status changes -----------------------------------------------------------


def open_case(step: Step, **fields: Any) -> Case:
    """A new case, in the status the table gives it."""
    assert NEW in step.case_from and step.case_to is not None
    return Case.model_validate({**fields, "status": step.case_to})


def record(step: Step, case: Case, event: Event | None, **changes: Any) -> Case:
    """The case after the step: its event appended, its status as the table says."""
    if step.case_to is not None and step.case_to != case.status:
        changes["status"] = step.case_to
    if event is None:
        return evolve(case, **changes)
    assert event.action == step.event, (event.action, step.event)
    return case.with_event(event, **changes)


def create(step: Step, day: date, **fields: Any) -> Sanction:
    """A new sanction decided on `day`, in the status the table gives it."""
    assert NEW in step.sanction_from and step.sanction_to is not None
    return Sanction.model_validate(
        {**fields, "status": step.sanction_to, "status_on": day, "decided_on": day}
    )


def move(step: Step, sanction: Sanction, day: date, **changes: Any) -> Sanction:
    """The sanction after the step: its status (and the day it took effect) as the table says."""
    if step.sanction_to is not None and step.sanction_to != sanction.status:
        changes.update(status=step.sanction_to, status_on=day)
    return evolve(sanction, **changes)


def event(step: Step, at: datetime, actor: str, **fields: Any) -> Event:
    """The timeline event a step records."""
    assert step.event is not None
    return Event.model_validate({**fields, "at": at, "action": step.event, "by": actor})
