"""Every numbering convention of the forms, recognised in one place.

The forms number their items four ways — Roman section numerals (Ⅲ, III, OCR'd
"Ι"), "3." headings (also "３．"), circled numbers ①② and repeating-group
instances (システム6, 委託事項2, 提供先12, 移転先3, リスク1) with range headers
for empty instances ("システム6〜10"). Lawtext keeps its numbering parsing in
one module so that a new notation is taught once; this module is that place for
hyoka. Readers, the catalogue, the differ and the printed-cell parser all ask
here instead of keeping their own patterns.

The reader asks the same questions of the same cells many times (each line's first cell is
tried as a range header, a risk heading, an instance, a numbered heading), and two versions
of a report share most cells: the answers for a cell's text are remembered (:data:`REMEMBERED`
texts per question, least recently used dropped). Answers are immutable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, TypeVar

CIRCLED: Final = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN_CHARS: Final = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII"}
ROMAN_VALUES: Final = ("I", "II", "III", "IV", "V", "VI", "VII")
# Sections that repeat once per 特定個人情報ファイル in a multi-file report.
FILE_SECTIONS: Final = ("II", "III")

# Repeating groups whose instances a body numbers itself (システム1…N). リスク is numbered by
# the form, but printed reports renumber and garble it, so it is recognised the same way.
GROUP_NAMES: Final = ("システム", "委託事項", "提供先", "移転先")
INSTANCE_NAMES: Final = (*GROUP_NAMES, "リスク")

_GROUPS: Final = "|".join(GROUP_NAMES)
_INSTANCES: Final = "|".join(INSTANCE_NAMES)
_GROUP_RE: Final = re.compile(rf"^({_GROUPS})\s*(\d{{1,3}})$")
_GROUP_LOOKALIKE_RE: Final = re.compile(rf"^({_GROUPS})([0-9lI|iOo]{{1,3}})$")  # "システムl" (OCR)
# "【委託事項1】…", "委託事項1：…", "<システム2>": an instance header as Word reports print it,
# its name (if any) after it in the same cell.
_MARKED_GROUP_RE: Final = re.compile(
    rf"^(?:[【\[〔<(]\s*({_GROUPS})\s*(\d{{1,3}})\s*[】\]〕>)]\s*[:：]?|({_GROUPS})\s*(\d{{1,3}})\s*[:：])\s*(.*)$")
# Its numbers may hold OCR's look-alikes of digits ("委託事項lI～15"), as an instance header's may.
_RANGE_RE: Final = re.compile(rf"^({_GROUPS})\s*[0-9lI|iOo]{{1,3}}\s*[〜~～\-ー－]\s*[0-9lI|iOo]{{1,3}}$")
_INSTANCE_RE: Final = re.compile(rf"^({_INSTANCES})(\d+)$")
_GENERIC_RE: Final = re.compile(rf"^({_GROUPS})(?:\d+|N)$")
_IN_TEXT_RE: Final = re.compile(rf"({_GROUPS})\s*(\d{{1,3}})")
# "リスク2：…", "リスク：…", OCR's "リスク '2: …" (a stray mark before the number), and a Word
# report's "【リスク2】…".
_RISK_RE: Final = re.compile(
    r"^(?:[【\[〔]\s*)?リスク\s*[^\w\s:：;；【】\[\]〔〕]?\s*([0-9lI|iOo]{0,2})\s*(?:[:：;；]|[】\]〕]\s*[:：;；]?)\s*(.*)$")
_RISK_BARE_RE: Final = re.compile(r"^リスク\s*(\d{1,2})$")
_NUMBERED_RE: Final = re.compile(r"^(\d{1,2})\s*[.．]\s*(\S.*)$")
# A heading number as OCR misreads its digits ("l. 特定個人情報ファイル名", "lO. その他のリスク
# 対策"): one or two of them, a look-alike among them, before the dot or its stand-ins.
_LOOKALIKE_NUMBER_RE: Final = re.compile(r"^([0-9lI|iOo]{1,2})(?=\s*[.．,，、･・:：])")
_DIGIT_LOOKALIKES: Final = str.maketrans("lI|iOo", "111100")
_DIGIT_LOOKALIKE_STARTS: Final = frozenset("lI|iOo0123456789")
# The same heading with its dot lost or misread by OCR ("2 基本情報", "3，特定個人情報の入手・使用").
# Only a heading of the form with that very number may be read from it (see the placer).
_LOOSE_NUMBERED_RE: Final = re.compile(r"^(\d{1,2})(?:\s*[,，、･・:：]\s*|\s+)(?=[^\d\s])(\S.*)$")
_ROMAN_HEAD_RE: Final = re.compile(r"^\s*([IVXⅠⅡⅢⅣⅤⅥⅦΙ]{1,4}|[пшv])(?![A-Za-z])\s*[.．]?\s*")
# OCR reads the strokes of I as a lower-case l, a bar or a 1 ("Il 特定個人情報ファイルの概要",
# "lll リスク対策", "11 …"); such a token counts only if it contains one of them, not a lone "1"
# (the digit head below), and reads as a numeral once they are taken for I.
_LOOKALIKE_HEAD_RE: Final = re.compile(r"^\s*([IVXl|1]{1,4})(?![A-Za-z0-9.．])\s*")
_I_LOOKALIKES: Final = str.maketrans("l|1", "III")
# OCR and some extractors print the section numeral as a digit ("3 リスク対策"); never with a dot,
# which would make it a numbered heading ("2. 基本情報").
_DIGIT_HEAD_RE: Final = re.compile(r"^\s*([1-7])\s+(?=\S)")
# "(1)入手元", "1)入手元": a circled number as some text layers print it.
_PAREN_NUMBER_RE = re.compile(r"^[(（]?\s*(\d{1,2})\s*[)）]\s*(?=\S)")
# "2保管期間": a circled number OCR read as its bare digit, in a label key (no spaces); not a
# number of a heading or a count ("2.", "2,000").
_BARE_KEY_NUMBER_RE: Final = re.compile(r"^(\d{1,2})(?=[^\d.．,，)）])")
# A circled number as OCR garbles it, at the head of a label key (keys are NFKC: ＠ is @):
# ① as "(D", "CD" or "Φ", ②-④ and ⑨ as "@", ⑥ as "©", ⑧ as "®". Only before a letter of the
# label ("(DNISC政府機関統一基準群" too), never a digit, a blank or a sign.
GARBLED_CIRCLED: Final = r"(?:\(D|CD|[@©®Φ])"  # the pattern, for other patterns to use
_GARBLED_CIRCLED_RE: Final = re.compile(rf"^{GARBLED_CIRCLED}(?=[A-Za-z]|[^\x00-\x7f©®Φ])")
_GARBLED_CIRCLED_STARTS: Final = frozenset("(C@©®Φ")
# The characters each pattern above can start with (after blanks, for those that allow them):
# tested first, as most lines start otherwise and a test is cheaper than a match.
NUMERAL_STARTS: Final = frozenset("IVXⅠⅡⅢⅣⅤⅥⅦΙпшvl|1234567")  # what a section numeral may start with
_PAREN_NUMBER_STARTS = frozenset("(（")
_MARK_OPENERS: Final = frozenset("【[〔<(")
_RISK_STARTS = frozenset("【[〔リ")
_FILE_SECTION_RE = re.compile(r"^(I{1,3}|IV|V|VI)\((.+)\)$")
_DUPLICATE_RE = re.compile(r"#\d+$")
_CIRCLED_SPLIT_RE = re.compile(f"([{CIRCLED}])")
_CIRCLED_SPACE_RE = re.compile(f"([{CIRCLED}])[ \u3000]+")
REMEMBERED = 16_384
F = TypeVar("F", bound=Callable[..., Any])
_REMEMBERING: list[object] = []


def _remembered(func: F) -> F:
    """lru_cache, listed so that :func:`forget` can empty every remembered answer."""
    cached = lru_cache(maxsize=REMEMBERED)(func)
    _REMEMBERING.append(cached)
    return cached  # type: ignore[return-value]


def forget() -> None:
    """Empty the remembered answers (benchmarks time a first reading; tests compare with one)."""
    for cached in _REMEMBERING:
        cached.cache_clear()  # type: ignore[attr-defined]


@_remembered
def fold(text: str) -> str:
    """NFKC except circled numbers (NFKC would turn ① into 1, merging "①入手元" with "1 入手元").

    Remembered: a reading folds the same labels again and again (each of a group's instances
    prints them), about three times per distinct text."""
    if unicodedata.is_normalized("NFKC", text):
        return text  # the common case, checked in C; a circled number is never NFKC-normal
    if text[:1] in CIRCLED and unicodedata.is_normalized("NFKC", text[1:]):
        return text  # "①事務の名称" (most labels): the number kept, and nothing after it to fold
    parts = _CIRCLED_SPLIT_RE.split(text)  # circled numbers at the odd places, kept as they are
    parts[::2] = [unicodedata.normalize("NFKC", part) if part else part for part in parts[::2]]
    return "".join(parts)


def join_circled(text: str) -> str:
    """"①入手元" for "① 入手元": a space after a circled number is layout, not text."""
    if unicodedata.is_normalized("NFKC", text) or _CIRCLED_SPACE_RE.search(text) is None:
        return text  # no circled number (never NFKC-normal), or none with a space after it
    return _CIRCLED_SPACE_RE.sub(r"\1", text)


def circled_number(ch: str) -> int | None:
    """1 for ①, … 20 for ⑳; None for anything else."""
    idx = CIRCLED.find(ch[:1]) if ch else -1
    return idx + 1 if idx >= 0 else None


def circled(number: int) -> str:
    """"③" for 3."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else str(number)


