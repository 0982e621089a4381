"""What `coc validate --base REF` knows of git: the commits since REF and the files at any of
their revisions, as data and an interface. `store.history` feeds it from git; the checks read it
and never run git themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class CommitInfo:
    """One commit as the audit trail shows it; `signature` is git's %G? letter when asked for."""

    sha: str
    author_name: str
    author_email: str
    authored_at: datetime
    subject: str
    trailers: dict[str, str] = field(default_factory=dict)
    signature: str = ""
    body: str = ""  # only when asked for (the audit index reads the expunge commits' bodies)
    parents: tuple[str, ...] = ()  # likewise


class HistorySource(Protocol):
    """The git history validate --base reads, as `store.history` gives it."""

    base: str
    fork: str
    rewritten: bool
    """REF is not an ancestor of HEAD."""
    changed: set[str]
    commits: list[CommitInfo]

    def text_at(self, rev: str, path: str) -> str | None: ...

    def model_at(self, rev: str, path: str, model: type[Any]) -> Any:
        """A file's model at a revision, None if absent or broken."""

    def data_at(self, rev: str, path: str) -> dict[str, Any] | None:
        """A file's parsed YAML at a revision: {} when absent, None when it does not parse."""

    def parents(self, sha: str) -> list[str]: ...

    def changed_between(self, before: str, after: str) -> list[str]: ...

    def close(self) -> None:
        """Stop reading git (validate is done)."""
