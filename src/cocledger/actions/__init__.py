"""One function per action: (Snapshot, actor, at, args) -> Outcome. Pure: the snapshot and the
moment come in, the records to write come out as a Change; `store.repository` commits it.

Every action asks the gate (`core.transitions.permit`) before it computes anything, and changes
a status only through the gate's `record`, `move` and `create`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from ..core import rules, transitions
from ..core.change import Change
from ..core.models import LIMITS, Case, Person, Sanction, evolve
from ..core.snapshot import Snapshot
from ..core.transitions import Step
from ..errors import RefusedError, UsageError


def not_before(day: date, earlier: date, what: str) -> None:
    """Timelines run forward: refuse an action dated before what it follows."""
    if day < earlier:
        raise RefusedError(f"--at {day} is before {what} ({earlier}); check the date")


def step_case(
    snap: Snapshot,
    step: Step,
    case: Case,
    actor: Person,
    at: datetime,
    changes: Mapping[str, object] | None = None,
    **event: object,
) -> Case:
    """The case after one step: its event appended (none may predate the last one, or the
    receipt), the fields the step sets, and its stored deadlines recomputed from the rules."""
    last = max([case.received_at, *(e.at for e in case.timeline)])
    if at < last:
        raise RefusedError(
            f"--at {at.isoformat()} is before the last event of {case.id} "
            f"({last.isoformat()}); check the date"
        )
    moved = transitions.record(
        step, case, transitions.event(step, at, actor.id, **event), **(changes or {})
    )
    return evolve(moved, deadlines=rules.case_deadlines(moved, snap.policy))


def change_of(
    step: Step,
    actor: Person,
    case: Case,
    sanctions: Sequence[Sanction] = (),
    subject: str | None = None,
    about: str | None = None,
) -> Change:
    """One commit for one step on a case and the sanctions it changes; `about` (by default the
    first of them) is the sanction its trailer names. SPEC §5: the subject and trailers carry
    ids and the acting member only, never a party."""
    about = about or (sanctions[0].id if sanctions else None)
    default = f"{step.action} {about} ({case.id})" if about else f"{step.action} {case.id}"
    return Change(
        subject or default,
        step.action,
        actor.id,
        case.timeline[-1].at,  # the moment of the event the step recorded
        case=case.id,
        sanction=about,
        cases=(case,),
        sanctions=tuple(sanctions),
    )


def parties_of(sanction: Sanction) -> tuple[str, str]:
    """The case and the person of a sanction on record; a tombstone has neither left."""
    if sanction.case is None or sanction.person is None:
        raise RefusedError(f"{sanction.id} has been expunged: nothing more can be recorded on it")
    return sanction.case, sanction.person


def in_order(snap: Snapshot, person: str, day: date, sanction: Sanction | None = None) -> None:
    """One person's sanctions are recorded in the order they happen. validate recomputes each
    offence from the sanctions decided before it and from the day each status took effect, so a
    decision dated before one already on record (or a status dated before the current one) would
    rewrite that history for good: refuse it."""
    if sanction is not None and day < sanction.status_on:
        raise RefusedError(
            f"--at {day} is before {sanction.id} was {sanction.status} ({sanction.status_on}); "
            "check the date"
        )
    mine = [s for s in snap.sanctions_of(person) if s.status != "expunged"]
    latest = max(mine, key=rules.decision_order, default=None)
    if latest is not None and day < latest.decided_on:
        raise RefusedError(
            f"--at {day} is before {latest.id} was decided ({latest.decided_on}): "
            "record one person's sanctions in order"
        )


def text(value: str | None, flag: str, limit: str) -> str | None:
    """Free text a person typed, kept exactly as given (a pasted log keeps its tabs), but for a
    one-line name, which is stripped; blank or longer than `LIMITS[limit]` is refused with the
    flag's name (None stays None: the flag was not given)."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{flag} is empty: write it, or leave {flag} out")
    kept = value.strip() if limit == "name" else value
    most = LIMITS[limit]
    if len(kept) > most:
        raise UsageError(f"{flag} is {len(kept):,} characters long: at most {most:,}")
    return kept


def email(value: str | None, flag: str) -> str | None:
    """An e-mail address a person typed, checked by email-validator (pydantic's EmailStr)."""
    if value is None:
        return None
    from pydantic import EmailStr, TypeAdapter, ValidationError

    try:
        return str(TypeAdapter(EmailStr).validate_python(value.strip()))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("value is not a valid email address: ")
        raise UsageError(f"{flag} {value!r} is not an e-mail address: {reason}") from None
