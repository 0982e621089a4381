"""Issue 18, SPEC §3 One engine: `validate` is the replay of the actions' own gate, so actions and
`validate` never disagree. Each reproduction of the issue, end to end in a real git repository.

The cast is fictional: alice (project lead) and bob, carol, dan, erin on the council; frank,
gina, hank and ivy are community members.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casework import ESCALATED_CONDUCT, banned
from checkwork import edit
from conftest import LedgerRepo, new_report, reviewed_case

AT = "2026-03-01"
SANCTIONS = "sanctions.yaml"
POLICY = "policy.yaml"


def problems(repo: LedgerRepo, *args: str, expect: int | None = None) -> list[dict]:
    at = () if "--at" in args else ("--at", AT)
    return repo.coc("validate", "--format", "json", *at, *args, expect=expect).json["problems"]


def codes(found: list[dict], severity: str = "error") -> set[str]:
    return {p["code"] for p in found if p["severity"] == severity}


def unchanged(repo: LedgerRepo, head: str) -> None:
    """A refused action leaves the history and the work tree as they were."""
    assert (repo.head(), repo.status()) == (head, "")


def commit_all(repo: LedgerRepo, message: str) -> None:
    repo.git("commit", "-qam", message)


# --- 1. A stale proposal is a warning: the ledger stays valid, every action keeps working ------


def _two_proposals(ledger: LedgerRepo) -> tuple[str, str]:
    """Two reviewed cases of frank at one meeting, a proposal on each: S-1 (offence 1, a
    warning) and S-2 (offence 2, a 3-month ban)."""
    first = reviewed_case(ledger)
    second = reviewed_case(ledger, reporter="hank", received="2026-01-11T09:00:00+00:00")
    s1 = ledger.coc("sanction", "propose", first, "--at", "2026-01-22T18:00Z", "--json").json
    s2 = ledger.coc("sanction", "propose", second, "--conduct", "Insults in the forum",
                    "--at", "2026-01-22T18:10Z", "--json").json  # fmt: skip
    assert (s1["offence"], s1["kind"], s2["offence"], s2["kind"]) == (1, "warning", 2, "ban")
    return s1["sanction"], s2["sanction"]


def test_rejecting_one_of_two_proposals_leaves_the_other_stale_and_the_ledger_valid(
    ledger: LedgerRepo,
) -> None:
    s1, s2 = _two_proposals(ledger)
    ledger.coc("sanction", "reject", s1, "--at", "2026-01-22T18:20Z")
    found = problems(ledger, expect=0)  # no error: CI accepts the ledger
    stale = [p for p in found if p["code"] == "CL034"]
    assert [(p["severity"], p["file"]) for p in stale] == [("warning", SANCTIONS)]
    assert "proposed as offence 2" in stale[0]["message"]
    assert f"coc sanction reject {s2}" in stale[0]["message"]
    due = ledger.coc("due", "--at", "2026-01-23", "--json").json
    assert [i["sanction"] for i in due if i["kind"] == "stale_proposal"] == [s2]
    ledger.coc("person", "add", "zed", "--name", "Zed Example", "--at", "2026-01-23")


def test_a_stale_proposal_is_not_enacted_but_can_be_rejected(ledger: LedgerRepo) -> None:
    s1, s2 = _two_proposals(ledger)
    ledger.coc("sanction", "reject", s1, "--at", "2026-01-22T18:20Z")
    head = ledger.head()
    refused = ledger.coc("sanction", "enact", s2, "--at", "2026-01-22T18:30Z", expect=1)
    assert "proposed as offence 2, ban of 3 months" in refused.stderr
    assert "it is offence 1, for which the ladder gives warning" in refused.stderr
    assert f"coc sanction reject {s2}" in refused.stderr
    unchanged(ledger, head)
    ledger.coc("sanction", "reject", s2, "--at", "2026-01-22T18:40Z")
    assert "CL034" not in codes(problems(ledger, expect=0), "warning")


def test_a_ban_enacted_before_the_other_proposal_is_rejected_that_day_stands(
    ledger: LedgerRepo,
) -> None:
    """S-2 (offence 2) is enacted at 18:15 while S-1 still stands; S-1 is rejected at 18:20.
    The ledger keeps days, not hours: validate's replay cannot tell which came first that day,
    so it accepts the order the actions checked (before the fix it called S-2 stale, CL058)."""
    s1, s2 = _two_proposals(ledger)
    ledger.coc("sanction", "enact", s2, "--at", "2026-01-22T18:15Z")
    ledger.coc("sanction", "reject", s1, "--at", "2026-01-22T18:20Z")
    assert codes(problems(ledger, expect=0)) == set()
    shown = ledger.coc("sanction", "show", s2, "--json").json
    assert (shown["status"], shown["offence"]) == ("enacted", 2)


# --- 2. Recusal after a vote: conflicted as of each step, by one rule -------------------------


def _lifetime_votes(ledger: LedgerRepo) -> tuple[str, str]:
    """A lifetime ban proposed at the meeting, and the council's votes: 3 of 5 in favour."""
    case = reviewed_case(ledger)
    sanction = ledger.coc("sanction", "propose", case, "--kind", "lifetime_ban",
                          "--deviation-reason", "Threats of violence", "--conduct", "Threats",
                          "--at", "2026-01-22T18:00Z", "--json").json["sanction"]  # fmt: skip
    for member, vote in (("alice", "--yes"), ("bob", "--yes"), ("carol", "--no"),
                         ("dan", "--no"), ("erin", "--yes")):  # fmt: skip
        ledger.coc("sanction", "vote", sanction, vote, "--at", "2026-01-22T18:30Z", actor=member)
    return case, sanction


