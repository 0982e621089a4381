"""Issue 14.5: tampering `validate --base` catches (SPEC §6). A status changed by hand, a hand-made
commit that calls itself `coc expunge` and tombstones records still on record, and a history
rewritten under REF each used to pass; the legitimate versions of each still pass."""

from __future__ import annotations

from datetime import date

from casework import banned
from checkwork import WARNING_CASE, Located, commit_all, edit, line_of, located, validate
from cocledger.core.expiry import case_tombstone, sanction_tombstone
from cocledger.core.models import Case, SanctionsFile
from cocledger.store import yamlwrite
from cocledger.store.loader import parse_strictly
from conftest import LedgerRepo, reviewed_case

SANCTIONS = "sanctions.yaml"
POLICY = "policy.yaml"


def errors(problems: list[dict]) -> set[str]:
    return {p["code"] for p in problems if p["severity"] == "error"}


# --- a status changed by hand ---------------------------------------------------------------------


def test_a_ban_overturned_by_hand_without_an_appeal_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    line = edit(repo, SANCTIONS, "status: enacted", "status: overturned", after="id: S-2026-0002")
    commit_all(repo, "lift a ban", author="bob")
    problems = validate(repo, "--base", base, "--select", "CL089", expect=1)
    assert located(problems) == {Located("CL089", SANCTIONS, line)}
    assert "no appeal of it was decided overturned" in problems[0]["message"]


def test_an_overturn_with_forged_events_but_no_appeal_decided_is_caught(repo: LedgerRepo) -> None:
    """The case's timeline is given the events an appeal would record, the register no appeal:
    the replay finds the steps in order but the register without the appeal they record
    (CL058), and the history sees the status changed without its step (CL089)."""
    base = repo.head()
    line = edit(repo, SANCTIONS, "status: enacted", "status: overturned", after="id: S-2026-0002")
    events = "".join(
        f"  - at: '2026-02-2{day}T10:00:00Z'\n    action: {action}\n    by: bob\n"
        f"    sanction: S-2026-0002\n{note}"
        for day, action, note in (
            (7, "appeal_filed", ""),
            (8, "appeal_decided", "    note: overturned\n"),
        )
    )
    text = repo.read(WARNING_CASE)
    (repo.root / WARNING_CASE).write_text(text + events, encoding="utf-8")
    commit_all(repo, "lift a ban", author="bob")
    assert "CL058" in errors(validate(repo, expect=None))  # no appeal where the events say one
    problems = validate(repo, "--base", base, expect=1)
    assert Located("CL089", SANCTIONS, line) in located(problems)


def test_a_warning_escalated_by_hand_without_a_refused_apology_is_caught(
    ledger: LedgerRepo,
) -> None:
    case = reviewed_case(ledger)
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    base = ledger.head()
    line = edit(ledger, SANCTIONS, "status: enacted", "status: escalated")
    commit_all(ledger, "escalate", author="bob")
    problems = validate(ledger, "--base", base, "--select", "CL089", expect=1)
    assert located(problems) == {Located("CL089", SANCTIONS, line)}


