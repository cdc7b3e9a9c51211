"""Plain-text and JSON views of stored history, shared by the CLI and tests.

Pure functions from values to strings: the CLI only prints what these return,
so every view can be tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hyoka.classify import ChangeRecord, Comparison
from hyoka.diff.align import CHANGE_NAMES
from hyoka.diff.text import Span, spans_to_json
from hyoka.errors import InputError
from hyoka.model import Item, ItemPath, Report, meta_to_json, row_to_json, value_display, value_to_json
from hyoka.normalize import label_key

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class VersionRow:
    """What `hyoka log` shows of one version (a view of the store's VersionInfo)."""

    number: int
    created_at: str
    author: str
    message: str
    hash: str
    item_count: int
    added: int
    removed: int
    modified: int


# -- times: stored in UTC, shown to people in the office's zone -------------------------------------

DEFAULT_TZ = "Asia/Tokyo"


def display_zone() -> ZoneInfo:
    """The zone times are shown in: $HYOKA_TZ (an IANA name such as "UTC" or "Europe/Paris"),
    else Asia/Tokyo; an unknown name is refused in one line."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # ~8 ms: only for commands that show times

    name = os.environ.get("HYOKA_TZ", "").strip() or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"HYOKA_TZ のタイムゾーン {name} が見つかりません / unknown time zone") from None


def local_time(moment: dt.datetime | str) -> str:
    """A stored moment (aware datetime or ISO text) as people read it: "2026-11-25 04:32 JST"."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # the store only holds UTC
    local = moment.astimezone(display_zone())
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of a stored moment in the display zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(display_zone()).date()


FORM_NAMES = {"基礎": "基礎項目評価書", "重点": "重点項目評価書", "全項目": "全項目評価書"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A left-aligned table that lines up Japanese (double-width) text."""
    body = [list(r) for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def log_text(report_id: str, versions: Sequence[VersionRow]) -> str:
    headers = ("版", "日時", "作成者", "ハッシュ", "項目数", "追加", "削除", "変更", "メッセージ")
    rows = [
        (
            str(v.number),
            local_time(v.created_at),
            v.author,
            v.hash[:10],
            str(v.item_count),
            f"+{v.added}",
            f"−{v.removed}",
            f"~{v.modified}",
            v.message.replace("\n", " "),
        )
        for v in versions
    ]
    return f"評価書 {report_id}: {len(versions)} 版\n" + table(headers, rows)


def log_json(report_id: str, versions: Sequence[VersionRow]) -> str:
    data = {"report": report_id, "versions": [v.__dict__ for v in versions]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def select_items(report: Report, item: str | None) -> list[Item]:
    """Items at a path or under it; segments compare by normalised label so "③使用目的 ※" works."""
    if not item:
        return list(report.items)
    wanted = tuple(label_key(s) for s in ItemPath.parse(item).segments)
    found = []
    for it in report.items:
        keys = tuple(label_key(s) for s in it.path.segments)
        if keys[: len(wanted)] == wanted:
            found.append(it)
    return found


def show_text(report_id: str, number: int, report: Report, items: Sequence[Item]) -> str:
    meta = report.meta
    head = [
        f"評価書 {report_id}@{number}",
        f"  評価書番号: {meta.number}    種類: {FORM_NAMES[meta.form]}",
        f"  評価書名: {meta.title}",
        f"  評価実施機関: {meta.organisation}    公表日: {meta.published or '(未記載)'}",
    ]
    if meta.files:
        head.append("  特定個人情報ファイル: " + "、".join(meta.files))
    head.append(f"  項目数: {len(report.items)}    変更箇所の行: {len(report.appendix)}")
    body = []
    for it in items:
        star = " ※" if it.star else ""
        value = value_display(it.value)
        first, *more = value.split("\n") if value else [""]
        body.append(f"{it.path}  「{it.label}{star}」 {first}".rstrip())
        body += [f"    {line}" for line in more]
    return "\n".join([*head, "", *body])


def show_json(report_id: str, number: int, report: Report, items: Sequence[Item]) -> str:
    data = {
        "report": report_id,
        "version": number,
        "meta": meta_to_json(report.meta),
        "items": [
            {"path": str(it.path), "label": it.label, "star": it.star, "value": value_to_json(it.value)}
            for it in items
        ],
        "appendix": [row_to_json(r) for r in report.appendix],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- diff views ---------------------------------------------------------------------------------

def comparison_json(comparison: Comparison, old_name: str, new_name: str) -> str:
    """The machine-readable diff (schema in docs/classification.md)."""
    data = {
        "from": old_name,
        "to": new_name,
        "form": comparison.form,
        "policy": comparison.policy_source,
        "threshold": [flag.__dict__ for flag in comparison.thresholds],
        "changes": [record_json(r) for r in comparison.records],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def record_json(record: ChangeRecord) -> dict[str, object]:
    d = record.decision
    return {
        "path": record.path,
        "item": record.item,
        "change": record.change,
        "before": record.before,
        "after": record.after,
        "spans": spans_to_json(record.spans),
        "star": record.star,
        "important": d.important,
        "category": d.category,
        "timing": d.timing,
        "reason": d.reason,
        "rule": d.rule,
        "evidence": d.evidence,
    }


def inline_spans(spans: Sequence[Span], style: Callable[[str, str], str] | None = None) -> str:
    """Spans as one text with [-deleted-] and {+inserted+} marks (coloured when style is given)."""
    out = []
    for span in spans:
        if span.op == "equal":
            out.append(span.text)
        elif span.op == "delete":
            out.append(style(span.text, "delete") if style else f"[-{span.text}-]")
        else:
            out.append(style(span.text, "insert") if style else f"{{+{span.text}+}}")
    return "".join(out)


def comparison_text(
    comparison: Comparison,
    old_name: str,
    new_name: str,
    style: Callable[[str, str], str] | None = None,
) -> str:
    """A reviewer's view: しきい値 flags first, then one block per changed item."""
    lines = [f"差分 {old_name} → {new_name}  ({FORM_NAMES[comparison.form]}, ポリシー: {comparison.policy_source})"]
    for flag in comparison.thresholds:
        lines.append(f"!! {flag.message} ({flag.path})")
    counts: dict[str, int] = {}
    for record in comparison.records:
        d = record.decision
        counts[d.category] = counts.get(d.category, 0) + 1
        head = f"[{d.category} {d.timing}] {record.path} ({CHANGE_NAMES[record.change]})"
        lines += ["", head, f"  項目: {record.item}"]
        body = inline_spans(record.spans, style)
        lines += [f"  | {line}" for line in body.split("\n")]
        lines.append(f"  理由: {d.reason}  (規則 {d.rule}: {d.evidence})")
    summary = "、".join(f"{k} {v}" for k, v in counts.items()) or "なし"
    lines += ["", f"変更 {len(comparison.records)} 件 ({summary})"]
    return "\n".join(lines)
