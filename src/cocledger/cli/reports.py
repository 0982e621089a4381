"""`coc report ...` and `coc committee form`: Incident processing, step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import act, parse_day
from .options import AtOpt, JsonOpt, LedgerOpt

REPORT = "report"
COUNCIL = "council"

CaseArg = Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. COC-2026-0007.")]


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
    app.add_typer(committee, name="committee")


def _read_text(path: Path, flag: str) -> str:
    from ..errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{flag}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def report_new(
    respondent: Annotated[
        str, typer.Option("--respondent", help="Person id of the reported person.")
    ],
    reporter: Annotated[str, typer.Option("--reporter", help="Person id of who reported it.")],
    witness: Annotated[
        list[str] | None, typer.Option("--witness", help="Person id of a witness, repeatable.")
    ] = None,
    received_at: Annotated[
        str | None, typer.Option("--received-at", help="When the report arrived (default: --at).")
    ] = None,
    occurred_on: Annotated[
        str | None, typer.Option("--occurred-on", help="Date of the incident.")
    ] = None,
    setting: Annotated[
        str, typer.Option("--setting", help="public or private: decides the apology's form.")
    ] = "private",
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="A CoC §4 category slug from policy.yaml, repeatable."),
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", help="What happened (confidential).")
    ] = None,
    summary_file: Annotated[
        Path | None, typer.Option("--summary-file", help="Read the summary from a file.")
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
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an incident report received by you (the git author): the council is to be told within 24 hours."""
    from ..actions.reports import ReportInput
    from ..actions.reports import report_new as action
    from ..errors import UsageError
    from .common import parse_when

    if setting not in ("public", "private"):
        raise UsageError("--setting must be 'public' or 'private'")
    if summary and summary_file:
        raise UsageError("give --summary or --summary-file, not both")
    text = _read_text(summary_file, "--summary-file") if summary_file else summary

    def run(lg, actor, when):  # type: ignore[no-untyped-def]
        report = ReportInput(
            respondent=respondent,
            reporter=reporter,
            witnesses=tuple(witness or ()),
            received_at=parse_when(received_at, lg.policy, "--received-at")
            if received_at
            else None,
            occurred_on=parse_day(occurred_on, "--occurred-on") if occurred_on else None,
            setting=setting,
            categories=tuple(category or ()),
            summary=text,
            serious=serious,
            anonymous_reporter=anonymous_reporter,
        )
        return action(lg, actor, when, report)

    act(ledger, at, REPORT, run, as_json)


def notify_council(
    case: CaseArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Record that the council was told of the report."""
    from ..actions.reports import notify_council as action

    act(ledger, at, REPORT, lambda lg, actor, when: action(lg, actor, when, case), as_json)


def share(
    case: CaseArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Record that the report was shared with the reported person: their 7 days start."""
    from ..actions.reports import share as action

    act(ledger, at, REPORT, lambda lg, actor, when: action(lg, actor, when, case), as_json)


def respond(
    case: CaseArg,
    file: Annotated[Path | None, typer.Option("--file", help="The response's text.")] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the reported person's response."""
    from ..actions.reports import respond as action

    text = _read_text(file, "--file") if file else None
    act(ledger, at, REPORT, lambda lg, actor, when: action(lg, actor, when, case, text), as_json)


def review(
    case: CaseArg,
    meeting: Annotated[
        str, typer.Option("--meeting", help="Date of the council meeting that reviewed it.")
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the council's review of the case at a meeting."""
    from ..actions.reports import review as action

    day = parse_day(meeting, "--meeting")
    act(ledger, at, COUNCIL, lambda lg, actor, when: action(lg, actor, when, case, day), as_json)


def committee_form(
    case: CaseArg,
    member: Annotated[
        list[str], typer.Option("--member", help="A council member with no conflict, repeatable.")
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Form the case's review committee from council members with no conflict of interest."""
    from ..actions.reports import committee_form as action

    act(ledger, at, COUNCIL, lambda lg, actor, when: action(lg, actor, when, case, member), as_json)
