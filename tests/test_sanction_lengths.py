"""A ban is in force on whole days (SPEC §3: starts_on <= d < ends_on): a sanction's length is days
or months, never hours, which would round to a ban never in force that still counts. Hours stay
valid for deadlines.

The actions run in memory (tests/memory.py); a ladder edited by hand is checked through the real
CLI, since validate must point at the line of policy.yaml."""

from __future__ import annotations

import re
from datetime import date

import pytest

from casework import ESCALATED_CONDUCT, commit_file
from checkwork import line_of, validate
from cocledger.actions import appeals, committee, reports, sanctions
from cocledger.core.durations import parse_duration
from cocledger.errors import UsageError
from conftest import LedgerRepo
from memory import Memory, fresh, received

RECEIVED = "2026-01-10T09:00:00+00:00"
MEETING = "2026-01-22"


def on(day: str) -> str:
    """`--at DAY` as coc reads it: 00:00 of that day in the policy's time zone (UTC)."""
    return f"{day}T00:00:00+00:00"


def reviewed(m: Memory) -> str:
    """conftest.reviewed_case in memory: received, noticed, committee, shared, then reviewed at
    the meeting (00:00 of its day, as `--at DAY` reads it); returns the case id."""
    case = received(m, "frank", "gina", (), RECEIVED, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", RECEIVED, case)
    m.act(committee.form, "alice", RECEIVED, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", RECEIVED, case)
    m.act(reports.review, "alice", on(MEETING), case, date.fromisoformat(MEETING))
    return case


def banned(m: Memory) -> str:
    """casework.banned in memory: the warning proposed at the review, enacted on 2026-01-23, its
    apology refused on 2026-01-26, which escalates it to a 3-month ban that day; returns the ban."""
    case = reviewed(m)
    proposal = m.act(sanctions.propose, "alice", on(MEETING), case, None, None, None, None)
    warning = str(proposal.data["sanction"])
    m.act(sanctions.enact, "alice", on("2026-01-23"), warning, None)
    refusal = m.act(sanctions.apology_record, "alice", on("2026-01-26"), warning, False,
                    ESCALATED_CONDUCT)  # fmt: skip
    return str(refusal.data["sanction"])


def propose(m: Memory, case: str, kind: str, duration: str) -> dict:
    """`coc sanction propose CASE --kind KIND --duration D` with a deviation reason and conduct."""
    outcome = m.act(sanctions.propose, "alice", on(MEETING), case, kind, parse_duration(duration),
                    "Short", "Spam")  # fmt: skip
    return dict(outcome.data)


@pytest.mark.parametrize(("kind", "duration"), [("ban", "12 hours"), ("other", "36 hours")])
def test_a_sanction_proposed_in_hours_is_bad_usage(kind: str, duration: str) -> None:
    m = fresh()
    case = reviewed(m)
    before = m.snap
    whole_days = re.escape(f"--duration {duration}: a sanction lasts whole days")
    with pytest.raises(UsageError, match=f"^{whole_days}"):
        propose(m, case, kind, duration)
    assert m.snap is before


def test_a_ban_of_one_day_is_a_sanction() -> None:
    m = fresh()
    case = reviewed(m)
    assert propose(m, case, "ban", "1 day")["duration"] == "1 day"


def test_an_appeal_cannot_reduce_a_ban_to_hours() -> None:
    m = fresh()
    ban = banned(m)
    m.act(appeals.file, "alice", on("2026-02-01"), ban, "Too long")
    with pytest.raises(
        UsageError, match=re.escape("--reduced-to 48 hours: a sanction lasts whole days")
    ):
        m.act(
            appeals.decide,
            "alice",
            on("2026-02-02"),
            ban,
            "reduced",
            parse_duration("48 hours"),
            [],
        )


def test_a_ladder_rung_in_hours_is_a_schema_error(ledger: LedgerRepo) -> None:
    policy = ledger.read("policy.yaml").replace("duration: 3 months", "duration: 12 hours", 1)
    commit_file(ledger, "policy.yaml", policy)
    problems = validate(ledger, expect=1)
    line = line_of(ledger, "policy.yaml", "duration: 12 hours")
    assert [(p["code"], p["line"]) for p in problems if "whole days" in p["message"]] == [
        ("CL002", line)
    ]
