"""History checks (`coc validate --base REF`): the ledger only grows between REF and HEAD, and
the commits that decide were made by the council, signed when the policy asks for it.

REF's version of each changed file (at the fork point, as a pull request compares) is set
against the work tree: every sanction, vote, timeline event and person there is still here,
unchanged but for the steps the tool itself takes (a proposal enacted, a ban reduced on appeal).
A `coc expunge` commit (trailer `Coc-Action: expunge`) may turn records into tombstones and
remove people nobody refers to any more; nothing else may.

Who made a commit is read from its git author's email, matched in people.yaml and the roster as
the base has them plus what earlier council-authored commits of the range changed: a commit by
someone else (say, one giving a council member's email to an outsider) never changes who the
history takes anyone to be. Messages name files, key paths, case and sanction ids and council
members only, never a party (they end up in public CI logs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
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
FIXED_CASE_KEYS = ("received_at", "received_by", "reporter", "respondent", "anonymous_reporter")
"""Facts fixed when the report is received: only `coc expunge` (a tombstone) may drop them."""
CASE_FACT_KEYS = (
    *FIXED_CASE_KEYS,
    "setting",
    "serious",
    "witnesses",
    "conflicts",
    "categories",
    "occurred_on",
    "summary",
    "response",
)
"""A case's recorded facts: only a council member changes them (CL087)."""
PERSON_KEYS = frozenset({"person", "proposed_by", "enacted_by"})  # ids: rewritten, any id
NEXT_STATUS = {
    "proposed": {"enacted", "rejected", "withdrawn", "expunged"},
    "enacted": {"escalated", "overturned", "expunged"},
    "escalated": {"overturned", "expunged"},
    "rejected": {"expunged"},
    "withdrawn": {"expunged"},
    "overturned": {"expunged"},
    "expunged": set(),
}


@dataclass(frozen=True)
class Trust:
    """Who the history takes to be the lead, on the council, and behind each email."""

    lead: str | None
    council: frozenset[str]
    people: dict[str, str] = field(default_factory=dict)  # id -> email (lower case, "" if none)

    def person_of(self, email: str) -> str | None:
        wanted = email.strip().lower()
        return next((pid for pid, mail in self.people.items() if mail and mail == wanted), None)


def _emails(people: PeopleFile | None) -> dict[str, str] | None:
    """id -> email (lower case) of people.yaml, the first entry of an id winning."""
    if people is None:
        return None
    found: dict[str, str] = {}
    for person in people.people:
        found.setdefault(person.id, (person.email or "").strip().lower())
    return found


def _differing(old: dict[str, str] | None, new: dict[str, str] | None) -> list[str]:
    """Ids whose email differs, or who came or went, between two people.yaml (none if either
    does not parse)."""
    if old is None or new is None:
        return []
    return sorted(pid for pid in old.keys() | new.keys() if old.get(pid) != new.get(pid))


