"""Shared fixtures: real git repositories in tmp_path, driven through the real CLI.

Every test runs with a fixed git identity and an isolated HOME, so no personal git config leaks in.
The cast is fictional: alice (project lead) and bob, carol, dan, erin on the council; frank,
gina, hank and ivy are community members.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cocledger.cli.main import app

COUNCIL = ["bob", "carol", "dan", "erin"]
MEMBERS = ["frank", "gina", "hank", "ivy"]
SETUP_DAY = "2026-01-02"


@pytest.fixture(autouse=True)
def git_identity(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed identity and an empty HOME for every test, as towncrier's test helpers do."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Alice Ashdown")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "alice@example.org")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.invalid\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.delenv("COC_DEBUG", raising=False)


@dataclass
class Run:
    """The result of one `coc` invocation."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class LedgerRepo:
    """A real ledger repository and a way to run `coc` in it as any person."""

    root: Path

    def coc(self, *args: str, actor: str = "alice", expect: int | None = 0) -> Run:
        env = {"GIT_AUTHOR_EMAIL": f"{actor}@example.org", "GIT_AUTHOR_NAME": actor}
        # Tests run with the ledger as the working directory; -C is exercised by its own tests.
        result = CliRunner().invoke(app, list(args), env=env)
        run = Run(result.exit_code, result.stdout, result.stderr)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if expect is not None:
            assert run.exit_code == expect, (
                f"coc {' '.join(args)} -> {run.exit_code}\n{run.stdout}\n{run.stderr}"
            )
        return run

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout

    def status(self) -> str:
        return self.git("status", "--porcelain")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def trailers(self, rev: str = "HEAD") -> dict[str, str]:
        text = self.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
        return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerRepo]:
    """A ledger with the default (Mautic) policy, a five-member council and four members."""
    root = tmp_path / "ledger"
    repo = LedgerRepo(root)
    result = CliRunner().invoke(
        app,
        [
            "init",
            str(root),
            "--lead",
            "alice",
            "--name",
            "Alice Ashdown",
            "--email",
            "alice@example.org",
        ],
    )
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(root)
    for person in COUNCIL + MEMBERS:
        repo.coc(
            "person",
            "add",
            person,
            "--name",
            f"{person.title()} Example",
            "--email",
            f"{person}@example.org",
            "--at",
            SETUP_DAY,
        )
    for person in COUNCIL:
        repo.coc("council", "add", person, "--at", SETUP_DAY)
    yield repo


def reviewed_case(
    repo: LedgerRepo,
    respondent: str = "frank",
    reporter: str = "gina",
    received: str = "2026-01-10T09:00:00+00:00",
    meeting: str = "2026-01-22",
    extra: tuple[str, ...] = (),
) -> str:
    """Take a report through receipt, notice, committee, sharing and review; returns its id."""
    if meeting not in repo.read("policy.yaml"):
        repo.coc("meeting", "add", meeting, "--at", SETUP_DAY)
    case = repo.coc(
        "report",
        "new",
        "--respondent",
        respondent,
        "--reporter",
        reporter,
        "--at",
        received,
        "--setting",
        "public",
        "--category",
        "personal-insults",
        "--summary",
        "Insults in chat",
        *extra,
        "--json",
    ).json["case"]
    repo.coc("report", "notify-council", case, "--at", received)
    repo.coc(
        "committee",
        "form",
        case,
        "--member",
        "bob",
        "--member",
        "carol",
        "--member",
        "dan",
        "--at",
        received,
    )
    repo.coc("report", "share", case, "--at", received)
    repo.coc("report", "review", case, "--meeting", meeting, "--at", meeting)
    return case
