"""`coc due --format ics`: the deadlines as an iCalendar (RFC 5545) file (SPEC §4 Calendar).

Every file is read back twice: with the `icalendar` library and with the small parser below,
written from RFC 5545 alone (line unfolding, parameters, text escapes), so the output is checked
by something that does not share the writer's code. The rules run in memory (tests/memory.py);
the formats, `-o` and the agreement with `due --json` run through the real CLI.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from casework import add_person, banned, commit_file, warned
from cocledger import queries
from cocledger.actions import appeals, expunge, reports, setup
from cocledger.cli.main import app
from cocledger.core.durations import parse_duration
from cocledger.core.models import Person
from cocledger.core.rules import start_of_day
from cocledger.output import calendar
from conftest import LedgerRepo, new_report
from memory import Memory, appealed, at, fresh, received
from memory import banned as banned_in_memory
from memory import warned as warned_in_memory

STAMP = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ZED = Person(id="zed.q", name="Zebulon Quixwort", email="zebulon.q@example.net",
             handles={"slack": "zquix"})  # fmt: skip
YOLANDA = Person(id="yolanda.v", name="Yolanda Vantablack", email="yoli@example.net")
SECRETS = ("zed.q", "Zebulon", "Quixwort", "zebulon.q@example.net", "zquix",
           "yolanda.v", "Yolanda", "Vantablack", "yoli@example.net",
           "Insults in the release thread", "personal-insults")  # fmt: skip


# --- a second, independent reader of RFC 5545 ---------------------------------------------------


def unfolded(data: bytes) -> list[str]:
    """RFC 5545 3.1: lines end in CRLF, are at most 75 octets, and a line starting with a space
    or tab continues the one before."""
    assert data.endswith(b"\r\n")
    raw = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in raw), "a content line longer than 75 octets"
    lines: list[str] = []
    for line in raw:
        text = line.decode("utf-8")
        if text[:1] in (" ", "\t"):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def content_line(line: str) -> tuple[str, dict[str, str], str]:
    """NAME;PARAM=VALUE...:VALUE (a colon inside a quoted parameter value does not end it)."""
    head, quoted = [], False
    for n, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        if char == ":" and not quoted:
            head, value = line[:n].split(";"), line[n + 1 :]
            break
    else:
        raise AssertionError(f"no value in {line!r}")
    params = dict(p.split("=", 1) for p in head[1:])
    return head[0].upper(), params, value


def text_value(value: str) -> str:
    """RFC 5545 3.3.11: \\n, \\, \\; and \\\\ are escapes."""
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def moment_value(params: dict[str, str], value: str) -> date | datetime:
    if params.get("VALUE") == "DATE":
        return datetime.strptime(value, "%Y%m%d").date()
    assert value.endswith("Z") and "TZID" not in params, "instants are written in UTC"
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def plain_events(data: bytes) -> list[dict[str, Any]]:
    """The VEVENTs as dicts, read with nothing but the RFC."""
    lines = unfolded(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for line in lines:
        name, params, value = content_line(line)
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            assert current is not None
            events.append(current)
            current = None
        elif current is not None and name in ("DTSTART", "DTEND", "DTSTAMP"):
            current[name.lower()] = moment_value(params, value)
        elif current is not None:
            current[name.lower()] = text_value(value)
    return [_described(event) for event in events]


def library_events(data: bytes) -> list[dict[str, Any]]:
    """The VEVENTs as dicts, read with icalendar."""
    found = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        found.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "description": str(event["DESCRIPTION"]),
                "dtstart": event.decoded("DTSTART"),
                "dtstamp": event.decoded("DTSTAMP"),
                **({"dtend": event.decoded("DTEND")} if "DTEND" in event else {}),
            }
        )
    return [_described(event) for event in found]


def _described(event: dict[str, Any]) -> dict[str, Any]:
    """The kind, ids and party an event's description gives, beside its own fields."""
    rows = dict(line.split(": ", 1) for line in event["description"].splitlines())
    keys = ("kind", "case", "sanction", "party")
    return {**event, **{key: rows.get(key) for key in keys}}


