"""SPEC §3 Reinstatement (issue 20, point 1): a person is reinstated only when no ban of theirs is
in force. After bans back to back, the reinstatement item (`coc due` and its calendar, CL061), its
checklist, deadline and notice come at the end of the last one; under a lifetime ban, never; and
the letter says the record clears on the day `person show` says, by one rule.

In memory (tests/memory.py): frank's warning is escalated to a 3-month ban S-2026-0002 (26 January
to 26 April 2026); a second case's ban S-2026-0003 starts the day it ends.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocledger import queries
from cocledger.actions import appeals, notify, sanctions
from cocledger.core import reinstatement, rules
from cocledger.core.change import Change
from cocledger.core.models import Event, Sanction, evolve
from cocledger.core.wording import long_date
from cocledger.errors import RefusedError
from memory import COUNCIL, Memory, at, banned, fresh, problems, proposed, reviewed

FIRST_ENDS = "2026-04-26"


def second_case(m: Memory) -> str:
    """frank's second case, reviewed at the meeting of 12 February."""
    return reviewed(m, reporter="hank", when="2026-02-01T09:00:00+00:00", meeting="2026-02-12")


def told(m: Memory, case: str, sanction: str, when: str) -> None:
    """The offender told of the sanction's decision (`coc notify CASE --party offender`)."""
    outcome = m.act(notify.notify, "alice", when, case, "offender", sanction)
    assert outcome.data["template"] == "decision_offender"


def back_to_back(starts: str = FIRST_ENDS, tell: bool = True) -> tuple[Memory, str, str, str, str]:
    """S-2 (3 months, ends 26 April), then the 3rd offence, S-3 (6 months), enacted on 12
    February to start on `starts`: by default the day S-2 ends. `tell`: the offender is told of
    each ban the day after its decision."""
    m = fresh()
    case, _, first = banned(m)
    if tell:
        told(m, case, first, "2026-01-27")
    case2 = second_case(m)
    second = proposed(m, case2, "2026-02-12T18:30:00+00:00", conduct="Insults again")
    start = date.fromisoformat(starts)
    m.act(sanctions.enact, "alice", "2026-02-12T18:40:00+00:00", second, start)
    if tell:
        told(m, case2, second, "2026-02-13")
    return m, case, first, case2, second


def under_a_lifetime_ban() -> tuple[Memory, str, str, str, str]:
    """S-2 (ends 26 April), and from 12 February a lifetime ban S-3, voted by the full council."""
    m = fresh()
    case, _, first = banned(m)
    told(m, case, first, "2026-01-27")
    case2 = second_case(m)
    life = proposed(m, case2, "2026-02-12T18:30:00+00:00", "lifetime_ban", None,
                    "Threats of violence", "Threats of violence")  # fmt: skip
    for member in COUNCIL:
        m.act(sanctions.vote, member, "2026-02-12T18:35:00+00:00", life, None, True)
    m.act(sanctions.enact, "alice", "2026-02-12T18:40:00+00:00", life, None)
    return m, case, first, case2, life


def ends(m: Memory, when: str) -> list[tuple[str | None, object, bool]]:
    """`coc due`'s ban_ends items as (sanction, due, overdue)."""
    return [(i.sanction, i.due, i.overdue) for i in queries.due(m.snap, at(when))
            if i.kind == "ban_ends"]  # fmt: skip


def untold(m: Memory, when: str) -> list[str]:
    """CL061's findings about a ban's end."""
    return [p.message for p in problems(m, when, "CL061") if "ban ends" in p.message]


def test_back_to_back_bans_are_one_reinstatement_at_the_end_of_the_last() -> None:
    m, _, first, case2, second = back_to_back()
    assert ends(m, "2026-05-01") == [(second, date(2026, 10, 26), False)]
    assert untold(m, "2026-05-01") == []
    [item] = [i for i in queries.due(m.snap, at("2026-10-27")) if i.kind == "ban_ends"]
    assert (item.sanction, item.overdue) == (second, True) and first not in item.command
    assert item.command == f"coc notify {case2} --party offender --sanction {second}"
    assert any("reinstate as a registered user on slack" in c for c in item.checklist)
    assert len(untold(m, "2026-10-27")) == 1


