"""The policy's whole process, end to end, in a real git repository."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import SETUP_DAY, LedgerRepo, build_ledger, built_once, clone, reviewed_case, shared

SANCTION_KEYS = {
    "sanction",
    "case",
    "person",
    "offence",
    "kind",
    "duration",
    "status",
    "starts_on",
    "ends_on",
    "expunges_on",
    "apology_due",
}
PERSON_KEYS = {
    "person",
    "offences_on_record",
    "next_offence",
    "next_sanction",
    "active_ban",
    "record_clears_on",
}
SUMMARY = "Called gina names in #general"


def committed(
    ledger: LedgerRepo,
    before: int,
    action: str,
    case: str | None = None,
    sanction: str | None = None,
    actor: str = "alice",
) -> None:
    """SPEC §5: exactly one new commit, with the action's trailers, and nothing left over."""
    assert int(ledger.git("rev-list", "--count", "HEAD")) == before + 1
    expected = {"Coc-Action": action}
    if case:
        expected["Coc-Case"] = case
    if sanction:
        expected["Coc-Sanction"] = sanction
    expected["Coc-Actor"] = actor
    assert ledger.trailers_at()[0] == expected
    assert ledger.status() == ""


def commits(ledger: LedgerRepo) -> int:
    return int(ledger.git("rev-list", "--count", "HEAD"))


def step(
    ledger: LedgerRepo,
    *args: str,
    action: str,
    case: str | None = None,
    sanction: str | None = None,
    actor: str = "alice",
) -> dict:
    """Run one action with --json and check its commit."""
    before = commits(ledger)
    data = ledger.coc(*args, "--json", actor=actor).json
    committed(ledger, before, action, case, sanction, actor)
    return data


def sanctions(ledger: LedgerRepo) -> dict[str, dict]:
    return {s["id"]: s for s in yaml.safe_load(ledger.read("sanctions.yaml"))["sanctions"]}


def person(ledger: LedgerRepo, person_id: str, at: str) -> dict:
    return ledger.coc("person", "show", person_id, "--at", at, "--json").json


def propose_and_enact(ledger: LedgerRepo, case: str, on: str, enact_on: str, *extra: str) -> dict:
    proposed = ledger.coc("sanction", "propose", case, "--at", on, *extra, "--json").json
    return ledger.coc("sanction", "enact", proposed["sanction"], "--at", enact_on, "--json").json


# --- the lifecycle ------------------------------------------------------------------------------


def test_the_whole_lifecycle_is_one_commit_per_step(ledger: LedgerRepo) -> None:
    step(ledger, "meeting", "add", "2026-01-15", "--at", SETUP_DAY, action="meeting add")
    new = step(
        ledger,
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--witness", "hank",
        "--received-at", "2026-01-06T21:30:00-05:00", "--at", "2026-01-07T08:00:00+00:00",
        "--occurred-on", "2026-01-06", "--setting", "public", "--category", "personal-insults",
        "--summary", SUMMARY,
        action="report new", case="COC-2026-0001",
    )  # fmt: skip
    case = new["case"]
    assert new["council_notice_due"] == "2026-01-07T21:30:00-05:00"  # 24 hours after receipt
    step(ledger, "report", "notify-council", case, "--at", "2026-01-07T09:00:00+00:00",
         action="report notify-council", case=case)  # fmt: skip
    step(ledger, "committee", "form", case, "--member", "bob", "--member", "carol",
         "--member", "dan", "--at", "2026-01-07T10:00:00+00:00",
         action="committee form", case=case)  # fmt: skip
    shared = step(ledger, "report", "share", case, "--at", "2026-01-07T11:00:00+00:00",
                  action="report share", case=case)  # fmt: skip
    assert shared["respondent_response_due"] == "2026-01-14"
    step(ledger, "report", "respond", case, "--at", "2026-01-09T11:00:00+00:00",
         action="report respond", case=case)  # fmt: skip
    step(ledger, "report", "review", case, "--meeting", "2026-01-15", "--at", "2026-01-15",
         action="report review", case=case)  # fmt: skip
    proposed = step(ledger, "sanction", "propose", case, "--at", "2026-01-15T18:00:00+00:00",
                    action="sanction propose", case=case, sanction="S-2026-0001")  # fmt: skip
    assert (proposed["offence"], proposed["kind"], proposed["status"]) == (1, "warning", "proposed")
    enacted = step(ledger, "sanction", "enact", "S-2026-0001", "--at", "2026-01-16",
                   action="sanction enact", case=case, sanction="S-2026-0001")  # fmt: skip
    assert (enacted["status"], enacted["starts_on"], enacted["apology_due"]) == (
        "enacted",
        "2026-01-16",
        "2026-01-23",
    )
    step(ledger, "apology", "record", "S-2026-0001", "--delivered", "--at", "2026-01-20",
         action="apology record", case=case, sanction="S-2026-0001")  # fmt: skip
    shown = ledger.coc("case", "show", case, "--json").json
    assert [e["action"] for e in shown["timeline"]] == [
        "received",
        "council_notified",
        "committee_formed",
        "shared",
        "response_received",
        "reviewed",
        "sanction_proposed",
        "sanction_enacted",
        "apology_recorded",
    ]
    assert shown["deadlines"] == {
        "council_notice": "2026-01-07T21:30:00-05:00",
        "respondent_response": "2026-01-14",
        "review_from": "2026-01-09",
    }
    assert sanctions(ledger)["S-2026-0001"]["status"] == "enacted"
    assert person(ledger, "frank", "2026-01-21")["next_offence"] == 2


