"""Text normalisation in one place.

Published reports come out of PDF extraction and OCR, so the same label shows
up as "③使用目的 ※", "③ 使用目的※" or "3使用目的". Every comparison of labels
goes through these helpers so that a fix here fixes all readers at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from hyoka.numbering import CIRCLED, ROMAN_CHARS, ROMAN_VALUES, circled_number, fold, roman_value

__all__ = [
    "CIRCLED", "ROMAN_CHARS", "ROMAN_VALUES", "circled_number", "clean_cell", "collapse_cells", "collapse_space",
    "label_key", "nfkc_keep_circled", "notation_key", "roman_value", "script_of", "unix_newlines",
]

_WAVE: Final = str.maketrans({"～": "〜", "~": "〜", "∼": "〜", "〰": "〜"})
_SPACE_RE: Final = re.compile(r"[ \t\u3000\u00a0]+")  # what collapse_space folds (its tests read it)


def nfkc_keep_circled(text: str) -> str:
    """NFKC, except that circled numbers survive (NFKC would turn ① into 1).

    Circled numbers are structural in these forms (they number the items),
    so losing them would merge "①入手元" with a list item "1 入手元".
    """
    folded = fold(text)
    if not _has_wave(folded):
        return folded  # translate() walks every character in Python; most texts have no wave
    return folded.translate(_WAVE)


def _has_wave(text: str) -> bool:
    """Whether ``text`` has a wave dash :data:`_WAVE` folds: one scan per character in C, cheaper
    than a regular expression's character class (tested on every position)."""
    return "～" in text or "~" in text or "∼" in text or "〰" in text


def unix_newlines(text: str) -> str:
    """Line breaks as "\\n": CRLF and lone CR folded. A text without CR (most files) is returned as
    it is, after one scan in C instead of two replace passes over a whole report."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def collapse_space(text: str) -> str:
    """Fold runs of ASCII, full-width and no-break spaces into one space."""
    if "  " not in text and "\t" not in text and "\u3000" not in text and "\u00a0" not in text:
        return text.strip()  # nothing to fold (most cells): four scans in C beat the regex
    # Every kind as " ", then the words between runs of " ": _SPACE_RE.sub(" ", text) stripped,
    # without the pattern's test of every character (a third of the time on a long value).
    spaced = text.replace("\t", " ").replace("\u3000", " ").replace("\u00a0", " ")
    return " ".join(filter(None, spaced.split(" "))).strip()


def collapse_cells(line: str) -> list[str]:
    """:func:`collapse_space` of each tab-separated cell of ``line``. A line without a run of
    spaces, a full-width or a no-break space (most lines; its tabs are the separators) has
    nothing to fold in any cell: its cells are only stripped, without a call for each."""
    if "  " in line or "\u3000" in line or "\u00a0" in line:
        return [collapse_space(cell) for cell in line.split("\t")]
    return [cell.strip() for cell in line.split("\t")]


def label_key(label: str) -> str:
    """The comparison key of a printed label: width-folded, no spaces, no ※.

    Used for item paths, so two printings of the same label give the same key.
    """
    text = nfkc_keep_circled(label).replace("※", "").replace("*", "")
    # str.split() splits at exactly what \s matches (str.isspace), four times faster than a sub.
    text = "".join(text.split())
    return text.replace("/", "／")


def clean_cell(text: str) -> str:
    """A cell's text without surrounding blanks and with spaces folded."""
    return collapse_space(text.replace("\u200b", ""))


_NOTATION_DROP_RE: Final = re.compile(r"[\s・･•\-‐－―—–:：;；、,，。.．「」『』\"'“”‘’]")
# A list mark at the start of a line (MULTILINE ^: the text's start or just after a "\n").
_LIST_MARK_RE: Final = re.compile(r"^\s*(?:[・･•\-‐*＊]|\(\d+\)|\d+[.)．])\s*", re.MULTILINE)
# ー after a katakana and before none: the ー first (a literal is found fast), then looked behind.
_LONG_VOWEL_RE = re.compile(r"ー(?<=[\u30a1-\u30fa]ー)(?![\u30a1-\u30fa\u30fc])")


def notation_key(text: str) -> str:
    """What is left of a text when notation is ignored: width, spacing, line breaks,
    list markers, punctuation, 〜/～ and the trailing ー of katakana words (サーバ/サーバー).

    Two texts with equal keys differ in notation only (形式的: 表記の揺れ).
    """
    text = nfkc_keep_circled(text)
    text = _LIST_MARK_RE.sub("", text)
    text = _LONG_VOWEL_RE.sub("", text)
    return _NOTATION_DROP_RE.sub("", text).replace("〜", "")


_PUNCTUATION = set("、。，．,.・：:；;（）()「」『』【】〈〉＜＞<>[]［］…‥！？!?/／")
JAPANESE_SCRIPTS = frozenset({"hiragana", "katakana", "kanji"})


def script_of(ch: str) -> str:
    """The script of one character: space, punct, hiragana, katakana, kanji, digit, latin or other.

    Japanese text has no spaces between words, so where its script changes is where a word
    may end (the differ cuts edits there) and where a producer's spacing is no typed space
    (the PDF reader), and one kanji put for another is a word of its own (the classifier)."""
    if ch.isspace():
        return "space"
    if ch in _PUNCTUATION or unicodedata.category(ch).startswith("P"):
        return "punct"
    code = ord(ch)
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F:
        return "katakana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or ch in "々〆ヶ":
        return "kanji"
    if ch.isdigit():
        return "digit"
    if ch.isalpha():
        return "latin"
    return "other"
