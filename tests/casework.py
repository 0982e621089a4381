"""Case histories the due/notify/appeal/expunge/log tests share, built through the real CLI."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from conftest import SETUP_DAY, LedgerRepo, reviewed_case

ESCALATED_CONDUCT = "Refused the apology required after a formal warning"
"""The public summary the tests give the ban a refused apology escalates to."""


@dataclass(frozen=True)
class Banned:
    """A case whose warning was escalated to a 3-month ban by a refused apology."""

    case: str
    warning: str
    ban: str


def warned(
    repo: LedgerRepo, received: str, meeting: str, enact_on: str, **kw: str
) -> tuple[str, str]:
    """A reviewed case and its 1st-offence warning, enacted on `enact_on`."""
    case = reviewed_case(repo, received=received, meeting=meeting, **kw)
    warning = repo.coc("sanction", "propose", case, "--at", meeting, "--json").json["sanction"]
    repo.coc("sanction", "enact", warning, "--at", enact_on)
    return case, warning


def banned(
    repo: LedgerRepo,
    received: str = "2026-01-10T09:00:00+00:00",
    meeting: str = "2026-01-22",
    enact_on: str = "2026-01-23",
    refused_on: str = "2026-01-26",
    **kw: str,
) -> Banned:
    """Warning enacted, apology refused: the warning escalates to a 3-month ban that day."""
    case, warning = warned(repo, received, meeting, enact_on, **kw)
    ban = repo.coc(
        "apology", "record", warning, "--refused", "--conduct", ESCALATED_CONDUCT,
        "--at", refused_on, "--json",
    ).json  # fmt: skip
    return Banned(case, warning, ban["sanction"])


def add_person(repo: LedgerRepo, person: str, name: str) -> None:
    repo.coc(
        "person",
        "add",
        person,
        "--name",
        name,
        "--email",
        f"{person}@example.org",
        "--at",
        SETUP_DAY,
    )


def due(repo: LedgerRepo, at: str) -> list[dict]:
    return repo.coc("due", "--at", at, "--json").json


def of_kind(items: list[dict], kind: str) -> list[dict]:
    return [item for item in items if item["kind"] == kind]


def sanctions(repo: LedgerRepo) -> dict[str, dict]:
    data = yaml.safe_load(repo.read("sanctions.yaml"))
    return {s["id"]: s for s in data["sanctions"]}


def case_data(repo: LedgerRepo, case: str) -> dict:
    return yaml.safe_load(repo.read(f"cases/{case[4:8]}/{case}.yaml"))


def commit_file(repo: LedgerRepo, relpath: str, text: str) -> None:
    """A council member's hand edit of a ledger file, committed with git."""
    (repo.root / relpath).write_text(text, encoding="utf-8")
    repo.git("add", relpath)
    repo.git("commit", "-q", "-m", f"edit {relpath}")