def key(kind: str, case: str | None, sanction: str | None, party: str | None, due: Any) -> tuple:
    return (kind, case, sanction, party, due)


def json_keys(items: list[dict[str, Any]]) -> Counter[tuple]:
    """`due --json`'s dated items, each as (kind, case, sanction, party, its date or instant)."""
    return Counter(
        key(i["kind"], i["case"], i["sanction"], i.get("party"), _moment(i["due"]))
        for i in items
        if i["due"] is not None
    )


def event_keys(events: list[dict[str, Any]]) -> Counter[tuple]:
    return Counter(
        key(e["kind"], e["case"], e["sanction"], e["party"], e["dtstart"]) for e in events
    )


def _moment(text: str) -> date | datetime:
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def both(data: bytes) -> list[list[dict[str, Any]]]:
    return [library_events(data), plain_events(data)]


# --- in memory: the rules' items as a calendar --------------------------------------------------


def busy_ledger(**policy: Any) -> Memory:
    """A ban (warning escalated) of zed.q reported by yolanda.v, a warning of frank awaiting an
    apology to the witness hank, and a report just received."""
    m = fresh([ZED, YOLANDA], **policy)
    banned_in_memory(m, respondent="zed.q", reporter="yolanda.v")
    warned_in_memory(m, respondent="frank", reporter="ivy", witnesses=("hank",))
    received(m, "zed.q", "yolanda.v", (), "2026-02-01T10:00:00+00:00", setting="public",
             categories=("personal-insults",))  # fmt: skip
    return m


def ics_of(m: Memory, when: str) -> tuple[bytes, list[dict[str, Any]]]:
    found = queries.due(m.snap, at(when))
    return calendar.ics(found, m.snap.policy.community, STAMP), [i.as_json() for i in found]


@pytest.mark.parametrize("reader", [library_events, plain_events])
def test_every_dated_deadline_is_one_event(reader: Any) -> None:
    data, items = ics_of(busy_ledger(), "2026-02-01T12:00:00+00:00")
    events = reader(data)
    kinds = {e["kind"] for e in events}
    assert {"council_notice", "apology", "ban_ends", "record_expunges", "notification"} <= kinds
    assert event_keys(events) == json_keys(items)
    assert len({e["uid"] for e in events}) == len(events)
    assert all(e["uid"].endswith("@cocledger") and e["dtstamp"] == STAMP for e in events)


def test_an_item_with_no_date_yet_is_left_out() -> None:
    data, items = ics_of(busy_ledger(), "2026-02-01T12:00:00+00:00")
    undated = {i["kind"] for i in items if i["due"] is None}
    assert undated == {"respondent_response", "committee"}  # a report not shared yet
    assert not undated & {e["kind"] for e in plain_events(data)}


def test_dates_are_all_day_events_and_instants_timed_ones() -> None:
    data, _ = ics_of(busy_ledger(), "2026-02-01T12:00:00+00:00")
    for events in both(data):
        [notice] = [e for e in events if e["kind"] == "council_notice"]
        assert notice["dtstart"] == datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
        assert "dtend" not in notice  # a moment (RFC 5545 3.6.1)
        for event in (e for e in events if e["kind"] != "council_notice"):
            assert type(event["dtstart"]) is date
            assert event["dtend"] == event["dtstart"] + timedelta(days=1)
    text = data.decode()
    assert "DTSTART:20260202T100000Z\r\n" in text
    assert "DTSTART;VALUE=DATE:20260426\r\n" in text  # the ban ends (3 months from 26 January)


def test_no_name_email_summary_or_category_of_a_party_is_in_the_file() -> None:
    data, items = ics_of(busy_ledger(), "2026-02-01T12:00:00+00:00")
    assert any(i["person"] == "zed.q" for i in items)  # the items themselves do name them
    assert any("hank" in i["detail"] for i in items)  # and the apology's witnesses
    unfolded_text = "\n".join(unfolded(data)).lower()
    for secret in (*SECRETS, "hank"):
        assert secret.lower() not in unfolded_text
        assert secret.lower() not in data.decode().lower()


