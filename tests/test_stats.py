"""`coc stats`: an anonymised transparency report whose small counts cannot be recovered."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocledger.core.transparency import shown, shown_group
from conftest import SETUP_DAY, LedgerRepo, build_ledger, built_once, clone, reviewed_case, shared
from test_publish import enact_ban, enact_warning

PERIOD = ("--from", "2026-01-01", "--to", "2026-12-31", "--at", "2026-10-01")


@pytest.fixture(scope="module")
@shared
def year_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four reports received on 2026-01-10: three end in a warning, one (jo's) in a ban."""
    with built_once(tmp_path_factory, "year") as root:
        repo = build_ledger(root)
        repo.coc("person", "add", "jo", "--name", "Jo Example", "--at", SETUP_DAY)
        for person in ("frank", "hank", "ivy"):
            enact_warning(repo, person)
        enact_ban(repo, "jo")
    return root


@pytest.fixture
def year(year_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(year_template, tmp_path, monkeypatch)


def report(repo: LedgerRepo, *args: str) -> dict:
    return repo.coc("stats", *PERIOD, *args, "--json").json


def row(rows: list[dict], key: str, value: object) -> dict:
    return next(r for r in rows if r[key] == value)


# --- the suppression rule ------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, "<3"), (2, "<3"), (3, 3), (40, 40)])
def test_counts_from_one_to_two_are_shown_as_fewer_than_three(count: int, expected: object) -> None:
    assert shown(count, 3) == expected


def test_a_total_with_a_hidden_part_is_only_a_lower_bound() -> None:
    cells, total = shown_group({"warning": 5, "ban": 1, "lifetime_ban": 0}, 3)
    assert (cells, total) == ({"warning": 5, "ban": "<3", "lifetime_ban": 0}, "6+")


def test_a_total_below_the_threshold_hides_every_part_even_zeros() -> None:
    cells, total = shown_group({"warning": 1, "ban": 1, "other": 0}, 3)
    assert (cells, total) == ({"warning": "<3", "ban": "<3", "other": "<3"}, "<3")


def _consistent(cells: dict, total: object, threshold: int) -> list[dict]:
    """Every assignment of the hidden cells a reader who knows the rule could not rule out."""
    small = f"<{threshold}"
    hidden = [k for k, v in cells.items() if v == small]
    visible = sum(v for v in cells.values() if isinstance(v, int))
    lowest = 0 if total == small else 1  # zeros are hidden only when the total is small
    found = []
    for values in itertools.product(range(lowest, threshold), repeat=len(hidden)):
        whole = visible + sum(values)
        if total == small and not 0 < whole < threshold:
            continue
        if isinstance(total, str) and total.endswith("+") and whole < int(total[:-1]):
            continue
        if isinstance(total, int) and whole != total:
            continue
        found.append(dict(zip(hidden, values, strict=True)))
    return found


@given(
    st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=5),
    st.integers(min_value=3, max_value=5),
)
def test_no_hidden_count_can_be_worked_out_from_its_group(parts: list[int], threshold: int) -> None:
    counts = {f"row{i}": n for i, n in enumerate(parts)}
    cells, total = shown_group(counts, threshold)
    truth = {k: n for k, n in counts.items() if cells[k] == f"<{threshold}"}
    worlds = _consistent(cells, total, threshold)
    assert truth in worlds
    for key in truth:
        assert len({world[key] for world in worlds}) >= 2, (counts, cells, total)


# --- the report of a ledger ------------------------------------------------------------------------


def test_stats_suppress_a_single_ban_and_the_totals_that_would_reveal_it(year: LedgerRepo) -> None:
    data = report(year)
    assert row(data["outcomes"], "outcome", "ban")["reports"] == "<3"
    assert row(data["outcomes"], "outcome", "warning")["reports"] == 3
    assert data["reports_received"] == "4+"
    assert data["sanctions_enacted"] == "4+"


def test_stats_never_print_an_exact_small_count(year: LedgerRepo) -> None:
    data = report(year)
    counts = [r["reports"] for r in data["outcomes"] + data["by_category"]]
    counts += [r["sanctions"] for r in data["sanctions_by_rung"]]
    counts += [r["appeals"] for r in data["appeal_outcomes"]]
    assert [c for c in counts if c in (1, 2)] == []


