"""Issue 21: the keys of sealed records (SPEC §8): who may read a case (a pure rule, searched by
hypothesis), `coc key new`, `coc key add` (age and SSH ed25519), `coc seal`, `coc init --sealed`,
and what a member without the key is told. Real keys and real git for the commands."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocledger.core import sealing
from cocledger.core.models import Case, Person
from cocledger.core.snapshot import Listed
from cocledger.store import crypto
from conftest import LedgerRepo, new_report
from memory import COUNCIL, MEMBERS, at, make_policy

EVERYONE = (*COUNCIL, *MEMBERS)
_RECIPIENT = crypto.generate()[1]


def _case(reporter: str, respondent: str, witnesses: list[str], conflicts: list[str]) -> Case:
    return Case.model_validate(
        {
            "id": "COC-2026-0001", "received_at": at("2026-01-05"), "received_by": "bob",
            "reporter": reporter, "respondent": respondent, "witnesses": witnesses,
            "conflicts": conflicts, "deadlines": {"council_notice": at("2026-01-06")},
        }
    )  # fmt: skip


@given(
    reporter=st.sampled_from(EVERYONE),
    respondent=st.sampled_from(EVERYONE),
    witnesses=st.lists(st.sampled_from(EVERYONE), max_size=3, unique=True),
    conflicts=st.lists(st.sampled_from(COUNCIL), max_size=2, unique=True),
    keyed=st.sets(st.sampled_from(COUNCIL)),
)
def test_no_party_and_no_one_without_a_key_reads_a_case(
    reporter: str, respondent: str, witnesses: list[str], conflicts: list[str], keyed: set[str]
) -> None:
    """SPEC §8 Who can read: every council member (the lead among them) who has a key and is
    not conflicted, and no one else: a party on the council never receives its key."""
    people = Listed(
        Person(id=p, name=p.title(), key=_RECIPIENT if p in keyed else None) for p in EVERYONE
    )
    case = _case(reporter, respondent, witnesses, conflicts)
    readers = sealing.readers(make_policy(), people, case)
    parties = {reporter, respondent, *witnesses, *conflicts}
    assert set(readers) == {m for m in COUNCIL if m in keyed and m not in parties}
    assert len(readers) == len(set(readers))


def test_a_sealed_value_keeps_its_place() -> None:
    """A ciphertext opens only at the place it was sealed for (its case and field), with its own
    key; sealing the same text again there gives the same value (no churn in diffs)."""
    key = crypto.new_key()
    value = crypto.seal(key, "COC-2026-0001/summary", "what happened")
    assert sealing.well_formed(value) and sealing.key_id(value) == crypto.kid(key)
    assert crypto.seal(key, "COC-2026-0001/summary", "what happened") == value
    assert crypto.open_(key, "COC-2026-0001/summary", value) == "what happened"
    assert crypto.open_(key, "COC-2026-0002/summary", value) is None  # moved to another case
    assert crypto.open_(key, "COC-2026-0001/response", value) is None  # or another field
    assert crypto.open_(crypto.new_key(), "COC-2026-0001/summary", value) is None
    flipped = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    assert crypto.open_(key, "COC-2026-0001/summary", flipped) is None  # altered


def _identity(tmp_path: Path, name: str) -> tuple[Path, str]:
    text, recipient = crypto.generate()
    path = tmp_path / f"{name}.txt"
    path.write_text(text)
    return path, recipient


def test_key_new_writes_a_private_identity_once(ledger: LedgerRepo, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "me.txt"
    made = ledger.coc("key", "new", "--identity", str(path), "--json").json
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made["recipient"].startswith("age1") and made["recipient"] in path.read_text()
    assert crypto.load_identity(path).recipients == [made["recipient"]]
    again = ledger.coc("key", "new", "--identity", str(path), expect=1)
    assert "exists" in again.stderr
    inside = ledger.coc("key", "new", "--identity", str(ledger.root / "me.txt"), expect=2)
    assert "inside the ledger" in inside.stderr and not (ledger.root / "me.txt").exists()
    assert crypto.load_identity(path).recipients == [made["recipient"]]  # kept as it was


def test_key_add_checks_the_recipient_and_the_member(ledger: LedgerRepo) -> None:
    bad = ledger.coc("key", "add", "bob", "age1notarecipient", expect=2)
    assert "RECIPIENT" in bad.stderr
    outsider = ledger.coc("key", "add", "frank", _RECIPIENT, expect=1)
    assert "not on the council" in outsider.stderr
    ledger.coc("key", "add", "bob", _RECIPIENT)
    assert f"key: {_RECIPIENT}" in ledger.read("people.yaml")


def test_seal_then_read_with_an_ssh_key_and_without(ledger: LedgerRepo, tmp_path: Path) -> None:
    """An SSH ed25519 key works as an identity; `coc seal` is one commit and refuses twice; a
    member with no key is told which identity was looked for; the lead's own key is needed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    ssh = tmp_path / "id_ed25519"
    ssh.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    case = new_report(
        ledger, "2026-01-05T09:00:00+00:00"
    )  # a plain case first: `coc seal` seals what is there
    no_key = ledger.coc("seal", expect=1)
    assert "no key on record" in no_key.stderr
    ledger.coc("key", "add", "alice", public.decode() + " alice@laptop")
    bob, bob_recipient = _identity(tmp_path, "bob")
    ledger.coc("key", "add", "bob", bob_recipient)
    head = ledger.head()
    ledger.coc("seal", env={"COC_IDENTITY": str(ssh)})
    assert ledger.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    text = ledger.read(f"cases/2026/{case}.yaml")
    assert "summary: coc-sealed:v1:" in text and "Insults" not in text
    assert ledger.coc("seal", expect=1).stderr.count("sealed already") == 1
    mine = ledger.coc("case", "show", case, env={"COC_IDENTITY": str(ssh)}).stdout
    assert "Insults" in mine
    assert "Insults" in ledger.coc("case", "show", case, env={"COC_IDENTITY": str(bob)}).stdout
    erin = {"COC_IDENTITY": str(tmp_path / "erin.txt")}
    assert "[sealed]" in ledger.coc("case", "show", case, actor="erin", env=erin).stdout
    refused = ledger.coc("notify", case, "--party", "offender", "--draft", actor="erin", env=erin,
                         expect=1)  # fmt: skip
    assert "is sealed" in refused.stderr and "erin.txt" in refused.stderr
    status = ledger.status()
    shared = ledger.coc("report", "share", case, "--summary-file", str(_text(tmp_path)),
                        actor="erin", env=erin, expect=1)  # fmt: skip
    assert "erin.txt" in shared.stderr and ledger.status() == status  # nothing written


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "shared.txt"
    path.write_text("What the council writes for the reported person.\n")
    return path


