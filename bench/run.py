"""Every performance target of issue 6, measured side by side in one run.

    python bench/run.py            # the full benchmark: 10,000 cases, 20,000 commits (~5 min)
    python bench/run.py --quick    # tiny ledgers, one run each: CI keeps it working (seconds)

Each subject runs interleaved with its reference (A B B A ...) after one warm-up run each, and
the medians are compared. Ledgers come from bench/generate.py, cached in bench/out/ by the
generator's text and sizes, and every run works on a scratch copy, so the cache stays pristine.
Exit 1 when a command fails; in the full run also when a target is missed (never in --quick,
whose figures mean nothing on tiny ledgers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
SIZES = {
    "full": {
        "big": {"cases": 10_000, "sanctions": 2_000, "commits": 20_000, "members": 3_000},
        "small": {"cases": 10, "sanctions": 2, "commits": 20, "members": 30},
    },
    "quick": {
        "big": {"cases": 120, "sanctions": 25, "commits": 240, "members": 60},
        "small": {"cases": 10, "sanctions": 2, "commits": 20, "members": 30},
    },
}
RUNS = {  # (full, quick)
    "startup": (20, 1),
    "validate": (5, 1),
    "jsonschema": (3, 1),
    "actions": (5, 1),
    "queries": (10, 1),
    "sealed": (5, 1),
}
AS_OF = "2026-10-01"  # generate.AS_OF: the day the generated ledgers are up to date on
ACTOR = {"name": "Alice Council", "email": "alice@example.org"}  # the generator's project lead

HELLO = '''\
import typer

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        typer.echo("hello 1.0")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True),
) -> None:
    """A bare typer hello-world app: the start-up floor of a typer CLI."""


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(f"Hello {name}")


app()
'''

LOG_FLOOR = '''\
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()


@app.callback()
def main() -> None:
    """A typer app with `coc log`'s parameters that does nothing: what typer alone would cost."""


