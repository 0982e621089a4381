"""Stored computed fields against the rules (SPEC §2): `validate` reports each mismatch (CL030–
CL034), and an action or a query refuses to rely on a file that holds one (SPEC §3 One engine):
an expunge that trusted a hand-edited `expunges_on` deleted a ban in force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from . import rules
from .models import Case, Policy, Sanction


@dataclass(frozen=True)
class Mismatch:
    """A stored field that is not what the rules give: where (a key path in its file) and why."""

    path: tuple[str | int, ...]
    message: str


def _show(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else "(none)"


def case_deadlines(policy: Policy, case: Case) -> Iterator[Mismatch]:
    """Incident processing: council notice, response due and review-from, from receipt and
    timeline (CL030)."""
    expected = rules.case_deadlines(case, policy)
    for key in ("council_notice", "respondent_response", "review_from"):
        stored, wanted = getattr(case.deadlines, key), getattr(expected, key)
        if stored != wanted:
            yield Mismatch(
                ("deadlines", key),
                f"deadlines.{key} is {_show(stored)}; the rules give {_show(wanted)}",
            )


Entries = Iterable[tuple[int, Sanction]]
"""(index in sanctions.yaml, sanction) of the entries judged."""
RecordOf = Callable[[str], Sequence[Sanction]]
"""A person's sanctions (the register's entries for them)."""


def offences(policy: Policy, entries: Entries, record_of: RecordOf) -> Iterator[Mismatch]:
    """SPEC §3 Offence number, recomputed from the person's record when each sanction was
    decided (CL031). A proposal still undecided is left to `stale`, and one rejected or withdrawn
    keeps the number it was proposed with (it never counted); tombstones are left out (their
    record is gone)."""
    for index, s in entries:
        if s.status in ("expunged", "proposed", "rejected", "withdrawn") or not s.person:
            continue
        # one stopped the same day may have been stopped after it: any such order will do
        found = rules.readings(policy, record_of(s.person), s.person, s.decided_on, s)
        expected = next(found)
        if s.offence != expected.offence and all(s.offence != r.offence for r in found):
            yield Mismatch(
                ("sanctions", index, "offence"),
                f"{s.id}: offence is {s.offence}; the record on {s.decided_on} makes it "
                f"{expected.offence}",
            )


def stale(policy: Policy, entries: Entries, record_of: RecordOf, day: date) -> Iterator[Mismatch]:
    """SPEC §3 A stale proposal (CL034, a warning): a proposal whose offence number or ladder
    step, recomputed for `day`, is no longer what was proposed, because the record changed
    before it was decided (another proposal rejected, a sanction overturned, a record cleared).
    `sanction enact` would refuse it; the council rejects it and proposes again."""
    for index, s in entries:
        if s.status != "proposed" or not s.person:
            continue
        reason = rules.staleness(policy, record_of(s.person), s, day)
        if reason:
            yield Mismatch(("sanctions", index, "offence"), reason)


def sanction_dates(policy: Policy, entries: Entries) -> Iterator[Mismatch]:
    """SPEC §3 A sanction's dates: ends_on = starts_on + duration; expunges_on = ends_on +
    retention; a lifetime ban has neither (CL032)."""
    for index, s in entries:
        ends_on, expunges_on = rules.sanction_dates(policy, s.kind, s.duration, s.starts_on)
        for key, wanted in (("ends_on", ends_on), ("expunges_on", expunges_on)):
            stored = getattr(s, key)
            if stored != wanted:
                yield Mismatch(
                    ("sanctions", index, key),
                    f"{s.id}: {key} is {_show(stored)}; the rules give {_show(wanted)}",
                )


def apology_dues(policy: Policy, entries: Entries) -> Iterator[Mismatch]:
    """Proposed sanctions, 1st offence: an enacted warning's apology is due `deadlines.apology`
    after it starts (CL033)."""
    for index, s in entries:
        if s.status == "expunged":
            continue
        rung = rules.rung_for(policy, s.offence)
        wanted = None
        if s.kind == "warning" and rung.kind == "warning" and rung.apology and s.starts_on:
            wanted = rules.apology_due(s.starts_on, policy)
        if s.apology_due != wanted:
            yield Mismatch(
                ("sanctions", index, "apology_due"),
                f"{s.id}: apology_due is {_show(s.apology_due)}; the rules give {_show(wanted)}",
            )
