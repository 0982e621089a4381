"""Human output through rich: panels and tables for the query commands.

Every value from the ledger goes in as `Text`, never as markup: a name or a note with `[/]` in
it is shown as written, not interpreted.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _row(table: Table, *values: Any) -> None:
    table.add_row(*(Text("" if v is None else str(v)) for v in values))


def sanction_line(s: dict[str, Any]) -> str:
    what = s["kind"].replace("_", " ") + (f" {s['duration']}" if s.get("duration") else "")
    dates = ""
    if s.get("starts_on"):
        dates = f" from {s['starts_on']}" + (f" until {s['ends_on']}" if s.get("ends_on") else "")
    return f"{what}{dates}"


def sanctions_table(rows: list[dict[str, Any]], title: str) -> Table:
    """Compact enough for an 80-column terminal: ids and dates never wrap."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", padding=(0, 1))
    for name in ("id", "#", "sanction", "in force", "status", "off record"):
        table.add_column(name, no_wrap=name != "sanction")
    for s in rows:
        what = s["kind"].replace("_", " ") + (f" {s['duration']}" if s.get("duration") else "")
        span = s.get("starts_on") or "-"
        if s.get("starts_on") and s["kind"] != "warning":
            span += f" – {s.get('ends_on') or 'lifetime'}"
        off = s.get("expunges_on") or ("never" if s["kind"] == "lifetime_ban" else "-")
        _row(table, s["sanction"], s["offence"], what, span, s["status"], off)
    return table


def person(console: Console, view: dict[str, Any]) -> None:
    nxt = view["next_sanction"]
    ban = view["active_ban"]
    lines = [
        f"[bold]{escape(view['name'])}[/] ({view['person']})",  # a name is text, not markup
        f"Offences on record: [bold]{view['offences_on_record']}[/]",
        f"A new offence would be the [bold]{_ordinal(view['next_offence'])}[/]: "
        f"{nxt['kind'].replace('_', ' ')}{' of ' + nxt['duration'] if nxt['duration'] else ''}",
        f"Active ban: {ban['sanction'] + ' until ' + (ban['ends_on'] or 'lifetime') if ban else 'none'}",
        f"Record clears on: {view['record_clears_on'] or ('never (lifetime ban)' if any(s['kind'] == 'lifetime_ban' for s in view['record']) else '-')}",
    ]
    parts: list[Any] = ["\n".join(lines)]
    if view["record"]:
        parts.append(sanctions_table(view["record"], "Why: the sanctions still on the record"))
    console.print(Panel(parts[0], title="person", title_align="left", expand=False))
    for part in parts[1:]:
        console.print(part)


def sanction(console: Console, s: dict[str, Any]) -> None:
    rows = [
        ("sanction", s["sanction"]),
        ("case", s.get("case") or ""),
        ("offence", str(s["offence"])),
        ("kind", sanction_line(s)),
        ("status", s["status"]),
        ("decided on", s.get("decided_on") or ""),
        ("starts on", s.get("starts_on") or "-"),
        ("ends on", s.get("ends_on") or "-"),
        ("off the record from", s.get("expunges_on") or "-"),
        ("apology due", s.get("apology_due") or "-"),
    ]
    if s.get("escalated_from"):
        rows.append(("escalated from", s["escalated_from"]))
    if s.get("escalated_to"):
        rows.append(("escalated to", s["escalated_to"]))
    table = Table(box=None, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        _row(table, key, value)
    console.print(Panel(table, title=s["sanction"], title_align="left", expand=False))


def case(console: Console, data: dict[str, Any]) -> None:
    facts = Table(box=None, show_header=False)
    facts.add_column(style="bold")
    facts.add_column()
    if data.get("anonymous_reporter"):
        facts.add_row(
            Text("ANONYMOUS REPORTER", style="bold red"),
            Text("never name the reporter to the respondent or witnesses"),
        )
    for key in (
        "status",
        "received_at",
        "received_by",
        "reporter",
        "respondent",
        "witnesses",
        "conflicts",
        "occurred_on",
        "setting",
        "categories",
        "serious",
        "committee",
        "review_meeting",
    ):
        value = data.get(key)
        if value in (None, [], "", False):
            continue
        shown = ", ".join(value) if isinstance(value, list) else "yes" if value is True else value
        _row(facts, key.replace("_", " "), shown)
    for key, value in data.get("deadlines", {}).items():
        _row(facts, f"due: {key.replace('_', ' ')}", value)
    timeline = _table("when", "what", "by", "detail", title="Timeline")
    for e in data.get("timeline", []):
        parts = [
            e.get("party"),
            e.get("sanction"),
            e.get("meeting"),
            ", ".join(e.get("members", [])),
        ]
        detail = " ".join(str(p) for p in [*parts, e.get("note")] if p)
        _row(timeline, e["at"], e["action"].replace("_", " "), e["by"], detail)
    shown_parts: list[Any] = [facts]
    for key in ("summary", "response"):
        if data.get(key):
            shown_parts.append(
                Panel(
                    Text(data[key].rstrip()),
                    title=f"{key} (confidential)",
                    title_align="left",
                    expand=False,
                )
            )
    shown_parts.append(timeline)
    if data.get("sanctions"):
        shown_parts.append(sanctions_table(data["sanctions"], "Sanctions"))
    console.print(Panel(shown_parts[0], title=data["id"], title_align="left", expand=False))
    for part in shown_parts[1:]:
        console.print(part)


def case_list(console: Console, rows: list[dict[str, Any]]) -> None:
    table = _table("case", "status", "received", "respondent", "stage", "serious")
    for r in rows:
        _row(
            table,
            r["case"],
            r["status"],
            r["received_at"],
            r["respondent"],
            r["stage"],
            "yes" if r["serious"] else "",
        )
    console.print(table if rows else "No cases.")


def _ordinal(n: int) -> str:
    from ..core.wording import ordinal

    return f"{ordinal(n)} offence"
