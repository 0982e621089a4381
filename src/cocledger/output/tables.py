"""Human output through rich: panels and tables for the query commands.

Every value from the ledger goes in as `Text` (`console.literal`), never as markup: a name or a
note with `[/]` in it is shown as written, not interpreted (SPEC §4 Commands).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.wording import expunged_note
from .console import literal
from .when import shown as when


def _box(console: Console) -> box.Box | None:
    """Rules and frames on a terminal; plain text when piped (SPEC §4)."""
    return box.SIMPLE_HEAVY if console.is_terminal else None


def _table(console: Console, *columns: str, title: str | None = None) -> Table:
    table = Table(title=title, box=_box(console), title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _framed(console: Console, body: RenderableType, title: str) -> None:
    """A panel on a terminal; piped, its title on a line of its own, then its text."""
    if console.is_terminal:  # a str title would be read as markup by the panel
        console.print(Panel(body, title=literal(title), title_align="left", expand=False))
        return
    console.print(literal(title))
    console.print(body)


def _row(table: Table, *values: Any) -> None:
    table.add_row(*(literal(v) for v in values))


def sanction_line(s: dict[str, Any]) -> str:
    what = s["kind"].replace("_", " ") + (f" {s['duration']}" if s.get("duration") else "")
    dates = ""
    if s.get("starts_on"):
        dates = f" from {s['starts_on']}" + (f" until {s['ends_on']}" if s.get("ends_on") else "")
    return f"{what}{dates}"


def sanctions_table(console: Console, rows: list[dict[str, Any]], title: str) -> Table:
    """Compact enough for an 80-column terminal: ids and dates never wrap."""
    table = Table(title=title, box=_box(console), title_justify="left", padding=(0, 1))
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
    shown = literal(view["name"], "bold")
    shown.append(f" ({view['person']})\nOffences on record: ")
    shown.append(str(view["offences_on_record"]), "bold")
    shown.append("\nA new offence would be the ")
    shown.append(_ordinal(view["next_offence"]), "bold")
    shown.append(
        f": {nxt['kind'].replace('_', ' ')}{' of ' + nxt['duration'] if nxt['duration'] else ''}\n"
        f"Active ban: {ban['sanction'] + ' until ' + (ban['ends_on'] or 'lifetime') if ban else 'none'}\n"
        f"Record clears on: {view['record_clears_on'] or ('never (lifetime ban)' if any(s['kind'] == 'lifetime_ban' for s in view['record']) else '-')}"
    )
    if view.get("expunged_since"):
        shown.append("\n" + expunged_note(date.fromisoformat(view["expunged_since"])))
    parts: list[Any] = [shown]
    if view["record"]:
        why = "Why: the sanctions still on the record"
        parts.append(sanctions_table(console, view["record"], why))
    _framed(console, parts[0], "person")
    for part in parts[1:]:
        console.print(part)


def sanction(console: Console, s: dict[str, Any], zone: str | None = None) -> None:
    """`coc sanction show`: its dates, then the votes, the apology, the escalation and the
    appeal, each with who and when."""
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
    rows += _apology(s) + _links(s) + _appeal(s)
    for vote in s.get("votes") or []:
        by = f", recorded by {vote['recorded_by']}" if vote.get("recorded_by") else ""
        replaced = " (replaced by a later vote)" if vote.get("replaced") else ""
        rows.append(
            ("vote", f"{vote['member']}: {vote['vote']} at {when(vote['at'], zone)}{by}{replaced}")
        )
    table = Table(box=None, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        _row(table, key, value)
    _framed(console, table, s["sanction"])


def _apology(s: dict[str, Any]) -> list[tuple[str, str]]:
    if not s.get("apology"):
        return []
    late = " (late)" if s.get("apology_late") else ""
    return [("apology", f"{s['apology']} on {s.get('apology_recorded_on')}{late}")]


def _links(s: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if s.get("escalated_from"):
        found.append(("escalated from", f"{s['escalated_from']} (its apology was refused)"))
    if s.get("escalated_to"):
        found.append(("escalated to", f"{s['escalated_to']} (the apology was refused)"))
    return found


def _appeal(s: dict[str, Any]) -> list[tuple[str, str]]:
    appeal = s.get("appeal")
    if not appeal:
        return []
    found = [("appeal filed", str(appeal.get("filed_on")))]
    if appeal.get("outcome"):
        outcome = appeal["outcome"]
        if appeal.get("reduced_from"):
            outcome += f" (from {appeal['reduced_from']})"
        by = ", ".join(appeal.get("decided_by") or []) or "-"
        found.append(("appeal decided", f"{outcome} on {appeal.get('decided_on')} by {by}"))
    else:
        found.append(("appeal decided", "not yet"))
    return found


SUMMARIES = {
    "summary": "summary (confidential)",
    "shared_summary": "shared summary (what the reported person read)",
    "response": "response (confidential)",
}


def case(console: Console, data: dict[str, Any], zone: str | None = None) -> None:
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
        _row(facts, key.replace("_", " "), when(shown, zone) if key == "received_at" else shown)
    for key, value in data.get("deadlines", {}).items():
        _row(facts, f"due: {key.replace('_', ' ')}", when(value, zone))
    timeline = _table(console, "when", "what", "by", "detail", title="Timeline")
    for e in data.get("timeline", []):
        parts = [
            e.get("party"),
            e.get("sanction"),
            e.get("meeting"),
            ", ".join(e.get("members", [])),
        ]
        detail = " ".join(str(p) for p in [*parts, e.get("note")] if p)
        _row(timeline, when(e["at"], zone), e["action"].replace("_", " "), e["by"], detail)
    shown_parts: list[Any] = [facts]
    for key, label in SUMMARIES.items():
        if data.get(key):
            shown_parts.append((literal(data[key].rstrip()), label))
    shown_parts.append(timeline)
    if data.get("sanctions"):
        shown_parts.append(sanctions_table(console, data["sanctions"], "Sanctions"))
    _framed(console, shown_parts[0], data["id"])
    for part in shown_parts[1:]:
        if isinstance(part, tuple):
            _framed(console, *part)
        else:
            console.print(part)


def case_list(console: Console, rows: list[dict[str, Any]], zone: str | None = None) -> None:
    table = _table(console, "case", "status", "received", "respondent", "stage", "serious")
    for r in rows:
        _row(
            table,
            r["case"],
            r["status"],
            when(r["received_at"], zone),
            r["respondent"],
            r["stage"],
            "yes" if r["serious"] else "",
        )
    console.print(table if rows else "No cases.")


def _ordinal(n: int) -> str:
    from ..core.wording import ordinal

    return f"{ordinal(n)} offence"
