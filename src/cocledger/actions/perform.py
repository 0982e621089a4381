"""One action, as `coc` runs it, trusting nothing `coc validate` would reject (SPEC §3 One
engine): the actor identified and their role checked by the gate; the action refused (exit 2,
`file:line`, pointing to `coc validate`) while an error lies in a file it reads or between such
a file and another (policy.yaml and the registers are read by every action, and so is each case
file it reads); and its result checked by the same checks before anything is written, so that no
accepted action leaves an error behind (a step recorded late whose later steps no longer pass is
refused, exit 1).

Pure: the ledger comes in (`core.ledger.Ledger` and its Snapshot), the Outcome goes out; the
store commits it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Collection
from datetime import datetime

from .. import checks
from ..core import transitions
from ..core.change import Change, Outcome
from ..core.council import RosterVersions
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, case_path
from ..core.ledger import InMemory, Ledger
from ..core.models import Case, Person
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
    judge = Judge(ledger, now, checks.MENDED_BY_STEP.get(step, frozenset()))
    judge.refuse(ALWAYS)
    actor = transitions.identify(snap.people_with_email(email), email)
    transitions.authorise(snap.policy, step, actor.id)
    try:
        outcome = action(snap, actor, at)
    except CocError:
        judge.refuse(snap.reads)  # what it read, not the policy, may be what is wrong
        raise
    judge.refuse(snap.reads)
    if outcome.change is None:
        return outcome
    check_result(ledger, snap, outcome.change, now)
    return dataclasses.replace(outcome, clean=judge.clean)


class Judge:
    """`coc validate`'s verdict on a ledger, as an action or a query relies on it: every error
    (computed once, unless the ledger is known to hold none), and which of them lie in or between
    the files it reads (`checks.involves`)."""

    def __init__(self, ledger: Ledger, now: datetime, mends: frozenset[str] = frozenset()) -> None:
        self.ledger, self.now = ledger, now
        self.mended = checks.MENDED_BY_WRITING | mends
        """What the store (or the step itself) mends as it writes: not a reason to refuse."""
        self._errors: list[Problem] | None = [] if ledger.known_clean() else None

    @property
    def errors(self) -> list[Problem]:
        if self._errors is None:
            self._errors = errors(self.ledger, self.now, None)
            if not self._errors:
                self.ledger.note_clean()
        return self._errors

    @property
    def clean(self) -> bool:
        return not self.errors

    def refuse(self, files: Collection[str]) -> None:
        """SPEC §3 One engine: refused (exit 2, at the first) while an error lies in or between
        the files read (ALL_CASES: every case file)."""
        wanted = set(files)
        if not wanted:
            return
        found = [
            p
            for p in self.errors
            if (ALL_CASES in wanted or checks.involves(p) & wanted)
            and p.code not in self.mended  # the commit mends it (SPEC §8)
        ]
        if found:
            first = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise InputError(
                f"{first.code} {first.message}{more}: `coc` relies on this file; correct it (or "
                "revert the edit) first (`coc validate` shows every problem)",
                self.ledger.shown(first.file),
                first.line,
            )


def errors(
    ledger: Ledger,
    at: datetime,
    files: Collection[str] | None,
    cases_only: frozenset[str] | None = None,
    entries_only: frozenset[str] | None = None,
) -> list[Problem]:
    """The errors `coc validate` reports (in these files; ALL_CASES: every case file); with
    `cases_only` and `entries_only`, the register's checks look into those cases and judge those
    entries only."""
    scope = frozenset(files) if files is not None else None
    ctx = checks.Context(at, ledger, scope, cases_only=cases_only, entries_only=entries_only)
    return checks.run(ctx, errors_only=True)


REPEATS = ("CL095", "CL096")
"""The gate's refusals `validate` reports as warnings (SPEC §3 The same thing twice), so that a
ledger made before the rule keeps working: a step recorded late must not make one of the case's
later steps a repeat (a notice recorded late, the same as the one after it), any more than an
error."""


def _repeats_made(before: Ledger, after: Ledger, at: datetime, change: Change) -> list[Problem]:
    """The repeats the change's cases hold that they did not hold before it. Only a case whose
    steps the change does not merely add to can hold one: the gate judged the step it adds, and
    a step added last moves no other (so an ordinary action replays nothing twice here)."""
    moved = [c for c in change.cases if not _appended(before.case_in(case_path(c.id)), c)]
    if not moved:
        return []
    files = frozenset(case_path(case.id) for case in moved)
    ids = frozenset(case.id for case in moved)

    def found(ledger: Ledger) -> list[Problem]:
        ctx = checks.Context(at, ledger, files, cases_only=ids, entries_only=frozenset())
        return checks.run(ctx, REPEATS)

    held = Counter((p.code, p.file) for p in found(before))
    made = []
    for problem in found(after):
        key = (problem.code, problem.file)
        if held[key] > 0:
            held[key] -= 1
        else:
            made.append(problem)
    return made


def _appended(old: Case | None, new: Case) -> bool:
    """Whether `new` is `old` with steps added after its last one (or a new case)."""
    return old is None or new.timeline[: len(old.timeline)] == old.timeline


def written(change: Change) -> frozenset[str]:
    """The ledger files a change writes."""
    files = {case_path(case.id) for case in change.cases}
    files |= {SANCTIONS_FILE} if change.sanctions else set()
    files |= {PEOPLE_FILE} if change.people or change.people_removed else set()
    files |= {POLICY_FILE} if change.policy is not None else set()
    return frozenset(files | set(change.files))


def _affected(snap: Snapshot, change: Change) -> tuple[frozenset[str], frozenset[str]] | None:
    """The cases whose replay, and the entries of sanctions.yaml whose stored fields, a change
    can alter: those it rewrites, and every case and sanction of a person whose sanctions it
    changes (their offences are judged from that record); None (everything) when it changes the
    roster or the ladder, or removes people. The others were found clean before it."""
    if change.people_removed or _policy_changed(snap, change):
        return None
    cases = {case.id for case in change.cases}
    entries = {s.id for s in change.sanctions}
    for person in {s.person for s in change.sanctions if s.person}:
        mine = snap.sanctions_of(person)
        cases |= {s.case for s in mine if s.case}
        entries |= {s.id for s in mine}
    cases |= {s.case for s in change.sanctions if s.case}
    return frozenset(cases), frozenset(entries)


def _policy_changed(snap: Snapshot, change: Change) -> bool:
    """Whether the change makes policy.yaml other than by scheduling meetings (a meeting added
    makes no step of the past other than it was: `coc meeting add`)."""
    if change.policy is None:
        return False
    before = snap.policy.model_copy(update={"meetings": ()})
    return change.policy.model_copy(update={"meetings": ()}) != before


def _rosters_after(ledger: Ledger, change: Change) -> Callable[[], RosterVersions]:
    """The roster's versions once the change is made: a change of the council counts from its
    own moment (`--at`), as it will once committed."""

    def rosters() -> RosterVersions:
        found = list(ledger.rosters())
        if change.policy is not None:
            found.append((change.at, change.policy.roster))
        return found

    return rosters


def check_result(ledger: Ledger, snap: Snapshot, change: Change, at: datetime) -> None:
    """The ledger once the change is made has no error in what it writes, in the registers, nor
    in any case it can alter (every step of a case it rewrites replayed: a step recorded late
    must leave the later ones valid). Refused (exit 1) otherwise, before anything is written."""
    after = InMemory(snap.after(change), _rosters_after(ledger, change))
    affected = _affected(snap, change)
    files = set(written(change) | ALWAYS)
    if affected is None:
        found = errors(after, at, files | {ALL_CASES})
    else:
        cases, entries = affected
        files |= {case_path(c) for c in cases}
        found = errors(after, at, files, cases, entries)
    if not found:
        made = _repeats_made(InMemory(snap, ledger.rosters), after, at, change)
        if made:  # its own --again cannot help: the later step, as recorded, becomes the repeat
            raise RefusedError(
                f"{change.subject} would make a later step a repeat `coc validate` reports: "
                f"{ledger.shown(made[0].file)}: {made[0].code} {made[0].message.split(': ')[0]}: "
                "that step is already recorded and stands as it is, so this one, the same thing "
                "earlier, is not recorded",
                made[0].code,
            )
        return
    first = found[0]
    raise RefusedError(
        f"{change.subject} would leave the ledger with an error `coc validate` reports: "
        f"{ledger.shown(first.file)}: {first.code} {first.message}",
        first.code,
    )
