"""The HTML tables in a real browser: headless Chromium prints them to PDF as staff would.

Checks what only a browser can tell: the header row repeats on every printed page,
nothing is cut off (every cell's text is in the PDF), no cell is wider than an
A4 landscape page, and long tables take several pages. With
HYOKA_UPDATE_SCREENSHOTS=1 it also refreshes the PNGs under docs/ for the README.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from typer.testing import CliRunner

from hyoka.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"
DOCS = Path(__file__).resolve().parents[1] / "docs"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# A4 landscape minus the 10 mm side margins of @page, in CSS pixels (96 per inch).
PRINTABLE_WIDTH_PX = round((297 - 20) / 25.4 * 96)

pytestmark = pytest.mark.skipif(
    os.environ.get("HYOKA_SKIP_BROWSER") == "1", reason="HYOKA_SKIP_BROWSER=1 (CI installs Chromium, runs them)"
)


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail("chromium and chromedriver are required (Debian: apt-get install chromium chromium-driver)")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--hide-scrollbars",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[[Path], str]) -> dict[str, Path]:
    """The three HTML tables of the samples, and a long appendix built on seed 002's real rows."""
    folder = tmp_path_factory.mktemp("html")
    db = new_db_url(folder)
    run("init", "--db", db)
    for n in (1, 2, 3, 4):
        run("commit", str(SAMPLES / f"v{n}.txt"), "--report", "sakuragawa", "--author", "山田", "--db", db)
    out = {
        "appendix": folder / "appendix.html",
        "shinkyu": folder / "shinkyu.html",
        "ichiran": folder / "ichiran.html",
        "long": folder / "long.html",
    }
    run("appendix", "sakuragawa", "--to", "4", "-o", str(out["appendix"]), "--db", db)
    run("shinkyu", "sakuragawa", "--from", "2", "--to", "3", "-o", str(out["shinkyu"]), "--db", db)
    run("ichiran", "sakuragawa", "--from", "2", "--to", "3", "-o", str(out["ichiran"]), "--db", db)
    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "002_d96ab8c3580b4465.txt"
    run("commit", str(seed), "--report", "long", "--author", "山田", "--db", db)
    run("appendix", "long", "-o", str(out["long"]), "--db", db)
    return out


def load(driver: webdriver.Chrome, page: Path) -> None:
    """Open the page and wait until its web fonts are ready, so layout is final."""
    driver.get(page.as_uri())
    driver.execute_async_script("document.fonts.ready.then(() => arguments[arguments.length - 1](true));")


def print_pdf(driver: webdriver.Chrome, page: Path) -> PdfReader:
    load(driver, page)
    result = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    return PdfReader(io.BytesIO(base64.b64decode(result["data"])))


def squash(text: str) -> str:
    """Text for comparison: PDF fonts map some kanji to their Kangxi radical code points (⽇ for 日)
    and ・ to ‧, so both sides are NFKC-folded and stripped of whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).replace("‧", "・"))


def printed(text: str, pdf_text: str) -> bool:
    """Whether ``text`` occurs in the PDF's text. A kanji may come out as a CJK Radicals
    Supplement code point (⺠ for 民, ⻑ for 長), which NFKC leaves alone, so any kanji also
    matches a character of that block."""
    pattern = "".join(
        f"[{re.escape(ch)}\u2e80-\u2eff]" if "\u4e00" <= ch <= "\u9fff" else re.escape(ch) for ch in text
    )
    return re.search(pattern, pdf_text) is not None


def cell_texts(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll('td')].map(td => td.innerText);")


def overflowing_cells(driver: webdriver.Chrome, page: Path) -> dict[str, object]:
    """Lay the page out as print at the printable width and list cells wider than their box or the page."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PRINTABLE_WIDTH_PX, "height": 700, "deviceScaleFactor": 1, "mobile": False})
    load(driver, page)
    try:
        return driver.execute_script(
            """
            const limit = document.documentElement.clientWidth;
            const bad = [];
            for (const cell of document.querySelectorAll('th, td')) {
              const box = cell.getBoundingClientRect();
              if (box.right > limit + 0.5 || cell.scrollWidth > cell.clientWidth + 1) {
                bad.push(cell.innerText.slice(0, 40));
              }
            }
            return {limit: limit, page: document.documentElement.scrollWidth, bad: bad};
            """
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.parametrize(("name", "header"), [("appendix", "変更前の記載"), ("shinkyu", "旧(変更前)"),
                                              ("ichiran", "変更の理由"), ("long", "提出時期に係る説明")])
def test_printed_pdf_repeats_the_header_and_loses_nothing(
    browser: webdriver.Chrome, tables: dict[str, Path], name: str, header: str
) -> None:
    pdf = print_pdf(browser, tables[name])
    pages = [squash(page.extract_text()) for page in pdf.pages]
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height), "A4 landscape"
    assert round(float(box.width) / 72 * 25.4) == 297
    assert all(header in page for page in pages), f"header missing on a page of {name}"
    whole = "".join(pages)
    cells = [squash(text) for text in cell_texts(browser)]
    assert cells, "the table has rows"
    # A row may continue on the next page, so each cell is checked by its first and last ten
    # characters: clipping or overflow would lose the end of a cell, and a lost row both.
    missing = [cell[:30] for cell in cells if cell and not (printed(cell[:10], whole) and printed(cell[-10:], whole))]
    assert missing == []
    if name == "long":
        assert len(pages) >= 3, "seed 002's 19 imported rows with long texts span several pages"
    else:
        assert 1 <= len(pages) <= 3


@pytest.mark.parametrize("name", ["appendix", "shinkyu", "ichiran", "long"])
def test_no_cell_is_wider_than_the_page(browser: webdriver.Chrome, tables: dict[str, Path], name: str) -> None:
    layout = overflowing_cells(browser, tables[name])
    assert layout["limit"] == PRINTABLE_WIDTH_PX
    assert layout["page"] <= layout["limit"]
    assert layout["bad"] == []


@pytest.mark.skipif(os.environ.get("HYOKA_UPDATE_SCREENSHOTS") != "1", reason="set HYOKA_UPDATE_SCREENSHOTS=1")
@pytest.mark.parametrize("name", ["appendix", "shinkyu", "ichiran"])
def test_refresh_screenshots(browser: webdriver.Chrome, tables: dict[str, Path], name: str) -> None:
    browser.set_window_size(1400, 900)
    load(browser, tables[name])
    target = DOCS / f"{name}.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
