"""`coc validate`, one check code at a time: a complete valid ledger, one thing broken by hand,
the problem reported at its file and line, and the ledger clean again once it is fixed."""

from __future__ import annotations

from checkwork import (
    LIFETIME_CASE,
    WARNING_CASE,
    Located,
    edit,
    line_of,
    located,
    validate,
)
from cocledger.checks import CHECKS
from conftest import LedgerRepo, form_committee, new_report

SANCTIONS = "sanctions.yaml"
POLICY = "policy.yaml"
PEOPLE = "people.yaml"


def caught(repo: LedgerRepo, code: str, file: str, line: int) -> None:
    """The problem is reported where it is, then the ledger passes once the edit is undone."""
    problems = validate(repo, "--select", code, expect=None)
    assert Located(code, file, line) in located(problems), problems
    repo.git("checkout", "--", ".")
    repo.git("clean", "-fdq")
    assert validate(repo, expect=0) == []


def test_the_complete_ledger_has_no_problem(repo: LedgerRepo) -> None:
    assert validate(repo, expect=0) == []


def test_cl001_yaml_syntax(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "reporter: gina", "reporter: gina: again")
    caught(repo, "CL001", WARNING_CASE, line)


def test_cl002_a_value_of_the_wrong_shape(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "serious: false", "serious: maybe")
    caught(repo, "CL002", WARNING_CASE, line)


def test_cl003_an_unknown_key(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "serious: false", "seriuos: false")
    caught(repo, "CL003", WARNING_CASE, line)


def test_cl004_people_yaml_missing(repo: LedgerRepo) -> None:
    (repo.root / PEOPLE).unlink()
    caught(repo, "CL004", PEOPLE, 1)


def test_cl010_a_person_not_in_people_yaml(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "reporter: gina", "reporter: zed")
    caught(repo, "CL010", WARNING_CASE, line)


def test_cl011_a_sanction_of_a_case_that_does_not_exist(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "case: COC-2026-0002", "case: COC-2026-0009")
    caught(repo, "CL011", SANCTIONS, line)


def test_cl012_an_event_naming_a_sanction_that_does_not_exist(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "sanction: S-2026-0001", "sanction: S-2026-0042")
    caught(repo, "CL012", WARNING_CASE, line)


def test_cl013_a_review_at_a_meeting_not_in_the_policy(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "review_meeting: '2026-01-22'", "review_meeting: '2026-01-21'")
    caught(repo, "CL013", WARNING_CASE, line)


def test_cl014_a_category_not_in_the_policy(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "- personal-insults", "- rudeness")
    caught(repo, "CL014", WARNING_CASE, line)


def test_cl015_a_sanction_on_someone_other_than_the_respondent(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "person: frank", "person: gina", after="id: S-2026-0002")
    caught(repo, "CL015", SANCTIONS, line)


def test_cl020_a_person_listed_twice(repo: LedgerRepo) -> None:
    line = edit(repo, PEOPLE, "id: bob", "id: alice")
    caught(repo, "CL020", PEOPLE, line)


def test_cl021_a_case_file_in_the_wrong_year(repo: LedgerRepo) -> None:
    moved = "cases/2025/COC-2026-0002.yaml"
    (repo.root / "cases/2025").mkdir()
    (repo.root / LIFETIME_CASE).rename(repo.root / moved)
    lines = (repo.root / moved).read_text().splitlines()
    caught(repo, "CL021", moved, 1 + next(i for i, t in enumerate(lines) if t.startswith("id:")))


def test_cl030_a_stored_deadline_that_differs_from_the_rules(repo: LedgerRepo) -> None:
    line = edit(
        repo, WARNING_CASE, "respondent_response: '2026-01-17'", "respondent_response: '2026-01-18'"
    )
    caught(repo, "CL030", WARNING_CASE, line)


def test_cl031_a_stored_offence_number_that_differs_from_the_rules(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "offence: 2", "offence: 3", after="id: S-2026-0002")
    caught(repo, "CL031", SANCTIONS, line)


def test_cl032_a_ban_end_that_differs_from_the_rules(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "ends_on: '2026-04-26'", "ends_on: '2026-04-27'")
    caught(repo, "CL032", SANCTIONS, line)


def test_cl033_an_apology_deadline_that_differs_from_the_rules(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "apology_due: '2026-01-30'", "apology_due: '2026-01-31'")
    caught(repo, "CL033", SANCTIONS, line)


def test_cl040_a_timeline_event_before_the_one_it_follows(repo: LedgerRepo) -> None:
    edit(repo, WARNING_CASE, "at: '2026-01-22T00:00:00Z'", "at: '2026-01-09T00:00:00Z'")
    caught(repo, "CL040", WARNING_CASE, line_of(repo, WARNING_CASE, "- at: '2026-01-09"))


