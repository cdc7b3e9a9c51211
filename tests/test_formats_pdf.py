"""PDF reading: the form printed to PDF by headless Chromium reads as the text it was laid out from.

The fixtures (tests/pdf_fixtures.py) lay a report's items out as the 様式 prints them — label cells
spanning their sub-items, wrapped values, ■/□ boxes, choices with their options, a header and
page numbers on every page, cells cut by page breaks — and Chromium prints them. Reading the PDF
must give the same item tree as reading the text: exactly for the samples (and `hyoka diff` finds
no change), whitespace-normalised for the seeds, whose multi-line values the form prints as one
cell. Seed 001 is compared with its plain layout (see test_seed_001_pdf_reads_as_its_layout).

Also: encrypted (owner password only) PDFs read, user-password, text-less, truncated and damaged
PDFs are refused in one line with exit 2, and radicals in the text layer read as kanji.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from conftest import REPO, SAMPLES, SEEDS
from hyoka.cli import app
from hyoka.diff.align import align
from hyoka.errors import InputError
from hyoka.ingest import parse_text
from hyoka.ingest.formats import rows_to_text, sniff
from hyoka.ingest.formats.pdf import pdf_rows
from hyoka.ingest.radicals import _SHARED_GLYPHS, unradical
from hyoka.model import Report, value_display
from pdf_fixtures import CHROMEDRIVER, CHROMIUM, NO_CHROMIUM, chromium, layout_rows, print_html, report_layout

runner = CliRunner()
SAKURAGAWA = SAMPLES / "sakuragawa"
SAMPLE_TEXTS = sorted(SAKURAGAWA.glob("v*.txt"))
SEED_002 = SEEDS / "002_d96ab8c3580b4465.txt"
SEED_004 = SEEDS / "004_cbd4026a17bd0163.txt"
SEED_001 = SEEDS / "001_cc86eefa057d2f96.txt"
needs_chromium = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=NO_CHROMIUM)


def _builder() -> object:
    script = REPO / "scripts" / "make_sample_documents.py"
    spec = importlib.util.spec_from_file_location("make_sample_documents", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


@pytest.fixture(scope="module")
def printed(driver: object, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """The PDF of a report text, printed once per module by the sample script's PDF function."""
    cache: dict[Path, Path] = {}
    builder = _builder()

    def make(source: Path) -> Path:
        if source not in cache:
            folder = tmp_path_factory.mktemp("pdf")
            (folder / f"v_{source.stem}.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            (pdf,) = builder.write_pdf_samples(folder, folder, driver)  # type: ignore[attr-defined]
            cache[source] = pdf
        return cache[source]

    return make


def read_pdf(path: Path) -> Report:
    return parse_text(rows_to_text(pdf_rows(path.read_bytes(), path.name)), path.name)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def tree(report: Report) -> list[tuple[str, str, bool]]:
    """Paths and values, whitespace removed (a value printed on several lines is one cell)."""
    return [(str(item.path), _squash(value_display(item.value)), item.star) for item in report.items]


def exact(report: Report) -> list[tuple[str, object, bool]]:
    return [(str(item.path), item.value, item.star) for item in report.items]


def appendix(report: Report) -> list[tuple[str, ...]]:
    return [tuple(_squash(cell) for cell in (r.date, r.item, r.before, r.after, r.timing, r.reason))
            for r in report.appendix]


def one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


# -- the samples: exact, and no change in `hyoka diff` -------------------------------------------


@needs_chromium
@pytest.mark.parametrize("source", SAMPLE_TEXTS, ids=[p.stem for p in SAMPLE_TEXTS])
def test_sample_pdf_reads_as_its_text(source: Path, printed: Callable[[Path], Path]) -> None:
    pdf = printed(source)
    assert sniff(pdf.read_bytes()) == "pdf"
    text = parse_text(source.read_text(encoding="utf-8"))
    got = read_pdf(pdf)
    assert exact(got) == exact(text)
    assert got.meta == text.meta
    assert appendix(got) == appendix(text)
    result = runner.invoke(app, ["diff", str(source), str(pdf), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"changes": []' in result.stdout


@pytest.mark.parametrize("source", SAMPLE_TEXTS, ids=[p.stem for p in SAMPLE_TEXTS])
def test_committed_sample_pdfs_read_as_their_text(source: Path) -> None:
    """samples/sakuragawa/vN.pdf (made by scripts/make_sample_documents.py) are current and small."""
    pdf = source.with_suffix(".pdf")
    assert pdf.stat().st_size < 800_000
    assert exact(read_pdf(pdf)) == exact(parse_text(source.read_text(encoding="utf-8")))
    result = runner.invoke(app, ["diff", str(source), str(pdf), "--format", "json"])
    assert result.exit_code == 0 and '"changes": []' in result.stdout


# -- the Excel and Word forms printed by an office suite -------------------------------------------
# A body publishes the PDF its Excel or Word form prints. LibreOffice (as Word and Excel do)
# rules a row cut by a page break at the break, sets Japanese and digits a quarter em apart
# (「令和 6 年」), draws a check-box glyph in a run of its own, and leaves a cell's lines as its
# paragraphs. The PDFs were printed by scripts/make_sample_documents.py --office-pdf.
OFFICE_PRINTED = sorted((SAKURAGAWA / "printed").glob("v*.pdf"))
# What stays apart: a space between Japanese and a Latin word is what some authors type
# (「この評価書は hyoka の」) and what the suite's autospace leaves (「職員ごとに ID を」); hyoka keeps
# such spaces, so that item of the Word print differs in notation only.
OFFICE_APART = {"word": ["III/3/リスク2/ユーザ認証の管理/具体的な管理方法"], "excel": []}
# And one 変更箇所 cell of the v3 Word print: LibreOffice sets 「保管場所 ※」 past the right ruling
# of its narrow 項目 cell, so the ※ is read in the 変更前 cell beside it (Word breaks the line).
OFFICE_APPENDIX_APART = {
    "v3.word.pdf": {11: ("保管・消去保管場所※", "保管・消去保管場所", "(記載なし)", "(記載なし)※")},
}


def test_office_printed_pdfs_are_there() -> None:
    assert [p.name for p in OFFICE_PRINTED] == ["v2.excel.pdf", "v2.word.pdf", "v3.excel.pdf", "v3.word.pdf"]


@pytest.mark.parametrize("pdf", OFFICE_PRINTED, ids=[p.name for p in OFFICE_PRINTED])
def test_office_printed_pdfs_read_as_their_text(pdf: Path) -> None:
    stem, kind = pdf.name.split(".")[:2]
    text = parse_text((SAKURAGAWA / f"{stem}.txt").read_text(encoding="utf-8"))
    got = read_pdf(pdf)
    assert [str(item.path) for item in got.items] == [str(item.path) for item in text.items]
    changes = align(text, got)
    assert [str(c.path) for c in changes] == OFFICE_APART[kind]
    assert all(c.notation_only for c in changes)
    got_rows, want_rows = appendix(got), appendix(text)
    assert len(got_rows) == len(want_rows)
    apart = OFFICE_APPENDIX_APART.get(pdf.name, {})
    for index, (row, want) in enumerate(zip(got_rows, want_rows, strict=True)):
        if index in apart:
            item, got_item, before, got_before = apart[index]
            assert (want[1].endswith(item), row[1].endswith(got_item), want[2], row[2]) == (True, True, before,
                                                                                         got_before)
            assert row[3:] == want[3:]
        else:
            assert row == want


# -- seeds: whitespace-normalised ----------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("source", [SEED_002, SEED_004], ids=["002", "004"])
def test_seed_pdf_reads_as_its_text(source: Path, printed: Callable[[Path], Path]) -> None:
    if not source.exists():
        pytest.fail(f"seed not found: {source} (../shared must sit beside the clone)")
    text = parse_text(source.read_text(encoding="utf-8"))
    got = read_pdf(printed(source))
    assert tree(got) == tree(text)
    assert got.meta == text.meta
    assert appendix(got) == appendix(text)


# Seed 001's OCR damage keeps its text from surviving the form layout itself: values that start
# with another item's garbled label, labels split over two cells, are placed differently once
# printed as label/value rows (20 paths differ between the text and its plain layout rows, before
# any PDF). So its PDF is compared with its plain layout: the PDF must read as the rows printed.
# One item stays apart: I/6, whose heading the OCR split inside a word over two cells
# ("…ネットワークシ | ノステムによる情報連携 ※"); the reader places the printed band and the
# two-cell row differently, and the PDF prints the band.
SEED_001_APART = {"I/6"}
# One 変更箇所 row too: Chromium breaks its 変更前 cell 「< « M」 (OCR debris of ≪略≫) after 「<」
# with room to spare, so the PDF cell has two lines; a cell's line breaks are kept, and a line
# holding only Latin debris is skipped by the 変更箇所 reader, as in a text file.
SEED_001_APPENDIX_APART = {("令和6年11月15日", "<«M", "<")}


@needs_chromium
def test_seed_001_pdf_reads_as_its_layout(printed: Callable[[Path], Path]) -> None:
    if not SEED_001.exists():
        pytest.fail(f"seed not found: {SEED_001} (../shared must sit beside the clone)")
    layout = parse_text(rows_to_text(layout_rows(report_layout(SEED_001.read_text(encoding="utf-8")))))
    got = read_pdf(printed(SEED_001))
    apart = [(path, value, star) for path, value, star in tree(got) if path not in SEED_001_APART]
    assert apart == [(path, value, star) for path, value, star in tree(layout) if path not in SEED_001_APART]
    assert [str(item.path) for item in got.items] == [str(item.path) for item in layout.items]
    assert got.meta == layout.meta
    got_rows, layout_rows_ = appendix(got), appendix(layout)
    assert len(got_rows) == len(layout_rows_)
    apart = {(g[0], want[2], g[2]) for g, want in zip(got_rows, layout_rows_, strict=True) if g != want}
    assert apart <= SEED_001_APPENDIX_APART
    for g, want in zip(got_rows, layout_rows_, strict=True):
        assert g[:2] == want[:2] and g[3:] == want[3:]


@needs_chromium
@pytest.mark.parametrize(
    "source", [*SAMPLE_TEXTS, SEED_002, SEED_004], ids=[*(p.stem for p in SAMPLE_TEXTS), "002", "004"]
)
def test_pdf_rows_are_the_printed_rows(source: Path, printed: Callable[[Path], Path]) -> None:
    """Row by row and cell by cell, the PDF gives what the layout printed: spanned label cells as
    empty cells, no header, footer or page number, cut cells joined, boxes as [○]/[ ]."""
    expected = layout_rows(report_layout(source.read_text(encoding="utf-8")))
    got = pdf_rows(printed(source).read_bytes(), source.name)

    def squash(rows: list[list[str]]) -> list[list[str]]:
        out = []
        for row in rows:
            cells = [_squash(cell) for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            out.append(cells)
        return out

    assert squash(got) == squash(expected)


# -- what a PDF reader must survive ---------------------------------------------------------------


def _pdf_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _encrypted(data: bytes, user: str, owner: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_owner_password_only_pdf_is_read(tmp_path: Path, algorithm: str) -> None:
    """Copy protection (an owner password, no user password) does not stop reading."""
    source = SAKURAGAWA / "v1.pdf"
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_encrypted(source.read_bytes(), "", "x", algorithm))
    assert PdfReader(locked).is_encrypted
    assert pdf_rows(locked.read_bytes(), "locked.pdf") == pdf_rows(source.read_bytes(), "v1.pdf")


def test_user_password_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "secret.pdf"
    locked.write_bytes(_encrypted((SAKURAGAWA / "v1.pdf").read_bytes(), "user", "owner", "AES-256"))
    line = one_line_error(["diff", str(SAKURAGAWA / "v1.txt"), str(locked)])
    assert "パスワードが必要です" in line


def test_pdf_without_text_layer_is_refused_in_one_line(tmp_path: Path) -> None:
    """A scanned PDF (here: pages with a drawing and no text) is refused, no OCR."""
    writer = PdfWriter()
    for _ in range(2):
        page = writer.add_blank_page(595, 842)
        page.merge_page(PdfReader(io.BytesIO(_square_pdf())).pages[0])
    scan = tmp_path / "scan.pdf"
    with scan.open("wb") as out:
        writer.write(out)
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    line = one_line_error(["commit", str(scan), "-r", "x", "-a", "山田", "--db", db])
    assert "テキスト層" in line and "OCR" in line
    assert runner.invoke(app, ["log", "x", "--db", db]).exit_code == 2  # nothing was written


def _square_pdf() -> bytes:
    """A one-page PDF that draws a filled square and has no text."""
    content = b"0 0 1 rg 100 100 300 300 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_truncated_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    data = (SAKURAGAWA / "v2.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    line = one_line_error(["diff", str(SAKURAGAWA / "v1.txt"), str(cut)])
    assert "PDF" in line


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n", b"%PDF-1.4\n1 0 obj\n" + b"[" * 100_000 + b"\n%%EOF"],
    ids=["garbage", "deeply-nested"],
)
def test_damaged_pdf_is_refused_in_one_line(tmp_path: Path, data: bytes) -> None:
    bad = tmp_path / "bad.txt"  # the suffix does not matter: the content says PDF
    bad.write_bytes(data)
    line = one_line_error(["diff", str(SAKURAGAWA / "v1.txt"), str(bad)])
    assert "PDF" in line
    with pytest.raises(InputError):
        pdf_rows(data, "bad.pdf")


def test_page_furniture_is_dropped() -> None:
    """The running header (the report's title) and the "- N -" page numbers are not rows."""
    rows = pdf_rows((SAKURAGAWA / "v3.pdf").read_bytes(), "v3.pdf")
    texts = ["\t".join(row) for row in rows]
    assert not [t for t in texts if re.fullmatch(r"-\s*\d+\s*-", t)]
    assert not [t for t in texts if t.startswith("特定個人情報保護評価書(重点項目評価書) 軽自動車税")]
    assert len(PdfReader(SAKURAGAWA / "v3.pdf").pages) > 2


# -- radicals --------------------------------------------------------------------------------------


def test_radicals_map_back_to_kanji() -> None:
    assert unradical("⽇本の⾃動⾞税、所属⻑、市⺠課、⻄区、⼾籍") == "日本の自動車税、所属長、市民課、西区、戸籍"
    assert unradical("賦課‧収納") == "賦課・収納"
    assert unradical("①②ＡＢ　〒300-0000 ※") == "①②ＡＢ　〒300-0000 ※"  # nothing else is folded
    for code in range(0x2F00, 0x2FD6):  # every Kangxi radical becomes a CJK ideograph
        assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(unradical(chr(code)))
    for radical, kanji in _SHARED_GLYPHS.items():  # the supplement table maps into the CJK blocks
        if "\u2e80" <= radical <= "\u2eff":
            assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(kanji)
    # what NFKC already folds in the supplement block is folded the same way by the table
    for code in range(0x2E80, 0x2F00):
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code):
            assert unradical(chr(code)) == folded


@needs_chromium
def test_radicals_in_a_text_layer_read_as_kanji(driver: object, tmp_path: Path) -> None:
    page = tmp_path / "radicals.html"
    page.write_text("<html lang='ja'><body style='font-family:\"Noto Sans CJK JP\"'><p>⽇本 所属⻑ 市⺠課</p>"
                    "</body></html>", encoding="utf-8")
    rows = pdf_rows(print_html(driver, page), "radicals.pdf")
    assert ["日本 所属長 市民課"] in rows


@needs_chromium
def test_a_cell_cut_by_page_breaks_is_one_cell(driver: object, tmp_path: Path) -> None:
    """A value longer than a page continues on the next pages: one row, the whole text in order."""
    long = "".join(f"第{n}項の措置を講じる。" for n in range(1, 400))
    page = tmp_path / "long.html"
    page.write_text(
        "<html lang='ja'><body style='font-family:\"Noto Sans CJK JP\";font-size:10pt'>"
        "<table style='border-collapse:collapse;width:100%'>"
        "<tr><td style='border:1px solid #000'>ラベル</td><td style='border:1px solid #000'>前の行</td></tr>"
        f"<tr><td style='border:1px solid #000;width:20%;vertical-align:top'>①措置の内容</td>"
        f"<td style='border:1px solid #000'>{long}</td></tr>"
        "<tr><td style='border:1px solid #000'>②次の項目</td><td style='border:1px solid #000'>値</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    data = print_html(driver, page)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    rows = pdf_rows(data, "long.pdf")
    assert rows == [["ラベル", "前の行"], ["①措置の内容", long], ["②次の項目", "値"]]
