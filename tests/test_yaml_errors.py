"""Issue 13.3 and 14.2-3: what the YAML reader refuses is one located line, never a crash or a
machine brought down. A syntax error points at a line the file has, where the broken construct
starts, with the parser's context; anchors, aliases and tags are refused (CL005); size, number
of values and depth are capped (CL006), before any value is built."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from cocledger.core.models import Policy
from cocledger.store import loader, yaml12, yamlio, yamllimits
from cocledger.store.yamlio import YamlProblem
from conftest import LedgerRepo

SAMPLE = Path(__file__).resolve().parents[1]
LEDGER_FILES = ["policy.yaml", "people.yaml", "sanctions.yaml", "cases/2026/COC-2026-0001.yaml"]
# a key with a plain value and nothing after it: a line each construct below can break
PLAIN = re.compile(r"^(?P<indent> *)(?P<key>[a-z_]+): (?P<value>[A-Za-z0-9][^#'\"\[\]{}&*!]*)$")


def refused(text: str, file: str = "x.yaml") -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        yamlio.load_fast(text, file)
    return caught.value


def line_count(text: str) -> int:
    return len(text.splitlines()) or 1


def plain_lines(text: str, indented: bool = False, after_none_of: str = "") -> list[int]:
    """0-based numbers of the PLAIN lines (indented ones only; none followed by these characters
    anywhere later in the text, which would close what a construct opened)."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        match = PLAIN.match(line)
        if not match or (indented and not match["indent"]):
            continue
        if any(c in "\n".join(lines[i + 1 :]) for c in after_none_of):
            continue
        found.append(i)
    return found


def middle(numbers: list[int]) -> int:
    assert numbers, "the sample file has no line this construct can break"
    return numbers[len(numbers) // 2]


def break_line(text: str, i: int, new: Callable[[re.Match[str]], str]) -> str:
    lines = text.splitlines(keepends=True)
    match = PLAIN.match(lines[i].rstrip("\n"))
    assert match
    lines[i] = new(match) + "\n"
    return "".join(lines)


# Each construct: (how to break a text, the 1-based line where the broken construct starts).


def unclosed_quote(text: str) -> tuple[str, int]:
    """A quote opened and never closed (the issue's sanctions.yaml:67 of 84 lines)."""
    for quote in "\"'":
        lines = plain_lines(text, after_none_of=quote)
        if lines:
            i = middle(lines)
            return break_line(
                text, i, lambda m, q=quote: f"{m['indent']}{m['key']}: {q}{m['value']}"
            ), i + 1
    # every plain line is followed by both kinds of quotes: drop the last double quote instead
    i = max(n for n, line in enumerate(text.splitlines()) if line.rstrip().endswith('"'))
    lines = text.splitlines(keepends=True)
    lines[i] = lines[i].rstrip()[:-1] + "\n"
    return "".join(lines), i + 1


def unclosed_flow_sequence(text: str) -> tuple[str, int]:
    i = middle(plain_lines(text))
    return break_line(text, i, lambda m: f"{m['indent']}{m['key']}: [{m['value']}, more"), i + 1


def unclosed_flow_mapping(text: str) -> tuple[str, int]:
    i = middle(plain_lines(text))
    return break_line(text, i, lambda m: f"{m['indent']}{m['key']}: {{a: {m['value']}"), i + 1


def indented_too_little(text: str) -> tuple[str, int]:
    """A key one space left of its siblings."""
    i = middle(plain_lines(text, indented=True))
    return break_line(text, i, lambda m: f"{m['indent'][1:]}{m['key']}: {m['value']}"), i + 1


def indented_too_much(text: str) -> tuple[str, int]:
    """A key one space right of its siblings (read as part of the value above it)."""
    i = middle(plain_lines(text, indented=True))
    return break_line(text, i, lambda m: f"{m['indent']} {m['key']}: {m['value']}"), i + 1


def tab_indented(text: str) -> tuple[str, int]:
    i = middle(plain_lines(text, indented=True))
    return break_line(text, i, lambda m: f"\t{m['key']}: {m['value']}"), i + 1


def duplicate_key(text: str) -> tuple[str, int]:
    """The same key twice in one mapping: the second one is the mistake."""
    i = middle(plain_lines(text, indented=True))
    lines = text.splitlines(keepends=True)
    lines.insert(i + 1, lines[i])
    return "".join(lines), i + 2


CONSTRUCTS = [
    unclosed_quote,
    unclosed_flow_sequence,
    unclosed_flow_mapping,
    indented_too_little,
    indented_too_much,
    tab_indented,
    duplicate_key,
]


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("file", LEDGER_FILES)
def test_a_syntax_error_is_at_the_line_where_the_broken_construct_starts(
    file: str, construct: Callable[[str], tuple[str, int]]
) -> None:
    text, line = construct((SAMPLE / file).read_text(encoding="utf-8"))
    problem = refused(text, file)
    assert 1 <= problem.line <= line_count(text)
    assert (problem.file, problem.line, problem.code) == (file, line, "CL001"), problem.detail
    assert problem.detail.startswith("YAML syntax: ")
    assert "\n" not in problem.detail


def test_an_unclosed_quote_keeps_the_parsers_context_and_its_line() -> None:
    text = "a: 1\nb: 'two\nc: 3\n" + "d: 4\n" * 80
    problem = refused(text, "sanctions.yaml")
    assert (problem.line, problem.col) == (2, 4)
    assert problem.detail == (
        "YAML syntax: while scanning a quoted scalar that starts at line 2: "
        "found unexpected end of stream"
    )
    assert str(problem).startswith("sanctions.yaml:2: YAML syntax: while scanning")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [1, 2", 1),  # no line break at the end: still line 1
        ("a: 1\nb: [1,\n  2\n", 2),
        ("a: 1\n'b: 2\n\n\n", 2),
        ("a: 1\nb\nc: 3\n", 2),  # a key without its colon
    ],
)
def test_an_error_at_the_end_of_the_stream_is_on_a_line_that_exists(text: str, line: int) -> None:
    problem = refused(text)
    assert problem.line == line
    assert problem.line <= line_count(text)


