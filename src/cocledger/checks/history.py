"""History checks (`coc validate --base REF`): the ledger only grows between REF and HEAD.

REF's version of each changed file (at the fork point, as a pull request compares) is set
against the work tree: every sanction, vote, timeline event and person there is still here,
unchanged but for the steps the tool itself takes (a proposal enacted, a ban reduced on appeal),
and a status changes only as the gate's table allows. A `coc expunge` commit (trailer
`Coc-Action: expunge`) may turn records into tombstones and remove people nobody refers to any
more; nothing else may. Messages name files, key paths, case and sanction ids and council
members only, never a party (they end up in public CI logs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from ..core import sealing
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.models import Case, Event, PeopleFile, Sanction, SanctionsFile
from ..core.tombstones import (
    APPEAL_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
)
from ..core.transitions import STEPS
from .context import Context, Finding
from .trust import FIXED_CASE_KEYS, History, history_of

FIXED_SANCTION_KEYS = ("case", "person", "kind", "decided_on", "offence", "proposed_by")
SET_ONCE_SANCTION_KEYS = (
    "enacted_on",
    "enacted_by",
    "starts_on",
    "apology",
    "apology_recorded_on",
    "escalated_from",
    "escalated_to",
)
PERSON_KEYS = frozenset({"person", "proposed_by", "enacted_by"})  # ids: rewritten, any id


def _route(before: str, after: str) -> list[set[str]] | None:
    """The events that take a sanction from `before` to `after` through the gate's table, one
    set (any of them will do) per step, in order: a pull request may hold several steps, such as
    an enactment and the refused apology that escalates it. None when no steps lead there."""
    todo: list[tuple[str, list[set[str]]]] = [(before, [])]
    seen = {before}
    while todo:
        status, events = todo.pop(0)
        if status == after:
            return events
        for step in STEPS.values():
            if status not in step.sanction_from or step.sanction_to in (None, status, *seen):
                continue
            hop: set[str] = {
                e.event
                for e in STEPS.values()
                if status in e.sanction_from and e.sanction_to == step.sanction_to and e.event
            }
            seen.add(step.sanction_to or "")
            todo.append((step.sanction_to or "", [*events, hop]))
    return None


def _newly_expunged(before: Case | Sanction, after: Case | Sanction) -> bool:
    return after.status == "expunged" and before.status != "expunged"


def _changed(key: str, before: Any, after: Any) -> str:
    """What changed, without the values when they name a party."""
    if key in PERSON_KEYS:
        return f"{key} was rewritten"
    return f"{key} changed from {getattr(before, key)} to {getattr(after, key)}"


def _sanction_rewrites(before: Sanction, after: Sanction) -> Iterator[tuple[str, str]]:
    for key in FIXED_SANCTION_KEYS:
        if getattr(before, key) != getattr(after, key):
            yield key, _changed(key, before, after)
    for key in SET_ONCE_SANCTION_KEYS:
        if getattr(before, key) is not None and getattr(before, key) != getattr(after, key):
            yield key, _changed(key, before, after)
    if after.status != before.status and _route(before.status, after.status) is None:
        yield (
            "status",
            f"status changed from {before.status} to {after.status}, a step no action takes",
        )
    reduced = after.appeal and after.appeal.outcome == "reduced"
    if before.duration != after.duration and not (
        reduced and after.appeal and after.appeal.reduced_from == before.duration
    ):
        yield "duration", f"duration changed from {before.duration} without a reduced appeal"
    yield from _appeal_rewrites(before, after)


def _appeal_rewrites(before: Sanction, after: Sanction) -> Iterator[tuple[str, str]]:
    if before.appeal is None:
        return
    if after.appeal is None:
        yield "appeal", "its appeal was removed"
        return
    keys = ["filed_on", "filed_by", "reason"]
    if before.appeal.outcome is not None:
        keys += ["outcome", "decided_on", "decided_by", "reduced_from"]
    for key in keys:
        old, new = getattr(before.appeal, key), getattr(after.appeal, key)
        if old != new and not (key == "reason" and sealing.either_sealed(old, new)):
            yield "appeal", f"appeal.{key} was rewritten"


def _base_sanctions(
    ctx: Context,
) -> Iterator[tuple[History, Sanction, int, Sanction | None]]:
    """(history, sanction at the base, its index and version now, or -1 and None when it is
    gone) when sanctions.yaml changed."""
    h = history_of(ctx)
    if h is None or SANCTIONS_FILE not in h.changed or ctx.sanctions is None:
        return
    old = h.old(SANCTIONS_FILE, SanctionsFile)
    now = {s.id: (i, s) for i, s in enumerate(ctx.sanctions)}
    for before in old.sanctions if old else []:
        index, after = now.get(before.id, (-1, None))
        if after is not before:  # the same entry, parsed once for both versions: unchanged
            yield h, before, index, after


def check_sanction_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a sanction, once in the register, stays, and what was decided is not rewritten."""
    for h, before, index, after in _base_sanctions(ctx):
        if after is None:
            yield Finding(SANCTIONS_FILE, ("sanctions",), f"{before.id} was removed since {h.base}")
        elif not _newly_expunged(before, after):
            for key, message in _sanction_rewrites(before, after):
                yield Finding(
                    SANCTIONS_FILE,
                    ("sanctions", index, key),
                    f"{before.id}: {message} since {h.base}",
                )


