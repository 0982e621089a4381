"""SPEC §2 A ledger in a folder of a larger repository: every command finds it (by -C, or from
the current folder upwards), its commits touch only its folder, and file names in messages and
annotations are given from the work tree's top, where CI runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cocledger.store import vscode
from conftest import COUNCIL, LedgerRepo

# The repository's own VS Code settings (tab-indented, as VS Code writes them), kept by `coc init`.
SETTINGS = '{\n\t"editor.rulers": [100],\n\t"files.exclude": {\n\t\t"**/.cache": true\n\t}\n}\n'
MONO_FILES = {
    "README.md": "# Governance\n",
    "budget/2026.csv": "item,amount\n",
    ".vscode/settings.json": SETTINGS,
}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def mono(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    """A governance repository with other records, and a ledger in its folder `conduct/ledger`,
    set up through the CLI from the repository's top."""
    top = tmp_path / "mono"
    top.mkdir()
    _git(top, "init", "-q")
    for name, text in MONO_FILES.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "governance records")
    monkeypatch.chdir(top)
    repo = LedgerRepo(top)
    repo.coc(
        "init", "conduct/ledger", "--lead", "alice", "--email", "alice@example.org",
        "--contact", "conduct@example.org",
    )  # fmt: skip
    for person in [*COUNCIL, "frank", "gina"]:
        repo.coc(
            "person", "add", person, "--name", f"{person.title()} Example",
            "--email", f"{person}@example.org", "-C", "conduct/ledger", "--at", "2026-01-02",
        )  # fmt: skip
    for person in COUNCIL:
        repo.coc("council", "add", person, "-C", "conduct/ledger", "--at", "2026-01-02")
    return repo


def test_init_makes_a_folder_of_the_repository_not_a_nested_one(mono: LedgerRepo) -> None:
    ledger = mono.root / "conduct" / "ledger"
    assert (ledger / "policy.yaml").is_file()
    assert not (ledger / ".git").exists()
    touched = _git(mono.root, "log", "--format=", "--name-only", "HEAD~9..HEAD").split()
    assert touched and all(path.startswith("conduct/ledger/") for path in touched)
    # a workflow only runs from the top's .github: init writes none inside the folder
    assert not (ledger / ".github").exists()
    # VS Code reads settings only at the top: the schemas are merged there, paths from the top,
    # and left for the user to commit (the file is the repository's, not the ledger's)
    assert not (ledger / ".vscode").exists()
    settings = (mono.root / ".vscode" / "settings.json").read_text()
    assert settings.startswith('{\n\t"editor.rulers": [\n\t\t100\n\t],\n\t"files.exclude": {\n')
    assert json.loads(settings)["yaml.schemas"] == {
        "conduct/ledger/schemas/policy.schema.json": "conduct/ledger/policy.yaml",
        "conduct/ledger/schemas/people.schema.json": "conduct/ledger/people.yaml",
        "conduct/ledger/schemas/sanctions.schema.json": "conduct/ledger/sanctions.yaml",
        "conduct/ledger/schemas/case.schema.json": "conduct/ledger/cases/**/*.yaml",
    }
    assert mono.status() == " M .vscode/settings.json\n"


