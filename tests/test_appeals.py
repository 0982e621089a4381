"""`coc appeal file/decide`: CoC §8 — only permanent resolutions (such as bans) may be appealed."""

from __future__ import annotations

from casework import banned, case_data, sanctions, warned
from conftest import COUNCIL, LedgerRepo, reviewed_case


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


def test_a_sanction_is_appealed_once(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    ledger.coc("appeal", "file", ban, "--reason", "Again", "--at", "2026-02-02", expect=1)


def test_an_upheld_appeal_leaves_the_ban_as_it_was(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    before = sanctions(ledger)[ban]
    ledger.coc("appeal", "decide", ban, "--upheld", "--at", "2026-02-05")
    after = sanctions(ledger)[ban]
    assert after["appeal"]["outcome"] == "upheld" and after["appeal"]["decided_on"] == "2026-02-05"
    assert {k: v for k, v in after.items() if k != "appeal"} == {
        k: v for k, v in before.items() if k != "appeal"
    }


def test_an_overturned_ban_stops_counting_and_leaves_the_published_list(
    ledger: LedgerRepo,
) -> None:
    ban = appealed(ledger)
    assert [row["sanction"] for row in ledger.coc("publish", "--json", "--at", "2026-02-05").json]
    ledger.coc("appeal", "decide", ban, "--overturned", "--at", "2026-02-05")
    record = sanctions(ledger)[ban]
    assert (record["status"], record["status_on"]) == ("overturned", "2026-02-05")
    assert ledger.coc("publish", "--json", "--at", "2026-02-06").json == []
    person = ledger.coc("person", "show", "frank", "--at", "2026-02-06", "--json").json
    assert (person["offences_on_record"], person["active_ban"]) == (1, None)


def test_a_reduced_ban_gets_its_dates_recomputed(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    ledger.coc("appeal", "decide", ban, "--reduced-to", "1 month", "--at", "2026-02-05")
    record = sanctions(ledger)[ban]
    assert (record["duration"], record["starts_on"]) == ("1 month", "2026-01-26")
    assert (record["ends_on"], record["expunges_on"]) == ("2026-02-26", "2027-08-26")
    assert record["appeal"]["reduced_from"] == "3 months"
    assert record["status"] == "enacted"


def test_a_reduction_must_end_the_ban_sooner(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    head = ledger.head()
    run = ledger.coc(
        "appeal", "decide", ban, "--reduced-to", "6 months", "--at", "2026-02-05", expect=1
    )
    assert "a reduction must end it sooner" in run.stderr and ledger.head() == head


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


def test_by_default_the_case_committee_decides(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    ledger.coc("appeal", "decide", ban, "--upheld", "--at", "2026-02-05")
    assert sanctions(ledger)[ban]["appeal"]["decided_by"] == ["bob", "carol", "dan"]


def test_a_party_cannot_decide_an_appeal(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    run = ledger.coc(
        "appeal", "decide", ban, "--upheld", "--member", "gina", "--at", "2026-02-05", expect=1
    )
    assert "not on the council" in run.stderr


def test_an_appeal_needs_exactly_one_outcome(ledger: LedgerRepo) -> None:
    ban = appealed(ledger)
    ledger.coc("appeal", "decide", ban, "--upheld", "--overturned", expect=2)


def test_an_appeal_of_a_lifetime_ban_is_decided_by_the_council_that_enacted_it(
    ledger: LedgerRepo,
) -> None:
    case = reviewed_case(ledger)
    proposed = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "threats",
        "--conduct", "Threats of violence", "--at", "2026-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    for member in ["alice", *COUNCIL]:
        ledger.coc(
            "sanction",
            "vote",
            proposed,
            "--member",
            member,
            "--on-behalf",
            "--yes",
            "--at",
            "2026-01-22",
        )
    ledger.coc("sanction", "enact", proposed, "--at", "2026-01-23")
    ledger.coc("appeal", "file", proposed, "--reason", "Too harsh", "--at", "2026-01-24")
    ledger.coc("appeal", "decide", proposed, "--member", "bob", "--upheld", expect=2)
    ledger.coc("appeal", "decide", proposed, "--upheld", "--at", "2026-01-30")
    assert sanctions(ledger)[proposed]["appeal"]["decided_by"] == ["alice", *COUNCIL]
