"""The terminal: rich's console (colours on a terminal, plain text when piped) and JSON."""

from __future__ import annotations

import json
import sys
from typing import Any


def console(stderr: bool = False) -> Any:
    """rich's console: colours on a terminal, plain text when piped."""
    from rich.console import Console

    tty = (sys.stderr if stderr else sys.stdout).isatty()
    # Piped, tables get room enough that no id or date is cut (SPEC: piping prints plain text).
    return Console(stderr=stderr, highlight=False, soft_wrap=not tty, width=None if tty else 160)


def emit_json(data: Any) -> None:
    """`--json`: the machine format, whatever stdout is."""
    sys.stdout.write(json_text(data))


def json_text(data: Any) -> str:
    """The text `--json` prints (also what `-o FILE` writes in that format)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def lines(message: str, details: tuple[str, ...] = ()) -> None:
    """An action's report: its line, and the lines that explain it, indented."""
    out = console()
    out.print(message)
    for line in details:
        out.print(f"  {line}", highlight=False)
