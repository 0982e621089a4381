"""The ledger's YAML: the fast YAML 1.2 reader and ruamel (the writer) read every value alike."""

from __future__ import annotations

import json
import math
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocledger.errors import InputError
from cocledger.store import yamlio, yamlwrite
from cocledger.store.atomic import write_atomic
from conftest import LedgerRepo, shared


def plain(value: Any) -> Any:
    """A loaded value with its type spelled out (True == 1 in Python; ruamel's types subclass)."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else float(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, str):
        return ("str", str(value))
    raise AssertionError(f"unexpected type {type(value).__name__}: {value!r}")


def both(text: str) -> tuple[Any, Any]:
    return plain(yamlio.load_fast(text, "x.yaml")), plain(yamlwrite.load_roundtrip(text))


# --- hand-written values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("no", ("str", "no")),  # YAML 1.1 would read false
        ("on", ("str", "on")),
        ("yes", ("str", "yes")),
        ("true", ("bool", True)),
        ("False", ("bool", False)),
        ("0123", ("int", 123)),  # YAML 1.1 would read octal 83
        ("0o17", ("int", 15)),
        ("0x1F", ("int", 31)),
        ("1:20", ("str", "1:20")),  # YAML 1.1 would read sexagesimal 80
        ("1_000", ("int", 1000)),
        ("1e3", ("float", 1000.0)),
        ("~", None),
        ("null", None),
        ("", None),
        ("2026-12-03", ("date", "2026-12-03")),
        ("'2026-12-03'", ("str", "2026-12-03")),
        ('"2026-12-03"', ("str", "2026-12-03")),
        ("2026-12-03T10:00:00+01:00", ("datetime", "2026-12-03T10:00:00+01:00")),
        ("2026-12-03T10:00:00Z", ("datetime", "2026-12-03T10:00:00+00:00")),
        ("2026-12-3", ("str", "2026-12-3")),
        ("3 months", ("str", "3 months")),
    ],
)
def test_both_readers_agree_on_a_tricky_value(scalar: str, value: Any) -> None:
    fast, roundtrip = both(f"key: {scalar}\n")
    assert fast == roundtrip == {("str", "key"): value}


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "people:\n  - id: frank\n    name: F\n    name: G\n",
    ],
)
def test_both_readers_refuse_a_duplicate_key(text: str) -> None:
    with pytest.raises(InputError, match="duplicate key"):
        yamlio.load_fast(text, "x.yaml")
    with pytest.raises(Exception, match="duplicate key"):
        yamlwrite.load_roundtrip(text)


def test_a_duplicate_key_is_reported_on_its_line() -> None:
    with pytest.raises(InputError) as refused:
        yamlio.load_fast("a: 1\nb: 2\na: 3\n", "people.yaml")
    assert (refused.value.file, refused.value.line) == ("people.yaml", 3)


def test_keys_merged_in_may_be_overridden_as_ruamel_does() -> None:
    fast, roundtrip = both("x:\n  <<: {a: 1, c: 3}\n  a: 2\n")  # no alias: see test_yaml_errors
    assert fast == roundtrip
    assert fast[("str", "x")] == {("str", "a"): ("int", 2), ("str", "c"): ("int", 3)}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("ok: 1\nstarts_on: 2026-13-01\n", 2),  # a date that does not exist
        ("ok: 1\n\nstarts_on: 2026-02-30\n", 3),
        ("offence: 0b_\n", 1),
        ("? [a, b]\n: 1\n", 1),  # a key that is a list
    ],
)
def test_a_value_that_is_not_one_is_an_input_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(InputError) as refused:
        yamlio.load_fast(text, "sanctions.yaml")
    assert refused.value.line == line
    assert refused.value.exit_code == 2


def test_tags_that_construct_objects_are_refused() -> None:
    with pytest.raises(InputError):
        yamlio.load_fast("a: !!python/object/apply:os.system [echo hi]\n", "x.yaml")


# --- what the tool writes -------------------------------------------------------------------------

TRICKY_SUMMARY = (
    "\tTab-led first line of a pasted chat log\n"
    "no\n"
    "2026-12-03\n"
    "key: value # not a comment\n"
    "  indented line with trailing spaces   \n"
    "form feed \x0c and a NEL \x85 and an escape \x1b[0m"
)


@pytest.fixture(scope="module")
@shared
def written(tmp_path_factory: pytest.TempPathFactory) -> LedgerRepo:
    """A ledger taken through the process by the CLI, with awkward values in every file."""
    from conftest import build_ledger, built_once

    with built_once(tmp_path_factory, "written") as root:
        repo = build_ledger(root)
        repo.coc(
            "person", "add", "yes", "--name", "0123", "--handle", "github:on", "--at", "2026-01-02"
        )
        summary = root.parent / "summary.txt"
        summary.write_text(TRICKY_SUMMARY, encoding="utf-8")
        repo.coc("meeting", "add", "2026-01-22", "--at", "2026-01-02")
        case = repo.coc(
            "report",
            "new",
            "--respondent",
            "frank",
            "--reporter",
            "gina",
            "--witness",
            "hank",
            "--summary-file",
            str(summary),
            "--at",
            "2026-01-10T09:00:00-05:00",
            "--json",
        ).json["case"]
        repo.coc("report", "notify-council", case, "--at", "2026-01-10T17:00:00+01:00")
        members = ("--member", "bob", "--member", "carol", "--member", "dan")
        repo.coc("committee", "form", case, *members, "--at", "2026-01-11")
        repo.coc("report", "share", case, "--at", "2026-01-11")
        repo.coc("report", "respond", case, "--file", str(summary), "--at", "2026-01-12")
        repo.coc("report", "review", case, "--meeting", "2026-01-22", "--at", "2026-01-22")
        warning = repo.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
        repo.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
        repo.coc(
            "apology", "record", warning["sanction"], "--refused", "--conduct", "Repeated insults",
            "--at", "2026-01-31",
        )  # fmt: skip
        repo.coc("meeting", "add", "2026-02-05", "--extraordinary", "--at", "2026-01-31")
        repo.coc("council", "remove", "erin", "--at", "2026-01-31")
    return repo


def tracked_yaml(repo: LedgerRepo) -> list[str]:
    files = subprocess.run(
        ["git", "ls-files", "*.yaml"], cwd=repo.root, capture_output=True, text=True, check=True
    ).stdout.split()
    assert {"policy.yaml", "people.yaml", "sanctions.yaml"} <= set(files)
    assert any(f.startswith("cases/") for f in files)
    return files


def test_both_readers_agree_on_every_file_the_tool_writes(written: LedgerRepo) -> None:
    for relpath in tracked_yaml(written):
        fast, roundtrip = both(written.read(relpath))
        assert fast == roundtrip, relpath


def test_text_is_written_back_exactly_as_given(written: LedgerRepo) -> None:
    case_file = next(f for f in tracked_yaml(written) if f.startswith("cases/"))
    data = yamlio.load_fast(written.read(case_file), case_file)
    assert data["summary"] == TRICKY_SUMMARY
    people = yamlio.load_fast(written.read("people.yaml"), "people.yaml")["people"]
    assert {"id": "yes", "name": "0123", "handles": {"github": "on"}} in people


def test_policy_comments_survive_the_tool_rewriting_it(written: LedgerRepo) -> None:
    text = written.read("policy.yaml")
    assert "# after receipt" in text
    assert "# End of ban: then the levels reset to the 1st offence" in text
    assert "erin" not in yamlio.load_fast(text, "policy.yaml")["roster"]["council"]


pieces = st.sampled_from(
    [*" \t\n\r\x85\u2028\x00\x0c\ufeffab:#-|>'\"!&*?{}[],%@`~0123.eE+_", "no", "2026-12-03", "\n\n"]
)
texts = st.lists(pieces, max_size=10).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts)
def test_any_text_the_tool_writes_reads_back_the_same(text: str, previous: str) -> None:
    data = {"summary": text, "timeline": [{"note": text}]}
    for before in (None, yamlwrite.dump({"summary": previous, "timeline": [{"note": previous}]})):
        out = yamlwrite.dump(data, before)
        assert yamlio.load_fast(out, "x.yaml") == data
        assert plain(yamlwrite.load_roundtrip(out)) == plain(data)


# --- dump and write_atomic ----------------------------------------------------------------------


def test_dump_keeps_the_comments_of_the_previous_text() -> None:
    previous = (
        "# The register\n"
        "sanctions:   # oldest first\n"
        "  - id: S-2026-0001  # the first one\n"
        "    kind: warning\n"
    )
    data = {
        "sanctions": [
            {"id": "S-2026-0001", "kind": "warning", "status": "escalated"},
            {"id": "S-2026-0002", "kind": "ban"},
        ]
    }
    out = yamlwrite.dump(data, previous)
    for comment in ("# The register", "# oldest first", "# the first one"):
        assert comment in out
    assert yamlio.load_fast(out, "sanctions.yaml") == data


def test_dump_of_dates_as_text_stays_text() -> None:
    data = {"starts_on": "2026-12-03", "offence": 1, "apology": "no", "zero": "0123"}
    assert yamlio.load_fast(yamlwrite.dump(data), "x.yaml") == data


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "cases" / "2026" / "COC-2026-0001.yaml"
    write_atomic(target, "id: COC-2026-0001\n")
    write_atomic(target, "id: COC-2026-0001\nstatus: open\n")
    assert target.read_text() == "id: COC-2026-0001\nstatus: open\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_write_atomic_that_fails_keeps_the_old_text_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "people.yaml"
    target.write_text("people: []\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "people: [\udcff]\n")  # a lone surrogate cannot be written
    assert target.read_text() == "people: []\n"
    assert [p.name for p in tmp_path.iterdir()] == ["people.yaml"]


def test_locate_finds_the_line_of_a_nested_key() -> None:
    text = (
        "sanctions:\n  - id: S-2026-0001\n    kind: warning\n  - id: S-2026-0002\n    kind: ban\n"
    )
    assert yamlio.locate(text, ("sanctions", 1, "kind")) == (5, 5)
    assert yamlio.locate("not: [valid", ("not",)) == (1, 1)


def test_a_file_with_many_problems_is_parsed_for_positions_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cocledger.core.models import PeopleFile
    from cocledger.store.loader import parse_file

    text = "people:\n" + "".join(f"  - id: Bad{i}\n    name: Member {i}\n" for i in range(200))
    calls: list[str] = []
    real = yamlio.compose_fast
    monkeypatch.setattr(yamlio, "compose_fast", lambda t: calls.append(t) or real(t))
    parsed, problems = parse_file(text, "people.yaml", PeopleFile)
    assert parsed is None and len(problems) == 200
    assert [(p.line, p.col) for p in problems[:2]] == [(2, 5), (4, 5)]  # each entry's id key
    assert len(calls) == 1


YAML11_TRAPS = ["no", "Yes", "ON", "off", "y", "N", "1:20", "0123", "0x1F", "1_000", "0b101",
                "1e3", ".5", "+1", "~", "null", "NULL", "2026-01-02", "=", "<<", ".inf", "-.NaN",
                "190:20:30", "1.5e+3", "True", "0o17"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.sampled_from(YAML11_TRAPS),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=24),
        st.builds(" ".join, st.lists(st.sampled_from(YAML11_TRAPS), min_size=1, max_size=3)),
    )
)
def test_yaml_1_1_and_1_2_readers_read_what_the_tool_writes_alike(value: str) -> None:
    """PyYAML's safe_load reads YAML 1.1 (`no` is false, `1:20` is 80); ruamel, the writer,
    YAML 1.2. Whatever a person types for a name, a handle or a channel, both read it back."""
    key = value or "k"
    data = {"people": [{"id": "n1", "name": value, "handles": {key: value}}]}
    text = yamlwrite.dump(data)
    assert yaml.safe_load(text) == data  # YAML 1.1
    assert yamlio.load_fast(text, "people.yaml") == data  # the tool's own 1.2 reader
    assert json.loads(json.dumps(yamlwrite.load_roundtrip(text))) == data  # ruamel, 1.2


@pytest.mark.parametrize("value", ["no", "1:20", "0123", "on"])
def test_a_hand_written_plain_value_is_quoted_when_the_file_is_written_again(value: str) -> None:
    previous = f"people:\n  - id: n1\n    name: {value}\n"
    text = yamlwrite.dump({"people": [{"id": "n1", "name": value}]}, previous)
    assert f"name: '{value}'" in text and yaml.safe_load(text)["people"][0]["name"] == value
