"""Layouts of other extractors than the seeds': columns as runs of spaces (pdftotext -layout) or
full-width spaces, markdown tables and bold, every cell on a line of its own, circled numbers printed as
"(3)", section numerals as digits, the cells saved as CSV, kanji as Kangxi radicals.

Each variant changes only how cells are delimited or numbers printed, so the reading must give
the same item paths and values and `diff` no row. Seed 001 runs only where the variant cannot
touch its OCR debris: a space-column or "(3)" variant also rewrites the unplaced, garbled lines
that stay in values as text, and so changes that text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.diff.align import align
from hyoka.ingest import parse_text
from hyoka.ingest.radicals import _SHARED_GLYPHS
from hyoka.model import value_to_json
from hyoka.normalize import notation_key
from hyoka.numbering import CIRCLED
from layout_variants import label_like

_SECTION_RE = re.compile(
    r"^(#*\s*)(VI|IV|V|III|II|I|Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ)(?=\s*(基本情報|特定個人情報ファイルの|リスク対策|その他のリスク対策|開示請求|評価実施手続))"
)
_DIGITS = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6",
           "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4", "Ⅴ": "5", "Ⅵ": "6"}


def space_columns(text: str) -> str:
    """Tabs become runs of four spaces, as a layout-preserving extractor prints columns."""
    return text.replace("\t", "    ")


def ideographic_columns(text: str) -> str:
    """Tabs become full-width spaces."""
    return text.replace("\t", "\u3000")


def markdown_table(text: str) -> str:
    """Rows with cells become markdown table rows (`| a | b |`)."""
    return "\n".join(f"| {line.replace(chr(9), ' | ')} |" if "\t" in line else line for line in text.split("\n"))


def markdown_bold(text: str) -> str:
    """Every line's first cell (labels, headings, cover fields) in markdown bold, as PDF-to-markdown
    converters print a table's label column and a document's headings: "**①事務の名称**"."""
    lines: list[str] = []
    for line in text.split("\n"):
        cells = line.split("\t")
        first = next((k for k, cell in enumerate(cells) if cell.strip()), None)
        if first is not None and len(cells[first]) < 60 and "<" not in cells[first] and "#" not in cells[first]:
            cells[first] = f"**{cells[first].strip()}**"
        lines.append("\t".join(cells))
    return "\n".join(lines)


_MARKDOWN_SPECIAL_RE = re.compile(r"([\\\[\]*_|])")


def markdown_gfm(text: str) -> str:
    """GitHub markdown as pandoc writes it: runs of rows as pipe tables with a rule under the
    first, markdown's characters escaped (``\\[1万人以上10万人未満\\]``, ``1\\. 特定…``), every
    other line a paragraph of its own (blank lines between)."""
    lines: list[str] = []
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            cells = [_MARKDOWN_SPECIAL_RE.sub(r"\\\1", cell) for cell in line.split("\t")]
            lines.append("| " + " | ".join(cells) + " |")
            if not in_table:
                lines.append("|" + " --- |" * len(cells))
            in_table = True
            continue
        if in_table:
            lines.append("")
        in_table = False
        if line.strip():
            lines += [re.sub(r"^(\d+)\.", r"\1\\.", _MARKDOWN_SPECIAL_RE.sub(r"\\\1", line)), ""]
    return "\n".join(lines)


def one_cell_per_line(text: str) -> str:
    """Every filled cell of a row on a line of its own, empty cells dropped, as a PDF viewer's copy,
    pdfminer without layout or a Word table saved as text prints a table: no line says which
    column it is ("再委託" then "④再委託の有無 ※" then "[再委託しない]"). A page break stays
    where it was: a form feed before a row's first cell is not an empty cell."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend((cell for cell in line.split("\t") if cell.strip() or "\f" in cell) if "\t" in line else (line,))
    return "\n".join(lines)


def paren_circled(text: str) -> str:
    """A circled number starting a cell prints as "(3)", or in full width as "（３）" (Word's
    numbered lists): the label of a row, and the label after a row header ("再委託\t（４）再委託の有無")."""

    def bracketed(match: re.Match[str]) -> str:
        number = CIRCLED.index(match.group(2)) + 1
        if number % 2:
            return f"{match.group(1)}({number})"
        return f"{match.group(1)}（{str(number).translate(_FULL_WIDTH)}）"

    return "\n".join(re.sub(f"(^|\t)([{CIRCLED}])", bracketed, line) if "\t" in line else line
                     for line in text.split("\n"))


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def digit_sections(text: str) -> str:
    """Section numerals print as digits ("3 リスク対策")."""
    return "\n".join(_SECTION_RE.sub(lambda m: m.group(1) + _DIGITS[m.group(2)], line) for line in text.split("\n"))



