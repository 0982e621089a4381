"""One action, as `coc` runs it, trusting nothing `coc validate` would reject (SPEC §3 One
engine): the actor identified and their role checked by the gate; the action refused (exit 2,
`file:line`, pointing to `coc validate`) while a file it reads holds an error (policy.yaml and
the registers, read by every action, and each case file it read); and its result checked by the
same checks before anything is written, so that no accepted action leaves an error behind (a
step recorded late whose later steps no longer pass is refused, exit 1).

Pure: the ledger comes in (`core.ledger.Ledger` and its Snapshot), the Outcome goes out; the
store commits it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from datetime import datetime

from .. import checks
from ..core import transitions
from ..core.change import Change, Outcome
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, case_path
from ..core.ledger import InMemory, Ledger
from ..core.models import Person
from ..core.problems import Problem
from ..core.snapshot import ALL_CASES, Snapshot
from ..errors import CocError, InputError, RefusedError

Action = Callable[[Snapshot, Person, datetime], Outcome]
ALWAYS = frozenset({POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE})
"""What every action reads: the policy, who is who, and the register."""


def perform(
    ledger: Ledger,
    snap: Snapshot,
    email: str | None,
    at: datetime,
    step: str,
    action: Action,
    now: datetime,
) -> Outcome:
    """Run `action` as the git author `email` at `at` (its --at): the Outcome to commit, or a
    refusal. The ledger is judged as `coc validate` would judge it `now`."""
    refuse_errors(ledger, now, ALWAYS)
    actor = transitions.identify(snap.people_with_email(email), email)
    transitions.authorise(snap.policy, step, actor.id)
    try:
        outcome = action(snap, actor, at)
    except CocError:
        refuse_errors(ledger, now, snap.reads)  # what it read, not the policy, is what is wrong
        raise
    refuse_errors(ledger, now, snap.reads)
    if outcome.change is None:
        return outcome
    check_result(ledger, snap, outcome.change, now)
    return dataclasses.replace(outcome, clean=written(outcome.change) | ALWAYS)


def errors(
    ledger: Ledger,
    at: datetime,
    files: Collection[str],
    cases_only: frozenset[str] | None = None,
) -> list[Problem]:
    """The errors `coc validate` reports in these files (ALL_CASES: every case file); with
    `cases_only`, the register's checks look into those cases only."""
    if not files:
        return []
    ctx = checks.Context(at, ledger, frozenset(files), cases_only=cases_only)
    return checks.run(ctx, errors_only=True)


def refuse_errors(ledger: Ledger, at: datetime, files: Collection[str]) -> None:
    """SPEC §3 One engine: an action or a query refuses to rely on a file holding an error."""
    if not files or ledger.known_clean(files):
        return
    found = errors(ledger, at, files)
    if found:
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise InputError(
            f"{first.code} {first.message}{more}: `coc` relies on this file; correct it (or "
            "revert the edit) first (`coc validate` shows every problem)",
            ledger.shown(first.file),
            first.line,
        )


def written(change: Change) -> frozenset[str]:
    """The ledger files a change writes."""
    files = {case_path(case.id) for case in change.cases}
    files |= {SANCTIONS_FILE} if change.sanctions else set()
    files |= {PEOPLE_FILE} if change.people or change.people_removed else set()
    files |= {POLICY_FILE} if change.policy is not None else set()
    return frozenset(files | set(change.files))


def _affected(snap: Snapshot, change: Change) -> frozenset[str] | None:
    """The cases whose replay a change can alter: those it rewrites, and every case of a person
    whose sanctions it changes (their offences are judged from that record); None (every case)
    when it changes the policy. The others were replayed clean before it."""
    if change.policy is not None:
        return None
    cases = {case.id for case in change.cases}
    for person in {s.person for s in change.sanctions if s.person}:
        cases |= {s.case for s in snap.sanctions_of(person) if s.case}
    return frozenset(cases | {s.case for s in change.sanctions if s.case})


def check_result(ledger: Ledger, snap: Snapshot, change: Change, at: datetime) -> None:
    """The ledger once the change is made has no error in what it writes, nor in the registers
    (every step of a case it rewrites replayed: a step recorded late must leave the later ones
    valid). Refused (exit 1) otherwise, before anything is written."""
    after = InMemory(snap.after(change), ledger.policy_at)
    found = errors(after, at, written(change) | ALWAYS, _affected(snap, change))
    if not found:
        return
    first = found[0]
    raise RefusedError(
        f"{change.subject} would leave the ledger with an error `coc validate` reports: "
        f"{ledger.shown(first.file)}: {first.code} {first.message}"
    )


__all__ = ["ALL_CASES", "Action", "errors", "perform", "refuse_errors"]
