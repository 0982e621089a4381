"""What `coc sync` tells: every action it rebuilt, every id that changed, and whether it pushed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sync import Synced


def show(result: Synced, as_json: bool) -> None:
    from .console import emit_json, lines

    if as_json:
        emit_json(result.json())
        return
    said: list[str] = []
    would = "would be " if result.dry_run else ""
    for r in result.replayed:
        said.append(
            f"{r.old[:12]} -> {r.new[:12] if not result.dry_run else '(not kept)'}  {r.subject}"
        )
    for old, new in result.renamed.items():
        said.append(f"{old} {would}renumbered {new} (the upstream had taken {old})")
    said += [f"{line}: worked out again on the upstream" for line in result.numbers]
    if result.replayed:
        head = f"Rebuilt {len(result.replayed)} action(s) on {result.upstream}:"
    elif result.fast_forward:
        head = f"Took {result.fast_forward} commit(s) from {result.upstream}; nothing of yours to share."
    elif result.shared:
        head = f"{result.shared} action(s) of yours on top of {result.upstream}, as they were."
    else:
        head = f"Up to date with {result.upstream}."
    if result.dry_run:
        head = "Dry run, nothing changed. " + head
    elif result.pushed:
        said.append(f"Pushed to {result.upstream}.")
    elif result.shared:
        said.append("Not pushed (--no-push, or the branch has no upstream to push to).")
    lines(head, tuple(said))
