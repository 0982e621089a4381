"""`coc appeal file/decide`: CoC §8 — only permanent resolutions (such as bans) may be appealed.

The rules run in memory (tests/memory.py) on the ledger of tests/conftest.py (a council of five,
the same dates, `--at DAY` read as 00:00 UTC); what the commits and files hold runs through the
real CLI and git."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework import ESCALATED_CONDUCT, banned, case_data, sanctions, warned
from cocledger import queries
from cocledger.actions import appeals, committee, reports
from cocledger.actions import sanctions as sanction_actions
from cocledger.core.durations import parse_duration
from cocledger.errors import RefusedError, UsageError
from conftest import COUNCIL, LedgerRepo
from memory import Memory, fresh, received

ROSTER = {"project_lead": "alice", "council": ["alice", *COUNCIL]}
RECEIVED = "2026-01-10T09:00:00+00:00"
NOW = datetime.now(UTC).isoformat()  # what `coc` takes when no --at is given


def on(day: str) -> str:
    """`--at DAY` as coc reads it in a UTC ledger: 00:00 of that day."""
    return f"{day}T00:00:00+00:00"


def reviewed_case(m: Memory) -> str:
    """conftest.reviewed_case, in memory: received, council told, committee, shared, reviewed."""
    case = received(m, "frank", "gina", (), RECEIVED, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", RECEIVED, case)
    m.act(committee.form, "alice", RECEIVED, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", RECEIVED, case)
    m.act(reports.review, "alice", on("2026-01-22"), case, date(2026, 1, 22))
    return case


def a_ban() -> tuple[Memory, str, str]:
    """casework.banned, in memory: the warning enacted on 2026-01-23, the apology refused on
    2026-01-26, escalated that day to a 3-month ban. Returns the ledger, the case and the ban."""
    m = fresh(roster=ROSTER, contact="info@example.org",
              meetings=[{"date": "2026-01-22", "kind": "ordinary"}])  # fmt: skip
    case = reviewed_case(m)
    warning = m.act(sanction_actions.propose, "alice", on("2026-01-22"), case,
                    None, None, None, None).data["sanction"]  # fmt: skip
    m.act(sanction_actions.enact, "alice", on("2026-01-23"), warning, None)
    refused = m.act(sanction_actions.apology_record, "alice", on("2026-01-26"), warning, False,
                    ESCALATED_CONDUCT)  # fmt: skip
    return m, case, str(refused.data["sanction"])


def an_appeal() -> tuple[Memory, str]:
    """The ban above, appealed on 2026-02-01 ("Disputes the facts")."""
    m, _, ban = a_ban()
    m.act(appeals.file, "alice", on("2026-02-01"), ban, "Disputes the facts")
    return m, ban


def appealed(repo: LedgerRepo) -> str:
    history = banned(repo)
    repo.coc("appeal", "file", history.ban, "--reason", "Disputes the facts", "--at", "2026-02-01")
    return history.ban


def test_an_appeal_of_a_warning_is_refused(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    head = ledger.head()
    run = ledger.coc(
        "appeal", "file", warning, "--reason", "Unfair", "--at", "2026-01-24", expect=1
    )
    assert "only ban, lifetime_ban may be appealed" in run.stderr
    assert ledger.head() == head and ledger.status() == ""


def test_filing_an_appeal_is_one_commit_with_a_timeline_event(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    assert sanctions(ledger)[ban]["appeal"] == {
        "filed_on": "2026-02-01",
        "filed_by": "frank",
        "reason": "Disputes the facts",
        "decided_by": [],
    }
    trailers = ledger.trailers()
    assert (trailers["Coc-Action"], trailers["Coc-Sanction"]) == ("appeal file", ban)
    event = case_data(ledger, trailers["Coc-Case"])["timeline"][-1]
    assert (event["action"], event["sanction"]) == ("appeal_filed", ban)
    assert ledger.status() == ""


def test_a_sanction_is_appealed_once() -> None:
    m, ban = an_appeal()
    with pytest.raises(RefusedError, match="appeal was already recorded on 2026-02-01"):
        m.act(appeals.file, "alice", on("2026-02-02"), ban, "Again")


def test_an_upheld_appeal_leaves_the_ban_as_it_was() -> None:
    m, ban = an_appeal()
    before = m.sanction(ban)
    m.act(appeals.decide, "alice", on("2026-02-05"), ban, "upheld", None, [])
    after = m.sanction(ban)
    assert after.appeal is not None
    assert after.appeal.outcome == "upheld" and after.appeal.decided_on == date(2026, 2, 5)
    assert after.model_dump(exclude={"appeal"}) == before.model_dump(exclude={"appeal"})


def test_an_overturned_ban_stops_counting_and_leaves_the_published_list() -> None:
    m, ban = an_appeal()
    assert [row.sanction for row in queries.published(m.snap, date(2026, 2, 5))]
    m.act(appeals.decide, "alice", on("2026-02-05"), ban, "overturned", None, [])
    record = m.sanction(ban)
    assert (record.status, record.status_on) == ("overturned", date(2026, 2, 5))
    assert queries.published(m.snap, date(2026, 2, 6)) == []
    person = queries.person_view(m.snap, "frank", date(2026, 2, 6))
    assert (person["offences_on_record"], person["active_ban"]) == (1, None)


def test_a_reduced_ban_gets_its_dates_recomputed() -> None:
    m, ban = an_appeal()
    m.act(appeals.decide, "alice", on("2026-02-05"), ban, "reduced", parse_duration("1 month"), [])
    record = appeals.appeal_json(m.sanction(ban))
    assert (record["duration"], record["starts_on"]) == ("1 month", "2026-01-26")
    assert (record["ends_on"], record["expunges_on"]) == ("2026-02-26", "2027-08-26")
    assert record["appeal"]["reduced_from"] == "3 months"
    assert record["status"] == "enacted"


def test_a_reduction_must_end_the_ban_sooner() -> None:
    m, ban = an_appeal()
    before = m.snap
    with pytest.raises(RefusedError, match="a reduction must end it sooner"):
        m.act(appeals.decide, "alice", on("2026-02-05"), ban, "reduced",
              parse_duration("6 months"), [])  # fmt: skip
    assert m.snap is before


def test_deciding_is_one_commit_with_the_outcome_on_the_timeline(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    ledger.coc("appeal", "decide", ban, "--overturned", "--at", "2026-02-05", actor="bob")
    trailers = ledger.trailers()
    assert trailers == trailers | {
        "Coc-Action": "appeal decide",
        "Coc-Sanction": ban,
        "Coc-Actor": "bob",
    }
    event = case_data(ledger, trailers["Coc-Case"])["timeline"][-1]
    assert (event["action"], event["note"], event["by"]) == ("appeal_decided", "overturned", "bob")
    assert ledger.status() == ""


def test_by_default_the_case_committee_decides() -> None:
    m, ban = an_appeal()
    m.act(appeals.decide, "alice", on("2026-02-05"), ban, "upheld", None, [])
    appeal = m.sanction(ban).appeal
    assert appeal is not None and list(appeal.decided_by) == ["bob", "carol", "dan"]


def test_a_party_cannot_decide_an_appeal() -> None:
    m, ban = an_appeal()
    with pytest.raises(RefusedError, match="not on the council"):
        m.act(appeals.decide, "alice", on("2026-02-05"), ban, "upheld", None, ["gina"])


def test_an_appeal_needs_exactly_one_outcome(ledger: LedgerRepo) -> None:
    # The CLI checks its flags before it reads the ledger: no ban is needed to see it refuse.
    run = ledger.coc("appeal", "decide", "S-2026-0002", "--upheld", "--overturned", expect=2)
    assert "give exactly one of --upheld, --overturned or --reduced-to D" in run.stderr


def test_an_appeal_of_a_lifetime_ban_is_decided_by_the_council_that_enacted_it() -> None:
    m = fresh(roster=ROSTER, contact="info@example.org",
              meetings=[{"date": "2026-01-22", "kind": "ordinary"}])  # fmt: skip
    case = reviewed_case(m)
    proposed = m.act(sanction_actions.propose, "alice", on("2026-01-22"), case, "lifetime_ban",
                     None, "threats", "Threats of violence").data["sanction"]  # fmt: skip
    for member in ["alice", *COUNCIL]:
        m.act(sanction_actions.vote, "alice", on("2026-01-22"), proposed, member, True, True)
    m.act(sanction_actions.enact, "alice", on("2026-01-23"), proposed, None)
    m.act(appeals.file, "alice", on("2026-01-24"), proposed, "Too harsh")
    with pytest.raises(UsageError, match="decided by the full council that enacted it"):
        m.act(appeals.decide, "alice", NOW, proposed, "upheld", None, ["bob"])
    m.act(appeals.decide, "alice", on("2026-01-30"), proposed, "upheld", None, [])
    appeal = m.sanction(proposed).appeal
    assert appeal is not None and list(appeal.decided_by) == ["alice", *COUNCIL]
