"""`coc sync`: share this clone's actions with the council's other clones (SPEC §7)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import now, root_of
from .options import JsonOpt, LedgerOpt


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)


def sync(
    onto: Annotated[
        str | None,
        typer.Option(
            "--onto",
            metavar="REF",
            help="Rebuild this branch's actions on REF (a pull request's target, e.g. origin/main) "
            "instead of the branch's upstream; the branch is then pushed with a lease.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what sync would do; change nothing.")
    ] = False,
    no_push: Annotated[
        bool, typer.Option("--no-push", help="Rebuild and check, but do not push.")
    ] = False,
    ledger: LedgerOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch, rebuild your new actions on the upstream, check, push.

    Each of your actions the upstream has not seen is replayed on it through the same rules,
    with its author, moment and inputs: ids the upstream took get the next free ones. Anything
    that cannot stand stops sync before it changes anything.
    """
    from ..output import sharing
    from ..sync import sync as run_sync

    result = run_sync(root_of(ledger), onto, dry_run, not no_push, now())
    sharing.show(result, as_json)