def test_overdue_items_say_so_in_their_summary() -> None:
    data, items = ics_of(busy_ledger(), "2026-02-03T12:00:00+00:00")
    late = {(i["kind"], i["case"], i["sanction"], i.get("party")) for i in items if i["overdue"]}
    assert late
    for event in plain_events(data):
        marked = event["summary"].startswith("OVERDUE ")
        assert marked == ((event["kind"], event["case"], event["sanction"], event["party"]) in late)


def test_uids_do_not_change_between_runs_nor_when_another_deadline_does() -> None:
    m = busy_ledger()
    first = keyed(m, "2026-02-01T12:00:00+00:00")
    assert uids(first) == uids(keyed(m, "2026-02-01T12:00:00+00:00"))
    case = next(k[1] for k in first if k[0] == "council_notice")
    m.act(reports.notify_council, "alice", "2026-02-06T13:00:00+00:00", case)
    m.act(reports.share, "alice", "2026-02-06T13:00:00+00:00", case)
    shared = keyed(m, "2026-02-06T14:00:00+00:00")
    assert ("council_notice", case, None, None) not in shared
    kept = set(first) & set(shared)
    assert len(kept) == len(first) - 1  # only the council notice went
    assert all(first[k]["uid"] == shared[k]["uid"] for k in kept)
    # An early response moves the review from the meeting of 5 March to that of 12 February:
    # the same event, on a new date.
    m.act(reports.respond, "alice", "2026-02-07T09:00:00+00:00", case, None)
    responded = keyed(m, "2026-02-07T10:00:00+00:00")
    review = ("review", case, None, None)
    assert (shared[review]["dtstart"], responded[review]["dtstart"]) == (
        date(2026, 3, 5),
        date(2026, 2, 12),
    )
    assert shared[review]["uid"] == responded[review]["uid"]


def keyed(m: Memory, when: str) -> dict[tuple, dict[str, Any]]:
    """The events as of `when`, by (kind, case, sanction, party)."""
    events = plain_events(ics_of(m, when)[0])
    return {(e["kind"], e["case"], e["sanction"], e["party"]): e for e in events}


def uids(events: dict[tuple, dict[str, Any]]) -> dict[tuple, str]:
    return {k: e["uid"] for k, e in events.items()}


def test_the_uid_belongs_to_the_ledger_and_the_deadline_not_its_date() -> None:
    m = busy_ledger()
    [item] = [i for i in queries.due(m.snap, at("2026-02-01T12:00:00+00:00"))
              if i.kind == "ban_ends"]  # fmt: skip
    moved = dataclasses.replace(item, due=date(2027, 1, 1), overdue=True)
    assert calendar.uid("Mautic", item) == calendar.uid("Mautic", moved)
    assert calendar.uid("Mautic", item) != calendar.uid("Another Community", item)


