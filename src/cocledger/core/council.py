"""Who decides on a case: the full council's vote on a sanction, what may be appealed, who is
conflicted in a case, and its committee. Pure functions over the models, as `rules`.

SPEC §3 Lifetime ban, Appeals, Conflicts of interest and Recusal: a conflicted person never acts
on a case, votes on its sanction or sits on its committee; the council members left decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .models import Case, Policy, Roster, Sanction, Vote

# --- votes, appeals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The full council's vote on a sanction: who may vote, who has, and whether it passes."""

    eligible: tuple[str, ...]
    yes: tuple[str, ...]
    no: tuple[str, ...]
    rule: str

    @property
    def missing(self) -> tuple[str, ...]:
        voted = set(self.yes) | set(self.no)
        return tuple(member for member in self.eligible if member not in voted)

    @property
    def passed(self) -> bool:
        if self.missing or not self.eligible:
            return False
        if self.rule == "full_council_unanimous":
            return len(self.yes) == len(self.eligible)
        return len(self.yes) * 2 > len(self.eligible)


def tally(
    policy: Policy,
    sanction: Sanction,
    case: Case,
    upto: int | None = None,
    votes: Sequence[Vote] | None = None,
) -> Tally:
    """Proposed sanctions, 5th offence: every council member not conflicted in the case votes; a
    majority carries. As of the case's first `upto` events (None: as it stands): a member
    recused since voting is no longer eligible, and their vote is lost (SPEC §3 Recusal);
    `votes` are those cast by then (default: all)."""
    eligible = tuple(eligible_council(policy, case, upto))
    latest: dict[str, str] = {}
    for vote in sorted(sanction.votes if votes is None else votes, key=lambda v: v.at):
        latest[vote.member] = vote.vote
    yes = tuple(m for m in eligible if latest.get(m) == "yes")
    no = tuple(m for m in eligible if latest.get(m) == "no")
    rung = next((r for r in policy.ladder if r.kind == sanction.kind and r.vote), None)
    rule = rung.vote if rung and rung.vote else "full_council_majority"
    return Tally(eligible, yes, no, rule)


def needs_vote(policy: Policy, sanction: Sanction) -> bool:
    """A sanction of a kind whose rung asks for a vote (the lifetime ban) needs one to be enacted."""
    return kind_needs_vote(policy, sanction.kind)


def kind_needs_vote(policy: Policy, kind: str) -> bool:
    """Breaches policy, lifetime ban: a rung of this kind is decided by a full council vote."""
    return any(r.kind == kind and r.vote for r in policy.ladder)


def appealable(policy: Policy, sanction: Sanction) -> bool:
    """CoC §8: only permanent resolutions (such as bans) may be appealed."""
    return sanction.kind in policy.appeals.allowed_for


# --- conflicts of interest ----------------------------------------------------------------------


def declared_at(case: Case, person: str) -> int | None:
    """The place in the timeline of the event that declared `person`'s conflict (None: none did,
    so the conflict counts from the start)."""
    for j, event in enumerate(case.timeline):
        if event.action == "conflict_declared" and person in (event.members or ()):
            return j
    return None


def conflicted(case: Case, person: str, upto: int | None = None) -> str | None:
    """SPEC §3 Recusal, the one rule: why `person` is conflicted in `case` as it stood before its
    event `upto` (None: as it stands), or None. The reporter, the respondent and the witnesses
    always are; a declared conflict counts from the event that declared it (from the start when
    no event did). A conflicted person never acts on the case, whatever their role: so a report
    about the project lead is received by another council member."""
    if person == case.respondent:
        return f"{person} is the respondent in {case.id}"
    if person == case.reporter:
        return f"{person} is the reporter in {case.id}"
    if person in case.witnesses:
        return f"{person} is a witness in {case.id}"
    if person in case.conflicts:
        declared = declared_at(case, person) if upto is not None else None
        if declared is None or upto is None or declared < upto:
            return f"{person} has declared a conflict of interest in {case.id}"
    return None


