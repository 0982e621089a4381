"""Read-only queries `coc case show`, `coc case list`, `coc person show`; and `coc case close`."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import act, query
from .options import AtOpt, CaseArg, JsonOpt, LedgerOpt, PersonArg


def register(app: typer.Typer) -> None:
    case = typer.Typer(
        help="Cases: one incident report each, with its timeline.", no_args_is_help=True
    )
    case.command("show")(case_show)
    case.command("list")(case_list)
    case.command("close")(case_close)
    app.add_typer(case, name="case")


def case_show(
    case: CaseArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Show a case: parties, deadlines, timeline.

    With its sanctions; --at: as it stood then.
    """
    from .. import queries
    from ..output import tables
    from ..output.console import console, emit_json

    snap, _ = query(ledger, at)
    data = queries.case_view(snap, case)
    if as_json:
        emit_json(data)
    else:
        tables.case(console(), data, snap.policy.timezone)


def case_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only cases still open.")] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the cases (--at: as they stood then)."""
    from .. import queries
    from ..output import tables
    from ..output.console import console, emit_json

    snap, _ = query(ledger, at)
    rows = queries.case_list(snap, open_only)
    if as_json:
        emit_json(rows)
    else:
        tables.case_list(console(), rows, snap.policy.timezone)


def person_show(
    person_id: PersonArg, ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False
) -> None:
    """Show a person's record.

    Offences on record, the next sanction, an active ban, when the record clears.
    """
    from .. import queries
    from ..core import rules
    from ..output import tables
    from ..output.console import console, emit_json

    snap, moment = query(ledger, at, relies=True)
    day = rules.local_date(moment, snap.policy)
    data = queries.person_view(snap, person_id, day)
    if as_json:
        emit_json(data)
    else:
        tables.person(console(), data)


def case_close(
    case: CaseArg,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why (e.g. no breach found).")
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a case the council has finished with.

    No sanction of it may still be pending.
    """
    from ..actions.cases import close

    act(ledger, at, "case close", lambda s, a, w: close(s, a, w, case, reason), as_json)
