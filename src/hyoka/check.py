"""`hyoka check`: what a clerk looks at before trusting a diff of a file.

Every row hyoka writes is only as true as the item tree it read. This module
compares a reading with the form's catalogue: which form and edition the file
declares, how many of its items the form knows, which items of the form the
file lacks, which labels were matched only by similarity (printed → canonical,
with the score), which lines fitted nothing (with line numbers) and which
sections were inferred because their heading was missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from hyoka.forms import Catalogue, load_catalogue
from hyoka.ingest import read_file
from hyoka.ingest.reading import Diagnostics, FuzzyLabel, Reading, Unplaced
from hyoka.model import ItemPath

# Items a file may rightly lack: the cover blocks, and appendices printed as separate files.
_OPTIONAL_ROOTS = ("表紙", "別添")


@dataclass(frozen=True)
class CheckResult:
    """The reading of one file against its form (the JSON of `hyoka check --format json`)."""

    file: str
    form: str
    edition: str
    edition_used: str
    items: int
    resolved: int
    unresolved: tuple[str, ...]
    missing: tuple[str, ...]
    fuzzy: tuple[FuzzyLabel, ...]
    unplaced: tuple[Unplaced, ...]
    inferred_sections: tuple[str, ...]
    contents_lines: tuple[int, ...]
    appendix_unread: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def check_file(path: Path) -> CheckResult:
    """Read ``path`` and compare the reading with the form's catalogue."""
    return check_reading(read_file(path), str(path))


def check_reading(reading: Reading, name: str) -> CheckResult:
    """The check of an already made reading (the native format has no diagnostics)."""
    report, diagnostics = reading.report, reading.diagnostics
    form = diagnostics.form or report.meta.form
    catalogue = load_catalogue(form, diagnostics.edition or None)
    unresolved = tuple(str(item.path) for item in report.items if catalogue.entry(item.path) is None)
    return CheckResult(
        file=name,
        form=form,
        edition=diagnostics.edition,
        edition_used=catalogue.edition,
        items=len(report.items),
        resolved=len(report.items) - len(unresolved),
        unresolved=unresolved,
        missing=_missing(catalogue, [item.path for item in report.items]),
        fuzzy=diagnostics.fuzzy,
        unplaced=diagnostics.unplaced,
        inferred_sections=diagnostics.inferred_sections,
        contents_lines=diagnostics.contents_lines,
        appendix_unread=diagnostics.appendix_unread,
    )


def _missing(catalogue: Catalogue, paths: list[ItemPath]) -> tuple[str, ...]:
    """Catalogue items no item of the file resolves to (a group counts when any instance is
    printed; items under a group nobody printed are not listed one by one)."""
    seen: set[tuple[str, ...]] = set()
    for path in paths:
        chain, _ = catalogue.resolve(path)
        seen.update(entry.path for entry in chain)
    missing: list[str] = []
    for entry in catalogue.entries:
        if entry.path in seen or entry.path[0].startswith(_OPTIONAL_ROOTS):
            continue
        if any(entry.path[:n] not in seen and entry.path[n - 1].endswith("N") for n in range(1, len(entry.path))):
            continue
        missing.append("/".join(entry.path))
    return tuple(missing)


def warning_line(diagnostics: Diagnostics, name: str) -> str | None:
    """The warnings `commit` and `diff` print, a line each: lines left unplaced, and a 変更箇所
    table that gave no row."""
    lines = []
    if diagnostics.unplaced:
        first = diagnostics.unplaced[0]
        lines.append(
            f"警告: {name}: 様式の項目に当てはまらない行が {len(diagnostics.unplaced)} 行あります "
            f"(最初は {first.line} 行目、{first.attached_to or '先頭'} に含めました)。"
            f"詳しくは hyoka check {name}"
        )
    if diagnostics.appendix_unread is not None:
        lines.append(_unread_table_line(name, diagnostics.appendix_unread))
    return "\n".join(lines) or None


def _unread_table_line(name: str, line: int) -> str:
    return (f"警告: {name}: {line} 行目からの変更箇所の表が 1 行も読めません (列の区切りが失われた抽出です)。"
            f"PDF は PDF のまま、Word/Excel はそのまま渡すか、表をタブ区切りで抽出してください")


def check_text(result: CheckResult) -> str:
    """The human-readable report of `hyoka check`."""
    lines = [
        f"ファイル: {result.file}",
        f"様式: {result.form}  版: {result.edition or '(表紙に記載なし)'}"
        f"  照合に使った版: {result.edition_used or '(版の区別なし)'}",
        f"項目: {result.items}  様式の項目に一致: {result.resolved}  一致しない: {len(result.unresolved)}",
    ]
    for path in result.unresolved:
        lines.append(f"  一致しない項目: {path}")
    lines.append(f"様式にあってファイルにない項目: {len(result.missing)}")
    lines += [f"  {path}" for path in result.missing]
    lines.append(f"類似度で照合したラベル: {len(result.fuzzy)}")
    lines += [f"  {f.line}行目 「{f.printed}」 → {f.path} ({f.score:.0f})" for f in result.fuzzy]
    lines.append(f"置き場所のない行: {len(result.unplaced)}")
    lines += [f"  {u.line}行目 「{u.text}」 → {u.attached_to or '(捨てた)'} に含めた" for u in result.unplaced]
    lines.append(f"見出しがなく推定した節: {', '.join(result.inferred_sections) or 'なし'}")
    if result.contents_lines:
        lines.append(f"項目一覧として読み飛ばした行: {len(result.contents_lines)}")
    if result.appendix_unread is not None:
        lines.append(_unread_table_line(result.file, result.appendix_unread))
    return "\n".join(lines)

