"""SPEC §3 One engine: `coc validate` judges each case by replaying its timeline through the
gate the actions use. Every event is put to `gate.permit` as the step that recorded it, with the
case and its sanctions as they stood just before it (`state.State`), its actor and its moment;
a refusal is a breach, reported under the check code the gate gives it. Then the records must
be what the events make them: statuses, committee, review meeting, votes, apology, appeal.

Roles are left to `validate --base` (who was on the council when a commit was made). Whatever
else depends on the roster (a committee's members, who must vote) is judged by today's roster
and, where that refuses, by the roster as it stood at the event (`council.roster_at`, over the
roster's versions git holds), so a council that changed later never makes a past step wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import RefusedError
from . import council
from .council import RosterVersions
from .gate import Ask, permit
from .models import Case, Event, Policy, Sanction
from .state import State, step_of
from .transitions import STEPS, position

Rosters = Callable[[], RosterVersions]
"""The roster's versions (`council.roster_at`), read only when a step needs them."""
RecordOf = Callable[[str], Sequence[Sanction]]
"""A person's sanctions (the register's entries for them)."""


@dataclass(frozen=True)
class Breach:
    """Where a case's record departs from the gate, and the check that says so: an event (by its
    place in the timeline), else one of the case's sanctions, else the case; `path`, the key path
    inside it (a field of the event, the sanction's votes)."""

    code: str
    message: str
    event: int | None = None
    sanction: str | None = None
    path: tuple[str | int, ...] = ()


def replay(
    policy: Policy,
    case: Case,
    sanctions: Mapping[str, Sanction],
    record_of: RecordOf,
    rosters: Rosters | None = None,
    alike: Sequence[Case] = (),
) -> Iterator[Breach]:
    """Every event of a case on record through the gate, and its records against the events.
    `sanctions` are the case's (`state.of_case`); `alike`, the cases its report is compared with
    (SPEC §3 The same thing twice: those with the same respondent)."""
    state = State()
    for j, event in enumerate(case.timeline):
        question, found = _question(policy, case, state, sanctions, record_of, event, alike)
        yield from (replace(b, event=j) if b.sanction is None else b for b in found)
        refusal = _refusal(question, rosters) if question is not None else None
        if refusal is not None and question is not None:
            yield _breach(refusal, j, event, state, question)
        state.advance(policy, case, sanctions)
    yield from settled(policy, case, state, sanctions)


def _refusal(question: Ask, rosters: Rosters | None) -> RefusedError | None:
    """Why the gate refuses the step (None: it allows it), judged by today's roster (policy.yaml
    as it stands), and, if that refuses, by every roster the council has had since the step's
    moment (`council.rosters_since`): a council that changed since must not rewrite who could act
    then, and a change of the council never undoes a step that stood before it."""
    try:
        permit(question)
        return None
    except RefusedError as refused:
        versions = rosters() if rosters is not None else ()
        tried = [question.policy.roster]
        for roster in council.rosters_since(versions, question.at):
            if roster in tried:
                continue
            tried.append(roster)
            try:
                permit(
                    replace(question, policy=question.policy.model_copy(update={"roster": roster}))
                )
                return None
            except RefusedError:
                continue
        return refused


def _breach(refusal: RefusedError, j: int, event: Event, state: State, question: Ask) -> Breach:
    """A refusal of the gate, located: at the event (or its field), but a vote by someone
    conflicted at the vote and a missing vote at the sanction's votes, where they are fixed."""
    message = f"{event.action} refused by the gate: {refusal}"
    sanction = question.sanction
    if sanction is not None and refusal.code == "CL056":
        n = state.votes.get(sanction.id, 0)
        return Breach(refusal.code, message, None, sanction.id, ("votes", n, "member"))
    if sanction is not None and refusal.code == "CL051":
        return Breach(refusal.code, message, None, sanction.id, ("votes",))
    return Breach(refusal.code, message, j, event.sanction, (refusal.key,) if refusal.key else ())


