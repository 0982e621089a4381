"""`coc publish --update/--check` on a page that holds more than the table (SPEC §4).

The community's policy page (like Mautic's handbook page) keeps its title, sections and prose;
only the part between the coc:active-bans markers is publish's. In memory for the markers, and in
a real ledger for the page's life: updated, checked, out of date when a ban is enacted or ends.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import cmarkgfm
import pytest
from docutils import nodes
from docutils.core import publish_doctree

from cocledger.core.bans import PublishedBan
from cocledger.errors import UsageError
from cocledger.output.page_check import short_diff
from cocledger.output.pages import render_region, table_gap
from cocledger.output.whitespace import only_whitespace
from cocledger.store.pages import find_region, holds_markers
from conftest import LedgerRepo, build_ledger, built_once, clone, shared
from test_adopting import HANDBOOK_END
from test_markdown_literal import cells
from test_publish import enact_ban

RST_START, RST_END = ".. coc:active-bans:start", ".. coc:active-bans:end"
HTML_START, HTML_END = "<!-- coc:active-bans:start -->", "<!-- coc:active-bans:end -->"
SPAM = "Spam links to www.evil.invalid and spammer@evil.invalid"
FRANK = "3 month ban from January 23, 2026 until April 23, 2026"
HANK = "6 month ban from January 23, 2026 until July 23, 2026"

# A fictional community's policy page, shaped like the handbook's: a title, sections of prose,
# a list, the ladder's own list-table, comments, a whitespace-only line inside a table, the
# markers around an out-of-date active bans table (the real page's end: tests/test_adopting.py),
# trailing text and no final newline.
HANDBOOK = """\
Code of Conduct breaches
########################

.. vale off

Why do we need this policy?
***************************

Having a Code of Conduct is important: it says how we expect people to behave in the Example
Folk community. We need an agreed workflow that is followed when a member breaches it.

Who does this policy apply to?
******************************

This policy applies to every member of the Example Folk community and every contributor.

Submitting a report
*******************

Any individual may submit an incident report to the Project Lead, who reviews it and proposes
actions. Where the report relates to the Project Lead, it goes to any Council member.

Incident processing
*******************

- The receiving party notifies the Council within 24 hours of receipt.
- The reported person has 7 days to submit a response.
- The report is reviewed at the next Council meeting after the 7 days, or sooner.
- The Council proposes sanctions according to this policy.

Proposed sanctions
******************

.. list-table::
    :header-rows: 1
    :widths: 10 90
    :width: 100
\x20\x20\x20\x20
    * - Occurrence
      - Sanction
    * - 1st offence
      - Warning to the offender. Apology to the offended within 7 days required.
    * - 2nd offence
      - 3 month ban.
    * - 3rd offence
      - 6 month ban.
    * - 4th offence
      - 12 month ban.
    * - 5th offence
      - Lifetime ban by full Council vote.

Terms of a ban
**************

A ban covers every channel, forum, website, event and activity of the community, including
speaking at events and writing on its behalf.

End of ban
**********

After the ban, the person is reinstated as a registered user, without any leadership rights.
The ban stays on the record for 18 months from its end.

Communications
**************

When a ban is implemented, the name of the banned person and the dates of the ban are published
on the community website, so that no speaking or other engagement is offered to them.

""" + HANDBOOK_END.replace(
    ".. vale on ", "Questions about this page go to the Council.\n\n.. vale on "
)

MARKDOWN = f"""\
# Code of Conduct breaches

Having a Code of Conduct is important: it says how we expect people to behave.

## Incident processing

- The receiving party notifies the Council within 24 hours of receipt.
- The reported person has 7 days to submit a response.

## Active sanctions

{HTML_START}
| Person | Conduct | Sanction |
|---|---|---|
| Olive Oldcase | Repeated attacks | Permanent ban enacted June 6, 2023 |
{HTML_END}

