"""SPEC §3 An anonymous reporter stays anonymous: the reported person and witnesses read a summary
the council wrote for them (`coc report share --summary-file`), never the report, and a text for
them that still holds a part of the reporter's name, id, e-mail or handles is refused, never
rewritten.

The action and the check run in memory (tests/memory.py); one end-to-end test runs the CLI in a
real git repository. Everyone here is fictional.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cocledger.actions import committee, notify, reports, sanctions
from cocledger.core import anonymity
from cocledger.core.change import Change
from cocledger.core.ids import case_path
from cocledger.core.models import Person, evolve
from cocledger.core.placeholders import ANONYMITY
from cocledger.errors import RefusedError
from conftest import SETUP_DAY, LedgerRepo
from memory import Memory, fresh, received

ZOE = Person(
    id="zqi",
    name="Zoë Qi",
    email="zoe.qi@example.org",
    handles={"forum": "@zoeq", "slack": "zq-ex"},
)
RAW = "Zoë Qi (@zoeq) saw Frank insult a newcomer in the forum."
SHARED = "In the forum, Frank Example insulted a newcomer. Qiang quoted the post later."
WHEN = "2026-01-10T09:00:00+00:00"


def anonymous(m: Memory, reporter: str = "zqi", again: bool = False) -> str:
    """A report whose reporter asked not to be named; its own summary names them (`again`:
    another one of the same moment, SPEC §3 The same thing twice)."""
    return received(m, "frank", reporter, ("hank",), WHEN, anonymous_reporter=True, summary=RAW,
                    again=again)  # fmt: skip


def refusal_of_share(m: Memory, case: str, text: str | None) -> RefusedError:
    before = m.snap
    with pytest.raises(RefusedError) as refused:
        m.act(reports.share, "alice", WHEN, case, text)
    assert m.snap is before and m.case(case).first("shared") is None
    return refused.value


def assert_names_no_one(text: str) -> None:
    """Nothing of Zoë's, in any form: the check's own eyes, and plain substrings."""
    assert anonymity.mentions(text, anonymity.terms_of(ZOE.id, ZOE, ())) == []
    folded = anonymity.fold(text)
    assert not [leak for leak in ("zoe", "zoe.qi@example.org", "zoeq", "zqi") if leak in folded]


# --- sharing ------------------------------------------------------------------------------------


def test_an_anonymous_report_is_not_shared_without_the_councils_summary() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    refused = refusal_of_share(m, case, None)
    assert refused.exit_code == 1
    assert f"coc report share {case} --summary-file F" in str(refused)


def test_the_councils_summary_is_kept_and_is_all_the_reported_person_reads() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    outcome = m.act(reports.share, "alice", WHEN, case, SHARED)
    assert m.case(case).shared_summary == SHARED and m.case(case).summary == RAW
    assert "the council's summary" in outcome.message
    (message,) = notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "offender").drafts
    assert SHARED in message.text and ANONYMITY in message.text
    assert "saw Frank insult" not in message.text
    assert_names_no_one(message.text)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Qi saw it; a member reported it.", "line 1 holds a part of the reporter's name"),
        ("ZOË was there.", "line 1 holds a part of the reporter's name"),
        ("Zoe\u0308 was there.", "line 1 holds a part of the reporter's name"),  # decomposed
        ("Zoe was there.", "line 1 holds a part of the reporter's name"),  # the accent left out
        ("Frank insulted a newcomer.\n\nzoë’s post was the one.", "line 3 holds a part of"),
        ("Posted by @ZoeQ.", "line 1 holds the reporter's forum handle"),
        ("Posted by zoeq on the forum.", "line 1 holds the reporter's forum handle"),
        ("zq-ex on slack", "line 1 holds the reporter's slack handle"),
        ("Write to ZOE.QI@EXAMPLE.ORG.", "line 1 holds the reporter's e-mail address"),
        ("As zqi put it, the thread went wrong.", "line 1 holds the reporter's id"),
    ],
)
def test_a_summary_that_still_names_the_reporter_is_refused(text: str, field: str) -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    refused = str(refusal_of_share(m, case, text))
    assert refused.startswith("--summary-file: ") and field in refused
    assert_names_no_one(refused)  # which field, never the name itself


def test_a_name_part_inside_another_word_and_the_respondents_own_name_pass() -> None:
    """'Qi' is not in 'Qiang'; a part the respondent's name shares names them too."""
    sam = Person(id="sam", name="Sam Example", email="sam@example.org")
    m = fresh([ZOE, sam])
    case = anonymous(m)
    m.act(reports.share, "alice", WHEN, case, SHARED + " Zoey and Qin agreed.")
    other = anonymous(m, reporter="sam")
    m.act(reports.share, "alice", WHEN, other, "Frank Example insulted a newcomer.")
    with pytest.raises(RefusedError, match="a part of the reporter's name"):
        m.act(reports.share, "alice", WHEN, anonymous(m, "sam", again=True), "Sam saw it.")


