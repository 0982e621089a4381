"""The policy as pure functions (rules.py), table by table, with models built in Python (no git).

Rows read against the breaches policy: the ladder, the record window of SPEC §3, the deadlines of
Incident processing, the full council's vote, conflicts of interest and roles.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from cocledger.core import council, rules
from cocledger.core.defaults import policy_text
from cocledger.core.durations import Duration, parse_duration
from cocledger.core.models import Case, CaseDeadlines, Event, Policy, Sanction, Vote, evolve
from cocledger.store import yamlio

COUNCIL = ["alice", "bob", "carol", "dan", "erin"]
UTC_NOON = "T12:00:00+00:00"


def make_policy(**changes: Any) -> Policy:
    """The Mautic policy as `coc init` writes it, with a five-member council and some meetings."""
    data = yamlio.load_fast(policy_text("Mautic", "alice", "info@example.org"), "policy.yaml")
    data["roster"]["council"] = list(COUNCIL)
    return Policy.model_validate({**data, **changes})


MAUTIC = make_policy()


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text if "T" in text else text + UTC_NOON)


def sanction(
    number: int,
    kind: str,
    decided: str,
    duration: str | None = None,
    status: str = "enacted",
    status_on: str | None = None,
    starts: str | None = None,
    person: str = "frank",
    policy: Policy = MAUTIC,
) -> Sanction:
    """A sanction of the register; an enacted one starts the day it is decided unless told."""
    length = parse_duration(duration) if duration else None
    begins = d(starts or decided) if status in ("enacted", "escalated", "overturned") else None
    ends_on, expunges_on = rules.sanction_dates(policy, kind, length, begins)
    return Sanction(
        id=f"S-{decided[:4]}-{number:04d}",
        case=f"COC-{decided[:4]}-{number:04d}",
        person=person,
        kind=kind,  # type: ignore[arg-type]
        duration=length,
        offence=1,
        status=status,  # type: ignore[arg-type]
        status_on=d(status_on or decided),
        decided_on=d(decided),
        starts_on=begins,
        ends_on=ends_on,
        expunges_on=expunges_on,
    )


def case(**changes: Any) -> Case:
    fields: dict[str, Any] = {
        "id": "COC-2026-0001",
        "received_at": at("2026-01-10T09:00:00+00:00"),
        "received_by": "alice",
        "reporter": "gina",
        "respondent": "frank",
        "deadlines": CaseDeadlines(council_notice=at("2026-01-11T09:00:00+00:00")),
        **changes,
    }
    return Case(**fields)


def climb(count: int, policy: Policy = MAUTIC) -> list[Sanction]:
    """`count` sanctions of frank, each the ladder's rung, a month apart from 2026-01-01."""
    history: list[Sanction] = []
    for index in range(count):
        decided = date(2026, 1, 1) + timedelta(days=31 * index)
        rung = rules.rung_for(policy, index + 1)
        duration = str(rung.duration) if rung.duration else None
        history.append(sanction(index + 1, rung.kind, decided.isoformat(), duration, policy=policy))
    return history


# --- Proposed sanctions: the ladder --------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_record", "offence", "kind", "duration"),
    [
        (0, 1, "warning", None),  # 1st offence: warning to the offender, apology required
        (1, 2, "ban", "3 months"),  # 2nd offence: 3 month ban
        (2, 3, "ban", "6 months"),  # 3rd offence: 6 month ban
        (3, 4, "ban", "12 months"),  # 4th offence: 12 month ban
        (4, 5, "lifetime_ban", None),  # 5th offence: lifetime ban by full council vote
        (5, 5, "lifetime_ban", None),  # beyond the ladder: its top rung
        (8, 5, "lifetime_ban", None),
    ],
)
def test_every_rung_of_the_ladder(
    on_record: int, offence: int, kind: str, duration: str | None
) -> None:
    record = rules.record(MAUTIC, climb(on_record), "frank", d("2026-10-01"))
    assert record.offences_on_record == on_record
    assert record.offence == offence
    assert record.rung.kind == kind
    assert record.rung.duration == (parse_duration(duration) if duration else None)


def test_the_first_rung_requires_an_apology_and_a_refusal_escalates() -> None:
    first = rules.rung_for(MAUTIC, 1)
    assert (first.apology, first.refusal_escalates) == ("required", True)


