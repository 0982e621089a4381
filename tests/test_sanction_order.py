"""One person's sanctions are recorded in the order they happen, and a case's timeline runs forward.

validate recomputes every stored offence from the sanctions decided before it (SPEC §3 Offence
number), and history is append-only: a decision dated before one already on record would make a
later sanction's offence wrong for good, so the actions refuse it.
"""

from __future__ import annotations

import pytest

from checkwork import validate
from conftest import LedgerRepo, reviewed_case

FIRST_MEETING = "2026-01-22"
LATER = "2026-02-10"  # when the second case's sanction is decided


def two_cases(repo: LedgerRepo) -> tuple[str, str]:
    """Two reviewed reports about frank, both ready for a proposal from 2026-01-22."""
    first = reviewed_case(repo)
    second = reviewed_case(repo, reporter="hank", received="2026-01-12T09:00:00+00:00")
    return first, second


def propose(repo: LedgerRepo, case: str, at: str, *extra: str) -> str:
    return repo.coc("sanction", "propose", case, "--at", at, *extra, "--json").json["sanction"]


def refused(repo: LedgerRepo, *args: str) -> str:
    """Run an action that must be refused and leave the tree and history as they were."""
    head = repo.head()
    run = repo.coc(*args, expect=1)
    assert repo.head() == head and repo.status() == ""
    return run.stderr


BAN = ("--conduct", "Insults after a warning")
OUT_OF_ORDER = "record one person's sanctions in order"


def test_a_proposal_dated_before_the_persons_latest_sanction_is_refused(
    ledger: LedgerRepo,
) -> None:
    first, second = two_cases(ledger)
    later = propose(ledger, second, LATER)
    error = refused(ledger, "sanction", "propose", first, "--at", "2026-01-25")
    assert f"--at 2026-01-25 is before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_proposals_recorded_in_order_keep_every_stored_offence_right(ledger: LedgerRepo) -> None:
    first, second = two_cases(ledger)
    propose(ledger, second, LATER)
    propose(ledger, first, LATER, *BAN)  # the same day is in order: the 2nd offence
    assert validate(ledger, "--select", "CL031", expect=0) == []


def test_another_persons_later_sanction_does_not_hold_a_proposal_back(ledger: LedgerRepo) -> None:
    first = reviewed_case(ledger)
    other = reviewed_case(ledger, respondent="ivy", received="2026-01-12T09:00:00+00:00")
    propose(ledger, other, LATER)
    propose(ledger, first, "2026-01-25")


def test_a_rejection_dated_before_a_later_sanction_was_decided_is_refused(
    ledger: LedgerRepo,
) -> None:
    first, second = two_cases(ledger)
    warning = propose(ledger, first, FIRST_MEETING)
    later = propose(ledger, second, LATER, *BAN)  # the 2nd offence while the warning stands
    error = refused(ledger, "sanction", "reject", warning, "--at", "2026-02-01")
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_enactment_dated_before_a_later_sanction_was_decided_is_refused(
    ledger: LedgerRepo,
) -> None:
    first, second = two_cases(ledger)
    warning = propose(ledger, first, FIRST_MEETING)
    later = propose(ledger, second, LATER, *BAN)
    error = refused(ledger, "sanction", "enact", warning, "--at", "2026-02-01")
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_escalation_dated_before_a_later_sanction_was_decided_is_refused(
    ledger: LedgerRepo,
) -> None:
    first, second = two_cases(ledger)
    warning = propose(ledger, first, FIRST_MEETING)
    ledger.coc("sanction", "enact", warning, "--at", "2026-01-23")
    later = propose(ledger, second, LATER, *BAN)
    error = refused(ledger, "apology", "record", warning, "--refused", *BAN, "--at", "2026-01-26")
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


@pytest.mark.parametrize("outcome", [("--overturned",), ("--reduced-to", "1 month")])
def test_an_appeal_decided_before_a_later_sanction_was_decided_is_refused(
    ledger: LedgerRepo, outcome: tuple[str, ...]
) -> None:
    first, second = two_cases(ledger)
    ban = propose(ledger, first, FIRST_MEETING, "--kind", "ban", "--duration", "3 months",
                  "--deviation-reason", "Threats", *BAN)  # fmt: skip
    ledger.coc("sanction", "enact", ban, "--at", "2026-01-23")
    ledger.coc("appeal", "file", ban, "--reason", "Too harsh", "--at", "2026-01-24")
    later = propose(ledger, second, LATER, *BAN)
    error = refused(ledger, "appeal", "decide", ban, *outcome, "--at", "2026-02-05")
    assert f"before {later} was decided ({LATER}): {OUT_OF_ORDER}" in error


def test_an_appeal_overturned_after_the_later_sanction_keeps_its_offence_right(
    ledger: LedgerRepo,
) -> None:
    first, second = two_cases(ledger)
    ban = propose(ledger, first, FIRST_MEETING, "--kind", "ban", "--duration", "3 months",
                  "--deviation-reason", "Threats", *BAN)  # fmt: skip
    ledger.coc("sanction", "enact", ban, "--at", "2026-01-23")
    ledger.coc("appeal", "file", ban, "--reason", "Too harsh", "--at", "2026-01-24")
    propose(ledger, second, LATER, *BAN)
    ledger.coc("appeal", "decide", ban, "--overturned", "--at", "2026-02-11")
    assert validate(ledger, "--select", "CL031", expect=0) == []


# --- a case's timeline runs forward: one rule, one message, for every action ---------------------


@pytest.mark.parametrize(
    "action",
    [
        ("report", "respond"),
        ("sanction", "propose"),
        ("notify", "{case}", "--party", "council"),
        ("case", "close"),
    ],
)
def test_every_action_refuses_a_date_before_the_cases_last_event_alike(
    ledger: LedgerRepo, action: tuple[str, ...]
) -> None:
    case = reviewed_case(ledger)  # its last event: the review, 2026-01-22 00:00 UTC
    args = [a.format(case=case) for a in action]
    if "{case}" not in action:
        args.append(case)
    error = refused(ledger, *args, "--at", "2026-01-21")
    assert (
        f"--at 2026-01-21T00:00:00+00:00 is before the last event of {case} "
        "(2026-01-22T00:00:00+00:00); check the date"
    ) in error