def _fact(data: dict[str, Any], key: str) -> Any:
    """A case's fact as recorded, a key left out reading as its default."""
    value = data.get(key)
    if value is None and key in Case.model_fields:
        return Case.model_fields[key].get_default(call_default_factory=True)
    return value


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
        self.in_range = {c.sha: c for c in self.commits}
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

    # --- who acted: the trusted roster and people before each commit ---------------------------

    def _trust_at(self, rev: str) -> Trust:
        """The roster and people of a revision outside the range (the base's side: trusted)."""
        policy = self.model_at(rev, POLICY_FILE, Policy)
        people = _emails(self.model_at(rev, PEOPLE_FILE, PeopleFile))
        return Trust(
            policy.roster.project_lead if policy else None,
            frozenset(policy.roster.council) if policy else frozenset(),
            people or {},
        )

    @cached_property
    def _trust(self) -> dict[str, tuple[Trust, Trust]]:
        """(before, after) each commit of the range: along the first parents, from the base's
        people.yaml and roster, with only the changes of council-authored commits applied."""
        in_range = self.in_range
        found: dict[str, tuple[Trust, Trust]] = {}
        for commit in self.commits:
            chain = [commit]  # the commit and its first parents not worked out yet (no recursion)
            while True:
                parents = self.parents(chain[-1])
                first = parents[0] if parents else None
                if first is None or first not in in_range or first in found:
                    break
                chain.append(in_range[first])
            for link in reversed(chain):
                if link.sha in found:
                    continue
                parents = self.parents(link)
                if not parents:
                    before = Trust(None, frozenset(), {})
                elif parents[0] in found:
                    before = found[parents[0]][1]
                else:
                    before = self._trust_at(parents[0])
                found[link.sha] = (before, self._after(before, link))
        return found

    def trust_before(self, commit: CommitInfo) -> Trust:
        return self._trust[commit.sha][0]

    def _after(self, before: Trust, commit: CommitInfo) -> Trust:
        """What the commit changed in the roster and people, if a council member made it; for a
        merge by anyone else, what it brought in from the base's side (trusted already)."""
        if before.person_of(commit.author_email) in before.council:
            return self._apply(before, commit, None)
        for other in (p for p in self.parents(commit)[1:] if p not in self.in_range):
            before = self._apply(before, commit, self._trust_at(other))
        return before

    def _apply(self, before: Trust, commit: CommitInfo, source: Trust | None) -> Trust:
        """The changes the commit made to the roster and people (against its first parent), all
        of them, or (with a source) only those that make them what the source has."""
        parent = self.parent(commit)
        files = self.files_of(commit)
        if len(self.parents(commit)) > 1:  # a merge: all it brings in, not only what it resolved
            files = gitstore.changed_files(self.root, parent, commit.sha)
        lead, council, people = before.lead, set(before.council), dict(before.people)
        if POLICY_FILE in files:
            old = self.model_at(parent, POLICY_FILE, Policy)
            new = self.model_at(commit.sha, POLICY_FILE, Policy)
            if old is not None and new is not None:
                left = set(old.roster.council) - set(new.roster.council)
                joined = set(new.roster.council) - set(old.roster.council)
                if source is not None:
                    left, joined = left - source.council, joined & source.council
                council = (council - left) | joined
                new_lead = new.roster.project_lead
                trusted = source is None or source.lead == new_lead
                if old.roster.project_lead != new_lead and trusted:
                    lead = new_lead
        if PEOPLE_FILE in files:
            old_people = _emails(self.model_at(parent, PEOPLE_FILE, PeopleFile))
            new_people = _emails(self.model_at(commit.sha, PEOPLE_FILE, PeopleFile))
            for pid in _differing(old_people, new_people):
                assert new_people is not None
                if source is not None and new_people.get(pid) != source.people.get(pid):
                    continue
                if pid in new_people:
                    people[pid] = new_people[pid]
                else:
                    people.pop(pid, None)
        return Trust(lead, frozenset(council), people)

    def author(self, commit: CommitInfo) -> tuple[str | None, bool]:
        """The person id the commit's author email belongs to (as trusted before the commit),
        and whether they were on the council then: a commit cannot make its own author a member,
        nor give a member's email to someone else."""
        trust = self.trust_before(commit)
        person = trust.person_of(commit.author_email)
        return person, person is not None and person in trust.council

    @cached_property
    def council_ever(self) -> frozenset[str]:
        """Everyone on the council (or lead) at the base, since, or now: ids a message may name."""
        ids: set[str] = set()
        for trust in (t for pair in self._trust.values() for t in pair):
            ids |= trust.council | ({trust.lead} if trust.lead else set())
        fork = self._trust_at(self.fork)
        ids |= fork.council | ({fork.lead} if fork.lead else set())
        if self.ctx.policy is not None:
            ids |= set(self.ctx.policy.roster.council) | {self.ctx.policy.roster.project_lead}
        return frozenset(ids)

    # --- what a commit decides ------------------------------------------------------------------

    def decision_files(self, commit: CommitInfo) -> list[str]:
        """The files in which a commit decides: the register, the policy (roster, meetings), a
        council member's (or the lead's) id or email in people.yaml, or a case's committee or
        decision events."""
        files = self.files_of(commit)
        decided = [f for f in files if f in (SANCTIONS_FILE, POLICY_FILE)]
        if PEOPLE_FILE in files and self._changes_council_people(commit):
            decided.append(PEOPLE_FILE)
        cases = [f for f in files if f.startswith(CASES_DIR + "/")]
        parent = self.parent(commit)
        return decided + [f for f in cases if self._decides(parent, commit.sha, f)]

    def _changes_council_people(self, commit: CommitInfo) -> bool:
        """Does the commit add, remove or change the email of a council member or the lead (of
        the trusted roster, or the policy before or after it) in people.yaml?"""
        parent = self.parent(commit)
        if parent == commit.sha:
            return False
        before = _emails(self.model_at(parent, PEOPLE_FILE, PeopleFile))
        after = _emails(self.model_at(commit.sha, PEOPLE_FILE, PeopleFile))
        if before is None or after is None:
            return True  # unreadable: treat it as a decision, which the author must be able to make
        trust = self.trust_before(commit)
        guarded = set(trust.council) | {trust.lead}
        for rev in (parent, commit.sha):
            policy = self.model_at(rev, POLICY_FILE, Policy)
            if policy is not None:
                guarded |= {*policy.roster.council, policy.roster.project_lead}
        merged = [self._trust_at(p) for p in self.parents(commit)[1:] if p not in self.in_range]
        return any(
            before.get(pid) != after.get(pid)
            and not any(t.people.get(pid) == after.get(pid) for t in merged)  # from the base
            for pid in guarded
            if pid
        )

    def _decides(self, parent: str, sha: str, path: str) -> bool:
        before, after = self._case_data(parent, path), self._case_data(sha, path)
        if before is None or after is None:
            return True  # unreadable: treat it as a decision, which the author must be able to make
        return before.get("committee") != after.get("committee") or _decisions(
            before
        ) != _decisions(after)

    def fact_changes(self, commit: CommitInfo) -> list[tuple[str, str | None]]:
        """(case file, key) for each recorded fact the commit changed in a case file that was
        already there (None for the key: the file does not parse on one side)."""
        parent, found = self.parent(commit), []
        for path in self.files_of(commit):
            if not path.startswith(CASES_DIR + "/") or parent == commit.sha:
                continue
            if self.text_at(parent, path) is None or self.text_at(commit.sha, path) is None:
                continue  # recorded (a new report) or removed (CL082): no fact changed in place
            before, after = self._case_data(parent, path), self._case_data(commit.sha, path)
            if before is None or after is None:
                found.append((path, None))
                continue
            found += [(path, k) for k in CASE_FACT_KEYS if _fact(before, k) != _fact(after, k)]
        return found

    def _case_data(self, rev: str, path: str) -> dict[str, Any] | None:
        text = self.text_at(rev, path)
        if text is None:  # the file is new (or gone): everything in it is a change
            return {}
        data, problems = load_data(text, path)
        return None if problems else data

    def first_case(self, path: str) -> Case | None:
        """A case file as the base has it or, for a case recorded since, as first committed."""
        found = self.old(path, Case)
        if found is not None or self.text_at(self.fork, path) is not None:
            return found
        for commit in self.commits:
            if path in self.files_of(commit) and self.text_at(commit.sha, path) is not None:
                return self.model_at(commit.sha, path, Case)
        return None

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