def test_the_fifth_rung_is_decided_by_the_full_council_majority() -> None:
    assert rules.rung_for(MAUTIC, 5).vote == "full_council_majority"
    assert rules.rung_for(MAUTIC, 6) == rules.rung_for(MAUTIC, 5)


def test_another_persons_sanctions_do_not_count() -> None:
    history = climb(3)
    assert rules.record(MAUTIC, history, "gina", d("2026-10-01")).offence == 1


# --- the record window (SPEC §3 Offence number) -------------------------------------------------

WARNING_2020 = ("warning", "2020-01-06", None)
BAN_2020 = ("ban", "2020-02-01", "3 months")  # ends 2020-05-01, leaves the record 2021-11-01


@pytest.mark.parametrize(
    ("why", "history", "day", "offence"),
    [
        ("a warning alone never leaves the record", [WARNING_2020], "2026-10-01", 2),
        (
            "a ban stays on record 18 months after its end",
            [WARNING_2020, BAN_2020],
            "2021-10-31",
            3,
        ),
        ("then the levels reset to the 1st offence", [WARNING_2020, BAN_2020], "2021-11-01", 1),
        (
            "the warning before the ban leaves with it",
            [WARNING_2020, BAN_2020, ("warning", "2022-03-01", None)],
            "2022-04-01",
            2,
        ),
        (
            "every ban in the window must have left the record",
            [WARNING_2020, BAN_2020, ("ban", "2020-06-01", "6 months")],  # 2nd: out 2022-06-01
            "2022-05-31",
            4,
        ),
        (
            "once the last ban has left, the window clears",
            [WARNING_2020, BAN_2020, ("ban", "2020-06-01", "6 months")],
            "2022-06-01",
            1,
        ),
        (
            "a window that cleared before a new sanction starts afresh",
            [
                WARNING_2020,
                BAN_2020,
                ("warning", "2021-11-01", None),
                ("ban", "2022-01-03", "3 months"),
            ],
            "2022-06-01",
            3,
        ),
        (
            "a ban decided before the window cleared keeps it open",
            [WARNING_2020, BAN_2020, ("ban", "2021-10-31", "3 months")],
            "2021-11-01",
            4,
        ),
        ("a lifetime ban never expires", [("lifetime_ban", "2020-01-06", None)], "2060-01-01", 2),
    ],
)
def test_the_record_window(
    why: str, history: list[tuple[str, str, str | None]], day: str, offence: int
) -> None:
    sanctions = [sanction(i + 1, *row) for i, row in enumerate(history)]
    assert rules.record(MAUTIC, sanctions, "frank", d(day)).offence == offence, why


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "overturned"])
def test_a_stopped_sanction_does_not_count(status: str) -> None:
    stopped = sanction(1, "warning", "2026-01-06", status=status, status_on="2026-01-20")
    assert rules.record(MAUTIC, [stopped], "frank", d("2026-02-01")).offence == 1


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "overturned"])
def test_a_stopped_sanction_counted_until_the_day_it_stopped(status: str) -> None:
    """status_on lets history be recomputed: before it was stopped, it was on the record."""
    stopped = sanction(1, "warning", "2026-01-06", status=status, status_on="2026-01-20")
    assert rules.record(MAUTIC, [stopped], "frank", d("2026-01-19")).offence == 2


def test_a_proposed_sanction_counts() -> None:
    proposed = sanction(1, "warning", "2026-01-06", status="proposed")
    assert rules.record(MAUTIC, [proposed], "frank", d("2026-01-07")).offence == 2


def test_an_escalated_warning_counts() -> None:
    escalated = sanction(1, "warning", "2026-01-06", status="escalated")
    assert rules.record(MAUTIC, [escalated], "frank", d("2026-01-20")).offence == 2


def test_the_record_on_a_past_day_holds_nothing_decided_later() -> None:
    later = sanction(1, "warning", "2026-01-22")
    assert rules.record(MAUTIC, [later], "frank", d("2026-01-21")).offence == 1
    assert rules.record(MAUTIC, [later], "frank", d("2026-01-22")).offence == 2


