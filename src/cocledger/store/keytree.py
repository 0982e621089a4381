"""The tree of `refs/coc/keys` edited without an index: only the trees on the path of a key file
put or dropped are read (through the keyring's one `git cat-file --batch`) and written again.

An index of its own cost a `coc` step that wraps one key (`report new`, `person add`) 70 ms
on a ledger of 10,000 cases: `read-tree` and `write-tree` of every key file. Here a step reads
three or four small trees and writes as many in one `git hash-object`. The tree format is git's
own (entries sorted as git sorts them, a folder as if its name ended in `/`); every id is checked
against what git answers, and tests compare the result with git's index (`tests/test_keys.py`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import CocError
from . import git
from .gitlog import BlobReader

FILE, FOLDER = b"100644", b"40000"
Entries = dict[bytes, tuple[bytes, str]]
"""A tree's entries: name -> (mode, object id)."""


def edited(
    root: Path,
    reader: BlobReader,
    base: str | None,
    width: int,
    puts: Mapping[str, str],
    drops: Sequence[str],
) -> str:
    """The id of the tree `base` (None: an empty one) with the key files `puts` (path -> blob
    id) written and the paths or folders `drops` removed, drops first; the new trees are written
    to the object store. `width`: the length of the repository's object ids (40: SHA-1)."""
    written: dict[str, bytes] = {}
    tree = _edit(reader, base, puts, drops, width, written)
    found = tree if tree is not None else _tree_id(b"", width)
    if tree is None:
        written[found] = b""
    _write(root, written)
    return found


def _edit(
    reader: BlobReader,
    tree: str | None,
    puts: Mapping[str, str],
    drops: Sequence[str],
    width: int,
    written: dict[str, bytes],
) -> str | None:
    """One level: `puts` and `drops` relative to this tree; None when nothing is left in it."""
    entries = _entries(reader, tree) if tree is not None else {}
    below: dict[bytes, tuple[dict[str, str], list[str]]] = {}
    for path in drops:  # first: a folder dropped, then filled
        head, _, rest = path.partition("/")
        if rest:
            below.setdefault(head.encode(), ({}, []))[1].append(rest)
        else:
            entries.pop(head.encode(), None)
    for path, sha in puts.items():
        head, _, rest = path.partition("/")
        if rest:
            below.setdefault(head.encode(), ({}, []))[0][rest] = sha
        else:
            entries[head.encode()] = (FILE, sha)
    for name, (sub_puts, sub_drops) in below.items():
        mode, sha = entries.get(name, (FOLDER, ""))
        if mode != FOLDER and not sub_puts:
            continue  # nothing to drop below a file
        if mode != FOLDER:
            raise CocError(f"the keys tree holds a file {name.decode()} where a folder belongs")
        child = _edit(reader, sha or None, sub_puts, sub_drops, width, written)
        if child is None:
            entries.pop(name, None)
        else:
            entries[name] = (FOLDER, child)
    if not entries:
        return None
    body = b"".join(
        mode + b" " + name + b"\0" + bytes.fromhex(sha)
        for name, (mode, sha) in sorted(entries.items(), key=_git_order)
    )
    found = _tree_id(body, width)
    if found != tree:
        written[found] = body
    return found


def _git_order(item: tuple[bytes, tuple[bytes, str]]) -> bytes:
    """git's order of tree entries: by name, a folder's as if it ended in `/`."""
    name, (mode, _) = item
    return name + b"/" if mode == FOLDER else name


def _entries(reader: BlobReader, tree: str) -> Entries:
    data = reader.read(tree, kind=b"tree")
    if data is None:
        raise CocError(f"the keys tree {tree} cannot be read: run `git fsck`")
    width = len(tree) // 2
    found: Entries = {}
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        mode, name = data[at:space], data[space + 1 : nul]
        found[name] = (mode, data[nul + 1 : nul + 1 + width].hex())
        at = nul + 1 + width
    return found


def _tree_id(body: bytes, width: int) -> str:
    """A tree's object id as git computes it (SHA-1, or SHA-256 in a repository that uses it)."""
    digest = hashlib.sha1 if width == 40 else hashlib.sha256
    return digest(b"tree %d\0" % len(body) + body).hexdigest()


def _write(root: Path, trees: Mapping[str, bytes]) -> None:
    """The new trees written to the object store, each id checked."""
    if trees and written(root, "tree", list(trees.values())) != list(trees):
        raise CocError("git wrote other keys trees than computed; nothing was changed")


def written(root: Path, kind: str, bodies: Sequence[bytes]) -> list[str]:
    """Objects written to the object store (`git hash-object -w`, 500 a call): their ids."""
    found: list[str] = []
    with tempfile.TemporaryDirectory(prefix="coc-keys-") as folder:
        names = []
        for n, body in enumerate(bodies):
            name = os.path.join(folder, str(n))
            Path(name).write_bytes(body)
            names.append(name)
        for at in range(0, len(names), 500):
            args = ("hash-object", "-t", kind, "-w", "--", *names[at : at + 500])
            found += git._git(root, *args).stdout.decode().split()
    return found
