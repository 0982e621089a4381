"""`coc report ...` and `coc committee ...`: Incident processing, step by step."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import act, parse_day
from .options import AtOpt, CaseArg, JsonOpt, LedgerOpt, Setting

if TYPE_CHECKING:
    from ..core.change import Outcome
    from ..core.models import Person
    from ..core.snapshot import Snapshot


def register(app: typer.Typer) -> None:
    report = typer.Typer(
        help="Incident reports: receive, notify, share, respond, review.", no_args_is_help=True
    )
    report.command("new")(report_new)
    report.command("notify-council")(notify_council)
    report.command("share")(share)
    report.command("respond")(respond)
    report.command("review")(review)
    app.add_typer(report, name="report")
    committee = typer.Typer(help="The review committee of a case.", no_args_is_help=True)
    committee.command("form")(committee_form)
    committee.command("recuse")(committee_recuse)
    app.add_typer(committee, name="committee")


def read_text(path: Path, flag: str) -> str:
    """A text file a person points a flag at; no more is read than a record may hold."""
    from ..core.fields import LIMITS
    from ..errors import InputError

    try:
        with path.open(encoding="utf-8") as handle:
            return handle.read(LIMITS["text"] + 1)  # longer is refused by the action, by name
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{flag}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def report_new(
    respondent: Annotated[
        str, typer.Option("--respondent", metavar="ID", help="Person id of the reported person.")
    ],
    reporter: Annotated[
        str, typer.Option("--reporter", metavar="ID", help="Person id of who reported it.")
    ],
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", metavar="ID", help="Person id of a witness, repeatable."),
    ] = None,
    received_at: Annotated[
        str | None,
        typer.Option(
            "--received-at", metavar="WHEN", help="When the report arrived (default: --at)."
        ),
    ] = None,
    occurred_on: Annotated[
        str | None, typer.Option("--occurred-on", metavar="DATE", help="Date of the incident.")
    ] = None,
    setting: Annotated[
        Setting, typer.Option("--setting", help="public or private: decides the apology's form.")
    ] = "private",
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            metavar="SLUG",
            help="A CoC §4 category slug from policy.yaml, repeatable.",
        ),
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="TEXT", help="What happened (confidential).")
    ] = None,
    summary_file: Annotated[
        Path | None,
        typer.Option("--summary-file", metavar="FILE", help="Read the summary from a file."),
    ] = None,
    serious: Annotated[
        bool,
        typer.Option(
            "--serious", help="Needs immediate action: may go to an extraordinary meeting."
        ),
    ] = False,
    anonymous_reporter: Annotated[
        bool,
        typer.Option("--anonymous-reporter", help="Never name the reporter to the respondent."),
    ] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Another report, though an open case has the same respondent, reporter and "
            "received moment (without it, that is refused as recorded twice).",
        ),
    ] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an incident report you received.

    You are the git author; the council is to be told within 24 hours.
    """
    from ..actions.reports import ReportInput
    from ..actions.reports import report_new as action
    from ..errors import UsageError
    from .common import parse_when

    if summary and summary_file:
        raise UsageError("give --summary or --summary-file, not both")
    text = read_text(summary_file, "--summary-file") if summary_file else summary

    def run(snap: Snapshot, actor: Person, when: datetime) -> Outcome:
        arrived = parse_when(received_at, snap.policy, "--received-at") if received_at else None
        if arrived is None and at is None:  # received now: to the minute, so the same command
            arrived = when.replace(second=0, microsecond=0)  # run again is the same report
        report = ReportInput(
            respondent=respondent,
            reporter=reporter,
            witnesses=tuple(witness or ()),
            received_at=arrived,
            occurred_on=parse_day(occurred_on, "--occurred-on") if occurred_on else None,
            setting=setting,
            categories=tuple(category or ()),
            summary=text,
            serious=serious,
            anonymous_reporter=anonymous_reporter,
            again=again,
        )
        return action(snap, actor, when, report)

    act(ledger, at, "report new", run, as_json)


def notify_council(
    case: CaseArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Record that the council was told of the report."""
    from ..actions.reports import notify_council as action

    act(ledger, at, "report notify-council", lambda s, a, w: action(s, a, w, case), as_json)


def share(
    case: CaseArg,
    summary_file: Annotated[
        Path | None,
        typer.Option(
            "--summary-file",
            metavar="FILE",
            help="The summary the council wrote for them (needed for an anonymous reporter).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that the reported person has the report.

    Their 7 days to respond start. An anonymous reporter's report is never shared: the reported
    person gets the council's summary, from --summary-file.
    """
    from ..actions.reports import share as action

    text = read_text(summary_file, "--summary-file") if summary_file else None
    act(ledger, at, "report share", lambda s, a, w: action(s, a, w, case, text), as_json)


def respond(
    case: CaseArg,
    file: Annotated[
        Path | None, typer.Option("--file", metavar="FILE", help="The response's text.")
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the reported person's response."""
    from ..actions.reports import respond as action

    text = read_text(file, "--file") if file else None
    act(ledger, at, "report respond", lambda s, a, w: action(s, a, w, case, text), as_json)


def review(
    case: CaseArg,
    meeting: Annotated[
        str,
        typer.Option(
            "--meeting", metavar="DATE", help="Date of the council meeting that reviewed it."
        ),
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the council's review of the case at a meeting."""
    from ..actions.reports import review as action

    day = parse_day(meeting, "--meeting")
    act(ledger, at, "report review", lambda s, a, w: action(s, a, w, case, day), as_json)


def committee_form(
    case: CaseArg,
    member: Annotated[
        list[str],
        typer.Option(
            "--member", metavar="ID", help="A council member with no conflict, repeatable."
        ),
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Form the case's review committee.

    From council members with no conflict of interest.
    """
    from ..actions.committee import form

    act(ledger, at, "committee form", lambda s, a, w: form(s, a, w, case, member), as_json)


def committee_recuse(
    case: CaseArg,
    member: Annotated[
        str,
        typer.Option(
            "--member", metavar="ID", help="The council member with a conflict of interest."
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", metavar="TEXT", help="Why (kept in the case file, confidential)."),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a member's conflict of interest.

    They never act on the case again, and leave its committee.
    """
    from ..actions.committee import recuse

    act(
        ledger,
        at,
        "committee recuse",
        lambda s, a, w: recuse(s, a, w, case, member, reason),
        as_json,
    )