def test_an_instant_across_a_dst_change_keeps_its_exact_moment() -> None:
    """Europe/Berlin moves to summer time at 02:00 on 29 March 2026: 24 hours after 02:30 CET on
    the 28th is 03:30 CEST (01:30 UTC), as 02:30 does not exist that day; a report received at
    00:00 CET on the 28th is due at 00:00 CET on the 29th, still the 28th in UTC. A date on the
    day of the change stays that date, all day."""
    m = fresh([ZED, YOLANDA], timezone="Europe/Berlin")
    zone = m.snap.policy.zone
    night = received(m, "zed.q", "yolanda.v", (), "2026-03-28T02:30:00+01:00")
    midnight = received(
        m, "frank", "gina", (), start_of_day(date(2026, 3, 28), m.snap.policy).isoformat()
    )
    shared = received(m, "hank", "ivy", (), "2026-03-22T10:00:00+01:00")
    m.act(reports.share, "alice", "2026-03-22T10:00:00+01:00", shared)
    found = queries.due(m.snap, at("2026-03-28T12:00:00+01:00"))
    data = calendar.ics(found, "Mautic", STAMP)
    by_case = {(i.case, i.kind): i for i in found}
    assert by_case[(night, "council_notice")].due == datetime(2026, 3, 29, 3, 30, tzinfo=zone)
    for events in both(data):
        got = {(e["case"], e["kind"]): e for e in events}
        assert got[(night, "council_notice")]["dtstart"] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert got[(midnight, "council_notice")]["dtstart"] == datetime(
            2026, 3, 28, 23, 0, tzinfo=UTC
        )
        window = got[(shared, "respondent_response")]
        assert (window["dtstart"], window["dtend"]) == (date(2026, 3, 29), date(2026, 3, 30))
        assert event_keys(events) == json_keys([i.as_json() for i in found])


# --- subscribers: SEQUENCE and the refresh hint (issue 20, point 8) -----------------------------


def test_the_calendar_tells_subscribers_to_fetch_it_again_every_hour() -> None:
    """RFC 7986 REFRESH-INTERVAL (its VALUE=DURATION required) and the older X-PUBLISHED-TTL."""
    data, _ = ics_of(busy_ledger(), "2026-02-01T12:00:00+00:00")
    parsed = Calendar.from_ical(data)
    assert parsed.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded(data)
    assert "X-PUBLISHED-TTL:PT1H" in unfolded(data)


def revisions(m: Memory, when: str) -> dict[str, tuple[Any, int]]:
    """Each event's (DTSTART, SEQUENCE) by UID, as icalendar reads them."""
    data, _ = ics_of(m, when)
    return {
        str(e["UID"]): (e.decoded("DTSTART"), int(e["SEQUENCE"]))
        for e in Calendar.from_ical(data).walk("VEVENT")
    }


def test_sequence_grows_whenever_a_deadline_moves_and_never_falls() -> None:
    """A ledger's life, step by step: an appeal of frank's ban, reduced (its end and the day his
    record clears move); hank's report, shared (a review and a committee due at the meeting of 5
    March), a meeting added on 26 February (both move), and frank's record expunged. After each
    step, every event still there has a SEQUENCE no lower than before, and higher if it moved."""
    m = fresh()
    case, _, ban = banned_in_memory(m)
    cases: list[str] = []
    steps = [
        ("2026-02-01", lambda: appealed(m, case, ban, "2026-02-01")),
        ("2026-02-12T19:00:00+00:00", lambda: m.act(
            appeals.decide, "alice", "2026-02-12T18:00:00+00:00", ban, "reduced",
            parse_duration("2 months"), [])),
        ("2026-02-13T10:00:00+00:00", lambda: cases.append(
            received(m, "hank", "ivy", (), "2026-02-13T09:00:00+00:00"))),
        ("2026-02-13T11:00:00+00:00", lambda: m.act(
            reports.share, "alice", "2026-02-13T10:30:00+00:00", cases[0])),
        ("2026-02-14", lambda: m.act(
            setup.meeting_add, "alice", "2026-02-14", date(2026, 2, 26), False)),
        ("2027-09-27T12:00:00+00:00", lambda: m.act(
            expunge.expunge, "alice", "2027-09-27T11:00:00+00:00")),
    ]  # fmt: skip
    before = revisions(m, "2026-01-27")
    moved = 0
    for when, step in steps:
        step()
        now = revisions(m, when)
        for uid in before.keys() & now.keys():
            (was, old), (day, new) = before[uid], now[uid]
            assert new > old if day != was else new >= old, (when, uid)
            moved += day != was
        before = now
    assert moved >= 4  # the ban's end, its record, the review and the committee moved


# --- through the CLI ----------------------------------------------------------------------------


