"""Incident processing: the case's review committee, formed from council members with no conflict
of interest, and the conflicts council members declare (SPEC §3 Recusal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..core import rules, transitions
from ..core.change import Outcome
from ..core.models import Person
from ..core.snapshot import Snapshot
from ..errors import RefusedError, UsageError
from . import change_of, step_case, text


def form(
    snap: Snapshot, actor: Person, at: datetime, case_id: str, members: Sequence[str]
) -> Outcome:
    """Incident processing: a small committee of council members with no conflict of interest."""
    policy = snap.policy
    case = snap.case(case_id)
    step = transitions.permit(policy, "committee form", actor.id, case)
    for member in members:
        snap.person(member, "--member")
    problems = rules.committee_problems(policy, case, members)
    if problems:
        raise RefusedError(f"committee for {case_id} refused: {'; '.join(problems)}")
    chosen = tuple(members)
    new = step_case(snap, step, case, actor, at, {"committee": chosen}, members=chosen)
    return Outcome(
        change_of(step, actor, new),
        {"case": case_id, "committee": list(chosen)},
        f"Formed the committee for {case_id}: {', '.join(chosen)}.",
    )


def recuse(
    snap: Snapshot, actor: Person, at: datetime, case_id: str, member: str, reason: str | None
) -> Outcome:
    """SPEC §3 Recusal: a council member declares a conflict of interest in a case; from then on
    they are conflicted in it, and leave its committee (which `coc due` shows short until it is
    formed again)."""
    policy = snap.policy
    case = snap.case(case_id)
    step = transitions.permit(policy, "committee recuse", actor.id, case)
    snap.person(member, "--member")
    already = rules.conflict(case, member)
    if already:
        raise RefusedError(f"{already} already: nothing to declare")
    if member not in policy.roster.council:
        raise UsageError(f"--member {member} is not on the council: only its members recuse")
    committee = tuple(m for m in case.committee if m != member)
    changes = {"conflicts": (*case.conflicts, member), "committee": committee}
    note = text(reason, "--reason", "reason")
    new = step_case(snap, step, case, actor, at, changes, members=(member,), note=note)
    short = rules.committee_short(policy, new) if case.committee else 0
    message = f"Recorded {member}'s conflict of interest in {case_id}"
    if member in case.committee:
        message += f"; {member} left its committee"
    if short:
        message += f", which lacks {short} member(s): form it again with `coc committee form`"
    data = {"case": case_id, "member": member, "committee": list(committee), "short": short}
    return Outcome(change_of(step, actor, new), data, message + ".")