def test_the_reinstatement_notice_at_the_end_of_the_chain_clears_the_item() -> None:
    m, _, _, case2, second = back_to_back()
    outcome = m.act(notify.notify, "alice", "2026-10-27", case2, "offender", second)
    assert outcome.data["template"] == "reinstatement"
    assert ends(m, "2026-10-28") == [] and untold(m, "2026-10-28") == []


def test_a_ban_ending_under_a_lifetime_ban_never_asks_for_reinstatement() -> None:
    m, *_ = under_a_lifetime_ban()
    for when in ("2026-04-26", "2026-05-01", "2031-01-01"):
        assert ends(m, when) == [] and untold(m, when) == []


def test_no_draft_tells_a_person_under_a_lifetime_ban_they_are_reinstated() -> None:
    m, case, first, _, life = under_a_lifetime_ban()
    with pytest.raises(RefusedError) as refused:
        notify.draft(m.snap, at("2026-05-01"), case, "offender")
    assert str(refused.value).startswith(f"{first} ended on {FIRST_ENDS}, but {life} is in "
                                         "force for life")  # fmt: skip
    # The notice of the first ban's decision, sent late, promises no reinstatement either.
    text = notify.draft(m.snap, at("2026-02-13"), case, "offender", first).drafts[0].text
    assert "reinstated" not in text and "a lifetime ban is in force then" in text


def test_the_draft_waits_for_the_last_ban_and_points_at_it() -> None:
    m, case, first, case2, second = back_to_back()
    with pytest.raises(RefusedError, match=f"{second} is in force until 2026-10-26"):
        notify.draft(m.snap, at("2026-05-01"), case, "offender")
    with pytest.raises(RefusedError) as later:
        notify.draft(m.snap, at("2026-10-27"), case, "offender", first)
    assert f"`coc notify {case2} --party offender --sanction {second}`" in str(later.value)
    head = m.snap
    with pytest.raises(RefusedError):
        m.act(notify.notify, "alice", "2026-05-01", case, "offender")
    assert m.snap is head  # refused: nothing recorded


def test_the_letter_and_person_show_give_the_record_one_date() -> None:
    """One rule (`rules.record`): the letter's "stays on your record until" is person show's
    record_clears_on. S-3 starts on 1 June, after a gap: frank is reinstated on 26 April, and
    his record, S-3 on it, clears on 1 June 2028, not on S-2's own expunges_on."""
    m, case, first, _, _ = back_to_back(starts="2026-06-01")
    shown = queries.person_view(m.snap, "frank", date(2026, 4, 27))["record_clears_on"]
    own = m.sanction(first).expunges_on
    assert (shown, own) == ("2028-06-01", date(2027, 10, 26))
    assert ends(m, "2026-04-27")[0][:2] == (first, date(2026, 4, 26))
    letter = notify.draft(m.snap, at("2026-04-27"), case, "offender").drafts[0].text
    assert "stays on your record until June 1, 2028" in letter
    assert long_date(own) not in letter


def test_a_decision_notice_promises_reinstatement_only_after_the_last_ban() -> None:
    m, case, first, _, _ = back_to_back()
    text = notify.draft(m.snap, at("2026-02-13"), case, "offender", first).drafts[0].text
    assert "It ends on April 26, 2026, but another ban is in force then" in text
    assert "reinstated once no ban is in force, on October 26, 2026" in text
    assert "stays on the record until April 26, 2028" in text  # S-3's end + 18 months
    assert "October 26, 2027" not in text  # S-2's own expunges_on


