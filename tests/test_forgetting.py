"""SPEC §3 Expiry of records: expunge changes no answer. Queries already ignore what has left
the record, and a tombstone keeps what `coc stats` counts (kind, dates, outcomes, category
slugs, never a person), so every period's report is the same before and after. In memory."""

from __future__ import annotations

from datetime import date

import pytest

from cocledger import queries
from cocledger.actions import appeals, cases, committee, expunge, notify, reports, sanctions
from memory import Memory, at, fresh, problems, received

MEETINGS = [{"date": d, "kind": "ordinary"} for d in ("2025-01-23", "2025-02-20", "2025-03-20")]
EXPUNGED_ON = "2027-01-15"  # the 2025 bans left the record by the end of 2026


def reviewed_2025(m: Memory, respondent: str, reporter: str, received_at: str) -> str:
    case = received(m, respondent, reporter, (), received_at, categories=("personal-insults",),
                    summary="Insults in the forum")  # fmt: skip
    m.act(reports.notify_council, "alice", received_at, case)
    m.act(committee.form, "alice", received_at, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", received_at, case)
    meeting = "2025-01-23" if received_at < "2025-01-14" else "2025-02-20"
    m.act(reports.review, "alice", meeting + "T18:00:00+00:00", case, date.fromisoformat(meeting))
    return case


def a_year_of_cases() -> Memory:
    """2025: a warning refused and escalated to a 3-month ban, appealed and upheld; a ban by a
    reasoned deviation, overturned on appeal; a report closed with no breach found."""
    m = fresh(meetings=MEETINGS)
    first = reviewed_2025(m, "frank", "gina", "2025-01-10T09:00:00+00:00")
    m.act(sanctions.propose, "alice", "2025-01-23T18:30:00+00:00", first, None, None, None, None)
    m.act(sanctions.enact, "alice", "2025-01-23T18:40:00+00:00", "S-2025-0001", None)
    m.act(sanctions.apology_record, "alice", "2025-01-28", "S-2025-0001", False, "Insults")
    m.act(appeals.file, "alice", "2025-02-01", "S-2025-0002", "Too long")
    m.act(appeals.decide, "alice", "2025-02-10", "S-2025-0002", "upheld", None, [])
    told(m, first, "2025-02-11")
    m.act(cases.close, "alice", "2025-02-12", first, "Decided")
    second = reviewed_2025(m, "hank", "ivy", "2025-02-01T09:00:00+00:00")
    m.act(sanctions.propose, "alice", "2025-02-20T18:30:00+00:00", second, "ban", _months(2),
          "A first offence of doxing", "Posted a member's address")  # fmt: skip
    m.act(sanctions.enact, "alice", "2025-02-20T18:40:00+00:00", "S-2025-0003", None)
    m.act(appeals.file, "alice", "2025-02-25", "S-2025-0003", "Mistaken identity")
    m.act(appeals.decide, "alice", "2025-03-05", "S-2025-0003", "overturned", None, [])
    told(m, second, "2025-03-06")
    m.act(cases.close, "alice", "2025-03-07", second, "Overturned on appeal")
    third = received(m, "gina", "hank", (), "2025-03-01T09:00:00+00:00")
    m.act(reports.notify_council, "alice", "2025-03-01T10:00:00+00:00", third)
    m.act(cases.close, "alice", "2025-03-10", third, "No breach found")
    return m


def told(m: Memory, case: str, when: str) -> None:
    """Communications: both parties told of the latest decision, as a council keeping its
    ledger does (an untold party would be a duty still open, not a record)."""
    for party in ("offender", "offended"):
        m.act(notify.notify, "alice", when, case, party, None)


def _months(n: int):  # type: ignore[no-untyped-def]
    from cocledger.core.durations import parse_duration

    return parse_duration(f"{n} months")


PERIODS = [("2025-01-01", "2025-12-31"), ("2025-02-01", "2025-02-28"), ("2024-01-01", "2026-12-31")]


def answers(m: Memory) -> dict[str, object]:
    moment = at(EXPUNGED_ON)
    snap = m.snap
    found: dict[str, object] = {
        f"stats {a}..{b}": queries.stats(snap, date.fromisoformat(a), date.fromisoformat(b), moment)
        for a, b in PERIODS
    }
    found["publish"] = queries.published(snap, moment.date())
    found["due"] = [
        i.as_json() for i in queries.due(snap, moment) if i.kind != "record_expunges"
    ]  # the reminder to run coc expunge is what expunge does
    found["open cases"] = queries.case_list(snap, open_only=True)
    found["people"] = {
        p: queries.person_view(snap, p, moment.date()) for p in ("alice", "bob", "hank")
    }
    return found


def test_every_answer_is_the_same_before_and_after_an_expunge() -> None:
    m = a_year_of_cases()
    received(m, "hank", "gina", (), "2026-12-01T09:00:00+00:00")  # hank stays referenced
    before = answers(m)
    outcome = m.act(expunge.expunge, "alice", EXPUNGED_ON)
    assert outcome.change is not None and len(outcome.change.cases) == 3
    assert answers(m) == before


@pytest.mark.parametrize(("first", "last"), PERIODS)
def test_the_transparency_report_counts_tombstones_as_it_counted_the_records(
    first: str, last: str
) -> None:
    m = a_year_of_cases()
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    before = queries.stats(m.snap, start, end, at(EXPUNGED_ON))
    m.act(expunge.expunge, "alice", EXPUNGED_ON)
    after = queries.stats(m.snap, start, end, at(EXPUNGED_ON))
    assert after == before
    categories = {row["category"]: row["reports"] for row in after["by_category"]}
    assert categories["(record expunged)"] == 0


def test_a_tombstone_keeps_outcomes_and_slugs_but_no_person() -> None:
    m = a_year_of_cases()
    m.act(expunge.expunge, "alice", EXPUNGED_ON)
    overturned = m.sanction("S-2025-0003")
    assert overturned.status == "expunged" and overturned.person is None
    assert overturned.appeal is not None and overturned.appeal.outcome == "overturned"
    assert overturned.appeal.reason is None and overturned.appeal.filed_by is None
    dumped = str(overturned.model_dump(mode="json")) + str(m.case("COC-2025-0001").model_dump())
    for detail in ("frank", "hank", "gina", "Too long", "Insults in the forum", "address"):
        assert detail not in dumped
    assert m.case("COC-2025-0001").categories == ("personal-insults",)


def closed_without_sanction(m: Memory) -> str:
    case = received(m, "gina", "hank", (), "2025-03-01T09:00:00+00:00")
    m.act(cases.close, "alice", "2025-03-10T12:00:00+00:00", case, "No breach found")
    return case


def test_a_case_closed_with_no_sanction_leaves_the_record_after_its_retention() -> None:
    """SPEC §3 Retention of closed cases: 18 months after it was closed (2025-03-10)."""
    m = fresh(meetings=MEETINGS)
    case = closed_without_sanction(m)
    assert [p.code for p in problems(m, "2026-09-10", "CL060")] == []
    [late] = problems(m, "2026-09-11", "CL060")
    assert late.message.startswith(f"{case}: record expunges overdue since 2026-09-10")
    assert m.act(expunge.expunge, "alice", "2026-09-09").change is None
    outcome = m.act(expunge.expunge, "alice", "2026-09-10")
    assert outcome.data["cases"] == [case] and outcome.data["people_removed"] == 2
    assert m.case(case).status == "expunged" and m.case(case).respondent is None
    assert "gina" not in m.snap.people


def test_a_community_may_keep_closed_cases() -> None:
    m = fresh(meetings=MEETINGS, record_retention_after_close=None)
    closed_without_sanction(m)
    assert m.act(expunge.expunge, "alice", "2030-01-01").change is None


def test_a_case_with_a_sanction_on_record_waits_for_the_record_window() -> None:
    m = a_year_of_cases()
    gone = m.act(expunge.expunge, "alice", "2026-09-10").data["cases"]
    assert gone == ["COC-2025-0002", "COC-2025-0003"]  # closed 2025-03-07 and 2025-03-10
    assert m.case("COC-2025-0001").status == "closed"  # its ban is on record until 2026-10
