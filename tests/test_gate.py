"""SPEC §3 One gate and Recusal, in memory: every step of `core.transitions` taken from a state
where it is allowed, by every kind of conflicted person (refused with the real reason), by
someone without the role, from statuses and in orders the table does not allow. No disk, no git.

The case of the recusal matrix: dan (council) is the respondent, erin (council) the reporter,
carol (council) a witness, and bob declared a conflict; fay, gus and hal sit on its committee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from cocledger.actions import appeals, cases, committee, expunge, notify, reports, sanctions
from cocledger.core import replay, state, transitions
from cocledger.core.change import Change, Outcome
from cocledger.core.models import Person, evolve
from cocledger.errors import RefusedError
from memory import Memory, at, fresh, problems, proposed, received

CASE = "COC-2026-0001"
RECEIVED = "2026-01-10T09:00:00+00:00"
REVIEW = "2026-01-22T18:00:00+00:00"
CONFLICTED = {
    "dan": "dan is the respondent in COC-2026-0001",
    "erin": "erin is the reporter in COC-2026-0001",
    "carol": "carol is a witness in COC-2026-0001",
    "bob": "bob has declared a conflict of interest in COC-2026-0001",
}


@dataclass(frozen=True)
class Cast:
    """Who the case of a scenario is about, and who records its steps."""

    respondent: str = "dan"
    reporter: str = "erin"
    witness: str = "carol"
    declared: str = "bob"
    by: str = "alice"


CAST = Cast()
Setup = Callable[[Memory, Cast], None]


def _received(m: Memory, c: Cast) -> None:
    received(m, c.respondent, c.reporter, (c.witness,), RECEIVED, by=c.by)
    m.act(committee.recuse, c.by, RECEIVED, CASE, c.declared, "works with the respondent")


def _noticed(m: Memory, c: Cast) -> None:
    _received(m, c)
    m.act(reports.notify_council, c.by, RECEIVED, CASE)


def _committee(m: Memory, c: Cast) -> None:
    _noticed(m, c)
    m.act(committee.form, c.by, RECEIVED, CASE, ["fay", "gus", "hal"])


def _shared(m: Memory, c: Cast) -> None:
    _committee(m, c)
    m.act(reports.share, c.by, "2026-01-11", CASE)


def _reviewed(m: Memory, c: Cast) -> None:
    _shared(m, c)
    m.act(reports.review, c.by, REVIEW, CASE, date(2026, 1, 22))


def _warning(m: Memory, c: Cast) -> None:
    _reviewed(m, c)
    proposed(m, CASE, "2026-01-22T18:30:00+00:00", by=c.by)


def _enacted_warning(m: Memory, c: Cast) -> None:
    _warning(m, c)
    m.act(sanctions.enact, c.by, "2026-01-22T18:40:00+00:00", "S-2026-0001", None)


def _lifetime(m: Memory, c: Cast) -> None:
    _reviewed(m, c)
    when = "2026-01-22T18:30:00+00:00"
    proposed(m, CASE, when, "lifetime_ban", None, "Threats", "Threats", by=c.by)


def _ban(m: Memory, c: Cast) -> None:
    _reviewed(m, c)
    proposed(m, CASE, "2026-01-22T18:30:00+00:00", "ban", "3 months", "Doxing", "Doxing", c.by)
    m.act(sanctions.enact, c.by, "2026-01-22T18:40:00+00:00", "S-2026-0001", None)


def _appealed(m: Memory, c: Cast) -> None:
    _ban(m, c)
    m.act(appeals.file, c.by, "2026-02-01", "S-2026-0001", "Disputes the facts")


S1 = "S-2026-0001"


@dataclass(frozen=True)
class Scenario:
    """A state where `step` is allowed, and the call that takes it as `actor` at `when`."""

    step: str
    setup: Setup
    when: str
    call: Callable[[Memory, str, str], Outcome]


def _do(action: Callable[..., Outcome], *args: Any) -> Callable[[Memory, str, str], Outcome]:
    return lambda m, actor, when: m.act(action, actor, when, *args)


SCENARIOS = [
    Scenario("report notify-council", _received, RECEIVED, _do(reports.notify_council, CASE)),
    Scenario("report share", _committee, "2026-01-11", _do(reports.share, CASE)),
    Scenario("report respond", _shared, "2026-01-12", _do(reports.respond, CASE, "I disagree")),
    Scenario(
        "committee form", _noticed, RECEIVED, _do(committee.form, CASE, ["fay", "gus", "hal"])
    ),
    Scenario("committee recuse", _committee, RECEIVED, _do(committee.recuse, CASE, "gus", None)),
    Scenario("report review", _shared, REVIEW, _do(reports.review, CASE, date(2026, 1, 22))),
    Scenario(
        "sanction propose",
        _reviewed,
        "2026-01-22T18:30:00+00:00",
        _do(sanctions.propose, CASE, None, None, None, None),
    ),
    Scenario(
        "sanction vote",
        _lifetime,
        "2026-01-22T18:35:00+00:00",
        lambda m, actor, when: m.act(sanctions.vote, actor, when, S1, None, True, False),
    ),
    Scenario(
        "sanction enact", _warning, "2026-01-22T18:40:00+00:00", _do(sanctions.enact, S1, None)
    ),
    Scenario("sanction reject", _warning, "2026-01-22T18:40:00+00:00", _do(sanctions.reject, S1)),
    Scenario(
        "apology delivered",
        _enacted_warning,
        "2026-01-25",
        _do(sanctions.apology_record, S1, True, None),
    ),
    Scenario(
        "apology refused",
        _enacted_warning,
        "2026-01-25",
        _do(sanctions.apology_record, S1, False, "Refused to apologise"),
    ),
    Scenario("appeal file", _ban, "2026-02-01", _do(appeals.file, S1, "Disputes the facts")),
    Scenario("appeal decide", _appealed, "2026-02-10", _do(appeals.decide, S1, "upheld", None, [])),
    Scenario(
        "appeal overturn",
        _appealed,
        "2026-02-10",
        _do(appeals.decide, S1, "overturned", None, []),
    ),
    Scenario("notify", _enacted_warning, "2026-01-23", _do(notify.notify, CASE, "offender", None)),
    Scenario("case close", _reviewed, "2026-01-23", _do(cases.close, CASE, "No breach found")),
    Scenario(
        "expunge", _ban, "2027-11-01", lambda m, actor, when: m.act(expunge.expunge, actor, when)
    ),
]
BY_STEP = {s.step: s for s in SCENARIOS}


def test_every_step_of_the_table_on_a_case_has_a_scenario() -> None:
    on_cases = {name for name, step in transitions.STEPS.items() if step.case_from}
    untested = on_cases - set(BY_STEP) - {"report new", "escalation", "escalation to a vote"}
    assert untested == set()


def _state(scenario: Scenario, cast: Cast = CAST) -> Memory:
    m = fresh()
    scenario.setup(m, cast)
    return m


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.step)
def test_a_member_with_no_conflict_takes_the_step_as_the_table_says(scenario: Scenario) -> None:
    m = _state(scenario)
    before = m.case(CASE)
    step = transitions.STEPS[scenario.step]
    outcome = scenario.call(m, "fay", scenario.when)
    change = outcome.change
    assert change is not None
    assert change.actor == "fay" and change.action == step.action
    if scenario.step == "expunge":
        assert [c.status for c in change.cases] == ["expunged"]
        assert {s.status for s in change.sanctions} == {"expunged"}
        return
    after = change.cases[0]
    assert change.case == CASE and change.trailers["Coc-Case"] == CASE
    assert after.status == (step.case_to or before.status)
    assert after.timeline[-1].action == step.event and after.timeline[-1].by == "fay"
    assert after.timeline[:-1] == before.timeline  # append-only
    if step.sanction_to:
        assert change.sanctions[0].status == step.sanction_to
    if step.sanction_from:
        assert change.sanction == change.sanctions[0].id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.step)
@pytest.mark.parametrize("actor", sorted(CONFLICTED))
def test_a_conflicted_person_is_refused_every_step(scenario: Scenario, actor: str) -> None:
    m = _state(scenario)
    with pytest.raises(RefusedError, match=CONFLICTED[actor]):
        scenario.call(m, actor, scenario.when)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.step)
def test_the_project_lead_is_refused_on_their_own_case(scenario: Scenario) -> None:
    """The lead included: a case about alice is received, and acted on, by other members."""
    m = _state(scenario, Cast(respondent="alice", by="hal"))
    with pytest.raises(RefusedError, match="alice is the respondent in COC-2026-0001"):
        scenario.call(m, "alice", scenario.when)


def test_the_lead_cannot_receive_a_report_about_themselves() -> None:
    with pytest.raises(RefusedError, match="alice is the respondent in COC-2026-0001"):
        received(fresh(), "alice", "hank", (), RECEIVED)
    with pytest.raises(RefusedError, match="alice is the reporter in COC-2026-0001"):
        received(fresh(), "hank", "alice", (), RECEIVED)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.step)
def test_someone_off_the_council_is_refused_every_step(scenario: Scenario) -> None:
    m = _state(scenario)
    role = transitions.ROLES[transitions.STEPS[scenario.step].role]
    with pytest.raises(RefusedError, match=f"frank is not {role}"):
        scenario.call(m, "frank", scenario.when)


def test_a_lead_off_the_council_records_reports_but_does_not_decide() -> None:
    zoe = Person(id="zoe", name="Zoe Example", email="zoe@example.org")
    m = fresh([zoe], roster={"project_lead": "zoe", "council": ["bob", "carol", "dan", "erin"]})
    case = received(m, "frank", "gina", (), RECEIVED, by="zoe")
    m.act(reports.notify_council, "zoe", RECEIVED, case)
    with pytest.raises(RefusedError, match="zoe is not a council member"):
        m.act(committee.form, "zoe", RECEIVED, case, ["bob", "carol", "dan"])


def test_a_witness_cannot_receive_the_report_either() -> None:
    m = fresh()
    with pytest.raises(RefusedError, match="bob is a witness in COC-2026-0001"):
        received(m, "frank", "gina", ("bob",), RECEIVED, by="bob")


# --- the member a step names is held to recusal too ----------------------------------------------


@pytest.mark.parametrize("member", ["dan", "erin", "carol", "bob"])
def test_a_conflicted_member_cannot_vote_sit_or_decide(member: str) -> None:
    m = _state(BY_STEP["sanction vote"])
    with pytest.raises(RefusedError, match=CONFLICTED[member]):
        m.act(sanctions.vote, "fay", "2026-01-22T18:35:00+00:00", S1, member, True, True)
    m = _state(BY_STEP["committee form"])
    with pytest.raises(RefusedError, match=CONFLICTED[member]):
        m.act(committee.form, "fay", RECEIVED, CASE, ["fay", "gus", member])
    m = _state(BY_STEP["appeal decide"])
    with pytest.raises(RefusedError, match=CONFLICTED[member]):
        m.act(appeals.decide, "fay", "2026-02-10", S1, "upheld", None, ["fay", member])


def test_a_recusal_takes_the_member_off_the_committee_until_it_is_formed_again() -> None:
    m = fresh()
    _noticed(m, CAST)
    m.act(committee.form, "alice", RECEIVED, CASE, ["fay", "gus", "hal"])
    outcome = m.act(committee.recuse, "alice", RECEIVED, CASE, "gus", "gus coaches the respondent")
    case = m.case(CASE)
    assert case.committee == ("fay", "hal") and "gus" in case.conflicts
    assert case.timeline[-1].note == "gus coaches the respondent"
    assert outcome.data["short"] == 1 and "form it again" in outcome.message
    assert "gus" not in outcome.change.subject + str(outcome.change.trailers)  # type: ignore[union-attr]
    m.act(reports.share, "alice", "2026-01-11", CASE)
    with pytest.raises(RefusedError, match="lacks 1 member"):
        m.act(reports.review, "alice", REVIEW, CASE, date(2026, 1, 22))
    with pytest.raises(RefusedError, match="gus has declared a conflict"):
        m.act(committee.form, "alice", RECEIVED, CASE, ["fay", "gus", "hal"])
    m.act(committee.form, "alice", "2026-01-12", CASE, ["fay", "hal", "alice"])
    m.act(reports.review, "alice", REVIEW, CASE, date(2026, 1, 22))


@pytest.mark.parametrize(
    ("member", "refusal"),
    [
        ("dan", "dan is the respondent"),
        ("gus", "already: nothing to declare"),
        ("frank", "not on the council"),
    ],
)
def test_what_cannot_be_declared(member: str, refusal: str) -> None:
    m = fresh()
    _committee(m, CAST)
    if member == "gus":
        m.act(committee.recuse, "alice", RECEIVED, CASE, "gus", None)
    with pytest.raises(Exception, match=refusal):
        m.act(committee.recuse, "alice", RECEIVED, CASE, member, None)


# --- statuses and the order of the process --------------------------------------------------------

WRONG = [
    ("report respond", _committee, "has not been shared with the reported person yet"),
    ("report review", _noticed, "has no committee yet"),
    ("sanction propose", _shared, "has not been reviewed at a meeting yet"),
    ("report notify-council", _noticed, "the council notice was already recorded on 2026-01-10"),
    ("report share", _shared, "sharing with the reported person was already recorded"),
    ("sanction enact", _enacted_warning, "S-2026-0001 is enacted; only a proposed sanction"),
    ("sanction reject", _enacted_warning, "S-2026-0001 is enacted; only a proposed sanction"),
    ("sanction vote", _enacted_warning, "votes are taken on a proposed sanction"),
    ("apology delivered", _warning, "S-2026-0001 is proposed; the apology is recorded"),
    ("appeal file", _appealed, "its appeal was already recorded on 2026-02-01"),
    ("appeal decide", _ban, "S-2026-0001 has no appeal to decide"),
]


@pytest.mark.parametrize(("step", "setup", "refusal"), WRONG, ids=[w[0] for w in WRONG])
def test_a_step_out_of_order_or_status_is_refused(step: str, setup: Setup, refusal: str) -> None:
    scenario = BY_STEP[step]
    m = fresh()
    setup(m, CAST)
    when = "2026-03-01" if step in ("appeal file", "appeal decide") else scenario.when
    if step == "report share":
        when = "2026-01-12"
    if step == "sanction vote":  # once the warning is enacted (18:40): before, it was proposed
        when = "2026-01-22T18:45:00+00:00"
    with pytest.raises(RefusedError, match=refusal):
        scenario.call(m, "fay", when)


def test_twice_is_once_too_many() -> None:
    m = _state(BY_STEP["apology refused"])
    BY_STEP["apology refused"].call(m, "fay", "2026-01-25")
    with pytest.raises(RefusedError, match="the apology was already recorded as refused"):
        m.act(sanctions.apology_record, "fay", "2026-01-26", S1, True, None)
    m = _state(BY_STEP["appeal decide"])
    BY_STEP["appeal decide"].call(m, "fay", "2026-02-10")
    with pytest.raises(RefusedError, match="already recorded"):
        m.act(appeals.decide, "fay", "2026-02-11", S1, "overturned", None, [])


def test_a_closed_case_takes_no_more_steps_of_incident_processing() -> None:
    m = _state(BY_STEP["case close"])
    BY_STEP["case close"].call(m, "fay", "2026-01-23")
    with pytest.raises(RefusedError, match="is already closed"):
        m.act(cases.close, "fay", "2026-01-24", CASE, None)
    with pytest.raises(RefusedError, match="is closed; nothing more can be recorded"):
        m.act(sanctions.propose, "fay", "2026-01-24", CASE, None, None, None, None)


def test_an_expunged_record_takes_no_step() -> None:
    m = _state(BY_STEP["expunge"])
    BY_STEP["expunge"].call(m, "fay", "2027-11-01")
    with pytest.raises(RefusedError, match="has been expunged"):
        m.act(notify.notify, "fay", "2027-11-02", CASE, "council", None)
    with pytest.raises(RefusedError, match="has been expunged"):
        m.act(appeals.file, "fay", "2027-11-02", S1, "too late")


def test_the_replay_of_every_scenario_finds_nothing() -> None:
    """validate replays the table the actions went through: what they recorded passes it."""
    for scenario in SCENARIOS:
        m = _state(scenario)
        scenario.call(m, "fay", scenario.when)
        snap = m.snap
        for case in snap.cases():
            if case.status == "expunged":
                continue
            mine = state.of_case(case, {s.id: s for s in snap.sanctions.all()})
            found = replay.replay(snap.policy, case, mine, snap.sanctions_of)
            assert list(found) == [], scenario.step


def test_every_status_change_of_the_table_is_one_an_action_makes() -> None:
    """No status is written but by the table: each (from, to) of a sanction is a step's."""
    pairs = {
        (f, s.sanction_to)
        for s in transitions.STEPS.values()
        for f in s.sanction_from
        if s.sanction_to
    }
    assert ("proposed", "enacted") in pairs and ("enacted", "overturned") in pairs
    assert not any(to == "withdrawn" for _, to in pairs)
    assert at("2026-01-10").tzinfo is not None


