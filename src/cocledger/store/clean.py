"""What the store remembers of the check the actions and queries make (`actions.perform`): that
the ledger, exactly as it is now, holds no error `coc validate` reports. Without it, every action
would judge every file again (on the benchmark's ledger, 10,000 cases): with it, an action on an
unchanged ledger judges only its own result, and leaves the marker for the next.

The ledger "exactly as it is now" is what git says of it: the objects HEAD holds for its files
(policy.yaml, people.yaml, sanctions.yaml, cases/) and the content of every one of them that git
status finds changed, new or ignored, so any edit, by hand or by a pull, misses (a ledger in a
folder of a larger repository: those paths under the folder, git status naming them from the
work tree's top). The marker's key
also holds a digest of the code that judges. Only a finding of no error is remembered (one more
day can only make records less "in the future"). Markers live in the parse cache (`coc-cache/`
in the git directory) and are forgotten with it after an expunge.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from .. import __version__
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from . import git

KEEP = 4  # markers kept: the newest few states of the ledger
READERS = ("loader.py", "files.py", "cases.py", "registers.py", "repository.py")
"""The store's modules that decide what the checks are given (with store/yaml*.py)."""
SMALL = 200
"""A ledger of fewer case files is judged faster than git is asked what it holds."""
LEDGER_PATHS = (POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE, CASES_DIR)
_CODE: str | None = None


def _code() -> str:
    """A digest of the code that judges (and parses): markers of another version never count."""
    global _CODE
    if _CODE is None:
        here = Path(__file__).parent.parent
        digest = hashlib.blake2b(__version__.encode(), digest_size=16)
        sources = [*sorted((here / "core").glob("*.py")), *sorted((here / "checks").glob("*.py"))]
        sources += [here / "store" / name for name in READERS]
        sources += sorted((here / "store").glob("yaml*.py"))
        for source in sources:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


def identity(root: Path, as_committed: bool = False) -> tuple[str | None, bool]:
    """The ledger's content, as git sees it (None: no commit yet, or git cannot say), and
    whether the work tree holds its files exactly as HEAD does. `as_committed`: it is known to
    (an action has just committed on a work tree that did): git status need not look again."""
    tree = git._git(root, "ls-tree", "-z", "HEAD", "--", *LEDGER_PATHS, check=False)
    if tree.returncode != 0 or not tree.stdout:
        return None, False
    digest = hashlib.blake2b(_code().encode(), digest_size=20)
    digest.update(tree.stdout + b"\1")
    if as_committed:
        return digest.hexdigest(), True
    status = git._git(
        root,
        "--no-optional-locks",
        "status",
        "--porcelain=v1",
        "-z",
        "-uall",
        "--ignored=matching",
        "--no-renames",
        "--",
        *LEDGER_PATHS,
        check=False,
    )
    if status.returncode != 0:
        return None, False
    changed = [entry for entry in sorted(status.stdout.split(b"\0")) if entry]
    folder = git.prefix(root)  # git status names paths from the work tree's top
    for entry in changed:
        path = root / entry[3:].decode("utf-8", "surrogateescape").removeprefix(folder)
        digest.update(entry + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest(), not changed


def known(cache: Path | None, marker: str | None) -> bool:
    return cache is not None and marker is not None and (cache / f"clean-{marker}").is_file()


def remember(cache: Path | None, marker: str | None) -> None:
    """Best effort: only speed is lost when it cannot be written."""
    if cache is None or marker is None:
        return
    with contextlib.suppress(OSError):
        cache.mkdir(mode=0o700, exist_ok=True)
        olds = sorted(cache.glob("clean-*"), key=lambda p: p.stat().st_mtime)
        for old in olds[: max(len(olds) - KEEP + 1, 0)]:
            old.unlink(missing_ok=True)
        (cache / f"clean-{marker}").touch()
