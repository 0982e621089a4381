"""What `coc due` lists for sanctions and records: the apology, the end of a ban, the notices the
offender and the offended are owed, stale proposals, and records leaving the record.

Proposed sanctions, End of ban and Communications of the breaches policy; SPEC §3 A stale proposal,
Expiry of records and Retention of closed cases. Pure, as `deadlines`: the models and the day come in.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import date

from . import reinstatement, rules
from .due_item import NOTIFIED_PARTIES, DueItem
from .models import Case, Policy, Sanction

NO_RIGHTS_BACK = "no administrative or leadership rights or privileges come back (End of ban)"


def decision_day(sanction: Sanction) -> date | None:
    """The day of the latest action taken on a sanction: its enactment or its appeal's decision."""
    if sanction.appeal and sanction.appeal.decided_on:
        return sanction.appeal.decided_on
    return sanction.enacted_on


def notified(
    case: Case,
    party: str,
    sanction: str | None,
    since: date,
    policy: Policy,
    notes: Container[str | None] | None = None,
) -> bool:
    """Has `party` been told (a `notified` event) about `sanction` on or after `since`, by one of
    the notices `notes` (templates; None: any)?"""
    return any(
        event.party == party
        and event.sanction == sanction
        and (notes is None or event.note in notes)
        and rules.local_date(event.at, policy) >= since
        for event in case.events("notified")
    )


DECISION_NOTES = frozenset({"decision_offender", "decision_offended", "witnesses", None})
"""The notices that tell a party of a decision (None: a notice recorded without its template)."""
REINSTATEMENT_NOTES = frozenset({"reinstatement", None})


def told_of_decision(case: Case, party: str, sanction: Sanction, policy: Policy) -> bool:
    """Communications: has `party` been told of the sanction's latest decision (its enactment,
    its appeal's decision)? What clears the notification item of `coc due` and CL061, and what
    `coc notify` asks before it tells the offender they are reinstated."""
    since = decision_day(sanction)
    return since is not None and notified(case, party, sanction.id, since, policy, DECISION_NOTES)


def stale_items(policy: Policy, sanctions: Sequence[Sanction], day: date) -> list[DueItem]:
    """SPEC §3 A stale proposal: shown, to reject and propose again, until it is decided."""
    mine = rules.by_person(sanctions)
    found = []
    for s in sanctions:
        if s.status != "proposed" or not s.person:
            continue
        if rules.staleness(policy, mine[s.person], s, day) is None:
            continue
        now = rules.record(policy, mine[s.person], s.person, day, subject=s)
        detail = (
            f"stale: proposed as offence {s.offence}, it is offence {now.offence} now: "
            "reject it and propose again"
        )
        command = f"coc sanction reject {s.id}"
        found.append(DueItem("stale_proposal", s.case, s.id, None, True, detail, command, s.person))
    return found


# --- sanctions: apology, end of ban, notifications ----------------------------------------------


def sanction_items(
    policy: Policy, case: Case, sanction: Sanction, day: date, theirs: Sequence[Sanction]
) -> list[DueItem]:
    """What a sanction still asks of the council; `theirs`: its person's sanctions (whether
    another ban is in force decides when reinstatement is due)."""
    found = [
        apology_item(case, sanction, day),
        ban_ends_item(policy, case, sanction, day, theirs),
        appeal_item(policy, case, sanction, day),
    ]
    return [item for item in found if item] + notification_items(policy, case, sanction, day)


def apology_form(case: Case) -> str:
    """Proposed sanctions, 1st offence: "Apology to offended … required": public if the offence
    was public, else to the offended and to all who witnessed it (as the offender's letter says;
    an anonymous reporter is reached through the Council)."""
    if case.setting == "public":
        return "a public apology (the offence was public)"
    offended = "through the Council" if case.anonymous_reporter else case.reporter
    if case.witnesses:
        return f"an apology to the offended ({offended}) and to every witness ({', '.join(case.witnesses)})"
    return f"an apology to the offended ({offended})"


def apology_item(case: Case, sanction: Sanction, day: date) -> DueItem | None:
    """Proposed sanctions, 1st offence: an apology within 7 days, public or to every witness."""
    if sanction.status != "enacted" or sanction.apology_due is None or sanction.apology:
        return None
    form = apology_form(case)
    late = day > sanction.apology_due
    return DueItem(
        "apology",
        case.id,
        sanction.id,
        sanction.apology_due,
        late,
        f"deadline passed: {form}; a refusal escalates" if late else form,
        f"coc apology record {sanction.id} --delivered|--refused",
        sanction.person,
    )


