"""Setting a ledger up: init with the Mautic defaults, people, the council roster, meetings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cocledger.cli.main import app
from cocledger.core.durations import parse_duration
from cocledger.core.models import Policy
from cocledger.store import yamlio
from conftest import SETUP_DAY, LedgerRepo


def policy_of(ledger: LedgerRepo) -> Policy:
    return Policy.model_validate(yamlio.load_fast(ledger.read("policy.yaml"), "policy.yaml"))


def people_of(ledger: LedgerRepo) -> dict[str, dict]:
    return {p["id"]: p for p in yaml.safe_load(ledger.read("people.yaml"))["people"]}


def one_commit(ledger: LedgerRepo, head: str, action: str, actor: str = "alice") -> None:
    assert ledger.git("rev-parse", "HEAD~1").strip() == head
    assert ledger.trailers_at()[0] == {"Coc-Action": action, "Coc-Actor": actor}
    assert ledger.status() == ""


def unchanged(ledger: LedgerRepo, head: str) -> None:
    assert (ledger.head(), ledger.status()) == (head, "")


# --- init ---------------------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> LedgerRepo:
    repo = LedgerRepo(tmp_path / "new")
    repo.coc("init", str(repo.root), "--lead", "alice", "--name", "Alice Ashdown")
    return repo


def test_init_writes_the_mautic_policy(fresh: LedgerRepo) -> None:
    policy = policy_of(fresh)
    assert (policy.community, policy.timezone) == ("Mautic", "UTC")
    assert (policy.roster.project_lead, policy.roster.council) == ("alice", ("alice",))
    assert policy.committee.min_size == 3
    assert policy.deadlines.council_notice == parse_duration("24 hours")
    assert policy.deadlines.respondent_response == parse_duration("7 days")
    assert policy.deadlines.apology == parse_duration("7 days")
    assert policy.record_retention_after_ban == parse_duration("18 months")
    assert policy.record_retention_after_warning is None
    assert [
        (r.offence, r.kind, str(r.duration) if r.duration else None, r.apology, r.vote)
        for r in policy.ladder
    ] == [
        (1, "warning", None, "required", None),
        (2, "ban", "3 months", None, None),
        (3, "ban", "6 months", None, None),
        (4, "ban", "12 months", None, None),
        (5, "lifetime_ban", None, None, "full_council_majority"),
    ]
    assert policy.ladder[0].refusal_escalates
    assert list(policy.appeals.allowed_for) == ["ban", "lifetime_ban"]
    assert list(policy.channels) == ["slack", "forum", "github", "events"]
    assert list(policy.categories) == [
        "violence-or-threats",
        "discriminatory-jokes-or-language",
        "doxing",
        "personal-insults",
        "intimidation-stalking-or-following",
        "advocating-the-above",
        "spam-solicitation",
        "sustained-disruption",
    ]


def test_init_is_one_commit_with_a_clean_tree(fresh: LedgerRepo) -> None:
    assert fresh.git("rev-list", "--count", "HEAD").strip() == "1"
    assert fresh.trailers_at()[0] == {"Coc-Action": "init", "Coc-Actor": "alice"}
    assert fresh.status() == ""
    files = fresh.git("ls-files").split()
    assert {"policy.yaml", "people.yaml", "sanctions.yaml", "cases/.gitkeep"} <= set(files)


def test_init_takes_the_leads_email_from_git(fresh: LedgerRepo) -> None:
    assert people_of(fresh)["alice"] == {
        "id": "alice",
        "name": "Alice Ashdown",
        "email": "alice@example.org",
        "handles": {},
    }


def test_init_refuses_a_directory_that_holds_a_ledger(fresh: LedgerRepo) -> None:
    head = fresh.head()
    run = fresh.coc("init", str(fresh.root), "--lead", "bob", expect=1)
    assert "already holds a ledger" in run.stderr
    unchanged(fresh, head)


def test_init_refuses_a_bad_lead_id(tmp_path: Path) -> None:
    run = LedgerRepo(tmp_path).coc("init", str(tmp_path / "x"), "--lead", "Alice Ashdown", expect=2)
    assert "'Alice Ashdown' is not a valid person id" in run.stderr
    assert not (tmp_path / "x" / "policy.yaml").exists()


def test_init_keeps_any_community_name_as_given(tmp_path: Path) -> None:
    repo = LedgerRepo(tmp_path / "c")
    name = 'Kübler & Co: "the # project"'
    repo.coc("init", str(repo.root), "--lead", "alice", "--community", name)
    assert policy_of(repo).community == name


def test_the_new_ledger_works_at_once(fresh: LedgerRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fresh.root)
    fresh.coc("person", "add", "frank", "--name", "Frank Example", "--at", SETUP_DAY)
    assert fresh.coc("person", "show", "frank", "--json").json["next_offence"] == 1


# --- person add ---------------------------------------------------------------------------------


def test_person_add_records_name_email_and_handles(ledger: LedgerRepo) -> None:
    head = ledger.head()
    ledger.coc(
        "person", "add", "jo.example", "--name", "Jo Example", "--email", "jo@example.org",
        "--handle", "slack:@jo", "--handle", "github: jo-ex", "--at", SETUP_DAY, actor="bob",
    )  # fmt: skip
    one_commit(ledger, head, "person add", actor="bob")
    assert people_of(ledger)["jo.example"] == {
        "id": "jo.example",
        "name": "Jo Example",
        "email": "jo@example.org",
        "handles": {"slack": "@jo", "github": "jo-ex"},
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("frank", "--name", "F"), 1, "'frank' is already in people.yaml"),
        (("jo", "--name", "J", "--email", "FRANK@example.org"), 1, "already has the email"),
        (("jo", "--name", "J", "--handle", "slack"), 2, "--handle 'slack': write CHANNEL:VALUE"),
        (("Jo", "--name", "J"), 2, "'Jo' is not a valid person id"),
        (("../jo", "--name", "J"), 2, "'../jo' is not a valid person id"),
    ],
)
def test_person_add_refuses(
    ledger: LedgerRepo, args: tuple[str, ...], code: int, message: str
) -> None:
    head = ledger.head()
    run = ledger.coc("person", "add", *args, "--at", SETUP_DAY, expect=code)
    assert message in run.stderr
    unchanged(ledger, head)


def test_a_name_with_markup_characters_is_shown_as_written(ledger: LedgerRepo) -> None:
    ledger.coc("person", "add", "jo", "--name", "Jo [/] [bold]Example", "--at", SETUP_DAY)
    assert "Jo [/] [bold]Example" in ledger.coc("person", "show", "jo").stdout


# --- the council roster ---------------------------------------------------------------------------


def test_council_add_puts_a_person_on_the_roster(ledger: LedgerRepo) -> None:
    head = ledger.head()
    ledger.coc("council", "add", "hank", "--at", SETUP_DAY)
    one_commit(ledger, head, "council add")
    assert policy_of(ledger).roster.council == ("alice", "bob", "carol", "dan", "erin", "hank")


def test_council_remove_takes_a_member_off_who_can_then_no_longer_act(ledger: LedgerRepo) -> None:
    head = ledger.head()
    ledger.coc("council", "remove", "erin", "--at", SETUP_DAY)
    one_commit(ledger, head, "council remove")
    assert "erin" not in policy_of(ledger).roster.council
    run = ledger.coc("meeting", "add", "2026-02-05", "--at", SETUP_DAY, actor="erin", expect=1)
    assert "erin is not a council member" in run.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("add", "bob"), 1, "bob is already on the council"),
        (("add", "zed"), 2, "no person 'zed' in people.yaml"),
        (("remove", "frank"), 1, "frank is not on the council"),
        (("remove", "alice"), 1, "alice is the project lead, who sits on the council"),
    ],
)
def test_council_changes_refused(
    ledger: LedgerRepo, args: tuple[str, ...], code: int, message: str
) -> None:
    head = ledger.head()
    run = ledger.coc("council", *args, "--at", SETUP_DAY, expect=code)
    assert message in run.stderr
    unchanged(ledger, head)


def test_only_a_council_member_changes_the_roster(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc("council", "add", "hank", "--at", SETUP_DAY, actor="frank", expect=1)
    assert "frank is not a council member" in run.stderr
    unchanged(ledger, head)


# --- meetings -------------------------------------------------------------------------------------


def test_meetings_are_kept_in_date_order_with_their_kind(ledger: LedgerRepo) -> None:
    head = ledger.head()
    ledger.coc("meeting", "add", "2026-03-05", "--at", SETUP_DAY)
    one_commit(ledger, head, "meeting add")
    ledger.coc("meeting", "add", "2026-02-05", "--extraordinary", "--at", SETUP_DAY)
    assert [(m.date.isoformat(), m.kind) for m in policy_of(ledger).meetings] == [
        ("2026-02-05", "extraordinary"),
        ("2026-03-05", "ordinary"),
    ]
    assert (
        ledger.git("log", "-1", "--format=%s").strip() == "meeting add 2026-02-05 (extraordinary)"
    )


def test_a_meeting_cannot_be_scheduled_twice(ledger: LedgerRepo) -> None:
    ledger.coc("meeting", "add", "2026-03-05", "--at", SETUP_DAY)
    head = ledger.head()
    run = ledger.coc("meeting", "add", "2026-03-05", "--at", SETUP_DAY, expect=1)
    assert "already scheduled" in run.stderr
    unchanged(ledger, head)


def test_a_meeting_date_must_be_a_date(ledger: LedgerRepo) -> None:
    run = ledger.coc("meeting", "add", "2026-02-30", "--at", SETUP_DAY, expect=2)
    assert (
        run.stderr
        == "coc: error: DATE '2026-02-30': there is no 2026-02-30: February 2026 has 28 days\n"
    )


def test_a_failed_init_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "new-ledger"
    result = CliRunner().invoke(app, ["init", str(target), "--lead", "Bad Lead"])
    assert result.exit_code == 2 and "not a valid person id" in result.stderr
    assert not target.exists()


def test_init_without_a_git_identity_says_how_to_set_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    (Path.home() / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("EMAIL", "")
    target = tmp_path / "new-ledger"
    args = ["init", str(target), "--lead", "alice", "--email", "alice@example.org"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "git config" in result.stderr
    assert not target.exists()


def test_person_edit_changes_what_it_is_told_and_nothing_else(ledger: LedgerRepo) -> None:
    head = ledger.head()
    ledger.coc(
        "person", "edit", "frank", "--name", "Frank N. Fictional", "--email", "Frank@Example.org",
        "--handle", "slack:@frankn", "--at", "2026-01-03",
    )  # fmt: skip
    one_commit(ledger, head, "person edit")
    frank = people_of(ledger)["frank"]
    assert frank == frank | {"name": "Frank N. Fictional", "email": "Frank@example.org"}
    assert frank["handles"] == {"slack": "@frankn"}
    ledger.coc("person", "edit", "frank", "--handle", "slack:", "--at", "2026-01-03")
    assert people_of(ledger)["frank"]["handles"] == {}
    assert people_of(ledger)["gina"] == people_of(ledger)["gina"] | {"email": "gina@example.org"}


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ((), 2, "give --name, --email or --handle"),
        (("--email", "gina@example.org"), 1, "another person already has the email"),
        (("--email", "nope"), 2, "is not an e-mail address"),
        (("--name", "Frank Example"), 1, "nothing to change"),
        (("--handle", "irc:frank"), 2, "irc is not a channel"),
    ],
)
def test_person_edit_refuses(
    ledger: LedgerRepo, args: tuple[str, ...], code: int, says: str
) -> None:
    head = ledger.head()
    run = ledger.coc("person", "edit", "frank", *args, "--at", "2026-01-03", expect=code)
    assert says in run.stderr and ledger.head() == head and ledger.status() == ""


def test_init_takes_the_contact_and_validate_warns_of_the_placeholder(tmp_path: Path) -> None:
    told = LedgerRepo(tmp_path / "told")
    told.coc("init", str(told.root), "--lead", "alice", "--contact", "coc@Example.org")
    assert 'contact: "coc@example.org"' in told.read("policy.yaml")
    untold = LedgerRepo(tmp_path / "untold")
    untold.coc("init", str(untold.root), "--lead", "alice")
    found = untold.coc("validate", "-C", str(untold.root), "--format", "json", expect=0).json
    assert [p["code"] for p in found["problems"] if p["code"] == "CL073"] == ["CL073"]
