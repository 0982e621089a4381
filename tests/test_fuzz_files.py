"""Issue 14.2-3: any bytes in any file the ledger holds give a message and an exit code, never a
traceback, an internal error or an exhausted machine (SPEC §5).

Each example breaks one file of the complete ledger (byte flips, truncation, bytes that are not
UTF-8, deep nesting, anchors and aliases, tags, huge scalars, stray YAML indicators), then runs
`coc validate` (0 or 1: problems are reported, never a crash) and two reading commands (0, or 2
with one line on stderr). COC_FUZZ_EXAMPLES=2000 runs a bigger campaign.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkwork import AT, WARNING_CASE
from conftest import LedgerRepo

EXAMPLES = int(os.environ.get("COC_FUZZ_EXAMPLES", "12"))
FILES = ["policy.yaml", "people.yaml", "sanctions.yaml", WARNING_CASE]
Mutation = Callable[[bytes], bytes]


def _at(data: bytes, where: float) -> int:
    return min(len(data), int(where * len(data)))


def flip(where: float, byte: int) -> Mutation:
    return lambda d: d[: _at(d, where)] + bytes([byte]) + d[_at(d, where) + 1 :]


def truncate(where: float) -> Mutation:
    return lambda d: d[: _at(d, where)]


def insert(where: float, chunk: bytes) -> Mutation:
    return lambda d: d[: _at(d, where)] + chunk + d[_at(d, where) :]


def at_a_value(where: float, chunk: bytes) -> Mutation:
    """`chunk` right after the `: ` of a line, where YAML reads a value."""

    def mutate(data: bytes) -> bytes:
        start = _at(data, where)
        colon = data.find(b": ", start)
        if colon < 0:
            colon = data.rfind(b": ")
        cut = colon + 2 if colon >= 0 else start
        return data[:cut] + chunk + data[cut:]

    return mutate


WHERE = st.floats(0, 1)
NESTED = st.integers(1, 3000).flatmap(
    lambda n: st.sampled_from([b"[" * n + b"]" * n, b"{a: " * n + b"1" + b"}" * n, b"[" * n])
)
PROPERTIES = st.sampled_from(
    [b"&a ", b"*a ", b"&a [1]\nb: *a\n", b"!!binary ", b"!!python/name:os.system ", b"!x ", b"! "]
)
NOT_UTF8 = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"])
INDICATORS = st.text("\"'[]{}:,-?&*!|>%@`#\t\r\n\x00\x1b ", max_size=8).map(str.encode)
HUGE = st.sampled_from([b"x" * 300_000, b"'" + b"y" * 100_000 + b"'", b"- " * 50_000])

MUTATIONS = st.lists(
    st.one_of(
        st.builds(flip, WHERE, st.integers(0, 255)),
        st.builds(truncate, WHERE),
        st.builds(insert, WHERE, NOT_UTF8),
        st.builds(insert, WHERE, INDICATORS),
        st.builds(at_a_value, WHERE, NESTED),
        st.builds(at_a_value, WHERE, PROPERTIES),
        st.builds(at_a_value, WHERE, HUGE),
    ),
    min_size=1,
    max_size=3,
)


def _clean(output: str) -> bool:
    return "Traceback" not in output and "internal error" not in output


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=st.sampled_from(FILES), mutations=MUTATIONS)
def test_any_bytes_in_any_ledger_file_give_a_message_never_a_crash(
    repo: LedgerRepo, file: str, mutations: list[Mutation]
) -> None:
    path = repo.root / file
    original = path.read_bytes()
    data = original
    for mutate in mutations:
        data = mutate(data)
    path.write_bytes(data)
    try:
        checked = repo.coc("validate", "--at", AT, "--format", "json", expect=None)
        assert checked.exit_code in (0, 1), checked.stderr
        assert _clean(checked.stdout + checked.stderr)
        if checked.exit_code == 1:
            assert checked.json["problems"]
        for command in (["case", "list"], ["due", "--at", AT]):
            run = repo.coc(*command, expect=None)
            assert run.exit_code in (0, 2), run.stderr
            assert _clean(run.stdout + run.stderr)
            if run.exit_code == 2:
                assert run.stderr.startswith("coc: error: ")
                assert run.stderr.count("\n") == 1, run.stderr
    finally:
        path.write_bytes(original)
