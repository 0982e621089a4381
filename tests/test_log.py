"""`coc log`: the audit trail from the commit trailers — who did what, when; newest first."""

from __future__ import annotations

import pytest

from casework import banned
from cocledger.store import audit
from cocledger.store import git as gitstore
from conftest import LedgerRepo, reviewed_case

STEPS = ["report review", "report share", "committee form", "report notify-council", "report new"]


def test_the_log_of_a_case_lists_its_actions_newest_first(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    reviewed_case(ledger, respondent="hank", reporter="ivy")  # another case, not in this log
    entries = ledger.coc("log", case, "--json").json
    assert [e["action"] for e in entries] == STEPS
    assert {(e["actor"], e["case"]) for e in entries} == {("alice", case)}
    assert (
        entries[0]["commit"]
        == ledger.git("log", "-1", f"--grep=Coc-Case: {case}", "--format=%H").strip()
    )


def test_the_log_shows_who_acted(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22", actor="bob")
    latest = ledger.coc("log", case, "--json").json[0]
    assert (latest["actor"], latest["action"], latest["sanction"]) == (
        "bob",
        "sanction propose",
        "S-2026-0001",
    )


def test_the_log_of_a_person_finds_the_cases_they_are_party_to(ledger: LedgerRepo) -> None:
    mine = reviewed_case(ledger)
    reviewed_case(ledger, respondent="hank", reporter="ivy")
    for person in ("frank", "gina"):
        assert {e["case"] for e in ledger.coc("log", person, "--json").json} == {mine}


def test_the_log_of_a_council_member_lists_what_they_did(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22", actor="bob")
    assert [e["action"] for e in ledger.coc("log", "bob", "--json").json] == ["sanction propose"]


def test_a_person_with_no_case_has_an_empty_log(ledger: LedgerRepo) -> None:
    reviewed_case(ledger)
    assert ledger.coc("log", "ivy", "--json").json == []


def test_the_log_of_an_expunged_case_ends_with_the_expunge(ledger: LedgerRepo) -> None:
    history = banned(
        ledger,
        received="2025-01-10T09:00:00+00:00",
        meeting="2025-01-22",
        enact_on="2025-01-23",
        refused_on="2025-01-27",
    )
    ledger.coc("expunge", "--at", "2026-10-30")
    assert ledger.coc("log", history.case, "--json").json[0]["action"] == "expunge"
    assert ledger.coc("log", history.ban, "--json").json[0]["action"] == "expunge"


def test_the_whole_log_includes_edits_made_without_coc(ledger: LedgerRepo) -> None:
    (ledger.root / "NOTES.md").write_text("hand-written\n")
    ledger.git("add", "NOTES.md")
    ledger.git("commit", "-q", "-m", "notes")
    entries = ledger.coc("log", "-n", "2", "--json").json
    latest = entries[0]
    assert (latest["action"], latest["actor"], latest["subject"]) == (None, None, "notes")
    assert len(entries) == 2
    assert "(edit without coc)" in ledger.coc("log", "-n", "1").stdout


def test_an_unknown_case_is_bad_usage(ledger: LedgerRepo) -> None:
    assert "no case 'COC-2026-0099'" in ledger.coc("log", "COC-2026-0099", expect=2).stderr


def test_the_history_is_read_once_then_only_what_is_new(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trailer index: one `git log` builds it, a later query reads no history, and after a
    new commit only that commit is read."""
    reviewed_case(ledger)
    reviewed_case(ledger, received="2026-01-11T09:00:00+00:00")  # another report, not the same
    calls: list[tuple[str, ...]] = []
    real = gitstore._git

    def counting(root, *args, check=True):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(root, *args, check=check)

    monkeypatch.setattr(gitstore, "_git", counting)
    assert len(audit.trail(ledger.root, "frank")) == 10
    assert len([a for a in calls if "log" in a[:2]]) == 1
    calls.clear()
    assert len(audit.trail(ledger.root, "frank")) == 10
    assert [a[0] for a in calls] == ["rev-parse"]
    monkeypatch.setattr(gitstore, "_git", real)
    case = reviewed_case(ledger, respondent="frank", reporter="ivy")
    monkeypatch.setattr(gitstore, "_git", counting)
    calls.clear()
    assert {e["case"] for e in audit.trail(ledger.root, case)} == {case}
    logs = [a for a in calls if "log" in a[:2]]
    assert len(logs) == 1 and ".." in logs[0][-2]


def test_at_and_max_count_give_the_latest_commits_up_to_then(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in ("2030-01-01", "2030-01-02", "2030-01-03"):
        monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T10:00:00+00:00")
        ledger.git("commit", "-q", "--allow-empty", "-m", f"edit of {day}")
    entries = ledger.coc("log", "-n", "1", "--at", "2030-01-02T12:00Z", "--json").json
    assert [e["subject"] for e in entries] == ["edit of 2030-01-02"]


def test_the_trail_says_when_a_backfilled_step_happened_and_when_it_was_recorded(
    ledger: LedgerRepo,
) -> None:
    """SPEC §5 Coc-At: a 2021 case recorded today reads as 2021, with today's commit beside."""
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Spam",
        "--at", "2021-03-04T10:00Z", "--json",
    ).json["case"]  # fmt: skip
    ledger.coc("report", "share", case, "--at", "2021-03-05")
    [shared, received] = ledger.coc("log", case, "--json").json
    assert (received["at"], shared["at"]) == (
        "2021-03-04T10:00:00+00:00",
        "2021-03-05T00:00:00+00:00",
    )
    committed = ledger.git("log", "-1", "--format=%aI").strip()
    assert shared["recorded_at"] == committed and committed[:4] != "2021"
    found = ledger.coc("log", "--at", "2021-03-04T12:00Z", "--json").json
    assert [e["action"] for e in found] == ["report new"]
    assert "2021-03-05 00:00" in ledger.coc("log", case).stdout


def test_a_commit_without_the_trailer_falls_back_to_its_commit_time(ledger: LedgerRepo) -> None:
    (ledger.root / "notes.txt").write_text("minutes\n")
    ledger.git("add", "notes.txt")
    ledger.git("commit", "-qm", "minutes\n\nCoc-At: not a date")
    [entry] = ledger.coc("log", "-n", "1", "--json").json
    assert entry["at"] == entry["recorded_at"] == ledger.git("log", "-1", "--format=%aI").strip()
