"""SPEC §8 The cryptography of sealed records, from well-kept libraries only: fields sealed with
AES-SIV (`cryptography`), data keys wrapped to age recipients or SSH ed25519 keys (`pyrage`).

AES-SIV is deterministic: a field sealed again unchanged, under the same key and bound to the same
place, gives the same text, so a case file rewritten by an action changes only where its content
did, and two clones' edits merge as plain ones do. What that reveals (that a field is unchanged)
git's own diff reveals anyway. Each value is bound to its place (record, field), so a ciphertext
moved to another case or field does not open.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

from ..core.sealing import V1, key_id, well_formed
from ..errors import InputError

KEY_BYTES = 64
"""An AES-SIV key of 512 bits (two AES-256 keys)."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def kid(key: bytes) -> str:
    """A data key's id, written in each value it seals: 16 hex digits of a hash of the key,
    which says nothing of the key."""
    return hashlib.sha256(b"coc-sealed-key-id:" + key).hexdigest()[:16]


def seal(key: bytes, place: str, text: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    sealed = AESSIV(key).encrypt(text.encode("utf-8"), [place.encode("utf-8")])
    return f"{V1}{kid(key)}:{base64.urlsafe_b64encode(sealed).rstrip(b'=').decode()}"


def open_(key: bytes, place: str, value: str) -> str | None:
    """The text a sealed value holds, None when it does not open with this key (another key, or
    altered, or moved from elsewhere)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    if not well_formed(value) or key_id(value) != kid(key):
        return None
    body = value.rsplit(":", 1)[1]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return AESSIV(key).decrypt(raw, [place.encode("utf-8")]).decode("utf-8")
    except (InvalidTag, ValueError, UnicodeDecodeError):
        return None


# --- age: wrapping data keys ---------------------------------------------------------------------


def recipient(text: str) -> Any:
    """An age recipient (`age1…`) or an SSH ed25519 public key, as pyrage takes it."""
    import pyrage

    text = " ".join(text.split()[:2]) if text.startswith("ssh-") else text.strip()
    try:
        if text.startswith("ssh-"):
            return pyrage.ssh.Recipient.from_str(text)
        return pyrage.x25519.Recipient.from_str(text)
    except pyrage.RecipientError as exc:
        raise ValueError(f"not an age recipient or SSH ed25519 key: {exc}") from None


def wrap(key: bytes, recipients: list[str]) -> bytes:
    import pyrage

    return bytes(pyrage.encrypt(key, [recipient(r) for r in recipients]))


def unwrap(blob: bytes, identities: list[Any]) -> bytes | None:
    """The data key, None when none of these identities is a recipient."""
    import pyrage

    if not identities:
        return None
    try:
        return bytes(pyrage.decrypt(blob, identities))
    except pyrage.DecryptError:
        return None


class Identity:
    """A council member's identity file: its age identities (or SSH ed25519 key) and the public
    recipients they answer to."""

    def __init__(self, path: Path, identities: list[Any], recipients: list[str]) -> None:
        self.path, self.identities, self.recipients = path, identities, recipients


def load_identity(path: Path) -> Identity:
    """An age identity file (`AGE-SECRET-KEY-1…` lines, comments allowed) or an unencrypted
    OpenSSH ed25519 private key. Refused (exit 2) naming the file when it is neither."""
    import pyrage

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the identity: {exc.strerror or exc}; make one with `coc key new` "
            "or point COC_IDENTITY (or --identity) at yours",
            str(path),
        ) from None
    if b"OPENSSH PRIVATE KEY" in raw:
        return _ssh_identity(path, raw)
    identities, recipients = [], []
    for n, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found = pyrage.x25519.Identity.from_str(line)
        except pyrage.IdentityError:
            raise InputError(
                "not an age identity line (AGE-SECRET-KEY-1…): is this the file `coc key new` "
                "wrote?",
                str(path),
                n,
            ) from None
        identities.append(found)
        recipients.append(str(found.to_public()))
    if not identities:
        raise InputError("holds no identity: make one with `coc key new`", str(path))
    return Identity(path, identities, recipients)


def _ssh_identity(path: Path, raw: bytes) -> Identity:
    import pyrage
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        private = serialization.load_ssh_private_key(raw, password=None)
        identity = pyrage.ssh.Identity.from_buffer(raw)
    except (ValueError, TypeError, pyrage.IdentityError) as exc:
        raise InputError(
            f"an SSH key coc cannot use ({exc}): use an unencrypted ed25519 key, or an age "
            "identity (`coc key new`)",
            str(path),
        ) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise InputError("an SSH key of another type: use an ed25519 key", str(path))
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return Identity(path, [identity], [public.decode()])


def generate() -> tuple[str, str]:
    """A new age identity, as the file text `coc key new` writes, and its recipient."""
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    return f"# coc identity\n# public key: {public}\n{identity}\n", public