def test_a_member_recused_after_voting_loses_the_vote_while_the_decision_is_pending(
    ledger: LedgerRepo,
) -> None:
    case, sanction = _lifetime_votes(ledger)
    ledger.coc("committee", "recuse", case, "--member", "erin", "--reason", "Erin knows them",
               "--at", "2026-01-23")  # fmt: skip
    assert codes(problems(ledger, expect=0)) == set()  # the vote was not wrong when cast
    head = ledger.head()
    refused = ledger.coc("sanction", "enact", sanction, "--at", "2026-01-24", expect=1)
    assert "2 of 4 in favour is not enough" in refused.stderr  # erin's yes is lost
    unchanged(ledger, head)


def test_a_decision_enacted_before_a_recusal_stands(ledger: LedgerRepo) -> None:
    case, sanction = _lifetime_votes(ledger)
    ledger.coc("sanction", "enact", sanction, "--at", "2026-01-23")  # 3 of 5: carried
    ledger.coc("committee", "recuse", case, "--member", "erin", "--reason", "Erin knows them",
               "--at", "2026-01-24")  # fmt: skip
    assert codes(problems(ledger, expect=0)) == set()
    assert ledger.coc("sanction", "show", sanction, "--json").json["status"] == "enacted"


def test_a_member_recused_records_no_step_of_the_case_not_even_a_late_one(
    ledger: LedgerRepo,
) -> None:
    """Recused at noon, bob cannot record a step dated 10:00 either: his id never appears as
    the actor of a case he is conflicted in (CL088 would catch the commit)."""
    case = new_report(ledger, "2026-01-10T09:00:00+00:00")
    ledger.coc("committee", "recuse", case, "--member", "bob", "--at", "2026-01-10T12:00Z")
    head = ledger.head()
    refused = ledger.coc("report", "notify-council", case, "--at", "2026-01-10T10:00Z",
                         actor="bob", expect=1)  # fmt: skip
    assert "bob has declared a conflict of interest" in refused.stderr
    unchanged(ledger, head)


def test_a_council_change_is_judged_from_its_own_moment(ledger: LedgerRepo) -> None:
    """Who was on the council is rebuilt from each change of the roster at its own moment: a
    removal dated before a member's vote is refused (the vote would be a non-member's), and a
    member added with a moment long past changes nothing of what others did meanwhile."""
    _lifetime_votes(ledger)  # erin votes on January 22
    head = ledger.head()
    refused = ledger.coc("council", "remove", "erin", "--at", "2026-01-20", expect=1)
    assert "CL056" in refused.stderr and "would leave the ledger with an error" in refused.stderr
    unchanged(ledger, head)
    ledger.coc("council", "remove", "erin", "--at", "2026-01-30")
    ledger.coc("council", "add", "ivy", "--at", "2026-01-10")
    assert not codes(problems(ledger, expect=0))


