"""The published HTML page in a real browser: headless Chromium renders it on a phone-sized
window, in light and dark mode, and runs nothing a banned person's name might smuggle in."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build_ledger, built_once, shared
from test_publish import enact_ban, rename

CHROMIUM = next(
    (
        found
        for found in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
        if found
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH: install Debian's `chromium` package (.ci/run does so as root)",
)
PHONE = (412, 900)
HOSTILE_NAME = "<script>document.title='pwned'</script>Pat <b>Bold</b>"


def chromium(page: Path, profile: Path, *args: str) -> str:
    """Run headless Chromium on a local file, offline, with a throwaway profile."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class _Cells(HTMLParser):
    """The text of every table cell and the page's title, as the browser left them."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.title = ""
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th", "title"):
            self._in = tag
            if tag != "title":
                self.cells.append("")
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in:
            self.cells[-1] += data


def png_size_and_first_pixel(path: Path) -> tuple[int, int, tuple[int, int, int]]:
    """Width and height from the PNG header, and the top-left pixel's colour.

    The first pixel of the first row is stored unfiltered under every PNG filter type (each
    predictor is 0 there), so it can be read without decoding the whole image."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) in ((8, 2), (8, 6))
    chunks, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    first_row = zlib.decompressobj().decompress(chunks, 8)
    red, green, blue = first_row[1:4]
    return width, height, (red, green, blue)


@pytest.fixture(scope="module")
@shared
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two bans, one for a person whose name is hostile HTML, published as a page once."""
    with built_once(tmp_path_factory, "browser") as root:
        ledger = build_ledger(root)
        enact_ban(ledger, "frank")
        enact_ban(
            ledger, "hank", duration="12 months", conduct="Threats & <intimidation> at events"
        )
        rename(ledger, "hank", HOSTILE_NAME)
        ledger.coc("publish", "-o", "site/bans.html", "--at", "2026-03-01")
    return root / "site" / "bans.html"


@pytest.fixture(scope="module")
def dom(page: Path, tmp_path_factory: pytest.TempPathFactory) -> _Cells:
    """The page's DOM after Chromium has loaded it (and run any script it had)."""
    cells = _Cells()
    cells.feed(chromium(page, tmp_path_factory.mktemp("profile"), "--dump-dom"))
    return cells


def test_the_browser_shows_the_bans_as_plain_text(dom: _Cells) -> None:
    assert dom.cells == [
        "Person",
        "Conduct",
        "Sanction",
        HOSTILE_NAME,
        "Threats & <intimidation> at events",
        "12 month ban from January 23, 2026 until January 23, 2027",
        "Frank Example",
        "Repeated personal attacks following formal warning",
        "3 month ban from January 23, 2026 until April 23, 2026",
    ]


def test_a_name_cannot_run_a_script_in_the_page(dom: _Cells) -> None:
    assert (dom.title, dom.scripts) == ("Active bans — Mautic", 0)


def test_the_page_renders_on_a_phone_sized_screen(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "phone.png"
    chromium(page, tmp_path / "profile", f"--screenshot={shot}")
    width, height, background = png_size_and_first_pixel(shot)
    assert (width, height) == PHONE
    assert background == (255, 255, 255)


def test_the_page_follows_the_readers_dark_mode(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "dark.png"
    chromium(
        page,
        tmp_path / "profile",
        "--force-dark-mode",
        "--blink-settings=preferredColorScheme=0",
        f"--screenshot={shot}",
    )
    width, height, background = png_size_and_first_pixel(shot)
    assert (width, height) == PHONE
    assert background == (0x12, 0x12, 0x12)
