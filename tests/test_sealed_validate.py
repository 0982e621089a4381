"""SPEC §8 Sealed records, as `coc validate` judges them: keyless, no clear text where a sealed
field belongs (CL094), each case's `sealed_for` the rule's list (CL097, CL098); with `--identity`,
what that identity may read opens (CL099).

The rules run in memory on a ledger sealed as the store writes it (real keys, real AES-SIV); a
few tests run `coc` on a real sealed ledger in git, built once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import memory
from checkwork import edit, validate
from cocledger.checks import run
from cocledger.checks.context import Context
from cocledger.core import sealing
from cocledger.core.ledger import InMemory
from cocledger.core.models import Case, Person, Sanction, evolve
from cocledger.core.snapshot import Snapshot
from cocledger.store import crypto
from conftest import LedgerRepo, built_once, clone
from memory import Memory, appealed, at, banned, received

SEALING = ("CL094", "CL097", "CL098", "CL099")
IDENTITIES = {member: crypto.generate() for member in memory.COUNCIL}
"""A real age identity (file text, recipient) for each council member of tests/memory.py."""
WHEN = "2026-02-02"


# --- in memory: a ledger as the store writes it ----------------------------------------------


def sealed_ledger(keyless: Sequence[str] = ()) -> Memory:
    """The cast of tests/memory.py in a sealed ledger, every council member but `keyless` with a
    key on record."""
    people = [
        evolve(p, key=IDENTITIES[p.id][1]) if p.id in memory.COUNCIL and p.id not in keyless else p
        for p in memory.people()
    ]
    base = memory.fresh().snap
    return Memory(Snapshot.of(memory.make_policy(sealed=True), people, templates=base.templates))


def stored(m: Memory, **cases: Any) -> InMemory:
    """The ledger in memory as the store would write it: each case's sealable fields and its
    sanctions' appeal grounds sealed with a key of its own, `sealed_for` the rule's readers, the
    contact details of everyone but the council sealed; then `cases` (id -> changes) applied."""
    snap = m.snap
    keys = {c.id: crypto.new_key() for c in snap.cases()}
    people_key = crypto.new_key()
    sealed_cases = [_sealed_case(snap, c, keys[c.id]) for c in snap.cases()]
    sealed_cases = [evolve(c, **cases.get(c.id.replace("-", "_"), {})) for c in sealed_cases]
    people = [_sealed_person(snap, p, people_key) for p in snap.people.all()]
    sanctions = [_sealed_sanction(s, keys) for s in snap.sanctions.all()]
    found = Snapshot.of(snap.policy, people, sanctions, sealed_cases, snap.templates)
    return InMemory(found, m.versions, as_stored=True)


def _sealed_case(snap: Snapshot, case: Case, key: bytes) -> Case:
    changes: dict[str, Any] = {
        name: crypto.seal(key, f"{case.id}/{name}", getattr(case, name))
        for name in (*sealing.CASE_FIELDS, sealing.ANONYMOUS)
        if getattr(case, name) and (name != sealing.ANONYMOUS or case.anonymous_reporter)
    }
    changes["timeline"] = tuple(
        evolve(e, note=crypto.seal(key, sealing.note_place(case.id, e), e.note)) if e.note else e
        for e in case.timeline
    )
    changes["sealed_for"] = sealing.readers(snap.policy, snap.people, case)
    return evolve(case, **changes)


def _sealed_person(snap: Snapshot, person: Person, key: bytes) -> Person:
    theirs = snap.sanctions.where("person", person.id)
    fields = sealing.sealed_person_fields(snap.policy, person.id, theirs)
    changes: dict[str, Any] = {
        name: crypto.seal(key, f"people/{person.id}/{name}", getattr(person, name))
        for name in ("name", "email")
        if name in fields and getattr(person, name)
    }
    if "handles" in fields and person.handles:
        changes["handles"] = {
            c: h if sealing.is_sealed(h) else crypto.seal(key, f"people/{person.id}/handles/{c}", h)
            for c, h in person.handles.items()
        }
    return evolve(person, **changes)


def _sealed_sanction(sanction: Sanction, keys: dict[str, bytes]) -> Sanction:
    appeal = sanction.appeal
    if appeal is None or not appeal.reason or sanction.case is None:
        return sanction
    reason = crypto.seal(keys[sanction.case], sealing.appeal_place(sanction), appeal.reason)
    return evolve(sanction, appeal=evolve(appeal, reason=reason))


def found(ledger: InMemory, *select: str, opener: Any = None) -> list[tuple[str, str, str]]:
    """(code, file, message) of what validate reports of the sealing at WHEN."""
    ctx = Context(at(WHEN), ledger, opener=opener)
    return [(p.code, p.file, p.message) for p in run(ctx, select or SEALING)]


def appealed_ban() -> tuple[Memory, str, str]:
    """A sealed ledger holding a ban under appeal (its grounds sealed), and a report about a
    council member (bob, conflicted in it)."""
    m = sealed_ledger()
    case, _, ban = banned(m)
    appealed(m, case, ban)
    received(m, respondent="bob", reporter="gina", when="2026-02-01T09:00:00+00:00")
    return m, case, ban


def test_a_ledger_sealed_as_the_store_writes_it_has_no_sealing_problem() -> None:
    m, _, _ = appealed_ban()
    ledger = stored(m)
    assert found(ledger) == []
    assert [c.sealed_for for c in ledger.snap.cases()][1] == tuple(
        x for x in memory.COUNCIL if x != "bob"
    )


def test_clear_text_in_a_sealed_ledger_is_cl094_wherever_it_is() -> None:
    m, case, ban = appealed_ban()
    sealed = stored(m)
    clear_case = evolve(sealed.snap.case(case), summary="Insults in the release thread")
    frank = next(p for p in sealed.snap.people.all() if p.id == "frank")
    people = [evolve(frank, email="frank@example.org", handles={"matrix": "@frank:example.org"})]
    sanction = sealed.snap.sanction(ban)
    assert sanction.appeal is not None
    appeal = evolve(sanction.appeal, reason="Disputes the facts")
    change = _change(
        cases=(clear_case,), people=people, sanctions=(evolve(sanction, appeal=appeal),)
    )
    ledger = InMemory(sealed.snap.after(change), m.versions, as_stored=True)
    problems = found(ledger)
    assert {(code, file) for code, file, _ in problems} == {
        ("CL094", "cases/2026/COC-2026-0001.yaml"),
        ("CL094", "people.yaml"),
        ("CL094", "sanctions.yaml"),
    }
    messages = [message for _, _, message in problems]
    assert any(m.startswith(f"{case}: summary is clear text in a sealed ledger") for m in messages)
    assert any(m.startswith(f"{ban}: appeal.reason is clear text") for m in messages)
    assert sum(m.startswith("people[") for m in messages) == 2  # email and handle, never the id
    assert not any("frank" in m or "Insults" in m for m in messages)


def test_a_council_members_clear_contact_is_no_problem() -> None:
    """SPEC §8: the council's own contact details stay clear."""
    m = sealed_ledger()
    received(m)
    assert found(stored(m)) == []
    assert "@" in str(m.snap.people["alice"].email)