@app.command()
def log(
    target: Annotated[str | None, typer.Argument()] = None,
    max_count: Annotated[int | None, typer.Option("-n", "--max-count", min=1)] = None,
    ledger: Annotated[Path | None, typer.Option("-C", "--ledger")] = None,
    at: Annotated[str | None, typer.Option("--at")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Parse the parameters, as `coc log` does, and stop."""


app()
'''

FLOOR = '''\
"""The parsing floor: read and parse every file `coc validate` reads, with PyYAML's C loader."""
import sys
from pathlib import Path

import yaml

root = Path(sys.argv[1])
files = [root / n for n in ("policy.yaml", "people.yaml", "sanctions.yaml")]
files += sorted((root / "cases").glob("*/*.yaml"))
for path in files:
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
print(len(files))
'''


# --- running one command ------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # the largest single process (getrusage of the child, via wait4)
    tree_peak_mb: float = 0.0  # the process and all its children at once (sampled from /proc)


class CommandFailed(RuntimeError):
    pass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree_rss(pid: int) -> int:
    """Resident bytes of pid and all its descendants, now."""
    kids = _children_map()
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        todo.extend(kids.get(current, []))
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


class TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self.done.wait(0.01)


def run_once(
    cmd: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    ok: Sequence[int] = (0,),
    memory: bool = False,
) -> Sample:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        sampler = TreeSampler(proc.pid) if memory else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if sampler:
            sampler.done.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        sample = Sample(
            seconds,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            (sampler.peak / 2**20) if sampler else 0.0,
        )
    if sample.returncode not in ok:
        raise CommandFailed(
            f"`{' '.join(cmd)}` in {cwd} exited {sample.returncode}:\n"
            f"{(sample.stderr or sample.stdout).strip()[-2000:]}"
        )
    return sample


# --- results ------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    subject: float  # seconds (or MB for memory)
    reference: float | None  # None for an absolute target
    target: float  # a ratio, or an absolute bound in the unit
    unit: str = "s"
    note: str = ""
    info: bool = False  # shown for context, no target

    @property
    def ratio(self) -> float | None:
        return self.subject / self.reference if self.reference else None

    @property
    def passed(self) -> bool:
        if self.info:
            return True
        value = self.ratio if self.reference is not None else self.subject
        return value is not None and value <= self.target

    def row(self) -> list[str]:
        def fmt(value: float | None) -> str:
            if value is None:
                return "-"
            return f"{value:.0f} MB" if self.unit == "MB" else f"{value:.3f} s"

        if self.info:
            verdict, target = "info", "-"
        else:
            verdict = "PASS" if self.passed else "FAIL"
            target = (
                f"≤ {self.target:g}×"
                if self.reference is not None
                else f"≤ {self.target:g} {self.unit}"
            )
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else "-"
        return [self.name, fmt(self.subject), fmt(self.reference), ratio, target, verdict]

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "subject": round(self.subject, 4),
            "reference": None if self.reference is None else round(self.reference, 4),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "target": self.target,
            "unit": self.unit,
            "passed": self.passed,
            "info": self.info,
            "note": self.note,
        }


def table(results: list[Result]) -> str:
    head = ["benchmark", "subject", "reference", "ratio", "target", "result"]
    rows = [head] + [r.row() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Bench:
    quick: bool
    work: Path
    env: dict[str, str]
    coc: list[str]
    big: Path
    small: Path
    big_source: Path | None = None  # the cached large ledger, for fresh copies (sealed)
    small_source: Path | None = None
    make_sealed: Callable[[Path], Sealed] | None = None  # the sealed variant of a cached ledger
    results: list[Result] = field(default_factory=list)
    log: Callable[[str], None] = print

    def runs(self, kind: str) -> int:
        full, quick = RUNS[kind]
        return quick if self.quick else full

    def side_by_side(
        self,
        commands: dict[str, tuple[list[str], Path, Sequence[int]]],
        runs: int,
        warmup: bool = True,
        env: dict[str, str] | None = None,
    ) -> dict[str, float]:
        """Median seconds of each command, run in turn (order reversed every other round)."""
        env = self.env if env is None else env
        names = list(commands)
        times: dict[str, list[float]] = {name: [] for name in names}
        if warmup:
            for cmd, cwd, ok in commands.values():
                run_once(cmd, cwd, env, ok)
        for index in range(runs):
            for name in names if index % 2 == 0 else reversed(names):
                cmd, cwd, ok = commands[name]
                times[name].append(run_once(cmd, cwd, env, ok).seconds)
        return {name: statistics.median(values) for name, values in times.items()}

    def add(self, result: Result) -> None:
        self.results.append(result)
        self.log("  " + "  ".join(result.row()))

    # --- start-up ---

    def startup(self) -> None:
        self.log("start-up: coc vs a bare typer hello-world app")
        hello = self.work / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        py = [sys.executable, str(hello)]
        for flag in ("--help", "--version"):
            medians = self.side_by_side(
                {
                    "coc": ([*self.coc, flag], self.work, (0,)),
                    "hello": ([*py, flag], self.work, (0,)),
                },
                self.runs("startup"),
            )
            self.add(Result(f"coc {flag}", medians["coc"], medians["hello"], 1.5))

    # --- sync ---

    def sync(self) -> None:
        """SPEC §7: `coc sync` of 10 actions of this clone onto an upstream 10 actions ahead, on
        the large ledger, against running those 10 actions plus one `validate --base` (target 3×).
        Two clones of one bare remote; each runs once (sync changes what it measures)."""
        self.log(f"sync: {self.big.name}")
        bare, up, mine = (self.work / name for name in ("remote.git", "upstream", "mine"))
        run_once(["git", "clone", "-q", "--bare", str(self.big), str(bare)], self.work, self.env)
        run_once(["git", "clone", "-q", str(bare), str(up)], self.work, self.env)
        policy = (up / "policy.yaml").read_text(encoding="utf-8")
        days = sorted(set(re.findall(r"date: '?(\d{4}-\d{2}-\d{2})'?\n\s+kind: ordinary", policy)))
        meeting = next((d for d in days if d > "2026-10-02"), "2026-10-05")
        if meeting not in days:  # both sides review at it: scheduled once, before they part
            at = ["--at", "2026-10-01T07:00:00+00:00"]
            run_once([*self.coc, "meeting", "add", meeting, *at, "-C", str(up)], up, self.env)
            run_once(["git", "push", "-q", "origin", "HEAD"], up, self.env)
        run_once(["git", "clone", "-q", str(bare), str(mine)], self.work, self.env)
        self._pull_request(up, "pr00001", skip_meeting=True)
        run_once(["git", "push", "-q", "origin", "HEAD"], up, self.env)
        times: list[float] = []
        self._pull_request(mine, "pr00002", skip_meeting=True, times=times)
        base = [*self.coc, "validate", "-C", str(mine), "--base", "@{upstream}"]
        checked = run_once(base, mine, self.env, ok=(0, 1)).seconds
        synced = run_once([*self.coc, "sync", "-C", str(mine), "--json"], mine, self.env)
        renamed = json.loads(synced.stdout)["renamed"]
        self.add(
            Result(
                f"coc sync, {len(times)} actions onto {len(times)} upstream (one run)",
                synced.seconds,
                sum(times) + checked,
                3.0,
                note=f"reference: the {len(times)} actions {sum(times):.2f} s + validate --base "
                f"{checked:.2f} s; renumbered {', '.join(f'{a}->{b}' for a, b in renamed.items())}",
            )
        )

    # --- validate ---

    def validate(self) -> None:
        self.log(f"validate: {self.big.name}")
        floor = self.work / "floor.py"
        floor.write_text(FLOOR, encoding="utf-8")
        # as of the day the generated ledger is up to date on, so its result never changes
        validate = [*self.coc, "validate", "-C", str(self.big), "--at", AS_OF]
        first = run_once(validate, self.big, self.env, ok=(0, 1))
        note = (
            ""
            if first.returncode == 0
            else "the ledger has problems: " + first.stdout.strip().splitlines()[-1]
        )
        medians = self.side_by_side(
            {
                "coc": (validate, self.big, (0, 1)),
                "floor": ([sys.executable, str(floor), str(self.big)], self.big, (0,)),
            },
            self.runs("validate"),
        )
        self.add(
            Result(
                "coc validate vs read+parse (CSafeLoader)",
                medians["coc"],
                medians["floor"],
                1.5,
                note=note,
            )
        )
        self._jsonschema(validate)
        self._validate_base()
        sample = run_once(validate, self.big, self.env, ok=(0, 1), memory=True)
        peak = max(sample.tree_peak_mb, sample.max_rss_mb)
        self.add(
            Result(
                "coc validate peak memory (all processes)",
                peak,
                None,
                400,
                unit="MB",
                note=f"largest single process {sample.max_rss_mb:.0f} MB",
            )
        )

    def _validate_base(self) -> None:
        """`validate --base` as CI runs it on a pull request of 1 and of 10 commits (SPEC §6: its
        cost follows the pull request), against plain `validate` of the same tree. The commits
        are made in a throwaway clone, so the large ledger stays as it is for what follows."""
        clone = self.work / "pull-request"
        run_once(["git", "clone", "-q", "--shared", str(self.big), str(clone)], self.work, self.env)
        day = self._pull_request(clone)
        at = ["--at", f"{day}T21:00:00+00:00"]
        plain = [*self.coc, "validate", "-C", str(clone), *at]
        commands = {"plain": (plain, clone, (0, 1))}
        for commits in (1, 10):
            commands[f"{commits}"] = ([*plain, "--base", f"HEAD~{commits}"], clone, (0, 1))
        medians = self.side_by_side(commands, self.runs("validate"))
        for commits in (1, 10):
            name = f"coc validate --base, a {commits}-commit pull request"
            self.add(Result(name, medians[f"{commits}"], medians["plain"], 1.2))
        self._validate_expunge()

    def _pull_request(
        self,
        clone: Path,
        person: str = "pr00001",
        skip_meeting: bool = False,
        times: list[float] | None = None,
    ) -> str:
        """Ten commits of `coc`, as a pull request to the ledger brings them: a new person and
        their first case from report to apology (people.yaml, a case file and sanctions.yaml
        change). Returns the day of the review meeting, the last day of the pull request."""
        policy = (clone / "policy.yaml").read_text(encoding="utf-8")
        days = sorted(set(re.findall(r"date: '?(\d{4}-\d{2}-\d{2})'?\n\s+kind: ordinary", policy)))
        meeting = next((d for d in days if d > "2026-10-02"), "2026-10-05")
        steps: list[list[str]] = []
        if meeting not in days and not skip_meeting:
            steps.append(["meeting", "add", meeting, "--at", "2026-10-01T07:00:00+00:00"])
        case = "{case}"
        steps += [
            ["person", "add", person, "--name", "Pull Request", "--at", "2026-10-01T08:00:00+00:00"],
            [
                "report", "new", "--respondent", person, "--reporter", "m00001",
                "--setting", "public", "--category", "personal-insults",
                "--summary", "Insults in the chat", "--at", "2026-10-01T09:00:00+00:00", "--json",
            ],
            ["report", "notify-council", case, "--at", "2026-10-01T10:00:00+00:00"],
            [
                "committee", "form", case, "--member", "bob", "--member", "carol",
                "--member", "dan", "--at", "2026-10-01T11:00:00+00:00",
            ],
            ["report", "share", case, "--at", "2026-10-01T12:00:00+00:00"],
            ["report", "respond", case, "--at", "2026-10-02T12:00:00+00:00"],
            ["report", "review", case, "--meeting", meeting, "--at", f"{meeting}T18:00:00+00:00"],
            ["sanction", "propose", case, "--json", "--at", f"{meeting}T18:10:00+00:00"],
            ["sanction", "enact", "{sanction}", "--at", f"{meeting}T18:20:00+00:00"],
            ["apology", "record", "{sanction}", "--delivered", "--at", f"{meeting}T20:00:00+00:00"],
        ]  # fmt: skip
        ids: dict[str, str] = {}
        for step in steps:
            args = [arg.format(**ids) for arg in step]
            sample = run_once([*self.coc, *args, "-C", str(clone)], clone, self.env)
            if times is not None:
                times.append(sample.seconds)
            if "--json" in args:
                ids.update(json.loads(sample.stdout))
        return meeting

    def _validate_expunge(self) -> None:
        """For scale: the large ledger's last commit, the generator's real `coc expunge` (on the
        full ledger, of 6,868 records in 6,382 files), as one pull request; no target: most of the
        ledger changes in it."""
        validate = [*self.coc, "validate", "-C", str(self.big), "--at", AS_OF]
        medians = self.side_by_side(
            {
                "plain": (validate, self.big, (0, 1)),
                "base": ([*validate, "--base", "HEAD~1"], self.big, (0, 1)),
            },
            1,
            warmup=False,
        )
        files = run_once(
            ["git", "diff", "--name-only", "HEAD~1", "HEAD"], self.big, self.env
        ).stdout.count("\n")
        name = f"coc validate --base HEAD~1 (an expunge, {files} files)"
        self.add(Result(name, medians["base"], medians["plain"], 0, info=True))

    def _jsonschema(self, validate: list[str]) -> None:
        checker = Path(sys.executable).parent / "check-jsonschema"
        if not checker.exists():
            found = shutil.which("check-jsonschema")
            if found is None:
                self.log("  check-jsonschema is not installed: pip install -e '.[bench]' (skipped)")
                return
            checker = Path(found)
        schemas = self.work / "schemas"
        run_once([*self.coc, "schema", "-o", str(schemas)], self.big, self.env)
        files = sorted(p.relative_to(self.big).as_posix() for p in self.big.glob("cases/*/*.yaml"))
        check = [str(checker), "--schemafile", str(schemas / "case.schema.json"), *files]
        medians = self.side_by_side(
            {"coc": (validate, self.big, (0, 1)), "jsonschema": (check, self.big, (0,))},
            self.runs("jsonschema"),
            warmup=False,
        )
        self.add(
            Result(
                "coc validate vs check-jsonschema (cases)",
                medians["coc"],
                medians["jsonschema"],
                0.5,
            )
        )

    # --- actions ---

    def actions(self) -> None:
        self.log("actions: the same case lifecycle on the large ledger vs the 10-case one")
        times = self._lifecycles({"big": self.big, "small": self.small}, self.runs("actions"))
        for step in times["big"]:
            big = statistics.median(times["big"][step])
            small = statistics.median(times["small"][step])
            self.add(Result(f"coc {step}", big, small, 1.3))

    def _lifecycles(
        self, roots: dict[str, Path], runs: int, envs: dict[str, dict[str, str]] | None = None
    ) -> dict[str, dict[str, list[float]]]:
        """The lifecycle on each ledger, `runs` rounds after a warm-up round (none in --quick),
        step by step in turn (a, b, b, a, ...): a change of the machine's load between two steps
        affects both sides of a ratio alike. Seconds of each step, by ledger."""
        times: dict[str, dict[str, list[float]]] = {name: {} for name in roots}
        warmup = 0 if self.quick else 1  # the first round warms up and is not counted
        for index in range(runs + warmup):
            cycles = {
                name: self._lifecycle(root, index, (envs or {}).get(name))
                for name, root in roots.items()
            }
            turn = 0
            while cycles:
                names = list(roots)
                order = names if (index + turn) % 2 == 0 else names[::-1]
                turn += 1
                for which in order:
                    if which not in cycles:
                        continue
                    try:
                        step, seconds = next(cycles[which])
                    except StopIteration:
                        del cycles[which]
                        continue
                    if index >= warmup:
                        times[which].setdefault(step, []).append(seconds)
        return times

    def _lifecycle(
        self, root: Path, index: int, env: dict[str, str] | None = None
    ) -> Iterator[tuple[str, float]]:
        """Every kind of action once, on a fresh case of a new person (first offence); yields
        (action, seconds) after each."""
        env = self.env if env is None else env
        received = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=index)
        meeting = (received + dt.timedelta(days=11)).date().isoformat()
        person = f"bench{index:03d}"

        def coc(
            step: str, *args: str, at: dt.datetime | str | None = None
        ) -> Generator[tuple[str, float], None, Sample]:
            when = at.isoformat() if isinstance(at, dt.datetime) else at
            cmd = [*self.coc, *args, "-C", str(root), *(["--at", when] if when else [])]
            sample = run_once(cmd, root, env)
            yield step, sample.seconds
            return sample

        yield from coc(
            "person add", "person", "add", person, "--name", f"Bench Person {index}", at=received
        )
        if f"'{meeting}'" not in (root / "policy.yaml").read_text(encoding="utf-8"):
            yield from coc("meeting add", "meeting", "add", meeting, at=received)
        new = yield from coc(
            "report new",
            "report",
            "new",
            "--respondent",
            person,
            "--reporter",
            "m00001",
            "--setting",
            "public",
            "--category",
            "personal-insults",
            "--summary",
            "Insults in the chat, twice",
            "--json",
            at=received,
        )
        case = json.loads(new.stdout)["case"]
        hour = dt.timedelta(hours=1)
        yield from coc(
            "report notify-council", "report", "notify-council", case, at=received + hour
        )
        members = ["--member", "bob", "--member", "carol", "--member", "dan"]
        yield from coc(
            "committee form", "committee", "form", case, *members, at=received + 2 * hour
        )
        yield from coc("report share", "report", "share", case, at=received + 3 * hour)
        yield from coc(
            "report respond", "report", "respond", case, at=received + dt.timedelta(days=2)
        )
        review = f"{meeting}T18:00:00+00:00"
        yield from coc("report review", "report", "review", case, "--meeting", meeting, at=review)
        proposed = yield from coc(
            "sanction propose",
            "sanction",
            "propose",
            case,
            "--json",
            at=f"{meeting}T18:10:00+00:00",
        )
        sanction = json.loads(proposed.stdout)["sanction"]
        yield from coc(
            "sanction enact", "sanction", "enact", sanction, at=f"{meeting}T18:20:00+00:00"
        )
        after = f"{meeting}T20:00:00+00:00"
        yield from coc("apology record", "apology", "record", sanction, "--delivered", at=after)
        yield from coc("notify", "notify", case, "--party", "offender", at=after)
        yield from coc("case close", "case", "close", case, at=after)

    # --- queries ---

    def queries(self) -> None:
        self.log("queries on the large ledger")
        runs = self.runs("queries")
        case_file = sorted(self.big.glob("cases/*/*.yaml"))[
            len(list(self.big.glob("cases/*/*.yaml"))) // 2
        ]
        case = case_file.stem
        relpath = case_file.relative_to(self.big).as_posix()
        floor = self.work / "log_floor.py"
        floor.write_text(LOG_FLOOR, encoding="utf-8")
        medians = self.side_by_side(
            {
                "coc": ([*self.coc, "log", case, "-C", str(self.big)], self.big, (0,)),
                "git": (["git", "log", "--", relpath], self.big, (0,)),
                "floor": (
                    [sys.executable, str(floor), "log", case, "-C", str(self.big)],
                    self.big,
                    (0,),
                ),
            },
            runs,
        )
        commits = run_once(
            ["git", "rev-list", "--count", "HEAD"], self.big, self.env
        ).stdout.strip()
        self.add(
            Result(
                f"coc log CASE ({commits} commits)",
                medians["coc"],
                None,
                0.2,
                note=(
                    f"`git log -- FILE` takes {medians['git']:.3f} s; a typer app that only parses "
                    f"coc log's parameters takes {medians['floor']:.3f} s"
                ),
            )
        )
        self.add(
            Result(
                "coc log CASE vs typer app with its parameters",
                medians["coc"],
                medians["floor"],
                0,
                info=True,
            )
        )
        person = _a_sanctioned_person(self.big)
        for name, args in (
            ("due", ["due"]),
            (f"person show ({person})", ["person", "show", person]),
        ):
            median = self.side_by_side(
                {"coc": ([*self.coc, *args, "-C", str(self.big)], self.big, (0,))}, runs
            )["coc"]
            self.add(Result(f"coc {name}", median, None, 1.0))
        for name, args in (
            ("case list --open", ["case", "list", "--open"]),
            ("case show", ["case", "show", case]),
            ("publish", ["publish", "--format", "md"]),
        ):
            median = self.side_by_side(
                {"coc": ([*self.coc, *args, "-C", str(self.big)], self.big, (0,))}, runs
            )["coc"]
            self.add(Result(f"coc {name}", median, None, 0, info=True))

    # --- sealed records ---

    def sealed(self) -> None:
        """SPEC §8 (issue 21): `coc validate` of the sealed large ledger with no identity at hand
        (as CI runs it) against the plain one (target 1.2×), and the actions' lifecycle on the
        sealed ledger with the acting member's identity against the plain one (target 1.3×).
        The sealed ledgers are made from the plain ones once by the real commands
        (`sealed_ledger`) and cached; every ledger here is a fresh copy (the actions group changes
        its own). In the full run the 10-case pair runs the lifecycle too, for what sealing costs
        whatever the size (info). Each pair's `validate` verdicts are compared before and after
        the lifecycle: a sealed ledger must be judged as its plain twin is. --quick seals the
        large ledger and runs `validate` only."""
        assert self.make_sealed is not None
        assert self.big_source is not None and self.small_source is not None
        sources = {"big": self.big_source}
        if not self.quick:
            sources["small"] = self.small_source
        built = {size: self.make_sealed(source) for size, source in sources.items()}
        self.log(f"sealed: {built['big'].root.name} vs {self.big_source.name}")
        roots: dict[str, Path] = {}
        envs: dict[str, dict[str, str]] = {}
        for size, source in sources.items():
            identity = built[size].identities / f"{built[size].actor}.txt"
            for kind, origin in (("sealed", built[size].ledger), ("plain", source)):
                roots[f"{kind} {size}"] = scratch_copy(origin, self.work / f"sealed-{kind}-{size}")
                envs[f"{kind} {size}"] = {**self.env, "COC_IDENTITY": str(identity)}
        big = built["big"]
        keyless = {**self.env, "COC_IDENTITY": str(self.work / "no-such-identity.txt")}
        validate = [*self.coc, "validate", "--at", AS_OF]
        commands = {
            name: ([*validate, "-C", str(roots[name])], roots[name], (0, 1))
            for name in ("sealed big", "plain big")
        }
        verdicts = {
            name: _verdict(run_once(cmd, cwd, keyless, ok))
            for name, (cmd, cwd, ok) in commands.items()
        }
        medians = self.side_by_side(commands, self.runs("validate"), env=keyless)
        note = (
            f"`coc seal` of {big.cases} cases on record took {big.seal_seconds:.1f} s (one run, "
            f"{big.built}); `coc key add` {big.key_add_seconds:.2f} s per member"
        )
        cases = f"{big.files:,} cases"
        self.add(
            Result(
                f"coc validate, sealed vs plain ({cases}, keyless)",
                medians["sealed big"],
                medians["plain big"],
                1.2,
                note=note + _compared(verdicts, "sealed big", "plain big"),
            )
        )
        self.add(
            Result(f"coc seal ({cases}, one run, when cached)", big.seal_seconds, None, 0,
                   info=True)
        )  # fmt: skip
        if self.quick:
            return  # 26 more actions would double --quick's time (the actions group runs them)
        times = self._lifecycles(roots, self.runs("sealed"), envs)
        for step in times["sealed big"]:
            subject = statistics.median(times["sealed big"][step])
            reference = statistics.median(times["plain big"][step])
            self.add(Result(f"coc {step}, sealed vs plain", subject, reference, 1.3))
        if "sealed small" in times:
            subject = sum(statistics.median(t) for t in times["sealed small"].values())
            reference = sum(statistics.median(t) for t in times["plain small"].values())
            name = f"the {len(times['sealed small'])} actions, sealed vs plain (10 cases, sum)"
            self.add(Result(name, subject, reference, 0, info=True))
        day = f"{(dt.date.fromisoformat(AS_OF) + dt.timedelta(days=60)).isoformat()}"
        after: dict[str, str] = {}
        seconds: dict[str, float] = {}
        for name, root in roots.items():
            cmd = [*self.coc, "validate", "--at", day, "-C", str(root)]
            sample = run_once(cmd, root, envs[name], ok=(0, 1))
            after[name], seconds[name] = _verdict(sample), sample.seconds
        pairs = [(f"sealed {size}", f"plain {size}") for size in sources]
        differ = "".join(_compared(after, a, b) for a, b in pairs)
        self.add(
            Result(
                f"coc validate --at {day} after the actions, sealed vs plain (one run)",
                seconds["sealed big"],
                seconds["plain big"],
                0,
                info=True,
                note=("the same verdicts" if not differ else differ.removeprefix("; ")),
            )
        )


def _a_sanctioned_person(root: Path) -> str:
    match = re.search(r"^    person: '?([a-z0-9._-]+)", (root / "sanctions.yaml").read_text(), re.M)
    return match.group(1) if match else "m00001"


def _verdict(sample: Sample) -> str:
    """`coc validate`'s verdict: its last line, and how many findings of each code."""
    lines = sample.stdout.strip().splitlines()
    codes: dict[str, int] = {}
    for code in re.findall(r" (?:error|warning) (CL\d+) ", sample.stdout):
        codes[code] = codes.get(code, 0) + 1
    shown = ", ".join(f"{n} {code}" for code, n in sorted(codes.items()))
    return (lines[-1] if lines else f"exit {sample.returncode}") + (f" ({shown})" if shown else "")


def _compared(verdicts: dict[str, str], a: str, b: str) -> str:
    if verdicts[a] == verdicts[b]:
        return ""
    return f"; VERDICTS DIFFER: {a}: {verdicts[a]}; {b}: {verdicts[b]}"


# --- ledgers ------------------------------------------------------------------------------------


def ledger(data: Path, kind: str, sizes: dict[str, int], log: Callable[[str], None]) -> Path:
    """The generated ledger of these sizes, built once per version of the generator."""
    key = hashlib.sha256(
        GENERATOR.read_bytes() + json.dumps(sizes, sort_keys=True).encode()
    ).hexdigest()[:12]
    path = data / f"{kind}-{sizes['cases']}-{key}"
    if (path / ".git").is_dir():
        return path
    log(f"generating {path.name} ({sizes['cases']} cases, {sizes['commits']} commits) ...")
    tmp = data / f".{path.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    args = [f"--{k}={v}" for k, v in sizes.items()]
    started = time.perf_counter()
    subprocess.run([sys.executable, str(GENERATOR), str(tmp), *args], check=True)
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    tmp.rename(path)
    return path


SEAL_RECIPE = 1  # bump when sealed_ledger makes its ledgers differently
SEAL_AT = "2026-09-30T20:00:00+00:00"  # the keys recorded and the ledger sealed, before AS_OF
SEAL_ENGINE = ("core/sealing.py", "store/seals.py", "store/crypto.py", "store/keyring.py")


@dataclass
class Sealed:
    root: Path  # the cached folder
    ledger: Path  # root/ledger, a git work tree
    identities: Path  # root/identities/<member>.txt, outside the ledger
    actor: str  # the project lead, who sealed it (the git author every action runs as)
    files: int  # case files
    cases: int  # of them on record (not expunged): what `coc seal` sealed
    seal_seconds: float
    key_add_seconds: float  # median of the members' `coc key add`
    built: str  # when


def sealed_ledger(
    data: Path, plain: Path, coc: list[str], env: dict[str, str], log: Callable[[str], None]
) -> Sealed:
    """The plain ledger sealed as a council would seal it (SPEC §8), built once per plain ledger
    and version of the sealing engine: each member of the roster gets an identity (`coc key
    new`, kept in identities/, never in a HOME), the lead records every member's recipient (`coc
    key add`), then `coc seal`, whose time is kept in sealed.json. The object store is then
    packed (`git gc`): `coc seal` leaves ~20,000 loose objects, which the next `git commit`'s
    `gc --auto` would pack in the background during the measurements."""
    import importlib.util

    data, plain = data.resolve(), plain.resolve()
    spec = importlib.util.find_spec("cocledger")
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).parent
    engine = b"".join((package / name).read_bytes() for name in SEAL_ENGINE)
    key = hashlib.sha256(engine + f"{SEAL_RECIPE}".encode()).hexdigest()[:8]
    root = data / f"sealed-{plain.name}-{key}"
    if not (root / "ledger" / ".git").is_dir() or not (root / "sealed.json").is_file():
        _seal(root, data, plain, coc, env, log)
    meta = json.loads((root / "sealed.json").read_text(encoding="utf-8"))
    return Sealed(
        root=root,
        ledger=root / "ledger",
        identities=root / "identities",
        actor=meta["actor"],
        files=meta["files"],
        cases=meta["cases"],
        seal_seconds=meta["seal_seconds"],
        key_add_seconds=meta["key_add_seconds"],
        built=meta["built"],
    )


def _seal(
    root: Path,
    data: Path,
    plain: Path,
    coc: list[str],
    env: dict[str, str],
    log: Callable[[str], None],
) -> None:
    import yaml

    log(f"sealing a copy of {plain.name} (coc key new, key add, seal) ...")
    tmp = data / f".{root.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ledger = scratch_copy(plain, tmp / "ledger")
    identities = tmp / "identities"
    identities.mkdir(mode=0o700)
    env = {**env, "HOME": str(tmp / "home")}  # nothing of the user's own ~/.config/coc
    roster = yaml.safe_load((ledger / "policy.yaml").read_text(encoding="utf-8"))["roster"]
    lead = roster["project_lead"]
    members = list(dict.fromkeys([lead, *roster["council"]]))
    key_adds: list[float] = []
    for member in members:
        identity = identities / f"{member}.txt"
        made = run_once([*coc, "key", "new", "--identity", str(identity), "--json"], tmp, env)
        recipient = json.loads(made.stdout)["recipient"]
        add = [*coc, "key", "add", member, recipient, "--at", SEAL_AT, "-C", str(ledger)]
        key_adds.append(run_once(add, ledger, env).seconds)
    lead_env = {**env, "COC_IDENTITY": str(identities / f"{lead}.txt")}
    seal = [*coc, "seal", "--at", SEAL_AT, "--json", "-C", str(ledger)]
    sample = run_once(seal, ledger, lead_env)
    cases = json.loads(sample.stdout)["cases"]
    log(f"  coc seal of {cases} cases: {sample.seconds:.1f} s")
    started = time.perf_counter()
    pid = ledger / ".git" / "gc.pid"  # the commit's own `gc --auto` may be packing already
    while pid.exists() and time.perf_counter() - started < 600:
        time.sleep(1)
    run_once(["git", "gc", "-q"], ledger, env)
    log(f"  git gc: {time.perf_counter() - started:.1f} s")
    meta = {
        "actor": lead,
        "files": len(list(ledger.glob("cases/*/*.yaml"))),
        "cases": cases,
        "seal_seconds": round(sample.seconds, 3),
        "key_add_seconds": round(statistics.median(key_adds), 3),
        "built": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M}",
        "machine": machine(),
    }
    (tmp / "sealed.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)


def scratch_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def coc_command() -> list[str]:
    script = Path(sys.executable).parent / "coc"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cocledger.cli.main import run; run()"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure as installed: byte code cached
    env.pop("COC_DEBUG", None)
    env.update(
        GIT_AUTHOR_NAME=ACTOR["name"],
        GIT_AUTHOR_EMAIL=ACTOR["email"],
        GIT_COMMITTER_NAME=ACTOR["name"],
        GIT_COMMITTER_EMAIL=ACTOR["email"],
        NO_COLOR="1",
        COLUMNS="120",
    )
    return env


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {git}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny ledgers, one run each (CI)")
    parser.add_argument(
        "--data", type=Path, default=HERE / "out", help="where generated ledgers are kept"
    )
    parser.add_argument(
        "--big", type=Path, help="use this prebuilt large ledger (copied, never changed)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["startup", "validate", "actions", "queries", "sync", "sealed"],
        help="run only these groups",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    groups = args.only or ["startup", "validate", "actions", "queries", "sync", "sealed"]
    started = time.perf_counter()
    print(f"# bench/run.py ({mode}) {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"# {machine()}")
    with tempfile.TemporaryDirectory(prefix="coc-bench-") as tmp:
        work = Path(tmp)
        big_source = args.big or ledger(args.data, "big", SIZES[mode]["big"], print)
        small_source = ledger(args.data, "small", SIZES[mode]["small"], print)
        print("copying the ledgers to a scratch directory ...")
        env, coc = environment(), coc_command()
        bench = Bench(
            quick=args.quick,
            work=work,
            env=env,
            coc=coc,
            big=scratch_copy(big_source, work / "big"),
            small=scratch_copy(small_source, work / "small"),
            big_source=big_source,
            small_source=small_source,
            make_sealed=lambda plain: sealed_ledger(args.data, plain, coc, env, print),
        )
        try:
            for group in groups:
                getattr(bench, group)()
        except CommandFailed as exc:
            print(f"\nbench: a command failed: {exc}", file=sys.stderr)
            return 1
    print()
    print(table(bench.results))
    for result in bench.results:
        if result.note:
            print(f"- {result.name}: {result.note}")
    failed = [r.name for r in bench.results if not r.passed]
    print(f"\n{len(bench.results) - len(failed)} of {len(bench.results)} met their target", end="")
    print(
        f" in {time.perf_counter() - started:.0f} s."
        + (f" Missed: {', '.join(failed)}" if failed else "")
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "mode": mode,
                    "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
                    "machine": machine(),
                    "results": [r.as_json() for r in bench.results],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    if args.quick:
        return 0  # timings of tiny ledgers on a shared CI machine are not a verdict
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
