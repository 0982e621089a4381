"""Actions of Incident processing: receive a report, notify the council, share the report with
the reported person, record the response, review at a meeting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ..core import anonymity, messages, rules, transitions
from ..core.change import Change, Outcome
from ..core.ids import next_id
from ..core.models import Case, CaseDeadlines, Person
from ..core.snapshot import Snapshot
from ..errors import RefusedError, UsageError
from . import change_of, not_before, step_case
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
    case_id = next_id("COC", received_on.year, snap.case_ids(year))
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
        occurred_on=report.occurred_on,
        setting=report.setting,
        categories=report.categories,
        serious=report.serious,
        summary=summary,
        deadlines=CaseDeadlines(council_notice=due),
        timeline=(transitions.event(step, received_at, actor.id),),
    )
    transitions.permit(policy, "report new", actor.id, case)
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
    **event: object,
) -> tuple[Change, dict[str, object]]:
    """One step of Incident processing on an open case, through the gate: its commit and data."""
    case = snap.case(case_id)
    step = transitions.permit(snap.policy, name, actor.id, case)
    new = step_case(snap, step, case, actor, at, changes, **event)
    data: dict[str, object] = {"case": case_id, "event": step.event, "at": at.isoformat()}
    return change_of(step, actor, new), data


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
    transitions.permit(snap.policy, "report share", actor.id, case)
    written = text_of(summary, "--summary-file", "text")
    if case.anonymous_reporter:
        _for_the_respondent(snap, case, written or case.shared_summary)
    changes = {"shared_summary": written} if written else {}
    change, data = _step(snap, "report share", actor, at, case_id, changes)
    due = change.cases[0].deadlines.respondent_response
    data["respondent_response_due"] = str(due)
    what = "the council's summary of " if change.cases[0].shared_summary else ""
    return Outcome(
        change, data, f"Shared {what}{case_id} with the reported person; response due {due}."
    )


def _for_the_respondent(snap: Snapshot, case: Case, summary: str | None) -> None:
    """SPEC §3 An anonymous reporter: the reported person receives a summary the council wrote
    for them, never the report, and one that holds nothing of the reporter's name, id, e-mail or
    handles (compared caseless, after Unicode normalisation; a name part as a whole word)."""
    if summary is None:
        raise RefusedError(
            f"the reporter of {case.id} asked not to be named: write a summary for the reported "
            "person that does not identify them, and give it with "
            f"`coc report share {case.id} --summary-file F`"
        )
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
    The committee must be whole: one a declared conflict left short is formed again first."""
    policy = snap.policy
    case = snap.case(case_id)
    transitions.permit(policy, "report review", actor.id, case)
    short = rules.committee_short(policy, case)
    if short:
        raise RefusedError(
            f"the committee of {case_id} lacks {short} member(s) after a declared conflict: "
            f"form it again with `coc committee form {case_id}`"
        )
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
        deadlines = rules.case_deadlines(case, policy)
        if deadlines.review_from is None:
            raise RefusedError(f"{case_id} has not been shared with the reported person yet")
        if meeting < deadlines.review_from:
            raise RefusedError(
                f"the reported person has until {deadlines.respondent_response} to respond; "
                f"review at a meeting on or after {deadlines.review_from}"
            )
    not_before(rules.local_date(at, policy), meeting, "the meeting")
    changes = {"review_meeting": meeting}
    change, data = _step(snap, "report review", actor, at, case_id, changes, meeting=meeting)
    data["meeting"] = meeting.isoformat()
    return Outcome(change, data, f"Recorded the review of {case_id} at the meeting of {meeting}.")