def test_a_sealed_value_in_a_ledger_not_sealed_is_cl094() -> None:
    m, case, _ = appealed_ban()
    sealed = stored(m)
    plain = evolve(sealed.snap.policy, sealed=False)
    ledger = InMemory(sealed.snap.after(_change(policy=plain)), m.versions, as_stored=True)
    problems = found(ledger, "CL094")
    assert problems and all("policy.yaml does not say `sealed: true`" in p[2] for p in problems)
    assert any(p[2].startswith(f"{case}: summary is sealed") for p in problems)


def test_a_handle_that_claims_to_be_sealed_must_be_well_formed() -> None:
    """The schema checks every sealable field but a handle (a plain mapping)."""
    m = sealed_ledger()
    frank = evolve(m.snap.people["frank"], email=None, handles={"matrix": "coc-sealed:v1:oops"})
    m.apply(_change(people=[frank]))
    problems = found(stored(m), "CL094")
    assert [(file, message.split(":")[0]) for _, file, message in problems] == [
        ("people.yaml", "people[8].handles.matrix")
    ]
    assert "not a well-formed sealed value" in problems[0][2]


def test_an_actions_result_held_in_memory_is_not_judged() -> None:
    """An action's own check runs on its result with the sealed fields opened (the store seals
    them as it commits): the sealing is judged only on a ledger as stored."""
    m = sealed_ledger()
    received(m)
    assert found(InMemory(m.snap, m.versions)) == []
    assert found(InMemory(m.snap, m.versions, as_stored=True))  # the same, as files: CL094


