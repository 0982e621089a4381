"""SPEC §3 Reinstatement: a person is reinstated only when no ban of theirs is in force.

End of ban says the user is reinstated "after the ban period"; with bans back to back (one
starting the day another ends) or one ending under a lifetime ban, that period is the whole chain
of bans in force. So the reinstatement (its checklist, its deadline, its notice) belongs to the
last ban of the chain, on the first day no ban is in force, and never comes under a lifetime ban.
`coc due`, CL061 and the notice drafts all ask this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from . import rules
from .models import Sanction


def _lifted_on(ban: Sanction, day: date) -> date | None:
    """The day a ban in force on `day` stops: its end, or the day an appeal overturned it; None
    for a lifetime ban still standing."""
    if ban.status == "overturned" and ban.status_on > day:
        return ban.status_on
    return ban.ends_on


def free_from(sanctions: Sequence[Sanction], person: str, day: date) -> date | None:
    """The first day on or after `day` on which no ban of `person` is in force (`rules.in_force`);
    None while a lifetime ban holds them. Every day before it, from `day`, has a ban in force."""
    while True:
        holding = [s for s in sanctions if s.person == person and rules.in_force(s, day)]
        if not holding:
            return day
        ends = [_lifted_on(s, day) for s in holding]
        if None in ends:
            return None
        day = max(end for end in ends if end is not None)


def _timed(sanction: Sanction) -> bool:
    return sanction.status == "enacted" and sanction.kind == "ban" and sanction.ends_on is not None


def due_on(sanctions: Sequence[Sanction], ban: Sanction) -> date | None:
    """The day reinstatement is due if `ban` carries it, else None: a timed ban carries it when it
    is the last of its chain (the one ending last, then the latest id) and the chain ends."""
    if not _timed(ban) or ban.person is None or ban.ends_on is None:
        return None
    on = free_from(sanctions, ban.person, ban.ends_on)
    if on is None:
        return None
    chain = [s for s in sanctions if s.person == ban.person and _timed(s) and s.ends_on]
    last = max(
        (s for s in chain if s.ends_on and free_from(sanctions, ban.person, s.ends_on) == on),
        key=lambda s: (s.ends_on, s.id),
    )
    return on if last.id == ban.id else None


def not_yet(sanctions: Sequence[Sanction], ban: Sanction, day: date) -> str | None:
    """Why the offender may not be told on `day` that `ban` reinstates them (another ban is in
    force, the ban has not ended, or the notice belongs to the last ban of the chain); None if
    they may. The rule of the gate's `guards.reinstatement_when_free`."""
    if ban.person is None or ban.ends_on is None:
        return f"{ban.id} is not a ban that ends: nobody is reinstated by it"
    on = free_from(sanctions, ban.person, ban.ends_on)
    if on is None or day < on:
        holder = rules.active_ban(sanctions, ban.person, day)
        until = f"until {holder.ends_on}" if holder and holder.ends_on else "for life"
        held = f"{holder.id} is in force {until}" if holder else "another ban is in force"
        if day < ban.ends_on:
            return (
                f"{ban.id} ends on {ban.ends_on}: a person is told they are reinstated once it has"
            )
        return (
            f"{ban.id} ended on {ban.ends_on}, but {held}: a person is told they are "
            "reinstated only once no ban of theirs is in force (SPEC §3 Reinstatement)"
        )
    if due_on(sanctions, ban) is None:
        last = next(
            (s for s in sanctions if s.person == ban.person and due_on(sanctions, s) == on), None
        )
        if last is None:  # no enacted ban carries it (this one was overturned since)
            return None
        return (
            f"the bans in force from {ban.ends_on} ended with {last.id}: the "
            f"reinstatement notice is about it (`coc notify {last.case} --party offender "
            f"--sanction {last.id}`)"
        )
    return None