def test_init_leaves_settings_it_cannot_rewrite_and_refuses_broken_ones(
    mono: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = mono.root / ".vscode" / "settings.json"
    broken = '{\n\t"editor.rulers": [100]\n\t"files.exclude": {}\n}\n'
    settings.write_text(broken)
    init = ("init", "events/ledger", "--lead", "bob", "--email", "bob@example.org")
    refused = mono.coc(*init, expect=2).stderr
    assert refused.startswith(
        "coc: error: .vscode/settings.json:3:2: not valid JSON (Expecting ',' delimiter)"
    )
    assert not (mono.root / "events").exists() and settings.read_text() == broken
    jsonc = '{\n\t// ours\n\t"editor.rulers": [100],\n}\n'  # comments, a trailing comma
    settings.write_text(jsonc)
    said = mono.coc(*init).stderr
    assert said.startswith("Left .vscode/settings.json as it is: it holds comments or trailing")
    assert '"events/ledger/schemas/case.schema.json": "events/ledger/cases/**/*.yaml"' in said
    assert settings.read_text() == jsonc

    def denied(plan: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(vscode, "write", denied)
    settings.write_text(SETTINGS)
    said = mono.coc("init", "minutes/ledger", "--lead", "bob", "--email", "bob@example.org").stderr
    assert said.startswith("Could not write .vscode/settings.json (Permission denied); it should")
    written = json.loads(said.split("hold:\n", 1)[1])["yaml.schemas"]
    assert written["minutes/ledger/schemas/policy.schema.json"] == "minutes/ledger/policy.yaml"
    assert (mono.root / "minutes" / "ledger" / "policy.yaml").is_file()  # the ledger is made


def test_every_commit_touches_only_the_ledger_folder(mono: LedgerRepo) -> None:
    (mono.root / "README.md").write_text("# Governance (draft edit)\n")  # someone's own edit
    (mono.root / "notes.txt").write_text("untracked\n")
    mono.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Insults.",
        "--received-at", "2026-03-02T10:00", "-C", "conduct/ledger",
    )  # fmt: skip
    changed = _git(mono.root, "show", "--format=", "--name-only", "HEAD").split()
    assert changed == ["conduct/ledger/cases/2026/COC-2026-0001.yaml"]
    assert mono.status() == " M .vscode/settings.json\n M README.md\n?? notes.txt\n"


def test_commands_find_the_ledger_from_a_folder_inside_it(
    mono: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = mono.root / "conduct" / "ledger"
    monkeypatch.chdir(ledger / "cases")
    found = mono.coc("person", "show", "frank", "--json").json
    assert found["person"] == "frank"
    mono.coc("meeting", "add", "2026-03-10")
    assert "conduct/ledger/policy.yaml" in _git(mono.root, "show", "--name-only", "HEAD")


def test_from_the_top_without_a_ledger_folder_it_says_where_to_point(mono: LedgerRepo) -> None:
    failed = mono.coc("case", "list", expect=2)
    assert "policy.yaml" in failed.stderr and "-C" not in failed.stdout


def test_validate_and_its_annotations_name_files_from_the_top(mono: LedgerRepo) -> None:
    assert mono.coc("validate", "-C", "conduct/ledger").exit_code == 0
    people = mono.root / "conduct" / "ledger" / "people.yaml"
    people.write_text(people.read_text().replace("email: frank@", "email: [frank@"))
    text = mono.coc("validate", "-C", "conduct/ledger", expect=1)
    assert text.stdout.startswith("conduct/ledger/people.yaml:")
    github = mono.coc("validate", "-C", "conduct/ledger", "--format", "github", expect=1)
    assert "file=conduct/ledger/people.yaml," in github.stdout
    other = mono.coc("person", "show", "frank", "-C", "conduct/ledger", expect=2)
    assert other.stderr.startswith("coc: error: conduct/ledger/people.yaml:")


def test_history_checks_and_the_audit_trail_see_the_ledger_folder(mono: LedgerRepo) -> None:
    base = mono.head()
    mono.coc(
        "report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Insults.",
        "--received-at", "2026-03-02T10:00", "-C", "conduct/ledger",
    )  # fmt: skip
    (mono.root / "budget" / "2026.csv").write_text("item,amount\nhosting,100\n")
    _git(mono.root, "commit", "-qam", "budget: hosting")  # not the ledger's: not its history
    assert mono.coc("validate", "-C", "conduct/ledger", "--base", base).exit_code == 0
    trail = mono.coc("log", "-C", "conduct/ledger", "--json").json
    assert "budget: hosting" not in [entry["subject"] for entry in trail]
    assert trail[0]["case"] == "COC-2026-0001"
    case_trail = mono.coc("log", "COC-2026-0001", "-C", "conduct/ledger", "--json").json
    assert [entry["action"] for entry in case_trail] == ["report new"]


def test_two_ledgers_in_one_repository_keep_their_own_audit_trails(
    mono: LedgerRepo, tmp_path: Path
) -> None:
    mono.coc(
        "init", "events/ledger", "--lead", "bob", "--email", "bob@example.org",
        "--community", "Meetups", "--contact", "events@example.org",
    )  # fmt: skip
    first = mono.coc("log", "-C", "conduct/ledger", "--json").json
    second = mono.coc("log", "-C", "events/ledger", "--json").json
    assert [entry["subject"] for entry in second] == ["init ledger for Meetups"]
    assert "init ledger for Meetups" not in [entry["subject"] for entry in first]


def test_history_checks_see_a_tamper_inside_the_ledger_folder(mono: LedgerRepo) -> None:
    base = mono.head()
    people = mono.root / "conduct" / "ledger" / "people.yaml"
    text = people.read_text()
    start = text.index("  - id: gina")
    people.write_text(text[:start])  # gina removed by hand: the history is append-only
    _git(mono.root, "commit", "-qam", "people: tidy")
    found = mono.coc(
        "validate", "-C", "conduct/ledger", "--base", base, "--format", "json", expect=1
    )
    codes = {(p["code"], p["file"]) for p in found.json["problems"]}
    assert ("CL083", "conduct/ledger/people.yaml") in codes


def test_the_verdict_kept_for_a_ledger_folder_sees_an_edit_in_it(
    mono: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker of a ledger found clean (`store.clean`) reads what git status names, from
    the work tree's top: two different edits of one file inside the folder are two states."""
    from cocledger.store import clean, repository

    monkeypatch.setattr(clean, "SMALL", 0)  # judged as a large ledger would be
    ledger = mono.root / "conduct" / "ledger"
    policy = ledger / "policy.yaml"
    text = policy.read_text()
    policy.write_text(text + "# first\n")
    first = clean.identity(ledger)[0]
    policy.write_text(text + "# second\n")
    assert first is not None and clean.identity(ledger)[0] != first
    mono.coc("validate", "-C", "conduct/ledger")
    assert repository.open(ledger).ledger.known_clean()
    policy.write_text(text.replace("min_size: 3", "min_size: 0"))
    refused = mono.coc("person", "add", "zed", "--name", "Zed", "-C", "conduct/ledger", expect=2)
    assert "conduct/ledger/policy.yaml" in refused.stderr
