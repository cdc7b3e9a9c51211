"""Match a printed label to the catalogue entries the form allows at that point.

Printed labels come out of PDF extraction and OCR: broken over lines, with
spaces inside ("① 入手元"), with a character misread ("納稅", "入手方 法"),
with the value run on in the same cell. The reader asks this module, for one
line, which of a handful of candidate entries it names, and how sure it is.

Similarity is rapidfuzz's normalised Indel ratio (0–100) on comparison keys
(NFKC, no spaces, no ※). The threshold is 80: one wrong character in a label
of five or more characters scores 80–90, two in one of ten or more 80, while
two different labels of the forms that share words ("その必要性"/"その妥当性",
"使用部署"/"使用者数") score 60 or less. Labels of three characters or fewer
("期間", "部署") must match exactly: one wrong character is a third of them.
Circled numbers must agree when both sides print one, and then count as one
more matching character (so "③使用日的" still names ③使用目的); OCR that reads
⑥ as a plain "6", or garbles a circled number ("@", "(D": numbering.garbled_circled),
is accepted at a small cost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz

from hyoka.forms import Entry
from hyoka.normalize import label_key, nfkc_keep_circled
from hyoka.numbering import CIRCLED, circled, garbled_circled, instance_of, split_circled

THRESHOLD: Final = 80.0
EXACT_ONLY_LENGTH: Final = 3
_CIRCLED_MISMATCH: Final = 25.0
_DIGIT_FOR_CIRCLED: Final = 5.0
_ANY_CIRCLED: Final = "?"  # a circled number OCR garbled (_pseudo_circled)
# Trailing debris a key drops ("変更の妥当性 —", "①入手元：").
_TRAILING_NOISE: Final = "—-–―:：.。、,÷|"
_LEADING_DIGITS_RE: Final = re.compile(r"^(\d{1,2})(?=\D)")
_KEY_DROPPED: Final = " \t※*"
_NO_CIRCLED: Final = dict.fromkeys(map(ord, CIRCLED))
# What separates a label from a value run on in its cell (full-width forms included).
_SEPARATORS: Final = " \t※*\u3000＊"
# A numbered heading whose first 8 title characters are printed right is that heading, if its
# number agrees (85 + the placer's number bonus of 10 clears the 90 needed to infer a section).
TITLE_COMMON_PREFIX: Final = 8
TITLE_PREFIX_SCORE: Final = 85.0
# OCR reads the katakana middle dot of "時期・頻度" as a Latin middle dot or a bullet.
_DOTS: Final = str.maketrans({"·": "・", "•": "・", "∙": "・"})


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Comparison key of a printed label: width-folded, no spaces or ※, no trailing debris."""
    folded = label_key(text)
    if "·" in folded or "•" in folded or "∙" in folded:  # translate() looks up every character; most keys have none
        folded = folded.translate(_DOTS)
    return folded.rstrip(_TRAILING_NOISE)


@dataclass(frozen=True)
class Match:
    """A catalogue entry a printed label names, with the similarity (100: exactly)."""

    entry: Entry
    score: float
    name: str

    @property
    def exact(self) -> bool:
        return self.score >= 100.0


@lru_cache(maxsize=4096)
def names(entry: Entry) -> tuple[str, ...]:
    """The keys an entry may be printed as: its label, its aliases and (risks, numbered
    headings) its title."""
    found: list[str] = []
    segment = entry.segment
    if not segment.isdigit() and instance_of(segment) is None and not segment.endswith("N") and segment != "リスク":
        found.append(segment)
    found += list(entry.aliases)
    if entry.title and (segment.isdigit() or segment.startswith("リスク")):
        found.append(entry.title)
    return tuple(dict.fromkeys(key(n) for n in found if key(n)))


