"""store/: the only I/O. Its caches live where git keeps the repository (a linked work tree has
its own), are filled and trusted there, and are emptied by the commit that removes personal
details, whoever calls the store. Real git repositories in tmp_path."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casework import banned
from cocledger.actions.expunge import expunge
from cocledger.core import gate
from cocledger.store import repository
from cocledger.store.git import git_dir
from conftest import LedgerRepo, reviewed_case
from memory import at


def cached(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("*") if not p.name.startswith("audit-"))


def test_a_linked_work_tree_is_a_ledger_with_caches_of_its_own(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = ledger.root.parent / "second"
    ledger.git("worktree", "add", "-q", "-b", "second", str(other))
    linked = LedgerRepo(other)
    monkeypatch.chdir(other)
    case = reviewed_case(linked)
    assert linked.coc("case", "list", "--json").json[0]["case"] == case
    assert {e["case"] for e in linked.coc("log", case, "--json").json} == {case}
    own = Path(git_dir(other)) / "coc-cache"
    assert own.parent.name == "second" and own.parent.parent.name == "worktrees"
    assert any(name.startswith("cases-") for name in cached(own))
    assert (own / "audit-1.sqlite").is_file()
    assert not (ledger.root / ".git" / "coc-cache" / "audit-1.sqlite").exists()
    monkeypatch.chdir(ledger.root)
    assert ledger.coc("case", "list", "--json").json == []  # main has none of second's cases


def test_an_expunge_through_the_store_leaves_no_parsed_copy(ledger: LedgerRepo) -> None:
    """A caller of the actions and the store (no CLI) cannot leave personal data in a cache."""
    history = banned(ledger)
    people = ledger.read("people.yaml")
    (ledger.root / "people.yaml").write_text(
        people + "".join(f"  - id: m{i:05d}\n    name: Member {i:05d}\n" for i in range(2500))
    )
    ledger.git("commit", "-qam", "many members")  # past the size registers are cached from
    ledger.coc("case", "list")
    cache = Path(git_dir(ledger.root)) / "coc-cache"
    ledger.coc("person", "show", "frank")
    assert any(n.startswith("Person-") for n in cached(cache))
    assert any(n.startswith("cases-") for n in cached(cache))
    with repository.session(ledger.root) as repo:
        snap = repo.snapshot
        outcome = expunge(snap, snap.person("alice"), at("2028-01-01"))
        assert outcome.change is not None and outcome.change.forgets
        repo.commit(outcome.change)
    assert cached(cache) == []
    assert history.case in ledger.git("log", "-1", "--format=%B")
    assert ledger.status() == ""


@pytest.mark.parametrize(
    "name", ["person add", "person edit", "council add", "council remove", "meeting add"]
)
def test_the_setup_steps_need_a_council_member(name: str) -> None:
    from cocledger.errors import RefusedError
    from memory import fresh

    snap = fresh().snap
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    with pytest.raises(RefusedError, match="frank is not a council member"):
        gate.permit(gate.ask(snap.policy, name, "frank", moment))
    assert gate.permit(gate.ask(snap.policy, name, "bob", moment)).action == name


def test_a_ledger_outside_git_is_reported_not_crashed(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    repo = repository.open(tmp_path / "repo")
    from cocledger.errors import InputError

    with pytest.raises(InputError, match=r"policy\.yaml: missing; is .* a ledger\?"):
        repo.snapshot  # noqa: B018


def test_no_status_is_set_outside_the_gate() -> None:
    """SPEC §3 One gate: `core/transitions.py` is the only code that gives a record a status
    (a record built or copied anywhere else keeps the one it has)."""
    import ast

    import cocledger

    builders = {"Sanction", "Case", "evolve", "model_validate", "model_construct", "model_copy"}
    root = Path(cocledger.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).as_posix() == "core/transitions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in builders and any(k.arg == "status" for k in node.keywords):
                    found.append(f"{path.name}:{node.lineno}")
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