def test_sealed_for_naming_someone_the_rule_leaves_out_is_cl097() -> None:
    m, case, _ = appealed_ban()
    bobs = "COC-2026-0002"
    ledger = stored(
        m,
        COC_2026_0002={"sealed_for": ("alice", "bob", "gina")},
        COC_2026_0001={"sealed_for": None},
    )
    problems = found(ledger, "CL097")
    assert [(file, message.split(":")[0]) for _, file, message in problems] == [
        (
            "cases/2026/COC-2026-0001.yaml",
            f"{case} has no sealed_for, so who can read it is not on record",
        ),
        ("cases/2026/COC-2026-0002.yaml", bobs),
        ("cases/2026/COC-2026-0002.yaml", bobs),
    ]
    assert "sealed_for[1] names someone conflicted in the case" in problems[1][2]
    assert "sealed_for[2] names someone who is not on the council" in problems[2][2]
    assert "bob" not in problems[1][2] and "gina" not in problems[2][2]  # who is a party: unsaid
    assert f"the next `coc` step on {bobs} by one of its readers re-keys it" in problems[1][2]


def test_sealed_for_naming_a_member_with_no_key_is_cl097() -> None:
    m = sealed_ledger(keyless=("carol",))
    case = received(m)
    problems = found(stored(m, COC_2026_0001={"sealed_for": ("alice", "carol")}), "CL097")
    assert [p[2].split(":")[1] for p in problems] == [
        " sealed_for[1] names carol, who has no key on record, yet its key may be wrapped to them"
    ]
    assert problems[0][2].startswith(case)


def test_a_reader_missing_from_sealed_for_and_a_member_with_no_key_are_cl098() -> None:
    m = sealed_ledger(keyless=("carol",))
    case = received(m)
    problems = found(stored(m, COC_2026_0001={"sealed_for": ("alice", "dan")}), "CL098")
    missing = [p for p in problems if p[1] == "cases/2026/COC-2026-0001.yaml"]
    assert [p[2].split(" ")[0] for p in missing] == ["bob", "erin", "fay", "gus", "hal"]
    assert missing[0][2].startswith(f"bob cannot read {case} yet (sealed_for does not name them)")
    keyless = [p[2] for p in problems if p[1] == "people.yaml"]
    assert len(keyless) == 1 and keyless[0].startswith(
        "carol is on the council but has no key on record"
    )
    assert "`coc key add carol RECIPIENT`" in keyless[0]


def test_a_plain_ledger_has_no_readers_to_judge() -> None:
    m = memory.fresh()
    received(m)
    assert found(InMemory(m.snap, m.versions, as_stored=True)) == []


# --- CL099, in memory: what the store says of an identity ------------------------------------


@dataclass
class Opens:
    """An identity as `store.opening` describes it: its recipients, and the places (record,
    field) whose value does not open with it."""

    recipients: Sequence[str]
    failing: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def failure(self, owner: str, place: str, value: str) -> str | None:
        self.asked.append(place)
        return "it does not open with its key" if place in self.failing else None


def test_with_an_identity_each_value_its_owner_may_read_is_opened() -> None:
    m, case, ban = appealed_ban()
    ledger = stored(m)
    bob = Opens([IDENTITIES["bob"][1]])
    assert found(ledger, "CL099", opener=bob) == []
    assert f"{case}/summary" in bob.asked and f"{case}/appeal/{ban}/reason" in bob.asked
    assert "people/frank/email" in bob.asked
    assert not any(a.startswith("COC-2026-0002/") for a in bob.asked)  # bob may not read it


