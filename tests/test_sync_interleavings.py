"""Issue 19, as a property: random interleavings of actions on two or three clones of one bare
remote, then `coc sync` on each until all agree. After everyone has synced, all clones are equal,
`validate --base` the start reports no error, every action any clone made is in the history
exactly once or was refused by sync with a reason, and every commit's trailers name ids that
exist. COC_SYNC_EXAMPLES=N runs N interleavings (default: a few, to keep the suite in budget)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from council import Clone, council

EXAMPLES = int(os.environ.get("COC_SYNC_EXAMPLES", "0"))
START = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
OPS = ("report", "report", "notify", "notify", "form", "recuse", "close", "person", "sync", "sync")
STOPS: Counter[str] = Counter()
"""Why sync stopped, and how many actions and syncs ran, over the run (shown in a long run)."""

step = st.tuples(st.integers(0, 2), st.sampled_from(OPS), st.integers(0, 3))


def _cases(clone: Clone) -> list[str]:
    return sorted(p.stem for p in (clone.root / "cases").rglob("*.yaml"))


def _act(clone: Clone, op: str, pick: int, at: str) -> bool:
    """One action on a clone; whether it was recorded (a refusal by the rules is fine)."""
    cases = _cases(clone)
    if op == "report":
        args = ("--respondent", ("frank", "hank")[pick % 2], "--reporter", "gina", "--summary", "x")
        return clone.coc("report", "new", *args, "--at", at, expect=None).exit_code == 0
    if op == "person":  # two clones may add the same person: the second to sync is stopped
        name = ("--name", f"Member {pick}")
        run = clone.coc("person", "add", f"new{pick}", *name, "--at", at, expect=None)
        return run.exit_code == 0
    if not cases:
        return False
    case = cases[pick % len(cases)]
    if op == "notify":
        run = clone.coc("report", "notify-council", case, "--at", at, expect=None)
    elif op == "form":
        members = ("--member", "bob", "--member", "carol", "--member", "dan")
        run = clone.coc("committee", "form", case, *members, "--at", at, expect=None)
    elif op == "close":
        run = clone.coc("case", "close", case, "--at", at, expect=None)
    else:
        run = clone.coc("committee", "recuse", case, "--member", "dan", "--at", at, expect=None)
    assert run.exit_code in (0, 1), run.stderr  # never unreadable, never a crash
    return run.exit_code == 0


def _sync(clone: Clone, dropped: set[tuple[str, str]]) -> None:
    """`coc sync`; when it stops, the member does what the message says: drops their commits
    (each counted as refused by sync, with its reason) and syncs again."""
    run = clone.coc("sync", expect=None)
    STOPS["(syncs)"] += 1
    if run.exit_code == 0:
        return
    assert run.exit_code == 1 and "stopped before changing anything" in run.stderr, run.stderr
    STOPS[run.stderr.split("cannot be replayed on the upstream")[-1].split(": ", 1)[-1][:50]] += 1
    ahead = int(clone.git("rev-list", "--count", "@{upstream}..HEAD"))
    for _, trailers in clone.log()[len(clone.log()) - ahead :]:
        dropped.add((trailers.get("Coc-Actor", ""), trailers.get("Coc-At", "")))
    clone.git("reset", "-q", "--keep", "@{upstream}")
    clone.coc("sync")


def _check(
    clones: list[Clone], made: list[tuple[str, str]], dropped: set[tuple[str, str]], start: str
) -> None:
    heads = {c.head() for c in clones}
    assert len(heads) == 1
    first = clones[0]
    first.coc("validate", "--base", start)
    history = Counter(
        (t.get("Coc-Actor", ""), t.get("Coc-At", "")) for _, t in first.log() if "Coc-At" in t
    )
    for action in made:
        assert history[action] == 1 or (action in dropped and history[action] == 0), action
    cases = set(_cases(first))
    for subject, trailers in first.log():
        if "Coc-Case" in trailers:
            assert trailers["Coc-Case"] in cases and trailers["Coc-Case"] in subject


def test_random_interleavings_converge(
    ledger_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(
        max_examples=EXAMPLES or 2,
        deadline=None,
        derandomize=not EXAMPLES,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.integers(2, 3), st.lists(step, min_size=5, max_size=14 if EXAMPLES else 7))
    def run(members: int, steps: list[tuple[int, str, int]]) -> None:
        tmp = tmp_path_factory.mktemp("council")
        clones = council(tmp, ledger_template, ("bob", "carol", "erin")[:members])
        start = clones[0].head()
        made: list[tuple[str, str]] = []
        dropped: set[tuple[str, str]] = set()
        for n, (who, op, pick) in enumerate(steps):
            clone = clones[who % members]
            at = (START + timedelta(minutes=7 * n)).isoformat()
            if op == "sync":
                _sync(clone, dropped)
            elif _act(clone, op, pick, at):
                made.append((clone.member, at))
                STOPS["(actions)"] += 1
        for _ in range(2):  # everyone syncs, twice: the first ones take what the last shared
            for clone in clones:
                _sync(clone, dropped)
        _check(clones, made, dropped, start)
        STOPS["(interleavings)"] += 1

    run()
    if EXAMPLES:
        print(f"\nsync stops by reason: {dict(STOPS)}")
