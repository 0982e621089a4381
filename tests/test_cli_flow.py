"""The policy's whole process, end to end, in a real git repository."""

from __future__ import annotations

from conftest import LedgerRepo, reviewed_case


def test_first_offence_is_a_warning_with_an_apology_due(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    proposed = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    assert (proposed["offence"], proposed["kind"], proposed["status"]) == (1, "warning", "proposed")
    enacted = ledger.coc(
        "sanction", "enact", proposed["sanction"], "--at", "2026-01-23", "--json"
    ).json
    assert enacted["starts_on"] == "2026-01-23"
    assert enacted["apology_due"] == "2026-01-30"
    assert ledger.trailers() == {
        "Coc-Action": "sanction enact",
        "Coc-Case": case,
        "Coc-Sanction": proposed["sanction"],
        "Coc-Actor": "alice",
    }
    assert ledger.status() == ""