def test_stats_count_reports_by_code_of_conduct_category(year: LedgerRepo) -> None:
    data = report(year)
    assert row(data["by_category"], "category", "personal-insults")["reports"] == 4
    assert row(data["by_category"], "category", "doxing")["reports"] == 0


def test_stats_count_sanctions_by_rung_with_one_row_off_the_ladder(year: LedgerRepo) -> None:
    rungs = report(year)["sanctions_by_rung"]
    assert [r["label"] for r in rungs] == [
        "1st offence: warning",
        "2nd offence: ban",
        "3rd offence: ban",
        "4th offence: ban",
        "5th offence: lifetime ban",
        "other than the ladder's sanction for the offence",
    ]
    assert [r["sanctions"] for r in rungs] == [3, 0, 0, 0, 0, "<3"]


def test_stats_give_the_median_days_from_receipt_to_decision(year: LedgerRepo) -> None:
    assert report(year)["median_days_to_decision"] == 13


def test_stats_give_the_share_of_deadlines_met(year: LedgerRepo) -> None:
    shares = {r["deadline"]: r["percent"] for r in report(year)["deadlines_met"]}
    # Notified at receipt; no response came; no apology was recorded for the three warnings.
    assert shares == {"council_notice": 100, "respondent_response": 0, "apology": 0}


def test_stats_of_a_period_without_reports_are_zero(year: LedgerRepo) -> None:
    data = year.coc("stats", "--from", "2026-02-01", "--to", "2026-03-01", "--json").json
    assert (data["reports_received"], data["median_days_to_decision"]) == (0, "suppressed")


def test_stats_of_one_report_hide_everything_about_it(ledger: LedgerRepo) -> None:
    reviewed_case(ledger)
    data = report(ledger)
    assert data["reports_received"] == "<3"
    assert {r["reports"] for r in data["outcomes"]} == {"<3"}
    assert {r["percent"] for r in data["deadlines_met"]} == {"suppressed"}


def test_stats_follow_the_threshold_set_in_the_policy(year: LedgerRepo) -> None:
    policy = year.read("policy.yaml").replace("suppress_below: 3", "suppress_below: 5")
    (year.root / "policy.yaml").write_text(policy)
    data = report(year)
    assert row(data["outcomes"], "outcome", "warning")["reports"] == "<5"
    assert data["reports_received"] == "<5"


def test_stats_in_markdown_for_a_blog_post(year: LedgerRepo) -> None:
    text = year.coc("stats", *PERIOD, "--format", "md").stdout
    assert text.startswith("# Code of Conduct transparency report: Mautic\n")
    assert "| timed ban | \\<3 |" in text
    assert "| **reports received** | **4\\+** |" in text


def test_stats_in_the_terminal_draw_bars_but_none_for_a_hidden_count(year: LedgerRepo) -> None:
    text = year.coc("stats", *PERIOD).stdout
    assert "Reports received: 4+" in text
    [ban_line] = [line for line in text.splitlines() if "timed ban" in line]
    assert "<3" in ban_line and "█" not in ban_line
    [warning_line] = [line for line in text.splitlines() if line.strip().startswith("warning")]
    assert "█" in warning_line


def test_stats_refuse_a_period_that_ends_before_it_starts(year: LedgerRepo) -> None:
    run = year.coc("stats", "--from", "2026-05-01", "--to", "2026-04-01", expect=2)
    assert "--from" in run.stderr


def test_stats_json_is_plain_json(year: LedgerRepo) -> None:
    text = year.coc("stats", *PERIOD, "--format", "json").stdout
    assert json.loads(text)["suppress_below"] == 3


def test_stats_count_an_overturned_ban_as_an_appeal_and_an_outcome(year: LedgerRepo) -> None:
    year.coc("appeal", "file", "S-2026-0004", "--reason", "Too harsh", "--at", "2026-02-01")
    year.coc("appeal", "decide", "S-2026-0004", "--overturned", "--at", "2026-03-01")
    data = report(year)
    assert row(data["outcomes"], "outcome", "overturned")["reports"] == "<3"
    assert row(data["outcomes"], "outcome", "ban")["reports"] == 0
    assert data["appeals_filed"] == "<3"
    assert {r["appeals"] for r in data["appeal_outcomes"]} == {"<3"}