# --- SPEC §3 The review waits for the response or the 7 days ------------------------------------


def _shared_in_berlin(shared: str) -> Memory:
    """A case of a Berlin ledger shared at `shared` and not answered, with ordinary meetings on
    the days its 7 days end."""
    meetings = [{"date": day, "kind": "ordinary"} for day in ("2026-10-08", "2026-10-28")]
    m = fresh(timezone="Europe/Berlin", meetings=meetings)
    received(m, when="2026-09-30T09:00:00+00:00")
    m.act(committee.form, "alice", "2026-09-30T10:00:00+00:00", CASE, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", shared, CASE)
    return m


OCT_1, OCT_21 = "2026-10-01T11:00:00+02:00", "2026-10-21T11:00:00+02:00"
WAITS = [
    # issue 20: 09:00Z is 11:00 in Berlin, the very moment the 7 days end: still theirs
    (OCT_1, "2026-10-08T09:00:00+00:00", "has until 2026-10-08 11:00 CEST to respond"),
    (OCT_1, "2026-10-08T10:59:00+02:00", "has until 2026-10-08 11:00 CEST to respond"),
    (OCT_1, "2026-10-08T11:01:00+02:00", None),
    # `--at 2026-10-08`, a date alone: 00:00 in the policy's zone
    (OCT_1, "2026-10-08T00:00:00+02:00", "review after that \\(a date alone means 00:00"),
    # summer time ends on 2026-10-25: 7 days are 168 hours, so they end at 10:00 CET
    (OCT_21, "2026-10-28T10:00:00+01:00", "has until 2026-10-28 10:00 CET to respond"),
    (OCT_21, "2026-10-28T10:01:00+01:00", None),
]


@pytest.mark.parametrize(("shared", "review", "refusal"), WAITS)
def test_the_review_waits_until_the_seven_days_have_elapsed(
    shared: str, review: str, refusal: str | None
) -> None:
    m = _shared_in_berlin(shared)
    meeting = date.fromisoformat(review[:10])
    if refusal is None:
        m.act(reports.review, "alice", review, CASE, meeting)
        assert m.case(CASE).review_meeting == meeting
        return
    with pytest.raises(RefusedError, match=refusal):
        m.act(reports.review, "alice", review, CASE, meeting)


def test_validate_reports_a_review_recorded_before_the_seven_days_elapsed() -> None:
    """The same guard in the replay: a review event moved by hand to the last moment of the 7
    days is reported (CL058), at the event's `at`."""
    m = _shared_in_berlin(OCT_1)
    m.act(reports.review, "alice", "2026-10-08T11:01:00+02:00", CASE, date(2026, 10, 8))
    case = m.case(CASE)
    moved = evolve(case.timeline[-1], at=at("2026-10-08T09:00:00+00:00"))
    edited = evolve(case, timeline=(*case.timeline[:-1], moved))
    m.apply(Change("hand edit", "edit", "nobody", cases=(edited,)))
    found = [(p.code, p.message) for p in problems(m, "2026-10-09", "CL058")]
    assert found == [("CL058", "timeline[3]: reviewed refused by the gate: the reported person "
                      "has until 2026-10-08 11:00 CEST to respond and has not: review after "
                      f"that, or record their response first (`coc report respond {CASE}`)")]  # fmt: skip
