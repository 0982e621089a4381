"""The trailer index behind `coc log`: always the answer a walk of the history gives."""

from __future__ import annotations

import subprocess

import pytest

from cocledger.store import audit_index
from cocledger.store import git as gitstore
from conftest import LedgerRepo, reviewed_case


def shas(commits: list[gitstore.CommitInfo]) -> list[str]:
    return [c.sha for c in commits]


def walked(ledger: LedgerRepo, keys: list[str] | None) -> list[str]:
    head = gitstore.head_sha(ledger.root)
    assert head is not None
    return shas(audit_index._walk(ledger.root, head, keys, None))


def index_file(ledger: LedgerRepo):  # type: ignore[no-untyped-def]
    path = audit_index._path(ledger.root)
    assert path is not None
    return path


@pytest.mark.parametrize("keys", [None, ["actor:alice"], ["case:COC-2026-0001"], ["case:none"]])
def test_the_index_answers_as_a_walk_of_the_history(ledger: LedgerRepo, keys: list[str]) -> None:
    reviewed_case(ledger)
    reviewed_case(ledger, respondent="hank", reporter="ivy")
    assert shas(audit_index.commits(ledger.root, keys)) == walked(ledger, keys)
    assert index_file(ledger).is_file()


def test_new_commits_are_added_in_the_order_they_came(ledger: LedgerRepo) -> None:
    first = reviewed_case(ledger)
    audit_index.commits(ledger.root, None)
    second = reviewed_case(ledger, respondent="hank", reporter="ivy")
    assert shas(audit_index.commits(ledger.root, None)) == walked(ledger, None)
    assert [c.trailers["Coc-Case"] for c in audit_index.commits(ledger.root, None, limit=1)] == [
        second
    ]
    assert {
        c.trailers["Coc-Case"] for c in audit_index.commits(ledger.root, [f"case:{first}"])
    } == {first}


def test_a_rewritten_history_is_indexed_again(ledger: LedgerRepo) -> None:
    """After a reset the dropped commits leave the trail, and a new branch of history enters it."""
    case = reviewed_case(ledger)
    before = audit_index.commits(ledger.root, [f"case:{case}"])
    ledger.git("reset", "-q", "--hard", "HEAD~2")
    after = audit_index.commits(ledger.root, [f"case:{case}"])
    assert shas(after) == shas(before)[2:] == walked(ledger, [f"case:{case}"])
    ledger.git("commit", "-q", "--allow-empty", "-m", "hand edit")
    assert audit_index.commits(ledger.root, None, limit=1)[0].subject == "hand edit"


