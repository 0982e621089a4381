"""Actions of Incident processing: receive a report, notify the council, share the report with
the reported person, record the response, review at a meeting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core import anonymity, messages, rules, sealing, transitions
from ..core.change import Change, Outcome
from ..core.ids import next_id
from ..core.models import Case, CaseDeadlines, Person
from ..core.snapshot import Snapshot
from ..errors import UsageError
from . import change_of, gate, step_case
from . import text as text_of


@dataclass(frozen=True)
class ReportInput:
    """What `coc report new` is told about an incident."""

    respondent: str
    reporter: str
    witnesses: tuple[str, ...] = ()
    received_at: datetime | None = None
    occurred_on: date | None = None
    setting: str = "private"
    categories: tuple[str, ...] = ()
    summary: str | None = None
    serious: bool = False
    anonymous_reporter: bool = False
    again: bool = False
    """`--again`: another report, though an open case holds one like it (SPEC §3 The same thing
    twice)."""


def _check_people(snap: Snapshot, report: ReportInput) -> None:
    snap.person(report.respondent, "--respondent")
    snap.person(report.reporter, "--reporter")
    for witness in report.witnesses:
        snap.person(witness, "--witness")
    if report.respondent == report.reporter:
        raise UsageError("--respondent and --reporter name the same person")
    if report.respondent in report.witnesses:
        raise UsageError("--witness names the respondent")
    if report.reporter in report.witnesses:
        raise UsageError(
            "--witness names the reporter, who is a party already: list other witnesses"
        )


def report_new(snap: Snapshot, actor: Person, at: datetime, report: ReportInput) -> Outcome:
    """Submitting a report / Incident processing: the receiving party (the git author, never a
    party to it) records it; the council notice is due."""
    policy = snap.policy
    step = transitions.authorise(policy, "report new", actor.id)
    _check_people(snap, report)
    unknown = [c for c in report.categories if c not in policy.categories]
    if unknown:
        raise UsageError(
            f"--category {unknown[0]}: not in policy.yaml; use one of {', '.join(policy.categories)}"
        )
    received_at = report.received_at or at
    if received_at > at:
        raise UsageError("--received-at is later than --at: a report is recorded after it arrives")
    received_on = rules.local_date(received_at, policy)
    if report.occurred_on and report.occurred_on > received_on:
        raise UsageError("--occurred-on is after the report was received")
    summary = text_of(report.summary, "--summary", "text")
    if summary is None:
        raise UsageError(
            "give --summary TEXT or --summary-file F: what was reported (kept confidential)"
        )
    year = f"{received_on.year:04d}"
    case_id = next_id("COC", received_on.year, snap.ids_taken(year))
    due = rules.council_notice_due(received_at, policy)
    case = transitions.open_case(
        step,
        id=case_id,
        received_at=received_at,
        received_by=actor.id,
        reporter=report.reporter,
        anonymous_reporter=report.anonymous_reporter,
        respondent=report.respondent,
        witnesses=report.witnesses,
        conflicts=sealing.anonymous_conflicts(policy, report.reporter, report.anonymous_reporter),
        occurred_on=report.occurred_on,
        setting=report.setting,
        categories=report.categories,
        serious=report.serious,
        summary=summary,
        deadlines=CaseDeadlines(council_notice=due),
        timeline=(transitions.event(step, received_at, actor.id, again=report.again or None),),
    )
    same = [i for i in (report.respondent, report.reporter) if i]  # what `_same_report` compares
    cases = [] if report.again else list(snap.open_cases(year, same))
    gate(snap, "report new", actor, received_at, case, upto=0, cases=cases, again=report.again)
    change = Change(f"report new {case_id}", step.action, actor.id, at, case=case_id, cases=(case,))
    data = {"case": case_id, "council_notice_due": due.isoformat()}
    return Outcome(
        change, data, f"Recorded {case_id}. Notify the council by {due:%Y-%m-%d %H:%M %Z}."
    )


def _step(
    snap: Snapshot,
    name: str,
    actor: Person,
    at: datetime,
    case_id: str,
    changes: Mapping[str, object] | None = None,
    asked: Mapping[str, Any] | None = None,
    **event: object,
) -> tuple[Change, dict[str, object]]:
    """One step of Incident processing on an open case, through the gate: its commit and data."""
    case = snap.case(case_id)
    step = gate(snap, name, actor, at, case, **dict(asked or {}))
    new = step_case(snap, step, case, actor, at, changes, **event)
    data: dict[str, object] = {"case": case_id, "event": step.event, "at": at.isoformat()}
    return change_of(snap, step, actor, at, new), data


def notify_council(snap: Snapshot, actor: Person, at: datetime, case_id: str) -> Outcome:
    """Incident processing: the council is told of the report within 24 hours of receipt."""
    change, data = _step(snap, "report notify-council", actor, at, case_id)
    due = rules.council_notice_due(snap.case(case_id).received_at, snap.policy)
    late = " (late)." if at > due else "."
    return Outcome(change, data, f"Recorded the council notice for {case_id}{late}")


def share(
    snap: Snapshot, actor: Person, at: datetime, case_id: str, summary: str | None = None
) -> Outcome:
    """Incident processing: sharing the report with the reported person opens their 7 days.
    `summary` is what the council wrote for them (`--summary-file`), kept as `shared_summary`:
    SPEC §3 An anonymous reporter, required then, and refused while it names the reporter."""
    case = snap.case(case_id)
    written = text_of(summary, "--summary-file", "text")
    given = written or case.shared_summary
    gate(snap, "report share", actor, at, case, summary=given)
    if case.anonymous_reporter:
        _for_the_respondent(snap, case, given)
    changes = {"shared_summary": written} if written else {}
    change, data = _step(snap, "report share", actor, at, case_id, changes, {"summary": given})
    due = change.cases[0].deadlines.respondent_response
    data["respondent_response_due"] = str(due)
    what = "the council's summary of " if change.cases[0].shared_summary else ""
    return Outcome(
        change, data, f"Shared {what}{case_id} with the reported person; response due {due}."
    )


def _for_the_respondent(snap: Snapshot, case: Case, summary: str | None) -> None:
    """SPEC §3 An anonymous reporter: the summary the council wrote for the reported person (the
    gate asks that there is one) holds nothing of the reporter's name, id, e-mail or handles
    (compared caseless, after Unicode normalisation; a name part as a whole word)."""
    assert summary is not None  # guards.shared_summary
    terms = messages.reporter_terms(snap.people, case)
    fix = "the reported person must not learn who reported them; write it without that"
    anonymity.refuse_mentions(summary, terms, "--summary-file", fix)


def respond(
    snap: Snapshot, actor: Person, at: datetime, case_id: str, response: str | None
) -> Outcome:
    """Incident processing: the reported person's response; a response shortens the wait."""
    answer = text_of(response, "--file", "text")
    changes = {"response": answer} if answer else {}
    change, data = _step(snap, "report respond", actor, at, case_id, changes)
    review_from = change.cases[0].deadlines.review_from
    return Outcome(change, data, f"Recorded the response to {case_id}; review from {review_from}.")


def review(snap: Snapshot, actor: Person, at: datetime, case_id: str, meeting: date) -> Outcome:
    """Incident processing: the next council meeting after the 7 days or the response, whichever
    is sooner; a serious case may go to an extraordinary meeting (never one before the report).
    The committee must be whole: one a declared conflict left short is formed again first. The
    gate judges all of it (`guards.committee_whole`, `review_meeting`, `review_waits`)."""
    if not any(m.date == meeting for m in snap.policy.meetings):
        raise UsageError(
            f"--meeting {meeting}: no meeting on that date in policy.yaml (`coc meeting add`)"
        )
    asked = {"meeting": meeting}
    change, data = _step(snap, "report review", actor, at, case_id, None, asked, meeting=meeting)
    data["meeting"] = meeting.isoformat()
    return Outcome(change, data, f"Recorded the review of {case_id} at the meeting of {meeting}.")
