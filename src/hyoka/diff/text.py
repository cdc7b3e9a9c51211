"""Character diff of item texts, tuned for Japanese; the only module that touches diff_match_patch.

Japanese has no spaces, so diff-match-patch's own cleanups see no word
boundaries: its semantic cleanup dissolves any equality shorter than the edits
around it (「軽自動車税の賦課のため」 + two insertions becomes one big
replacement), while its raw output is confetti of one-character matches
(「第」, 「の」) inside a replaced citation. Reviewers read these spans in the
変更箇所 and 新旧対照表, so the cleanup here is ours:

1. confetti: equalities of one or two characters between edits are folded into
   the edits (「別表第二の27」 → 「主務省令第2条の表48」 reads as one replacement);
2. longer equalities survive unless both neighbours replace text and the
   equality is shorter than each of them (diff-match-patch's rule, restricted
   to replacements so that pure insertions keep their context);
3. each remaining single edit slides to the most natural boundary: line
   breaks, then punctuation and spaces, then changes of script (漢字/かな/カナ/
   英数), the way a person would underline it;
4. an edit never cuts a number: 「10人」 → 「50人」 replaces the whole number.

Whatever the cleanup, the spans always rebuild the new text from the old one
(property-tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from diff_match_patch import diff_match_patch

from hyoka.normalize import script_of

Op = Literal["equal", "insert", "delete"]
_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
EQUAL, INSERT, DELETE = 0, 1, -1
CONFETTI: Final = 2

Diff = list[list[int | str]]


@dataclass(frozen=True)
class Span:
    """One run of the diff: kept (equal), added (insert) or removed (delete) text."""

    op: Op
    text: str


def _boundary_score(left: str, right: str) -> int:
    """How natural a cut between ``left`` and ``right`` is (higher is better)."""
    if not left or not right:
        return 6
    a, b = left[-1], right[0]
    if a == "\n" or b == "\n":
        return 5
    sa, sb = script_of(a), script_of(b)
    if "space" in (sa, sb):
        return 4
    if sa == "punct" or sb == "punct":
        return 3 if sa == "punct" else 2
    if sa != sb:
        return 1
    return 0


def _merge(diffs: Diff) -> Diff:
    """Adjacent runs of one op joined, empty runs dropped, deletions before insertions."""
    out: Diff = []
    pending = {DELETE: "", INSERT: ""}
    for op, text in diffs:
        if not text:
            continue
        if op == EQUAL:
            for kind in (DELETE, INSERT):
                if pending[kind]:
                    out.append([kind, pending[kind]])
                    pending[kind] = ""
            if out and out[-1][0] == EQUAL:
                out[-1][1] = str(out[-1][1]) + str(text)
            else:
                out.append([EQUAL, text])
        else:
            pending[int(op)] += str(text)
    for kind in (DELETE, INSERT):
        if pending[kind]:
            out.append([kind, pending[kind]])
    return out


def _edit_sizes(diffs: Diff, start: int, step: int) -> tuple[int, int]:
    """Deleted and inserted characters in the edit group next to diffs[start - step]."""
    deleted = inserted = 0
    i = start
    while 0 <= i < len(diffs) and diffs[i][0] != EQUAL:
        if diffs[i][0] == DELETE:
            deleted += len(str(diffs[i][1]))
        else:
            inserted += len(str(diffs[i][1]))
        i += step
    return deleted, inserted


def _dissolve(diffs: Diff) -> tuple[Diff, bool]:
    """Fold one pass of confetti and short equalities between replacements into the edits."""
    for i in range(1, len(diffs) - 1):
        op, text = diffs[i]
        if op != EQUAL:
            continue
        before = _edit_sizes(diffs, i - 1, -1)
        after = _edit_sizes(diffs, i + 1, 1)
        if not (any(before) and any(after)):
            continue
        size = len(str(text))
        replacing = all(before) and all(after)
        if size <= CONFETTI or (replacing and size <= min(max(before), max(after))):
            diffs = [*diffs[:i], [DELETE, text], [INSERT, text], *diffs[i + 1 :]]
            return _merge(diffs), True
    return diffs, False


def _digit_run(text: str, from_end: bool) -> int:
    run = 0
    chars = reversed(text) if from_end else iter(text)
    for ch in chars:
        if not ch.isdigit():
            break
        run += 1
    return run


def _group(diffs: Diff, start: int, step: int) -> list[str]:
    """Texts of the edit group next to an equality (walking from ``start`` by ``step``)."""
    texts = []
    k = start
    while 0 <= k < len(diffs) and diffs[k][0] != EQUAL:
        texts.append(str(diffs[k][1]))
        k += step
    return texts


def _whole_numbers(diffs: Diff) -> Diff:
    """Edits never cut a number: 「10人」→「50人」 is one replaced number, not 1 → 5 in front of
    a kept 0. Digits of an equality that touch an edited digit move into the edit."""
    out: Diff = []
    for i, (op, value) in enumerate(diffs):
        text = str(value)
        if op != EQUAL:
            out.append([op, text])
            continue
        touches_before = any(t and t[-1].isdigit() for t in _group(diffs, i - 1, -1))
        touches_after = any(t and t[0].isdigit() for t in _group(diffs, i + 1, 1))
        head = _digit_run(text, from_end=False) if touches_before else 0
        tail = _digit_run(text, from_end=True) if touches_after else 0
        if head + tail >= len(text):
            head, tail = len(text), 0
        if head:
            out += [[DELETE, text[:head]], [INSERT, text[:head]]]
        if text[head : len(text) - tail]:
            out.append([EQUAL, text[head : len(text) - tail]])
        if tail:
            out += [[DELETE, text[len(text) - tail :]], [INSERT, text[len(text) - tail :]]]
    return _merge(out)


def _dissolve_all(diffs: Diff) -> Diff:
    changed = True
    while changed:
        diffs, changed = _dissolve(diffs)
    return diffs


def _slide(diffs: Diff) -> Diff:
    """Move each single edit between two equalities to its best-scoring boundary."""
    for i in range(1, len(diffs) - 1):
        if diffs[i - 1][0] != EQUAL or diffs[i + 1][0] != EQUAL or diffs[i][0] == EQUAL:
            continue
        prev, edit, nxt = str(diffs[i - 1][1]), str(diffs[i][1]), str(diffs[i + 1][1])
        # Slide fully left first, then try every position to the right.
        while prev and edit and prev[-1] == edit[-1]:
            prev, edit, nxt = prev[:-1], prev[-1] + edit[:-1], edit[-1] + nxt
        best = (prev, edit, nxt)
        best_score = _boundary_score(prev, edit) + _boundary_score(edit, nxt)
        while nxt and edit and edit[0] == nxt[0]:
            prev, edit, nxt = prev + edit[0], edit[1:] + nxt[0], nxt[1:]
            score = _boundary_score(prev, edit) + _boundary_score(edit, nxt)
            if score > best_score:
                best, best_score = (prev, edit, nxt), score
        diffs[i - 1][1], diffs[i][1], diffs[i + 1][1] = best
    return _merge(diffs)


def diff_text(old: str, new: str, *, timeout: float = 1.0) -> tuple[Span, ...]:
    """Spans that turn ``old`` into ``new``, cleaned up for Japanese as the module says."""
    if old == new:
        return (Span("equal", old),) if old else ()
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = _dissolve_all(_merge([[op, text] for op, text in dmp.diff_main(old, new)]))
    diffs = _dissolve_all(_whole_numbers(_slide(diffs)))  # both can leave short equalities between edits
    return tuple(Span(_OPS[int(op)], str(text)) for op, text in diffs if text)


def apply_spans(old: str, spans: Sequence[Span]) -> str:
    """The new text rebuilt from the old one; raises if the spans do not fit ``old``."""
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
    """Share of the longer text that changed: 0.0 for identical texts, 1.0 for a rewrite."""
    old = sum(len(s.text) for s in spans if s.op != "insert")
    new = sum(len(s.text) for s in spans if s.op != "delete")
    changed = sum(len(s.text) for s in spans if s.op != "equal")
    return min(1.0, changed / max(old, new, 1)) if changed else 0.0


def spans_to_json(spans: Sequence[Span]) -> list[list[str]]:
    """The JSON shape of `hyoka diff --format json`: [[op, text], …]."""
    return [[s.op, s.text] for s in spans]
