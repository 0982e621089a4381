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
DURATION_PATTERN = r"^(lifetime|([1-9][0-9]{0,3}) (hour|hours|day|days|month|months))$"
"""A duration as the ledger's files write it: the one pattern the reader below and the JSON
Schemas (`coc schema`, for editors) check, so an editor flags exactly what validate reports."""
_WRITTEN = re.compile(DURATION_PATTERN)
_FORMS = "write '<n> hours', '<n> days', '<n> months' or 'lifetime'"


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
    """What a person types (a flag): spacing and case are forgiven, then it is read as written."""
    if text is None:
        raise UsageError(f"a duration is missing: {_FORMS}")
    return parse_written(" ".join(str(text).split()).lower(), shown=text)


def parse_written(text: str, shown: str | int | None = None) -> Duration:
    """A duration as a file holds it: exactly DURATION_PATTERN (fullmatch, as JSON Schema's `$`
    lets no trailing newline through); a UsageError says what to write instead."""
    shown = text if shown is None else shown
    match = _WRITTEN.fullmatch(text)
    if match is None:
        lenient = " ".join(text.split()).lower()
        if lenient != text and _WRITTEN.fullmatch(lenient):
            raise UsageError(f"'{shown}' is not how a duration is written: write '{lenient}'")
        if re.fullmatch(r"0+ (hour|hours|day|days|month|months)", lenient):
            raise UsageError(f"'{shown}' is not a duration: the number must be at least 1")
        raise UsageError(f"'{shown}' is not a duration: {_FORMS}")
    if match.group(2) is None:
        return LIFETIME
    return Duration(int(match.group(2)), UNITS[match.group(3).removesuffix("s")])
