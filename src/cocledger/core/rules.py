"""The policy as pure functions over the models: dates are passed in; no clock, no files, no git.

Each function names the clause of the breaches policy (or SPEC §3) it implements. Dates,
deadlines, a sanction's dates and the record window are here; who decides (the council's vote,
appeals, conflicts of interest, committees) is in `council`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .durations import Duration
from .fields import OFF_RECORD, STOPPED_STATUSES
from .models import Case, CaseDeadlines, Meeting, Policy, Rung, Sanction

BAN_KINDS = frozenset({"ban", "lifetime_ban"})

# --- dates --------------------------------------------------------------------------------------


def local_date(instant: datetime, policy: Policy) -> date:
    """SPEC §3 Dates: the policy's time zone turns an instant into the day it belongs to."""
    return instant.astimezone(policy.zone).date()


def start_of_day(day: date, policy: Policy) -> datetime:
    """SPEC §3 Dates: a date-only moment means 00:00 of that date in the policy time zone."""
    return datetime.combine(day, time(0, 0), tzinfo=policy.zone)


# --- deadlines ----------------------------------------------------------------------------------


def council_notice_due(received_at: datetime, policy: Policy) -> datetime:
    """Incident processing: the council is notified within 24 hours of receipt (an instant)."""
    due = policy.deadlines.council_notice.add_to_instant(received_at)
    assert due is not None, "council_notice cannot be lifetime"
    return due


def response_due(shared_on: date, policy: Policy) -> date:
    """Incident processing: the reported person has 7 days from sharing to respond."""
    due = policy.deadlines.respondent_response.add_to_date(shared_on)
    assert due is not None, "respondent_response cannot be lifetime"
    return due


def review_from(response_on: date | None, due: date) -> date:
    """Incident processing: review after the 7 days or a response, whichever is sooner."""
    return min(response_on, due) if response_on else due


_MEETINGS: dict[int, tuple[Policy, dict[date, tuple[str, ...]]]] = {}


def meetings_on(policy: Policy, day: date | None) -> tuple[str, ...]:
    """The kinds of the meetings policy.yaml schedules on a day (a council may hold an ordinary
    and an extraordinary one), looked up by day: the replay asks it of every review."""
    found = _MEETINGS.get(id(policy))
    if found is None or found[0] is not policy:
        by_day: dict[date, tuple[str, ...]] = {}
        for meeting in policy.meetings:
            by_day[meeting.date] = (*by_day.get(meeting.date, ()), meeting.kind)
        if len(_MEETINGS) > 8:
            _MEETINGS.clear()
        found = _MEETINGS[id(policy)] = (policy, by_day)
    return found[1].get(day, ()) if day is not None else ()


def review_meeting(policy: Policy, earliest: date, serious: bool = False) -> Meeting | None:
    """The first meeting on or after `earliest` that may review the case: an ordinary one, or for
    a serious case an extraordinary one if that comes first."""
    kinds = ("ordinary", "extraordinary") if serious else ("ordinary",)
    meetings = sorted(policy.meetings, key=lambda m: (m.date, m.kind != "ordinary"))
    return next((m for m in meetings if m.kind in kinds and m.date >= earliest), None)


def case_deadlines(case: Case, policy: Policy, upto: int | None = None) -> CaseDeadlines:
    """The stored deadlines of a case, recomputed from its receipt and timeline (as its first
    `upto` events left them: None, all)."""
    events = case.timeline[:upto]
    shared = next((e for e in events if e.action == "shared"), None)
    responded = next((e for e in events if e.action == "response_received"), None)
    due = response_due(local_date(shared.at, policy), policy) if shared else None
    earliest = None
    if due is not None:
        earliest = review_from(local_date(responded.at, policy) if responded else None, due)
    return CaseDeadlines(
        council_notice=council_notice_due(case.received_at, policy),
        respondent_response=due,
        review_from=earliest,
    )


def apology_due(starts_on: date, policy: Policy) -> date:
    """Proposed sanctions, 1st offence: the apology is due 7 days after the warning takes effect."""
    due = policy.deadlines.apology.add_to_date(starts_on)
    assert due is not None, "apology deadline cannot be lifetime"
    return due


# --- a sanction's dates -------------------------------------------------------------------------


def retention(policy: Policy, kind: str, duration: Duration | None) -> Duration | None:
    """End of ban: how long a sanction stays on record after it ends (None: not on its own)."""
    if kind in BAN_KINDS or (kind == "other" and duration is not None):
        return policy.record_retention_after_ban
    return policy.record_retention_after_warning


def sanction_dates(
    policy: Policy, kind: str, duration: Duration | None, starts_on: date | None
) -> tuple[date | None, date | None]:
    """SPEC §3: ends_on = starts_on + duration; expunges_on = ends_on + retention (both from starts)."""
    if starts_on is None or kind == "lifetime_ban":
        return None, None
    kept = retention(policy, kind, duration)
    if duration is None or duration.is_lifetime:
        # A warning (or an untimed 'other') ends the day it starts; retention runs from then.
        expunges = kept.add_to_date(starts_on) if kept and not kept.is_lifetime else None
        return None, expunges
    ends_on = duration.add_to_date(starts_on)
    assert ends_on is not None
    if kept is None or kept.is_lifetime:
        return ends_on, None
    return ends_on, kept.add_to_date(ends_on)


