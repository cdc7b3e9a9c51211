"""Layouts of other extractors than the seeds': columns as runs of spaces (pdftotext -layout) or
full-width spaces, markdown tables, circled numbers printed as "(3)", section numerals as digits.

Each variant changes only how cells are delimited or numbers printed, so the reading must give
the same item paths and values and `diff` no row. Seed 001 runs only where the variant cannot
touch its OCR debris: a space-column or "(3)" variant also rewrites the unplaced, garbled lines
that stay in values as text, and so changes that text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.diff.align import align
from hyoka.ingest import parse_text
from hyoka.model import value_to_json
from hyoka.numbering import CIRCLED

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


def paren_circled(text: str) -> str:
    """A circled number starting a row prints as "(3)"."""
    return "\n".join(
        re.sub(f"^([{CIRCLED}])", lambda m: f"({CIRCLED.index(m.group(1)) + 1})", line) if "\t" in line else line
        for line in text.split("\n")
    )


def digit_sections(text: str) -> str:
    """Section numerals print as digits ("3 リスク対策")."""
    return "\n".join(_SECTION_RE.sub(lambda m: m.group(1) + _DIGITS[m.group(2)], line) for line in text.split("\n"))


VARIANTS: dict[str, Callable[[str], str]] = {
    "space_columns": space_columns,
    "ideographic_columns": ideographic_columns,
    "markdown_table": markdown_table,
    "paren_circled": paren_circled,
    "digit_sections": digit_sections,
}
CLEAN = [*sorted(p for p in SEEDS.glob("*.txt") if not p.stem.startswith("001")),
         *sorted((SAMPLES / "sakuragawa").glob("v*.txt"))]
OCR = sorted(SEEDS.glob("001_*.txt"))
CASES = [(p, name) for p in CLEAN for name in VARIANTS] + [
    (p, name) for p in OCR for name in ("markdown_table", "digit_sections")
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
