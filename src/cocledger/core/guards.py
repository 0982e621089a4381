"""The policy's conditions on each step, beyond statuses and order: the `guards` of the gate's
table (`core.transitions.STEPS`). Each takes the question put to the gate (`core.gate.Ask`: the
case and its sanctions as they stood before the step) and raises RefusedError, with the code of
the `coc validate` check that reports the same thing when the replay meets it, when the step
may not happen. Nothing here reads the clock: the step's own moment is in the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import TYPE_CHECKING

from ..errors import RefusedError
from . import council, reinstatement, rules
from .models import Case

if TYPE_CHECKING:
    from .gate import Ask


def _case(ask: Ask) -> Case:
    assert ask.case is not None, ask.name
    return ask.case


# --- Incident processing --------------------------------------------------------------------------


def committee_members(ask: Ask) -> None:
    """Incident processing: a small committee of council members with no conflict of interest
    with any involved party."""
    case = _case(ask)
    members = list(ask.args.get("members") or ())
    problems = council.committee_problems(ask.policy, case, members, ask.upto)
    if problems:
        raise RefusedError(f"committee for {case.id} refused: {'; '.join(problems)}", "CL050")


def recusal_member(ask: Ask) -> None:
    """SPEC §3 Recusal: a council member declares a conflict of interest, once."""
    case, member = _case(ask), str(ask.args.get("member"))
    already = council.conflicted(case, member, ask.upto)
    if already:
        raise RefusedError(f"{already} already: nothing to declare")
    if member not in ask.policy.roster.council:
        raise RefusedError(f"{member} is not on the council: only its members recuse")


def shared_summary(ask: Ask) -> None:
    """SPEC §3 An anonymous reporter: what the reported person receives of an anonymous report
    is a summary the council wrote for them, never the report."""
    case = _case(ask)
    if case.anonymous_reporter and not str(ask.args.get("summary") or "").strip():
        raise RefusedError(
            f"the reporter of {case.id} asked not to be named: the report is never shared "
            "without the council's summary; write one for the reported person that does not "
            f"identify them, and give it with `coc report share {case.id} --summary-file F`",
            "CL059",
        )


def committee_whole(ask: Ask) -> None:
    """Incident processing: the committee reviews; one a declared conflict (or a member leaving
    the council) left short of `committee.min_size` is formed again first."""
    case, state = _case(ask), ask.state
    assert state is not None
    short = council.committee_short(ask.policy, state.committee)
    if short:
        raise RefusedError(
            f"the committee of {case.id} lacks {short} member(s) after a declared conflict or a "
            f"change of the council: form it again with `coc committee form {case.id}`",
            "CL050",
        )


def review_meeting(ask: Ask) -> None:
    """Incident processing: the review is at the next council meeting after the 7 days or the
    response, whichever is sooner; a serious case may go to an extraordinary meeting, never one
    before the report; and it is recorded once the meeting has been held."""
    policy, case, meeting = ask.policy, _case(ask), ask.args.get("meeting")
    if meeting is None or not rules.meetings_on(policy, meeting):
        return  # not a meeting of policy.yaml: the action says so of --meeting, validate CL013
    received_on = rules.local_date(case.received_at, policy)
    if meeting < received_on:
        raise RefusedError(
            f"the meeting of {meeting} is before the report was received ({received_on}): "
            f"review {case.id} at a meeting on or after that day",
            "CL040",
            "meeting",
        )
    if ask.day < meeting:
        raise RefusedError(
            f"a review recorded on {ask.day} is before the meeting of {meeting} was held: "
            "check the date",
            "CL040",
            "meeting",
        )
    if "ordinary" not in rules.meetings_on(policy, meeting) and not case.serious:
        raise RefusedError("only a case marked serious may be reviewed at an extraordinary meeting")
    if _extraordinary(ask):
        return
    deadlines = rules.case_deadlines(case, policy, ask.upto)
    if deadlines.review_from is None:
        raise RefusedError(f"{case.id} has not been shared with the reported person yet")
    if meeting < deadlines.review_from:
        raise RefusedError(
            f"the reported person has until {deadlines.respondent_response} to respond; "
            f"review at a meeting on or after {deadlines.review_from}"
        )


def _extraordinary(ask: Ask) -> bool:
    """Whether the review may be an extraordinary meeting of its day: a serious case, and such a
    meeting held that day (an ordinary one added on the same day later changes nothing)."""
    kinds = rules.meetings_on(ask.policy, ask.args.get("meeting"))
    return _case(ask).serious and "extraordinary" in kinds


def review_waits(ask: Ask) -> None:
    """SPEC §3 The review waits for the response or the 7 days: without a response, a review is
    recorded only after the respondent's time has run out (an exact span from the sharing, the
    last moment of which is still theirs: "after the 7 days have elapsed"). A serious case at an
    extraordinary meeting is the policy's exception ("immediate action")."""
    case = _case(ask)
    if _extraordinary(ask):
        return
    events = case.timeline[: ask.upto]
    if any(e.action == "response_received" for e in events):
        return
    shared = next((e for e in events if e.action == "shared"), None)
    if shared is None:
        return  # review_meeting says it was not shared
    ends = ask.policy.deadlines.respondent_response.add_to_instant(shared.at)
    if ends is None or ask.at > ends:
        return
    zone = ask.policy.zone
    local = ends.astimezone(zone)
    midnight = ask.at.astimezone(zone).time() == time(0, 0) and ask.day == local.date()
    same_day = (
        " (a date alone means 00:00: give the time the meeting reviewed it)" if midnight else ""
    )
    raise RefusedError(
        f"the reported person has until {local:%Y-%m-%d %H:%M %Z} to respond and has not: "
        f"review after that{same_day}, or record their response first "
        f"(`coc report respond {case.id}`)",
        key="at",
    )