def _changed(key: str, before: Any, after: Any) -> str:
    """What changed, without the values when they name a party."""
    if key in PERSON_KEYS:
        return f"{key} was rewritten"
    return f"{key} changed from {getattr(before, key)} to {getattr(after, key)}"


def _sanction_rewrites(before: Sanction, after: Sanction) -> Iterator[tuple[str, str]]:
    for key in FIXED_SANCTION_KEYS:
        if getattr(before, key) != getattr(after, key):
            yield key, _changed(key, before, after)
    for key in SET_ONCE_SANCTION_KEYS:
        if getattr(before, key) is not None and getattr(before, key) != getattr(after, key):
            yield key, _changed(key, before, after)
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
                    f"{before.id}: the vote {_voter(h, vote.member)}recorded at "
                    f"{vote.at.isoformat()} was removed or changed since {h.base}",
                )
                break


def _voter(h: History, member: str) -> str:
    """'of bob ' for a council member; nothing for anyone else (a party may have voted)."""
    return f"of {member} " if member in h.council_ever else ""


def _changed_cases(ctx: Context) -> Iterator[tuple[History, str, Case, Case | None]]:
    """(history, file, the case at the base or as first committed since, the case now)."""
    h = history_of(ctx)
    if h is None:
        return
    now = dict(ctx.cases)
    for path in sorted(p for p in h.changed if p.startswith(CASES_DIR + "/")):
        before = h.first_case(path)
        if before is not None and (path in now or path not in ctx.texts):
            yield h, path, before, now.get(path)


def check_case_history(ctx: Context) -> Iterator[Finding]:
    """Audit: a case's timeline is append-only; who reported whom, when, and whether the reporter
    is to stay anonymous never change (but by `coc expunge`)."""
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
    for j, person in enumerate(old.people if old else []):
        if person.id not in ctx.person_ids and person.id not in h.expunged[PEOPLE_FILE]:
            message = (
                f"'{person.id}' was removed since {h.base}"
                if person.id in h.council_ever
                else f"the person at people[{j}] in {h.base} was removed"
            )
            yield Finding(PEOPLE_FILE, ("people",), message)


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
