"""`coc validate`'s messages go into CI logs (`--format github`), which more people read than the
ledger: they name files, key paths, case and sanction ids and council members, never a party's
id, name or email, a summary or a category, however many checks fire."""

from __future__ import annotations

import re

from checkwork import commit_all, edit
from conftest import SETUP_DAY, LedgerRepo, reviewed_case

SENTINEL = "zqx"  # in every party's id, name and email, the summary and a category
PARTIES = ("zqx-reporter", "zqx-respondent", "zqx-witness", "zqx-voter", "zqx-gone")
SANCTIONS = "sanctions.yaml"
PEOPLE = "people.yaml"


def _add_parties(ledger: LedgerRepo) -> None:
    for person in PARTIES:
        ledger.coc(
            "person",
            "add",
            person,
            "--name",
            f"Zqx {person[4:].title()}",
            "--email",
            f"{person}@example.org",
            "--at",
            SETUP_DAY,
        )


def _case_with_overdue_steps(ledger: LedgerRepo) -> tuple[str, str]:
    """A private case with a witness, a warning enacted and neither apology nor notice recorded."""
    case = reviewed_case(
        ledger,
        respondent="zqx-respondent",
        reporter="zqx-reporter",
        extra=("--witness", "zqx-witness", "--setting", "private", "--summary", "Zqx summary"),
    )
    sanction = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    ledger.coc("sanction", "enact", sanction["sanction"], "--at", "2026-01-23")
    return f"cases/{case[4:8]}/{case}.yaml", sanction["sanction"]


def _the_respondent_rewrites_everything(ledger: LedgerRepo, path: str) -> None:
    """One commit by the respondent that breaks the rules every way a party could show up."""
    edit(ledger, path, "anonymous_reporter: false", "anonymous_reporter: true")
    edit(ledger, path, "summary: Zqx summary", "summary: Zqx nothing happened")
    edit(ledger, path, "witnesses:\n  - zqx-witness", "witnesses:\n  - zqx-witness\n  - zqx-ghost")
    edit(ledger, path, "  - personal-insults", "  - personal-insults\n  - zqx-category")
    edit(ledger, path, "committee:\n", "committee:\n  - zqx-reporter\n")
    edit(ledger, SANCTIONS, "person: zqx-respondent", "person: zqx-reporter")
    vote = (
        "votes:\n      - member: zqx-witness\n        vote: yes\n        at: '2026-01-22T00:00:00Z'"
    )
    edit(ledger, SANCTIONS, "votes: []", vote)
    text = ledger.read(PEOPLE)
    gone = text.index("  - id: zqx-gone")
    ledger.root.joinpath(PEOPLE).write_text(
        text[:gone]
        + "  - id: zqx-witness\n    name: Zqx Again\n    email: zqx-reporter@example.org\n"
    )
    edit(ledger, PEOPLE, "email: bob@example.org", "email: zqx-mallory@example.org")
    commit_all(ledger, "zqx-respondent: my case, corrected", author="zqx-respondent")


def test_no_party_is_named_in_the_annotations_of_many_problems(ledger: LedgerRepo) -> None:
    _add_parties(ledger)
    path, _ = _case_with_overdue_steps(ledger)
    base = ledger.head()
    _the_respondent_rewrites_everything(ledger, path)
    run = ledger.coc(
        "validate", "--base", base, "--format", "github", "--at", "2026-03-01", expect=1
    )
    fired = set(re.findall(r"title=(CL\d{3})::", run.stdout))
    assert {
        "CL010",
        "CL014",
        "CL015",
        "CL020",
        "CL050",
        "CL056",
        "CL060",
        "CL061",
        "CL080",
        "CL082",
        "CL083",
        "CL085",
        "CL087",
    } <= fired, run.stdout
    assert SENTINEL not in run.stdout.lower()
    assert "mallory" not in run.stdout
