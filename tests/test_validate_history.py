"""`coc validate --base REF`: between the base and HEAD the ledger only grows, only `coc expunge`
makes tombstones, and what decides is committed by the council (signed, when the policy asks)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from checkwork import (
    WARNING_CASE,
    Located,
    build_complete,
    commit_all,
    edit,
    line_of,
    located,
    validate,
)
from cocledger.core.expiry import case_tombstone
from cocledger.core.models import Case, PeopleFile, SanctionsFile
from cocledger.store import yamlwrite
from cocledger.store.history import GitHistory
from cocledger.store.loader import parse_quietly
from conftest import LedgerRepo, reviewed_case

SANCTIONS = "sanctions.yaml"
POLICY = "policy.yaml"
PEOPLE = "people.yaml"


def codes(problems: list[dict]) -> set[str]:
    return {p["code"] for p in problems}


# --- what passes ----------------------------------------------------------------------------------


def test_a_legitimate_sequence_of_actions_passes(ledger: LedgerRepo) -> None:
    base = ledger.head()
    build_complete(ledger)
    assert validate(ledger, "--base", base, expect=0) == []


def test_nothing_since_the_base_passes(repo: LedgerRepo) -> None:
    assert validate(repo, "--base", "HEAD", expect=0) == []


def _short_retention(ledger: LedgerRepo) -> str:
    """A policy keeping bans on record one month after they end, so a record clears by June."""
    edit(
        ledger,
        POLICY,
        "record_retention_after_ban: 18 months",
        "record_retention_after_ban: 1 months",
    )
    return commit_all(ledger, "policy: keep bans on record for one month")


def _expired_ban(ledger: LedgerRepo) -> None:
    """A warning escalated to a 3-month ban from 2026-01-26: off the record from 2026-05-26."""
    from casework import banned
    from checkwork import tell_parties

    case = banned(ledger).case
    tell_parties(ledger, case, "2026-01-26")


def test_an_expunge_passes(ledger: LedgerRepo) -> None:
    _short_retention(ledger)
    _expired_ban(ledger)
    base = ledger.head()
    ledger.coc("expunge", "--at", "2026-06-01")
    assert ledger.trailers()["Coc-Action"] == "expunge"
    assert validate(ledger, "--base", base, "--at", "2026-06-01", expect=0) == []


def test_the_same_tombstones_committed_by_hand_are_caught(ledger: LedgerRepo) -> None:
    _short_retention(ledger)
    _expired_ban(ledger)
    base = ledger.head()
    ledger.coc("expunge", "--at", "2026-06-01")
    ledger.git("reset", "-q", "--soft", "HEAD~1")
    commit_all(ledger, "tidy the register")
    found = located(validate(ledger, "--base", base, "--at", "2026-06-01", expect=1))
    status = line_of(ledger, SANCTIONS, "status: expunged")
    assert Located("CL084", SANCTIONS, status) in found
    assert Located("CL084", WARNING_CASE, line_of(ledger, WARNING_CASE, "status:")) in found
    assert Located("CL083", PEOPLE, line_of(ledger, PEOPLE, "people:")) in found


# --- append-only ------------------------------------------------------------------------------------


def test_a_removed_sanction_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    text = repo.read(SANCTIONS)
    start, end = text.index("  - id: S-2026-0002"), text.index("  - id: S-2026-0003")
    (repo.root / SANCTIONS).write_text(text[:start] + text[end:])
    commit_all(repo, "drop a sanction")
    problems = validate(repo, "--base", base, "--select", "CL08", expect=1)
    assert located(problems) == {
        Located("CL080", SANCTIONS, line_of(repo, SANCTIONS, "sanctions:"))
    }
    assert "S-2026-0002 was removed" in problems[0]["message"]


def test_a_rewritten_sanction_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    line = edit(repo, SANCTIONS, "offence: 2", "offence: 1", after="id: S-2026-0002")
    commit_all(repo, "soften an offence")
    found = located(validate(repo, "--base", base, "--select", "CL08", expect=1))
    assert found == {Located("CL080", SANCTIONS, line)}


def test_a_removed_vote_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    line = edit(
        repo,
        SANCTIONS,
        "      - member: erin\n        vote: 'yes'\n        at: '2026-02-12T00:00:00Z'\n",
        "",
    )
    commit_all(repo, "forget a vote")
    found = located(validate(repo, "--base", base, "--select", "CL081", expect=1))
    assert found == {Located("CL081", SANCTIONS, line - 3)}


def test_a_rewritten_timeline_event_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    line = edit(
        repo, WARNING_CASE, "action: reviewed\n    by: alice", "action: reviewed\n    by: bob"
    )
    commit_all(repo, "who reviewed it")
    found = located(validate(repo, "--base", base, "--select", "CL08", expect=1))
    assert found == {Located("CL082", WARNING_CASE, line - 1)}


def test_a_removed_case_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    (repo.root / WARNING_CASE).unlink()
    commit_all(repo, "drop a case")
    found = located(validate(repo, "--base", base, "--select", "CL082", expect=1))
    assert found == {Located("CL082", WARNING_CASE, 1)}


def test_a_removed_person_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    text = repo.read(PEOPLE)
    start = text.index("  - id: ivy")
    (repo.root / PEOPLE).write_text(text[:start])
    commit_all(repo, "drop a person")
    found = located(validate(repo, "--base", base, "--select", "CL083", expect=1))
    assert found == {Located("CL083", PEOPLE, line_of(repo, PEOPLE, "people:"))}


# --- who decides -------------------------------------------------------------------------------------


def test_a_decision_committed_by_a_non_member_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Was rude")
    sha = commit_all(repo, "reword a conduct summary", author="frank")
    problems = validate(repo, "--base", base, "--select", "CL085", expect=1)
    assert located(problems) == {Located("CL085", SANCTIONS, 1)}
    assert sha[:10] in problems[0]["message"]
    assert "frank" not in problems[0]["message"]  # a non-member may be a party: never named


def test_the_same_decision_by_a_council_member_passes(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Threatened other members")
    commit_all(repo, "reword a conduct summary", author="bob")
    assert validate(repo, "--base", base, "--select", "CL085", expect=0) == []


def test_a_commit_cannot_put_its_own_author_on_the_council(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(
        repo,
        POLICY,
        "council: [alice, bob, carol, dan, erin]",
        "council: [alice, bob, carol, dan, erin, frank]",
    )
    commit_all(repo, "council add", author="frank")
    found = located(validate(repo, "--base", base, "--select", "CL085", expect=1))
    assert found == {Located("CL085", POLICY, 1)}


def test_a_member_who_has_left_the_council_no_longer_decides(repo: LedgerRepo) -> None:
    base = repo.head()
    repo.coc("council", "remove", "erin", "--at", "2026-02-27")
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Threatened other members")
    commit_all(repo, "reword", author="erin")
    problems = validate(repo, "--base", base, "--select", "CL085", expect=1)
    assert len(problems) == 1 and "erin is not on the council" in problems[0]["message"]


def test_a_report_recorded_by_a_non_member_is_not_a_decision(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, WARNING_CASE, "summary: Insults in chat", "summary: Insults in the chat")
    commit_all(repo, "typo", author="frank")
    assert validate(repo, "--base", base, "--select", "CL085", expect=0) == []


def _require_signatures(repo: LedgerRepo) -> str:
    edit(repo, POLICY, "transparency:", "require_signed_commits: true\ntransparency:")
    return commit_all(repo, "policy: decisions must be signed")


def test_an_unsigned_decision_is_caught_when_signatures_are_required(repo: LedgerRepo) -> None:
    base = _require_signatures(repo)
    repo.coc("meeting", "add", "2026-03-12", "--at", "2026-02-27")
    problems = validate(repo, "--base", base, "--select", "CL086", expect=1)
    assert located(problems) == {Located("CL086", POLICY, 1)}
    assert "no signature" in problems[0]["message"]


def test_unsigned_decisions_pass_when_signatures_are_not_required(repo: LedgerRepo) -> None:
    base = repo.head()
    repo.coc("meeting", "add", "2026-03-12", "--at", "2026-02-27")
    assert validate(repo, "--base", base, expect=0) == []


def test_a_signed_decision_passes_when_signatures_are_required(
    repo: LedgerRepo, tmp_path: Path
) -> None:
    base = _require_signatures(repo)
    key = tmp_path / "alice-key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", str(key)], check=True
    )
    allowed = tmp_path / "allowed_signers"
    public = " ".join(key.with_suffix(".pub").read_text().split()[:2])
    allowed.write_text(f"alice@example.org {public}\n")
    for name, value in (
        ("gpg.format", "ssh"),
        ("user.signingkey", str(key)),
        ("gpg.ssh.allowedSignersFile", str(allowed)),
        ("commit.gpgsign", "true"),
    ):
        repo.git("config", name, value)
    repo.coc("meeting", "add", "2026-03-12", "--at", "2026-02-27")
    assert repo.git("log", "-1", "--format=%G?").strip() == "G"
    assert validate(repo, "--base", base, expect=0) == []


def test_an_unknown_base_is_a_usage_error(repo: LedgerRepo) -> None:
    run = repo.coc("validate", "--base", "no-such-branch", expect=2)
    assert "--base no-such-branch" in run.stderr


@pytest.mark.parametrize("decision", [("--reduced-to", "1 months"), ("--overturned",)])
def test_an_appeal_that_changes_a_ban_passes(repo: LedgerRepo, decision: tuple[str, ...]) -> None:
    base = repo.head()
    repo.coc("appeal", "file", "S-2026-0002", "--reason", "Too long", "--at", "2026-02-27")
    repo.coc("appeal", "decide", "S-2026-0002", *decision, "--at", "2026-02-28")
    repo.coc("case", "close", "COC-2026-0001", "--at", "2026-02-28")
    problems = validate(repo, "--base", base, expect=0)
    assert [p for p in problems if p["severity"] == "error"] == []


# --- who is who: the base's people.yaml, changed only by the council --------------------------------


def test_a_council_members_email_taken_over_by_a_non_member_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, PEOPLE, "email: bob@example.org", "email: mallory@example.org")
    commit_all(repo, "people: fix an email", author="frank")
    repo.coc("meeting", "add", "2026-10-20", "--at", "2026-10-20", actor="mallory")
    problems = validate(repo, "--base", base, "--at", "2026-10-20", "--select", "CL085", expect=1)
    assert located(problems) == {Located("CL085", PEOPLE, 1), Located("CL085", POLICY, 1)}


def test_a_commit_by_a_taken_over_email_is_not_the_members(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, PEOPLE, "email: bob@example.org", "email: mallory@example.org")
    commit_all(repo, "people: fix an email", author="frank")
    repo.coc("meeting", "add", "2026-10-20", "--at", "2026-10-20", actor="mallory")
    problems = validate(repo, "--base", base, "--at", "2026-10-20", "--select", "CL085", expect=1)
    [decision] = [p for p in problems if p["file"] == POLICY]
    assert repo.head()[:10] in decision["message"]
    assert "bob" not in decision["message"]


def test_a_council_members_new_email_committed_by_the_council_is_theirs(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, PEOPLE, "email: bob@example.org", "email: robert@example.org")
    commit_all(repo, "people: bob's new email", author="alice")
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Threatened other members")
    commit_all(repo, "reword a conduct summary", author="robert")
    assert validate(repo, "--base", base, "--select", "CL085", expect=0) == []


def test_a_new_email_for_a_member_is_a_decision_to_sign(repo: LedgerRepo) -> None:
    base = _require_signatures(repo)
    edit(repo, PEOPLE, "email: bob@example.org", "email: robert@example.org")
    commit_all(repo, "people: bob's new email", author="bob")
    found = located(validate(repo, "--base", base, "--select", "CL086", expect=1))
    assert found == {Located("CL086", PEOPLE, 1)}


def test_a_non_members_own_details_are_not_a_decision(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, PEOPLE, "email: frank@example.org", "email: frank@example.net")
    commit_all(repo, "people: my new email", author="frank")
    assert validate(repo, "--base", base, "--select", "CL085", expect=0) == []


# --- a case's facts: the council's to change, and some fixed at receipt ----------------------------


def _anonymous_private_case(ledger: LedgerRepo) -> str:
    """A case whose reporter stays anonymous, of private conduct; its file."""
    case = reviewed_case(ledger, extra=("--anonymous-reporter", "--setting", "private"))
    return f"cases/{case[4:8]}/{case}.yaml"


def _respondent_rewrites(ledger: LedgerRepo, path: str) -> dict[str, int]:
    """frank, the respondent, rewrites his own case's facts; the lines of each edit."""
    lines = {
        "anonymous_reporter": edit(
            ledger, path, "anonymous_reporter: true", "anonymous_reporter: false"
        ),
        "setting": edit(ledger, path, "setting: private", "setting: public"),
        "summary": edit(ledger, path, "summary: Insults in chat", "summary: A misunderstanding"),
    }
    commit_all(ledger, "case: corrections", author="frank")
    return lines


