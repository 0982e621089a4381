"""The console script reads a plain `coc log` line itself, without typer (issue 6). What it
accepts it must read exactly as typer would, and everything else must reach typer untouched."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from unittest import mock

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cocledger.cli import common, entry, trail
from cocledger.cli.entry import LogArgs
from cocledger.cli.main import app
from conftest import LedgerRepo, reviewed_case, run_entry


def _options(command: object) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """A click command's value options and flags (option -> parameter name), and arguments."""
    values: dict[str, str] = {}
    flags: dict[str, str] = {}
    arguments: list[str] = []
    for param in command.params:  # type: ignore[attr-defined]
        if param.param_type_name == "argument":
            arguments.append(param.name)
            continue
        for opt in [*param.opts, *param.secondary_opts]:
            (flags if param.is_flag else values)[opt] = param.name
    return values, flags, arguments


def test_the_quick_reader_knows_every_option_of_coc_log() -> None:
    """An option added to `coc log` (or to the group) without teaching `entry` fails here."""
    group = typer.main.get_command(app)
    assert _options(group)[:2] == (entry.GROUP_VALUES, entry.GROUP_FLAGS)
    values, flags, arguments = _options(group.commands["log"])  # type: ignore[attr-defined]
    assert (values, flags, arguments) == (entry.LOG_VALUES, entry.LOG_FLAGS, ["target"])
    assert list(LogArgs._fields) == list(inspect.signature(trail.show).parameters)  # show(*args)


def test_the_console_script_is_the_entry_point() -> None:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["coc"] == "cocledger.cli.entry:run"


def _typer_reads(args: list[str]) -> LogArgs | None:
    """What typer hands `coc log` for these arguments, or None if it runs no trail at all."""
    seen: list[tuple[object, ...]] = []
    with mock.patch.object(trail, "show", lambda *given: seen.append(given)):
        result = CliRunner().invoke(app, args)
    if result.exit_code != 0 or not seen:
        return None
    target, max_count, ledger, at, as_json = seen[0]
    return LogArgs(target, max_count, ledger or common.default_ledger, at, as_json)  # type: ignore[arg-type]


PLAIN = [
    (["log"], LogArgs(None, None, None, None, False)),
    (["log", "COC-2026-0001"], LogArgs("COC-2026-0001", None, None, None, False)),
    (["log", "--json", "frank"], LogArgs("frank", None, None, None, True)),
    (["log", "-n", "3", "SAN-2026-0002"], LogArgs("SAN-2026-0002", 3, None, None, False)),
    (["log", "-n12", "--at=2026-05-01"], LogArgs(None, 12, None, "2026-05-01", False)),
    (
        ["log", "--max-count=7", "--at", "2026-05-01T10:00Z"],
        LogArgs(None, 7, None, "2026-05-01T10:00Z", False),
    ),
    (["-C", "a b", "log", "x"], LogArgs("x", None, Path("a b"), None, False)),
    (["-Cgroup", "log", "-C", "own"], LogArgs(None, None, Path("own"), None, False)),
    (["--ledger=l", "log", "--ledger", "log"], LogArgs(None, None, Path("log"), None, False)),
    (["-C", "log", "log", "log"], LogArgs("log", None, Path("log"), None, False)),
    (["log", "Zoë"], LogArgs("Zoë", None, None, None, False)),
]


def test_a_plain_log_line_is_read_as_typer_reads_it() -> None:
    for args, expected in PLAIN:
        assert entry.log_args(args) == expected, args
        assert _typer_reads(args) == expected, args


UNUSUAL = [
    [],
    ["due"],
    ["--version", "log"],
    ["log", "--help"],
    ["log", "-h"],
    ["log", "a", "b"],  # typer's message: one argument too many
    ["log", "-n", "0"],  # typer's message: at least 1
    ["log", "-n", "05"],
    ["log", "-n", "+5"],
    ["log", "-n", "x"],
    ["log", "-n"],
    ["log", "-n", "-1"],
    ["log", "--json", "--json"],
    ["log", "-C", "a", "--ledger", "b"],
    ["log", "--json=yes"],
    ["log", "--at="],
    ["log", "--", "-x"],
    ["log", "--", "--json"],  # after `--`, a word is the target, whatever it looks like
    ["log", "--", "x"],
    ["log", "-"],
    ["log", ""],
    ["log", "a\tb"],
    ["log", "\udcff"],  # an undecodable byte in argv
    ["log", "--max"],  # click has no abbreviations, argparse would
    ["-n", "1", "log"],  # -n is the command's, not the group's
    ["repor", "log"],
]


