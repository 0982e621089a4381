"""Closing a case once the council has nothing more to decide on it."""

from __future__ import annotations

from datetime import datetime

from ..core.change import Outcome
from ..core.models import Person
from ..core.snapshot import Snapshot
from . import change_of, gate, step_case, text


def close(snap: Snapshot, actor: Person, at: datetime, case_id: str, reason: str | None) -> Outcome:
    """A case leaves `case list --open` when decided: no sanction of it may still be pending."""
    case = snap.case(case_id)
    step = gate(snap, "case close", actor, at, case)
    new = step_case(snap, step, case, actor, at, note=text(reason, "--reason", "reason"))
    return Outcome(
        change_of(snap, step, actor, at, new),
        {"case": case_id, "status": new.status},
        f"Closed {case_id}.",
    )
