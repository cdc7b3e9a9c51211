"""The project's own text format: what staff edit between revisions.

Design goals, in order: exact round trip (``loads(dumps(r)) == r``), a readable
``git diff`` (one item per block, one option per line), and easy hand editing
(Japanese keys, no quoting rules). Multi-line text is written as ``| `` lines,
so any character other than a line break survives without escaping.

    hyoka-report 1
    評価書番号: 12
    様式: 重点

    == II/3/③使用目的
    表示: ③使用目的 ※
    | 軽自動車税の賦課のため。

    == I/1/③対象人数
    表示: ③対象人数
    選択: 1万人以上10万人未満
    - 1,000人未満
    - 1万人以上10万人未満

    ## 変更箇所
    変更日:
    | 令和6年10月1日
"""

from __future__ import annotations

from collections.abc import Iterator

from hyoka.errors import FormatError
from hyoka.model import (
    FORM_KINDS,
    NATIVE_READER,
    ChangeRow,
    Check,
    Checks,
    Choice,
    Count,
    Date,
    Item,
    ItemPath,
    Report,
    ReportMeta,
    Text,
    Value,
)

MAGIC = "hyoka-report 1"
ITEM_MARK = "== "
ROW_MARK = "## 変更箇所"

_META_KEYS = {
    "評価書番号": "number",
    "評価書名": "title",
    "評価実施機関": "organisation",
    "公表日": "published",
}
_ROW_FIELDS = (
    ("変更日", "date"),
    ("項目", "item"),
    ("変更前", "before"),
    ("変更後", "after"),
    ("提出時期", "timing"),
    ("説明", "reason"),
)


def _block(text: str) -> list[str]:
    return [f"| {line}" if line else "|" for line in text.split("\n")] if text else []


def _dump_value(value: Value) -> list[str]:
    if isinstance(value, Text):
        return _block(value.text)
    if isinstance(value, Date):
        return [f"日付: {value.printed}"]
    if isinstance(value, Choice | Count):
        lines = [f"選択: {value.selected}"]
        if isinstance(value, Count):
            lines.append("件数: " + ("" if value.count is None else str(value.count)))
        return lines + [f"- {option}" for option in value.options]
    lines = [f"[{'x' if box.ticked else ' '}] {box.option}" for box in value.boxes]
    return [*lines, f"その他: {value.other}"]


def dumps(report: Report) -> str:
    """Serialise a report; the inverse of :func:`loads`."""
    meta = report.meta
    out = [MAGIC]
    out += [f"{key}: {getattr(meta, attr)}" for key, attr in _META_KEYS.items()]
    out.append(f"様式: {meta.form}")
    out += [f"ファイル: {name}" for name in meta.files]
    for item in report.items:
        out += ["", f"{ITEM_MARK}{item.path}", f"表示: {item.label}{' ※' if item.star else ''}"]
        out += _dump_value(item.value)
    for row in report.appendix:
        out += ["", ROW_MARK]
        for key, attr in _ROW_FIELDS:
            out.append(f"{key}:")
            out += _block(getattr(row, attr))
    return "\n".join(out) + "\n"