Questions about this page go to the Council.
"""

HTML = f"""\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Code of Conduct breaches</title></head>
<body>
<h1>Code of Conduct breaches</h1>
<p>Having a Code of Conduct is important.</p>
<section>
  <h2>Active sanctions</h2>
  {HTML_START}
  <p>Nobody yet.</p>
  {HTML_END}
</section>
</body>
</html>
"""


@pytest.fixture(scope="module")
@shared
def page_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """frank: 3 months, hank: 6 months, both enacted and in force from 2026-01-23."""
    with built_once(tmp_path_factory, "page-bans") as root:
        repo = build_ledger(root)
        enact_ban(repo, "frank", conduct="Repeated personal attacks following formal warning")
        enact_ban(repo, "hank", "6 months", conduct=SPAM)
    return root


@pytest.fixture
def repo(page_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LedgerRepo:
    return clone(page_template, tmp_path, monkeypatch)


def site_page(repo: LedgerRepo, name: str, text: str | bytes) -> Path:
    """A page in the website's repository, beside (not inside) the ledger."""
    path = repo.root.parent / "site" / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def outside(data: bytes, start: bytes, end: bytes) -> tuple[bytes, bytes]:
    """The bytes up to the end of the start marker's line, and from the end marker's line on."""
    head = data[: data.index(b"\n", data.index(start)) + 1]
    return head, data[data.rindex(b"\n", 0, data.index(end)) + 1 :]


def docutils_reading(text: str) -> tuple[str, nodes.document]:
    """docutils' reading of a whole page, with every warning (and worse) it reports."""
    stream = io.StringIO()
    doctree = publish_doctree(
        text, settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": stream}
    )
    return stream.getvalue(), doctree


def active_rows(text: str) -> list[list[str]]:
    messages, doctree = docutils_reading(text)
    assert messages == ""
    section = next(s for s in doctree.findall(nodes.section) if s[0].astext() == "Active sanctions")
    return [[e.astext() for e in row.findall(nodes.entry)] for row in section.findall(nodes.row)]


def publish(repo: LedgerRepo, *args: str, expect: int = 0) -> str:
    return repo.coc("publish", *args, expect=expect).stderr


# --- the handbook page, end to end ----------------------------------------------------------------


def test_the_handbook_page_builds_without_warnings_before_any_update() -> None:
    """The fixture is a fair page: docutils is silent about it as it stands."""
    assert active_rows(HANDBOOK)[1][0] == "Olive Oldcase"
    assert len(HANDBOOK.splitlines()) > 80


def test_update_replaces_only_the_marked_table_of_the_handbook_page(repo: LedgerRepo) -> None:
    page = site_page(repo, "code_of_conduct_breaches.rst", HANDBOOK)
    before = page.read_bytes()
    said = publish(repo, "--update", str(page), "--at", "2026-03-01")
    after = page.read_bytes()
    assert outside(after, b"coc:active-bans:start", b"coc:active-bans:end") == outside(
        before, b"coc:active-bans:start", b"coc:active-bans:end"
    )
    assert after.endswith(b"\n.. vale on ")  # trailing text and no final newline, as they were
    assert active_rows(after.decode()) == [
        ["Person", "Conduct", "Sanction"],
        ["Frank Example", "Repeated personal attacks following formal warning", FRANK],
        ["Hank Example", SPAM, HANK],
    ]
    _, doctree = docutils_reading(after.decode())
    assert list(doctree.findall(nodes.reference)) == []  # the spammer's host and address
    assert f"Updated {page} between its markers (rst): 2 active bans on 2026-03-01." in said
    assert repo.status() == ""


