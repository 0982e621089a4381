"""`coc publish`: the active bans, in the policy's own wording, and nothing from any case."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from markdown_it import MarkdownIt

from cocledger.store import yamlio, yamlwrite
from conftest import (
    SETUP_DAY,
    LedgerRepo,
    build_ledger,
    built_once,
    clone,
    form_committee,
    reviewed_case,
    shared,
)

COUNCIL_AND_LEAD = ("alice", "bob", "carol", "dan", "erin")
FORMATS = ("rst", "md", "html", "json")
CONDUCT = "Repeated personal attacks following formal warning"


def propose(
    repo: LedgerRepo, case: str, kind: str, duration: str | None, conduct: str, at: str
) -> str:
    args = ["sanction", "propose", case, "--kind", kind, "--conduct", conduct, "--at", at]
    args += ["--duration", duration] if duration else []
    args += ["--deviation-reason", "The council weighed the severity", "--json"]
    return repo.coc(*args).json["sanction"]


def enact_ban(
    repo: LedgerRepo,
    respondent: str,
    duration: str = "3 months",
    starts_on: str | None = None,
    conduct: str = CONDUCT,
) -> str:
    """A timed ban decided at the 2026-01-22 meeting and enacted the next day."""
    case = reviewed_case(repo, respondent=respondent)
    sanction = propose(repo, case, "ban", duration, conduct, "2026-01-22")
    start = ["--starts-on", starts_on] if starts_on else []
    repo.coc("sanction", "enact", sanction, *start, "--at", "2026-01-23")
    return sanction


def enact_lifetime_ban(repo: LedgerRepo, respondent: str, conduct: str, voters=COUNCIL_AND_LEAD):
    case = reviewed_case(repo, respondent=respondent)
    sanction = propose(repo, case, "lifetime_ban", None, conduct, "2026-01-22")
    for member in voters:
        repo.coc(
            "sanction",
            "vote",
            sanction,
            "--member",
            member,
            "--on-behalf",
            "--yes",
            "--at",
            "2026-01-22",
        )
    repo.coc("sanction", "enact", sanction, "--at", "2026-01-23")
    return sanction


def enact_warning(repo: LedgerRepo, respondent: str) -> str:
    case = reviewed_case(repo, respondent=respondent)
    sanction = repo.coc(
        "sanction",
        "propose",
        case,
        "--conduct",
        "Spam in the forum",
        "--at",
        "2026-01-22",
        "--json",
    ).json["sanction"]
    repo.coc("sanction", "enact", sanction, "--at", "2026-01-23")
    return sanction


@pytest.fixture(scope="module")
@shared
def bans_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """frank: 3 months from 2026-02-01; hank: lifetime from 2026-01-23; ivy: a warning."""
    with built_once(tmp_path_factory, "bans") as root:
        repo = build_ledger(root)
        enact_ban(repo, "frank", starts_on="2026-02-01")
        enact_lifetime_ban(repo, "hank", "Threats of violence at an event")
        enact_warning(repo, "ivy")
    return root


@pytest.fixture
def bans(bans_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(bans_template, tmp_path, monkeypatch)


def published(repo: LedgerRepo, at: str) -> list[dict[str, str | None]]:
    return repo.coc("publish", "--format", "json", "--at", at).json


def names(repo: LedgerRepo, at: str) -> list[str | None]:
    return [row["person"] for row in published(repo, at)]


def rst_rows(text: str) -> tuple[str, list[list[str]]]:
    """docutils' own reading of the text: every message it reports (even INFO) and the table."""
    stream = io.StringIO()
    doctree = publish_doctree(
        text, settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": stream}
    )
    rows = [
        [entry.astext() for entry in row.findall(nodes.entry)] for row in doctree.findall(nodes.row)
    ]
    return stream.getvalue(), rows


# --- what is published, and when ---------------------------------------------------------------


def test_a_ban_is_published_from_the_day_it_starts(bans: LedgerRepo) -> None:
    assert "Frank Example" not in names(bans, "2026-01-31")
    assert "Frank Example" in names(bans, "2026-02-01")