def in_force(sanction: Sanction, day: date) -> bool:
    """Terms of a ban: in force from starts_on up to (not including) ends_on; lifetime has no end.

    A ban overturned after `day` was still in force on `day`, so a past `--at` is faithful."""
    overturned_later = sanction.status == "overturned" and sanction.status_on > day
    if (sanction.status != "enacted" and not overturned_later) or sanction.starts_on is None:
        return False
    if sanction.kind not in BAN_KINDS:
        return False
    return sanction.starts_on <= day and (sanction.ends_on is None or day < sanction.ends_on)


def active_ban(sanctions: Iterable[Sanction], person: str, day: date) -> Sanction | None:
    """The ban in force for a person on a day, the one ending last if several overlap."""
    bans = [s for s in sanctions if s.person == person and in_force(s, day)]
    bans.sort(key=lambda s: (s.ends_on is None, s.ends_on or date.max))
    return bans[-1] if bans else None


# --- offence number and record window -----------------------------------------------------------


def decision_order(sanction: Sanction) -> tuple[date, str]:
    return sanction.decided_on, sanction.id


def counted_on(sanction: Sanction, day: date, standing: Collection[str] = ()) -> bool:
    """Did this sanction count on `day`? One rejected or overturned later counted until then;
    one stopped on `day` itself counts when its id is in `standing` (a day holds no order of its
    own: a record judged after the fact may take it as stopped after the step)."""
    if sanction.counts:
        return True
    if sanction.status not in STOPPED_STATUSES:
        return False
    return sanction.status_on > day or (sanction.status_on == day and sanction.id in standing)


def _expiring(sanction: Sanction, policy: Policy) -> bool:
    return retention(policy, sanction.kind, sanction.duration) is not None


def _window_cleared(window: Sequence[Sanction], policy: Policy, day: date) -> bool:
    """End of ban: the record clears once every ban on it has been off the record for 18 months."""
    clears = _clears_on(window, policy)
    return clears is not None and clears <= day


@dataclass(frozen=True)
class Record:
    """A person's record on a day: the sanctions still on it and what the next offence would be."""

    window: tuple[Sanction, ...]
    offence: int
    rung: Rung
    cleared: tuple[Sanction, ...] = field(default=())

    clears_on: date | None = None
    """The day the whole window leaves the record; None when nothing or a lifetime ban holds it."""

    @property
    def offences_on_record(self) -> int:
        return len(self.window)


def _clears_on(window: Sequence[Sanction], policy: Policy) -> date | None:
    expiring = [s for s in window if _expiring(s, policy)]
    if not expiring or any(s.expunges_on is None for s in expiring):
        return None
    return max(s.expunges_on for s in expiring if s.expunges_on)


def record(
    policy: Policy,
    sanctions: Iterable[Sanction],
    person: str,
    day: date,
    subject: Sanction | None = None,
    standing: Collection[str] = (),
) -> Record:
    """SPEC §3 Offence number: the record window of `person` on `day`, before `subject` if given.

    Without a subject this is the record for a new sanction decided on `day`; with one it is the
    record as it stood when that sanction was decided (validate recomputes stored offences so).
    `standing`: sanctions stopped on `day` itself taken as stopped after it (`counted_on`).
    """
    mine = [s for s in sanctions if s.person == person and s is not subject]
    if subject is not None:
        mine = [s for s in mine if decision_order(s) < decision_order(subject)]
    else:  # the record as it stood on `day`: nothing decided later is on it yet
        mine = [s for s in mine if s.decided_on <= day]
    counted = sorted((s for s in mine if counted_on(s, day, standing)), key=decision_order)
    window: list[Sanction] = []
    cleared: list[Sanction] = []
    for sanction in counted:
        if _window_cleared(window, policy, sanction.decided_on):
            cleared.extend(window)
            window = []
        window.append(sanction)
    if _window_cleared(window, policy, day):
        cleared.extend(window)
        window = []
    offence = min(len(window) + 1, len(policy.ladder))
    rung = rung_for(policy, offence)
    return Record(tuple(window), offence, rung, tuple(cleared), _clears_on(window, policy))


def leaves_record_on(
    policy: Policy, sanctions: Iterable[Sanction], sanction: Sanction, day: date
) -> date | None:
    """End of ban / SPEC §3 Offence number: the day a sanction on its person's record on `day`
    leaves it, which is the day their record window clears (`person show`'s record_clears_on):
    one ban's own `expunges_on` is not enough while another ban keeps the window. None when it is
    not on the record, or a lifetime ban holds the window."""
    if sanction.person is None:
        return None
    now = record(policy, sanctions, sanction.person, day)
    return now.clears_on if any(s.id == sanction.id for s in now.window) else None


MOST_READINGS = 64
"""How many orders of one day's stops `readings` tries at most (6 stopped the same day)."""


