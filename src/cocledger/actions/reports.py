"""Actions of Incident processing: receive a report, notify the council, form the committee,
share the report with the reported person, record the response, review at a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .. import rules
from ..errors import RefusedError, UsageError
from ..ledger import Ledger
from ..models import Case, CaseDeadlines, Event, Person
from . import Outcome, append_event, case_file, commit, next_id, not_before


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


def _check_people(ledger: Ledger, report: ReportInput) -> None:
    ledger.person(report.respondent, "--respondent")
    ledger.person(report.reporter, "--reporter")
    for witness in report.witnesses:
        ledger.person(witness, "--witness")
    if report.respondent == report.reporter:
        raise UsageError("--respondent and --reporter name the same person")
    if report.respondent in report.witnesses:
        raise UsageError("--witness names the respondent")
    if report.reporter in report.witnesses:
        raise UsageError(
            "--witness names the reporter, who is a party already: list other witnesses"
        )


def report_new(ledger: Ledger, actor: Person, at: datetime, report: ReportInput) -> Outcome:
    """Submitting a report / Incident processing: the receiving party records it; notice is due."""
    policy = ledger.policy
    _check_people(ledger, report)
    unknown = [c for c in report.categories if c not in policy.categories]
    if unknown:
        raise UsageError(
            f"--category {unknown[0]}: not in policy.yaml; use one of {', '.join(policy.categories)}"
        )
    problem = rules.receiver_problem(policy, actor.id, report.reporter, report.respondent)
    if problem:
        raise RefusedError(problem)
    received_at = report.received_at or at
    if received_at > at:
        raise UsageError("--received-at is later than --at: a report is recorded after it arrives")
    received_on = rules.local_date(received_at, policy)
    if report.occurred_on and report.occurred_on > received_on:
        raise UsageError("--occurred-on is after the report was received")
    case_id = next_id("COC", received_on.year, ledger.case_ids(f"{received_on.year:04d}"))
    case = Case(
        id=case_id,
        received_at=received_at,
        received_by=actor.id,
        reporter=report.reporter,
        anonymous_reporter=report.anonymous_reporter,
        respondent=report.respondent,
        witnesses=list(report.witnesses),
        occurred_on=report.occurred_on,
        setting=report.setting,  # type: ignore[arg-type]
        categories=list(report.categories),
        serious=report.serious,
        summary=report.summary,
        deadlines=CaseDeadlines(council_notice=rules.council_notice_due(received_at, policy)),
        timeline=[Event(at=received_at, action="received", by=actor.id)],
    )
    change = commit(
        f"report new {case_id}", "report new", actor, case_file(ledger, case), case=case_id
    )
    due = case.deadlines.council_notice
    data = {"case": case_id, "council_notice_due": due.isoformat()}
    return Outcome(
        change, data, f"Recorded {case_id}. Notify the council by {due:%Y-%m-%d %H:%M %Z}."
    )


def _open_case(ledger: Ledger, case_id: str) -> Case:
    case = ledger.case(case_id)
    if case.status != "open":
        raise RefusedError(f"{case_id} is {case.status}; nothing more can be recorded on it")
    return case


def _record(
    ledger: Ledger, actor: Person, event: Event, case_id: str, verb: str, **changes: object
) -> tuple[Outcome, Case]:
    """One commit: the event appended to the case's timeline, with the fields the action sets."""
    case, files = append_event(ledger, case_id, event, **changes)
    change = commit(f"report {verb} {case_id}", f"report {verb}", actor, files, case=case_id)
    data = {"case": case_id, "event": event.action, "at": event.at.isoformat()}
    return Outcome(change, data, ""), case


def _once(case: Case, action: str, what: str) -> None:
    done = case.first(action)
    if done:
        raise RefusedError(f"{case.id}: {what} already recorded on {done.at.date()}")


def notify_council(ledger: Ledger, actor: Person, at: datetime, case_id: str) -> Outcome:
    """Incident processing: the council is told of the report within 24 hours of receipt."""
    case = _open_case(ledger, case_id)
    _once(case, "council_notified", "the council notice was")
    event = Event(at=at, action="council_notified", by=actor.id)
    outcome, _ = _record(ledger, actor, event, case_id, "notify-council")
    late = at > case.deadlines.council_notice
    outcome.message = f"Recorded the council notice for {case_id}" + (" (late)." if late else ".")
    return outcome