def test_cl040_a_review_at_a_meeting_before_the_report_was_received(repo: LedgerRepo) -> None:
    edit(repo, POLICY, "meetings:", "meetings:\n  - date: '2026-01-08'\n    kind: extraordinary")
    line = edit(repo, WARNING_CASE, "'2026-01-22'", "'2026-01-08'", after="action: reviewed")
    problems = validate(repo, "--select", "CL040", expect=1)
    assert "before the report was received (2026-01-10)" in problems[0]["message"]
    caught(repo, "CL040", WARNING_CASE, line)


def test_cl040_a_review_meeting_before_the_report_was_received(repo: LedgerRepo) -> None:
    edit(repo, POLICY, "meetings:", "meetings:\n  - date: '2026-01-08'\n    kind: extraordinary")
    line = edit(repo, WARNING_CASE, "review_meeting: '2026-01-22'", "review_meeting: '2026-01-08'")
    caught(repo, "CL040", WARNING_CASE, line)


def test_cl040_a_review_recorded_before_its_meeting_was_held(repo: LedgerRepo) -> None:
    line = edit(repo, WARNING_CASE, "'2026-01-22'", "'2026-02-12'", after="action: reviewed")
    caught(repo, "CL040", WARNING_CASE, line)


def test_cl041_an_event_after_the_moment_validated(repo: LedgerRepo) -> None:
    text = repo.read(WARNING_CASE)
    last = text.rindex("at: '2026-01-26T00:00:00Z'")
    line = text[:last].count("\n") + 1
    repo.root.joinpath(WARNING_CASE).write_text(
        text[:last] + "at: '2026-03-05T00:00:00Z'" + text[last + 26 :]
    )
    caught(repo, "CL041", WARNING_CASE, line)


def test_cl050_a_committee_member_who_is_a_party(repo: LedgerRepo) -> None:
    edit(repo, WARNING_CASE, "  - dan\nreview_meeting", "  - gina\nreview_meeting")
    caught(repo, "CL050", WARNING_CASE, line_of(repo, WARNING_CASE, "committee:"))


def test_cl051_a_lifetime_ban_enacted_without_every_vote(repo: LedgerRepo) -> None:
    edit(repo, SANCTIONS, "      - member: erin\n        vote: 'yes'\n", "")
    edit(repo, SANCTIONS, "        at: '2026-02-12T00:00:00Z'\n    appeal", "    appeal")
    caught(repo, "CL051", SANCTIONS, line_of(repo, SANCTIONS, "votes:", after="id: S-2026-0003"))


def test_cl052_an_appeal_of_a_warning(repo: LedgerRepo) -> None:
    appeal = "    appeal:\n      filed_on: '2026-01-27'\n      reason: Disagrees\n"
    line = edit(repo, SANCTIONS, "    votes: []\n", "    votes: []\n" + appeal) + 1
    caught(repo, "CL052", SANCTIONS, line)


def test_cl053_a_ban_without_its_public_conduct_summary(repo: LedgerRepo) -> None:
    edit(repo, SANCTIONS, "    conduct: Refused the apology required after a formal warning\n", "")
    caught(repo, "CL053", SANCTIONS, line_of(repo, SANCTIONS, "kind: ban"))


def test_cl054_a_deviation_from_the_ladder_without_a_reason(repo: LedgerRepo) -> None:
    edit(repo, SANCTIONS, "    deviation_reason: Threats of violence\n", "")
    caught(repo, "CL054", SANCTIONS, line_of(repo, SANCTIONS, "kind: lifetime_ban"))


def test_cl055_a_tombstone_that_still_names_the_case_and_the_person(repo: LedgerRepo) -> None:
    edit(repo, SANCTIONS, "status: escalated", "status: expunged")
    problems = validate(repo, "--select", "CL055", expect=1)
    assert "still holds case, person, proposed_by" in problems[0]["message"]
    caught(repo, "CL055", SANCTIONS, line_of(repo, SANCTIONS, "case: COC-2026-0001"))


def test_cl056_a_vote_by_a_party_to_the_case(repo: LedgerRepo) -> None:
    line = edit(repo, SANCTIONS, "- member: erin", "- member: ivy")
    caught(repo, "CL056", SANCTIONS, line)


def test_cl060_a_council_notice_never_sent(repo: LedgerRepo) -> None:
    notice = "  - at: '2026-01-10T09:00:00Z'\n    action: council_notified\n    by: alice\n"
    edit(repo, WARNING_CASE, notice, "")
    caught(repo, "CL060", WARNING_CASE, line_of(repo, WARNING_CASE, "council_notice:"))


def test_cl061_the_offended_never_told_of_the_ban(repo: LedgerRepo) -> None:
    text = repo.read(WARNING_CASE)
    last = text.rindex("  - at: '2026-01-26T00:00:00Z'")
    repo.root.joinpath(WARNING_CASE).write_text(text[:last])
    caught(repo, "CL061", WARNING_CASE, line_of(repo, WARNING_CASE, "timeline:"))