def test_a_stored_offence_is_recomputed_as_it_stood_when_decided() -> None:
    """validate recomputes: a sanction's offence counts only what was decided before it."""
    first, second, third = climb(3)
    later_rejected = sanction(9, "ban", "2026-01-20", "3 months", "rejected", "2026-03-01")
    sanctions = [first, later_rejected, second, third]
    day = second.decided_on
    assert rules.record(MAUTIC, sanctions, "frank", day, subject=second).offence == 3
    assert rules.record(MAUTIC, sanctions, "frank", third.decided_on, subject=third).offence == 3


def test_sanctions_of_the_same_day_are_ordered_by_id() -> None:
    warning = sanction(1, "warning", "2026-01-06", status="escalated")
    ban = sanction(2, "ban", "2026-01-06", "3 months")
    record = rules.record(MAUTIC, [ban, warning], "frank", d("2026-01-06"), subject=ban)
    assert record.window == (warning,)


@pytest.mark.parametrize(
    ("why", "history", "clears_on"),
    [
        ("nothing on record", [], None),
        ("a warning alone", [WARNING_2020], None),
        ("the ban's expunges_on", [WARNING_2020, BAN_2020], "2021-11-01"),
        (
            "the last ban's",
            [WARNING_2020, BAN_2020, ("ban", "2020-06-01", "6 months")],
            "2022-06-01",
        ),
        ("a lifetime ban", [WARNING_2020, ("lifetime_ban", "2020-02-01", None)], None),
    ],
)
def test_record_clears_on(
    why: str, history: list[tuple[str, str, str | None]], clears_on: str | None
) -> None:
    sanctions = [sanction(i + 1, *row) for i, row in enumerate(history)]
    record = rules.record(MAUTIC, sanctions, "frank", d("2021-01-01"))
    assert record.clears_on == (d(clears_on) if clears_on else None), why


def test_a_proposed_ban_has_no_end_so_the_record_cannot_clear_yet() -> None:
    sanctions = [
        sanction(1, *WARNING_2020),
        sanction(2, "ban", "2020-02-01", "3 months", status="proposed"),
    ]
    record = rules.record(MAUTIC, sanctions, "frank", d("2030-01-01"))
    assert (record.offence, record.clears_on) == (3, None)


def test_a_community_may_let_warnings_leave_the_record() -> None:
    policy = make_policy(record_retention_after_warning="12 months")
    warning = sanction(1, "warning", "2026-01-06", policy=policy)
    assert warning.expunges_on == d("2027-01-06")
    assert rules.record(policy, [warning], "frank", d("2027-01-05")).offence == 2
    assert rules.record(policy, [warning], "frank", d("2027-01-06")).offence == 1


def test_expired_sanctions_are_the_whole_cleared_window() -> None:
    gone = [sanction(1, *WARNING_2020), sanction(2, *BAN_2020)]
    kept = sanction(3, "warning", "2020-03-01", person="gina")
    expired = rules.expired_sanctions(MAUTIC, [*gone, kept], d("2021-11-01"))
    assert [s.id for s in expired] == [s.id for s in gone]
    assert rules.expired_sanctions(MAUTIC, [*gone, kept], d("2021-10-31")) == []


# --- a sanction's dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "duration", "starts", "ends_on", "expunges_on"),
    [
        ("ban", "3 months", "2026-06-06", "2026-09-06", "2028-03-06"),
        ("ban", "6 months", "2026-08-31", "2027-02-28", "2028-08-28"),
        ("ban", "12 months", "2028-02-29", "2029-02-28", "2030-08-28"),
        ("lifetime_ban", None, "2026-06-06", None, None),
        ("warning", None, "2026-06-06", None, None),
        ("other", "10 days", "2026-06-06", "2026-06-16", "2027-12-16"),
        ("other", None, "2026-06-06", None, None),
    ],
)
def test_a_sanctions_dates(
    kind: str, duration: str | None, starts: str, ends_on: str | None, expunges_on: str | None
) -> None:
    length = parse_duration(duration) if duration else None
    dates = rules.sanction_dates(MAUTIC, kind, length, d(starts))
    assert dates == (d(ends_on) if ends_on else None, d(expunges_on) if expunges_on else None)


