"""One thing `coc due` lists (`DueItem`), the kinds there are, and its JSON (SPEC §4 `due --json`).

Communications: the offender and the offended are told of every action taken, so a notification is
an item of its own for each of them (NOTIFIED_PARTIES).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

KINDS = (
    "council_notice",
    "committee",
    "stale_proposal",
    "respondent_response",
    "review",
    "appeal_decision",
    "apology",
    "ban_ends",
    "record_expunges",
    "notification",
)
AT_A_MEETING = ("review", "appeal_decision")
"""The kinds the council does at a meeting: their JSON gives `meeting` and `needs_meeting`."""
NOTIFIED_PARTIES = ("offender", "offended")
"""Communications: the offender and the offended are told of every action taken."""


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
    revision: int = 0
    """Grows whenever the records its date comes from change (`core.revision`): the calendar's
    SEQUENCE. Not in the JSON."""

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
        if self.kind in AT_A_MEETING:
            data["meeting"] = self.meeting.isoformat() if self.meeting else None
            data["needs_meeting"] = self.needs_meeting
        if self.kind == "review":
            data["extraordinary_possible"] = self.extraordinary_possible
        if self.checklist:
            data["checklist"] = list(self.checklist)
        return data
