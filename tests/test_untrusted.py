"""Issue 14.1: actions never trust what `validate` rejects. A stored computed field is written
for readers (SPEC §2); an action that believed a hand-edited one deleted a ban in force. Every
action now refuses (exit 2, at file:line, pointing to `coc validate`) while the register or the
case it rewrites holds a field the rules disagree with, and the ledger stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casework import banned, commit_file
from conftest import LedgerRepo, clone, new_report


@pytest.fixture
def repo(ledger_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(ledger_template, tmp_path, monkeypatch)


def _edit_field(repo: LedgerRepo, sanction: str, key: str, value: str) -> int:
    """Hand-edit one stored field of a sanction and commit it; returns the edited line."""
    lines = repo.read("sanctions.yaml").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {sanction}")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    lines[at] = re.sub(rf"{key}: .*", f"{key}: {value}", lines[at])
    commit_file(repo, "sanctions.yaml", "".join(lines))
    return at + 1


def _unchanged(repo: LedgerRepo, head: str) -> None:
    assert repo.head() == head and repo.status() == ""


def test_an_expunge_does_not_believe_a_hand_edited_expunges_on(repo: LedgerRepo) -> None:
    """The reproduction: S's expunges_on moved before its ban ended; expunge would tombstone
    it, its case and two people, and the ban in force would leave the published page."""
    case = banned(repo)
    line = _edit_field(repo, case.ban, "expunges_on", "2026-03-01")
    assert "CL032" in repo.coc("validate", expect=1).stdout
    head = repo.head()
    refused = repo.coc("expunge", "--at", "2026-03-02", expect=2)
    assert refused.stderr.startswith(
        f"coc: error: sanctions.yaml:{line}: CL032 {case.ban}: expunges_on"
    )
    assert "coc validate" in refused.stderr
    _unchanged(repo, head)
    # SPEC §3 Queries trust no stored computed field either: the page is not made without it
    refused = repo.coc("publish", "--format", "json", "--at", "2026-03-02", expect=2)
    assert refused.stderr.startswith(f"coc: error: sanctions.yaml:{line}: CL032 {case.ban}")


@pytest.mark.parametrize(("key", "value"), [("offence", "3"), ("ends_on", "2026-02-01")])
def test_every_action_refuses_a_register_the_rules_disagree_with(
    repo: LedgerRepo, key: str, value: str
) -> None:
    case = banned(repo)
    line = _edit_field(repo, case.ban, key, value)
    head = repo.head()
    for action in (
        ("person", "add", "zed", "--name", "Zed Example"),
        ("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Again."),
        ("appeal", "file", case.ban, "--reason", "Too harsh", "--at", "2026-01-27"),
    ):
        refused = repo.coc(*action, expect=2)
        first = re.match(
            r"coc: error: sanctions.yaml:(\d+): (CL03[0-9]|CL054) (S-\d{4}-\d{4}): ", refused.stderr
        )
        assert first is not None, refused.stderr
        assert first.group(3) == case.ban and abs(int(first.group(1)) - line) <= 2
        assert "coc validate" in refused.stderr
        _unchanged(repo, head)


def test_a_case_with_hand_edited_deadlines_is_not_acted_on(repo: LedgerRepo) -> None:
    case = new_report(repo, "2026-03-02T10:00:00+00:00")
    other = new_report(repo, "2026-03-03T10:00:00+00:00", respondent="hank")
    relpath = f"cases/2026/{case}.yaml"
    text = repo.read(relpath)
    commit_file(
        repo, relpath, re.sub(r"council_notice: .*", "council_notice: 2026-03-09T10:00:00Z", text)
    )
    head = repo.head()
    refused = repo.coc("report", "notify-council", case, "--at", "2026-03-02T12:00Z", expect=2)
    assert refused.stderr.startswith(f"coc: error: {relpath}:")
    assert "deadlines.council_notice" in refused.stderr
    _unchanged(repo, head)
    # a stored deadline lies between its case and policy.yaml's numbers, and policy.yaml is
    # read by every action: another case's step is refused too, at the same place
    refused = repo.coc("report", "notify-council", other, "--at", "2026-03-03T12:00Z", expect=2)
    assert refused.stderr.startswith(f"coc: error: {relpath}:")
    _unchanged(repo, head)


def test_a_ledger_found_clean_is_not_judged_again_until_it_changes(
    repo: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict is kept behind the store, by what git says of the ledger's content: an
    action on an unchanged ledger does not judge every file again; any edit (committed or not)
    makes it judge again, and a ledger with an error is never found clean. (A small ledger is
    judged every time: faster than asking git; here, as if it were large.)"""
    from cocledger.store import clean, repository

    monkeypatch.setattr(clean, "SMALL", 0)

    def known() -> bool:
        return repository.open(repo.root).ledger.known_clean()

    repo.coc("person", "add", "zed", "--name", "Zed Example")
    assert known()  # the action's own result check vouched for the ledger it left
    marker = clean.identity(repo.root)[0]
    policy = repo.read("policy.yaml")
    (repo.root / "policy.yaml").write_text(policy + "# a comment\n")
    assert not known() and clean.identity(repo.root)[0] != marker  # an edit in the work tree
    repo.coc("validate")
    assert known()  # validate found it clean
    (repo.root / "policy.yaml").write_text(policy.replace("min_size: 3", "min_size: 0"))
    repo.coc("validate", expect=1)
    assert not known()
