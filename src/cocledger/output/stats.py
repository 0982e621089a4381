"""Renderers of the transparency report: rich bar charts for a terminal, Markdown for a blog post.

Both take only the already suppressed report from `stats.published`, never exact counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core.wording import long_date

GROUPS = (
    ("By category (Code of Conduct §4)", "by_category", "category", "reports", None),
    ("Outcomes", "outcomes", "label", "reports", "reports_received"),
    ("Sanctions by rung", "sanctions_by_rung", "label", "sanctions", "sanctions_enacted"),
    ("Appeals", "appeal_outcomes", "label", "appeals", "appeals_filed"),
)
TOTAL_LABELS = {
    "reports_received": "reports received",
    "sanctions_enacted": "sanctions enacted",
    "appeals_filed": "appeals filed",
}


def _day(text: str) -> str:
    return long_date(date.fromisoformat(text))


def period_line(report: dict[str, Any]) -> str:
    return (
        f"Reports received from {_day(report['from'])} to {_day(report['to'])}, "
        f"followed up to {_day(report['as_of'])}."
    )


def rule_line(report: dict[str, Any]) -> str:
    n = report["suppress_below"]
    return (
        f"To protect the people involved, counts from 1 to {n - 1} are shown as <{n}, a total "
        "with a hidden part as a lower bound (K+), and a median or share resting on fewer than "
        f"{n} cases (or with fewer than {n} met or missed) is suppressed."
    )


def _median_text(value: Any) -> str:
    return f"{value} days" if isinstance(value, int | float) else str(value)


def _percent_text(value: Any) -> str:
    return f"{value}%" if isinstance(value, int) else str(value)


# --- terminal -----------------------------------------------------------------------------------


def render_text(console: Any, report: dict[str, Any]) -> None:
    """Terminal output: one table per group, with a bar for every count that may be shown."""
    from .console import literal

    console.print(literal(f"Code of Conduct transparency report: {report['community']}", "bold"))
    console.print(period_line(report))
    received = literal("Reports received: ")
    received.append(str(report["reports_received"]), "bold")
    console.print(received)
    for title, key, label_key, count_key, total_key in GROUPS:
        rows = [(row[label_key], row[count_key]) for row in report[key]]
        total = (TOTAL_LABELS[total_key], report[total_key]) if total_key else None
        console.print(_bar_table(title, rows, total))
    median = literal("Median days from receipt to decision: ")
    median.append(_median_text(report["median_days_to_decision"]), "bold")
    console.print(median)
    shares = [(row["label"], row["percent"]) for row in report["deadlines_met"]]
    console.print(_bar_table("Deadlines met", shares, None, scale=100, percent=True))
    console.print(literal(rule_line(report), "dim"))


def _bar_table(
    title: str,
    rows: list[tuple[str, Any]],
    total: tuple[str, Any] | None,
    scale: int | None = None,
    percent: bool = False,
) -> Any:
    from rich import box
    from rich.bar import Bar
    from rich.table import Table

    from .console import literal

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAVY, show_header=False)
    table.add_column(ratio=2)
    table.add_column(justify="right")
    table.add_column(width=30)
    largest = scale or max((v for _, v in rows if isinstance(v, int)), default=0) or 1
    for label, value in rows:
        bar: Any = Bar(largest, 0, value, width=30) if isinstance(value, int) and value else ""
        text = _percent_text(value) if percent else str(value)
        table.add_row(literal(label), text, bar)
    if total:
        table.add_section()
        table.add_row(literal(total[0], "bold"), literal(total[1], "bold"), "")
    return table


# --- Markdown -----------------------------------------------------------------------------------


def render_md(report: dict[str, Any]) -> str:
    """A Markdown report for a blog post: a table per group, then the suppression rule."""
    from .pages import md_escape

    lines = [
        f"# Code of Conduct transparency report: {md_escape(report['community'])}",
        "",
        period_line(report),
        "",
        f"**Reports received: {md_escape(str(report['reports_received']))}**",
    ]
    for title, key, label_key, count_key, total_key in GROUPS:
        lines += ["", f"## {title}", "", f"| | {count_key.capitalize()} |", "|---|---:|"]
        for row in report[key]:
            lines.append(f"| {md_escape(str(row[label_key]))} | {md_escape(str(row[count_key]))} |")
        if total_key:
            total = md_escape(str(report[total_key]))
            lines.append(f"| **{TOTAL_LABELS[total_key]}** | **{total}** |")
    lines += [
        "",
        "## Timeliness",
        "",
        "| | |",
        "|---|---:|",
        f"| Median days from receipt to decision | {_median_text(report['median_days_to_decision'])} |",
    ]
    for row in report["deadlines_met"]:
        lines.append(f"| {row['label'].capitalize()} | {_percent_text(row['percent'])} |")
    rule = rule_line(report).replace("<", "\\<")  # a "<3" must not open an HTML tag
    lines += ["", f"_{rule}_", ""]
    return "\n".join(lines)
