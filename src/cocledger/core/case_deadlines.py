"""The steps of Incident processing as `coc due` items, for an open case: the council told within
24 hours of receipt, a committee formed, the reported person's 7 days to respond, and the review at
the next ordinary meeting (or an extraordinary one, for a serious case).

Pure, as `deadlines`: the models and the moment come in.
"""

from __future__ import annotations

from datetime import date, datetime

from . import council, rules
from .due_item import DueItem
from .models import Case, Policy


def case_items(policy: Policy, case: Case, at: datetime) -> list[DueItem]:
    """Incident processing: council notice, the committee, the respondent's window, the review."""
    day = rules.local_date(at, policy)
    review = None if case.first("reviewed") else review_item(policy, case, day)
    found = [council_notice(policy, case, at), committee_item(policy, case, day, review)]
    if not case.first("reviewed"):
        found += [respondent_window(policy, case, day), review]
    return [item for item in found if item]


def council_notice(policy: Policy, case: Case, at: datetime) -> DueItem | None:
    """Incident processing: the council is told within 24 hours of receipt (an instant)."""
    told = case.first("council_notified") or any(
        e.party == "council" for e in case.events("notified")
    )
    if told:
        return None
    due = rules.council_notice_due(case.received_at, policy)
    late = at > due
    period = policy.deadlines.council_notice
    return DueItem(
        "council_notice",
        case.id,
        None,
        due,
        late,
        f"not told within {period} of receipt" if late else "tell the council of the report",
        f"coc report notify-council {case.id}",
        case.respondent,
    )


def committee_item(policy: Policy, case: Case, day: date, review: DueItem | None) -> DueItem | None:
    """Incident processing 1: a small committee of council members reviews the report, so a case
    with none is shown, due by its review (`review`, the case's review item). SPEC §3 Recusal: a
    committee a declared conflict left below `committee.min_size` is shown until it is formed
    again; it is due the day it fell short."""
    formed = [j for j, e in enumerate(case.timeline) if e.action == "committee_formed"]
    if not formed:
        return None if case.first("reviewed") else _no_committee(policy, case, day, review)
    short = council.committee_short(policy, case.committee)
    if not short:
        return None
    recusals = [e for e in case.timeline[formed[-1] :] if e.action == "conflict_declared"]
    since = rules.local_date(recusals[-1].at, policy) if recusals else None
    size = len(set(case.committee))
    return DueItem(
        "committee",
        case.id,
        None,
        since,
        since is not None and day > since,
        f"the committee has {size} of the {policy.committee.min_size} members it needs "
        "after a declared conflict: form it again",
        f"coc committee form {case.id} --member ID...",
        case.respondent,
    )


def _no_committee(policy: Policy, case: Case, day: date, review: DueItem | None) -> DueItem:
    """An open case not yet given its committee: due by the day of its review, when known."""
    due = review.due if review and isinstance(review.due, date) else None
    when = f", before the review on {due}" if due else ""
    return DueItem(
        "committee",
        case.id,
        None,
        due,
        due is not None and day > due,
        f"no committee formed yet: form one of at least {policy.committee.min_size} council "
        f"members with no conflict in the case{when}",
        f"coc committee form {case.id} --member ID...",
        case.respondent,
    )


def respondent_window(policy: Policy, case: Case, day: date) -> DueItem | None:
    """Incident processing: once shared, the reported person has 7 days to respond."""
    shared = case.first("shared")
    period = policy.deadlines.respondent_response
    if shared is None:
        detail = f"not yet shared with the reported person; their {period} start then"
        command = f"coc report share {case.id}"
        if case.anonymous_reporter:  # SPEC §3: they get the council's summary, not the report
            command += " --summary-file F"
        return DueItem(
            "respondent_response", case.id, None, None, False, detail, command, case.respondent
        )
    if case.first("response_received"):
        return None
    due = rules.response_due(rules.local_date(shared.at, policy), policy)
    if day >= due:
        return None  # the window has run out: the review item takes over
    return DueItem(
        "respondent_response",
        case.id,
        None,
        due,
        False,
        f"the reported person's {period} to respond run until {due}",
        f"coc report respond {case.id}",
        case.respondent,
    )


def _first_meeting(policy: Policy, kind: str, on_or_after: date) -> date | None:
    dates = sorted(m.date for m in policy.meetings if m.kind == kind and m.date >= on_or_after)
    return dates[0] if dates else None


def _review_notes(policy: Policy, case: Case, day: date) -> list[str]:
    """What the review item adds for a serious case (a case with no committee has an item of
    its own, kind `committee`)."""
    notes = []
    if case.serious:
        extraordinary = _first_meeting(policy, "extraordinary", day)
        notes.append(
            f"serious: extraordinary meeting on {extraordinary}"
            if extraordinary
            else "serious: the council may call an extraordinary meeting"
        )
    return notes


def _review_command(
    case: Case, due: date | None, late: bool, needs: bool, following: date | None
) -> str:
    """The command that records the review, with the meeting it is due at filled in (the next
    ordinary one once that passed); `coc meeting add` when no meeting is scheduled."""
    if needs:
        return "coc meeting add DATE"
    meeting = following if late else due
    return f"coc report review {case.id} --meeting {meeting or 'DATE'}"


def review_item(policy: Policy, case: Case, day: date) -> DueItem | None:
    """Incident processing: the next ordinary meeting on or after the earlier of the response and
    the window's end, or 'needs a meeting'; a serious case may go to an extraordinary meeting."""
    notes = _review_notes(policy, case, day)
    earliest = rules.case_deadlines(case, policy).review_from
    meeting = rules.review_meeting(policy, earliest, case.serious) if earliest else None
    if earliest is None and not case.serious:
        return None
    if earliest is None:  # a serious case, not shared yet: only an extraordinary meeting
        due, late, needs = _first_meeting(policy, "extraordinary", day), False, False
        text = "not yet shared with the reported person"
    elif meeting is None:
        due, late, needs = earliest, day > earliest, True
        text = f"needs a meeting: no ordinary meeting on or after {earliest}"
    elif day <= meeting.date:
        due, late, needs = meeting.date, False, False
        text = f"at the ordinary meeting of {meeting.date}"
    else:
        following = _first_meeting(policy, "ordinary", day)
        due, late, needs = meeting.date, True, following is None
        text = f"not reviewed at the meeting of {meeting.date}; " + (
            f"next ordinary meeting {following}" if following else "needs a meeting"
        )
    command = _review_command(case, due, late, needs, _first_meeting(policy, "ordinary", day))
    return DueItem(
        "review",
        case.id,
        None,
        due,
        late,
        "; ".join([text, *notes]),
        command,
        case.respondent,
        meeting=meeting.date if meeting else (due if earliest is None else None),
        needs_meeting=needs,
        extraordinary_possible=case.serious,
    )
