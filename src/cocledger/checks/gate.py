"""The gate replayed over the ledger (SPEC §3 One engine): every case's timeline goes event by
event through `core.gate.permit`, as the actions went through it (`core.replay`), and each
refusal is reported under the code the gate gives it: the committee (CL050), the full council's
vote (CL051), an appeal of what cannot be appealed (CL052), a vote by someone conflicted (CL056),
a step by someone conflicted (CL057), a step or status the process does not allow (CL058), an
anonymous report shared without the council's summary (CL059), a reinstatement notice while a
ban is in force (CL093), a report or a notice recorded twice (CL095, CL096).

Messages name the case, the sanction, the event's place in the timeline and council members;
anyone else's id becomes "someone" (these messages end up in CI logs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..core import replay
from ..core.ids import SANCTIONS_FILE
from ..core.models import Case, Sanction
from .context import Context, Finding

_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def _case_sanctions(ctx: Context, case: Case) -> dict[str, Sanction]:
    """The sanctions a case's timeline acts on: its own, and those its events name."""
    mine = {s.id: s for s in ctx.sanctions_by_case.get(case.id, [])}
    named = {e.sanction for e in case.timeline if e.sanction}
    mine.update({i: ctx.sanctions_by_id[i] for i in named if i in ctx.sanctions_by_id})
    return mine


def _replayed(ctx: Context) -> list[tuple[str, Case]]:
    """The cases to replay: those whose problems are wanted, and, when sanctions.yaml's are, the
    case of every sanction on record (a sanction's status is its case's timeline's to give)."""
    cases = dict(ctx.live_cases())
    if ctx.wants(SANCTIONS_FILE):
        for _, sanction in ctx.looked_into():
            found = ctx.case_of(sanction.case)
            if found is not None and found[1].status != "expunged":
                cases.setdefault(*found)
    return sorted(cases.items())


def _reports_by_respondent(ctx: Context) -> dict[str, list[Case]]:
    """The open cases of each respondent, for SPEC §3 The same thing twice (CL095): only when every
    case file is looked at (after an action, its own check looks at a few; `coc validate` at
    all)."""
    grouped: dict[str, list[Case]] = {}
    if ctx.scope is not None:
        return grouped
    for _, case in ctx.live_cases():
        if case.status == "open" and case.respondent:
            grouped.setdefault(case.respondent, []).append(case)
    return grouped


Found = tuple[str, Case, replay.Breach]
"""A breach, with the case file and the case it was found in."""


def breaches(ctx: Context) -> list[Found]:
    """Every breach of every case replayed, computed once per run."""

    def compute() -> list[Found]:
        policy = ctx.policy
        if policy is None or ctx.register is None:
            return []
        found = []
        people = ctx.sanctions_by_person
        reports = _reports_by_respondent(ctx)

        def record_of(person: str) -> Sequence[Sanction]:
            return people.get(person, [])

        for file, case in _replayed(ctx):
            mine = _case_sanctions(ctx, case)
            alike = reports.get(case.respondent or "", ())
            for breach in replay.replay(policy, case, mine, record_of, ctx.ledger.rosters, alike):
                found.append((file, case, breach))
        return found

    return ctx.shared("breaches", compute)


def _where(ctx: Context, file: str, breach: replay.Breach) -> tuple[str, tuple[str | int, ...]]:
    if breach.event is not None:
        return file, ("timeline", breach.event, *breach.path)
    if breach.sanction is not None:
        index = ctx.index_of(breach.sanction)
        if index is not None:
            return SANCTIONS_FILE, ("sanctions", index, *(breach.path or ("status",)))
    return file, breach.path or ("status",)


def _redacted(ctx: Context, case: Case, message: str) -> str:
    """The message with the id of anyone who may be a party as 'someone': the case's reporter,
    respondent and witnesses, and anyone not on the council."""
    policy = ctx.policy
    council = set(policy.roster.members) if policy else set()
    parties = {case.reporter, case.respondent, *case.witnesses}
    hidden = ((ctx.person_ids or set()) - council) | {p for p in parties if p}
    return _ID.sub(lambda m: "someone" if m.group() in hidden else m.group(), message)


def of_code(ctx: Context, code: str) -> Iterator[Finding]:
    """The breaches the gate reports under one check code, located."""
    for file, case, breach in breaches(ctx):
        if breach.code != code:
            continue
        where, path = _where(ctx, file, breach)
        place = f"timeline[{breach.event}]: " if breach.event is not None else ""
        yield Finding(where, path, place + _redacted(ctx, case, breach.message))


def check_committee(ctx: Context) -> Iterator[Finding]:
    """Incident processing: a small committee of council members with no conflict of interest
    with any involved party, at least `committee.min_size` strong when it reviews; the committee
    on record is the one its events make."""
    return of_code(ctx, "CL050")


def check_lifetime_vote(ctx: Context) -> Iterator[Finding]:
    """Proposed sanctions, 5th offence: a lifetime ban is enacted only by the full council's vote
    (every member not conflicted in the case then, on the roster of the time)."""
    return of_code(ctx, "CL051")


def check_appeal_allowed(ctx: Context) -> Iterator[Finding]:
    """CoC §8: only permanent resolutions (such as bans) may be appealed (`appeals.allowed_for`)."""
    return of_code(ctx, "CL052")


def check_vote_by_party(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Recusal: nobody conflicted in the case votes on its sanction (judged as of the
    vote: a member recused later loses a vote still undecided, CL051 says so)."""
    return of_code(ctx, "CL056")


def check_conflicted_actor(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Recusal: no event of a case, appeal decision included, is recorded by someone
    conflicted in it then (its reporter, respondent, a witness, or a declared conflict from its
    declaration on)."""
    return of_code(ctx, "CL057")


def check_status_steps(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 One gate: each event a step the gate allowed from where the case stood (status,
    order, what happens once, the policy's conditions), and every record what the steps made it."""
    return of_code(ctx, "CL058")


def check_anonymous_share(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 An anonymous reporter: what the reported person receives of an anonymous report
    is the summary the council wrote for them (`report share --summary-file`), never the report."""
    return of_code(ctx, "CL059")


def check_reinstatement_notice(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Reinstatement: the offender told they are reinstated while a ban of theirs is in
    force, before their ban ended, or about a ban that is not the last of its chain."""
    return of_code(ctx, "CL093")


def check_report_twice(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 The same thing twice: an open case holding the report an open case recorded
    before it holds (same respondent, reporter and received moment), not marked `again`."""
    return of_code(ctx, "CL095")


def check_notice_twice(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 The same thing twice: a party recorded as told twice of one step of the case (the
    same notice, nothing recorded between), the second not marked `again`."""
    return of_code(ctx, "CL096")
