"""`coc validate` (the ledger's guard in CI, SPEC §6) and `coc schema` (JSON Schemas for editors)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import console, emit_json, now, resolve_at, root_of
from .options import AtOpt, LedgerOpt

if TYPE_CHECKING:
    from ..ledger import Problem
    from ..models import Policy

FORMATS = ("text", "json", "github")
PROGRESS_FROM = 1000  # case files; below this a bar would only flicker


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("schema")(schema)


def validate(
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="Also check the history since REF (a pull request's base): append-only, "
            "decisions committed by council members, signed if the policy says so.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="text, json or github (workflow annotations)."
        ),
    ] = "text",
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", metavar="CODE", help="Only these checks (CL05 selects CL050-CL059)."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings count too: exit 1 if there is any.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
) -> None:
    """Check the ledger: files, references, stored dates, the process; with --base, its history.

    Exit 0 when no error is found (warnings alone pass unless --strict), 1 when one is, 2 when
    the ledger cannot be read.
    """
    from ..checks import run, unknown_codes
    from ..checks.context import Context
    from ..checks.history import history_of
    from ..errors import UsageError

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: use text, json or github")
    unknown = unknown_codes(select or [])
    if unknown:
        raise UsageError(f"--select {unknown[0]}: no check has that code (see docs/checks.md)")
    ctx = Context(root_of(ledger), now(), base)
    bar = _Bar()
    try:
        ctx.load(bar)
    finally:
        bar.close()
    ctx.at = resolve_at(at, ctx.policy or _utc_policy(), action=False)
    history_of(ctx)  # an unknown --base fails here, before any output
    problems = run(ctx, select or [])
    failing = [p for p in problems if p.severity == "error" or strict]
    if fmt == "json":
        emit_json({"ok": not failing, "problems": [p.as_json() for p in problems]})
    elif fmt == "github":
        for problem in problems:
            sys.stdout.write(github_annotation(problem) + "\n")
    else:
        _print_text(problems)
    if failing:
        raise typer.Exit(1)


def _utc_policy() -> Policy:
    """A stand-in to read --at when policy.yaml itself is broken (its problems are reported)."""
    from ..models import Policy

    return Policy.model_construct(timezone="UTC")


class _Bar:
    """A progress bar on stderr, only on a terminal and for a large ledger."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        if self.progress is None:
            from rich.progress import Progress

            self.progress = Progress(console=console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("Reading case files", total=total)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_text(problems: list[Problem]) -> None:
    """ruff-style lines, `path:line:col: CODE message`, coloured only on a terminal."""
    from rich.text import Text

    out = console()
    for p in problems:
        line = Text()
        line.append(f"{p.file}:{p.line}:{p.col}:", style="bold")
        line.append(" ")
        line.append(p.code, style="bold red" if p.severity == "error" else "bold yellow")
        line.append(f" {p.message}")
        out.print(line)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        out.print("No problems found.")
    else:
        out.print(f"Found {_count(errors, 'error')} and {_count(warnings, 'warning')}.")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _escape(text: str, prop: bool = False) -> str:
    """GitHub workflow commands: % and line breaks always, ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotation(p: Problem) -> str:
    """`::error file=…,line=…,col=…,title=CODE::message` (warnings as ::warning)."""
    kind = "error" if p.severity == "error" else "warning"
    props = f"file={_escape(p.file, True)},line={p.line},col={p.col},title={_escape(p.code, True)}"
    return f"::{kind} {props}::{_escape(p.message)}"


def schema(
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="DIR",
            help="Where to write <kind>.schema.json (default: schemas/ of the ledger here).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
) -> None:
    """Write JSON Schemas of policy.yaml, people.yaml, sanctions.yaml and case files, for editors."""
    from ..atomic import write_atomic
    from ..errors import CocError
    from ..tooling import SCHEMA_DIR, schema_texts

    if out is None:
        try:
            out = root_of(ledger) / SCHEMA_DIR
        except CocError:  # not in a ledger: write them here
            out = Path.cwd() / SCHEMA_DIR
    if out.exists() and not out.is_dir():
        from ..errors import UsageError

        raise UsageError(f"-o {out}: not a directory")
    for name, text in schema_texts().items():
        write_atomic(out / name, text)
        typer.echo(str(out / name))
