"""The register cache: only byte-identical content is served from it; anything else is re-parsed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cocledger.core.models import Person
from cocledger.store import cache as parse_cache
from cocledger.store import repository
from cocledger.store.registers import Register


def _people_text(count: int, name: str = "Member") -> str:
    rows = "".join(f"  - id: m{i:05d}\n    name: {name} {i:05d}\n" for i in range(count))
    return "people:\n" + rows


def _repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def _cache(root: Path) -> Path:
    return root / ".git" / "coc-cache"


def test_a_large_register_is_parsed_once_then_served_from_the_cache(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = _people_text(3000)
    (root / "people.yaml").write_text(text)
    assert parse_cache.get(_cache(root), text, Person) is None
    first = repository.open(root).people.all()
    cached = parse_cache.get(_cache(root), text, Person)
    assert cached is not None and cached.all() == first


def test_a_changed_register_is_parsed_again(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "people.yaml").write_text(_people_text(3000))
    assert repository.open(root).people.all()[0].name == "Member 00000"
    (root / "people.yaml").write_text(_people_text(3000, name="Renamed"))
    assert repository.open(root).people.all()[0].name == "Renamed 00000"


def test_a_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = _people_text(3000)
    parse_cache.put(_cache(root), text, Register.of(Person, [Person(id="x", name="X")]))
    for entry in (root / ".git" / "coc-cache").iterdir():
        entry.write_bytes(b"not a register")
    assert parse_cache.get(_cache(root), text, Person) is None


def test_small_files_and_trees_without_git_are_not_cached(tmp_path: Path) -> None:
    parse_cache.put(None, _people_text(3000), Register.of(Person, []))
    assert not (tmp_path / ".git").exists()
    root = _repo(tmp_path / "repo")
    parse_cache.put(_cache(root), _people_text(2), Register.of(Person, []))
    assert not (root / ".git" / "coc-cache").exists()


def test_clear_forgets_every_cached_parse(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = _people_text(3000)
    parse_cache.put(_cache(root), text, Register.of(Person, [Person(id="x", name="X")]))
    assert (root / ".git" / "coc-cache").stat().st_mode & 0o077 == 0  # private to its owner
    parse_cache.clear(_cache(root))
    assert parse_cache.get(_cache(root), text, Person) is None
    assert not list(_cache(root).glob("*.register"))
