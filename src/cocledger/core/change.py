"""What an action decides, as data: the records it changes and the commit that will hold them.

An action returns an Outcome; `store.repository` turns its Change into file texts and one git
commit, atomically. Nothing here knows about files' bytes, YAML or git.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .models import Case, Person, Policy, Sanction


@dataclass(frozen=True)
class Change:
    """The records one action writes, and its commit message (SPEC §5).

    Subject and trailers carry case and sanction ids and the acting member only, never a party.
    """

    subject: str
    action: str
    actor: str
    at: datetime | None = None
    """The moment the action happened (its --at), for the `Coc-At` trailer."""
    case: str | None = None
    sanction: str | None = None
    cases: tuple[Case, ...] = ()
    """New or changed case files."""
    sanctions: tuple[Sanction, ...] = ()
    """New or changed entries of sanctions.yaml (in place of those of their id)."""
    people: tuple[Person, ...] = ()
    people_removed: frozenset[str] = frozenset()
    policy: Policy | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    """Other files by ledger path, as text (what `coc init` writes besides the records)."""
    body: str = ""
    unchanged: str = "nothing to commit: the files already have this content"
    """The refusal when the files already hold what the change writes."""

    @property
    def trailers(self) -> dict[str, str]:
        found = {"Coc-Action": self.action}
        if self.case:
            found["Coc-Case"] = self.case
        if self.sanction:
            found["Coc-Sanction"] = self.sanction
        found["Coc-Actor"] = self.actor
        if self.at is not None:
            found["Coc-At"] = self.at.isoformat()
        return found

    @property
    def forgets(self) -> bool:
        """Whether it removes personal details (an expunge): every cache must then forget them."""
        statuses = [c.status for c in self.cases] + [s.status for s in self.sanctions]
        return "expunged" in statuses or bool(self.people_removed)


@dataclass(frozen=True)
class Outcome:
    """What an action did: the change to commit (None: nothing to do), data for `--json`, a line
    for people and the lines that explain it."""

    change: Change | None
    data: Mapping[str, Any]
    message: str
    details: tuple[str, ...] = ()
    clean: bool = False
    """The ledger held no error before the action (judged whole, or known so by the store's
    marker) and the action's result check passed, so once committed it holds none: the store
    may mark it clean for the next command (`actions.perform`, `store.clean`)."""
