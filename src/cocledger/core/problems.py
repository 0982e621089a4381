"""A problem found in the ledger, located like a compiler diagnostic (`file:line:col`): what the
loader reports of a file that does not parse, and what `coc validate`'s checks report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of the character at `index` of `text`, as a diagnostic names it."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass(frozen=True)
class Problem:
    """One finding about the ledger, located like a compiler diagnostic (file:line:col)."""

    code: str
    severity: str  # "error" or "warning"
    file: str
    line: int
    col: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "message": self.message,
        }
