"""Classify 変更箇所 rows given as text: one row, or a JSONL stream of rows.

This is how a body checks a table it wrote by hand, and how the evaluation
against the seeds runs: rows in, one decision per row out, in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from hyoka.classify import classify_row
from hyoka.classify.policy import Policy
from hyoka.errors import InputError
from hyoka.model import FORM_KINDS, FormKind

MAX_LINE = 1024 * 1024


def _form(value: object, where: str) -> FormKind:
    if value not in FORM_KINDS:
        raise InputError(f"{where}: form は {'/'.join(FORM_KINDS)} のいずれかです / bad form: {value!r}")
    return value  # type: ignore[return-value]


def result_dict(form: FormKind, item: str, before: str, after: str, policy: Policy) -> dict[str, object]:
    record = classify_row(form, item, before, after, policy)
    d = record.decision
    return {
        "item": item,
        "path": record.path,
        "star": record.star,
        "change": record.change,
        "important": d.important,
        "category": d.category,
        "timing": d.timing,
        "reason": d.reason,
        "rule": d.rule,
        "evidence": d.evidence,
    }


def classify_one(form: str, item: str, before: str, after: str, policy: Policy) -> str:
    return json.dumps(result_dict(_form(form, "--form"), item, before, after, policy), ensure_ascii=False)


# classify-row --jsonl reads its whole input before answering (no half output): keep it bounded.
MAX_JSONL_CHARS = 20 * 1024 * 1024


def classify_jsonl(path: Path, policy: Policy, stream: TextIO | None = None) -> Iterator[str]:
    """One JSON result per input line; a malformed line stops with its line number.

    All input is validated before the first result is produced, so a bad line
    never leaves half an output behind.
    """
    try:
        if stream is not None:
            text = stream.read(MAX_JSONL_CHARS + 1)
        else:
            with path.open(encoding="utf-8-sig") as source:  # bounded whatever the source
                text = source.read(MAX_JSONL_CHARS + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: 読めません / cannot read: {exc}") from None
    if len(text) > MAX_JSONL_CHARS:
        limit = MAX_JSONL_CHARS // 1024 // 1024
        raise InputError(f"{path}: 入力が大きすぎます (上限 {limit} M 文字) / input too large")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if len(line) > MAX_LINE:
            raise InputError(f"{where}: 行が長すぎます / line too long")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: JSON として読めません / invalid JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}: オブジェクトが必要です / expected an object")
        fields = [data.get(k, "") for k in ("item", "before", "after")]
        if not all(isinstance(f, str) for f in fields):
            raise InputError(f"{where}: item/before/after は文字列です / must be strings")
        rows.append((_form(data.get("form", "重点"), where), *fields))
    for form, item, before, after in rows:
        yield json.dumps(result_dict(form, item, before, after, policy), ensure_ascii=False)
