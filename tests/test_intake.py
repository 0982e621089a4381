"""Submitting a report and Incident processing: who the report names, and the meeting reviewing it."""

from __future__ import annotations

from casework import commit_file
from conftest import SETUP_DAY, LedgerRepo


def report(repo: LedgerRepo, received: str, *extra: str) -> str:
    case = repo.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina", "--serious",
                    "--at", received, *extra, "--json").json["case"]  # fmt: skip
    repo.coc("committee", "form", case, "--member", "bob", "--member", "carol", "--member", "dan",
             "--at", received)  # fmt: skip
    return case


def test_the_reporter_is_not_also_a_witness(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
                     "--witness", "gina", "--at", "2026-01-10", expect=2)  # fmt: skip
    assert run.stderr.startswith("coc: error: --witness names the reporter")
    assert run.stderr.count("\n") == 1
    assert ledger.head() == head and ledger.status() == ""


def test_a_serious_case_is_not_reviewed_at_a_meeting_before_it_was_received(
    ledger: LedgerRepo,
) -> None:
    ledger.coc("meeting", "add", "2026-01-05", "--extraordinary", "--at", SETUP_DAY)
    case = report(ledger, "2026-01-10T09:00:00+00:00")
    head = ledger.head()
    run = ledger.coc("report", "review", case, "--meeting", "2026-01-05", "--at", "2026-01-11",
                     expect=1)  # fmt: skip
    assert "the meeting of 2026-01-05 is before the report was received (2026-01-10)" in run.stderr
    assert ledger.head() == head and ledger.status() == ""


def test_the_day_a_report_was_received_is_the_policys_local_day(ledger: LedgerRepo) -> None:
    """03:00 UTC on January 10 is still January 9 in New York: a meeting that day may review it."""
    policy = ledger.read("policy.yaml").replace("timezone: UTC", "timezone: America/New_York")
    commit_file(ledger, "policy.yaml", policy)
    ledger.coc("meeting", "add", "2026-01-09", "--extraordinary", "--at", SETUP_DAY)
    case = report(ledger, "2026-01-10T03:00:00+00:00")
    ledger.coc("report", "review", case, "--meeting", "2026-01-09", "--at", "2026-01-11")
