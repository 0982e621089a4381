"""`coc validate`'s problems as text (`path:line:col: error|warning CODE message`), JSON or GitHub
workflow annotations (SPEC §6)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from ..core.problems import Problem
from .console import console, emit_json, literal, visible


def as_json(problems: Sequence[Problem], ok: bool) -> None:
    emit_json({"ok": ok, "problems": [p.as_json() for p in problems]})


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def as_text(problems: Sequence[Problem]) -> None:
    """SPEC §6: `path:line:col: error|warning CODE message`, coloured only on a terminal; the
    severity is a word, so that without colour (pre-commit, a CI log) an error is told from a
    warning."""
    out: Any = console()
    for p in problems:
        line = literal(f"{p.file}:{p.line}:{p.col}:", "bold")
        colour = "bold red" if p.severity == "error" else "bold yellow"
        line.append(" ")
        line.append(f"{p.severity} {p.code}", colour)
        line.append(f" {visible(p.message)}")
        out.print(line)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        out.print("No problems found.")
    else:
        out.print(f"Found {_count(errors, 'error')} and {_count(warnings, 'warning')}.")


def _escape(text: str, prop: bool = False) -> str:
    """GitHub workflow commands: % and line breaks always, ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotation(p: Problem) -> str:
    """`::error file=…,line=…,col=…,title=CODE::message` (warnings as ::warning)."""
    kind = "error" if p.severity == "error" else "warning"
    props = f"file={_escape(p.file, True)},line={p.line},col={p.col},title={_escape(p.code, True)}"
    return f"::{kind} {props}::{_escape(p.message)}"


def as_github(problems: Sequence[Problem]) -> None:
    for problem in problems:
        sys.stdout.write(github_annotation(problem) + "\n")
