"""Human output of `coc due` and `coc log`: a rich table on a terminal, aligned plain text when
piped (one line per item, so grep and less work), overdue items first and marked in words. Every
value from the ledger is shown as typed: `Text` in a table, `visible` in plain lines (SPEC §4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .console import literal, visible
from .when import shown as when

if TYPE_CHECKING:  # rich is imported where a table is drawn: piped output never loads it
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

WHAT = {
    "council_notice": "council notice",
    "committee": "committee",
    "respondent_response": "response window",
    "review": "review",
    "appeal_decision": "appeal decision",
    "apology": "apology",
    "ban_ends": "ban ends",
    "record_expunges": "record clears",
    "notification": "notify",
}


def due_rows(
    items: Sequence[dict[str, Any]], zone: str | None = None
) -> list[tuple[str, list[str], str, list[str]]]:
    """(mark, cells, command, checklist) per item, in the order given."""
    rows = []
    for item in items:
        what = WHAT.get(item["kind"], item["kind"])
        if item.get("party"):
            what = f"{what} {item['party']}"
        cells = [
            when(item["due"], zone),
            what,
            item["case"] or "-",
            item["sanction"] or "-",
            item.get("person") or "-",
            item.get("detail", ""),
        ]
        mark = "OVERDUE" if item["overdue"] else ""
        checklist = [visible(entry) for entry in item.get("checklist", [])]
        rows.append(
            (mark, [visible(c) for c in cells], visible(item.get("command", "")), checklist)
        )
    return rows


DUE_HEADERS = ["", "due", "what", "case", "sanction", "person", "detail"]


def due(
    console: Console, items: Sequence[dict[str, Any]], as_of: str, zone: str | None = None
) -> None:
    """`coc due`: instants in the policy's time zone, labelled, beside dates."""
    if not items or not console.is_terminal:
        console.file.write(due_text(items, as_of, zone))
        return
    rows = due_rows(items, zone)
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAVY,
        title=_due_title(items, as_of),
        title_justify="left",
        title_style="bold",
    )
    if console.width >= 110:
        _due_wide(table, rows)
    else:
        _due_narrow(table, rows)
    console.print(table)


def _due_title(items: Sequence[dict[str, Any]], as_of: str) -> str:
    late = sum(1 for item in items if item["overdue"])
    return f"Due as of {as_of}: {late} overdue, {len(items) - late} to come"


def due_text(items: Sequence[dict[str, Any]], as_of: str, zone: str | None = None) -> str:
    """`coc due` piped or written with -o: one aligned line per item, the command in brackets,
    checklist entries on the lines below."""
    if not items:
        return f"Nothing due as of {as_of}.\n"
    rows = due_rows(items, zone)
    lines = [
        [mark, *cells[:-1], f"{cells[-1]} [{cmd}]" if cmd else cells[-1]]
        for mark, cells, cmd, _ in rows
    ]
    return _due_title(items, as_of) + "\n" + _plain(DUE_HEADERS, lines, [c for *_, c in rows])


def _detail(cells: list[str], command: str, checklist: list[str]) -> Text:
    detail = literal(cells[-1])
    for entry in checklist:
        detail.append(f"\n☐ {entry}")
    if command:
        detail.append(f"\n{command}", style="dim")
    return detail


def _due_wide(table: Table, rows: list[tuple[str, list[str], str, list[str]]]) -> None:
    from rich.text import Text

    for header in DUE_HEADERS:
        table.add_column(header, no_wrap=header != "detail", overflow="fold")
    for mark, cells, command, checklist in rows:
        table.add_row(
            Text(f" {mark} ", style="bold white on red") if mark else Text(""),
            Text(cells[0], style="bold red" if mark else ""),
            Text(cells[1], style="bold"),
            *(literal(c) for c in cells[2:5]),
            _detail(cells, command, checklist),
        )


def _due_narrow(table: Table, rows: list[tuple[str, list[str], str, list[str]]]) -> None:
    """Under 110 columns: the mark under the date, the ids under what is due."""
    from rich.text import Text

    table.show_lines = True
    table.add_column("due", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for mark, cells, command, checklist in rows:
        when = Text(cells[0], style="bold red" if mark else "")
        if mark:
            when.append("\n")
            when.append(f" {mark} ", style="bold white on red")
        what = Text(cells[1], style="bold")
        what.append("\n" + "\n".join(c for c in cells[2:4] if c != "-"))
        table.add_row(when, what, _detail(cells, command, checklist))


LOG_HEADERS = ["when", "recorded", "who", "what", "case", "sanction", "subject"]


def log_rows(entries: Sequence[dict[str, Any]]) -> list[list[str]]:
    """When it happened (its --at) and when it was committed, beside each other: a backfilled
    step reads as what it is."""
    return [
        [
            visible(cell)
            for cell in (
                when(e["at"]),
                when(e.get("recorded_at")),
                e["actor"] or f"({e['author']})",
                e["action"] or "(edit without coc)",
                e["case"] or "-",
                e["sanction"] or "-",
                e["subject"],
            )
        ]
        for e in entries
    ]


def log_text(entries: Sequence[dict[str, Any]]) -> str:
    """The audit trail as aligned plain lines, for a pipe."""
    return _plain(LOG_HEADERS, log_rows(entries)) if entries else "No commits found.\n"


def log(console: Console, entries: Sequence[dict[str, Any]], title: str) -> None:
    from rich import box
    from rich.table import Table

    if not entries or not console.is_terminal:
        console.file.write(log_text(entries))
        return
    rows = log_rows(entries)
    table = Table(box=box.SIMPLE_HEAVY, title=literal(title), title_justify="left")
    for header in LOG_HEADERS:
        table.add_column(header, overflow="fold")
    for cells in rows:
        table.add_row(*(literal(c) for c in cells))
    console.print(table)


def _plain(headers: list[str], rows: list[list[str]], extra: list[list[str]] | None = None) -> str:
    """Columns padded to their widest cell, the last one left free; extra lines indented under it."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    indent = sum(widths) + 2 * len(widths)
    out = []
    for n, cells in enumerate([headers, *rows]):
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False))
        out.append(f"{line}  {cells[-1]}".rstrip())
        if extra and n > 0:
            out.extend(" " * indent + f"[ ] {entry}" for entry in extra[n - 1])
    return "\n".join(out) + "\n"


def notice(drafted: Any, as_json: bool) -> None:
    """`coc notify --draft`: each message with its recipients; a note on stderr when mentions of
    an anonymous reporter were withheld."""
    import sys

    from .console import emit_json

    if as_json:
        emit_json(
            {
                "case": drafted.case,
                "party": drafted.party,
                "sanction": drafted.sanction,
                "template": drafted.template,
                "withheld": drafted.withheld,
                "messages": [
                    {
                        "to": [{"id": p.id, "name": p.name, "email": p.email} for p in d.to],
                        "text": d.text,
                    }
                    for d in drafted.drafts
                ],
            }
        )
        return
    parts = []
    for message in drafted.drafts:
        to = ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in message.to)
        parts.append(visible(f"To: {to}\n{message.text}"))
    sys.stdout.write("\n-----\n\n".join(parts) or "No one to send it to.\n")
    if drafted.withheld:
        sys.stdout.flush()
        sys.stderr.write(
            f"note: {drafted.withheld} mention(s) of the anonymous reporter were withheld; "
            "read the draft before sending it\n"
        )
