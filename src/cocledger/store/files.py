"""Where the one loader reads a ledger's files from: its folder on disk, or a mapping of texts
held in memory (the same loader, rules and checks, with no disk: what the property tests that
mutate files use). Both refuse a file over the size cap before reading it (SPEC §5)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..core.ids import CASES_DIR
from . import yamlio, yamllimits


class Source(Protocol):
    """A ledger's files, by their path in the ledger."""

    @property
    def root(self) -> Path | None:
        """The folder on disk (None: held in memory: no git, no cache)."""

    def read(self, relpath: str) -> bytes | None:
        """A file's bytes (None: not there); a YamlProblem (CL006) over the cap, OSError if
        it cannot be read."""

    def exists(self, relpath: str) -> bool: ...

    def case_files(self, year: str | None = None) -> list[str]:
        """Every YAML file under cases/ (with `year`, under cases/<year>/ only), in order."""

    def holds_cases(self, count: int) -> bool:
        """Whether cases/ holds at least `count` files (without listing them all)."""


def _too_big(size: int, relpath: str) -> yamlio.YamlProblem:
    refused = yamllimits.too_big(size)
    return yamlio.YamlProblem(refused.message, relpath, code=refused.code)


@dataclass(frozen=True)
class Disk:
    """A ledger's folder."""

    root: Path

    def read(self, relpath: str) -> bytes | None:
        """Through the system calls (os.open, os.read): 2.5 times faster than a file object on
        the 1,300 case files of a year, which `report new` reads to find a report made twice."""
        try:
            fd = os.open(f"{self.root}/{relpath}", os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        try:
            size = os.fstat(fd).st_size
            if size > yamllimits.MAX_FILE_BYTES:
                raise _too_big(size, relpath)
            raw = os.read(fd, size + 1)  # a buffer of the file's size: a 16 MiB one costs per file
            while len(raw) <= yamllimits.MAX_FILE_BYTES:  # a short read, or it grew since: read
                more = os.read(fd, yamllimits.MAX_FILE_BYTES + 1 - len(raw))  # on, up to the cap
                if not more:
                    break
                raw += more
        finally:
            os.close(fd)
        if len(raw) > yamllimits.MAX_FILE_BYTES:
            raise _too_big(len(raw), relpath)
        return raw

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def case_files(self, year: str | None = None) -> list[str]:
        base = self.root / CASES_DIR / year if year else self.root / CASES_DIR
        if not base.is_dir():
            return []
        found: list[str] = []
        todo = [(str(base), f"{CASES_DIR}/{year}" if year else CASES_DIR)]
        while todo:  # os.scandir: a tenth of the time of Path.rglob on 10,000 files
            folder, rel = todo.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):  # as rglob: no symlinked folders
                        todo.append((entry.path, f"{rel}/{entry.name}"))
                    elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                        found.append(f"{rel}/{entry.name}")
        return sorted(found)

    def holds_cases(self, count: int) -> bool:
        seen = 0
        todo = [self.root / CASES_DIR]
        while todo and seen < count:
            folder = todo.pop()
            if not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(Path(entry.path))
                    else:
                        seen += 1
                        if seen >= count:
                            break
        return seen >= count


@dataclass(frozen=True)
class Memory:
    """A ledger's files held in memory, by path."""

    files: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def root(self) -> Path | None:
        return None

    def read(self, relpath: str) -> bytes | None:
        raw = self.files.get(relpath)
        if raw is not None and len(raw) > yamllimits.MAX_FILE_BYTES:
            raise _too_big(len(raw), relpath)
        return raw

    def exists(self, relpath: str) -> bool:
        return relpath in self.files

    def case_files(self, year: str | None = None) -> list[str]:
        under = f"{CASES_DIR}/{year}/" if year else f"{CASES_DIR}/"
        return sorted(
            p for p in self.files if p.startswith(under) and p.endswith((".yaml", ".yml"))
        )

    def holds_cases(self, count: int) -> bool:
        return len(self.case_files()) >= count


class GitTree:
    """A ledger as one commit holds it, read from git (one `cat-file` process, on demand): what
    `coc sync` re-runs a commit's action on, to know that the commit is what `coc` wrote. Its
    `root` is the ledger's folder, for the parse caches (keyed by text, so true of any commit)."""

    def __init__(self, root: Path, rev: str) -> None:
        from . import git, gitlog

        self._root, self.rev = root, rev
        self._prefix = git.prefix(root)
        self._reader = gitlog.BlobReader(root)
        self._listed: list[str] | None = None

    @property
    def root(self) -> Path | None:
        return self._root

    def read(self, relpath: str) -> bytes | None:
        raw = self._reader.read(f"{self.rev}:{self._prefix}{relpath}")
        if raw is not None and len(raw) > yamllimits.MAX_FILE_BYTES:
            raise _too_big(len(raw), relpath)
        return raw

    def exists(self, relpath: str) -> bool:
        return relpath in self._all() or self.read(relpath) is not None

    def _all(self) -> list[str]:
        if self._listed is None:
            from . import git

            proc = git._git(self._root, "ls-tree", "-r", "-z", "--name-only", "--full-tree",
                            self.rev, "--", f"{self._prefix}{CASES_DIR}", check=False)  # fmt: skip
            names = proc.stdout.decode("utf-8", "replace").split("\0")
            self._listed = sorted(
                n[len(self._prefix) :] for n in names if n.endswith((".yaml", ".yml"))
            )
        return self._listed

    def case_files(self, year: str | None = None) -> list[str]:
        under = f"{CASES_DIR}/{year}/" if year else f"{CASES_DIR}/"
        return [p for p in self._all() if p.startswith(under)]

    def holds_cases(self, count: int) -> bool:
        return len(self._all()) >= count

    def close(self) -> None:
        self._reader.close()