def starts_circled(text: str) -> bool:
    return bool(text) and text[0] in CIRCLED


def split_circled(key: str) -> tuple[str, str]:
    """("③", "使用目的") for "③使用目的"; ("", key) when the key has no circled number."""
    return (key[0], key[1:]) if key and key[0] in CIRCLED else ("", key)


def roman_value(token: str) -> str | None:
    """Canonical roman numeral ("III") for "Ⅲ", "III" and OCR'd "Ι"; else None."""
    token = token.strip()
    if token in ROMAN_CHARS:
        return ROMAN_CHARS[token]
    folded = unicodedata.normalize("NFKC", token).upper().replace("Ι", "I")
    return folded if folded in ROMAN_VALUES else None


def strip_roman(folded: str) -> tuple[str | None, str]:
    """(numeral as printed or None, the rest) of a folded heading line ("Ⅲ リスク対策" → ("Ⅲ", "リスク対策"))."""
    if folded.lstrip()[:1] not in NUMERAL_STARTS:  # \s is what str.isspace (and lstrip) is
        return None, folded.strip()
    head = _ROMAN_HEAD_RE.match(folded) or _lookalike_head(folded) or _DIGIT_HEAD_RE.match(folded)
    if not head:
        return None, folded.strip()
    return head.group(1), folded[head.end() :].strip()