def test_what_does_not_open_is_cl099_and_a_case_the_owner_may_not_read_is_no_error() -> None:
    m, case, _ = appealed_ban()
    ledger = stored(m)
    failing = {f"{case}/summary", "COC-2026-0002/summary", "people/gina/email"}
    problems = found(ledger, "CL099", opener=Opens([IDENTITIES["bob"][1]], failing))
    assert [(file, message) for _, file, message in problems] == [
        (
            "cases/2026/COC-2026-0001.yaml",
            f"{case}: summary does not open with bob's identity: it does not open with its key",
        ),
        (
            "people.yaml",
            "people[9].email does not open with bob's identity: it does not open with its key",
        ),
    ]


def test_an_identity_that_is_no_ones_key_is_cl099() -> None:
    m, _, _ = appealed_ban()
    stranger = Opens([crypto.generate()[1]])
    problems = found(stored(m), "CL099", opener=stranger)
    assert [(code, file) for code, file, _ in problems] == [("CL099", "people.yaml")]
    assert "is no one's key on record" in problems[0][2] and stranger.asked == []


def _change(**records: Any) -> Any:
    from cocledger.core.change import Change

    return Change("hand edit", "edit", "alice", at(WHEN), **records)


# --- real keys, real git ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A sealed ledger made with `coc`: alice (lead) and bob with keys, carol on the council
    without one; COC-2026-0001 about frank (read by alice and bob), COC-2026-0002 about bob (read
    by alice only). The identities lie beside the ledger, as alice.txt and bob.txt."""
    with built_once(tmp_path_factory, "sealed") as root, pytest.MonkeyPatch.context() as mp:
        repo = LedgerRepo(root)
        repo.coc("init", str(root), "--lead", "alice", "--name", "Alice Ashdown", "--email",
                 "alice@example.org", "--contact", "conduct@example.org", "--sealed")  # fmt: skip
        mp.setenv("COC_IDENTITY", str(root.parent / "alice.txt"))
        keys = {m: repo.coc("key", "new", "--identity", str(root.parent / f"{m}.txt"), "--json")
                .json["recipient"] for m in ("alice", "bob")}  # fmt: skip
        repo.coc("key", "add", "alice", keys["alice"], "--at", SETUP)
        for person in ("bob", "carol", "frank", "gina"):
            name = f"{person.title()} Example"
            repo.coc("person", "add", person, "--name", name, "--email", f"{person}@example.org",
                     "--at", SETUP)  # fmt: skip
        for member in ("bob", "carol"):
            repo.coc("council", "add", member, "--at", SETUP)
        repo.coc("key", "add", "bob", keys["bob"], "--at", SETUP)
        for respondent in ("frank", "bob"):
            repo.coc("report", "new", "--respondent", respondent, "--reporter", "gina",
                     "--summary", "Insults in chat", "--at", RECEIVED)  # fmt: skip
        yield root


SETUP, RECEIVED, LATER = "2026-01-02", "2026-01-10T09:00Z", "2026-01-10T10:00Z"
CASE1 = "cases/2026/COC-2026-0001.yaml"
CASE2 = "cases/2026/COC-2026-0002.yaml"


@pytest.fixture
def sealed(sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    """A copy of the sealed ledger, its `coc` actions run with alice's identity."""
    monkeypatch.setenv("COC_IDENTITY", str(sealed_template.parent / "alice.txt"))
    return clone(sealed_template, tmp_path, monkeypatch)


@pytest.fixture
def identity(sealed_template: Path) -> dict[str, str]:
    return {m: str(sealed_template.parent / f"{m}.txt") for m in ("alice", "bob")}


def _tamper(repo: LedgerRepo, relpath: str) -> int:
    """One character of a sealed summary's ciphertext changed (still well-formed); its line."""
    text = repo.read(relpath)
    start = text.index("summary: coc-sealed:v1:")
    end = text.index("\n", start)
    flipped = "A" if text[end - 5] != "A" else "B"
    (repo.root / relpath).write_text(text[: end - 5] + flipped + text[end - 4 :], "utf-8")
    return text[:start].count("\n") + 1


