"""The three ways the policy was broken before the gate, end to end in a real ledger: a party on
the council acting on their own case, a stale proposal enacted, an ambiguous ledger answering
anyway. Each is refused (nothing committed), and `coc validate` reports a ledger made by hand
that holds it. Also `coc committee recuse`, from the command line to `coc due`."""

from __future__ import annotations

import pytest

from checkwork import commit_all, edit, line_of, validate
from conftest import SETUP_DAY, LedgerRepo, form_committee, reviewed_case

CASE = "COC-2026-0001"
RECEIVED = "2026-01-10T09:00:00+00:00"


def unchanged(ledger: LedgerRepo, head: str) -> None:
    """A refused action leaves the history and the work tree exactly as they were."""
    assert ledger.head() == head
    assert ledger.status() == ""


def refused(ledger: LedgerRepo, *args: str, actor: str, reason: str, code: int = 1) -> None:
    head = ledger.head()
    run = ledger.coc(*args, actor=actor, expect=code)
    assert reason in run.stderr and run.stderr.count("\n") == 1, run.stderr
    unchanged(ledger, head)


def dan_reported(ledger: LedgerRepo) -> None:
    """A report about dan, a council member, reviewed by a committee he is not on."""
    ledger.coc("meeting", "add", "2026-01-22", "--at", SETUP_DAY)
    ledger.coc(
        "report", "new", "--respondent", "dan", "--reporter", "gina", "--summary", "Insults",
        "--setting", "public", "--at", RECEIVED,
    )  # fmt: skip
    ledger.coc("report", "notify-council", CASE, "--at", RECEIVED)
    form_committee(ledger, CASE, RECEIVED, ("bob", "carol", "erin"))
    ledger.coc("report", "share", CASE, "--at", RECEIVED)


def test_a_respondent_on_the_council_never_acts_on_their_own_case(ledger: LedgerRepo) -> None:
    """SPEC §3 Recusal: every step of their case, whatever their role."""
    dan_reported(ledger)
    why = "dan is the respondent in COC-2026-0001"
    review = ("report", "review", CASE, "--meeting", "2026-01-22", "--at", "2026-01-22T18:00Z")
    refused(ledger, *review, actor="dan", reason=why)
    ledger.coc(*review)
    refused(
        ledger, "sanction", "propose", CASE, "--at", "2026-01-22T18:30Z", actor="dan", reason=why
    )
    ledger.coc(
        "sanction", "propose", CASE, "--kind", "ban", "--duration", "3 months",
        "--deviation-reason", "Repeated", "--conduct", "Insults", "--at", "2026-01-22T18:30Z",
    )  # fmt: skip
    for verb in ("enact", "reject"):
        refused(
            ledger, "sanction", verb, "S-2026-0001", "--at", "2026-01-23", actor="dan", reason=why
        )
    ledger.coc("sanction", "enact", "S-2026-0001", "--at", "2026-01-23")
    appeal = ("appeal", "file", "S-2026-0001", "--reason", "Unfair", "--at", "2026-01-24")
    refused(ledger, *appeal, actor="dan", reason=why)
    ledger.coc(*appeal)
    decide = ("appeal", "decide", "S-2026-0001", "--overturned", "--at", "2026-01-25")
    refused(ledger, *decide, actor="dan", reason=why)
    refused(
        ledger, "notify", CASE, "--party", "offender", "--at", "2026-01-25", actor="dan", reason=why
    )
    refused(ledger, "case", "close", CASE, "--at", "2026-01-25", actor="dan", reason=why)
    trail = ledger.git("log", "--format=%(trailers:key=Coc-Actor,valueonly)", "--", "cases")
    assert "dan" not in trail.split()