def test_a_non_member_rewriting_a_cases_facts_is_caught(ledger: LedgerRepo) -> None:
    path = _anonymous_private_case(ledger)
    base = ledger.head()
    lines = _respondent_rewrites(ledger, path)
    problems = validate(ledger, "--base", base, "--select", "CL087", expect=1)
    assert located(problems) == {Located("CL087", path, line) for line in lines.values()}
    assert all("frank" not in p["message"] for p in problems)


def test_an_anonymous_reporter_made_named_is_caught_whoever_commits(ledger: LedgerRepo) -> None:
    path = _anonymous_private_case(ledger)
    base = ledger.head()
    line = edit(ledger, path, "anonymous_reporter: true", "anonymous_reporter: false")
    commit_all(ledger, "case: not anonymous after all", author="bob")
    found = located(validate(ledger, "--base", base, "--select", "CL08", expect=1))
    assert found == {Located("CL082", path, line)}


def test_the_facts_of_a_case_recorded_since_the_base_stay_fixed(ledger: LedgerRepo) -> None:
    base = ledger.head()
    path = _anonymous_private_case(ledger)
    line = edit(ledger, path, "reporter: gina", "reporter: ivy")
    commit_all(ledger, "case: who reported it", author="bob")
    found = located(validate(ledger, "--base", base, "--select", "CL082", expect=1))
    assert found == {Located("CL082", path, line)}


