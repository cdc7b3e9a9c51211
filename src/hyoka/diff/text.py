"""Character diff of item texts: the only module that touches diff_match_patch.

Provisional adapter (semantic cleanup only); see the Japanese-aware version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch

Op = Literal["equal", "insert", "delete"]
_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}


@dataclass(frozen=True)
class Span:
    op: Op
    text: str


def diff_text(old: str, new: str, *, timeout: float = 1.0) -> tuple[Span, ...]:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    return tuple(Span(_OPS[op], text) for op, text in diffs if text)


def apply_spans(old: str, spans: Sequence[Span]) -> str:
    pos = 0
    out = []
    for span in spans:
        if span.op == "insert":
            out.append(span.text)
            continue
        if old[pos : pos + len(span.text)] != span.text:
            raise ValueError("spans do not fit the old text")
        if span.op == "equal":
            out.append(span.text)
        pos += len(span.text)
    if pos != len(old):
        raise ValueError("spans do not cover the old text")
    return "".join(out)


def changed_ratio(spans: Sequence[Span]) -> float:
    old = sum(len(s.text) for s in spans if s.op != "insert")
    new = sum(len(s.text) for s in spans if s.op != "delete")
    changed = sum(len(s.text) for s in spans if s.op != "equal")
    return changed / max(old, new, 1) if changed else 0.0


def spans_to_json(spans: Sequence[Span]) -> list[list[str]]:
    return [[s.op, s.text] for s in spans]
