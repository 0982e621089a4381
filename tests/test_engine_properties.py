"""SPEC §3 One engine, the two promises stated as properties and searched by hypothesis:

1. any sequence of actions the gate accepts leaves a ledger on which `validate` reports no error
   (`LedgerMachine`: random actions, by random council members and parties, at random moments,
   steps recorded late included, in memory);
2. an action refuses (exit 2) when a file it reads or writes holds an error `validate` would
   report, or leaves a ledger with no new error (`MutationMachine`: a valid ledger's files are
   mutated, byte for byte, then random actions run through the one loader, the checks and the
   renderer, as `coc` runs them, on files held in memory).

Default example counts keep the suite in its budget; COC_STATEFUL=N runs N examples of each
(the figures of a long run are in the closing note of issue 18). Failures hypothesis found are
kept below as examples (`test_found_*`).

The cast is fictional: alice (project lead) and bob, carol, dan, erin, fay, gus, hal on the
council; frank, gina, hank and ivy are community members.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cocledger.actions import appeals, cases, committee, expunge, notify, reports, sanctions, setup
from cocledger.actions.perform import check_result, errors, perform
from cocledger.core import council
from cocledger.core.change import Outcome
from cocledger.core.durations import parse_duration
from cocledger.core.ids import case_path
from cocledger.core.ledger import InMemory
from cocledger.errors import CocError, InputError, RefusedError, UsageError
from cocledger.store import files, render, repository
from memory import COUNCIL, MEMBERS, Memory, at, fresh, received

EXAMPLES = int(os.environ.get("COC_STATEFUL", "0"))
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PEOPLE = (*COUNCIL, *MEMBERS)
CONDUCT = "Repeated insults in the project's channels"


def _settings(default_examples: int, steps: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default_examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def problems_of(ledger: Any, at: datetime) -> list[str]:
    return [f"{p.file}:{p.line}: {p.code} {p.message}" for p in errors(ledger, at, None)]


# --- 1. any sequence the gate accepts leaves a valid ledger --------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """Random actions on a ledger held in memory, each tried as `coc` would run it (the action,
    then its result checked): refused (nothing changes) or accepted (its change applied); after
    every step `validate` of the ledger reports no error. A step at the end of the history that
    the gate accepts is never refused by the result check: the gate alone decides it."""

    def __init__(self) -> None:
        super().__init__()
        self.m: Memory = fresh()
        self.now = START
        self.steps: list[str] = []

    # what the rules draw from
    def _cases(self) -> list[str]:
        return self.m.snap.case_ids()

    def _sanctions(self) -> list[str]:
        return list(self.m.snap.sanctions.ids)

    def _pick(self, data: st.DataObject, values: list[str], label: str) -> str:
        return data.draw(st.sampled_from(values), label=label)

    def _actor(self, data: st.DataObject) -> str:
        """Mostly a council member; now and then anyone (a party, someone off the council)."""
        council = list(self.m.snap.policy.roster.council)
        pool = st.sampled_from(council) if council else st.sampled_from(PEOPLE)
        return data.draw(st.one_of(pool, pool, pool, st.sampled_from(PEOPLE)), label="actor")

    def _when(self, data: st.DataObject, case_id: str | None = None) -> datetime:
        """Now, or (a step recorded late) a moment since the case was received."""
        if case_id is None or not data.draw(st.booleans(), label="late"):
            return self.now
        received = self.m.snap.case(case_id).received_at
        span = max(int((self.now - received).total_seconds() // 60), 0)
        return received + timedelta(minutes=data.draw(st.integers(0, span), label="minutes"))

    def _try(self, name: str, action: Any, actor: str, at: datetime, *args: Any) -> Outcome | None:
        """As `coc` runs it: the action, then its result checked (`perform.check_result`). A
        step at the end of the history the gate accepted must pass that check; only a step
        recorded late may be refused there (a later step of the case would no longer pass)."""
        snap, versions = self.m.snap, self.m.versions
        try:
            outcome: Outcome = action(snap, snap.person(actor), at, *args)
            if outcome.change is not None:
                self._result_checked(name, snap, outcome, at)
        except (RefusedError, UsageError):
            assert self.m.snap is snap and self.m.versions is versions  # nothing changed
            return None
        self.steps.append(f"{name} by {actor} at {at.isoformat()}")
        if outcome.change is not None:
            self.m.apply(outcome.change)
        return outcome

    def _result_checked(self, name: str, snap: Any, outcome: Outcome, at: datetime) -> None:
        assert outcome.change is not None
        try:
            check_result(InMemory(snap, self.m.versions), snap, outcome.change, self.now)
        except RefusedError as refused:
            late = at < self._latest(snap)
            assert late, "\n".join([*self.steps, f"{name} at {at.isoformat()}", str(refused)])
            event("a step recorded late refused by its result check")
            raise

    def _latest(self, snap: Any) -> datetime:
        """The moment of the last step the ledger holds: of any case (a step before it may change
        what a later one on the same person found) or of a change of the council."""
        moments = [case.timeline[-1].at for case in snap.cases() if case.timeline]
        moments += [moment for moment, _ in self.m.versions.versions if moment is not None]
        return max(moments, default=START)

    # time
    @rule(days=st.integers(0, 10), hours=st.integers(0, 23))
    def time_passes(self, days: int, hours: int) -> None:
        self.now += timedelta(days=days, hours=hours)

    @rule(months=st.integers(6, 30))
    def much_time_passes(self, months: int) -> None:
        self.now += timedelta(days=30 * months)

    # setting up
    @rule(data=st.data(), offset=st.integers(-10, 40), extraordinary=st.booleans())
    def meeting_add(self, data: st.DataObject, offset: int, extraordinary: bool) -> None:
        day = (self.now + timedelta(days=offset)).date()
        self._try("meeting add", setup.meeting_add, self._actor(data), self.now, day, extraordinary)

    @rule(data=st.data(), person=st.sampled_from(PEOPLE))
    def council_add(self, data: st.DataObject, person: str) -> None:
        self._try("council add", setup.council_add, self._actor(data), self.now, person)

    @rule(data=st.data(), person=st.sampled_from(PEOPLE))
    def council_remove(self, data: st.DataObject, person: str) -> None:
        self._try("council remove", setup.council_remove, self._actor(data), self.now, person)

    @rule(data=st.data(), n=st.integers(0, 999))
    def person_add(self, data: st.DataObject, n: int) -> None:
        self._try(
            "person add",
            setup.person_add,
            self._actor(data),
            self.now,
            f"Zed {n}",
            f"zed{n}",
            f"zed{n}@example.org",
            (),
        )

    # Incident processing
    @rule(
        data=st.data(),
        respondent=st.sampled_from(PEOPLE),
        reporter=st.sampled_from(PEOPLE),
        witnesses=st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True),
        public=st.booleans(),
        serious=st.booleans(),
        anonymous=st.booleans(),
    )
    def report_new(
        self,
        data: st.DataObject,
        respondent: str,
        reporter: str,
        witnesses: list[str],
        public: bool,
        serious: bool,
        anonymous: bool,
    ) -> None:
        report = reports.ReportInput(
            respondent,
            reporter,
            tuple(witnesses),
            setting="public" if public else "private",
            summary="Insults in the release thread",
            serious=serious,
            anonymous_reporter=anonymous,
        )
        self._try("report new", reports.report_new, self._actor(data), self.now, report)

    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def notify_council(self, data: st.DataObject) -> None:
        case = self._pick(data, self._cases(), "case")
        at = self._when(data, case)
        self._try("report notify-council", reports.notify_council, self._actor(data), at, case)

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), size=st.integers(1, 4))
    def committee_form(self, data: st.DataObject, size: int) -> None:
        case = self._pick(data, self._cases(), "case")
        council = list(self.m.snap.policy.roster.council)
        members = data.draw(
            st.lists(st.sampled_from(council or list(PEOPLE)), min_size=size, max_size=size),
            label="members",
        )
        at = self._when(data, case)
        self._try("committee form", committee.form, self._actor(data), at, case, members)

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), member=st.sampled_from(PEOPLE))
    def committee_recuse(self, data: st.DataObject, member: str) -> None:
        case = self._pick(data, self._cases(), "case")
        at = self._when(data, case)
        self._try(
            "committee recuse", committee.recuse, self._actor(data), at, case, member, "A friend"
        )

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), summary=st.booleans())
    def share(self, data: st.DataObject, summary: bool) -> None:
        case = self._pick(data, self._cases(), "case")
        text = "Insults in a thread, as the council summarised them." if summary else None
        at = self._when(data, case)
        self._try("report share", reports.share, self._actor(data), at, case, text)

    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def respond(self, data: st.DataObject) -> None:
        case = self._pick(data, self._cases(), "case")
        at = self._when(data, case)
        self._try("report respond", reports.respond, self._actor(data), at, case, "I disagree.")

    @precondition(lambda self: self._cases() and self.m.snap.policy.meetings)
    @rule(data=st.data())
    def review(self, data: st.DataObject) -> None:
        case = self._pick(data, self._cases(), "case")
        meeting = data.draw(st.sampled_from(self.m.snap.policy.meetings), label="meeting").date
        at = self._when(data, case)
        self._try("report review", reports.review, self._actor(data), at, case, meeting)

    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def case_close(self, data: st.DataObject) -> None:
        case = self._pick(data, self._cases(), "case")
        at = self._when(data, case)
        self._try("case close", cases.close, self._actor(data), at, case, "Decided")

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), party=st.sampled_from(["offender", "offended", "council", "witnesses"]))
    def notify(self, data: st.DataObject, party: str) -> None:
        case = self._pick(data, self._cases(), "case")
        at = self._when(data, case)
        self._try("notify", notify.notify, self._actor(data), at, case, party, None)

    # Proposed sanctions
    @precondition(lambda self: self._cases())
    @rule(
        data=st.data(),
        kind=st.sampled_from([None, None, "ban", "lifetime_ban", "other"]),
        months=st.integers(1, 24),
    )
    def propose(self, data: st.DataObject, kind: str | None, months: int) -> None:
        case = self._pick(data, self._cases(), "case")
        duration = parse_duration(f"{months} months") if kind in ("ban", "other") else None
        reason = "The council's reasons" if kind else None
        at = self._when(data, case)
        self._try(
            "sanction propose",
            sanctions.propose,
            self._actor(data),
            at,
            case,
            kind,
            duration,
            reason,
            CONDUCT,
        )

    def _sanction_step(self, data: st.DataObject) -> tuple[str, datetime]:
        sanction = self._pick(data, self._sanctions(), "sanction")
        found = self.m.snap.sanctions[sanction]
        return sanction, self._when(data, found.case if found.case else None)

    @precondition(lambda self: self._sanctions())
    @rule(data=st.data(), member=st.sampled_from(PEOPLE), yes=st.booleans(), behalf=st.booleans())
    def vote(self, data: st.DataObject, member: str, yes: bool, behalf: bool) -> None:
        sanction, at = self._sanction_step(data)
        actor = self._actor(data)
        voter = member if behalf else actor
        self._try("sanction vote", sanctions.vote, actor, at, sanction, voter, yes, behalf)

    @precondition(lambda self: self._sanctions())
    @rule(data=st.data())
    def enact(self, data: st.DataObject) -> None:
        sanction, at = self._sanction_step(data)
        self._try("sanction enact", sanctions.enact, self._actor(data), at, sanction, None)

    @precondition(lambda self: self._sanctions())
    @rule(data=st.data())
    def reject(self, data: st.DataObject) -> None:
        sanction, at = self._sanction_step(data)
        self._try("sanction reject", sanctions.reject, self._actor(data), at, sanction)

    @precondition(lambda self: self._sanctions())
    @rule(data=st.data(), delivered=st.booleans())
    def apology(self, data: st.DataObject, delivered: bool) -> None:
        sanction, at = self._sanction_step(data)
        self._try(
            "apology record",
            sanctions.apology_record,
            self._actor(data),
            at,
            sanction,
            delivered,
            None if delivered else CONDUCT,
        )

    @precondition(lambda self: self._sanctions())
    @rule(data=st.data())
    def appeal_file(self, data: st.DataObject) -> None:
        sanction, at = self._sanction_step(data)
        self._try("appeal file", appeals.file, self._actor(data), at, sanction, "Too harsh")

    @precondition(lambda self: self._sanctions())
    @rule(
        data=st.data(),
        outcome=st.sampled_from(["upheld", "overturned", "reduced"]),
        days=st.integers(1, 200),
    )
    def appeal_decide(self, data: st.DataObject, outcome: str, days: int) -> None:
        sanction, at = self._sanction_step(data)
        to = parse_duration(f"{days} days") if outcome == "reduced" else None
        self._try("appeal decide", appeals.decide, self._actor(data), at, sanction, outcome, to, ())

    # A council going through the process: the next step of a case, mostly as the policy has it
    # (the random rules above try anything; these take cases deep: sanctions, appeals, expiry)
    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def next_step(self, data: st.DataObject) -> None:
        self._next(data)

    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def another_next_step(self, data: st.DataObject) -> None:
        self._next(data)

    @precondition(lambda self: self._cases())
    @rule(data=st.data())
    def yet_another_next_step(self, data: st.DataObject) -> None:
        self._next(data)

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), steps=st.integers(1, 12))
    def a_council_meeting(self, data: st.DataObject, steps: int) -> None:
        """Several next steps of one case in a row (each checked like any other)."""
        case = self._pick(data, self._cases(), "case")
        for _ in range(steps):
            self._next(data, case)
            self.validate_reports_no_error()

    def _next(self, data: st.DataObject, case_id: str | None = None) -> None:
        snap = self.m.snap
        case = snap.case(case_id or self._pick(data, self._cases(), "case"))
        if case.status != "open":
            return
        eligible = [m for m in snap.policy.roster.council if not council.conflicted(case, m)]
        if not eligible:
            return
        actor = data.draw(st.sampled_from(eligible), label="member")
        done = {e.action for e in case.timeline}
        self.now += timedelta(hours=data.draw(st.integers(0, 30), label="hours"))
        if "council_notified" not in done:
            self._try("report notify-council", reports.notify_council, actor, self.now, case.id)
        elif not case.committee or council.committee_short(snap.policy, case.committee):
            size = min(snap.policy.committee.min_size, len(eligible))
            members = data.draw(st.permutations(eligible), label="committee")[:size]
            self._try("committee form", committee.form, actor, self.now, case.id, members)
        elif "shared" not in done:
            summary = (
                "What the council wrote for the reported person."
                if data.draw(st.booleans(), label="summary")
                else None
            )
            self._try("report share", reports.share, actor, self.now, case.id, summary)
        elif "reviewed" not in done:
            self._review(data, case, actor)
        else:
            self._decide(data, case, actor)

    def _review(self, data: st.DataObject, case: Any, actor: str) -> None:
        if "response_received" not in {e.action for e in case.timeline} and data.draw(
            st.booleans(), label="respond"
        ):
            self._try("report respond", reports.respond, actor, self.now, case.id, "No.")
            return
        earliest = self.m.snap.case(case.id).deadlines.review_from or self.now.date()
        self.now = max(self.now, datetime.combine(earliest, datetime.min.time(), tzinfo=UTC))
        self.now += timedelta(days=7, hours=18)
        day = self.now.date()
        if not any(m.date == day for m in self.m.snap.policy.meetings):
            self._try("meeting add", setup.meeting_add, actor, self.now, day, False)
        self._try("report review", reports.review, actor, self.now, case.id, day)

    def _decide(self, data: st.DataObject, case: Any, actor: str) -> None:
        snap = self.m.snap
        mine = [s for s in snap.sanctions_of_case(case.id) if s.status != "expunged"]
        if not mine:
            deviate = data.draw(st.sampled_from([None, None, "lifetime_ban", "ban"]), label="kind")
            length = parse_duration("2 months") if deviate == "ban" else None
            reason = "The council's reasons" if deviate else None
            self._try("sanction propose", sanctions.propose, actor, self.now, case.id, deviate,
                      length, reason, CONDUCT)  # fmt: skip
            return
        latest = mine[-1]
        if latest.status == "proposed":
            self._vote_or_decide(data, case, latest, actor)
        elif latest.status == "enacted" and latest.apology_due and not latest.apology:
            self.now += timedelta(days=data.draw(st.integers(0, 10), label="days"))
            delivered = data.draw(st.booleans(), label="delivered")
            self._try("apology record", sanctions.apology_record, actor, self.now, latest.id,
                      delivered, None if delivered else CONDUCT)  # fmt: skip
        elif latest.status == "enacted" and latest.kind != "warning" and data.draw(st.booleans()):
            if latest.appeal is None:
                self._try("appeal file", appeals.file, actor, self.now, latest.id, "Too harsh")
            elif latest.appeal.outcome is None:
                outcome = data.draw(st.sampled_from(["upheld", "overturned", "reduced"]))
                to = parse_duration("1 month") if outcome == "reduced" else None
                self._try("appeal decide", appeals.decide, actor, self.now, latest.id, outcome,
                          to, ())  # fmt: skip
        else:
            party = data.draw(st.sampled_from(["offender", "offended", "close"]), label="then")
            if party == "close":
                self._try("case close", cases.close, actor, self.now, case.id, "Decided")
            else:
                self._try("notify", notify.notify, actor, self.now, case.id, party, None)

    def _vote_or_decide(self, data: st.DataObject, case: Any, proposal: Any, actor: str) -> None:
        tally = council.tally(self.m.snap.policy, proposal, case)
        if council.needs_vote(self.m.snap.policy, proposal) and tally.missing:
            member = tally.missing[0]
            yes = data.draw(st.booleans(), label="yes")
            self._try("sanction vote", sanctions.vote, member, self.now, proposal.id, member,
                      yes, False)  # fmt: skip
        elif data.draw(st.integers(0, 4), label="decision"):
            self._try("sanction enact", sanctions.enact, actor, self.now, proposal.id, None)
        else:
            self._try("sanction reject", sanctions.reject, actor, self.now, proposal.id)

    # Expiry of records
    @rule(data=st.data())
    def expunge(self, data: st.DataObject) -> None:
        self._try("expunge", expunge.expunge, self._actor(data), self.now)

    @invariant()
    def validate_reports_no_error(self) -> None:
        found = problems_of(InMemory(self.m.snap, self.m.versions), self.now)
        assert found == [], "\n".join([*self.steps, "--", *found])


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = _settings(default_examples=12, steps=50)


# --- 2. on a ledger with an error, an action refuses or adds none --------------------------------


class Files:
    """A ledger's files held in memory, acted on as `coc` acts on a work tree: the one loader,
    the actions' own checks (`actions.perform`) and the renderer; no git."""

    def __init__(self, texts: dict[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = dict(texts or {})
        if texts is None:  # a new ledger, as `coc init` makes it
            lead = setup.init(START, "alice", "Alice Example", "alice@example.org", "Example",
                              {}, "conduct@example.org")  # fmt: skip
            assert lead.change is not None
            self.write(lead.change)

    def repo(self) -> repository.Repository:
        return repository.Repository(Path("/nonexistent-ledger"), source=files.Memory(self.files))

    def write(self, change: Any) -> None:
        texts, _ = render.files(self.repo(), change)
        for path, text in texts.items():
            if text is None:
                self.files.pop(path, None)
            else:
                self.files[path] = text.encode("utf-8")

    def act(self, step: str, action: Any, actor: str, at: datetime) -> Outcome:
        """The action as `coc` runs it; raises what `coc` would report."""
        repo = self.repo()
        snap = repo.snapshot
        outcome = perform(repo.ledger, snap, f"{actor}@example.org", at, step, action, at)
        if outcome.change is not None:
            self.write(outcome.change)
        return outcome

    def errors(self, at: datetime) -> Counter[tuple[str, str]]:
        repo = self.repo()
        repo.load_all()
        return Counter((p.code, p.file) for p in errors(repo.ledger, at, None))


def _built() -> Files:
    """A small valid ledger: a council of five, members, meetings, and two cases: a warning
    enacted and a 3-month ban escalated from a refused apology; a report just received."""
    ledger = Files()
    day = START

    def act(step: str, action: Any, *args: Any, actor: str = "alice", at: datetime = day) -> str:
        outcome = ledger.act(step, lambda s, a, w: action(s, a, w, *args), actor, at)
        return str(next(iter(outcome.data.values()), ""))

    for person in ("bob", "carol", "dan", "erin", "frank", "gina", "hank"):
        act("person add", setup.person_add, person.title(), person, f"{person}@example.org", ())
    for member in ("bob", "carol", "dan", "erin"):
        act("council add", setup.council_add, member)
    for offset in (14, 35, 56):
        act("meeting add", setup.meeting_add, (day + timedelta(days=offset)).date(), False)
    received = day + timedelta(days=1)
    case = act(
        "report new",
        reports.report_new,
        reports.ReportInput("frank", "gina", ("hank",), summary="Insults"),
        at=received,
    )
    act("report notify-council", reports.notify_council, case, at=received)
    act("committee form", committee.form, case, ["bob", "carol", "dan"], at=received)
    act("report share", reports.share, case, None, at=received + timedelta(days=1))
    meeting = received + timedelta(days=13, hours=8)
    act("report review", reports.review, case, meeting.date(), at=meeting)
    warning = act("sanction propose", sanctions.propose, case, None, None, None, None, at=meeting)
    act("sanction enact", sanctions.enact, warning, None, at=meeting + timedelta(hours=1))
    act("apology refused", sanctions.apology_record, warning, False, CONDUCT,
        at=meeting + timedelta(days=3))  # fmt: skip
    act("report new", reports.report_new, reports.ReportInput("hank", "frank", summary="Spam"),
        at=meeting + timedelta(days=4))  # fmt: skip
    return ledger


_TEMPLATE: dict[str, bytes] | None = None


def built() -> Files:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = dict(_built().files)
    return Files(_TEMPLATE)


MOMENT = START + timedelta(days=30)
ACTIONS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "person add": (setup.person_add, ("Zed", "zed", "zed@example.org", ())),
    "council add": (setup.council_add, ("frank",)),
    "meeting add": (setup.meeting_add, (date(2026, 3, 26), False)),
    "report new": (reports.report_new, (reports.ReportInput("gina", "hank", summary="Again"),)),
    "report notify-council": (reports.notify_council, ("COC-2026-0002",)),
    "committee form": (committee.form, ("COC-2026-0002", ["bob", "carol", "erin"])),
    "report share": (reports.share, ("COC-2026-0002", None)),
    "notify": (notify.notify, ("COC-2026-0001", "offended", None)),
    "appeal file": (appeals.file, ("S-2026-0002", "Too harsh")),
    "sanction propose": (sanctions.propose, ("COC-2026-0002", None, None, None, None)),
    "case close": (cases.close, ("COC-2026-0002", None)),
    "expunge": (expunge.expunge, ()),
}


class MutationMachine(RuleBasedStateMachine):
    """A valid ledger's files mutated (a value swapped for another of its kind, a line dropped
    or doubled, a file cut short), then actions: each refuses, or leaves no new error."""

    @initialize()
    def start(self) -> None:
        self.ledger = built()
        self.log: list[str] = []

    @rule(data=st.data())
    def mutate(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.ledger.files)), label="file")
        lines = self.ledger.files[path].decode("utf-8", "replace").splitlines(keepends=True)
        if not lines:
            return
        n = data.draw(st.integers(0, len(lines) - 1), label="line")
        how = data.draw(st.sampled_from(["swap", "swap", "swap", "drop", "double", "cut"]))
        if how == "swap":
            lines[n] = _swapped(data, lines[n])
        elif how == "drop":
            del lines[n]
        elif how == "double":
            lines.insert(n, lines[n])
        else:
            lines = lines[:n]
        self.ledger.files[path] = "".join(lines).encode("utf-8")
        self.log.append(f"{how} {path}:{n + 1}")

    @rule(step=st.sampled_from(sorted(ACTIONS)), actor=st.sampled_from(["alice", "bob", "erin"]))
    def act(self, step: str, actor: str) -> None:
        action, args = ACTIONS[step]
        before = self.ledger.errors(MOMENT)
        files_before = dict(self.ledger.files)
        try:
            self.ledger.act(step, lambda s, a, w: action(s, a, w, *args), actor, MOMENT)
        except InputError:  # exit 2: an error in (or between) what it reads
            assert self.ledger.files == files_before
            return
        except CocError:  # refused by the policy (exit 1): nothing written either
            assert self.ledger.files == files_before
            return
        after = self.ledger.errors(MOMENT)
        new = after - before
        assert not new, f"{self.log} then {step} by {actor}: new {dict(new)}"
        self.log.append(f"{step} by {actor}")


