"""SPEC §3 One gate for every action: `permit` is the one judge of whether a step may happen.

An action asks it before it changes anything (`ask`: the case and its sanctions as they stood at
the action's moment, so a step recorded late is judged where it lands in the timeline), and
`coc validate` asks it again of every event of every case (`core.replay`), with the case as it
stood before that event. It judges, in this order: the role the step needs (for an action
taken now; the replay leaves roles to `validate --base`, which knows who was on the council
then), the case's status, that the actor is not conflicted in the case (Recusal, the project
lead included), the order of the process, the sanction's status, and the step's conditions in
the table (`core.guards`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import RefusedError
from . import council, rules
from .models import Case, Policy, Sanction
from .state import State, of_case, walk
from .transitions import DONE, NEW, REQUIRED, STEPS, Step, authorise, position


@dataclass(frozen=True)
class Ask:
    """One question put to the gate: may `actor` take step `name` at `at`, on `case` as its first
    `state.seen` events left it, and on `sanction`?"""

    policy: Policy
    name: str
    actor: str
    at: datetime
    case: Case | None = None
    state: State | None = None
    sanction: Sanction | None = None
    sanctions: Mapping[str, Sanction] = field(default_factory=dict)
    """The case's sanctions (their records)."""
    record: Sequence[Sanction] = ()
    """The sanctions of the person the step is about: the order of decisions, the offence."""
    args: Mapping[str, Any] = field(default_factory=dict)
    """What the step was given: the committee's members, the member voting, the meeting..."""
    live: bool = True
    """An action taken now (True), or an event replayed by `coc validate` (False)."""

    @property
    def step(self) -> Step:
        return STEPS[self.name]

    @property
    def upto(self) -> int | None:
        """How many of the case's events came before the step (None: no case)."""
        return self.state.seen if self.state is not None else None

    @property
    def day(self) -> date:
        return rules.local_date(self.at, self.policy)

    def sanction_then(self) -> Sanction | None:
        """The sanction as it stood before the step (its status and votes then)."""
        if self.sanction is None or self.state is None:
            return self.sanction
        return self.state.sanction_then(self.policy, self.sanction)

    def status_of(self, sanction: Sanction) -> str:
        return self.state.status_of(sanction.id) if self.state is not None else sanction.status


def ask(
    policy: Policy,
    name: str,
    actor: str,
    at: datetime,
    case: Case | None = None,
    sanction: Sanction | None = None,
    sanctions: Mapping[str, Sanction] | None = None,
    record: Sequence[Sanction] = (),
    upto: int | None = None,
    **args: Any,
) -> Ask:
    """The question an action puts: the case and its sanctions as they stood at `at` (the events
    recorded at that moment or before), or before its first `upto` events."""
    state = None
    mine: Mapping[str, Sanction] = {}
    if case is not None:
        mine = of_case(case, sanctions or {})
        place = position(case, at) if upto is None else upto
        state = walk(policy, case, mine, place)
    return Ask(policy, name, actor, at, case, state, sanction, mine, record, args)


def permit(question: Ask) -> Step:
    """Whether the step may happen; RefusedError says why not (and which check reports it)."""
    step = question.step
    if question.live:
        authorise(question.policy, question.name, question.actor)
    case = question.case
    if case is not None:
        _case_status(step, case, question.state)
        # The one doing it now is judged as the case stands (once recused, never again, not
        # even a step recorded late); an event replayed, as of its place in the timeline.
        upto = None if question.live else question.upto
        reason = council.conflicted(case, question.actor, upto)
        if reason:
            raise RefusedError(f"{reason}: a conflicted person never acts on the case", "CL057")
        sanction = question.sanction.id if question.sanction else None
        problem = order_problem(step, case, sanction, question.upto)
        if problem:
            raise RefusedError(problem)
    if question.sanction is not None:
        _sanction_status(step, question.sanction, question.status_of(question.sanction))
    for guard in step.guards:
        guard(question)
    return step


def _case_status(step: Step, case: Case, state: State | None) -> None:
    if case.status == "expunged":
        raise RefusedError(f"{case.id} has been expunged: nothing more can be recorded on it")
    status = state.case_status if state is not None else case.status
    if NEW in step.case_from:
        if status is None:
            return
        raise RefusedError(f"{case.id} was already received")
    if status is None:
        raise RefusedError(f"{case.id} was not yet received then")
    if status in step.case_from:
        return
    if status == step.case_to:
        raise RefusedError(f"{case.id} is already {status}")
    raise RefusedError(f"{case.id} is {status}; nothing more can be recorded on it")


def _sanction_status(step: Step, sanction: Sanction, status: str) -> None:
    if not step.sanction_from:
        return
    if sanction.status == "expunged":
        raise RefusedError(f"{sanction.id} has been expunged: nothing more can be recorded on it")
    if status in step.sanction_from:
        return
    if NEW in step.sanction_from:
        raise RefusedError(f"{sanction.id} was already proposed")
    shown = "not yet proposed" if status == NEW else status
    raise RefusedError(f"{sanction.id} is {shown}; {step.needs}")


def order_problem(step: Step, case: Case, sanction: str | None, upto: int | None) -> str | None:
    """The order of the process: what the step needs done first, and what it does only once
    (among the first `upto` events of the timeline)."""
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