def test_validate_reports_a_step_recorded_by_the_respondent(ledger: LedgerRepo) -> None:
    """A commit made by hand in which dan enacts the ban on himself: CL057, and with --base the
    commit itself (CL088)."""
    dan_reported(ledger)
    base = ledger.head()
    ledger.coc("report", "review", CASE, "--meeting", "2026-01-22", "--at", "2026-01-22T18:00Z")
    path = f"cases/2026/{CASE}.yaml"
    line = line_of(ledger, path, "action: reviewed")
    edit(ledger, path, "by: alice", "by: dan", after="action: reviewed")
    commit_all(ledger, "review my own case", author="dan")
    found = validate(ledger, "--base", base, expect=1)
    codes = {(p["code"], p["file"]) for p in found}
    assert ("CL057", path) in codes and ("CL088", path) in codes
    conflicted = next(p for p in found if p["code"] == "CL057")
    assert conflicted["line"] == line - 1 and "dan" not in conflicted["message"]


def test_a_stale_proposal_is_refused_and_shown_against_the_ladder(ledger: LedgerRepo) -> None:
    """SPEC §3 A stale proposal: the 2nd proposal was an offence 2 only while the 1st stood."""
    first = reviewed_case(ledger)
    second = reviewed_case(ledger, reporter="hank", received="2026-01-11T09:00:00+00:00")
    warning = ledger.coc("sanction", "propose", first, "--at", "2026-01-22T18:30Z", "--json").json
    ban = ledger.coc(
        "sanction", "propose", second, "--conduct", "Insults", "--at", "2026-01-22T18:35Z",
        "--json",
    ).json  # fmt: skip
    assert (warning["offence"], ban["offence"], ban["duration"]) == (1, 2, "3 months")
    ledger.coc("sanction", "reject", warning["sanction"], "--at", "2026-01-23")
    refused(
        ledger, "sanction", "enact", ban["sanction"], "--at", "2026-01-23", actor="alice",
        reason="it was proposed as offence 2, ban of 3 months; on 2026-01-23 it is offence 1, "
        "for which the ladder gives warning",
    )  # fmt: skip
    ledger.coc("sanction", "reject", ban["sanction"], "--at", "2026-01-23")
    again = ledger.coc("sanction", "propose", second, "--at", "2026-01-23", "--json").json
    assert (again["offence"], again["kind"]) == (1, "warning")
    ledger.coc("sanction", "enact", again["sanction"], "--at", "2026-01-23")


def test_validate_reports_a_stale_proposal_enacted_by_hand(ledger: LedgerRepo) -> None:
    first = reviewed_case(ledger)
    second = reviewed_case(ledger, reporter="hank", received="2026-01-11T09:00:00+00:00")
    ledger.coc("sanction", "propose", first, "--at", "2026-01-22T18:30Z")
    ledger.coc("sanction", "propose", second, "--conduct", "Insults", "--at", "2026-01-22T18:35Z")
    ledger.coc("sanction", "reject", "S-2026-0001", "--at", "2026-01-22T19:00Z")
    edit(ledger, "sanctions.yaml", "status: proposed", "status: enacted", after="S-2026-0002")
    commit_all(ledger, "enact it anyway")
    codes = {p["code"] for p in validate(ledger, expect=1)}
    # a status no step recorded; the offence (2) was right when it was proposed at 18:35, the
    # first proposal standing then: a day holds no order, so validate does not call it wrong
    assert "CL058" in codes and "CL031" not in codes


def _duplicated_sanction(ledger: LedgerRepo) -> tuple[int, int]:
    """sanctions.yaml holding S-2026-0001 twice, as a bad merge leaves it."""
    text = ledger.read("sanctions.yaml")
    entry = text[text.index("  - id: S-2026-0001") :]
    (ledger.root / "sanctions.yaml").write_text(text + entry, encoding="utf-8")
    commit_all(ledger, "a bad merge")
    first = line_of(ledger, "sanctions.yaml", "id: S-2026-0001")
    return first, first + entry.count("\n")