def test_a_vote_cast_after_a_recusal_is_refused_and_reported(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    sanction = ledger.coc("sanction", "propose", case, "--kind", "lifetime_ban",
                          "--deviation-reason", "Threats of violence", "--conduct", "Threats",
                          "--at", "2026-01-22T18:00Z", "--json").json["sanction"]  # fmt: skip
    ledger.coc("committee", "recuse", case, "--member", "erin", "--at", "2026-01-22T18:10Z")
    head = ledger.head()
    refused = ledger.coc("sanction", "vote", sanction, "--yes", "--at", "2026-01-22T18:30Z",
                         actor="erin", expect=1)  # fmt: skip
    assert "erin has declared a conflict of interest" in refused.stderr
    unchanged(ledger, head)


# --- 3. A party never expunges their own case --------------------------------------------------


def test_a_party_on_the_council_cannot_expunge_their_own_case(ledger: LedgerRepo) -> None:
    case = new_report(ledger, "2025-01-10T09:00:00+00:00", respondent="dan")
    ledger.coc("case", "close", case, "--reason", "No breach found", "--at", "2025-01-20")
    head = ledger.head()
    refused = ledger.coc("expunge", "--at", "2026-07-21", expect=1, actor="dan")
    assert f"dan is the respondent in {case}" in refused.stderr
    assert "another council member runs `coc expunge`" in refused.stderr
    unchanged(ledger, head)
    done = ledger.coc("expunge", "--at", "2026-07-21", "--json", actor="bob").json
    assert done["cases"] == [case]
    assert ledger.trailers()["Coc-Actor"] == "bob"


# --- 4. An action refuses on any error in (or between) the files it reads or writes -----------


def _refused_everywhere(repo: LedgerRepo, relpath: str, *commands: tuple[str, ...]) -> None:
    """Each command refused (exit 2) at `relpath` (or, with `|`, one of several files)."""
    head = repo.head()
    for command in commands:
        refused = repo.coc(*command, expect=2)
        starts = tuple(f"coc: error: {path}:" for path in relpath.split("|"))
        assert refused.stderr.startswith(starts), (command, refused.stderr)
        assert "coc validate" in refused.stderr
        unchanged(repo, head)


def test_a_policy_naming_a_member_twice_stops_every_action(ledger: LedgerRepo) -> None:
    edit(ledger, POLICY, "carol, dan, erin]", "carol, dan, erin, bob]")
    commit_all(ledger, "roster: bob twice")
    assert "CL071" in codes(problems(ledger, expect=1))
    _refused_everywhere(
        ledger,
        POLICY,
        ("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Again."),
        ("meeting", "add", "2026-04-02"),
        ("person", "add", "zed", "--name", "Zed Example"),
    )


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("  - personal-insults\n", "", "CL014"),  # a case's category taken out of the policy
        ("council_notice: 24 hours", "council_notice: 48 hours", "CL030"),  # stored deadlines
    ],
    ids=["category", "deadline"],
)
def test_a_policy_the_cases_disagree_with_stops_report_new_and_meeting_add(
    ledger: LedgerRepo, old: str, new: str, code: str
) -> None:
    case = reviewed_case(ledger)
    edit(ledger, POLICY, old, new)
    commit_all(ledger, "policy edited by hand")
    found = problems(ledger, expect=1)
    assert code in codes(found)
    relpath = next(p["file"] for p in found if p["code"] == code)
    assert relpath == f"cases/2026/{case}.yaml"  # where it shows, between it and policy.yaml
    _refused_everywhere(
        ledger,
        relpath,
        ("report", "new", "--respondent", "hank", "--reporter", "gina", "--summary", "Again."),
        ("meeting", "add", "2026-04-02"),
    )