def test_a_timed_ban_leaves_the_list_on_its_ends_on(bans: LedgerRepo) -> None:
    assert "Frank Example" in names(bans, "2026-04-30")
    assert "Frank Example" not in names(bans, "2026-05-01")


def test_a_row_holds_the_name_the_public_conduct_and_the_policys_wording(bans: LedgerRepo) -> None:
    assert published(bans, "2026-03-01")[1] == {
        "person": "Frank Example",
        "conduct": CONDUCT,
        "sanction": "3 month ban from February 1, 2026 until May 1, 2026",
        "starts_on": "2026-02-01",
        "ends_on": "2026-05-01",
    }


def test_a_lifetime_ban_is_a_permanent_ban_that_stays_listed(bans: LedgerRepo) -> None:
    rows = published(bans, "2040-01-01")
    assert rows == [
        {
            "person": "Hank Example",
            "conduct": "Threats of violence at an event",
            "sanction": "Permanent ban enacted January 23, 2026",
            "starts_on": "2026-01-23",
            "ends_on": None,
        }
    ]


def test_an_overturned_ban_leaves_the_list_on_the_day_of_the_decision(bans: LedgerRepo) -> None:
    lifetime = "S-2026-0002"
    bans.coc("appeal", "file", lifetime, "--reason", "Mistaken identity", "--at", "2026-02-01")
    bans.coc("appeal", "decide", lifetime, "--overturned", "--at", "2026-03-01")
    assert "Hank Example" in names(bans, "2026-02-28")
    assert "Hank Example" not in names(bans, "2026-03-01")


def test_a_reduced_ban_is_published_with_its_new_length_and_end(bans: LedgerRepo) -> None:
    bans.coc("appeal", "file", "S-2026-0001", "--reason", "Too harsh", "--at", "2026-02-02")
    bans.coc("appeal", "decide", "S-2026-0001", "--reduced-to", "1 month", "--at", "2026-02-10")
    row = published(bans, "2026-02-20")[1]
    assert row["sanction"] == "1 month ban from February 1, 2026 until March 1, 2026"
    assert "Frank Example" not in names(bans, "2026-03-01")


def test_a_ban_of_days_says_day(ledger: LedgerRepo) -> None:
    enact_ban(ledger, "frank", duration="10 days")
    [row] = published(ledger, "2026-01-23")
    assert row["sanction"] == "10 day ban from January 23, 2026 until February 2, 2026"


def test_warnings_are_never_published(bans: LedgerRepo) -> None:
    for fmt in FORMATS:
        out = bans.coc("publish", "--format", fmt, "--at", "2026-01-24").stdout
        assert "Ivy Example" not in out
        assert "Spam in the forum" not in out


@pytest.mark.parametrize("fmt", ["rst", "md", "html"])
def test_no_active_bans_says_so(ledger: LedgerRepo, fmt: str) -> None:
    assert "No active bans" in ledger.coc("publish", "--format", fmt).stdout


def test_no_active_bans_is_an_empty_json_list_and_a_note(ledger: LedgerRepo) -> None:
    run = ledger.coc("publish", "--format", "json")
    assert run.json == []
    assert "No active bans" in run.stderr


def test_publish_is_read_only_and_needs_no_council_member(bans: LedgerRepo) -> None:
    head = bans.head()
    bans.coc("publish", "--format", "html", actor="frank")
    assert (bans.head(), bans.status()) == (head, "")


# --- escaping and formats ----------------------------------------------------------------------


TRICKY_NAMES = [
    "<script>alert('x')</script>",
    "*Bold* _under_ `tick` |sub| [1]_ :role:`x`",
    "A. Smith",
    "1. First",
    "- Dash",
    "• Bullet",
    "===",
    ".. comment",
    "\\",
    "O'Brien, Jr.",
    "Zoë Ünïcode — 名前",
    "Line\nbreak",
    "a | b & c",
]


def rename(repo: LedgerRepo, person: str, name: str) -> None:
    people = yamlio.load_fast(repo.read("people.yaml"), "people.yaml")
    next(p for p in people["people"] if p["id"] == person)["name"] = name
    (repo.root / "people.yaml").write_text(yamlwrite.dump(people, repo.read("people.yaml")))


