"""The terminal: rich's console (colours on a terminal, plain text when piped) and JSON.

SPEC §4 Commands: text from the ledger is never read as markup. The console reads no markup and
no emoji codes at all, so a name such as `[/bold]`, `[link=…]…[/link]` or `[x]` prints as typed
and cannot break a command that has already done its work; styles are given as `Text` spans.
`visible` shows the characters a terminal would act on (an escape sequence, a bidirectional
control) by their codes.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

from ..core.bidi import CONTROLS

if TYPE_CHECKING:
    from rich.text import Text

_HIDDEN = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{CONTROLS}]")
"""Control characters but tab and newline, the line and paragraph separators, and the
bidirectional controls."""


def visible(text: str) -> str:
    """`text` with each character a terminal would act on, or that would reorder what follows,
    written as its code (`\\x1b`, `\\u202e`): an ANSI sequence from the ledger prints as typed."""
    if text.isprintable() or not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def literal(value: object, style: str = "") -> Text:
    """A value from the ledger as rich shows it: its text, never markup, controls visible."""
    from rich.text import Text

    return Text(visible("" if value is None else str(value)), style=style)


def console(stderr: bool = False) -> Any:
    """rich's console: colours on a terminal, plain text when piped; no markup, no emoji codes."""
    from rich.console import Console

    tty = (sys.stderr if stderr else sys.stdout).isatty()
    # Piped, tables get room enough that no id or date is cut (SPEC: piping prints plain text).
    return Console(
        stderr=stderr,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=not tty,
        width=None if tty else 160,
    )


def emit_json(data: Any) -> None:
    """`--json`: the machine format, whatever stdout is."""
    sys.stdout.write(json_text(data))


def json_text(data: Any) -> str:
    """The text `--json` prints (also what `-o FILE` writes in that format)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def lines(message: str, details: tuple[str, ...] = ()) -> None:
    """An action's report: its line, and the lines that explain it, indented."""
    out = console()
    out.print(literal(message))
    for line in details:
        out.print(literal(f"  {line}"))
