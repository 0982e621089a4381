"""One function per user action: (ledger, actor, at, args) -> Outcome, computed without touching disk.

`gitstore.apply` is the one place that makes an Outcome's ChangeSet so, atomically.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from .. import rules, yamlio
from ..defaults import CASE_HEADER
from ..errors import RefusedError
from ..gitstore import ChangeSet
from ..ledger import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, Ledger, case_path
from ..models import Case, Event, Person, Policy, Sanction
from ..registers import Register


@dataclass
class Outcome:
    """What an action did: the files to commit, machine-readable data and a line for people."""

    change: ChangeSet | None
    data: Any
    message: str
    details: list[str] = field(default_factory=list)


def data_of(model: BaseModel, only_set: bool = False) -> Any:
    """A model as the plain values the YAML files hold (dates as quoted ISO text)."""
    return model.model_dump(mode="json", exclude_none=True, exclude_unset=only_set)


def render(ledger: Ledger, relpath: str, model: BaseModel, only_set: bool = False) -> str:
    """The new text of one ledger file, keeping the comments of its current text."""
    return yamlio.dump(data_of(model, only_set), ledger.text(relpath))


def case_file(ledger: Ledger, case: Case) -> dict[str, str | None]:
    """A case file; a new one starts with the schema modeline editors use for completion."""
    relpath = case_path(case.id)
    text = render(ledger, relpath, case)
    return {relpath: text if ledger.text(relpath) is not None else CASE_HEADER + text}


def _register_file(
    ledger: Ledger,
    relpath: str,
    key: str,
    register: Register[Any],
    changed: Sequence[Any],
    removed: Collection[str] = (),
) -> dict[str, str | None]:
    """A register file rewritten entry by entry: only the changed or added entries are rendered
    (the whole file only when entries leave it, or its layout is not the tool's own)."""
    new = register.changed(changed).without(removed)
    items = {entry.id: data_of(entry) for entry in changed}
    previous = ledger.text(relpath)
    text = None if removed else yamlio.dump_items(previous, key, items, set(register.ids))
    if text is None:
        text = yamlio.dump({key: [data_of(entry) for entry in new.all()]}, previous)
    ledger.written[relpath] = (text, new)  # for the parse cache, once committed
    return {relpath: text}


def sanctions_file(ledger: Ledger, changed: Sequence[Sanction]) -> dict[str, str | None]:
    """sanctions.yaml with these sanctions in place of those of their id, new ones appended."""
    return _register_file(ledger, SANCTIONS_FILE, "sanctions", ledger.sanction_register, changed)


def people_file(
    ledger: Ledger, changed: Sequence[Person] = (), removed: Collection[str] = ()
) -> dict[str, str | None]:
    """people.yaml with these people added or changed, and those of `removed` gone."""
    register = ledger.people_register
    return _register_file(ledger, PEOPLE_FILE, "people", register, changed, removed)


def policy_file(ledger: Ledger, policy: Policy) -> dict[str, str | None]:
    """Only the keys the file sets are written back, so defaults do not creep into it."""
    return {POLICY_FILE: render(ledger, POLICY_FILE, policy, only_set=True)}


def commit(
    subject: str,
    action: str,
    actor: Person,
    files: dict[str, str | None],
    case: str | None = None,
    sanction: str | None = None,
) -> ChangeSet:
    """SPEC §5: subject and trailers carry ids and the acting member only, never a party."""
    trailers = {"Coc-Action": action}
    if case:
        trailers["Coc-Case"] = case
    if sanction:
        trailers["Coc-Sanction"] = sanction
    trailers["Coc-Actor"] = actor.id
    return ChangeSet(files=files, subject=subject, trailers=trailers)


def next_id(prefix: str, year: int, existing: list[str]) -> str:
    """Sortable, file-name-safe ids: PREFIX-YEAR-NNNN, one more than the highest of that year."""
    stem = f"{prefix}-{year:04d}-"
    numbers = [
        int(i[len(stem) :]) for i in existing if i.startswith(stem) and i[len(stem) :].isdigit()
    ]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


def not_before(day: date, earlier: date, what: str) -> None:
    """Timelines run forward: refuse an action dated before what it follows."""
    if day < earlier:
        raise RefusedError(f"--at {day} is before {what} ({earlier}); check the date")


def append_event(
    ledger: Ledger, case_id: str, event: Event, **changes: Any
) -> tuple[Case, dict[str, str | None]]:
    """Append an event to a case's timeline, which runs forward: none may predate the last event
    (or the receipt). `changes` are the case fields the same action sets; the stored deadlines
    are recomputed with the new event. An expunged case takes no more events."""
    case = ledger.case(case_id).model_copy(deep=True)
    if case.status == "expunged":
        raise RefusedError(f"{case_id} has been expunged: nothing more can be recorded on it")
    last = max([case.received_at, *(e.at for e in case.timeline)])
    if event.at < last:
        raise RefusedError(
            f"--at {event.at.isoformat()} is before the last event of {case_id} "
            f"({last.isoformat()}); check the date"
        )
    for key, value in changes.items():
        setattr(case, key, value)
    case.timeline = [*case.timeline, event]
    case.deadlines = rules.case_deadlines(case, ledger.policy)
    return case, case_file(ledger, case)


def parties_of(sanction: Sanction) -> tuple[str, str]:
    """The case and the person of a sanction on record; a tombstone has neither left."""
    if sanction.case is None or sanction.person is None:
        raise RefusedError(f"{sanction.id} has been expunged: nothing more can be recorded on it")
    return sanction.case, sanction.person


def in_order(ledger: Ledger, person: str, day: date, sanction: Sanction | None = None) -> None:
    """One person's sanctions are recorded in the order they happen. validate recomputes each
    offence from the sanctions decided before it and from the day each status took effect, so a
    decision dated before one already on record (or a status dated before the current one) would
    rewrite that history for good: refuse it."""
    if sanction is not None and day < sanction.status_on:
        raise RefusedError(
            f"--at {day} is before {sanction.id} was {sanction.status} ({sanction.status_on}); "
            "check the date"
        )
    mine = [s for s in ledger.sanctions_of(person) if s.status != "expunged"]
    latest = max(mine, key=rules.decision_order, default=None)
    if latest is not None and day < latest.decided_on:
        raise RefusedError(
            f"--at {day} is before {latest.id} was decided ({latest.decided_on}): "
            "record one person's sanctions in order"
        )
