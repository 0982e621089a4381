"""A council on several clones, for the tests of `coc sync` (SPEC §7): a bare remote made from a
template ledger, and one real clone per member, each with its own identity."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import LedgerRepo, Run


class Clone(LedgerRepo):
    """One member's clone: `coc` runs in it (-C), as that member by default."""

    def __init__(self, root: Path, member: str) -> None:
        super().__init__(root)
        self.member = member

    def coc(
        self,
        *args: str,
        actor: str | None = None,
        expect: int | None = 0,
        env: dict[str, str] | None = None,
    ) -> Run:
        return super().coc(
            "-C", str(self.root), *args, actor=actor or self.member, expect=expect, env=env
        )

    def log(self) -> list[tuple[str, dict[str, str]]]:
        """Every commit, oldest first: subject and trailers."""
        out = self.git("log", "--reverse", "--format=%s%x1f%(trailers:only,unfold)%x1e")
        found = []
        for entry in out.split("\x1e"):
            if not entry.strip():
                continue
            subject, _, trailers = entry.strip("\n").partition("\x1f")
            pairs = (line.split(": ", 1) for line in trailers.splitlines() if ": " in line)
            found.append((subject, dict(pairs)))
        return found


def council(tmp_path: Path, template: Path, members: tuple[str, ...]) -> list[Clone]:
    """A bare remote holding `template`'s history, and a clone of it for each member."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(template), str(remote)], check=True)
    clones = []
    for member in members:
        root = tmp_path / member
        subprocess.run(["git", "clone", "-q", str(remote), str(root)], check=True)
        clone = Clone(root, member)
        clone.git("config", "user.email", f"{member}@example.org")
        clone.git("config", "user.name", f"{member.title()} Example")
        clones.append(clone)
    return clones
