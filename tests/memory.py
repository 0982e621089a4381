"""An in-memory ledger for the rule, gate and action tests: a Snapshot and the actions applied to
it one after the other, as `coc` would commit them, with no disk and no git.

The cast is fictional: alice (project lead) and bob, carol, dan, erin, fay, gus and hal on the
council; frank, gina, hank and ivy are community members.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cocledger.actions import appeals, committee, reports, sanctions
from cocledger.core.change import Change, Outcome
from cocledger.core.defaults import policy_text
from cocledger.core.durations import parse_duration
from cocledger.core.ledger import Versions
from cocledger.core.models import Case, Person, Policy, Sanction
from cocledger.core.snapshot import Snapshot
from cocledger.store import templates, yamlio

COUNCIL = ("alice", "bob", "carol", "dan", "erin", "fay", "gus", "hal")
MEMBERS = ("frank", "gina", "hank", "ivy")
MEETINGS = ("2026-01-22", "2026-02-12", "2026-03-05", "2026-03-26", "2026-04-16", "2026-05-07")


def make_policy(**changes: Any) -> Policy:
    """The Mautic policy as `coc init` writes it, with the council above and some meetings."""
    data = yamlio.load_fast(policy_text("Mautic", "alice", "conduct@example.org"), "policy.yaml")
    data["roster"]["council"] = list(COUNCIL)
    data["meetings"] = [{"date": day, "kind": "ordinary"} for day in MEETINGS]
    data["meetings"].append({"date": "2026-01-15", "kind": "extraordinary"})
    return Policy.model_validate({**data, **changes})


def people() -> list[Person]:
    return [
        Person(id=p, name=f"{p.title()} Example", email=f"{p}@example.org")
        for p in (*COUNCIL, *MEMBERS)
    ]


def at(text: str) -> datetime:
    """An instant: `2026-01-10` is noon UTC that day, anything longer is read as written."""
    return datetime.fromisoformat(text if "T" in text else text + "T12:00:00+00:00")


@dataclass
class Memory:
    """A ledger held in memory: each action sees what the ones before it decided."""

    snap: Snapshot
    versions: Versions = field(default_factory=Versions)
    """The versions of policy.yaml, with the moment each took effect (for the replay)."""

    def __post_init__(self) -> None:
        if not self.versions.versions:
            self.versions = self.versions.then(None, self.snap.policy)

    def act(self, action: Callable[..., Outcome], actor: str, when: str, *args: Any) -> Outcome:
        outcome = action(self.snap, self.snap.person(actor), at(when), *args)
        if outcome.change is not None:
            self.apply(outcome.change)
        return outcome

    def apply(self, change: Change) -> None:
        """The ledger once `change` is made (what `coc` would commit)."""
        self.snap = self.snap.after(change)
        if change.policy is not None:
            self.versions = self.versions.then(change.at, change.policy)

    def case(self, case_id: str) -> Case:
        return self.snap.case(case_id)

    def sanction(self, sanction_id: str) -> Sanction:
        return self.snap.sanction(sanction_id)


def fresh(extra: Sequence[Person] = (), **policy: Any) -> Memory:
    """A ledger of the cast above (and `extra` people), nothing recorded yet."""
    return Memory(Snapshot.of(make_policy(**policy), [*people(), *extra], templates=_templates()))


def _templates() -> dict[str, str]:
    from cocledger.core.messages import TEMPLATE_NAMES

    return {name: templates.default(name) for name in TEMPLATE_NAMES}


def received(
    m: Memory,
    respondent: str = "frank",
    reporter: str = "gina",
    witnesses: Sequence[str] = (),
    when: str = "2026-01-10T09:00:00+00:00",
    by: str = "alice",
    **report: Any,
) -> str:
    """A report recorded (Submitting a report); returns its case id."""
    report.setdefault("summary", "Insults in the release thread")
    given = reports.ReportInput(respondent, reporter, tuple(witnesses), **report)
    return str(m.act(reports.report_new, by, when, given).data["case"])


def reviewed(
    m: Memory,
    respondent: str = "frank",
    reporter: str = "gina",
    witnesses: Sequence[str] = (),
    members: Sequence[str] = ("bob", "carol", "dan"),
    when: str = "2026-01-10T09:00:00+00:00",
    meeting: str = "2026-01-22",
) -> str:
    """A report through notice, committee, sharing and review (Incident processing 1-3)."""
    case = received(m, respondent, reporter, witnesses, when)
    m.act(reports.notify_council, "alice", when, case)
    m.act(committee.form, "alice", when, case, list(members))
    m.act(reports.share, "alice", when, case)
    m.act(reports.review, "alice", meeting + "T18:00:00+00:00", case, date.fromisoformat(meeting))
    return case


def proposed(
    m: Memory,
    case: str,
    when: str,
    kind: str | None = None,
    duration: str | None = None,
    reason: str | None = None,
    conduct: str | None = None,
    by: str = "alice",
) -> str:
    length = parse_duration(duration) if duration else None
    outcome = m.act(sanctions.propose, by, when, case, kind, length, reason, conduct)
    return str(outcome.data["sanction"])


def warned(m: Memory, **kw: Any) -> tuple[str, str]:
    """A reviewed case and its 1st-offence warning, enacted at the review."""
    case = reviewed(m, **kw)
    meeting = kw.get("meeting", "2026-01-22")
    warning = proposed(m, case, meeting + "T18:30:00+00:00")
    m.act(sanctions.enact, "alice", meeting + "T18:40:00+00:00", warning, None)
    return case, warning


def banned(m: Memory, refused_on: str = "2026-01-26", **kw: Any) -> tuple[str, str, str]:
    """Warning enacted, apology refused: escalated at once to a 3-month ban."""
    case, warning = warned(m, **kw)
    conduct = "Refused the apology required after a formal warning"
    ban = m.act(sanctions.apology_record, "alice", refused_on, warning, False, conduct)
    return case, warning, str(ban.data["sanction"])


def appealed(m: Memory, case: str, ban: str, when: str = "2026-02-01") -> None:
    m.act(appeals.file, "alice", when, ban, "Disputes the facts")


def problems(m: Memory, when: str, *select: str) -> list[Any]:
    """What `coc validate --at WHEN --select ...` would report of the ledger in memory (lines are
    not located: there is no file text)."""
    from cocledger.checks import run
    from cocledger.checks.context import Context
    from cocledger.core.ledger import InMemory

    return run(Context(at(when), InMemory(m.snap, m.versions)), select)
