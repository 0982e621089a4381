"""`coc validate` (the ledger's guard in CI, SPEC §6) and `coc schema` (JSON Schemas for editors)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import resolve_at, root_of
from .options import AtOpt, CheckFormat, LedgerOpt

if TYPE_CHECKING:
    from datetime import datetime

    from ..core.models import Policy
    from ..core.problems import Problem

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
        CheckFormat,
        typer.Option("--format", help="text, json or github (workflow annotations)."),
    ] = "text",
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", metavar="CODE", help="Only these checks (CL05 selects CL050-CL059)."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Warnings count too: exit 1 if there is any (in a `coc` action's commit hook: "
            "any the action adds).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    identity: Annotated[
        Path | None,
        typer.Option(
            "--identity",
            metavar="FILE",
            help="Also check that every sealed value this identity's owner may read opens with "
            "it: its key is in refs/coc/keys, wrapped to them, and the text opens (CL099). "
            "Without it validate needs no key (CI has none).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
) -> None:
    """Check the ledger, and its history with --base.

    Files, references, stored dates and the process; with --base, what changed since REF. In a
    sealed ledger, without a key: every sealed field sealed and each case's readers the rule's;
    with --identity, that what it may read opens.

    Exit 0 when no error is found (warnings alone pass unless --strict), 1 when one is, 2 when
    the ledger cannot be read.
    """
    from ..checks import unknown_codes
    from ..errors import UsageError
    from ..output import diagnostics
    from ..validation import added_since_head, check

    fmt = "json" if as_json else fmt
    unknown = unknown_codes(select or [])
    if unknown:
        raise UsageError(f"--select {unknown[0]}: no check has that code (see docs/checks.md)")
    root = root_of(ledger)
    bar = _Bar()
    moments: list[datetime] = []

    def moment(policy: Policy | None) -> datetime:
        moments.append(resolve_at(at, policy or _utc_policy(), action=False))
        return moments[-1]

    try:
        files, found = check(root, base, moment, select or [], bar, identity)
    finally:
        bar.close()
    problems = _from_top(root, found)
    if at is None and not select and not any(p.severity == "error" for p in problems):
        files.note_clean()  # what the next action would find again (`store.clean`)
    failing = [p for p in problems if p.severity == "error" or strict]
    before: list[Problem] = []
    from ..store.commit import ACTION_VAR

    if strict and os.environ.get(ACTION_VAR) and moments:
        there, blocking = added_since_head(root, found, moments[0], select or [])
        before, failing = _from_top(root, there), _from_top(root, blocking)
    if fmt == "json":
        diagnostics.as_json(problems, not failing)
    elif fmt == "github":
        diagnostics.as_github(problems)
    else:
        # in a `coc` action's hook, what blocks comes first: git's refusal names its first line
        diagnostics.as_text([*failing, *before] if before else problems)
        if before:
            _say_they_were_there(len(before))
    if failing:
        raise typer.Exit(1)


def _say_they_were_there(count: int) -> None:
    from ..store.commit import ACTION_VAR

    what = "warning was" if count == 1 else "warnings were"
    typer.echo(
        f"{count} {what} there before this `coc` action ({os.environ.get(ACTION_VAR)}): the "
        "strict hook blocks only a warning an action adds."
    )


def _from_top(root: Path, problems: list[Problem]) -> list[Problem]:
    """File names from the work tree's top (SPEC §2), where CI runs and annotations land: a
    ledger in a folder of a larger repository gets its folder in front."""
    from dataclasses import replace

    from ..store.git import prefix

    folder = prefix(root)  # known since root_of found the ledger
    return [replace(p, file=folder + p.file) for p in problems] if folder else problems


def _utc_policy() -> Policy:
    """A stand-in to read --at when policy.yaml itself is broken (its problems are reported)."""
    from ..core.models import Policy

    return Policy.model_construct(timezone="UTC")  # type: ignore[call-arg]  # only its zone is read


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

            from ..output.console import console

            self.progress = Progress(console=console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("Reading case files", total=total)
        self.progress.update(self.task, completed=done)
        if done >= total:  # every file read: the checks run without a bar
            self.close()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


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
    """Write JSON Schemas of the ledger's files.

    policy.yaml, people.yaml, sanctions.yaml and case files, for editors.
    """
    from ..core.schemas import SCHEMA_DIR, schema_texts
    from ..errors import CocError
    from ..store.atomic import write_output

    if out is None:
        try:
            out = root_of(ledger) / SCHEMA_DIR
        except CocError:  # not in a ledger: write them here
            out = Path.cwd() / SCHEMA_DIR
    if out.exists() and not out.is_dir():
        from ..errors import UsageError

        raise UsageError(f"-o {out}: not a directory")
    for name, text in schema_texts().items():
        write_output(out / name, text)
        typer.echo(str(out / name))