def _lookalike(token: str) -> str | None:
    """"II" for "Il", "11", "I|"; None unless the token has an I look-alike and then reads as a numeral."""
    if token == "1" or not (set(token) & set("l|1")) or set(token) - set("IVXl|1"):
        return None
    value = token.translate(_I_LOOKALIKES)
    return value if value in ROMAN_VALUES else None


def _lookalike_head(folded: str) -> re.Match[str] | None:
    head = _LOOKALIKE_HEAD_RE.match(folded)
    return head if head and _lookalike(head.group(1)) else None


@_remembered
def paren_to_circled(text: str) -> str | None:
    """"③入手元" for "(3)入手元" or "3)入手元"; None when the text does not start so."""
    folded = fold(text)
    if folded[:1] not in _PAREN_NUMBER_STARTS and not folded[:1].isspace() and not folded[:1].isdecimal():
        return None  # the pattern's first character cannot match (most cells): no match to run
    m = _PAREN_NUMBER_RE.match(folded)
    if not m or not 1 <= int(m.group(1)) <= len(CIRCLED):
        return None
    return circled(int(m.group(1))) + folded[m.end() :]


def garbled_circled(key: str) -> int:
    """The length of a circled number as OCR garbles it at the head of a label key ("@事務の
    概要", "(D入手元", "©使用目的"), 0 when the key does not start with one. Which number it
    was cannot be told; the label after it can."""
    m = _GARBLED_CIRCLED_RE.match(key) if key[:1] in _GARBLED_CIRCLED_STARTS else None
    return m.end() if m else 0