def test_anything_unusual_is_left_to_typer() -> None:
    for args in UNUSUAL:
        assert entry.log_args(args) is None, args


COUNTS = st.sampled_from(["1", "12", "3", "7", "0", "05", "+3", "x", "-1", ""])
PATHS = st.sampled_from(["p", "a b", "log", "Zoë", "-x", ""])
GROUP_PATHS = st.sampled_from(["g", "g h", "-x", ""])  # none of PATHS: which one won shows
MOMENTS = st.sampled_from(["2026-01-01", "2026-01-01T10:00Z", "soon", "-1", ""])
TARGETS = st.sampled_from(["COC-2026-0001", "SAN-2026-0001", "frank", "log", "x y", "-", ""])
ODD = st.sampled_from(
    ["--", "--help", "-h", "--version", "--json=1", "-x", "due", "a\tb", "\udcff"]
)


@st.composite
def log_lines(draw: st.DrawFn) -> list[str]:
    """A `coc log` line, mostly as people write it, each option spelt one of click's ways."""

    def spell(option: str, value: str) -> list[str]:
        return draw(st.sampled_from([[option, value], [option + value], [f"{option}={value}"]]))

    group = (
        [spell(draw(st.sampled_from(["-C", "--ledger"])), draw(GROUP_PATHS))]
        if draw(st.booleans())
        else []
    )
    own = []
    for option, values in (
        ("-n", COUNTS),
        ("--max-count", COUNTS),
        ("--at", MOMENTS),
        ("-C", PATHS),
        ("--ledger", PATHS),
    ):
        if draw(st.integers(0, 3)) == 0:
            own.append(spell(option, draw(values)))
    own += [["--json"]] * draw(st.integers(0, 2)) + [[draw(TARGETS)]] * draw(st.integers(0, 2))
    if draw(st.integers(0, 4)) == 0:
        own.append([draw(ODD)])
    words = [word for part in [*group, ["log"], *draw(st.permutations(own))] for word in part]
    return words[1:] if draw(st.integers(0, 9)) == 0 else words  # now and then not a line at all


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_lines())
def test_whatever_the_quick_reader_accepts_typer_reads_alike(args: list[str]) -> None:
    quick = entry.log_args(args)
    if quick is not None:
        assert _typer_reads(args) == quick, args