def eligible_council(policy: Policy, case: Case, upto: int | None = None) -> list[str]:
    """The council members who may act on (and vote on, and be told of) a case: every member on
    the roster not conflicted in it then."""
    return [m for m in policy.roster.council if not conflicted(case, m, upto)]


def committee_problems(
    policy: Policy, case: Case, members: Sequence[str], upto: int | None = None
) -> list[str]:
    """Incident processing: a small committee of council members with no conflict of interest
    (as the case stood before its event `upto`)."""
    problems = []
    if len(set(members)) != len(members):
        problems.append("a member is listed twice")
    outsiders = [m for m in members if m not in policy.roster.council]
    if outsiders:
        problems.append(f"not on the council: {', '.join(outsiders)}")
    problems.extend(reason for m in members if (reason := conflicted(case, m, upto)))
    if len(set(members)) < policy.committee.min_size:
        problems.append(
            f"needs at least {policy.committee.min_size} members, got {len(set(members))}"
        )
    return problems


def committee_short(policy: Policy, committee: Sequence[str]) -> int:
    """How many members a committee lacks (after a recusal took one off it, or a member left the
    council); 0: none."""
    seated = {m for m in committee if m in policy.roster.council}
    return max(policy.committee.min_size - len(seated), 0)


RosterVersions = Sequence[tuple[datetime | None, Roster]]
"""The versions of policy.yaml's roster, in the order they were written, each with the moment of
the action that wrote it (the first: from the start)."""


def roster_at(versions: RosterVersions, moment: datetime) -> Roster | None:
    """SPEC §3 Roles, as of each step: who was on the council (and lead) at a moment. The first
    version, then each change a later one made (a member joining or leaving, a new lead), applied
    in the order of the moments they were made at, up to `moment`: a change recorded late counts
    from its own moment, not from where it stands among the versions."""
    found = rosters_at(versions, moment)
    return found[-1] if found else None


def rosters_since(versions: RosterVersions, moment: datetime) -> list[Roster]:
    """Every roster the council has had from `moment` on (`rosters_at` that moment, then after
    each later change): a step is judged by who was on the council then, and a change of the
    council made since never undoes it (docs/rules.md, Who was on the council)."""
    found: list[Roster] = []
    for roster in _rosters(versions, moment, later=True):
        if roster not in found:
            found.append(roster)
    return found


def rosters_at(versions: RosterVersions, moment: datetime) -> list[Roster]:
    """Every roster the council had at `moment`: as it stood just before it, then after each
    change made at that very moment, in the order they were made (a step of that moment may have
    come between two of them: a day, let alone an instant, holds no order of its own)."""
    return _rosters(versions, moment, later=False)


def _rosters(versions: RosterVersions, moment: datetime, later: bool) -> list[Roster]:
    """The first version, then each change a later one made (a member joining or leaving, a new
    lead), applied in the order of the moments they were made at: the roster just before
    `moment`, and after each change made at it (`later`: at it or after it)."""
    if not versions:
        return []
    first = versions[0][1]
    changes: list[tuple[datetime | None, int, str, str]] = []
    before = first
    for n, (when, roster) in enumerate(versions[1:]):
        changes += [(when, n, "join", m) for m in roster.council if m not in before.council]
        changes += [(when, n, "leave", m) for m in before.council if m not in roster.council]
        if roster.project_lead != before.project_lead:
            changes.append((when, n, "lead", roster.project_lead))
        before = roster
    council, lead = list(first.council), first.project_lead
    found: list[Roster] = []
    last: int | None = None
    for when, n, kind, member in sorted(changes, key=lambda c: (c[0] or moment, c[1])):
        if when is not None and when > moment and not later:
            continue
        if when is not None and when >= moment and n != last:  # the roster before this change
            found.append(Roster(project_lead=lead, council=tuple(council)))
            last = n
        if kind == "join" and member not in council:
            council.append(member)
        elif kind == "leave" and member in council:
            council.remove(member)
        elif kind == "lead":
            lead = member
    return [*found, Roster(project_lead=lead, council=tuple(council))]