@pytest.mark.parametrize(
    ("day", "in_force"),
    [("2026-06-05", False), ("2026-06-06", True), ("2026-09-05", True), ("2026-09-06", False)],
)
def test_a_ban_is_in_force_from_starts_on_up_to_ends_on(day: str, in_force: bool) -> None:
    ban = sanction(1, "ban", "2026-06-06", "3 months")
    assert rules.in_force(ban, d(day)) is in_force
    assert (rules.active_ban([ban], "frank", d(day)) is ban) is in_force


def test_a_lifetime_ban_is_in_force_for_good_and_a_warning_never() -> None:
    assert rules.in_force(sanction(1, "lifetime_ban", "2026-06-06"), d("2090-01-01"))
    assert not rules.in_force(sanction(2, "warning", "2026-06-06"), d("2026-06-06"))
    assert not rules.in_force(
        sanction(3, "ban", "2026-06-06", "3 months", "proposed"), d("2026-07-01")
    )


# --- deadlines (Incident processing) --------------------------------------------------------------


def test_the_council_is_to_be_notified_24_hours_after_receipt() -> None:
    due = rules.council_notice_due(at("2026-01-10T09:30:00+00:00"), MAUTIC)
    assert due == at("2026-01-11T09:30:00+00:00")


def test_the_reported_person_has_7_days_from_sharing() -> None:
    assert rules.response_due(d("2026-01-28"), MAUTIC) == d("2026-02-04")


@pytest.mark.parametrize(
    ("response", "due", "review_from"),
    [
        (None, "2026-01-17", "2026-01-17"),  # no response: after the 7 days
        ("2026-01-12", "2026-01-17", "2026-01-12"),  # a response is sooner
        ("2026-01-20", "2026-01-17", "2026-01-17"),  # a late response changes nothing
    ],
)
def test_review_from_is_the_earlier_of_response_and_due(
    response: str | None, due: str, review_from: str
) -> None:
    assert rules.review_from(d(response) if response else None, d(due)) == d(review_from)


MEETINGS = [
    {"date": "2026-01-15", "kind": "ordinary"},
    {"date": "2026-01-20", "kind": "extraordinary"},
    {"date": "2026-01-22", "kind": "ordinary"},
    {"date": "2026-02-05", "kind": "ordinary"},
]


@pytest.mark.parametrize(
    ("earliest", "serious", "meeting"),
    [
        ("2026-01-12", False, "2026-01-15"),
        ("2026-01-15", False, "2026-01-15"),  # on or after: the same day will do
        ("2026-01-17", False, "2026-01-22"),  # the extraordinary one is not for ordinary cases
        ("2026-01-17", True, "2026-01-20"),  # a serious case may go to the extraordinary one
        ("2026-01-12", True, "2026-01-15"),  # ...but an earlier ordinary meeting comes first
        ("2026-02-06", False, None),  # none scheduled
        ("2026-02-06", True, None),
    ],
)
def test_the_review_is_at_the_first_meeting_on_or_after_review_from(
    earliest: str, serious: bool, meeting: str | None
) -> None:
    policy = make_policy(meetings=MEETINGS)
    found = rules.review_meeting(policy, d(earliest), serious)
    assert (found.date if found else None) == (d(meeting) if meeting else None)


def test_no_meeting_scheduled_means_no_review_date() -> None:
    assert rules.review_meeting(MAUTIC, d("2026-01-01")) is None


def test_case_deadlines_follow_the_timeline() -> None:
    shared = Event(at=at("2026-01-10T15:00:00+00:00"), action="shared", by="alice")
    responded = Event(at=at("2026-01-13T08:00:00+00:00"), action="response_received", by="alice")
    deadlines = rules.case_deadlines(case(timeline=[shared, responded]), MAUTIC)
    assert deadlines.council_notice == at("2026-01-11T09:00:00+00:00")
    assert deadlines.respondent_response == d("2026-01-17")
    assert deadlines.review_from == d("2026-01-13")


def test_case_deadlines_before_sharing_have_no_response_due() -> None:
    deadlines = rules.case_deadlines(case(), MAUTIC)
    assert (deadlines.respondent_response, deadlines.review_from) == (None, None)