def test_a_name_with_html_is_escaped_in_the_page(bans: LedgerRepo) -> None:
    rename(bans, "frank", "<script>alert('x')</script>")
    page = bans.coc("publish", "--format", "html", "--at", "2026-03-01").stdout
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_name_with_html_is_escaped_in_markdown(bans: LedgerRepo) -> None:
    rename(bans, "frank", "<script>alert('x')</script>")
    text = bans.coc("publish", "--format", "md", "--at", "2026-03-01").stdout
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in rendered
    assert "<td>&lt;script&gt;alert('x')&lt;/script&gt;</td>" in rendered


def test_rst_renders_with_docutils_without_warnings(bans: LedgerRepo) -> None:
    text = bans.coc("publish", "--format", "rst", "--at", "2026-03-01").stdout
    messages, rows = rst_rows(text)
    assert messages == ""
    assert rows == [
        ["Person", "Conduct", "Sanction"],
        [
            "Hank Example",
            "Threats of violence at an event",
            "Permanent ban enacted January 23, 2026",
        ],
        ["Frank Example", CONDUCT, "3 month ban from February 1, 2026 until May 1, 2026"],
    ]


def test_rst_is_the_policys_own_table_layout(bans: LedgerRepo) -> None:
    text = bans.coc("publish", "--format", "rst", "--at", "2026-03-01").stdout
    assert text.startswith(
        ".. list-table::\n    :header-rows: 1\n    :widths: 20 40 40\n    :width: 100\n\n"
        "    * - Person\n      - Conduct\n      - Sanction\n"
    )


def test_rst_shows_tricky_names_literally_and_without_warnings(bans: LedgerRepo) -> None:
    for name in TRICKY_NAMES:
        rename(bans, "hank", name)
        text = bans.coc("publish", "--format", "rst", "--at", "2026-01-24").stdout
        messages, rows = rst_rows(text)
        assert (messages, rows[1][0]) == ("", " ".join(name.split())), text


def test_html_page_is_self_contained_and_accessible(bans: LedgerRepo) -> None:
    page = bans.coc("publish", "--format", "html", "--at", "2026-03-01").stdout
    for needle in (
        '<html lang="en">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "@media (prefers-color-scheme:dark)",
        '<caption id="bans-caption">Bans in force on March 1, 2026</caption>',
        '<th scope="col">Person</th>',
        '<th scope="row">Frank Example</th>',
        'As of <time class="as-of-date" datetime="2026-03-01">March 1, 2026</time>.',
    ):
        assert needle in page
    for external in ("src=", "href=", "@import", "url("):
        assert external not in page


def test_the_format_follows_the_output_files_extension(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "site/bans.html", "--at", "2026-03-01")
    assert bans.read("site/bans.html").startswith("<!DOCTYPE html>")


def test_an_unknown_extension_needs_a_format(bans: LedgerRepo) -> None:
    run = bans.coc("publish", "-o", "bans.page", expect=2)
    assert "--format" in run.stderr


def test_output_is_written_whole_and_readable_by_a_web_server(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "bans.json", "--at", "2026-03-01")
    path = bans.root / "bans.json"
    assert [row["person"] for row in json.loads(path.read_text())] == [
        "Hank Example",
        "Frank Example",
    ]
    assert path.stat().st_mode & 0o044 == 0o044
    assert [p.name for p in bans.root.iterdir() if p.name.startswith(".bans")] == []


# --- nothing from a case can reach any format ---------------------------------------------------

SENTINELS = {
    "summary": "zqsummary7",
    "reporter": "zqreporter7",
    "reporter name": "Zqreportername7",
    "witness": "zqwitness7",
    "witness name": "Zqwitnessname7",
    "category": "zqcategory7",
    "response": "zqresponse7",
    "note": "zqnote7",
    "conflict": "zqconflict7",
    "deviation reason": "zqdeviation7",
    "voter": "zqvoter7",
    "voter name": "Zqvotername7",
    "appeal reason": "zqappeal7",
    "respondent id": "zqrespondent7",
    "email": "zqemail7",
    "handle": "zqhandle7",
}