def test_after_a_merge_the_order_is_git_logs_own(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge brings in commits older than some already indexed: they take git log's places."""
    reviewed_case(ledger)

    def commit(message: str, when: str) -> None:
        monkeypatch.setenv("GIT_COMMITTER_DATE", when)
        monkeypatch.setenv("GIT_AUTHOR_DATE", when)
        ledger.git("commit", "-q", "--allow-empty", "-m", message)

    ledger.git("checkout", "-q", "-b", "side")
    commit("side work", "2030-01-01T10:00:00Z")
    ledger.git("checkout", "-q", "main")
    commit("main work", "2030-01-02T10:00:00Z")
    audit_index.commits(ledger.root, None)  # indexed: main work, not side work
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2030-01-03T10:00:00Z")
    ledger.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    subjects = [c.subject for c in audit_index.commits(ledger.root, None, limit=3)]
    assert subjects == ["merge side", "main work", "side work"]
    assert shas(audit_index.commits(ledger.root, None)) == walked(ledger, None)
    commit("after the merge", "2030-01-04T10:00:00Z")
    assert shas(audit_index.commits(ledger.root, None)) == walked(ledger, None)


def test_a_commit_made_while_the_index_is_built_is_indexed_once(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is built up to the HEAD the query began with, whatever lands meanwhile."""
    reviewed_case(ledger)
    real = gitstore.history
    landed: list[str] = []

    def history_with_a_commit_landing(root, until, since=None):  # type: ignore[no-untyped-def]
        if not landed:
            ledger.git("commit", "-q", "--allow-empty", "-m", "landed meanwhile")
            landed.append(ledger.git("rev-parse", "HEAD").strip())
        return real(root, until, since)

    monkeypatch.setattr(gitstore, "history", history_with_a_commit_landing)
    first = audit_index.commits(ledger.root, None)
    assert landed and landed[0] not in shas(first)
    monkeypatch.setattr(gitstore, "history", real)
    again = shas(audit_index.commits(ledger.root, None))
    assert again == walked(ledger, None) and again.count(landed[0]) == 1


def test_a_deepened_clone_is_indexed_again(ledger: LedgerRepo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reviewed_case(ledger)
    shallow = tmp_path / "shallow"
    url = f"file://{ledger.root}"
    subprocess.run(["git", "clone", "-q", "--depth", "2", url, str(shallow)], check=True)
    assert len(audit_index.commits(shallow, None)) == 2
    subprocess.run(["git", "-C", str(shallow), "fetch", "-q", "--unshallow"], check=True)
    assert len(audit_index.commits(shallow, None)) == len(walked(ledger, None))


def test_a_damaged_index_is_rebuilt(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    expected = shas(audit_index.commits(ledger.root, [f"case:{case}"]))
    index_file(ledger).write_bytes(b"not a database" * 100)
    assert shas(audit_index.commits(ledger.root, [f"case:{case}"])) == expected
    assert shas(audit_index.commits(ledger.root, [f"case:{case}"])) == expected


def test_an_index_that_cannot_be_written_falls_back_to_the_history(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    cache = index_file(ledger).parent
    cache.mkdir(exist_ok=True)
    index_file(ledger).mkdir()  # a directory where the file should be: SQLite cannot open it
    assert shas(audit_index.commits(ledger.root, [f"case:{case}"])) == walked(
        ledger, [f"case:{case}"]
    )


def made(subject: str, trailers: dict[str, str], body: str) -> gitstore.CommitInfo:
    from datetime import UTC, datetime

    when = datetime(2026, 1, 1, tzinfo=UTC)
    return gitstore.CommitInfo("0" * 40, "Bob", "", when, subject, trailers, body=body)


def test_expunge_commits_are_found_by_the_ids_they_name() -> None:
    expunge = {"Coc-Action": "expunge", "Coc-Actor": "bob"}
    commit = made("expunge", expunge, "Expunged: S-2025-0001, COC-2025-0003")
    assert audit_index.keys_of(commit) == {
        "actor:bob",
        "expunged:S-2025-0001",
        "expunged:COC-2025-0003",
    }
    # only coc's expunge commits name what they removed
    assert audit_index.keys_of(made("hand edit", {}, "Expunged: S-2025-0001")) == set()


def test_an_empty_repository_has_no_trail(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gitstore.init_repo(tmp_path)
    assert audit_index.commits(tmp_path, None) == []


def test_replace_refs_do_not_hide_commits_from_the_trail(ledger: LedgerRepo) -> None:
    """`git replace` can make git show another commit in a commit's place; the audit trail keeps
    the commit that was really made."""
    case = reviewed_case(ledger)
    made_sha = ledger.git("rev-parse", "HEAD").strip()
    ledger.git("commit", "-q", "--allow-empty", "-m", "decoy")
    decoy = ledger.git("rev-parse", "HEAD").strip()
    ledger.git("reset", "-q", "--hard", made_sha)
    ledger.git("replace", made_sha, decoy)
    assert ledger.git("log", "-1", "--format=%s").strip() == "decoy"  # what plain git shows
    latest = audit_index.commits(ledger.root, [f"case:{case}"], limit=1)[0]
    assert (latest.sha, latest.trailers["Coc-Case"]) == (made_sha, case)
