"""Issue 21, SPEC §8 What is sealed: the reporter's identity when anonymous and the names of
everyone but the council (witnesses' among them) are sealed; a banned person's name, which the
page of active bans publishes, is clear while the ban is on the register. The rules (pure) are
searched by hypothesis; the commands run on real git with real age keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cocledger.core import sealing
from cocledger.core.models import Sanction
from cocledger.store import crypto
from conftest import LedgerRepo, form_committee, new_report
from memory import COUNCIL, MEMBERS, make_policy

SENTINEL = "ZQX9-NAME"
"""Typed into the name of a witness added on a sealed ledger: never in clear in git."""


def _sanction(person: str, kind: str, status: str) -> Sanction:
    return Sanction.model_validate(
        {
            "id": "S-2026-0001", "case": "COC-2026-0001", "person": person, "kind": kind,
            "duration": None if kind != "ban" else "3 months", "offence": 1, "status": status,
            "status_on": "2026-01-05", "decided_on": "2026-01-05",
        }
    )  # fmt: skip


@given(
    person=st.sampled_from((*COUNCIL, *MEMBERS)),
    sanctions=st.lists(
        st.tuples(
            st.sampled_from(("warning", "ban", "lifetime_ban", "other")),
            st.sampled_from(("proposed", "enacted", "escalated", "rejected", "overturned")),
        ),
        max_size=3,
    ),
)
def test_a_name_is_sealed_unless_the_council_or_an_enacted_ban_makes_it_public(
    person: str, sanctions: list[tuple[str, str]]
) -> None:
    """SPEC §8: names are sealed with contact details (everyone but the council and the lead);
    'a published ban's name ... stays clear': an enacted ban (timed or lifetime) names them."""
    policy = make_policy(sealed=True)
    theirs = [_sanction(person, kind, status) for kind, status in sanctions]
    fields = sealing.sealed_person_fields(policy, person, theirs)
    on_council = person == policy.roster.project_lead or person in policy.roster.council
    published = any(k in ("ban", "lifetime_ban") and s == "enacted" for k, s in sanctions)
    assert ("email" in fields) == (not on_council)
    assert ("name" in fields) == (not on_council and not published)


@given(
    reporter=st.sampled_from((*COUNCIL, *MEMBERS)), anonymous=st.booleans(), sealed=st.booleans()
)
def test_only_an_anonymous_reporter_on_the_council_of_a_sealed_ledger_is_listed_conflicted(
    reporter: str, anonymous: bool, sealed: bool
) -> None:
    policy = make_policy(sealed=sealed)
    listed = sealing.anonymous_conflicts(policy, reporter, anonymous)
    on_roster = reporter == policy.roster.project_lead or reporter in policy.roster.council
    assert listed == ((reporter,) if sealed and anonymous and on_roster else ())


# --- on real git -------------------------------------------------------------------------------


def _identity(tmp_path: Path, name: str) -> tuple[Path, str]:
    text, recipient = crypto.generate()
    path = tmp_path / f"{name}.identity"
    path.write_text(text)
    return path, recipient


