"""Issue 19: a council of several members on several clones of one remote, with `coc sync`
(SPEC §7). Real git throughout: a bare remote and one clone per member, each its own identity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from council import Clone, council

AT = "2026-03-02T10:00:00+00:00"


def _report(clone: Clone, at: str, respondent: str = "frank", reporter: str = "gina") -> str:
    args = ("--respondent", respondent, "--reporter", reporter, "--summary", "Insults in chat")
    return str(clone.coc("report", "new", *args, "--at", at, "--json").json["case"])


def _all_equal(clones: list[Clone]) -> None:
    heads = {c.head() for c in clones}
    assert len(heads) == 1, heads
    for clone in clones:
        clone.coc("validate")


def _trailers_name_existing_ids(clone: Clone) -> None:
    """The audit trail stays true: every id a trailer names is a record the ledger holds."""
    cases = {p.stem for p in (clone.root / "cases").rglob("*.yaml")}
    register = clone.read("sanctions.yaml")
    for subject, trailers in clone.log():
        if "Coc-Case" in trailers:
            assert trailers["Coc-Case"] in cases, subject
            assert trailers["Coc-Case"] in subject, subject
        if "Coc-Sanction" in trailers:
            assert f"id: {trailers['Coc-Sanction']}\n" in register, subject


def test_two_reports_on_two_clones_get_two_ids(ledger_template: Path, tmp_path: Path) -> None:
    """Reproduction 1: both clones give COC-2026-0001; the second to sync is renumbered, its file,
    subject and trailers following, and `coc log` finds each step under its id."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    mine = _report(a, "2026-03-02T09:00:00+00:00")
    theirs = _report(b, AT, respondent="hank")
    assert mine == theirs == "COC-2026-0001"
    b.coc("report", "notify-council", theirs, "--at", "2026-03-02T11:00:00+00:00")
    said = a.coc("sync").stdout
    assert "Pushed" in said
    synced = b.coc("sync", "--json").json
    assert synced["renamed"] == {"COC-2026-0001": "COC-2026-0002"}
    assert synced["pushed"] is True
    assert [r["subject"] for r in synced["replayed"]] == [
        "report new COC-2026-0002",
        "report notify-council COC-2026-0002",
    ]
    a.coc("sync")
    _all_equal([a, b])
    assert "hank" in a.read("cases/2026/COC-2026-0002.yaml")
    assert "frank" in a.read("cases/2026/COC-2026-0001.yaml")
    steps = a.coc("log", "COC-2026-0002", "--json").json
    assert sorted(s["action"] for s in steps) == ["report new", "report notify-council"]
    assert {s["actor"] for s in steps} == {"carol"}
    _trailers_name_existing_ids(a)


def _two_reviewed(
    template: Path, tmp_path: Path, second_respondent: str
) -> tuple[Clone, Clone, str, str]:
    """Two clones that both hold two reviewed cases (of frank, and of `second_respondent`)."""
    from conftest import reviewed_case

    a, b = council(tmp_path, template, ("bob", "carol"))
    first = reviewed_case(a, respondent="frank", reporter="gina")
    second = reviewed_case(a, respondent=second_respondent, reporter="ivy",
                           received="2026-01-11T09:00:00+00:00")  # fmt: skip
    a.coc("sync")
    b.coc("sync")
    return a, b, first, second


