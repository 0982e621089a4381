"""What `coc due` lists: every deadline the breaches policy sets, as plain data.

Pure: the ledger's models and the moment to look at come in; nothing reads the clock or a file.
Case steps are listed for open cases only; sanction items for every sanction still on the record
(a closed case's ban still ends; an expunged or expired record shows nothing but the reminder to
run `coc expunge`). The items are made in `case_deadlines` (the steps of Incident processing) and
`sanction_deadlines` (sanctions and records); each is a `due_item.DueItem`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from . import revision, rules
from .case_deadlines import case_items
from .due_item import KINDS, NOTIFIED_PARTIES, DueItem
from .models import Case, Policy, Sanction
from .sanction_deadlines import closed_case_item, record_items, sanction_items, stale_items


def due_items(
    policy: Policy, cases: Iterable[Case], sanctions: Sequence[Sanction], at: datetime
) -> list[DueItem]:
    """Every deadline as of `at`: overdue items first, then by date, then by case."""
    day = rules.local_date(at, policy)
    by_id = {case.id: case for case in cases}
    items: list[DueItem] = []
    of_case = rules.by_case(sanctions)
    for case in by_id.values():
        if case.status == "open":
            items.extend(case_items(policy, case, at))
        leaving = closed_case_item(policy, case, of_case.get(case.id, []), day)
        if leaving is not None:
            items.append(leaving)
    gone = {s.id for s in rules.expired_sanctions(policy, sanctions, day)}
    mine = rules.by_person(sanctions)
    for sanction in sanctions:
        found = by_id.get(sanction.case or "")
        if sanction.status == "expunged" or sanction.id in gone or found is None:
            continue
        theirs = mine.get(sanction.person or "", [])
        items.extend(sanction_items(policy, found, sanction, day, theirs))
    items.extend(record_items(policy, sanctions, day))
    items.extend(stale_items(policy, sanctions, day))
    base = revision.register_steps(sanctions) + revision.meeting_steps(policy, day)
    revised = [replace(i, revision=revision.revision(base, by_id, i.case)) for i in items]
    return sorted(revised, key=lambda item: _order(item, policy))


def _order(item: DueItem, policy: Policy) -> tuple[Any, ...]:
    when = item.due
    if isinstance(when, datetime):
        moment = when
    elif when is not None:
        moment = rules.start_of_day(when, policy)
    else:
        moment = datetime.max.replace(tzinfo=policy.zone)
    party = NOTIFIED_PARTIES.index(item.party) if item.party in NOTIFIED_PARTIES else 0
    return (not item.overdue, moment, item.case or "", KINDS.index(item.kind), party)