def test_the_trail_comes_out_alike_by_either_way(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    root = str(ledger.root)
    for args in (
        ["log", case],
        ["log", case, "--json"],
        ["log", "-n", "1", "--json"],
        ["log"],
        ["log", "frank", "--json"],
        ["log", "bob"],
        ["log", "--at", "2026-01-15", case, "--json"],
        ["-C", root, "log", case],
        ["log", "COC-2026-0099"],  # no such case: exit 2, one line
        ["log", "not an id"],
        ["log", "--at", "soon"],
    ):
        assert entry.log_args(args) is not None, args
        quick = run_entry(args)
        full = CliRunner().invoke(app, args)
        assert (quick.exit_code, quick.stdout, quick.stderr) == (
            full.exit_code,
            full.stdout,
            full.stderr,
        ), args
    assert run_entry(["log", "COC-2026-0099"]).exit_code == 2


def test_the_quick_path_imports_neither_typer_nor_the_models(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    code = (
        "import sys\nfrom cocledger.cli import entry\nsys.argv = ['coc', *sys.argv[1:]]\n"
        "entry.run()\nheavy = ('typer', 'pydantic', 'rich', 'yaml', 'ruamel')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "log", case, "--json"],
        cwd=ledger.root,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and run.stderr == "[]\n", run.stderr
    assert case in run.stdout
    help_run = subprocess.run(
        [sys.executable, "-c", code, "log", "--help"],
        cwd=ledger.root,
        capture_output=True,
        text=True,
    )
    assert help_run.returncode == 0 and "Usage: coc log" in help_run.stdout  # typer's help


def test_a_ledger_typer_would_refuse_is_left_to_it(tmp_path: Path) -> None:
    """typer refuses a -C directory that exists but cannot be read (root can read anything, so
    the permission is taken away where both readers ask for it)."""
    unreadable = str(tmp_path)
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if str(path) == unreadable and mode == os.R_OK:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(os, "access", access):
        for args in (
            ["-C", unreadable, "log"],
            ["log", "-C", unreadable],
            ["-C", unreadable, "log", "-C", "."],  # typer checks the group's -C too
        ):
            assert entry.log_args(args) is None, args
            assert _typer_reads(args) is None, args
    assert entry.log_args(["log", "-C", unreadable]) == LogArgs(None, None, tmp_path, None, False)


def test_the_group_ledger_of_an_earlier_run_does_not_stick(
    ledger: LedgerRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process (as in these tests) `coc -C OTHER ...` must not leak into a later `coc log`."""
    other = tmp_path / "other"
    other.mkdir()
    assert CliRunner().invoke(app, ["-C", str(ledger.root), "case", "list"]).exit_code == 0
    monkeypatch.chdir(other)
    quick, full = run_entry(["log", "-n", "1"]), CliRunner().invoke(app, ["log", "-n", "1"])
    assert quick.exit_code == full.exit_code == 2
    assert quick.stderr == full.stderr and "not inside a git repository" in quick.stderr


def _raising(exc: BaseException) -> object:
    def trail(*_: object) -> None:
        raise exc

    return trail


def test_a_failure_is_told_alike_by_either_way(
    ledger: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ends a command: interrupted (130), a bug (3, or its traceback under COC_DEBUG=1)."""
    for exc, code, said in (
        (KeyboardInterrupt(), 130, "coc: error: interrupted; nothing was changed\n"),
        (RuntimeError("boom"), 3, "coc: error: internal error: RuntimeError: boom (COC_DEBUG=1"),
    ):
        with mock.patch("cocledger.audit.trail", _raising(exc)):
            quick, full = run_entry(["log"]), CliRunner().invoke(app, ["log"])
        assert quick.exit_code == full.exit_code == code
        assert quick.stderr == full.stderr and quick.stderr.startswith(said), quick.stderr
    monkeypatch.setenv("COC_DEBUG", "1")
    with mock.patch("cocledger.audit.trail", _raising(RuntimeError("boom"))):
        with pytest.raises(RuntimeError, match="boom"):
            run_entry(["log"])
        assert isinstance(CliRunner().invoke(app, ["log"]).exception, RuntimeError)


def test_a_reader_who_left_is_not_an_error(ledger: LedgerRepo) -> None:
    """`coc log | head`: writing to a pipe nobody reads ends quietly, by either way (buffered,
    as a script's stdout is: the error comes when the output is flushed)."""
    reviewed_case(ledger)
    code = (
        "import sys; from cocledger.cli.entry import run; sys.argv = ['coc', *sys.argv[1:]]; run()"
    )
    for args in (["log"], ["log", "-n", "05"]):  # the quick path, then typer's (-n 05 is unusual)
        assert (entry.log_args(args) is None) == (args[-1] == "05")
        read, write = os.pipe()
        os.close(read)  # the reader has gone before the first byte
        try:
            run = subprocess.run(
                [sys.executable, "-c", code, *args],
                cwd=ledger.root,
                stdout=write,
                stderr=subprocess.PIPE,
                env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
                text=True,
            )
        finally:
            os.close(write)
        assert (run.returncode, run.stderr) == (0, ""), args


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert entry.log_args(["log"]) is not None
    monkeypatch.setenv("_COC_COMPLETE", "bash_complete")
    assert entry.log_args(["log"]) is None
