"""SPEC §8 Keys outside history: the wrapped data keys in `refs/coc/keys`, one commit with no
parent, replaced on every change (`coc sync` moves it with a lease). A key dropped from it (a
record expunged, a case re-keyed) is also deleted from this clone's object store, so that no
commit this clone holds opens the old ciphertext any more.

Layout of its tree: `cases/<year>/<case id>/<key id>.age` and `people/<person id>/<key id>.age`,
each an age file of one data key wrapped to the readers of that record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from ..core import sealing
from . import git, keytree
from .gitlog import BlobReader

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
        self._reader: BlobReader | None = None
        """One `git cat-file --batch` for every key read: `coc expunge` or a change of the
        council opens thousands of cases (a process each took 10 ms)."""

    def head(self) -> str | None:
        proc = git._git(self.root, "rev-parse", "-q", "--verify", f"{REF}^{{commit}}", check=False)
        found = proc.stdout.decode().strip() if proc.returncode == 0 else ""
        return found or None

    def paths(self) -> dict[str, str]:
        """Every key file, by path, with its blob id."""
        if self._paths is None:
            self._paths = _listed(self.root, REF) if self.head() else {}
        return self._paths

    def blob(self, path: str) -> bytes | None:
        if path not in self._blobs:
            sha = self.paths().get(path)  # by blob id: the ref may move while git runs
            self._blobs[path] = self.read(sha) if sha else None
        return self._blobs[path]

    def blobs(self) -> dict[str, bytes | None]:
        """Every key file, by path, read in one go (`validate --identity` looks at them all)."""
        paths = self.paths()
        found = self._batch().read_many(list(paths.values())) if paths else {}
        return {path: found.get(sha) for path, sha in paths.items()}

    def _batch(self) -> BlobReader:
        if self._reader is None:
            self._reader = BlobReader(self.root)
        return self._reader

    def read(self, sha: str, kind: bytes = b"blob") -> bytes | None:
        """An object of this repository by id (a wrapped key: a blob), None if there is none."""
        return self._batch().read(sha, kind)

    def update(self, puts: Mapping[str, bytes], drops: Iterable[str] = ()) -> Moved | None:
        """Replace the keys commit by one with `puts` added and the key files under `drops`
        (paths or folders) removed. The old commit stays in this clone until `Moved.settle`
        (what the ref held is then deleted here) or `Moved.undo` (the ref moved back, the new
        objects deleted): a commit of the branch that fails leaves the keys as they were."""
        return self.write(hashed(self.root, puts), list(drops))

    def write(self, blobs: Mapping[str, str], drops: list[str]) -> Moved | None:
        """`update` with key files already in the object store (path -> blob id)."""
        if not blobs and not drops:
            return None
        old = self.head()
        if old is None and not blobs:
            return None  # no keys commit: nothing to drop
        base = None
        if old is not None:
            commit = self.read(old, b"commit") or b""
            base = commit.split(b"\n", 1)[0].removeprefix(b"tree ").decode()
        width = len(base) if base else len(next(iter(blobs.values())))
        new_tree = keytree.edited(self.root, self._batch(), base, width, blobs, drops)
        if new_tree == base:
            return None
        new = _commit(self.root, new_tree, old)
        self._paths, self._blobs = None, {}
        return Moved(self.root, old, new)

    def replace(self, puts: Mapping[str, bytes], drops: Iterable[str] = ()) -> None:
        """`update`, settled at once (no commit of the branch goes with it)."""
        moved = self.update(puts, drops)
        if moved is not None:
            moved.settle()


class Moved:
    """The keys ref moved from `old` to `new`, not settled yet."""

    def __init__(self, root: Path, old: str | None, new: str) -> None:
        self.root, self.old, self.new = root, old, new

    def settle(self) -> None:
        """SPEC §8: the old keys commit dropped locally, with every wrapping it held that the new
        one does not (a key re-wrapped leaves no earlier wrapping behind)."""
        if self.old is not None:
            forget(self.root, self.old, self.new)

    def undo(self) -> None:
        """The ref back where it was, and the new keys commit's own objects deleted."""
        _move(self.root, self.old, self.new)
        forget(self.root, self.new, self.old)


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
    return dict(zip(blobs, keytree.written(root, "blob", list(blobs.values())), strict=True))