def excel_csv(text: str) -> str:
    """The text's cells as Excel saves a sheet as CSV: every row padded with empty cells to the
    sheet's widest row, a cell quoted only when it holds a comma, quote or line break."""
    rows = [line.split("\t") for line in text.split("\n")]
    width = max(len(row) for row in rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(row + [""] * (width - len(row)) for row in rows)
    return out.getvalue()


# Each kanji a Kangxi radical folds to (NFKC), written as that radical, and 「・」 as 「‧」: what a text
# layer that stores a glyph's lowest code point gives to pdfminer, pdftotext or a viewer's copy.
_AS_RADICAL = str.maketrans({**{unicodedata.normalize("NFKC", chr(code)): chr(code) for code in range(0x2F00, 0x2FD6)
                               if chr(code) not in _SHARED_GLYPHS}, "・": "\u2027"})


def kangxi_radicals(text: str) -> str:
    """Kanji written as the Kangxi radicals that share their glyph (「個⼈情報」, 「⽇付」)."""
    return text.translate(_AS_RADICAL)

VARIANTS: dict[str, Callable[[str], str]] = {
    "space_columns": space_columns,
    "ideographic_columns": ideographic_columns,
    "markdown_table": markdown_table,
    "one_cell_per_line": one_cell_per_line,
    "markdown_bold": markdown_bold,
    "markdown_gfm": markdown_gfm,
    "paren_circled": paren_circled,
    "digit_sections": digit_sections,
    "excel_csv": excel_csv,
    "kangxi_radicals": kangxi_radicals,
}
CLEAN = [*sorted(p for p in SEEDS.glob("*.txt") if not p.stem.startswith("001")),
         *sorted((SAMPLES / "sakuragawa").glob("v*.txt")), *sorted((SAMPLES / "midori").glob("v*.txt"))]
OCR = sorted(SEEDS.glob("001_*.txt"))
CASES = [(p, name) for p in CLEAN for name in VARIANTS] + [
    (p, name) for p in OCR for name in ("markdown_table", "digit_sections", "excel_csv", "kangxi_radicals")
]


def _rows(text: str) -> list[tuple[str, dict[str, object]]]:
    return [(str(item.path), value_to_json(item.value)) for item in parse_text(text).items]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{p.stem[:10]}-{n}" for p, n in CASES])
def test_other_extractor_layouts_read_the_same(path: Path, name: str) -> None:
    original = path.read_text(encoding="utf-8")
    variant = VARIANTS[name](original)
    assert variant != original, f"{name} left {path.name} unchanged"
    before, after = parse_text(original), parse_text(variant)
    changes = align(before, after)
    assert [(c.change, str(c.path)) for c in changes][:5] == []
    assert _rows(original) == _rows(variant)


# The 変更箇所 table one cell per line: what a row printed, read back from the order of its cells
# (hyoka.ingest.appendix_stacked). Two kinds of cell cannot come back, and the seeds have both:
# a lone "-" (記載なし) is debris to the table reader, and a row whose only text between 項目 and
# 提出時期 is one cell reads it as the 変更後 (a new item), though 002 prints one with a blank
# 変更後 (text taken out). Those cells are named here; every other field of every row must match.
STACKED_APPENDIX = {
    "v4.txt": 0,  # sakuragawa: 15 rows
    "004_cbd4026a17bd0163.txt": 0,  # 53 rows, every 変更日 blank (a draft)
    "002_d96ab8c3580b4465.txt": 3,  # two "-" 変更前, one blank 変更後
}


@pytest.mark.parametrize("name", sorted(STACKED_APPENDIX))
def test_a_change_table_printed_one_cell_per_line_reads_row_by_row(name: str) -> None:
    path = next(p for p in [*SEEDS.glob("*.txt"), SAMPLES / "sakuragawa" / name] if p.name == name)
    original = parse_text(path.read_text(encoding="utf-8")).appendix
    stacked = parse_text(one_cell_per_line(path.read_text(encoding="utf-8"))).appendix
    assert len(original) >= 15
    assert [(r.date, r.item, r.timing, r.reason) for r in stacked] == [
        (r.date, r.item, r.timing, r.reason) for r in original]
    differing = [(a, b) for a, b in zip(original, stacked, strict=True) if (a.before, a.after) != (b.before, b.after)]
    assert len(differing) == STACKED_APPENDIX[name]
    for old, new in differing:  # only the two documented losses
        assert (old.before, new.before, old.after) == ("-", "", new.after) or (
            old.after == "" and new.before == "" and new.after == old.before)



# The cover and the 変更箇所 table of every layout that does not rewrite their text (paren_circled and
# digit_sections reprint the table's 項目 cells; one cell per line has its own test above). Before,
# the table was split at tabs only: space- and pipe-separated layouts read no row at all.
_SAME_TABLE = ("space_columns", "ideographic_columns", "markdown_table", "markdown_bold", "markdown_gfm",
               "excel_csv", "kangxi_radicals")


@pytest.mark.parametrize(("path", "name"), [(p, n) for p in CLEAN for n in _SAME_TABLE],
                         ids=lambda v: v.stem[:10] if isinstance(v, Path) else v)
def test_layouts_keep_the_cover_and_the_change_table(path: Path, name: str) -> None:
    original = path.read_text(encoding="utf-8")
    plain, marked = parse_text(original), parse_text(VARIANTS[name](original))
    assert (marked.meta, marked.appendix) == (plain.meta, plain.appendix)


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem[:10])
def test_the_cover_printed_one_cell_per_line_gives_the_same_number_and_title(path: Path) -> None:
    """"評価書番号" / "評価書名" / "12" / "…評価書" read as the header row over its values."""
    original = path.read_text(encoding="utf-8")
    plain = parse_text(original).meta
    assert plain.number and plain.title
    assert parse_text(one_cell_per_line(original)).meta == plain