def raw(*args: str) -> bytes:
    """What `coc ARGS` writes to stdout, byte for byte (the runner's text turns CRLF into LF)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def test_ics_from_the_cli_matches_due_json_one_to_one(ledger: LedgerRepo) -> None:
    add_person(ledger, "zed.q", "Zebulon Quixwort")
    add_person(ledger, "yolanda.v", "Yolanda Vantablack")
    banned(ledger, respondent="zed.q", reporter="yolanda.v")
    new_report(ledger, "2026-01-27T08:00:00+00:00", respondent="zed.q", reporter="yolanda.v")
    when = "2026-01-27T09:00:00+00:00"
    items = ledger.coc("due", "--at", when, "--json").json
    assert ledger.coc("due", "--at", when, "--format", "json").json == items
    data = raw("due", "--at", when, "--format", "ics")
    for events in both(data):
        assert event_keys(events) == json_keys(items)
    text = data.decode().lower()
    for secret in (
        "zed.q",
        "zebulon",
        "quixwort",
        "yolanda",
        "vantablack",
        "example.org",
        "insults",
    ):
        assert secret not in text


def test_minus_o_writes_each_format_to_a_file(ledger: LedgerRepo, tmp_path: Path) -> None:
    warned(ledger, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23")
    when = "2026-01-24"
    for fmt in ("text", "json", "ics"):
        target = tmp_path / "out" / f"due.{fmt}"
        run = ledger.coc("due", "--at", when, "--format", fmt, "-o", str(target))
        assert run.stdout == "" and f"Wrote {target} ({fmt})" in run.stderr
        shown = raw("due", "--at", when, "--format", fmt)
        assert _without_stamp(target.read_bytes()) == _without_stamp(shown)
    assert json.loads((tmp_path / "out" / "due.json").read_text())[0]["kind"] == "notification"
    assert (tmp_path / "out" / "due.text").read_text().startswith("Due as of 2026-01-24")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "due.ics",
        "due.json",
        "due.text",
    ]


def test_the_message_of_minus_o_counts_what_was_left_out(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    new_report(ledger, "2026-03-02T09:00:00+00:00")
    run = ledger.coc("due", "--at", "2026-03-02T10:00:00+00:00", "--format", "ics",
                     "-o", str(tmp_path / "due.ics"))  # fmt: skip
    assert "1 deadline(s); 2 without a date left out" in run.stderr


def test_a_file_that_cannot_be_written_is_one_line_and_nothing_is_left(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    target = tmp_path / "a-directory"
    target.mkdir()
    run = ledger.coc("due", "--format", "ics", "-o", str(target), expect=2)
    assert (
        run.stderr.startswith(f"coc: error: -o {target}: cannot write it")
        and run.stderr.count("\n") == 1
    )
    assert list(target.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == [
        "a-directory",
        "ledger",
    ]


def test_json_and_another_format_conflict(ledger: LedgerRepo) -> None:
    assert (
        "--json conflicts with --format ics"
        in ledger.coc("due", "--json", "--format", "ics", expect=2).stderr
    )
    assert "--format" in ledger.coc("due", "--format", "pdf", expect=2).stderr


def test_a_policy_time_zone_reaches_the_cli_calendar(ledger: LedgerRepo) -> None:
    """`--at 2026-03-28` is 00:00 that day in Europe/Berlin; 24 hours on, 00:00 CET on the day
    summer time starts, is 23:00 UTC on the 28th."""
    policy = ledger.read("policy.yaml").replace("timezone: UTC", "timezone: Europe/Berlin")
    commit_file(ledger, "policy.yaml", policy)
    night = new_report(ledger, "2026-03-28T02:30:00+01:00")
    midnight = new_report(ledger, "2026-03-28")
    data = raw("due", "--at", "2026-03-28T12:00+01:00", "--format", "ics")
    notices = {e["case"]: e["dtstart"] for e in plain_events(data) if e["kind"] == "council_notice"}
    assert notices == {
        night: datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        midnight: datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
    }


def _without_stamp(data: bytes) -> bytes:
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP", data)
