"""Durations of the policy ("24 hours", "7 days", "3 months", "lifetime") and their arithmetic.

This is the one module that adds time to dates: calendar months use dateutil's relativedelta,
which clamps to the month's last day, and every date is computed from its own start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from ..errors import UsageError

Unit = Literal["hours", "days", "months"]
UNITS: dict[str, Unit] = {"hour": "hours", "day": "days", "month": "months"}
_PATTERN = re.compile(r"^\s*([0-9]{1,4})\s+(hour|hours|day|days|month|months)\s*$")


@dataclass(frozen=True, order=True)
class Duration:
    """A span of time as the policy writes it; `amount is None` means lifetime."""

    amount: int | None
    unit: Unit | None

    @property
    def is_lifetime(self) -> bool:
        return self.amount is None

    def __str__(self) -> str:
        if self.amount is None:
            return "lifetime"
        unit = str(self.unit)
        return f"{self.amount} {unit if self.amount != 1 else unit[:-1]}"

    def add_to_date(self, start: date) -> date | None:
        """The date `start + self`; None for lifetime. Hours are rounded down to whole days."""
        if self.amount is None:
            return None
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        return start + timedelta(days=self.amount // 24)

    def add_to_instant(self, start: datetime) -> datetime | None:
        """The instant `start + self`; hours and days are exact, months are calendar months.

        Python adds a timedelta to the wall clock of a zone-aware datetime, so across a DST
        change `+ 24 hours` would be 23 or 25 real hours: exact spans are added in UTC.
        """
        if self.amount is None:
            return None
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        span = timedelta(days=self.amount) if self.unit == "days" else timedelta(hours=self.amount)
        if start.tzinfo is None:
            return start + span
        return (start.astimezone(UTC) + span).astimezone(start.tzinfo)

    def months_text(self) -> str:
        """The policy's own wording of a ban's length: '3 month', '12 month', '10 day'."""
        if self.amount is None:
            return "Permanent"
        return f"{self.amount} {str(self.unit)[:-1]}"


LIFETIME = Duration(None, None)


def parse_duration(text: str | int | None) -> Duration:
    """Parse `<n> hours|days|months` or `lifetime`; a UsageError names the accepted forms."""
    if text is None:
        raise UsageError(
            "a duration is missing: write '<n> hours', '<n> days', '<n> months' or 'lifetime'"
        )
    raw = str(text).strip().lower()
    if raw == "lifetime":
        return LIFETIME
    match = _PATTERN.match(raw)
    if not match:
        raise UsageError(
            f"'{text}' is not a duration: write '<n> hours', '<n> days', '<n> months' or 'lifetime'"
        )
    amount = int(match.group(1))
    if amount <= 0:
        raise UsageError(f"'{text}' is not a duration: the number must be at least 1")
    return Duration(amount, UNITS[match.group(2).removesuffix("s")])