def test_a_named_reporter_is_shared_as_before_or_with_a_summary() -> None:
    m = fresh([ZOE])
    plain = received(m, "frank", "zqi", (), WHEN, summary=RAW)
    m.act(reports.share, "alice", WHEN, plain)
    assert m.case(plain).shared_summary is None
    (message,) = notify.draft(m.snap, datetime.fromisoformat(WHEN), plain, "offender").drafts
    assert RAW in message.text and ANONYMITY not in message.text
    worded = received(m, "frank", "zqi", (), WHEN, summary=RAW, again=True)
    m.act(reports.share, "alice", WHEN, worded, "Zoë Qi says you insulted a newcomer.")
    (message,) = notify.draft(m.snap, datetime.fromisoformat(WHEN), worded, "offender").drafts
    assert "Zoë Qi says" in message.text and RAW not in message.text


# --- drafts to the reported person and the witnesses ---------------------------------------------


def test_the_report_for_the_reported_person_waits_for_the_councils_summary() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    with pytest.raises(RefusedError) as refused:
        notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "offender")
    assert f"coc report share {case} --summary-file F" in str(refused.value)
    assert "newcomer" not in str(refused.value)


def test_a_template_naming_the_reporter_refuses_the_draft_and_says_which_file() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    m.act(reports.share, "alice", WHEN, case, SHARED)
    edited = m.snap.template("report_shared") + "\nReported by ZOË QI.\n"
    m.snap = dataclasses.replace(m.snap, templates={**m.snap.templates, "report_shared": edited})
    with pytest.raises(RefusedError) as refused:
        notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "offender")
    assert str(refused.value).startswith("templates/report_shared.txt: line ")
    assert "holds the reporter's name" in str(refused.value)
    assert_names_no_one(str(refused.value))


def test_a_handle_added_after_sharing_refuses_the_draft_at_the_shared_summary() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    m.act(reports.share, "alice", WHEN, case, SHARED + " The post was signed nz77.")
    handled = ZOE.model_copy(update={"handles": {**ZOE.handles, "github": "nz77"}})
    m.snap = m.snap.after(Change("person edit zqi", "person edit", "alice", people=(handled,)))
    with pytest.raises(RefusedError) as refused:
        notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "offender")
    assert str(refused.value).startswith(f"the shared_summary of {case_path(case)}: line 1 holds")
    assert "the reporter's github handle" in str(refused.value)


def decided(reporter: Person) -> tuple[Memory, str]:
    """An anonymous report taken to an enacted 1st-offence warning, with a witness."""
    m = fresh([reporter])
    case = received(m, "frank", reporter.id, ("hank",), WHEN, anonymous_reporter=True,
                    summary=RAW, setting="private")  # fmt: skip
    m.act(committee.form, "alice", WHEN, case, ["bob", "carol", "dan"])
    m.act(reports.share, "alice", WHEN, case, SHARED)
    m.act(reports.review, "alice", "2026-01-22T18:00:00+00:00", case, date(2026, 1, 22))
    proposal = m.act(sanctions.propose, "alice", "2026-01-22T18:30:00+00:00", case,
                     None, None, None, None).data["sanction"]  # fmt: skip
    m.act(sanctions.enact, "alice", "2026-01-22T18:40:00+00:00", proposal, None)
    return m, case


def test_witnesses_read_the_councils_summary_too() -> None:
    m, case = decided(ZOE)
    edited = m.snap.template("witnesses") + "\nWhat was reported: $summary\n"
    m.snap = dataclasses.replace(m.snap, templates={**m.snap.templates, "witnesses": edited})
    (message,) = notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "witnesses").drafts
    assert SHARED in message.text and "saw Frank insult" not in message.text
    assert_names_no_one(message.text)


def test_a_template_word_that_is_a_name_part_does_not_refuse_every_notice() -> None:
    """'...such as bans may be appealed' is the template's wording, not the reporter May."""
    may = Person(id="mayq", name="May Quill", email="may.quill@example.org")
    m, case = decided(may)
    (message,) = notify.draft(m.snap, datetime.fromisoformat(WHEN), case, "offender").drafts
    assert "may be appealed" in message.text and "Quill" not in message.text


def test_an_expunged_case_keeps_no_shared_summary() -> None:
    m = fresh([ZOE])
    case = anonymous(m)
    m.act(reports.share, "alice", WHEN, case, SHARED)
    tombstone = m.case(case).model_copy(update={"status": "expunged"})
    assert "shared_summary" not in tombstone.model_dump(mode="json")


# --- the check itself, over names from many scripts ----------------------------------------------

