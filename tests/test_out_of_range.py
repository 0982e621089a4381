"""Issue 14.2: values at the ends of the calendar and of integers are a message, never a crash
(OverflowError): `--at` in year 10000 somewhere on Earth, `log -n` past SQLite's integers, a
date in year 9999 in a file."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework import commit_file
from cocledger.core.fields import YEARS, in_years
from conftest import LedgerRepo, clone, new_report


@pytest.fixture
def repo(ledger_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(ledger_template, tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1899-12-31"]
)
@pytest.mark.parametrize("command", [("due",), ("case", "list"), ("stats",), ("publish",)])
def test_a_moment_off_the_calendar_is_refused_by_its_flag(
    repo: LedgerRepo, command: tuple[str, ...], at: str
) -> None:
    refused = repo.coc(*command, "--at", at, expect=2)
    assert (
        refused.stderr
        == f"coc: error: --at '{at}': out of range; give a moment between 1900 and 2999\n"
    )


def test_a_day_flag_off_the_calendar_is_refused(repo: LedgerRepo) -> None:
    refused = repo.coc("meeting", "add", "9999-12-31", expect=2)
    assert "out of range" in refused.stderr and "Traceback" not in refused.stderr


def test_log_count_past_any_integer_is_a_usage_error(repo: LedgerRepo) -> None:
    refused = repo.coc("log", "-n", "99999999999999999999", expect=2)
    assert "--max-count" in refused.stderr


def test_a_year_9999_date_in_a_case_file_names_the_file_and_line(repo: LedgerRepo) -> None:
    case = new_report(repo, "2026-03-02T10:00:00+00:00")
    relpath = f"cases/2026/{case}.yaml"
    text = re.sub(r"received_at: .*", "received_at: 9999-12-31T23:00:00-12:00", repo.read(relpath))
    commit_file(repo, relpath, text)
    line = text.splitlines().index("received_at: 9999-12-31T23:00:00-12:00") + 1
    for command in (("case", "list"), ("case", "show", case), ("stats",), ("due",)):
        refused = repo.coc(*command, expect=2)
        assert refused.stderr.startswith(f"coc: error: {relpath}:{line}: received_at: "), command
        assert "out of range" in refused.stderr
    found = repo.coc("validate", "--format", "json", expect=1).json["problems"]
    assert [(p["code"], p["file"], p["line"]) for p in found] == [("CL002", relpath, line)]


def _in_years_in_utc(value: date) -> bool:
    """The definition: the year in UTC (an instant), or the day's own year."""
    try:
        year = value.astimezone(UTC).year if isinstance(value, datetime) else value.year
    except OverflowError:
        return False
    return YEARS[0] <= year <= YEARS[1]


@given(
    st.one_of(
        st.dates(),
        st.datetimes(
            timezones=st.builds(
                timezone, st.timedeltas(timedelta(hours=-23, minutes=-59), timedelta(hours=23))
            )
        ),
    )
)
def test_the_quick_year_test_agrees_with_utc(value: date) -> None:
    """`in_years` skips the conversion to UTC for a year well inside YEARS (an offset moves an
    instant by less than a day): it must say what the conversion says, at the ends too."""
    assert in_years(value) is _in_years_in_utc(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),  # 1899 in UTC
        datetime(2999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))),  # 3000 in UTC
        datetime(1901, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
        date(1900, 1, 1),
        date(2999, 12, 31),
    ],
)
def test_the_ends_of_the_years_are_converted(value: date) -> None:
    assert in_years(value) is _in_years_in_utc(value)
