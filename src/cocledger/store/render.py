"""An action's Change as the file texts it writes (SPEC §5: only those files): a case file or
policy.yaml rewritten keeping its comments, a register rewritten entry by entry."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ..core.change import Change
from ..core.defaults import CASE_HEADER, PEOPLE_HEADER, SANCTIONS_HEADER
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, case_path
from ..core.models import Person, Sanction
from . import yamlwrite
from .registers import Register

if TYPE_CHECKING:
    from .repository import Repository

R = TypeVar("R", Person, Sanction)
HEADERS = {PEOPLE_FILE: PEOPLE_HEADER, SANCTIONS_FILE: SANCTIONS_HEADER}
Written = list[tuple[str, Register[Any]]]
"""The registers written: each file's new text and the register it holds (for the cache)."""


def data_of(model: BaseModel, only_set: bool = False) -> Any:
    """A model as the plain values the YAML files hold (dates as ISO text)."""
    return model.model_dump(mode="json", exclude_none=True, exclude_unset=only_set)


def files(repo: Repository, change: Change) -> tuple[dict[str, str | None], Written]:
    """The text of every file the change writes, by ledger path, and the registers among them."""
    texts: dict[str, str | None] = dict(change.files)
    written: Written = []
    for case in change.cases:
        relpath = case_path(case.id)
        previous = repo.text(relpath)
        text = yamlwrite.dump(data_of(case), previous)
        texts[relpath] = text if previous is not None else CASE_HEADER + text
    if change.sanctions:
        written.append(_register(repo, SANCTIONS_FILE, Sanction, change.sanctions, ()))
        texts[SANCTIONS_FILE] = written[-1][0]
    if change.people or change.people_removed:
        people = _register(repo, PEOPLE_FILE, Person, change.people, change.people_removed)
        written.append(people)
        texts[PEOPLE_FILE] = people[0]
    if change.policy is not None:
        texts[POLICY_FILE] = yamlwrite.dump(
            data_of(change.policy, only_set=True), repo.text(POLICY_FILE)
        )
    return texts, written


def _register(
    repo: Repository, relpath: str, model: type[R], changed: Sequence[R], removed: Collection[str]
) -> tuple[str, Register[Any]]:
    """A register file rewritten entry by entry: only the changed or added entries are rendered
    (the whole file only when entries leave it, or its layout is not the tool's)."""
    key = relpath.removesuffix(".yaml")
    previous = repo.text(relpath)
    register: Register[Any] = Register.of(model, [])
    if previous:
        register = repo.sanctions if relpath == SANCTIONS_FILE else repo.people
    new = register.changed(changed).without(removed)
    items = {entry.id: data_of(entry) for entry in changed}
    text = None if removed else yamlwrite.dump_items(previous, key, items, set(register.ids))
    if text is None:
        text = yamlwrite.dump({key: [data_of(entry) for entry in new.all()]}, previous)
        if previous is None:
            text = HEADERS[relpath] + text
    return text, new
