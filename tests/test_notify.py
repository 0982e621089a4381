"""`coc notify`: Communications — the council notifies all involved parties, from editable
templates kept in the ledger; an anonymous reporter is never named to the reported person."""

from __future__ import annotations

from casework import add_person, banned, case_data, commit_file, warned
from conftest import LedgerRepo

RECEIVED = "2026-03-02T09:00:00+00:00"
SENTINEL = "Zebulon Quixwort"


def anonymous_report(repo: LedgerRepo, *extra: str) -> str:
    """A report by a reporter who asked not to be named, whose name the summary mentions."""
    add_person(repo, "zebulon", SENTINEL)
    return repo.coc(
        "report", "new", "--respondent", "frank", "--reporter", "zebulon", "--anonymous-reporter",
        "--witness", "hank", "--summary", f"{SENTINEL} (zebulon@example.org) saw the insults.",
        "--at", RECEIVED, *extra, "--json",
    ).json["case"]  # fmt: skip


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
    ledger: LedgerRepo,
) -> None:
    case = anonymous_report(ledger)
    run = ledger.coc("notify", case, "--party", "offender", "--draft")
    assert "saw the insults" in run.stdout and "[withheld]" in run.stdout
    assert_not_named(run.stdout)
    assert "withheld" in run.stderr


def test_an_edited_template_cannot_name_an_anonymous_reporter_either(ledger: LedgerRepo) -> None:
    case = anonymous_report(ledger)
    text = ledger.read("templates/report_shared.txt") + "\nReported by $reporter_name.\n"
    commit_file(ledger, "templates/report_shared.txt", text)
    out = ledger.coc("notify", case, "--party", "offender", "--draft", "--json").json
    assert "asked not to be named" in out["messages"][0]["text"]
    assert_not_named(str(out))


def test_decisions_to_the_offender_and_witnesses_never_name_an_anonymous_reporter(
    ledger: LedgerRepo,
) -> None:
    ledger.coc("meeting", "add", "2026-03-12", "--at", "2026-01-02")
    case = anonymous_report(ledger, "--setting", "private")
    ledger.coc(
        "committee",
        "form",
        case,
        *["--member", "bob", "--member", "carol", "--member", "dan"],
        "--at",
        RECEIVED,
    )
    ledger.coc("report", "share", case, "--at", RECEIVED)
    ledger.coc("report", "review", case, "--meeting", "2026-03-12", "--at", "2026-03-12")
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-03-12", "--json").json
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-03-12")
    for party in ("offender", "witnesses"):
        assert_not_named(ledger.coc("notify", case, "--party", party, "--draft").stdout)
    assert SENTINEL in ledger.coc("notify", case, "--party", "offended", "--draft").stdout


def test_a_public_offence_requires_a_public_apology(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    out = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert "by January 30, 2026" in out and "the apology must be public" in out


def test_a_private_offence_requires_an_apology_to_every_witness(ledger: LedgerRepo) -> None:
    extra = ("--witness", "hank", "--witness", "ivy")
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23", extra=extra)
    commit_file(
        ledger,
        f"cases/2026/{case}.yaml",
        ledger.read(f"cases/2026/{case}.yaml").replace("setting: public", "setting: private"),
    )
    out = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert "to everyone who witnessed it is sufficient: Hank Example, Ivy Example" in out


def test_each_witness_gets_their_own_message(ledger: LedgerRepo) -> None:
    extra = ("--witness", "hank", "--witness", "ivy")
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23", extra=extra)
    messages = ledger.coc("notify", case, "--party", "witnesses", "--draft", "--json").json[
        "messages"
    ]
    assert [[p["id"] for p in m["to"]] for m in messages] == [["hank"], ["ivy"]]
    assert "Ivy" not in messages[0]["text"]


def test_the_ban_notice_gives_its_dates_and_what_it_covers(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    out = ledger.coc(
        "notify", history.case, "--party", "offender", "--draft", "--at", "2026-01-27"
    ).stdout
    assert "3 month ban from January 26, 2026 until April 26, 2026" in out
    assert "slack, forum, github, events" in out
    assert "without any administrative or leadership rights" in out
    assert "You may appeal this decision by writing to info@example.org" in out


def test_after_the_ban_ends_the_offender_gets_the_reinstatement_notice(ledger: LedgerRepo) -> None:
    history = banned(ledger)
    draft = ledger.coc(
        "notify", history.case, "--party", "offender", "--draft", "--at", "2026-04-26", "--json"
    ).json
    assert draft["template"] == "reinstatement" and draft["sanction"] == history.ban


def test_the_council_notice_goes_to_the_council_members_not_party(ledger: LedgerRepo) -> None:
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "bob", "--at", RECEIVED, "--json"
    ).json["case"]
    draft = ledger.coc("notify", case, "--party", "council", "--draft", "--json").json
    assert [p["id"] for p in draft["messages"][0]["to"]] == ["alice", "carol", "dan", "erin"]


def test_templates_are_editable_in_the_ledger(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    text = ledger.read("templates/decision_offender.txt") + "\nWith regards from $community.\n"
    commit_file(ledger, "templates/decision_offender.txt", text)
    out = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert "With regards from Mautic." in out


def test_an_unknown_placeholder_names_the_template_and_line(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    commit_file(ledger, "templates/decision_offender.txt", "Subject: x\n\nDear $recipeint\n")
    run = ledger.coc("notify", case, "--party", "offender", "--draft", expect=2)
    assert run.stderr.startswith(
        "coc: error: templates/decision_offender.txt:3: unknown placeholder $recipeint"
    )


def test_recording_the_report_shared_before_sharing_it_is_refused(ledger: LedgerRepo) -> None:
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--at", RECEIVED, "--json"
    ).json["case"]
    head = ledger.head()
    run = ledger.coc("notify", case, "--party", "offender", "--at", RECEIVED, expect=1)
    assert "coc report share" in run.stderr
    assert ledger.head() == head and ledger.status() == ""


def test_the_offended_is_told_only_once_something_is_decided(ledger: LedgerRepo) -> None:
    case = ledger.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--at", RECEIVED, "--json"
    ).json["case"]
    assert (
        "nothing has been decided"
        in ledger.coc("notify", case, "--party", "offended", "--draft", expect=1).stderr
    )


def test_an_unknown_party_is_bad_usage(ledger: LedgerRepo) -> None:
    case, _ = warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    assert "--party" in ledger.coc("notify", case, "--party", "press", expect=2).stderr