def test_two_proposals_on_two_clones_get_two_sanction_ids(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b, first, second = _two_reviewed(ledger_template, tmp_path, "hank")
    day = "2026-01-23T10:00:00+00:00"
    a.coc("sanction", "propose", first, "--at", day)
    b.coc("sanction", "propose", second, "--at", "2026-01-23T11:00:00+00:00")
    a.coc("sync")
    assert b.coc("sync", "--json").json["renamed"] == {"S-2026-0001": "S-2026-0002"}
    a.coc("sync")
    _all_equal([a, b])
    assert [s["actor"] for s in a.coc("log", "S-2026-0002", "--json").json] == ["carol"]
    assert [s["actor"] for s in a.coc("log", "S-2026-0001", "--json").json] == ["bob"]
    assert a.coc("sanction", "show", "S-2026-0002", "--json").json["case"] == second
    _trailers_name_existing_ids(a)


def _one_case_on_both(template: Path, tmp_path: Path) -> tuple[Clone, Clone, str]:
    """Two clones that both hold one case, received at 09:00."""
    a, b = council(tmp_path, template, ("bob", "carol"))
    case = _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    b.coc("sync")
    return a, b, case


def test_two_steps_on_one_case_from_two_clones_end_up_in_time_order(
    ledger_template: Path, tmp_path: Path
) -> None:
    """Reproduction 2: notify-council on one clone, committee form (earlier) on another."""
    a, b, case = _one_case_on_both(ledger_template, tmp_path)
    a.coc("report", "notify-council", case, "--at", "2026-03-02T13:00:00+00:00")
    b.coc("committee", "form", case, "--member", "bob", "--member", "dan", "--member", "erin",
          "--at", "2026-03-02T12:00:00+00:00")  # fmt: skip
    a.coc("sync")
    fork = b.head()
    b.coc("sync")
    b.coc("validate", "--base", fork + "~1")
    a.coc("sync")
    _all_equal([a, b])
    import yaml

    timeline = yaml.safe_load(a.read(f"cases/2026/{case}.yaml"))["timeline"]
    assert [e["action"] for e in timeline] == ["received", "committee_formed", "council_notified"]


def test_the_same_step_on_two_clones_stops_sync_and_changes_nothing(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b, case = _one_case_on_both(ledger_template, tmp_path)
    a.coc("report", "notify-council", case, "--at", "2026-03-02T10:00:00+00:00")
    b.coc("report", "notify-council", case, "--at", "2026-03-02T11:00:00+00:00")
    a.coc("sync")
    before, files = b.head(), b.status()
    stopped = b.coc("sync", expect=1)
    assert "stopped before changing anything" in stopped.stderr
    mine = b.git("rev-parse", "--short=12", "HEAD").strip()
    theirs = a.git("rev-parse", "--short=12", "HEAD").strip()
    assert mine in stopped.stderr and theirs in stopped.stderr  # both commits named
    assert "already recorded" in stopped.stderr
    assert (b.head(), b.status()) == (before, files)
    assert b.git("rev-parse", "refs/coc/sync-backup").strip() == before
    b.git("reset", "-q", "--keep", "@{upstream}")  # the way on the message gives
    b.coc("sync")
    _all_equal([a, b])


def test_a_commit_coc_did_not_make_is_refused_by_name(
    ledger_template: Path, tmp_path: Path
) -> None:
    """Reproduction 3: a hand edit (a non-member adding himself to the council) is never
    replayed blindly."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    policy = b.root / "policy.yaml"
    policy.write_text(policy.read_text().replace("dan, erin]", "dan, erin, frank]"))
    b.git("commit", "-qam", "add frank")
    before = b.head()
    refused = b.coc("sync", expect=1)
    assert "add frank" in refused.stderr and "not made by `coc`" in refused.stderr
    assert "coc validate --base" in refused.stderr
    assert b.head() == before


def test_dry_run_and_no_push_change_nothing_upstream(ledger_template: Path, tmp_path: Path) -> None:
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    _report(b, AT)
    before = b.head()
    dry = b.coc("sync", "--dry-run", "--json").json
    assert dry["dry_run"] and dry["renamed"] == {"COC-2026-0001": "COC-2026-0002"}
    assert b.head() == before
    assert "Dry run" in b.coc("sync", "--dry-run").stdout
    kept = b.coc("sync", "--no-push", "--json").json
    assert not kept["pushed"] and b.head() != before
    assert b.git("rev-parse", "@{upstream}") != b.git("rev-parse", "HEAD")


def test_a_pull_request_that_fell_behind_is_rebuilt_on_its_target(
    ledger_template: Path, tmp_path: Path
) -> None:
    """The pull-request routine: `coc sync --onto origin/main`, then pushed with a lease."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    b.git("switch", "-q", "-c", "review")
    _report(b, AT, respondent="hank")
    b.git("push", "-q", "-u", "origin", "review")
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    synced = b.coc("sync", "--onto", "origin/main", "--json").json
    assert synced["renamed"] == {"COC-2026-0001": "COC-2026-0002"} and synced["pushed"]
    assert b.git("rev-parse", "origin/review") == b.git("rev-parse", "HEAD")
    assert b.git("merge-base", "HEAD", "origin/main").strip() == a.head()


def test_ids_are_said_provisional_and_never_sent(ledger_template: Path, tmp_path: Path) -> None:
    (a,) = council(tmp_path, ledger_template, ("bob",))
    made = a.coc("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary", "x",
                 "--at", AT)  # fmt: skip
    assert "COC-2026-0001 (provisional until `coc sync`)" in made.stdout
    os.environ["COC_SMTP_URL"] = "smtp://127.0.0.1:9"  # never reached: refused first
    try:
        a.coc("report", "notify-council", "COC-2026-0001", "--at", AT)
        refused = a.coc("notify", "COC-2026-0001", "--party", "council", "--send", expect=1)
    finally:
        del os.environ["COC_SMTP_URL"]
    assert "coc sync" in refused.stderr and "COC-2026-0001" in refused.stderr


def test_conflict_markers_are_named_as_an_unresolved_merge(
    ledger_template: Path, tmp_path: Path
) -> None:
    """Reproduction 4: a `git pull` that stops on the ledger; validate and every action say what
    it is and the way out."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    _report(b, AT, respondent="hank")
    b.git("config", "pull.rebase", "false")
    pulled = b.root / ".git"
    assert pulled.exists()
    import subprocess

    merge = subprocess.run(["git", "pull", "-q"], cwd=b.root, capture_output=True, text=True)
    assert merge.returncode != 0  # add/add conflict in cases/2026/COC-2026-0001.yaml
    checked = b.coc("validate", expect=1)
    assert "an unresolved merge conflict" in checked.stdout
    assert "COC-2026-0001.yaml" in checked.stdout
    refused = b.coc("person", "add", "zoe", "--name", "Zoe Example", expect=2)
    assert (
        "an unresolved merge conflict" in refused.stderr and "git merge --abort" in refused.stderr
    )
    b.git("merge", "--abort")
    b.coc("sync")
    a.coc("sync")
    _all_equal([a, b])


def test_a_decision_the_new_base_would_change_stops_sync(
    ledger_template: Path, tmp_path: Path
) -> None:
    """A proposal whose offence number the upstream changed (frank's other case got a sanction
    there first) is a decision to take again, enacted or not: sync stops at the proposal."""
    a, b, first, second = _two_reviewed(ledger_template, tmp_path, "frank")
    a.coc("sanction", "propose", first, "--at", "2026-01-23T10:00:00+00:00")
    a.coc("sanction", "enact", "S-2026-0001", "--at", "2026-01-23T10:30:00+00:00")
    b.coc("sanction", "propose", second, "--at", "2026-01-23T11:00:00+00:00")  # offence 1 here
    b.coc("sanction", "enact", "S-2026-0001", "--at", "2026-01-23T11:30:00+00:00")
    a.coc("sync")
    before = b.head()
    stopped = b.coc("sync", expect=1)
    assert "offence would be 2" in stopped.stderr
    assert "a decision the council must take again" in stopped.stderr
    assert b.head() == before


def test_every_kind_of_action_replays_to_the_same_records(
    ledger_template: Path, tmp_path: Path
) -> None:
    """Each action kind a clone can make, rebuilt on an upstream that took its case's id: the
    records it leaves are the ones the clone had made, with the new id (SPEC §7: its actor, its
    moment, its inputs; deadlines and offences recomputed, here to the same values)."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-01T09:00:00+00:00")
    a.coc("sync")
    response = tmp_path / "response.txt"
    response.write_text("I am sorry it came across that way.\n", encoding="utf-8")
    case, day = "COC-2026-0001", "2026-03-{}T{}:00:00+00:00"
    steps = [
        ("person", "add", "zoe", "--name", "Zoe Example", "--email", "zoe@example.org"),
        ("person", "edit", "zoe", "--name", "Zoe Sample"),
        ("council", "add", "zoe"),
        ("council", "remove", "zoe"),
        ("meeting", "add", "2026-03-20"),
        ("report", "new", "--respondent", "hank", "--reporter", "ivy", "--setting", "public",
         "--category", "personal-insults", "--summary", "Insults in chat", "--at", day.format("02", "09")),
        ("report", "notify-council", case, "--at", day.format("02", "10")),
        ("committee", "form", case, "--member", "bob", "--member", "carol", "--member", "dan",
         "--at", day.format("02", "11")),
        ("committee", "recuse", case, "--member", "dan", "--reason", "a friend", "--at", day.format("03", "09")),
        ("committee", "form", case, "--member", "bob", "--member", "carol", "--member", "erin",
         "--at", day.format("03", "10")),
        ("report", "share", case, "--at", day.format("03", "11")),
        ("report", "respond", case, "--file", str(response), "--at", day.format("04", "11")),
        ("report", "review", case, "--meeting", "2026-03-20", "--at", day.format("20", "18")),
        ("sanction", "propose", case, "--at", day.format("20", "19")),
        ("sanction", "enact", "S-2026-0001", "--at", day.format("20", "20")),
        ("apology", "record", "S-2026-0001", "--refused", "--conduct", "Insults in the chat",
         "--at", day.format("25", "10")),
        ("appeal", "file", "S-2026-0002", "--reason", "Too harsh", "--at", day.format("26", "10")),
        ("appeal", "decide", "S-2026-0002", "--reduced-to", "1 month", "--at", day.format("28", "10")),
        ("notify", case, "--party", "offender", "--at", day.format("28", "11")),
        ("case", "close", case, "--at", day.format("29", "10")),
    ]  # fmt: skip
    for args in steps:
        b.coc(
            *[str(x) for x in args], "--at", day.format("01", "12")
        ) if "--at" not in args else b.coc(*args)
    mine = {p: b.read(p) for p in ("people.yaml", "policy.yaml", "sanctions.yaml")}
    mine["case"] = b.read(f"cases/2026/{case}.yaml")
    subjects = [s for s, _ in b.log()[-len(steps) :]]
    synced = b.coc("sync", "--json").json
    assert synced["renamed"] == {case: "COC-2026-0002"}
    assert len(synced["replayed"]) == len(steps)
    new = "COC-2026-0002"
    assert b.read(f"cases/2026/{new}.yaml") == mine["case"].replace(case, new)
    assert b.read("sanctions.yaml") == mine["sanctions.yaml"].replace(case, new)
    assert b.read("people.yaml") == mine["people.yaml"]
    assert b.read("policy.yaml") == mine["policy.yaml"]
    assert [r["subject"] for r in synced["replayed"]] == [s.replace(case, new) for s in subjects]
    a.coc("sync")
    _all_equal([a, b])
    _trailers_name_existing_ids(a)


def test_a_deadline_the_upstream_moved_is_worked_out_again_and_said(
    ledger_template: Path, tmp_path: Path
) -> None:
    """The upstream gave the council 48 hours to be told (a policy change); a report recorded
    offline under the old 24 hours gets the new deadline, and sync says so."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    policy = a.root / "policy.yaml"
    text = policy.read_text()
    assert "council_notice: 24 hours" in text
    policy.write_text(text.replace("council_notice: 24 hours", "council_notice: 48 hours"))
    a.git("commit", "-qam", "policy: 48 hours to tell the council")
    a.git("push", "-q")
    _report(b, AT)
    synced = b.coc("sync", "--json").json
    assert synced["changed"] == [
        "COC-2026-0001 deadlines.council_notice 2026-03-04 10:00:00+00:00 "
        "(was 2026-03-03 10:00:00+00:00)"
    ]
    assert "2026-03-04T10:00:00" in b.read("cases/2026/COC-2026-0001.yaml")


def test_a_hand_edit_folded_into_a_coc_commit_is_refused(
    ledger_template: Path, tmp_path: Path
) -> None:
    """A `coc` commit amended with a hand edit is not what its action writes: never replayed
    blindly (the edit would be lost), refused by name."""
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    case = _report(b, AT, respondent="hank")
    people = b.root / "people.yaml"
    people.write_text(people.read_text().replace("Gina Example", "Gina Renamed"))
    b.git("commit", "-q", "-a", "--amend", "--no-edit")
    before = b.head()
    refused = b.coc("sync", expect=1)
    assert "people.yaml" in refused.stderr and f"report new {case}" in refused.stderr
    assert b.head() == before and "Gina Renamed" in b.read("people.yaml")


def test_a_replayed_handle_edit_keeps_another_members_edit(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    channels = ("--handle", "slack:@old", "--handle", "github:old")
    a.coc("person", "add", "zoe", "--name", "Zoe Example", *channels, expect=None)
    if a.coc("person", "show", "zoe", expect=None).exit_code != 0:
        pytest.skip("the default policy has no such channels")
    a.coc("sync")
    b.coc("sync")
    a.coc("person", "edit", "zoe", "--handle", "slack:@new")
    a.coc("sync")
    b.coc("person", "edit", "zoe", "--handle", "github:new")
    b.coc("sync")
    people = b.read("people.yaml")
    assert "@new" in people and "github: new" in people


def test_a_commit_outside_the_ledgers_folder_is_never_left_behind(tmp_path: Path) -> None:
    """A ledger in a folder of a larger repository: a commit of this branch that changes a file
    outside the ledger is refused by name (sync rebuilds only the ledger's actions)."""
    import subprocess

    top = tmp_path / "org"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / "README").write_text("org\n")
    subprocess.run(["git", "-C", str(top), "add", "README"], check=True)
    subprocess.run(["git", "-C", str(top), "commit", "-qm", "start"], check=True)
    lead = Clone(top / "gov", "alice")
    lead.coc("init", str(top / "gov"), "--lead", "alice", "--email", "alice@example.org")
    for person in ("bob", "frank", "gina"):
        lead.coc("person", "add", person, "--name", f"{person.title()} Example",
                 "--email", f"{person}@example.org", "--at", "2026-01-02")  # fmt: skip
    lead.coc("council", "add", "bob", "--at", "2026-01-02")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(top), str(remote)], check=True)
    a, b = (Clone(tmp_path / n / "gov", n) for n in ("x", "y"))
    for clone in (a, b):
        subprocess.run(["git", "clone", "-q", str(remote), str(clone.root.parent)], check=True)
    a.member = b.member = "bob"
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    (b.root.parent / "minutes.txt").write_text("minutes\n")
    b.git("add", "../minutes.txt")
    b.git("commit", "-qm", "minutes of the meeting")
    _report(b, AT, respondent="gina", reporter="frank")
    before = b.head()
    refused = b.coc("sync", expect=1)
    assert "minutes of the meeting" in refused.stderr and "outside the ledger" in refused.stderr
    assert b.head() == before


