"""SPEC §5 `coc log`: the audit trail (who, when, what) from the commit trailers, newest first.

One `git log` answers each query: a case or sanction is found by its trailer (or in the body of the
expunge commit that removed it); a person by the trailers of the cases they are a party to, and of
the actions they took as a council member (trailers never carry a party's id).
"""

from __future__ import annotations

import re
from typing import Any

from . import gitstore
from .gitstore import CommitInfo
from .ledger import Ledger, check_id
from .models import CASE_ID_PATTERN, PERSON_ID_PATTERN, SANCTION_ID_PATTERN


def _any(ids: list[str]) -> str:
    return "(" + "|".join(re.escape(i) for i in ids) + ")"


def _expunged(ids: list[str]) -> str:
    return f"^Expunged: (.*, )?{_any(ids)}(,|$)"


def pattern(ledger: Ledger, target: str | None) -> tuple[str | None, set[str], set[str], set[str]]:
    """The grep for `target` (None: every commit), and the cases, sanctions and actors it covers."""
    if target is None:
        return None, set(), set(), set()
    if re.fullmatch(CASE_ID_PATTERN, target):
        ledger.case(target)  # an unknown case is the user's mistake, not an empty log
        return f"^Coc-Case: {_any([target])}$|{_expunged([target])}", {target}, set(), set()
    if re.fullmatch(SANCTION_ID_PATTERN, target):
        ledger.sanction(target)
        return f"^Coc-Sanction: {_any([target])}$|{_expunged([target])}", set(), {target}, set()
    check_id(target, PERSON_ID_PATTERN, "case, sanction or person", "COC-2026-0007 or frank")
    person = ledger.person(target, "PERSON")
    cases = sorted(c.id for c in ledger.cases() if person.id in c.parties)
    sanctions = sorted(s.id for s in ledger.sanctions if s.person == person.id and s.case)
    cases = sorted(set(cases) | {s.case for s in ledger.sanctions if s.id in sanctions and s.case})
    parts = [f"^Coc-Actor: {_any([person.id])}$"]
    if cases:
        parts.append(f"^Coc-Case: {_any(cases)}$")
    return "|".join(parts), set(cases), set(sanctions), {person.id}


def _belongs(commit: CommitInfo, cases: set[str], sanctions: set[str], actors: set[str]) -> bool:
    """git's grep matches anywhere in the message: keep only what the trailers really say."""
    trailers = commit.trailers
    return (
        trailers.get("Coc-Case") in cases
        or trailers.get("Coc-Sanction") in sanctions
        or trailers.get("Coc-Actor") in actors
        or trailers.get("Coc-Action") == "expunge"
    )


def row(commit: CommitInfo) -> dict[str, Any]:
    """One entry of `coc log --json`; a commit made without `coc` has no action or actor."""
    trailers = commit.trailers
    return {
        "commit": commit.sha,
        "at": commit.authored_at.isoformat(),
        "actor": trailers.get("Coc-Actor"),
        "author": commit.author_name,
        "action": trailers.get("Coc-Action"),
        "case": trailers.get("Coc-Case"),
        "sanction": trailers.get("Coc-Sanction"),
        "subject": commit.subject,
    }


def trail(ledger: Ledger, target: str | None, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit trail of the whole ledger, a case, a sanction or a person, newest first."""
    grep, cases, sanctions, actors = pattern(ledger, target)
    commits = gitstore.commits(ledger.root, grep=grep, max_count=limit if grep is None else None)
    if grep is not None:
        commits = [c for c in commits if _belongs(c, cases, sanctions, actors)]
        commits = commits[:limit] if limit else commits
    return [row(c) for c in commits]
