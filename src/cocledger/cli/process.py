"""`coc due`, `coc notify`, `coc expunge`, `coc log`: deadlines, Communications, expiry of records
and the audit trail."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import act, console, emit_json, open_ledger, resolve_at, root_of
from .options import AtOpt, JsonOpt, LedgerOpt

COUNCIL = "council"
PARTIES = ("offender", "offended", "council", "witnesses")


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("notify")(notify)
    app.command("expunge")(expunge)
    app.command("log")(log)


def due(ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False) -> None:
    """What is due or overdue across open cases and sanctions on record, overdue first."""
    from .. import render_process, rules
    from ..due import due_items

    lg = open_ledger(ledger)
    moment = resolve_at(at, lg.policy, action=False)
    # only open cases have steps due; a closed case matters through its sanctions (their notices)
    cases = lg.cases(status="open", also={s.case for s in lg.sanctions if s.case})
    items = [item.as_json() for item in due_items(lg.policy, cases, lg.sanctions, moment)]
    if as_json:
        emit_json(items)
        return
    as_of = rules.local_date(moment, lg.policy).isoformat() if at else "now"
    render_process.due(console(), items, as_of)


def notify(
    case: Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. COC-2026-0007.")],
    party: Annotated[
        str, typer.Option("--party", help="offender, offended, council or witnesses.")
    ],
    draft: Annotated[
        bool, typer.Option("--draft", help="Print the message to send; record nothing.")
    ] = False,
    sanction: Annotated[
        str | None,
        typer.Option("--sanction", help="The sanction it is about (default: the latest decided)."),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a party was told of the case's latest action, or --draft the message."""
    from ..errors import UsageError

    if party not in PARTIES:
        raise UsageError(f"--party must be one of {', '.join(PARTIES)}")
    if not draft:
        from ..actions.notify import notify as action

        act(
            ledger,
            at,
            COUNCIL,
            lambda lg, actor, when: action(lg, actor, when, case, party, sanction),
            as_json,
        )
        return
    _print_draft(ledger, at, case, party, sanction, as_json)


def _print_draft(
    ledger: LedgerOpt, at: str | None, case: str, party: str, sanction: str | None, as_json: bool
) -> None:
    from ..actions.notify import draft

    lg = open_ledger(ledger)
    notice = draft(lg, resolve_at(at, lg.policy, action=False), case, party, sanction)
    if as_json:
        emit_json(
            {
                "case": notice.case,
                "party": notice.party,
                "sanction": notice.sanction,
                "template": notice.template,
                "withheld": notice.withheld,
                "messages": [
                    {
                        "to": [{"id": p.id, "name": p.name, "email": p.email} for p in d.to],
                        "text": d.text,
                    }
                    for d in notice.drafts
                ],
            }
        )
        return
    parts = []
    for message in notice.drafts:
        to = ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in message.to)
        parts.append(f"To: {to}\n{message.text}")
    sys.stdout.write("\n-----\n\n".join(parts) or "No one to send it to.\n")
    if notice.withheld:
        typer.echo(
            f"note: {notice.withheld} mention(s) of the anonymous reporter were withheld; "
            "read the draft before sending it",
            err=True,
        )


def expunge(ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False) -> None:
    """Remove the personal details of records that have left the record, in one commit."""
    from .. import parse_cache
    from ..actions.expunge import expunge as action

    outcome = act(ledger, at, COUNCIL, lambda lg, actor, when: action(lg, actor, when), as_json)
    if outcome.change is not None:  # the cache holds parsed copies of what was just removed
        parse_cache.clear(root_of(ledger))


def log(
    target: Annotated[
        str | None,
        typer.Argument(metavar="[CASE|SANCTION|PERSON]", help="Whose trail (default: all)."),
    ] = None,
    max_count: Annotated[
        int | None, typer.Option("-n", "--max-count", help="Show at most this many.", min=1)
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The audit trail from the commit trailers: who did what, when; newest first (--at: up to then)."""
    from .trail import show

    show(target, max_count, ledger, at, as_json)
