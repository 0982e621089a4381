"""VS Code's settings for a new ledger, where VS Code reads them: `.vscode/settings.json` at the
top of the work tree, which for a ledger in a folder of a larger repository (SPEC §2) lies
outside the ledger. The merge itself is `core.vscode_settings`; this reads and writes the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.schemas import VSCODE_FILE, vscode_schemas
from ..core.vscode_settings import Settings, merged
from ..errors import UsageError


@dataclass(frozen=True)
class Plan:
    """The settings file `coc init` leaves: where, as the user knows it, and what it holds."""

    path: Path
    name: str
    settings: Settings


def plan(root: Path, top: Path | None) -> Plan:
    """The settings for a ledger at `root`, in the work tree whose top is `top` (None: the ledger
    is the top), merged into the file already there; read before anything is written, so that
    a file coc cannot merge stops `coc init` with nothing done."""
    folder = root.relative_to(top).as_posix() if top is not None else ""
    path = (top if top is not None else root) / VSCODE_FILE
    name = os.path.relpath(path) if path.is_absolute() else str(path)
    try:
        existing: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name}: not UTF-8 text (byte {exc.start}); fix or move it, then run `coc init` again"
        ) from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    return Plan(path, name, merged(existing, vscode_schemas(folder), name))


def write(found: Plan) -> None:
    """The merged settings, atomically (the file keeps its permissions)."""
    from .atomic import write_atomic

    assert found.settings.text is not None
    write_atomic(found.path, found.settings.text)