def test_check_follows_the_page_as_bans_are_enacted_and_end(repo: LedgerRepo) -> None:
    page = site_page(repo, "code_of_conduct_breaches.rst", HANDBOOK)
    publish(repo, "--check", str(page), "--at", "2026-01-22", expect=1)  # Olive is not banned
    publish(repo, "--update", str(page), "--at", "2026-01-22")  # proposed, not yet enacted
    assert "up to date" in publish(repo, "--check", str(page), "--at", "2026-01-22")
    assert active_rows(page.read_text()) == []  # "No active bans." is a paragraph
    enacted = publish(repo, "--check", str(page), "--at", "2026-01-23", expect=1)
    *diff, last = enacted.strip().splitlines()
    assert f"{page} is out of date: lacks bans in force (S-2026-0001, S-2026-0002)" in last
    assert f"update it with `coc publish --update {page} --at 2026-01-23`" in last
    assert f"--- {page}" in diff and "+    * - Frank Example" in diff and "-No active bans." in diff
    publish(repo, "--update", str(page), "--at", "2026-01-23")
    publish(repo, "--check", str(page), "--at", "2026-04-22")
    ended = publish(repo, "--check", str(page), "--at", "2026-04-23", expect=1)
    assert "lists bans not in force (S-2026-0001)" in ended
    publish(repo, "--update", str(page), "--at", "2026-04-23")
    publish(repo, "--check", str(page), "--at", "2026-04-23")
    assert [row[0] for row in active_rows(page.read_text())] == ["Person", "Hank Example"]


def test_an_unchanged_page_is_not_rewritten(repo: LedgerRepo) -> None:
    page = site_page(repo, "breaches.rst", HANDBOOK)
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    os.chmod(page, 0o640)
    inode = page.stat().st_ino
    said = publish(repo, "--update", str(page), "--at", "2026-03-02")
    assert "Already up to date:" in said
    assert (page.stat().st_ino, page.stat().st_mode & 0o777) == (inode, 0o640)


def test_update_keeps_crlf_line_endings_and_a_byte_order_mark(repo: LedgerRepo) -> None:
    page = site_page(
        repo, "breaches.rst", b"\xef\xbb\xbf" + HANDBOOK.replace("\n", "\r\n").encode()
    )
    before = page.read_bytes()
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    after = page.read_bytes()
    assert outside(after, b"active-bans:start", b"active-bans:end") == outside(
        before, b"active-bans:start", b"active-bans:end"
    )
    assert after.count(b"\n") == after.count(b"\r\n")  # the new lines end as the page's do
    assert [row[0] for row in active_rows(after.decode("utf-8-sig"))][1:] == [
        "Frank Example",
        "Hank Example",
    ]
    publish(repo, "--check", str(page), "--at", "2026-03-01")


def test_indented_markers_put_an_indented_table_in_a_directive(repo: LedgerRepo) -> None:
    text = (
        "Active sanctions\n================\n\n.. container:: active-bans\n\n"
        f"   {RST_START}\n   {RST_END}\n\nMore text.\n"
    )
    page = site_page(repo, "bans.inc", text)  # .inc: an rst include
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    updated = page.read_text()
    assert "\n   .. list-table::\n       :header-rows: 1\n" in updated
    messages, doctree = docutils_reading(updated)
    assert messages == ""
    assert len(list(doctree.findall(nodes.row))) == 3


# --- Markdown and HTML pages ----------------------------------------------------------------------


def test_a_markdown_page_gets_a_gfm_table_between_its_comments(repo: LedgerRepo) -> None:
    page = site_page(repo, "breaches.md", MARKDOWN)
    publish(repo, "--check", str(page), "--at", "2026-03-01", expect=1)
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    after = page.read_bytes()
    start, end = HTML_START.encode(), HTML_END.encode()
    assert outside(after, start, end) == outside(MARKDOWN.encode(), start, end)
    rendered = cmarkgfm.github_flavored_markdown_to_html(after.decode())
    assert "<h2>Active sanctions</h2>" in rendered and "<a " not in rendered
    found = cells(rendered)
    assert found[3:] == [
        ([], "Frank Example"),
        ([], "Repeated personal attacks following formal warning"),
        ([], FRANK),
        ([], "Hank Example"),
        ([], SPAM),
        ([], HANK),
    ]
    publish(repo, "--check", str(page), "--at", "2026-04-22")
    publish(repo, "--check", str(page), "--at", "2026-04-23", expect=1)
    publish(repo, "--update", str(page), "--at", "2026-04-23")
    publish(repo, "--check", str(page), "--at", "2026-04-23")
    assert "Frank Example" not in page.read_text()


