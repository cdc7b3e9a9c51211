"""A report's text laid out as the official form prints it, and printed to PDF by headless Chromium.

No published PDF can be fetched offline, so the fixtures are built honestly from the text of a
report: the text is read with the text reader, and its items are printed the way the 様式 lays
them out — a cover, one table per section, label cells spanning the rows of their sub-items
(rowspan), values wrapping inside their cells, choices as ``[選択] <選択肢> 1) … 2) …`` and check
lists as ``■``/``□`` boxes, the 変更箇所 appendix as its six-column table, a header and a
``- N -`` page number on every page. Long cells break across pages as Chromium breaks them.

The same layout is also given as plain rows (:func:`layout_rows`): what a faithful table reader
should return for the PDF. Tests compare the PDF reader with the text reader through both, so a
failure says whether the PDF reader or the layout is at fault.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hyoka.ingest import parse_text
from hyoka.ingest.published import detect_edition
from hyoka.model import ChangeRow, Checks, Choice, Count, Date, Item, Report, Text, Value

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
NO_CHROMIUM = "chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
_FORM_TITLE = {"重点": "重点項目評価書", "全項目": "全項目評価書", "基礎": "基礎項目評価書"}
_APPENDIX_RE = re.compile(r"^\s*[(（]\s*別添\s*(\d)\s*[)）]\s*変更箇所")
_APPENDIX_HEADER = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")


@dataclass(frozen=True)
class Cell:
    """One printed table cell; ``\\n`` in its text is a printed line break."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    label: bool = False


Table = list[list[Cell]]
Block = str | Table  # a paragraph outside any table, or a table


# -- values as the form prints them -------------------------------------------------------------


def printed_value(value: Value) -> str:
    """A value in the notation the PDF form prints: choices with their option list, check lists
    as ■/□ boxes (the text reader turns both back into the same value)."""
    if isinstance(value, Text):
        return value.text
    if isinstance(value, Date):
        return value.printed
    if isinstance(value, Choice | Count):
        head = f"[{value.selected}]"
        if isinstance(value, Count):
            head += f" ({'' if value.count is None else value.count})件"
        if not value.options:
            return head if isinstance(value, Count) else f"{head}\n<選択肢>"
        return "\n".join([head, "<選択肢>", *(f"{n}) {option}" for n, option in enumerate(value.options, 1))])
    assert isinstance(value, Checks)
    boxes = []
    for box in value.boxes:
        option = box.option
        if option == "その他" and value.other:
            option = f"その他 ({value.other})"
        boxes.append(f"{'■' if box.ticked else '□'} {option}")
    return "\n".join(boxes)


def _label(item: Item) -> str:
    return f"{item.label} ※" if item.star else item.label


# -- the layout ---------------------------------------------------------------------------------


def report_layout(text: str) -> list[Block]:
    """The blocks (paragraphs and tables) the form prints for the report whose text is ``text``."""
    report = parse_text(text)
    lines = text.split("\n")
    blocks: list[Block] = [*_cover(report, lines)]
    sections: list[list[Item]] = []
    for item in report.items:
        if item.path.segments[0] == "表紙":
            continue
        if len(item.path.segments) == 1:
            sections.append([item])
        elif sections:
            sections[-1].append(item)
    for section in sections:
        blocks.extend(_section(section))
    if report.appendix:
        blocks.extend(_appendix(report.appendix, lines, report.meta.form))
    return blocks


def _cover(report: Report, lines: Sequence[str]) -> Iterator[Block]:
    meta = report.meta
    yield f"特定個人情報保護評価書({_FORM_TITLE[meta.form]})"
    yield [[Cell("評価書番号", label=True), Cell("評価書名", label=True)], [Cell(meta.number), Cell(meta.title)]]
    cover = {item.path.segments[1]: item.value for item in report.items if item.path.segments[0] == "表紙"}
    table: Table = []
    for key, label in (("宣言", "個人のプライバシー等の権利利益の保護の宣言"), ("特記事項", "特記事項")):
        table.append([Cell(label, label=True)])
        table.append([Cell(printed_value(cover.get(key, Text(""))))])
    table.append([Cell("評価実施機関名", label=True)])
    table.append([Cell(meta.organisation)])
    table.append([Cell("公表日", label=True)])
    table.append([Cell(meta.published)])
    yield table
    _, edition = detect_edition(list(lines))
    number = {"重点": 3, "全項目": 4, "基礎": 2}[meta.form]
    if edition:
        yield f"[{edition} 様式{number}]"


