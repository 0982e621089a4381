"""`coc notify`: Communications — the council notifies all involved parties, from editable
templates kept in the ledger; an anonymous reporter is never named to the reported person.

The drafts are composed in memory (tests/memory.py) on the ledger of tests/conftest.py (a council
of five, the same dates, `--at DAY` read as 00:00 UTC) and printed as `coc notify --draft` prints
them; the commit, the template files and a refusal that leaves git alone run through the real CLI.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import pytest

from casework import case_data, commit_file, warned
from cocledger.actions import committee, notify, reports
from cocledger.actions import sanctions as sanction_actions
from cocledger.core.models import Person
from cocledger.errors import InputError, RefusedError
from cocledger.output import process
from conftest import COUNCIL, LedgerRepo, new_report
from memory import Memory, fresh, received

RECEIVED = "2026-03-02T09:00:00+00:00"
SENTINEL = "Zebulon Quixwort"
ZEBULON = Person(id="zebulon", name=SENTINEL, email="zebulon@example.org")
ROSTER = {"project_lead": "alice", "council": ["alice", *COUNCIL]}
NOW = datetime.now(UTC).isoformat()  # what `coc notify --draft` takes when no --at is given


def on(when: str) -> str:
    """`--at WHEN` as coc reads it in a UTC ledger: a date alone is 00:00 of that day."""
    return when if "T" in when else f"{when}T00:00:00+00:00"


def ledger(*meetings: str) -> Memory:
    """conftest's `ledger` in memory (with zebulon, whom the anonymous reports add)."""
    return fresh([ZEBULON], roster=ROSTER, contact="info@example.org",
                 meetings=[{"date": day, "kind": "ordinary"} for day in meetings])  # fmt: skip