class _Lines:
    """A cursor over numbered lines, so errors can name the line a user must fix."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.pos = 0

    def peek(self) -> str | None:
        return self.lines[self.pos] if self.pos < len(self.lines) else None

    def take(self) -> str:
        line = self.lines[self.pos]
        self.pos += 1
        return line

    def error(self, message: str) -> FormatError:
        message = " ".join(message.split())  # a quoted cell may hold a line break: errors are one line
        return FormatError(f"hyoka形式の{self.pos}行目: {message} / line {self.pos}: {message}")

    def skip_blank(self) -> None:
        while (line := self.peek()) is not None and (not line.strip() or line.startswith("#")):
            if line.startswith(ROW_MARK):
                return
            self.take()


def _after(line: str, key: str) -> str:
    rest = line[len(key) :]
    return rest[1:] if rest.startswith(" ") else rest


def _take_block(cur: _Lines) -> str:
    lines: list[str] = []
    while (line := cur.peek()) is not None and line.startswith("|"):
        lines.append(_after(cur.take(), "|"))
    return "\n".join(lines)


def _read_meta(cur: _Lines) -> ReportMeta:
    fields: dict[str, str] = {}
    files: list[str] = []
    form = "重点"
    while (line := cur.peek()) is not None and not line.startswith((ITEM_MARK, ROW_MARK)):
        cur.take()
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, _ = line.partition(":")
        if not sep:
            raise cur.error(f"「キー: 値」の形ではありません: {line[:40]}")
        value = _after(line, key + ":")
        if key in _META_KEYS:
            fields[_META_KEYS[key]] = value
        elif key == "様式":
            if value not in FORM_KINDS:
                raise cur.error(f"様式は {'/'.join(FORM_KINDS)} のいずれかです: {value}")
            form = value
        elif key == "ファイル":
            files.append(value)
        else:
            raise cur.error(f"不明なキー: {key}")
    return ReportMeta(form=form, files=tuple(files), **fields)  # type: ignore[arg-type]


def _read_value(cur: _Lines) -> Value:
    line = cur.peek()
    if line is None or line.startswith(("|", ITEM_MARK, ROW_MARK)) or not line.strip():
        return Text(_take_block(cur))
    if line.startswith("日付:"):
        return Date(_after(cur.take(), "日付:"))
    if line.startswith("選択:"):
        selected = _after(cur.take(), "選択:")
        count: int | None = None
        is_count = (nxt := cur.peek()) is not None and nxt.startswith("件数:")
        if is_count:
            raw = _after(cur.take(), "件数:").strip()
            if raw and not raw.isdigit():
                raise cur.error(f"件数は数字で書きます: {raw}")
            count = int(raw) if raw else None
        options = []
        while (nxt := cur.peek()) is not None and nxt.startswith("-"):
            options.append(_after(cur.take(), "-"))
        return Count(selected, count, tuple(options)) if is_count else Choice(selected, tuple(options))
    if line.startswith(("[x]", "[ ]", "その他:")):
        boxes = []
        while (nxt := cur.peek()) is not None and nxt.startswith(("[x]", "[ ]")):
            cur.take()
            boxes.append(Check(_after(nxt, nxt[:3]), nxt.startswith("[x]")))
        nxt = cur.peek()
        if nxt is None or not nxt.startswith("その他:"):
            raise cur.error("チェック欄の最後に「その他:」の行が必要です")
        return Checks(tuple(boxes), _after(cur.take(), "その他:"))
    raise cur.error(f"値の行として読めません: {line[:40]}")


def _read_item(cur: _Lines) -> Item:
    header = cur.take()
    try:
        path = ItemPath.parse(header[len(ITEM_MARK) :])
    except ValueError as exc:
        raise cur.error(f"項目パスが不正です: {exc}") from None
    label_line = cur.peek()
    if label_line is None or not label_line.startswith("表示:"):
        raise cur.error("項目の次の行は「表示: ラベル」です")
    label = _after(cur.take(), "表示:")
    star = label.endswith(" ※")
    label = label.removesuffix(" ※")
    value = _read_value(cur)
    tail = cur.peek()
    if tail is not None and tail.strip() and not tail.startswith((ITEM_MARK, ROW_MARK, "#")):
        raise cur.error(f"項目 {path} の値の後に読めない行があります: {tail[:40]}")
    try:
        return Item(path, label, star, value)
    except ValueError as exc:
        raise cur.error(str(exc)) from None


def _read_row(cur: _Lines) -> ChangeRow:
    cur.take()
    cells: dict[str, str] = {}
    for key, attr in _ROW_FIELDS:
        line = cur.peek()
        if line != f"{key}:":
            raise cur.error(f"変更箇所の行には「{key}:」が必要です")
        cur.take()
        start = cur.pos
        cells[attr] = _take_block(cur)
        if attr == "date" and not _is_date_cell(cells[attr]):
            cur.pos = start + 1
            raise cur.error(f"変更日は日付です (例: 令和6年10月1日、2024/10/1、または空): {cells[attr][:40]}")
    return ChangeRow(**cells)


def _is_date_cell(text: str) -> bool:
    """A 変更日 is blank or one printed date and nothing else (as the published reader keeps it)."""
    from hyoka.ingest.appendix import date_text

    compact = "".join(text.split())
    return not compact or date_text(compact) == compact


def _read_sections(cur: _Lines) -> Iterator[Item | ChangeRow]:
    while True:
        cur.skip_blank()
        line = cur.peek()
        if line is None:
            return
        if line.startswith(ITEM_MARK):
            yield _read_item(cur)
        elif line.startswith(ROW_MARK):
            yield _read_row(cur)
        else:
            raise cur.error(f"「== 項目パス」か「{ROW_MARK}」が必要です: {line[:40]}")


def loads(text: str) -> Report:
    """Parse the own text format; any defect raises FormatError naming the line."""
    cur = _Lines(text)
    first = cur.take() if cur.peek() is not None else ""
    if first.strip() != MAGIC:
        raise cur.error(f"hyoka形式のファイルは「{MAGIC}」で始まります")
    meta = _read_meta(cur)
    items: list[Item] = []
    rows: list[ChangeRow] = []
    for part in _read_sections(cur):
        if isinstance(part, Item):
            items.append(part)
        else:
            rows.append(part)
    try:
        return Report(meta, tuple(items), tuple(rows), reader=NATIVE_READER)
    except ValueError as exc:
        raise FormatError(f"hyoka形式: {exc}") from None


def looks_native(text: str) -> bool:
    """Whether a decoded file is in this format (the first line is the magic line)."""
    return text.lstrip("\ufeff").split("\n", 1)[0].strip() == MAGIC
