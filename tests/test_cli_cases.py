"""Closing a case, and the case list that follows it."""

from __future__ import annotations

from conftest import LedgerRepo, reviewed_case


def test_a_case_with_a_pending_proposal_cannot_be_closed(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22")
    head = ledger.head()
    run = ledger.coc("case", "close", case, "--at", "2026-01-23", expect=1)
    assert "S-2026-0001" in run.stderr and run.stderr.count("\n") == 1
    assert ledger.head() == head and ledger.status() == ""


def test_a_closed_case_leaves_the_open_list(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("case", "close", case, "--reason", "no breach found", "--at", "2026-01-23")
    assert ledger.trailers()["Coc-Action"] == "case close"
    assert ledger.coc("case", "list", "--open", "--json").json == []
    assert [row["status"] for row in ledger.coc("case", "list", "--json").json] == ["closed"]
    ledger.coc("case", "close", case, "--at", "2026-01-24", expect=1)
