"""The words the tool uses for dates, offences and sanctions, in one place.

The published page, the notices and the reports all say a ban the same way: the policy's own
Active sanctions table, `Permanent ban enacted June 6, 2023` and
`3 month ban from June 6, 2023 until September 6, 2023`. Dates are written with English month
names whatever the machine's locale.
"""

from __future__ import annotations

from datetime import date

from .models import Case, Event, Sanction

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date | None) -> str:
    """The policy's date style, `June 6, 2023`, independent of the locale; no date: empty."""
    if day is None:
        return ""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st, ... 111th, 112th."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _length(sanction: Sanction) -> str:
    """'3 month', '10 day': the policy's wording of a timed sanction's length."""
    return sanction.duration.months_text() if sanction.duration else "Timed"


def sanction_text(sanction: Sanction) -> str:
    """Active sanctions: `Permanent ban enacted June 6, 2023` (`, in force from ...` when it
    starts later) or `3 month ban from June 6, 2023 until September 6, 2023` (ends_on is the first
    day back). A warning is `Warning given on ...`; a sanction not enacted yet is `Proposed ...`."""
    noun = "sanction" if sanction.kind == "other" else "ban"
    start = sanction.starts_on
    if start is None:
        if sanction.kind == "warning":
            return "Proposed warning"
        if sanction.kind == "lifetime_ban":
            return "Proposed permanent ban"
        return f"Proposed {_length(sanction)} {noun}" if sanction.duration else f"Proposed {noun}"
    if sanction.kind == "warning":
        return f"Warning given on {long_date(start)}"
    if sanction.ends_on is None:
        if sanction.kind == "other":
            return f"Sanction from {long_date(start)}"
        enacted = sanction.enacted_on or start
        text = f"Permanent ban enacted {long_date(enacted)}"
        if start != enacted:
            text += f", in force from {long_date(start)}"
        return text
    return f"{_length(sanction)} {noun} from {long_date(start)} until {long_date(sanction.ends_on)}"


STAGES = {
    "received": "received",
    "council_notified": "council notified",
    "committee_formed": "committee formed",
    "conflict_declared": "conflict declared",
    "shared": "shared with respondent",
    "response_received": "response received",
    "reviewed": "reviewed",
    "sanction_proposed": "sanction proposed",
    "vote_recorded": "vote in progress",
    "sanction_enacted": "sanction enacted",
    "sanction_rejected": "sanction rejected",
    "apology_recorded": "apology",
    "appeal_filed": "appeal filed",
    "appeal_decided": "appeal decided",
}


def expunged_note(since: date, bans_in_force: int = 0, day: date | None = None) -> str:
    """SPEC §3 Queries as of a moment: what an answer as of a day before an expunge says, rather
    than look complete (with `bans_in_force`: how many bans in force on `day` it cannot list)."""
    if not bans_in_force:
        return (
            f"Records expunged since {since} are not shown (their details are gone): this "
            "answer may be incomplete."
        )
    one = bans_in_force == 1
    return (
        f"{bans_in_force} ban{'' if one else 's'} in force on {day} {'was' if one else 'were'} "
        f"expunged since {since} and {'is' if one else 'are'} not shown (the details are gone)."
    )


def _step_words(event: Event) -> str:
    words = STAGES[event.action]
    if event.action == "apology_recorded":
        return f"apology {event.note}" + (" (escalated)" if event.note == "refused" else "")
    if event.action == "appeal_decided" and event.note:
        return f"appeal decided: {event.note}"
    return words


def stage(case: Case) -> str:
    """The step a case has reached, in the policy's words: its last step (a notice or a closing
    is not a step of the case's own), or closed, or expunged."""
    if case.status in ("closed", "expunged"):
        return case.status
    steps = [e for e in case.timeline if e.action in STAGES]
    return _step_words(steps[-1]) if steps else case.status