def check_vote_history(ctx: Context) -> Iterator[Finding]:
    """Audit: votes are only ever added to, in order."""
    for h, before, index, after in _base_sanctions(ctx):
        if after is None or _newly_expunged(before, after):
            continue
        for j, vote in enumerate(before.votes):
            if j >= len(after.votes) or after.votes[j] != vote:
                yield Finding(
                    SANCTIONS_FILE,
                    ("sanctions", index, "votes", min(j, max(len(after.votes) - 1, 0))),
                    f"{before.id}: the vote {_voter(h, vote.member)}recorded at "
                    f"{vote.at.isoformat()} was removed or changed since {h.base}",
                )
                break


def _voter(h: History, member: str) -> str:
    """'of bob ' for a council member; nothing for anyone else (a party may have voted)."""
    return f"of {member} " if member in h.council_ever else ""


def _changed_cases(ctx: Context) -> Iterator[tuple[History, str, Case, Case | None]]:
    """(history, file, the case at the base or as first committed since, the case now)."""
    h = history_of(ctx)
    if h is None:
        return
    for path in sorted(p for p in h.changed if p.startswith(CASES_DIR + "/")):
        before = h.first_case(path)
        now = ctx.ledger.case_in(path)
        if before is not None and (now is not None or ctx.ledger.text(path) is None):
            yield h, path, before, now


def check_case_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a case's timeline is append-only; who reported whom, when, and whether the reporter
    is to stay anonymous never change (but by `coc expunge`)."""
    for h, path, before, after in _changed_cases(ctx):
        if after is None:
            yield Finding(path, (), f"{before.id} was removed since {h.base}", 1, 1)
            continue
        if _newly_expunged(before, after):
            continue
        for key in ("id", *FIXED_CASE_KEYS):
            old, new = getattr(before, key), getattr(after, key)
            if old != new and not (key == sealing.ANONYMOUS and sealing.either_sealed(old, new)):
                yield Finding(path, (key,), f"{key} was rewritten since {h.base}")
        missing = _first_missing(before.timeline, after.timeline)
        if missing is not None:
            j, event = missing
            yield Finding(
                path,
                ("timeline", min(j, max(len(after.timeline) - 1, 0))),
                f"the {event.action} event of {event.at.isoformat()} was removed or "
                f"rewritten since {h.base}",
            )


def _first_missing(before: Sequence[Event], after: Sequence[Event]) -> tuple[int, Event] | None:
    """The first event of the base's timeline not still in the timeline now, in the same order
    (where it would be, and the event); None when every one is. Events since may sit between
    them: a step recorded late is stored where it happened (SPEC §3 One engine)."""
    k = 0
    for j, event in enumerate(before):
        while k < len(after) and not sealing.same_event(after[k], event):
            k += 1
        if k == len(after):
            return j, event
        k += 1
    return None


def check_people_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a person stays in people.yaml until `coc expunge` finds nobody refers to them."""
    h = history_of(ctx)
    if h is None or PEOPLE_FILE not in h.changed or ctx.person_ids is None:
        return
    old = h.old(PEOPLE_FILE, PeopleFile)
    for j, person in enumerate(old.people if old else []):
        if person.id not in ctx.person_ids and person.id not in h.expunged[PEOPLE_FILE]:
            message = (
                f"'{person.id}' was removed since {h.base}"
                if person.id in h.council_ever
                else f"the person at people[{j}] in {h.base} was removed"
            )
            yield Finding(PEOPLE_FILE, ("people",), message)


def _stub(event: Event) -> dict[str, Any]:
    return {k: getattr(event, k) for k in EVENT_TOMBSTONE_KEYS}


