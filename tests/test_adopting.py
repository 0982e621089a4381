"""docs/publishing.md, Adopting coc with bans already published: a council that records the bans
its page already lists, step by step, gets the page's table back byte for byte.

The page is the end of Mautic's real handbook page (`code_of_conduct_breaches.rst` in
mautic/mautic-community-handbook), every byte as there but the banned person's name, which is
fictional here; the steps are the docs' own block, run as written.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from conftest import LedgerRepo

DOCS = Path(__file__).resolve().parents[1] / "docs" / "publishing.md"
PAGE = "../handbook/docs/policies/code_of_conduct/code_of_conduct_breaches.rst"

# The handbook's Active sanctions section, with the markers of step 1: the line of four spaces
# after `:width: 100` and the missing final newline after `.. vale on ` are the page's own.
HANDBOOK_END = """\
Active sanctions
****************

.. coc:active-bans:start

.. list-table::
    :header-rows: 1
    :widths: 20 40 40
    :width: 100
\x20\x20\x20\x20
    * - Person
      - Conduct
      - Sanction
    * - Olive Oldcase
      - Repeated personal attacks following formal warning
      - Permanent ban enacted June 6, 2023

.. coc:active-bans:end

.. vale on """


def adoption_steps() -> list[list[str]]:
    """The `coc` commands of the docs' block, continuation lines joined, comments dropped."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- adopting -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def test_recording_the_pages_ban_as_documented_reproduces_its_table(ledger: LedgerRepo) -> None:
    page = ledger.root / PAGE
    page.parent.mkdir(parents=True)
    page.write_bytes(HANDBOOK_END.encode())
    check = ("publish", "--check", PAGE)
    refused = ledger.coc(*check, expect=1).stderr  # the ledger holds no ban yet
    assert "-    * - Olive Oldcase" in refused
    steps = adoption_steps()
    assert len(steps) > 15 and all(words[0] == "coc" for words in steps)
    said = [ledger.coc(*words[1:]) for words in steps]  # each exits 0
    assert "No problems found." in said[-3].stdout
    assert f"{PAGE} is up to date." in said[-2].stderr
    assert f"Already up to date: {PAGE} between its markers (rst)" in said[-1].stderr
    assert page.read_bytes() == HANDBOOK_END.encode()
    assert ledger.coc("due", "--json").json == []
    # An editor that trims trailing spaces leaves a page coc still finds up to date.
    page.write_text(HANDBOOK_END.replace("\n    \n", "\n\n"), encoding="utf-8")
    assert "is up to date" in ledger.coc(*check).stderr
