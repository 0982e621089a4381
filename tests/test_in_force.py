"""A ban overturned later was still in force before: person show and publish agree on a past day."""

from __future__ import annotations

from datetime import date

from cocledger.core import rules
from cocledger.core.models import Sanction


def _ban(status: str, status_on: date) -> Sanction:
    return Sanction(
        id="S-2026-0001",
        case="COC-2026-0001",
        person="frank",
        kind="lifetime_ban",
        offence=5,
        status=status,
        status_on=status_on,
        decided_on=date(2026, 8, 10),
        starts_on=date(2026, 8, 10),
        enacted_on=date(2026, 8, 10),
    )


def test_a_ban_overturned_later_was_in_force_before_the_appeal() -> None:
    ban = _ban("overturned", date(2026, 8, 13))
    assert rules.in_force(ban, date(2026, 8, 11))
    assert rules.active_ban([ban], "frank", date(2026, 8, 11)) is ban
    assert not rules.in_force(ban, date(2026, 8, 13))


def test_a_rejected_ban_was_never_in_force() -> None:
    assert not rules.in_force(_ban("rejected", date(2026, 8, 13)), date(2026, 8, 11))
