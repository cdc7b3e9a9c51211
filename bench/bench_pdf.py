"""Benchmark: reading the PDF of seed 001 with hyoka's PDF reader against poppler's ``pdftotext``.

The PDF is made as the tests make theirs (tests/pdf_fixtures.py: seed 001's text laid out as the
form prints it, printed by headless Chromium), once, into a temporary directory. In the same run
this times, best of --repeat:

- ``pdf_rows``: hyoka.ingest.formats.pdf.pdf_rows (PDFium: characters, rulings, cells, rows);
- ``hyoka read``: pdf_rows plus the text reader placing the rows on the form (what commit does);
- ``pdftotext -layout``: poppler-utils, as a subprocess writing to /dev/null (text only, no
  tables: the floor any PDF text extraction is measured against);
- ``pdfplumber`` (only if installed; it is not a dependency): page.chars and find_tables() on
  every page, the work the pdfminer-based alternative would do before building rows.

Prints pages, milliseconds and the ratio of each to pdftotext. No timed assertion: the figures
are for reading. Without Chromium it cannot make the PDF and says so; --pdf FILE times a given PDF.

    .venv/bin/python bench/bench_pdf.py [--repeat 3] [--pdf FILE]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "001_cc86eefa057d2f96.txt"
sys.path.insert(0, str(REPO / "tests"))


def best(repeat: int, work: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def make_pdf(folder: Path) -> Path:
    import pdf_fixtures

    if not (pdf_fixtures.CHROMIUM and pdf_fixtures.CHROMEDRIVER):
        raise SystemExit(f"cannot make the PDF: {pdf_fixtures.NO_CHROMIUM}")
    with pdf_fixtures.chromium(folder / "profile") as driver:
        data = pdf_fixtures.text_to_pdf(driver, SEED.read_text(encoding="utf-8"), folder, "seed001")
    path = folder / "seed001.pdf"
    path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", type=Path, help="time this PDF instead of seed 001's")
    args = parser.parse_args()

    from hyoka.ingest import parse_text
    from hyoka.ingest.formats import rows_to_text
    from hyoka.ingest.formats.pdf import pdf_rows

    with tempfile.TemporaryDirectory() as tmp:
        pdf = args.pdf or make_pdf(Path(tmp))
        data = pdf.read_bytes()
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(data))
        print(f"{pdf.name}: {pages} pages, {len(data) / 1e6:.1f} MB")
        results: dict[str, float] = {}
        results["pdf_rows"] = best(args.repeat, lambda: pdf_rows(data, pdf.name))
        results["hyoka read"] = best(args.repeat, lambda: parse_text(rows_to_text(pdf_rows(data, pdf.name))))
        pdftotext = shutil.which("pdftotext")
        if pdftotext:
            results["pdftotext -layout"] = best(
                args.repeat, lambda: subprocess.run([pdftotext, "-layout", str(pdf), "/dev/null"], check=True)
            )
        else:
            print("pdftotext not found (Debian: apt-get install poppler-utils); no ratio")
        try:
            import pdfplumber
        except ImportError:
            pdfplumber = None
        if pdfplumber is not None:
            logging.disable(logging.WARNING)  # pdfminer warns once per Type 3 glyph

            def plumb() -> None:
                with pdfplumber.open(pdf) as doc:
                    for page in doc.pages:
                        _ = page.chars
                        page.find_tables()
                        page.flush_cache()

            results["pdfplumber chars+tables"] = best(1, plumb)
        base = results.get("pdftotext -layout")
        for name, ms in results.items():
            ratio = f"  {ms / base:5.2f}x pdftotext" if base else ""
            print(f"{name:26s} {ms:9.1f} ms  {ms / pages:6.1f} ms/page{ratio}")


if __name__ == "__main__":
    main()
