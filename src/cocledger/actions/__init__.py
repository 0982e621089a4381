"""One function per action: (Snapshot, actor, at, args) -> Outcome. Pure: the snapshot and the
moment come in, the records to write come out as a Change; `store.repository` commits it.

Every action asks the gate (`gate`, over `core.gate.permit`) before it computes anything, and
changes a status only through the table's `record`, `move` and `create`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ..core import bidi, rules, transitions
from ..core.change import Change
from ..core.fields import LIMITS
from ..core.gate import ask, permit
from ..core.models import Case, Person, Sanction, evolve
from ..core.snapshot import Snapshot
from ..core.state import walk
from ..core.transitions import Step
from ..errors import RefusedError, UsageError


def gate(
    snap: Snapshot,
    name: str,
    actor: Person,
    at: datetime,
    case: Case | None = None,
    sanction: Sanction | None = None,
    upto: int | None = None,
    **args: Any,
) -> Step:
    """Ask the gate (`core.gate.permit`) whether `actor` may take step `name` at `at`: on the case
    and its sanctions as they stood then (a step recorded late is judged where it lands), with
    the sanctions of the person concerned for the order of decisions and the offence."""
    person = sanction.person if sanction is not None else (case.respondent if case else None)
    sanctions = {s.id: s for s in snap.sanctions_of_case(case.id)} if case else {}
    if sanction is not None:
        sanctions[sanction.id] = sanction
    record = snap.sanctions_of(person) if person else ()
    question = ask(snap.policy, name, actor.id, at, case, sanction, sanctions, record, upto, **args)
    return permit(question)


def step_case(
    snap: Snapshot,
    step: Step,
    case: Case,
    actor: Person,
    at: datetime,
    changes: Mapping[str, object] | None = None,
    **event: object,
) -> Case:
    """The case after one step: its event in the timeline where it happened (a step recorded
    late lands before the later ones, which must still pass the gate: `perform.check_result`
    replays them), the fields the step sets, and what its events make of it: the committee, the
    review meeting and the stored deadlines."""
    moved = transitions.record(
        step, case, transitions.event(step, at, actor.id, **event), **(changes or {})
    )
    state = walk(snap.policy, moved, {})
    return evolve(
        moved,
        committee=state.committee,
        review_meeting=state.review_meeting,
        deadlines=rules.case_deadlines(moved, snap.policy),
    )


def change_of(
    snap: Snapshot,
    step: Step,
    actor: Person,
    at: datetime,
    case: Case,
    sanctions: Sequence[Sanction] = (),
    subject: str | None = None,
    about: str | None = None,
) -> Change:
    """One commit for one step on a case and the sanctions it changes; `about` (by default the
    first of them) is the sanction its trailer names. SPEC §5: the subject and trailers carry
    ids and the acting member only, never a party. (A step recorded late stands only if every
    step after it still passes the gate: `perform.check_result` replays the case.)"""
    about = about or (sanctions[0].id if sanctions else None)
    default = f"{step.action} {about} ({case.id})" if about else f"{step.action} {case.id}"
    return Change(
        subject or default,
        step.action,
        actor.id,
        at,
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


def text(value: str | None, flag: str, limit: str) -> str | None:
    """Free text a person typed, kept exactly as given (a pasted log keeps its tabs), but for a
    one-line name, which is stripped; blank or longer than `LIMITS[limit]` is refused with the
    flag's name (None stays None: the flag was not given), and so is a bidirectional control
    character (SPEC §4: names, handles and conduct texts; every text here, since `coc validate`
    reports one in any file, CL092)."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{flag} is empty: write it, or leave {flag} out")
    kept = value.strip() if limit == "name" else value
    most = LIMITS[limit]
    if len(kept) > most:
        raise UsageError(f"{flag} is {len(kept):,} characters long: at most {most:,}")
    hidden = next(bidi.found(kept), None)
    if hidden is not None:
        index, char = hidden
        raise RefusedError(
            f"{flag} holds {bidi.named(char)} at character {index + 1}: a bidirectional control "
            "makes text show in another order than it is stored (a name could read as another "
            "on the published page or in an e-mail); remove it",
            "CL092",
        )
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
