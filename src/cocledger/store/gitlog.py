"""Reading git for `coc validate --base`: the output of `git log --raw -z` and `git diff-tree
--raw -z` parsed into commits and the blob ids of the files each changed, and one `git cat-file
--batch` process serving every file version the checks ask for (`BlobReader`).

SPEC §6: the cost of `validate --base` follows the pull request, not the ledger; each kind of
question is one git process, read by position and refused if anything is out of place.
"""

from __future__ import annotations

import re
import subprocess
import threading
import weakref
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..core.history import CommitInfo
from ..errors import CocError

NULL_BLOB = re.compile(r"0+")
FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%G?", "%s", "%(trailers:only,unfold)")
HEADER = re.compile(r"\n?\x01([0-9a-f]{40,64})")
RAW = re.compile(r"\n?:[0-7]{6} [0-7]{6} ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) [A-Z][0-9]*")
DIFF = ("-r", "-z", "--raw", "--no-abbrev", "--no-renames", "--no-ext-diff", "--relative")
Blob = str | None  # a blob id; None: no such file
Changes = dict[str, tuple[Blob, Blob]]  # path -> its blob before and after


def _parse_log(out: str, diffs: dict[tuple[str, str], Changes]) -> Iterator[CommitInfo]:
    """The commits of `git log --format=FIELDS --raw -z`, their changes recorded in `diffs`
    against the first parent. Read by position (the free text fields cannot hold a NUL), and
    refused if anything is out of place."""
    tokens = out.split("\0")
    i = 0
    while i < len(tokens):
        if tokens[i] in ("", "\n"):
            i += 1
            continue
        header = HEADER.fullmatch(tokens[i])
        if header is None or i + len(FIELDS) > len(tokens):
            raise CocError("cannot read the output of git log: is this git too old?")
        sha = header.group(1)
        parents, name, email, when, signature, subject, trailer_text = tokens[
            i + 1 : i + len(FIELDS)
        ]
        i += len(FIELDS)
        start = i
        while i + 1 < len(tokens) and RAW.fullmatch(tokens[i]):
            i += 2
        changes = _parse_raw("\0".join(tokens[start:i]))
        pairs = (line.partition(":") for line in trailer_text.splitlines())
        trailers = {k.strip(): v.strip() for k, sep, v in pairs if sep}  # repeated key: last wins
        found = parents.split()
        if len(found) == 1:
            diffs[found[0], sha] = changes
        yield CommitInfo(
            sha,
            name,
            email,
            datetime.fromisoformat(when),
            subject,
            trailers,
            signature,
            "",
            tuple(found),
        )


def _parse_raw(out: str) -> Changes:
    """path -> (blob before, blob after) of each change `git diff-tree --raw -z` lists."""
    tokens = out.split("\0")
    found: Changes = {}
    i = 0
    while i + 1 < len(tokens):
        raw = RAW.fullmatch(tokens[i])
        if raw is None:
            i += 1
            continue
        found[tokens[i + 1]] = (_blob(raw.group(1)), _blob(raw.group(2)))
        i += 2
    return found


def _blob(sha: str) -> Blob:
    return None if NULL_BLOB.fullmatch(sha) else sha


class BlobReader:
    """One `git cat-file --batch` process serving every object the checks read, one at a time
    (a blob id, or `rev:path`), started on the first read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    ["git", "cat-file", "--batch"],
                    cwd=self.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except FileNotFoundError as exc:
                raise CocError("git is not installed or not on PATH: install git first") from exc
            weakref.finalize(self, _stop, self._proc)
        return self._proc

    def read(self, name: str, kind: bytes = b"blob") -> bytes | None:
        """An object's content, None if it does not exist or is not of that kind (a blob)."""
        return self.read_many([name], kind)[name]

    def read_many(self, names: list[str], kind: bytes = b"blob") -> dict[str, bytes | None]:
        """Objects' contents by name: the requests written by a thread while the answers are
        read here, so that neither side waits for the other's pipe to drain."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout
        failed: list[BaseException] = []

        def ask() -> None:
            try:
                stdin.write(b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in names))
                stdin.flush()
            except OSError as exc:  # git ended: the reads below say so
                failed.append(exc)

        writer = threading.Thread(target=ask, daemon=True)
        if len(names) == 1:
            ask()  # one line: git reads it before it answers, no pipe fills up
        else:
            writer.start()
        found: dict[str, bytes | None] = {}
        for name in names:
            header = stdout.readline().split()
            if not header:
                raise CocError("git cat-file stopped: cannot read the history")
            if len(header) != 3 or not header[2].isdigit():
                found[name] = None  # `<name> missing` (or ambiguous)
                continue
            data = stdout.read(int(header[2]) + 1)[:-1]
            found[name] = data if header[1] == kind else None
        if writer.is_alive():
            writer.join()
        return found

    def close(self) -> None:
        if self._proc is not None:
            _stop(self._proc)
            self._proc = None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End a cat-file process: it exits at the end of its input."""
    for stream in (proc.stdin, proc.stdout):
        if stream is not None and not stream.closed:
            stream.close()
    proc.wait()
