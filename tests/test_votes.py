"""Proposed sanctions, 5th offence: each council member's vote on a lifetime ban is their own; a
vote given at a meeting may be recorded for them, and the register says who recorded it.

The rules run in memory (tests/memory.py), on the council of tests/conftest.py; one vote runs
through the real CLI and git, to show what the register and the commit say."""

from __future__ import annotations

from datetime import date

import pytest

from cocledger.actions import committee, reports, sanctions
from cocledger.errors import UsageError
from cocledger.store import yamlio
from conftest import LedgerRepo, reviewed_case
from memory import Memory, fresh, received

ROSTER = {"project_lead": "alice", "council": ["alice", "bob", "carol", "dan", "erin"]}
MEETING = "2026-01-22T00:00:00+00:00"  # `--at 2026-01-22`: 00:00 of the day, UTC


@pytest.fixture
def lifetime() -> tuple[Memory, str]:
    """A proposed lifetime ban awaiting the full council's vote (conftest's reviewed_case and
    `coc sanction propose --kind lifetime_ban`, in memory)."""
    m = fresh(roster=ROSTER)
    received_at = "2026-01-10T09:00:00+00:00"
    case = received(m, "frank", "gina", (), received_at, setting="public",
                    categories=("personal-insults",), summary="Insults in chat")  # fmt: skip
    m.act(reports.notify_council, "alice", received_at, case)
    m.act(committee.form, "alice", received_at, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", received_at, case)
    m.act(reports.review, "alice", MEETING, case, date(2026, 1, 22))
    outcome = m.act(sanctions.propose, "alice", MEETING, case, "lifetime_ban", None, "Threats",
                    "Threatened members")  # fmt: skip
    return m, str(outcome.data["sanction"])


def votes(m: Memory, sanction: str) -> list[dict]:
    """The sanction's votes as the register holds them, without times."""
    return [
        vote.model_dump(mode="json", exclude={"at"}, exclude_none=True)
        for vote in m.sanction(sanction).votes
    ]


def test_a_member_votes_for_themself_without_naming_anyone(lifetime: tuple[Memory, str]) -> None:
    m, sanction = lifetime
    outcome = m.act(sanctions.vote, "bob", MEETING, sanction, None, True)
    assert votes(m, sanction) == [{"member": "bob", "vote": "yes"}]
    assert outcome.change is not None and outcome.change.trailers["Coc-Actor"] == "bob"


def test_the_specs_member_flag_naming_yourself_still_works(lifetime: tuple[Memory, str]) -> None:
    m, sanction = lifetime
    m.act(sanctions.vote, "carol", MEETING, sanction, "carol", False)
    assert votes(m, sanction) == [{"member": "carol", "vote": "no"}]


def test_one_member_cannot_cast_another_members_vote(lifetime: tuple[Memory, str]) -> None:
    m, sanction = lifetime
    before = m.snap
    with pytest.raises(UsageError, match="--on-behalf") as refusal:
        m.act(sanctions.vote, "carol", MEETING, sanction, "bob", True)
    assert "\n" not in str(refusal.value)  # one line on stderr
    assert m.snap is before


def test_a_vote_given_at_a_meeting_is_recorded_on_behalf_with_who_recorded_it(
    ledger: LedgerRepo,
) -> None:
    """Through the real CLI and git: what sanctions.yaml and the commit's trailers say."""
    case = reviewed_case(ledger)
    sanction = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "Threats",
        "--conduct", "Threatened members", "--at", "2026-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    ledger.coc("sanction", "vote", sanction, "--member", "bob", "--on-behalf", "--yes",
               "--at", "2026-01-22", actor="carol")  # fmt: skip
    register = yamlio.load_fast(ledger.read("sanctions.yaml"), "sanctions.yaml")["sanctions"]
    entry = next(s for s in register if s["id"] == sanction)
    # YAML 1.2: `yes` is text
    assert [{k: v for k, v in vote.items() if k != "at"} for vote in entry["votes"]] == [
        {"member": "bob", "vote": "yes", "recorded_by": "carol"}
    ]
    assert ledger.trailers()["Coc-Actor"] == "carol"


def test_on_behalf_of_no_one_is_bad_usage(lifetime: tuple[Memory, str]) -> None:
    """The action refuses it, so a caller of the action cannot record a vote for no one."""
    m, ban = lifetime
    with pytest.raises(UsageError, match="--on-behalf needs --member"):
        m.act(sanctions.vote, "bob", MEETING, ban, None, True, True)