def test_a_lifetime_ban_overturned_on_appeal_brings_reinstatement_that_day() -> None:
    m, case, first, _, life = under_a_lifetime_ban()
    m.act(appeals.file, "alice", "2026-02-20", life, "Disputes the facts")
    assert ends(m, "2026-05-06") == []
    m.act(appeals.decide, "alice", "2026-05-07T18:00:00+00:00", life, "overturned", None, [])
    assert ends(m, "2026-05-07") == [(first, date(2026, 5, 7), False)]
    assert notify.draft(m.snap, at("2026-05-08"), case, "offender").template == "reinstatement"


# --- the rule itself, as a property ---------------------------------------------------------------

START = date(2026, 1, 1)


def ban(n: int, offset: int, days: int | None) -> Sanction:
    """An enacted ban of frank from START + offset, `days` long (None: for life)."""
    starts = START + timedelta(days=offset)
    return Sanction(
        id=f"S-2026-{n:04d}", case=f"COC-2026-{n:04d}", person="frank",
        kind="ban" if days else "lifetime_ban", offence=2, status="enacted",
        status_on=starts, decided_on=starts, enacted_on=starts, starts_on=starts,
        ends_on=starts + timedelta(days=days) if days else None,
    )  # fmt: skip


BANS = st.lists(
    st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(1, 30))), max_size=5
).map(lambda rows: [ban(n, offset, days) for n, (offset, days) in enumerate(rows, 1)])


@settings(max_examples=150, deadline=None)
@given(BANS)
def test_reinstatement_is_due_once_per_day_no_ban_is_in_force_after_one(
    bans: list[Sanction],
) -> None:
    """Each day a ban ends and none is in force has exactly one ban carrying its reinstatement;
    no other end of a ban carries one."""
    due = {b.id: reinstatement.due_on(bans, b) for b in bans}
    free_ends = {b.ends_on for b in bans if b.ends_on and not _held(bans, b.ends_on)}
    assert sorted(d for d in due.values() if d) == sorted(free_ends)
    for b in bans:
        if due[b.id] is not None:
            assert due[b.id] == b.ends_on and not _held(bans, b.ends_on)


def _held(bans: list[Sanction], day: date) -> bool:
    return any(rules.in_force(b, day) for b in bans)


def test_a_letter_never_says_until_and_then_nothing() -> None:
    """A proposal pending when the ban ends leaves the day the record clears unknown (its dates
    come with the decision): the letter says so, where it left the date blank (issue 20)."""
    m = fresh()
    case, _, first = banned(m)
    told(m, case, first, "2026-01-27")
    proposed(m, second_case(m), "2026-02-12T18:30:00+00:00", conduct="Insults again")
    assert queries.person_view(m.snap, "frank", date(2026, 4, 27))["record_clears_on"] is None
    letter = notify.draft(m.snap, at("2026-04-27"), case, "offender").drafts[0].text
    assert "stays on your record until a day not known yet: it depends on a decision" in letter
    assert "until ;" not in letter and "until  " not in letter


# --- a decision notice recorded late; the reinstatement notice judged by the gate -----------------


def offender_items(m: Memory, when: str) -> list[tuple[str, str | None, str]]:
    """`coc due`'s items owed to the offender by `when` (a ban's end listed ahead is not yet):
    (kind, sanction, command as printed)."""
    return [
        (i.kind, i.sanction, i.command)
        for i in queries.due(m.snap, at(when))
        if (i.kind == "notification" and i.party == "offender") or i.kind == "ban_ends"
        if i.due is not None and i.due <= date.fromisoformat(when)
    ]


def run_printed(m: Memory, when: str, command: str) -> str:
    """`coc notify CASE --party offender [--sanction S]`, as `coc due` printed it: its template."""
    words = command.split()
    assert words[:2] == ["coc", "notify"] and words[3:5] == ["--party", "offender"], command
    sanction = words[6] if words[5:6] == ["--sanction"] else None
    return str(m.act(notify.notify, "alice", when, words[2], "offender", sanction).data["template"])


