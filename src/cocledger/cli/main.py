"""The `coc` entry point: registers the command groups and turns errors into one line + exit code."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .. import __version__
from . import appeals, cases, common, process, reports, sanctions, setup
from . import publish as publishing
from . import validate as validation
from .common import LedgerOpt


class _Group(TyperGroup):
    """Every command runs through here: a user's mistake prints one line and exits 1 or 2."""

    def invoke(self, ctx: typer.Context) -> object:
        from ..errors import CocError

        try:
            return super().invoke(ctx)
        except CocError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing was changed", 130)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:  # a genuine bug: say so; the traceback only on request
            from .common import debug

            if debug():
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (COC_DEBUG=1 shows a traceback)", 3)
        return None

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """A flag mistake is one line too (click would print its usage block), then exit 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except TyperException as exc:
            ctx = getattr(exc, "ctx", None)
            if ctx is not None and type(exc).__name__ == "NoArgsIsHelpError":
                typer.echo(ctx.get_help())
            else:
                where = f"{ctx.command_path}: " if ctx is not None else ""
                hint = f" See '{ctx.command_path} --help'." if ctx is not None else ""
                typer.echo(f"coc: error: {where}{exc.format_message()}{hint}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        except typer.Abort:
            typer.echo("coc: error: aborted; nothing was changed", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="coc",
    help="Run a community's Code of Conduct enforcement process over a git-backed YAML ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coc {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
    ledger: LedgerOpt = None,
) -> None:
    """Run a community's Code of Conduct enforcement process over a git-backed YAML ledger."""
    common.default_ledger = ledger  # `coc -C PATH cmd` as well as `coc cmd -C PATH`, like git


setup.register(app)
reports.register(app)
sanctions.register(app)
cases.register(app)
publishing.register(app)
process.register(app)
appeals.register(app)
validation.register(app)


def run() -> None:
    """Console script entry point."""
    app(prog_name="coc")


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"coc: error: {message}", err=True)
    raise typer.Exit(code)