def _pseudo_circled(printed: str) -> tuple[str, str, float]:
    """(circled number, label, cost) of a printed key, reading a leading "6" as ⑥ and a garbled
    circled number ("@", "(D": :func:`~hyoka.numbering.garbled_circled`) as any (OCR)."""
    number, label = split_circled(printed)
    if number:
        return number, label, 0.0
    digits = _LEADING_DIGITS_RE.match(printed) if printed[:1].isdecimal() else None  # \d: isdecimal
    if digits and 1 <= int(digits.group(1)) <= len(CIRCLED):
        return circled(int(digits.group(1))), printed[digits.end() :], _DIGIT_FOR_CIRCLED
    garbled = garbled_circled(printed)
    if garbled:
        return _ANY_CIRCLED, printed[garbled:], _DIGIT_FOR_CIRCLED
    return "", printed, 0.0


def similarity(printed: str, name: str) -> float:
    """How well the printed key names ``name`` (both keys), 0–100."""
    return _similarity(printed, name, *split_circled(name), _readings(printed))


# How a printed key reads against a name with a circled number ((its circled number, label,
# cost): _pseudo_circled) and against a name without one ((label, cost)).
Readings = tuple[tuple[str, str, float], tuple[str, float]]


def _readings(printed: str) -> Readings:
    """The :data:`Readings` of a printed key, worked out once for all the names it is scored against."""
    plain = (printed[1:], _DIGIT_FOR_CIRCLED) if printed and printed[0] in CIRCLED else (printed, 0.0)
    return _pseudo_circled(printed), plain


def _similarity(printed: str, name: str, name_number: str, name_label: str, readings: Readings) -> float:
    """:func:`similarity` with ``name`` already split into its circled number and label."""
    if printed == name:
        return 100.0
    if name_number:
        number, label, cost = readings[0]
        if number == _ANY_CIRCLED:
            number = ""  # garbled: no number to disagree with, nor to agree with
        elif number and number != name_number:
            cost += _CIRCLED_MISMATCH
    else:
        number = ""
        label, cost = readings[1]
    if label == name_label:
        return 100.0 - cost if cost else 99.0
    if len(name_label) <= EXACT_ONLY_LENGTH or len(label) <= EXACT_ONLY_LENGTH - 1:
        return 0.0
    if number and number == name_number:
        # The agreeing circled number is evidence too: "③使用日的" is ③使用目的 (80).
        return fuzz.ratio(number + label, name) - cost
    return fuzz.ratio(label, name_label) - cost


# One name an entry may be printed as: (entry, name, its length, its circled number, its label).
NameRow = tuple[Entry, str, int, str, str]


def name_table(entries: list[Entry]) -> tuple[NameRow, ...]:
    """The names of ``entries`` in print order, split once, for :func:`best_in` (a reader asks
    the same few children of an item about hundreds of lines)."""
    return tuple((entry, name, len(name), *split_circled(name)) for entry in entries for name in names(entry))


def too_far_apart(printed: int, name: int) -> bool:
    """Whether keys of these lengths cannot reach THRESHOLD, so similarity need not run.

    similarity compares the printed key, less at most two leading characters (a circled number
    or the digits OCR printed for one), with the name, less at most its circled number; equal
    labels need lengths within 2. An Indel ratio is at most 100 × (1 − |a − b| / (a + b)), so
    with d = |printed − name| it is below THRESHOLD when 100 × (d − 2) > (100 − THRESHOLD) × (printed + name).
    """
    low, high = length_window(printed)
    return not low <= name <= high


def length_window(printed: int, threshold: float = THRESHOLD, allowance: int = 2) -> tuple[float, float]:
    """The name lengths n a printed key of this length can reach ``threshold`` with (see
    :func:`too_far_apart`): 100 × (|printed − n| − allowance) ≤ (100 − threshold) × (printed + n),
    solved for n on either side of ``printed``. ``allowance``: the characters similarity may
    leave out of either side (2 for its circled numbers; 0 for a plain Indel ratio)."""
    slack = 100 - threshold
    return (((100 - slack) * printed - 100 * allowance) / (100 + slack),
            ((100 + slack) * printed + 100 * allowance) / (100 - slack))