def test_a_character_yaml_does_not_allow_is_at_its_line_and_column() -> None:
    problem = refused("a: ééé\nb: x\x01y\n")
    assert (problem.line, problem.col, problem.code) == (2, 5, "CL001")
    assert "U+0001" in problem.detail


def test_a_byte_that_is_not_utf8_is_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_bytes(b'people:\n  - id: frank\n    name: "Fr\xc3\xa9\xff"\n')
    with pytest.raises(YamlProblem) as caught:
        loader.read_text(path, "people.yaml")
    assert (caught.value.line, caught.value.col, caught.value.code) == (3, 15, "CL001")
    assert "0xff" in caught.value.detail


# --- anchors, aliases, tags (CL005) ---------------------------------------------------------------

BILLION_LAUGHS = "people: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        (BILLION_LAUGHS, 1, "anchor"),
        ("a: 1\nb: *x\n", 2, "alias"),  # not even defined
        ("a: 1\nb: &x 2\n", 2, "anchor"),  # an anchor no alias uses
        ("a: [&x 1, 2]\n", 1, "anchor"),
        ("a: !!binary aGVsbG8=\n", 1, "tag"),
        ("a: !!set {x, y}\n", 1, "tag"),
        ("a: !!python/object/apply:os.system [echo hi]\n", 1, "tag"),
        ("a: 1\nb: !local text\n", 2, "tag"),
        ("a: ! 123\n", 1, "tag"),
        ("a:\n  - 1\n  - !!omap [x: 1]\n", 3, "tag"),
    ],
)
def test_anchors_aliases_and_other_tags_are_refused_at_their_line(
    text: str, line: int, what: str
) -> None:
    problem = refused(text)
    assert (problem.code, problem.line) == ("CL005", line)
    assert f"a YAML {what}" in problem.detail


def test_the_core_tags_and_prose_with_the_same_characters_still_read() -> None:
    text = (
        "a: !!str 123\nb: !!int '42'\nc: Q&A, R&D and 5*3 = 15!\n"
        "d: |\n  Stop! *Really* & truly.\n  - * bullet\ne: 'x & *y'\nf: \"!z\"\n"
    )
    assert yamlio.load_fast(text, "x.yaml") == {
        "a": "123",
        "b": 42,
        "c": "Q&A, R&D and 5*3 = 15!",
        "d": "Stop! *Really* & truly.\n- * bullet\n",
        "e": "x & *y",
        "f": "!z",
    }