def test_a_council_member_correcting_a_summary_passes(ledger: LedgerRepo) -> None:
    path = _anonymous_private_case(ledger)
    base = ledger.head()
    edit(ledger, path, "summary: Insults in chat", "summary: Insults in the project chat")
    commit_all(ledger, "case: summary", author="bob")
    assert validate(ledger, "--base", base, "--select", "CL08", expect=0) == []


def test_an_unsigned_change_of_facts_is_caught_when_signatures_are_required(
    repo: LedgerRepo,
) -> None:
    base = _require_signatures(repo)
    edit(repo, WARNING_CASE, "summary: Insults in chat", "summary: Insults in the project chat")
    commit_all(repo, "case: summary", author="bob")
    found = located(validate(repo, "--base", base, "--select", "CL086", expect=1))
    assert found == {Located("CL086", WARNING_CASE, 1)}


def test_a_member_who_joined_on_the_base_decides_after_it_is_merged_in(
    repo: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.git("checkout", "-q", "-b", "pull-request")
    edit(repo, PEOPLE, "email: frank@example.org", "email: frank@example.net")
    commit_all(repo, "people: my new email", author="frank")
    repo.git("checkout", "-q", "main")
    repo.coc(
        "person", "add", "kim", "--name", "Kim Example", "--email", "kim@example.org",
        "--at", "2026-02-27",
    )  # fmt: skip
    repo.coc("council", "add", "kim", "--at", "2026-02-27")
    repo.git("checkout", "-q", "pull-request")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "frank@example.net")  # the branch's author merges
    repo.git("merge", "-q", "--no-edit", "main")
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Threatened other members")
    commit_all(repo, "reword a conduct summary", author="kim")
    assert validate(repo, "--base", "main", "--select", "CL085", expect=0) == []


