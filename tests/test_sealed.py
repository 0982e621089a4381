"""Issue 21: sealed records (SPEC §8) on a council of several clones of one bare remote, with
real age keys and real git. A sentinel typed into every confidential field must never appear in
clear in any blob, ref, output or trailer; a member who may read a case reads it, a conflicted
member and CI cannot; a recusal re-keys; after `coc expunge` and `coc sync`, a member's identity
no longer opens the old ciphertext in history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from cocledger.core import sealing
from cocledger.store import crypto, keyring
from cocledger.store.seals import Seals
from council import Clone, council

SENTINEL = "ZQX7-SENTINEL"
"""A string no encoding of ours produces by chance: each sealed field holds a variant of it."""


def _identities(tmp_path: Path, members: tuple[str, ...]) -> dict[str, tuple[Path, str]]:
    found = {}
    for member in members:
        text, recipient = crypto.generate()
        path = tmp_path / f"{member}.identity"
        path.write_text(text)
        found[member] = (path, recipient)
    return found


class Member:
    """A council member on their clone, acting with their own identity."""

    def __init__(self, clone: Clone, identity: Path) -> None:
        self.clone, self.identity = clone, identity
        self.said: list[str] = []

    def coc(self, *args: str, expect: int | None = 0, identity: Path | None = None) -> str:
        env = {"COC_IDENTITY": str(identity or self.identity)}
        run = self.clone.coc(*args, expect=expect, env=env)
        self.said += [run.stdout, run.stderr]
        return run.stdout + run.stderr


def _leaks(root: Path) -> list[str]:
    """Where the sentinel is in clear in a repository: any blob of any ref's history (every
    version of every file, commit messages and trailers included), the refs' names."""
    places = []
    for args in (
        ["log", "--all", "-p", "--format=%H%n%B"],
        ["for-each-ref"],
        ["log", "--all", "--format=%B"],
    ):
        out = subprocess.run(["git", *args], cwd=root, capture_output=True).stdout
        if SENTINEL.encode() in out:
            places.append(" ".join(args))
    keys = subprocess.run(["git", "log", "-p", keyring.REF], cwd=root, capture_output=True).stdout
    if SENTINEL.encode() in keys:
        places.append(keyring.REF)
    return places


