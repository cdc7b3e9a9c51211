"""Fill the templates in ``templates/`` with table rows.

One Jinja environment for every text output. HTML is autoescaped, so a report
that contains ``<script>`` or stray markup shows it as text; Markdown and CSV
cells go through their own escaping filters instead (``md``, ``csv_row``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

import hyoka
from hyoka.diff.text import Span
from hyoka.errors import HyokaError
from hyoka.model import ReportMeta
from hyoka.tables.rows import TableRow

BOM = "\ufeff"
TEXT_FORMATS = ("md", "csv", "html")


@dataclass(frozen=True)
class Table:
    """What every template receives: which table, of what, covering which versions, and the rows."""

    title: str
    meta: ReportMeta
    scope: str
    rows: Sequence[TableRow]
    notes: Sequence[str] = field(default_factory=tuple)


def templates_dir() -> Path:
    """Templates ship inside the wheel (hyoka/_templates) or sit at the top of a checkout."""
    packaged = Path(hyoka.__file__).resolve().parent / "_templates"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "templates"
    if checkout.is_dir():
        return checkout
    raise HyokaError(f"テンプレートが見つかりません / templates not found in {packaged} or {checkout}")


def marked(spans: Sequence[Span], text: str, deletions: bool = True) -> Markup:
    """A cell with its changed text marked: <ins> for added, <del> for removed (escaped)."""
    if not spans:
        return escape(text)
    parts: list[str] = []
    for span in spans:
        if span.op == "equal":
            parts.append(str(escape(span.text)))
        elif span.op == "insert":
            parts.append(f"<ins>{escape(span.text)}</ins>")
        elif deletions:
            parts.append(f"<del>{escape(span.text)}</del>")
    return Markup("".join(parts))


def md_cell(text: object) -> str:
    """A Markdown table cell: HTML specials escaped, pipes escaped, line breaks as <br>."""
    value = str(escape(str(text)))
    return value.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


# OWASP "CSV Injection": a cell starting with one of these is read by spreadsheets as a formula.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Cells the tables print as placeholders stay as they are: a lone dash is no formula.
CSV_PLACEHOLDERS = frozenset({"-", "－", "—", "記載なし", "(削除)"})


def csv_cell(value: object) -> str:
    """A cell's text made inert for spreadsheets: a leading apostrophe before a formula start
    (``=cmd|' /C calc'!A0`` → ``'=cmd|' /C calc'!A0``), as OWASP recommends; placeholders kept."""
    text = str(value)
    if text.startswith(CSV_FORMULA_START) and text not in CSV_PLACEHOLDERS:
        return "'" + text
    return text


def csv_row(cells: Sequence[object]) -> str:
    """One CSV record (RFC 4180 quoting) ending in CRLF; line breaks inside cells stay LF;
    every cell neutralised by :func:`csv_cell`."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell(c) for c in cells])
    return buffer.getvalue()


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["marked"] = marked
    env.filters["md"] = md_cell
    env.filters["csv_row"] = csv_row
    return env


def render(template: str, table: Table) -> str:
    """The text of ``template`` (e.g. "appendix.html.j2") for ``table``."""
    text = environment().get_template(template).render(
        title=table.title, meta=table.meta, scope=table.scope, rows=table.rows, notes=table.notes
    )
    return BOM + text if template.endswith(".csv.j2") else text
