"""A ban is in force on whole days (SPEC §3: starts_on <= d < ends_on): a sanction's length is days
or months, never hours, which would round to a ban never in force that still counts. Hours stay
valid for deadlines."""

from __future__ import annotations

import pytest

from casework import banned, commit_file
from checkwork import line_of, validate
from conftest import LedgerRepo, reviewed_case


@pytest.mark.parametrize(("kind", "duration"), [("ban", "12 hours"), ("other", "36 hours")])
def test_a_sanction_proposed_in_hours_is_bad_usage(
    ledger: LedgerRepo, kind: str, duration: str
) -> None:
    case = reviewed_case(ledger)
    head = ledger.head()
    run = ledger.coc("sanction", "propose", case, "--kind", kind, "--duration", duration,
                     "--deviation-reason", "Short", "--conduct", "Spam", "--at", "2026-01-22",
                     expect=2)  # fmt: skip
    assert run.stderr.startswith(f"coc: error: --duration {duration}: a sanction lasts whole days")
    assert ledger.head() == head and ledger.status() == ""


def test_a_ban_of_one_day_is_a_sanction(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    data = ledger.coc("sanction", "propose", case, "--kind", "ban", "--duration", "1 day",
                      "--deviation-reason", "Short", "--conduct", "Spam", "--at", "2026-01-22",
                      "--json").json  # fmt: skip
    assert data["duration"] == "1 day"


def test_an_appeal_cannot_reduce_a_ban_to_hours(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    ledger.coc("appeal", "file", history.ban, "--reason", "Too long", "--at", "2026-02-01")
    run = ledger.coc("appeal", "decide", history.ban, "--reduced-to", "48 hours",
                     "--at", "2026-02-02", expect=2)  # fmt: skip
    assert "--reduced-to 48 hours: a sanction lasts whole days" in run.stderr


def test_a_ladder_rung_in_hours_is_a_schema_error(ledger: LedgerRepo) -> None:
    policy = ledger.read("policy.yaml").replace("duration: 3 months", "duration: 12 hours", 1)
    commit_file(ledger, "policy.yaml", policy)
    problems = validate(ledger, expect=1)
    line = line_of(ledger, "policy.yaml", "duration: 12 hours")
    assert [(p["code"], p["line"]) for p in problems if "whole days" in p["message"]] == [
        ("CL002", line)
    ]