def _section(items: list[Item]) -> Iterator[Block]:
    """A section: its heading, then one table whose label cells span their sub-items' rows. An
    appendix section (別添) prints its text as paragraphs, one per line, as the form does."""
    head, body = items[0], items[1:]
    value = printed_value(head.value)
    if head.path.segments[0].startswith("別添"):
        yield head.label
        yield from (line for line in value.split("\n") if line.strip())
        return
    yield _label(head) + (value if head.star else (f" {value}" if value else ""))
    if not body:
        return
    base = len(head.path.segments)
    columns = max(len(item.path.segments) for item in body) - base + 1
    sizes = _subtree_sizes(body)
    table: Table = []
    for idx, item in enumerate(body):
        level = len(item.path.segments) - base  # 1 for "1." items
        column = max(level - 2, 0)
        text = printed_value(item.value)
        below = sizes[idx] - 1
        if level == 1 and below and not text:
            table.append([Cell(_label(item), colspan=columns, label=True)])
            continue
        row = [Cell(_label(item), rowspan=1 + (below if level > 1 else 0), label=True)]
        row.append(Cell(text, colspan=columns - column - 1))
        table.append(row)
    yield table


def _subtree_sizes(items: list[Item]) -> list[int]:
    """For each item, how many rows it and its descendants take (the rowspan of its label)."""
    sizes = []
    for idx, item in enumerate(items):
        end = idx + 1
        while end < len(items) and items[end].path.startswith(item.path):
            end += 1
        sizes.append(end - idx)
    return sizes


def _appendix(rows: Sequence[ChangeRow], lines: Sequence[str], form: str) -> Iterator[Block]:
    heading = next((line.strip() for line in lines if _APPENDIX_RE.match(line)), "")
    yield heading.split("\t")[0] if heading else f"(別添{3 if form == '全項目' else 2}) 変更箇所"
    table: Table = [[Cell(name, label=True) for name in _APPENDIX_HEADER]]
    for row in rows:
        table.append([Cell(row.date), Cell(row.item), Cell(row.before), Cell(row.after), Cell(row.timing),
                      Cell(row.reason)])
    yield table


# -- plain rows: what a table reader should give ----------------------------------------------


def layout_rows(blocks: Sequence[Block]) -> list[list[str]]:
    """The rows a faithful reader returns for the printed layout: a paragraph is a one-cell row; a
    table row lists its cells left to right, with an empty cell where a label from a row above
    spans down (the reader sees the column but not the text); ■/□ become [○]/[ ]."""
    rows: list[list[str]] = []
    for block in blocks:
        if isinstance(block, str):
            rows.append([_marks(block)])
            continue
        spans: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        for table_row in block:
            cells: list[str] = []
            column = 0
            queue = list(table_row)
            while queue or spans.get(column, 0) > 0:
                if spans.get(column, 0) > 0:
                    spans[column] -= 1
                    cells.append("")
                    column += 1
                    continue
                cell = queue.pop(0)
                cells.append(_marks(cell.text.replace("\n", " ")))
                if cell.rowspan > 1:
                    spans[column] = cell.rowspan - 1
                column += cell.colspan
            rows.append(cells)
    return rows


def _marks(text: str) -> str:
    """The reader's check-mark notation (■ → [○], □ → [ ], [〇] → [○])."""
    return re.sub(r"\[\s*[○〇◯]\s*\]", "[○]", text.replace("■", "[○]").replace("□", "[ ]"))


# -- HTML and PDF -------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 18mm 12mm 16mm 12mm; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", sans-serif; font-size: 9pt;
       line-height: 1.35; margin: 0; }
