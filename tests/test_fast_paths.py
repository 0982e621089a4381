"""The fast paths of issue 6 give exactly what the plain paths give (no test here measures time)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cocledger.cli import main
from cocledger.core.models import PeopleFile, Person, Sanction, SanctionsFile
from cocledger.core.snapshot import CaseQuery
from cocledger.errors import InputError
from cocledger.store import cache as parse_cache
from cocledger.store import repository, yaml12, yamlio, yamlwrite
from cocledger.store.registers import Register
from conftest import LedgerRepo, reviewed_case

# --- the YAML reader: values straight from the nodes, or the constructor for anything unusual ---

DOCUMENTS = [
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: null, e: ~, f: }\n",
    "on: no\nyes: off\nn: 0123\no: 0o17\nh: 0x1F\nb: 0b101\nf: 1.5e3\ninf: .inf\nneg: -.INF\n",
    "t: true\nT: True\nu: TRUE\nd: 2026-01-02\nts: 2026-01-02T03:04:05+01:00\nq: '2026-01-02'\n",
    "merged:\n  <<: {x: 1, y: 2}\n  y: 3\n",
    "s: !!str 123\ni: !!int '42'\nb: !!bool yes\n",  # anchors, aliases, other tags: test_yaml_errors
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "- 1\n- [2, [3, {four: 4}]]\n",
    "",
    "just text\n",
    "1: one\n1.5: one and a half\nnull: nothing\nfalse: no\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_fast_reader_gives_what_the_constructor_gives(text: str) -> None:
    expected = yaml.load(text, Loader=yaml12._Yaml12Loader)
    got = yamlio.load_fast(text, "x.yaml")
    assert got == expected
    assert repr(got) == repr(expected)  # same types too (1 vs True, date vs str)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 2\na: 3\n",  # a repeated key
        "? [a, b]\n: value\n",  # a key that is a list
        "n: 0b_\n",  # a value its resolver takes but that does not construct
        "a: [1, 2\n",  # a syntax error
    ],
)
def test_the_fast_reader_refuses_what_the_constructor_refuses(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as plain:
        yaml.load(text, Loader=yaml12._Yaml12Loader)
    with pytest.raises(InputError) as fast:
        yamlio.load_fast(text, "x.yaml")
    assert getattr(plain.value, "problem", None) in str(fast.value)


# --- the case store: open cases without unpickling the others, and never a stale case --------


def _closed_and_open(ledger: LedgerRepo) -> tuple[str, str]:
    closed = reviewed_case(ledger)
    ledger.coc("case", "close", closed, "--reason", "no breach found", "--at", "2026-01-23")
    still_open = reviewed_case(ledger, respondent="hank", reporter="ivy")
    return closed, still_open


def test_cases_of_one_status_are_those_the_full_list_has(ledger: LedgerRepo) -> None:
    closed, still_open = _closed_and_open(ledger)
    for _ in range(2):  # the second pass is served from the store
        everything = list(repository.open(ledger.root).case_files.scan())
        assert [c.id for c in everything] == sorted([closed, still_open])
        assert [c.id for c in repository.open(ledger.root).case_files.scan(CaseQuery("open"))] == [
            still_open
        ]
        both = repository.open(ledger.root).case_files.scan(CaseQuery("open", {closed}))
        assert [c.id for c in both] == sorted([closed, still_open])
    assert list((ledger.root / ".git" / "coc-cache").glob("cases-*.pickle"))


def test_a_years_scan_keeps_the_other_years_in_the_store(ledger: LedgerRepo) -> None:
    """`report new` scans one year's open cases: the store keeps what it holds of the others
    (it once kept only what that scan saw, so the next `validate` parsed every other file)."""
    _closed_and_open(ledger)
    list(repository.open(ledger.root).case_files.scan())
    (store,) = (ledger.root / ".git" / "coc-cache").glob("cases-*.pickle")
    held = len(pickle.loads(store.read_bytes()))
    assert held == 2
    assert list(repository.open(ledger.root).case_files.scan(CaseQuery("open", year="2025"))) == []
    assert len(pickle.loads(store.read_bytes())) == held


def test_a_scan_for_two_people_parses_only_their_files(ledger: LedgerRepo) -> None:
    """SPEC §3 The same thing twice: `report new` compares itself with the open cases between
    the same two people, found by their ids in the files' text, parsed alone."""
    closed, still_open = _closed_and_open(ledger)

    def scan(*status: str, **kw: Any) -> list[str]:  # each on a new store: none parsed before
        query = CaseQuery(*status, **kw)
        return [c.id for c in repository.open(ledger.root).case_files.scan(query)]

    assert scan("open", year="2026", mentioning=("hank", "ivy")) == [still_open]
    assert scan("open", year="2026", mentioning=("frank", "gina")) == []
    assert scan(year="2026", mentioning=("frank", "gina")) == [closed]
    assert scan(mentioning=("frank",)) == [closed]


