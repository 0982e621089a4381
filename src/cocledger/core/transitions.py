"""SPEC §3 One gate for every action: who may take it, and from which status to which.

`STEPS` is the one table: for each step the role it needs, the case's and the sanction's
statuses it acts from and leads to, the order of the process (what must come first, what
happens once) and the conditions of the policy it must meet (`core.guards`). `core.gate.permit`
asks it before an action changes anything, and `coc validate` asks it again of every event of
every timeline, as the case stood then (`core.replay`). Statuses change only through `record`,
`move` and `create`, which take them from the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from ..errors import RefusedError
from . import guards
from .council import kind_needs_vote
from .fields import EventAction
from .models import Case, Event, Person, Policy, Sanction, evolve

if TYPE_CHECKING:
    from .gate import Ask

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


Guard = Callable[["Ask"], None]
"""A condition of the policy a step must meet; it raises RefusedError (with the code of the
`coc validate` check that reports it) when the step may not happen."""


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
    guards: tuple[Guard, ...] = ()
    """The policy's conditions on the step, beyond statuses and order (`core.guards`)."""


STEPS: dict[str, Step] = {
    # setting up (no case)
    "person add": Step("person add", "council"),
    "person edit": Step("person edit", "council"),
    "council add": Step("council add", "council"),
    "council remove": Step("council remove", "council"),
    "meeting add": Step("meeting add", "council"),
    "key add": Step("key add", "council"),
    "seal": Step("seal", "council"),
    # Incident processing
    "report new": Step(
        "report new",
        "report",
        "received",
        frozenset({NEW}),
        "open",
        guards=(guards.report_not_repeated,),
    ),
    "report notify-council": Step(
        "report notify-council", "report", "council_notified", OPEN, once=True
    ),
    "report share": Step(
        "report share", "report", "shared", OPEN, once=True, guards=(guards.shared_summary,)
    ),
    "report respond": Step(
        "report respond", "report", "response_received", OPEN, requires=("shared",), once=True
    ),
    "committee form": Step(
        "committee form",
        "council",
        "committee_formed",
        OPEN,
        guards=(guards.committee_members,),
    ),
    "committee recuse": Step(
        "committee recuse",
        "council",
        "conflict_declared",
        OPEN,
        guards=(guards.recusal_member,),
    ),
    "report review": Step(
        "report review",
        "council",
        "reviewed",
        OPEN,
        requires=("committee_formed",),
        guards=(guards.committee_whole, guards.review_meeting, guards.review_waits),
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
        guards=(guards.one_per_case, guards.in_order),
    ),
    "sanction vote": Step(
        "sanction vote",
        "council",
        "vote_recorded",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        needs="votes are taken on a proposed sanction",
        guards=(guards.voter,),
    ),
    "sanction enact": Step(
        "sanction enact",
        "council",
        "sanction_enacted",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        sanction_to="enacted",
        needs="only a proposed sanction can be enacted",
        guards=(guards.in_order, guards.not_stale, guards.full_vote),
    ),
    "sanction reject": Step(
        "sanction reject",
        "council",
        "sanction_rejected",
        LIVE,
        sanction_from=frozenset({"proposed"}),
        sanction_to="rejected",
        needs="only a proposed sanction can be rejected",
        guards=(guards.in_order,),
    ),
    "apology delivered": Step(
        "apology record",
        "council",
        "apology_recorded",
        LIVE,
        sanction_from=frozenset({"enacted"}),
        once=True,
        needs="the apology is recorded for an enacted warning",
        guards=(guards.awaiting_apology, guards.in_order),
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
        guards=(guards.awaiting_apology, guards.in_order),
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
        guards=(guards.appealable,),
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
        guards=(guards.deciders, guards.in_order),
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
        guards=(guards.deciders, guards.in_order),
    ),
    # Communications, closing, expiry of records
    "notify": Step(
        "notify",
        "council",
        "notified",
        LIVE,
        guards=(guards.notice_not_repeated, guards.reinstatement_when_free),
    ),
    "case close": Step(
        "case close", "council", "closed", OPEN, case_to="closed", guards=(guards.nothing_pending,)
    ),
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


# --- the only places a status changes -----------------------------------------------------------


def escalation(policy: Policy, kind: str) -> Step:
    """Apology and escalation: the step a refused apology takes for the sanction it escalates
    to: enacted at once, or proposed to the full council's vote when its rung asks for one."""
    return STEPS["escalation to a vote" if kind_needs_vote(policy, kind) else "escalation"]


def open_case(step: Step, **fields: Any) -> Case:
    """A new case, in the status the table gives it."""
    assert NEW in step.case_from and step.case_to is not None
    return Case.model_validate({**fields, "status": step.case_to})


def record(step: Step, case: Case, event: Event | None, **changes: Any) -> Case:
    """The case after the step: its event in the timeline in time order (after every event of
    the same moment or earlier: a step recorded late lands where it happened), its status as
    the table says."""
    if step.case_to is not None and step.case_to != case.status:
        changes["status"] = step.case_to
    if event is None:
        return evolve(case, **changes)
    assert event.action == step.event, (event.action, step.event)
    place = position(case, event.at)
    timeline = (*case.timeline[:place], event, *case.timeline[place:])
    return evolve(case, timeline=timeline, **changes)


def position(case: Case, at: datetime) -> int:
    """Where a step taken at `at` goes in the case's timeline: after every event recorded at
    that moment or before it (so the events before it are those it follows)."""
    place = len(case.timeline)
    while place and case.timeline[place - 1].at > at:
        place -= 1
    return place


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
