"""What the store remembers of the actions' own check (`actions.perform`): that these files, with
exactly these texts, held no error `coc validate` reports. Checking policy.yaml, people.yaml and
sanctions.yaml replays the case of every sanction on record (1,500 of them on the benchmark's
ledger): an action that finds a marker for the same texts need not do it again, and the action
that made the ledger so leaves one for the next.

A marker's key is the digest of the code that judged (`core/`, `checks/`), the files judged, and
the texts of everything that judgement read: the policy, the registers, the case of every
sanction on record and every case file judged. Any edit of any of them misses. Only a finding of
no error is remembered (one more day can only make records less "in the future"). Markers live in
the parse cache (`coc-cache/` in the git directory) and are forgotten with it after an expunge.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from .. import __version__
from ..core.ids import CASES_DIR, PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, case_path
from ..core.snapshot import ALL_CASES

KEEP = 4  # markers kept: the newest few states of the ledger
_CODE: str | None = None


def _code() -> str:
    """A digest of the code that judges: markers of another version never count."""
    global _CODE
    if _CODE is None:
        here = Path(__file__).parent.parent
        digest = hashlib.blake2b(__version__.encode(), digest_size=16)
        for folder in ("core", "checks"):
            for source in sorted((here / folder).glob("*.py")):
                digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


def key(
    files: Collection[str], text: Callable[[str], str | None], cases: Iterable[str | None]
) -> str | None:
    """The marker of these files being judged with these texts, the register's sanctions being
    of `cases` (None: not remembered, e.g. every case file)."""
    if ALL_CASES in files:
        return None
    read = {POLICY_FILE, PEOPLE_FILE, SANCTIONS_FILE}
    read |= {case_path(case) for case in cases if case}
    read |= {f for f in files if f.startswith(CASES_DIR + "/")}
    digest = hashlib.blake2b(_code().encode(), digest_size=20)
    digest.update("\0".join(sorted(files)).encode() + b"\1")
    for path in sorted(read):
        digest.update(path.encode() + b"\0" + _digest(text(path)))
    return digest.hexdigest()


_DIGESTS: dict[int, tuple[str, bytes]] = {}


def _digest(text: str | None) -> bytes:
    """A text's digest, once per text object (a command asks twice of most files)."""
    if text is None:
        return b"\2"
    found = _DIGESTS.get(id(text))
    if found is None or found[0] is not text:
        found = _DIGESTS[id(text)] = (text, hashlib.blake2b(text.encode(), digest_size=20).digest())
    return found[1]


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
