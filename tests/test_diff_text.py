"""The Japanese-aware character diff: exact reconstruction, readable spans."""

from __future__ import annotations

import difflib
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyoka.diff.text import Span, apply_spans, changed_ratio, diff_text, spans_to_json

# Text drawn from the alphabet of the reports: kanji, kana, digits, punctuation, breaks.
JAPANESE = st.text(alphabet="市民税務課部の賦課及び収納をするシステムサーバー第2条の表、。・()\n 1０ab", max_size=80)


def _render(spans: tuple[Span, ...]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.op].format(s.text) for s in spans)


@settings(max_examples=400, deadline=None)
@given(JAPANESE, JAPANESE)
def test_spans_rebuild_the_new_text(old: str, new: str) -> None:
    spans = diff_text(old, new)
    assert apply_spans(old, spans) == new
    assert all(s.text for s in spans)
    assert all(a.op != b.op for a, b in pairwise(spans)), "adjacent spans share an op"


@settings(max_examples=300, deadline=None)
@given(JAPANESE, JAPANESE)
def test_no_confetti_between_edits(old: str, new: str) -> None:
    spans = diff_text(old, new)
    for i in range(1, len(spans) - 1):
        if spans[i].op == "equal" and spans[i - 1].op != "equal" and spans[i + 1].op != "equal":
            assert len(spans[i].text) > 2, _render(spans)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Pure insertions keep the unchanged words between them.
        ("軽自動車税の賦課のため。", "軽自動車税(種別割及び環境性能割)の賦課及び収納のため。",
         "軽自動車税{+(種別割及び環境性能割)+}の賦課{+及び収納+}のため。"),
        # One-character matches inside a replaced citation are folded into one replacement.
        ("番号法に基づく別表第二の27の項", "番号法に基づく主務省令第2条の表48の項",
         "番号法に基づく[-別表第二の27-]{+主務省令第2条の表48+}の項"),
        # A repeated sentence is inserted at the sentence boundary, after 。.
        ("情報の提供を行う。情報の照会を行う。", "情報の提供を行う。情報の受領を行う。情報の照会を行う。",
         "情報の提供を行う。{+情報の受領を行う。+}情報の照会を行う。"),
        ("財務部税務課が担当する。", "市民生活部税務課が担当する。", "[-財務-]{+市民生活+}部税務課が担当する。"),
        # Numbers are replaced whole, never cut between digits.
        ("[10人以上50人未満]", "[50人以上100人未満]", "[[-10-]{+50+}人以上[-50-]{+100+}人未満]"),
        ("同じ", "同じ", "同じ"),
        ("", "新設", "{+新設+}"),
    ],
)
def test_spans_read_as_a_person_would_mark_them(old: str, new: str, expected: str) -> None:
    assert _render(diff_text(old, new)) == expected


def test_raw_diff_match_patch_would_be_confetti() -> None:
    """The reason for the cleanup: the raw library output splits the citation into pieces."""
    from diff_match_patch import diff_match_patch

    old, new = "番号法に基づく別表第二の27の項", "番号法に基づく主務省令第2条の表48の項"
    raw = diff_match_patch().diff_main(old, new)
    assert sum(1 for op, _ in raw if op != 0) > 2
    assert sum(1 for s in diff_text(old, new) if s.op != "equal") == 2


def test_changed_ratio_and_json() -> None:
    spans = diff_text("あいうえお", "あいうえおかきくけこ")
    assert changed_ratio(spans) == pytest.approx(0.5)
    assert changed_ratio(diff_text("同じ", "同じ")) == 0.0
    assert spans_to_json(spans) == [["equal", "あいうえお"], ["insert", "かきくけこ"]]


def test_long_texts_agree_with_difflib_on_what_changed() -> None:
    """On a long item the diff finds the single insertion difflib finds, cut after the 、."""
    base = "".join(f"第{i}条に基づき、職員は端末の操作記録を保存する。" for i in range(200))
    new = base.replace("第100条に基づき、", "第100条に基づき、及び監査規程により、")
    spans = diff_text(base, new)
    inserted = "".join(s.text for s in spans if s.op == "insert")
    matcher = difflib.SequenceMatcher(None, base, new, autojunk=False)
    difflib_inserted = "".join(new[j1:j2] for tag, _, _, j1, j2 in matcher.get_opcodes() if tag == "insert")
    assert inserted == "及び監査規程により、"
    assert sorted(difflib_inserted) == sorted(inserted)  # difflib cuts before the 、 instead
    assert [s.op for s in spans] == ["equal", "insert", "equal"]
