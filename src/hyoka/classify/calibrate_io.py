"""`hyoka calibrate` in and out: labelled rows in, a commented policy TOML and a review list out.

Rows come from a JSONL file (the classify-row schema plus the body's answer) or from a stored
report (the 変更箇所 imported with its first version, then every later revision's decisions in
force, overrides included). The TOML is the policy file's own format, each learned setting
preceded by its evidence, so that a reviewer can accept or strike it line by line; the summary
lists what a reviewer must look at: the rows the learned policy still decides differently from
the body, and the rows it moves from 事前 to 事後.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from hyoka.classify.batch import jsonl_objects
from hyoka.classify.calibrate import Calibration, Learned, learn
from hyoka.classify.evaluate import TIMINGS
from hyoka.classify.policy import policy_from_text
from hyoka.classify.rules import NEEDS_REVIEW
from hyoka.errors import InputError
from hyoka.model import FORM_KINDS, ChangeRow, FormKind
from hyoka.normalize import unix_newlines

SHOWN_ROWS = 12


def _string(data: dict[str, object], key: str, where: str, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{where}: {key} は文字列です / {key} must be a string")
    if required and not value.strip():
        raise InputError(f"{where}: {key} がありません / {key} is missing")
    return value


def read_labelled(path: Path, stream: TextIO | None = None) -> tuple[FormKind, list[ChangeRow]]:
    """Rows of a JSONL file (``-``: ``stream``), one {"form","item","before","after","timing",
    "reason"} per line, optional "date" (a blank date continues the revision above). One form
    for all rows; every row has 事前 or 事後: a wrong line stops with its number, nothing learned."""
    forms: set[str] = set()
    rows: list[ChangeRow] = []
    for where, data in jsonl_objects(path, stream):
        form = data.get("form", "重点")
        if form not in FORM_KINDS:
            raise InputError(f"{where}: form は {'/'.join(FORM_KINDS)} のいずれかです / bad form: {form!r}")
        timing = _string(data, "timing", where, required=True).strip()
        if timing not in TIMINGS:
            raise InputError(f"{where}: timing は 事前 か 事後 です / timing must be 事前 or 事後: {timing[:20]}")
        forms.add(str(form))
        cells = [unix_newlines(_string(data, key, where))
                 for key in ("date", "item", "before", "after", "reason")]
        rows.append(ChangeRow(cells[0], cells[1], cells[2], cells[3], timing, cells[4]))
    if not rows:
        raise InputError(f"{path}: 行がありません / no rows")
    if len(forms) > 1:
        raise InputError(f"{path}: 様式が混在しています ({'/'.join(sorted(forms))}); 様式ごとに分けてください / "
                         "rows of several forms")
    return forms.pop(), rows  # type: ignore[return-value]


def calibrate_rows(path: Path, stream: TextIO | None = None) -> Calibration:
    """`hyoka calibrate --rows FILE`: learn from a JSONL file of labelled rows."""
    form, rows = read_labelled(path, stream)
    return learn(form, rows)


def _numbers(numbers: Sequence[int]) -> str:
    shown = ", ".join(f"#{n}" for n in numbers[:SHOWN_ROWS])
    return shown + (f" ほか {len(numbers) - SHOWN_ROWS} 行" if len(numbers) > SHOWN_ROWS else "")


def _evidence(entry: Learned) -> str:
    against = _numbers(entry.against) if entry.against else "なし"
    return (f"# 根拠: 一致するようになる {len(entry.support)} 行 ({_numbers(entry.support)}); "
            f"一致しなくなる {len(entry.against)} 行 ({against}); 項目 {entry.items} 種・改訂 {entry.revisions} 件; "
            f"一致 {entry.agree_before} → {entry.agree_after} 行")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _share(agree: int, rows: int) -> str:
    return f"{agree}/{rows} ({agree / rows:.1%})" if rows else "0/0"


def calibration_toml(calibration: Calibration, source: str) -> str:
    """The learned policy as a TOML policy file, every setting with its evidence."""
    c = calibration
    lines = [
        f"# hyoka calibrate: {source} の変更箇所 {c.rows} 行 (改訂 {c.revisions} 件) から学習した分類ポリシー。",
        f"# 団体の提出時期と一致した行: 既定 {_share(c.agree_default, c.rows)} → 学習後 "
        f"{_share(c.agree_learned, c.rows)}; 要確認 {c.review_default} → {c.review_learned} 行 (一致に数えない)。",
        "# 根拠の行番号は入力の行。確認してから採用してください: hyoka policy use 評価書ID このファイル --by 名前",
    ]
    if not c.settings and not c.reasons:
        lines.append("# 既定のポリシーと異なる運用は見つかりませんでした (既定のままで足ります)。")
    sections: dict[str, list[str]] = {}
    lists: dict[tuple[str, str], list[str]] = {}
    for entry in c.settings:
        s = entry.setting
        if (s.section == "star" and s.key != "unidentified") or s.key == "disabled_rules":
            lists.setdefault((s.section, s.key), []).extend([f"  {_evidence(entry)}", f"  {_toml_value(s.value)},"])
        else:
            sections.setdefault(s.section, []).extend([_evidence(entry), f"{s.key} = {_toml_value(s.value)}"])
    for (section, key), body in lists.items():
        sections.setdefault(section, []).extend([f"{key} = [", *body, "]"])
    if c.reasons:
        sections["reasons"] = []
        for reason in c.reasons:
            sections["reasons"].extend([f"# 団体の記載 ({len(reason.rows)} 行: {_numbers(reason.rows)})",
                                        f"{reason.key} = {_toml_value(reason.text)}"])
    for section in ("classification", "star", "reasons"):
        if section in sections:
            lines.extend(["", f"[{section}]", *sections[section]])
    text = "\n".join(lines) + "\n"
    policy_from_text(text, "(学習したポリシー)")  # what is written must load as a policy
    return text


def calibration_summary(calibration: Calibration) -> str:
    """What a reviewer reads before adopting: the settings, the rows moved 事前→事後, and the
    rows the learned policy still decides differently from the body."""
    c = calibration
    lines = [f"学習した設定 {len(c.settings)} 件: 一致 {_share(c.agree_default, c.rows)} → "
             f"{_share(c.agree_learned, c.rows)}; 要確認 {c.review_default} → {c.review_learned} 行"]
    for entry in c.settings:
        lines.append(f"  {entry.setting.name}  (一致するようになる {len(entry.support)} 行, "
                     f"一致しなくなる {len(entry.against)} 行)")
    for reason in c.reasons:
        lines.append(f"  reasons.{reason.key} = 「{reason.text}」 ({len(reason.rows)} 行)")
    moved = c.moved_later
    lines.append(f"事前 → 事後 に移る行 (要注意: 提出が変更の後になります) {len(moved)} 行:")
    lines.extend(f"  #{o.number:<4d} 既定 {o.default} → 学習後 {o.learned}  団体 {o.body}  [{o.rule}] {o.item}"
                 for o in moved)
    differing = c.differing
    lines.append(f"学習したポリシーでも団体と判断が異なる行 {len(differing)} 行:")
    lines.extend(f"  #{o.number:<4d} 団体 {o.body} / 学習後 {o.learned}  [{o.rule}] {o.item}" for o in differing)
    if any(o.learned == NEEDS_REVIEW for o in differing):
        lines.append(f"  ({NEEDS_REVIEW}: 様式の項目として特定できない行。一致にも不一致にも数えません)")
    return "\n".join(lines)
