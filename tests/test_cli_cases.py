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


def test_text_with_rich_markup_is_shown_as_written(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc(
        "case", "close", case, "--reason", "no breach [/] found [red]x", "--at", "2026-01-23"
    )
    shown = ledger.coc("case", "show", case).stdout
    assert "no breach [/] found [red]x" in shown


def test_an_anonymous_reporter_is_flagged_to_the_council(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger, extra=("--anonymous-reporter",))
    assert "ANONYMOUS REPORTER" in ledger.coc("case", "show", case).stdout


def test_piped_tables_cut_no_id_or_date(ledger: LedgerRepo) -> None:
    reviewed_case(ledger)
    listing = ledger.coc("case", "list").stdout
    assert "COC-2026-0001" in listing and "2026-01-10 09:00 UTC" in listing


def test_a_stray_file_in_cases_does_not_break_the_queries(ledger: LedgerRepo) -> None:
    reviewed_case(ledger)
    (ledger.root / "cases/2026/notes.yaml").write_text("x\n")
    assert [row["case"] for row in ledger.coc("case", "list", "--json").json] == ["COC-2026-0001"]
    ledger.coc("due", "--json")
    found = ledger.coc("validate", "--json", expect=1).json["problems"]
    assert any(p["file"] == "cases/2026/notes.yaml" for p in found)