def test_an_alias_met_by_the_fast_path_is_refused_too() -> None:
    """The event scan finds every alias first; should it miss one, building the values refuses."""
    reader = yaml12._Yaml12Loader("a: &x [1]\nb: *x\n")
    node = reader.get_single_node()
    with pytest.raises(yamllimits._Refused, match="alias"):
        yamlio._build(node, reader, set(), 1)


# --- caps (CL006) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "people: " + "[" * 999 + "]" * 999 + "\n",  # RecursionError before
        "a: " + "[" * 65 + "]" * 65 + "\n",
        "a:\n" + "".join("  " * i + "- \n" for i in range(70)),
        "a: !!str " + "{x: " * 100 + "1" + "}" * 100 + "\n",  # screened by events
        "a: " + "[" * 1500 + "]" * 1500 + "\n",  # past libyaml's own limit
    ],
)
def test_nesting_deeper_than_the_cap_is_refused(text: str) -> None:
    problem = refused(text)
    assert problem.code == "CL006"
    assert problem.line == 1 or "- " in text
    assert problem.line <= line_count(text)


def test_nesting_up_to_the_cap_reads() -> None:
    depth = yamllimits.MAX_DEPTH - 1  # the top mapping is one level
    assert yamlio.load_fast("a: " + "[" * depth + "]" * depth + "\n", "x.yaml") is not None


def test_a_text_over_the_size_cap_is_refused_unparsed() -> None:
    problem = refused("a: '" + "x" * yamllimits.MAX_FILE_BYTES + "'\n")
    assert (problem.code, problem.line) == ("CL006", 1)
    assert "16 MiB" in problem.detail


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    with path.open("wb") as handle:  # sparse: 50 MB that take no disk and are never read
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(YamlProblem) as caught:
        loader.read_text(path, "people.yaml")
    assert caught.value.code == "CL006"
    assert "50.0 MiB" in caught.value.detail


def test_more_values_than_the_cap_are_refused() -> None:
    problem = refused("a: [" + "1," * yamllimits.MAX_NODES + "1]\n")
    assert problem.code == "CL006"
    assert "values" in problem.detail


def test_a_large_file_of_ordinary_values_reads() -> None:
    """A register far larger than any community keeps is under every cap (and large enough for
    the values to be counted by the event scan)."""
    entry = "  - id: frank{}\n    name: Frank Example\n    email: frank{}@example.org\n    handles: {{}}\n"
    text = "people:\n" + "".join(entry.format(i, i) for i in range(20_000))
    assert 3 * sum(map(text.count, yamllimits._NODE_STARTS)) > yamllimits.MAX_NODES
    gc.disable()  # as `coc` runs (cli.main.run): the collector's passes would cost seconds here
    try:
        assert len(yamlio.load_fast(text, "people.yaml")["people"]) == 20_000
    finally:
        gc.enable()


# --- the messages validate and the other commands print --------------------------------------------


@pytest.mark.parametrize(
    "zone",
    ["America", "../../etc/passwd", "", "A" * 5000, "UTC\x00", "Mars/Olympus", "utc", "/etc/UTC"],
)
def test_a_time_zone_is_only_a_known_name(zone: str) -> None:
    """`timezone: America` raised IsADirectoryError; the name is never opened as a file now."""
    text = (SAMPLE / "policy.yaml").read_text(encoding="utf-8")
    written = zone.replace("\x00", "\\0")  # YAML's escape of NUL, in a double-quoted scalar
    text = re.sub(r"^timezone: .*$", lambda _: f'timezone: "{written}"', text, flags=re.M)
    line = next(n for n, text in enumerate(text.splitlines(), 1) if text.startswith("timezone:"))
    parsed, problems = loader.parse_file(text, "policy.yaml", Policy)
    assert parsed is None
    [problem] = problems
    assert (problem.code, problem.line) == ("CL002", line)
    assert "unknown time zone" in problem.message
    assert len(problem.message) <= loader.MESSAGE_MAX
    assert "\x00" not in problem.message