# length_window of the key lengths a label can have (a longer key is worked out when asked).
_WINDOWS: Final = tuple(length_window(length) for length in range(128))


def best(printed: str, entries: list[Entry]) -> Match | None:
    """The entry among ``entries`` the printed key names best, if any reaches the threshold
    (the first in print order on a tie)."""
    return best_in(printed, name_table(entries))


def best_in(printed: str, table: tuple[NameRow, ...]) -> Match | None:
    """:func:`best` over a :func:`name_table`."""
    if not printed:
        return None
    winner: Match | None = None
    length = len(printed)
    # too_far_apart, once per key (this loop runs for every line), for most keys from a table
    low, high = _WINDOWS[length] if length < len(_WINDOWS) else length_window(length)
    readings: Readings | None = None  # worked out for the first name in the window
    for entry, name, name_length, name_number, name_label in table:
        if not low <= name_length <= high:
            continue
        if readings is None:
            readings = _readings(printed)
        score = _similarity(printed, name, name_number, name_label, readings)
        if score >= THRESHOLD and (winner is None or score > winner.score):
            winner = Match(entry, score, name)
            if score >= 100.0:
                return winner
    return winner


def prefix(printed: str, entries: list[Entry], *, min_length: int = 4) -> Match | None:
    """An entry whose whole name starts the printed key (a label with its value run on in the
    same cell, "①入手元 ※ [○] 本人…"); the longest such name wins."""
    return prefix_in(printed, name_table(entries), min_length=min_length)


def prefix_in(printed: str, table: tuple[NameRow, ...], *, min_length: int = 4) -> Match | None:
    """:func:`prefix` over a :func:`name_table`. A circled number OCR printed as its digit or
    garbled ("2事務の内容 …", "@事務の内容 …") starts a name too: the match's name is then the
    head of the printed key it covers, so that its length is what the label takes of the cell."""
    winner: Match | None = None
    longest = 0
    length = len(printed)
    readings: tuple[str, str, float] | None = None
    for entry, name, name_length, name_number, name_label in table:
        # A circled number is one more character of evidence: "①部署" may start a cell.
        shortest = min_length - 1 if name_number else min_length
        if name_length < shortest:
            continue
        if longest < name_length < length and printed.startswith(name):
            winner, longest = Match(entry, 100.0, name), name_length
        elif name_number and printed[:1] not in CIRCLED:
            if readings is None:
                readings = _pseudo_circled(printed)
            number, label, _ = readings
            if number in (name_number, _ANY_CIRCLED) and label.startswith(name_label):
                head = length - len(label) + len(name_label)
                if longest < head < length:
                    winner, longest = Match(entry, 100.0, printed[:head]), head
    return winner


def read_head(match: Match) -> bool:
    """Whether a :func:`prefix_in` match was read through a circled number OCR printed as a digit
    or garbled (its name is the printed head, not a name of the entry): the number cannot tell
    siblings apart ("@安全管理体制・規程…" may be ②安全管理体制 and a value, or ④ misread), so the
    caller wants a visible boundary after it."""
    return match.name[:1] not in CIRCLED and match.name not in names(match.entry)


def split_after(text: str, consumed: int) -> str:
    """What follows the first ``consumed`` key characters of a printed text (spaces and ※,
    which keys drop, are skipped on the way)."""
    return split_label(text, consumed)[0]


