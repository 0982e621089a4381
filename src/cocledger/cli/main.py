"""The `coc` entry point: registers the command groups and turns errors into one line + exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .. import __version__
from ..store import interrupts
from . import appeals, cases, common, keys, process, reports, sanctions, setup, sharing
from . import publish as publishing
from . import validate as validation
from .common import failure
from .options import LedgerOpt

PROCESS_ORDER = (
    "init", "person", "council", "meeting", "report", "committee", "sanction", "apology",
    "appeal", "notify", "due", "case", "expunge", "log", "publish", "stats", "sync", "key", "seal",
    "validate", "schema",
)  # fmt: skip
"""`coc --help` lists the commands in the order a case goes through them."""


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def _plain_arguments(command: Any) -> None:
    """Arguments shown as their names (`CASE`, `[TARGET]`), as options are: typer 0.29 adds the
    type (`CASE <str>`) and writes a required one `{CASE}` in the usage line."""
    from typer.core import TyperArgument

    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument):
            name = param.metavar or (param.name or "").upper()
            shown = name if param.required else f"[{name}]"
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
            param._usage_display_name = _constant(shown)  # type: ignore[method-assign]
    for sub in getattr(command, "commands", {}).values():
        _plain_arguments(sub)


class _Group(TyperGroup):
    """Every command runs through here: a user's mistake prints one line and exits 1 or 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_arguments(self)

    def list_commands(self, ctx: Any) -> list[str]:
        known = super().list_commands(ctx)
        return [c for c in PROCESS_ORDER if c in known] + [
            c for c in known if c not in PROCESS_ORDER
        ]

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # here, so that a reader who left (`| head`) is handled below
            return result
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            code = failure(exc)
            if code is None:
                raise
            raise typer.Exit(code) from None

    def make_context(self, *args: Any, **extra: Any) -> Any:
        """typer turns a signal while it parses into a silent exit 130: say it in one line, and
        exit 128 + the signal."""
        try:
            return super().make_context(*args, **extra)
        except KeyboardInterrupt as exc:
            interrupts.stop(exc)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """A flag mistake is one line too (click would print its usage block), then exit 2."""
        plain = (args, prog_name, complete_var, False, windows_expand_args)
        if not standalone_mode:
            return super().main(*plain, **extra)
        try:
            code = super().main(*plain, **extra)
        except TyperException as exc:
            ctx = getattr(exc, "ctx", None)
            if ctx is not None and type(exc).__name__ == "NoArgsIsHelpError":
                typer.echo(ctx.get_help())
            else:
                where = f"{ctx.command_path}: " if ctx is not None else ""
                hint = f" See '{ctx.command_path} --help'." if ctx is not None else ""
                message = exc.format_message().rstrip().replace("Value error, ", "")
                message += "" if message.endswith((".", "?", "!")) else "."
                typer.echo(f"coc: error: {where}{message}{hint}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        except typer.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # a signal while click parsed
                interrupts.stop(exc.__cause__)
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
    context_settings={"max_content_width": 160},  # help as wide as the terminal, up to 160
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
    interrupts.reset()  # a command run in the same process as one before it (the tests) starts anew


setup.register(app)
reports.register(app)
sanctions.register(app)
cases.register(app)
publishing.register(app)
process.register(app)
appeals.register(app)
validation.register(app)
sharing.register(app)
keys.register(app)


def run() -> None:
    """Console script entry point."""
    import gc

    # A short-lived process that builds many objects (10,000 case models) spends most of its time
    # in the cycle collector's full passes under the default thresholds; collect far less often
    # (as mypy does). The objects of the imports never become garbage: keep them out of it.
    gc.set_threshold(200_000, 30, 30)
    gc.freeze()
    commands, groups = app.registered_commands, app.registered_groups
    wanted = _wanted(sys.argv[1:])
    if wanted is not None:
        app.registered_commands = [c for c in commands if _name(c) == wanted]
        app.registered_groups = [g for g in groups if g.name == wanted]
    try:
        app(prog_name="coc")
    except KeyboardInterrupt as exc:  # between click's parsing and the command: still one line
        interrupts.stop(exc)
    finally:
        app.registered_commands, app.registered_groups = commands, groups


def _name(command: Any) -> str | None:
    from typer.main import get_command_name

    return command.name or (command.callback and get_command_name(command.callback.__name__))


GROUP_VALUES = frozenset({"-C", "--ledger"})


def _wanted(args: list[str]) -> str | None:
    """The one top-level command these arguments run ("" for `coc --version`), or None for help
    and anything else. typer turns the signature of every command into click options before it
    parses anything (a third of `coc --version`); building only the command asked for leaves
    every result and message as it is: help, a typo's suggestions and errors get the full tree.
    """
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--version":
            return ""  # eager: it prints and exits before any command is looked at
        if arg in GROUP_VALUES:
            at += 2
        elif arg.startswith(("--ledger=", "-C")) and arg not in GROUP_VALUES:
            at += 1
        elif arg.startswith("-"):
            return None
        else:
            break
    if at >= len(args):
        return None
    names = {_name(c) for c in app.registered_commands} | {g.name for g in app.registered_groups}
    return args[at] if args[at] in names else None