def _commit(root: Path, tree: str, old: str | None) -> str:
    commit = _out(root, "commit-tree", tree, "-m", "coc: wrapped data keys", env=AUTHOR)
    _move(root, commit, old)
    return commit


def _move(root: Path, to: str | None, expected: str | None) -> None:
    """The keys ref set to `to` (deleted when None) if it is still `expected`. It keeps no
    reflog, whatever `core.logAllRefUpdates` says: a reflog would keep old keys reachable."""
    quiet = ("-c", "core.logAllRefUpdates=false")
    if to is None:
        git._git(root, *quiet, "update-ref", "-d", REF, expected or "")
    else:
        git._git(root, *quiet, "update-ref", REF, to, expected or "")
    log = Path(root, _out(root, "rev-parse", "--git-path", f"logs/{REF}"))
    if log.exists():
        log.unlink()


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


def take(root: Path, theirs: str | None) -> dict[str, str]:
    """The upstream's key files joined to this clone's, so that each side's records open in the
    replay: only added (a sync that stops changes nothing this clone could read with). Where
    both hold the same key wrapped differently (a reader added on one side), this clone's stays
    and the upstream's blob id is returned, path -> blob: `seals.after_sync` wraps that key to
    its readers once the branch is final."""
    if theirs is None:
        return {}
    ours = Keyring(root).head()
    if ours == theirs:
        return {}
    if ours is None:
        _move(root, theirs, None)
        return {}
    mine, their = _listed(root, ours), _listed(root, theirs)
    moved = Keyring(root).write({p: sha for p, sha in their.items() if p not in mine}, [])
    if moved is not None:
        moved.settle()
    return {path: sha for path, sha in their.items() if path in mine and mine[path] != sha}


def tidy(root: Path, used: Collection[str] | None) -> None:
    """SPEC §8: once the branch is shared, only the keys its records use are kept (None: not
    known, keep every one): those of what left the record (a tombstone, a person removed), of
    a case re-keyed, of an id sync renumbered, are dropped and deleted here."""
    ring = Keyring(root)
    if used is None or ring.head() is None:
        return
    drops = [p for p in ring.paths() if p.startswith(("cases/", "people/")) and p not in used]
    ring.replace({}, drops)


def shared(root: Path, theirs: str | None) -> list[str]:
    """The push arguments that share this clone's keys commit with a lease on the upstream's as
    fetched (none when they are the same)."""
    ours = Keyring(root).head()
    if ours is None or ours == theirs:
        return []
    return [f"--force-with-lease={REF}:{theirs or ''}", f"{REF}:{REF}"]


def done(root: Path) -> None:
    git._git(root, "update-ref", "-d", FETCHED, check=False)


def forget(root: Path, old: str, new: str | None) -> None:
    """Delete from this clone the objects of the keys commit `old` that `new` does not hold: the
    commit, the trees that changed, and every key file dropped or replaced. SPEC §8: the old
    commit dropped locally. A packed key file is dropped by repacking what is reachable (`git
    repack -a -d` leaves out every object nothing refers to, as `git gc` would); a packed commit
    or tree holds no key, and is left to git's own garbage collection."""
    if new is None:
        proc = git._git(root, "ls-tree", "-r", "-t", "-z", old, check=False)
        entries = proc.stdout.decode().split("\0") if proc.returncode == 0 else []
        metas = [e.split("\t", 1)[0].split() for e in entries if e]
        olds = [(m[2], m[1] == "blob") for m in metas]
    else:
        proc = git._git(root, "diff-tree", "-r", "-t", "-z", old, new, check=False)
        fields = proc.stdout.decode().split("\0") if proc.returncode == 0 else []
        metas = [m.lstrip(":").split() for m in fields[0::2] if len(m.split()) >= 4]
        olds = [(m[2], m[0].startswith("100")) for m in metas]
    gone = [(old, False), (_out(root, "rev-parse", f"{old}^{{tree}}"), False), *olds]
    objects = Path(root, _out(root, "rev-parse", "--git-path", "objects"))
    packed_keys = []
    for sha, is_key in gone:
        if not sha.strip("0") or sha == EMPTY_TREE:
            continue
        loose = objects / sha[:2] / sha[2:]
        if loose.exists():
            loose.unlink()
        elif is_key:
            packed_keys.append(sha)
    if any(git._git(root, "cat-file", "-e", s, check=False).returncode == 0 for s in packed_keys):
        git._git(root, "repack", "-a", "-d", "-q")
