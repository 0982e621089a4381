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
    from ..store.pages import Page

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
            help="Output format (default: from the file's extension, else rst).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the whole file (atomically) instead of stdout; never a page with markers.",
        ),
    ] = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            metavar="FILE",
            help="Replace only the part of FILE between its coc:active-bans markers.",
        ),
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            metavar="FILE",
            help="Exit 1 with a diff if FILE (its marked part, if any) is out of date (for CI).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish the active bans.

    The name, the public conduct summary and the ban's dates, nothing else. A page that holds
    more (the policy's own page) gets the table between two marker lines: `.. coc:active-bans:start`
    and `.. coc:active-bans:end` in rst, `<!-- coc:active-bans:start -->` and
    `<!-- coc:active-bans:end -->` in Markdown and HTML; --update rewrites only that part and
    --check compares only that part. Formats by extension: .rst, .txt and .inc (an rst include),
    .md, .html and .htm, .json.
    """
    from .. import queries
    from ..core import rules
    from ..errors import UsageError
    from ..output import pages

    files = (("-o", output), ("--update", update), ("--check", check))
    given = [(flag, path) for flag, path in files if path is not None]
    if len(given) > 1:
        raise UsageError(
            f"{given[0][0]} and {given[1][0]} exclude each other: give one of -o, --update, --check"
        )
    chosen = _format_for(fmt, as_json, given[0][1] if given else None)
    if update is not None and chosen == "json":
        raise UsageError(f"--update {update}: a JSON file holds no markers; write it with -o")
    page = _page(update or check, chosen, "--update" if update else "--check")
    snap, moment = query(ledger, at, relies=True)
    policy = snap.policy
    day = rules.local_date(moment, policy)
    rows = queries.published(snap, day)
    expunged = queries.expunged_line(snap, day, "bans")
    if expunged:  # SPEC §3 Queries as of a moment; the page and its JSON list stay as published
        typer.echo(expunged, err=True)
    fix = _Fix(fmt, ledger, at)
    if check is not None:
        _check(check, page, chosen, fix, snap, rows, day)
        return
    if update is not None:
        _update(update, page, chosen, rows, day, policy.community)
        return
    text = pages.render(chosen, rows, day, policy.community)
    if output is None:
        sys.stdout.write(text)
        if chosen == "json" and not rows:
            from ..core.bans import NO_ACTIVE_BANS

            typer.echo(f"{NO_ACTIVE_BANS} on {day.isoformat()}.", err=True)
        return
    from ..store.pages import write_whole

    write_whole(output, text)
    typer.echo(f"Wrote {output} ({chosen}): {_count(rows)} on {day.isoformat()}.", err=True)


def _count(rows: list[PublishedBan]) -> str:
    return f"{len(rows)} active ban{'s' if len(rows) != 1 else ''}" if rows else "no active bans"


def _page(path: Path | None, fmt: str, flag: str) -> Page | None:
    """The --update or --check file, read before the ledger so that its mistakes come first."""
    if path is None:
        return None
    from ..errors import UsageError
    from ..store.pages import how_to_mark, read_page

    page = read_page(path, fmt, flag)
    if page is not None:
        return page
    if flag == "--update":
        raise UsageError(
            f"--update {path}: no such file; in the page, {how_to_mark(fmt)}, then run it again"
        )
    raise UsageError(
        f"--check {path}: no such file; create it with `coc publish --format {fmt} -o {path}`, "
        f"or, in the page that should hold the table, {how_to_mark(fmt)} and run "
        f"`coc publish --update {path}`"
    )


def _update(
    path: Path,
    page: Page | None,
    fmt: str,
    rows: list[PublishedBan],
    day: date,
    community: str,
) -> None:
    """--update: the page with only its marked region replaced, or a refusal saying how to mark
    it; every byte outside the region is kept."""
    from ..errors import UsageError
    from ..output.page_check import region_text
    from ..store.pages import MARKERS, write_page

    assert page is not None  # _page refused a missing file
    if page.region is None:
        start, end = MARKERS[fmt]
        raise UsageError(
            f"--update {path}: the file has no coc:active-bans markers; add the line `{start}` "
            f"where the table starts and `{end}` where it ends (each on its own line, a blank "
            "line around them), then run it again"
        )
    content = region_text(page, fmt, rows, day, community)
    written = write_page(page, content)
    done = "Updated" if written else "Already up to date:"
    typer.echo(
        f"{done} {path} between its markers ({fmt}): {_count(rows)} on {day.isoformat()}.",
        err=True,
    )


class _Fix:
    """The command that brings a file up to date, as the user would type it."""

    def __init__(self, fmt: str | None, ledger: Path | None, at: str | None) -> None:
        self.fmt, self.ledger, self.at = fmt, ledger, at

    def command(self, *args: str) -> str:
        import shlex

        words = ["coc", "publish", *args]
        words += ["-C", str(self.ledger)] if self.ledger else []
        words += ["--at", self.at] if self.at else []
        return shlex.join(words)

    def update(self, path: Path) -> str:
        return self.command(*(["--format", self.fmt] if self.fmt else []), "--update", str(path))


def _check(
    path: Path,
    page: Page | None,
    fmt: str,
    fix: _Fix,
    snap: Snapshot,
    rows: list[PublishedBan],
    day: date,
) -> None:
    """--check: exit 0 when the marked region (the whole file when it has no markers) is what
    publish produces now, else exit 1 with a short diff and the command that fixes it."""
    from ..errors import CocError
    from ..output import page_check
    from ..store.pages import how_to_mark

    assert page is not None  # _page refused a missing file
    verdict = page_check.check_page(
        page, fmt, rows, day, snap.policy.community, snap.people.all(), snap.sanctions.all(),
        str(path),
    )  # fmt: skip
    if verdict.drift is None:
        typer.echo(f"{path} is up to date.", err=True)
        return
    if page.region is not None:
        remedy = f"update it with `{fix.update(path)}`"
    elif verdict.table_only:
        remedy = f"regenerate it with `{fix.command('--format', fmt, '-o', str(path))}`"
    else:
        remedy = (
            f"the table is part of a larger page: {how_to_mark(fmt)}, then run `{fix.update(path)}`"
        )
    if verdict.diff:
        typer.echo(verdict.diff, err=True)
    raise CocError(page_check.drift_message(str(path), verdict.drift, remedy))


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
    snap, moment = query(ledger, at, relies=True)
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
