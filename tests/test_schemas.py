"""Issue 13.7: the JSON Schemas `coc schema` writes (for editors) say what `coc validate` says. A
time zone is one of the names the model accepts, an e-mail address and a duration match the
one pattern the model uses. Checked with the `jsonschema` package, with ECMA 262 regular
expressions (`regress`, as check-jsonschema and editors read them); both come with the test
extra."""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cocledger.core import zones
from cocledger.core.durations import DURATION_PATTERN, parse_written
from cocledger.core.fields import EMAIL_PATTERN
from cocledger.core.models import PeopleFile, Policy
from cocledger.core.schemas import schema_of
from cocledger.errors import UsageError
from cocledger.store import yamlio
from conftest import LedgerRepo

SAMPLE = Path(__file__).resolve().parents[1]


@cache
def _regex(pattern: str) -> Any:
    return regress.Regex(pattern)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """JSON Schema's `pattern` as the specification reads it (ECMA 262): Python's `re.search`,
    which jsonschema uses, lets `$` match before a final newline."""
    if validator.is_type(instance, "string") and _regex(pattern).find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}
)


@cache
def validator(kind: str) -> Any:
    schema = schema_of(kind)
    Validator.check_schema(schema)
    return Validator(schema)


def as_editors_see_it(value: Any) -> Any:
    """YAML values as JSON: an unquoted date is text to a JSON Schema."""
    if isinstance(value, dict):
        return {k: as_editors_see_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editors_see_it(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def sample(file: str) -> dict[str, Any]:
    data = yamlio.load_fast((SAMPLE / file).read_text(encoding="utf-8"), file)
    assert isinstance(data, dict)
    return data


POLICY = sample("policy.yaml")
PEOPLE = sample("people.yaml")


def schema_accepts(kind: str, data: dict[str, Any]) -> bool:
    return bool(validator(kind).is_valid(as_editors_see_it(data)))


def model_accepts(model: type[Policy] | type[PeopleFile], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


def policy_with(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(POLICY), **changes}


def people_with_email(email: str) -> dict[str, Any]:
    data = copy.deepcopy(PEOPLE)
    data["people"][1]["email"] = email
    return data


def test_the_sample_ledger_passes_both() -> None:
    assert schema_accepts("policy", POLICY) and model_accepts(Policy, POLICY)
    assert schema_accepts("people", PEOPLE) and model_accepts(PeopleFile, PEOPLE)


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({"timezone": "Mars/Olympus"}, False),
        ({"timezone": "America"}, False),  # a folder of the zone database, not a zone
        ({"timezone": "../../etc/passwd"}, False),
        ({"timezone": ""}, False),
        ({"timezone": "utc"}, False),
        ({"timezone": "Europe/Berlin"}, True),
        ({"timezone": "UTC"}, True),
        ({"record_retention_after_ban": "18 Months"}, False),
        ({"record_retention_after_ban": " 18 months"}, False),
        ({"record_retention_after_ban": "18  months"}, False),
        ({"record_retention_after_ban": "18 months\n"}, False),
        ({"record_retention_after_ban": "0 months"}, False),
        ({"record_retention_after_ban": "018 months"}, False),
        ({"record_retention_after_ban": "18 months"}, True),
        ({"record_retention_after_ban": "1 month"}, True),
        ({"record_retention_after_ban": "lifetime"}, True),
        ({"contact": "not-an-email"}, False),
        ({"contact": "conduct@example.org"}, True),
    ],
)
def test_the_policy_schema_and_the_model_agree(changes: dict[str, Any], ok: bool) -> None:
    data = policy_with(**changes)
    assert (schema_accepts("policy", data), model_accepts(Policy, data)) == (ok, ok)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("not-an-email", False),
        ("frank@localhost", False),
        ("frank @example.org", False),
        ("frank\ufeff@example.org", False),  # white space to JSON Schema's regex
        ("frank\x85@example.org", False),  # white space to pydantic's regex
        ("frank@example.org", True),
        ("frank.example+coc@mail.example.org", True),
    ],
)
def test_the_people_schema_and_the_model_agree_on_email(email: str, ok: bool) -> None:
    data = people_with_email(email)
    assert (schema_accepts("people", data), model_accepts(PeopleFile, data)) == (ok, ok)


