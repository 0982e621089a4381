"""`coc sanction ...` and `coc apology record`: Proposed sanctions, votes, enactment, apology."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import act, parse_day, snapshot
from .options import AtOpt, CaseArg, JsonOpt, Kind, LedgerOpt, SanctionArg

if TYPE_CHECKING:
    from ..core.change import Outcome
    from ..core.durations import Duration


def register(app: typer.Typer) -> None:
    sanction = typer.Typer(
        help="Sanctions: propose from the ladder, vote, enact, reject, show.", no_args_is_help=True
    )
    for name, fn in (
        ("propose", propose),
        ("vote", vote),
        ("enact", enact),
        ("reject", reject),
        ("show", show_sanction),
    ):
        sanction.command(name)(fn)
    app.add_typer(sanction, name="sanction")
    apology = typer.Typer(help="The apology a 1st-offence warning requires.", no_args_is_help=True)
    apology.command("record")(apology_record)
    app.add_typer(apology, name="apology")


def _duration(text: str | None, flag: str) -> Duration | None:
    from ..core.durations import parse_duration
    from ..errors import UsageError

    try:
        return parse_duration(text) if text is not None else None
    except UsageError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def propose(
    case: CaseArg,
    kind: Annotated[
        Kind | None,
        typer.Option("--kind", help="warning, ban, lifetime_ban or other (default: the ladder's)."),
    ] = None,
    duration: Annotated[
        str | None,
        typer.Option(
            "--duration", metavar="DURATION", help="e.g. '3 months' (default: the ladder's)."
        ),
    ] = None,
    deviation_reason: Annotated[
        str | None,
        typer.Option(
            "--deviation-reason", metavar="TEXT", help="Why the council departs from the ladder."
        ),
    ] = None,
    conduct: Annotated[
        str | None,
        typer.Option(
            "--conduct", metavar="TEXT", help="Public summary of the conduct, published with a ban."
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose the ladder's sanction for the offence.

    A ban needs --conduct, the public summary published with it. The ladder gives the
    respondent's next offence; --kind and --duration depart from it with --deviation-reason.
    """
    from ..actions.sanctions import conduct_given
    from ..actions.sanctions import propose as action

    if kind is not None:
        conduct_given(kind, conduct)  # up front, before the ledger is even read
    length = _duration(duration, "--duration")
    act(
        ledger,
        at,
        "sanction propose",
        lambda s, a, w: action(s, a, w, case, kind, length, deviation_reason, conduct),
        as_json,
        also=_proposal_table,
    )


def _proposal_table(outcome: Outcome) -> None:
    from ..output import tables
    from ..output.console import console

    tables.sanction(console(), dict(outcome.data))


def vote(
    sanction: SanctionArg,
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            metavar="ID",
            help="The council member voting (default: you, the git author).",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="In favour.")] = False,
    no: Annotated[bool, typer.Option("--no", help="Against.")] = False,
    on_behalf: Annotated[
        bool,
        typer.Option(
            "--on-behalf",
            help="Record the vote --member gave at a meeting (you are stored as recorded_by).",
        ),
    ] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a vote on a sanction.

    Your own, or with --on-behalf the vote another member gave at a meeting (a lifetime ban
    needs the full council).
    """
    from ..actions.sanctions import vote as action
    from ..errors import UsageError

    if yes == no:
        raise UsageError("give exactly one of --yes or --no")
    act(
        ledger,
        at,
        "sanction vote",
        lambda s, a, w: action(s, a, w, sanction, member, yes, on_behalf),
        as_json,
    )


def enact(
    sanction: SanctionArg,
    starts_on: Annotated[
        str | None,
        typer.Option("--starts-on", metavar="DATE", help="First day in force (default: today)."),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enact a proposed sanction.

    Its dates are fixed from the day it starts.
    """
    from ..actions.sanctions import enact as action

    day = parse_day(starts_on, "--starts-on") if starts_on else None
    act(ledger, at, "sanction enact", lambda s, a, w: action(s, a, w, sanction, day), as_json)


def reject(
    sanction: SanctionArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Reject a proposed sanction; it never counts as an offence."""
    from ..actions.sanctions import reject as action

    act(ledger, at, "sanction reject", lambda s, a, w: action(s, a, w, sanction), as_json)


def show_sanction(
    sanction: SanctionArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Show a sanction, its votes, apology and appeal.

    As recorded; --at is accepted for symmetry.
    """
    from ..output import tables
    from ..output.console import console, emit_json
    from ..queries import sanction_json
    from .common import resolve_at

    snap = snapshot(ledger)
    if at is not None:
        resolve_at(at, snap.policy, action=False)  # a bad --at is still bad usage
    data = sanction_json(snap.sanction(sanction))
    if as_json:
        emit_json(data)
    else:
        tables.sanction(console(), data, snap.policy.timezone)


def apology_record(
    sanction: SanctionArg,
    delivered: Annotated[bool, typer.Option("--delivered", help="The apology was made.")] = False,
    refused: Annotated[
        bool, typer.Option("--refused", help="The offender refused: escalates automatically.")
    ] = False,
    conduct: Annotated[
        str | None,
        typer.Option(
            "--conduct",
            metavar="TEXT",
            help="Public summary of the conduct, published with the ban a refusal escalates to "
            "(required then, unless the warning has one).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the apology a warning requires.

    Delivered or refused; a refusal escalates the warning at once.
    """
    from ..actions.sanctions import apology_record as action
    from ..errors import UsageError

    if delivered == refused:
        raise UsageError("give exactly one of --delivered or --refused")
    step = "apology delivered" if delivered else "apology refused"
    act(
        ledger,
        at,
        step,
        lambda s, a, w: action(s, a, w, sanction, delivered, conduct),
        as_json,
    )