def test_commit_messages_and_file_names_never_name_a_party(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger, extra=("--witness", "hank"))
    warning = propose_and_enact(ledger, case, "2026-01-22", "2026-01-23")["sanction"]
    ledger.coc(
        "apology", "record", warning, "--refused", "--conduct", "Insults", "--at", "2026-01-26"
    )
    messages = ledger.git("log", "--format=%B")
    files = ledger.git("ls-files")
    for secret in ("frank", "gina", "hank", "Insults", "personal-insults", "@"):
        assert secret not in messages
        assert secret not in files
    assert f"sanction enact {warning} ({case})" in messages


# --- SPEC §4 JSON shapes --------------------------------------------------------------------------


def test_report_new_json(ledger: LedgerRepo) -> None:
    data = ledger.coc(
        "report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
        "--at", "2026-03-01T10:00:00+00:00", "--json",
    ).json  # fmt: skip
    assert {"case", "council_notice_due"} <= set(data)
    assert (data["case"], data["council_notice_due"]) == (
        "COC-2026-0001",
        "2026-03-02T10:00:00+00:00",
    )


def test_sanction_propose_and_show_json(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    proposed = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    assert set(proposed) >= SANCTION_KEYS
    shown = ledger.coc("sanction", "show", proposed["sanction"], "--json").json
    assert set(shown) >= SANCTION_KEYS
    assert {k: shown[k] for k in SANCTION_KEYS} == {
        "sanction": "S-2026-0001",
        "case": case,
        "person": "frank",
        "offence": 1,
        "kind": "warning",
        "duration": None,
        "status": "proposed",
        "starts_on": None,
        "ends_on": None,
        "expunges_on": None,
        "apology_due": None,
    }
    assert {k: proposed[k] for k in SANCTION_KEYS} == {k: shown[k] for k in SANCTION_KEYS}


def test_person_show_json(ledger: LedgerRepo) -> None:
    data = person(ledger, "frank", "2026-01-05")
    assert set(data) >= PERSON_KEYS
    assert {k: data[k] for k in PERSON_KEYS} == {
        "person": "frank",
        "offences_on_record": 0,
        "next_offence": 1,
        "next_sanction": {"kind": "warning", "duration": None},
        "active_ban": None,
        "record_clears_on": None,
    }


# --- Proposed sanctions, 1st offence: the apology -------------------------------------------------


@pytest.fixture
def refused(ledger: LedgerRepo) -> Iterator[tuple[LedgerRepo, str, str, dict]]:
    """A warning enacted on 2026-01-23 whose apology was refused on 2026-01-26."""
    case = reviewed_case(ledger)
    warning = propose_and_enact(ledger, case, "2026-01-22", "2026-01-23")["sanction"]
    before = commits(ledger)
    escalation = ledger.coc(
        "apology",
        "record",
        warning,
        "--refused",
        "--conduct",
        "Repeated insults",
        "--at",
        "2026-01-26",
        "--json",
    ).json
    committed(ledger, before, "apology record", case, warning)
    yield ledger, case, warning, escalation


def test_a_refused_apology_escalates_to_a_3_month_ban_that_day(refused) -> None:  # type: ignore[no-untyped-def]
    _, case, warning, ban = refused
    assert {k: ban[k] for k in SANCTION_KEYS} == {
        "sanction": "S-2026-0002",
        "case": case,
        "person": "frank",
        "offence": 2,
        "kind": "ban",
        "duration": "3 months",
        "status": "enacted",
        "starts_on": "2026-01-26",
        "ends_on": "2026-04-26",
        "expunges_on": "2027-10-26",
        "apology_due": None,
    }
    assert ban["escalated_from"] == warning


def test_the_escalated_warning_is_linked_to_its_ban(refused) -> None:  # type: ignore[no-untyped-def]
    ledger, _, warning, ban = refused
    stored = sanctions(ledger)
    assert stored[warning]["status"] == "escalated"
    assert stored[warning]["escalated_to"] == ban["sanction"]
    assert stored[warning]["apology"] == "refused"
    assert stored[ban["sanction"]]["escalated_from"] == warning


def test_after_an_escalation_the_next_offence_is_the_third(refused) -> None:  # type: ignore[no-untyped-def]
    ledger, _, _, ban = refused
    assert person(ledger, "frank", "2026-01-27") == {
        **person(ledger, "frank", "2026-01-27"),
        "offences_on_record": 2,
        "next_offence": 3,
        "next_sanction": {"kind": "ban", "duration": "6 months"},
        "active_ban": {"sanction": ban["sanction"], "ends_on": "2026-04-26"},
        "record_clears_on": "2027-10-26",
    }


def test_a_persons_record_can_be_looked_at_as_it_stood_on_a_past_day(refused) -> None:  # type: ignore[no-untyped-def]
    ledger, _, _, _ = refused
    before = person(ledger, "frank", "2026-01-21")
    assert (before["offences_on_record"], before["next_offence"], before["active_ban"]) == (
        0,
        1,
        None,
    )
    assert person(ledger, "frank", "2026-01-24")["next_offence"] == 2


def test_an_apology_cannot_be_recorded_twice(refused) -> None:  # type: ignore[no-untyped-def]
    ledger, _, warning, _ = refused
    run = ledger.coc("apology", "record", warning, "--delivered", "--at", "2026-01-27", expect=1)
    assert "already recorded as refused" in run.stderr


def test_a_delivered_apology_closes_the_matter(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    warning = propose_and_enact(ledger, case, "2026-01-22", "2026-01-23")["sanction"]
    data = ledger.coc("apology", "record", warning, "--delivered", "--at", "2026-01-29", "--json")
    assert (data.json["sanction"], data.json["status"]) == (warning, "enacted")
    assert len(sanctions(ledger)) == 1
    assert person(ledger, "frank", "2026-01-30")["next_offence"] == 2


# --- the ladder, rung by rung, and the lifetime ban's vote -----------------------------------------

RUNGS = [  # (received, meeting, enact_on)
    ("2026-01-05T09:00:00+00:00", "2026-01-15", "2026-01-16"),
    ("2026-02-02T09:00:00+00:00", "2026-02-12", "2026-02-13"),
    ("2026-03-02T09:00:00+00:00", "2026-03-12", "2026-03-13"),
    ("2026-04-06T09:00:00+00:00", "2026-04-16", "2026-04-17"),
    ("2026-05-04T09:00:00+00:00", "2026-05-14", None),  # the 5th is proposed, awaiting the vote
]


@dataclass(frozen=True)
class Climbed:
    root: Path
    cases: list[str]
    sanctions: list[str]


@pytest.fixture(scope="module")
@shared
def climbed_template(tmp_path_factory: pytest.TempPathFactory) -> Climbed:
    """frank, sanctioned at every rung in turn; the lifetime ban of the 5th case proposed."""
    cases, proposed = [], []
    with built_once(tmp_path_factory, "climbed") as root:
        repo = build_ledger(root)
        for received, meeting, enact_on in RUNGS:
            case = reviewed_case(repo, received=received, meeting=meeting)
            conduct = () if not proposed else ("--conduct", "Repeated personal attacks")
            data = repo.coc("sanction", "propose", case, "--at", meeting, *conduct, "--json").json
            if enact_on:
                repo.coc("sanction", "enact", data["sanction"], "--at", enact_on)
            if not proposed:
                repo.coc("apology", "record", data["sanction"], "--delivered", "--at", enact_on)
            cases.append(case)
            proposed.append(data["sanction"])
    return Climbed(root, cases, proposed)


@pytest.fixture
def climbed(
    climbed_template: Climbed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[LedgerRepo, Climbed]:
    return clone(climbed_template.root, tmp_path, monkeypatch), climbed_template


@pytest.mark.parametrize(
    ("rung", "offence", "kind", "duration", "starts_on", "ends_on", "expunges_on"),
    [
        (0, 1, "warning", None, "2026-01-16", None, None),
        (1, 2, "ban", "3 months", "2026-02-13", "2026-05-13", "2027-11-13"),
        (2, 3, "ban", "6 months", "2026-03-13", "2026-09-13", "2028-03-13"),
        (3, 4, "ban", "12 months", "2026-04-17", "2027-04-17", "2028-10-17"),
        (4, 5, "lifetime_ban", None, None, None, None),
    ],
)
def test_the_offence_climbs_the_ladder_rung_by_rung(
    climbed: tuple[LedgerRepo, Climbed],
    rung: int,
    offence: int,
    kind: str,
    duration: str | None,
    starts_on: str | None,
    ends_on: str | None,
    expunges_on: str | None,
) -> None:
    ledger, history = climbed
    shown = ledger.coc("sanction", "show", history.sanctions[rung], "--json").json
    assert (shown["offence"], shown["kind"], shown["duration"]) == (offence, kind, duration)
    assert (shown["starts_on"], shown["ends_on"], shown["expunges_on"]) == (
        starts_on,
        ends_on,
        expunges_on,
    )


def test_beyond_the_fifth_offence_the_ladder_stays_at_its_top(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, _ = climbed
    data = person(ledger, "frank", "2026-05-20")
    assert (data["offences_on_record"], data["next_offence"]) == (5, 5)
    assert data["next_sanction"] == {"kind": "lifetime_ban", "duration": None}


def test_a_lifetime_ban_is_refused_before_anyone_has_voted(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, history = climbed
    head = ledger.head()
    run = ledger.coc("sanction", "enact", history.sanctions[4], "--at", "2026-05-15", expect=1)
    assert run.stderr.count("\n") == 1
    assert "not yet voted: alice, bob, carol, dan, erin" in run.stderr
    assert (ledger.head(), ledger.status()) == (head, "")


def vote(ledger: LedgerRepo, sanction: str, member: str, ballot: str, case: str) -> None:
    step(ledger, "sanction", "vote", sanction, "--member", member, "--on-behalf", ballot, "--at", "2026-05-15",
         action="sanction vote", case=case, sanction=sanction)  # fmt: skip


def test_a_lifetime_ban_is_refused_until_every_eligible_member_has_voted(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, history = climbed
    ban, case = history.sanctions[4], history.cases[4]
    for member in ("alice", "bob", "carol"):
        vote(ledger, ban, member, "--yes", case)
    run = ledger.coc("sanction", "enact", ban, "--at", "2026-05-16", expect=1)
    assert "not yet voted: dan, erin" in run.stderr
    assert sanctions(ledger)[ban]["status"] == "proposed"


def test_a_lifetime_ban_is_enacted_after_a_majority_of_the_full_council(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, history = climbed
    ban, case = history.sanctions[4], history.cases[4]
    for member, ballot in [("alice", "--yes"), ("bob", "--yes"), ("carol", "--yes")]:
        vote(ledger, ban, member, ballot, case)
    for member in ("dan", "erin"):
        vote(ledger, ban, member, "--no", case)
    enacted = step(ledger, "sanction", "enact", ban, "--at", "2026-05-16",
                   action="sanction enact", case=case, sanction=ban)  # fmt: skip
    assert (enacted["status"], enacted["starts_on"], enacted["ends_on"]) == (
        "enacted",
        "2026-05-16",
        None,
    )
    assert enacted["expunges_on"] is None
    shown = person(ledger, "frank", "2040-01-01")
    assert shown["active_ban"] == {"sanction": ban, "ends_on": None}
    assert shown["record_clears_on"] is None


def test_a_lifetime_ban_without_a_majority_is_refused(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, history = climbed
    ban, case = history.sanctions[4], history.cases[4]
    for member, ballot in [("alice", "--yes"), ("bob", "--yes"), ("carol", "--no")]:
        vote(ledger, ban, member, ballot, case)
    for member in ("dan", "erin"):
        vote(ledger, ban, member, "--no", case)
    run = ledger.coc("sanction", "enact", ban, "--at", "2026-05-16", expect=1)
    assert "2 of 5 in favour is not enough" in run.stderr


def test_a_member_who_changes_their_vote_counts_once(
    climbed: tuple[LedgerRepo, Climbed],
) -> None:
    ledger, history = climbed
    ban, case = history.sanctions[4], history.cases[4]
    for member, ballot in [("alice", "--yes"), ("bob", "--no"), ("carol", "--no")]:
        vote(ledger, ban, member, ballot, case)
    for member in ("bob", "dan", "erin"):
        vote(ledger, ban, member, "--yes", case)
    assert ledger.coc("sanction", "enact", ban, "--at", "2026-05-16", "--json").json["status"] == (
        "enacted"
    )


def test_only_council_members_vote(climbed: tuple[LedgerRepo, Climbed]) -> None:
    ledger, history = climbed
    run = ledger.coc(
        "sanction", "vote", history.sanctions[4], "--member", "hank", "--on-behalf", "--yes",
        "--at", "2026-05-15", expect=1,
    )  # fmt: skip
    assert "hank is not on the council" in run.stderr


# --- End of ban: the reset after 18 months -------------------------------------------------------


@pytest.fixture
def banned_2023(ledger: LedgerRepo) -> tuple[LedgerRepo, str]:
    """A warning escalated to a 3-month ban from 2023-01-27: ends 2023-04-27, off 2024-10-27."""
    case = reviewed_case(ledger, received="2023-01-09T09:00:00+00:00", meeting="2023-01-19")
    warning = propose_and_enact(ledger, case, "2023-01-19", "2023-01-20")["sanction"]
    ban = ledger.coc(
        "apology", "record", warning, "--refused", "--conduct", "Repeated insults",
        "--at", "2023-01-27", "--json",
    ).json  # fmt: skip
    assert (ban["ends_on"], ban["expunges_on"]) == ("2023-04-27", "2024-10-27")
    return ledger, ban["sanction"]


def test_the_ban_stays_on_record_until_18_months_after_its_end(
    banned_2023: tuple[LedgerRepo, str],
) -> None:
    ledger, _ = banned_2023
    data = person(ledger, "frank", "2024-10-26")
    assert (data["offences_on_record"], data["next_offence"]) == (2, 3)
    assert (data["active_ban"], data["record_clears_on"]) == (None, "2024-10-27")


def test_then_the_levels_reset_to_the_first_offence(banned_2023: tuple[LedgerRepo, str]) -> None:
    ledger, _ = banned_2023
    data = person(ledger, "frank", "2024-10-27")
    assert (data["offences_on_record"], data["next_offence"]) == (0, 1)
    assert data["next_sanction"] == {"kind": "warning", "duration": None}
    case = reviewed_case(ledger, received="2025-03-03T09:00:00+00:00", meeting="2025-03-13")
    proposed = ledger.coc("sanction", "propose", case, "--at", "2025-03-13", "--json").json
    assert (proposed["offence"], proposed["kind"]) == (1, "warning")


def test_an_offence_decided_the_day_before_the_reset_is_the_third(
    banned_2023: tuple[LedgerRepo, str],
) -> None:
    ledger, _ = banned_2023
    case = reviewed_case(ledger, received="2024-10-01T09:00:00+00:00", meeting="2024-10-26")
    proposed = ledger.coc(
        "sanction", "propose", case, "--at", "2024-10-26", "--conduct", "Threats", "--json"
    ).json
    assert (proposed["offence"], proposed["kind"], proposed["duration"]) == (3, "ban", "6 months")


# --- Other sanctions: deviations -------------------------------------------------------------------


def test_a_deviation_without_a_reason_is_refused(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    head = ledger.head()
    run = ledger.coc(
        "sanction", "propose", case, "--kind", "ban", "--duration", "1 month",
        "--conduct", "Threats", "--at", "2026-01-22", expect=2,
    )  # fmt: skip
    assert "--deviation-reason" in run.stderr and run.stderr.count("\n") == 1
    assert (ledger.head(), ledger.status()) == (head, "")


def test_a_deviation_with_a_reason_is_proposed_and_counts(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    proposed = step(
        ledger, "sanction", "propose", case, "--kind", "ban", "--duration", "1 month",
        "--conduct", "Threats", "--deviation-reason", "threats of violence", "--at", "2026-01-22",
        action="sanction propose", case=case, sanction="S-2026-0001",
    )  # fmt: skip
    assert (proposed["offence"], proposed["kind"], proposed["duration"]) == (1, "ban", "1 month")
    assert sanctions(ledger)["S-2026-0001"]["deviation_reason"] == "threats of violence"
    assert person(ledger, "frank", "2026-01-23")["next_offence"] == 2


def test_a_sanction_of_the_ladder_carries_no_deviation_reason(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--kind", "warning", "--deviation-reason", "none",
               "--at", "2026-01-22")  # fmt: skip
    assert "deviation_reason" not in sanctions(ledger)["S-2026-0001"]


def test_a_case_takes_one_sanction_at_a_time(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    first = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    run = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", expect=1)
    assert f"already has sanction {first['sanction']}" in run.stderr
    ledger.coc("sanction", "reject", first["sanction"], "--at", "2026-01-23")
    again = ledger.coc("sanction", "propose", case, "--at", "2026-01-23", "--json").json
    assert (again["sanction"], again["offence"]) == ("S-2026-0002", 1)


def test_a_sanction_cannot_be_enacted_before_it_was_proposed(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    proposed = ledger.coc("sanction", "propose", case, "--at", "2026-01-22T18:00:00+00:00",
                          "--json").json  # fmt: skip
    head = ledger.head()
    run = ledger.coc("sanction", "enact", proposed["sanction"], "--at", "2026-01-22T09:00:00+00:00",
                     expect=1)  # fmt: skip
    assert "S-2026-0001 is not yet proposed; only a proposed sanction can be enacted" in run.stderr
    assert (ledger.head(), ledger.status()) == (head, "")


def test_a_later_start_fixes_the_dates_from_that_day(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    proposed = ledger.coc("sanction", "propose", case, "--kind", "ban", "--duration", "3 months",
                          "--conduct", "Threats", "--deviation-reason", "threats",
                          "--at", "2026-01-22", "--json").json  # fmt: skip
    enacted = ledger.coc("sanction", "enact", proposed["sanction"], "--starts-on", "2026-01-31",
                         "--at", "2026-01-23", "--json").json  # fmt: skip
    assert (enacted["starts_on"], enacted["ends_on"], enacted["expunges_on"]) == (
        "2026-01-31",
        "2026-04-30",
        "2027-10-30",
    )


# --- conflicts of interest --------------------------------------------------------------------------


def test_a_committee_with_a_conflicted_member_is_refused(ledger: LedgerRepo) -> None:
    case = ledger.coc(
        "report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina", "--witness", "bob",
        "--at", "2026-01-10", "--json",
    ).json["case"]  # fmt: skip
    head = ledger.head()
    run = ledger.coc("committee", "form", case, "--member", "bob", "--member", "carol",
                     "--member", "dan", "--at", "2026-01-10", expect=1)  # fmt: skip
    assert "bob is a witness in COC-2026-0001" in run.stderr
    assert (ledger.head(), ledger.status()) == (head, "")
    step(ledger, "committee", "form", case, "--member", "erin", "--member", "carol",
         "--member", "dan", "--at", "2026-01-10", action="committee form", case=case)  # fmt: skip


def test_a_committee_too_small_is_refused(ledger: LedgerRepo) -> None:
    case = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
                      "--at", "2026-01-10", "--json").json["case"]  # fmt: skip
    run = ledger.coc("committee", "form", case, "--member", "bob", "--member", "carol",
                     "--at", "2026-01-10", expect=1)  # fmt: skip
    assert "needs at least 3 members, got 2" in run.stderr


def test_a_report_about_the_lead_received_by_the_lead_is_refused(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "alice", "--reporter", "gina",
                     "--at", "2026-01-10", expect=1)  # fmt: skip
    assert "alice is the respondent in COC-2026-0001" in run.stderr
    assert (ledger.head(), ledger.status()) == (head, "")


def test_a_report_about_the_lead_is_received_by_another_council_member(ledger: LedgerRepo) -> None:
    data = step(ledger, "report", "new", "--summary", "Insults in chat", "--respondent", "alice", "--reporter", "gina",
                "--at", "2026-01-10", actor="bob",
                action="report new", case="COC-2026-0001")  # fmt: skip
    shown = ledger.coc("case", "show", data["case"], "--json").json
    assert shown["received_by"] == "bob"


def test_a_serious_case_may_be_reviewed_at_an_extraordinary_meeting_at_once(
    ledger: LedgerRepo,
) -> None:
    ledger.coc("meeting", "add", "2026-01-12", "--extraordinary", "--at", SETUP_DAY)
    case = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
                      "--serious", "--at", "2026-01-10", "--json").json["case"]  # fmt: skip
    ledger.coc("committee", "form", case, "--member", "bob", "--member", "carol",
               "--member", "dan", "--at", "2026-01-10")  # fmt: skip
    step(ledger, "report", "review", case, "--meeting", "2026-01-12", "--at", "2026-01-12",
         action="report review", case=case)  # fmt: skip


def test_an_ordinary_case_waits_for_its_seven_days(ledger: LedgerRepo) -> None:
    """Shared at 00:00 on 01-10 (a date alone), the reported person's 7 days run to 00:00 on
    01-17, a moment that is still theirs: a review `--at 2026-01-17` is refused (exit 1) with the
    deadline, and nothing is written."""
    ledger.coc("meeting", "add", "2026-01-15", "--at", SETUP_DAY)
    ledger.coc("meeting", "add", "2026-01-17", "--at", SETUP_DAY)
    case = ledger.coc("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina",
                      "--at", "2026-01-10", "--json").json["case"]  # fmt: skip
    ledger.coc("committee", "form", case, "--member", "bob", "--member", "carol",
               "--member", "dan", "--at", "2026-01-10")  # fmt: skip
    ledger.coc("report", "share", case, "--at", "2026-01-10")
    run = ledger.coc("report", "review", case, "--meeting", "2026-01-15", "--at", "2026-01-15",
                     expect=1)  # fmt: skip
    assert "has until 2026-01-17 to respond" in run.stderr
    head = ledger.head()
    run = ledger.coc("report", "review", case, "--meeting", "2026-01-17", "--at", "2026-01-17",
                     expect=1)  # fmt: skip
    assert "has until 2026-01-17 00:00 UTC to respond" in run.stderr
    assert "a date alone means 00:00" in run.stderr
    assert (ledger.head(), ledger.status()) == (head, "")
    ledger.coc("report", "review", case, "--meeting", "2026-01-17", "--at", "2026-01-17T18:00")


# --- SPEC §3 Dates, end to end --------------------------------------------------------------------


def test_the_council_notice_is_24_real_hours_later_across_a_dst_change(ledger: LedgerRepo) -> None:
    policy = ledger.read("policy.yaml").replace("timezone: UTC", "timezone: Europe/Berlin")
    (ledger.root / "policy.yaml").write_text(policy, encoding="utf-8")
    ledger.git("commit", "-q", "-am", "policy: Berlin")
    data = ledger.coc(*("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina"),
                      "--at", "2026-03-28T12:00", "--json").json  # fmt: skip
    assert data["council_notice_due"] == "2026-03-29T13:00:00+02:00"
    shared = ledger.coc("report", "share", data["case"], "--at", "2026-03-29", "--json").json
    assert shared["respondent_response_due"] == "2026-04-05"


def test_an_instant_late_in_the_evening_west_of_utc_is_the_next_day(ledger: LedgerRepo) -> None:
    case = ledger.coc(*("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina"),
                      "--at", "2026-01-10T23:30:00-05:00", "--json").json["case"]  # fmt: skip
    shared = ledger.coc("report", "share", case, "--at", "2026-01-10T23:45:00-05:00", "--json")
    assert shared.json["respondent_response_due"] == "2026-01-18"  # shared on 01-11 in UTC
