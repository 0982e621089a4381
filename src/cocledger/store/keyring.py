"""SPEC §8 Keys outside history: the wrapped data keys in `refs/coc/keys`, one commit with no
parent, replaced on every change (`coc sync` moves it with a lease). A key dropped from it (a
record expunged, a case re-keyed) is also deleted from this clone's object store, so that no
commit this clone holds opens the old ciphertext any more.

Layout of its tree: `cases/<year>/<case id>/<key id>.age` and `people/<key id>.age`, each an age
file of one data key wrapped to the readers of that record.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import git

REF = "refs/coc/keys"
AUTHOR = {
    "GIT_AUTHOR_NAME": "coc",
    "GIT_AUTHOR_EMAIL": "coc@invalid",
    "GIT_COMMITTER_NAME": "coc",
    "GIT_COMMITTER_EMAIL": "coc@invalid",
    "GIT_AUTHOR_DATE": "1970-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "1970-01-01T00:00:00Z",
}
"""The keys commit says nothing of who wrote it or when (it is replaced, never a record)."""
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def case_dir(case_id: str) -> str:
    return f"cases/{case_id[4:8]}/{case_id}"


def owner_dir(owner: str) -> str:
    """The folder of a record's keys: a case's, or people.yaml's (`sealing.PEOPLE_KEY`)."""
    return "people" if owner == "people" else case_dir(owner)


def key_path(owner: str, key_id: str) -> str:
    return f"{owner_dir(owner)}/{key_id}.age"


class Keyring:
    """The keys ref of one repository, read when first needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._paths: dict[str, str] | None = None
        self._blobs: dict[str, bytes | None] = {}

    def head(self) -> str | None:
        proc = git._git(self.root, "rev-parse", "-q", "--verify", f"{REF}^{{commit}}", check=False)
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None

    def paths(self) -> dict[str, str]:
        """Every key file, by path, with its blob id."""
        if self._paths is None:
            self._paths = _listed(self.root, REF) if self.head() else {}
        return self._paths

    def blob(self, path: str) -> bytes | None:
        if path not in self._blobs:
            proc = git._git(self.root, "cat-file", "blob", f"{REF}:{path}", check=False)
            self._blobs[path] = proc.stdout if proc.returncode == 0 else None
        return self._blobs[path]

    def of(self, owner: str) -> list[str]:
        """The key ids on record for a case (or people.yaml)."""
        folder = owner_dir(owner) + "/"
        return [
            p[len(folder) : -4]
            for p in self.paths()
            if p.startswith(folder) and "/" not in p[len(folder) :]
        ]

    def update(self, puts: Mapping[str, bytes], drops: Iterable[str]) -> None:
        """Replace the keys commit by one with `puts` added and the key files under `drops`
        (paths or folders) removed; the old commit's objects that are not in the new one are
        deleted here when anything was dropped."""
        drops = list(drops)
        old = self.head()
        if not puts and not drops:
            return
        new_tree = write_tree(self.root, old, puts, drops)
        if old is not None and new_tree == _out(self.root, "rev-parse", f"{old}^{{tree}}"):
            return
        commit = _out(
            self.root, "commit-tree", new_tree, "-m", "coc: wrapped data keys", env=AUTHOR
        )
        git._git(self.root, "update-ref", REF, commit, old or "")
        if old is not None and drops:
            forget(self.root, old, commit)
        self._paths, self._blobs = None, {}


def _out(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    return git._git(root, *args, env=env).stdout.decode().strip()


def _listed(root: Path, rev: str) -> dict[str, str]:
    out = git._git(root, "ls-tree", "-r", "-z", rev).stdout.decode()
    found = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        found[path] = meta.split()[2]
    return found


def write_tree(root: Path, base: str | None, puts: Mapping[str, bytes], drops: list[str]) -> str:
    """The tree of `base` (a keys commit, or none) with `puts` written and `drops` removed, built
    in an index of its own (the user's index is never touched)."""
    with tempfile.TemporaryDirectory(prefix="coc-keys-") as folder:
        env = {**AUTHOR, "GIT_INDEX_FILE": os.path.join(folder, "index")}
        if base is not None:
            git._git(root, "read-tree", base, env=env)
        else:
            git._git(root, "read-tree", "--empty", env=env)
        if drops:
            listed = _index_paths(root, env)
            gone = [p for p in listed if any(p == d or p.startswith(d + "/") for d in drops)]
            for chunk in _chunks(gone):
                git._git(root, "update-index", "--force-remove", "--", *chunk, env=env)
        if puts:
            files = []
            for n, blob in enumerate(puts.values()):
                name = os.path.join(folder, f"{n}.age")
                Path(name).write_bytes(blob)
                files.append(name)
            shas: list[str] = []
            for chunk in _chunks(files):
                shas += _out(root, "hash-object", "-w", "--", *chunk).split()
            infos = [f"100644,{sha},{path}" for sha, path in zip(shas, puts, strict=True)]
            for chunk in _chunks(infos):
                args = [a for info in chunk for a in ("--cacheinfo", info)]
                git._git(root, "update-index", "--add", *args, env=env)
        return _out(root, "write-tree", env=env)


def _index_paths(root: Path, env: Mapping[str, str]) -> list[str]:
    out = git._git(root, "ls-files", "-z", env=env).stdout.decode()
    return [p for p in out.split("\0") if p]


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def forget(root: Path, old: str, new: str | None) -> None:
    """Delete from this clone the objects of the keys commit `old` that `new` does not hold
    (the commit, its trees, the dropped keys): SPEC §8, the old commit dropped locally. A
    packed one is dropped by repacking without what nothing refers to."""
    kept = set(_objects(root, new)) if new else set()
    gone = [sha for sha in _objects(root, old) if sha not in kept and sha != EMPTY_TREE]
    objects = Path(root, _out(root, "rev-parse", "--git-path", "objects"))
    for sha in gone:
        loose = objects / sha[:2] / sha[2:]
        if loose.exists():
            loose.unlink()
    packed = [
        sha for sha in gone if git._git(root, "cat-file", "-e", sha, check=False).returncode == 0
    ]
    if packed:
        git._git(root, "repack", "-a", "-d", "-q")
        git._git(root, "prune", "--expire=now")


def _objects(root: Path, commit: str) -> list[str]:
    """A keys commit and every tree and blob under it."""
    proc = git._git(root, "ls-tree", "-r", "-t", "-z", commit, check=False)
    if proc.returncode != 0:
        return []
    tree = _out(root, "rev-parse", f"{commit}^{{tree}}")
    shas = [commit, tree]
    for entry in filter(None, proc.stdout.decode().split("\0")):
        shas.append(entry.split("\t", 1)[0].split()[2])
    return shas