@pytest.fixture
def sealed(ledger: LedgerRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    """The test ledger sealed, alice (the lead) and bob holding keys; COC_IDENTITY is alice's."""
    alice, alice_recipient = _identity(tmp_path, "alice")
    _, bob_recipient = _identity(tmp_path, "bob")
    ledger.coc("key", "add", "alice", alice_recipient, "--at", "2026-01-03")
    ledger.coc("key", "add", "bob", bob_recipient, "--at", "2026-01-03")
    monkeypatch.setenv("COC_IDENTITY", str(alice))
    ledger.coc("seal", "--at", "2026-01-03T12:00Z")
    return ledger


def _people(repo: LedgerRepo) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(repo.read("people.yaml"))
    return {p["id"]: p for p in data["people"]}


def _keyless(tmp_path: Path) -> dict[str, str]:
    return {"COC_IDENTITY": str(tmp_path / "no-such-identity")}


def _errors(repo: LedgerRepo, env: dict[str, str], *args: str) -> list[dict[str, str]]:
    checked = repo.coc("validate", "--json", *args, env=env, expect=None).json
    return [p for p in checked["problems"] if p["severity"] == "error"]


def test_an_anonymous_reporter_and_the_witnesses_names_are_sealed(
    sealed: LedgerRepo, tmp_path: Path
) -> None:
    repo = sealed
    repo.coc("person", "add", "wanda", "--name", f"Wanda {SENTINEL}", "--at", "2026-01-04")
    people = _people(repo)
    assert all(sealing.is_sealed(people[p]["name"]) for p in ("frank", "gina", "wanda"))
    assert people["alice"]["name"] == "Alice Ashdown"  # the council's own names stay clear
    assert people["bob"]["name"] == "Bob Example"
    case = new_report(repo, "2026-01-05T09:00:00+00:00", "--anonymous-reporter",
                      "--witness", "wanda")  # fmt: skip
    data = yaml.safe_load(repo.read(f"cases/2026/{case}.yaml"))
    assert sealing.is_sealed(data["reporter"]) and data["anonymous_reporter"] is True
    assert data["respondent"] == "frank" and data["witnesses"] == ["wanda"]  # ids stay clear
    assert not data.get("conflicts")  # gina is not on the council
    assert "gina" not in repo.read(f"cases/2026/{case}.yaml")
    # a reader reads who reported and the witness's name; without a key: [sealed]
    shown = repo.coc("case", "show", case, "--json").json
    assert shown["reporter"] == "gina"
    assert repo.coc("person", "show", "wanda", "--json").json["name"] == f"Wanda {SENTINEL}"
    keyless = _keyless(tmp_path)
    hidden = repo.coc("case", "show", case, "--json", actor="erin", env=keyless).json
    assert hidden["reporter"] == sealing.SHOWN
    assert repo.coc("person", "show", "wanda", "--json", env=keyless).json["name"] == "[sealed]"
    assert repo.coc("person", "show", "wanda", env=keyless).stdout.count(SENTINEL) == 0
    # CI, keyless, finds nothing wrong; with alice's identity, everything opens
    assert _errors(repo, keyless) == []
    assert _errors(repo, {}, "--identity", str(tmp_path / "alice.identity")) == []
    # the reporter's log lists the case for a reader
    assert [e["case"] for e in repo.coc("log", "gina", "--json").json] == [case]
    # nowhere in clear: no version of any file, no commit message
    out = subprocess.run(["git", "log", "--all", "-p", "--format=%H%n%B"], cwd=repo.root,
                         capture_output=True, check=True).stdout  # fmt: skip
    assert SENTINEL.encode() not in out


def test_an_enacted_ban_makes_the_name_public_and_leaving_the_register_seals_it_again(
    sealed: LedgerRepo, tmp_path: Path
) -> None:
    """The page of active bans names the banned person (Communications), so their name is clear
    from the step that enacts the ban; overturned on appeal, it is sealed again."""
    from casework import banned

    repo = sealed
    history = banned(repo)
    people = _people(repo)
    assert people["frank"]["name"] == "Frank Example"  # enacted: public by purpose
    assert sealing.is_sealed(people["gina"]["name"])  # the reporter's stays sealed
    assert sealing.is_sealed(people["frank"]["email"])  # and so do frank's contact details
    keyless = _keyless(tmp_path)
    page = repo.coc("publish", "--at", "2026-02-01", "--format", "md", env=keyless).stdout
    assert "Frank Example" in page and "coc-sealed" not in page
    assert _errors(repo, keyless, "--at", "2026-02-01") == []
    repo.coc("appeal", "file", history.ban, "--reason", "Grounds", "--at", "2026-01-27")
    repo.coc("appeal", "decide", history.ban, "--overturned", "--at", "2026-02-12")
    assert sealing.is_sealed(_people(repo)["frank"]["name"])
    assert _errors(repo, keyless, "--at", "2026-02-13") == []
    # as of a day the ban was in force: a reader's page names him, a keyless one never prints
    # the ciphertext
    past = ("publish", "--at", "2026-02-01", "--format", "md")
    assert "Frank Example" in repo.coc(*past).stdout
    page = repo.coc(*past, env=keyless).stdout
    assert "\\[sealed\\]" in page and "coc-sealed" not in page  # (escaped: Markdown)


def test_an_anonymous_reporter_on_the_council_is_kept_off_the_case_without_a_key(
    sealed: LedgerRepo, tmp_path: Path
) -> None:
    """SPEC §8 + §3 Recusal: dan reports anonymously. His id is sealed, yet CI without a key must
    still keep him off the case: he is listed under `conflicts` (a declared conflict, for all
    the file says), never in `sealed_for`; hank, an anonymous reporter who joins the council
    later, is listed when he joins."""
    repo = sealed
    keyless = _keyless(tmp_path)
    case = new_report(repo, "2026-01-05T09:00:00+00:00", "--anonymous-reporter", reporter="dan")
    path = f"cases/2026/{case}.yaml"
    data = yaml.safe_load(repo.read(path))
    assert sealing.is_sealed(data["reporter"]) and data["conflicts"] == ["dan"]
    assert data["sealed_for"] == ["alice", "bob"]
    repo.coc("report", "notify-council", case, "--at", "2026-01-05T10:00:00+00:00")
    members = ("--member=bob", "--member=carol", "--member=dan")
    refused = repo.coc("committee", "form", case, *members, "--at", "2026-01-05T11:00Z", expect=1)
    assert "dan is the reporter" in refused.stderr  # alice reads who reported
    form_committee(repo, case, "2026-01-05T11:00:00+00:00", ("bob", "carol", "erin"))
    assert "dan" not in (yaml.safe_load(repo.read(path)).get("committee") or [])
    assert _errors(repo, keyless) == []
    # a tampered committee seating dan is caught keyless, from `conflicts`
    (repo.root / path).write_text(repo.read(path).replace("  - erin\n", "  - dan\n"))
    assert _errors(repo, keyless)
    repo.git("checkout", "--", path)
    # hank reports anonymously, then joins the council: he is listed conflicted as he joins
    other = new_report(repo, "2026-01-06T09:00:00+00:00", "--anonymous-reporter",
                       respondent="ivy", reporter="hank")  # fmt: skip
    repo.coc("council", "add", "hank", "--at", "2026-01-07")
    data = yaml.safe_load(repo.read(f"cases/2026/{other}.yaml"))
    assert data["conflicts"] == ["hank"] and "hank" not in data["sealed_for"]
    assert _errors(repo, keyless) == []


def test_expunge_keeps_an_anonymous_reporter_still_named_by_a_case_on_record(
    sealed: LedgerRepo, tmp_path: Path
) -> None:
    """gina is the respondent in a case that leaves the record, and the sealed (anonymous)
    reporter of one still open: people.yaml keeps her."""
    repo = sealed
    policy = repo.read("policy.yaml").replace(
        "record_retention_after_close: 18 months", "record_retention_after_close: 1 months"
    )
    (repo.root / "policy.yaml").write_text(policy)
    repo.git("commit", "-qam", "policy: closed cases leave the record after a month")
    gone = new_report(repo, "2026-01-05T09:00:00+00:00", respondent="gina", reporter="ivy")
    repo.coc("case", "close", gone, "--reason", "no breach found", "--at", "2026-01-06")
    new_report(repo, "2026-01-07T09:00:00+00:00", "--anonymous-reporter",
               respondent="hank", reporter="gina")  # fmt: skip
    out = repo.coc("expunge", "--at", "2026-03-01", "--json").json
    assert out["cases"] == [gone]
    assert "gina" in _people(repo)
    assert _errors(repo, _keyless(tmp_path), "--at", "2026-03-01") == []


def test_coc_seal_on_a_sealed_ledger_seals_what_is_still_clear(
    sealed: LedgerRepo, tmp_path: Path
) -> None:
    """A ledger sealed by an earlier version holds names in clear: `coc seal` seals them in one
    commit (CL094 says so); with nothing left to seal it is refused."""
    repo = sealed
    assert repo.coc("seal", expect=1).stderr.count("sealed already") == 1
    case = new_report(repo, "2026-01-05T09:00:00+00:00", "--anonymous-reporter")
    path = f"cases/2026/{case}.yaml"
    sealed_reporter = yaml.safe_load(repo.read(path))["reporter"]
    (repo.root / path).write_text(repo.read(path).replace(sealed_reporter, "gina"))
    text = repo.read("people.yaml")
    name = _people(repo)["frank"]["name"]
    (repo.root / "people.yaml").write_text(text.replace(name, "Frank Example"))
    repo.git(
        "commit", "-qam", "frank's name and an anonymous reporter as an earlier version wrote them"
    )
    keyless = _keyless(tmp_path)
    assert any("people[" in p["message"] and "`coc seal`" in p["message"]
               for p in _errors(repo, keyless))  # fmt: skip
    head = repo.head()
    repo.coc("seal", "--at", "2026-01-08")
    assert repo.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert sealing.is_sealed(_people(repo)["frank"]["name"])
    assert yaml.safe_load(repo.read(path))["reporter"] == sealed_reporter  # same key, same place
    assert _errors(repo, keyless) == []
