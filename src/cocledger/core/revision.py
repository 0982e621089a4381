"""SPEC §4 Calendar: the revision of a `coc due` item, the `SEQUENCE` of its calendar event
(RFC 5545 3.8.7.4: it increases whenever the event is revised), derived from the ledger alone.

An item's date is computed from its case's steps, the register (another ban of the person, a
window that clears), and the meetings (a review, an appeal decision). So the revision counts the
steps recorded on its case, the steps the register records, and the meetings scheduled and held:
whatever moves the date adds at least one. Each count only grows: a timeline is append-only, and
an expunged record keeps its events and the register fields counted here (its tombstone). No
state is kept outside the ledger, and the same ledger on the same day gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from .models import Case, Policy, Sanction

LIVE = frozenset({"proposed", "enacted"})
"""The statuses a sanction leaves for good (rejected, withdrawn, escalated, overturned, and last
of all expunged)."""


def register_steps(sanctions: Iterable[Sanction]) -> int:
    """The steps each entry of the register shows: proposed, enacted, its apology recorded, an
    appeal filed and decided, and its leaving `proposed`/`enacted` for good."""
    return sum(
        1
        + (s.enacted_on is not None)
        + (s.apology_recorded_on is not None)
        + (s.appeal is not None)
        + (s.appeal is not None and s.appeal.decided_on is not None)
        + (s.status not in LIVE)
        for s in sanctions
    )


def meeting_steps(policy: Policy, day: date) -> int:
    """Each meeting counts once scheduled and once more once held: a review or an appeal due at
    the next meeting moves when one is added, or when one passes."""
    return sum(1 + (meeting.date < day) for meeting in policy.meetings)


def revision(base: int, cases: Mapping[str, Case], case: str | None) -> int:
    """The item's revision: `base` (the register's and the meetings' steps) and its case's."""
    found = cases.get(case) if case else None
    return base + (len(found.timeline) if found else 0)