p { margin: 4pt 0; }
p.heading { font-weight: bold; font-size: 10.5pt; margin-top: 8pt; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; table-layout: fixed; }
td { border: 0.75pt solid #000; padding: 2pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
td.label { background: #e8eef7; }
.box { display: inline-block; margin-right: 6pt; }
"""


def layout_html(blocks: Sequence[Block], title: str) -> str:
    """The layout as an HTML page of A4 tables (label columns narrow, the value column wide)."""
    parts = [f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_CSS}</style></head><body>"]
    for block in blocks:
        if isinstance(block, str):
            cls = " class='heading'" if re.match(r"^(I|II|III|IV|V|VI|\(別添)", block) else ""
            parts.append(f"<p{cls}>{html.escape(block)}</p>")
            continue
        parts.append(_table_html(block))
    parts.append("</body></html>")
    return "".join(parts)


def _table_html(table: Table) -> str:
    columns = max(sum(cell.colspan for cell in row) for row in table)
    spans: dict[int, int] = {}
    widths = _widths(table, columns)
    out = ["<table><colgroup>", *(f"<col style='width:{w}%'>" for w in widths), "</colgroup>"]
    for row in table:
        out.append("<tr>")
        for cell in row:
            attrs = " class='label'" if cell.label else ""
            if cell.rowspan > 1:
                attrs += f" rowspan='{cell.rowspan}'"
            if cell.colspan > 1:
                attrs += f" colspan='{cell.colspan}'"
            out.append(f"<td{attrs}>{_cell_html(cell.text)}</td>")
        out.append("</tr>")
    del spans
    out.append("</table>")
    return "".join(out)


def _widths(table: Table, columns: int) -> list[float]:
    if columns == 6:  # the 変更箇所 table
        return [10, 20, 26, 26, 7, 11]
    if columns == 1:
        return [100]
    label = min(18.0, 48.0 / (columns - 1))
    return [label] * (columns - 1) + [100 - label * (columns - 1)]


def _cell_html(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if line[:1] in "■□":
            lines.append(f"<span class='box'>{html.escape(line)}</span>")
        else:
            lines.append(html.escape(line) + "<br>")
    joined = "".join(lines)
    return joined.removesuffix("<br>")


def header_template(report_title: str) -> str:
    """The running header Chromium prints on every page (the reader must drop it)."""
    return (f"<div style='font-size:7pt;width:100%;padding:0 12mm;font-family:\"Noto Sans CJK JP\"'>"
            f"{html.escape(report_title)}</div>")


FOOTER = "<div style='font-size:8pt;width:100%;text-align:center'>- <span class='pageNumber'></span> -</div>"


@contextmanager
def chromium(profile: Path) -> Iterator[object]:
    """A headless Chromium driven by selenium, as the browser tests drive it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and CHROMEDRIVER):
        raise RuntimeError(NO_CHROMIUM)
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def print_html(driver: object, page: Path, header: str = "") -> bytes:
    """Print an HTML file to PDF with Page.printToPDF (header and page numbers on every page)."""
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    driver.execute_async_script(  # type: ignore[attr-defined]
        "document.fonts.ready.then(() => arguments[arguments.length - 1](true));")
    options: dict[str, object] = {"preferCSSPageSize": True, "printBackground": True,
                                  "displayHeaderFooter": True, "headerTemplate": header or "<span></span>",
                                  "footerTemplate": FOOTER, "generateTaggedPDF": False}
    result = driver.execute_cdp_cmd("Page.printToPDF", options)  # type: ignore[attr-defined]
    return base64.b64decode(result["data"])


def text_to_pdf(driver: object, text: str, folder: Path, name: str) -> bytes:
    """The PDF the form would print for the report whose text is ``text``."""
    blocks = report_layout(text)
    report = parse_text(text)
    title = f"特定個人情報保護評価書({_FORM_TITLE[report.meta.form]}) {report.meta.title}"
    page = folder / f"{name}.html"
    page.write_text(layout_html(blocks, title), encoding="utf-8")
    return print_html(driver, page, header_template(title))