def share(ledger: Ledger, actor: Person, at: datetime, case_id: str) -> Outcome:
    """Incident processing: sharing the report with the reported person opens their 7 days."""
    case = _open_case(ledger, case_id)
    _once(case, "shared", "sharing with the reported person was")
    event = Event(at=at, action="shared", by=actor.id)
    outcome, case = _record(ledger, actor, event, case_id, "share")
    due = case.deadlines.respondent_response
    outcome.message = f"Shared {case_id} with the reported person; response due {due}."
    outcome.data["respondent_response_due"] = str(due)
    return outcome


def respond(ledger: Ledger, actor: Person, at: datetime, case_id: str, text: str | None) -> Outcome:
    """Incident processing: the reported person's response; a response shortens the wait."""
    case = _open_case(ledger, case_id)
    if not case.first("shared"):
        raise RefusedError(
            f"{case_id} has not been shared with the reported person yet (`coc report share`)"
        )
    _once(case, "response_received", "a response was")
    event = Event(at=at, action="response_received", by=actor.id)
    changes = {"response": text} if text else {}
    outcome, case = _record(ledger, actor, event, case_id, "respond", **changes)
    outcome.message = (
        f"Recorded the response to {case_id}; review from {case.deadlines.review_from}."
    )
    return outcome


def review(ledger: Ledger, actor: Person, at: datetime, case_id: str, meeting: date) -> Outcome:
    """Incident processing: the next council meeting after the 7 days or the response, whichever
    is sooner; a serious case may go to an extraordinary meeting (never one before the report)."""
    policy = ledger.policy
    case = _open_case(ledger, case_id)
    if not case.committee:
        raise RefusedError(f"{case_id} has no committee yet: form one with `coc committee form`")
    scheduled = [m for m in policy.meetings if m.date == meeting]
    if not scheduled:
        raise UsageError(
            f"--meeting {meeting}: no meeting on that date in policy.yaml (`coc meeting add`)"
        )
    received_on = rules.local_date(case.received_at, policy)
    if meeting < received_on:
        raise RefusedError(
            f"--meeting {meeting} is before {case_id} was received ({received_on}): "
            "review it at a meeting on or after that day"
        )
    extraordinary = all(m.kind == "extraordinary" for m in scheduled)
    if extraordinary and not case.serious:
        raise RefusedError("only a case marked serious may be reviewed at an extraordinary meeting")
    if not extraordinary:
        earliest = case.deadlines.review_from
        if earliest is None:
            raise RefusedError(f"{case_id} has not been shared with the reported person yet")
        if meeting < earliest:
            raise RefusedError(
                f"the reported person has until {case.deadlines.respondent_response} to respond; "
                f"review at a meeting on or after {earliest}"
            )
    not_before(rules.local_date(at, policy), meeting, "the meeting")
    event = Event(at=at, action="reviewed", by=actor.id, meeting=meeting)
    outcome, _ = _record(ledger, actor, event, case_id, "review", review_meeting=meeting)
    outcome.message = f"Recorded the review of {case_id} at the meeting of {meeting}."
    return outcome


def committee_form(
    ledger: Ledger, actor: Person, at: datetime, case_id: str, members: list[str]
) -> Outcome:
    """Incident processing: a small committee of council members with no conflict of interest."""
    case = _open_case(ledger, case_id)
    for member in members:
        ledger.person(member, "--member")
    problems = rules.committee_problems(ledger.policy, case, members)
    if problems:
        raise RefusedError(f"committee for {case_id} refused: {'; '.join(problems)}")
    event = Event(at=at, action="committee_formed", by=actor.id, members=list(members))
    _, files = append_event(ledger, case_id, event, committee=list(members))
    change = commit(f"committee form {case_id}", "committee form", actor, files, case=case_id)
    return Outcome(
        change,
        {"case": case_id, "committee": members},
        f"Formed the committee for {case_id}: {', '.join(members)}.",
    )
