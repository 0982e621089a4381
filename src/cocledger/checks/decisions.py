"""Who decided (`coc validate --base REF`): every commit since REF that decides, or changes a
case's recorded facts, was authored by a council member on the roster of the time, and signed
when policy.yaml requires it.

The author is named only when they are (or were) on the council: anyone else may be a party, and
these messages go into CI logs. The commit's sha says who it was to whoever can read the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from ..core import council
from ..core.history import CommitInfo
from ..core.ids import CASES_DIR, SANCTIONS_FILE, case_path
from ..core.models import Case, SanctionsFile
from .context import Context, Finding
from .trust import History, history_of

SIGNATURE = {
    "B": "a bad signature",
    "U": "a good signature of unknown validity",
    "X": "a good signature that has expired",
    "Y": "a good signature by an expired key",
    "R": "a good signature by a revoked key",
    "E": "a signature git cannot check (is the key imported?)",
    "N": "no signature",
}


def _not_on_council(h: History, commit: CommitInfo) -> str | None:
    """'its author erin is not on the council' (a member no longer on it), 'its author is not on
    the council' (anyone else: never named); None when the author was on the council."""
    person, on_council = h.author(commit)
    if on_council:
        return None
    named = f" {person}" if person is not None and person in h.council_ever else ""
    return f"its author{named} is not on the council"


def _what(commit: CommitInfo) -> str:
    """The commit by its sha alone: a hand-written subject may name anyone."""
    return f"commit {commit.sha[:10]}"


def check_decision_author(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Roles: sanctions, votes, appeals, committees and the roster are decided by council
    members; the git author of each such commit was on the council when it was made."""
    h = history_of(ctx)
    if h is None:
        return
    for commit in h.commits:
        outsider = _not_on_council(h, commit)
        files = h.decision_files(commit) if outsider else []
        if files:
            yield Finding(files[0], (), f"{_what(commit)} decides, but {outsider}", 1, 1)


def check_fact_author(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Roles: a case's recorded facts (who reported whom and when, anonymity, setting,
    seriousness, witnesses, conflicts, categories, date, summary, response) are changed only by
    council members: the git author of each commit changing one was on the council then."""
    h = history_of(ctx)
    if h is None:
        return
    for commit in h.commits:
        outsider = _not_on_council(h, commit)
        for path, key in h.fact_changes(commit) if outsider else []:
            case = PurePosixPath(path).stem
            what = f"changed {key}" if key else "changed the file (unreadable on one side)"
            message = f"{case}: {_what(commit)} {what}, a fact on record, but {outsider}"
            yield Finding(path, (key,) if key else (), message, 0 if key else 1, 0 if key else 1)


def check_decision_signature(ctx: Context) -> Iterator[Finding]:
    """With `require_signed_commits: true`, each commit that decides or changes a case's facts
    carries a good signature, as git itself verifies it (%G? is G)."""
    h = history_of(ctx)
    if h is None or not h.signatures_required:
        return
    for commit in h.commits:
        files = _needs_council(h, commit) if commit.signature != "G" else []
        if files:
            found = SIGNATURE.get(commit.signature, f"signature status {commit.signature!r}")
            message = (
                f"{_what(commit)} decides but has {found}; policy.yaml requires signed commits"
            )
            yield Finding(files[0], (), message, 1, 1)


def _needs_council(h: History, commit: CommitInfo) -> list[str]:
    """The files in which a commit decides or changes a case's facts."""
    files = h.decision_files(commit)
    return files + [path for path, _ in h.fact_changes(commit) if path not in files]


def _cases_touched(h: History, commit: CommitInfo) -> dict[str, str]:
    """case id -> case file, of every case a commit touches: its file, or its sanctions."""
    found: dict[str, str] = {}
    files = h.files_of(commit)
    for path in files:
        if path.startswith(CASES_DIR + "/"):
            found.setdefault(PurePosixPath(path).stem, path)
    if SANCTIONS_FILE in files:
        parent = h.parent(commit)
        before = h.model_at(parent, SANCTIONS_FILE, SanctionsFile) if parent != commit.sha else None
        after = h.model_at(commit.sha, SANCTIONS_FILE, SanctionsFile)
        old = {s.id: s for s in before.sanctions} if before else {}
        for s in after.sanctions if after else ():
            if s.case and old.get(s.id) != s:
                found.setdefault(s.case, case_path(s.case))
    return found


def check_conflicted_commit(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Recusal, over the history: no commit since REF touching a case, or its sanctions,
    was made by someone conflicted in it (judged by the case as it stood before the commit)."""
    h = history_of(ctx)
    if h is None:
        return
    for commit in h.commits:
        person, _ = h.author(commit)
        if person is None:
            continue
        parent = h.parent(commit)
        for case_id, path in sorted(_cases_touched(h, commit).items()):
            case = h.model_at(parent, path, Case) if parent != commit.sha else None
            case = case or h.model_at(commit.sha, path, Case)
            if case is not None and case.status != "expunged" and council.conflicted(case, person):
                message = f"{_what(commit)} touches {case_id}, in which its author is conflicted"
                yield Finding(path, (), message, 1, 1)