def nothing_pending(ask: Ask) -> None:
    """A case is closed once the council has nothing more to decide on it."""
    case = _case(ask)
    pending = [s.id for s in ask.sanctions.values() if ask.status_of(s) == "proposed"]
    if pending:
        raise RefusedError(
            f"{case.id} has a proposed sanction to enact or reject first: {', '.join(pending)}"
        )


# --- SPEC §3 The same thing twice ----------------------------------------------------------------


def report_not_repeated(ask: Ask) -> None:
    """SPEC §3 The same thing twice: a report with the same respondent, reporter and received
    moment as an open case recorded before it is that case again, by mistake, unless it was
    recorded `--again` (another report). `args["cases"]` are the cases to compare it with; the
    replay judges both as they stand (a copy closed since is settled)."""
    case = _case(ask)
    if ask.args.get("again") or case.status != "open":
        return
    earlier = _same_report(case, ask.args.get("cases") or ())
    if earlier is None:
        return
    when = earlier.received_at.astimezone(ask.policy.zone)
    raise RefusedError(
        f"{earlier.id} is an open case with the same respondent, reporter and received moment "
        f"({when:%Y-%m-%d %H:%M %Z}): this report is already recorded (`coc case show "
        f"{earlier.id}`); if it is another report, record it with --again",
        "CL095",
    )


def _same_report(case: Case, cases: Sequence[Case]) -> Case | None:
    """The first open case recorded before `case` (its id's number is lower) that holds the same
    report: respondent, reporter and received moment."""
    same = (case.respondent, case.reporter, case.received_at)
    for other in sorted(cases, key=lambda c: _number(c.id)):
        if _number(other.id) >= _number(case.id):
            break
        if other.status == "open" and (other.respondent, other.reporter, other.received_at) == same:
            return other
    return None


def _number(case_id: str) -> tuple[str, int]:
    """A case id's place among the ids given: its year, then its number (COC-2026-10000 comes
    after COC-2026-9999)."""
    return case_id[4:8], int(case_id[9:])


def notice_not_repeated(ask: Ask) -> None:
    """SPEC §3 The same thing twice: a party `coc notify` already recorded as told of the case's
    latest step (the same notice, about the same sanction, and no step recorded since) is not
    recorded as told again, unless `--again` (they were told again)."""
    case, args = _case(ask), ask.args
    if args.get("again"):
        return
    told = (args.get("party"), args.get("about"), args.get("note"))
    for event in reversed(case.timeline[: ask.upto]):
        if event.action != "notified":
            return  # a step since: this notice is of another one
        if (event.party, event.sanction, event.note) != told:
            continue
        about = f" of {told[1]}" if told[1] else ""
        raise RefusedError(
            f"the {told[0]} of {case.id} {'were' if told[0] == 'witnesses' else 'was'} already "
            f"notified of this ({told[2]}{about}) on {rules.local_date(event.at, ask.policy)}, "
            "and nothing was recorded on the case since; if they were told again, record it "
            "with --again",
            "CL096",
        )


def reinstatement_when_free(ask: Ask) -> None:
    """SPEC §3 Reinstatement: the offender is told they are reinstated (the `reinstatement`
    notice) only once no ban of theirs is in force, and about the last ban of the chain, never
    under a lifetime ban. `ask.record`: the person's sanctions (those of the case's respondent
    for an action, of the notice's sanction for the replay), judged as enacted by the step's day."""
    args = ask.args
    if args.get("note") != "reinstatement" or args.get("party") != "offender":
        return
    about = args.get("about")
    ban = ask.sanctions.get(about or "") or next((s for s in ask.record if s.id == about), None)
    if ban is None:
        raise RefusedError(
            "a reinstatement notice names the ban that ended (`--sanction`)", "CL093"
        )
    if ban.person is None or ban.status not in ("enacted", "overturned"):
        return  # expunged, or never in force: nothing left to judge it by
    # The bans known then: one enacted later, even starting earlier, does not make a notice wrong.
    known = [s for s in ask.record if s.enacted_on is not None and s.enacted_on <= ask.day]
    theirs = [s for s in known if s.person == ban.person] or [ban]
    reason = reinstatement.not_yet(theirs, ban, ask.day)
    if reason:
        raise RefusedError(reason, "CL093")


