"""Every format shows user text literally: no name or conduct text becomes a link or markup.

The Markdown table is rendered with GitHub's own renderer (cmark-gfm, GFM with the autolink
extension) and with markdown-it (linkify on), the rst table with docutils, and the HTML page is
parsed; a banned person must not be able to put a link or any markup on the community's page.
All in memory: rows in, text out, no ledger.
"""

from __future__ import annotations

import io
from datetime import date
from html.parser import HTMLParser

import cmarkgfm
import pytest
from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cocledger.core.bans import PublishedBan
from cocledger.output.pages import render_html, render_md, render_rst

SANCTION = "3 month ban from February 1, 2026 until May 1, 2026"
HOSTILE = [
    "www.evil.invalid",
    "www. 1",  # hypothesis: cmark-gfm links a bare `www` before a dot that ends the word
    "Visit WWW. now",
    "https://evil.invalid/buy",
    "spammer@evil.invalid",
    "\\(http://x.invalid\\)",
    "Visit spam.example.com now",
    "spam.example.com.",
    "//localhost/x",
    "mailto:spammer@example.com",
    "xmpp:spammer@example.com",
    "ftp://files.example.com",
    "http://192.0.2.7/buy",
    "<https://evil.invalid>",
    "<spammer@evil.invalid>",
    "[a link](https://evil.invalid) ![an image](https://evil.invalid/i.png)",
    "[ref]: https://evil.invalid",
    "*em* _em_ **strong** __strong__ `code` ``code`` ~del~ ~~del~~",
    "<b>bold</b> <img src=x onerror=alert(1)> <!-- hidden -->",
    "&amp; &lt;b&gt; &#65; &#x41; &copy; &nbsp;",
    "a | b \\| c || d",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "1. not a list",
    "+ not a list",
    "Bob\\",
    "\\",
    "A. Smith, Jr.",
    "O'Brien: “quoted” — ok?!",
    "Zoë Ünïcode — 名前。com",
]
# What markup is made of, for generated names: every ASCII punctuation mark, the letters of
# links and schemes, digits, spaces and a few non-ASCII characters.
ALPHABET = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ awwwhtpsmailoxc19é。\u00a0"
TOKENS = [
    "www.",
    "http://",
    "https://",
    "mailto:",
    "xmpp:",
    "//",
    "evil",
    ".com",
    ".invalid",
    "@",
    "&amp;",
    "&#46;",
    "&#",
    ";",
    "<",
    ">",
    "<!-- -->",
    "\\",
    "*",
    "**",
    "_",
    "`",
    "~~",
    "[",
    "](",
    ")",
    "!",
    "|",
    "#",
    "1.",
    "-",
    " ",
    "a",
]
hostile_text = st.text(alphabet=ALPHABET, max_size=24) | st.lists(
    st.sampled_from(TOKENS), max_size=10
).map("".join)


class Cells(HTMLParser):
    """The table cells of a rendered page: each one's text and the tags found inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[list[str], str]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self.inside = True
            self.cells.append(([], ""))
        elif self.inside:
            self.cells[-1][0].append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            tags, text = self.cells[-1]
            self.cells[-1] = (tags, text + data)


def cells(html_text: str) -> list[tuple[list[str], str]]:
    parser = Cells()
    parser.feed(html_text)
    parser.close()
    return parser.cells


def gfm(text: str) -> str:
    """GitHub's renderer: GFM with the table, strikethrough, autolink and tagfilter extensions."""
    return cmarkgfm.github_flavored_markdown_to_html(text)


MARKDOWN_IT = MarkdownIt("commonmark", {"linkify": True}).enable("linkify").enable("table")
RENDERERS = {"cmark-gfm": gfm, "markdown-it": MARKDOWN_IT.render}


def table_of(name: str, conduct: str) -> list[PublishedBan]:
    return [PublishedBan(name, conduct, SANCTION, date(2026, 2, 1), date(2026, 5, 1))]


def shown(text: str) -> str:
    """What a reader sees: a cell is one line, whitespace runs are one space."""
    return " ".join(text.split())


def assert_markdown_literal(name: str, conduct: str) -> None:
    table = render_md(table_of(name, conduct), date(2026, 3, 1), "Example")
    for renderer, render in RENDERERS.items():
        found = cells(render(table))
        header, body = found[:3], found[3:]
        assert [text for _, text in header] == ["Person", "Conduct", "Sanction"], renderer
        assert body == [([], shown(name)), ([], shown(conduct)), ([], SANCTION)], (renderer, table)


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_links_and_markup_as_text(text: str) -> None:
    assert_markdown_literal(text, f"Conduct: {text}")


def test_the_issues_examples_render_as_links_without_escaping() -> None:
    """The test above would fail on unescaped text: both renderers do make these links."""
    raw = "| www.evil.invalid | https://evil.invalid/buy spammer@evil.invalid \\(http://x.invalid\\) |"
    rendered = gfm(f"| a | b |\n|---|---|\n{raw}\n")
    assert rendered.count("<a href=") == 4
    assert 'href="http://x.invalid%5C"' in rendered  # the stray backslash
    assert "<a href" in MARKDOWN_IT.render("Visit spam.example.com or https://evil.invalid/buy")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, conduct=hostile_text)
def test_markdown_shows_any_generated_text_literally(name: str, conduct: str) -> None:
    assert_markdown_literal(name, conduct)


def test_markdown_source_stays_readable() -> None:
    """Plain names and sentences keep their punctuation: only what could form a link is changed."""
    table = render_md(
        table_of("O'Brien, Jr.", "Spam, again! Twice; 50% off - ok?"), date.today(), ""
    )
    assert "| O'Brien, Jr. | Spam, again! Twice; 50% off - ok? |" in table


# --- rst and html ------------------------------------------------------------------------------


def rst_reading(text: str) -> tuple[str, nodes.document]:
    stream = io.StringIO()
    doctree = publish_doctree(
        text, settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": stream}
    )
    return stream.getvalue(), doctree


def assert_rst_literal(name: str, conduct: str) -> None:
    table = render_rst(table_of(name, conduct), date(2026, 3, 1), "Example")
    messages, doctree = rst_reading(table)
    assert messages == "", table
    entries = list(doctree.findall(nodes.entry))
    assert [entry.astext() for entry in entries[3:]] == [shown(name), shown(conduct), SANCTION]
    inline = [node.tagname for entry in entries for node in entry.findall(nodes.Inline)]
    assert inline == [], table


@pytest.mark.parametrize("text", HOSTILE)
def test_rst_shows_links_and_markup_as_text(text: str) -> None:
    assert_rst_literal(text, f"Conduct: {text}")


def test_rst_would_make_a_bare_url_a_link() -> None:
    """Why the escaping matters: docutils turns a bare URL or address into a reference."""
    _, doctree = rst_reading("Visit https://evil.invalid/buy or spammer@evil.invalid\n")
    assert len(list(doctree.findall(nodes.reference))) == 2


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text.filter(str.strip), conduct=hostile_text.filter(str.strip))
def test_rst_shows_any_generated_text_literally(name: str, conduct: str) -> None:
    assert_rst_literal(name, conduct)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_shows_links_and_markup_as_text(text: str) -> None:
    page = render_html(table_of(text, f"Conduct: {text}"), date(2026, 3, 1), "Example")
    assert "<a" not in page and "href" not in page
    assert cells(page)[3:] == [([], shown(text)), ([], shown(f"Conduct: {text}")), ([], SANCTION)]
