"""The options every command shares (-C, --json, --at), as typer declares them; kept apart from
`common` so that what runs without typer (`coc log`, see `entry`) never imports it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "-C", "--ledger", help="The ledger's directory (default: the git work tree here)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened / the moment to look at: ISO date or date-time (default: now).",
    ),
]
