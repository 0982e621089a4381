"""A user's mistake is one line and exit 1 or 2; a refused action leaves tree and history alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import SETUP_DAY, LedgerRepo, Run

REPORT = (
    "report",
    "new",
    "--summary",
    "Insults in chat",
    "--respondent",
    "frank",
    "--reporter",
    "gina",
)


def one_line(run: Run, code: int, *fragments: str) -> None:
    """SPEC §4: exit code, a single `coc: error:` line, no traceback, nothing on stdout."""
    assert run.exit_code == code, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("coc: error: "), run.stderr
    assert "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def untouched(ledger: LedgerRepo, head: str, status: str = "") -> None:
    assert ledger.head() == head
    assert ledger.status() == status


# --- roles ----------------------------------------------------------------------------------------


def test_an_unknown_actor_is_refused(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc(*REPORT, "--at", "2026-01-10", actor="mallory", expect=None)
    one_line(run, 1, "mallory@example.org is not in people.yaml", "coc person add")
    untouched(ledger, head)


@pytest.mark.parametrize(
    "args",
    [
        (*REPORT, "--at", "2026-01-10"),
        ("meeting", "add", "2026-02-05", "--at", SETUP_DAY),
        ("person", "add", "jo", "--name", "Jo", "--at", SETUP_DAY),
    ],
)
def test_a_member_off_the_council_is_refused(ledger: LedgerRepo, args: tuple[str, ...]) -> None:
    head = ledger.head()
    run = ledger.coc(*args, actor="hank", expect=None)
    one_line(run, 1, "hank is not")
    untouched(ledger, head)


def test_no_git_identity_is_refused(ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cocledger.cli.main import app

    for key in ("GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(ledger.root.parent))  # no ~/.gitconfig here
    result = CliRunner().invoke(app, ["meeting", "add", "2026-02-05", "--at", SETUP_DAY])
    one_line(Run(result.exit_code, result.stdout, result.stderr), 1, "no git author identity")


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ((*REPORT, "--at", "2026-13-01"), ("--at '2026-13-01'", "there is no month 13")),
        ((*REPORT, "--at", "tomorrow"), ("--at 'tomorrow'",)),
        ((*REPORT, "--at", "2099-01-01"), ("--at 2099-01-01 is in the future",)),
        ((*REPORT, "--received-at", "2026-02-30", "--at", "2026-03-01"), ("--received-at",)),
        ((*REPORT, "--received-at", "2026-03-02", "--at", "2026-03-01"), ("--received-at",)),
        ((*REPORT, "--occurred-on", "2026-03-05", "--at", "2026-03-01"), ("--occurred-on",)),
        ((*REPORT, "--occurred-on", "5 March", "--at", "2026-03-01"), ("--occurred-on",)),
        (("meeting", "add", "next week", "--at", SETUP_DAY), ("DATE 'next week'",)),
        (("person", "show", "frank", "--at", "2026-02-31"), ("--at",)),
    ],
)
def test_a_bad_or_future_date_is_bad_usage(
    ledger: LedgerRepo, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    head = ledger.head()
    one_line(ledger.coc(*args, expect=None), 2, *fragments)
    untouched(ledger, head)


def test_a_query_may_look_at_the_future(ledger: LedgerRepo) -> None:
    assert ledger.coc("person", "show", "frank", "--at", "2099-01-01", "--json").json["person"] == (
        "frank"
    )


# --- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("report", "share", "../../etc/passwd", "--at", "2026-01-10"), "not a valid case id"),
        (("case", "show", "../../etc/passwd"), "not a valid case id"),
        (("case", "show", "COC-2026-0001/../../x"), "not a valid case id"),
        (("case", "show", "COC-2026-0042"), "no case 'COC-2026-0042'"),
        (("person", "show", "Bob"), "'Bob' is not a valid person id"),
        (("person", "show", "zed"), "no person 'zed'"),
        (("sanction", "show", "../sanctions"), "not a valid sanction id"),
        (("sanction", "enact", "S-2026-0009", "--at", "2026-01-10"), "no sanction 'S-2026-0009'"),
        (("report", "new", "--summary", "Insults in chat", "--respondent", "Bob", "--reporter", "gina", "--at", "2026-01-10"),
         "'Bob' is not a valid person id"),
        (("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "frank", "--at", "2026-01-10"),
         "same person"),
        (("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina", "--category", "rudeness",
          "--at", "2026-01-10"), "--category rudeness"),
        (("report", "new", "--summary", "Insults in chat", "--respondent", "frank", "--reporter", "gina", "--setting", "online",
          "--at", "2026-01-10"), "--setting"),
    ],
)  # fmt: skip
def test_a_bad_id_is_bad_usage(ledger: LedgerRepo, args: tuple[str, ...], fragment: str) -> None:
    head = ledger.head()
    one_line(ledger.coc(*args, expect=None), 2, fragment)
    untouched(ledger, head)


def test_a_bad_member_id_in_a_committee_is_bad_usage(ledger: LedgerRepo) -> None:
    case = ledger.coc(*REPORT, "--at", "2026-01-10", "--json").json["case"]
    head = ledger.head()
    run = ledger.coc("committee", "form", case, "--member", "../bob", "--member", "carol",
                     "--member", "dan", "--at", "2026-01-10", expect=None)  # fmt: skip
    one_line(run, 2, "'../bob' is not a valid person id")
    untouched(ledger, head)


# --- the ledger itself ------------------------------------------------------------------------------


def test_outside_a_ledger(tmp_path: Path, ledger: LedgerRepo) -> None:
    one_line(ledger.coc("person", "show", "frank", "-C", str(tmp_path / "none"), expect=None), 2,
             "not a directory")  # fmt: skip
    plain = tmp_path / "plain"
    plain.mkdir()
    one_line(ledger.coc("person", "show", "frank", "-C", str(plain), expect=None), 2,
             "not inside a git repository")  # fmt: skip
    for args in (("log", "-C", "a" * 300), ("person", "show", "frank", "-C", "a" * 300)):
        one_line(ledger.coc(*args, expect=None), 2, "aaaa: ", "pass -C PATH")  # name too long


def test_a_git_repository_without_a_ledger(tmp_path: Path, ledger: LedgerRepo) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    LedgerRepo(empty).git("init", "-q")
    one_line(ledger.coc("person", "show", "frank", "-C", str(empty), expect=None), 2,
             "policy.yaml: missing", "coc init")  # fmt: skip


def test_the_ledger_can_be_named_from_elsewhere(
    ledger: LedgerRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ledger.coc("meeting", "add", "2026-02-05", "-C", str(ledger.root), "--at", SETUP_DAY)
    assert ledger.trailers()["Coc-Action"] == "meeting add"


def commit_edit(ledger: LedgerRepo, relpath: str, old: str, new: str) -> int:
    """A hand edit, committed; returns the line it is on."""
    text = ledger.read(relpath)
    assert old in text
    (ledger.root / relpath).write_text(text.replace(old, new), encoding="utf-8")
    ledger.git("commit", "-q", "-am", f"edit {relpath}")
    return text[: text.index(old)].count("\n") + 1


def test_a_bad_value_in_policy_yaml_names_its_line(ledger: LedgerRepo) -> None:
    line = commit_edit(ledger, "policy.yaml", "record_retention_after_ban: 18 months",
                       "record_retention_after_ban: 18 moons")  # fmt: skip
    one_line(ledger.coc("person", "show", "frank", expect=None), 2,
             f"policy.yaml:{line}:", "record_retention_after_ban", "'18 moons' is not a duration")  # fmt: skip


def test_a_yaml_syntax_error_names_its_line(ledger: LedgerRepo) -> None:
    line = commit_edit(ledger, "people.yaml", "  - id: frank\n", "  - id: [frank\n")
    one_line(ledger.coc("person", "show", "gina", expect=None), 2, "people.yaml:", "YAML syntax")
    assert line > 1


def test_an_impossible_date_in_a_file_names_its_line(ledger: LedgerRepo) -> None:
    case = ledger.coc(*REPORT, "--at", "2026-01-10", "--json").json["case"]
    relpath = f"cases/2026/{case}.yaml"
    ledger.coc("report", "share", case, "--at", "2026-01-11")
    line = commit_edit(ledger, relpath, "respondent_response: '2026-01-18'",
                       "respondent_response: 2026-01-32")  # fmt: skip
    one_line(ledger.coc("case", "show", case, expect=None), 2, f"{relpath}:{line}:", "2026-01-32")


# --- git: hooks, dirty files ------------------------------------------------------------------------


def install_hook(ledger: LedgerRepo, name: str, body: str) -> None:
    hook = ledger.root / ".git" / "hooks" / name
    hook.write_text(f"#!/bin/sh\n{body}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def test_a_pre_commit_hook_that_rejects_leaves_no_trace(ledger: LedgerRepo) -> None:
    """SPEC §6: git's whole output (the hook's), indented, after the one-line error."""
    hook = "echo 'ledger frozen for the audit' >&2; echo 'ask erin to lift it'; exit 1"
    install_hook(ledger, "pre-commit", hook)
    head = ledger.head()
    files = sorted(
        p.relative_to(ledger.root) for p in ledger.root.rglob("*") if ".git" not in p.parts
    )
    run = ledger.coc(*REPORT, "--at", "2026-01-10", expect=1)
    assert (run.stdout, run.stderr) == (
        "",
        "coc: error: git refused the commit: ledger frozen for the audit\n"
        "    ledger frozen for the audit\n"
        "    ask erin to lift it\n",
    )
    untouched(ledger, head)
    assert (
        sorted(p.relative_to(ledger.root) for p in ledger.root.rglob("*") if ".git" not in p.parts)
        == files
    )
    assert ledger.git("diff", "--cached", "--name-only") == ""


def test_a_rejected_commit_restores_a_file_it_rewrote(ledger: LedgerRepo) -> None:
    before = ledger.read("people.yaml")
    install_hook(ledger, "commit-msg", "exit 1")
    head = ledger.head()
    run = ledger.coc("person", "add", "jo", "--name", "Jo", "--at", SETUP_DAY, expect=None)
    one_line(run, 1, "git refused the commit")
    untouched(ledger, head)
    assert ledger.read("people.yaml") == before


def test_an_action_refuses_a_file_with_uncommitted_edits(ledger: LedgerRepo) -> None:
    edited = ledger.read("people.yaml") + "# my notes, not yet committed\n"
    (ledger.root / "people.yaml").write_text(edited, encoding="utf-8")
    head = ledger.head()
    run = ledger.coc("person", "add", "jo", "--name", "Jo", "--at", SETUP_DAY, expect=None)
    one_line(run, 1, "people.yaml has uncommitted changes")
    untouched(ledger, head, " M people.yaml\n")
    assert ledger.read("people.yaml") == edited


def test_an_action_refuses_a_case_file_with_uncommitted_edits(ledger: LedgerRepo) -> None:
    case = ledger.coc(*REPORT, "--at", "2026-01-10", "--json").json["case"]
    case_file = ledger.root / "cases" / "2026" / f"{case}.yaml"
    edited = case_file.read_text(encoding="utf-8") + "# a council member's draft note\n"
    case_file.write_text(edited, encoding="utf-8")
    head = ledger.head()
    run = ledger.coc("report", "share", case, "--at", "2026-01-11", expect=None)
    one_line(run, 1, f"cases/2026/{case}.yaml has uncommitted changes")
    untouched(ledger, head, f" M cases/2026/{case}.yaml\n")
    assert case_file.read_text(encoding="utf-8") == edited


def test_a_stray_case_file_is_never_overwritten(ledger: LedgerRepo) -> None:
    stray = ledger.root / "cases" / "2026" / "COC-2026-0001.yaml"
    stray.parent.mkdir(parents=True)
    stray.write_text("# a draft\n", encoding="utf-8")
    case = ledger.coc(*REPORT, "--at", "2026-01-10", "--json").json["case"]
    assert case != "COC-2026-0001"
    assert stray.read_text() == "# a draft\n"
    assert ledger.status() == "?? cases/2026/COC-2026-0001.yaml\n"


def test_an_action_never_sweeps_in_unrelated_edits(ledger: LedgerRepo) -> None:
    (ledger.root / "notes.txt").write_text("private\n", encoding="utf-8")
    edited = ledger.read("people.yaml") + "# unstaged edit\n"
    (ledger.root / "people.yaml").write_text(edited, encoding="utf-8")
    (ledger.root / "sanctions.yaml").write_text(
        ledger.read("sanctions.yaml") + "# staged edit\n", encoding="utf-8"
    )
    ledger.git("add", "sanctions.yaml")
    status = ledger.status()
    case = ledger.coc(*REPORT, "--at", "2026-01-10", "--json").json["case"]
    assert ledger.git("show", "--name-only", "--format=", "HEAD").split() == [
        f"cases/2026/{case}.yaml"
    ]
    assert ledger.status() == status
    assert ledger.git("diff", "--cached", "--name-only").split() == ["sanctions.yaml"]
    assert ledger.read("people.yaml") == edited


def test_a_read_only_ledger_fails_cleanly(ledger: LedgerRepo) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    cases = ledger.root / "cases"
    cases.chmod(0o555)
    try:
        head = ledger.head()
        run = ledger.coc(*REPORT, "--at", "2026-01-10", expect=None)
        assert run.exit_code in (1, 2) and "Traceback" not in run.stderr
        untouched(ledger, head)
    finally:
        cases.chmod(0o755)


# --- usage errors of the command line itself --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("report", "new", "--summary", "Insults in chat", "--reporter", "gina"),
        ("sanction", "vote", "S-2026-0001", "--member", "bob"),
        ("apology", "record", "S-2026-0001", "--delivered", "--refused"),
        ("sanction", "propose", "COC-2026-0001", "--kind", "exile"),
        ("sanction", "propose", "COC-2026-0001", "--duration", "a while"),
    ],
)
def test_a_missing_or_conflicting_flag_exits_2_without_a_traceback(
    ledger: LedgerRepo, args: tuple[str, ...]
) -> None:
    run = ledger.coc(*args, expect=2)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stderr.strip()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("report", "new", "--summary", "Insults in chat", "--reporter", "gina"), "--respondent"),
        (("sanction", "propose", "COC-2026-0001", "--colour", "red"), "--colour"),
        (("sanction", "banish"), "banish"),
    ],
)
def test_a_flag_mistake_is_one_line_naming_the_flag(
    ledger: LedgerRepo, args: tuple[str, ...], names: str
) -> None:
    run = ledger.coc(*args, expect=2)
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("coc: error: ") and names in run.stderr and "--help" in run.stderr


def test_a_mistyped_command_gets_a_suggestion(ledger: LedgerRepo) -> None:
    one_line(ledger.coc("cas", "list", expect=None), 2,
             "No such command 'cas'. Did you mean 'case'? See 'coc --help'.")  # fmt: skip
