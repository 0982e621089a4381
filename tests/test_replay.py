"""SPEC §3 One engine, in memory: `validate` replays each timeline through the gate the actions
use, and finds exactly what departs from it. Hand edits of a valid ledger, one at a time, each
reported under its code; and the gate's own refusals where the actions never reach them.

The cast is fictional: alice (project lead) and bob, carol, dan, erin, fay, gus, hal on the
council; frank, gina, hank and ivy are community members.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cocledger.actions import committee, reports, sanctions
from cocledger.core import gate, replay, state
from cocledger.core.change import Change
from cocledger.core.ledger import InMemory, Versions
from cocledger.core.models import Case, Event, Sanction, Vote, evolve
from cocledger.errors import RefusedError
from memory import Memory, at, banned, fresh, problems, proposed, reviewed, warned

AT = "2026-03-01"


def _codes(m: Memory) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in problems(m, AT) if p.severity == "error"]


def _edited(m: Memory, **records: object) -> Memory:
    """The ledger with records replaced by hand (no step recorded)."""
    return Memory(m.snap.after(Change("hand edit", "edit", "nobody", **records)), m.versions)


def _with_case(m: Memory, case: Case) -> Memory:
    return _edited(m, cases=(case,))


def _with_sanction(m: Memory, sanction: Sanction) -> Memory:
    return _edited(m, sanctions=(sanction,))


def test_a_valid_ledger_replays_clean() -> None:
    m = fresh()
    banned(m)
    assert _codes(m) == []


def test_a_vote_in_the_register_without_its_event_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    s = proposed(m, case, "2026-01-22T18:30:00+00:00", "lifetime_ban", None, "Threats", "x")
    sanction = m.sanction(s)
    extra = Vote(member="bob", vote="yes", at=at("2026-01-22T19:00:00+00:00"))
    found = _codes(_with_sanction(m, evolve(sanction, votes=(*sanction.votes, extra))))
    assert found == [("CL058", f"{s} holds 1 vote(s), but the timeline of {case} records 0")]


def test_a_vote_event_without_its_vote_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    s = proposed(m, case, "2026-01-22T18:30:00+00:00", "lifetime_ban", None, "Threats", "x")
    m.act(sanctions.vote, "bob", "2026-01-22T18:40:00+00:00", s, None, True, False)
    found = _codes(_with_sanction(m, evolve(m.sanction(s), votes=())))
    assert ("CL058", f"timeline[6]: vote_recorded, but {s} holds no vote for it") in found


def test_a_vote_recorded_by_another_than_its_event_says_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    s = proposed(m, case, "2026-01-22T18:30:00+00:00", "lifetime_ban", None, "Threats", "x")
    m.act(sanctions.vote, "bob", "2026-01-22T18:40:00+00:00", s, None, True, False)
    vote = m.sanction(s).votes[0]
    forged = evolve(m.sanction(s), votes=(evolve(vote, recorded_by="carol"),))
    found = _codes(_with_sanction(m, forged))
    assert (
        "CL058",
        f"{s}: votes[0] was not recorded by whoever recorded its event",
    ) in found


def test_a_review_meeting_the_events_do_not_name_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    edited = evolve(m.case(case), review_meeting=date(2026, 2, 12))
    assert _codes(_with_case(m, edited)) == [
        ("CL058", f"{case}: review_meeting is not the meeting its reviewed event names")
    ]


def test_a_declared_conflict_dropped_from_the_list_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    m.act(committee.recuse, "alice", "2026-01-23", case, "erin", "A friend")
    edited = evolve(m.case(case), conflicts=())
    found = _codes(_with_case(m, edited))
    assert (
        "CL058",
        f"{case}: a conflict_declared event names a member `conflicts` does not list",
    ) in found


def test_an_apology_held_without_its_event_is_reported() -> None:
    m = fresh()
    _, warning = warned(m)
    edited = evolve(m.sanction(warning), apology="delivered", apology_recorded_on=date(2026, 1, 25))
    assert [code for code, _ in _codes(_with_sanction(m, edited))] == ["CL058"]


def test_an_event_naming_no_sanction_of_the_case_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    stray = Event(at=at("2026-01-23"), action="sanction_enacted", by="bob")
    edited = m.case(case).model_copy(update={"timeline": (*m.case(case).timeline, stray)})
    found = _codes(_with_case(m, edited))
    assert ("CL058", f"timeline[5]: sanction_enacted names no sanction of {case}") in found


def test_a_case_status_its_timeline_does_not_give_is_reported() -> None:
    m = fresh()
    case = reviewed(m)
    edited = evolve(m.case(case), status="closed")
    assert _codes(_with_case(m, edited)) == [
        ("CL058", f"{case} is closed, but its timeline leaves it open")
    ]


def test_a_roster_changed_since_a_step_is_read_as_of_the_step() -> None:
    """A committee member leaves the council: today's roster refuses the old committee, the
    roster of the step's moment (`council.roster_at`) allows it; without it, the replay would
    report."""
    m = fresh()
    reviewed(m)
    policy = m.snap.policy
    council = tuple(x for x in policy.roster.council if x != "dan")
    later = evolve(policy, roster=evolve(policy.roster, council=council))
    snap = _edited(m, policy=later).snap
    versions = Versions().then(None, policy).then(at("2026-02-01"), later)
    assert [p.code for p in problems(Memory(snap, versions), AT)] == []
    without_history = Memory(snap, Versions().then(None, later))
    assert "CL050" in {p.code for p in problems(without_history, AT)}


# --- the gate's own refusals ----------------------------------------------------------------------


def _ask(m: Memory, name: str, case: str, upto: int, **args: object) -> gate.Ask:
    found = m.case(case)
    mine = state.of_case(found, {s.id: s for s in m.snap.sanctions.all()})
    return gate.Ask(
        m.snap.policy,
        name,
        "bob",
        found.timeline[upto - 1].at + timedelta(minutes=1) if upto else found.received_at,
        found,
        state.walk(m.snap.policy, found, mine, upto),
        None,
        mine,
        (),
        args,
        live=False,
    )


def test_a_report_received_twice_is_refused() -> None:
    m = fresh()
    case = reviewed(m)
    with pytest.raises(RefusedError, match="was already received"):
        gate.permit(_ask(m, "report new", case, 3))


def test_a_step_before_the_receipt_is_refused() -> None:
    m = fresh()
    case = reviewed(m)
    with pytest.raises(RefusedError, match="was not yet received then"):
        gate.permit(_ask(m, "report share", case, 0))


def test_an_expunged_case_takes_no_step() -> None:
    m = fresh()
    case = reviewed(m)
    gone = m.case(case).model_copy(update={"status": "expunged"})
    question = _ask(m, "notify", case, 3)
    with pytest.raises(RefusedError, match="has been expunged"):
        gate.permit(gate.Ask(**{**question.__dict__, "case": gone}))


def test_a_recusal_of_someone_off_the_council_is_refused() -> None:
    m = fresh()
    case = reviewed(m)
    with pytest.raises(RefusedError, match="ivy is not on the council"):
        gate.permit(_ask(m, "committee recuse", case, 3, member="ivy"))


def test_an_anonymous_report_is_not_shared_without_the_councils_summary() -> None:
    m = fresh()
    case = reports.ReportInput("frank", "gina", summary="Insults", anonymous_reporter=True)
    case_id = str(m.act(reports.report_new, "alice", "2026-01-10", case).data["case"])
    question = _ask(m, "report share", case_id, 1, summary=None)
    with pytest.raises(RefusedError, match="never shared without the council's summary") as found:
        gate.permit(question)
    assert found.value.code == "CL059"


def test_a_review_of_an_unshared_case_at_an_ordinary_meeting_is_refused() -> None:
    m = fresh()
    case_id = str(
        m.act(reports.report_new, "alice", "2026-01-10",
              reports.ReportInput("frank", "gina", summary="Insults")).data["case"]
    )  # fmt: skip
    m.act(committee.form, "alice", "2026-01-10", case_id, ["bob", "carol", "dan"])
    with pytest.raises(RefusedError, match="has not been shared with the reported person yet"):
        m.act(reports.review, "alice", "2026-01-22T18:00:00+00:00", case_id, date(2026, 1, 22))


def test_replay_of_an_unknown_sanction_reference_is_one_problem() -> None:
    m = fresh()
    case, _, _ = banned(m)
    found = list(
        replay.replay(m.snap.policy, m.case(case), {}, lambda person: [], None)
    )  # the register has none of the case's sanctions: every sanction step names none
    assert {b.code for b in found} == {"CL058"}
    assert all("names no sanction" in b.message for b in found)


def test_a_ledger_in_memory_names_no_file_it_does_not_hold() -> None:
    m = fresh()
    case = reviewed(m)
    ledger = InMemory(m.snap)
    assert ledger.case_in("policy.yaml") is None
    assert ledger.exists(f"cases/2026/{case}.yaml") and not ledger.exists("policy.yaml")
    assert ledger.locate("policy.yaml", ("roster",)) == (1, 1)
    assert ledger.rosters() == () and not ledger.known_clean()
    assert ledger.note_clean() is None and ledger.shown("x.yaml") == "x.yaml"


def test_a_refusal_that_escalates_nothing_replays_as_the_apologys_own_step() -> None:
    """A ladder whose warning does not escalate on a refused apology: the refusal is recorded
    (note `refused`), the warning stays enacted, and the replay agrees (the review found
    `validate` expecting an escalation)."""
    from memory import make_policy

    policy = make_policy()
    rungs = [rung.model_copy(update={"refusal_escalates": False}) for rung in policy.ladder[:1]]
    m = fresh(ladder=[*rungs, *policy.ladder[1:]])
    _, warning = warned(m)
    m.act(sanctions.apology_record, "alice", "2026-01-26", warning, False, None)
    assert m.sanction(warning).status == "enacted" and m.sanction(warning).apology == "refused"
    assert _codes(m) == []


def test_an_ordinary_meeting_added_on_the_day_of_an_extraordinary_review_changes_nothing() -> None:
    """A serious case reviewed at the extraordinary meeting of January 15, before its 7 days;
    an ordinary meeting scheduled that day later does not make the review an early one."""
    from cocledger.actions import setup

    m = fresh()
    report = reports.ReportInput("frank", "gina", summary="Threats", serious=True)
    case = str(m.act(reports.report_new, "alice", "2026-01-10T09:00:00+00:00", report).data["case"])
    m.act(committee.form, "alice", "2026-01-10T10:00:00+00:00", case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", "2026-01-11T09:00:00+00:00", case)
    m.act(reports.review, "alice", "2026-01-15T18:00:00+00:00", case, date(2026, 1, 15))
    assert _codes(m) == []
    m.act(setup.meeting_add, "alice", "2026-01-16", date(2026, 1, 15), False)
    assert _codes(m) == []


def test_two_stopped_the_same_day_either_side_of_an_enactment_replay_as_recorded() -> None:
    """Review: three cases of frank on one day. A (offence 1) and B (offence 2) proposed; A
    rejected at 18:10; C proposed at 18:15 as offence 2 (B standing, A not) and enacted; B
    rejected at 18:25. sanctions.yaml keeps days, so the replay cannot tell that A was stopped
    before C and B after: taking both as before (offence 1) or both as after (offence 3) called
    C stale (CL058) and its offence wrong (CL031). Any order of that day's stops will do."""
    m = fresh()
    day = "2026-01-22T18:{}:00+00:00"
    a_case, b_case, c_case = (
        reviewed(m, reporter=reporter, when=f"2026-01-1{n}T09:00:00+00:00")
        for n, reporter in ((0, "gina"), (1, "hank"), (2, "ivy"))
    )
    a = proposed(m, a_case, day.format("00"))
    b = proposed(m, b_case, day.format("05"), conduct="Insults again")
    m.act(sanctions.reject, "alice", day.format("10"), a)
    c = proposed(m, c_case, day.format("15"), conduct="Insults once more")
    assert m.sanction(c).offence == 2
    m.act(sanctions.enact, "alice", day.format("20"), c, None)
    m.act(sanctions.reject, "alice", day.format("25"), b)
    assert _codes(m) == []
