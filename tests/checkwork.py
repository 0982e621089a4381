"""Ledgers and helpers the validate tests share: a complete, valid ledger built once through the
real CLI, and small edits that break one thing in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conftest import LedgerRepo, build_ledger, reviewed_case

AT = "2026-03-01"  # validate looks at the ledger on this day unless a test says otherwise
WARNING_CASE = "cases/2026/COC-2026-0001.yaml"
LIFETIME_CASE = "cases/2026/COC-2026-0002.yaml"


@dataclass(frozen=True)
class Located:
    code: str
    file: str
    line: int


def build_complete(repo: LedgerRepo) -> None:
    """Two cases through the whole policy: a warning whose refused apology escalates to a
    3-month ban (COC-2026-0001: S-2026-0001, S-2026-0002), and a lifetime ban by the full
    council's vote, appealed and upheld (COC-2026-0002: S-2026-0003); every party told."""
    first = reviewed_case(repo)
    warning = repo.coc("sanction", "propose", first, "--at", "2026-01-22", "--json").json
    repo.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    tell_parties(repo, first, "2026-01-23")
    repo.coc(
        "apology", "record", warning["sanction"], "--refused",
        "--conduct", "Refused the apology required after a formal warning", "--at", "2026-01-26",
    )  # fmt: skip
    tell_parties(repo, first, "2026-01-26")
    second = reviewed_case(
        repo,
        respondent="hank",
        reporter="ivy",
        received="2026-02-02T10:00:00+00:00",
        meeting="2026-02-12",
    )
    lifetime = repo.coc(
        "sanction",
        "propose",
        second,
        "--kind",
        "lifetime_ban",
        "--deviation-reason",
        "Threats of violence",
        "--conduct",
        "Threatened members",
        "--at",
        "2026-02-12",
        "--json",
    ).json["sanction"]
    for member in ("alice", "bob", "carol", "dan", "erin"):
        repo.coc("sanction", "vote", lifetime, "--yes", "--at", "2026-02-12", actor=member)
    repo.coc("sanction", "enact", lifetime, "--at", "2026-02-13")
    tell_parties(repo, second, "2026-02-13")
    repo.coc("appeal", "file", lifetime, "--reason", "Disputes the facts", "--at", "2026-02-20")
    repo.coc("appeal", "decide", lifetime, "--upheld", "--at", "2026-02-26")
    tell_parties(repo, second, "2026-02-26")


def tell_parties(repo: LedgerRepo, case: str, at: str) -> None:
    for party in ("offender", "offended"):
        repo.coc("notify", case, "--party", party, "--at", at)


def build_complete_ledger(root: Path) -> LedgerRepo:
    repo = build_ledger(root)
    build_complete(repo)
    return repo


def validate(repo: LedgerRepo, *args: str, expect: int | None = None) -> list[dict]:
    """The problems `coc validate --format json` reports (on AT unless --at is given)."""
    at = () if "--at" in args else ("--at", AT)
    return repo.coc("validate", "--format", "json", *at, *args, expect=expect).json["problems"]


def located(problems: list[dict]) -> set[Located]:
    return {Located(p["code"], p["file"], p["line"]) for p in problems}


def edit(repo: LedgerRepo, relpath: str, old: str, new: str, after: str = "") -> int:
    """Replace the first `old` after `after` in a ledger file; returns the line of the edit."""
    text = repo.read(relpath)
    start = text.index(after) if after else 0
    at = text.index(old, start)
    (repo.root / relpath).write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def line_of(repo: LedgerRepo, relpath: str, needle: str, after: str = "") -> int:
    text = repo.read(relpath)
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def commit_all(repo: LedgerRepo, message: str, author: str = "alice") -> str:
    """Commit every change by hand (not through `coc`), as `author`; returns the new sha."""
    repo.git("add", "-A")
    repo.git(
        "-c",
        f"user.name={author}",
        "commit",
        "-q",
        "-m",
        message,
        f"--author={author} <{author}@example.org>",
    )
    return repo.head()
