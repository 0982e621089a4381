"""Error types, each carrying the exit code the CLI must return (SPEC §4)."""

from __future__ import annotations


class CocError(Exception):
    """Refused by the policy or problems found: exit 1. The message says what to do; `said` is
    what another program answered (git's whole output), shown indented below it."""

    exit_code = 1
    said = ""


class RefusedError(CocError):
    """An action the policy, the roster or the ledger's state does not allow.

    `code` is the `coc validate` check that reports the same refusal when the replay of a
    ledger's timelines meets it (SPEC §3 One engine): CL058 unless the gate says otherwise;
    `key`, the field of the step's event it points at (`meeting`), if not the event itself."""

    def __init__(self, message: str, code: str = "CL058", key: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.key = key


class SealedError(RefusedError):
    """SPEC §8 Without a key: an action needs the text of a sealed field no identity here opens
    (exit 1); the CLI names the identity it looked for."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is sealed, and no key here opens it")


class UsageError(CocError):
    """Bad usage: a wrong flag value, an id that cannot exist, an impossible date. Exit 2."""

    exit_code = 2


class InputError(CocError):
    """Unreadable input: a file that does not parse or does not fit its schema. Exit 2.

    Carries the file and line so the one-line message points at the place to fix.
    """

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.detail = message
        where = file if file else ""
        if file and line:
            where = f"{file}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