@pytest.fixture
def sentinel_ledger(
    sentinel_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> LedgerRepo:
    return clone(sentinel_template, tmp_path, monkeypatch)


@pytest.fixture(scope="module")
@shared
def sentinel_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lifetime ban whose case, votes, appeal and people carry a unique string in every field."""
    with built_once(tmp_path_factory, "sentinels") as root:
        _build_sentinels(build_ledger(root))
    return root


def _build_sentinels(ledger: LedgerRepo) -> None:
    s = SENTINELS
    add = ("person", "add", "--at", SETUP_DAY)
    ledger.coc(
        *add[:2],
        s["respondent id"],
        "--name",
        "Pat Published",
        *add[2:],
        "--email",
        f"{s['email']}@example.org",
        "--handle",
        f"slack:{s['handle']}",
    )
    ledger.coc(*add[:2], s["reporter"], "--name", s["reporter name"], *add[2:])
    ledger.coc(*add[:2], s["witness"], "--name", "Wit " + s["witness name"], *add[2:])
    ledger.coc(*add[:2], s["conflict"], "--name", "Con Flict", *add[2:])
    ledger.coc(
        *add[:2], s["voter"], "--name", s["voter name"], *add[2:], "--email", "voter@example.org"
    )
    ledger.coc("council", "add", s["voter"], "--at", SETUP_DAY)
    ledger.coc("meeting", "add", "2026-01-22", "--at", SETUP_DAY)
    policy = ledger.read("policy.yaml").replace(
        "  - sustained-disruption\n", f"  - sustained-disruption\n  - {s['category']}\n"
    )
    (ledger.root / "policy.yaml").write_text(policy)
    ledger.git("commit", "-qam", "test: a sentinel category")
    received = "2026-01-10T09:00:00+00:00"
    case = ledger.coc(
        "report",
        "new",
        "--respondent",
        s["respondent id"],
        "--reporter",
        s["reporter"],
        "--witness",
        s["witness"],
        "--category",
        s["category"],
        "--summary",
        s["summary"],
        "--setting",
        "public",
        "--at",
        received,
        "--json",
    ).json["case"]
    ledger.coc("report", "notify-council", case, "--at", received)
    form_committee(ledger, case, received)
    ledger.coc("report", "share", case, "--at", received)
    response = ledger.root.parent / "response.txt"
    response.write_text(f"My answer: {s['response']}\n")
    ledger.coc("report", "respond", case, "--file", str(response), "--at", "2026-01-12")
    ledger.coc("report", "review", case, "--meeting", "2026-01-22", "--at", "2026-01-22")
    sanction = ledger.coc(
        "sanction",
        "propose",
        case,
        "--kind",
        "lifetime_ban",
        "--conduct",
        "Public conduct text",
        "--deviation-reason",
        s["deviation reason"],
        "--at",
        "2026-01-22",
        "--json",
    ).json["sanction"]
    for member in (*COUNCIL_AND_LEAD, s["voter"]):
        ledger.coc(
            "sanction",
            "vote",
            sanction,
            "--member",
            member,
            "--on-behalf",
            "--yes",
            "--at",
            "2026-01-22",
        )
    ledger.coc("sanction", "enact", sanction, "--at", "2026-01-23")
    # a member who joins the council after the vote and declares a conflict (a timeline note)
    ledger.coc("council", "add", s["conflict"], "--at", "2026-01-24")
    ledger.coc("committee", "recuse", case, "--member", s["conflict"], "--reason", s["note"],
               "--at", "2026-01-25")  # fmt: skip
    ledger.coc("appeal", "file", sanction, "--reason", s["appeal reason"], "--at", "2026-02-01")


def test_the_sentinels_are_really_in_the_ledger(sentinel_ledger: LedgerRepo) -> None:
    files = [sentinel_ledger.read(p) for p in ("people.yaml", "policy.yaml", "sanctions.yaml")]
    files += [p.read_text() for p in (sentinel_ledger.root / "cases").rglob("*.yaml")]
    everything = "\n".join(files)
    assert [k for k, v in SENTINELS.items() if v not in everything] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_case_field_reaches_any_format(sentinel_ledger: LedgerRepo, fmt: str) -> None:
    out = sentinel_ledger.coc("publish", "--format", fmt, "--at", "2026-03-01").stdout
    assert "Pat Published" in out and "Public conduct text" in out
    leaked = [field for field, value in SENTINELS.items() if value.lower() in out.lower()]
    assert leaked == []


# --- --check for CI -------------------------------------------------------------------------------


def test_check_passes_on_a_fresh_file(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "docs/bans.rst", "--at", "2026-03-01")
    run = bans.coc("publish", "--check", "docs/bans.rst", "--at", "2026-03-01")
    assert "up to date" in run.stderr


def test_check_fails_on_a_file_that_still_shows_an_ended_ban(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "docs/bans.rst", "--at", "2026-03-01")
    run = bans.coc("publish", "--check", "docs/bans.rst", "--at", "2026-05-01", expect=1)
    *diff, line = run.stderr.strip().splitlines()
    assert "docs/bans.rst is out of date: lists bans not in force (S-2026-0001)" in line
    assert "coc publish --format rst -o docs/bans.rst --at 2026-05-01" in line
    assert diff[:2] == ["--- docs/bans.rst", "+++ docs/bans.rst (as coc publish would write it)"]
    assert "-    * - Frank Example" in diff


def test_check_fails_on_a_file_that_lacks_a_ban_in_force(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "bans.md", "--at", "2026-01-24")
    run = bans.coc("publish", "--check", "bans.md", "--at", "2026-02-01", expect=1)
    assert "lacks bans in force (S-2026-0001)" in run.stderr


def test_check_fails_on_a_hand_edited_file(bans: LedgerRepo) -> None:
    bans.coc("publish", "-o", "bans.json", "--at", "2026-03-01")
    (bans.root / "bans.json").write_text(bans.read("bans.json").replace("event", "meetup"))
    run = bans.coc("publish", "--check", "bans.json", "--at", "2026-03-01", expect=1)
    assert "differs from what publish produces now (first at line" in run.stderr


def test_check_of_a_page_keeps_its_as_of_date_while_the_bans_are_unchanged(
    bans: LedgerRepo,
) -> None:
    bans.coc("publish", "-o", "bans.html", "--at", "2026-02-01")
    bans.coc("publish", "--check", "bans.html", "--at", "2026-04-30")
    bans.coc("publish", "--check", "bans.html", "--at", "2026-05-01", expect=1)


def test_check_of_a_missing_file_is_a_usage_error(bans: LedgerRepo) -> None:
    run = bans.coc("publish", "--check", "nowhere.rst", expect=2)
    assert "coc publish --format rst -o nowhere.rst" in run.stderr


def test_markdown_shows_tricky_names_literally(bans: LedgerRepo) -> None:
    for name in TRICKY_NAMES:
        rename(bans, "hank", name)
        text = bans.coc("publish", "--format", "md", "--at", "2026-01-24").stdout
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
        cell = [t for t in tokens if t.type == "inline"][3]
        assert [c.type for c in cell.children or []] == ["text"], text
        assert cell.children[0].content == " ".join(name.split())


SAMPLE = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    not (SAMPLE / "sanctions.yaml").is_file(), reason="the repository has no sample ledger yet"
)
def test_the_sample_ledgers_table_renders_with_docutils_on_every_ban_start() -> None:
    register = yamlio.load_fast((SAMPLE / "sanctions.yaml").read_text(), "sanctions.yaml") or {}
    starts = {str(s["starts_on"]) for s in register.get("sanctions", []) if s.get("starts_on")}
    for day in sorted(starts | {"2026-11-23"}):
        text = LedgerRepo(SAMPLE).coc("publish", "-C", str(SAMPLE), "--format", "rst", "--at", day)
        messages, _ = rst_rows(text.stdout)
        assert messages == "", (day, text.stdout)
