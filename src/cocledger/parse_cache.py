"""A cache of parsed register files, so actions on a large ledger do not re-parse them each time.

Keyed by the file's exact content (SHA-256) and the model, kept inside the repository's own
`.git` directory: only a file byte-for-byte identical to one parsed before is served from it.
Anyone able to write there can already run code through git hooks, so pickle adds no new trust.
Small files skip the cache: parsing them is cheaper than the lookup.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, TypeVar

from . import __version__

MIN_SIZE = 64 * 1024
T = TypeVar("T")


def _path(root: Path, text: str, model: type[Any]) -> Path | None:
    git_dir = root / ".git"
    if len(text) < MIN_SIZE or not git_dir.is_dir():
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return git_dir / "coc-cache" / f"{model.__name__}-{__version__}-{digest}.pickle"


def get(root: Path, text: str, model: type[T]) -> T | None:
    path = _path(root, text, model)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)  # our own cache inside .git: see the module doc
    except Exception:  # a stale or truncated cache entry is simply ignored
        return None
    return value if isinstance(value, model) else None


def put(root: Path, text: str, value: Any) -> None:
    """Best effort: a cache that cannot be written changes nothing but speed."""
    path = _path(root, text, type(value))
    if path is None:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        for old in path.parent.glob(f"{type(value).__name__}-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        return