def test_the_apology_is_due_7_days_after_the_warning_takes_effect() -> None:
    assert rules.apology_due(d("2026-01-23"), MAUTIC) == d("2026-01-30")


# --- the full council's vote ---------------------------------------------------------------------


def lifetime(votes: list[tuple[str, str, str]]) -> Sanction:
    ban = sanction(5, "lifetime_ban", "2026-05-01", status="proposed")
    ballots = tuple(Vote(member=m, vote=v, at=at(when)) for m, v, when in votes)  # type: ignore[arg-type]
    return evolve(ban, votes=ballots)


def yes(*members: str) -> list[tuple[str, str, str]]:
    return [(m, "yes", "2026-05-02") for m in members]


def no(*members: str) -> list[tuple[str, str, str]]:
    return [(m, "no", "2026-05-02") for m in members]


@pytest.mark.parametrize(
    ("rule", "votes", "passed", "missing"),
    [
        ("full_council_majority", yes(*COUNCIL), True, ()),
        ("full_council_majority", yes("alice", "bob", "carol") + no("dan", "erin"), True, ()),
        ("full_council_majority", yes("alice", "bob") + no("carol", "dan", "erin"), False, ()),
        ("full_council_majority", yes("alice", "bob", "carol"), False, ("dan", "erin")),
        ("full_council_majority", [], False, tuple(COUNCIL)),
        ("full_council_unanimous", yes(*COUNCIL), True, ()),
        ("full_council_unanimous", yes("alice", "bob", "carol", "dan") + no("erin"), False, ()),
    ],
)
def test_the_tally(
    rule: str, votes: list[tuple[str, str, str]], passed: bool, missing: tuple[str, ...]
) -> None:
    policy = make_policy(
        ladder=[
            {"offence": 1, "kind": "warning"},
            {"offence": 2, "kind": "lifetime_ban", "vote": rule},
        ]
    )
    result = council.tally(policy, lifetime(votes), case())
    assert (result.passed, result.missing, result.rule) == (passed, missing, rule)


def test_a_tie_is_not_a_majority() -> None:
    result = council.tally(
        MAUTIC, lifetime(yes("alice", "bob") + no("carol", "dan")), case(witnesses=["erin"])
    )
    assert (result.eligible, result.passed) == (("alice", "bob", "carol", "dan"), False)


def test_parties_do_not_vote_and_need_not_be_waited_for() -> None:
    """Bob reported it and Erin is conflicted: the other three decide."""
    the_case = case(reporter="bob", conflicts=["erin"])
    result = council.tally(
        MAUTIC, lifetime(yes("alice", "carol") + no("dan", "bob", "erin")), the_case
    )
    assert result.eligible == ("alice", "carol", "dan")
    assert (result.yes, result.no, result.missing, result.passed) == (
        ("alice", "carol"),
        ("dan",),
        (),
        True,
    )


def test_the_latest_vote_of_a_member_wins() -> None:
    votes = [
        ("dan", "yes", "2026-05-03"),
        ("dan", "no", "2026-05-02"),
        *yes("alice", "bob", "carol", "erin"),
    ]
    result = council.tally(MAUTIC, lifetime(votes), case())
    assert "dan" in result.yes and "dan" not in result.no


def test_only_a_rung_with_a_vote_needs_one() -> None:
    assert council.needs_vote(MAUTIC, lifetime([]))
    assert not council.needs_vote(MAUTIC, sanction(1, "ban", "2026-01-01", "3 months"))


# --- appeals (CoC §8) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "duration", "appealable"),
    [
        ("warning", None, False),
        ("ban", "3 months", True),
        ("lifetime_ban", None, True),
        ("other", None, False),
    ],
)
def test_only_bans_can_be_appealed(kind: str, duration: str | None, appealable: bool) -> None:
    assert council.appealable(MAUTIC, sanction(1, kind, "2026-01-01", duration)) is appealable


