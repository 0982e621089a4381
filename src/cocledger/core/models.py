"""The ledger's vocabulary as pydantic models: the schema of policy, people, sanctions and cases.

Models forbid unknown keys so a typo in a hand-edited file is reported, not ignored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_serializer,
    model_validator,
)

from . import zones
from .durations import DURATION_PATTERN, Duration, parse_written
from .ids import CASE_ID_PATTERN, PERSON_ID_PATTERN, SANCTION_ID_PATTERN

M = TypeVar("M", bound=BaseModel)

YEARS = (1900, 2999)
"""The years a ledger's dates lie in: far enough for any record, with room for their arithmetic
(a ban's end, 18 months on record); a year 9999 date would overflow it (issue 14.2)."""


D = TypeVar("D", bound=date)


def in_years(value: date) -> bool:
    """Whether a day, or an instant in every time zone (9999-12-31T23:59-12:00 is year 10000 in
    UTC), lies within YEARS."""
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


class Model(BaseModel):
    """Base for every ledger record: unknown keys are errors, and a record never changes in
    place: `evolve` makes a validated copy."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def evolve(model: M, **changes: Any) -> M:
    """A copy of `model` with `changes`, validated as a loaded record is. The keys the file set
    stay set, so policy.yaml is written back without defaults creeping into it."""
    data = {key: getattr(model, key) for key in model.model_fields_set}
    data.update(changes)
    return type(model).model_validate(data)


# --- policy.yaml -------------------------------------------------------------------------------


class Roster(Model):
    project_lead: PersonId
    council: tuple[PersonId, ...]


class CommitteeRule(Model):
    min_size: int = Field(3, ge=1)


class Deadlines(Model):
    council_notice: DurationField
    respondent_response: DurationField
    apology: DurationField

    @field_validator("council_notice", "respondent_response", "apology")
    @classmethod
    def _has_an_end(cls, value: Duration) -> Duration:
        """A deadline falls on a day: 'lifetime' would be no deadline at all."""
        if value.is_lifetime:
            raise ValueError(
                "a deadline cannot be 'lifetime': write '<n> hours', '<n> days' or '<n> months'"
            )
        return value


class Rung(Model):
    """One row of the ladder: the sanction recommended for an offence number."""

    offence: int = Field(ge=1)
    kind: SanctionKind
    duration: DurationField | None = None
    apology: Literal["required"] | None = None
    refusal_escalates: bool = False
    vote: Literal["full_council_majority", "full_council_unanimous"] | None = None

    @model_validator(mode="after")
    def _duration_fits_kind(self) -> Rung:
        if self.kind == "ban" and (self.duration is None or self.duration.is_lifetime):
            raise ValueError("a 'ban' rung needs a duration such as '3 months'")
        if self.kind in ("warning", "lifetime_ban") and self.duration is not None:
            raise ValueError(f"a '{self.kind}' rung takes no duration")
        if self.duration is not None and self.duration.unit == "hours":
            raise ValueError("a sanction lasts whole days: write its duration in days or months")
        return self


class Appeals(Model):
    allowed_for: tuple[SanctionKind, ...] = ("ban", "lifetime_ban")


class Meeting(Model):
    date: Day
    kind: Literal["ordinary", "extraordinary"] = "ordinary"


class Transparency(Model):
    suppress_below: int = Field(3, ge=1)


class Policy(Model):
    """policy.yaml: the process as data, so another community can change numbers, not code."""

    community: Name
    timezone: TimeZoneName = "UTC"
    roster: Roster
    committee: CommitteeRule = Field(default_factory=CommitteeRule)
    deadlines: Deadlines
    record_retention_after_ban: DurationField
    record_retention_after_warning: DurationField | None = None
    record_retention_after_close: DurationField | None = None
    """A case closed with no sanction on record leaves the record this long after it was closed
    (None: such cases are kept; `coc validate` warns while the key is not set at all)."""
    ladder: tuple[Rung, ...] = Field(min_length=1)
    appeals: Appeals = Field(default_factory=Appeals)
    meetings: tuple[Meeting, ...] = ()
    channels: tuple[str, ...] = ()
    contact: Email | Literal[""] = ""
    categories: tuple[str, ...] = ()
    require_signed_commits: bool = False
    transparency: Transparency = Field(default_factory=Transparency)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not zones.is_known(value):  # never a path given to ZoneInfo: see `zones`
            raise ValueError(f"unknown time zone '{value}': use an IANA name like 'UTC'")
        return value

    @field_validator("ladder")
    @classmethod
    def _ladder_in_order(cls, rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
        numbers = [rung.offence for rung in rungs]
        if numbers != list(range(1, len(rungs) + 1)):
            raise ValueError("the ladder's offences must be numbered 1, 2, 3, ... in order")
        return rungs

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# --- people.yaml -------------------------------------------------------------------------------


class Person(Model):
    id: PersonId
    name: Name
    email: Email | None = None
    handles: dict[str, str] = Field(default_factory=dict)


class PeopleFile(Model):
    people: tuple[Person, ...] = ()


# --- sanctions.yaml ----------------------------------------------------------------------------


class Vote(Model):
    member: PersonId
    vote: Literal["yes", "no"]
    at: Instant
    recorded_by: PersonId | None = None
    """Who recorded a vote the member gave at a meeting (`--on-behalf`); None: the member."""


class Appeal(Model):
    filed_on: Day
    filed_by: PersonId | None = None
    reason: Reason | None = None
    """The grounds (required on record; a tombstone keeps only APPEAL_TOMBSTONE_KEYS)."""
    outcome: Literal["upheld", "overturned", "reduced"] | None = None
    decided_on: Day | None = None
    decided_by: tuple[PersonId, ...] = ()
    reduced_from: DurationField | None = None


class Sanction(Model):
    """One entry of the register. Stored computed fields are for readers; validate recomputes them."""

    id: SanctionId
    case: CaseId | None = None
    person: PersonId | None = None
    kind: SanctionKind
    duration: DurationField | None = None
    offence: int = Field(ge=1)
    status: SanctionStatus
    status_on: Day  # the day the current status took effect (so history can be recomputed)
    decided_on: Day
    proposed_by: PersonId | None = None
    enacted_by: PersonId | None = None
    enacted_on: Day | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    expunges_on: Day | None = None
    apology_due: Day | None = None
    apology: Literal["delivered", "refused"] | None = None
    apology_recorded_on: Day | None = None
    conduct: Short | None = None
    deviation_reason: Reason | None = None
    escalated_from: SanctionId | None = None
    escalated_to: SanctionId | None = None
    votes: tuple[Vote, ...] = ()
    appeal: Appeal | None = None

    @model_validator(mode="after")
    def _parties_unless_tombstone(self) -> Sanction:
        if self.status != "expunged" and (self.person is None or self.case is None):
            raise ValueError("a sanction on record needs 'person' and 'case'")
        if self.status != "expunged" and self.appeal is not None and not self.appeal.reason:
            raise ValueError("appeal.reason: an appeal on record says on what grounds")
        return self

    @property
    def counts(self) -> bool:
        """Policy, Proposed sanctions: only these statuses make an offence on the record."""
        return self.status in COUNTED_STATUSES

    @model_serializer(mode="wrap")
    def _tombstone_keys_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An expunged sanction is written back as its tombstone, never with defaults like votes."""
        data: dict[str, Any] = handler(self)
        if self.status != "expunged":
            return data
        kept = {k: v for k, v in data.items() if k in SANCTION_TOMBSTONE_KEYS}
        if isinstance(kept.get("appeal"), dict):
            kept["appeal"] = {k: v for k, v in kept["appeal"].items() if k in APPEAL_TOMBSTONE_KEYS}
        return kept


class SanctionsFile(Model):
    sanctions: tuple[Sanction, ...] = ()


# --- cases/<year>/<id>.yaml ---------------------------------------------------------------------


class Event(Model):
    """One entry of a case's append-only timeline."""

    at: Instant
    action: EventAction
    by: PersonId
    members: tuple[PersonId, ...] | None = None
    meeting: Day | None = None
    sanction: SanctionId | None = None
    party: Party | None = None
    note: Reason | None = None


class CaseDeadlines(Model):
    council_notice: Instant
    respondent_response: Day | None = None
    review_from: Day | None = None


class Case(Model):
    id: CaseId
    status: Literal["open", "closed", "expunged"] = "open"
    received_at: Instant
    received_by: PersonId | None = None
    reporter: PersonId | None = None
    anonymous_reporter: bool = False
    respondent: PersonId | None = None
    witnesses: tuple[PersonId, ...] = ()
    conflicts: tuple[PersonId, ...] = ()
    occurred_on: Day | None = None
    setting: Literal["public", "private"] = "private"
    categories: tuple[str, ...] = ()
    serious: bool = False
    summary: Long | None = None
    shared_summary: Long | None = None
    """What the reported person and witnesses read instead of `summary` (`coc report share
    --summary-file`); required when the reporter is anonymous."""
    response: Long | None = None
    committee: tuple[PersonId, ...] = ()
    review_meeting: Day | None = None
    deadlines: CaseDeadlines
    timeline: tuple[Event, ...] = ()

    @model_validator(mode="after")
    def _parties_unless_tombstone(self) -> Case:
        if self.status != "expunged" and (
            self.received_by is None or self.reporter is None or self.respondent is None
        ):
            raise ValueError("a case on record needs 'received_by', 'reporter' and 'respondent'")
        return self

    @model_serializer(mode="wrap")
    def _tombstone_keys_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An expunged case is written back as its tombstone (events keep EVENT_TOMBSTONE_KEYS)."""
        data: dict[str, Any] = handler(self)
        if self.status != "expunged":
            return data
        kept = {k: v for k, v in data.items() if k in CASE_TOMBSTONE_KEYS}
        if isinstance(kept.get("timeline"), list):
            kept["timeline"] = [
                {k: v for k, v in e.items() if k in EVENT_TOMBSTONE_KEYS} for e in kept["timeline"]
            ]
        return kept

    def events(self, action: str) -> list[Event]:
        return [event for event in self.timeline if event.action == action]

    def with_event(self, event: Event, **changes: Any) -> Case:
        """The case with `event` appended to its timeline (and `changes`), validated."""
        return evolve(self, timeline=(*self.timeline, event), **changes)

    def first(self, action: str) -> Event | None:
        return next((event for event in self.timeline if event.action == action), None)

    @property
    def parties(self) -> set[str]:
        """SPEC §3 Recusal: everyone conflicted in the case (reporter, respondent, witnesses and
        declared conflicts), who never acts on it nor sits on its committee."""
        named = {self.reporter, self.respondent, *self.witnesses, *self.conflicts}
        return {person for person in named if person}


# --- tombstones: what `coc expunge` keeps of a record that has left it (SPEC §3 Expiry) ---------

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
