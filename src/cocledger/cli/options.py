"""The options every command shares (-C, --json, --at) and the choices typer checks itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "-C",
        "--ledger",
        metavar="PATH",
        help="The ledger's directory (default: the git work tree here).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When it happened / the moment to look at: ISO date or date-time (default: now).",
    ),
]


def upper_id(value: str | None) -> str | None:
    """Case and sanction ids are upper case (COC-2026-0007, S-2026-0003); typed in lower case
    they are read the same."""
    return value.strip().upper() if value else value


CaseArg = Annotated[
    str,
    typer.Argument(metavar="CASE", help="Case id, e.g. COC-2026-0007.", callback=upper_id),
]
SanctionArg = Annotated[
    str,
    typer.Argument(metavar="SANCTION", help="Sanction id, e.g. S-2026-0003.", callback=upper_id),
]
PersonArg = Annotated[str, typer.Argument(metavar="ID", help="Person id, e.g. frank.example.")]

EmailOpt = Annotated[
    str | None,
    typer.Option("--email", metavar="EMAIL", help="Email (how a council member is recognised)."),
]

Kind = Literal["warning", "ban", "lifetime_ban", "other"]
Setting = Literal["public", "private"]
Party = Literal["offender", "offended", "council", "witnesses"]
PageFormat = Literal["rst", "md", "html", "json"]
StatsFormat = Literal["text", "md", "json"]
CheckFormat = Literal["text", "json", "github"]
