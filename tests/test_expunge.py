"""`coc expunge`: End of ban — a ban leaves the record 18 months after it ends, and with it the
warnings before it; their personal details go, tombstones stay (SPEC §3 Expiry of records)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework import Banned, banned, case_data, sanctions
from cocledger.actions.expunge import _cases_to_expunge
from cocledger.core.models import (
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
    Case,
    CaseDeadlines,
    Sanction,
)
from conftest import LedgerRepo

CLEARED = "2026-10-30"  # the 2025 ban below ended 2025-04-27 and left the record on 2026-10-27


@pytest.fixture
def old_ban(ledger: LedgerRepo) -> Banned:
    return banned(
        ledger,
        received="2025-01-10T09:00:00+00:00",
        meeting="2025-01-22",
        enact_on="2025-01-23",
        refused_on="2025-01-27",
    )


def test_the_warning_and_the_ban_leave_the_record_together(
    ledger: LedgerRepo, old_ban: Banned
) -> None:
    assert sanctions(ledger)[old_ban.ban]["expunges_on"] == "2026-10-27"
    data = ledger.coc("expunge", "--at", CLEARED, "--json").json
    assert data["sanctions"] == [old_ban.warning, old_ban.ban]
    assert data["cases"] == [old_ban.case]


def test_nothing_is_expunged_before_the_record_clears(ledger: LedgerRepo, old_ban: Banned) -> None:
    head = ledger.head()
    run = ledger.coc("expunge", "--at", "2026-10-26")
    assert "Nothing to expunge" in run.stdout
    assert ledger.head() == head and ledger.status() == ""


def test_expunge_run_twice_commits_once(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    head = ledger.head()
    assert ledger.git("log", "-1", "--format=%s").strip() == "expunge 3 records"
    second = ledger.coc("expunge", "--at", CLEARED)
    assert "Nothing to expunge" in second.stdout
    assert ledger.head() == head and ledger.status() == ""


def test_the_commit_names_no_party(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    assert ledger.trailers() == {"Coc-Action": "expunge", "Coc-Actor": "alice"}
    message = ledger.git("log", "-1", "--format=%B").lower()
    for party in ("frank", "gina", "insults"):
        assert party not in message


def test_sanctions_become_tombstones(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    for sanction_id in (old_ban.warning, old_ban.ban):
        tombstone = sanctions(ledger)[sanction_id]
        assert set(tombstone) <= SANCTION_TOMBSTONE_KEYS
        assert (tombstone["status"], tombstone["status_on"]) == ("expunged", CLEARED)
    assert sanctions(ledger)[old_ban.ban]["ends_on"] == "2025-04-27"
    assert "frank" not in ledger.read("sanctions.yaml")


def test_the_case_becomes_a_tombstone(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    tombstone = case_data(ledger, old_ban.case)
    assert set(tombstone) <= CASE_TOMBSTONE_KEYS and tombstone["status"] == "expunged"
    assert all(set(event) <= EVENT_TOMBSTONE_KEYS for event in tombstone["timeline"])
    text = ledger.read(f"cases/2025/{old_ban.case}.yaml")
    for detail in ("frank", "gina", "Insults", "personal-insults", "public"):
        assert detail not in text


def test_people_no_longer_referenced_leave_people_yaml(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    people = ledger.read("people.yaml")
    assert "frank" not in people and "gina" not in people
    assert all(member in people for member in ("alice", "bob", "carol", "dan", "erin", "hank"))


def test_queries_give_the_same_answers_before_and_after(
    ledger: LedgerRepo, old_ban: Banned
) -> None:
    ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "hank", "--at", "2026-10-01", "--json"
    )  # fmt: skip  # frank is still referenced, so he stays in people.yaml
    ask = ("person", "show", "frank", "--at", CLEARED, "--json")
    before = ledger.coc(*ask).json
    ledger.coc("expunge", "--at", CLEARED)
    assert ledger.coc(*ask).json == before
    assert before["offences_on_record"] == 0 and before["next_offence"] == 1


def test_a_case_a_sanction_on_record_refers_to_keeps_its_details() -> None:
    # One incident is one offence, so only a hand-made register shows this: the case's
    # warning has left the record, but a ban escalated from it (in another case) has not.
    def sanction(sid: str, case: str, **kw: object) -> Sanction:
        base = {"person": "frank", "kind": "warning", "offence": 1, "status": "enacted"}
        day = {"status_on": date(2025, 1, 1), "decided_on": date(2025, 1, 1)}
        return Sanction(id=sid, case=case, **(base | day | kw))  # type: ignore[arg-type]

    gone = sanction("S-2025-0001", "COC-2025-0001", escalated_to="S-2025-0002")
    staying = sanction("S-2025-0002", "COC-2025-0002", escalated_from="S-2025-0001")
    received = datetime(2025, 1, 1, tzinfo=UTC)
    cases = {
        case_id: Case(
            id=case_id,
            received_at=received,
            received_by="alice",
            reporter="gina",
            respondent="frank",
            deadlines=CaseDeadlines(council_notice=received),
        )
        for case_id in ("COC-2025-0001", "COC-2025-0002")
    }
    assert _cases_to_expunge(cases, [gone], {gone.id}) == ["COC-2025-0001"]
    assert _cases_to_expunge(cases, [gone, staying], {gone.id}) == []


def test_a_lifetime_ban_never_leaves_the_record(ledger: LedgerRepo) -> None:
    from conftest import COUNCIL, reviewed_case

    case = reviewed_case(ledger, received="2025-01-10T09:00:00+00:00", meeting="2025-01-22")
    ban = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "threats",
        "--conduct", "Threats", "--at", "2025-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    for member in ["alice", *COUNCIL]:
        ledger.coc(
            "sanction",
            "vote",
            ban,
            "--member",
            member,
            "--on-behalf",
            "--yes",
            "--at",
            "2025-01-22",
        )
    ledger.coc("sanction", "enact", ban, "--at", "2025-01-23")
    assert "Nothing to expunge" in ledger.coc("expunge", "--at", "2026-10-31").stdout


def test_validate_accepts_the_tombstones(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    run = ledger.coc("validate", "--format", "json", expect=None)
    errors = [p for p in run.json["problems"] if p["severity"] == "error"]
    assert errors == []