def label_name(key: str) -> str:
    """A label key without its number: "保管期間" for "②保管期間", "2保管期間", "(2)保管期間" or
    "@保管期間". For telling whether two printings of a label are one label: OCR reads the
    same merged cell's circled number as ② on one row, and as 2 or @ on the next."""
    if key[:1] in CIRCLED:
        return key[1:]
    garbled = garbled_circled(key)
    if garbled:
        return key[garbled:]
    if not key[:1].isdecimal() and key[:1] not in _PAREN_NUMBER_STARTS:
        return key
    as_circled = paren_to_circled(key)
    if as_circled is not None:
        return as_circled[1:]
    m = _BARE_KEY_NUMBER_RE.match(key)
    return key[m.end() :] if m and 1 <= int(m.group(1)) <= len(CIRCLED) else key


def _digits_read(folded: str) -> str:
    """``folded`` with a heading number's OCR look-alikes read as digits: "l." or "|，" for "1."
    and "lO." for "10." (l, I, | and i for 1, O and o for 0). "II" stays: it is a section
    numeral (a line that is a section heading never gets here; "I." alone, the section's or
    the heading's, is told apart by its title). Any other text as it is."""
    if folded[:1] not in _DIGIT_LOOKALIKE_STARTS:
        return folded
    m = _LOOKALIKE_NUMBER_RE.match(folded)
    if m is None:
        return folded
    digits = m.group(1).translate(_DIGIT_LOOKALIKES)
    if not digits.isdecimal() or not 1 <= int(digits) <= 20 or m.group(1) == "II":
        return folded
    return digits + folded[m.end(1) :]


@_remembered
def numbered(text: str) -> tuple[str, str] | None:
    """("3", "特定個人情報の入手・使用") for "3. 特定個人情報の入手・使用" (also "３．", and "l."
    for "1.": :func:`_digits_read`)."""
    folded = _digits_read(fold(text))
    m = _NUMBERED_RE.match(folded) if folded[:1].isdecimal() else None  # \d is what isdecimal is
    return (m.group(1), m.group(2).strip()) if m else None


@_remembered
def loosely_numbered(text: str) -> tuple[str, str] | None:
    """("2", "基本情報") for "2 基本情報" or "2，基本情報": a numbered heading whose dot OCR lost
    or misread, or None (also for "2. 基本情報", which :func:`numbered` reads). Values start so
    too ("1 宛名管理機能 …"), so a reader takes it only for a heading of the form that has this
    very number and nearly this title."""
    folded = _digits_read(fold(text))
    if not folded[:1].isdecimal() or _NUMBERED_RE.match(folded):
        return None  # both patterns start with a digit
    m = _LOOSE_NUMBERED_RE.match(folded)
    return (m.group(1), m.group(2).strip()) if m else None


def section_ordinal(segment: str) -> int | None:
    """3 for the section "III" (a file's "III(…)" too); None for any other segment."""
    numeral = segment.partition("(")[0]
    return ROMAN_VALUES.index(numeral) + 1 if numeral in ROMAN_VALUES else None


@_remembered
def group_instance(text: str) -> str | None:
    """"システム6" for an instance header ("システム 6", "システム６", and OCR's "システムl" or
    "提供先1O": l, I, | and i for 1, O and o for 0); None otherwise."""
    compact = fold(text).replace(" ", "")
    if not compact.startswith(GROUP_NAMES):
        return None
    m = _GROUP_RE.match(compact)
    if m is None:
        ocr = _GROUP_LOOKALIKE_RE.match(compact)
        digits = ocr.group(2).translate(_DIGIT_LOOKALIKES) if ocr is not None else ""
        m = _GROUP_RE.match(ocr.group(1) + digits) if ocr is not None and digits.isdecimal() and int(digits) else None
    return f"{m.group(1)}{int(m.group(2))}" if m else None


