"""SPEC §4: text from the ledger is never read as markup by the terminal. A name such as
`Eve [/bold] x` once made rich raise MarkupError after `notify --send` had mailed and committed
(exit 3: a retry mailed twice); `[link=…]…[/link]` became a terminal hyperlink, `[x]` vanished,
and an escape sequence coloured the terminal. Every command's output is walked here with such
names, conduct texts and summaries: each prints as typed, piped and on a terminal, and nothing
crashes. A report that fails to print after the commit exits 0 and says the action is kept."""

from __future__ import annotations

import json
import re

import pytest

from checkwork import LIFETIME_CASE, WARNING_CASE, edit
from conftest import LedgerRepo

HOSTILE = "Fr [/bold] [link=https://evil.example]Bob[/link] [x] \x1b[31mred :smile: [bold]"
SHOWN = HOSTILE.replace("\x1b", "\\x1b")
"""How it prints: every character as typed, the escape character as its code."""
CONDUCT = "Spam [/] [link=https://evil.example]here[/link] \x1b]8;;https://evil.example\x07x"
CONDUCT_SHOWN = CONDUCT.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours, on a terminal

QUERIES = [
    ("person", "show", "frank"),
    ("person", "show", "hank"),
    ("case", "show", "COC-2026-0001"),
    ("case", "list"),
    ("sanction", "show", "S-2026-0003"),
    ("due", "--at", "2026-04-20"),
    ("log",),
    ("notify", "COC-2026-0002", "--party", "offender", "--draft"),
    ("publish", "--at", "2026-03-01"),
    ("publish", "--at", "2026-03-01", "--format", "md"),
    ("publish", "--at", "2026-03-01", "--format", "html"),
    ("stats", "--from", "2026-01-01", "--to", "2026-03-31"),
    ("validate", "--at", "2026-03-01"),
]
ON_A_TERMINAL = QUERIES[:7]


@pytest.fixture
def hostile(repo: LedgerRepo) -> LedgerRepo:
    """The complete ledger, its two banned people renamed through `coc` (whose own report of the
    action prints the name), a conduct text and a summary edited by hand."""
    for person in ("frank", "hank"):
        run = repo.coc("person", "edit", person, "--name", HOSTILE, "--at", "2026-03-01")
        assert run.stdout == f"Changed {person} in people.yaml.\n"
    edit(repo, "sanctions.yaml", "conduct: Threatened members", f"conduct: {json.dumps(CONDUCT)}")
    summary = f"summary: {json.dumps(HOSTILE)}"
    edit(repo, WARNING_CASE, "summary: Insults in chat", summary)
    edit(repo, LIFETIME_CASE, "summary: Insults in chat", summary)
    return repo


def _no_raw_controls(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text, text


def test_every_command_prints_ledger_text_as_typed_when_piped(hostile: LedgerRepo) -> None:
    seen = ""
    for args in QUERIES:
        run = hostile.coc(*args, expect=None)
        assert run.exit_code in (0, 1) and "internal error" not in run.stderr, (args, run)
        _no_raw_controls(run.stdout + run.stderr)
        seen += run.stdout
    assert SHOWN in seen and CONDUCT_SHOWN in seen
    assert hostile.coc("person", "show", "frank").stdout.startswith(f"person\n{SHOWN} (frank)")
    assert f'<th scope="row">{SHOWN}</th>' in seen  # the HTML page: nothing there to escape


def test_on_a_terminal_nothing_becomes_markup_a_link_or_a_colour(
    hostile: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws panels, tables and colours
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "200")
    for args in ON_A_TERMINAL:
        out = hostile.coc(*args).stdout
        assert SGR.search(out) or args[0] in ("due", "log"), args  # it was drawn for a terminal
        _no_raw_controls(SGR.sub("", out))  # no hyperlink (OSC 8), no colour from the ledger
        if args[-1] in ("frank", "COC-2026-0001"):
            assert SHOWN in SGR.sub("", out), args


def test_a_report_that_cannot_be_printed_after_the_commit_exits_0(
    repo: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the commit exists the action is done: a retry would record it twice."""
    from cocledger.output import console

    def broken(message: str, details: tuple[str, ...] = ()) -> None:
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(console, "lines", broken)
    head = repo.head()
    run = repo.coc("notify", "COC-2026-0001", "--party", "council", "--at", "2026-03-01")
    assert repo.git("rev-list", f"{head}..HEAD").count("\n") == 1 and repo.status() == ""
    assert run.stderr == (
        f"coc: the action was committed ({repo.head()[:12]}), but printing its report failed "
        "(RuntimeError): it is kept, see `coc log`; do not run it again\n"
    )
