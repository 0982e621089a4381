"""Who decided (`coc validate --base REF`): every commit since REF that decides was authored by a
council member on the roster of the time, and signed when policy.yaml requires it."""

from __future__ import annotations

from collections.abc import Iterator

from .. import gitstore
from ..errors import CocError
from ..gitstore import CommitInfo
from ..ledger import POLICY_FILE, SANCTIONS_FILE
from ..models import Policy, Sanction
from .context import Context, Finding, parse_quietly
from .history import History, history_of

SIGNATURE = {
    "B": "a bad signature",
    "U": "a good signature of unknown validity",
    "X": "a good signature that has expired",
    "Y": "a good signature by an expired key",
    "R": "a good signature by a revoked key",
    "E": "a signature git cannot check (is the key imported?)",
    "N": "no signature",
}


def _author(h: History, commit: CommitInfo) -> tuple[str, bool]:
    """Who the commit's author is in people.yaml, and whether they were on the council."""
    policy, people = h.roster_before(commit)
    email = commit.author_email.strip().lower()
    match = next((p for p in people if p.email and p.email.lower() == email), None)
    if match is None:
        return commit.author_email, False
    return match.id, policy is not None and match.id in policy.roster.council


def _what(commit: CommitInfo) -> str:
    return f"commit {commit.sha[:10]} ({commit.subject})"


def check_decision_author(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Roles: sanctions, votes, appeals, committees and the roster are decided by council
    members; the git author of each such commit was on the council when it was made."""
    h = history_of(ctx)
    if h is None:
        return
    for commit in h.commits:
        author, on_council = _author(h, commit)
        files = [] if on_council else h.decision_files(commit)
        if files:
            message = f"{_what(commit)} decides, but its author {author} is not on the council"
            yield Finding(files[0], (), message, 1, 1)


def check_decision_signature(ctx: Context) -> Iterator[Finding]:
    """With `require_signed_commits: true`, each deciding commit carries a good signature, as
    git itself verifies it (%G? is G)."""
    h = history_of(ctx)
    if h is None or not h.signatures_required:
        return
    for commit in h.commits:
        files = h.decision_files(commit) if commit.signature != "G" else []
        if files:
            found = SIGNATURE.get(commit.signature, f"signature status {commit.signature!r}")
            message = (
                f"{_what(commit)} decides but has {found}; policy.yaml requires signed commits"
            )
            yield Finding(files[0], (), message, 1, 1)


def policy_at_enactment(ctx: Context, sanction: Sanction) -> Policy | None:
    """policy.yaml as it stood when `coc sanction enact` enacted the sanction (None if unknown)."""
    try:
        found = gitstore.commits(
            ctx.root, grep=f"^Coc-Sanction: {sanction.id}$", paths=[SANCTIONS_FILE]
        )
        enacting = [c for c in found if c.trailers.get("Coc-Action") == "sanction enact"]
        if not enacting:
            return None
        parents = gitstore.parents(ctx.root, enacting[-1].sha)
        text = gitstore.file_at(ctx.root, parents[0], POLICY_FILE) if parents else None
    except CocError:
        return None
    return parse_quietly(text, POLICY_FILE, Policy)
