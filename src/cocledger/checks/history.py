"""History checks (`coc validate --base REF`): the ledger only grows between REF and HEAD, and
the commits that decide were made by the council, signed when the policy asks for it.

REF's version of each changed file (at the fork point, as a pull request compares) is set
against the work tree: every sanction, vote, timeline event and person there is still here,
unchanged but for the steps the tool itself takes (a proposal enacted, a ban reduced on appeal).
A `coc expunge` commit (trailer `Coc-Action: expunge`) may turn records into tombstones and
remove people nobody refers to any more; nothing else may.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from .. import gitstore
from ..errors import UsageError
from ..gitstore import CommitInfo
from ..ledger import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, load_data
from ..models import (
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
    Case,
    Event,
    PeopleFile,
    Person,
    Policy,
    Sanction,
    SanctionsFile,
)
from .context import Context, Finding, parse_quietly

EXPUNGE = "expunge"
DECISION_EVENTS = frozenset(
    {
        "committee_formed",
        "reviewed",
        "sanction_proposed",
        "sanction_enacted",
        "sanction_rejected",
        "vote_recorded",
        "apology_recorded",
        "appeal_filed",
        "appeal_decided",
        "closed",
    }
)
FIXED_SANCTION_KEYS = ("case", "person", "kind", "decided_on", "offence", "proposed_by")
SET_ONCE_SANCTION_KEYS = (
    "enacted_on",
    "enacted_by",
    "starts_on",
    "apology",
    "apology_recorded_on",
    "escalated_from",
    "escalated_to",
)
FIXED_CASE_KEYS = ("received_at", "received_by", "reporter", "respondent")
NEXT_STATUS = {
    "proposed": {"enacted", "rejected", "withdrawn", "expunged"},
    "enacted": {"escalated", "overturned", "expunged"},
    "escalated": {"overturned", "expunged"},
    "rejected": {"expunged"},
    "withdrawn": {"expunged"},
    "overturned": {"expunged"},
    "expunged": set(),
}


class History:
    """The base's files and the commits since, read from git once each and only when needed."""

    def __init__(self, ctx: Context, base: str) -> None:
        self.ctx, self.root, self.base = ctx, ctx.root, base
        try:
            gitstore.parents(self.root, base)
        except UsageError:
            raise UsageError(
                f"--base {base}: no such git revision here (fetch it, e.g. `git fetch origin`)"
            ) from None
        fork = gitstore.merge_base(self.root, base)
        if fork is None:
            raise UsageError(
                f"--base {base}: no common history with HEAD (fetch the whole history, "
                "e.g. actions/checkout with fetch-depth: 0)"
            )
        self.fork = fork
        self.changed = set(gitstore.changed_files(self.root, base))
        self.commits = list(reversed(gitstore.commits_between(self.root, base)))
        self._texts: dict[tuple[str, str], str | None] = {}
        self._models: dict[tuple[str, str], Any] = {}
        self._files: dict[str, list[str]] = {}
        self._parents: dict[str, list[str]] = {}

    def text_at(self, rev: str, path: str) -> str | None:
        if (rev, path) not in self._texts:
            self._texts[rev, path] = gitstore.file_at(self.root, rev, path)
        return self._texts[rev, path]

    def model_at(self, rev: str, path: str, model: type[Any]) -> Any:
        """A file's model at a revision (None if absent or broken), parsed once per text."""
        text = self.text_at(rev, path)
        key = (model.__name__, text or "")
        if key not in self._models:
            self._models[key] = parse_quietly(text, path, model)
        return self._models[key]

    def old(self, path: str, model: type[Any]) -> Any:
        return self.model_at(self.fork, path, model)

    def parents(self, commit: CommitInfo) -> list[str]:
        if commit.sha not in self._parents:
            self._parents[commit.sha] = gitstore.parents(self.root, commit.sha)
        return self._parents[commit.sha]

    def parent(self, commit: CommitInfo) -> str:
        """The first parent (a root commit stands for itself)."""
        found = self.parents(commit)
        return found[0] if found else commit.sha

    def files_of(self, commit: CommitInfo) -> list[str]:
        """Ledger files a commit changed; for a merge, only what differs from every parent."""
        if commit.sha not in self._files:
            parents = self.parents(commit)
            if not parents:
                found = {POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE}
            else:
                changes = [set(gitstore.changed_files(self.root, p, commit.sha)) for p in parents]
                found = set.intersection(*changes)
            self._files[commit.sha] = sorted(found)
        return self._files[commit.sha]

    @cached_property
    def expunged(self) -> dict[str, set[str]]:
        """Per file, the ids that a `coc expunge` commit since the base turned into tombstones
        (or, in people.yaml, removed)."""
        found: dict[str, set[str]] = defaultdict(set)
        for commit in self.commits:
            if commit.trailers.get("Coc-Action") != EXPUNGE:
                continue
            for path in self.files_of(commit):
                found[path] |= self._expunged_by(commit, path)
        return found

    def _expunged_by(self, commit: CommitInfo, path: str) -> set[str]:
        if path == SANCTIONS_FILE:
            register = self.model_at(commit.sha, path, SanctionsFile)
            return (
                {s.id for s in register.sanctions if s.status == "expunged"} if register else set()
            )
        if path == PEOPLE_FILE:
            before = self.model_at(self.parent(commit), path, PeopleFile)
            after = self.model_at(commit.sha, path, PeopleFile)
            if before is None or after is None:
                return set()
            return {p.id for p in before.people} - {p.id for p in after.people}
        case = self.model_at(commit.sha, path, Case) if path.startswith(CASES_DIR) else None
        return {case.id} if case is not None and case.status == "expunged" else set()

    def roster_before(self, commit: CommitInfo) -> tuple[Policy | None, list[Person]]:
        """The roster and people in effect when the commit was made (its parent's): a commit
        cannot make its own author a council member."""
        parent = self.parent(commit)
        people = self.model_at(parent, PEOPLE_FILE, PeopleFile)
        return self.model_at(parent, POLICY_FILE, Policy), people.people if people else []

    def decision_files(self, commit: CommitInfo) -> list[str]:
        """The files in which a commit decides: the register, the policy (roster, meetings), or a
        case's committee or decision events."""
        files = self.files_of(commit)
        decided = [f for f in files if f in (SANCTIONS_FILE, POLICY_FILE)]
        cases = [f for f in files if f.startswith(CASES_DIR + "/")]
        parent = self.parent(commit)
        return decided + [f for f in cases if self._decides(parent, commit.sha, f)]

    def _decides(self, parent: str, sha: str, path: str) -> bool:
        before, after = self._case_data(parent, path), self._case_data(sha, path)
        if before is None or after is None:
            return True  # unreadable: treat it as a decision, which the author must be able to make
        return before.get("committee") != after.get("committee") or _decisions(
            before
        ) != _decisions(after)

    def _case_data(self, rev: str, path: str) -> dict[str, Any] | None:
        text = self.text_at(rev, path)
        if text is None:  # the file is new (or gone): everything in it is a change
            return {}
        data, problems = load_data(text, path)
        return None if problems else data

    @cached_property
    def signatures_required(self) -> bool:
        """The base's policy or the new one: a pull request cannot switch the check off for itself."""
        old = self.old(POLICY_FILE, Policy)
        now = self.ctx.policy
        return bool((old and old.require_signed_commits) or (now and now.require_signed_commits))


