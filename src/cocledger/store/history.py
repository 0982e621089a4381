"""The git history `coc validate --base REF` reads: the fork point, the files changed since, the
commits, and any file as it stood at a revision, each read from git once.

The checks see this only through `checks.context.HistorySource`; they never run git.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from . import git
from .git import CommitInfo


class GitHistory:
    """The history of HEAD since it forked from `base` (as a pull request compares)."""

    def __init__(self, root: Path, base: str) -> None:
        self.root, self.base = root, base
        try:
            git.parents(root, base)
        except UsageError:
            raise UsageError(
                f"--base {base}: no such git revision here (fetch it, e.g. `git fetch origin`)"
            ) from None
        fork = git.merge_base(root, base)
        if fork is None:
            raise UsageError(
                f"--base {base}: no common history with HEAD (fetch the whole history, "
                "e.g. actions/checkout with fetch-depth: 0)"
            )
        self.fork = fork
        self.changed = set(git.changed_files(root, base))
        self.commits: list[CommitInfo] = list(reversed(git.commits_between(root, base)))
        self._texts: dict[tuple[str, str], str | None] = {}
        self._parents: dict[str, list[str]] = {}

    def text_at(self, rev: str, path: str) -> str | None:
        """A file's text at a revision (None where it does not exist)."""
        if (rev, path) not in self._texts:
            self._texts[rev, path] = git.file_at(self.root, rev, path)
        return self._texts[rev, path]

    def parents(self, sha: str) -> list[str]:
        if sha not in self._parents:
            self._parents[sha] = git.parents(self.root, sha)
        return self._parents[sha]

    def changed_between(self, before: str, after: str) -> list[str]:
        """Paths changed on `after` since it forked from `before`."""
        return git.changed_files(self.root, before, after)

    def commits_of(self, trailer: str, path: str) -> list[CommitInfo]:
        """Commits (newest first) carrying a trailer line, e.g. `Coc-Sanction: S-2026-0001`, and
        touching `path`."""
        return git.commits(self.root, grep=f"^{trailer}$", paths=[path])
