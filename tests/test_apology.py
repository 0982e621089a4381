"""Proposed sanctions, 1st offence: a refused apology escalates the warning; the ban it escalates to
is published with a public summary the council writes, since a warning is never published."""

from __future__ import annotations

from casework import sanctions, warned
from conftest import LedgerRepo, reviewed_case

RECEIVED = "2026-01-10T09:00:00+00:00"
MEETING, ENACTED, REFUSED = "2026-01-22", "2026-01-23", "2026-01-26"


def test_a_refusal_that_escalates_to_a_ban_needs_its_public_conduct(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, RECEIVED, MEETING, ENACTED)
    head = ledger.head()
    run = ledger.coc("apology", "record", warning, "--refused", "--at", REFUSED, expect=2)
    assert "--conduct is required" in run.stderr and "public summary" in run.stderr
    assert ledger.head() == head and ledger.status() == ""


def test_the_escalated_ban_is_published_with_the_conduct_given(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, RECEIVED, MEETING, ENACTED)
    ban = ledger.coc("apology", "record", warning, "--refused", "--conduct", "Insulted members",
                     "--at", REFUSED, "--json").json["sanction"]  # fmt: skip
    assert sanctions(ledger)[ban]["conduct"] == "Insulted members"
    rows = ledger.coc("publish", "--format", "json", "--at", REFUSED).json
    assert [row["conduct"] for row in rows] == ["Insulted members"]


def test_a_warning_with_its_own_public_conduct_escalates_without_the_flag(
    ledger: LedgerRepo,
) -> None:
    case = reviewed_case(ledger, received=RECEIVED, meeting=MEETING)
    warning = ledger.coc("sanction", "propose", case, "--conduct", "Insults in chat",
                         "--at", MEETING, "--json").json["sanction"]  # fmt: skip
    ledger.coc("sanction", "enact", warning, "--at", ENACTED)
    ban = ledger.coc("apology", "record", warning, "--refused", "--at", REFUSED, "--json").json
    assert sanctions(ledger)[ban["sanction"]]["conduct"] == "Insults in chat"


def test_conduct_with_a_delivered_apology_is_bad_usage(ledger: LedgerRepo) -> None:
    _, warning = warned(ledger, RECEIVED, MEETING, ENACTED)
    run = ledger.coc("apology", "record", warning, "--delivered", "--conduct", "x",
                     "--at", REFUSED, expect=2)  # fmt: skip
    assert "--conduct" in run.stderr