def test_a_case_file_changed_by_hand_is_read_again(ledger: LedgerRepo) -> None:
    _, still_open = _closed_and_open(ledger)
    list(repository.open(ledger.root).case_files.scan())
    path = ledger.root / "cases" / "2026" / f"{still_open}.yaml"
    path.write_text(path.read_text().replace("status: open", "status: closed"))
    assert list(repository.open(ledger.root).case_files.scan(CaseQuery("open"))) == []


def test_a_broken_case_store_is_rebuilt(ledger: LedgerRepo) -> None:
    _, still_open = _closed_and_open(ledger)
    list(repository.open(ledger.root).case_files.scan())
    for store in (ledger.root / ".git" / "coc-cache").glob("cases-*.pickle"):
        store.write_bytes(b"not a pickle")
    assert [c.id for c in repository.open(ledger.root).case_files.scan(CaseQuery("open"))] == [
        still_open
    ]


def test_due_lists_the_same_with_and_without_the_store(ledger: LedgerRepo) -> None:
    _closed_and_open(ledger)
    first = ledger.coc("due", "--at", "2026-03-01", "--json").json
    assert ledger.coc("due", "--at", "2026-03-01", "--json").json == first


# --- registers an action rewrote enter the cache once committed -------------------------------


def _big_register(count: int = 600) -> SanctionsFile:
    sanctions = [
        {
            "id": f"S-2026-{i:04d}",
            "case": f"COC-2026-{i:04d}",
            "person": f"m{i:05d}",
            "kind": "warning",
            "offence": 1,
            "status": "enacted",
            "status_on": "2026-01-02",
            "decided_on": "2026-01-02",
            "conduct": "Insults in the chat",
        }
        for i in range(1, count + 1)
    ]
    return SanctionsFile.model_validate({"sanctions": sanctions})


