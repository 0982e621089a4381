"""What every command shares: the one reading of the clock, the moment an action happened, the
ledger's root, running an action under the lock, and the one-line report of a failure. No typer
here (its options are in `options`); heavy libraries are imported inside functions."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..core.change import Outcome
    from ..core.models import Person, Policy
    from ..core.snapshot import Snapshot

T = TypeVar("T", bound=date)
Action = Callable[["Snapshot", "Person", datetime], "Outcome"]


def now() -> datetime:
    """The one reading of the clock; everything below the CLI gets dates passed in."""
    return datetime.now(UTC)


def _no_such_day(text: str, flag: str) -> None:
    """A date written right that does not exist (2026-02-30) is named as such."""
    import calendar
    import re

    from ..errors import UsageError

    found = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if not found:
        return
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        raise UsageError(f"{flag} '{text}': there is no month {month:02d}; write YYYY-MM-DD")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise UsageError(
            f"{flag} '{text}': there is no {found.group(0)}: {name} {year} has {last} days"
        )


def parse_when(value: str, policy: Policy, flag: str = "--at") -> datetime:
    """SPEC §3 Dates: a date-only value is 00:00 of that date in the policy time zone."""
    from ..core.rules import start_of_day
    from ..errors import UsageError

    text = value.strip()
    try:
        if len(text) == 10:
            return _in_range(start_of_day(date.fromisoformat(text), policy), value, flag)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _no_such_day(text, flag)
        raise UsageError(
            f"{flag} '{value}': write an ISO date (2026-11-23) or date-time (2026-11-23T14:00+01:00)"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=policy.zone)
    return _in_range(moment, value, flag)


def _in_range(moment: T, value: str, flag: str) -> T:
    """A moment the ledger's dates can hold (`fields.YEARS`), or the flag's usage error."""
    from ..core.fields import YEARS, in_years
    from ..errors import UsageError

    if not in_years(moment):
        raise UsageError(
            f"{flag} '{value}': out of range; give a moment between {YEARS[0]} and {YEARS[1]}"
        )
    return moment


def parse_day(value: str, flag: str) -> date:
    from ..errors import UsageError

    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        _no_such_day(value.strip(), flag)
        raise UsageError(f"{flag} '{value}': write an ISO date such as 2026-12-03") from None
    return _in_range(day, value, flag)


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
    from ..store.git import find_root

    start = ledger or default_ledger or Path.cwd()
    try:
        return find_root(start.resolve())
    except OSError as exc:  # e.g. a name too long for the file system
        raise UsageError(f"{start}: {exc.strerror or exc}; pass -C PATH to a ledger") from None


def snapshot(ledger: Path | None) -> Snapshot:
    """The ledger for a query (no lock: a query writes nothing)."""
    from ..store import repository

    return repository.open(root_of(ledger)).snapshot


def query(ledger: Path | None, at: str | None, relies: bool = False) -> tuple[Snapshot, datetime]:
    """The ledger for a query and the moment it looks at: with --at, as it stood then (SPEC §3
    Queries as of a moment). A query that `relies` on the register's computed fields and
    statuses (publish, due, person show, stats) is refused while policy.yaml, people.yaml or
    sanctions.yaml holds an error `coc validate` reports (SPEC §3 Queries trust no stored
    computed field either)."""
    from ..actions.perform import ALWAYS, Judge
    from ..core.moment import as_of
    from ..store import repository

    repo = repository.open(root_of(ledger))
    snap = repo.snapshot
    moment = resolve_at(at, snap.policy, action=False)
    if relies:
        Judge(repo.ledger, now()).refuse(ALWAYS)
    return (as_of(snap, moment) if at is not None else snap), moment


def act(
    ledger_opt: Path | None,
    at_opt: str | None,
    step: str,
    action: Action,
    as_json: bool,
    then: Callable[[Outcome, Snapshot, datetime], Outcome] | None = None,
    also: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Run one action under the ledger's lock: read the ledger, and have `actions.perform`
    identify the git author, ask the gate, decide and check the result; `then` (the e-mail of
    `notify --send`) runs once it is decided, before the commit; `also` prints more of the
    outcome after its lines (`sanction propose`'s table)."""
    from ..actions.perform import perform
    from ..store import git, repository

    root = root_of(ledger_opt)
    with repository.session(root) as repo:
        snap = repo.snapshot
        at = resolve_at(at_opt, snap.policy, action=True)
        email = git.author_email(root)
        outcome = perform(repo.ledger, snap, email, at, step, _valid(action), max(at, now()))
        if then is not None and outcome.change is not None:
            outcome = then(outcome, snap, at)
        cases, sanctions = snap.given(outcome.change) if outcome.change else ([], [])
        sha = repo.commit(outcome.change, outcome.clean) if outcome.change is not None else None
        if sha is not None and cases + sanctions:
            outcome = _provisional(root, cases + sanctions, outcome)
    reported(sha, lambda: _shown(outcome, sha, as_json, also))
    _told_of_late_signal(sha)
    return outcome