def test_sync_during_a_stopped_merge_names_it(ledger_template: Path, tmp_path: Path) -> None:
    import subprocess

    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    _report(b, AT, respondent="hank")
    b.git("config", "pull.rebase", "false")
    assert subprocess.run(["git", "pull", "-q"], cwd=b.root, capture_output=True).returncode != 0
    refused = b.coc("sync", expect=None)
    assert refused.exit_code != 0 and "git merge --abort" in refused.stderr
    action = b.coc("report", "notify-council", "COC-2026-0001", expect=2)
    import re

    line = int(re.search(r"COC-2026-0001\.yaml:(\d+):", action.stderr).group(1))  # type: ignore[union-attr]
    assert b.read("cases/2026/COC-2026-0001.yaml").splitlines()[line - 1].startswith("<<<<<<< ")


def test_a_stop_on_a_step_of_no_case_names_both_commits(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    a.coc("meeting", "add", "2026-04-01")
    a.coc("sync")
    b.coc("meeting", "add", "2026-04-01")
    stopped = b.coc("sync", expect=1)
    assert a.git("rev-parse", "--short=12", "HEAD").strip() in stopped.stderr
    assert "already scheduled" in stopped.stderr and "git rebase --onto" in stopped.stderr


def test_notify_send_refuses_an_id_the_upstream_holds_for_another_record(
    ledger_template: Path, tmp_path: Path
) -> None:
    a, b = council(tmp_path, ledger_template, ("bob", "carol"))
    _report(a, "2026-03-02T09:00:00+00:00")
    a.coc("sync")
    b.git("fetch", "-q")
    case = _report(b, AT, respondent="hank")  # COC-2026-0001 here too, until sync
    b.coc("report", "notify-council", case, "--at", AT)
    os.environ["COC_SMTP_URL"] = "smtp://127.0.0.1:9"
    try:
        refused = b.coc("notify", case, "--party", "council", "--send", expect=1)
    finally:
        del os.environ["COC_SMTP_URL"]
    assert "run `coc sync` first" in refused.stderr.replace("\n", " ")