@pytest.mark.parametrize("when", ["2026-04-27", "2026-10-27"])
def test_a_decision_never_told_is_told_late_by_the_command_due_prints(when: str) -> None:
    """Issue 20, point 1: never told of the first ban of a chain, the offender is owed its
    decision notice after it ended, under the next ban and after the chain: every command `coc
    due` prints for them is accepted as printed, and they are all cleared in the end (the
    decision notices first, the reinstatement of the last ban after them)."""
    m, case, first, _, second = back_to_back(tell=False)
    assert ("notification", first, f"coc notify {case} --party offender") in offender_items(m, when)
    sent: list[tuple[str, str]] = []
    for _ in range(5):
        items = offender_items(m, when)
        if not items:
            break
        _, sanction, command = items[0]
        sent.append((run_printed(m, when, command), str(sanction)))
    assert offender_items(m, when) == [] and untold(m, when) == []
    assert ("decision_offender", first) in sent and ("decision_offender", second) in sent
    assert [t for t, _ in sent].count("reinstatement") == (when == "2026-10-27")
    assert problems(m, when, "CL058", "CL093", "CL096") == []


def test_the_first_bans_decision_notice_is_the_decisions_after_the_chain() -> None:
    """The reviewer's ledger: S-3 told, S-2 never; at and after the chain's end the notice
    about S-2 is its decision notice, not a reinstatement (refused: S-3 carries it)."""
    m, case, first, case2, second = back_to_back(tell=False)
    told(m, case2, second, "2026-02-13")
    assert notify.draft(m.snap, at("2026-10-28"), case, "offender").template == "decision_offender"
    assert run_printed(m, "2026-10-28", f"coc notify {case} --party offender") == (
        "decision_offender"
    )
    assert offender_items(m, "2026-10-28") == [
        ("ban_ends", second, f"coc notify {case2} --party offender --sanction {second}")
    ]
    with pytest.raises(RefusedError, match=f"the reinstatement notice is about it.*{second}"):
        m.act(notify.notify, "alice", "2026-10-28", case, "offender", first, True)
    assert run_printed(m, "2026-10-28", offender_items(m, "2026-10-28")[0][2]) == "reinstatement"
    assert offender_items(m, "2026-10-28") == [] and untold(m, "2026-10-28") == []


def _notice_by_hand(m: Memory, case: str, sanction: str, when: str) -> None:
    """A `notified` event telling the offender they are reinstated, added to the file by hand."""
    notice = Event(
        at=at(when), action="notified", by="alice", party="offender", sanction=sanction,
        note="reinstatement",
    )  # fmt: skip
    before = m.case(case)
    m.apply(Change("hand edit", "edit", "nobody", cases=(
        evolve(before, timeline=(*before.timeline, notice)),)))  # fmt: skip


def test_validate_reports_a_reinstatement_notice_added_by_hand_mid_chain() -> None:
    """Issue 20, point 1: the gate judges the reinstatement notice (`guards.reinstatement_when_
    free`), so `validate`'s replay reports one the action would have refused: about S-2 while
    S-3 is in force, and about S-2 after the chain (S-3 carries it)."""
    m, case, first, _, second = back_to_back()
    _notice_by_hand(m, case, first, "2026-05-01")
    [found] = problems(m, "2026-05-02", "CL093")
    assert f"{second} is in force until 2026-10-26" in found.message
    assert problems(m, "2026-05-02", "CL058", "CL096") == []
    m, case, first, _, second = back_to_back()
    _notice_by_hand(m, case, first, "2026-10-27")
    [found] = problems(m, "2026-10-28", "CL093")
    assert "the reinstatement notice is about it" in found.message
    assert ends(m, "2026-10-28") == [(second, date(2026, 10, 26), True)]  # still owed


def test_validate_reports_a_reinstatement_notice_under_a_lifetime_ban() -> None:
    m, case, first, _, life = under_a_lifetime_ban()
    assert problems(m, "2026-05-02", "CL093") == []
    _notice_by_hand(m, case, first, "2026-05-01")
    [found] = problems(m, "2026-05-02", "CL093")
    assert f"{life} is in force for life" in found.message
    assert ends(m, "2026-05-02") == []
