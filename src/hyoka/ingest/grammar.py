"""The catalogue's lookups a reading asks again and again, remembered across readings.

Which label children an item has, which of them a printed key names, which open level a label
belongs to, whether a line is a section heading: each answer depends only on the catalogue and
the printed text, never on where the reading stands. A reading used to keep these answers for
itself and start empty; `hyoka diff` reads two versions that share ~97 % of their lines, and a
commit reads a file whose predecessor was read the same way, so one :class:`Grammar` per
catalogue keeps them for every reading in the process. Each table is bounded: when it holds
:data:`REMEMBERED` answers it starts again, so a long-running process does not grow without end.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Final, TypeVar

from rapidfuzz import fuzz, process

from hyoka.forms import Catalogue, Entry
from hyoka.forms.match import (
    THRESHOLD,
    Match,
    NameRow,
    best_in,
    key,
    length_window,
    name_table,
    names,
    prefix_in,
    split_after,
    title_score,
)
from hyoka.normalize import nfkc_keep_circled
from hyoka.numbering import CIRCLED, section_ordinal, strip_roman

K = TypeVar("K")
V = TypeVar("V")

REMEMBERED: Final = 65_536
_MISSING: Final = object()
SECTION_FUZZY: Final = 85.0
INFER_THRESHOLD: Final = 90.0
NUMBER_BONUS: Final = 10.0
# How many headings after an open one may have lost their own line.
SKIPPED_HEADINGS: Final = 2
# A numbered heading printed without its number: how many headings ahead it may be, and the
# shortest title it may be read from ("監査" is a heading; shorter words are not told from text).
BARE_AHEAD: Final = 3
BARE_MIN_KEY: Final = 2
_BARE_HEAD: Final = BARE_MIN_KEY + 4  # where in a line a title may start (after an older name's word)

# (match, depth, skipped heading) — see Grammar.find.
Found = tuple[Match, int, Entry | None]
# (section entry, printed heading, remainder, printed without its numeral)
SectionHeading = tuple[Entry, str, str, bool]


def _kept(table: dict[K, V], key_: K, value: V) -> V:
    """``value``, kept as ``table[key_]``; the table starts again when it is full.

    Each lookup below asks its table first (``table.get(key, _MISSING)``: a first reading misses
    often, and no KeyError is raised for it) and on a miss computes the answer in place and keeps
    it here: each of the hundreds of misses of a first reading makes no closure and one call
    fewer. An answer computed while another was being computed may be kept first; the answers
    are pure, so which of them a full table drops changes nothing but what is computed again."""
    if len(table) >= REMEMBERED:
        table.clear()
    table[key_] = value
    return value


class Grammar:
    """Pure lookups on one catalogue (see the module docstring); :func:`grammar` shares them."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.cat = catalogue
        self.titles = [
            (entry, entry.title.replace(" ", ""))
            for entry in catalogue.sections()
            if entry.title and not entry.segment.startswith(("別添", "表紙"))
        ]
        self.title_heads = {title[:2] for _, title in self.titles}
        self._circled_title_heads = any(head[:1] in CIRCLED for head in self.title_heads)
        # How the numbered headings' titles begin: their first two characters (for
        # :meth:`may_name_heading`) and their first one (a heading whose dot OCR lost keeps it).
        self._heading_heads = frozenset(
            key(e.title)[:BARE_MIN_KEY] for e in catalogue.entries if e.segment.isdigit() and e.title)
        self.heading_starts = frozenset(head[:1] for head in self._heading_heads if head)
        # Every proper beginning of a numbered heading's title (keys): what the first half of a
        # title wrapped onto the next line can be (the placer asks it of lines no rule took).
        self.title_beginnings = frozenset(
            title[:end] for e in catalogue.entries if e.segment.isdigit() and e.title
            for title in (key(e.title),) for end in range(1, len(title)))
        # The same test as one search in C (every line of a reading is asked): a head of
        # BARE_MIN_KEY characters anywhere in the line's first _BARE_HEAD.
        whole = sorted(h for h in self._heading_heads if len(h) == BARE_MIN_KEY)
        self._heading_head_re = re.compile("|".join(map(re.escape, whole)) if whole else "(?!)")
        self.all_names = sorted(
            {n for e in catalogue.entries if not e.segment.isdigit() and not e.segment.endswith("N") for n in names(e)}
        )
        # Names that begin a longer name of their own item (an older wording, "②所属長" of
        # ②所属長の役職名): a label so named may have wrapped after them (the placer's _names_part).
        self.name_heads = frozenset(
            name for e in catalogue.entries if e.aliases or e.title  # else an entry has one name
            for name in names(e) if any(len(other) > len(name) and other.startswith(name) for other in names(e)))
        self._names_by_length = sorted(self.all_names, key=len)  # for names_a_label's length window
        self._name_lengths = [len(name) for name in self._names_by_length]
        self._labelled: dict[tuple[str, ...], list[Entry]] = {}
        self._best: dict[tuple[str, tuple[str, ...]], Match | None] = {}
        self._names: dict[tuple[str, ...], tuple[NameRow, ...]] = {}
        self._skipped: dict[tuple[tuple[str, ...], ...], list[tuple[int, Entry]]] = {}
        self._decisions: dict[Hashable, object] = {}
        self._found: dict[tuple[str, tuple[tuple[str, ...], ...]], Found | None] = {}
        self._headings: dict[str, SectionHeading | None] = {}
        self._anywhere: dict[str, bool] = {}
        self._prefix: dict[tuple[str, tuple[str, ...], int], Match | None] = {}
        self._numbered: dict[tuple[tuple[str, ...], str, str, bool], tuple[Entry, float, int] | None] = {}
        self._bare: dict[tuple[tuple[str, ...], str | None, str], tuple[Entry, float, int] | None] = {}
        self._headings_of: dict[tuple[str, ...], list[tuple[Entry, str]]] = {}
        self._groups: dict[tuple[tuple[str, ...], str], Entry | None] = {}
        self._risks: dict[tuple[str, ...], tuple[list[Entry], tuple[NameRow, ...]]] = {}
        self._risk_found: dict[tuple[str, tuple[str, ...], bool], Match | None] = {}

    def remembered(self, key_: Hashable, compute: Callable[[], V]) -> V:
        """A reader's answer that depends only on the catalogue and ``key_`` (a line's cells and
        the open levels, say), remembered like the lookups here; ``key_`` starts with the kind
        of answer, so that kinds never share an entry."""
        found = self._decisions.get(key_, _MISSING)  # the hit, most of the time, without a call
        return _kept(self._decisions, key_, compute()) if found is _MISSING else found  # type: ignore[arg-type,return-value]

    def label_children(self, parent: tuple[str, ...]) -> list[Entry]:
        """The children of ``parent`` a label line may name (numbered headings and group
        instances have lines of their own)."""
        found = self._labelled.get(parent)
        if found is not None:
            return found
        return _kept(self._labelled, parent, [
            e for e in self.cat.children(parent) if not e.segment.isdigit() and not e.segment.endswith("N")
        ])

    def best(self, printed: str, parent: tuple[str, ...]) -> Match | None:
        """:func:`best` among the label children of ``parent``: forms repeat labels."""
        key_ = (printed, parent)
        found = self._best.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        table = self._names.get(parent)  # name_table's, asked without a call
        if table is None:
            table = self.name_table(parent)
        if not table:
            return None  # most items have no label children: nothing to score or to remember
        return _kept(self._best, key_, best_in(printed, table))

    def name_table(self, parent: tuple[str, ...]) -> tuple[NameRow, ...]:
        """The names of the label children of ``parent``, split once (:func:`name_table`)."""
        found = self._names.get(parent)
        if found is not None:
            return found
        return _kept(self._names, parent, name_table(self.label_children(parent)))

    def prefix(self, printed: str, parent: tuple[str, ...], min_length: int = 4) -> Match | None:
        """:func:`prefix` among the label children of ``parent`` (a label with its value run on)."""
        key_ = (printed, parent, min_length)
        found = self._prefix.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._prefix, key_, prefix_in(printed, self.name_table(parent), min_length=min_length))

    def numbered_match(self, section: tuple[str, ...], number: str, title_key: str,
                       inferring: bool) -> tuple[Entry, float, int] | None:
        """(entry, score, key characters of the title consumed) of a numbered heading under
        ``section``; the printed number, often garbled, only breaks ties and lowers the bar a little."""
        key_ = (section, number, title_key, inferring)
        found = self._numbered.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._numbered, key_, self._numbered_match(section, number, title_key, inferring))

    def _numbered_match(self, section: tuple[str, ...], number: str, title_key: str,
                        inferring: bool) -> tuple[Entry, float, int] | None:
        winner: tuple[Entry, float, int] | None = None
        ranked = 0.0
        for entry, title in self._numbered_headings(section):
            score, consumed = title_score(title_key, title)
            bonus = NUMBER_BONUS if entry.segment == number else 0.0
            need = INFER_THRESHOLD if inferring else THRESHOLD
            if score + bonus >= need and (winner is None or score + bonus > ranked):
                winner, ranked = (entry, score, consumed), score + bonus
        return winner

    def group(self, parent: tuple[str, ...], generic: str) -> Entry | None:
        """The child of ``parent`` that is the repeating group ``generic`` ("委託事項N"), if the
        form has it there (the first, in print order): every instance header asks each open level."""
        key_ = (parent, generic)
        found = self._groups.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._groups, key_, next((e for e in self.cat.children(parent) if e.segment == generic), None))

    def risks(self, heading: tuple[str, ...]) -> list[Entry]:
        """The risks the form lists under a numbered heading (リスク1…, or one リスク)."""
        return self._risk_rows(heading)[0]

    def _risk_rows(self, heading: tuple[str, ...]) -> tuple[list[Entry], tuple[NameRow, ...]]:
        """The heading's risks and their names split once (:func:`name_table`) for :meth:`risk`."""
        found = self._risks.get(heading)
        if found is not None:
            return found
        risks = [e for e in self.cat.children(heading) if e.segment.startswith("リスク")]
        return _kept(self._risks, heading, (risks, name_table(risks)))

    def risk(self, printed: str, heading: tuple[str, ...], *, run_on: bool = False) -> Match | None:
        """The risk of ``heading`` a printed name (a key) names: :func:`best_in` its risks' names,
        or with ``run_on`` the longest of them the key starts with (:func:`prefix_in`, six
        characters at least). A risk heading is asked about every heading after the open one."""
        key_ = (printed, heading, run_on)
        found = self._risk_found.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        table = self._risk_rows(heading)[1]
        return _kept(self._risk_found, key_,
                     prefix_in(printed, table, min_length=6) if run_on else best_in(printed, table))

    def may_name_heading(self, title_key: str) -> bool:
        """Whether a line's key can begin with some numbered heading's title, give or take a word of
        an older name ("特定個人情報保護委員会の承認"): its first characters hold the start of one.
        What :meth:`bare_heading` asks first; most value lines fail it, cheaply."""
        return self._heading_head_re.search(title_key, 0, _BARE_HEAD) is not None

    def bare_heading(self, section: tuple[str, ...], after: str | None,
                     title_key: str) -> tuple[Entry, float, int] | None:
        """(entry, score, key characters of the title consumed) of the numbered heading of
        ``section`` printed without its number ("基本情報" for "2. 基本情報": Word's automatic
        numbering, lost on extraction), among the next :data:`BARE_AHEAD` after the open one
        ``after`` (from the first when none is open). The line must begin with its title,
        nearly whole; what follows it is the caller's to judge."""
        key_ = (section, after, title_key)
        found = self._bare.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._bare, key_, self._bare_heading(section, after, title_key))

    def _bare_heading(self, section: tuple[str, ...], after: str | None,
                      title_key: str) -> tuple[Entry, float, int] | None:
        if len(title_key) < BARE_MIN_KEY:
            return None
        headings = self._numbered_headings(section)
        if after is not None:
            headings = [h for h in headings if int(h[0].segment) > int(after)] if after.isdigit() else []
        # A title printed whole starts as the form's does, give or take a word of an older name
        # ("特定個人情報保護委員会の承認"): the first characters rule out the value lines that
        # reach this far. Only a whole title: a line that is the start of one ("特定個人情報
        # ファイルを取り扱う事務" against I 2.'s "…において使用するシステム") is another heading, or text.
        head = title_key[:_BARE_HEAD]
        scored = [(e, *title_score(title_key, title)) for e, title in headings[:BARE_AHEAD]
                  if title[:BARE_MIN_KEY] in head and (title_key == title or not title.startswith(title_key))]
        found = max(scored, key=lambda row: row[1], default=None)
        return found if found is not None and found[1] >= INFER_THRESHOLD else None

    def _numbered_headings(self, section: tuple[str, ...]) -> list[tuple[Entry, str]]:
        """The numbered headings of ``section`` with their titles' keys, in print order."""
        found = self._headings_of.get(section)
        if found is not None:
            return found
        return _kept(self._headings_of, section, [
            (e, key(e.title)) for e in self.cat.children(section) if e.segment.isdigit() and e.title])

    def find(self, printed: str, parents: tuple[tuple[str, ...], ...]) -> Found | None:
        """The deepest open level with a child the printed key names: (match, depth, None).

        Failing that, a child of a heading printed *after* an open one whose own line was lost
        (a missing "2. 基本情報" or "リスク2：…" line): (match, depth, that heading)."""
        key_ = (printed, parents)
        found = self._found.get(key_, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._found, key_, self._find(printed, parents))

    def _find(self, printed: str, parents: tuple[tuple[str, ...], ...]) -> Found | None:
        for depth in range(len(parents), 0, -1):
            found = self.best(printed, parents[depth - 1])
            if found is not None:
                return found, depth, None
        for depth, heading in self._skippable(parents):
            found = self.best(printed, heading.path)
            if found is not None and found.score >= INFER_THRESHOLD:
                return found, depth, heading
        return None

    def _skippable(self, parents: tuple[tuple[str, ...], ...]) -> list[tuple[int, Entry]]:
        """(depth, heading) of the headings :meth:`find` tries when no open level names a label:
        the next :data:`SKIPPED_HEADINGS` after each open one, deepest first. They depend on the
        open levels alone, and most lines asked about are values that reach this far."""
        found = self._skipped.get(parents)
        if found is not None:
            return found
        return _kept(self._skipped, parents, self._headings_after(parents))

    def _headings_after(self, parents: tuple[tuple[str, ...], ...]) -> list[tuple[int, Entry]]:
        found: list[tuple[int, Entry]] = []
        for depth in range(len(parents), 0, -1):
            siblings = self.cat.children(parents[depth - 1])
            if depth < len(parents):
                current = self.cat.by_path.get(parents[depth])
                siblings = siblings[siblings.index(current) + 1 :] if current in siblings else []
            found += [(depth + 1, h) for h in [h for h in siblings if not h.segment.endswith("N")][:SKIPPED_HEADINGS]]
        return found

    def section_heading(self, text: str) -> SectionHeading | None:
        """The section heading ``text`` would be, and whether it lacks its numeral.

        The title decides (printed numerals are garbled by OCR)."""
        found = self._headings.get(text, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return _kept(self._headings, text, self._section_heading(text))

    def _section_heading(self, text: str) -> SectionHeading | None:
        if text[:1] in CIRCLED and not self._circled_title_heads:
            # "①事務の名称 …" (most label lines): folding keeps the circled number first, which is
            # no section numeral and starts no section title, so nothing needs folding.
            return None
        folded = nfkc_keep_circled(text).strip()
        numeral, body = strip_roman(folded)
        compact = body.replace(" ", "")
        if numeral is None and compact[:2] not in self.title_heads:
            return None
        for entry, title in self.titles:
            if numeral is not None and numeral.isdigit() and int(numeral) != section_ordinal(entry.segment):
                # "2 基本情報" is II 2. with its dot lost, not I: a digit printed for a section
                # numeral is that section's number.
                continue
            if compact.startswith(title):
                remainder = split_after(body, len(key(entry.title))) if compact != title else ""
            elif numeral and len(title) >= 6 and fuzz.ratio(compact[: len(title)], title) >= SECTION_FUZZY:
                remainder = split_after(body, len(title))
            else:
                continue
            heading = body[: len(body) - len(remainder)].strip() if remainder else body
            return entry, f"{entry.segment} {heading}", remainder, numeral is None
        return None

    def prints_title_whole(self, section: Entry, printed: str) -> bool:
        """Whether a section heading's line prints ``section``'s title whole, as
        :meth:`section_heading` reads it without similarity (else OCR garbled it, or it wrapped)."""
        compact = strip_roman(nfkc_keep_circled(printed))[1].replace(" ", "")
        return any(entry is section and compact.startswith(title) for entry, title in self.titles)

    def names_a_label(self, printed: str) -> bool:
        """Whether the printed key is (nearly exactly) some label of the form, wherever it is."""
        found = self._anywhere.get(printed)
        if found is not None:
            return found
        # Only names of a length within the threshold's reach of a plain Indel ratio are scored
        # (length_window, no allowance; one more either side, for rounding).
        shortest, longest = length_window(len(printed), INFER_THRESHOLD, allowance=0)
        low = bisect_left(self._name_lengths, shortest - 1)
        high = bisect_right(self._name_lengths, longest + 1)
        return _kept(self._anywhere, printed, process.extractOne(
            printed, self._names_by_length[low:high], scorer=fuzz.ratio, score_cutoff=INFER_THRESHOLD) is not None)


@lru_cache(maxsize=16)
def grammar(catalogue: Catalogue) -> Grammar:
    """The one Grammar of a catalogue (catalogues are loaded once per form and edition)."""
    return Grammar(catalogue)


def forget() -> None:
    """Drop every remembered answer (benchmarks time a first reading with this)."""
    grammar.cache_clear()