def test_a_register_with_an_error_stops_sanction_actions(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    other = reviewed_case(ledger, respondent="hank", received="2026-01-11T09:00:00+00:00")
    ban = ledger.coc("sanction", "propose", case, "--kind", "ban", "--duration", "6 months",
                     "--deviation-reason", "Threats", "--conduct", "Threats",
                     "--at", "2026-01-22T18:00Z", "--json").json["sanction"]  # fmt: skip
    edit(ledger, SANCTIONS, "    deviation_reason: Threats\n", "")
    commit_all(ledger, "a reason removed by hand")
    assert "CL054" in codes(problems(ledger, expect=1))
    _refused_everywhere(
        ledger,
        SANCTIONS,
        ("sanction", "propose", other, "--at", "2026-01-22T19:00Z"),
        ("sanction", "enact", ban, "--at", "2026-01-22T19:00Z"),
    )


def test_a_truncated_register_is_never_laundered_into_an_expunge(ledger: LedgerRepo) -> None:
    """The worst of the fuzzed runs: sanctions.yaml cut short (a case's timeline names a
    sanction no longer there, CL012); `coc expunge` reads everything, so it refuses."""
    old = banned(ledger, received="2024-01-10T09:00:00+00:00", meeting="2024-01-22",
                 enact_on="2024-01-23", refused_on="2024-01-26")  # fmt: skip
    text = ledger.read(SANCTIONS)
    cut = text.index(f"  - id: {old.ban}")
    (ledger.root / SANCTIONS).write_text(text[:cut], encoding="utf-8")
    commit_all(ledger, "sanctions.yaml cut short")
    assert "CL012" in codes(problems(ledger, "--at", "2026-12-01", expect=1))
    both = f"{SANCTIONS}|cases/2024/{old.case}.yaml"  # the problem lies between the two
    _refused_everywhere(ledger, both, ("expunge", "--at", "2026-12-01"))


def test_a_case_file_with_an_error_stops_the_steps_on_it(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    relpath = f"cases/2026/{case}.yaml"
    text = ledger.read(relpath)
    (ledger.root / relpath).write_text(
        text.replace("at: '2026-01-22T00:00:00Z'", "at: '2026-01-02T00:00:00Z'", 1),
        encoding="utf-8",
    )
    commit_all(ledger, "a review dated before the case")
    assert "CL040" in codes(problems(ledger, expect=1))
    _refused_everywhere(ledger, relpath, ("notify", case, "--party", "offender"))


def test_people_without_a_person_the_ledger_names_stops_person_add(ledger: LedgerRepo) -> None:
    reviewed_case(ledger)
    text = ledger.read("people.yaml")
    start = text.index("  - id: gina")
    end = text.index("  - id: ", start + 1)
    (ledger.root / "people.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    commit_all(ledger, "gina removed by hand")
    assert "CL010" in codes(problems(ledger, expect=1))
    head = ledger.head()
    refused = ledger.coc("person", "add", "zed", "--name", "Zed Example", expect=2)
    assert "CL010" in refused.stderr and "coc validate" in refused.stderr
    unchanged(ledger, head)


# --- 5. Queries trust no stored computed field either ---------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"), [("ends_on", "2026-02-01"), ("status", "overturned")], ids=["ends", "status"]
)
def test_a_hand_edited_ban_never_leaves_the_published_page(
    ledger: LedgerRepo, tmp_path: Path, key: str, value: str
) -> None:
    case = banned(ledger)
    text = ledger.read(SANCTIONS)
    start = text.index(f"  - id: {case.ban}")
    line = text[:start].count("\n") + 1 + text[start:].split(f"    {key}: ")[0].count("\n")
    edited = re.sub(rf"(\n    {key}: )\S+", rf"\g<1>{value}", text[start:], count=1)
    (ledger.root / SANCTIONS).write_text(text[:start] + edited, encoding="utf-8")
    commit_all(ledger, f"{key} edited by hand")
    assert problems(ledger, expect=1)
    page = tmp_path / "page.md"
    page.write_text("<!-- coc:active-bans:start -->\n<!-- coc:active-bans:end -->\n")
    for command in (
        ("publish", "--format", "json"),
        ("publish", "--update", str(page)),
        ("publish", "--check", str(page)),
        ("due", "--json"),
        ("person", "show", "frank", "--json"),
        ("stats", "--from", "2026-01-01", "--to", "2026-02-28"),
    ):
        refused = ledger.coc(*command, "--at", "2026-02-15", expect=2)
        assert refused.stderr.startswith(f"coc: error: {SANCTIONS}:"), (command, refused.stderr)
        assert abs(int(refused.stderr.split(":")[3]) - line) <= 3
    assert "coc:active-bans:start -->\n<!--" in page.read_text()  # the page was not touched


# --- 6. A forgotten step is recorded with its true date -------------------------------------------


def test_a_forgotten_step_is_recorded_where_it_happened(ledger: LedgerRepo) -> None:
    case = new_report(ledger, "2026-01-10T09:00:00+00:00")
    ledger.coc("committee", "form", case, "--member=bob", "--member=carol", "--member=dan",
               "--at", "2026-01-10T12:00Z")  # fmt: skip
    ledger.coc("report", "share", case, "--at", "2026-01-11")
    # the council was told at 10:30 on the 10th, and nobody recorded it
    ledger.coc("report", "notify-council", case, "--at", "2026-01-10T10:30Z")
    timeline = ledger.coc("case", "show", case, "--json").json["timeline"]
    assert [e["action"] for e in timeline] == [
        "received", "council_notified", "committee_formed", "shared",
    ]  # fmt: skip
    assert not codes(problems(ledger, "--at", "2026-01-12", expect=0))
    trailers, moment = ledger.trailers_at()
    assert trailers["Coc-Action"] == "report notify-council"
    assert moment.isoformat() == "2026-01-10T10:30:00+00:00"


def test_a_step_recorded_late_passes_the_history_checks(ledger: LedgerRepo) -> None:
    """`validate --base`: every event the base had is still there, in order, with the late
    step between them (CL082), and the status it changes comes with its event (CL089)."""
    case = reviewed_case(ledger)
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22T18:00Z", "--json").json
    ledger.coc("notify", case, "--party", "council", "--at", "2026-01-23")
    base = ledger.head()
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-22T18:30Z")
    ledger.coc("report", "respond", case, "--at", "2026-01-15")
    assert not codes(problems(ledger, "--base", base, expect=0))


def test_a_late_step_that_a_later_one_cannot_follow_is_refused(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)  # reviewed at the meeting of 2026-01-22
    head = ledger.head()
    # closed before its review? the review would then be a step on a closed case
    refused = ledger.coc("case", "close", case, "--at", "2026-01-20", expect=1)
    assert "reviewed" in refused.stderr and "closed" in refused.stderr
    unchanged(ledger, head)
    # proposed before the review: the gate judges it where it lands, and refuses
    refused = ledger.coc("sanction", "propose", case, "--at", "2026-01-21", expect=1)
    assert "has not been reviewed at a meeting yet" in refused.stderr
    unchanged(ledger, head)


def test_a_response_received_before_the_review_is_recorded_late(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("report", "respond", case, "--at", "2026-01-15")
    data = ledger.coc("case", "show", case, "--json").json
    actions = [e["action"] for e in data["timeline"]]
    assert actions.index("response_received") < actions.index("reviewed")
    assert data["deadlines"]["review_from"] == "2026-01-15"
    assert not codes(problems(ledger))


def test_an_escalation_recorded_late_keeps_the_offences_right(ledger: LedgerRepo) -> None:
    """The apology refused on the 26th, recorded after the offender was told on the 27th."""
    case = reviewed_case(ledger)
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    ledger.coc("notify", case, "--party", "offender", "--at", "2026-01-27")
    ledger.coc("apology", "record", warning["sanction"], "--refused", "--conduct",
               ESCALATED_CONDUCT, "--at", "2026-01-26")  # fmt: skip
    assert not codes(problems(ledger))
    assert (
        ledger.coc("person", "show", "frank", "--json", "--at", AT).json["offences_on_record"] == 2
    )


def test_a_case_file_out_of_place_stops_report_new_giving_its_id_again(
    ledger: LedgerRepo,
) -> None:
    """report new lists only its year's folder; a case moved to another folder would have its
    id given again (two files, one id). The file out of place is read, so its CL021 refuses
    the action until it is moved back."""
    first = new_report(ledger, "2026-01-10T09:00:00+00:00")
    (ledger.root / "cases" / "2025").mkdir(exist_ok=True)
    ledger.git("mv", f"cases/2026/{first}.yaml", f"cases/2025/{first}.yaml")
    commit_all(ledger, "file it under the wrong year")
    head = ledger.head()
    args = ("report", "new", "--respondent", "frank", "--reporter", "hank", "--summary", "Spam")
    refused = ledger.coc(*args, "--at", "2026-01-12", expect=2)
    assert f"cases/2025/{first}.yaml:2: CL021" in refused.stderr
    unchanged(ledger, head)
    ledger.git("mv", f"cases/2025/{first}.yaml", f"cases/2026/{first}.yaml")
    commit_all(ledger, "back where it belongs")
    assert new_report(ledger, "2026-01-12T09:00:00+00:00") == "COC-2026-0002"