# --- what the history reads (store.history): only what changed, each version parsed once ----------


def _history(repo: LedgerRepo, base: str) -> GitHistory:
    from cocledger.store import repository

    history = GitHistory(repo.root, base)
    history.seed(repository.open(repo.root, trust_written=False).ledger)
    return history


def test_a_register_read_entry_by_entry_is_the_register_parsed_whole(repo: LedgerRepo) -> None:
    base = repo.head()
    edit(repo, SANCTIONS, "conduct: Threatened members", "conduct: Threatened other members")
    commit_all(repo, "reword a conduct summary", author="bob")
    edit(repo, PEOPLE, "email: frank@example.org", "email: frank@example.net")
    commit_all(repo, "people: frank's new email", author="bob")
    history = _history(repo, base)
    try:
        for rev in (base, repo.head()):
            for path, model in ((SANCTIONS, SanctionsFile), (PEOPLE, PeopleFile)):
                text = repo.git("show", f"{rev}:{path}")
                assert history.model_at(rev, path, model) == parse_quietly(text, path, model)
    finally:
        history.close()


def test_a_register_whose_entries_do_not_stand_alone_is_parsed_whole(repo: LedgerRepo) -> None:
    """A quoted scalar whose second line looks like the next entry's first: entry by entry that
    would be one entry more; the register parsed whole (as it is then) has it as text."""
    conduct = "conduct: Refused the apology required after a formal warning\n"
    odd = "conduct: 'Refused the apology,\n  - id: S-2026-0009 (not an entry)'\n"
    edit(repo, SANCTIONS, conduct, odd)
    commit_all(repo, "an odd register")
    history = _history(repo, "HEAD")
    try:
        found = history.model_at(repo.head(), SANCTIONS, SanctionsFile)
    finally:
        history.close()
    assert found == parse_quietly(repo.read(SANCTIONS), SANCTIONS, SanctionsFile)
    assert [s.id for s in found.sanctions] == ["S-2026-0001", "S-2026-0002", "S-2026-0003"]
    assert found.sanctions[1].conduct == "Refused the apology, - id: S-2026-0009 (not an entry)"


def test_heads_case_files_are_taken_from_the_work_tree_only_where_unedited(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request of many case files reads HEAD's from the work tree, as validate parsed it;
    one edited since HEAD is read from git (here: HEAD tombstones it, the work tree does not)."""
    from cocledger.store import history

    monkeypatch.setattr(history, "REUSE_FROM", 0)
    case = reviewed_case(ledger)
    base = ledger.head()
    path = f"cases/2026/{case}.yaml"
    text = ledger.read(path)
    tombstone = case_tombstone(parse_quietly(text, path, Case))
    (ledger.root / path).write_text(yamlwrite.dump(tombstone.model_dump(mode="json"), text))
    ledger.git("add", path)
    ledger.git("commit", "-q", "-m", "expunge", "-m", "Coc-Action: expunge\nCoc-Actor: alice")
    found = located(validate(ledger, "--base", base, "--select", "CL090", expect=1))
    assert found == {Located("CL090", path, line_of(ledger, path, "status: expunged"))}
    (ledger.root / path).write_text(text)  # undone in the work tree, not in HEAD
    found = located(validate(ledger, "--base", base, "--select", "CL090", expect=1))
    assert found == {Located("CL090", path, line_of(ledger, path, "status: open"))}
