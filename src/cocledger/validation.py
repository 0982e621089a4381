"""`coc validate`'s run, for the command and for `coc sync` (which judges a rebuilt ledger as CI
will judge it): the one loader, the history since a base, and every check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.models import Policy
    from .core.problems import Problem
    from .store.cases import Progress
    from .store.repository import Files


def check(
    root: Path,
    base: str | None,
    moment: Callable[[Policy | None], datetime],
    select: Sequence[str] = (),
    progress: Progress | None = None,
    identity: Path | None = None,
) -> tuple[Files, list[Problem]]:
    """The ledger at `root` as validate reads it (trusting only what it parsed itself), and what
    the checks report at `moment` of its policy (None when policy.yaml does not parse), with the
    history since `base` (an unknown base fails first, before anything is read), and whether what
    the `identity` file may read opens with it (SPEC §8; one that cannot be read fails first)."""
    from .checks import Context, run
    from .core.ids import POLICY_FILE
    from .errors import InputError
    from .store import repository
    from .store.history import GitHistory
    from .store.opening import Opening

    opener = Opening(root, identity) if identity is not None else None
    repo = repository.open(root, trust_written=False)
    files = repo.ledger
    if files.policy is None and not files.problems([POLICY_FILE]):
        raise InputError(f"missing; is {root} a ledger? Create one with `coc init`", POLICY_FILE)
    history = GitHistory(root, base) if base is not None else None
    try:
        repo.load_all(progress)
        if history is not None:
            history.seed(files)  # the registers and case files the work tree holds, parsed
        ctx = Context(moment(files.policy), files, history=history, opener=opener)
        return files, run(ctx, select)
    finally:
        if history is not None:
            history.close()


def at_head(root: Path, moment: datetime) -> list[Problem]:
    """What the checks report at `moment` of the ledger as HEAD holds it (none without a commit
    or a ledger there): what a commit being made (in its pre-commit hook) is compared with."""
    from .checks import Context, run
    from .store import git, repository
    from .store.files import GitTree

    if git.head_sha(root) is None:
        return []
    tree = GitTree(root, "HEAD")
    try:
        repo = repository.Repository(root, trust_written=False, source=tree)
        if repo.ledger.policy is None:
            return []
        return run(Context(moment, repo.ledger))  # case files read from the tree as checked
    finally:
        tree.close()


def added_since_head(
    root: Path, problems: list[Problem], moment: datetime, select: Sequence[str]
) -> tuple[list[Problem], list[Problem]]:
    """SPEC §6: the strict pre-commit hook never blocks a `coc` action that adds no warning.
    In the hook of a `coc` action's commit (`COC_ACTION`, set by `store.commit` for its `git
    commit`), a warning blocks only when the ledger as HEAD holds it, judged at the same moment,
    has no such warning (same code, file and message: a line may move). Returns the warnings
    that were there before, and what blocks: every error, and the warnings the action adds."""
    from collections import Counter

    from .checks import selected

    head = [p for p in at_head(root, moment) if selected(p.code, select)]
    there = Counter((p.code, p.file, p.message) for p in head if p.severity == "warning")
    before, blocking = [], []
    for p in problems:
        key = (p.code, p.file, p.message)
        if p.severity == "warning" and there[key] > 0:
            there[key] -= 1
            before.append(p)
        else:
            blocking.append(p)
    return before, blocking
