"""Closing a case once the council has nothing more to decide on it."""

from __future__ import annotations

from datetime import datetime

from ..errors import RefusedError
from ..ledger import Ledger
from ..models import Event, Person
from . import Outcome, append_event, commit


def close(ledger: Ledger, actor: Person, at: datetime, case_id: str, reason: str | None) -> Outcome:
    """A case leaves `case list --open` when decided: no sanction of it may still be pending."""
    case = ledger.case(case_id)
    if case.status != "open":
        raise RefusedError(f"{case_id} is already {case.status}")
    pending = [s.id for s in ledger.sanctions_of_case(case_id) if s.status == "proposed"]
    if pending:
        raise RefusedError(
            f"{case_id} has a proposed sanction to enact or reject first: {', '.join(pending)}"
        )
    event = Event(at=at, action="closed", by=actor.id, note=reason)
    _, files = append_event(ledger, case_id, event, status="closed")
    change = commit(f"case close {case_id}", "case close", actor, files, case=case_id)
    return Outcome(change, {"case": case_id, "status": "closed"}, f"Closed {case_id}.")
