"""Checks that recompute what the ledger stores for its readers, and check time's arrow.

SPEC §2: stored computed fields (deadlines, offence, ends_on, expunges_on, apology_due) are
written for readers; validate recomputes each with the rules and reports any mismatch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

from ..core import integrity, rules
from ..core.ids import SANCTIONS_FILE
from ..core.models import Policy, Sanction
from . import gate
from .context import Context, Finding

Recompute = Callable[[Policy, integrity.Entries], Iterator[integrity.Mismatch]]


def check_case_deadlines(ctx: Context) -> Iterator[Finding]:
    """Incident processing: council notice, response due and review-from, from receipt and
    timeline."""
    if ctx.policy is None:
        return
    for file, case in ctx.cases:
        for found in integrity.case_deadlines(ctx.policy, case):
            yield Finding(file, found.path, found.message)


def _entries(ctx: Context) -> Iterator[tuple[int, Sanction]]:
    for path, sanction in ctx.entries():
        yield int(path[1]), sanction


def _record_of(ctx: Context) -> integrity.RecordOf:
    people = ctx.sanctions_by_person
    return lambda person: people.get(person, [])


def _register(ctx: Context, recompute: Recompute) -> Iterator[Finding]:
    if ctx.policy is None or ctx.register is None:
        return
    for found in recompute(ctx.policy, _entries(ctx)):
        yield Finding(SANCTIONS_FILE, found.path, found.message)


def check_offence(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Offence number: recomputed from the person's record when the sanction was decided."""
    if ctx.policy is None or ctx.register is None:
        return
    for found in integrity.offences(ctx.policy, _entries(ctx), _record_of(ctx)):
        yield Finding(SANCTIONS_FILE, found.path, found.message)


def check_stale_proposal(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 A stale proposal: its offence number, recomputed for today, is no longer the
    proposal's; a warning (the ledger stays valid): reject it and propose again."""
    policy = ctx.policy
    if policy is None or ctx.register is None:
        return
    for found in integrity.stale(policy, _entries(ctx), _record_of(ctx), ctx.today):
        yield Finding(SANCTIONS_FILE, found.path, found.message)


def check_sanction_dates(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 A sanction's dates: ends_on = starts_on + duration; expunges_on = ends_on +
    retention (a lifetime ban has neither)."""
    return _register(ctx, integrity.sanction_dates)


def check_apology_due(ctx: Context) -> Iterator[Finding]:
    """Proposed sanctions, 1st offence: an enacted warning's apology is due `deadlines.apology`
    after it starts."""
    return _register(ctx, integrity.apology_dues)


def check_timeline_order(ctx: Context) -> Iterator[Finding]:
    """A case's timeline is in time order: each event happens no earlier than the one before it,
    and none before the report was received (a step recorded late is stored where it happened);
    a case is reviewed at a meeting held on or after the day it was received, and the review is
    recorded once that meeting has been held (the gate judges that of each review)."""
    yield from gate.of_code(ctx, "CL040")
    for file, case in ctx.cases:
        previous = case.received_at
        for j, event in enumerate(case.timeline):
            if event.at < previous:
                yield Finding(
                    file,
                    ("timeline", j, "at"),
                    f"{event.action} at {event.at.isoformat()} is before the event it follows "
                    f"({previous.isoformat()})",
                )
            previous = max(previous, event.at)
        received_on = _local_date(ctx, case.received_at)
        if case.review_meeting is not None and case.review_meeting < received_on:
            yield Finding(
                file,
                ("review_meeting",),
                f"review_meeting {case.review_meeting} is before the report was received "
                f"({received_on})",
            )


def _local_date(ctx: Context, moment: datetime) -> date:
    """The day of an instant in the policy's time zone (UTC while policy.yaml is unreadable)."""
    return rules.local_date(moment, ctx.policy) if ctx.policy else moment.date()


def _future_days(ctx: Context) -> Iterator[tuple[tuple[str | int, ...], date | datetime | None]]:
    for path, s in ctx.entries():
        for key in ("decided_on", "status_on", "enacted_on", "apology_recorded_on"):
            yield (*path, key), getattr(s, key)
        for j, vote in enumerate(s.votes):
            yield (*path, "votes", j, "at"), vote.at
        if s.appeal is not None:
            yield (*path, "appeal", "filed_on"), s.appeal.filed_on
            yield (*path, "appeal", "decided_on"), s.appeal.decided_on


def check_future(ctx: Context) -> Iterator[Finding]:
    """Nothing is recorded before it happens: no receipt, event, decision or vote after --at."""
    later = f"is after {ctx.at.isoformat(timespec='minutes')} (now, or --at)"
    for file, case in ctx.cases:
        if case.received_at > ctx.at:
            yield Finding(file, ("received_at",), f"received_at {later}")
        for j, event in enumerate(case.timeline):
            if event.at > ctx.at:
                yield Finding(file, ("timeline", j, "at"), f"{event.action} {later}")
    today = ctx.today
    for path, moment in _future_days(ctx):
        if moment is None:
            continue
        late = moment > ctx.at if isinstance(moment, datetime) else moment > today
        if late:
            yield Finding(SANCTIONS_FILE, path, f"{path[-1]} {moment.isoformat()} {later}")
