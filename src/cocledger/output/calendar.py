"""`coc due --format ics`: the deadlines as an iCalendar (RFC 5545) file a calendar can subscribe to.

Privacy by construction, as `core.bans.PublishedBan` is for the published page: an event is built
from an allow-list (the kind, the case and sanction ids, the party's role, the command that
records it done), never from the item's free text or person, so no party's name, id, e-mail,
summary or category reaches a calendar (which is seen by more people and services than the
ledger). A date is an all-day event; an instant a timed one, written in UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from .process import WHAT

if TYPE_CHECKING:
    from ..core.due_item import DueItem

PRODID = "-//cocledger//coc due//EN"
UID_DOMAIN = "cocledger"
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cocledger.invalid/due")
"""Fixed forever: changing it would give every subscribed event a new identity (duplicates)."""
REFRESH = timedelta(hours=1)
"""How often a subscribed calendar should fetch the file again (RFC 7986 REFRESH-INTERVAL, and
X-PUBLISHED-TTL for clients that read only that): the council notice is due within hours."""


def uid(community: str, item: DueItem) -> str:
    """The same (community, kind, case, sanction, party) always gives the same UID, so a
    subscribed calendar updates an event (a new date, overdue) instead of adding another."""
    key = "\x1f".join(
        [community, item.kind, item.case or "", item.sanction or "", item.party or ""]
    )
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@{UID_DOMAIN}"


def summary(community: str, item: DueItem) -> str:
    """`[Mautic CoC] apology COC-2026-0001 S-2026-0002`, with OVERDUE in front when late."""
    what = WHAT.get(item.kind, item.kind)
    if item.party:
        what = f"{what} {item.party}"
    ids = " ".join(i for i in (item.case, item.sanction) if i)
    late = "OVERDUE " if item.overdue else ""
    return f"{late}[{community} CoC] {what} {ids}".rstrip()


def description(item: DueItem) -> str:
    """Ids, kinds and the command only (never `item.detail`, which may name witnesses)."""
    rows = [
        ("kind", item.kind),
        ("case", item.case),
        ("sanction", item.sanction),
        ("party", item.party),
        ("meeting", item.meeting.isoformat() if item.meeting else None),
        ("overdue", "yes" if item.overdue else None),
        ("record it with", item.command),
    ]
    return "\n".join(f"{name}: {value}" for name, value in rows if value)


def ics(items: Sequence[DueItem], community: str, stamp: datetime) -> bytes:
    """Every dated item as a VEVENT (an item with no date yet, such as a report not shared, has no
    place in a calendar and is left out); `stamp` is when the file was made (DTSTAMP)."""
    from datetime import UTC

    from icalendar import Calendar, Event, vDuration  # only `coc due --format ics` needs it

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{community} Code of Conduct deadlines")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for item in items:
        if item.due is None:
            continue
        event = Event()
        event.add("uid", uid(community, item))
        event.add("sequence", item.revision)  # grows when the date may have moved (RFC 5545)
        event.add("dtstamp", stamp.astimezone(UTC))
        if isinstance(item.due, datetime):  # an instant: a moment, with no length (RFC 5545 3.6.1)
            event.add("dtstart", item.due.astimezone(UTC))
        else:
            event.add("dtstart", item.due)
            event.add("dtend", _next_day(item.due))
        event.add("summary", summary(community, item))
        event.add("description", description(item))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def dated(items: Sequence[DueItem]) -> int:
    """How many of the items become events."""
    return sum(1 for item in items if item.due is not None)


def _next_day(day: date) -> date:
    return day + timedelta(days=1)
