"""What `coc sync` reads back of an action commit this clone made and the upstream has not seen
(SPEC §7): its trailers, and the records it changed as they stood on either side of it.
`store.recorded` reads them from git; `actions.resync` replays the action they record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .models import Case, Person, Policy, Sanction


@dataclass(frozen=True)
class Records:
    """The records a commit changed, as they stood on one side of it (absent: not there)."""

    cases: Mapping[str, Case] = field(default_factory=dict)
    sanctions: Mapping[str, Sanction] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    policy: Policy | None = None


@dataclass(frozen=True)
class Recorded:
    """One action commit of this clone, as `coc sync` reads it back (`store.recorded`)."""

    sha: str
    subject: str
    action: str
    actor: str
    at: datetime
    case: str | None
    sanction: str | None
    before: Records
    after: Records
    parent: str = ""
    paths: tuple[str, ...] = ()
    """The ledger files the commit changed."""
    author: tuple[str, str, str] = ("", "", "")
    """The commit's author: name, e-mail and date (kept on the commit that replays it)."""

    @property
    def shown(self) -> str:
        """The commit as sync names it: its short sha and subject."""
        return shown(self.sha, self.subject)


def shown(sha: str, subject: str) -> str:
    """A commit as sync names it: its short sha and subject."""
    return f"{sha[:12]} ({subject})"
