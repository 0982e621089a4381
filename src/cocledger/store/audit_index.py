"""The commit trailers of the whole history, indexed, so `coc log CASE` need not walk it each time.

Kept in the git directory's `coc-cache/` (an SQLite file), derived from the history alone and checked against it
on every query: the index records the commit it was built up to (and the repository's shallow
and graft files, which change a history without moving HEAD). When HEAD has moved on from there
by commits with one parent each, only those are read (`git log OLD..NEW`); anything else (a merge,
a reset, a rebase, a deepened clone) builds it again from a walk, so its order is always
`git log`'s own. Writers take a lock file, so two processes never build it at once. An index that
cannot be opened or written is passed over for a walk of the history: only speed is lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..core.history import CommitInfo
from . import git as gitstore

VERSION = 1  # of the table layout; a new one starts a new file
_TABLES = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS commits (seq INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE,"
    " author TEXT NOT NULL, at TEXT NOT NULL, subject TEXT NOT NULL, trailers TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS keys (key TEXT NOT NULL, seq INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS keys_by_key ON keys (key, seq)",
]
_SIDECARS = ("-journal", "-wal", "-shm")


def keys_of(commit: CommitInfo) -> set[str]:
    """What a commit is found by: its case, sanction and actor trailers, and the ids an expunge
    commit names in its body (`Expunged: S-2025-0001, COC-2025-0001`)."""
    trailers = commit.trailers
    found = {
        f"{kind}:{trailers[key]}"
        for kind, key in (
            ("case", "Coc-Case"),
            ("sanction", "Coc-Sanction"),
            ("actor", "Coc-Actor"),
        )
        if trailers.get(key)
    }
    if trailers.get("Coc-Action") == "expunge":
        for line in commit.body.splitlines():
            if line.startswith("Expunged: "):
                found.update(f"expunged:{i.strip()}" for i in line[10:].split(",") if i.strip())
    return found


def commits(root: Path, keys: Iterable[str] | None, limit: int | None = None) -> list[CommitInfo]:
    """The commits found by any of `keys` (None: every commit), newest first, at most `limit`."""
    wanted = None if keys is None else sorted(set(keys))
    head = gitstore.head_sha(root) if wanted != [] else None
    if head is None:
        return []
    path = _path(root)
    with contextlib.suppress(sqlite3.Error, OSError):
        return _indexed(path, root, head, _shape(path.parent.parent), wanted, limit)
    return _walk(root, head, wanted, limit)


def _path(root: Path) -> Path:
    """The index in the repository's git directory (a linked work tree has its own); a ledger in
    a folder of a larger repository has one of its own (its history is that folder's)."""
    folder = gitstore.prefix(root).rstrip("/")
    name = f"audit-{VERSION}.sqlite" if not folder else f"audit-{VERSION}-{_slug(folder)}.sqlite"
    return Path(gitstore.git_dir(root)) / "coc-cache" / name


def _slug(folder: str) -> str:
    """A file name for a folder path: readable, without separators, distinct for each path."""
    import zlib

    readable = "".join(c if c.isalnum() or c in "-_" else "_" for c in folder)[:100]
    return f"{readable}-{zlib.crc32(folder.encode()):08x}"


def _shape(git_dir: Path) -> str:
    """What besides HEAD decides the history git shows: the shallow boundary and grafts. Most
    clones have neither ("", and no hashlib to import: 3 ms of a `coc log`)."""
    found = []
    for name in ("shallow", "info/grafts"):
        with contextlib.suppress(OSError):
            found.append(name.encode() + b"\0" + (git_dir / name).read_bytes())
    if not found:
        return ""
    import hashlib

    return hashlib.sha256(b"\0".join(found)).hexdigest()[:16]


def _indexed(
    path: Path, root: Path, head: str, shape: str, keys: list[str] | None, limit: int | None
) -> list[CommitInfo]:
    state = f"{head} {shape}"  # what the index records it was built for
    if _state(path) != state:
        with _writer(path):
            _catch_up(path, root, head, shape)
    with _connect(path) as db:
        if _known(db) != state:  # moved on meanwhile: this answer would not be HEAD's
            raise sqlite3.OperationalError("index is not at HEAD")
        return _select(db, keys, limit)


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        yield db
    finally:
        db.close()


@contextlib.contextmanager
def _writer(path: Path) -> Iterator[None]:
    """One writer at a time, across processes (readers never write)."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _state(path: Path) -> str | None:
    """The indexed state, or None for a missing or damaged index."""
    if not path.is_file():
        return None
    try:
        with _connect(path) as db:
            return _known(db)
    except sqlite3.DatabaseError:
        return None


def _known(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a new file
            return None
        raise
    return row[0] if row else None


def _catch_up(path: Path, root: Path, head: str, shape: str) -> None:
    """Under the writer lock: bring the index to `head`, adding commits or building it anew."""
    state = f"{head} {shape}"
    known = _state(path)
    if known == state:  # another process did it while we waited
        return
    old_head, _, old_shape = (known or "").partition(" ")
    new: list[CommitInfo] | None = None
    if known and old_shape == shape and gitstore.is_ancestor(root, old_head, head):
        new = gitstore.history(root, head, since=old_head)
        if any(len(c.parents) > 1 for c in new):
            new = None  # a merge: git log interleaves its commits with older ones, so rebuild
    if new is None:
        _remove(path)
        new = gitstore.history(root, head)
    try:
        _write(path, new, state)
    except sqlite3.IntegrityError:  # a commit indexed twice: the index was not what it said
        _remove(path)
        _write(path, gitstore.history(root, head), state)


def _write(path: Path, new: list[CommitInfo], state: str) -> None:
    with _connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _TABLES:
                db.execute(statement)
            _insert(db, new)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _remove(path: Path) -> None:
    """Start afresh (under the writer lock): the file and SQLite's own files beside it."""
    for suffix in ("", *_SIDECARS):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _insert(db: sqlite3.Connection, newest_first: list[CommitInfo]) -> None:
    """Append commits after those indexed: `seq` follows `git log`'s order, oldest lowest."""
    seq = db.execute("SELECT coalesce(max(seq), 0) FROM commits").fetchone()[0]
    rows: list[tuple[int, str, str, str, str, str]] = []
    keys: list[tuple[str, int]] = []
    for commit in reversed(newest_first):
        seq += 1
        trailers = json.dumps(commit.trailers, ensure_ascii=False)
        at = commit.authored_at.isoformat()
        rows.append((seq, commit.sha, commit.author_name, at, commit.subject, trailers))
        keys.extend((key, seq) for key in keys_of(commit))
    db.executemany("INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO keys VALUES (?, ?)", keys)


def _select(db: sqlite3.Connection, keys: list[str] | None, limit: int | None) -> list[CommitInfo]:
    columns = "c.sha, c.author, c.at, c.subject, c.trailers"
    cap = " LIMIT ?" if limit else ""
    tail = (limit,) if limit else ()
    if keys is None:
        sql = f"SELECT {columns} FROM commits c ORDER BY c.seq DESC{cap}"
        rows = db.execute(sql, tail).fetchall()
    else:
        marks = ", ".join("?" * len(keys))
        sql = (
            f"SELECT {columns} FROM commits c WHERE c.seq IN "
            f"(SELECT seq FROM keys WHERE key IN ({marks})) ORDER BY c.seq DESC{cap}"
        )
        rows = db.execute(sql, (*keys, *tail)).fetchall()
    return [
        CommitInfo(sha, author, "", datetime.fromisoformat(at), subject, json.loads(trailers))
        for sha, author, at, subject, trailers in rows
    ]


def _walk(root: Path, head: str, keys: list[str] | None, limit: int | None) -> list[CommitInfo]:
    """Without an index: the whole history, filtered as the index would."""
    found = gitstore.history(root, head)
    if keys is not None:
        wanted = set(keys)
        found = [c for c in found if keys_of(c) & wanted]
    return found[:limit] if limit else found
