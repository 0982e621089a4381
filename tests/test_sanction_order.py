"""One person's sanctions are recorded in the order they happen, and a case's timeline runs forward.

validate recomputes every stored offence from the sanctions decided before it (SPEC §3 Offence
number), and history is append-only: a decision dated before one already on record would make a
later sanction's offence wrong for good, so the actions refuse it.

The rules run in memory (tests/memory.py); one refusal runs through the real CLI and git, to show
that a refused action leaves the tree and history as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from cocledger.actions import appeals, committee, reports, sanctions
from cocledger.core.change import Outcome
from cocledger.core.durations import parse_duration
from cocledger.errors import RefusedError
from conftest import LedgerRepo, reviewed_case
from memory import Memory, fresh, problems, received

FIRST_MEETING = "2026-01-22"
LATER = "2026-02-10"  # when the second case's sanction is decided
AT = "2026-03-01"  # the day validate looks at the ledger (as in tests/checkwork.py)

CONDUCT = "Insults after a warning"
OUT_OF_ORDER = "record one person's sanctions in order"


def on(day: str) -> str:
    """`--at DAY` as coc reads it: 00:00 of that day in the policy's time zone (UTC)."""
    return f"{day}T00:00:00+00:00"


def reviewed(
    m: Memory,
    respondent: str = "frank",
    reporter: str = "gina",
    when: str = "2026-01-10T09:00:00+00:00",
    meeting: str = FIRST_MEETING,
) -> str:
    """conftest.reviewed_case in memory: received, noticed, committee, shared, then reviewed at
    the meeting (00:00 of its day, as `--at DAY` reads it); returns the case id."""
    case = received(m, respondent, reporter, (), when, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", when, case)
    m.act(committee.form, "alice", when, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", when, case)
    m.act(reports.review, "alice", on(meeting), case, date.fromisoformat(meeting))
    return case


def two_cases(m: Memory) -> tuple[str, str]:
    """Two reviewed reports about frank, both ready for a proposal from 2026-01-22."""
    first = reviewed(m)
    second = reviewed(m, reporter="hank", when="2026-01-12T09:00:00+00:00")
    return first, second


def propose(
    m: Memory,
    case: str,
    day: str,
    kind: str | None = None,
    duration: str | None = None,
    reason: str | None = None,
    conduct: str | None = None,
) -> str:
    length = parse_duration(duration) if duration else None
    outcome = m.act(sanctions.propose, "alice", on(day), case, kind, length, reason, conduct)
    return str(outcome.data["sanction"])


def refused(m: Memory, action: Callable[..., Outcome], day: str, *args: object) -> str:
    """Run an action that must be refused and leave the ledger as it was; returns the message."""
    before = m.snap
    with pytest.raises(RefusedError) as refusal:
        m.act(action, "alice", on(day), *args)
    assert m.snap is before
    return str(refusal.value)


def ban_of_threats(m: Memory, case: str) -> str:
    """A 3-month ban for a 1st offence (a deviation from the ladder), enacted, then appealed."""
    ban = propose(m, case, FIRST_MEETING, "ban", "3 months", "Threats", CONDUCT)
    m.act(sanctions.enact, "alice", on("2026-01-23"), ban, None)
    m.act(appeals.file, "alice", on("2026-01-24"), ban, "Too harsh")
    return ban


def test_a_proposal_dated_before_the_persons_latest_sanction_is_refused(
    ledger: LedgerRepo,
) -> None:
    """Through the real CLI and git: the refusal says why, and commits and writes nothing."""
    first = reviewed_case(ledger)
    second = reviewed_case(ledger, reporter="hank", received="2026-01-12T09:00:00+00:00")
    later = ledger.coc("sanction", "propose", second, "--at", LATER, "--json").json["sanction"]
    head = ledger.head()
    run = ledger.coc("sanction", "propose", first, "--at", "2026-01-25", expect=1)
    assert ledger.head() == head and ledger.status() == ""
    assert f"--at 2026-01-25 is before {later} was decided ({LATER}): {OUT_OF_ORDER}" in run.stderr


def test_proposals_recorded_in_order_keep_every_stored_offence_right() -> None:
    m = fresh()
    first, second = two_cases(m)
    propose(m, second, LATER)
    propose(m, first, LATER, conduct=CONDUCT)  # the same day is in order: the 2nd offence
    assert problems(m, on(AT), "CL031") == []


def test_another_persons_later_sanction_does_not_hold_a_proposal_back() -> None:
    m = fresh()
    first = reviewed(m)
    other = reviewed(m, respondent="ivy", when="2026-01-12T09:00:00+00:00")
    propose(m, other, LATER)
    assert m.sanction(propose(m, first, "2026-01-25")).status == "proposed"


def test_a_rejection_dated_before_a_later_sanction_was_decided_is_refused() -> None:
    m = fresh()
    first, second = two_cases(m)
    warning = propose(m, first, FIRST_MEETING)
    later = propose(m, second, LATER, conduct=CONDUCT)  # the 2nd offence while the warning stands
    error = refused(m, sanctions.reject, "2026-02-01", warning)
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_enactment_dated_before_a_later_sanction_was_decided_is_refused() -> None:
    m = fresh()
    first, second = two_cases(m)
    warning = propose(m, first, FIRST_MEETING)
    later = propose(m, second, LATER, conduct=CONDUCT)
    error = refused(m, sanctions.enact, "2026-02-01", warning, None)
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_escalation_dated_before_a_later_sanction_was_decided_is_refused() -> None:
    m = fresh()
    first, second = two_cases(m)
    warning = propose(m, first, FIRST_MEETING)
    m.act(sanctions.enact, "alice", on("2026-01-23"), warning, None)
    later = propose(m, second, LATER, conduct=CONDUCT)
    error = refused(m, sanctions.apology_record, "2026-01-26", warning, False, CONDUCT)
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


@pytest.mark.parametrize(
    ("outcome", "reduced_to"),
    [("overturned", None), ("reduced", "1 month")],
    ids=["overturned", "reduced"],
)
def test_an_appeal_decided_before_a_later_sanction_was_decided_is_refused(
    outcome: str, reduced_to: str | None
) -> None:
    m = fresh()
    first, second = two_cases(m)
    ban = ban_of_threats(m, first)
    later = propose(m, second, LATER, conduct=CONDUCT)
    length = parse_duration(reduced_to) if reduced_to else None
    error = refused(m, appeals.decide, "2026-02-05", ban, outcome, length, [])
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_appeal_overturned_after_the_later_sanction_keeps_its_offence_right() -> None:
    m = fresh()
    first, second = two_cases(m)
    ban = ban_of_threats(m, first)
    propose(m, second, LATER, conduct=CONDUCT)
    m.act(appeals.decide, "alice", on("2026-02-11"), ban, "overturned", None, [])
    assert m.sanction(ban).status == "overturned"
    assert problems(m, on(AT), "CL031") == []
