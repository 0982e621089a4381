"""Interruptions tell the truth and leave nothing behind (SPEC §5): SIGINT, SIGTERM and SIGHUP
are handled alike.

- Before an action's commit exists, a signal interrupts it (`Interrupted`, exit 128 + signal)
  and the action rolls everything back.
- While git runs, coc waits for it to end: a git killed under coc's feet leaves `index.lock`
  behind, and every later action fails until someone deletes it by hand. `git commit` (whose
  hooks may take long) is passed the signal, and stops, removing its own lock files.
- In a critical section (`held`: an action's whole commit, a file being written, a roll-back)
  the signal waits for the next point where the action can stop cleanly (`poll`), and the git
  commands of a roll-back are not passed it: a roll-back always completes.
- Once the commit exists (`finish`), nothing undoes it: signals are only noted, and the command
  reports the commit and exits 0.

The handlers are installed by the console script only (`install`); without them (a library
caller, the tests' in-process runs) this module changes nothing but how git is waited for.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal's C core: signal.py builds enums, 4 ms
import os
import sys

TYPE_CHECKING = False  # not `typing`'s: 10 ms before the handlers are in place
if TYPE_CHECKING:  # subprocess is imported when a child is run
    import subprocess
    from collections.abc import Mapping
    from pathlib import Path
    from types import FrameType
    from typing import IO, NoReturn

SIGNALS: tuple[int, ...] = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP)
NAMES = {_signal.SIGINT: "SIGINT", _signal.SIGTERM: "SIGTERM", _signal.SIGHUP: "SIGHUP"}
STOPPED = "interrupted; nothing was changed"


class Interrupted(KeyboardInterrupt):
    """A signal that stopped a command before anything was changed."""

    def __init__(self, signum: int) -> None:
        self.signum = signum  # (no `import signal` here: the signal may land in that import)
        super().__init__(NAMES.get(signum, f"signal {signum}"))

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # as a shell reports a command a signal ended: 130 for Ctrl-C


class _State:
    depth = 0  # nesting of critical sections
    shield = 0  # of those, the ones no signal may stop (a file being written, a roll-back)
    pending = 0  # the first signal received and not yet acted on
    child: subprocess.Popen[bytes] | None = None  # the git process coc is waiting for
    final = False  # the action's commit exists: nothing may undo it any more
    raised = 0  # the signal raised as `Interrupted` (whatever a library turned it into)
    forward = False  # pass the signal on to the child (`git commit`, whose hooks may hang)
    killed = 0  # a signal that ended a child of this command (SIGXFSZ under `ulimit -f`, …)


_state = _State()


def install() -> None:
    """Handle SIGINT, SIGTERM and SIGHUP alike, for the rest of this process; a signal the
    caller ignores stays ignored (`nohup coc …`, a background job's SIGINT)."""
    for signum in SIGNALS:
        try:
            if _signal.getsignal(signum) != _signal.SIG_IGN:
                _signal.signal(signum, _handler)
        except (OSError, ValueError):  # not the main thread: leave them be
            pass
    sys.unraisablehook = _unraisable


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An `Interrupted` raised where Python can only print it and go on (a destructor, a
    library's callback: pydantic-core compiling a pattern) is not lost, and prints no traceback:
    it waits again, for the next point where the command can stop (`check`, `poll`)."""
    exc = unraisable.exc_value
    if isinstance(exc, Interrupted):
        if _state.raised == exc.signum:
            _state.raised = 0
        _state.pending = _state.pending or exc.signum
        return
    sys.__unraisablehook__(unraisable)


def _handler(signum: int, frame: FrameType | None) -> None:
    child = _state.child
    if child is not None and _state.forward and not _state.final:
        try:  # noqa: SIM105  (contextlib is not imported before the handlers are in place)
            os.kill(child.pid, signum)  # passed on: git removes its locks and exits
        except OSError:
            pass
    if child is not None or _state.depth or _state.final:
        _state.pending = _state.pending or signum
        return
    _interrupt(signum)


def _interrupt(signum: int) -> NoReturn:
    _state.pending, _state.raised = 0, signum
    raise Interrupted(signum)


def check() -> None:
    """Act on a signal that waited, unless a critical section or the finished commit holds it."""
    if _state.pending and not _state.depth and not _state.final:
        _interrupt(_state.pending)


def poll() -> None:
    """A point where an action can stop cleanly, inside its critical section: act on a signal
    that waited (unless the commit exists, or a roll-back or a write is under way)."""
    if _state.pending and not _state.final and not _state.shield:
        _interrupt(_state.pending)


def exit_code(exc: BaseException) -> int:
    """128 + the signal behind an interruption (130, Ctrl-C, for Python's own KeyboardInterrupt)."""
    return int(getattr(exc, "exit_code", 130))


def stop(exc: BaseException) -> NoReturn:
    """Say in one line that a signal ended the command before anything changed, and exit with
    its code: for the places outside a command's own error handling (start-up, parsing)."""
    sys.stderr.write(f"coc: error: {STOPPED}\n")
    sys.exit(exit_code(exc))


def note(signum: int) -> None:
    """A child ended by one of SIGNALS: the same signal reached coc's process group (Ctrl-C,
    `timeout`), and coc's own handler may not have run yet."""
    if signum in SIGNALS:
        _state.pending = _state.pending or signum


def raised() -> int:
    """The signal that interrupted this command (0 for none). A library may turn the exception
    into one of its own (pydantic's SchemaError, a RuntimeError of a class body): whatever
    exception follows it, the command was interrupted, and before its commit existed."""
    return _state.raised


def pending() -> int:
    """The signal noted and not acted on (0 for none)."""
    return _state.pending


class held:  # used as `with held():`, like a function
    """A critical section: a signal waits for its end (and then interrupts, with `then_check`).
    One that is not `stoppable` (a file being written, a roll-back) is not even stopped at a
    `poll`: it always completes."""

    def __init__(self, then_check: bool = True, stoppable: bool = False) -> None:
        self.then_check, self.stoppable = then_check, stoppable

    def __enter__(self) -> None:
        _state.depth += 1
        _state.shield += not self.stoppable

    def __exit__(self, kind: object, value: object, trace: object) -> None:
        _state.depth -= 1
        _state.shield -= not self.stoppable
        if kind is None and self.then_check:
            check()


def finish() -> None:
    """The action's commit exists: from now on a signal is only noted, and the command reports
    the commit and exits 0."""
    _state.final = True


def reopen() -> None:
    """A commit that is not yet the user's was made (`coc sync` rebuilds in a scratch work tree,
    which is removed if it stops): a signal stops the command again."""
    _state.final = False


def finished() -> bool:
    return _state.final


def reset() -> None:
    """Forget this process's interruption state (a test running commands in one process)."""
    _state.depth, _state.shield, _state.pending, _state.raised, _state.killed = 0, 0, 0, 0, 0
    _state.child, _state.final = None, False


def run(
    args: list[str], cwd: Path, forward: bool = False, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a child to its end, never killing it halfway (subprocess.run kills it on an
    exception): a signal meanwhile is acted on afterwards (by `check`), and with `forward`
    passed on to the child first (a `git commit` whose hook hangs then stops, cleaning up). Such
    a child's output goes to files, not pipes: a hook it leaves behind may hold a pipe open.
    `env`: variables set for the child (and its hooks) on top of this process's."""
    import subprocess

    if forward:
        import tempfile

        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = _started(args, cwd, out, err, forward=True, env=env)
            try:
                proc.wait()
            finally:
                _state.child, _state.forward = None, False
            out.seek(0)
            err.seek(0)
            result = subprocess.CompletedProcess(args, proc.returncode, out.read(), err.read())
    else:
        proc = _started(args, cwd, subprocess.PIPE, subprocess.PIPE, forward=False, env=env)
        try:
            stdout, stderr = proc.communicate()
        finally:
            _state.child = None
        result = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    if proc.returncode < 0:
        _state.killed = _state.killed or -proc.returncode
    return result


def _started(
    args: list[str],
    cwd: Path,
    out: IO[bytes] | int,
    err: IO[bytes] | int,
    forward: bool,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """The child, known to the handler before any signal can act (none between the two)."""
    import subprocess

    environ = {**os.environ, **env} if env else None
    with held(then_check=False):
        proc = subprocess.Popen(
            args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=environ
        )
        _state.child, _state.forward = proc, forward
        if forward and _state.pending and not _state.final:
            # it came while the child was being started, before the handler knew it: the child
            # (a `git commit` whose hook hangs) may already be running, so pass it on now
            try:  # noqa: SIM105  (as in the handler: contextlib is not imported this early)
                os.kill(proc.pid, _state.pending)
            except OSError:
                pass
    return proc


def child_killed() -> int:
    """The signal that ended a child of this command (0 for none): it may have left a lock."""
    return _state.killed
