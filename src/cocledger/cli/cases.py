"""Read-only queries: `coc case show`, `coc case list`, `coc person show`."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import act, console, emit_json, open_ledger, resolve_at
from .options import AtOpt, JsonOpt, LedgerOpt


def register(app: typer.Typer) -> None:
    case = typer.Typer(
        help="Cases: one incident report each, with its timeline.", no_args_is_help=True
    )
    case.command("show")(case_show)
    case.command("list")(case_list)
    case.command("close")(case_close)
    app.add_typer(case, name="case")


def case_show(
    case: Annotated[str, typer.Argument(metavar="CASE")],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a case: parties, deadlines, timeline and sanctions (--at: its timeline up to then)."""
    from .. import render, views

    lg = open_ledger(ledger)
    data = views.case_view(lg, case, resolve_at(at, lg.policy, action=False) if at else None)
    if as_json:
        emit_json(data)
    else:
        render.case(console(), data)


def case_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only cases still open.")] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the cases of the ledger (--at: those received by then)."""
    from .. import render, views

    lg = open_ledger(ledger)
    rows = views.case_list(lg, open_only, resolve_at(at, lg.policy, action=False) if at else None)
    if as_json:
        emit_json(rows)
    else:
        render.case_list(console(), rows)


def person_show(
    person_id: Annotated[str, typer.Argument(metavar="ID")],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A person's record: offences on record, the next sanction, an active ban, when it clears."""
    from .. import render, rules, views

    lg = open_ledger(ledger)
    day = rules.local_date(resolve_at(at, lg.policy, action=False), lg.policy)
    data = views.person_view(lg, person_id, day)
    if as_json:
        emit_json(data)
    else:
        render.person(console(), data)


def case_close(
    case: Annotated[str, typer.Argument(metavar="CASE")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (e.g. no breach found).")
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a case the council has finished with (no sanction left pending)."""
    from ..actions.cases import close

    act(
        ledger, at, "council", lambda lg, actor, when: close(lg, actor, when, case, reason), as_json
    )
