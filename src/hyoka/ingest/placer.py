"""Place the body lines of a published report on the form: the catalogue is the grammar.

A line opens an item only when its label names an item the form allows at that
point — a child of the open item or of one of its ancestors, searched from the
deepest — or a repeating-group instance (システムN, 委託事項N, 提供先N, 移転先N,
リスクN). Everything else continues the open item's value, so text that starts
with ①, "1." or ・ inside a free-text value stays in that value unless the form
has an item there. Labels garbled by OCR or broken over two lines are matched by
similarity (:mod:`hyoka.forms.match`); the printed label is kept for display and
the path is the catalogue's. A section whose heading is missing is inferred from
its first recognised item. Nothing here raises on noise: what fits nothing is
attached to the open item and recorded as unplaced.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from hyoka.errors import InputError
from hyoka.forms import Catalogue, Entry
from hyoka.forms.match import Match, key, label_of, split_after, split_label
from hyoka.ingest.grammar import INFER_THRESHOLD as _INFER_THRESHOLD
from hyoka.ingest.grammar import grammar
from hyoka.ingest.heads import mend_head
from hyoka.ingest.joins import ROW_HEADER_MAX, Found, LabelJoins
from hyoka.ingest.lines import VALUE_START, Line
from hyoka.ingest.numbered import NumberedHeadings
from hyoka.ingest.reading import FuzzyLabel, Unplaced
from hyoka.ingest.tree import Frame, Node
from hyoka.normalize import collapse_space
from hyoka.numbering import (
    RiskHeading,
    garbled_circled,
    instance_of,
    label_name,
    line_heads,
    paren_to_circled,
    strip_duplicate,
)

MAX_ITEMS: Final = 50_000
MAX_LABEL: Final = 200
# No label of the forms is longer than this key; longer cells are values.
LABEL_MAX_KEY: Final = 90
# A label cell left alone on a line, with a value on the next: short, no sentence end.
_UNPLACED_LABEL_MAX: Final = 40
_BROKEN_CELLS: Final = 3
# "3) 課題が残されている": an option of a choice printed on its own line.
_OPTION_RE = re.compile(r"^\d{1,2}\s*[)）]")


# (match, depth, skipped heading), printed label, value cells, following lines consumed, and the
# consumed line's cells after its first, which are a line of their own (see _label_named).
LabelDecision = tuple[tuple[Match, int, Entry | None], str, tuple[str, ...], int, tuple[str, ...]]


@lru_cache(maxsize=16_384)
def _clean_label(label: str) -> str:
    """The label an item keeps (no ※, spaces folded, at most MAX_LABEL characters), remembered:
    every reading opens the same few hundred labels again."""
    return collapse_space(label.replace("※", " "))[:MAX_LABEL].strip() or "項目"


class Placer(NumberedHeadings, LabelJoins):
    """Reads one report's body lines, in order, onto the catalogue's tree."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.cat = catalogue
        self.nodes: list[Node] = []
        self.chain: list[Frame] = []
        self.current: Node | None = None
        self.raw = False
        self.unplaced: list[Unplaced] = []
        self.fuzzy: list[FuzzyLabel] = []
        self.inferred: list[str] = []
        self._used: dict[tuple[str, ...], int] = {}
        self._section_counts: dict[str, int] = {}
        self._pending_repeat: tuple[Entry, str, int] | None = None
        self.grammar = grammar(catalogue)
        self._titles = self.grammar.titles
        self._parents_chain: list[Frame] | None = None
        self._parents: tuple[tuple[str, ...], ...] = ()

    # -- sections ------------------------------------------------------------
    def section_heading(self, text: str) -> tuple[Entry, str, str] | None:
        """(section entry, printed heading, remainder) when ``text`` is a section heading.

        The title decides (printed numerals are garbled by OCR); a heading without a numeral
        counts only for the first section, before any other, as "基本情報" alone."""
        found = self.grammar.section_heading(text)
        if found is None:
            return None
        entry, printed, remainder, bare = found
        if bare and (self.chain or entry is not self._titles[0][0] or remainder):
            return None
        return entry, printed, remainder

    def _place_bare_section(self, line: Line) -> bool:
        """A section heading printed without its numeral once a section is open ("特定個人情報
        ファイルの概要": Word's automatic numbering lost): only a section after the open one, or
        the open one again (a page header, or the next 特定個人情報ファイル's), with nothing after
        its title but ※ or a bracket."""
        if not self.chain or line.rest or len(line.first) > 120:
            return False
        found = self.grammar.section_heading(line.joined)
        if found is None or not found[3]:
            return False
        entry, printed, remainder, _ = found
        # After a (別添N) block (raw), only a section not read yet ends it.
        if entry not in self._sections_in_scope() or (self.raw and self._section_counts.get(entry.segment)):
            return False
        current = self.chain[0].entry
        if remainder and not remainder.startswith(("※", "(", "（")):
            return False
        if entry is current and len(self.chain) > 1 and self.grammar.bare_heading(
                current.path, self.chain[1].entry.segment, key(line.first.replace("※", " ").strip())) is not None:
            return False  # "その他のリスク対策" in IV: its heading IV 3., not IV again
        if entry is current and not remainder and self._own_label_unread(line):
            return False
        self.open_section(entry, printed, remainder, line.number)
        return True

    def open_section(self, entry: Entry, printed: str, remainder: str, number: int) -> None:
        """A printed section heading. A repeat of the open section is a page header, or, when
        numbering restarts after it, the next 特定個人情報ファイル's section (decided later)."""
        self.raw = False
        if self.chain and self.chain[0].entry is entry:
            self._pending_repeat = (entry, printed, number)
        else:
            self._enter_section(entry, printed, number, inferred=False)
        star = remainder.startswith("※")
        if star and self.current is not None and self.current.segments == (self.chain[0].segment,):
            self.current.star = True
            self.current.add(remainder.removeprefix("※").strip())
        elif remainder:
            self.place(Line(number, (remainder,)), None)

    def _enter_section(self, entry: Entry, printed: str, number: int, *, inferred: bool) -> None:
        count = self._section_counts.get(entry.segment, 0)
        self._section_counts[entry.segment] = count + 1
        segment = entry.segment if count == 0 else f"{entry.segment}#{count + 1}"
        self.chain = [Frame(entry, segment)]
        self._pending_repeat = None
        if inferred:
            # The heading's line was lost; the section is still an item, as if printed.
            self.inferred.append(segment)
            printed = f"{entry.segment} {entry.title}"
        self._node(printed, number)

    def open_appendix(self, segment: str, title: str, number: int) -> None:
        """A (別添N) block inside the body: its lines are its text, until the next section."""
        entry = self.cat.by_path.get((segment,), Entry((segment,), title))
        self.chain = [Frame(entry, segment)]
        self.raw = True
        self._node(f"({segment}) {title}".strip(), number)

    # -- nodes ---------------------------------------------------------------
    def _node(self, printed: str, number: int, score: float = 100.0, value: str = "") -> Node:
        if len(self.nodes) >= MAX_ITEMS:
            raise InputError(f"項目が多すぎます (上限 {MAX_ITEMS}) / too many items")
        segments = tuple(f.segment for f in self.chain)
        count = self._used.get(segments, 0)
        self._used[segments] = count + 1
        if count:
            segments = (*segments[:-1], f"{segments[-1]}#{count + 1}")
            self.chain[-1].segment = segments[-1]
        node = Node(segments, _clean_label(printed), "※" in printed, number, printed_value=value)
        node.add(value)
        self.nodes.append(node)
        self.current = node
        if self.chain:
            self.chain[-1].node = node
        if score < 100.0:
            self.fuzzy.append(FuzzyLabel(number, printed, "/".join(segments), round(score, 1)))
        return node

    def _open(self, depth: int, entry: Entry, segment: str, printed: str, line: Line, score: float,
              rest: tuple[str, ...]) -> None:
        """Open ``entry`` under the first ``depth`` frames; a first value cell that names one of
        its children opens that child too ("④使用の主体 | 使用部署 | 納税課…")."""
        child: tuple[Match, str, tuple[str, ...]] | None = self._child_cell(entry, rest)
        open_frame = self.chain[depth] if len(self.chain) == depth + 1 else None
        if (
            open_frame is not None
            and open_frame.entry is entry
            and strip_duplicate(open_frame.segment) == segment
            and open_frame.node is not None
            and open_frame.node is self.current
        ):
            # The same item named again before anything under it (several risk names printed
            # for one entry, an instance header repeated with its first item): one item.
            if child is None:
                if not self._repeats_open(open_frame, entry, segment, printed, rest, child):
                    self.current.add(" ".join((printed, *rest)))
                return
        elif self._repeats_open(deeper := self.chain[depth] if len(self.chain) > depth + 1 else None, entry, segment,
                                printed, rest, child):
            return
        elif self._goes_on_with(deeper, depth, entry, segment, printed, child):
            self.chain = self.chain[: depth + 1]  # the child below opens under the item already read
        else:
            if child is None and rest and depth > 0 and not self._label_children(entry.path):
                sibling = self._child_cell(self.chain[depth - 1].entry, rest)
                if sibling is not None and sibling[0].entry is not entry:
                    # A group label printed in front of the item ("再委託 | ⑦再委託の有無 ※ | …").
                    match, shown, value = sibling
                    self._open(depth, match.entry, match.entry.segment, shown, line, match.score, value)
                    return
            self.chain = [*self.chain[:depth], Frame(entry, segment)]
            self._node(printed, line.number, score, "" if child else " ".join(rest))
        if child is not None:
            match, shown, value = child
            self.chain = [*self.chain[: depth + 1], Frame(match.entry, match.entry.segment)]
            self._node(shown, line.number, match.score, " ".join(c for c in value if c))

    def _repeats_open(self, frame: Frame | None, entry: Entry, segment: str, printed: str, rest: tuple[str, ...],
                      child: object) -> bool:
        """Whether the line prints an open item again, label and value as first printed:
        "委託事項1 | 〇〇業務" or "リスク1: 目的外の入手が行われるリスク" at the top of the next
        page, where the block goes on. The place is kept (read as a second 委託事項1, the rest
        of the block would leave the first; read as text, the header would join the value). A
        same-numbered header that names something else is still a second instance."""
        return (child is None and self._names_again(frame, entry, segment, printed)
                and frame is not None and frame.node is not None and frame.node.printed_value == " ".join(rest))

    def _names_part(self, found: Found) -> bool:
        """Whether a label was named exactly by a name that begins another name of its item: an
        older wording ("②所属長" of ②所属長の役職名) is also the first half of the label wrapped in
        its cell, whose second half ("の役職名") the next line may hold."""
        return found[0].name in self.grammar.name_heads

    @staticmethod
    def _names_again(frame: Frame | None, entry: Entry, segment: str, printed: str) -> bool:
        """Whether ``frame`` is the item the line names, printed under the same label: the same
        by its key (:func:`~hyoka.forms.match.key`), so that a space OCR put into one printing
        ("②保管 期間") or its circled number read as a digit or garbled ("2保管期間", "@保管期間")
        does not make the other a second item (both name the item already: the name decides)."""
        if frame is None or frame.entry is not entry or strip_duplicate(frame.segment) != segment or frame.node is None:
            return False
        before, now = key(frame.node.label), key(_clean_label(printed))
        return before == now or label_name(before) == label_name(now)

    def _goes_on_with(self, frame: Frame | None, depth: int, entry: Entry, segment: str, printed: str,
                      child: tuple[Match, str, tuple[str, ...]] | None) -> bool:
        """Whether the line names an open item again only to give it its next child: a label
        cell merged over several rows, printed on each ("②保管期間 | 期間 | …" then "②保管期間 |
        その妥当性 | …"). The child joins the item already read, unless it was read there before
        (then the line is a second printing of the item, kept apart as #2)."""
        if child is None or not self._names_again(frame, entry, segment, printed):
            return False
        below = (*(f.segment for f in self.chain[: depth + 1]), child[0].entry.segment)
        return below not in self._used

    def _child_cell(self, parent: Entry, rest: tuple[str, ...]) -> tuple[Match, str, tuple[str, ...]] | None:
        """The child of ``parent`` the first value cell names, its printed label and the cells of
        its value; the label may run on with its value in one cell ("使用者数 <選択肢> …")."""
        if not rest or rest[0].startswith(VALUE_START) or not self._label_children(parent.path):
            return None  # most items have no label children: their values need no key
        return self.grammar.remembered(("child", parent.path, rest), lambda: self._child_named(parent, rest))

    def _child_named(self, parent: Entry, rest: tuple[str, ...]) -> tuple[Match, str, tuple[str, ...]] | None:
        printed = key(rest[0])
        found = self._best(printed, parent.path) if len(printed) <= _UNPLACED_LABEL_MAX else None
        if found is not None:
            return found, rest[0], rest[1:]
        run_on = self.grammar.prefix(printed, parent.path, min_length=2)
        if run_on is not None:
            value, boundary = split_label(rest[0], len(run_on.name))
            # A short child name ("期間 <選択肢> …") needs both a separator and a value start.
            starts_value = value.startswith(VALUE_START)
            if (boundary and starts_value) if len(run_on.name) < 4 else (boundary or starts_value):
                return run_on, label_of(rest[0], len(run_on.name)), (value, *rest[1:])
        return None

    # -- lines ---------------------------------------------------------------
    def place(self, line: Line, following: Line | None) -> int:
        """Place one body line; returns how many following lines it consumed (a label broken
        over two lines takes its second half from the next line)."""
        if self.raw:
            if not self._place_bare_section(line) and self.current is not None:
                self.current.add(line.joined)
            return 0
        line = mend_head(line)
        first = line.first
        if first == "※" and len(line.cells) == 1 and self.current is not None and self.current.line == line.number - 1:
            self.current.star = True  # the ※ of the label above, wrapped onto a line of its own
            return 0
        is_range, risk, instance, marked, heading, loose = line_heads(first)
        if is_range or self._place_bare_section(line):
            return 0
        if risk is not None:
            placed = self._place_risk(risk, line, following)
            if placed is not None:
                return placed
        if instance is not None:
            placed = self._place_instance(instance, line, following=following)
            if placed is not None:
                return placed
        if marked is not None and self._place_marked_instance(*marked, line):
            return 0
        if heading is not None:
            if self._place_wrapped_numbered(heading, line, following, strict=True):
                return 1
            if self._place_numbered(heading, line):
                return 0
        if loose is not None and loose[1][:1] not in self.grammar.heading_starts:
            loose = None  # "1 宛名管理機能 …": a value's numbered line, no heading's title starts so
        if loose is not None:
            if self._place_wrapped_numbered(loose, line, following, strict=False):
                return 1  # "1 特定個人情報フ" then "ァイル名": its dot lost too
            if self._place_numbered(loose, line, strict=False):
                return 0
        bare = heading is None and loose is None
        if bare and not line.rest and self._place_bare(line, exact=True):
            return 0  # "従業者に対する教育・啓発" alone: the heading, though its first label reads the same
        if (bare and not line.rest and following is not None and following.cells
                and key(line.first.replace("※", "")) in self.grammar.title_beginnings
                and not self._bare_title_whole(line) and self._place_bare(
                    Line(line.number, (line.first + following.first, *following.cells[1:])), title_exact=True)):
            return 1  # "特定個人情報フ" then "ァイル名": a heading without its number, its title wrapped
        consumed = self._place_label(line, following)
        if consumed is not None:
            return consumed
        if bare and self._place_bare(line):
            return 0
        return self._continue(line, following)

    def _continue(self, line: Line, following: Line | None) -> int:
        """Text of the open item; recorded as unplaced when it looks like a label row. A form
        label broken over this line and the next is joined again even where it cannot be placed,
        so how the extractor broke the line does not change the text."""
        if self._row_header_alone(line, following):
            return 0
        consumed = 0
        text = line.joined
        if (
            following is not None
            and following.cells
            and len(key(text)) <= _UNPLACED_LABEL_MAX
            and not line.first.startswith(VALUE_START)
            and self.grammar.names_a_label(key(text + following.first))
            and not self.grammar.names_a_label(key(following.first))
        ):
            text, consumed = f"{text}{following.joined}", 1
            line = Line(line.number, (f"{line.joined}{following.first}", *following.cells[1:]))
        attached = "/".join(self.current.segments) if self.current is not None else ""
        if self.current is not None:
            self.current.add(text)
        if self.current is None or self._label_like(line):
            self.unplaced.append(Unplaced(line.number, text[:200], attached))
        return consumed

    @staticmethod
    def _label_like(line: Line) -> bool:
        first = line.first
        if len(line.cells) < 2 or not line.rest or len(first) > _UNPLACED_LABEL_MAX:
            return False
        return not (first.startswith(VALUE_START) or first[0].isdigit() or first.endswith(("。", "、")))

    # -- risks and group instances -------------------------------------------
    def _place_wrapped_numbered(self, heading: tuple[str, str], line: Line, following: Line | None, *,
                                strict: bool) -> bool:
        """A numbered heading whose title wrapped onto the next line (:meth:`_wrapped_numbered`),
        placed with the next line's first cells; what follows them there is a line of its own."""
        wrapped = self._wrapped_numbered(heading, line, following)
        if wrapped is None or following is None or not self._place_numbered(wrapped[0], wrapped[1], strict=strict):
            return False
        if wrapped[2]:
            self.place(Line(following.number, wrapped[2]), None)
        return True

    def _place_risk(self, risk: RiskHeading, line: Line, following: Line | None) -> int | None:
        """A risk heading: named like a risk of the open numbered heading (by its printed name,
        else by its number), or, by its name alone, like a risk of a heading printed next whose
        own line was lost ("5. 特定個人情報の提供・移転…" missing before "リスク2: 不適切な…").
        The lines it consumed, or None when it names no risk; a label its cell wrapped beside the
        heading ("リスク:… | ①事故発生時手順の | [十分に行っている]", then "策定・周知") is read
        as a line of its own, as after an instance header (:meth:`_wrapped_beside`)."""
        if len(self.chain) < 2:
            return None
        if line.rest and len(key(risk.name + "".join(line.rest))) <= LABEL_MAX_KEY:
            # "リスク2: 不適切な方法で提 | 供・移転が行われるリスク": the name broken across cells;
            # "リスク2 | 不正な提供が行われるリスク": the name in a cell of its own (a wide space).
            whole = RiskHeading(risk.number, risk.name + "".join(line.rest))
            open_heading = self.chain[1].entry
            part = self._risk_of(open_heading, risk, key(risk.name))
            if risk.name:  # joined, when the two halves are the whole name of the risk the first began
                joined = self._risk_named(open_heading, whole.name)
                if part is None or (joined is not None and joined.entry is part.entry and joined.score > part.score):
                    risk, line = whole, Line(line.number, (f"{line.first}{''.join(line.rest)}",))
            elif self._risk_named(open_heading, line.rest[0]) is not None:
                risk = RiskHeading(risk.number, line.rest[0])
                line = Line(line.number, (f"{line.first} {line.rest[0]}", *line.rest[1:]))
        name = key(risk.name)
        # By name under the open heading; else by name under a heading printed next whose line was
        # lost; only then by number under the open one (a risk named like the next heading's risk
        # is that heading's, even if the open heading has a risk of the same number).
        chosen = self._risk_of(self.chain[1].entry, risk, name, by_number=False)
        heading: Entry | None = None
        if chosen is None and name:
            siblings = self.cat.children(self.chain[0].entry.path)
            current = self.chain[1].entry
            after = siblings[siblings.index(current) + 1 :] if current in siblings else []
            # Risk names are long and each belongs to one heading: any later heading may be the one,
            # however many pages were lost before it.
            for candidate in after:
                found = self.grammar.risk(name, candidate.path)
                if found is not None and found.score >= _INFER_THRESHOLD:
                    chosen, heading = found, candidate
                    break
        if chosen is None:
            chosen = self._risk_of(self.chain[1].entry, risk, name)
        if chosen is None:
            return None
        if heading is not None:
            self.chain = [self.chain[0], Frame(heading, heading.segment)]
            self.inferred.append("/".join(f.segment for f in self.chain))
        entry = chosen.entry
        value = split_after(risk.name, len(chosen.name)) if name and name.startswith(chosen.name) else ""
        rest = tuple(c for c in (value, *line.rest) if c)
        printed = line.first[: len(line.first) - len(value)].strip() if value else line.first
        if not value and self._wrapped_beside(entry, rest, following):
            self._open(2, entry, entry.segment, printed, line, chosen.score, ())
            return self.place(Line(line.number, rest), following)
        self._open(2, entry, entry.segment, printed, line, chosen.score, rest)
        return 0

    def _risk_named(self, heading: Entry, name: str) -> Match | None:
        """The heading's risk whose whole name ``name`` is (nearly: 90), or None."""
        found = self.grammar.risk(key(name), heading.path)
        return found if found is not None and found.score >= _INFER_THRESHOLD else None

    def _risk_of(self, heading: Entry, risk: RiskHeading, name: str, *, by_number: bool = True) -> Match | None:
        """The risk of ``heading`` a printed risk heading names (by its number too, unless not ``by_number``)."""
        risks = self.grammar.risks(heading.path)
        if not risks:
            return None
        chosen = (self.grammar.risk(name, heading.path)
                  or self.grammar.risk(name, heading.path, run_on=True)) if name else None
        if chosen is not None or not by_number:
            return chosen
        # By number when the name says nothing; a heading's only risk also when no name is printed.
        wanted = f"リスク{risk.number}" if risk.number else "リスク"
        numbered_risk = [e for e in risks if e.segment == wanted] or (risks if len(risks) == 1 and not name else [])
        if not numbered_risk:
            return None
        return Match(numbered_risk[0], 100.0 if not name else 90.0, wanted)

    def _place_instance(self, instance: str, line: Line, *, fresh: bool = False,
                        following: Line | None = None) -> int | None:
        """An instance header ("委託事項1 | 〇〇業務") under the open level whose form has the group;
        ``fresh``: only an instance not read yet there. The lines it consumed, or None when it is
        no instance there; a label its cell wrapped beside the header ("システム3 | ①システム |
        中間サーバー", then "の名称") is read as a line of its own (:meth:`_wrapped_beside`)."""
        found = instance_of(instance)
        if found is None:
            return None
        generic = f"{found[0]}N"
        for depth in range(len(self.chain), 0, -1):
            entry = self.grammar.group(self.chain[depth - 1].entry.path, generic)
            if entry is not None:
                if fresh and (*(f.segment for f in self.chain[:depth]), instance) in self._used:
                    return None
                if self._wrapped_beside(entry, line.rest, following):
                    self._open(depth, entry, instance, line.first, line, 100.0, ())
                    return self.place(Line(line.number, line.rest), following)
                self._open(depth, entry, instance, line.first, line, 100.0, line.rest)
                return 0
        return None

    def _place_marked_instance(self, instance: str, name: str, line: Line) -> bool:
        """"委託事項1：〇〇業務" or "【委託事項1】〇〇業務": the header and its name in one cell, as
        Word reports print them. Read only for an instance not read yet, and never from a
        sentence (a value's line that begins "システム1：…と連携する。" is text)."""
        if name.endswith("。") or len(name) > LABEL_MAX_KEY:
            return False
        header = line.first[: len(line.first) - len(name)].strip() if name else line.first
        cells = (header, name, *line.rest) if name else (header, *line.rest)
        return self._place_instance(instance, Line(line.number, cells), fresh=True) is not None

    # -- labels --------------------------------------------------------------
    def _label_children(self, parent: tuple[str, ...]) -> list[Entry]:
        return self.grammar.label_children(parent)

    def _best(self, printed: str, parent: tuple[str, ...]) -> Match | None:
        return self.grammar.best(printed, parent)

    def _open_paths(self) -> tuple[tuple[str, ...], ...]:
        """The open levels' catalogue paths, the deepest last: what the grammar's lookups are keyed
        by. Worked out once per chain: a level that opens or closes replaces the chain (a new
        list), never changes it in place, and a label decision asks for them several times."""
        if self._parents_chain is not self.chain:
            self._parents = tuple(f.entry.path for f in self.chain)
            self._parents_chain = self.chain
        return self._parents

    def _search(self, printed: str) -> tuple[Match, int, Entry | None] | None:
        if not printed or len(printed) > LABEL_MAX_KEY:
            return None
        parents = self._open_paths()
        if not parents:
            return self._search_everywhere(printed)
        return self.grammar.find(printed, parents)

    def _search_everywhere(self, printed: str) -> tuple[Match, int, Entry | None] | None:
        """Before any section: an item of the first section's first heading opens it (the
        first page lost its "I 基本情報" heading)."""
        sections = self._sections_in_scope()
        if not sections:
            return None
        first = sections[0]
        for heading in self.cat.children(first.path):
            found = self._best(printed, heading.path)
            if found is not None and found.score >= _INFER_THRESHOLD:
                self._enter_section(first, "", 0, inferred=True)
                return found, 2, heading
        return None

    def _place_label(self, line: Line, following: Line | None) -> int | None:
        """Open the item the line's label names; None when it names none.

        What the line names depends only on its cells, the next line's and the open levels, so
        once the reading has a section it is remembered with the grammar's lookups: two versions
        of a report share most of their lines, and this is most of what reading a line costs."""
        if self.chain:
            decision = self.grammar.remembered(
                ("label", line.cells, following.cells if following is not None else None, self._open_paths()),
                lambda: self._label_named(line, following),
            )
        else:
            decision = self._label_named(line, following)  # may open the first section itself
        if decision is None:
            return None
        (match, depth, skipped), first, rest, consumed, leftover = decision
        if skipped is not None:
            self.chain = [*self.chain[: depth - 1], Frame(skipped, skipped.segment)]
            self.inferred.append("/".join(f.segment for f in self.chain))
        self._open(depth, match.entry, match.entry.segment, first, line, match.score, rest)
        while leftover and not leftover[0]:
            leftover = leftover[1:]
        if leftover and following is not None:
            # The rest of the line that finished the label: the value's next line, or the next
            # row of a label spanning rows ("の範囲 ※ | その必要性 | …"), read as printed.
            self.place(Line(following.number, leftover), None)
        return consumed

    def _label_named(self, line: Line, following: Line | None) -> LabelDecision | None:
        """(what :meth:`_search` found, the printed label, the value cells, lines consumed) of a
        line whose cells start with a label of an open level; changes nothing (but see
        :meth:`_search_everywhere`)."""
        cells = line.cells
        first = cells[0]
        as_circled = paren_to_circled(first)
        if as_circled is not None:
            # "(3)使用目的": a circled number printed in brackets; kept only if a label is found.
            first = as_circled
            cells = (first, *cells[1:])
        elif (first.startswith(VALUE_START) and not garbled_circled(first)) or (
                first[:1].isdecimal() and _OPTION_RE.match(first)):
            return None  # a value's line ("(D" opens one too, but may be ① as OCR garbles it)
        printed = key(first)
        found = self._search(printed)
        as_printed = cells  # before any joining of cells below
        if (found is None or not found[0].exact) and len(cells) >= 2:
            # A label broken across cells ("③対象と | なる本人の範囲", "特定化 | 周人情報ファイルの
            # 取扱 | いの委託における…"), or a row header before the label ("再委託 | ④…").
            broken = None
            for width in range(2, min(len(cells), _BROKEN_CELLS) + 1):
                joined = self._search(key("".join(cells[:width])))
                if joined is not None and (found is None or joined[0].score > found[0].score):
                    broken, found = width, joined
            if broken is not None:
                cells = ("".join(cells[:broken]), *cells[broken:])
            elif found is None and (
                len(printed) <= ROW_HEADER_MAX
                and not cells[1].startswith(VALUE_START)
                and (second := self._search(key(cells[1]))) is not None
            ):
                cells, found = cells[1:], second
            first = cells[0]
        if found is None and (after_header := self._after_row_header(cells)) is not None:
            cells, found = after_header
            first, printed = cells[0], key(cells[0])
        consumed = 0
        leftover: tuple[str, ...] = ()
        if (
            len(as_printed) >= 2
            and following is not None
            and following.cells
            and (found is None or not found[0].exact or self._names_part(found))
        ):
            # A label wrapped in its cell while the value fitted on the first line: the row's
            # first line is the label's first half and the value, the next line starts with the
            # label's second half ("③対象となる本人の | 市内に…" / "範囲 ※"); what follows it there
            # is a line of its own (the value's next line, or the next row).
            joined = self._with_next(key(as_printed[0]), following, found)
            if joined is not None:
                found, consumed, leftover = joined, 1, following.cells[1:]
                first = f"{as_printed[0]}{following.first}"
                cells = (first, *as_printed[1:])
                printed = key(first)
        spaced = None if consumed else self._spaced_label(as_printed, found, following)
        if (
            not consumed
            and len(cells) == 1
            and following is not None
            and following.cells
            and (found is None or not found[0].exact or self._names_part(found))
        ):
            # A label broken over two lines, its value after the second half (which may start
            # like a list item, "・失効の管理": then only a near-exact label counts).
            joined = self._with_next(printed, following, found)
            if spaced is not None and joined is not None and joined[0].score <= spaced[0][0].score:
                joined = None  # "委託契約書中の特定個人情報ファイルの [定めている]": a value inside it
            if joined is not None:
                found, consumed = joined, 1
                first = f"{first}{following.first}"
                cells = (first, *following.cells[1:])
                printed = key(first)  # the second half may run on with the value (one space apart)
            elif spaced is None and (found is None or not found[0].exact):
                # "⑥提供方 | 法 ⑦時期・頻度 …": the label ends inside the next line's first cell.
                text = f"{first}{following.first}"
                run_on, value = self._search_prefix(key(text), text)
                if run_on is not None and len(run_on[0].name) > len(printed):
                    found, consumed = run_on, 1
                    first = label_of(text, len(run_on[0].name)) if value else text
                    cells = (first, *((value,) if value else ()), *following.cells[1:])
        if not consumed and spaced is not None:
            found, first, cells, leftover = spaced
            consumed = 1
            printed = key(first)
        rest = cells[1:]
        if found is not None and found[0].exact and (tail := split_label(first, len(found[0].name)))[1] and tail[0]:
            # "変更の妥当性 —": the key drops trailing dashes, but after a separator they are the value.
            first, rest = label_of(first, len(found[0].name)), (tail[0], *rest)
        if (found is None or not found[0].exact) and len(printed) >= 4:
            # A label with its value run on in the same cell beats a fuzzy reading of the whole.
            # When the cell has its value beside it or below it and reads fuzzily as a whole label, a
            # split needs a visible boundary ("②所属長ノ役職名 | 税務課長" is one OCR'd label).
            strict = found is not None and (bool(rest) or following is not None)
            run_on, value = self._search_prefix(printed, first, strict=strict)
            if run_on is not None:
                found = run_on
                rest = (value, *rest) if value else rest
                first = label_of(first, len(run_on[0].name)) if value else first
        if found is None:
            return None
        return found, first, tuple(c for c in rest if c), consumed, leftover