TestMutationMachine = MutationMachine.TestCase
TestMutationMachine.settings = _settings(default_examples=12, steps=12)


IDS = ["S-2026-0001", "S-2026-0002", "COC-2026-0001", "COC-2026-0002"]
WORDS = [
    *("enacted", "proposed", "escalated", "rejected", "overturned", "expunged", "open", "closed"),
    *("warning", "ban", "lifetime_ban", "'3 months'", "'1 month'", "'24 hours'", "'7 days'"),
    *("1", "2", "3", "true", "false", "refused", "delivered", "public", "private"),
]


def _swapped(data: st.DataObject, line: str) -> str:
    """The line with its value swapped for another of the same kind the ledger holds."""
    key, sep, _ = line.partition(": ")
    if not sep:
        return line
    kinds = {
        "date": ["'2026-01-06'", "'2026-01-20'", "'2027-06-01'", "'2025-12-31'"],
        "instant": ["'2026-01-06T09:00:00Z'", "'2026-01-19T17:00:00Z'", "'2026-03-01T00:00:00Z'"],
        "id": [*COUNCIL[:5], "frank", "gina", "hank", "zed", *IDS],
        "word": WORDS,
    }
    kind = data.draw(st.sampled_from(sorted(kinds)), label="kind")
    return f"{key}{sep}{data.draw(st.sampled_from(kinds[kind]), label='value')}\n"


