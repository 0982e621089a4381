"""Docs drift: every command has help and appears in the README; the README's walkthrough runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from typer.main import get_command

from cocledger.cli.main import app
from forkserver import coc_on_path

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


def _block(marker: str) -> str:
    """The first ```sh block after `marker` in README.md."""
    return README.split(marker, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]


def _env(home: Path) -> dict[str, str]:
    """A shell as a new user's: no git config but ours, no identity, `coc` on the PATH."""
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_COMMITTER_NAME": "Alice Ashdown",
        "GIT_COMMITTER_EMAIL": "alice@example.org",
    }


def _run_block(block: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run `block` with bash, each `coc` in it a process of its own (tests/forkserver.py: the
    console script's entry point, without starting Python and importing cocledger each time)."""
    env = _env(home)
    with coc_on_path(dict(env)) as bin_dir:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=home, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip


def _left(ledger: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ledger, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    run = _run_block(_block("<!-- walkthrough -->"), tmp_path)
    assert run.returncode == 0, run.stderr
    assert "3 month ban from October 20, 2026 until January 20, 2027" in run.stdout
    assert "No problems found." in run.stdout
    assert "apology record S-2026-0001 (COC-2026-0001)" in run.stdout
    # the confidential report.txt was written outside the ledger
    assert _left(tmp_path / "council-ledger") == ""


SUMMARY = "Repeated insults in the release thread."
REASON = "Carol coaches the respondent"


def test_the_readme_sealed_walkthrough_runs_as_written(tmp_path: Path) -> None:
    """SPEC §8: the sealed walkthrough runs as it stands, and does what the README says of it:
    alice reads, no identity and carol (recused) read `[sealed]`, the text is in no object of
    the repository, CI's validate needs no key."""
    block = _block("<!-- walkthrough-sealed -->")
    assert "coc init sealed-ledger --sealed" in block
    run = _run_block(block, tmp_path)
    assert run.returncode == 0, run.stderr
    assert SUMMARY in run.stdout  # alice's `case show`
    assert "[sealed]" in run.stdout  # without an identity, and carol's
    said = run.stdout.rstrip()  # the keyless validate: only dan, who has no key, is warned of
    assert said.endswith("Found 0 errors and 1 warning.") and "CL098" in said
    ledger = tmp_path / "sealed-ledger"
    for name in ("alice", "bob", "carol"):
        assert (tmp_path / f"{name}.txt").stat().st_mode & 0o777 == 0o600

    def show(identity: str | None) -> str:
        env = _env(tmp_path)
        if identity:
            env["COC_IDENTITY"] = str(tmp_path / identity)
        shown = subprocess.run(
            ["coc", "case", "show", "COC-2026-0001"],
            cwd=ledger, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return shown.stdout

    alice, nobody, carol = show("alice.txt"), show(None), show("carol.txt")
    assert SUMMARY in alice and REASON in alice and "[sealed]" not in alice
    for sealed in (nobody, carol):
        assert SUMMARY not in sealed and REASON not in sealed
        assert sealed.count("[sealed]") == 2  # the summary and the recusal's reason
    case = (ledger / "cases/2026/COC-2026-0001.yaml").read_text()
    assert "sealed_for:\n  - alice\n  - bob\n" in case and "coc-sealed:v1:" in case

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=ledger, capture_output=True, check=True).stdout

    secrets = [s.encode() for s in (SUMMARY, REASON, "gina@example.org", "@frank")]
    everything = git("cat-file", "--batch-all-objects", "--batch")  # each object, inflated
    history = git("log", "--all", "-p")
    refs = git("for-each-ref")
    assert b"refs/coc/keys" in refs and b"refs/heads/main" in refs
    for secret in secrets:
        assert secret not in everything and secret not in history and secret not in refs
    assert _left(ledger) == ""
