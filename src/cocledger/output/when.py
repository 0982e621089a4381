"""Dates and instants as people read them: an instant in the policy's time zone, labelled with
the zone's abbreviation (`2026-03-11 00:00 MST`), a date as it is."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def shown(value: str | None, zone: str | None = None) -> str:
    """ISO text from the ledger or --json, for a table: `-` for nothing; an instant to the
    minute, in `zone` when given, labelled."""
    if not value:
        return "-"
    if "T" not in value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    if zone:
        moment = moment.astimezone(ZoneInfo(zone))
    label = moment.tzname() or moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {label}"