# --- what hypothesis found, kept as examples -------------------------------------------------------


def test_the_built_ledger_is_valid() -> None:
    """The mutation machine starts from a ledger validate accepts (else nothing is shown)."""
    ledger = built()
    assert ledger.errors(MOMENT) == Counter()
    assert {case_path("COC-2026-0001"), case_path("COC-2026-0002")} <= set(ledger.files)


def test_found_a_case_closed_again_before_its_own_close() -> None:
    """Hypothesis: a case closed at 10:00, then closed again recorded at 09:30 (late): the gate
    allowed it at 09:30, where the case was open, but the close at 10:00 would then follow a
    closed case. A late step stands only if every later step still passes: `coc` checks the
    result of every action with validate's replay before it commits (`check_result`)."""
    m = fresh()
    case = received(
        m, "carol", "alice", when="2026-01-05T09:00:00+00:00", by="bob", summary="Insults"
    )
    m.act(cases.close, "bob", "2026-01-05T10:00:00+00:00", case, None)
    outcome = cases.close(m.snap, m.snap.person("bob"), at("2026-01-05T09:30:00+00:00"), case, None)
    assert outcome.change is not None  # the gate allows it: the case was open at 09:30
    ledger = InMemory(m.snap, m.versions)
    with pytest.raises(RefusedError, match=r"CL058 .*closed"):  # its result check refuses it
        check_result(ledger, m.snap, outcome.change, START + timedelta(days=1))
    assert problems_of(ledger, START + timedelta(days=1)) == []