@pytest.mark.parametrize("name", ["breaches.html", "breaches.htm"])
def test_an_html_page_gets_a_table_between_its_comments(repo: LedgerRepo, name: str) -> None:
    page = site_page(repo, name, HTML)
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    after = page.read_text()
    start, end = HTML_START.encode(), HTML_END.encode()
    assert outside(after.encode(), start, end) == outside(HTML.encode(), start, end)
    assert '\n  <table class="coc-active-bans">\n  <thead>\n' in after  # as indented as the marker
    assert [text for _, text in cells(after)] == [
        "Person",
        "Conduct",
        "Sanction",
        "Frank Example",
        "Repeated personal attacks following formal warning",
        FRANK,
        "Hank Example",
        SPAM,
        HANK,
    ]
    assert "<a" not in after.replace("<!-- coc", "")
    publish(repo, "--check", str(page), "--at", "2026-04-22")
    publish(repo, "--check", str(page), "--at", "2026-07-23", expect=1)
    publish(repo, "--update", str(page), "--at", "2026-07-23")
    assert "No active bans." in page.read_text()
    publish(repo, "--check", str(page), "--at", "2026-07-23")


# --- refusals: the page is left as it was -------------------------------------------------------


def test_update_of_a_page_without_markers_says_how_to_add_them(repo: LedgerRepo) -> None:
    unmarked = HANDBOOK.replace(f"{RST_START}\n\n", "").replace(f"\n{RST_END}\n", "")
    page = site_page(repo, "breaches.rst", unmarked)
    run = repo.coc("publish", "--update", str(page), "--at", "2026-03-01", expect=2)
    assert f"add the line `{RST_START}`" in run.stderr and f"`{RST_END}`" in run.stderr
    assert page.read_text() == unmarked
    md = site_page(repo, "breaches.md", "# Bans\n")
    run = repo.coc("publish", "--update", str(md), "--at", "2026-03-01", expect=2)
    assert f"`{HTML_START}`" in run.stderr and f"`{HTML_END}`" in run.stderr


def test_check_of_a_page_without_markers_never_suggests_overwriting_it(repo: LedgerRepo) -> None:
    unmarked = HANDBOOK.replace(f"{RST_START}\n\n", "").replace(f"\n{RST_END}\n", "")
    page = site_page(repo, "breaches.rst", unmarked)
    line = publish(repo, "--check", str(page), "--at", "2026-03-01", expect=1).splitlines()[-1]
    assert " -o " not in line
    assert (
        f"the table is part of a larger page: put the table between the lines `{RST_START}`" in line
    )
    assert f"`coc publish --update {page} --at 2026-03-01`" in line


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (f"a\n\n{RST_START}\n\nb\n", 3, f"`{RST_START}` without `{RST_END}`"),
        (f"a\n\n{RST_END}\n", 3, f"`{RST_END}` without `{RST_START}`"),
        (f"{RST_START}\n\n{RST_END}\n\n{RST_START}\n\n{RST_END}\n", 5, "a second"),
        (f"{RST_END}\n\nx\n\n{RST_START}\n", 1, f"`{RST_END}` comes before `{RST_START}`"),
    ],
)
def test_broken_markers_are_refused_naming_the_line(
    repo: LedgerRepo, text: str, line: int, problem: str
) -> None:
    page = site_page(repo, "bans.txt", text)  # .txt: an rst include
    for flag in ("--update", "--check"):
        run = repo.coc("publish", flag, str(page), "--at", "2026-03-01", expect=2)
        assert f"{page}:{line}: {problem}" in run.stderr
    assert page.read_text() == text


