"""SPEC §8 The keys once `coc sync` has made the branch final: a key both clones wrapped
differently is wrapped to the readers the branch has, and the keys it no longer uses are dropped
(`keyring.tidy`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import sealing
from ..core.models import Policy
from . import crypto, keyring
from .keyring import key_path
from .seals import Seals


def after_sync(root: Path, conflicts: Mapping[str, str]) -> None:
    """SPEC §8, once `coc sync` has made the branch final: each key both sides wrapped
    differently (`keyring.take`) is wrapped to its readers as the branch now has them, and the
    keys the branch no longer uses are dropped (`keyring.tidy`)."""
    from .files import GitTree
    from .repository import Repository

    source = GitTree(root, "HEAD")
    try:
        repo = Repository(root, source=source)
        policy = repo.loaded_policy[0]
        if policy is None or not policy.sealed:
            return
        used = _used(repo)
        if conflicts and used is not None:
            _rewrap(root, repo, policy, {p: s for p, s in conflicts.items() if p in used})
        keyring.tidy(root, used)
    finally:
        source.close()


def _used(repo: Any) -> set[str] | None:
    """The key files a ledger's records are sealed with (None: a file does not parse, so what
    it uses is not known)."""
    people, sanctions = repo.loaded_people[0], repo.loaded_sanctions[0]
    if people is None or sanctions is None:
        return None
    found: set[str] = set()

    def add(owner: str, value: Any) -> None:
        if sealing.is_sealed(value) and sealing.well_formed(value):
            found.add(key_path(owner, sealing.key_id(value)))

    for relpath in repo.case_files.files():
        case = repo.case_files.parsed(relpath)
        if case is None:
            return None
        for _, value in sealing.case_texts(case):
            add(case.id, value)
    for sanction in sanctions.all():
        if sanction.case and sanction.appeal is not None:
            add(sanction.case, sanction.appeal.reason)
    for person in people.all():
        for _, _, value in sealing.person_values(person):
            add(sealing.contact_owner(person.id), value)
    return found


def _rewrap(root: Path, repo: Any, policy: Policy, conflicts: Mapping[str, str]) -> None:
    seals = Seals(root)
    people = repo.people
    puts = {}
    for path, theirs in conflicts.items():
        parts = path.removesuffix(".age").split("/")
        if parts[0] == "people":
            owner, readers = (
                sealing.contact_owner(parts[1]),
                sealing.members_with_keys(policy, people),
            )
        else:
            case = repo.case_files.get(parts[2])
            if case is None or case.sealed_for is None:
                continue
            owner, readers = parts[2], case.sealed_for
        key = seals.key(owner, parts[-1])
        if key is None and (identity := seals.identity()) is not None:
            wrapped = seals.keyring.read(theirs)
            key = crypto.unwrap(wrapped, identity.identities) if wrapped else None
        recipients = [str(people[m].key) for m in readers if m in people and people[m].key]
        if key is not None and recipients:
            puts[path] = crypto.wrap(key, recipients)
    seals.keyring.replace(puts)
