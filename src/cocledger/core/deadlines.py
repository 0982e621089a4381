"""What `coc due` lists: every deadline the breaches policy sets, as plain data.

Pure: the ledger's models and the moment to look at come in; nothing reads the clock or a file.
Case steps are listed for open cases only; sanction items for every sanction still on the record
(a closed case's ban still ends; an expunged or expired record shows nothing but the reminder to
run `coc expunge`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import rules
from .models import Case, Policy, Sanction

KINDS = (
    "council_notice",
    "committee",
    "stale_proposal",
    "respondent_response",
    "review",
    "apology",
    "ban_ends",
    "record_expunges",
    "notification",
)
NOTIFIED_PARTIES = ("offender", "offended")
"""Communications: the offender and the offended are told of every action taken."""

NO_RIGHTS_BACK = "no administrative or leadership rights or privileges come back (End of ban)"


@dataclass(frozen=True)
class DueItem:
    """One thing the council must do or watch, with its date and whether that date has passed."""

    kind: str
    case: str | None
    sanction: str | None
    due: date | datetime | None
    overdue: bool
    detail: str = ""
    command: str = ""
    """The `coc` command that records it done, as a hint."""
    person: str | None = None
    party: str | None = None
    meeting: date | None = None
    needs_meeting: bool = False
    extraordinary_possible: bool = False
    checklist: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """SPEC §4 `due --json`: kind, case, sanction, due, overdue (and more keys, never fewer)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "case": self.case,
            "sanction": self.sanction,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "detail": self.detail,
            "command": self.command,
            "person": self.person,
        }
        if self.party:
            data["party"] = self.party
        if self.kind == "review":
            data["meeting"] = self.meeting.isoformat() if self.meeting else None
            data["needs_meeting"] = self.needs_meeting
            data["extraordinary_possible"] = self.extraordinary_possible
        if self.checklist:
            data["checklist"] = list(self.checklist)
        return data


def decision_day(sanction: Sanction) -> date | None:
    """The day of the latest action taken on a sanction: its enactment or its appeal's decision."""
    if sanction.appeal and sanction.appeal.decided_on:
        return sanction.appeal.decided_on
    return sanction.enacted_on


def notified(case: Case, party: str, sanction: str | None, since: date, policy: Policy) -> bool:
    """Has `party` been told (a `notified` event) about `sanction` on or after `since`?"""
    return any(
        event.party == party
        and event.sanction == sanction
        and rules.local_date(event.at, policy) >= since
        for event in case.events("notified")
    )


def due_items(
    policy: Policy, cases: Iterable[Case], sanctions: Sequence[Sanction], at: datetime
) -> list[DueItem]:
    """Every deadline as of `at`: overdue items first, then by date, then by case."""
    day = rules.local_date(at, policy)
    by_id = {case.id: case for case in cases}
    items: list[DueItem] = []
    of_case = rules.by_case(sanctions)
    for case in by_id.values():
        if case.status == "open":
            items.extend(case_items(policy, case, at))
        leaving = closed_case_item(policy, case, of_case.get(case.id, []), day)
        if leaving is not None:
            items.append(leaving)
    gone = {s.id for s in rules.expired_sanctions(policy, sanctions, day)}
    for sanction in sanctions:
        found = by_id.get(sanction.case or "")
        if sanction.status == "expunged" or sanction.id in gone or found is None:
            continue
        items.extend(sanction_items(policy, found, sanction, day))
    items.extend(record_items(policy, sanctions, day))
    items.extend(stale_items(policy, sanctions, day))
    return sorted(items, key=lambda item: _order(item, policy))


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


def _order(item: DueItem, policy: Policy) -> tuple[Any, ...]:
    when = item.due
    if isinstance(when, datetime):
        moment = when
    elif when is not None:
        moment = rules.start_of_day(when, policy)
    else:
        moment = datetime.max.replace(tzinfo=policy.zone)
    party = NOTIFIED_PARTIES.index(item.party) if item.party in NOTIFIED_PARTIES else 0
    return (not item.overdue, moment, item.case or "", KINDS.index(item.kind), party)


# --- the steps of Incident processing -----------------------------------------------------------


def case_items(policy: Policy, case: Case, at: datetime) -> list[DueItem]:
    """Incident processing: council notice, the respondent's window, the review."""
    day = rules.local_date(at, policy)
    found = [council_notice(policy, case, at), committee_item(policy, case, day)]
    if not case.first("reviewed"):
        found += [respondent_window(policy, case, day), review_item(policy, case, day)]
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


def committee_item(policy: Policy, case: Case, day: date) -> DueItem | None:
    """SPEC §3 Recusal: a committee a declared conflict left below `committee.min_size` is shown
    until it is formed again; it is due the day it fell short."""
    formed = [j for j, e in enumerate(case.timeline) if e.action == "committee_formed"]
    short = rules.committee_short(policy, case.committee)
    if not formed or not short:
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
    notes = [] if case.committee else ["no committee yet (coc committee form)"]
    if case.serious:
        extraordinary = _first_meeting(policy, "extraordinary", day)
        notes.append(
            f"serious: extraordinary meeting on {extraordinary}"
            if extraordinary
            else "serious: the council may call an extraordinary meeting"
        )
    return notes


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
    command = f"coc report review {case.id} --meeting DATE"
    if needs:
        command = "coc meeting add DATE"
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


# --- sanctions: apology, end of ban, notifications ----------------------------------------------


def sanction_items(policy: Policy, case: Case, sanction: Sanction, day: date) -> list[DueItem]:
    found = [apology_item(case, sanction, day), ban_ends_item(policy, case, sanction, day)]
    return [item for item in found if item] + notification_items(policy, case, sanction, day)


def apology_item(case: Case, sanction: Sanction, day: date) -> DueItem | None:
    """Proposed sanctions, 1st offence: an apology within 7 days, public or to every witness."""
    if sanction.status != "enacted" or sanction.apology_due is None or sanction.apology:
        return None
    if case.setting == "public":
        form = "a public apology (the offence was public)"
    elif case.witnesses:
        form = f"an apology to every witness ({', '.join(case.witnesses)})"
    else:
        form = "an apology to the offended"
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


def ban_ends_item(policy: Policy, case: Case, sanction: Sanction, day: date) -> DueItem | None:
    """End of ban: reinstatement on every channel, without admin or leadership rights. The item
    stays until the offender is sent the reinstatement notice (`coc notify`) on or after the end."""
    if sanction.status != "enacted" or sanction.kind != "ban" or sanction.ends_on is None:
        return None
    if notified(case, "offender", sanction.id, sanction.ends_on, policy):
        return None
    checklist = (
        *(f"reinstate as a registered user on {channel}" for channel in policy.channels),
        NO_RIGHTS_BACK,
    )
    late = day > sanction.ends_on
    return DueItem(
        "ban_ends",
        case.id,
        sanction.id,
        sanction.ends_on,
        late,
        "ended: reinstate and tell the offender" if late else "reinstate when it ends",
        f"coc notify {case.id} --party offender",
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
        if not notified(case, party, sanction.id, since, policy)
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