def _sealed_value(root: Path, rev: str, relpath: str, key: str) -> str:
    """A sealed value of a file at a commit: a case's field, or the first sealed `key` of the
    entries of a register (people.yaml's first sealed e-mail address)."""
    text = subprocess.run(
        ["git", "show", f"{rev}:{relpath}"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    data = yaml.safe_load(text)
    if "people" in data:
        value = next(p[key] for p in data["people"] if sealing.is_sealed(p.get(key)))
    else:
        value = data[key]
    assert sealing.is_sealed(value), value
    return str(value)


@pytest.fixture
def sealed_council(ledger_template: Path, tmp_path: Path) -> dict[str, Member]:
    """alice (the lead), bob, carol and dan, each on a clone of one bare remote, each with an
    identity; alice records every key and seals the ledger (one commit), all sync."""
    names = ("alice", "bob", "carol", "dan")
    clones = council(tmp_path, ledger_template, names)
    ids = _identities(tmp_path, names)
    members = {n: Member(c, ids[n][0]) for n, c in zip(names, clones, strict=True)}
    alice = members["alice"]
    # closed cases leave the record a month after they close (so one can be expunged today)
    policy = alice.clone.root / "policy.yaml"
    text = policy.read_text().replace("record_retention_after_close: 18 months",
                                      "record_retention_after_close: 1 months")  # fmt: skip
    policy.write_text(text)
    alice.clone.git("commit", "-qam", "policy: closed cases leave the record after a month")
    alice.clone.git("push", "-q", "origin", "HEAD")
    for name in names:
        alice.coc("key", "add", name, ids[name][1], "--at", "2026-01-03")
    before = alice.clone.head()
    alice.coc("seal", "--at", "2026-01-03T12:00Z")
    assert alice.clone.git("rev-list", "--count", f"{before}..HEAD").strip() == "1"
    alice.coc("sync")
    for name in names[1:]:
        members[name].coc("sync")
    return members


def test_a_sealed_council_reads_what_it_may_and_forgets_what_left_the_record(
    sealed_council: dict[str, Member], tmp_path: Path
) -> None:
    alice, bob, carol, dan = (sealed_council[n] for n in ("alice", "bob", "carol", "dan"))
    # a report in which dan (a council member) is a witness: he never receives its key
    case = alice.coc("report", "new", "--respondent", "frank", "--reporter", "gina",
                     "--witness", "dan", "--summary", f"{SENTINEL}-summary",
                     "--at", "2026-01-05T09:00Z", "--json")  # fmt: skip
    case_id = "COC-2026-0001"
    assert case_id in case
    alice.coc("report", "notify-council", case_id, "--at", "2026-01-05T10:00Z")
    alice.coc("sync")
    bob.coc("sync")
    dan.coc("sync")
    carol.coc("sync")
    relpath = f"cases/2026/{case_id}.yaml"
    assert "sealed_for:\n  - alice\n  - bob\n  - carol\n" in bob.clone.read(relpath)
    assert f"{SENTINEL}-summary" in bob.coc("case", "show", case_id)  # a reader reads
    shown = dan.coc("case", "show", case_id)  # a party on the council does not
    assert f"{SENTINEL}-summary" not in shown and "[sealed]" in shown
    ci = bob.coc("validate", identity=tmp_path / "no-such-identity")  # CI: no key at all
    assert "Found 0 errors" in ci or "No problems" in ci
    assert SENTINEL not in ci
    # a draft that needs the summary is refused without the key, naming the identity
    refused = dan.coc("notify", case_id, "--party", "offender", "--draft", expect=1)
    assert "dan.identity" in refused and SENTINEL not in refused

    # carol declares a conflict (her reason is sealed too): the case is re-keyed without her
    old_summary = _sealed_value(bob.clone.root, "HEAD", relpath, "summary")
    place = f"{case_id}/summary"
    assert Seals(carol.clone.root, carol.identity).opened(case_id, place, old_summary) == (
        f"{SENTINEL}-summary"
    )
    bob.coc("committee", "recuse", case_id, "--member", "carol",
            "--reason", f"{SENTINEL}-reason", "--at", "2026-01-05T11:00Z")  # fmt: skip
    assert "sealed_for:\n  - alice\n  - bob\n" in bob.clone.read(relpath)
    new_summary = _sealed_value(bob.clone.root, "HEAD", relpath, "summary")
    assert sealing.key_id(new_summary) != sealing.key_id(old_summary)
    bob.coc("sync")
    carol.coc("sync")
    assert "[sealed]" in carol.coc("case", "show", case_id)
    assert f"{SENTINEL}-reason" in alice.coc("sync") + alice.coc("case", "show", case_id)

    # the case is closed, leaves the record a month later, and alice expunges it
    held = {
        m: [sha for p, sha in keyring.Keyring(m.clone.root).paths().items() if case_id in p]
        for m in (alice, bob)
    }
    email = _sealed_value(bob.clone.root, "HEAD", "people.yaml", "email")
    frank, at_frank = sealing.contact_owner("frank"), "people/frank/email"
    assert Seals(bob.clone.root, bob.identity).opened(frank, at_frank, email) == "frank@example.org"
    # once shared, the key of before the recusal is dropped: only the one in use is kept
    assert all(len(shas) == 1 for shas in held.values())
    assert Seals(carol.clone.root, carol.identity).opened(case_id, place, old_summary) == (
        old_summary
    )
    alice.coc("case", "close", case_id, "--reason", "no breach found", "--at", "2026-01-06")
    assert "expunge" in alice.coc("expunge")
    alice.coc("sync")
    for member in (bob, carol, dan):
        member.coc("sync")
    for member in (alice, bob):
        root = member.clone.root
        assert not [p for p in keyring.Keyring(root).paths() if case_id in p]
        seals = Seals(root, member.identity)
        assert seals.opened(case_id, place, new_summary) == new_summary  # no longer opens
        assert seals.opened(case_id, place, old_summary) == old_summary
        paths = keyring.Keyring(root).paths()
        assert not [p for p in paths if p.startswith(("people/frank/", "people/gina/"))]
        assert seals.opened(frank, at_frank, email) == email  # frank left: his key with him
        for sha in held[member]:  # the wrapped keys are gone from the clone's object store
            gone = subprocess.run(["git", "cat-file", "-e", sha], cwd=root, capture_output=True)
            assert gone.returncode != 0, sha
    # nowhere in clear: no clone, not the remote, no output, no trailer
    for root in (*(m.clone.root for m in (alice, bob, carol, dan)), tmp_path / "remote.git"):
        assert _leaks(root) == [], root
    for member in (alice, bob, carol, dan):
        said = "".join(member.said)
        assert said.count(SENTINEL) == said.count(f"{SENTINEL}-summary") + said.count(
            f"{SENTINEL}-reason"
        )  # only where a reader asked to read it
    assert all(SENTINEL not in s for s in dan.said)


def test_sync_carries_a_key_made_on_another_clone(
    sealed_council: dict[str, Member],
) -> None:
    """Two members report on their own clones the same day: each case's key reaches the other
    through `coc sync` (the keys commit replaced with a lease), and the renumbered case opens."""
    alice, bob = sealed_council["alice"], sealed_council["bob"]
    alice.coc("report", "new", "--respondent", "frank", "--reporter", "gina",
              "--summary", f"{SENTINEL}-a", "--at", "2026-01-05T09:00Z")  # fmt: skip
    bob.coc("report", "new", "--respondent", "hank", "--reporter", "ivy", "--anonymous-reporter",
            "--summary", f"{SENTINEL}-b", "--at", "2026-01-05T09:30Z")  # fmt: skip
    alice.coc("sync")
    assert "COC-2026-0002" in bob.coc("sync")  # renumbered, and sealed again with a new key
    alice.coc("sync")
    assert f"{SENTINEL}-b" in alice.coc("case", "show", "COC-2026-0002")
    moved = _sealed_value(alice.clone.root, "HEAD", "cases/2026/COC-2026-0002.yaml", "reporter")
    place = "COC-2026-0002/reporter"  # the anonymous reporter, sealed again at the new id
    assert Seals(alice.clone.root, alice.identity).opened("COC-2026-0002", place, moved) == "ivy"
    assert f"{SENTINEL}-a" in bob.coc("case", "show", "COC-2026-0001")
    assert alice.clone.head() == bob.clone.head()
    assert keyring.Keyring(alice.clone.root).head() == keyring.Keyring(bob.clone.root).head()
    assert _leaks(alice.clone.root) == []


def test_a_key_recorded_after_a_case_reaches_its_new_reader_through_sync(
    sealed_council: dict[str, Member], tmp_path: Path
) -> None:
    """A reader added on one clone (the key wrapped again, same key id) is not undone by the
    upstream's older wrapping when the keys are joined: the new reader reads after both sync."""
    alice, bob = sealed_council["alice"], sealed_council["bob"]
    alice.coc("report", "new", "--respondent", "frank", "--reporter", "gina",
              "--summary", f"{SENTINEL}-c", "--at", "2026-01-05T09:00Z")  # fmt: skip
    alice.coc("sync")
    text, recipient = crypto.generate()
    (tmp_path / "erin.identity").write_text(text)
    alice.coc("key", "add", "erin", recipient, "--at", "2026-01-06")
    bob.coc("sync")
    bob.coc("report", "notify-council", "COC-2026-0001", "--at", "2026-01-05T10:00Z")
    bob.coc("sync")  # the upstream moves on, its wrapping of the case's key without erin
    alice.coc("sync")
    erin = council_clone(tmp_path, "erin")
    said = erin.coc("sync") + erin.coc("case", "show", "COC-2026-0001")
    assert f"{SENTINEL}-c" in said
    ok = erin.coc("validate", "--identity", str(tmp_path / "erin.identity"))
    assert "Found 0 errors" in ok or "No problems" in ok


def council_clone(tmp_path: Path, member: str) -> Member:
    root = tmp_path / member
    subprocess.run(["git", "clone", "-q", str(tmp_path / "remote.git"), str(root)], check=True)
    clone = Clone(root, member)
    clone.git("config", "user.email", f"{member}@example.org")
    clone.git("config", "user.name", f"{member.title()} Example")
    return Member(clone, tmp_path / f"{member}.identity")
