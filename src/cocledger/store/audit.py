"""SPEC §5 `coc log`: the audit trail (who, when, what) from the commit trailers, newest first.

A case or sanction is found by its trailer (or in the body of the expunge commit that removed
it), a person by the trailers of the cases they are a party to and of the actions they took as a
council member (trailers never carry a party's id). The trailers come from `audit_index`; only a
person's trail reads the ledger's records: the trail of a case answers on a broken ledger too.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.history import CommitInfo
from ..core.ids import (
    CASE_ID_PATTERN,
    PERSON_ID_PATTERN,
    SANCTION_ID_PATTERN,
    case_path,
    check_id,
    is_case_id,
    no_case,
)
from . import audit_index


def happened(commit: CommitInfo) -> datetime:
    """When the action happened: its `Coc-At` trailer (SPEC §5), else, for an older commit or one
    made without coc, when it was committed."""
    text = commit.trailers.get("Coc-At", "")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return commit.authored_at
    return moment if moment.tzinfo is not None else commit.authored_at


def row(commit: CommitInfo) -> dict[str, Any]:
    """One entry of `coc log --json`; a commit made without `coc` has no action or actor."""
    trailers = commit.trailers
    return {
        "commit": commit.sha,
        "at": happened(commit).isoformat(),
        "recorded_at": commit.authored_at.isoformat(),
        "actor": trailers.get("Coc-Actor"),
        "author": commit.author_name,
        "action": trailers.get("Coc-Action"),
        "case": trailers.get("Coc-Case"),
        "sanction": trailers.get("Coc-Sanction"),
        "subject": commit.subject,
    }


def _must_exist(root: Path, target: str) -> None:
    """An id with neither a commit nor a record is the user's mistake, not an empty trail."""
    from . import repository

    if is_case_id(target):
        if not (root / case_path(target)).is_file():
            raise no_case(target)
    else:
        repository.open(root).snapshot.sanction(target)


def trail(root: Path, target: str | None, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit trail of the whole ledger, a case, a sanction or a person, newest first."""
    if target is None:
        return [row(c) for c in audit_index.commits(root, None, limit)]
    for pattern, kind in ((CASE_ID_PATTERN, "case"), (SANCTION_ID_PATTERN, "sanction")):
        if re.fullmatch(pattern, target):
            found = audit_index.commits(root, [f"{kind}:{target}", f"expunged:{target}"], limit)
            if not found:
                _must_exist(root, target)
            return [row(c) for c in found]
    check_id(target, PERSON_ID_PATTERN, "case, sanction or person", "COC-2026-0007 or frank")
    from .. import queries
    from . import repository

    keys = queries.trail_keys(repository.open(root).snapshot, target)
    return [row(c) for c in audit_index.commits(root, keys, limit)]