LETTER = st.characters(categories=["Lu", "Ll", "Lt", "Lo"]).filter(
    lambda c: anonymity.fold(c).isalnum()  # no letter that decomposes into words or marks
)
MARK = st.characters(categories=["Mn"])
PART = st.lists(st.tuples(LETTER, st.lists(MARK, max_size=2)), min_size=1, max_size=4).map(
    lambda letters: "".join(c + "".join(marks) for c, marks in letters)
)
NAME = st.lists(PART, min_size=1, max_size=3).map(" ".join)


def renderings(part: str) -> list[str]:
    """How a text may write a name part: composed or decomposed, in any case."""
    cases = [part, part.upper(), part.lower(), part.title()]
    return [unicodedata.normalize(form, c) for c in cases for form in ("NFC", "NFD")]


@settings(max_examples=60, deadline=None)
@given(name=NAME, index=st.integers(min_value=0, max_value=2))
def test_every_part_of_a_name_is_found_however_it_is_written(name: str, index: int) -> None:
    reporter = Person(id="rep-1", name=name)
    terms = anonymity.terms_of(reporter.id, reporter, ())
    part = name.split(" ")[index % len(name.split(" "))]
    for written in renderings(part):
        found = anonymity.mentions(f"0000 {written} 9999, they said.", terms)
        assert anonymity.NAME_PART in [m.field for m in found], (name, written)


@settings(max_examples=60, deadline=None)
@given(name=NAME, index=st.integers(min_value=0, max_value=2))
def test_a_part_of_a_name_inside_a_longer_word_is_not_a_mention(name: str, index: int) -> None:
    reporter = Person(id="rep-1", name=name)
    terms = anonymity.terms_of(reporter.id, reporter, ())
    part = name.split(" ")[index % len(name.split(" "))]
    folded = {t.folded for t in terms}
    for longer in (part + "zq", "zq" + part):
        assume(anonymity.fold(longer) not in folded)
        assert anonymity.mentions(f"0000 {longer} 9999", terms) == [], (name, longer)


# --- end to end ---------------------------------------------------------------------------------


def test_sharing_an_anonymous_report_through_the_cli_names_no_one(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    ledger.coc("person", "add", "zqi", "--name", "Zoë Qi", "--email", "zoe.qi@example.org",
               "--handle", "forum:@zoeq", "--handle", "slack:zq-ex", "--at", SETUP_DAY)  # fmt: skip
    case = ledger.coc("report", "new", "--respondent", "frank", "--reporter", "zqi",
                      "--anonymous-reporter", "--summary", RAW, "--at", WHEN,
                      "--json").json["case"]  # fmt: skip
    head = ledger.head()
    refused = ledger.coc("report", "share", case, "--at", WHEN, expect=1)
    assert "--summary-file F" in refused.stderr and refused.stderr.count("\n") == 1
    decomposed = tmp_path / "draft.txt"
    decomposed.write_text("Zoe\u0308 told us Frank insulted a newcomer.\n", encoding="utf-8")
    refused = ledger.coc("report", "share", case, "--summary-file", str(decomposed), "--at", WHEN,
                         expect=1)  # fmt: skip
    assert "--summary-file: line 1 holds a part of the reporter's name" in refused.stderr
    assert_names_no_one(refused.stderr)
    assert ledger.head() == head and ledger.status() == ""

    written = tmp_path / "shared.txt"
    written.write_text(SHARED + "\n", encoding="utf-8")
    ledger.coc("report", "share", case, "--summary-file", str(written), "--at", WHEN)
    message = ledger.git("log", "-1", "--format=%B")
    added = [line for line in ledger.git("show", "HEAD", "--format=").splitlines()
             if line.startswith("+")]  # fmt: skip
    assert_names_no_one(message + "\n".join(added))
    stored = yaml.safe_load(ledger.read(case_path(case)))["shared_summary"]
    assert stored == SHARED + "\n"
    assert_names_no_one(stored)
    draft = ledger.coc("notify", case, "--party", "offender", "--draft").stdout
    assert SHARED in draft and "saw Frank insult" not in draft
    assert_names_no_one(draft)
    assert ledger.status() == ""


def test_validate_reports_an_anonymous_report_shared_without_the_councils_summary() -> None:
    """CL059: a ledger that holds one (a hand edit, an older ledger) is checked by the council."""
    from memory import problems

    m = fresh([ZOE])
    case = anonymous(m)
    m.act(reports.share, "alice", WHEN, case, SHARED)
    assert problems(m, "2026-01-12", "CL059") == []
    edited = evolve(m.case(case), shared_summary=None)  # as a hand edit would leave it
    m.snap = m.snap.after(
        Change("hand edit", "edit", "alice", datetime.fromisoformat(WHEN), cases=(edited,))
    )
    (found,) = problems(m, "2026-01-12", "CL059")
    assert (found.code, found.severity) == ("CL059", "warning")
    assert "without the council's summary" in found.message and "Zo" not in found.message