def test_a_written_register_is_served_to_actions_but_not_to_validate(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    whole = _big_register()
    text = yamlwrite.dump(whole.model_dump(mode="json", exclude_none=True))
    assert len(text) >= parse_cache.MIN_SIZE
    cache = tmp_path / ".git" / "coc-cache"
    written = parse_cache.Written(cache, [(text, Register.of(Sanction, whole.sanctions))])
    assert parse_cache.get(cache, text, Sanction) is None  # not before the commit
    written.commit()
    cached = parse_cache.get(cache, text, Sanction)
    assert cached is not None
    assert cached.all() == list(SanctionsFile.model_validate(yamlio.load_fast(text, "x")).sanctions)
    assert parse_cache.get(cache, text, Sanction, written=False) is None


def test_a_register_from_the_cache_validates_only_the_entries_used(tmp_path: Path) -> None:
    whole = _big_register()
    register = Register.from_bytes(Sanction, Register.of(Sanction, whole.sanctions).to_bytes())
    assert register is not None
    assert register["S-2026-0007"] == whole.sanctions[6]
    assert register.where("person", "m00009") == [whole.sanctions[8]]
    assert register.where("case", "COC-2026-0600") == [whole.sanctions[-1]]
    assert sum(m is not None for m in register._models) == 3
    changed = whole.sanctions[0].model_copy(update={"status": "overturned"})
    added = whole.sanctions[1].model_copy(update={"id": "S-2027-0001", "person": "zed"})
    after = register.changed([changed, added])
    assert after.all() == [changed, *whole.sanctions[1:], added]
    assert after.where("person", "zed") == [added]
    assert register.all() == list(whole.sanctions)  # the register it came from is unchanged
    assert Register.from_bytes(Sanction, after.to_bytes()).all() == after.all()  # type: ignore[union-attr]
    assert after.without(["S-2027-0001"]).all() == [changed, *whole.sanctions[1:]]


def test_a_register_of_another_format_is_not_read() -> None:
    data = Register.of(Person, [Person(id="zed", name="Zed Example")]).to_bytes()
    assert Register.from_bytes(Sanction, data) is None
    assert Register.from_bytes(Person, b"not marshal data") is None


def test_people_are_found_by_email_whatever_its_case() -> None:
    people = Register.of(Person, [Person(id="zed", name="Zed", email="Zed@Example.org")])
    assert [p.id for p in people.where("email", "zed@EXAMPLE.org")] == ["zed"]
    assert people.where("email", "zoe@example.org") == []


def test_an_action_that_adds_a_person_leaves_people_yaml_parsed(ledger: LedgerRepo) -> None:
    members = "".join(f"  - id: m{i:05d}\n    name: Member {i:05d}\n" for i in range(2500))
    with (ledger.root / "people.yaml").open("a") as handle:  # past the size the cache starts at
        handle.write(members)
    ledger.git("commit", "-qam", "many members")
    ledger.coc("person", "add", "zed", "--name", "Zed Example", "--at", "2026-01-03")
    text = ledger.read("people.yaml")
    assert len(text) >= parse_cache.MIN_SIZE
    cached = parse_cache.get(ledger.root / ".git" / "coc-cache", text, Person)
    assert cached is not None and cached.all()[-1] == Person(id="zed", name="Zed Example")
    people = PeopleFile.model_validate(yamlio.load_fast(text, "people.yaml")).people
    assert cached.all() == list(people)


# --- start-up: only the command asked for is built ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["--version"], ""),
        (["-C", "x", "--version"], ""),
        (["report", "new", "--summary", "Insults in chat", "--help"], "report"),
        (["-C", "some/where", "due"], "due"),
        (["--ledger=x", "validate"], "validate"),
        (["-Cx", "log", "COC-2026-0001"], "log"),
        (["--help"], None),
        (["--help", "--version"], None),
        (["repor"], None),
        ([], None),
        (["-C"], None),
    ],
)
def test_only_the_command_asked_for_is_built(args: list[str], wanted: str | None) -> None:
    assert main._wanted(args) == wanted


def test_the_entry_point_runs_a_command_and_leaves_the_app_whole(ledger: LedgerRepo) -> None:
    code = (
        "import sys; from cocledger.cli.main import run; sys.argv = ['coc', *sys.argv[1:]]; run()"
    )
    for args, expected in (
        (["--version"], "coc "),
        (["case", "list", "--json"], "[]"),
        (["--help"], "validate"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", code, *args], cwd=ledger.root, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
    before = (list(main.app.registered_commands), list(main.app.registered_groups))
    with pytest.raises(SystemExit):
        sys_argv, sys.argv = sys.argv, ["coc", "--version"]
        try:
            main.run()
        finally:
            sys.argv = sys_argv
    assert (main.app.registered_commands, main.app.registered_groups) == before


def test_a_duplicate_id_is_changed_everywhere_and_the_file_rendered_whole() -> None:
    """validate reports a duplicate id (CL020) and the repository refuses such a register; the
    register itself changes every copy alike, and never splices one block of the two."""
    first = _big_register(2).sanctions[0]
    twice = Register.of(Sanction, [first, first])
    rejected = first.model_copy(update={"status": "rejected"})
    assert twice.changed([rejected]).all() == [rejected, rejected]
    text = yamlwrite.dump({"sanctions": [first.model_dump(mode="json", exclude_none=True)] * 2})
    assert yamlwrite.dump_items(text, "sanctions", {first.id: {"id": first.id}}, {first.id}) is None