def test_a_sealed_ledger_validates_without_a_key(sealed: LedgerRepo) -> None:
    assert "summary: coc-sealed:v1:" in sealed.read(CASE1)
    assert "sealed_for:\n  - alice\n  - bob\n" in sealed.read(CASE1)
    assert "sealed_for:\n  - alice\ntimeline" in sealed.read(CASE2)  # bob is its respondent
    problems = validate(sealed, "--at", LATER, expect=0)
    assert [p["code"] for p in problems if p["severity"] == "error"] == []
    assert [(p["code"], p["file"]) for p in problems if p["code"] in SEALING] == [
        ("CL098", "people.yaml")  # carol has no key
    ]
    ciphertext = sealed.read(CASE1).split("summary: ")[1].split("\n")[0]
    line = edit(sealed, CASE1, ciphertext, "Insults in chat")
    problems = validate(sealed, "--at", LATER, "--select", "CL094", expect=1)
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("CL094", CASE1, line)]


def test_with_identity_what_it_may_read_must_open(
    sealed: LedgerRepo, identity: dict[str, str]
) -> None:
    checked = ("--at", LATER, "--select", "CL099")
    assert validate(sealed, *checked, "--identity", identity["alice"], expect=0) == []
    assert validate(sealed, *checked, "--identity", identity["bob"], expect=0) == []
    line = _tamper(sealed, CASE2)  # bob may not read COC-2026-0002: not his to open
    assert validate(sealed, *checked, "--identity", identity["bob"], expect=0) == []
    problems = validate(sealed, *checked, "--identity", identity["alice"], expect=1)
    assert [(p["file"], p["line"]) for p in problems] == [(CASE2, line)]
    assert (
        "summary does not open with alice's identity: it does not open with its key"
        in (problems[0]["message"])
    )
    line = _tamper(sealed, CASE1)
    problems = validate(sealed, *checked, "--identity", identity["bob"], expect=1)
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("CL099", CASE1, line)]
    missing = sealed.coc("validate", "--identity", str(sealed.root / "nobody.txt"), expect=2)
    assert "cannot read the identity" in missing.stderr


def test_with_identity_a_key_missing_or_not_wrapped_is_named(
    sealed: LedgerRepo, identity: dict[str, str]
) -> None:
    checked = ("--at", LATER, "--select", "CL099", "--identity")
    ciphertext = sealed.read(CASE1).split("summary: ")[1].split("\n")[0]
    other = crypto.seal(crypto.new_key(), "COC-2026-0001/summary", "Insults in chat")
    edit(sealed, CASE1, ciphertext, other)  # well-formed, under a key refs/coc/keys lacks
    problems = validate(sealed, *checked, identity["alice"], expect=1)
    assert [p["message"].split(": ", 2)[2][:39] for p in problems] == [
        "its key is not in refs/coc/keys (fetch "
    ]
    edit(sealed, CASE2, "  - alice\ntimeline", "  - alice\n  - bob\ntimeline")
    problems = validate(sealed, *checked, identity["bob"], expect=1)
    assert {p["file"] for p in problems} == {CASE1, CASE2}
    assert "its key is not wrapped to this identity, though sealed_for names its owner" in next(
        p["message"] for p in problems if p["file"] == CASE2
    )


def test_a_hand_edited_sealed_for_is_mended_by_the_next_step(
    sealed: LedgerRepo, identity: dict[str, str]
) -> None:
    """CL097 does not stop a step on the case: its commit re-keys the case to its readers."""
    line = edit(sealed, CASE2, "  - alice\ntimeline", "  - alice\n  - bob\ntimeline") + 1
    sealed.git("commit", "-qam", "bob reads his own case")
    old_key = sealed.git(
        "ls-tree", "-r", "--name-only", "refs/coc/keys", "cases/2026/COC-2026-0002"
    )
    problems = validate(sealed, "--at", LATER, "--select", "CL097", expect=1)
    assert [(p["file"], p["line"]) for p in problems] == [(CASE2, line)]
    sealed.coc("report", "notify-council", "COC-2026-0002", "--at", LATER)
    assert "sealed_for:\n  - alice\ntimeline" in sealed.read(CASE2)
    new_key = sealed.git(
        "ls-tree", "-r", "--name-only", "refs/coc/keys", "cases/2026/COC-2026-0002"
    )
    assert new_key and new_key != old_key  # re-keyed: the key bob may hold opens nothing new
    assert [p["code"] for p in validate(sealed, "--at", LATER, "--select", "CL09")] == ["CL098"]
    checked = ("--at", LATER, "--select", "CL099", "--identity", identity["alice"])
    assert validate(sealed, *checked, expect=0) == []
