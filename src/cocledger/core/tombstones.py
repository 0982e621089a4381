"""What `coc expunge` keeps of a record that has left the record: the keys of its tombstone
(SPEC §3 Expiry of records: the counts of `coc stats` survive, never a person).

The models write an expunged record back with these keys only; `core.expiry` makes tombstones of
them, and `validate` checks that a tombstone holds nothing more.
"""

from __future__ import annotations

SANCTION_TOMBSTONE_KEYS: frozenset[str] = frozenset(
    {
        "id",
        "kind",
        "duration",
        "offence",
        "status",
        "status_on",
        "decided_on",
        "enacted_on",
        "starts_on",
        "ends_on",
        "expunges_on",
        "apology_due",
        "apology",
        "apology_recorded_on",
        "appeal",
    }
)
"""SPEC §3 Expiry: what the counts of `coc stats` need (kind, dates, outcomes), never a person."""
APPEAL_TOMBSTONE_KEYS: frozenset[str] = frozenset({"filed_on", "outcome", "decided_on"})
CASE_TOMBSTONE_KEYS: frozenset[str] = frozenset(
    {"id", "status", "received_at", "deadlines", "timeline", "categories"}
)
EVENT_TOMBSTONE_KEYS: frozenset[str] = frozenset(
    {"at", "action", "by", "meeting", "sanction", "party"}
)
