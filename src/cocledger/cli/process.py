"""`coc due`, `coc notify`, `coc expunge`, `coc log`: deadlines, Communications, expiry of records
and the audit trail."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer

from .common import act, query, resolve_at, root_of, snapshot
from .options import AtOpt, CaseArg, JsonOpt, LedgerOpt, Party, upper_id


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("notify")(notify)
    app.command("expunge")(expunge)
    app.command("log")(log)


def due(ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False) -> None:
    """List what is due or overdue, overdue first.

    Across open cases and the sanctions on record.
    """
    from .. import queries
    from ..core import rules
    from ..output import process
    from ..output.console import console, emit_json

    snap, moment = query(ledger, at)
    items = [item.as_json() for item in queries.due(snap, moment)]
    if as_json:
        emit_json(items)
        return
    as_of = rules.local_date(moment, snap.policy).isoformat() if at else "now"
    process.due(console(), items, as_of, snap.policy.timezone)


def notify(
    case: CaseArg,
    party: Annotated[
        Party, typer.Option("--party", help="offender, offended, council or witnesses.")
    ],
    draft: Annotated[
        bool, typer.Option("--draft", help="Print the message to send; record nothing.")
    ] = False,
    sanction: Annotated[
        str | None,
        typer.Option(
            "--sanction",
            metavar="SANCTION",
            help="The sanction it is about (default: the latest decided).",
            callback=upper_id,
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a party was told, or --draft it.

    Of the case's latest action.
    """
    if not draft:
        from ..actions.notify import notify as action

        act(
            ledger,
            at,
            "notify",
            lambda s, a, w: action(s, a, w, case, party, sanction),
            as_json,
        )
        return
    from ..actions.notify import draft as drafted
    from ..output import process

    snap = snapshot(ledger)
    notice = drafted(snap, resolve_at(at, snap.policy, action=False), case, party, sanction)
    process.notice(notice, as_json)


def expunge(ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False) -> None:
    """Remove the details of what left the record.

    In one commit; when nothing is due, no commit.
    """
    from ..actions.expunge import expunge as action

    act(ledger, at, "expunge", action, as_json)


def log(
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="TARGET",
            help="A case, sanction or person id: whose trail (default: the whole ledger).",
        ),
    ] = None,
    max_count: Annotated[
        int | None,
        typer.Option("-n", "--max-count", metavar="N", help="Show at most this many.", min=1),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the audit trail: who did what, when.

    From the commit trailers, newest first (--at: up to then).
    """
    from ..output import process
    from ..output.console import console, emit_json
    from ..store import audit

    root = root_of(ledger)
    if target and target.upper().startswith(("COC-", "S-")):
        target = target.upper()  # ids typed in lower case; person ids are lower case already
    entries = audit.trail(root, target, None if at else max_count)
    if at is not None:  # -n counts what is left once the later commits are set aside
        from ..store import repository

        until = resolve_at(at, repository.open(root).policy, action=False)
        entries = [e for e in entries if datetime.fromisoformat(e["at"]) <= until][:max_count]
    if as_json:
        emit_json(entries)
    elif sys.stdout.isatty():
        process.log(console(), entries, f"Audit trail of {target or 'the ledger'}")
    else:  # piped: plain lines, without loading rich
        sys.stdout.write(process.log_text(entries))
