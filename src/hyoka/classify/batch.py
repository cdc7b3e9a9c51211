"""Classify 変更箇所 rows given as text: one row, or a JSONL stream of rows.

With a policy whose switches read a whole revision (all_prior_when_*, blank_item_continues)
the JSONL rows are read as a table: an optional "date" per row groups them into revisions.

This is how a body checks a table it wrote by hand, and how the evaluation
against the seeds runs: rows in, one decision per row out, in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from hyoka.classify import ChangeRecord, classify_row
from hyoka.classify.evaluate import classify_rows
from hyoka.classify.policy import Policy
from hyoka.errors import InputError
from hyoka.model import FORM_KINDS, ChangeRow, FormKind

MAX_LINE = 1024 * 1024


def _form(value: object, where: str) -> FormKind:
    if value not in FORM_KINDS:
        raise InputError(f"{where}: form は {'/'.join(FORM_KINDS)} のいずれかです / bad form: {value!r}")
    return value  # type: ignore[return-value]


def result_dict(form: FormKind, item: str, before: str, after: str, policy: Policy) -> dict[str, object]:
    return record_dict(item, classify_row(form, item, before, after, policy))


def record_dict(item: str, record: ChangeRecord) -> dict[str, object]:
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


def jsonl_objects(path: Path, stream: TextIO | None = None) -> list[tuple[str, dict[str, object]]]:
    """("file:line", object) for every non-blank line of a JSONL file or stream, read at most
    MAX_JSONL_CHARS (plus one, to refuse) whatever the source; a line that is too long, not JSON
    or not an object stops with its number before anything is used."""
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
    objects = []
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
        objects.append((where, data))
    return objects


def classify_jsonl(path: Path, policy: Policy, stream: TextIO | None = None) -> Iterator[str]:
    """One JSON result per input line; a malformed line stops with its line number.

    All input is validated before the first result is produced, so a bad line
    never leaves half an output behind.
    """
    rows = []
    for where, data in jsonl_objects(path, stream):
        fields = [data.get(k, "") for k in ("item", "before", "after", "date")]
        if not all(isinstance(f, str) for f in fields):
            raise InputError(f"{where}: item/before/after/date は文字列です / must be strings")
        rows.append((_form(data.get("form", "重点"), where), *fields))
    if not (policy.blank_item_continues or policy.all_prior_when_important or policy.all_prior_when_reassessed):
        for form, item, before, after, _date in rows:
            yield json.dumps(result_dict(form, item, before, after, policy), ensure_ascii=False)
        return
    for form, group in _revisions(rows):
        records = classify_rows(form, [ChangeRow(date, item, before, after, "", "") for _, item, before, after, date
                                       in group], policy)
        for (_, item, *_rest), record in zip(group, records, strict=True):
            yield json.dumps(record_dict(item, record), ensure_ascii=False)


def _revisions(rows: list[tuple[FormKind, str, str, str, str]]
               ) -> list[tuple[FormKind, list[tuple[FormKind, str, str, str, str]]]]:
    """Rows grouped as a 変更箇所 groups them: consecutive rows of one form and one "date" (a
    blank date continues the revision above). The policy's per-revision switches
    (all_prior_when_*) and blank_item_continues read a revision together."""
    groups: list[tuple[FormKind, list[tuple[FormKind, str, str, str, str]]]] = []
    current = ""
    for row in rows:
        date = "".join(row[4].split())
        if not groups or row[0] != groups[-1][0] or (date and date != current):
            groups.append((row[0], []))
            current = date or current
        groups[-1][1].append(row)
    return groups
