"""SPEC §3 Roles, as of each step: the roster of every version of policy.yaml git holds, read
from history in one `git log` and one `git cat-file --batch` (`Files.rosters` keeps it for the
command)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from ..core.council import RosterVersions
from ..core.ids import POLICY_FILE
from ..core.models import Policy, Roster
from ..errors import CocError
from . import git, gitlog
from .loader import parse_quietly


def read(root: Path) -> RosterVersions:
    """The roster of every version of policy.yaml, oldest first, each with its commit's moment
    (its `Coc-At`, else its author date; the first: from the start). A version that does not
    parse is passed over; none at all when git cannot say."""
    with contextlib.suppress(CocError):
        commits = list(reversed(git.commits(root, paths=[POLICY_FILE])))
        reader = gitlog.BlobReader(root)
        try:
            folder = git.prefix(root)
            names = [f"{c.sha}:{folder}{POLICY_FILE}" for c in commits]
            texts = reader.read_many(names)
        finally:
            reader.close()
        found: list[tuple[datetime | None, Roster]] = []
        for n, (commit_info, name) in enumerate(zip(commits, names, strict=True)):
            raw = texts.get(name)
            policy = parse_quietly(raw.decode("utf-8", "replace") if raw else None,
                                   POLICY_FILE, Policy)  # fmt: skip
            if policy is not None:
                moment = _moment(commit_info.trailers, commit_info.authored_at)
                found.append((None if n == 0 else moment, policy.roster))
        return found
    return []


def _moment(trailers: Mapping[str, str], authored: datetime) -> datetime:
    try:
        stated = datetime.fromisoformat(trailers.get("Coc-At", ""))
    except ValueError:
        return authored
    return stated if stated.tzinfo is not None else authored