def test_found_a_member_leaving_the_council_the_moment_they_sat_on_a_committee() -> None:
    """Hypothesis: a committee formed at 09:00, and one of its members removed from the council
    at 09:00 too: the replay judged the committee by the roster after the removal. Who was on
    the council at a step's moment includes the roster just before a change of that moment."""
    m = fresh()
    when = "2026-01-05T09:00:00+00:00"
    case = received(m, "frank", "gina", when=when, by="bob", summary="Insults")
    m.act(committee.form, "bob", when, case, ["carol", "dan", "erin"])
    m.act(setup.council_remove, "alice", when, "erin")
    assert problems_of(InMemory(m.snap, m.versions), START + timedelta(days=1)) == []


def test_found_a_committee_formed_between_two_council_changes_of_one_moment() -> None:
    """Hypothesis (issue 19's run): frank joined the council at 09:00, a committee with frank and
    carol was formed at 09:00, and carol left the council at 09:00. The committee was judged by
    the roster before 09:00 (no frank) and after it (no carol), never by the one it was formed
    under: every roster of that moment counts (`council.rosters_at`)."""
    m = fresh()
    when = "2026-01-05T09:00:00+00:00"
    case = received(m, "bob", "alice", when=when, by="carol", summary="Insults")
    m.act(setup.council_add, "alice", when, "frank")
    m.act(committee.form, "carol", when, case, ["carol", "dan", "frank"])
    removal = setup.council_remove(m.snap, m.snap.person("alice"), at(when), "carol")
    assert removal.change is not None
    check_result(InMemory(m.snap, m.versions), m.snap, removal.change, START + timedelta(days=1))
    m.act(setup.council_remove, "alice", when, "carol")
    assert problems_of(InMemory(m.snap, m.versions), START + timedelta(days=1)) == []
