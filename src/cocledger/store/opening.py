"""SPEC §8 `coc validate --identity FILE`: whether a sealed value that identity may read opens
with it, as `sealing.Opener` asks for the checks (CL099). The keys ref is read once, in one `git
cat-file` process, and each data key is unwrapped at most once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core import sealing
from . import crypto
from .keyring import REF, Keyring, key_path

MISSING = (
    f"its key is not in {REF} (fetch the newest keys: `coc sync`); a key dropped by `coc "
    "expunge` opens nothing any more, so restore the value sealed with the current key from git "
    "history"
)
NOT_WRAPPED = (
    "its key is not wrapped to this identity, though sealed_for names its owner: fetch the "
    "newest keys (`coc sync`); if it still does not open, sealed_for was edited by hand: take "
    "the owner out of it, and the next `coc` step on the case by one of its readers wraps the "
    "key to them"
)
PEOPLE_NOT_WRAPPED = (
    "its key is not wrapped to this identity, though its owner is a council member with a key: "
    "fetch the newest keys (`coc sync`); if it still does not open, any change of the council or "
    "of a key, made by a member who reads people.yaml, wraps it to every member with a key"
)
ALTERED = (
    "it does not open with its key: the ciphertext was altered, or moved from another record or "
    "field; restore it from git history (`git log -p` on the file)"
)


class Opening:
    """One identity file and the keys ref of the ledger at `root`. Refused (exit 2, naming the
    file) when the identity cannot be read (`crypto.load_identity`)."""

    def __init__(self, root: Path, identity: Path) -> None:
        self.root = root
        self.identity = crypto.load_identity(identity)
        self._blobs: dict[str, bytes | None] | None = None
        self._keys: dict[str, bytes | None] = {}

    @property
    def recipients(self) -> Sequence[str]:
        return self.identity.recipients

    def failure(self, owner: str, place: str, value: str) -> str | None:
        path = key_path(owner, sealing.key_id(value))
        blob = self.blobs().get(path)
        if blob is None:
            return MISSING
        if path not in self._keys:
            self._keys[path] = crypto.unwrap(blob, self.identity.identities)
        key = self._keys[path]
        if key is None:
            return PEOPLE_NOT_WRAPPED if sealing.is_contact_owner(owner) else NOT_WRAPPED
        return None if crypto.open_(key, place, value) is not None else ALTERED

    def blobs(self) -> dict[str, bytes | None]:
        """Every wrapped key of the keys ref, by path, read in one go when first needed."""
        if self._blobs is None:
            self._blobs = Keyring(self.root).blobs()
        return self._blobs