def _shown(
    outcome: Outcome, sha: str | None, as_json: bool, also: Callable[[Outcome], None] | None
) -> None:
    show(outcome, sha, as_json)
    if also is not None and not as_json:
        also(outcome)


def reported(sha: str | None, report: Callable[[], None]) -> None:
    """Print what a committed action did. Once its commit exists the action is done (SPEC §5):
    a failure to print it must not exit non-zero, which would invite a retry that records it
    (or sends its e-mail) twice; it is said on stderr instead, with the commit to look at."""
    try:
        report()
    except BrokenPipeError:  # a reader who left: exit 0 anyway (`failure`)
        raise
    except Exception as exc:
        if sha is None:
            raise
        if debug():
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"coc: the action was committed ({sha[:12]}), but printing its report failed "
            f"({type(exc).__name__}): it is kept, see `coc log`; do not run it again\n"
        )


def _provisional(root: Path, new: list[str], outcome: Outcome) -> Outcome:
    """SPEC §7 Ids are provisional until shared: on a branch with an upstream, the ids this action
    gave are said to be so (another clone may give the same ones before `coc sync`)."""
    import dataclasses

    from ..store import remote

    if remote.upstream(root) is None:
        return outcome
    message = outcome.message
    for given in new:
        message = message.replace(given, f"{given} (provisional until `coc sync`)", 1)
    data = {**outcome.data, "provisional": new}
    return dataclasses.replace(outcome, message=message, data=data)


def _told_of_late_signal(sha: str | None) -> None:
    """A signal that came once the commit existed did not undo it (SPEC §5): say so, and exit 0
    as the action did happen (retrying would record it twice)."""
    from ..store import interrupts

    if sha and interrupts.pending():
        sys.stderr.write(
            f"coc: interrupted after the action was committed ({sha[:12]}): it is kept, as shown "
            "above; do not run it again\n"
        )


def _valid(action: Action) -> Action:
    """The action, where a value it was given that no record may hold is the user's to fix."""

    def decided(snap: Snapshot, actor: Person, at: datetime) -> Outcome:
        from pydantic import ValidationError

        from ..errors import UsageError

        try:
            return action(snap, actor, at)
        except ValidationError as exc:
            if debug():
                raise
            from ..store.loader import schema_message

            _, message = schema_message(exc.errors()[0])
            raise UsageError(f"{message}: check the value you gave") from None

    return decided


def show(outcome: Outcome, sha: str | None, as_json: bool) -> None:
    from ..output.console import emit_json, lines

    if as_json:
        emit_json({**outcome.data, "commit": sha} if sha else dict(outcome.data))
        return
    lines(outcome.message, outcome.details)


def debug() -> bool:
    return os.environ.get("COC_DEBUG") == "1"


def _interruption(exc: BaseException) -> int | None:
    """The exit code of the signal behind an exception, if one is: Python and libraries wrap
    one that lands in an import, a class body or a pydantic schema in an exception of their
    own, which `interrupts.raised` sees through."""
    from ..store import interrupts

    signum = interrupts.raised() or (0 if interrupts.finished() else interrupts.pending())
    if signum:
        return 128 + signum
    if isinstance(exc, KeyboardInterrupt):  # Python's own (no handler installed: a library call)
        return interrupts.exit_code(exc)
    return None


def _identity_named(exc: BaseException) -> str:
    """SPEC §8 Without a key: the identity looked for, and how to name another."""
    from ..errors import SealedError

    if not isinstance(exc, SealedError):
        return ""
    from ..store.seals import identity_path

    path = identity_path()
    held = "opens nothing of it" if path.exists() else "does not exist"
    return (
        f" (your identity {path} {held}: a council member who may read it must do this, or "
        "point COC_IDENTITY at your identity)"
    )


def failure(exc: BaseException) -> int | None:
    """Tell the user, in one line on stderr, about the exception that ended a command; return the
    exit code, or None to let it go on (a bug under COC_DEBUG=1: its traceback). A reader who
    left (`coc ... | head`) is not an error: stdout goes to /dev/null so exiting cannot fail."""
    from ..errors import CocError
    from ..store import interrupts

    if isinstance(exc, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    interrupted = _interruption(exc)
    if interrupted is not None:  # SIGINT, SIGTERM or SIGHUP (store.interrupts)
        message, code = interrupts.STOPPED, interrupted
    elif isinstance(exc, CocError):
        message, code = str(exc), exc.exit_code
        message += _identity_named(exc)
        message += "".join(f"\n    {line}" for line in exc.said.rstrip().splitlines())
    elif debug():
        return None
    else:
        message = f"internal error: {type(exc).__name__}: {exc} (COC_DEBUG=1 shows a traceback)"
        code = 3
    from typer import echo  # click's echo, as for typer's own messages (on an error only)

    from ..output.console import visible

    echo(visible(f"coc: error: {message}"), err=True)
    return code
