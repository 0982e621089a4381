"""`coc appeal file` and `coc appeal decide`: CoC §8 Addressing grievances."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import act
from .options import AtOpt, JsonOpt, LedgerOpt, SanctionArg


def register(app: typer.Typer) -> None:
    appeal = typer.Typer(
        help="Appeals of permanent resolutions such as bans (CoC §8).", no_args_is_help=True
    )
    appeal.command("file")(file)
    appeal.command("decide")(decide)
    app.add_typer(appeal, name="appeal")


def file(
    sanction: SanctionArg,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="The grounds of the appeal.")
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an appeal of a sanction.

    Only kinds in policy.yaml appeals.allowed_for may be appealed.
    """
    from ..actions.appeals import file as action

    act(ledger, at, "appeal file", lambda s, a, w: action(s, a, w, sanction, reason), as_json)


def decide(
    sanction: SanctionArg,
    upheld: Annotated[bool, typer.Option("--upheld", help="The sanction stands.")] = False,
    overturned: Annotated[
        bool, typer.Option("--overturned", help="It stops counting and is no longer published.")
    ] = False,
    reduced_to: Annotated[
        str | None,
        typer.Option("--reduced-to", metavar="D", help="A shorter duration, e.g. '3 months'."),
    ] = None,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member",
            metavar="ID",
            help="A council member who decided, repeatable (default: the case's committee; "
            "a lifetime ban: the whole council not party to the case).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decide an appeal: --upheld, --overturned or --reduced-to D."""
    from ..actions.appeals import Outcome_
    from ..actions.appeals import decide as action
    from ..errors import UsageError
    from .sanctions import _duration

    given: list[tuple[Outcome_, bool]] = [
        ("upheld", upheld),
        ("overturned", overturned),
        ("reduced", reduced_to is not None),
    ]
    chosen = [outcome for outcome, on in given if on]
    if len(chosen) != 1:
        raise UsageError("give exactly one of --upheld, --overturned or --reduced-to D")
    length = _duration(reduced_to, "--reduced-to")
    step = "appeal overturn" if overturned else "appeal decide"
    act(
        ledger,
        at,
        step,
        lambda s, a, w: action(s, a, w, sanction, chosen[0], length, list(member or [])),
        as_json,
    )
