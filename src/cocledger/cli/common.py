"""What every command shares: the moment an action happened, the actor check, the commit, output
and the one-line report of a failure. No typer here (its options are in `options`), and heavy
libraries are imported inside functions."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..actions import Outcome
    from ..ledger import Ledger
    from ..models import Person, Policy


def now() -> datetime:
    """The one reading of the clock; everything below the CLI gets dates passed in."""
    return datetime.now(UTC)


def parse_when(value: str, policy: Policy, flag: str = "--at") -> datetime:
    """SPEC §3 Dates: a date-only value is 00:00 of that date in the policy time zone."""
    from ..errors import UsageError
    from ..rules import start_of_day

    text = value.strip()
    try:
        if len(text) == 10:
            return start_of_day(date.fromisoformat(text), policy)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{flag} '{value}': write an ISO date (2026-11-23) or date-time (2026-11-23T14:00+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=policy.zone)


def parse_day(value: str, flag: str) -> date:
    from ..errors import UsageError

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{flag} '{value}': write an ISO date such as 2026-12-03") from None


def resolve_at(value: str | None, policy: Policy, action: bool) -> datetime:
    """The moment of an action or query; actions cannot be dated in the future."""
    from ..errors import UsageError

    current = now()
    if value is None:
        return current
    moment = parse_when(value, policy)
    if action and moment > current:
        raise UsageError(
            f"--at {value} is in the future: an action is recorded once it has happened"
        )
    return moment


default_ledger: Path | None = None  # set by `coc -C PATH` before the command's own -C


def root_of(ledger: Path | None) -> Path:
    from ..errors import UsageError
    from ..gitstore import find_root

    start = ledger or default_ledger or Path.cwd()
    try:
        return find_root(start.resolve())
    except OSError as exc:  # e.g. a name too long for the file system
        raise UsageError(f"{start}: {exc.strerror or exc}; pass -C PATH to a ledger") from None


def open_ledger(ledger: Path | None) -> Ledger:
    from ..ledger import Ledger

    return Ledger(root_of(ledger))


def act(
    ledger_opt: Path | None,
    at_opt: str | None,
    role: str,
    action: Callable[[Ledger, Person, datetime], Outcome],
    as_json: bool,
) -> Outcome:
    """Run one action under the ledger lock: load, authorise the git author, compute, commit."""
    from .. import gitstore, parse_cache, rules
    from ..ledger import Ledger

    root = root_of(ledger_opt)
    with gitstore.locked(root):
        ledger = Ledger(root)
        at = resolve_at(at_opt, ledger.policy, action=True)
        email = gitstore.author_email(root)
        actor = rules.authorise(ledger.policy, ledger.people_with_email(email), email, role)
        outcome = action(ledger, actor, at)
        if outcome.change is not None:
            outcome.data = outcome.data if isinstance(outcome.data, dict | list) else {}
            files = outcome.change.files
            written = parse_cache.Written(
                root, [v for k, v in ledger.written.items() if files.get(k) == v[0]]
            )
            sha = gitstore.apply(root, outcome.change)
            written.commit()
            if isinstance(outcome.data, dict):
                outcome.data.setdefault("commit", sha)
    show(outcome, as_json)
    return outcome


def show(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        emit_json(outcome.data)
        return
    out = console()
    out.print(outcome.message)
    for line in outcome.details:
        out.print(f"  {line}", highlight=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def console(stderr: bool = False) -> Any:
    """rich's console: colours on a terminal, plain text when piped."""
    from rich.console import Console

    tty = (sys.stderr if stderr else sys.stdout).isatty()
    # Piped, tables get room enough that no id or date is cut (SPEC: piping prints plain text).
    return Console(stderr=stderr, highlight=False, soft_wrap=not tty, width=None if tty else 160)


def debug() -> bool:
    return os.environ.get("COC_DEBUG") == "1"


def failure(exc: Exception | KeyboardInterrupt) -> int | None:
    """Tell the user, in one line on stderr, about the exception that ended a command; return the
    exit code, or None to let it go on (a bug under COC_DEBUG=1: its traceback). A reader who
    left (`coc ... | head`) is not an error: stdout goes to /dev/null so exiting cannot fail."""
    from ..errors import CocError

    if isinstance(exc, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(exc, CocError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, KeyboardInterrupt):
        message, code = "interrupted; nothing was changed", 130
    elif debug():
        return None
    else:
        message = f"internal error: {type(exc).__name__}: {exc} (COC_DEBUG=1 shows a traceback)"
        code = 3
    from typer import echo  # click's echo, as for typer's own messages (on an error only)

    echo(f"coc: error: {message}", err=True)
    return code