def test_a_message_is_one_line_however_the_value_looks() -> None:
    assert loader.one_line("bad: 'a\nb\x00c\u2028'") == "bad: 'a\\nb\\x00c\\u2028'"
    assert len(loader.one_line("x" * 10_000)) == loader.MESSAGE_MAX


def _people_with_an_unclosed_quote(ledger: LedgerRepo) -> int:
    lines = ledger.read("people.yaml").splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.strip() == "name: Dan Example")
    lines[i] = lines[i].replace("name: ", 'name: "')
    (ledger.root / "people.yaml").write_text("".join(lines), encoding="utf-8")
    return i + 1


def test_validate_points_every_format_at_the_unclosed_quote(ledger: LedgerRepo) -> None:
    line = _people_with_an_unclosed_quote(ledger)
    text = ledger.coc("validate", expect=1).stdout
    assert (
        f"people.yaml:{line}:11: error CL001 YAML syntax: while scanning a quoted scalar " in text
    )
    [problem] = [
        p
        for p in ledger.coc("validate", "--format", "json", expect=1).json["problems"]
        if p["code"] == "CL001"
    ]
    assert (problem["file"], problem["line"], problem["col"]) == ("people.yaml", line, 11)
    assert f"that starts at line {line}: found unexpected end of stream" in problem["message"]
    github = ledger.coc("validate", "--format", "github", expect=1).stdout
    assert f"::error file=people.yaml,line={line},col=11,title=CL001::YAML syntax" in github


def test_every_other_command_names_the_same_line_and_changes_nothing(ledger: LedgerRepo) -> None:
    line = _people_with_an_unclosed_quote(ledger)
    before = (ledger.head(), ledger.status())
    for args in (
        ["case", "list"],
        ["person", "show", "frank"],
        ["due"],
        ["council", "add", "frank"],
    ):
        run = ledger.coc(*args, expect=2)
        assert run.stderr.startswith(f"coc: error: people.yaml:{line}: YAML syntax: while scanning")
        assert run.stderr.count("\n") == 1
    assert (ledger.head(), ledger.status()) == before


def test_validate_and_the_other_commands_refuse_an_alias_and_a_deep_list(
    ledger: LedgerRepo,
) -> None:
    (ledger.root / "people.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    assert "people.yaml:1:9: error CL005 a YAML anchor" in ledger.coc("validate", expect=1).stdout
    assert "people.yaml:1: a YAML anchor" in ledger.coc("case", "list", expect=2).stderr
    (ledger.root / "people.yaml").write_text("people: " + "[" * 999 + "]" * 999 + "\n")
    assert (
        "people.yaml:1:72: error CL006 nested more than 64"
        in ledger.coc("validate", expect=1).stdout
    )
    assert "people.yaml:1: nested more than 64" in ledger.coc("due", expect=2).stderr


def test_validate_refuses_a_50_mb_file_at_once(ledger: LedgerRepo) -> None:
    with (ledger.root / "sanctions.yaml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    run = ledger.coc("validate", "--format", "json", expect=1)
    [problem] = [p for p in run.json["problems"] if p["file"] == "sanctions.yaml"]
    assert (problem["code"], problem["line"]) == ("CL006", 1)
    assert "50.0 MiB" in ledger.coc("due", expect=2).stderr


def test_a_byte_that_is_not_utf8_is_a_located_line_for_every_command(ledger: LedgerRepo) -> None:
    lines = ledger.read("people.yaml").splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.strip() == "name: Dan Example")
    raw = "".join(lines).encode("utf-8").replace(b"Dan Example", b"Dan Ex\xe9mple", 1)
    (ledger.root / "people.yaml").write_bytes(raw)
    assert (
        f"people.yaml:{i + 1}:17: error CL001 not UTF-8 text"
        in ledger.coc("validate", expect=1).stdout
    )
    run = ledger.coc("person", "show", "frank", expect=2)
    assert run.stderr == (
        f"coc: error: people.yaml:{i + 1}: not UTF-8 text (byte 0xe9 here): save the file as UTF-8\n"
    )