def a_warning(witnesses: tuple[str, ...] = (), setting: str = "public") -> tuple[Memory, str, str]:
    """casework.warned in memory: received 2026-01-10, reviewed 2026-01-22, the warning enacted
    2026-01-23. Returns the ledger, the case and the warning."""
    m = ledger("2026-01-22")
    when = "2026-01-10T09:00:00+00:00"
    case = received(m, "frank", "gina", witnesses, when, setting=setting,
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", when, case)
    m.act(committee.form, "alice", when, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", when, case)
    m.act(reports.review, "alice", on("2026-01-22"), case, date(2026, 1, 22))
    warning = m.act(sanction_actions.propose, "alice", on("2026-01-22"), case,
                    None, None, None, None).data["sanction"]  # fmt: skip
    m.act(sanction_actions.enact, "alice", on("2026-01-23"), warning, None)
    return m, case, str(warning)


def a_ban() -> tuple[Memory, str, str]:
    """casework.banned in memory: the apology refused on 2026-01-26 escalates to a 3-month ban."""
    m, case, warning = a_warning()
    conduct = "Refused the apology required after a formal warning"
    ban = m.act(sanction_actions.apology_record, "alice", on("2026-01-26"), warning, False, conduct)
    return m, case, str(ban.data["sanction"])


SHARED = "In the release thread, a member saw the insults."


def anonymous_report(m: Memory, setting: str = "private") -> str:
    """A report by a reporter who asked not to be named, whose name the summary mentions, shared
    with the reported person as the council's summary."""
    case = received(m, "frank", "zebulon", ("hank",), RECEIVED, anonymous_reporter=True,
                    summary=f"{SENTINEL} (zebulon@example.org) saw the insults.",
                    setting=setting)  # fmt: skip
    m.act(reports.share, "alice", RECEIVED, case, SHARED)
    return case


def with_template(m: Memory, name: str, text: str) -> None:
    """The ledger's own copy of a template, edited."""
    m.snap = dataclasses.replace(m.snap, templates={**m.snap.templates, name: text})


def drafted(
    capsys: pytest.CaptureFixture[str], m: Memory, case: str, party: str, when: str = NOW
) -> tuple[str, str]:
    """What `coc notify CASE --party PARTY --draft --at WHEN` prints: (stdout, stderr)."""
    capsys.readouterr()
    process.notice(notify.draft(m.snap, datetime.fromisoformat(on(when)), case, party), False)
    captured = capsys.readouterr()
    return captured.out, captured.err


def drafted_json(
    capsys: pytest.CaptureFixture[str], m: Memory, case: str, party: str, when: str = NOW
) -> dict:
    """What `coc notify CASE --party PARTY --draft --json --at WHEN` prints."""
    capsys.readouterr()
    process.notice(notify.draft(m.snap, datetime.fromisoformat(on(when)), case, party), True)
    return json.loads(capsys.readouterr().out)


def assert_not_named(text: str) -> None:
    lowered = text.lower()
    for term in ("zebulon", "quixwort", "zebulon@example.org"):
        assert term not in lowered


def test_init_writes_the_templates_into_the_ledger(ledger: LedgerRepo) -> None:
    for name in ("council_notice", "report_shared", "decision_offender", "reinstatement"):
        assert "$" in ledger.read(f"templates/{name}.txt")


def test_notify_records_a_notified_event_in_one_commit(ledger: LedgerRepo) -> None:
    case, warning = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    ledger.coc("notify", case, "--party", "offender", "--at", "2026-01-23T12:00")
    event = case_data(ledger, case)["timeline"][-1]
    assert event | {"action": "notified", "party": "offender", "sanction": warning} == event
    assert ledger.trailers() == {
        "Coc-Action": "notify",
        "Coc-Case": case,
        "Coc-Sanction": warning,
        "Coc-Actor": "alice",
        "Coc-At": "2026-01-23T12:00:00+00:00",  # --at, in the policy's time zone (UTC)
    }
    assert "frank" not in ledger.git("log", "-1", "--format=%B")
    assert ledger.status() == ""


def test_a_draft_prints_the_message_and_commits_nothing(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    head = ledger.head()
    out = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert out.startswith("To: Frank Example <frank@example.org>\nSubject: ")
    assert ledger.head() == head and ledger.status() == ""


def test_the_report_shared_with_the_respondent_never_names_an_anonymous_reporter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m = ledger()
    case = anonymous_report(m)
    out, err = drafted(capsys, m, case, "offender")
    assert SHARED in out and "asked not to be named" in out
    assert_not_named(out)
    assert err == ""


def test_an_edited_template_cannot_name_an_anonymous_reporter_either(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m = ledger()
    case = anonymous_report(m)
    with_template(m, "report_shared", m.snap.template("report_shared") + "\nReported by $reporter_name.\n")  # fmt: skip
    out = drafted_json(capsys, m, case, "offender")
    assert "asked not to be named" in out["messages"][0]["text"]
    assert_not_named(str(out))


def test_decisions_to_the_offender_and_witnesses_never_name_an_anonymous_reporter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m = ledger("2026-03-12")
    case = anonymous_report(m, setting="private")
    m.act(committee.form, "alice", RECEIVED, case, ["bob", "carol", "dan"])
    m.act(reports.review, "alice", on("2026-03-12"), case, date(2026, 3, 12))
    warning = m.act(sanction_actions.propose, "alice", on("2026-03-12"), case,
                    None, None, None, None).data["sanction"]  # fmt: skip
    m.act(sanction_actions.enact, "alice", on("2026-03-12"), warning, None)
    for party in ("offender", "witnesses"):
        assert_not_named(drafted(capsys, m, case, party)[0])
    assert SENTINEL in drafted(capsys, m, case, "offended")[0]
    apology = " ".join(drafted(capsys, m, case, "offender")[0].split())
    assert "to the person offended (through the Council, as they asked not to be named)" in apology


def test_a_public_offence_requires_a_public_apology(capsys: pytest.CaptureFixture[str]) -> None:
    m, case, _ = a_warning()
    out, _ = drafted(capsys, m, case, "offender")
    assert "by January 30, 2026" in out and "the apology must be public" in out


def test_a_private_offence_requires_an_apology_to_the_offended_and_every_witness(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Proposed sanctions: "Apology to offended within 7 days required"; in a private setting
    "an apology to all people who witnessed the offence will be sufficient"."""
    m, case, _ = a_warning(witnesses=("hank", "ivy"), setting="private")
    out, _ = drafted(capsys, m, case, "offender")
    assert (
        "an apology to the person offended (Gina Example) and to everyone who witnessed it is "
        "sufficient: Hank Example, Ivy Example." in " ".join(out.split())
    )
    m, case, _ = a_warning(setting="private")
    out, _ = drafted(capsys, m, case, "offender")
    assert "The apology is made to the person offended (Gina Example)." in " ".join(out.split())


def test_each_witness_gets_their_own_message(capsys: pytest.CaptureFixture[str]) -> None:
    m, case, _ = a_warning(witnesses=("hank", "ivy"))
    messages = drafted_json(capsys, m, case, "witnesses")["messages"]
    assert [[p["id"] for p in m["to"]] for m in messages] == [["hank"], ["ivy"]]
    assert "Ivy" not in messages[0]["text"]


def test_the_ban_notice_gives_its_dates_and_what_it_covers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m, case, _ = a_ban()
    out, _ = drafted(capsys, m, case, "offender", "2026-01-27")
    assert "3 month ban from January 26, 2026 until April 26, 2026" in out
    assert "slack, forum, github, events" in out
    assert "without any administrative or leadership rights" in out
    assert "You may appeal this decision by writing to info@example.org" in out


def test_after_the_ban_ends_the_offender_gets_the_reinstatement_notice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m, case, ban = a_ban()
    m.act(notify.notify, "alice", on("2026-01-27"), case, "offender")  # told of the ban
    draft = drafted_json(capsys, m, case, "offender", "2026-04-26")
    assert draft["template"] == "reinstatement" and draft["sanction"] == ban


def test_a_decision_never_told_is_told_first_however_late(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Communications: the offender is told of the ban before they are told it ended; a notice
    recorded after the end, the decision's never recorded, is the decision's (issue 20)."""
    m, case, _ = a_ban()
    assert drafted_json(capsys, m, case, "offender", "2026-04-26")["template"] == (
        "decision_offender"
    )
    first = m.act(notify.notify, "alice", on("2026-04-26"), case, "offender")
    second = m.act(notify.notify, "alice", on("2026-04-27"), case, "offender")
    assert [first.data["template"], second.data["template"]] == [
        "decision_offender",
        "reinstatement",
    ]


def test_the_council_notice_goes_to_the_council_members_not_party(
    capsys: pytest.CaptureFixture[str],
) -> None:
    m = ledger()
    case = received(m, "frank", "bob", (), RECEIVED)
    draft = drafted_json(capsys, m, case, "council")
    assert [p["id"] for p in draft["messages"][0]["to"]] == ["alice", "carol", "dan", "erin"]


def test_templates_are_editable_in_the_ledger(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    text = ledger.read("templates/decision_offender.txt") + "\nWith regards from $community.\n"
    commit_file(ledger, "templates/decision_offender.txt", text)
    out = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert "With regards from Mautic." in out


def test_an_unknown_placeholder_names_the_template_and_line() -> None:
    m, case, _ = a_warning()
    with_template(m, "decision_offender", "Subject: x\n\nDear $recipeint\n")
    with pytest.raises(InputError) as error:
        notify.draft(m.snap, datetime.fromisoformat(NOW), case, "offender")
    assert error.value.exit_code == 2
    assert str(error.value).startswith(
        "templates/decision_offender.txt:3: unknown placeholder $recipeint"
    )


def test_recording_the_report_shared_before_sharing_it_is_refused(ledger: LedgerRepo) -> None:
    case = new_report(ledger, RECEIVED)
    head = ledger.head()
    run = ledger.coc("notify", case, "--party", "offender", "--at", RECEIVED, expect=1)
    assert "coc report share" in run.stderr
    assert ledger.head() == head and ledger.status() == ""


def test_the_offended_and_witnesses_are_told_only_once_something_is_decided() -> None:
    m = ledger()
    case = received(m, "frank", "gina", ("hank",), RECEIVED)
    told = {"offended": "the offended is told", "witnesses": "the witnesses are told"}
    for party, words in told.items():
        with pytest.raises(RefusedError, match=f"nothing has been decided on {case} yet: {words} "):
            notify.draft(m.snap, datetime.fromisoformat(NOW), case, party)


def test_a_draft_waiting_for_the_councils_summary_says_who_reads_it() -> None:
    m = ledger()
    case = received(m, "frank", "zebulon", (), RECEIVED, anonymous_reporter=True)
    words = "asked not to be named, so the reported person reads a summary the council writes"
    with pytest.raises(RefusedError, match=words):
        notify.draft(m.snap, datetime.fromisoformat(NOW), case, "offender")


def test_an_unknown_party_is_bad_usage(ledger: LedgerRepo) -> None:
    # --party is checked by the CLI before the ledger is read: a report received is case enough.
    case = new_report(ledger, RECEIVED)
    assert "--party" in ledger.coc("notify", case, "--party", "press", expect=2).stderr
