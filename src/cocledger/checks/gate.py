"""The gate replayed over the ledger (SPEC §3 One gate, Recusal): every case's timeline goes
step by step through `core.transitions`' table, as the actions went through it.

Messages name the case, the sanction and the event's place in the timeline, never the person
who was conflicted (they end up in CI logs).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core import replay, rules
from ..core.ids import SANCTIONS_FILE
from .context import Context, Finding


def _breaches(ctx: Context) -> list[tuple[str, replay.Breach]]:
    def compute() -> list[tuple[str, replay.Breach]]:
        if ctx.policy is None or ctx.sanctions is None:
            return []
        found = []
        for file, case in ctx.live_cases():
            mine = {s.id: s for s in ctx.sanctions_by_case.get(case.id, [])}
            named = {e.sanction for e in case.timeline if e.sanction}
            mine.update({i: ctx.sanctions_by_id[i] for i in named if i in ctx.sanctions_by_id})
            found += [(file, b) for b in replay.replay(ctx.policy, case, mine)]
        return found

    return ctx.shared("breaches", compute)


def _where(ctx: Context, file: str, breach: replay.Breach) -> tuple[str, tuple[str | int, ...]]:
    if breach.event is not None:
        return file, ("timeline", breach.event)
    index = next((i for i, s in enumerate(ctx.sanctions or []) if s.id == breach.sanction), None)
    if index is not None:
        return SANCTIONS_FILE, ("sanctions", index, "status")
    return file, ("status",)


def check_conflicted_actor(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Recusal: no event, vote or appeal decision recorded by someone conflicted in the
    case (its reporter, respondent, a witness, or a declared conflict from its declaration on)."""
    for file, breach in _breaches(ctx):
        if breach.kind == "conflicted":
            where, path = _where(ctx, file, breach)
            yield Finding(where, path, f"timeline[{breach.event}]: {breach.message}")
    for path, s in ctx.live_entries():
        found = ctx.cases_by_id.get(s.case or "")
        if found is None:
            continue
        case = found[1]
        for j, vote in enumerate(s.votes):
            if vote.recorded_by and rules.conflict(case, vote.recorded_by):
                yield Finding(
                    SANCTIONS_FILE,
                    (*path, "votes", j, "recorded_by"),
                    f"{s.id}: votes[{j}] was recorded by someone conflicted in {case.id}",
                )
        for j, member in enumerate(s.appeal.decided_by if s.appeal else ()):
            if rules.conflict(case, member):
                yield Finding(
                    SANCTIONS_FILE,
                    (*path, "appeal", "decided_by", j),
                    f"{s.id}: appeal.decided_by[{j}] is conflicted in {case.id}",
                )


def check_status_steps(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 One gate: each event in an order the table allows (what must come first, what
    happens once, from which status), and every status what the recorded steps make it."""
    for file, breach in _breaches(ctx):
        if breach.kind == "order":
            where, path = _where(ctx, file, breach)
            place = f"timeline[{breach.event}]: " if breach.event is not None else ""
            yield Finding(where, path, place + breach.message)
