"""Input a person would mistype: each is one line naming the flag, exit 2, and nothing written
(issue 12). Real ledgers, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SETUP_DAY, LedgerRepo, reviewed_case

PERSON = ("person", "add", "x1", "--at", SETUP_DAY)
REPORT = ("report", "new", "--respondent", "frank", "--reporter", "gina", "--at", SETUP_DAY)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((*PERSON, "--name", ""), "--name is empty"),
        ((*PERSON, "--name", "   "), "--name is empty"),
        ((*PERSON, "--name", "N" * 10_000), "--name is 10,000 characters long: at most 200"),
        ((*PERSON, "--name", "X", "--email", ""), "--email '' is not an e-mail address"),
        ((*PERSON, "--name", "X", "--email", "not-an-email"), "must have an @-sign"),
        ((*PERSON, "--name", "X", "--handle", "mastodon:@x"), "mastodon is not a channel"),
        (REPORT, "give --summary TEXT or --summary-file F"),
        ((*REPORT, "--summary", " "), "--summary is empty"),
        ((*REPORT, "--summary-file", "/dev/zero"), "--summary is 20,001 characters long"),
        ((*REPORT, "--summary", "x", "--at", "2026-02-30"), "there is no 2026-02-30"),
        (
            ("init", "/tmp/coc-elsewhere", "--lead", "zed", "--contact", "nobody"),
            "--contact 'nobody'",
        ),
    ],
)
def test_a_mistyped_value_is_one_line_and_nothing_is_written(
    ledger: LedgerRepo, args: tuple[str, ...], says: str, tmp_path: Path
) -> None:
    head = ledger.head()
    elsewhere = tmp_path / "elsewhere"
    run = ledger.coc(*(a.replace("{elsewhere}", str(elsewhere)) for a in args), expect=2)
    assert says in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("coc: error: ") and "Traceback" not in run.stderr
    assert ledger.head() == head and ledger.status() == ""
    assert not elsewhere.exists()


def test_an_empty_reason_to_close_is_refused(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    run = ledger.coc("case", "close", case, "--reason", "", "--at", "2026-01-23", expect=2)
    assert "--reason is empty" in run.stderr


def test_ids_typed_in_lower_case_are_read_as_ids(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    assert ledger.coc("case", "show", case.lower(), "--json").json["id"] == case
    ledger.coc("sanction", "propose", case.lower(), "--at", "2026-01-22")
    assert ledger.coc("sanction", "show", "s-2026-0001", "--json").json["case"] == case
    assert ledger.coc("log", case.lower(), "--json").json[0]["case"] == case
    assert ledger.trailers()["Coc-Case"] == case  # what is committed is the id itself


def test_a_valid_address_is_kept_with_its_domain_in_lower_case(ledger: LedgerRepo) -> None:
    ledger.coc("person", "add", "zed", "--name", "Zed Example", "--email", "Zed@EXAMPLE.org")
    assert "email: Zed@example.org" in ledger.read("people.yaml")