def _question(
    policy: Policy,
    case: Case,
    state: State,
    sanctions: Mapping[str, Sanction],
    record_of: RecordOf,
    event: Event,
    alike: Sequence[Case] = (),
) -> tuple[Ask | None, list[Breach]]:
    """The question the step that recorded `event` put to the gate (None: none can be put), and
    what is wrong with the event itself."""
    sanction = sanctions.get(event.sanction or "")
    name = step_of(event, sanction)
    if STEPS[name].sanction_from and sanction is None:
        return None, [Breach("CL058", f"{event.action} names no sanction of {case.id}")]
    found: list[Breach] = []
    args: dict[str, Any] = {"again": event.again}
    if event.action == "received":
        args["cases"] = alike
    elif event.action == "notified":
        args.update(party=event.party, about=event.sanction, note=event.note)
    elif event.action == "committee_formed":
        args["members"] = event.members or ()
    elif event.action == "conflict_declared":
        args["member"] = (event.members or (None,))[0]
    elif event.action == "reviewed":
        args["meeting"] = event.meeting
    elif event.action == "shared":
        args["summary"] = case.shared_summary
    elif event.action == "vote_recorded" and sanction is not None:
        member, found = _vote(sanction, state, event)
        if member is None:
            return None, found
        args["member"] = member
    elif event.action == "appeal_decided" and sanction is not None and sanction.appeal:
        args["members"] = sanction.appeal.decided_by
        args["outcome"] = sanction.appeal.outcome
    person = sanction.person if sanction is not None else None
    record = record_of(person) if person else ()
    question = Ask(
        policy, name, event.by, event.at, case, state, sanction, sanctions, record, args, False
    )
    return question, found


def _vote(sanction: Sanction, state: State, event: Event) -> tuple[str | None, list[Breach]]:
    """The member whose vote a `vote_recorded` event recorded (the sanction's next vote), and
    what is wrong with it."""
    n = state.votes.get(sanction.id, 0)
    if n >= len(sanction.votes):
        return None, [Breach("CL058", f"vote_recorded, but {sanction.id} holds no vote for it")]
    vote = sanction.votes[n]
    if (vote.recorded_by or vote.member) == event.by:
        return vote.member, []
    wrong = Breach(
        "CL058",
        f"{sanction.id}: votes[{n}] was not recorded by whoever recorded its event",
        sanction=sanction.id,
        path=("votes", n),
    )
    return vote.member, [wrong]


def settled(
    policy: Policy, case: Case, state: State, sanctions: Mapping[str, Sanction]
) -> Iterator[Breach]:
    """The records are what the steps made them: the case's status, committee and review
    meeting, and each sanction's status, votes, apology and appeal."""
    if state.case_status is not None and state.case_status != case.status:
        yield Breach(
            "CL058", f"{case.id} is {case.status}, but its timeline leaves it {state.case_status}"
        )
    if case.committee != state.committee:
        yield Breach(
            "CL050",
            f"{case.id}: the committee is not what its committee_formed and conflict_declared "
            "events make it",
            path=("committee",),
        )
    if case.review_meeting != state.review_meeting:
        yield Breach(
            "CL058",
            f"{case.id}: review_meeting is not the meeting its reviewed event names",
            path=("review_meeting",),
        )
    declared = {m for e in case.events("conflict_declared") for m in e.members or ()}
    if declared - set(case.conflicts):
        yield Breach(
            "CL058",
            f"{case.id}: a conflict_declared event names a member `conflicts` does not list",
            path=("conflicts",),
        )
    for sanction in sanctions.values():
        if sanction.case == case.id and sanction.status != "expunged":
            yield from _sanction_settled(policy, case, state, sanction)


def _sanction_settled(
    policy: Policy, case: Case, state: State, sanction: Sanction
) -> Iterator[Breach]:
    replayed = state.sanctions.get(sanction.id)
    if replayed != sanction.status:
        yield Breach(
            "CL058",
            f"{sanction.id} is {sanction.status}, but the timeline of {case.id} leaves it "
            f"{replayed or 'never proposed'}",
            sanction=sanction.id,
            path=("status",),
        )
    votes = state.votes.get(sanction.id, 0)
    if votes != len(sanction.votes):
        yield Breach(
            "CL058",
            f"{sanction.id} holds {len(sanction.votes)} vote(s), but the timeline of {case.id} "
            f"records {votes}",
            sanction=sanction.id,
            path=("votes",),
        )
    for n, vote in enumerate(sanction.votes[votes:], start=votes):
        if council.conflicted(case, vote.member, position(case, vote.at)):
            yield Breach(
                "CL056",
                f"{sanction.id}: votes[{n}] is by someone conflicted in {case.id}",
                sanction=sanction.id,
                path=("votes",),
            )
    done = {e.action for e in case.timeline if e.sanction == sanction.id}
    facts = (
        ("apology", sanction.apology is not None, "apology_recorded"),
        ("appeal", sanction.appeal is not None, "appeal_filed"),
        ("appeal", bool(sanction.appeal and sanction.appeal.outcome), "appeal_decided"),
    )
    for key, held, action in facts:
        if held != (action in done):
            what = "holds" if held else "lacks"
            unallowed = (
                action == "appeal_filed" and held and not council.appealable(policy, sanction)
            )
            yield Breach(
                "CL052" if unallowed else "CL058",
                f"{sanction.id} {what} its {key}, but the timeline of {case.id} "
                f"{'records no' if held else 'records an'} {action} event for it",
                sanction=sanction.id,
                path=(key,),
            )
