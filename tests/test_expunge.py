"""`coc expunge`: End of ban — a ban leaves the record 18 months after it ends, and with it the
warnings before it; their personal details go, tombstones stay (SPEC §3 Expiry of records).

The rules run in memory (tests/memory.py) on the ledger of tests/conftest.py (a council of five,
the same dates, `--at DAY` read as 00:00 UTC); the commit, the files and validate run through the
real CLI and git."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework import ESCALATED_CONDUCT, Banned, banned, case_data, sanctions
from cocledger import queries
from cocledger.actions import committee, expunge, reports
from cocledger.actions import sanctions as sanction_actions
from cocledger.core.expiry import _cases_to_expunge
from cocledger.core.models import Case, CaseDeadlines, Sanction
from cocledger.core.moment import as_of
from cocledger.core.snapshot import Snapshot
from cocledger.core.tombstones import (
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
)
from conftest import COUNCIL, LedgerRepo, new_report
from memory import Memory, fresh, received

CLEARED = "2026-10-30"  # the 2025 ban below ended 2025-04-27 and left the record on 2026-10-27
ROSTER = {"project_lead": "alice", "council": ["alice", *COUNCIL]}
RECEIVED = "2025-01-10T09:00:00+00:00"


def on(day: str) -> str:
    """`--at DAY` as coc reads it in a UTC ledger: 00:00 of that day."""
    return f"{day}T00:00:00+00:00"


def reviewed_2025() -> tuple[Memory, str]:
    """conftest.reviewed_case in memory, received on 2025-01-10 and reviewed on 2025-01-22."""
    m = fresh(roster=ROSTER, contact="info@example.org",
              meetings=[{"date": "2025-01-22", "kind": "ordinary"}])  # fmt: skip
    case = received(m, "frank", "gina", (), RECEIVED, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", RECEIVED, case)
    m.act(committee.form, "alice", RECEIVED, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", RECEIVED, case)
    m.act(reports.review, "alice", on("2025-01-22"), case, date(2025, 1, 22))
    return m, case


def an_old_ban() -> tuple[Memory, Banned]:
    """The `old_ban` below, in memory: warning enacted 2025-01-23, apology refused 2025-01-27."""
    m, case = reviewed_2025()
    warning = m.act(sanction_actions.propose, "alice", on("2025-01-22"), case,
                    None, None, None, None).data["sanction"]  # fmt: skip
    m.act(sanction_actions.enact, "alice", on("2025-01-23"), warning, None)
    refused = m.act(sanction_actions.apology_record, "alice", on("2025-01-27"), warning, False,
                    ESCALATED_CONDUCT)  # fmt: skip
    return m, Banned(case, str(warning), str(refused.data["sanction"]))


def written(record: Case | Sanction) -> dict:
    """A record as the ledger writes it (a tombstone keeps only its keys)."""
    return record.model_dump(mode="json", exclude_none=True)


@pytest.fixture
def old_ban(ledger: LedgerRepo) -> Banned:
    return banned(
        ledger,
        received="2025-01-10T09:00:00+00:00",
        meeting="2025-01-22",
        enact_on="2025-01-23",
        refused_on="2025-01-27",
    )


def test_the_warning_and_the_ban_leave_the_record_together() -> None:
    m, old = an_old_ban()
    assert m.sanction(old.ban).expunges_on == date(2026, 10, 27)
    data = m.act(expunge.expunge, "alice", on(CLEARED)).data
    assert data["sanctions"] == [old.warning, old.ban]
    assert data["cases"] == [old.case]


def test_nothing_is_expunged_before_the_record_clears() -> None:
    m, _ = an_old_ban()
    before = m.snap
    outcome = m.act(expunge.expunge, "alice", on("2026-10-26"))
    assert "Nothing to expunge" in outcome.message
    assert outcome.change is None and m.snap is before  # nothing to commit


def test_expunge_run_twice_commits_once(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    head = ledger.head()
    assert ledger.git("log", "-1", "--format=%s").strip() == "expunge 3 records"
    second = ledger.coc("expunge", "--at", CLEARED)
    assert "Nothing to expunge" in second.stdout
    assert ledger.head() == head and ledger.status() == ""


def test_the_commit_names_no_party(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    trailers, moment = ledger.trailers_at()
    assert trailers == {"Coc-Action": "expunge", "Coc-Actor": "alice"}
    assert moment.date().isoformat() == CLEARED
    message = ledger.git("log", "-1", "--format=%B").lower()
    for party in ("frank", "gina", "insults"):
        assert party not in message


def test_sanctions_become_tombstones() -> None:
    m, old = an_old_ban()
    m.act(expunge.expunge, "alice", on(CLEARED))
    for sanction_id in (old.warning, old.ban):
        tombstone = written(m.sanction(sanction_id))
        assert set(tombstone) <= SANCTION_TOMBSTONE_KEYS
        assert (tombstone["status"], tombstone["status_on"]) == ("expunged", CLEARED)
    assert written(m.sanction(old.ban))["ends_on"] == "2025-04-27"
    assert "frank" not in str([written(s) for s in m.snap.sanctions.all()])


def test_the_case_becomes_a_tombstone() -> None:
    m, old = an_old_ban()
    m.act(expunge.expunge, "alice", on(CLEARED))
    tombstone = written(m.case(old.case))
    assert set(tombstone) <= CASE_TOMBSTONE_KEYS and tombstone["status"] == "expunged"
    assert all(set(event) <= EVENT_TOMBSTONE_KEYS for event in tombstone["timeline"])
    for detail in ("frank", "gina", "Insults", "public"):
        assert detail not in str(tombstone)
    assert tombstone["categories"] == ["personal-insults"]  # a slug the counts need, no person


def test_people_no_longer_referenced_leave_people_yaml() -> None:
    m, _ = an_old_ban()
    outcome = m.act(expunge.expunge, "alice", on(CLEARED))
    assert outcome.change is not None and outcome.change.people_removed == {"frank", "gina"}
    people = m.snap.people
    assert "frank" not in people and "gina" not in people
    assert all(member in people for member in ("alice", "bob", "carol", "dan", "erin", "hank"))


def test_on_disk_no_file_keeps_the_details_and_people_yaml_drops_the_parties(
    ledger: LedgerRepo, old_ban: Banned
) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    for sanction_id in (old_ban.warning, old_ban.ban):
        tombstone = sanctions(ledger)[sanction_id]
        assert set(tombstone) <= SANCTION_TOMBSTONE_KEYS and tombstone["status"] == "expunged"
    assert "frank" not in ledger.read("sanctions.yaml")
    tombstone = case_data(ledger, old_ban.case)
    assert set(tombstone) <= CASE_TOMBSTONE_KEYS and tombstone["status"] == "expunged"
    assert all(set(event) <= EVENT_TOMBSTONE_KEYS for event in tombstone["timeline"])
    text = ledger.read(f"cases/2025/{old_ban.case}.yaml")
    for detail in ("frank", "gina", "Insults", "public"):
        assert detail not in text
    people = ledger.read("people.yaml")
    assert "frank" not in people and "gina" not in people
    assert all(member in people for member in ("alice", "bob", "carol", "dan", "erin", "hank"))


def test_queries_give_the_same_answers_before_and_after() -> None:
    m, _ = an_old_ban()
    received(m, "frank", "hank", (), on("2026-10-01"))  # frank is still referenced: he stays
    before = queries.person_view(m.snap, "frank", date(2026, 10, 30))
    m.act(expunge.expunge, "alice", on(CLEARED))
    assert queries.person_view(m.snap, "frank", date(2026, 10, 30)) == before
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


def test_a_lifetime_ban_never_leaves_the_record() -> None:
    m, case = reviewed_2025()
    ban = m.act(sanction_actions.propose, "alice", on("2025-01-22"), case, "lifetime_ban", None,
                "threats", "Threats").data["sanction"]  # fmt: skip
    for member in ["alice", *COUNCIL]:
        m.act(sanction_actions.vote, "alice", on("2025-01-22"), ban, member, True, True)
    m.act(sanction_actions.enact, "alice", on("2025-01-23"), ban, None)
    assert m.sanction(ban).status == "enacted"
    outcome = m.act(expunge.expunge, "alice", on("2026-10-31"))
    assert "Nothing to expunge" in outcome.message and outcome.change is None


def test_validate_accepts_the_tombstones(ledger: LedgerRepo, old_ban: Banned) -> None:
    ledger.coc("expunge", "--at", CLEARED)
    run = ledger.coc("validate", "--format", "json", expect=None)
    errors = [p for p in run.json["problems"] if p["severity"] == "error"]
    assert errors == []


# --- SPEC §3 Queries as of a moment before an expunge ---------------------------------------------


def _as_of(m: Memory, day: str) -> tuple[Snapshot, date]:
    return as_of(m.snap, datetime.fromisoformat(on(day))), date.fromisoformat(day)


@pytest.mark.parametrize(
    ("day", "offences", "since"),
    [
        ("2026-06-01", 2, "2026-10-30"),  # issue 20: frank had a warning and a ban on record
        ("2026-10-28", 0, "2026-10-30"),  # off the record since 10-27, their details still there
        ("2026-10-30", 0, None),  # the day of the expunge: nothing is hidden from it
    ],
)
def test_a_record_as_of_a_day_before_the_expunge_says_it_is_not_whole(
    day: str, offences: int, since: str | None
) -> None:
    m, _ = an_old_ban()
    received(m, "frank", "hank", (), on("2026-10-01"))  # frank is still referenced: he stays
    then = queries.person_view(*_person_at(m, day))
    assert (then["offences_on_record"], then["expunged_since"]) == (offences, None)
    m.act(expunge.expunge, "alice", on(CLEARED))
    now = queries.person_view(*_person_at(m, day))
    assert (now["offences_on_record"], now["expunged_since"]) == (0, since)
    assert now["record"] == [] and now["active_ban"] is None  # nothing of what was expunged


def _person_at(m: Memory, day: str) -> tuple[Snapshot, str, date]:
    snap, when = _as_of(m, day)
    return snap, "frank", when


@pytest.mark.parametrize(
    ("day", "bans", "records"),
    [
        ("2025-03-01", "1 ban in force on 2025-03-01 was expunged since 2026-10-30", True),
        ("2025-01-24", None, True),  # the warning alone: no ban was in force
        ("2025-05-01", None, True),  # the ban had ended; it was still on the record
        ("2024-12-01", None, False),  # before any of it
    ],
)
def test_the_published_bans_of_a_day_before_the_expunge_say_what_is_not_shown(
    day: str, bans: str | None, records: bool
) -> None:
    m, _ = an_old_ban()
    m.act(expunge.expunge, "alice", on(CLEARED))
    snap, when = _as_of(m, day)
    assert queries.published(snap, when) == []
    line = queries.expunged_line(snap, when, "bans")
    assert line == (f"{bans} and is not shown (the details are gone)." if bans else None)
    assert (queries.expunged_line(snap, when) is not None) == records


def test_queries_as_of_a_day_before_the_expunge_say_so(ledger: LedgerRepo, old_ban: Banned) -> None:
    """The line in text, `expunged_since` in `person show --json`; `publish` and `due`, whose JSON
    is a list (SPEC §4), say it on stderr."""
    new_report(ledger, "2026-10-01T09:00:00+00:00", reporter="hank")  # frank stays
    ledger.coc("expunge", "--at", CLEARED)
    shown = ledger.coc("person", "show", "frank", "--at", "2026-06-01", "--json").json
    assert (shown["offences_on_record"], shown["expunged_since"]) == (0, "2026-10-30")
    text = " ".join(ledger.coc("person", "show", "frank", "--at", "2026-06-01").stdout.split())
    assert "Records expunged since 2026-10-30 are not shown (their details are gone)" in text
    page = ledger.coc("publish", "--at", "2025-03-01")
    assert page.stdout == "No active bans.\n"
    assert page.stderr == (
        "1 ban in force on 2025-03-01 was expunged since 2026-10-30 and is not shown (the "
        "details are gone).\n"
    )
    due = ledger.coc("due", "--at", "2026-06-01", "--json")
    assert isinstance(due.json, list) and "expunged since 2026-10-30" in due.stderr
    assert ledger.coc("person", "show", "frank", "--json").json["expunged_since"] is None
