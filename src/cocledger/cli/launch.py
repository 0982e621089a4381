"""The console script: handles SIGINT, SIGTERM and SIGHUP before anything else is imported, so
that an interruption at any moment, even while typer and pydantic load, is one line and an exit
code (128 + the signal), never a traceback (SPEC §5). Only Python's own start-up, before this
module runs (about 15 ms), is left to Python."""

from __future__ import annotations

import sys

from ..store import interrupts

interrupts.install()  # on import: the console script imports this module first


def run() -> None:
    """`coc`: load and run the command line, the signal handlers in place."""
    try:
        try:
            from .main import run as main
        except KeyboardInterrupt as exc:
            interrupts.stop(exc)
        main()
    finally:  # the command has ended and said so: a signal now must not change its exit code
        sys.stdout.flush()  # (Python restores the default handlers while it shuts down)
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, interrupts.SIGNALS)