def _decisions(data: dict[str, Any]) -> list[Any]:
    timeline = data.get("timeline") or []
    return [e for e in timeline if isinstance(e, dict) and e.get("action") in DECISION_EVENTS]


def history_of(ctx: Context) -> History | None:
    """The history of this validation run (None without --base), built once."""
    base = ctx.base
    return None if base is None else ctx.shared("history", lambda: History(ctx, base))


# --- append-only ------------------------------------------------------------------------------


def _newly_expunged(before: Any, after: Any) -> bool:
    return after.status == "expunged" and before.status != "expunged"


def _sanction_rewrites(before: Sanction, after: Sanction) -> Iterator[tuple[str, str]]:
    for key in FIXED_SANCTION_KEYS:
        if getattr(before, key) != getattr(after, key):
            yield key, f"{key} changed from {getattr(before, key)} to {getattr(after, key)}"
    for key in SET_ONCE_SANCTION_KEYS:
        if getattr(before, key) is not None and getattr(before, key) != getattr(after, key):
            yield key, f"{key} changed from {getattr(before, key)} to {getattr(after, key)}"
    if after.status != before.status and after.status not in NEXT_STATUS[before.status]:
        yield (
            "status",
            f"status changed from {before.status} to {after.status}, a step no action takes",
        )
    reduced = after.appeal and after.appeal.outcome == "reduced"
    if before.duration != after.duration and not (
        reduced and after.appeal and after.appeal.reduced_from == before.duration
    ):
        yield "duration", f"duration changed from {before.duration} without a reduced appeal"
    yield from _appeal_rewrites(before, after)


def _appeal_rewrites(before: Sanction, after: Sanction) -> Iterator[tuple[str, str]]:
    if before.appeal is None:
        return
    if after.appeal is None:
        yield "appeal", "its appeal was removed"
        return
    keys = ["filed_on", "filed_by", "reason"]
    if before.appeal.outcome is not None:
        keys += ["outcome", "decided_on", "decided_by", "reduced_from"]
    for key in keys:
        if getattr(before.appeal, key) != getattr(after.appeal, key):
            yield "appeal", f"appeal.{key} was rewritten"


