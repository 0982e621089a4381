"""Proposed sanctions, 1st offence: a refused apology escalates the warning; the ban it escalates to
is published with a public summary the council writes, since a warning is never published.

The rules run in memory (tests/memory.py); one escalation runs through the real CLI and git, to
show the ban written to sanctions.yaml and published from it."""

from __future__ import annotations

from datetime import date

import pytest

from casework import sanctions as register
from casework import warned as warned_on_disk
from cocledger.actions import committee, reports, sanctions
from cocledger.errors import UsageError
from conftest import LedgerRepo
from memory import Memory, fresh, received

RECEIVED = "2026-01-10T09:00:00+00:00"
MEETING, ENACTED, REFUSED = "2026-01-22", "2026-01-23", "2026-01-26"


def on(day: str) -> str:
    """`--at DAY` as coc reads it: 00:00 of that day in the policy's time zone (UTC)."""
    return f"{day}T00:00:00+00:00"


def warned(m: Memory, conduct: str | None = None) -> str:
    """casework.warned in memory: a case reviewed at MEETING, the ladder's 1st-offence warning
    proposed there and enacted on ENACTED; returns the warning's id."""
    case = received(m, "frank", "gina", (), RECEIVED, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", RECEIVED, case)
    m.act(committee.form, "alice", RECEIVED, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", RECEIVED, case)
    m.act(reports.review, "alice", on(MEETING), case, date.fromisoformat(MEETING))
    proposal = m.act(sanctions.propose, "alice", on(MEETING), case, None, None, None, conduct)
    warning = str(proposal.data["sanction"])
    m.act(sanctions.enact, "alice", on(ENACTED), warning, None)
    return warning


def test_a_refusal_that_escalates_to_a_ban_needs_its_public_conduct() -> None:
    m = fresh()
    warning = warned(m)
    before = m.snap
    with pytest.raises(UsageError, match="--conduct is required") as refusal:
        m.act(sanctions.apology_record, "alice", on(REFUSED), warning, False, None)
    assert "public summary" in str(refusal.value)
    assert m.snap is before


def test_the_escalated_ban_is_published_with_the_conduct_given(ledger: LedgerRepo) -> None:
    """Through the real CLI and git: the ban in sanctions.yaml, and `coc publish` reading it."""
    _, warning = warned_on_disk(ledger, RECEIVED, MEETING, ENACTED)
    ban = ledger.coc("apology", "record", warning, "--refused", "--conduct", "Insulted members",
                     "--at", REFUSED, "--json").json["sanction"]  # fmt: skip
    assert register(ledger)[ban]["conduct"] == "Insulted members"
    rows = ledger.coc("publish", "--format", "json", "--at", REFUSED).json
    assert [row["conduct"] for row in rows] == ["Insulted members"]


def test_a_warning_with_its_own_public_conduct_escalates_without_the_flag() -> None:
    m = fresh()
    warning = warned(m, conduct="Insults in chat")
    ban = m.act(sanctions.apology_record, "alice", on(REFUSED), warning, False, None)
    assert m.sanction(str(ban.data["sanction"])).conduct == "Insults in chat"


def test_conduct_with_a_delivered_apology_is_bad_usage() -> None:
    m = fresh()
    warning = warned(m)
    before = m.snap
    with pytest.raises(UsageError, match="--conduct"):
        m.act(sanctions.apology_record, "alice", on(REFUSED), warning, True, "x")
    assert m.snap is before