def test_cl070_the_project_lead_off_the_council(repo: LedgerRepo) -> None:
    edit(repo, POLICY, "council: [alice, bob,", "council: [bob,")
    caught(repo, "CL070", POLICY, line_of(repo, POLICY, "project_lead:"))


def test_cl071_a_category_listed_twice(repo: LedgerRepo) -> None:
    line = edit(repo, POLICY, "  - doxing\n", "  - doxing\n  - doxing\n") + 1
    caught(repo, "CL071", POLICY, line)


def test_cl072_a_council_too_small_for_a_committee(repo: LedgerRepo) -> None:
    line = edit(repo, POLICY, "council: [alice, bob, carol, dan, erin]", "council: [alice, bob]")
    caught(repo, "CL072", POLICY, line)


# --- what holds across checks ---------------------------------------------------------------------


def test_one_broken_file_does_not_hide_the_problems_of_the_others(repo: LedgerRepo) -> None:
    broken = edit(repo, WARNING_CASE, "reporter: gina", "reporter: gina: again")
    wrong = edit(repo, SANCTIONS, "ends_on: '2026-04-26'", "ends_on: '2026-04-27'")
    other = edit(repo, LIFETIME_CASE, "reporter: ivy", "reporter: zed")
    found = located(validate(repo, expect=1))
    assert {
        Located("CL001", WARNING_CASE, broken),
        Located("CL032", SANCTIONS, wrong),
        Located("CL010", LIFETIME_CASE, other),
    } <= found


def test_a_case_that_does_not_parse_is_not_reported_as_unknown(repo: LedgerRepo) -> None:
    edit(repo, WARNING_CASE, "reporter: gina", "reporter: gina: again")
    codes = {p["code"] for p in validate(repo, expect=1)}
    assert "CL011" not in codes and "CL012" not in codes


def test_problems_are_sorted_by_file_and_line(repo: LedgerRepo) -> None:
    edit(repo, SANCTIONS, "ends_on: '2026-04-26'", "ends_on: '2026-04-27'")
    edit(repo, LIFETIME_CASE, "reporter: ivy", "reporter: zed")
    edit(repo, WARNING_CASE, "reporter: gina", "reporter: zed")
    problems = validate(repo, expect=1)
    assert problems == sorted(problems, key=lambda p: (p["file"], p["line"], p["col"]))


def test_a_stored_deadline_is_compared_to_the_rules_with_the_policy_numbers(
    repo: LedgerRepo,
) -> None:
    edit(repo, POLICY, "respondent_response: 7 days", "respondent_response: 10 days")
    found = located(validate(repo, "--select", "CL030", expect=1))
    line = line_of(repo, WARNING_CASE, "respondent_response:")
    assert Located("CL030", WARNING_CASE, line) in found


def test_every_check_code_has_a_title_and_a_severity() -> None:
    for code, (check, severity, title) in CHECKS.items():
        assert code.startswith("CL") and len(code) == 5
        assert severity in ("error", "warning") and title and check.__doc__


# --- judged by the roster of the time ---------------------------------------------------------------


def test_a_committee_too_small_before_its_review(ledger: LedgerRepo) -> None:
    case = new_report(ledger, "2026-01-10T09:00:00+00:00")
    form_committee(ledger, case, "2026-01-10T10:00:00+00:00")
    path = f"cases/2026/{case}.yaml"
    edit(ledger, path, "  - dan\n", "")  # the committee on record, not its event: they differ
    problems = validate(ledger, "--select", "CL050", expect=1)
    assert located(problems) == {Located("CL050", path, line_of(ledger, path, "committee:"))}
    assert (
        "not what its committee_formed and conflict_declared events make" in problems[0]["message"]
    )
    edit(ledger, path, "    - dan\n", "")  # and the event's: a committee formed too small
    problems = validate(ledger, "--select", "CL050", expect=1)
    assert located(problems) == {
        Located("CL050", path, line_of(ledger, path, "committee_formed") - 1)
    }
    assert "needs at least 3 members, got 2" in problems[0]["message"]


def test_a_member_leaving_the_council_does_not_make_a_past_committee_wrong(
    repo: LedgerRepo,
) -> None:
    repo.coc("council", "remove", "dan", "--at", "2026-02-27")
    assert validate(repo, expect=0) == []


def test_a_member_joining_the_council_after_a_lifetime_ban_did_not_miss_its_vote(
    repo: LedgerRepo,
) -> None:
    repo.coc(
        "person",
        "add",
        "kim",
        "--name",
        "Kim Example",
        "--email",
        "kim@example.org",
        "--at",
        "2026-02-27",
    )
    repo.coc("council", "add", "kim", "--at", "2026-02-27")
    assert validate(repo, expect=0) == []
