"""This clone's commits the upstream has not seen, read back for `coc sync` (SPEC §7): each one's
trailers and the records it changed on either side (`core.recorded`), through the history
`validate --base` reads (`store.history`: one `git log`, one `cat-file` process)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..core.history import CommitInfo
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.models import Case, PeopleFile, Policy, SanctionsFile
from ..core.recorded import Recorded, Records, shown
from . import git
from .history import GitHistory

TRAILERS = ("Coc-Action", "Coc-Actor", "Coc-At")
"""What every commit `coc` makes carries (SPEC §5)."""


class Foreign(Exception):
    """Commits `coc` did not make: sync never replays them blindly (SPEC §7). `named`: each as
    messages name it (short sha and subject); `why`: what is wrong with the first."""

    def __init__(self, named: list[str], why: str) -> None:
        super().__init__(why)
        self.named, self.why = named, why


def since(root: Path, base: str) -> list[Recorded]:
    """The commits of HEAD not on `base`, oldest first, as actions to replay. Raises Foreign,
    naming every commit that is not one `coc` action on the ledger's records."""
    history = GitHistory(root, base)
    try:
        outside = _outside(root, base, history)
        if outside:
            raise Foreign(
                [name for name, _ in outside], f"it changes {outside[0][1]}, outside the ledger"
            )
        foreign = [(c, why) for c in history.commits if (why := _why_foreign(history, c))]
        if foreign:
            raise Foreign([shown(c.sha, c.subject) for c, _ in foreign], foreign[0][1])
        return [_read(history, c) for c in history.commits]
    finally:
        history.close()


def _outside(root: Path, base: str, history: GitHistory) -> list[tuple[str, str]]:
    """This branch's commits that change a file outside the ledger's folder (a ledger in a folder
    of a larger repository), each with the first such file: sync would leave them behind."""
    folder = git.prefix(root)
    if not folder:
        return []
    proc = git._git(root, "log", "--format=%x01%H%x00%s", "--name-only", "--no-renames",
                    f"{git._rev(base)}..HEAD", check=False)  # fmt: skip
    found = []
    known = {c.sha for c in history.commits}
    for entry in proc.stdout.decode("utf-8", "replace").split("\x01")[1:]:
        head, _, names = entry.partition("\n")
        sha, _, subject = head.partition("\x00")
        paths = [p for p in names.splitlines() if p]
        elsewhere = [p for p in paths if not p.startswith(folder)]
        if elsewhere or sha not in known:
            found.append((shown(sha, subject), elsewhere[0] if elsewhere else "nothing in it"))
    return found


def _why_foreign(history: GitHistory, commit: CommitInfo) -> str | None:
    """Why the commit is not one `coc` action on the ledger's records (None: it is one)."""
    if len(commit.parents) != 1:
        return "a merge commit"
    if any(key not in commit.trailers for key in TRAILERS):
        return "not made by `coc` (it has no Coc-Action trailer)"
    if commit.trailers["Coc-Action"] == "init":
        return "`coc init`, which starts a ledger"
    others = [p for p in history.changed_between(commit.parents[0], commit.sha) if not _record(p)]
    return f"it changes {others[0]}, which no `coc` action writes" if others else None


def _record(path: str) -> bool:
    return path in (POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE) or (
        path.startswith(CASES_DIR + "/") and path.endswith(".yaml")
    )


def _side(history: GitHistory, rev: str, paths: list[str]) -> Records:
    cases = {}
    for path in paths:
        if path.startswith(CASES_DIR + "/"):
            case = history.model_at(rev, path, Case)
            if case is not None:
                cases[case.id] = case
    sanctions = (
        history.model_at(rev, SANCTIONS_FILE, SanctionsFile) if SANCTIONS_FILE in paths else None
    )
    people = history.model_at(rev, PEOPLE_FILE, PeopleFile) if PEOPLE_FILE in paths else None
    policy = history.model_at(rev, POLICY_FILE, Policy) if POLICY_FILE in paths else None
    return Records(
        cases,
        {s.id: s for s in sanctions.sanctions} if sanctions else {},
        {p.id: p for p in people.people} if people else {},
        policy,
    )


def _read(history: GitHistory, commit: CommitInfo) -> Recorded:
    parent = commit.parents[0]
    paths = history.changed_between(parent, commit.sha)
    trailers = commit.trailers
    return Recorded(
        sha=commit.sha,
        subject=commit.subject,
        action=trailers["Coc-Action"],
        actor=trailers["Coc-Actor"],
        at=datetime.fromisoformat(trailers["Coc-At"]),
        case=trailers.get("Coc-Case"),
        sanction=trailers.get("Coc-Sanction"),
        before=_side(history, parent, paths),
        after=_side(history, commit.sha, paths),
        parent=parent,
        paths=tuple(paths),
        author=(commit.author_name, commit.author_email, commit.authored_at.isoformat()),
    )
