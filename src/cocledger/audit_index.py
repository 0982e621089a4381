"""The commit trailers of the whole history, indexed, so `coc log CASE` need not walk it each time.

Kept in `.git/coc-cache/` (an SQLite file), derived from the history alone and checked against it
on every query: the index records the commit it was built up to; when HEAD has moved on from
there only the new commits are read (`git log OLD..HEAD`), and when HEAD no longer descends from
it (a reset, a rebase) it is built again. An index that cannot be opened or written (locked,
damaged, a read-only `.git`) is passed over for a walk of the history: only speed is lost.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from . import gitstore
from .gitstore import CommitInfo

VERSION = 1  # of the table layout; a new one starts a new file
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commits (
    seq INTEGER PRIMARY KEY, sha TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL,
    subject TEXT NOT NULL, trailers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (key TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS keys_by_key ON keys (key, seq);
"""


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
    head = gitstore.head_sha(root)
    if head is None or wanted == []:
        return []
    path = _path(root)
    if path is not None:
        with contextlib.suppress(sqlite3.Error, OSError), _connect(path) as db:
            _catch_up(db, root, head)
            return _select(db, wanted, limit)
    return _walk(root, wanted, limit)


def _path(root: Path) -> Path | None:
    git_dir = root / ".git"
    return git_dir / "coc-cache" / f"audit-{VERSION}.sqlite" if git_dir.is_dir() else None


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")  # a cache: a torn write is rebuilt, never trusted
        yield db
    except sqlite3.DatabaseError as exc:
        if not isinstance(exc, sqlite3.OperationalError):  # damaged, not busy: start afresh
            db.close()
            path.unlink(missing_ok=True)
        raise
    finally:
        db.close()


def _catch_up(db: sqlite3.Connection, root: Path, head: str) -> None:
    """Bring the index up to `head`, under SQLite's write lock so two processes do it once."""
    if _known_head(db) == head:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        known = _known_head(db)
        if known != head:
            if known is not None and gitstore.is_ancestor(root, known, head):
                new = gitstore.history(root, since=known)
            else:
                db.execute("DELETE FROM commits")
                db.execute("DELETE FROM keys")
                new = gitstore.history(root)
            _insert(db, new)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('head', ?)", (head,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _known_head(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
    except sqlite3.OperationalError:  # a new file: no tables yet
        return None
    return row[0] if row else None


def _insert(db: sqlite3.Connection, newest_first: list[CommitInfo]) -> None:
    """Append commits after those indexed: `seq` grows with each commit that enters the history."""
    seq = db.execute("SELECT coalesce(max(seq), 0) FROM commits").fetchone()[0]
    rows, keys = [], []
    for commit in reversed(newest_first):
        seq += 1
        trailers = json.dumps(commit.trailers, ensure_ascii=False)
        rows.append((seq, commit.sha, commit.author_name, _at(commit), commit.subject, trailers))
        keys.extend((key, seq) for key in keys_of(commit))
    db.executemany("INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO keys VALUES (?, ?)", keys)


def _at(commit: CommitInfo) -> str:
    return commit.authored_at.isoformat()


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


def _walk(root: Path, keys: list[str] | None, limit: int | None) -> list[CommitInfo]:
    """Without an index: the whole history, filtered as the index would."""
    found = gitstore.history(root)
    if keys is not None:
        wanted = set(keys)
        found = [c for c in found if keys_of(c) & wanted]
    return found[:limit] if limit else found