# The layout variants of tests/layout_variants.py, then every cell on a line of its own: what a
# PDF viewer's copy of a damaged printing gives. Left out are the variants whose damage one cell
# per line makes unreadable in principle: a label wrapped beside its value (its halves and the
# value become three lines, in an order that no longer says which is which) and an instance header
# repeated over a page break (its name, on the next line, cannot be told from the value above).
_STACKED_EXCLUDED = {"combined", "wrapped_labels", "wrapped_into_rows", "wrapped_labels+single_spaces",
                     "wrapped_labels+garbled_circled", "repeated_headings", "repeated_headings+bare_folios"}


def _layout_variants() -> dict[str, Callable[[str], str]]:
    from layout_variants import VARIANTS as LAYOUT

    return {name: func for name, func in LAYOUT.items() if name not in _STACKED_EXCLUDED}


@pytest.mark.parametrize("name", sorted(_layout_variants()))
def test_layout_variants_printed_one_cell_per_line_read_the_same(name: str) -> None:
    variant = _layout_variants()[name]
    for path in CLEAN:
        damaged = variant(path.read_text(encoding="utf-8"))
        assert _rows(one_cell_per_line(damaged)) == _rows(damaged), f"{path.name} {name}"


def test_bracketed_label_numbers_printed_one_cell_per_line_read_the_same() -> None:
    """"再委託" on its line above "（４）再委託の有無": the row header is form text whether the label's
    number is circled or bracketed, on the label's line or above it (one rule, joins.circled_label)."""
    for path in CLEAN:
        bracketed = paren_circled(path.read_text(encoding="utf-8"))
        assert _rows(one_cell_per_line(bracketed)) == _rows(bracketed), path.name


def wrapped_rows(text: str) -> str:
    """A row whose label and value both wrap, printed as pdftotext (no -layout) and pdfminer print
    it: each printed line is the label's piece, one space, the value's piece ("リスクに対す 申告書の
    様式に…" then "る措置の内容 している。"). Rows with a label of eight characters or more and a
    sentence of 24 or more (no box, bracket or markup, which a cut would split) are cut at their
    middles; other lines stay as they are."""
    lines: list[str] = []
    for line in text.split("\n"):
        cells = line.split("\t")
        if (len(cells) == 2 and label_like(cells[0]) and len(cells[0]) >= 8 and " " not in cells[0]
                and len(cells[1]) >= 24 and not any(mark in cells[1] for mark in "<[［■□☑☐")):
            label, value = cells[0], cells[1]
            lines += [f"{label[: len(label) // 2]} {value[: len(value) // 2]}",
                      f"{label[len(label) // 2 :]} {value[len(value) // 2 :]}"]
        else:
            lines.append(line)
    return "\n".join(lines)


# The 様式2 sample's labels are all shorter than eight characters or hold a box: nothing to wrap.
@pytest.mark.parametrize("path", [p for p in CLEAN if p.parent.name != "midori"], ids=lambda p: p.stem[:10])
def test_a_label_and_its_value_wrapped_one_space_apart_read_the_same(path: Path) -> None:
    """The label's second half is cut off the next line at its first space, the rest continues the
    value (before, every such row's item was lost: 3 of 166 in 002, 16 of 771 in 004, 8 or 9 in
    each sakuragawa sample). Values compare without notation: the cut puts a line break in them."""
    original = path.read_text(encoding="utf-8")
    variant = wrapped_rows(original)
    assert variant.count("\n") > original.count("\n")
    before, after = dict(_rows(original)), dict(_rows(variant))
    assert after.keys() == before.keys()
    assert {k: _loose(v) for k, v in after.items()} == {k: _loose(v) for k, v in before.items()}


def _loose(value: dict[str, object]) -> str:
    """A value's JSON without notation (line breaks, spaces, punctuation)."""
    return notation_key(json.dumps(value, ensure_ascii=False).replace("\\n", " "))