def test_output_never_overwrites_a_page_with_markers(repo: LedgerRepo) -> None:
    page = site_page(repo, "breaches.rst", HANDBOOK)
    run = repo.coc("publish", "-o", str(page), "--at", "2026-03-01", expect=2)
    assert f"use `coc publish --update {page}`" in run.stderr
    assert page.read_text() == HANDBOOK


@pytest.mark.parametrize(
    "flags", [("-o", "a.rst", "--update", "b.rst"), ("--update", "a.rst", "--check", "a.rst")]
)
def test_output_update_and_check_exclude_each_other(repo: LedgerRepo, flags: tuple[str]) -> None:
    run = repo.coc("publish", *flags, expect=2)
    assert "exclude each other: give one of -o, --update, --check" in run.stderr


def test_update_refuses_json_a_missing_file_and_bytes_that_are_not_utf8(repo: LedgerRepo) -> None:
    assert "holds no markers" in repo.coc("publish", "--update", "bans.json", expect=2).stderr
    missing = repo.coc("publish", "--update", "nowhere.md", expect=2).stderr
    assert "no such file" in missing and HTML_START in missing
    page = site_page(repo, "latin1.rst", f"Zo\xeb\n\n{RST_START}\n\n{RST_END}\n".encode("latin-1"))
    assert "not UTF-8" in repo.coc("publish", "--update", str(page), expect=2).stderr
    assert repo.status() == ""


# --- the markers, in memory -----------------------------------------------------------------------


def test_a_marker_of_the_other_style_is_named() -> None:
    with pytest.raises(UsageError) as html_in_rst:
        find_region(f"x\n{HTML_START}\n{HTML_END}\n", "rst", "page.rst")
    assert str(html_in_rst.value).startswith(
        f"page.rst:2: `{HTML_START}` is the Markdown and HTML marker; a reStructuredText page "
        f"needs `{RST_START}` and `{RST_END}`"
    )
    with pytest.raises(UsageError, match=r"page.md:1: .* is the reStructuredText marker; a Mark"):
        find_region(f"{RST_START}\n{RST_END}\n", "md", "page.md")


def test_markers_may_be_spaced_and_indented_but_must_stand_alone() -> None:
    region = find_region(f"x\n  <!--coc:active-bans:start  -->\r\nold\n\t{HTML_END}\n", "md", "p")
    assert region is not None
    assert (region.line, region.indent, region.newline) == (2, "  ", "\r\n")
    assert find_region(f"See {HTML_START} and {HTML_END} in the docs.\n", "md", "p") is None
    assert holds_markers(f"a\n{RST_START}\n") and not holds_markers("coc:active-bans:start\n")


def test_the_region_is_a_block_of_its_own_with_the_markers_indent_and_line_ending() -> None:
    rows = [PublishedBan("Frank Example", "Spam", "10 day ban", date(2026, 2, 1), None)]
    region = render_region("md", rows, date(2026, 2, 1), "Example", "  ", "\r\n")
    assert region == (
        "\r\n  | Person | Conduct | Sanction |\r\n  |---|---|---|\r\n"
        "  | Frank Example | Spam | 10 day ban |\r\n\r\n"
    )
    assert render_region("rst", [], date(2026, 2, 1), "Example", "", "\n") == (
        "\nNo active bans.\n\n"
    )


