"""SPEC §4: bidirectional control characters (U+202A-U+202E, U+2066-U+2069) make a name read as
another (`Eve` + U+202E + `gnp.exe` shows as `Eve exe.png`) on the published page, in drafts and
in e-mails. They are refused where a person types text (exit 1, naming the flag and the
character) and `coc validate` reports them in every file (CL092), at their line and column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocledger.actions import setup, text
from cocledger.core.bidi import CONTROLS
from cocledger.errors import RefusedError
from conftest import SETUP_DAY, LedgerRepo
from memory import Memory, fresh, proposed, reviewed

RLO = "\u202e"


def _name(m: Memory, value: str) -> Any:
    return m.act(setup.person_add, "alice", "2026-01-05", value, "eve", None, [])


def _handle(m: Memory, value: str) -> Any:
    return m.act(setup.person_add, "alice", "2026-01-05", "Eve", "eve", None, [f"slack:{value}"])


def _conduct(m: Memory, value: str) -> Any:
    case = reviewed(m)
    return proposed(m, case, "2026-01-22T18:30:00+00:00", "ban", "3 months", "Threats", value)


@pytest.mark.parametrize(
    ("action", "flag"), [(_name, "--name"), (_handle, "--handle"), (_conduct, "--conduct")]
)
def test_a_bidi_control_is_refused_in_names_handles_and_conduct_texts(
    action: Callable[[Memory, str], Any], flag: str
) -> None:
    m = fresh()
    with pytest.raises(RefusedError) as refused:
        action(m, f"Eve {RLO}gnp.exe")
    assert str(refused.value).startswith(f"{flag} holds U+202E (RIGHT-TO-LEFT OVERRIDE) at ")
    assert refused.value.exit_code == 1 and "eve" not in m.snap.people


@settings(max_examples=30, deadline=None)
@given(
    before=st.text(st.characters(codec="utf-8", exclude_characters=CONTROLS), max_size=8),
    control=st.sampled_from(CONTROLS),
)
def test_every_bidi_control_is_refused_wherever_it_stands(before: str, control: str) -> None:
    """`actions.text`: every text a person types to an action goes through it."""
    where = f"at character {len(before) + 2}:"
    with pytest.raises(RefusedError, match=rf"^--reason holds U\+{ord(control):04X} \(.*{where}"):
        text(f"E{before}{control}x", "--reason", "reason")


def test_the_cli_refuses_it_with_exit_1_and_writes_nothing(ledger: LedgerRepo) -> None:
    head = ledger.head()
    run = ledger.coc("person", "add", "eve", "--name", f"Eve {RLO}gnp.exe", expect=1)
    assert run.stderr.startswith("coc: error: --name holds U+202E (RIGHT-TO-LEFT OVERRIDE)")
    assert RLO not in run.stderr and (ledger.head(), ledger.status()) == (head, "")


def test_validate_reports_each_one_in_every_file_at_its_line_and_column(
    ledger: LedgerRepo,
) -> None:
    """A raw character, a YAML escape YAML decodes (double quotes), and a template; the same
    six letters in single quotes are only letters."""
    people = ledger.read("people.yaml")
    people = people.replace("name: Frank Example", f"name: Frank {RLO}Example", 1)
    people = people.replace("name: Gina Example", 'name: "Gina \\u2067Example"', 1)
    people = people.replace("name: Hank Example", "name: 'Hank \\u202e Example'", 1)
    (ledger.root / "people.yaml").write_text(people, encoding="utf-8")
    template = ledger.root / "templates" / "witnesses.txt"
    template.write_text(f"Subject: x\n\nDear {RLO}$recipient_name\n", encoding="utf-8")
    lines = people.splitlines()
    frank = next(n for n, line in enumerate(lines, 1) if "Frank" in line)
    gina = next(n for n, line in enumerate(lines, 1) if "Gina" in line)
    run = ledger.coc("validate", "--select", "CL092", expect=1)
    fix = "a bidirectional control character makes text show in another order than it is stored"
    assert run.stdout.splitlines()[:-1] == [
        f"people.yaml:{frank}:17: error CL092 U+202E (RIGHT-TO-LEFT OVERRIDE): {fix} (a name "
        "could read as another on the published page or in an e-mail); remove it",
        f"people.yaml:{gina}:17: error CL092 U+2067 (RIGHT-TO-LEFT ISOLATE): {fix} (a name could "
        "read as another on the published page or in an e-mail); remove it",
        f"templates/witnesses.txt:3:6: error CL092 U+202E (RIGHT-TO-LEFT OVERRIDE): {fix} (a "
        "name could read as another on the published page or in an e-mail); remove it",
    ]
    assert ledger.coc("person", "show", "frank", expect=2).stderr.startswith(
        f"coc: error: people.yaml:{frank}: CL092 U+202E"
    )


def test_a_ledger_without_them_has_no_cl092(ledger: LedgerRepo) -> None:
    ledger.coc("person", "add", "eve", "--name", "Eve 'שלום' \\u202e", "--at", SETUP_DAY)
    assert ledger.coc("validate", "--select", "CL092").stdout == "No problems found.\n"