def _base_sanctions(
    ctx: Context,
) -> Iterator[tuple[History, Sanction, int | None, Sanction | None]]:
    """(history, sanction at the base, its index and version now) when sanctions.yaml changed."""
    h = history_of(ctx)
    if h is None or SANCTIONS_FILE not in h.changed or ctx.sanctions is None:
        return
    old = h.old(SANCTIONS_FILE, SanctionsFile)
    now = {s.id: (i, s) for i, s in enumerate(ctx.sanctions)}
    for before in old.sanctions if old else []:
        index, after = now.get(before.id, (None, None))
        yield h, before, index, after


def check_sanction_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a sanction, once in the register, stays, and what was decided is not rewritten."""
    for h, before, index, after in _base_sanctions(ctx):
        if after is None:
            yield Finding(SANCTIONS_FILE, ("sanctions",), f"{before.id} was removed since {h.base}")
        elif not _newly_expunged(before, after):
            for key, message in _sanction_rewrites(before, after):
                yield Finding(
                    SANCTIONS_FILE,
                    ("sanctions", index, key),
                    f"{before.id}: {message} since {h.base}",
                )


def check_vote_history(ctx: Context) -> Iterator[Finding]:
    """Audit: votes are only ever added to, in order."""
    for h, before, index, after in _base_sanctions(ctx):
        if after is None or _newly_expunged(before, after):
            continue
        for j, vote in enumerate(before.votes):
            if j >= len(after.votes) or after.votes[j] != vote:
                yield Finding(
                    SANCTIONS_FILE,
                    ("sanctions", index, "votes", min(j, max(len(after.votes) - 1, 0))),
                    f"{before.id}: the vote of {vote.member} recorded at {vote.at.isoformat()} "
                    f"was removed or changed since {h.base}",
                )
                break


def _changed_cases(ctx: Context) -> Iterator[tuple[History, str, Case, Case | None]]:
    h = history_of(ctx)
    if h is None:
        return
    now = dict(ctx.cases)
    for path in sorted(p for p in h.changed if p.startswith(CASES_DIR + "/")):
        before = h.old(path, Case)
        if before is not None and (path in now or path not in ctx.texts):
            yield h, path, before, now.get(path)


def check_case_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a case's timeline is append-only; who reported whom, and when, never changes."""
    for h, path, before, after in _changed_cases(ctx):
        if after is None:
            yield Finding(path, (), f"{before.id} was removed since {h.base}", 1, 1)
            continue
        if _newly_expunged(before, after):
            continue
        for key in ("id", *FIXED_CASE_KEYS):
            if getattr(before, key) != getattr(after, key):
                yield Finding(path, (key,), f"{key} was rewritten since {h.base}")
        for j, event in enumerate(before.timeline):
            if j >= len(after.timeline) or after.timeline[j] != event:
                yield Finding(
                    path,
                    ("timeline", min(j, max(len(after.timeline) - 1, 0))),
                    f"the {event.action} event of {event.at.isoformat()} was removed or "
                    f"rewritten since {h.base}",
                )
                break


def check_people_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a person stays in people.yaml until `coc expunge` finds nobody refers to them."""
    h = history_of(ctx)
    if h is None or PEOPLE_FILE not in h.changed or ctx.person_ids is None:
        return
    old = h.old(PEOPLE_FILE, PeopleFile)
    for person in old.people if old else []:
        if person.id not in ctx.person_ids and person.id not in h.expunged[PEOPLE_FILE]:
            yield Finding(PEOPLE_FILE, ("people",), f"'{person.id}' was removed since {h.base}")


def _stub(event: Event) -> dict[str, Any]:
    return {k: getattr(event, k) for k in EVENT_TOMBSTONE_KEYS}


def check_tombstone_history(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Expiry: only `coc expunge` turns a record into a tombstone, keeping its facts."""
    kept = sorted(SANCTION_TOMBSTONE_KEYS - {"status", "status_on"})
    for h, before, index, after in _base_sanctions(ctx):
        if after is None or not _newly_expunged(before, after):
            continue
        if before.id not in h.expunged[SANCTIONS_FILE]:
            yield Finding(
                SANCTIONS_FILE,
                ("sanctions", index, "status"),
                f"{before.id} was made a tombstone outside `coc expunge`",
            )
        for key in (k for k in kept if getattr(before, k) != getattr(after, k)):
            yield Finding(
                SANCTIONS_FILE,
                ("sanctions", index, key),
                f"{before.id}: the tombstone changed {key}",
            )
    for h, path, before, after in _changed_cases(ctx):
        if after is None or not _newly_expunged(before, after):
            continue
        if before.id not in h.expunged[path]:
            yield Finding(
                path, ("status",), f"{before.id} was made a tombstone outside `coc expunge`"
            )
        stubs = [_stub(e) for e in after.timeline[: len(before.timeline)]]
        if before.received_at != after.received_at or stubs != [_stub(e) for e in before.timeline]:
            yield Finding(
                path, ("timeline",), f"{before.id}: the tombstone's timeline was rewritten"
            )
