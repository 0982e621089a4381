"""One wording for dates, offences and sanctions: the published page and the notices say a ban
exactly as the policy's own Active sanctions table does."""

from __future__ import annotations

from datetime import date

import pytest

from cocledger.core.models import Sanction
from cocledger.core.wording import long_date, ordinal, sanction_text
from conftest import COUNCIL, LedgerRepo, reviewed_case


def test_a_long_date_is_written_the_policys_way_whatever_the_locale() -> None:
    assert long_date(date(2023, 6, 6)) == "June 6, 2023"
    assert long_date(date(2026, 12, 31)) == "December 31, 2026"


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th"), (113, "113th")],
)  # fmt: skip
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def ban(**fields: object) -> Sanction:
    base = {"id": "S-2023-0001", "case": "COC-2023-0001", "person": "frank", "offence": 2,
            "status": "enacted", "status_on": "2023-06-06", "decided_on": "2023-06-06"}  # fmt: skip
    return Sanction.model_validate(base | fields)


def test_a_timed_ban_in_the_policys_words() -> None:
    three_months = ban(kind="ban", duration="3 months", starts_on="2023-06-06",
                       ends_on="2023-09-06", enacted_on="2023-06-06")  # fmt: skip
    assert sanction_text(three_months) == "3 month ban from June 6, 2023 until September 6, 2023"


def test_a_lifetime_ban_in_the_policys_words() -> None:
    permanent = ban(kind="lifetime_ban", starts_on="2023-06-06", enacted_on="2023-06-06")
    assert sanction_text(permanent) == "Permanent ban enacted June 6, 2023"
    later = ban(kind="lifetime_ban", starts_on="2023-07-01", enacted_on="2023-06-06")
    assert sanction_text(later) == "Permanent ban enacted June 6, 2023, in force from July 1, 2023"


def test_the_notice_and_the_published_page_word_a_ban_identically(ledger: LedgerRepo) -> None:
    """A lifetime ban enacted on one day and in force from a later one."""
    case = reviewed_case(ledger)
    sanction = ledger.coc(
        "sanction", "propose", case, "--kind", "lifetime_ban", "--deviation-reason", "Threats",
        "--conduct", "Threatened members", "--at", "2026-01-22", "--json",
    ).json["sanction"]  # fmt: skip
    for member in ["alice", *COUNCIL]:
        ledger.coc("sanction", "vote", sanction, "--yes", "--at", "2026-01-22", actor=member)
    ledger.coc("sanction", "enact", sanction, "--starts-on", "2026-02-01", "--at", "2026-01-23")
    published = ledger.coc("publish", "--format", "json", "--at", "2026-02-01").json
    wording = "Permanent ban enacted January 23, 2026, in force from February 1, 2026"
    assert [row["sanction"] for row in published] == [wording]
    draft = ledger.coc("notify", case, "--party", "offender", "--draft", "--at", "2026-01-23")
    assert wording in draft.stdout
