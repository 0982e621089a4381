"""`coc validate`'s output and exit codes, `coc schema`, and what `coc init` sets up for CI and
editors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checkwork import AT, edit, validate
from cocledger.checks import CHECKS
from cocledger.core.schemas import schema_texts
from cocledger.store import cases as check_context
from cocledger.store import yamlio
from conftest import LedgerRepo
from forkserver import coc_on_path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _unknown_reporter(ledger: LedgerRepo) -> tuple[str, int]:
    """A case whose reporter is not in people.yaml (one CL010), and the line of it."""
    from conftest import reviewed_case

    case = reviewed_case(ledger)
    path = f"cases/{case[4:8]}/{case}.yaml"
    return path, edit(ledger, path, "reporter: gina", "reporter: zed")


# --- output ------------------------------------------------------------------------------------


def test_text_output_is_path_line_col_severity_code_message(ledger: LedgerRepo) -> None:
    """SPEC §6: the severity is a word, so that without colour (pre-commit, a CI log) a blocking
    error is told from a warning."""
    from conftest import new_report

    case = new_report(ledger, "2026-01-10T09:00Z")  # the council is never told: a warning
    path = f"cases/{case[4:8]}/{case}.yaml"
    line = edit(ledger, path, "reporter: gina", "reporter: zed")
    run = ledger.coc("validate", "--at", AT, "--select", "CL010", "--select", "CL060", expect=1)
    assert run.stdout.splitlines()[0] == (
        f"{path}:{line}:1: error CL010 reporter is not in people.yaml (add them with "
        "`coc person add`)"
    )
    assert re.match(
        rf"{path}:\d+:\d+: warning CL060 {case}: council notice overdue", run.stdout.splitlines()[1]
    )
    assert run.stdout.splitlines()[2:] == ["Found 1 error and 1 warning."]


def test_json_output_has_the_spec_keys(ledger: LedgerRepo) -> None:
    path, line = _unknown_reporter(ledger)
    data = ledger.coc("validate", "--at", AT, "--format", "json", expect=1).json
    assert data["ok"] is False
    assert data["problems"] == [
        {
            "code": "CL010",
            "severity": "error",
            "file": path,
            "line": line,
            "col": 1,
            "message": "reporter is not in people.yaml (add them with `coc person add`)",
        }
    ]


def test_github_output_is_one_annotation_per_problem(ledger: LedgerRepo) -> None:
    path, line = _unknown_reporter(ledger)
    run = ledger.coc("validate", "--at", AT, "--format", "github", expect=1)
    assert run.stdout == (
        f"::error file={path},line={line},col=1,title=CL010::"
        "reporter is not in people.yaml (add them with `coc person add`)\n"
    )


def test_github_annotations_of_warnings_are_warnings(ledger: LedgerRepo) -> None:
    edit(ledger, "policy.yaml", "council: [alice, bob, carol, dan, erin]", "council: [alice, bob]")
    run = ledger.coc("validate", "--at", AT, "--format", "github", expect=0)
    assert run.stdout.startswith("::warning file=policy.yaml,line=")
    assert "title=CL072::" in run.stdout


def test_a_clean_ledger_says_so_and_exits_0(ledger: LedgerRepo) -> None:
    run = ledger.coc("validate", "--at", AT, expect=0)
    assert run.stdout == "No problems found.\n"
    assert ledger.coc("validate", "--format", "json", expect=0).json == {"ok": True, "problems": []}


# --- exit codes ----------------------------------------------------------------------------------


def test_warnings_alone_exit_0_and_strict_makes_them_count(ledger: LedgerRepo) -> None:
    edit(ledger, "policy.yaml", "council: [alice, bob, carol, dan, erin]", "council: [alice, bob]")
    assert validate(ledger, expect=0)[0]["severity"] == "warning"
    data = ledger.coc("validate", "--at", AT, "--strict", "--format", "json", expect=1).json
    assert data["ok"] is False


def test_select_runs_only_the_checks_named(ledger: LedgerRepo) -> None:
    _unknown_reporter(ledger)
    edit(ledger, "policy.yaml", "council: [alice, bob, carol, dan, erin]", "council: [alice, bob]")
    assert {p["code"] for p in validate(ledger, expect=1)} == {"CL010", "CL072"}
    assert {p["code"] for p in validate(ledger, "--select", "CL07", expect=0)} == {"CL072"}


def test_an_unknown_check_code_is_a_usage_error(ledger: LedgerRepo) -> None:
    run = ledger.coc("validate", "--select", "CL999", expect=2)
    assert "--select CL999" in run.stderr


def test_an_unknown_format_is_a_usage_error(ledger: LedgerRepo) -> None:
    assert "'xml' is not one of" in ledger.coc("validate", "--format", "xml", expect=2).stderr


def test_a_directory_that_is_not_a_ledger_exits_2(ledger: LedgerRepo, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    assert "policy.yaml" in ledger.coc("validate", "-C", str(empty), expect=2).stderr
    assert ledger.coc("validate", "-C", str(tmp_path / "nowhere"), expect=2).stderr


def test_a_broken_policy_still_reports_the_other_files(ledger: LedgerRepo) -> None:
    path, _ = _unknown_reporter(ledger)
    edit(ledger, "policy.yaml", "min_size: 3", "min_size: three")
    found = {(p["code"], p["file"]) for p in validate(ledger, expect=1)}
    assert {("CL002", "policy.yaml"), ("CL010", path)} <= found


# --- speed without shortcuts -----------------------------------------------------------------------


def test_each_file_is_parsed_once(ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _unknown_reporter(ledger)
    parsed: list[str] = []
    real = yamlio.load_fast
    monkeypatch.setattr(
        yamlio, "load_fast", lambda text, file: parsed.append(file) or real(text, file)
    )
    validate(ledger, expect=1)
    assert sorted(parsed) == sorted(set(parsed))
    assert len(parsed) == 4  # policy, people, sanctions, the case


def test_parsing_in_worker_processes_finds_the_same_problems(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unknown_reporter(ledger)
    serial = validate(ledger, expect=1)
    monkeypatch.setattr(check_context, "PARALLEL_FROM", 1)
    monkeypatch.setattr(check_context, "CHUNK", 1)
    assert validate(ledger, expect=1) == serial


def test_validate_never_imports_the_round_trip_yaml_library(ledger: LedgerRepo) -> None:
    _unknown_reporter(ledger)
    script = (
        "import sys\n"
        "from cocledger.cli.main import app\n"
        "try:\n"
        "    app(['validate', '--at', '2026-03-01'], prog_name='coc')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 1, exc.code\n"
        "assert not [m for m in sys.modules if m.startswith('ruamel')], 'ruamel imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ledger.root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- schemas, CI, editors, pre-commit ----------------------------------------------------------------


def test_the_strict_hook_blocks_only_a_warning_a_coc_action_adds(ledger: LedgerRepo) -> None:
    """SPEC §6: the strict pre-commit hook never blocks a `coc` action that adds no warning, so
    two overdue council notices are cleared one action at a time; it still blocks a commit made
    by hand while a warning stands, and an action that adds one (git's whole output shown)."""
    from conftest import new_report

    first = new_report(ledger, "2026-01-10T09:00Z")  # two council notices, both overdue
    new_report(ledger, "2026-01-12T09:00Z", respondent="hank", reporter="ivy")
    with coc_on_path(dict(os.environ)) as bin_dir:  # the hook's `coc`: a process each run
        _strict_hook_checks(ledger, first, Path(bin_dir) / "coc")


def _strict_hook_checks(ledger: LedgerRepo, first: str, coc: Path) -> None:
    hook = ledger.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{coc}" validate --strict --at 2026-03-01\n')
    hook.chmod(0o755)
    head = ledger.head()
    ledger.coc("report", "notify-council", first, "--at", "2026-01-10T10:00Z")
    assert ledger.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    by_hand = subprocess.run(
        ["git", "commit", "--allow-empty", "-qm", "a note"], cwd=ledger.root, capture_output=True
    )
    assert by_hand.returncode == 1 and b"warning CL060" in by_hand.stderr  # git: hooks to stderr
    head = ledger.head()
    args = ("--respondent", "gina", "--reporter", "frank", "--summary", "Insults in chat")
    run = ledger.coc("report", "new", *args, "--at", "2026-01-20T09:00Z", expect=1)
    said = run.stderr.splitlines()
    assert re.match(  # the headline is the warning the action adds, not one there before
        r"coc: error: git refused the commit: cases/2026/COC-2026-0003\.yaml:\d+:\d+: warning CL060 ",
        said[0],
    )
    assert (
        "    1 warning was there before this `coc` action (report new): the strict hook blocks "
        "only a warning an action adds."
    ) in said
    assert (ledger.head(), ledger.status()) == (head, "")


def test_schema_writes_the_four_file_kinds(ledger: LedgerRepo, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    ledger.coc("schema", "-o", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "case.schema.json",
        "people.schema.json",
        "policy.schema.json",
        "sanctions.schema.json",
    ]
    case = json.loads((out / "case.schema.json").read_text())
    assert case["additionalProperties"] is False and "timeline" in case["properties"]


def test_the_schemas_init_wrote_are_what_coc_schema_writes(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    ledger.coc("schema", "-o", str(tmp_path / "now"))
    for name in schema_texts():
        assert (ledger.root / "schemas" / name).read_text() == (tmp_path / "now" / name).read_text()


def test_schema_defaults_to_the_ledgers_schemas_folder(ledger: LedgerRepo) -> None:
    (ledger.root / "schemas" / "case.schema.json").unlink()
    ledger.coc("schema")
    assert (ledger.root / "schemas" / "case.schema.json").is_file()
    assert ledger.status() == ""


def test_init_maps_the_schemas_onto_the_files_for_editors(ledger: LedgerRepo) -> None:
    settings = json.loads(ledger.read(".vscode/settings.json"))
    assert settings["yaml.schemas"] == {
        "schemas/policy.schema.json": "policy.yaml",
        "schemas/people.schema.json": "people.yaml",
        "schemas/sanctions.schema.json": "sanctions.yaml",
        "schemas/case.schema.json": "cases/**/*.yaml",
    }
    assert ledger.read("people.yaml").startswith(
        "# yaml-language-server: $schema=schemas/people.schema.json"
    )


@pytest.mark.parametrize(
    "event",
    [
        {"EVENT": "pull_request", "BASE_REF": "main"},
        {"EVENT": "push", "BEFORE": "HEAD~1"},
        {"EVENT": "push", "BEFORE": "0" * 40, "DEFAULT_BRANCH": "main"},  # a new branch
    ],
)
def test_init_writes_a_workflow_validating_pull_requests_and_pushes(
    ledger: LedgerRepo, event: dict[str, str]
) -> None:
    """SPEC §6: on pull requests (--base the target) and pushes (--base the commit before; a new
    branch's all-zero `before`: where it left the default branch). The script is run as GitHub
    would, with the event's values in its environment."""
    workflow = yaml.safe_load(ledger.read(".github/workflows/coc-validate.yml"))
    assert {"pull_request", "push"} <= set(workflow[True])  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    script, env = steps[-1]["run"], steps[-1]["env"]
    assert "${{" not in script and set(env) == {"EVENT", "BASE_REF", "BEFORE", "DEFAULT_BRANCH"}
    ledger.git("remote", "add", "origin", str(ledger.root))
    ledger.git("fetch", "-q", "origin")
    values = {
        k: ledger.git("rev-parse", v).strip() if v == "HEAD~1" else v for k, v in event.items()
    }
    bin_dir = Path(sys.executable).parent
    run = subprocess.run(
        ["bash", "-eu", "-c", script],
        cwd=ledger.root,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
             "BASE_REF": "", "BEFORE": "", "DEFAULT_BRANCH": "", **values},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "::error" not in run.stdout and "fatal" not in run.stderr


def test_every_check_code_is_documented() -> None:
    docs = (REPO_ROOT / "docs" / "checks.md").read_text()
    for code, (_, severity, title) in CHECKS.items():
        assert f"### {code} — {title} ({severity})" in docs


def test_the_sample_ledgers_schemas_are_what_coc_schema_writes() -> None:
    for name, text in schema_texts().items():
        assert (REPO_ROOT / "schemas" / name).read_text() == text, f"run `coc schema` ({name})"