def appeal_item(policy: Policy, case: Case, sanction: Sanction, day: date) -> DueItem | None:
    """CoC §8: an appeal is reviewed by the council ("the team will review the situation"). The
    policy sets no period, and the council decides at a meeting: the decision is due at the
    first ordinary meeting on or after the filing, overdue once it passed undecided."""
    appeal = sanction.appeal
    if appeal is None or appeal.outcome is not None or sanction.status == "expunged":
        return None
    meeting = rules.review_meeting(policy, appeal.filed_on)
    late = meeting is not None and day > meeting.date
    following = rules.review_meeting(policy, day) if late else meeting
    if meeting is None:
        text = f"filed on {appeal.filed_on}; needs a meeting: no ordinary meeting on or after it"
    elif late:
        text = f"not decided at the meeting of {meeting.date}; " + (
            f"next ordinary meeting {following.date}" if following else "needs a meeting"
        )
    else:
        text = f"filed on {appeal.filed_on}: decide it at the meeting of {meeting.date}"
    command = f"coc appeal decide {sanction.id} --upheld|--overturned|--reduced-to D"
    return DueItem(
        "appeal_decision",
        case.id,
        sanction.id,
        meeting.date if meeting else appeal.filed_on,
        late,
        text,
        command if following else "coc meeting add DATE",
        sanction.person,
        meeting=meeting.date if meeting else None,
        needs_meeting=following is None,
    )


def ban_ends_item(
    policy: Policy, case: Case, sanction: Sanction, day: date, theirs: Sequence[Sanction]
) -> DueItem | None:
    """End of ban: reinstatement on every channel, without admin or leadership rights, once no
    ban of the person is in force (SPEC §3 Reinstatement: the last ban of a chain carries it, a
    lifetime ban none). The item stays until the offender is sent the reinstatement notice
    (`coc notify`) on or after that day."""
    on = reinstatement.due_on(theirs, sanction)
    if on is None or notified(case, "offender", sanction.id, on, policy, REINSTATEMENT_NOTES):
        return None
    checklist = (
        *(f"reinstate as a registered user on {channel}" for channel in policy.channels),
        NO_RIGHTS_BACK,
    )
    late = day > on
    return DueItem(
        "ban_ends",
        case.id,
        sanction.id,
        on,
        late,
        "ended: reinstate and tell the offender" if late else "reinstate when it ends",
        f"coc notify {case.id} --party offender --sanction {sanction.id}",
        sanction.person,
        checklist=checklist,
    )


def notification_items(policy: Policy, case: Case, sanction: Sanction, day: date) -> list[DueItem]:
    """Communications: offender and offended are told of every action taken on a sanction
    (its enactment, an appeal's decision). No period is set, so it is due the day of the action."""
    since = decision_day(sanction)
    if sanction.status not in ("enacted", "overturned") or since is None:
        return []
    what = "the appeal decision" if sanction.appeal and sanction.appeal.decided_on else "it"
    return [
        DueItem(
            "notification",
            case.id,
            sanction.id,
            since,
            day > since,
            f"tell the {party} of {what}",
            f"coc notify {case.id} --party {party}",
            sanction.person,
            party=party,
        )
        for party in NOTIFIED_PARTIES
        if not told_of_decision(case, party, sanction, policy)
    ]


# --- records leaving (End of ban) ---------------------------------------------------------------


def record_items(policy: Policy, sanctions: Sequence[Sanction], day: date) -> list[DueItem]:
    """End of ban: the day each person's record clears, and records that have cleared but still
    hold personal details (`coc expunge` is then due)."""
    items = []
    people = sorted({s.person for s in sanctions if s.person and s.status != "expunged"})
    mine = rules.by_person(sanctions)
    for person in people:
        record = rules.record(policy, mine[person], person, day)
        if record.cleared:
            holder = _latest_expiring(record.cleared)
            left = holder.expunges_on
            items.append(
                DueItem(
                    "record_expunges",
                    holder.case,
                    holder.id,
                    left,
                    left is not None and day > left,
                    f"{len(record.cleared)} sanction(s) left the record: remove their details",
                    "coc expunge",
                    person,
                )
            )
        if record.clears_on is not None:
            holder = _latest_expiring(record.window)
            items.append(
                DueItem(
                    "record_expunges",
                    holder.case,
                    holder.id,
                    record.clears_on,
                    False,
                    f"{record.offences_on_record} offence(s) leave the record; "
                    "the levels reset to the 1st offence",
                    "coc expunge",
                    person,
                )
            )
    return items


def closed_case_item(
    policy: Policy, case: Case, sanctions: Sequence[Sanction], day: date
) -> DueItem | None:
    """SPEC §3 Retention of closed cases: the day a case closed with no sanction on record
    leaves the record (`coc expunge` is due from then)."""
    leaves = rules.case_leaves_on(policy, case, sanctions)
    if leaves is None:
        return None
    return DueItem(
        "record_expunges",
        case.id,
        None,
        leaves,
        day > leaves,
        "closed with no sanction on record: its details leave the record",
        "coc expunge",
        case.respondent,
    )


def _latest_expiring(window: Sequence[Sanction]) -> Sanction:
    dated = [s for s in window if s.expunges_on]
    return max(dated, key=lambda s: (s.expunges_on, s.id)) if dated else window[-1]