def test_the_schema_lists_exactly_the_time_zones_the_model_accepts() -> None:
    listed = schema_of("policy")["properties"]["timezone"]["enum"]
    assert listed == sorted(zones.names())
    assert {"UTC", "Europe/Berlin", "America/New_York"} <= set(listed)
    assert "America" not in listed and "localtime" not in listed


def test_the_schemas_use_the_parsers_own_duration_pattern() -> None:
    text = "".join(json.dumps(schema_of(kind)) for kind in ("policy", "sanctions", "case"))
    assert json.dumps(DURATION_PATTERN) in text
    assert "[0-9]{1,4} (hour" not in text  # the old pattern, which accepted '0 days'


# --- the same answer for any text -------------------------------------------------------------------

DIGITS = st.text("0123456789", min_size=0, max_size=6)
UNITS = st.sampled_from(["hour", "hours", "day", "days", "month", "months", "week", "lifetime"])
SPACES = st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0"])
CASED = st.sampled_from([str.lower, str.upper, str.title])
DURATIONS = st.one_of(
    st.builds(
        lambda a, b, n, c, u, d: f"{a}{n}{b}{c(u)}{d}", SPACES, SPACES, DIGITS, CASED, UNITS, SPACES
    ),
    st.text(max_size=20),
)


def _parses(text: str) -> bool:
    try:
        parse_written(text)
    except UsageError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(DURATIONS)
def test_a_duration_matches_the_schema_exactly_when_validate_accepts_it(text: str) -> None:
    schema = _regex(DURATION_PATTERN).find(text) is not None
    assert schema == _parses(text), text
    data = policy_with(record_retention_after_ban=text)
    assert schema_accepts("policy", data) == model_accepts(Policy, data) == schema


EMAILS = st.builds(
    lambda a, b, c: f"{a}@{b}.{c}",
    st.text(min_size=0, max_size=6),
    st.text(min_size=0, max_size=6),
    st.text(min_size=0, max_size=4),
) | st.text(max_size=16)


@settings(max_examples=200, deadline=None)
@given(EMAILS)
def test_an_email_matches_the_schema_exactly_when_validate_accepts_it(email: str) -> None:
    data = people_with_email(email)
    assert schema_accepts("people", data) == model_accepts(PeopleFile, data)
    assert (_regex(EMAIL_PATTERN).find(email) is not None) == model_accepts(PeopleFile, data)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(zones.names())) | st.text(max_size=30))
def test_a_time_zone_is_in_the_schema_exactly_when_validate_accepts_it(zone: str) -> None:
    data = policy_with(timezone=zone)
    assert schema_accepts("policy", data) == model_accepts(Policy, data)


# --- validate itself ---------------------------------------------------------------------------------


def test_validate_reports_what_the_schema_flags(ledger: LedgerRepo) -> None:
    policy = ledger.read("policy.yaml")
    policy = policy.replace("timezone: UTC", "timezone: Mars/Olympus")
    policy = policy.replace(
        "record_retention_after_ban: 18 months", "record_retention_after_ban: 18 Months"
    )
    (ledger.root / "policy.yaml").write_text(policy, encoding="utf-8")
    people = ledger.read("people.yaml").replace("email: frank@example.org", "email: not-an-email")
    (ledger.root / "people.yaml").write_text(people, encoding="utf-8")
    problems = ledger.coc("validate", "--format", "json", expect=1).json["problems"]
    found = {(p["file"], p["code"], p["message"].split(":")[0]) for p in problems}
    assert {
        ("policy.yaml", "CL002", "timezone"),
        ("policy.yaml", "CL002", "record_retention_after_ban"),
        ("people.yaml", "CL002", "people.5.email"),
    } <= found
    [retention] = [p for p in problems if p["message"].startswith("record_retention_after_ban")]
    assert "write '18 months'" in retention["message"]
    lines = policy.splitlines()
    assert lines[retention["line"] - 1].startswith("record_retention_after_ban: 18 Months")
