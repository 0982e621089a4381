"""Proposed sanctions, 5th offence: each council member's vote on a lifetime ban is their own; a
vote given at a meeting may be recorded for them, and the register says who recorded it."""

from __future__ import annotations

import pytest

from cocledger.store import yamlio
from conftest import LedgerRepo, reviewed_case


@pytest.fixture
def lifetime(ledger: LedgerRepo) -> tuple[LedgerRepo, str]:
    """A proposed lifetime ban awaiting the full council's vote."""
    case = reviewed_case(ledger)
    sanction = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "Threats",
        "--conduct", "Threatened members", "--at", "2026-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    return ledger, sanction


def votes(repo: LedgerRepo, sanction: str) -> list[dict]:
    """The sanction's votes as the ledger reads them (YAML 1.2: `yes` is text), without times."""
    register = yamlio.load_fast(repo.read("sanctions.yaml"), "sanctions.yaml")["sanctions"]
    entry = next(s for s in register if s["id"] == sanction)
    return [{k: v for k, v in vote.items() if k != "at"} for vote in entry["votes"]]


def test_a_member_votes_for_themself_without_naming_anyone(
    lifetime: tuple[LedgerRepo, str],
) -> None:
    ledger, sanction = lifetime
    ledger.coc("sanction", "vote", sanction, "--yes", "--at", "2026-01-22", actor="bob")
    assert votes(ledger, sanction) == [{"member": "bob", "vote": "yes"}]
    assert ledger.trailers()["Coc-Actor"] == "bob"


def test_the_specs_member_flag_naming_yourself_still_works(
    lifetime: tuple[LedgerRepo, str],
) -> None:
    ledger, sanction = lifetime
    ledger.coc("sanction", "vote", sanction, "--member", "carol", "--no", "--at", "2026-01-22",
               actor="carol")  # fmt: skip
    assert votes(ledger, sanction) == [{"member": "carol", "vote": "no"}]


def test_one_member_cannot_cast_another_members_vote(lifetime: tuple[LedgerRepo, str]) -> None:
    ledger, sanction = lifetime
    head = ledger.head()
    run = ledger.coc("sanction", "vote", sanction, "--member", "bob", "--yes",
                     "--at", "2026-01-22", actor="carol", expect=2)  # fmt: skip
    assert "--on-behalf" in run.stderr and run.stderr.count("\n") == 1
    assert ledger.head() == head and ledger.status() == ""


def test_a_vote_given_at_a_meeting_is_recorded_on_behalf_with_who_recorded_it(
    lifetime: tuple[LedgerRepo, str],
) -> None:
    ledger, sanction = lifetime
    ledger.coc("sanction", "vote", sanction, "--member", "bob", "--on-behalf", "--yes",
               "--at", "2026-01-22", actor="carol")  # fmt: skip
    assert votes(ledger, sanction) == [{"member": "bob", "vote": "yes", "recorded_by": "carol"}]
    assert ledger.trailers()["Coc-Actor"] == "carol"


def test_on_behalf_of_no_one_is_bad_usage(lifetime: tuple[LedgerRepo, str]) -> None:
    ledger, sanction = lifetime
    run = ledger.coc("sanction", "vote", sanction, "--on-behalf", "--yes", expect=2)
    assert "--on-behalf needs --member" in run.stderr
