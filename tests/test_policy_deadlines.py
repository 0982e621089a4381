"""Incident processing deadlines come from policy.yaml: each is a span of time with an end, so
'lifetime' there is a schema error with its line, never a crash."""

from __future__ import annotations

import pytest

from casework import commit_file
from checkwork import line_of, validate
from conftest import LedgerRepo

DEFAULTS = {
    "council_notice": "24 hours",
    "respondent_response": "7 days",
    "apology": "7 days",
}


def lifetime(repo: LedgerRepo, key: str) -> int:
    """policy.yaml with `deadlines.KEY: lifetime`, committed; returns that line."""
    old = f"  {key}: {DEFAULTS[key]}"
    commit_file(repo, "policy.yaml", repo.read("policy.yaml").replace(old, f"  {key}: lifetime"))
    return line_of(repo, "policy.yaml", f"  {key}: lifetime")


@pytest.mark.parametrize("key", list(DEFAULTS))
def test_validate_reports_a_lifetime_deadline_at_its_line(ledger: LedgerRepo, key: str) -> None:
    line = lifetime(ledger, key)
    problems = validate(ledger, expect=1)
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("CL002", "policy.yaml", line)]
    assert "cannot be 'lifetime'" in problems[0]["message"]


def test_an_action_under_a_lifetime_deadline_is_refused_with_the_line(ledger: LedgerRepo) -> None:
    line = lifetime(ledger, "council_notice")
    run = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
                     "--at", "2026-01-10", expect=2)  # fmt: skip
    assert run.stderr.startswith(f"coc: error: policy.yaml:{line}: deadlines.council_notice")
    assert run.stderr.count("\n") == 1
