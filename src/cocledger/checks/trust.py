"""Who made each commit since the base (`coc validate --base REF`), and what it decides.

Who made a commit is read from its git author's email, matched in people.yaml and the roster as
the base has them plus what earlier council-authored commits of the range changed: a commit by
someone else (say, one giving a council member's email to an outsider) never changes who the
history takes anyone to be. Git is read only through the context's `HistorySource`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core.history import CommitInfo, HistorySource
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.models import Case, PeopleFile, Policy, SanctionsFile
from .context import Context

EXPUNGE = "expunge"
DECISION_EVENTS = frozenset(
    {
        "committee_formed",
        "conflict_declared",
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
    "shared_summary",
    "response",
)
"""A case's recorded facts: only a council member changes them (CL087)."""


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

    def __init__(self, ctx: Context, source: HistorySource) -> None:
        # the policy, not the context: the context holds this history (`ctx.shared`), and a
        # cycle would keep every model of the ledger for the collector's last pass at exit
        self.policy, self.source, self.base = ctx.policy, source, source.base
        self.fork = source.fork
        self.rewritten = source.rewritten
        self.changed = source.changed
        self.commits = source.commits
        self.in_range = {c.sha: c for c in self.commits}
        self._files: dict[str, list[str]] = {}

    def text_at(self, rev: str, path: str) -> str | None:
        return self.source.text_at(rev, path)

    def model_at(self, rev: str, path: str, model: type[Any]) -> Any:
        """A file's model at a revision (None if absent or broken), parsed once per text."""
        return self.source.model_at(rev, path, model)

    def old(self, path: str, model: type[Any]) -> Any:
        return self.model_at(self.fork, path, model)

    def parents(self, commit: CommitInfo) -> list[str]:
        return self.source.parents(commit.sha)

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
                changes = [set(self.source.changed_between(p, commit.sha)) for p in parents]
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
            files = self.source.changed_between(parent, commit.sha)
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
        if self.policy is not None:
            ids |= set(self.policy.roster.members)
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
                guarded |= set(policy.roster.members)
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
        parent = self.parent(commit)
        found: list[tuple[str, str | None]] = []
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
        """A case file's data at a revision: {} where it is not there (everything in it is then
        a change), None where it does not parse."""
        return self.source.data_at(rev, path)

    def first_case(self, path: str) -> Case | None:
        """A case file as the base has it or, for a case recorded since, as first committed."""
        found: Case | None = self.old(path, Case)
        if found is not None or self.text_at(self.fork, path) is not None:
            return found
        for commit in self.commits:
            if path in self.files_of(commit) and self.text_at(commit.sha, path) is not None:
                first: Case | None = self.model_at(commit.sha, path, Case)
                return first
        return None

    @cached_property
    def signatures_required(self) -> bool:
        """The base's policy or the new one: a pull request cannot switch the check off for itself."""
        old = self.old(POLICY_FILE, Policy)
        now = self.policy
        return bool((old and old.require_signed_commits) or (now and now.require_signed_commits))


def _decisions(data: dict[str, Any]) -> list[Any]:
    timeline = data.get("timeline") or []
    return [e for e in timeline if isinstance(e, dict) and e.get("action") in DECISION_EVENTS]


def history_of(ctx: Context) -> History | None:
    """The history of this validation run (None without --base), built once."""
    source = ctx.history
    return None if source is None else ctx.shared("history", lambda: History(ctx, source))