@pytest.mark.parametrize(
    "args",
    [
        ("person", "show", "frank"),
        ("sanction", "enact", "S-2026-0001", "--at", "2026-01-23"),
        ("sanction", "show", "S-2026-0001"),
        ("due",),
        ("publish",),
        ("case", "list"),
    ],
)
def test_an_ambiguous_register_is_refused_naming_both_places(
    ledger: LedgerRepo, args: tuple[str, ...]
) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22T18:30Z")
    first, second = _duplicated_sanction(ledger)
    head = ledger.head()
    run = ledger.coc(*args, expect=2)
    assert f"sanctions.yaml:{second}:" in run.stderr and f"sanctions.yaml:{first}" in run.stderr
    assert "coc validate" in run.stderr and run.stderr.count("\n") == 1
    unchanged(ledger, head)


def test_validate_reports_the_ambiguous_ledgers(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22T18:30Z")
    _, second = _duplicated_sanction(ledger)
    copy = ledger.root / "cases" / "2026" / "COC-2026-0099.yaml"
    copy.write_text(ledger.read(f"cases/2026/{case}.yaml"), encoding="utf-8")
    commit_all(ledger, "a copied case")
    found = {(p["code"], p["file"], p["line"]) for p in validate(ledger, expect=1)}
    assert ("CL020", "sanctions.yaml", second) in found
    assert any(code == "CL021" and file.endswith("0099.yaml") for code, file, _ in found)


def test_a_copied_case_file_is_refused_naming_both_files(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    copy = ledger.root / "cases" / "2026" / "COC-2026-0099.yaml"
    copy.write_text(ledger.read(f"cases/2026/{case}.yaml"), encoding="utf-8")
    commit_all(ledger, "a copied case")
    for args in (("case", "show", "COC-2026-0099"), ("case", "list"), ("due",)):
        run = ledger.coc(*args, expect=2)
        assert "cases/2026/COC-2026-0099.yaml:" in run.stderr, args
        assert f"the case {case} is also at cases/2026/{case}.yaml:" in run.stderr
    assert ledger.coc("case", "show", case, "--json").json["id"] == case  # its own file is fine


def test_a_duplicated_person_is_refused_by_an_action(ledger: LedgerRepo) -> None:
    text = ledger.read("people.yaml")
    entry = text[text.index("  - id: frank") :].split("  - id:")[1]
    (ledger.root / "people.yaml").write_text(text + "  - id:" + entry, encoding="utf-8")
    commit_all(ledger, "frank twice")
    refused(
        ledger, "person", "add", "zed", "--name", "Zed", "--at", SETUP_DAY, actor="alice",
        reason="the id 'frank' is also at people.yaml:", code=2,
    )  # fmt: skip


def test_committee_recuse_from_the_command_line_to_due(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    before = int(ledger.git("rev-list", "--count", "HEAD"))
    ledger.coc(
        "committee", "recuse", case, "--member", "carol", "--reason", "Carol mentors frank",
        "--at", "2026-01-22T19:00Z", actor="carol",
    )  # fmt: skip
    assert int(ledger.git("rev-list", "--count", "HEAD")) == before + 1
    assert ledger.trailers() == {
        "Coc-Action": "committee recuse",
        "Coc-Case": case,
        "Coc-Actor": "carol",
        "Coc-At": "2026-01-22T19:00:00+00:00",
    }
    assert "Carol mentors" not in ledger.git("log", "-1", "--format=%B")
    items = [
        i
        for i in ledger.coc("due", "--at", "2026-01-23", "--json").json
        if i["kind"] == "committee"
    ]
    assert len(items) == 1 and items[0]["case"] == case and items[0]["overdue"]
    refused(
        ledger, "sanction", "propose", case, "--at", "2026-01-23", actor="carol",
        reason="carol has declared a conflict of interest in COC-2026-0001",
    )  # fmt: skip
    assert validate(ledger, "--at", "2026-01-23", "--select", "CL05") == []
    form_committee(ledger, case, "2026-01-23", ("bob", "dan", "erin"))
    items = ledger.coc("due", "--at", "2026-01-23", "--json").json
    assert not [i for i in items if i["kind"] == "committee"]