def test_the_tables_blank_line_is_written_as_the_page_writes_it() -> None:
    mautic = ".. list-table::\n    :header-rows: 1\n    :width: 100\n    \n    * - Occurrence\n"
    trimmed = mautic.replace("\n    \n", "\n\n")
    contained = ".. container::\n\n   .. list-table::\n      :widths: 1\n      \n"
    assert table_gap(mautic) == "    " and table_gap(trimmed) == ""
    assert table_gap(contained) == "   "  # past the directive's own indentation
    assert table_gap(trimmed, mautic) == "" and table_gap("No active bans.\n", mautic) == "    "
    assert table_gap("Text.\n", "No tables here.\n") == ""
    rows = [PublishedBan("Frank Example", "Spam", "10 day ban", date(2026, 2, 1), None)]
    region = render_region("rst", rows, date(2026, 2, 1), "Example", "  ", "\n", "    ")
    assert "\n      :width: 100\n      \n      * - Person\n" in region  # indent, then the gap
    assert region.startswith("\n") and region.endswith("10 day ban\n\n")  # its edges stay empty


def test_a_long_diff_is_cut_short() -> None:
    old = "".join(f"line {n}\n" for n in range(100))
    diff = short_diff(old, old.replace("line", "row"), "page.md").splitlines()
    assert len(diff) == 41 and diff[-1] == "... (163 more lines)"


# --- a difference only in whitespace is named ------------------------------------------------------

TABLE = "* - Person\n  - Sanction\n\n* - Frank Example\n  - 10 day ban\n"


@pytest.mark.parametrize(
    ("published", "said"),
    [
        (TABLE.replace("Person\n", "Person  \n"), "trailing spaces on line 1"),
        (TABLE.replace("Person\n", "Person\t\n"), "trailing whitespace on line 1"),
        (TABLE.replace("ban\n", "ban\r\n"), "line 5 ends in CRLF where publish writes LF"),
        (TABLE.replace("\n", "\r\n"), "line 1 ends in CRLF where publish writes LF"),
        (TABLE.removesuffix("\n"), "no newline at the end of line 5, the last"),
        (TABLE.replace("\n\n", "\n   \n"), "trailing spaces on line 3"),
        (TABLE.replace("\n\n", "\n\n\n"), "a blank line publish does not write at line 4"),
        (TABLE.replace("\n\n", "\n"), "a blank line missing at line 3, where publish writes one"),
        (TABLE + "\n", "a blank line publish does not write at line 6"),
        (TABLE.replace("  - Sanction", "    - Sanction"), "the indentation of line 2"),
        (
            TABLE.replace("Frank Example", "Frank  Example"),
            "the spaces between the words of line 4",
        ),
        (TABLE.replace("10 day", "10\nday"), "where the lines break, from line 5"),
    ],
)
def test_a_difference_only_in_whitespace_is_named(published: str, said: str) -> None:
    found = only_whitespace(published, TABLE)
    assert found is not None
    assert found[0].format(line=found[1]) == said


@pytest.mark.parametrize(
    "published", [TABLE, TABLE.replace("Frank", "Fred"), TABLE.replace("10 day", "10  days")]
)
def test_only_a_difference_in_whitespace_alone_is_named_so(published: str) -> None:
    assert only_whitespace(published, TABLE) is None


def test_check_names_a_whitespace_difference_with_its_line_in_the_page(repo: LedgerRepo) -> None:
    page = site_page(repo, "breaches.rst", HANDBOOK)
    publish(repo, "--update", str(page), "--at", "2026-03-01")
    text = page.read_text()
    at = text.rindex("      - Sanction\n") + len("      - Sanction")  # the marked table's
    line = text[:at].count("\n") + 1
    page.write_text(text[:at] + " " + text[at:])
    said = publish(repo, "--check", str(page), "--at", "2026-03-01", expect=1)
    assert said.splitlines() == [
        f"coc: error: {page} is out of date: differs only in whitespace: trailing spaces on line "
        f"{line}; update it with `coc publish --update {page} --at 2026-03-01`"
    ]  # and no diff of two lines that look the same
    page.write_text(text[:at] + "\r" + text[at:])
    said = publish(repo, "--check", str(page), "--at", "2026-03-01", expect=1)
    assert f"whitespace: line {line} ends in CRLF where publish writes LF;" in said