def test_a_proposal_enacted_by_hand_without_its_event_is_caught(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    ledger.coc("sanction", "propose", case, "--at", "2026-01-22")
    base = ledger.head()
    line = edit(ledger, SANCTIONS, "status: proposed", "status: enacted")
    commit_all(ledger, "enact", author="bob")
    problems = validate(ledger, "--base", base, "--select", "CL089", expect=1)
    assert located(problems) == {Located("CL089", SANCTIONS, line)}
    assert "records no sanction_enacted event" in problems[0]["message"]


def test_every_status_the_actions_change_passes(ledger: LedgerRepo) -> None:
    """Enacted, escalated by a refused apology, overturned on appeal: each through its step."""
    case = reviewed_case(ledger)
    warning = ledger.coc("sanction", "propose", case, "--at", "2026-01-22", "--json").json
    base = ledger.head()
    ledger.coc("sanction", "enact", warning["sanction"], "--at", "2026-01-23")
    ban = ledger.coc(
        "apology", "record", warning["sanction"], "--refused", "--conduct", "Repeated insults",
        "--at", "2026-01-26", "--json",
    ).json["sanction"]  # fmt: skip
    ledger.coc("appeal", "file", ban, "--reason", "Too harsh", "--at", "2026-01-27")
    ledger.coc("appeal", "decide", ban, "--overturned", "--at", "2026-01-28")
    history = ("--select", "CL08", "--select", "CL09")
    assert validate(ledger, "--base", base, *history, expect=0) == []


# --- a commit that calls itself `coc expunge` --------------------------------------------------------


def _expunge_by_hand(
    repo: LedgerRepo, at: str, sanctions: tuple[str, ...] = (), cases: tuple[str, ...] = ()
) -> str:
    """The tool's own tombstones of the given records, written and committed by hand with the
    trailers of `coc expunge` (as its council member author would see nothing amiss)."""
    day = date.fromisoformat(at[:10])
    files = []
    if sanctions:
        register = parse_strictly(repo.read(SANCTIONS), SANCTIONS, SanctionsFile)
        entries = [
            sanction_tombstone(s, day) if s.id in sanctions else s for s in register.sanctions
        ]
        data = {"sanctions": [e.model_dump(mode="json", exclude_none=True) for e in entries]}
        (repo.root / SANCTIONS).write_text(yamlwrite.dump(data, repo.read(SANCTIONS)))
        files.append(SANCTIONS)
    for case_id in cases:
        path = f"cases/{case_id[4:8]}/{case_id}.yaml"
        tombstone = case_tombstone(parse_strictly(repo.read(path), path, Case))
        data = tombstone.model_dump(mode="json", exclude_none=True)
        (repo.root / path).write_text(yamlwrite.dump(data, repo.read(path)))
        files.append(path)
    repo.git("add", *files)
    trailers = f"Coc-Action: expunge\nCoc-Actor: alice\nCoc-At: {at}"
    ids = ", ".join((*sanctions, *cases))
    repo.git("commit", "-q", "-m", "expunge records", "-m", f"Expunged: {ids}", "-m", trailers)
    return repo.head()


def test_an_expunge_commit_that_tombstones_a_ban_in_force_is_caught(repo: LedgerRepo) -> None:
    base = repo.head()
    sha = _expunge_by_hand(repo, "2026-03-01T00:00:00+00:00", sanctions=("S-2026-0002",))
    problems = validate(repo, "--base", base, expect=1)
    status = line_of(repo, SANCTIONS, "status: expunged")
    assert Located("CL090", SANCTIONS, status) in located(problems)
    [found] = [p for p in problems if p["code"] == "CL090"]
    assert found["message"] == (
        f"S-2026-0002 was made a tombstone by the expunge commit {sha[:10]} of 2026-03-01, "
        "but it had not left the record then"
    )


def test_an_expunge_commit_that_tombstones_an_open_case_is_caught(ledger: LedgerRepo) -> None:
    case = reviewed_case(ledger)
    base = ledger.head()
    _expunge_by_hand(ledger, "2026-03-01T00:00:00+00:00", cases=(case,))
    path = f"cases/2026/{case}.yaml"
    problems = validate(ledger, "--base", base, expect=1)
    assert Located("CL090", path, line_of(ledger, path, "status: expunged")) in located(problems)


def test_a_forged_later_day_does_not_make_a_ban_due(repo: LedgerRepo) -> None:
    """Coc-At in the future of the commit (and of validate's moment) counts as the commit's time."""
    base = repo.head()
    _expunge_by_hand(repo, "2029-01-01T00:00:00+00:00", sanctions=("S-2026-0002",))
    problems = validate(repo, "--base", base, "--at", "2026-03-01", "--select", "CL090", expect=1)
    assert "of 2026-03-01, but it had not left the record then" in problems[0]["message"]


def _cleared_record(ledger: LedgerRepo) -> None:
    """Bans kept on record one month after they end; a 3-month ban from 2026-01-26 (escalated
    from a warning) whose record clears on 2026-05-26."""
    edit(
        ledger,
        POLICY,
        "record_retention_after_ban: 18 months",
        "record_retention_after_ban: 1 months",
    )
    commit_all(ledger, "policy: keep bans on record for one month")
    banned(ledger)


def test_a_real_expunge_commit_passes(ledger: LedgerRepo) -> None:
    _cleared_record(ledger)
    base = ledger.head()
    ledger.coc("expunge", "--at", "2026-06-01")
    problems = validate(ledger, "--base", base, "--at", "2026-06-01", expect=None)
    assert "CL090" not in {p["code"] for p in problems}


def test_the_same_tombstones_made_by_hand_on_their_day_pass(ledger: LedgerRepo) -> None:
    """Due is due, whoever writes the commit: the rule is what decides, not the tool."""
    _cleared_record(ledger)
    base = ledger.head()
    _expunge_by_hand(ledger, "2026-06-01T00:00:00+00:00", sanctions=("S-2026-0001", "S-2026-0002"))
    problems = validate(ledger, "--base", base, "--at", "2026-06-01", "--select", "CL090")
    assert problems == []


def test_a_hand_made_expunge_a_day_early_is_caught(ledger: LedgerRepo) -> None:
    _cleared_record(ledger)
    base = ledger.head()
    _expunge_by_hand(ledger, "2026-05-25T00:00:00+00:00", sanctions=("S-2026-0001", "S-2026-0002"))
    problems = validate(ledger, "--base", base, "--at", "2026-06-01", "--select", "CL090", expect=1)
    assert {p["message"].split()[0] for p in problems} == {"S-2026-0001", "S-2026-0002"}


# --- a history rewritten under REF ----------------------------------------------------------------


def test_a_base_that_is_no_longer_an_ancestor_is_caught(repo: LedgerRepo) -> None:
    """The base's last decision dropped by a rewrite (reset and a new commit in its place)."""
    repo.coc("meeting", "add", "2026-03-12", "--at", "2026-02-27")
    base = repo.head()
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.coc("meeting", "add", "2026-03-19", "--at", "2026-02-27")
    problems = validate(repo, "--base", base, expect=1)
    assert located(problems) == {Located("CL091", POLICY, 1)}
    assert problems[0]["message"].startswith(
        f"the history since {base} was rewritten: {base} is not an ancestor of HEAD"
    )


def test_a_branch_that_merged_its_base_passes(repo: LedgerRepo) -> None:
    repo.git("checkout", "-q", "-b", "pull-request")
    repo.coc("meeting", "add", "2026-03-12", "--at", "2026-02-27")
    repo.git("checkout", "-q", "main")
    repo.coc("person", "add", "kim", "--name", "Kim Example", "--at", "2026-02-27")
    repo.git("checkout", "-q", "pull-request")
    repo.git("merge", "-q", "--no-edit", "main")
    assert validate(repo, "--base", "main", expect=0) == []
