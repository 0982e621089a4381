"""Docs drift: every command has help and appears in the README; the README's walkthrough runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from typer.main import get_command

from cocledger.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, str | None]]:
    """(command path, its help) for every leaf command of `coc`."""
    found = []

    def walk(command: object, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}")
        else:
            found.append((path, getattr(command, "help", None)))

    walk(get_command(app), "coc")
    return found


def test_every_command_has_help_and_appears_in_the_readme() -> None:
    commands = _commands()
    assert len(commands) > 25
    for path, help_text in commands:
        assert help_text, f"{path} has no help text"
        assert f"`{path}" in README, f"{path} is not in README.md's command table"


def test_the_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "pip install -e ." in blocks[0] and "coc validate" in blocks[0]
    assert blocks[1].strip() == "python -m pip install -e '.[test]' && pytest"


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    block = README.split("<!-- walkthrough -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_COMMITTER_NAME": "Alice Ashdown",
        "GIT_COMMITTER_EMAIL": "alice@example.org",
    }
    (tmp_path / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "3 month ban from October 20, 2026 until January 20, 2027" in run.stdout
    assert "No problems found." in run.stdout
    assert "apology record S-2026-0001 (COC-2026-0001)" in run.stdout
    ledger = tmp_path / "council-ledger"
    left = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ledger, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert left == ""  # the confidential report.txt was written outside the ledger
