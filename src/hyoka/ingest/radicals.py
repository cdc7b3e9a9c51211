"""Kanji and punctuation that a PDF's text layer wrote as radicals, mapped back, wherever the
text comes from.

Japanese fonts draw some kanji with the glyph of a Kangxi radical (U+2F00–U+2FDF) or of the CJK
radicals supplement (U+2E80–U+2EFF), and PDF producers that write the lowest code point of a glyph
put the radical into the text layer: 「特定個⼈情報」 for 特定個人情報, 「所属⻑」 for 所属長, 「賦課‧収納」
for 賦課・収納. hyoka's own PDF reader maps them back as it reads glyphs; a text that another tool
extracted from such a PDF (pdfminer, markitdown, a viewer's copy) carries them too, and is mapped
back before it is read. The reports never print a radical as itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Kangxi radicals (U+2F00–U+2FDF) fold to their kanji by NFKC except where Japanese fonts draw
# another kanji; the CJK radicals supplement (U+2E80–U+2EFF) is left alone by NFKC but for two.
# These are the code points that share a glyph with an ordinary character in Noto Sans CJK JP
# (read from its cmap): a PDF producer that writes the lowest code point of a glyph into the
# text layer writes these for the kanji and punctuation in the right-hand column.
_SHARED_GLYPHS: Final = {
    "\u2e82": "乛", "\u2e83": "乚", "\u2e85": "亻", "\u2e89": "刂", "\u2e8e": "兀", "\u2e8f": "尣",
    "\u2e90": "尢", "\u2e92": "巳", "\u2e93": "幺", "\u2e94": "彑", "\u2e96": "忄", "\u2e98": "扌",
    "\u2e99": "攵", "\u2e9b": "旡", "\u2e9e": "歺", "\u2e9f": "母", "\u2ea0": "民", "\u2ea1": "氵",
    "\u2ea3": "灬", "\u2ea6": "丬", "\u2ea8": "犭", "\u2eab": "罒", "\u2ead": "礻", "\u2eaf": "糹",
    "\u2eb0": "纟", "\u2eb1": "罓", "\u2eb2": "罒", "\u2eb9": "耂", "\u2eba": "肀", "\u2ebe": "艹",
    "\u2ec2": "衤", "\u2ec3": "覀", "\u2ec4": "西", "\u2ec5": "见", "\u2ec8": "讠", "\u2ec9": "贝",
    "\u2ecb": "车", "\u2ecd": "辶", "\u2ed0": "钅", "\u2ed1": "長", "\u2ed2": "镸", "\u2ed3": "长",
    "\u2ed6": "阝", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞",
    "\u2edf": "飠", "\u2ee0": "饣", "\u2ee2": "马", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤",
    "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉", "\u2eec": "齐", "\u2eed": "歯",
    "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙", "\u2ef2": "亀", "\u2ef3": "龟",
    "\u2f3e": "戸",  # NFKC gives 戶; Japanese fonts draw 戸 with this glyph
    "\u2027": "・", "\u2329": "〈", "\u232a": "〉", "\u2215": "／",
}
_RADICAL_RE: Final = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\u2027\u2329\u232a\u2215]")


def unradical(text: str) -> str:
    """Kangxi and supplement radicals (and glyph-sharing punctuation) back to the characters a
    document means: ⽇ → 日, ⻑ → 長, ‧ → ・. Other characters are untouched (no NFKC of the whole
    text, which would also turn ① into 1 and full-width letters into half-width)."""
    if not _has_radical(text):
        return text
    return _RADICAL_RE.sub(_radical, text)


def _has_radical(text: str) -> bool:
    """Whether ``text`` has a character :data:`_RADICAL_RE` matches. A whole file is asked in C
    first (the pattern tests its class at every character, a third of a millisecond per report):
    its four single characters by scans, and its two blocks (U+2E80–U+2FDF) by the second byte
    of each character's UTF-32 code, 0x2E or 0x2F in both; only a text that has such a byte is
    searched. A short text (a glyph of a PDF) is searched at once."""
    if len(text) < _SCAN_FIRST or "\u2027" in text or "\u2329" in text or "\u232a" in text or "\u2215" in text:
        return _RADICAL_RE.search(text) is not None
    second = text.encode("utf-32-le", "surrogatepass")[1::4]
    return (b"\x2e" in second or b"\x2f" in second) and _RADICAL_RE.search(text) is not None


_SCAN_FIRST: Final = 256  # characters: below this, one search costs less than the scans


def _radical(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHARED_GLYPHS:
        return _SHARED_GLYPHS[ch]
    if "\u2f00" <= ch <= "\u2fdf":
        return unicodedata.normalize("NFKC", ch)
    return ch
