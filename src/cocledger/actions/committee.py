"""Incident processing: the case's review committee, formed from council members with no conflict
of interest, and the conflicts council members declare (SPEC §3 Recusal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..core import council
from ..core.change import Outcome
from ..core.models import Person
from ..core.snapshot import Snapshot
from . import change_of, gate, step_case, text


def form(
    snap: Snapshot, actor: Person, at: datetime, case_id: str, members: Sequence[str]
) -> Outcome:
    """Incident processing: a small committee of council members with no conflict of interest."""
    case = snap.case(case_id)
    for member in members:
        snap.person(member, "--member")
    chosen = tuple(members)
    step = gate(snap, "committee form", actor, at, case, members=chosen)
    new = step_case(snap, step, case, actor, at, members=chosen)
    return Outcome(
        change_of(snap, step, actor, at, new),
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
    snap.person(member, "--member")
    step = gate(snap, "committee recuse", actor, at, case, member=member)
    changes = {"conflicts": (*case.conflicts, member)}
    note = text(reason, "--reason", "reason")
    new = step_case(snap, step, case, actor, at, changes, members=(member,), note=note)
    committee = new.committee
    short = council.committee_short(policy, new.committee) if case.committee else 0
    message = f"Recorded {member}'s conflict of interest in {case_id}"
    if member in case.committee:
        message += f"; {member} left its committee"
    if short:
        message += f", which lacks {short} member(s): form it again with `coc committee form`"
    data = {"case": case_id, "member": member, "committee": list(committee), "short": short}
    return Outcome(change_of(snap, step, actor, at, new), data, message + ".")
