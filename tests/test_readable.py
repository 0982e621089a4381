"""Readable when shown to a person (issue 12): help that says what each thing is, in the order
of the process; plain text when piped; instants in the policy's time zone, labelled; a sanction
shown with its votes, apology, escalation and appeal; drafts and stages that fit the case."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from casework import banned
from cocledger.cli.main import app
from conftest import LedgerRepo, reviewed_case

BOX = re.compile("[\u2500-\u257f]")  # box drawing characters


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("report",),
        ("sanction",),
        ("report", "new"),
        ("person", "show"),
        ("case", "show"),
        ("council", "add"),
        ("log",),
        ("sanction", "propose"),
    ],
)
def test_help_says_what_each_thing_is_without_cutting(args: tuple[str, ...]) -> None:
    """At 160 columns nothing is cut (click cuts a summary only to fit a narrower terminal)."""
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "160"})
    shown = result.stdout
    assert "…" not in shown and "..." not in shown.replace("[ARGS]...", "").replace("ID...", "")
    assert "<str>" not in shown and "<list[str]>" not in shown and "{" not in shown
    assert "[[" not in shown
    if len(args) == 2:
        arguments = (
            shown.split("Arguments:")[1].split("Options:")[0] if "Arguments:" in shown else ""
        )
        for line in arguments.strip().splitlines():
            assert len(line.split()) > 1, f"an argument with no description: {line}"


def test_commands_are_listed_in_the_order_of_the_process(ledger: LedgerRepo) -> None:
    shown = ledger.coc("--help").stdout.split("Commands:")[1]
    names = [line.split()[0] for line in shown.strip().splitlines()]
    assert names[:6] == ["init", "person", "council", "meeting", "report", "committee"]
    assert names.index("sanction") < names.index("appeal") < names.index("expunge")
    assert names[-2:] == ["validate", "schema"]


def test_propose_says_up_front_that_a_ban_needs_its_conduct(ledger: LedgerRepo) -> None:
    assert "a ban needs --conduct" in ledger.coc("sanction", "propose", "--help").stdout.lower()
    case = reviewed_case(ledger)
    run = ledger.coc("sanction", "propose", case, "--kind", "ban", "--at", "2026-01-22", expect=2)
    assert "--conduct is required for a ban" in run.stderr


def test_piped_tables_and_panels_are_plain_text(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    for args in (
        ("case", "show", history.case),
        ("case", "list"),
        ("person", "show", "frank", "--at", "2026-02-01"),
        ("sanction", "show", history.ban),
        ("stats", "--from", "2026-01-01", "--to", "2026-12-31"),
        ("due", "--at", "2026-02-01"),
    ):
        out = ledger.coc(*args).stdout
        assert not BOX.search(out), (args, out)
        assert out.strip()


def test_instants_are_shown_in_the_policys_zone_labelled(ledger: LedgerRepo) -> None:
    text = ledger.read("policy.yaml").replace("timezone: UTC", "timezone: America/Denver")
    (ledger.root / "policy.yaml").write_text(text)
    ledger.git("commit", "-qam", "the council meets in Denver")
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Spam",
        "--at", "2026-02-10T13:00:00Z", "--json",
    ).json["case"]  # fmt: skip
    due = ledger.coc("due", "--at", "2026-02-10T14:00Z").stdout
    assert "2026-02-11 06:00 MST" in due  # 24 hours after 2026-02-10 13:00 UTC, in Denver
    assert "2026-02-10 06:00 MST" in ledger.coc("case", "show", case).stdout


def test_sanction_show_has_its_votes_apology_escalation_and_appeal(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    ledger.coc("appeal", "file", history.ban, "--reason", "Too long", "--at", "2026-02-01")
    ledger.coc("appeal", "decide", history.ban, "--upheld", "--at", "2026-02-05")
    shown = ledger.coc("sanction", "show", history.ban, "--json").json
    assert shown["escalated_from"] == history.warning
    assert shown["appeal"] == shown["appeal"] | {"outcome": "upheld", "decided_on": "2026-02-05"}
    assert shown["appeal"]["decided_by"] == ["bob", "carol", "dan"]
    text = ledger.coc("sanction", "show", history.ban).stdout
    assert "upheld on 2026-02-05 by bob, carol, dan" in text
    warning = ledger.coc("sanction", "show", history.warning, "--json").json
    assert (warning["apology"], warning["escalated_to"]) == ("refused", history.ban)
    assert "refused on 2026-01-26" in ledger.coc("sanction", "show", history.warning).stdout


def test_a_changed_vote_says_it_replaced_the_earlier_one(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ban = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "Threats",
        "--conduct", "Threats", "--at", "2026-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    ledger.coc("sanction", "vote", ban, "--yes", "--at", "2026-01-22T10:00Z", actor="bob")
    again = ledger.coc("sanction", "vote", ban, "--no", "--at", "2026-01-22T11:00Z", actor="bob")
    assert "replacing the vote of 2026-01-22" in again.stdout
    votes = ledger.coc("sanction", "show", ban, "--json").json["votes"]
    assert [(v["vote"], v["replaced"]) for v in votes] == [("yes", True), ("no", False)]


def test_a_late_apology_is_marked_late(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    run = ledger.coc("apology", "record", warning["sanction"], "--delivered", "--at", "2026-02-05")
    assert "(late)" in run.stdout


def test_the_council_is_drafted_what_fits_the_stage(ledger: LedgerRepo) -> None:
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Spam",
        "--at", "2026-01-10T08:00Z", "--json",  # not banned()'s report below, received at 09:00
    ).json["case"]  # fmt: skip
    first = ledger.coc("notify", case, "--party", "council", "--draft", "--json").json
    assert first["template"] == "council_notice"
    history = banned(ledger)
    later = ledger.coc(
        "notify", history.case, "--party", "council", "--draft", "--at", "2026-01-27"
    )
    assert "Report" not in later.stdout.splitlines()[1] and "apology refused" in later.stdout
    assert "form a small committee" not in later.stdout
    assert f"coc notify {history.case} --party offender" in later.stdout  # what is due next


def test_the_witnesses_were_notified(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger, extra=("--witness", "hank"))
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    run = ledger.coc("notify", case, "--party", "witnesses", "--at", "2026-01-23")
    assert "the witnesses were notified" in run.stdout


def test_case_list_names_the_stage_a_case_has_reached(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    ledger.coc("appeal", "file", history.ban, "--reason", "Unfair", "--at", "2026-02-01")
    ledger.coc("appeal", "decide", history.ban, "--overturned", "--at", "2026-02-05")
    [row] = ledger.coc("case", "list", "--json").json
    assert row["stage"] == "appeal decided: overturned"
    ledger.coc("case", "close", history.case, "--at", "2026-02-06")
    assert ledger.coc("case", "list", "--json").json[0]["stage"] == "closed"


def test_init_inside_a_ledger_is_refused(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc("init", str(ledger.root / "cases"), "--lead", "zed", expect=1)
    assert "is inside the ledger at" in run.stderr
    assert not (ledger.root / "cases" / ".git").exists() and ledger.head() == head
