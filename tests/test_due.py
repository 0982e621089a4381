"""`coc due`: every deadline of the breaches policy, overdue first (Incident processing, Proposed
sanctions, End of ban, Communications)."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

import memory
from casework import banned, due, of_kind, warned
from cocledger import queries
from cocledger.actions import appeals, committee, reports, sanctions
from cocledger.core.due_item import DueItem
from cocledger.output import process as render_process
from conftest import SETUP_DAY, LedgerRepo

RECEIVED = "2026-03-02T09:00:00+00:00"


def new_report(repo: LedgerRepo, *extra: str) -> str:
    return repo.coc(
        "report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina", "--at", RECEIVED,
        *extra, "--json",
    ).json["case"]  # fmt: skip


def test_a_council_notice_is_due_24_hours_after_receipt(ledger: LedgerRepo) -> None:
    case = new_report(ledger)
    [notice] = of_kind(due(ledger, "2026-03-02T20:00:00+00:00"), "council_notice")
    assert notice == notice | {"case": case, "sanction": None, "overdue": False}
    assert notice["due"] == "2026-03-03T09:00:00+00:00"


def test_a_council_notice_becomes_overdue_and_comes_first(ledger: LedgerRepo) -> None:
    case = new_report(ledger)
    items = due(ledger, "2026-03-03T09:30:00+00:00")
    assert items[0]["kind"] == "council_notice" and items[0]["overdue"] is True
    ledger.coc("report", "notify-council", case, "--at", "2026-03-03T09:30:00+00:00")
    assert of_kind(due(ledger, "2026-03-03T10:00:00+00:00"), "council_notice") == []


def test_an_unshared_report_shows_that_the_response_window_has_not_started(
    ledger: LedgerRepo,
) -> None:
    new_report(ledger)
    [window] = of_kind(due(ledger, "2026-03-02T10:00:00+00:00"), "respondent_response")
    assert window["due"] is None and "not yet shared" in window["detail"]


def test_a_response_shortens_the_window(ledger: LedgerRepo) -> None:
    for meeting in ("2026-03-05", "2026-03-12"):
        ledger.coc("meeting", "add", meeting, "--at", SETUP_DAY)
    case = new_report(ledger)
    ledger.coc("report", "share", case, "--at", RECEIVED)
    before = due(ledger, "2026-03-03")
    assert of_kind(before, "respondent_response")[0]["due"] == "2026-03-09"
    assert of_kind(before, "review")[0]["meeting"] == "2026-03-12"
    ledger.coc("report", "respond", case, "--at", "2026-03-04")
    after = due(ledger, "2026-03-04")
    assert of_kind(after, "respondent_response") == []
    assert of_kind(after, "review")[0]["meeting"] == "2026-03-05"


def test_a_case_with_no_meeting_scheduled_needs_one(ledger: LedgerRepo) -> None:
    case = new_report(ledger)
    ledger.coc("report", "share", case, "--at", RECEIVED)
    [review] = of_kind(due(ledger, "2026-03-03"), "review")
    assert (review["meeting"], review["needs_meeting"], review["due"]) == (None, True, "2026-03-09")
    assert "needs a meeting" in review["detail"]


def test_a_review_not_held_at_its_meeting_is_overdue(ledger: LedgerRepo) -> None:
    ledger.coc("meeting", "add", "2026-03-12", "--at", SETUP_DAY)
    case = new_report(ledger)
    ledger.coc("report", "share", case, "--at", RECEIVED)
    [review] = of_kind(due(ledger, "2026-03-13"), "review")
    assert review["overdue"] is True and review["needs_meeting"] is True


def test_a_serious_case_may_go_to_an_extraordinary_meeting(ledger: LedgerRepo) -> None:
    new_report(ledger, "--serious")
    [review] = of_kind(due(ledger, "2026-03-02T10:00:00+00:00"), "review")
    assert review["extraordinary_possible"] is True
    assert "may call an extraordinary meeting" in review["detail"]
    ledger.coc("meeting", "add", "2026-03-04", "--extraordinary", "--at", SETUP_DAY)
    [review] = of_kind(due(ledger, "2026-03-02T10:00:00+00:00"), "review")
    assert review["meeting"] == "2026-03-04"


def test_the_apology_is_due_seven_days_after_the_warning(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    [apology] = of_kind(due(ledger, "2026-01-29"), "apology")
    assert apology == apology | {"sanction": warning, "due": "2026-01-30", "overdue": False}
    assert "public apology" in apology["detail"]


def test_the_apology_deadline_passing_makes_it_overdue(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    items = due(ledger, "2026-01-31")
    [apology] = of_kind(items, "apology")
    assert apology == apology | {"sanction": warning, "overdue": True}
    flags = [item["overdue"] for item in items]
    assert flags == sorted(flags, reverse=True)  # overdue first
    ledger.coc("apology", "record", warning, "--delivered", "--at", "2026-02-01")
    assert of_kind(due(ledger, "2026-02-01"), "apology") == []


def test_a_ban_ending_carries_the_reinstatement_checklist(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    [ends] = of_kind(due(ledger, "2026-04-01"), "ban_ends")
    assert ends == ends | {"sanction": history.ban, "due": "2026-04-26", "overdue": False}
    for channel in ("slack", "forum", "github", "events"):
        assert any(channel in line for line in ends["checklist"])
    assert any("no administrative or leadership rights" in line for line in ends["checklist"])


def test_a_ban_ending_stays_overdue_until_the_reinstatement_notice(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    assert of_kind(due(ledger, "2026-04-27"), "ban_ends")[0]["overdue"] is True
    # Never told of the ban: the first notice is the decision's, however late; the item stays.
    ledger.coc("notify", history.case, "--party", "offender", "--at", "2026-04-27")
    now = due(ledger, "2026-04-28")
    assert [i["party"] for i in of_kind(now, "notification")] == ["offended"]
    [ends] = of_kind(now, "ban_ends")
    assert ends["overdue"] is True
    ledger.coc(*ends["command"].split()[1:], "--at", "2026-04-28")
    assert of_kind(due(ledger, "2026-04-28"), "ban_ends") == []


def test_offender_and_offended_are_listed_until_notified_of_an_enactment(
    ledger: LedgerRepo,
) -> None:
    case, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    pending = of_kind(due(ledger, "2026-01-23"), "notification")
    assert [(n["party"], n["sanction"]) for n in pending] == [
        ("offender", warning),
        ("offended", warning),
    ]
    ledger.coc("notify", case, "--party", "offender", "--at", "2026-01-23")
    assert [n["party"] for n in of_kind(due(ledger, "2026-01-24"), "notification")] == ["offended"]


def test_the_day_a_record_clears_is_listed(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    [clears] = of_kind(due(ledger, "2026-05-01"), "record_expunges")
    assert clears == clears | {"sanction": history.ban, "due": "2027-10-26", "overdue": False}


def test_a_closed_case_has_no_deadlines(ledger: LedgerRepo) -> None:
    case = new_report(ledger)
    ledger.coc("case", "close", case, "--reason", "no breach found", "--at", "2026-03-02T10:00")
    assert due(ledger, "2026-03-05") == []


def test_due_json_has_the_keys_scripts_rely_on(ledger: LedgerRepo) -> None:
    new_report(ledger)
    for item in due(ledger, "2026-03-04"):
        assert {"kind", "case", "sanction", "due", "overdue"} <= set(item)


def test_piped_output_is_plain_text_with_overdue_first_and_marked(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    out = ledger.coc("due", "--at", "2026-01-31").stdout
    lines = out.splitlines()
    assert lines[0].startswith("Due as of 2026-01-31")
    assert lines[2].startswith("OVERDUE") and warning in lines[2]
    assert "\x1b[" not in out and "━" not in out


def test_on_a_terminal_due_is_a_rich_table() -> None:
    buffer = io.StringIO()
    item = {"kind": "ban_ends", "case": "COC-2026-0001", "sanction": "S-2026-0002",
            "due": "2026-04-26", "overdue": True, "person": "frank", "detail": "ban ends",
            "checklist": ["reinstate as a registered user on slack"]}  # fmt: skip
    render_process.due(Console(file=buffer, force_terminal=True, width=140), [item], "now")
    text = buffer.getvalue()
    assert "OVERDUE" in text and "☐ reinstate as a registered user on slack" in text


def test_a_record_that_has_cleared_asks_for_expunge_until_it_runs(ledger: LedgerRepo) -> None:
    history = banned(
        ledger,
        received="2025-01-10T09:00:00+00:00",
        meeting="2025-01-22",
        enact_on="2025-01-23",
        refused_on="2025-01-27",
    )
    [cleared] = of_kind(due(ledger, "2026-10-30"), "record_expunges")
    assert cleared == cleared | {"sanction": history.ban, "overdue": True, "command": "coc expunge"}
    assert of_kind(due(ledger, "2026-10-30"), "ban_ends") == []  # off the record: nothing else
    ledger.coc("expunge", "--at", "2026-10-30")
    assert due(ledger, "2026-10-30") == []


# --- everything the council owes (issue 20, point 5), in memory -----------------------------------


def owed(m: memory.Memory, when: str, kind: str) -> list[DueItem]:
    return [i for i in queries.due(m.snap, memory.at(when)) if i.kind == kind]


def test_a_pending_appeal_decision_is_due_at_the_next_meeting() -> None:
    m = memory.fresh()
    case, _, ban = memory.banned(m)
    memory.appealed(m, case, ban, "2026-02-01")
    [pending] = owed(m, "2026-02-02", "appeal_decision")
    assert (pending.case, pending.sanction, pending.due, pending.overdue) == (
        case, ban, date(2026, 2, 12), False
    )  # fmt: skip
    assert (
        pending.as_json() | {"meeting": "2026-02-12", "needs_meeting": False} == pending.as_json()
    )
    assert pending.command == f"coc appeal decide {ban} --upheld|--overturned|--reduced-to D"
    [late] = owed(m, "2026-02-13", "appeal_decision")
    assert late.overdue and "next ordinary meeting 2026-03-05" in late.detail
    m.act(appeals.decide, "alice", "2026-02-13", ban, "upheld", None, [])
    assert owed(m, "2026-02-13", "appeal_decision") == []


def test_an_appeal_filed_after_the_last_meeting_needs_one() -> None:
    m = memory.fresh()
    case, _, ban = memory.banned(m)
    memory.appealed(m, case, ban, "2026-05-10")  # the last meeting scheduled is 7 May
    [pending] = owed(m, "2026-05-11", "appeal_decision")
    assert (pending.due, pending.overdue, pending.needs_meeting) == (date(2026, 5, 10), False, True)
    assert pending.command == "coc meeting add DATE"


def test_an_open_case_with_no_committee_is_due_one_by_its_review() -> None:
    m = memory.fresh()
    case = memory.received(m)
    [unshared] = owed(m, "2026-01-10T10:00:00+00:00", "committee")
    assert (unshared.case, unshared.due) == (case, None)
    m.act(reports.share, "alice", "2026-01-10T10:00:00+00:00", case)
    [shared] = owed(m, "2026-01-11", "committee")
    assert (shared.due, shared.overdue) == (date(2026, 1, 22), False)  # the review's meeting
    assert shared.command == f"coc committee form {case} --member ID..."
    assert owed(m, "2026-01-23", "committee")[0].overdue
    m.act(committee.form, "alice", "2026-01-12", case, ["bob", "carol", "dan"])
    assert owed(m, "2026-01-12", "committee") == []


def test_the_review_hint_names_the_meeting_it_knows() -> None:
    m = memory.fresh()
    case = memory.received(m)
    m.act(reports.share, "alice", "2026-01-10T10:00:00+00:00", case)
    [review] = owed(m, "2026-01-11", "review")
    assert review.command == f"coc report review {case} --meeting 2026-01-22"
    [missed] = owed(m, "2026-01-23", "review")
    assert missed.command == f"coc report review {case} --meeting 2026-02-12"


def test_enacting_a_warning_prints_when_its_apology_is_due() -> None:
    m = memory.fresh()
    case = memory.reviewed(m, witnesses=("hank",))
    warning = memory.proposed(m, case, "2026-01-22T18:30:00+00:00")
    enacted = m.act(sanctions.enact, "alice", "2026-01-23", warning, None)
    assert enacted.data["apology_due"] == "2026-01-30"
    assert enacted.message == (
        f"Enacted {warning} from 2026-01-23. "
        "Apology due by 2026-01-30: an apology to the offended (gina) and to every witness (hank)."
    )  # as the offender's letter says (issue 20: the offended was left out)
    [due] = owed(m, "2026-01-24", "apology")
    assert due.detail == "an apology to the offended (gina) and to every witness (hank)"
