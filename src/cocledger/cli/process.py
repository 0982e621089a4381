"""`coc due`, `coc notify`, `coc expunge`, `coc log`: deadlines, Communications, expiry of records
and the audit trail."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from .common import act, now, query, resolve_at, root_of, snapshot
from .options import AtOpt, CaseArg, JsonOpt, LedgerOpt, Party, upper_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.change import Outcome
    from ..core.due_item import DueItem
    from ..core.models import Person
    from ..core.snapshot import Snapshot


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("notify")(notify)
    app.command("expunge")(expunge)
    app.command("log")(log)


DueFormat = Literal["text", "json", "ics"]


def due(
    fmt: Annotated[
        DueFormat | None,
        typer.Option(
            "--format",
            help="text (a table on a terminal), json (as --json) or ics: an iCalendar file of "
            "the deadlines (dates all-day, instants in UTC, ids and kinds only, no names).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout.",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List what is due or overdue, overdue first.

    Across open cases and the sanctions on record; --format ics for a calendar.
    """
    from .. import queries
    from ..core import rules

    chosen = _due_format(fmt, as_json)
    snap, moment = query(ledger, at, relies=True)
    found = queries.due(snap, moment)
    expunged = queries.expunged_line(snap, rules.local_date(moment, snap.policy))
    if expunged:  # SPEC §3 Queries as of a moment; the JSON stays the list SPEC §4 gives
        typer.echo(expunged, err=True)
    rendered = _due_rendered(chosen, found, snap, moment, at, output is None)
    if rendered is None:  # drawn as a table on the terminal
        return
    data, count = rendered
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    from ..store.atomic import write_output

    write_output(output, data)
    typer.echo(f"Wrote {output} ({chosen}): {count}.", err=True)


def _due_format(fmt: str | None, as_json: bool) -> str:
    """--format, else json with --json, else text; --json with another --format is a mistake."""
    from ..errors import UsageError

    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json conflicts with --format {fmt}: give one of them")
    return "json" if as_json else fmt or "text"


def _due_rendered(
    fmt: str,
    found: list[DueItem],
    snap: Snapshot,
    moment: datetime,
    at: str | None,
    to_stdout: bool,
) -> tuple[str | bytes, str] | None:
    """The file's content and a count for the -o message; None once a table is drawn (text, on
    a terminal)."""
    if fmt == "ics":
        from ..output import calendar

        dated = calendar.dated(found)
        left = f"; {len(found) - dated} without a date left out" if len(found) > dated else ""
        return calendar.ics(found, snap.policy.community, now()), f"{dated} deadline(s){left}"
    from ..core import rules
    from ..output import process
    from ..output.console import json_text

    items = [item.as_json() for item in found]
    count = f"{len(items)} item(s)"
    if fmt == "json":
        return json_text(items), count
    as_of = rules.local_date(moment, snap.policy).isoformat() if at else "now"
    if to_stdout and sys.stdout.isatty():
        from ..output.console import console

        process.due(console(), items, as_of, snap.policy.timezone)
        return None
    return process.due_text(items, as_of, snap.policy.timezone), count


def notify(
    case: CaseArg,
    party: Annotated[
        Party, typer.Option("--party", help="offender, offended, council or witnesses.")
    ],
    draft: Annotated[
        bool, typer.Option("--draft", help="Print the message to send; record nothing.")
    ] = False,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="E-mail it through the SMTP server in COC_SMTP_URL (smtp:// with STARTTLS, or "
            "smtps://; password there or in COC_SMTP_PASSWORD), from the policy's contact; "
            "recorded only once the server took every message.",
        ),
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
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Record it though the party was already told of this step (without it, "
            "refused as recorded twice, naming the earlier notice's date).",
        ),
    ] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a party was told, --draft the message or --send it.

    Of the case's latest action. With --send, the notice is recorded only once the SMTP server
    has accepted every message; plain SMTP only to this machine (docs/notifications.md).
    """
    from ..actions.notify import draft as drafted
    from ..actions.notify import notify as action

    if draft and send:
        from ..errors import UsageError

        raise UsageError("--draft and --send exclude each other: print the message, or send it")

    def record(snap: Snapshot, actor: Person, when: datetime) -> Outcome:
        return action(snap, actor, when, case, party, sanction, again)

    if send:
        _send(case, party, sanction, record, ledger, at, as_json)
        return
    if not draft:
        act(ledger, at, "notify", record, as_json)
        return
    from ..output import process

    snap = snapshot(ledger)
    notice = drafted(snap, resolve_at(at, snap.policy, action=False), case, party, sanction)
    process.notice(notice, as_json)


def _send(
    case: str,
    party: str,
    sanction: str | None,
    record: Callable[[Snapshot, Person, datetime], Outcome],
    ledger: Path | None,
    at: str | None,
    as_json: bool,
) -> None:
    """--send: the gate and the action (`record`) decide first; the messages go out under the
    ledger's lock; the notice is committed only once the server accepted them all (SPEC §4
    Sending notifications). Any refusal before that leaves the ledger as it was."""
    import os

    from ..actions.notify import draft as drafted
    from ..errors import CocError, RefusedError, UsageError
    from ..store import mail, remote

    if at is not None:
        raise UsageError(
            "--send sends the message now: leave out --at (it records when it was sent)"
        )
    server = mail.server_from(os.environ)
    sent: list[mail.Outgoing] = []

    def deliver(outcome: Outcome, snap: Snapshot, when: datetime) -> Outcome:
        notice = drafted(snap, when, case, party, sanction)
        provisional = remote.unshared(root_of(ledger), case, notice.sanction)
        if provisional:
            raise RefusedError(
                f"{provisional} is not on the upstream yet, so its id may still change: run "
                "`coc sync` first, then send (no one is ever told a wrong id)"
            )
        return mail.deliver(server, notice, snap.policy, when, outcome, sent)

    try:
        act(ledger, at, "notify", record, as_json, deliver)
    except CocError as exc:
        if not sent:
            raise
        after = CocError(
            f"{exc} — the message(s) were sent but not recorded: record them with "
            f"`coc notify {case} --party {party}` (without --send)"
        )
        after.exit_code, after.said = exc.exit_code, exc.said
        raise after from None


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
        typer.Option(
            "-n", "--max-count", metavar="N", help="Show at most this many.", min=1, max=10**9
        ),
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
