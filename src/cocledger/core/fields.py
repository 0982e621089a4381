"""The types of the ledger's fields, as the models check them: days and instants within YEARS,
ids, names and free text within LIMITS, e-mail addresses, durations, time zones, and the closed
vocabularies (a sanction's kind and status, a party, a timeline event's action).

A hand-edited file is checked value by value against these (SPEC §2: the ledger is files people
edit; SPEC §5: untrusted input gives a message, never a traceback), and the JSON Schemas say the same.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    PlainSerializer,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)

from . import zones
from .durations import DURATION_PATTERN, Duration, parse_written
from .ids import CASE_ID_PATTERN, PERSON_ID_PATTERN, SANCTION_ID_PATTERN

YEARS = (1900, 2999)
"""The years a ledger's dates lie in: far enough for any record, with room for their arithmetic
(a ban's end, 18 months on record); a year 9999 date would overflow it (issue 14.2)."""


D = TypeVar("D", bound=date)


def in_years(value: date) -> bool:
    """Whether a day, or an instant in every time zone (9999-12-31T23:59-12:00 is year 10000 in
    UTC), lies within YEARS."""
    if YEARS[0] < value.year < YEARS[1]:  # an offset moves an instant by less than a day
        return True
    try:
        year = value.astimezone(UTC).year if isinstance(value, datetime) else value.year
    except OverflowError:
        return False
    return YEARS[0] <= year <= YEARS[1]


def _in_years(value: D) -> D:
    if not in_years(value):
        raise ValueError(
            f"{value.isoformat()} is out of range: dates lie between {YEARS[0]} and {YEARS[1]}"
        )
    return value


Day = Annotated[date, AfterValidator(_in_years)]
Instant = Annotated[AwareDatetime, AfterValidator(_in_years)]

PersonId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]

LIMITS = {"name": 200, "short": 500, "reason": 2_000, "text": 20_000}
"""Free text is capped (characters): a name, a published conduct summary ('short'), a reason,
a report's summary or a response ('text')."""
EMAIL_PATTERN = r"^[^@\s\x85\ufeff]+@[^@\s\x85\ufeff]+\.[^@\s\x85\ufeff.]+$"
"""An e-mail address as the schema and the models check it; what a person types is checked by
email-validator as well (`actions.email`). NEL and BOM are named: white space to pydantic's (Rust)
regular expressions holds the one, to JSON Schema's (ECMA 262) the other; both refuse the same."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Name = Annotated[
    str, StringConstraints(min_length=1, max_length=LIMITS["name"]), AfterValidator(_not_blank)
]
Short = Annotated[
    str, StringConstraints(min_length=1, max_length=LIMITS["short"]), AfterValidator(_not_blank)
]
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=LIMITS["reason"]), AfterValidator(_not_blank)
]
Long = Annotated[
    str, StringConstraints(min_length=1, max_length=LIMITS["text"]), AfterValidator(_not_blank)
]


Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]

SEALED_PREFIX = "coc-sealed:"
SEALED_PATTERN = r"^coc-sealed:v1:[0-9a-f]{16}:[A-Za-z0-9_-]{22,}$"
"""SPEC §8 A sealed field: the version, the id of its record's data key, and the AES-SIV
ciphertext (base64url, no padding) of the text, bound to its record and field (`store.crypto`)."""
_SEALED = re.compile(SEALED_PATTERN)


def _sealed_or(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A sealed value is taken as it is (if well-formed); any other is checked as the field's
    clear text is: the same errors, at the same place, as before sealing existed."""
    if isinstance(value, str) and value.startswith(SEALED_PREFIX):
        if _SEALED.match(value) is None or len(value) > 60_000:
            raise ValueError(
                "not a well-formed sealed value (coc-sealed:v1:<key id>:<ciphertext>): it was "
                "altered; restore it from git history"
            )
        return value
    return handler(value)


def _sealable(clear: dict[str, Any]) -> tuple[WrapValidator, WithJsonSchema]:
    """A confidential field: its clear text, or that text sealed (SPEC §8)."""
    return WrapValidator(_sealed_or), WithJsonSchema(
        {"anyOf": [clear, {"type": "string", "pattern": SEALED_PATTERN}]}
    )


SealableEmail = Annotated[
    Email, *_sealable({"type": "string", "pattern": EMAIL_PATTERN, "maxLength": 254})
]
SealableReason = Annotated[
    Reason, *_sealable({"type": "string", "minLength": 1, "maxLength": LIMITS["reason"]})
]
SealableText = Annotated[
    Long, *_sealable({"type": "string", "minLength": 1, "maxLength": LIMITS["text"]})
]
SealableName = Annotated[
    Name, *_sealable({"type": "string", "minLength": 1, "maxLength": LIMITS["name"]})
]
"""A person's name: sealed with their contact details unless a ban names them (`sealing`)."""
SealablePersonId = Annotated[PersonId, *_sealable({"type": "string", "pattern": PERSON_ID_PATTERN})]
"""A case's reporter: sealed when anonymous (SPEC §8 What is sealed)."""
RECIPIENT_PATTERN = r"^(age1[02-9ac-hj-np-z]{58}|ssh-ed25519 [A-Za-z0-9+/]{68})$"
"""SPEC §8 Keys: an age X25519 recipient, or an SSH ed25519 public key (its type and key only)."""
Recipient = Annotated[str, StringConstraints(pattern=RECIPIENT_PATTERN)]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
SanctionId = Annotated[str, StringConstraints(pattern=SANCTION_ID_PATTERN)]


def _to_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError("a duration is text like '3 months', '7 days', '24 hours' or 'lifetime'")
    try:
        return parse_written(value)
    except Exception as exc:  # UsageError from the parser carries the readable message
        raise ValueError(str(exc)) from None


DurationField = Annotated[
    Duration,
    BeforeValidator(_to_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN}),
]


class _ZoneNames:
    """A time zone's JSON Schema: the enum of exactly the names the model accepts (`zones`)."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(zones.names())}


TimeZoneName = Annotated[str, _ZoneNames()]

SanctionKind = Literal["warning", "ban", "lifetime_ban", "other"]
SanctionStatus = Literal[
    "proposed", "enacted", "escalated", "rejected", "withdrawn", "overturned", "expunged"
]
COUNTED_STATUSES: frozenset[str] = frozenset({"proposed", "enacted", "escalated"})
STOPPED_STATUSES: frozenset[str] = frozenset({"rejected", "withdrawn", "overturned"})
OFF_RECORD: frozenset[str] = STOPPED_STATUSES | {"expunged"}
Party = Literal["offender", "offended", "council", "witnesses"]
EventAction = Literal[
    "received",
    "council_notified",
    "committee_formed",
    "shared",
    "response_received",
    "reviewed",
    "sanction_proposed",
    "sanction_enacted",
    "sanction_rejected",
    "vote_recorded",
    "apology_recorded",
    "appeal_filed",
    "appeal_decided",
    "notified",
    "conflict_declared",
    "closed",
]
