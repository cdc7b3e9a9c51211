"""Text normalisation in one place.

Published reports come out of PDF extraction and OCR, so the same label shows
up as "③使用目的 ※", "③ 使用目的※" or "3使用目的". Every comparison of labels
goes through these helpers so that a fix here fixes all readers at once.
"""

from __future__ import annotations

import re
import unicodedata

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN_CHARS = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII"}
ROMAN_VALUES = ("I", "II", "III", "IV", "V", "VI", "VII")

_WAVE = str.maketrans({"～": "〜", "~": "〜", "∼": "〜", "〰": "〜"})
_CIRCLED_SPLIT_RE = re.compile(f"([{CIRCLED}])")
_SPACE_RE = re.compile(r"[ \t\u3000\u00a0]+")


def nfkc_keep_circled(text: str) -> str:
    """NFKC, except that circled numbers survive (NFKC would turn ① into 1).

    Circled numbers are structural in these forms (they number the items),
    so losing them would merge "①入手元" with a list item "1 入手元".
    """
    parts = _CIRCLED_SPLIT_RE.split(text)
    # Odd indexes are the circled numbers themselves (the split keeps them).
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts)).translate(_WAVE)


def collapse_space(text: str) -> str:
    """Fold runs of ASCII, full-width and no-break spaces into one space."""
    return _SPACE_RE.sub(" ", text).strip()


def label_key(label: str) -> str:
    """The comparison key of a printed label: width-folded, no spaces, no ※.

    Used for item paths, so two printings of the same label give the same key.
    """
    text = nfkc_keep_circled(label)
    text = text.replace("※", "").replace("*", "")
    text = re.sub(r"\s+", "", text)
    text = text.replace("/", "／")
    return text


def circled_number(ch: str) -> int | None:
    """1 for ①, … 20 for ⑳; None for anything else."""
    idx = CIRCLED.find(ch)
    return idx + 1 if idx >= 0 else None


def roman_value(token: str) -> str | None:
    """Canonical roman numeral ("III") for "Ⅲ", "III", "Ⅲ" and OCR'd "Ι"; else None."""
    token = token.strip()
    if token in ROMAN_CHARS:
        return ROMAN_CHARS[token]
    folded = unicodedata.normalize("NFKC", token).upper().replace("Ι", "I")
    return folded if folded in ROMAN_VALUES else None


def clean_cell(text: str) -> str:
    """A cell's text without surrounding blanks and with spaces folded."""
    return collapse_space(text.replace("\u200b", ""))


_NOTATION_DROP_RE = re.compile(r"[\s・･•\-‐－―—–:：;；、,，。.．「」『』\"'“”‘’]")
_LIST_MARK_RE = re.compile(r"(?:(?<=^)|(?<=\n))\s*(?:[・･•\-‐*＊]|\(\d+\)|\d+[.)．])\s*")
_LONG_VOWEL_RE = re.compile(r"(?<=[\u30a1-\u30fa])ー(?![\u30a1-\u30fa\u30fc])")


def notation_key(text: str) -> str:
    """What is left of a text when notation is ignored: width, spacing, line breaks,
    list markers, punctuation, 〜/～ and the trailing ー of katakana words (サーバ/サーバー).

    Two texts with equal keys differ in notation only (形式的: 表記の揺れ).
    """
    text = nfkc_keep_circled(text)
    text = _LIST_MARK_RE.sub("", text)
    text = _LONG_VOWEL_RE.sub("", text)
    return _NOTATION_DROP_RE.sub("", text).replace("〜", "")
