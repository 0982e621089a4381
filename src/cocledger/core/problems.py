"""A problem found in the ledger, located like a compiler diagnostic (`file:line:col`): what the
loader reports of a file that does not parse, and what `coc validate`'s checks report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
