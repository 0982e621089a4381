"""The one atomic file writer: a temporary file beside the target, flushed, then renamed.

Kept apart from the YAML code so that git's module (and with it every query) need not import a
YAML library.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import interrupts


def write_atomic(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place.

    The file keeps its mode (or gets `mode`); a new one gets 0666 minus the umask, not
    mkstemp's 0600, so a web server can still read a published page.
    """
    if mode is None:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: git's module imports this one, and a query writes nothing

    with interrupts.held():  # a signal waits: no temporary file is ever left behind
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_output(path: Path, data: str | bytes, flag: str = "-o") -> None:
    """A file a command was asked to write (`-o FILE`), atomically; a usage error naming the
    flag when it cannot be written."""
    from ..errors import UsageError

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot write it ({exc.strerror or exc})") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
