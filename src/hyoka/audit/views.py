"""Text, JSON and CSV views of reviews, audit rows and deadlines (pure functions)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict

from hyoka.audit.due import DueRow
from hyoka.audit.query import AuditRow
from hyoka.audit.review import ReviewedChange
from hyoka.diff.align import CHANGE_NAMES
from hyoka.tables.render import csv_cell
from hyoka.views import local_time, table

AUDIT_HEADERS = (
    "日時", "評価書", "#", "種別", "実行者", "版", "変更", "項目", "重要", "提出時期", "区分", "規則", "内容",
)
EVENT_NAMES = {"commit": "記録", "classify": "分類", "change": "変更", "override": "判断変更", "generate": "生成",
               "publish": "公表", "revert": "差し戻し", "policy": "ポリシー採用"}


def _yes(value: bool | None) -> str:
    return "" if value is None else ("はい" if value else "いいえ")


def review_text(report_id: str, version: int, changes: Sequence[ReviewedChange]) -> str:
    if not changes:
        return f"{report_id}@{version}: 記録された変更はありません (初版、または変更なし)"
    lines = [f"{report_id}@{version} の変更 (第{version - 1}版から) {len(changes)} 件"]
    for c in changes:
        e = c.effective
        mark = f"  ← {e.by} が変更 ({local_time(e.at)}): {e.reason}" if c.overridden else ""
        lines.append(f"[{c.index}] {c.path} ({CHANGE_NAMES.get(c.change, c.change)})")
        weight = "要確認" if e.important is None else "重要" if e.important else "重要でない"
        lines.append(f"    {e.category} / {e.timing} / {weight}  規則 {e.rule}{mark}")
        if c.overridden:
            m = c.machine
            lines.append(f"    機械の判断: {m.category} / {m.timing} (規則 {m.rule})")
    return "\n".join(lines)


def review_json(report_id: str, version: int, changes: Sequence[ReviewedChange]) -> str:
    data = []
    for c in changes:
        item = asdict(c)
        for key in ("machine", "effective"):
            item[key]["at"] = item[key]["at"].isoformat(timespec="seconds")
        item["overridden"] = c.overridden
        data.append(item)
    return json.dumps({"report": report_id, "version": version, "changes": data}, ensure_ascii=False, indent=2)


def _audit_cells(row: AuditRow) -> list[str]:
    return [row.at, row.report, str(row.seq), EVENT_NAMES.get(row.event, row.event), row.by,
            "" if row.version is None else str(row.version), "" if row.change is None else str(row.change),
            row.path, _yes(row.important), row.timing, row.category, row.rule, row.summary]


def audit_table(rows: Sequence[AuditRow]) -> str:
    """The text table: times in the display zone, labelled (JSON and CSV keep ISO with offset)."""
    if not rows:
        return "該当する記録はありません"
    cells = [[local_time(r.at), *_audit_cells(r)[1:]] for r in rows]
    return table(AUDIT_HEADERS, cells) + f"\n{len(rows)} 件"


def audit_json(rows: Sequence[AuditRow]) -> str:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2)


def audit_csv(rows: Sequence[AuditRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_HEADERS)
    writer.writerows([csv_cell(c) for c in _audit_cells(r)] for r in rows)
    return "\ufeff" + buffer.getvalue()


def due_text(rows: Sequence[DueRow], as_of: str) -> str:
    if not rows:
        return f"{as_of} 時点で期限の近い評価書はありません"
    headers = ("評価書", "最終見直し", "次の見直し", "最終評価", "再評価期限", "状態")
    cells = [(r.report, str(r.last_review), str(r.review_due), str(r.last_assessment), str(r.assessment_due),
              r.status) for r in rows]
    return f"{as_of} 時点\n" + table(headers, cells)


def due_json(rows: Sequence[DueRow], as_of: str) -> str:
    data = [{k: str(v) for k, v in asdict(r).items()} for r in rows]
    return json.dumps({"as_of": as_of, "reports": data}, ensure_ascii=False, indent=2)