# --- conflicts of interest ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "changes", "problem"),
    [
        (["bob", "carol", "dan"], {}, None),
        (["bob", "carol"], {}, "needs at least 3 members, got 2"),
        (["bob", "carol", "hank"], {}, "not on the council: hank"),
        (
            ["bob", "carol", "dan"],
            {"witnesses": ["dan"]},
            "dan is a witness in COC-2026-0001",
        ),
        (
            ["bob", "carol", "dan"],
            {"conflicts": ["carol"]},
            "carol has declared a conflict of interest in COC-2026-0001",
        ),
        (
            ["bob", "carol", "dan"],
            {"respondent": "bob"},
            "bob is the respondent in COC-2026-0001",
        ),
        (
            ["bob", "carol", "dan"],
            {"reporter": "dan"},
            "dan is the reporter in COC-2026-0001",
        ),
        (["bob", "bob", "carol"], {}, "a member is listed twice"),
    ],
)
def test_committee_problems(
    members: list[str], changes: dict[str, Any], problem: str | None
) -> None:
    problems = council.committee_problems(MAUTIC, case(**changes), members)
    assert (problem in problems) if problem else problems == []


def test_the_committee_size_comes_from_the_policy() -> None:
    policy = make_policy(committee={"min_size": 2})
    assert council.committee_problems(policy, case(), ["bob", "carol"]) == []


# --- Other sanctions: deviations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offence", "kind", "duration", "deviation"),
    [
        (1, "warning", None, False),
        (2, "ban", "3 months", False),
        (2, "ban", "6 months", True),
        (2, "ban", "90 days", True),
        (2, "other", "3 months", True),
        (3, "warning", None, True),
        (5, "lifetime_ban", None, False),
        (1, "lifetime_ban", None, True),  # CoC §6: expulsion without warning is a deviation
    ],
)
def test_is_deviation(offence: int, kind: str, duration: str | None, deviation: bool) -> None:
    rung = rules.rung_for(MAUTIC, offence)
    length = parse_duration(duration) if duration else None
    assert rules.is_deviation(rung, kind, length) is deviation


# --- another community: no number of the policy is in the code -----------------------------------

COVENANT = make_policy(
    community="Elsewhere",
    deadlines={"council_notice": "48 hours", "respondent_response": "14 days", "apology": "3 days"},
    record_retention_after_ban="12 months",
    ladder=[
        {"offence": 1, "kind": "warning"},
        {"offence": 2, "kind": "ban", "duration": "30 days"},
        {"offence": 3, "kind": "lifetime_ban"},
    ],
    committee={"min_size": 2},
    appeals={"allowed_for": ["lifetime_ban"]},
)


@pytest.mark.parametrize(
    ("on_record", "kind", "duration"),
    [
        (0, "warning", None),
        (1, "ban", Duration(30, "days")),
        (2, "lifetime_ban", None),
        (3, "lifetime_ban", None),
    ],
)
def test_a_contributor_covenant_ladder(
    on_record: int, kind: str, duration: Duration | None
) -> None:
    record = rules.record(COVENANT, climb(on_record, COVENANT), "frank", d("2026-03-20"))
    assert (record.rung.kind, record.rung.duration) == (kind, duration)


def test_a_contributor_covenant_ban_leaves_the_record_after_12_months() -> None:
    history = [
        sanction(1, "warning", "2026-01-05", policy=COVENANT),
        sanction(2, "ban", "2026-01-10", "30 days", policy=COVENANT),
    ]
    assert (history[1].ends_on, history[1].expunges_on) == (d("2026-02-09"), d("2027-02-09"))
    assert rules.record(COVENANT, history, "frank", d("2027-02-08")).offence == 3
    assert rules.record(COVENANT, history, "frank", d("2027-02-09")).offence == 1


def test_a_contributor_covenant_policy_sets_its_own_deadlines_and_rules() -> None:
    assert rules.council_notice_due(at("2026-01-10T09:00:00+00:00"), COVENANT) == at(
        "2026-01-12T09:00:00+00:00"
    )
    assert rules.response_due(d("2026-01-10"), COVENANT) == d("2026-01-24")
    assert rules.apology_due(d("2026-01-10"), COVENANT) == d("2026-01-13")
    assert not council.needs_vote(
        COVENANT, sanction(3, "lifetime_ban", "2026-01-10", policy=COVENANT)
    )
    assert not council.appealable(
        COVENANT, sanction(2, "ban", "2026-01-10", "30 days", policy=COVENANT)
    )
    assert council.committee_problems(COVENANT, case(), ["bob", "carol"]) == []