@_remembered
def marked_group_instance(text: str) -> tuple[str, str] | None:
    """("委託事項1", "住民票の写し等の交付業務") for "委託事項1：住民票の写し等の交付業務" or
    "【委託事項1】住民票の写し等の交付業務" (and "", for the header alone); None otherwise, also
    for a plain "委託事項1" (:func:`group_instance`)."""
    folded = fold(text).strip()
    if folded[:1] not in _MARK_OPENERS and not folded.startswith(GROUP_NAMES):
        return None  # the pattern opens with a bracket or a group's name
    m = _MARKED_GROUP_RE.match(folded)
    if not m:
        return None
    name, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{name}{int(number)}", m.group(5).strip()


@_remembered
def group_range(text: str) -> bool:
    """A range header for empty instances ("システム6〜10"): carries nothing."""
    compact = fold(text).replace(" ", "")
    return compact.startswith(GROUP_NAMES) and bool(_RANGE_RE.match(compact.replace("〜", "~")))


@dataclass(frozen=True)
class RiskHeading:
    """A printed risk heading: "リスク2：不正な提供が行われるリスク" → number 2 and its name."""

    number: int | None
    name: str


@_remembered
def risk_heading(text: str) -> RiskHeading | None:
    """The risk a line opens ("リスク1: …", "リスク：…", a bare "リスク3"); None otherwise."""
    folded = fold(text).strip()
    if folded[:1] not in _RISK_STARTS:
        # Both patterns need リスク first, or a bracket before it (blanks stripped: the first
        # character left is the first of the spaces-only text the bare pattern reads too).
        return None
    m = _RISK_RE.match(folded)
    if m:
        digits = m.group(1).translate(_DIGIT_LOOKALIKES)  # OCR's "リスクl:" is リスク1
        return RiskHeading(int(digits) if digits.isdecimal() else None, m.group(2).strip())
    bare = _RISK_BARE_RE.match(folded.replace(" ", ""))
    return RiskHeading(int(bare.group(1)), "") if bare else None


LineHeads = tuple[bool, RiskHeading | None, str | None, tuple[str, str] | None, tuple[str, str] | None,
                  tuple[str, str] | None]


@_remembered
def line_heads(text: str) -> LineHeads:
    """What a line's first cell says at its head, asked once: (a range header, its risk heading,
    its instance header, its marked instance header (when no plain one), its numbered heading,
    its loosely numbered heading (when no numbered one)). The placer asks every line all of
    them; one remembered answer instead of six (a version's unchanged lines ask again)."""
    instance, heading = group_instance(text), numbered(text)
    return (group_range(text), risk_heading(text), instance,
            marked_group_instance(text) if instance is None else None,
            heading, loosely_numbered(text) if heading is None else None)


def instance_of(segment: str) -> tuple[str, int] | None:
    """("システム", 3) for the path segment "システム3" (any group, リスク included)."""
    m = _INSTANCE_RE.match(segment) if segment.startswith(INSTANCE_NAMES) else None
    return (m.group(1), int(m.group(2))) if m else None


def generic_segment(segment: str) -> str:
    """A path segment as the form names it: duplicate counter, file name and instance number
    dropped ("委託事項3" → "委託事項N", "II(住民票ファイル)" → "II", "⑦再委託の有無#2" → "⑦再委託の有無")."""
    segment = strip_duplicate(segment)
    file_match = _FILE_SECTION_RE.match(segment) if segment[:1] in "IV" else None
    if file_match:
        return file_match.group(1)
    m = _GENERIC_RE.match(segment) if segment.startswith(GROUP_NAMES) else None
    return f"{m.group(1)}N" if m else segment


