"""Commands of sealed records (SPEC §8): key new, key add, seal."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .common import act
from .options import AtOpt, JsonOpt, LedgerOpt, PersonArg

IdentityOpt = Annotated[
    Path | None,
    typer.Option(
        "--identity",
        "-i",
        metavar="FILE",
        help="Your identity file (default: $COC_IDENTITY, else ~/.config/coc/identity.txt).",
    ),
]


def register(app: typer.Typer) -> None:
    key = typer.Typer(help="Council members' keys to sealed records.", no_args_is_help=True)
    key.command("new")(key_new)
    key.command("add")(key_add)
    app.add_typer(key, name="key")
    app.command("seal")(seal)


def key_new(identity: IdentityOpt = None, as_json: JsonOpt = False) -> None:
    """Make your age identity and print its public recipient.

    The file is written with mode 0600, outside the ledger.

    Keep the file to yourself and back it up: whoever holds it reads what you may read. Then
    record the recipient: `coc key add YOUR-ID RECIPIENT`.
    """
    from ..errors import RefusedError, UsageError
    from ..output.console import emit_json, lines
    from ..store import crypto, git, seals

    path = seals.identity_path(str(identity) if identity else None)
    ledger = next((p for p in path.resolve().parents if (p / "policy.yaml").is_file()), None)
    if ledger is not None and not git.ignored(ledger, path):
        raise UsageError(
            f"--identity {path}: inside the ledger at {ledger}, where a commit could carry it to "
            "every clone: keep your identity outside (default ~/.config/coc/identity.txt)"
        )
    text, recipient = crypto.generate()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"--identity {path}: its folder cannot be made ({why})") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise RefusedError(
            f"{path} exists: it is your identity, kept as it is (a new one would lock you out "
            "of what it opens); give another --identity for a second one"
        ) from None
    except OSError as exc:
        raise UsageError(f"--identity {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    if as_json:
        emit_json({"identity": str(path), "recipient": recipient})
        return
    lines(
        f"Wrote your identity to {path} (only you can read it). Its public recipient:",
        (recipient, "Record it: coc key add YOUR-ID " + recipient),
    )


def key_add(
    person_id: PersonArg,
    recipient: Annotated[
        str,
        typer.Argument(
            metavar="RECIPIENT",
            help="The member's age recipient (age1…) or SSH ed25519 public key (quoted).",
        ),
    ],
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a council member's public key.

    The data key of every case they may read is wrapped to it, in the same commit."""
    from ..actions.setup import key_add as action
    from ..errors import UsageError
    from ..store import crypto

    try:
        crypto.recipient(recipient)
    except ValueError as exc:
        raise UsageError(f"RECIPIENT: {exc}") from None
    act(ledger, at, "key add", lambda s, a, w: action(s, a, w, person_id, recipient), as_json)


def seal(ledger: LedgerOpt = None, at: AtOpt = None, as_json: JsonOpt = False) -> None:
    """Seal the ledger's confidential fields.

    One commit. Each case's data key is wrapped to the council members not conflicted in it
    (and the lead unless conflicted) who have a key on record (docs/privacy.md).
    """
    from ..actions.setup import seal as action

    act(ledger, at, "seal", action, as_json)
