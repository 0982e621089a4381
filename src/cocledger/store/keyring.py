"""SPEC §8 Keys outside history: the wrapped data keys in `refs/coc/keys`, one commit with no
parent, replaced on every change (`coc sync` moves it with a lease). A key dropped from it (a
record expunged, a case re-keyed) is also deleted from this clone's object store, so that no
commit this clone holds opens the old ciphertext any more.

Layout of its tree: `cases/<year>/<case id>/<key id>.age` and `people/<person id>/<key id>.age`,
each an age file of one data key wrapped to the readers of that record.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..core import sealing
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
    """The folder of a record's keys: a case's, or a person's contact details'
    (`sealing.contact_owner`)."""
    if sealing.is_contact_owner(owner):
        return f"people/{owner[len(sealing.PERSON) :]}"
    return case_dir(owner)


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

    def update(self, puts: Mapping[str, bytes], drops: Iterable[str]) -> None:
        """Replace the keys commit by one with `puts` added and the key files under `drops`
        (paths or folders) removed; the old commit's objects that are not in the new one are
        deleted here when anything was dropped."""
        drops = list(drops)
        old = self.head()
        if not puts and not drops:
            return
        new_tree = write_tree(self.root, old, hashed(self.root, puts), drops)
        if old is not None and new_tree == _out(self.root, "rev-parse", f"{old}^{{tree}}"):
            return
        commit = _commit(self.root, new_tree, old)
        if old is not None:
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


def hashed(root: Path, blobs: Mapping[str, bytes]) -> dict[str, str]:
    """Key files written to the object store: path -> blob id."""
    if not blobs:
        return {}
    with tempfile.TemporaryDirectory(prefix="coc-keys-") as folder:
        files = []
        for n, blob in enumerate(blobs.values()):
            name = os.path.join(folder, f"{n}.age")
            Path(name).write_bytes(blob)
            files.append(name)
        shas: list[str] = []
        for chunk in _chunks(files):
            shas += _out(root, "hash-object", "-w", "--", *chunk).split()
    return dict(zip(blobs, shas, strict=True))


def write_tree(root: Path, base: str | None, blobs: Mapping[str, str], drops: list[str]) -> str:
    """The tree of `base` (a keys commit, or none) with `blobs` (path -> blob id) written and
    `drops` (paths or folders) removed, built in an index of its own (never the user's)."""
    with tempfile.TemporaryDirectory(prefix="coc-keys-") as folder:
        env = {**AUTHOR, "GIT_INDEX_FILE": os.path.join(folder, "index")}
        git._git(root, "read-tree", *((base,) if base else ("--empty",)), env=env)
        if drops:
            listed = _index_paths(root, env)
            gone = [p for p in listed if any(p == d or p.startswith(d + "/") for d in drops)]
            for chunk in _chunks(gone):
                git._git(root, "update-index", "--force-remove", "--", *chunk, env=env)
        infos = [f"100644,{sha},{path}" for path, sha in blobs.items()]
        for chunk in _chunks(infos):
            args = [a for info in chunk for a in ("--cacheinfo", info)]
            git._git(root, "update-index", "--add", *args, env=env)
        return _out(root, "write-tree", env=env)


def _commit(root: Path, tree: str, old: str | None) -> str:
    commit = _out(root, "commit-tree", tree, "-m", "coc: wrapped data keys", env=AUTHOR)
    git._git(root, "update-ref", REF, commit, old or "")
    return commit


# --- coc sync: the keys shared (SPEC §7, §8) ----------------------------------------------------

FETCHED = "refs/coc/fetched-keys"
"""Where `coc sync` fetches the upstream's keys commit; deleted once merged, so that nothing keeps
an old keys commit reachable here."""


def fetch(root: Path, remote: str) -> str | None:
    """The upstream's keys commit, fetched (None: it has none)."""
    git._git(root, "update-ref", "-d", FETCHED, check=False)
    proc = git._git(root, "fetch", "-q", "--no-tags", remote, f"+{REF}*:{FETCHED}*", check=False)
    if proc.returncode != 0:
        return None
    found = git._git(root, "rev-parse", "-q", "--verify", f"{FETCHED}^{{commit}}", check=False)
    return found.stdout.decode().strip() or None if found.returncode == 0 else None


def take(root: Path, theirs: str | None) -> None:
    """The upstream's keys joined to this clone's: every key file of either (the upstream's where
    both hold one: a key re-wrapped there), so that each side's records open; what left the
    record is dropped afterwards (`tidy`)."""
    if theirs is None:
        return
    ours = Keyring(root).head()
    if ours == theirs:
        return
    if ours is None:
        git._git(root, "update-ref", REF, theirs, "")
        return
    mine, their = _listed(root, ours), _listed(root, theirs)
    added = {path: sha for path, sha in their.items() if mine.get(path) != sha}
    if added:
        forget(root, ours, _commit(root, write_tree(root, ours, added, []), ours))


def tidy(root: Path, head: str = "HEAD") -> None:
    """SPEC §8: the keys of the cases that left the record at `head` (tombstones, or gone) are
    dropped, and the old keys commit's objects deleted here."""
    ring = Keyring(root)
    old = ring.head()
    if old is None:
        return
    paths = ring.paths()
    held = {p.split("/")[2] for p in paths if p.startswith("cases/")}
    persons = {p.split("/")[1] for p in paths if p.startswith("people/")}
    folder = git.prefix(root)
    drops = [f"people/{p}" for p in sorted(persons - _people_at(root, f"{head}:{folder}"))]
    listed = git._git(root, "ls-tree", "-r", "--name-only", head, "--", f"{folder}cases/",
                      check=False).stdout.decode().split()  # fmt: skip
    present = {Path(p).stem for p in listed if p.endswith(".yaml")}
    proc = git._git(root, "grep", "-l", "-e", "^status: expunged", head, "--", f"{folder}cases/",
                    check=False)  # fmt: skip
    tombstones = {Path(line.split(":", 1)[-1]).stem for line in proc.stdout.decode().split()}
    drops += [case_dir(c) for c in sorted(held) if c not in present or c in tombstones]
    if drops:
        new = _commit(root, write_tree(root, old, {}, drops), old)
        forget(root, old, new)


def _people_at(root: Path, rev: str) -> set[str]:
    """The ids people.yaml holds at a commit (`rev`: `<commit>:<ledger folder>`)."""
    proc = git._git(root, "show", f"{rev}people.yaml", check=False)
    text = proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""
    return set(re.findall(r"^\s*-\s*id:\s*['\"]?([a-z0-9][a-z0-9._-]*)", text, re.M))


def shared(root: Path, theirs: str | None) -> list[str]:
    """The push arguments that share this clone's keys commit with a lease on the upstream's as
    fetched (none when they are the same)."""
    ours = Keyring(root).head()
    if ours is None or ours == theirs:
        return []
    return [f"--force-with-lease={REF}:{theirs or ''}", f"{REF}:{REF}"]


def done(root: Path) -> None:
    git._git(root, "update-ref", "-d", FETCHED, check=False)


def _index_paths(root: Path, env: Mapping[str, str]) -> list[str]:
    out = git._git(root, "ls-files", "-z", env=env).stdout.decode()
    return [p for p in out.split("\0") if p]


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def forget(root: Path, old: str, new: str) -> None:
    """Delete from this clone the objects of the keys commit `old` that `new` does not hold: the
    commit, the trees that changed, and every key file dropped or replaced (a key re-wrapped
    leaves its earlier wrapping behind, which would open what it opened until it is gone).
    SPEC §8: the old commit dropped locally. A packed one is dropped by repacking without what
    nothing refers to."""
    proc = git._git(root, "diff-tree", "-r", "-t", "-z", old, new, check=False)
    gone = [old, _out(root, "rev-parse", f"{old}^{{tree}}")]
    fields = proc.stdout.decode().split("\0") if proc.returncode == 0 else []
    for meta in fields[0::2]:
        parts = meta.lstrip(":").split()
        if len(parts) >= 4 and parts[2].strip("0"):
            gone.append(parts[2])  # the old side of a changed or deleted entry
    objects = Path(root, _out(root, "rev-parse", "--git-path", "objects"))
    unsure = []
    for sha in gone:
        loose = objects / sha[:2] / sha[2:]
        if loose.exists():
            loose.unlink()
        else:
            unsure.append(sha)
    packed = [
        sha for sha in unsure if git._git(root, "cat-file", "-e", sha, check=False).returncode == 0
    ]
    if [sha for sha in packed if sha != EMPTY_TREE]:
        git._git(root, "repack", "-a", "-d", "-q")
        git._git(root, "prune", "--expire=now")