# --- Proposed sanctions -------------------------------------------------------------------------


def one_per_case(ask: Ask) -> None:
    """One incident, one offence: a second proposal would count as another."""
    case = _case(ask)
    subject = ask.sanction.id if ask.sanction else None
    standing = [
        s
        for s in ask.sanctions.values()
        if s.id != subject and ask.status_of(s) in ("proposed", "enacted", "escalated")
    ]
    if standing:
        first = standing[0]
        status = ask.status_of(first)
        how = (
            f"reject it first (`coc sanction reject {first.id}`) to propose another"
            if status == "proposed"
            else "one incident is one offence; an appeal can change it"
        )
        raise RefusedError(f"{case.id} already has sanction {first.id} ({status}): {how}")


def in_order(ask: Ask) -> None:
    """One person's sanctions are recorded in the order they happen: validate recomputes each
    offence from the sanctions decided before it and from the day each status took effect, so a
    decision dated before one already on record (or a status dated before the current one) would
    rewrite that history for good. Judged when an action is taken; the replay recomputes the
    offences themselves (CL031)."""
    if not ask.live or ask.args.get("outcome") == "upheld":
        return  # an appeal upheld changes nothing the offences are computed from
    day, sanction = ask.day, ask.sanction
    is_new = ask.name == "sanction propose"
    if sanction is not None and not is_new and day < sanction.status_on:
        raise RefusedError(
            f"--at {day} is before {sanction.id} was {sanction.status} ({sanction.status_on}); "
            "check the date"
        )
    subject = sanction.id if sanction is not None else None
    mine = [s for s in ask.record if s.status != "expunged" and s.id != subject]
    latest = max(mine, key=rules.decision_order, default=None)
    if latest is not None and day < latest.decided_on:
        raise RefusedError(
            f"--at {day} is before {latest.id} was decided ({latest.decided_on}): "
            "record one person's sanctions in order"
        )


def voter(ask: Ask) -> None:
    """Proposed sanctions, 5th offence: each council member not conflicted in the case votes."""
    case, member = _case(ask), str(ask.args.get("member"))
    if member not in ask.policy.roster.council:
        raise RefusedError(f"{member} is not on the council", "CL056")
    conflicted = council.conflicted(case, member, ask.upto)
    if conflicted:
        raise RefusedError(f"{conflicted} and cannot vote on it", "CL056")


def full_vote(ask: Ask) -> None:
    """Proposed sanctions, 5th offence: a lifetime ban is enacted by the full council's vote:
    every member not conflicted in the case then has voted, and enough of them in favour. A
    member recused since voting is no longer counted (SPEC §3 Recusal)."""
    sanction = ask.sanction_then()
    assert sanction is not None
    if not council.needs_vote(ask.policy, sanction):
        return
    result = council.tally(ask.policy, sanction, _case(ask), ask.upto)
    if result.passed:
        return
    missing = ", ".join(result.missing)
    reason = (
        f"not yet voted: {missing}"
        if missing
        else f"{len(result.yes)} of {len(result.eligible)} in favour is not enough"
    )
    raise RefusedError(
        f"{sanction.id} needs the full council's vote ({result.rule}); {reason}", "CL051"
    )


def not_stale(ask: Ask) -> None:
    """SPEC §3 A stale proposal: the offence and the ladder's sanction, recomputed for the day of
    enactment, are still the proposal's (no proposal rejected, sanction overturned or record
    cleared meanwhile); otherwise it is rejected and proposed again."""
    sanction = ask.sanction
    assert sanction is not None
    reason = rules.staleness(ask.policy, ask.record, sanction, ask.day, not ask.live)
    if reason:
        raise RefusedError(reason)


def awaiting_apology(ask: Ask) -> None:
    """Proposed sanctions, 1st offence: an apology is recorded for a warning that requires one."""
    sanction = ask.sanction
    assert sanction is not None
    if sanction.apology_due is None:
        raise RefusedError(f"{sanction.id} is not an enacted warning awaiting an apology")


# --- CoC §8 appeals -------------------------------------------------------------------------------


def appealable(ask: Ask) -> None:
    """CoC §8: only permanent resolutions (such as bans) may be appealed."""
    sanction = ask.sanction
    assert sanction is not None
    if not council.appealable(ask.policy, sanction):
        allowed = ", ".join(ask.policy.appeals.allowed_for) or "nothing"
        raise RefusedError(
            f"{sanction.id} is a {sanction.kind.replace('_', ' ')}: only {allowed} may be "
            "appealed (policy.yaml appeals.allowed_for; Code of Conduct §8)",
            "CL052",
        )


def deciders(ask: Ask) -> None:
    """CoC §8: the council decides an appeal; nobody conflicted in the case decides it (SPEC §3
    Recusal)."""
    case = _case(ask)
    for member in ask.args.get("members") or ():
        if member not in ask.policy.roster.council:
            raise RefusedError(f"not on the council: {member}")
        reason = council.conflicted(case, member, ask.upto)
        if reason:
            raise RefusedError(f"{reason} and cannot decide its appeal", "CL057")
