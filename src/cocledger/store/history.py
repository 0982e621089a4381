"""The git history `coc validate --base REF` reads, at the cost of the pull request, not of the
ledger: one `git log` for the commits since REF (parents, author, trailers, signature and the files
each changed, with their blob ids), one `git diff` for what changed since the fork point, and one
`git cat-file --batch` process for every file version the checks ask for. Registers are parsed
entry by entry, an entry the work tree (or another version) already holds never again.

The checks see this only through `core.history.HistorySource`; they never run git. Reading git's
output (the log, the diffs, the cat-file process) is `gitlog`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..core.history import CommitInfo
from ..core.ids import CASES_DIR, PEOPLE_FILE, SANCTIONS_FILE
from ..core.models import Case, PeopleFile, Person, Sanction, SanctionsFile
from ..errors import UsageError
from . import git
from .gitlog import DIFF, FIELDS, BlobReader, Changes, _parse_log, _parse_raw
from .loader import load_data, parse_quietly

if TYPE_CHECKING:
    from ..core.ledger import Ledger

REGISTERS: dict[type[BaseModel], tuple[str, type[BaseModel]]] = {
    SanctionsFile: ("sanctions", Sanction),
    PeopleFile: ("people", Person),
}
REUSE_FROM = 100  # changed case files: from here, HEAD's are taken from the work tree (one diff)


class GitHistory:
    """The history of HEAD since it forked from `base` (as a pull request compares)."""

    def __init__(self, root: Path, base: str) -> None:
        self.root, self.base = root, base
        proc = git._git(
            root, "rev-parse", "-q", "--verify", f"{git._rev(base)}^{{commit}}", check=False
        )
        if proc.returncode != 0:
            raise UsageError(
                f"--base {base}: no such git revision here (fetch it, e.g. `git fetch origin`)"
            )
        fork = git.merge_base(root, base)
        if fork is None:
            raise UsageError(
                f"--base {base}: no common history with HEAD (fetch the whole history, "
                "e.g. actions/checkout with fetch-depth: 0)"
            )
        self.fork = fork
        # base is an ancestor of HEAD (`git merge-base --is-ancestor`) exactly when it is the
        # fork point: no second git run needed to know whether the history was rewritten
        self.rewritten = fork != proc.stdout.decode("ascii", "replace").strip()
        self._prefix = git.prefix(root)
        self._blobs: dict[tuple[str, str], str | None] = {}  # (rev, path) -> blob id, None: absent
        self._diffs: dict[tuple[str, str], Changes] = {}  # (before, after) -> what changed
        newest_first = self._log()
        self.commits: list[CommitInfo] = list(reversed(newest_first))
        self._parents = {c.sha: list(c.parents) for c in self.commits}
        self.head = newest_first[0].sha if newest_first else fork
        self.changed = set(self._diff(fork, self.head))
        self._reader = BlobReader(root)
        self._texts: dict[str, str | None] = {}  # blob id (or rev:path) -> text
        self._prefetched = False
        self._models: dict[tuple[str, str], Any] = {}
        self._entries: dict[tuple[str, str], BaseModel] = {}  # (model, entry's text) -> entry
        self._work_cases: dict[str, Case] = {}  # HEAD's case files, as the work tree has them
        self._data: dict[str, dict[str, Any] | None] = {}  # text -> its parsed YAML

    # --- reading git ------------------------------------------------------------------------------

    def _log(self) -> list[CommitInfo]:
        """The commits since the base, newest first, and the files each changed (merges: below)."""
        fmt = "tformat:%x01" + "%x00".join(FIELDS)
        args = ["-c", "log.showSignature=false", "log", "--encoding=UTF-8", "--no-color"]
        args += [f"--format={fmt}", *DIFF, f"{git._rev(self.base)}..HEAD", "--"]
        proc = git._git(self.root, *args, *(["."] if self._prefix else []), check=False)
        if proc.returncode != 0:
            raise UsageError(f"cannot read the git history: {git._first_line(proc.stderr)}")
        found = list(_parse_log(proc.stdout.decode("utf-8", "replace"), self._diffs))
        for commit in found:
            for parent in commit.parents if len(commit.parents) > 1 else ():
                self._diff(parent, commit.sha)  # a merge: what it brings from each side
            if len(commit.parents) == 1:
                self._know(commit.parents[0], commit.sha)
        return found

    def _diff(self, before: str, after: str) -> list[str]:
        """Paths changed from `before` to `after` (inside the ledger's folder), read once."""
        if (before, after) not in self._diffs:
            proc = git._git(self.root, "diff-tree", *DIFF, before, after, "--", check=False)
            if proc.returncode != 0:
                raise UsageError(
                    f"cannot compare {before}..{after}: {git._first_line(proc.stderr)}"
                )
            self._diffs[before, after] = _parse_raw(proc.stdout.decode("utf-8", "replace"))
            self._know(before, after)
        return sorted(self._diffs[before, after])

    def _know(self, before: str, after: str) -> None:
        """Which blob each changed file has on either side: read by id, no path to look up."""
        for path, (old, new) in self._diffs[before, after].items():
            self._blobs[before, path] = old
            self._blobs[after, path] = new

    def text_at(self, rev: str, path: str) -> str | None:
        """A file's text at a revision (None where it does not exist)."""
        if "\n" in path or "\n" in rev:
            return None
        blob = self._blobs.get((rev, path), "")
        if blob is None:
            return None
        name = blob or f"{rev}:{self._prefix}{path}"
        if name not in self._texts:
            if blob and not self._prefetched:
                self._prefetch()
            if name not in self._texts:
                data = self._reader.read(name)
                self._texts[name] = None if data is None else data.decode("utf-8", "replace")
        return self._texts[name]

    def _prefetch(self) -> None:
        """Every version the diffs name, in one pass through cat-file (one request at a time
        costs a round trip each): the old and new sides of each change, but HEAD's case files
        the work tree holds as they are."""
        self._prefetched = True
        wanted = {
            blob
            for (rev, path), blob in self._blobs.items()
            if blob and not (rev == self.head and path in self._work_cases)
        }
        for name, data in self._reader.read_many(sorted(wanted)).items():
            self._texts[name] = None if data is None else data.decode("utf-8", "replace")

    def parents(self, sha: str) -> list[str]:
        if sha not in self._parents:
            self._parents[sha] = git.parents(self.root, sha)
        return self._parents[sha]

    def changed_between(self, before: str, after: str) -> list[str]:
        """Paths changed from `before` to `after`: a commit of the range against a parent is
        already known from the log."""
        return self._diff(before, after)

    def data_at(self, rev: str, path: str) -> dict[str, Any] | None:
        """A file's parsed YAML at a revision: {} where it is not there, None where it does not
        parse; once per text (asked for each side of each commit)."""
        text = self.text_at(rev, path)
        if text is None:
            return {}
        if text not in self._data:
            data, problems = load_data(text, path)
            self._data[text] = None if problems else data
        return self._data[text]

    def close(self) -> None:
        self._reader.close()

    # --- parsing ----------------------------------------------------------------------------------

    def model_at(self, rev: str, path: str, model: type[Any]) -> Any:
        """A file's model at a revision (None if absent or broken), parsed once per text."""
        if model is Case and rev == self.head and path in self._work_cases:
            return self._work_cases[path]
        text = self.text_at(rev, path)
        if text is None:
            return None
        key = (model.__name__, text)
        if key not in self._models:
            found = self._register(text, path, model) if model in REGISTERS else None
            self._models[key] = found if found is not None else parse_quietly(text, path, model)
        return self._models[key]

    def seed(self, ledger: Ledger) -> None:
        """What the work tree already holds parsed: its case files, where they are as HEAD has
        them, and its register entries, by their text (most of every older version too)."""
        if sum(p.startswith(CASES_DIR + "/") for p in self.changed) >= REUSE_FROM:
            self._work_cases = self._unedited(ledger)
        for path, model, entries in (
            (SANCTIONS_FILE, SanctionsFile, ledger.sanctions),
            (PEOPLE_FILE, PeopleFile, ledger.people),
        ):
            text = ledger.text(path)
            if text is None or entries is None:
                continue
            blocks = _blocks(text, REGISTERS[model][0])
            found: Sequence[BaseModel] = entries.all()
            ids = [getattr(entry, "id", None) for entry in found]
            if blocks is not None and [_id_of(block) for block in blocks] == ids:
                name = REGISTERS[model][1].__name__
                for block, entry in zip(blocks, found, strict=True):
                    self._entries[name, block] = entry

    def _unedited(self, ledger: Ledger) -> dict[str, Case]:
        """The work tree's case files changed since the fork and not edited since HEAD."""
        proc = git._git(self.root, "--no-optional-locks", "diff", "--name-only", "-z",
                        "--relative", "HEAD", "--", check=False)  # fmt: skip
        if proc.returncode != 0 or self.head != git.head_sha(self.root):
            return {}
        edited = set(proc.stdout.decode("utf-8", "replace").split("\0"))
        found = {p: ledger.case_in(p) for p in self.changed if p not in edited}
        return {p: c for p, c in found.items() if c is not None}

    def _register(self, text: str, path: str, model: type[Any]) -> Any:
        """people.yaml or sanctions.yaml in the tool's layout, parsed by entry: only the entries
        no other version holds. None when the text is not in that layout, or an entry does not
        parse on its own (the whole file is parsed then, as any other file)."""
        key, entry_model = REGISTERS[model]
        blocks = _blocks(text, key)
        if blocks is None:
            return None
        entries = []
        for block in blocks:
            entry = self._entries.get((entry_model.__name__, block))
            if entry is None:
                entry = _entry(block, key, path, entry_model)
                if entry is None:
                    return None
                self._entries[entry_model.__name__, block] = entry
            entries.append(entry)
        try:
            return model.model_validate({key: entries})
        except ValidationError:
            return None


ITEM = re.compile(r"  - id: ['\"]?([^'\"\s#]+)['\"]?[ \t]*(?:#.*)?\n")


def _blocks(text: str, key: str) -> list[str] | None:
    """The entry blocks of a register laid out as the tool writes it (`key:`, then items that
    each start with a line `  - id: X`); None for any other layout. A block that is not exactly
    one entry does not parse alone (`_entry`), and the register is then parsed whole."""
    parts = text.split("\n  - id: ")
    if len(parts) < 2:
        return None
    data, problems = load_data(parts[0] + "\n", "")
    if problems or data != {key: None}:
        return None
    return ["  - id: " + part + "\n" for part in parts[1:-1]] + ["  - id: " + parts[-1]]


def _id_of(block: str) -> str | None:
    """The id on a block's first line, as the tool writes it."""
    item = ITEM.match(block)
    return item.group(1) if item else None


def _entry(block: str, key: str, path: str, model: type[BaseModel]) -> BaseModel | None:
    """One register entry from its own block of text; None unless the block is exactly one whole
    entry (anything reaching across entries, such as an unclosed quote, does not parse alone)."""
    data, problems = load_data(f"{key}:\n{block}", path)
    items = data.get(key) if not problems and set(data) == {key} else None
    if not isinstance(items, list) or len(items) != 1:
        return None
    try:
        return model.model_validate(items[0])
    except ValidationError:
        return None