def readings(
    policy: Policy, sanctions: Sequence[Sanction], person: str, day: date, subject: Sanction
) -> Iterator[Record]:
    """The records `subject` may have been decided on, judged after the fact: the ledger keeps
    a sanction's status by the day, so of the person's sanctions stopped on `day`, any may have
    been stopped after it. The strict reading (every one before) comes first."""
    same_day = [
        s.id
        for s in sanctions
        if s.person == person and s.status in STOPPED_STATUSES and s.status_on == day
    ]
    for bits in range(min(2 ** len(same_day), MOST_READINGS)):
        standing = {i for n, i in enumerate(same_day) if bits >> n & 1}
        yield record(policy, sanctions, person, day, subject, standing)


def rung_for(policy: Policy, offence: int) -> Rung:
    """Proposed sanctions: the ladder's recommendation, its top rung for any offence beyond it."""
    return policy.ladder[min(offence, len(policy.ladder)) - 1]


def expired_sanctions(policy: Policy, sanctions: Sequence[Sanction], day: date) -> list[Sanction]:
    """End of ban: every sanction that has left its person's record by `day` (for expunge)."""
    mine = by_person(sanctions)
    people = sorted({s.person for s in sanctions if s.person and s.status != "expunged"})
    gone: list[Sanction] = []
    for person in people:
        gone.extend(record(policy, mine[person], person, day).cleared)
    return gone


def by_person(sanctions: Iterable[Sanction]) -> dict[str, list[Sanction]]:
    """Each person's sanctions in register order: `record` over many people without rescanning
    the whole register for each (it reads only the person's own sanctions anyway)."""
    grouped: dict[str, list[Sanction]] = {}
    for sanction in sanctions:
        if sanction.person:
            grouped.setdefault(sanction.person, []).append(sanction)
    return grouped


def case_leaves_on(policy: Policy, case: Case, sanctions: Iterable[Sanction]) -> date | None:
    """SPEC §3 Retention of closed cases: a case closed with no sanction on record leaves the
    record `record_retention_after_close` after it was closed; None while it stays."""
    keep = policy.record_retention_after_close
    closed = case.first("closed")
    if keep is None or case.status != "closed" or closed is None:
        return None
    if any(s.status not in OFF_RECORD for s in sanctions):
        return None  # a sanction on record keeps its case: the window clears both
    return keep.add_to_date(local_date(closed.at, policy))


def by_case(sanctions: Iterable[Sanction]) -> dict[str, list[Sanction]]:
    """Each case's sanctions, in register order."""
    grouped: dict[str, list[Sanction]] = {}
    for sanction in sanctions:
        if sanction.case:
            grouped.setdefault(sanction.case, []).append(sanction)
    return grouped


def staleness(
    policy: Policy,
    sanctions: Iterable[Sanction],
    proposal: Sanction,
    day: date,
    after_the_fact: bool = False,
) -> str | None:
    """SPEC §3 A stale proposal: why a proposal is no longer what the ladder gives for the day of
    its enactment (`day`), or None. Its offence number, recomputed from the person's record on
    that day, and the ladder's sanction for it must still be the proposal's (unless the council
    deviated from the ladder, which it said why). `after_the_fact` (the replay of an enactment
    recorded before): a sanction of the person stopped that same day may have been stopped
    after it, so the enactment stands if it holds in any such order (`readings`)."""
    assert proposal.person is not None
    sanctions = list(sanctions)
    if after_the_fact and any(
        _still(policy, proposal, r)
        for r in readings(policy, sanctions, proposal.person, day, proposal)
    ):
        return None
    now = record(policy, sanctions, proposal.person, day, subject=proposal)
    if _still(policy, proposal, now):
        return None
    ladder = (now.rung.kind, now.rung.duration)
    proposed = (proposal.kind, proposal.duration)
    return (
        f"{proposal.id} is stale: it was proposed as offence {proposal.offence}, "
        f"{words(*proposed)}; on {day} it is offence {now.offence}, for which the ladder gives "
        f"{words(*ladder)}. Reject it (`coc sanction reject {proposal.id}`) and propose again"
    )


def _still(policy: Policy, proposal: Sanction, now: Record) -> bool:
    """Whether the proposal is still what the record `now` gives: its offence and the ladder's
    sanction for it (or a deviation the council gave a reason for)."""
    then = rung_for(policy, proposal.offence)
    ladder = (now.rung.kind, now.rung.duration)
    deviated = proposal.deviation_reason is not None
    proposed = (proposal.kind, proposal.duration)
    return now.offence == proposal.offence and (deviated or ladder == proposed) and then == now.rung


def words(kind: str, duration: Duration | None) -> str:
    """A sanction as a sentence says it: 'ban of 3 months', 'warning'."""
    return kind.replace("_", " ") + (f" of {duration}" if duration else "")


def is_deviation(rung: Rung, kind: str, duration: Duration | None) -> bool:
    """Other sanctions: anything but the ladder's kind and duration must give a reason."""
    return kind != rung.kind or duration != rung.duration
