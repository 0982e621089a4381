"""The ledger's vocabulary as pydantic models: the schema of policy, people, sanctions and cases
(SPEC §2: the files of a ledger repository).

Models forbid unknown keys so a typo in a hand-edited file is reported, not ignored. The types of
their fields are in `fields`; the keys an expunged record keeps, in `tombstones`.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from . import zones
from .durations import Duration
from .fields import (
    COUNTED_STATUSES,
    SEALED_PREFIX,
    CaseId,
    Day,
    DurationField,
    Email,
    EventAction,
    Instant,
    Name,
    Party,
    PersonId,
    Reason,
    Recipient,
    SanctionId,
    SanctionKind,
    SanctionStatus,
    SealableEmail,
    SealableName,
    SealablePersonId,
    SealableReason,
    SealableText,
    Short,
    TimeZoneName,
)
from .tombstones import (
    APPEAL_TOMBSTONE_KEYS,
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
)

M = TypeVar("M", bound=BaseModel)


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

    @property
    def members(self) -> tuple[str, ...]:
        """The lead and the council members, in roster order, each once: who acts as the
        council and reads sealed records (the lead sits on the council, docs/rules.md)."""
        return tuple(dict.fromkeys((self.project_lead, *self.council)))


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
    sealed: bool = False
    """SPEC §8: the confidential fields are sealed to those who may read them (`coc seal`)."""
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
    name: SealableName
    email: SealableEmail | None = None
    handles: dict[str, str] = Field(default_factory=dict)
    key: Recipient | None = None
    """SPEC §8 Keys: the public recipient of a council member's identity (`coc key add`)."""


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
    reason: SealableReason | None = None
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
    note: SealableReason | None = None
    again: bool | None = None
    """SPEC §3 The same thing twice: recorded on purpose (`--again`) though it repeats an earlier
    record: a report like an open case's, a notice of a step the party was already told of."""


class CaseDeadlines(Model):
    council_notice: Instant
    respondent_response: Day | None = None
    review_from: Day | None = None


class Case(Model):
    id: CaseId
    status: Literal["open", "closed", "expunged"] = "open"
    received_at: Instant
    received_by: PersonId | None = None
    reporter: SealablePersonId | None = None
    """Sealed in a sealed ledger when the reporter asked to stay anonymous (SPEC §8)."""
    anonymous_reporter: bool = False
    respondent: PersonId | None = None
    witnesses: tuple[PersonId, ...] = ()
    conflicts: tuple[PersonId, ...] = ()
    occurred_on: Day | None = None
    setting: Literal["public", "private"] = "private"
    categories: tuple[str, ...] = ()
    serious: bool = False
    summary: SealableText | None = None
    shared_summary: SealableText | None = None
    """What the reported person and witnesses read instead of `summary` (`coc report share
    --summary-file`); required when the reporter is anonymous."""
    response: SealableText | None = None
    committee: tuple[PersonId, ...] = ()
    review_meeting: Day | None = None
    deadlines: CaseDeadlines
    sealed_for: tuple[PersonId, ...] | None = None
    """SPEC §8 Who can read: the members its data key is wrapped to (`sealing.readers`)."""
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

    def first(self, action: str) -> Event | None:
        return next((event for event in self.timeline if event.action == action), None)

    @property
    def parties(self) -> set[str]:
        """Everyone the case names as involved: its reporter, respondent and witnesses, and the
        members who declared a conflict in it (whose record it is, for expiry and `coc log`).
        Whether someone may act on it is `council.conflicted`'s to say, as of each step. A sealed
        reporter (anonymous, SPEC §8) is named only once opened."""
        named = {self.reporter, self.respondent, *self.witnesses, *self.conflicts}
        return {person for person in named if person and not person.startswith(SEALED_PREFIX)}