def _label_end(text: str, consumed: int) -> int | None:
    """Index in ``text`` just after its first ``consumed`` key characters (None if it has fewer).
    Characters are counted as the key folds them, one printed character at a time."""
    prefix = text[:consumed]
    if len(prefix) == consumed and prefix.split() == [prefix] and "※" not in prefix and "*" not in prefix and (
            unicodedata.is_normalized("NFKC", prefix)
            or (prefix[0] in CIRCLED and unicodedata.is_normalized("NFKC", prefix[1:]))):
        # The label printed as its key prints it (most labels): no blank, no ※ or *, nothing NFKC
        # folds, so each character is one key character. A circled number is not NFKC-normal,
        # but keys keep it as it is: one first ("①事務の名称") is one key character too.
        return consumed
    return _label_end_walk(text, consumed)


def _label_end_walk(text: str, consumed: int) -> int | None:
    """:func:`_label_end`, counting one printed character at a time."""
    seen = 0
    # Most cells: one key character per printed one (a circled number is kept as one, too). Only
    # the head of the cell is looked at (a label with a long value run on is common); past it,
    # characters are counted one by one, as in a cell that is not NFKC-normal.
    head = text[: 2 * consumed + 16]
    plain = len(head) if unicodedata.is_normalized("NFKC", head.translate(_NO_CIRCLED)) else 0
    for idx, ch in enumerate(text):
        if idx < plain:
            counted = 0 if ch in _KEY_DROPPED or ch.isspace() else 1
        else:
            counted = sum(1 for folded in nfkc_keep_circled(ch) if folded not in _KEY_DROPPED and not folded.isspace())
        if not counted:
            continue
        seen += counted
        if seen >= consumed:
            return idx + 1
    return None


def split_label(text: str, consumed: int) -> tuple[str, bool]:
    """(what follows the first ``consumed`` key characters, whether a space, ※ or colon separates
    it): a separator is how a printed cell shows where its label ends and its value starts.

    The value is returned as printed: "（" stays "（" in a value run on after its label, as it
    does in a value printed in a cell of its own."""
    end = _label_end(text, consumed)
    if end is None:
        return "", False
    tail = text[end:]
    after_colon = tail.lstrip(_SEPARATORS)
    if after_colon[:1] in (":", "："):  # "①事務の名称：…", as Word-made reports print it
        return after_colon[1:].strip(_SEPARATORS), True
    return tail.strip(_SEPARATORS), tail[:1] in _SEPARATORS


def label_of(text: str, consumed: int) -> str:
    """The label part of a cell whose first ``consumed`` key characters are its label, as printed,
    with the ※ of a ※ item that sits between label and value ("①ファイルの種類 ※：[…]")."""
    end = _label_end(text, consumed)
    if end is None:
        return text.strip()
    rest = text[end:]
    between = rest[: len(rest) - len(rest.lstrip(_SEPARATORS + ":："))]
    return f"{text[:end].strip()} ※" if "※" in between else text[:end].strip()


def title_score(printed: str, title: str) -> tuple[float, int]:
    """(similarity, title key characters the printed text covers) of a numbered heading's title;
    a value may follow the title in the same cell, and OCR may cut the title short."""
    if printed == title or printed.startswith(title):
        return 100.0, len(title)
    if len(printed) >= 6 and title.startswith(printed):
        return 95.0, len(printed)
    whole = fuzz.ratio(printed, title)
    # Only a common start of TITLE_COMMON_PREFIX characters or more counts, and most titles a
    # line is scored against differ within it: one slice comparison rules those out.
    same_start = printed[:TITLE_COMMON_PREFIX] == title[:TITLE_COMMON_PREFIX]
    common = _common_prefix(printed, title) if same_start else 0
    if common >= TITLE_COMMON_PREFIX:
        # "4. 特定個人情報ファイル 2.10.": OCR kept the title's start and garbled the rest.
        whole = max(whole, TITLE_PREFIX_SCORE)
        if len(printed) > common:
            return whole, common
    if len(printed) > len(title):
        head = fuzz.ratio(printed[: len(title)], title)
        if head > whole:
            return head, len(title)
    return whole, len(printed)


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share."""
    pairs = zip(a, b, strict=False)
    return next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(a), len(b)))
