"""A cache of parsed register files, so actions on a large ledger do not re-parse them each time.

Keyed by the file's exact content (SHA-256) and the model, kept inside the repository's own
git directory (`coc-cache/`, where `git rev-parse --git-dir` says, so a linked work tree has its
own): only a file byte-for-byte identical to one parsed before is served from it. Only
`store.repository` uses it: it fills it, trusts it, and empties it when an expunge removes
personal details, so no copy of them outlives the commit that removed them.
Anyone able to write there can already run code through git hooks, so the pickles of the case
store add no new trust. Small files skip the cache: parsing them is cheaper than the lookup.

A register's entry (people.yaml, sanctions.yaml) holds each of its entries as JSON, validated
when first used (see `registers`): what comes back is exactly what validating the file's data
gives, whether the cache entry was made by parsing the file or by the action that wrote it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from .. import __version__
from .registers import Register

MIN_SIZE = 64 * 1024
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def directory(git_dir: str | None) -> Path | None:
    """The cache of a repository's git directory (None: no cache, e.g. outside a repository)."""
    return Path(git_dir) / "coc-cache" if git_dir else None


def _path(cache: Path | None, text: str, model: type[Any], written: bool = False) -> Path | None:
    if len(text) < MIN_SIZE or cache is None:
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    kind = ".written" if written else ""
    name = f"{model.__name__}-{__version__}-{_schema_key()}-{digest}{kind}.register"
    return cache / name


def get(cache: Path | None, text: str, model: type[M], written: bool = True) -> Register[M] | None:
    """The register of `text` as parsed before; with `written`, also as an action wrote it
    (validate trusts only what it parsed itself)."""
    path = _path(cache, text, model)
    if path is not None and not path.is_file() and written:
        path = _path(cache, text, model, written=True)
    if path is None or not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return Register.from_bytes(model, data)  # a stale or truncated entry is simply ignored


def put(cache: Path | None, text: str, register: Register[Any]) -> None:
    """Best effort: a cache that cannot be written changes nothing but speed."""
    path = _path(cache, text, register.model)
    if path is not None:
        _write(path, register)


def register(
    cache: Path | None,
    text: str,
    model: type[M],
    parse: Callable[[], Sequence[M] | None],
    written: bool = True,
) -> Register[M] | None:
    """The register of `text` from the cache (see `get`), or from `parse` (None: it could not be
    parsed), which then enters the cache."""
    cached = get(cache, text, model, written)
    if cached is not None:
        return cached
    entries = parse()
    if entries is None:
        return None
    parsed = Register.of(model, entries)
    put(cache, text, parsed)
    return parsed


def _write(path: Path, register: Register[Any]) -> None:
    """One entry per model: the register as it is now (older entries are removed)."""
    name = register.model.__name__
    with contextlib.suppress(Exception):  # an unwritable cache, or anything else: only speed
        path.parent.mkdir(mode=0o700, exist_ok=True)
        for old in path.parent.glob(f"{name}-*.register"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(register.to_bytes())
        os.replace(tmp, path)


class Written:
    """Registers an action rewrote, entered in the cache once its commit is made.

    Without this, the command after an action that changed sanctions.yaml would parse the whole
    register again. The entry is the register the text was written from: the JSON texts of the
    entries left alone, and of the changed ones.
    """

    def __init__(self, cache: Path | None, registers: list[tuple[str, Register[Any]]]) -> None:
        self.todo = [
            (path, register)
            for text, register in registers
            if (path := _path(cache, text, register.model, written=True)) is not None
        ]

    def commit(self) -> None:
        """The commit is made: enter the registers (call only then)."""
        for path, entries in self.todo:
            _write(path, entries)


def _schema_key() -> str:
    """Pickled models are only good for the model classes that wrote them, and for the reader
    whose rules they passed (a text yamlio refuses now must not be served from an old entry)."""
    global _SCHEMA
    if _SCHEMA is None:
        import pydantic

        here = Path(__file__).parent.parent
        digest = hashlib.sha256(pydantic.VERSION.encode())
        digest.update(b"register-1")  # the format of an entry
        models = ("core/models.py", "core/fields.py", "core/durations.py", "core/ids.py")
        reader = ("store/yamlio.py", "store/yaml12.py", "store/yamllimits.py")
        for name in (*models, "core/zones.py", "store/registers.py", *reader):
            digest.update((here / name).read_bytes())
        _SCHEMA = digest.hexdigest()[:12]
    return _SCHEMA


_SCHEMA: str | None = None


class Store:
    """Many small files' models by content, in one file of the cache: {digest: (label, pickle)}.

    For the case files: a query that needs only some cases (the open ones) reads every file, but
    unpickles only those whose label (the status) it asks for and parses only new or changed files.
    `save` keeps the entries of the files seen, so the store never outgrows the ledger.
    """

    def __init__(self, cache: Path | None, name: str) -> None:
        self.path = (
            cache / f"{name}-{__version__}-{_schema_key()}.pickle" if cache is not None else None
        )
        self.name = name
        self.entries: dict[bytes, tuple[str, bytes]] = {}
        self.seen: set[bytes] = set()
        self.added = False
        if self.path is not None and self.path.is_file():
            try:
                with self.path.open("rb") as handle:
                    entries = pickle.load(handle)  # our own cache inside .git: see the module doc
                if isinstance(entries, dict):
                    self.entries = entries
            except Exception:  # a stale or truncated store is simply rebuilt
                self.entries = {}

    def find(self, data: bytes) -> tuple[bytes, tuple[str, bytes] | None]:
        """The content digest of a file's bytes and its (label, pickled model), if stored."""
        digest = hashlib.blake2b(data, digest_size=16).digest()
        self.seen.add(digest)
        return digest, self.entries.get(digest)

    @staticmethod
    def model(entry: tuple[str, bytes], model: type[T]) -> T | None:
        try:
            value = pickle.loads(entry[1])
        except Exception:
            return None
        return value if isinstance(value, model) else None

    def add(self, digest: bytes, label: str, value: Any) -> None:
        self.entries[digest] = (label, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self.added = True

    def save(self, whole: bool = True) -> None:
        """Best effort. After a pass over every file (`whole`) only what was seen is kept, so the
        store never outgrows the ledger; otherwise what was added joins what was there."""
        if self.path is None or not (self.added or (whole and set(self.entries) - self.seen)):
            return
        kept = {k: v for k, v in self.entries.items() if k in self.seen or not whole}
        try:
            self.path.parent.mkdir(mode=0o700, exist_ok=True)
            for old in self.path.parent.glob(f"{self.name}-*.pickle"):
                if old != self.path:
                    old.unlink(missing_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            try:
                tmp.write_bytes(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, self.path)
            finally:
                tmp.unlink(missing_ok=True)
            self.added = False
        except OSError:
            return


def clear(cache: Path | None) -> None:
    """Forget every cached parse (after an expunge), so no copy of what it removed stays."""
    if cache is not None:
        for entry in cache.glob("*"):
            if entry.name.startswith("audit-"):
                continue  # the trailer index: ids and council members only, never a party
            with contextlib.suppress(OSError):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