def _kept(sanction: Sanction, key: str) -> Any:
    """What a tombstone keeps of a sanction's key (of its appeal: the outcome and its dates)."""
    value = getattr(sanction, key)
    if key == "appeal" and value is not None:
        return {k: getattr(value, k) for k in APPEAL_TOMBSTONE_KEYS}
    return value


def check_tombstone_history(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Expiry: only `coc expunge` turns a record into a tombstone, keeping its facts."""
    kept = sorted(SANCTION_TOMBSTONE_KEYS - {"status", "status_on"})
    for h, before, index, after in _base_sanctions(ctx):
        if after is None or not _newly_expunged(before, after):
            continue
        if before.id not in h.expunged[SANCTIONS_FILE]:
            yield Finding(
                SANCTIONS_FILE,
                ("sanctions", index, "status"),
                f"{before.id} was made a tombstone outside `coc expunge`",
            )
        for key in (k for k in kept if _kept(before, k) != _kept(after, k)):
            yield Finding(
                SANCTIONS_FILE,
                ("sanctions", index, key),
                f"{before.id}: the tombstone changed {key}",
            )
    for h, path, old_case, new_case in _changed_cases(ctx):
        if new_case is None or not _newly_expunged(old_case, new_case):
            continue
        if old_case.id not in h.expunged[path]:
            yield Finding(
                path, ("status",), f"{old_case.id} was made a tombstone outside `coc expunge`"
            )
        stubs = [_stub(e) for e in new_case.timeline[: len(old_case.timeline)]]
        if old_case.received_at != new_case.received_at or stubs != [
            _stub(e) for e in old_case.timeline
        ]:
            yield Finding(
                path, ("timeline",), f"{old_case.id}: the tombstone's timeline was rewritten"
            )


# --- a status changes only through its step; REF stays an ancestor ----------------------------------


def _events_since(ctx: Context, h: History, case_id: str | None) -> list[Event]:
    """The events a case's timeline gained since the base, wherever they stand in it (none if
    the file did not change)."""
    found = ctx.case_of(case_id)
    if found is None:
        return []
    path, case = found
    if path not in h.changed:
        return []
    before = h.first_case(path)
    had = Counter(before.timeline if before else ())
    gained = []
    for event in case.timeline:
        if had[event]:
            had[event] -= 1
        else:
            gained.append(event)
    return gained


def _unrecorded(ctx: Context, h: History, before: Sanction, after: Sanction) -> str | None:
    """Why a status change since the base was not made by its step, or None if it was."""
    route = _route(before.status, after.status)
    if route is None or after.status == "expunged":
        return None  # a change no step makes (CL080), or a tombstone (CL084, CL090)
    if ctx.case_of(after.case) is None and after.case and ctx.known_case(after.case):
        return None  # its case file does not parse (CL001-CL003): its events cannot be read
    if after.status == "overturned" and (
        after.appeal is None or after.appeal.outcome != "overturned" or not after.appeal.decided_on
    ):
        return "no appeal of it was decided overturned"
    if after.status == "escalated" and after.apology != "refused":
        return "no refused apology is recorded for it"
    events = {e.action for e in _events_since(ctx, h, after.case) if e.sanction == before.id}
    for hop in route:
        if hop and not events & hop:
            wanted = " or ".join(sorted(hop))
            return f"its case's timeline records no {wanted} event for it since {h.base}"
    return None


def check_status_history(ctx: Context) -> Iterator[Finding]:
    """SPEC §6 --base: a sanction's status changes only through the step that records it (its
    event on the case's timeline since REF), and an overturn only with its appeal decided."""
    for h, before, index, after in _base_sanctions(ctx):
        if after is None or after.status == before.status or _newly_expunged(before, after):
            continue
        why = _unrecorded(ctx, h, before, after)
        if why:
            yield Finding(
                SANCTIONS_FILE,
                ("sanctions", index, "status"),
                f"{before.id}: status changed from {before.status} to {after.status} since "
                f"{h.base}, but {why}",
            )


def check_rewritten_history(ctx: Context) -> Iterator[Finding]:
    """SPEC §6 --base: REF is an ancestor of HEAD; if not, the history since REF was rewritten
    (commits that were on it dropped or replaced) and nothing since can be trusted."""
    h = history_of(ctx)
    if h is None or not h.rewritten:
        return
    yield Finding(
        POLICY_FILE,
        (),
        f"the history since {h.base} was rewritten: {h.base} is not an ancestor of HEAD, so "
        f"commits that were on it were dropped or replaced (a rebase, a force-push); restore "
        f"them, or merge {h.base} in if this branch only lacks its newest commits",
        1,
        1,
    )