def file_section(segment: str) -> tuple[str, str] | None:
    """("II", "住民票ファイル") for the section segment of a multi-file report."""
    m = _FILE_SECTION_RE.match(strip_duplicate(segment)) if segment[:1] in "IV" else None
    return (m.group(1), m.group(2)) if m else None


def strip_duplicate(segment: str) -> str:
    """"①入手元" for "①入手元#2" (the second printing of an item)."""
    return _DUPLICATE_RE.sub("", segment) if "#" in segment else segment


def group_in_text(text: str) -> re.Match[str] | None:
    """The first group instance named inside a printed cell ("… システム17 …")."""
    return _IN_TEXT_RE.search(text)


# -- numbering inside a printed 項目 cell ----------------------------------------------------------
# A 変更箇所 cell prints a whole path on one line ("… 5. 特定個人情報の提供・移転 … 提供先9 ①法令上の
# 根拠"); extraction breaks it anywhere, even inside a group's name ("委託 事項3").
_SPACED_GROUPS = "|".join(r"\s?".join(name) for name in GROUP_NAMES)
_MENTION_RE = re.compile(rf"({_SPACED_GROUPS})\s*(\d{{1,3}})(?:\s*[〜~～\-ー－]\s*(\d{{1,3}}))?")
_RISK_MENTION_RE = re.compile(r"リ\s?ス\s?ク\s*(?:(\d{1,2})\s*[:：;；]?|[:：;；])")
_NUMBERED_IN_TEXT_RE = re.compile(r"(?<![\d,.．])(\d{1,2})\s*[.．]\s*(?=\D)")
# Cyrillic letters OCR reads for Ⅱ and Ⅲ (strip_roman accepts them as numerals).
_OCR_NUMERALS = {"п": "II", "П": "II", "ш": "III", "Ш": "III"}


@dataclass(frozen=True)
class InstanceMention:
    """A group instance named inside a printed cell: "提供先9", "委託 事項3", or a range
    "提供先1〜75" (the row then concerns every instance, so only the group matters)."""

    group: str
    number: int
    last: int | None
    start: int
    end: int

    @property
    def generic(self) -> str:
        """The catalogue segment of the group ("提供先N")."""
        return f"{self.group}N"


@dataclass(frozen=True)
class RiskMention:
    """A risk heading inside a printed cell ("リスク2:", "リスク 3", "リスク:"); its printed name follows."""

    number: int | None
    start: int
    end: int


def find_instance(text: str) -> InstanceMention | None:
    """The first group instance named in ``text`` (folded), tolerating spaces inside the group's name."""
    m = _MENTION_RE.search(text)
    if not m:
        return None
    last = int(m.group(3)) if m.group(3) else None
    return InstanceMention(m.group(1).replace(" ", ""), int(m.group(2)), last, m.start(), m.end())


def find_risk(text: str) -> RiskMention | None:
    """The first risk heading in ``text`` (folded): "リスク" with a number or a colon, never the word
    inside "リスク対策" or "…されるリスク"."""
    m = _RISK_MENTION_RE.search(text)
    if not m:
        return None
    return RiskMention(int(m.group(1)) if m.group(1) else None, m.start(), m.end())


def find_numbered(text: str) -> re.Match[str] | None:
    """The first "3." heading number inside ``text`` (folded); group(1) is the number. Digits that
    continue a number ("1.5", "第1,2.") do not start one."""
    return _NUMBERED_IN_TEXT_RE.search(text)


def section_numeral(token: str) -> str | None:
    """Canonical numeral ("II") of a printed section numeral as :func:`strip_roman` returns it,
    OCR's Cyrillic look-alikes included ("п" → "II"); None if the token is none."""
    return _OCR_NUMERALS.get(token.strip()) or roman_value(token) or _lookalike(token.strip())


_BARE_NUMBER_RE = re.compile(r"^(\d{1,2})\s*[.．]$")


def heading_number(word: str) -> int | None:
    """3 for a word that is only a heading number ("3.", "３．"), as extraction leaves it when the
    title went to the next line; None otherwise."""
    m = _BARE_NUMBER_RE.match(fold(word).strip())
    return int(m.group(1)) if m else None
