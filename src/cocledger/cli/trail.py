"""`coc log`'s work, shared by the typer command and the console script's quick path (`entry`):
it needs neither typer nor, unless --at asks for the policy's time zone, the ledger's models."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from .common import console, emit_json, resolve_at, root_of


def show(
    target: str | None, max_count: int | None, ledger: Path | None, at: str | None, as_json: bool
) -> None:
    """Print the audit trail of `target` (all of the ledger if None), newest first."""
    from .. import audit, render_process

    root = root_of(ledger)
    entries = audit.trail(root, target, None if at else max_count)
    if at is not None:  # -n counts what is left once the later commits are set aside
        from ..ledger import Ledger  # only now: the trail itself needs no model

        until = resolve_at(at, Ledger(root).policy, action=False)
        entries = [e for e in entries if datetime.fromisoformat(e["at"]) <= until][:max_count]
    if as_json:
        emit_json(entries)
    elif sys.stdout.isatty():
        render_process.log(console(), entries, f"Audit trail of {target or 'the ledger'}")
    else:  # piped: plain lines, without loading rich
        sys.stdout.write(render_process.log_text(entries))
