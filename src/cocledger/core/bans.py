"""Publication of active bans (Policy, Communications; SPEC §3 Publication).

`active_bans` turns the register into rows built from an explicit allow-list: the person's name
from people.yaml, the public `conduct` given with the sanction, and the sanction text in the
policy's own wording (`wording.sanction_text`, which the notices use too). Nothing else reaches a
row, and cases are never read. `output.pages` renders the rows in each format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import CocError
from . import rules
from .models import Person, Sanction
from .sealing import shown
from .wording import sanction_text

NO_ACTIVE_BANS = "No active bans"
COLUMNS = ("Person", "Conduct", "Sanction")


@dataclass(frozen=True)
class PublishedBan:
    """One row of the active bans table: the allow-list, and nothing more."""

    person: str
    conduct: str
    sanction: str
    starts_on: date
    ends_on: date | None

    def as_json(self) -> dict[str, str | None]:
        """SPEC §4 `publish --format json`: the keys scripts rely on."""
        return {
            "person": self.person,
            "conduct": self.conduct,
            "sanction": self.sanction,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }


def active_bans(
    people: Sequence[Person], sanctions: Iterable[Sanction], day: date
) -> list[PublishedBan]:
    """Communications: the bans in force on `day` (rules.in_force), oldest first.

    A timed ban is listed from its starts_on until the day before its ends_on; a lifetime ban
    until it is overturned; warnings and other sanctions never."""
    names = {person.id: shown(person.name) for person in people}  # SPEC §8: sealed once overturned
    rows = []
    for sanction in sanctions:
        if not rules.in_force(sanction, day):
            continue
        if sanction.person not in names:
            raise CocError(
                f"sanctions.yaml: {sanction.id} is for '{sanction.person}', who is not in "
                "people.yaml; fix the ledger (`coc validate` shows where)"
            )
        assert sanction.starts_on is not None
        row = PublishedBan(
            person=names[sanction.person],
            conduct=sanction.conduct or "",
            sanction=sanction_text(sanction),
            starts_on=sanction.starts_on,
            ends_on=sanction.ends_on,
        )
        rows.append((sanction.starts_on, row.person, sanction.id, row))
    rows.sort(key=lambda item: item[:3])
    return [row for *_, row in rows]