def test_init_sealed_seals_from_the_first_report(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    repo = LedgerRepo(root)
    os.chdir(tmp_path)
    repo.coc("init", str(root), "--lead", "alice", "--sealed", "--contact", "c@example.org")
    assert "sealed: true" in repo.read("policy.yaml")
    os.chdir(root)
    frank = ("person", "add", "frank", "--name", "Frank Example", "--email", "f@example.org")
    nobody = repo.coc(*frank, expect=1)
    assert (
        "no one could read the contact details of frank" in nobody.stderr
        and "coc key add" in nobody.stderr
    )
    identity, recipient = _identity(tmp_path, "alice")
    repo.coc("key", "add", "alice", recipient)
    env = {"COC_IDENTITY": str(identity)}
    repo.coc(*frank, env=env)
    repo.coc("person", "add", "gina", "--name", "Gina Example")
    assert "f@example.org" not in repo.read("people.yaml")  # a party's contact: sealed
    repo.coc("report", "new", "--respondent", "frank", "--reporter", "gina", "--summary",
             "Insults", env=env)  # fmt: skip
    assert "Insults" not in repo.read("cases/2026/COC-2026-0001.yaml")


def test_a_replaced_key_re_keys_and_a_new_member_gets_their_contact_clear(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    """SPEC §8: a member's key replaced (an identity lost, or given away) re-keys what it
    opened; joining the council makes a person's contact details clear (they are the council's
    own), as they act by their e-mail address."""
    alice, alice_recipient = _identity(tmp_path, "alice")
    old_bob, old_recipient = _identity(tmp_path, "bob-old")
    ledger.coc("key", "add", "alice", alice_recipient)
    ledger.coc("key", "add", "bob", old_recipient)
    env = {"COC_IDENTITY": str(alice)}
    ledger.coc("seal", env=env)
    case = new_report(ledger, "2026-01-05T09:00:00+00:00")
    path = f"cases/2026/{case}.yaml"
    before = ledger.read(path)
    new_bob, new_recipient = _identity(tmp_path, "bob-new")
    ledger.coc("key", "add", "bob", new_recipient, env=env)
    after = ledger.read(path)
    summary = next(line for line in after.splitlines() if line.startswith("summary:"))
    assert summary not in before  # re-keyed: a new data key, the text sealed again
    shown = {
        who: ledger.coc("case", "show", case, actor="bob", env={"COC_IDENTITY": str(p)}).stdout
        for who, p in (("old", old_bob), ("new", new_bob))
    }
    assert "[sealed]" in shown["old"] and "Insults in chat" in shown["new"]
    assert "frank@example.org" not in ledger.read("people.yaml")
    ledger.coc("council", "add", "frank", env=env)
    assert "email: frank@example.org" in ledger.read("people.yaml")
    assert "Found 0 errors" in ledger.coc("validate").stdout


def test_a_sealed_ledger_runs_the_ladder_and_an_appeal(
    ledger: LedgerRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notes the rules read back (an apology refused, an appeal's outcome, a notice's
    template) stay clear, so a sealed ledger escalates, decides appeals and knows who was told;
    the appeal's grounds and a case's closing reason are sealed."""
    from casework import banned

    identity, recipient = _identity(tmp_path, "alice")
    ledger.coc("key", "add", "alice", recipient)
    monkeypatch.setenv("COC_IDENTITY", str(identity))
    ledger.coc("seal")
    history = banned(ledger)
    ledger.coc("appeal", "file", history.ban, "--reason", "Grounds ZQX7", "--at", "2026-01-27")
    assert "ZQX7" not in ledger.read("sanctions.yaml")
    ledger.coc("appeal", "decide", history.ban, "--overturned", "--at", "2026-02-12")
    ledger.coc("notify", history.case, "--party", "offender", "--at", "2026-02-12T12:00Z")
    assert "Grounds ZQX7" in ledger.coc("sanction", "show", history.ban, "--json").stdout
    checked = ledger.coc("validate", "--at", "2026-02-13", "--json",
                         env={"COC_IDENTITY": str(tmp_path / "none")}).json  # fmt: skip
    assert [p for p in checked["problems"] if p["severity"] == "error"] == []
    assert "overturned" in ledger.read(f"cases/2026/{history.case}.yaml")


def test_leaving_the_council_seals_a_keyless_members_contact(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    """A member with no key who leaves the council is a community member again: their contact
    details are sealed in that step, and the ledger stays valid (no CL094)."""
    identity, recipient = _identity(tmp_path, "alice")
    ledger.coc("key", "add", "alice", recipient)
    env = {"COC_IDENTITY": str(identity)}
    ledger.coc("seal", env=env)
    assert "email: erin@example.org" in ledger.read("people.yaml")
    ledger.coc("council", "remove", "erin", env=env)
    assert "erin@example.org" not in ledger.read("people.yaml")
    checked = ledger.coc("validate", "--json").json
    assert [p for p in checked["problems"] if p["severity"] == "error"] == []


def test_a_member_with_a_key_leaving_has_their_contact_sealed_and_a_refused_commit_no_keys(
    ledger: LedgerRepo, tmp_path: Path
) -> None:
    """Leaving the council seals a member's contact details in that step, whether or not they
    had a key; a step git refuses (a pre-commit hook) leaves the keys ref as it was too."""
    identity, recipient = _identity(tmp_path, "alice")
    env = {"COC_IDENTITY": str(identity)}
    ledger.coc("key", "add", "alice", recipient)
    bob, bob_recipient = _identity(tmp_path, "bob")
    ledger.coc("key", "add", "bob", bob_recipient)
    ledger.coc("seal", env=env)
    ledger.coc("council", "remove", "bob", env=env)
    assert "bob@example.org" not in ledger.read("people.yaml")
    checked = ledger.coc("validate", "--json").json
    assert [p for p in checked["problems"] if p["severity"] == "error"] == []
    keys = ledger.git("rev-parse", "refs/coc/keys").strip()
    opened = _opened_by(ledger, bob)
    assert opened  # (the keys of before his leaving, until shared: the search finds them)
    hook = ledger.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    ledger.coc("council", "add", "bob", env=env, expect=1)
    assert ledger.git("rev-parse", "refs/coc/keys").strip() == keys
    assert _opened_by(ledger, bob) == opened  # no wrapping to bob left behind


def _opened_by(ledger: LedgerRepo, identity: Path) -> set[str]:
    """Every object of the repository (reachable or not) that unwraps with an identity."""
    found = ledger.git(
        "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"
    )
    mine = crypto.load_identity(identity).identities
    opened = set()
    for line in found.splitlines():
        sha, kind = line.split()
        if kind == "blob":
            raw = subprocess.run(["git", "cat-file", "blob", sha], cwd=ledger.root,
                                 capture_output=True, check=True).stdout  # fmt: skip
            if raw.startswith(b"age-encryption.org") and crypto.unwrap(raw, mine) is not None:
                opened.add(sha)
    return opened


_NAMES = st.sampled_from(["a", "b", "b.age", "b-c", "c", "a0", "people", "cases"])
_PATHS = st.lists(_NAMES, min_size=1, max_size=3).map("/".join)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(_PATHS, min_size=1, max_size=6),
    puts=st.lists(_PATHS, max_size=4),
    drops=st.lists(_PATHS, max_size=3),
)
def test_the_keys_tree_edited_in_memory_is_the_tree_gits_index_builds(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[str],
    puts: list[str],
    drops: list[str],
) -> None:
    """`keytree.edited` writes git's own tree format (entries in git's order, a folder sorting
    as if its name ended in `/`, so that `b-c` and `b.age` come before a folder `b`): the tree it
    gives, from nothing or from a tree, is the one git's own index builds, whatever is put or
    dropped (drops first)."""
    from cocledger.store import keyring, keytree
    from cocledger.store.gitlog import BlobReader

    root = tmp_path_factory.mktemp("keytree")
    subprocess.run(["git", "init", "-q", str(root)], check=True)

    def consistent(paths: list[str]) -> dict[str, bytes]:
        """Paths where none is a folder of another (a key file is never a folder)."""
        kept: dict[str, bytes] = {}
        for p in paths:
            if not any(k.startswith(p + "/") or p.startswith(k + "/") for k in kept):
                kept[p] = p.encode()
        return kept

    def by_index(base: str | None, blobs: dict[str, str], drops: list[str]) -> str:
        """The tree git's index makes of `base` with `drops` removed, then `blobs` added."""
        env = {**os.environ, "GIT_INDEX_FILE": str(root / "oracle-index")}

        def git(*args: str) -> str:
            done = subprocess.run(["git", *args], cwd=root, env=env, check=True,
                                  capture_output=True, text=True)  # fmt: skip
            return done.stdout

        git("read-tree", base or "--empty")
        listed = git("ls-files", "-z").split("\0")
        for path in [p for p in listed if any(p == d or p.startswith(d + "/") for d in drops)]:
            git("update-index", "--force-remove", "--", path)
        for path, sha in blobs.items():
            git("update-index", "--add", "--cacheinfo", f"100644,{sha},{path}")
        return git("write-tree").strip()

    reader = BlobReader(root)
    base_files = keyring.hashed(root, consistent(first))
    base = keytree.edited(root, reader, None, 40, base_files, [])
    assert base == by_index(None, base_files, [])
    more = {p: v for p, v in consistent(puts).items()
            if not any(k.startswith(p + "/") or p.startswith(k + "/") for k in base_files)}  # fmt: skip
    blobs = keyring.hashed(root, more)
    expected = by_index(base, blobs, drops)
    assert keytree.edited(root, reader, base, 40, blobs, drops) == expected
    listed = subprocess.run(["git", "ls-tree", "-r", expected], cwd=root, check=True)
    assert listed.returncode == 0  # every tree written is in the object store
