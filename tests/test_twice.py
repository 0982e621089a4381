"""SPEC §3 The same thing twice: `report new` of a report an open case already holds, and
`notify` of a party already told of the same step, are refused (exit 1) naming the earlier
record; `--again` records them anyway, on the event (`again: true`), so that `validate`'s replay
of the gate (CL095, CL096: warnings, for ledgers made before) and `coc sync`'s replay accept it.

In memory (tests/memory.py), but for the flags (one CLI test) and sync (one test on clones). The
cast is fictional.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cocledger.actions import cases, committee, notify, resync, sanctions
from cocledger.actions.perform import check_result
from cocledger.core.change import Change
from cocledger.core.ledger import InMemory
from cocledger.core.models import Case, evolve
from cocledger.core.recorded import Recorded, Records
from cocledger.errors import RefusedError
from conftest import LedgerRepo
from council import council
from memory import Memory, at, fresh, problems, received, warned

RECEIVED = "2026-01-10T09:00:00+00:00"
FIRST, COPY = "COC-2026-0001", "COC-2026-0002"
TWICE = "COC-2026-0001 is an open case with the same respondent, reporter and received moment"


def _warnings(m: Memory, code: str) -> list[str]:
    return [p.message for p in problems(m, "2026-02-01", code) if p.severity == "warning"]


def _by_hand(m: Memory, case: Case) -> None:
    """A case written as a ledger made before this rule could hold it (no step recorded)."""
    m.apply(Change("hand edit", "edit", "nobody", cases=(case,)))


# --- report new ----------------------------------------------------------------------------------


def test_a_report_recorded_again_is_refused_naming_the_open_case() -> None:
    m = fresh()
    received(m, when=RECEIVED)
    with pytest.raises(RefusedError, match=f"{TWICE} \\(2026-01-10 09:00 UTC\\)") as refused:
        received(m, when="2026-01-10T09:00:00+00:00")
    assert refused.value.code == "CL095" and "--again" in str(refused.value)
    assert m.snap.case_ids() == [FIRST]


def test_again_records_another_report_which_validate_accepts() -> None:
    m = fresh()
    received(m, when=RECEIVED)
    assert received(m, when=RECEIVED, again=True) == COPY
    assert m.case(COPY).timeline[0].again is True
    assert m.case(FIRST).timeline[0].again is None  # written only when given
    assert _warnings(m, "CL095") == []


@pytest.mark.parametrize(
    ("respondent", "reporter", "when", "earlier"),
    [
        ("hank", "gina", RECEIVED, COPY),  # another respondent
        ("frank", "ivy", RECEIVED, COPY),  # another reporter
        ("frank", "gina", "2026-01-10T09:01:00+00:00", COPY),  # another moment
        ("frank", "gina", "2026-01-10T10:00:00+01:00", FIRST),  # the same moment, written otherwise
    ],
)
def test_only_the_same_respondent_reporter_and_moment_are_the_same_report(
    respondent: str, reporter: str, when: str, earlier: str
) -> None:
    m = fresh()
    received(m, when=RECEIVED)
    if earlier == COPY:
        assert received(m, respondent, reporter, when=when) == COPY
    with pytest.raises(RefusedError, match=f"{earlier} is an open case with the same"):
        received(m, respondent, reporter, when=when)


def test_a_closed_case_is_not_the_report_again() -> None:
    m = fresh()
    received(m, when=RECEIVED)
    with pytest.raises(RefusedError, match=TWICE):
        received(m, when=RECEIVED)
    m.act(cases.close, "alice", "2026-01-11", FIRST, "No breach found")
    assert received(m, when=RECEIVED) == COPY


def test_validate_warns_of_a_report_recorded_twice_until_the_copy_is_closed() -> None:
    """A ledger from before the rule: the copy is a warning (CL095), never an error, until the
    council closes it."""
    m = fresh()
    received(m, when=RECEIVED)
    _by_hand(m, evolve(m.case(FIRST), id=COPY))
    assert _warnings(m, "CL095") == [
        f"timeline[0]: received refused by the gate: {TWICE} (2026-01-10 09:00 UTC): this report "
        f"is already recorded (`coc case show {FIRST}`); if it is another report, record it "
        "with --again"
    ]
    assert [p for p in problems(m, "2026-02-01") if p.severity == "error"] == []
    m.act(cases.close, "alice", "2026-01-11", COPY, "Recorded twice")
    assert _warnings(m, "CL095") == []


# --- notify --------------------------------------------------------------------------------------


def test_a_party_told_twice_of_one_step_is_refused_naming_the_earlier_notice() -> None:
    m = fresh()
    case, warning = warned(m)
    m.act(notify.notify, "alice", "2026-01-23", case, "offender", None)
    with pytest.raises(RefusedError, match="already notified of this") as refused:
        m.act(notify.notify, "alice", "2026-01-24", case, "offender", None)
    assert str(refused.value) == (
        f"the offender of {case} was already notified of this (decision_offender of {warning}) "
        "on 2026-01-23, and nothing was recorded on the case since; if they were told again, "
        "record it with --again"
    )
    assert refused.value.code == "CL096"
    m.act(notify.notify, "alice", "2026-01-24", case, "offender", None, True)
    assert [e.again for e in m.case(case).events("notified")] == [None, True]
    assert _warnings(m, "CL096") == []


def test_another_party_or_a_step_since_is_not_the_same_notice() -> None:
    m = fresh()
    case, warning = warned(m)
    m.act(notify.notify, "alice", "2026-01-23", case, "offender", None)
    m.act(notify.notify, "alice", "2026-01-23", case, "offended", None)
    with pytest.raises(RefusedError, match="the offender of COC-2026-0001 was already notified"):
        m.act(notify.notify, "alice", "2026-01-23", case, "offender", None)
    m.act(sanctions.apology_record, "alice", "2026-01-25", warning, False, "Insults")
    m.act(notify.notify, "alice", "2026-01-26", case, "offender", None)  # of the escalation
    assert len(m.case(case).events("notified")) == 3


def test_the_council_is_told_of_the_report_once_then_of_where_it_stands() -> None:
    """`council_notice` until a committee is formed, then `council_update`: something new to
    tell (`report notify-council`, which records the council's notice its own way, is its own
    step)."""
    m = fresh()
    case = received(m, when=RECEIVED)
    m.act(notify.notify, "alice", RECEIVED, case, "council", None)
    with pytest.raises(RefusedError, match="council of COC-2026-0001 was already notified of this"):
        m.act(notify.notify, "alice", "2026-01-11", case, "council", None)
    m.act(committee.form, "alice", "2026-01-11", case, ["bob", "carol", "dan"])
    m.act(notify.notify, "alice", "2026-01-11T10:00:00+00:00", case, "council", None)
    assert [e.note for e in m.case(case).events("notified")] == ["council_notice", "council_update"]


def test_a_notice_recorded_late_the_same_as_the_next_one_is_refused() -> None:
    """A step recorded late must leave every later step passing the gate (SPEC §3 A step
    recorded late), repeats included, though `validate` reports those as warnings: the notice
    of 24 January recorded late, before the same notice of 25 January, would make that one the
    repeat (review of issue 20: it was accepted, and CL096 then warned of the other)."""
    m = fresh()
    case, _ = warned(m)
    m.act(notify.notify, "alice", "2026-01-25", case, "offender", None)
    late = notify.notify(m.snap, m.snap.person("alice"), at("2026-01-24"), case, "offender", None)
    assert late.change is not None  # the gate allows it on its own day: nothing told before
    ledger = InMemory(m.snap, m.versions)
    with pytest.raises(RefusedError, match=r"CL096 timeline\[\d+\]: that step is already") as no:
        check_result(ledger, m.snap, late.change, at("2026-01-26"))
    assert "--again" not in str(no.value)  # it would not help: the later notice is the repeat
    assert problems(m, "2026-01-26", "CL096") == []  # refused: nothing changed


def test_validate_warns_of_a_notice_recorded_twice() -> None:
    m = fresh()
    case, _ = warned(m)
    m.act(notify.notify, "alice", "2026-01-23", case, "offender", None)
    told = m.case(case)
    _by_hand(m, evolve(told, timeline=(*told.timeline, told.timeline[-1])))
    assert [w.split(": ", 2)[:2] for w in _warnings(m, "CL096")] == [
        ["timeline[8]", "notified refused by the gate"]
    ]


# --- coc sync replays the flag -------------------------------------------------------------------


def _recorded(after: Memory, case: str) -> Recorded:
    """The commit of `report new` that made `case`, as sync reads it back."""
    return Recorded(
        "0" * 40, f"report new {case}", "report new", "bob", after.case(case).received_at,
        case, None, Records(), Records(cases={case: after.case(case)}),
    )  # fmt: skip


def test_a_report_recorded_again_replays_with_it() -> None:
    """`actions.resync` reads `--again` back from the event: on a base that holds the same
    report, the replay records it again; without it, the replay is refused (sync stops)."""
    base = fresh()
    received(base, when=RECEIVED)
    for again in (True, False):
        mine = fresh()
        received(mine, when=RECEIVED, again=again)
        action = resync.action_of(_recorded(mine, FIRST), {})
        bob = base.snap.person("bob")
        if not again:
            with pytest.raises(RefusedError, match=TWICE):
                action(base.snap, bob, mine.case(FIRST).received_at)
            continue
        outcome = action(base.snap, bob, mine.case(FIRST).received_at)
        assert outcome.change is not None
        assert [c.timeline[0].again for c in outcome.change.cases] == [True]


# --- the flags, and sync on two clones -----------------------------------------------------------


def test_again_is_a_flag_of_report_new_and_notify(ledger: LedgerRepo) -> None:
    args = ("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Insults",
            "--at", RECEIVED, "--json")  # fmt: skip
    first = ledger.coc(*args).json
    head = ledger.head()
    refused = ledger.coc(*args, expect=1)
    assert f"coc: error: {TWICE}" in refused.stderr
    assert (ledger.head(), ledger.status()) == (head, "")
    again = ledger.coc(*args, "--again").json
    assert again["case"] == COPY and again.keys() == first.keys()  # SPEC §4: the same shape
    told = ("notify", FIRST, "--party", "council", "--at", "2026-01-10T10:00:00+00:00")
    ledger.coc(*told)
    refused = ledger.coc(*told, expect=1)
    assert "already notified of this (council_notice) on 2026-01-10" in refused.stderr
    ledger.coc(*told, "--again")
    assert "again: true" in ledger.read(f"cases/2026/{FIRST}.yaml")
    ledger.coc("validate", "--strict", "--select", "CL09")  # no warning: --again is on record


def test_the_same_command_run_twice_without_a_moment_is_refused(ledger: LedgerRepo) -> None:
    """A report "received now" is recorded to the minute, so the same command run again (the
    issue's six identical cases came so) is the same report; each pair is tried again, with
    another reporter, only when a minute turned between its two runs."""
    for reporter in ("gina", "hank", "ivy"):
        args = ("report", "new", "--respondent", "frank", "--reporter", reporter, "--summary", "x")
        first = ledger.coc(*args, "--json").json["case"]
        received = _received(ledger, first)
        assert received.endswith(":00Z"), received  # to the minute: no seconds, no fraction
        again = ledger.coc(*args, "--json", expect=None)
        if again.exit_code == 1:
            assert f"{first} is an open case with the same respondent" in again.stderr
            return
        assert _received(ledger, again.json["case"]) != received  # a minute turned between
    pytest.fail("a minute turned between the two runs of three pairs")


def _received(ledger: LedgerRepo, case: str) -> str:
    return (
        ledger.read(f"cases/{case[4:8]}/{case}.yaml")
        .split("received_at: ")[1]
        .split()[0]
        .strip("'")
    )


def test_sync_replays_again_and_stops_on_the_same_report_from_two_clones(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    args = ("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "Insults")
    a.coc(*args, "--at", RECEIVED)
    b.coc(*args, "--at", RECEIVED, "--again")  # carol knows it is another report
    a.coc("sync")
    assert b.coc("sync", "--json").json["renamed"] == {FIRST: COPY}
    a.coc(*args, "--at", "2026-01-11T09:00:00+00:00")
    b.coc(*args, "--at", "2026-01-11T09:00:00+00:00")  # the same report, on both clones
    a.coc("sync")
    before = b.head()
    stopped = b.coc("sync", expect=1)
    assert "stopped before changing anything" in stopped.stderr
    assert "COC-2026-0003 is an open case with the same respondent" in stopped.stderr
    assert a.git("rev-parse", "--short=12", "HEAD").strip() in stopped.stderr  # theirs named
    assert b.head() == before
