"""What the read-only queries show, as plain data: the CLI prints it as JSON or through render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from . import rules
from .actions.sanctions import sanction_json
from .ledger import Ledger


def person_view(ledger: Ledger, person_id: str, day: date) -> dict[str, Any]:
    """SPEC §4 `person show --json`: the record window and what the next offence would bring."""
    person = ledger.person(person_id)
    policy = ledger.policy
    mine = ledger.sanctions_of(person.id)
    record = rules.record(policy, mine, person.id, day)
    ban = rules.active_ban(mine, person.id, day)
    return {
        "person": person.id,
        "name": person.name,
        "offences_on_record": record.offences_on_record,
        "next_offence": record.offence,
        "next_sanction": {
            "kind": record.rung.kind,
            "duration": str(record.rung.duration) if record.rung.duration else None,
        },
        "active_ban": {
            "sanction": ban.id,
            "ends_on": ban.ends_on.isoformat() if ban.ends_on else None,
        }
        if ban
        else None,
        "record_clears_on": record.clears_on.isoformat() if record.clears_on else None,
        "record": [sanction_json(s) for s in record.window],
    }


def case_view(ledger: Ledger, case_id: str, at: datetime | None = None) -> dict[str, Any]:
    """Everything the council needs on one case: parties, deadlines, timeline and sanctions;
    with `at`, the timeline and sanctions as they stood then."""
    case = ledger.case(case_id)
    data = case.model_dump(mode="json", exclude_none=True)
    sanctions = ledger.sanctions_of_case(case_id)
    if at is not None:
        day = rules.local_date(at, ledger.policy)
        data["timeline"] = [
            e for e, m in zip(data["timeline"], case.timeline, strict=True) if m.at <= at
        ]
        sanctions = [s for s in sanctions if s.decided_on <= day]
    data["sanctions"] = [sanction_json(s) for s in sanctions]
    return data


def stage(case_data: dict[str, Any]) -> str:
    """The last step a case has reached, in the policy's words."""
    names = {
        "received": "received",
        "council_notified": "council notified",
        "committee_formed": "committee formed",
        "shared": "shared with respondent",
        "response_received": "response received",
        "reviewed": "reviewed",
        "sanction_proposed": "sanction proposed",
        "sanction_enacted": "sanction enacted",
    }
    steps = [e["action"] for e in case_data.get("timeline", []) if e["action"] in names]
    return names[steps[-1]] if steps else case_data.get("status", "")


def case_list(ledger: Ledger, open_only: bool, at: datetime | None = None) -> list[dict[str, Any]]:
    rows = []
    for case in ledger.cases(status="open" if open_only else None):
        if at is not None and case.received_at > at:
            continue
        data = case.model_dump(mode="json", exclude_none=True)
        rows.append(
            {
                "case": case.id,
                "status": case.status,
                "received_at": data["received_at"],
                "respondent": case.respondent,
                "stage": stage(data),
                "serious": case.serious,
            }
        )
    return rows
