"""`coc publish` (the active bans page and its CI check) and `coc stats` (the transparency report).

Both are read-only: no lock, no actor check, no commit.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import parse_day, query
from .options import AtOpt, JsonOpt, LedgerOpt, PageFormat, StatsFormat

if TYPE_CHECKING:
    from ..core.bans import PublishedBan
    from ..core.snapshot import Snapshot

FORMATS = ("rst", "md", "html", "json")


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
    app.command("stats")(stats)


def _format_for(fmt: str | None, as_json: bool, path: Path | None) -> str:
    """--format, else --json, else the file's extension, else rst."""
    from ..errors import UsageError
    from ..output.pages import EXTENSIONS

    if as_json:
        if fmt not in (None, "json"):
            raise UsageError(f"--json conflicts with --format {fmt}: give one of them")
        return "json"
    if fmt is not None:
        return fmt
    if path is None:
        return "rst"
    inferred = EXTENSIONS.get(path.suffix.lower())
    if inferred is None:
        raise UsageError(
            f"cannot tell the format of {path} from its extension: add --format {'|'.join(FORMATS)}"
        )
    return inferred


def publish(
    fmt: Annotated[
        PageFormat | None,
        typer.Option(
            "--format",
            help="Output format (default: from the -o/--check file's extension, else rst).",
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
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            metavar="FILE",
            help="Exit 1 if FILE differs from what publish produces now (for CI).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish the active bans.

    The name, the public conduct summary and the ban's dates, nothing else.
    """
    from .. import queries
    from ..core import rules
    from ..errors import UsageError
    from ..output import pages

    if output is not None and check is not None:
        raise UsageError("-o and --check exclude each other: write the file, or check it")
    chosen = _format_for(fmt, as_json, output or check)
    snap, moment = query(ledger, at)
    policy = snap.policy
    day = rules.local_date(moment, policy)
    rows = queries.published(snap, day)
    if check is not None:
        _check(check, chosen, at, snap, rows, day)
        return
    text = pages.render(chosen, rows, day, policy.community)
    if output is None:
        sys.stdout.write(text)
        if chosen == "json" and not rows:
            from ..core.bans import NO_ACTIVE_BANS

            typer.echo(f"{NO_ACTIVE_BANS} on {day.isoformat()}.", err=True)
        return
    from ..store.atomic import write_atomic

    write_atomic(output, text)  # an existing page keeps its permissions
    count = f"{len(rows)} active ban{'s' if len(rows) != 1 else ''}" if rows else "no active bans"
    typer.echo(f"Wrote {output} ({chosen}): {count} on {day.isoformat()}.", err=True)


def _check(
    path: Path, fmt: str, at: str | None, snap: Snapshot, rows: list[PublishedBan], day: date
) -> None:
    """--check: exit 0 when FILE is what publish produces now (an HTML page's own as-of date is
    kept, so a page stays valid until a ban starts, ends or is overturned), else exit 1."""
    from ..errors import CocError, UsageError
    from ..output import pages

    try:
        published = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"--check {path}: no such file; create it with `coc publish --format {fmt} -o {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--check {path}: cannot read it ({exc})") from None
    as_of = (pages.stated_as_of(published) if fmt == "html" else None) or day
    expected = pages.render(fmt, rows, as_of, snap.policy.community)
    found = pages.drift(fmt, published, expected, snap.people.all(), snap.sanctions.all(), day)
    if found is None:
        typer.echo(f"{path} is up to date.", err=True)
        return
    command = f"coc publish --format {fmt} -o {path}" + (f" --at {at}" if at else "")
    raise CocError(pages.drift_message(str(path), found, command))


def stats(
    start: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="DATE", help="First day of the period (default: 1 January)."
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Last day of the period (default: today)."),
    ] = None,
    fmt: Annotated[StatsFormat, typer.Option("--format", help="Output format.")] = "text",
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the anonymised transparency report.

    Reports, categories, outcomes, sanctions, appeals and timeliness of a period.
    """
    from .. import queries
    from ..core import rules
    from ..errors import UsageError
    from ..output.console import emit_json

    if as_json and fmt not in ("text", "json"):
        raise UsageError(f"--json conflicts with --format {fmt}: give one of them")
    snap, moment = query(ledger, at)
    today = rules.local_date(moment, snap.policy)
    last = parse_day(end, "--to") if end else today
    first = parse_day(start, "--from") if start else last.replace(month=1, day=1)
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}: give the period's first day first")
    report = queries.stats(snap, first, last, moment)
    if as_json or fmt == "json":
        emit_json(report)
        return
    from ..output.stats import render_md, render_text

    if fmt == "md":
        sys.stdout.write(render_md(report))
        return
    from ..output.console import console

    render_text(console(), report)
