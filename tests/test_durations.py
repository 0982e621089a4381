"""Durations of the policy and their calendar arithmetic (SPEC §3 Dates)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocledger.core import rules
from cocledger.core.defaults import policy_text
from cocledger.core.durations import LIFETIME, Duration, parse_duration
from cocledger.core.models import Policy
from cocledger.errors import UsageError
from cocledger.store import yamlio


def policy(**changes: object) -> Policy:
    """The policy `coc init` writes (Mautic), with some keys changed."""
    data = yamlio.load_fast(policy_text("Mautic", "alice", "info@example.org"), "policy.yaml")
    return Policy.model_validate({**data, **changes})


MAUTIC = policy()
BERLIN = policy(timezone="Europe/Berlin")

# --- parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("24 hours", 24, "hours"),
        ("7 days", 7, "days"),
        ("3 months", 3, "months"),
        ("1 month", 1, "months"),
        ("1 day", 1, "days"),
        ("12 months", 12, "months"),
        ("  18 Months ", 18, "months"),
    ],
)
def test_a_duration_is_a_number_and_a_unit(text: str, amount: int, unit: str) -> None:
    assert parse_duration(text) == Duration(amount, unit)  # type: ignore[arg-type]


def test_lifetime_has_no_end() -> None:
    assert parse_duration("lifetime") is LIFETIME
    assert LIFETIME.is_lifetime
    assert LIFETIME.add_to_date(date(2026, 1, 1)) is None


@pytest.mark.parametrize("text", ["3 months", "1 month", "7 days", "24 hours", "lifetime"])
def test_a_duration_prints_as_the_policy_writes_it(text: str) -> None:
    assert str(parse_duration(text)) == text


@pytest.mark.parametrize(
    "text",
    ["", "3", "three months", "3 weeks", "-1 days", "3months", "1.5 months", "forever", "٣ days"],
)
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(
        UsageError, match=r"write '<n> hours', '<n> days', '<n> months' or 'lifetime'"
    ):
        parse_duration(text)


def test_a_duration_of_nothing_is_refused() -> None:
    with pytest.raises(UsageError, match="at least 1"):
        parse_duration("0 days")


def test_a_missing_duration_is_refused() -> None:
    with pytest.raises(UsageError, match="missing"):
        parse_duration(None)


# --- calendar months: the SPEC's examples -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "end"),
    [
        (date(2026, 1, 31), "1 month", date(2026, 2, 28)),
        (date(2026, 3, 31), "3 months", date(2026, 6, 30)),
        (date(2028, 2, 29), "12 months", date(2029, 2, 28)),
        (date(2028, 1, 31), "1 month", date(2028, 2, 29)),
        (date(2026, 6, 6), "3 months", date(2026, 9, 6)),
        (date(2026, 12, 15), "18 months", date(2028, 6, 15)),
        (date(2026, 1, 1), "7 days", date(2026, 1, 8)),
        (date(2026, 2, 25), "7 days", date(2026, 3, 4)),
        (date(2026, 1, 1), "24 hours", date(2026, 1, 2)),
    ],
)
def test_adding_to_a_date(start: date, duration: str, end: date) -> None:
    assert parse_duration(duration).add_to_date(start) == end


def test_each_date_is_computed_from_its_own_start_not_by_chaining() -> None:
    """2026-01-31 + 1 month + 1 month would be 03-28; + 2 months is 03-31."""
    assert parse_duration("2 months").add_to_date(date(2026, 1, 31)) == date(2026, 3, 31)
    _, expunges = rules.sanction_dates(MAUTIC, "ban", parse_duration("1 month"), date(2026, 1, 31))
    assert expunges == date(2027, 8, 28)  # ends 2026-02-28, + 18 months from there


# --- calendar months: properties ----------------------------------------------------------------

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
months = st.integers(min_value=1, max_value=240)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@given(starts, months)
def test_n_months_later_is_in_month_start_plus_n(start: date, n: int) -> None:
    end = Duration(n, "months").add_to_date(start)
    assert end is not None
    assert month_index(end) == month_index(start) + n


@given(starts, months)
def test_n_months_later_never_passes_the_months_last_day(start: date, n: int) -> None:
    end = Duration(n, "months").add_to_date(start)
    assert end is not None
    assert end.day <= calendar.monthrange(end.year, end.month)[1]


@given(starts, months)
def test_n_months_later_keeps_the_day_when_that_day_exists(start: date, n: int) -> None:
    end = Duration(n, "months").add_to_date(start)
    assert end is not None
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)


@given(starts, st.sampled_from(["1 month", "3 months", "6 months", "12 months", "30 days"]))
def test_expunge_follows_ends_on_by_exactly_the_retention(start: date, length: str) -> None:
    duration = parse_duration(length)
    ends_on, expunges_on = rules.sanction_dates(MAUTIC, "ban", duration, start)
    assert ends_on == duration.add_to_date(start)
    assert expunges_on == MAUTIC.record_retention_after_ban.add_to_date(ends_on)  # type: ignore[arg-type]
    assert ends_on is not None and expunges_on is not None
    assert month_index(expunges_on) == month_index(ends_on) + 18
    assert expunges_on.day == min(
        ends_on.day, calendar.monthrange(expunges_on.year, expunges_on.month)[1]
    )


@given(starts, st.integers(min_value=1, max_value=3650))
def test_days_are_exact(start: date, n: int) -> None:
    assert Duration(n, "days").add_to_date(start) == start + timedelta(days=n)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from(
            [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
        ),
    ),
    st.integers(min_value=1, max_value=1000),
    st.sampled_from(["hours", "days"]),
)
def test_hours_and_days_on_instants_are_exact_elapsed_time(
    start: datetime, n: int, unit: str
) -> None:
    end = Duration(n, unit).add_to_instant(start)  # type: ignore[arg-type]
    assert end is not None
    span = timedelta(hours=n) if unit == "hours" else timedelta(days=n)
    assert end.astimezone(UTC) - start.astimezone(UTC) == span


# --- instants, DST and time zones ---------------------------------------------------------------


def test_24_hours_across_the_spring_dst_change_is_24_real_hours() -> None:
    """Europe/Berlin moves to summer time on 2026-03-29: 24 hours later reads 13:00 +02:00."""
    received = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN.zone)
    due = rules.council_notice_due(received, BERLIN)
    assert due.isoformat() == "2026-03-29T13:00:00+02:00"
    assert due.astimezone(UTC) - received.astimezone(UTC) == timedelta(hours=24)


def test_24_hours_across_the_autumn_dst_change_is_24_real_hours() -> None:
    received = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN.zone)
    assert rules.council_notice_due(received, BERLIN).isoformat() == "2026-10-25T11:00:00+01:00"


def test_a_date_only_moment_is_midnight_in_the_policy_time_zone() -> None:
    assert rules.start_of_day(date(2026, 3, 29), BERLIN).isoformat() == "2026-03-29T00:00:00+01:00"


def test_an_instant_belongs_to_the_day_of_the_policy_time_zone() -> None:
    late_evening_in_new_york = datetime.fromisoformat("2026-01-10T23:30:00-05:00")
    assert rules.local_date(late_evening_in_new_york, MAUTIC) == date(2026, 1, 11)
    assert rules.local_date(late_evening_in_new_york, policy(timezone="America/New_York")) == date(
        2026, 1, 10
    )


def test_a_date_only_duration_of_hours_counts_whole_days() -> None:
    assert parse_duration("36 hours").add_to_date(date(2026, 1, 1)) == date(2026, 1, 2)
