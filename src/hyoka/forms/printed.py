"""Read the 項目 cell of a published 変更箇所 row back into a catalogue path.

Bodies write the changed item as printed text ("II 特定個人情報ファイルの概要 3. 特定個人情報の
入手・使用 ③使用目的 ※"), and extraction damages it: the cell is cut at a page or column
break ("る。) 提供先12 ①法令上 の根拠", "Ⅱ 特定個人情報ファイルの概要 4. 特定個人情報ファ"),
numerals are misread (Ⅱ as I or Ⅲ, "Jスク対策"), labels break over lines. Whether the row
concerns a ※ item depends on which item it names, so the cell is read against the form
catalogue, the way a person reads it: the catalogue tree is walked from the section down,
each level accepting only what the form has at that point.

- Section: its title decides, abbreviated ("概要", "Ⅳその他") or garbled; a printed numeral
  alone is weaker evidence, since OCR confuses Ⅰ/Ⅱ/Ⅲ.
- "N." heading: accepted by its number when the printed title agrees loosely with the form's
  (it may be cut or garbled), or when no title is printed.
- Group instances (システムN 委託事項N 提供先N 移転先N) and risks (リスクN, or the risk's
  printed name: a name that clearly names another risk overrides a misread number).
- Labels, circled or not, matched by similarity (:mod:`hyoka.forms.match`) among the
  descendants of what was resolved so far; a label split by a space or cut short still names
  its item, and a label whose circled number disagrees names the item its words name.

A level left out (the cell lost its start, or the body skipped it) is inferred when the next
thing printed occurs once below what is resolved (the whole catalogue, when no section is);
when it occurs in several places, their common ancestor is as far as the cell goes. Each
reading is scored and the best wins, so a wrong numeral loses to a title that leads further.
Whatever is not read is returned as a last segment: the caller then knows the cell names
something the catalogue does not list below that entry.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz

from hyoka.forms import Catalogue, Entry
from hyoka.forms.match import THRESHOLD, best, key, names, prefix, similarity
from hyoka.model import ItemPath
from hyoka.normalize import collapse_space, nfkc_keep_circled
from hyoka.numbering import (
    CIRCLED,
    find_instance,
    find_numbered,
    find_risk,
    heading_number,
    instance_of,
    join_circled,
    numbered,
    section_numeral,
    split_circled,
    starts_circled,
    strip_roman,
)

__all__ = ["find_printed"]

# Evidence per level, 0–100. A heading or risk title may be garbled more than a label before
# the reading gives up on it, because its number agrees too.
TITLE_AGREEMENT = 70.0
SECTION_AGREEMENT = 80.0
WHOLE_TITLE = 95.0
NUMERAL_ONLY = 60.0
NUMBER_ONLY = 85.0
CUT_LABEL_MIN = 4
CUT_LABEL = 85.0
SKIP_COST = 12.0
MAX_SKIPPED = 2
SKIPPABLE_LENGTH = 6
MAX_LABEL_WORDS = 8
LEFTOVER_COST = 10.0
INFERRED_COST = 5.0
UNANCHORED_THRESHOLD = 90.0
NAME_AGREEMENT = 85.0
UNTITLED_COST = 15.0
UNNUMBERED_COST = 10.0
ANCESTOR = 55.0
# A step adds its evidence above chance: a reading that splits words into more, weaker steps
# does not win over one that reads them as one good match.
BASELINE = 50.0
TIE = 2.0

_TAG_RE = re.compile(r"<[^>]*>")
# "※(7. ②を除く。)": a ※ note, whose "7." is no heading of the cell.
_STAR_NOTE_RE = re.compile(r"※\s*[(（][^()（）]*[)）]")
# "(住民基本台帳ファイル)": the 特定個人情報ファイル a multi-file report's section is about. No
# parenthesis of the forms themselves ends in ファイル.
_FILE_NOTE_RE = re.compile(r"[(（][^()（）]*ファイル\s*[)）]")
_BEFORE_CIRCLED_RE = re.compile(f"(?<=\\S)(?=[{CIRCLED}])")
# A body's own attachment (別紙2 No.3 …), also with its 別 lost to the next column: not a form item.
_ATTACHMENT_RE = re.compile(r"^[(（]?別?紙\s*\d")
_APPENDIX_RE: Final = re.compile(r"^[(（]?別添\s*(\d)\s*[)）]?")


def _clean(cell: str) -> str:
    """The cell folded to one line of words: no markup, ※ or file-name notes; circled numbers
    joined to their label and starting a word; instances and risks words of their own."""
    text = html.unescape(_TAG_RE.sub(" ", cell))
    text = nfkc_keep_circled(text).replace("\n", " ")
    text = _STAR_NOTE_RE.sub(" ", text)
    text = _FILE_NOTE_RE.sub(" ", text)
    text = text.replace("※", " ").replace("*", " ")
    text = join_circled(text)
    text = _BEFORE_CIRCLED_RE.sub(" ", text)
    return collapse_space(_separate_mentions(text))


def _separate_mentions(text: str) -> str:
    """Spaces around each instance ("…使用するシステム5 ①" → "…使用する システム5 ①") and
    after each risk heading ("リスク1:特定…" → "リスク1: 特定…"), so that they are words."""
    out: list[str] = []
    while text:
        found = [m for m in (find_instance(text), find_risk(text)) if m is not None]
        if not found:
            break
        first = min(found, key=lambda m: m.start)
        out += [text[: first.start], " ", text[first.start : first.end].replace(" ", ""), " "]
        text = text[first.end :]
    return "".join(out) + text


def _compact(text: str) -> str:
    """Comparison key of printed words without leading punctuation or symbols ("®使用方法",
    "(3…", "、…"): OCR debris before a label is never part of it."""
    folded = key(text)
    start = 0
    while start < len(folded) and folded[start] not in CIRCLED and unicodedata.category(folded[start])[0] in "PS":
        start += 1
    return folded[start:]


def _words(text: str) -> list[str]:
    return [w for w in text.split(" ") if w]


def _numbering(word: str) -> bool:
    """A word that starts a level above labels: a "3." heading, a group instance, a risk."""
    mention = find_instance(word) or find_risk(word)
    numbered_ = numbered(word) is not None or heading_number(word) is not None
    return numbered_ or (mention is not None and mention.start == 0)


def _structural(word: str) -> bool:
    """A word that numbers something (①…, "3.", リスク2, 提供先9): never skipped as debris."""
    return starts_circled(word) or _numbering(word)


# -- agreement of printed titles ---------------------------------------------------------------------


def title_agreement(printed: str, title: str, *, cut: bool = True) -> float:
    """How well printed words name a heading or risk title, 0–100. A title printed short scores by
    how much of it is printed, less when words follow that are no next level (``cut`` False: a
    body's abbreviation, or debris); a garbled one by similarity, to the whole title or, where the
    cell may have been cut, to as much of it as is printed."""
    p, t = _compact(printed), key(title)
    if not p or not t:
        return 0.0
    if p == t:
        return 100.0
    if len(p) > len(t) + 2:
        return 0.0
    coverage = min(len(p), len(t)) / len(t)
    if t.startswith(p) and len(p) >= 2:
        return (80.0 if cut else 70.0) + 20.0 * coverage
    whole = fuzz.ratio(p, t)
    start = fuzz.ratio(p, t[: len(p)]) - 20.0 * (1.0 - coverage) if cut and len(p) >= 4 else 0.0
    return max(whole, start)


def section_agreement(printed: str, title: str) -> float:
    """How well printed words name a section title: reports abbreviate it ("概要" for 特定個人情報
    ファイルの概要, "その他" for その他のリスク対策) and OCR garbles it ("Jスク対策")."""
    p, t = _compact(printed), key(title)
    if len(p) < 2 or not t:
        return 0.0
    if p == t:
        return 100.0
    if p in t:
        return 90.0
    if t in p and len(p) <= len(t) + 2:
        return 90.0
    common = SequenceMatcher(None, p, t, autojunk=False).find_longest_match(0, len(p), 0, len(t)).size
    if common >= 4 and len(p) - common <= 2:
        return 80.0
    return float(fuzz.ratio(p, t))


_Step = tuple[tuple[Entry, ...], str, float]


# -- the walk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """Entries a cell's words resolve below a node, the words left over, and the evidence."""

    entries: tuple[Entry, ...]
    rest: str
    score: float


class _Walker:
    """One catalogue's reader; readings of (node, remaining words) are remembered per cell."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._memo: dict[tuple[tuple[str, ...], str], _Reading] = {}

    def read(self, text: str) -> _Reading:
        return self.below((), text)

    def below(self, node: tuple[str, ...], rest: str) -> _Reading:
        """The best reading of ``rest`` under ``node`` (() is the root: the cell's start)."""
        memo_key = (node, rest)
        if memo_key not in self._memo:
            steps = self._section_steps(rest) if not node else list(self._steps(node, rest))
            if not node and not steps:
                steps = list(self._inferred_steps((), rest, root=True))
            # At the cell's start, anything read beats nothing: every step passed a threshold.
            found = _Reading((), rest, -self._leftover_cost(rest) if node else float("-inf"))
            for entries, after, score in steps:
                deeper = self.below(entries[-1].path, after)
                total = score - BASELINE + deeper.score
                if total > found.score:
                    found = _Reading(entries + deeper.entries, deeper.rest, total)
            self._memo[memo_key] = found
        return self._memo[memo_key]

    def _leftover_cost(self, rest: str) -> float:
        if not rest or self.spill(rest):
            return 0.0
        return min(float(len(_compact(rest))), LEFTOVER_COST)

    def spill(self, rest: str) -> bool:
        """Whether leftover words are the start of the next row's cell ("… ⑥提供方法 II 特定個人
        情報ファイ"), which extraction joined to this one: a numeral and a section title."""
        numeral, title = strip_roman(rest)
        value = section_numeral(numeral) if numeral else None
        entry = self.catalogue.by_path.get((value,)) if value else None
        return entry is not None and section_agreement(title, entry.title) >= SECTION_AGREEMENT

    # -- steps: (entries added, words left, evidence) -----------------------------------------------

    def _section_steps(self, text: str) -> list[_Step]:
        """Sections the cell may start with: by title, with its numeral (I, Ⅱ, 別添1) as a bonus,
        or by the numeral alone when the title is absent (or unreadable before a "N." heading)."""
        appendix = _APPENDIX_RE.match(text)
        if appendix:
            numeral: str | None = f"別添{appendix.group(1)}"
            body = text[appendix.end() :].strip()
        else:
            printed, body = strip_roman(text)
            numeral = section_numeral(printed) if printed else None
        heading = find_numbered(body)
        limit = heading.start() if heading else len(body)
        ends = sorted({0, limit, *(i for i in _boundaries(body) if i <= limit)})
        # With neither numeral nor "N." heading, only a title printed whole says it is a section
        # ("その他" alone is as likely an option printed in a value).
        needed = SECTION_AGREEMENT if numeral or heading else WHOLE_TITLE
        steps: list[_Step] = []
        for entry in self.catalogue.sections():
            named = entry.segment == numeral
            if not entry.title and not named:
                continue
            for end in ends:
                agreement = section_agreement(body[:end], entry.title) if end else 0.0
                if agreement >= needed:
                    score = 50.0 + agreement / 2 + (10.0 if named else 0.0)
                elif named and (end == 0 or (heading is not None and end == limit)):
                    score = NUMERAL_ONLY
                else:
                    continue
                steps.append(((entry,), body[end:].strip(), score))
        return steps

    def _steps(self, node: tuple[str, ...], rest: str) -> Iterator[_Step]:
        if not rest:
            return
        yield from self._heading_steps(node, rest)
        yield from self._inferred_steps(node, rest, root=False)

    def _heading_steps(self, node: tuple[str, ...], rest: str) -> Iterator[_Step]:
        """A "N." heading of this section, by its number, with as much of the following words as
        agree with its title (none, if the next word numbers something below it)."""
        found = numbered(rest)
        if found is None:
            return
        child = self.catalogue.by_path.get((*node, str(int(found[0]))))
        if child is not None:
            yield from self._titled((child,), found[1], NUMBER_ONLY)

    def _titled(self, lineage: tuple[Entry, ...], after: str, bare: float) -> Iterator[_Step]:
        """A heading or risk (the last of ``lineage``) followed by its printed title, cut anywhere."""
        entry = lineage[-1]
        words = _words(after)
        yield lineage, after, bare if not words or _structural(words[0]) else bare - UNTITLED_COST
        titles = [t for t in (entry.title, *entry.aliases) if t]
        for end in _title_ends(after, titles):
            cut = _ends_title(after[end:])
            agreement = max((title_agreement(after[:end], t, cut=cut) for t in titles), default=0.0)
            if agreement >= TITLE_AGREEMENT:
                yield lineage, after[end:].strip(), 50.0 + agreement / 2

    def _inferred_steps(self, node: tuple[str, ...], rest: str, *, root: bool) -> Iterator[_Step]:
        """Instances, risks and labels, after at most two words of debris."""
        words = _words(rest)
        for skip in range(min(MAX_SKIPPED, len(words) - 1) + 1):
            if skip and not _debris(words[skip - 1], root):
                break
            tail = " ".join(words[skip:])
            cost = SKIP_COST * skip + (INFERRED_COST if root else 0.0)
            for entries, after, score in (*self._mentions(node, tail), *self._labels(node, words[skip:])):
                yield entries, after, score - cost

    def _mentions(self, node: tuple[str, ...], tail: str) -> Iterator[_Step]:
        """A group instance or a risk heading starting ``tail``."""
        instance = find_instance(tail)
        if instance is not None and instance.start == 0:
            hits = [e for e in _descendants(self.catalogue, node) if e.segment == instance.generic]
            lineage, exact = _settle(self.catalogue, node, hits)
            if lineage:
                yield (lineage, tail[instance.end :].strip(), 100.0) if exact else (lineage, tail, ANCESTOR)
            return
        risk = find_risk(tail)
        if risk is not None and risk.start == 0:
            yield from self._risks(node, risk.number, tail[risk.end :].strip(), tail)

    def _risks(self, node: tuple[str, ...], number: int | None, after: str, tail: str) -> Iterator[_Step]:
        """A printed risk: its number picks it when its printed name agrees (or none is printed); a
        name that clearly names another risk wins over a misread number."""
        risks = [e for e in _descendants(self.catalogue, node) if _is_risk(e.segment)]
        by_number = [e for e in risks if number and e.segment == f"リスク{number}"]
        by_number = by_number or [e for e in risks if e.segment == "リスク"]
        lineage, exact = _settle(self.catalogue, node, by_number)
        if lineage and exact:
            yield from self._titled(lineage, after, NUMBER_ONLY)
        elif lineage:
            yield lineage, tail, ANCESTOR
        for end in _title_ends(after, [e.title for e in risks]):
            cut = _ends_title(after[end:])
            agreements = {e.path: title_agreement(after[:end], e.title, cut=cut) for e in risks if e not in by_number}
            named = [e for e in risks if agreements.get(e.path, 0.0) >= NAME_AGREEMENT]
            lineage, exact = _settle(self.catalogue, node, named)
            if lineage and exact:
                yield lineage, after[end:].strip(), agreements[lineage[-1].path] - 10.0

    def _labels(self, node: tuple[str, ...], words: list[str]) -> Iterator[_Step]:
        """A label made of the next words (a label broken by a space spans two), matched among
        the children, then among the items under a risk or instance, then anywhere below."""
        if not words or _numbering(words[0]):
            return
        for end in range(1, min(len(words), MAX_LABEL_WORDS) + 1):
            printed = _compact("".join(words[:end]))
            if len(printed) < 2:
                continue
            found = _label(self.catalogue, node, printed)
            if found is not None:
                lineage, score, exact = found
                rest = " ".join(words[end:] if exact else words)
                yield lineage, rest, score if exact else ANCESTOR


# -- the catalogue tree ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _descendants(catalogue: Catalogue, node: tuple[str, ...]) -> tuple[Entry, ...]:
    """Every entry below ``node``, in print order."""
    depth = len(node)
    return tuple(e for e in catalogue.entries if len(e.path) > depth and e.path[:depth] == node)


def _settle(catalogue: Catalogue, node: tuple[str, ...], hits: list[Entry]) -> tuple[tuple[Entry, ...], bool]:
    """The entries from ``node`` down to the one hit (exact), or down to the deepest ancestor all
    hits share (not exact; nothing when that is ``node`` itself)."""
    if not hits:
        return (), False
    common = hits[0].path
    for hit in hits[1:]:
        shared = 0
        while shared < min(len(common), len(hit.path)) and common[shared] == hit.path[shared]:
            shared += 1
        common = common[:shared]
    if len(common) <= len(node):
        return (), False
    by_path = catalogue.by_path
    lineage = tuple(by_path[common[:n]] for n in range(len(node) + 1, len(common) + 1) if common[:n] in by_path)
    return lineage, len(hits) == 1


@lru_cache(maxsize=65536)
def _label(catalogue: Catalogue, node: tuple[str, ...], printed: str) -> tuple[tuple[Entry, ...], float, bool] | None:
    """(lineage, score, exact) of the entry below ``node`` that printed words name: a child first,
    then an item under a risk or group instance, then any item below. Several equally good
    items give their common ancestor (not exact). With nothing read yet (``node`` is the root),
    the words must name the item nearly whole: a cut label or one with its value run on, which
    the context makes safe below a heading, could be any text there."""
    children = catalogue.children(node)
    through = [g for c in children if _passable(c.segment) for g in catalogue.children(c.path)]
    loose = bool(node)
    threshold = THRESHOLD if loose else UNANCHORED_THRESHOLD
    for level, candidates in enumerate((children, through, _descendants(catalogue, node))):
        scored = [(e, s) for e in candidates if (s := _label_score(printed, e, loose=loose)) >= threshold]
        if not scored:
            continue
        top = max(s for _, s in scored)
        winners = [e for e, s in scored if s >= top - TIE]
        if level == 0 and len(winners) > 1:
            match = best(printed, winners)
            winners = [match.entry] if match is not None and match.exact else winners
        lineage, exact = _settle(catalogue, node, winners)
        return (lineage, top, exact) if lineage else None
    return None


def _boundaries(text: str) -> list[int]:
    """Offsets where a word of ``text`` ends."""
    return [i for i, ch in enumerate(text) if ch == " "] + [len(text)]


def _title_ends(after: str, titles: list[str]) -> list[int]:
    """Where a printed title may end: at a word's end, or right after the whole title when the next
    words follow without a space ("特定個人情報の保管・消去その他の措置の内容")."""
    ends = set(_boundaries(after))
    compact = key(after)
    for title in titles:
        title_key = key(title)
        if title_key and compact.startswith(title_key) and len(compact) > len(title_key):
            ends.add(_offset_after(after, len(title_key)))
    return sorted(e for e in ends if e > 0)


def _ends_title(rest: str) -> bool:
    """Whether a title may be cut short before ``rest``: the cell ends, or the next level starts."""
    words = _words(rest)
    return not words or _structural(words[0])


def _offset_after(text: str, consumed: int) -> int:
    """Offset in ``text`` after its first ``consumed`` key characters (spaces do not count)."""
    seen = 0
    for index, ch in enumerate(text):
        if ch != " ":
            seen += 1
        if seen == consumed:
            return index + 1
    return len(text)


def _debris(word: str, root: bool) -> bool:
    """A word that may be skipped before the next level: OCR debris or the cut end of a title.
    Words that number something are never debris; at the cell's start any other word may be."""
    return not _structural(word) and (root or len(_compact(word)) <= SKIPPABLE_LENGTH)


def _is_risk(segment: str) -> bool:
    return segment == "リスク" or (instance_of(segment) or ("", 0))[0] == "リスク"


def _passable(segment: str) -> bool:
    """Nodes a printed path may leave out: a risk, or a group (システムN …); when two groups sit
    under one heading (提供先N, 移転先N), an item both have stays ambiguous."""
    return _is_risk(segment) or segment.endswith("N")


def _label_score(printed: str, entry: Entry, *, loose: bool = True) -> float:
    """Similarity of printed words to an entry's names. ``loose`` also accepts a label with its
    value run on, a cut label (the words are how its name starts, a third of it at least: scores
    :data:`CUT_LABEL`) and a label whose circled number disagrees (by its words, lower)."""
    names_ = names(entry)
    if not names_:
        return 0.0
    score = max(similarity(printed, n) for n in names_)
    if entry.segment.isdigit():
        # A heading printed without its number: only its title says which, so it must agree better.
        return score - UNNUMBERED_COST
    if not loose:
        return score
    number, label = split_circled(printed)
    if score < THRESHOLD and prefix(printed, [entry]) is not None:
        score = 90.0
    for name in names_ if score < THRESHOLD and _is_label(entry) else ():
        name_number, name_label = split_circled(name)
        if number and name_number and number != name_number:
            continue
        words = label if number and not name_number else printed
        target = name if number and name_number else name_label
        part = _label_part(words)
        enough = len(part) >= 2 if number and name_number else len(part) >= CUT_LABEL_MIN
        if enough and len(part) * 3 >= len(_label_part(target)) and target.startswith(words) and target != words:
            # Flat: how much is printed says nothing about which of two labels starting alike it is.
            score = max(score, CUT_LABEL)
    if score < THRESHOLD and number:
        score = max(score, max(similarity(label, n) for n in names_) - 10.0)
    return min(score, 100.0)


def _is_label(entry: Entry) -> bool:
    """Items named by a label; headings and risks are named by number, their titles only whole."""
    return not entry.segment.isdigit() and not _is_risk(entry.segment)


def _label_part(printed: str) -> str:
    return split_circled(printed)[1]


def find_printed(catalogue: Catalogue, cell: str) -> ItemPath | None:
    """The item a printed 項目 cell names, as a catalogue path (instances as N). Words the
    catalogue does not list below the deepest entry read are kept as a last segment, so that the
    caller sees the item is not identified (and ※ inheritance still applies). None when no entry
    is read at all: an empty cell, a body's own attachment (別紙), unrelated text."""
    text = _clean(cell)
    if not _compact(text) or _ATTACHMENT_RE.match(text):
        return None
    walker = _Walker(catalogue)
    reading = walker.read(text)
    if not reading.entries:
        return None
    segments = list(reading.entries[-1].path)
    leftover = "" if walker.spill(reading.rest) else key(reading.rest)
    if leftover:
        segments.append(leftover)
    return ItemPath(tuple(segments))


def forget() -> None:
    """Drop the printed-path lookups remembered across calls."""
    _descendants.cache_clear()
    _label.cache_clear()
