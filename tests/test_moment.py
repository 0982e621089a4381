"""SPEC §3 Queries as of a moment: every query's --at shows the ledger as it stood then, so
`due`, `case list`, `case show`, `person show`, `stats` and `publish` agree with what the
council could see that day, whatever was recorded since. In memory, and once end to end."""

from __future__ import annotations

from datetime import date

from cocledger import queries
from cocledger.actions import appeals, cases, committee, reports, sanctions
from cocledger.core.durations import parse_duration
from cocledger.core.moment import as_of
from conftest import LedgerRepo
from memory import Memory, appealed, at, banned, fresh, received


def late_case(m: Memory) -> str:
    """Received 2026-11-20, shared the next day, closed 2026-11-25 without a sanction."""
    case = received(m, when="2026-11-20T09:00:00+00:00")
    m.act(reports.notify_council, "alice", "2026-11-20T10:00:00+00:00", case)
    m.act(committee.form, "alice", "2026-11-20T11:00:00+00:00", case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", "2026-11-21T09:00:00+00:00", case)
    m.act(cases.close, "alice", "2026-11-25T09:00:00+00:00", case, "No breach found")
    return case


def kinds(m: Memory, when: str) -> set[tuple[str, str | None]]:
    moment = at(when)
    return {(i.kind, i.case) for i in queries.due(as_of(m.snap, moment), moment)}


def test_a_case_received_later_is_not_there_yet() -> None:
    m = fresh()
    case = late_case(m)
    then = as_of(m.snap, at("2026-10-04"))
    assert kinds(m, "2026-10-04") == set()
    assert queries.case_list(then, open_only=False) == []
    assert case not in then.case_ids()


def test_a_case_closed_later_was_open_with_its_window_running() -> None:
    m = fresh()
    case = late_case(m)
    assert ("respondent_response", case) in kinds(m, "2026-11-22")
    assert kinds(m, "2026-11-26") == set()  # closed by then: nothing due
    [row] = queries.case_list(as_of(m.snap, at("2026-11-22")), open_only=True)
    assert (row["case"], row["status"], row["stage"]) == (case, "open", "shared with respondent")
    shown = queries.case_view(as_of(m.snap, at("2026-11-22")), case)
    assert [e["action"] for e in shown["timeline"]][-1] == "shared"
    assert shown["deadlines"]["respondent_response"] == "2026-11-28"


def test_a_ban_overturned_later_was_in_force_and_published_then() -> None:
    m = fresh()
    case, _, ban = banned(m)
    appealed(m, case, ban)
    m.act(appeals.decide, "alice", "2026-02-10", ban, "overturned", None, [])
    before = as_of(m.snap, at("2026-02-05"))
    assert before.sanction(ban).status == "enacted" and before.sanction(ban).appeal
    assert before.sanction(ban).appeal.outcome is None  # type: ignore[union-attr]
    view = queries.person_view(before, "frank", date(2026, 2, 5))
    assert view["active_ban"] == {"sanction": ban, "ends_on": "2026-04-26"}
    assert [r.person for r in queries.published(before, date(2026, 2, 5))] == ["Frank Example"]
    after = as_of(m.snap, at("2026-02-11"))
    assert after.sanction(ban).status == "overturned"
    assert queries.published(after, date(2026, 2, 11)) == []


def test_a_ban_reduced_later_had_its_first_length_then() -> None:
    m = fresh()
    case, _, ban = banned(m)
    appealed(m, case, ban)
    m.act(appeals.decide, "alice", "2026-02-10", ban, "reduced", parse_duration("1 month"), [])
    assert m.sanction(ban).ends_on == date(2026, 2, 26)
    before = as_of(m.snap, at("2026-02-05")).sanction(ban)
    assert (str(before.duration), before.ends_on) == ("3 months", date(2026, 4, 26))
    assert before.deviation_reason is None


def test_what_was_recorded_later_is_left_out_of_a_sanction() -> None:
    m = fresh()
    _, warning, ban = banned(m, refused_on="2026-01-26")
    before = as_of(m.snap, at("2026-01-24"))
    shown = before.sanction(warning)
    assert (shown.status, shown.apology, shown.escalated_to) == ("enacted", None, None)
    assert ban not in before.sanctions
    assert queries.person_view(before, "frank", date(2026, 1, 24))["offences_on_record"] == 1
    again = as_of(m.snap, at("2026-01-27"))
    assert again.sanction(warning).status == "escalated" and ban in again.sanctions


def test_a_proposal_not_yet_enacted_then_shows_no_dates() -> None:
    m = fresh()
    case = received(m)
    m.act(reports.notify_council, "alice", "2026-01-10T09:00:00+00:00", case)
    m.act(committee.form, "alice", "2026-01-10T09:00:00+00:00", case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", "2026-01-10T09:00:00+00:00", case)
    m.act(reports.review, "alice", "2026-01-22T18:00:00+00:00", case, date(2026, 1, 22))
    m.act(sanctions.propose, "alice", "2026-01-22T18:30:00+00:00", case, None, None, None, None)
    m.act(sanctions.enact, "alice", "2026-01-23", "S-2026-0001", None)
    proposal = as_of(m.snap, at("2026-01-22T19:00:00+00:00")).sanction("S-2026-0001")
    assert (proposal.status, proposal.starts_on, proposal.apology_due) == ("proposed", None, None)
    assert proposal.status_on == date(2026, 1, 22)
    assert as_of(m.snap, at("2026-01-22T18:00:00+00:00")).sanctions_of_case(case) == []


def test_a_committee_and_conflicts_are_those_of_the_moment() -> None:
    m = fresh()
    case = received(m)
    m.act(committee.form, "alice", "2026-01-11", case, ["bob", "carol", "dan"])
    m.act(committee.recuse, "alice", "2026-01-12", case, "dan", None)
    before = as_of(m.snap, at("2026-01-11T18:00:00+00:00")).case(case)
    assert (before.committee, before.conflicts) == (("bob", "carol", "dan"), ())
    assert m.case(case).committee == ("bob", "carol")


def test_every_query_agrees_with_the_moment_end_to_end(ledger: LedgerRepo) -> None:
    """The issue's own trace: due and case list as of 2026-10-04 knew nothing of a case received
    on 2026-11-20, and as of 2026-11-22 still show its response window after it was closed."""
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Spam",
        "--at", "2026-11-20T09:00Z", "--json",
    ).json["case"]  # fmt: skip
    ledger.coc("report", "share", case, "--at", "2026-11-21T09:00Z")
    ledger.coc("case", "close", case, "--at", "2026-11-25T09:00Z")
    assert ledger.coc("due", "--at", "2026-10-04", "--json").json == []
    assert ledger.coc("case", "list", "--at", "2026-10-04", "--json").json == []
    window = [
        i
        for i in ledger.coc("due", "--at", "2026-11-22", "--json").json
        if i["kind"] == "respondent_response"
    ]
    assert window and window[0]["case"] == case
    [row] = ledger.coc("case", "list", "--at", "2026-11-22", "--json").json
    assert row["status"] == "open"
    assert ledger.coc("case", "list", "--json").json[0]["status"] == "closed"


def test_a_status_taken_then_is_dated_in_the_councils_time_zone() -> None:
    """The day a sanction took its status is the council's day (SPEC §3 Dates), as the action
    stored it: a ban enacted at 19:00 in Los Angeles is enacted that day, not UTC's next."""
    m = fresh(timezone="America/Los_Angeles")
    case, _, ban = banned(m, refused_on="2026-01-26T03:00:00+00:00")  # 19:00 the 25th there
    assert (m.sanction(ban).status_on, m.sanction(ban).starts_on) == (date(2026, 1, 25),) * 2
    appealed(m, case, ban)
    m.act(appeals.decide, "alice", "2026-02-10", ban, "overturned", None, [])
    then = as_of(m.snap, at("2026-02-05")).sanction(ban)
    assert (then.status, then.status_on) == ("enacted", date(2026, 1, 25))
