"""The `coc` console script. A plainly written `coc log` line is read here, without typer: the
trail itself is one git call and one SQLite lookup, and typer 0.29's start-up (it imports
pydantic to coerce each parameter) would be two thirds of the command. Everything else, and
anything unusual in a `coc log` line, goes to the full CLI, which owns help and the messages.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

# The group's options (before the command; main._wanted reads them too) and `coc log`'s, as in
# cli/main.py and cli/process.py; tests/test_entry.py checks these tables against the typer app.
GROUP_VALUES = {"-C": "ledger", "--ledger": "ledger"}
GROUP_FLAGS = {"--version": "version"}
LOG_VALUES = {**GROUP_VALUES, "-n": "max_count", "--max-count": "max_count", "--at": "at"}
LOG_FLAGS = {"--json": "as_json"}
_COUNT = re.compile(r"[1-9][0-9]{0,8}")  # what typer's int with min=1 takes, written plainly


class LogArgs(NamedTuple):
    """`coc log`'s parameters, as the typer command would receive them."""

    target: str | None
    max_count: int | None
    ledger: Path | None  # the command's own -C, else the group's: `coc -C PATH log`
    at: str | None
    as_json: bool


class Read(NamedTuple):
    """What `read_options` found: values and flags by parameter name, the positional arguments,
    and where in the arguments it stopped."""

    values: dict[str, str]
    flags: set[str]
    positional: list[str]
    end: int


def read_options(
    args: list[str], values: dict[str, str], flags: dict[str, str], stop: bool
) -> Read | None:
    """The options and positional arguments of `args`, read as click reads them, if they are
    plainly written: each option known and given once, each value non-empty and not looking like
    an option, no control code or undecodable byte. None for anything else. With `stop`, reading
    ends after the first positional."""
    read = Read({}, set(), [], 0)
    at = 0
    while at < len(args):
        arg = args[at]
        at += 1
        if not arg or not arg.isprintable():
            return None
        if not arg.startswith("-"):
            read.positional.append(arg)
            if stop:
                break
            continue
        if arg in flags:
            if flags[arg] in read.flags:
                return None
            read.flags.add(flags[arg])
            continue
        # click: `--name=value` or `--name value`; `-Xvalue` or `-X value`
        name, _, value = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        key = values.get(name)
        if key is None or key in read.values:
            return None
        if not value and "=" not in arg:
            if at == len(args):
                return None
            value = args[at]
            at += 1
        if not value or value.startswith("-") or not value.isprintable():
            return None
        read.values[key] = value
    return read._replace(end=at)


def log_args(args: list[str]) -> LogArgs | None:
    """`coc log`'s parameters if `args` is a plainly written `coc log` line, else None."""
    if "_COC_COMPLETE" in os.environ:  # shell completion asked for: typer answers it
        return None
    group = read_options(args, GROUP_VALUES, GROUP_FLAGS, stop=True)
    if group is None or group.flags or group.positional != ["log"]:
        return None
    own = read_options(args[group.end :], LOG_VALUES, LOG_FLAGS, stop=False)
    if own is None or len(own.positional) > 1:
        return None
    count = own.values.get("max_count")
    if count is not None and not _COUNT.fullmatch(count):
        return None
    paths = [p for p in (own.values.get("ledger"), group.values.get("ledger")) if p]
    if any(_refused(path) for path in paths):  # typer checks both, though the group's is unused
        return None
    return LogArgs(
        target=own.positional[0] if own.positional else None,
        max_count=int(count) if count is not None else None,
        ledger=Path(paths[0]) if paths else None,
        at=own.values.get("at"),
        as_json="as_json" in own.flags,
    )


def _refused(path: str) -> bool:
    """What typer refuses of a -C path: one that exists but cannot be read."""
    try:
        os.stat(path)
    except OSError:
        return False
    return not os.access(path, os.R_OK)


def run() -> None:
    """Console script entry point."""
    quick = log_args(sys.argv[1:])
    if quick is None:
        from .main import run as full

        full()
        return
    from . import common
    from .trail import show

    common.default_ledger = None  # as the group's callback sets it: quick.ledger holds its -C
    try:
        show(*quick)
        sys.stdout.flush()  # here, so that a reader who left (`| head`) is handled below
    except (Exception, KeyboardInterrupt) as exc:
        code = common.failure(exc)
        if code is None:
            raise
        sys.exit(code)
