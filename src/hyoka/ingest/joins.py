"""Labels that a printing broke or ran on: the parts of a line the placer joins into a label.

Split from :mod:`hyoka.ingest.placer` (which opens the items): a label wrapped in its cell with
its value one space after the first half, a short row header in front of a circled label, and a
label with its value run on in the same cell. Each answers with the label's match and the cells
the line holds once the label is whole; the placer decides which reading wins.
"""

from __future__ import annotations

import re
from typing import Final

from mypy_extensions import trait

from hyoka.forms import Entry
from hyoka.forms.match import THRESHOLD, Match, key, label_of, read_head, split_label
from hyoka.ingest.grammar import INFER_THRESHOLD as _INFER_THRESHOLD
from hyoka.ingest.grammar import Grammar
from hyoka.ingest.lines import VALUE_START, Line
from hyoka.ingest.tree import Frame, Node
from hyoka.numbering import (
    CIRCLED,
    GARBLED_CIRCLED,
    garbled_circled,
    label_name,
    paren_to_circled,
    starts_circled,
)

ROW_HEADER_MAX: Final = 12
# "再委託 ④再委託の有無 …": a short row header, a space, then a circled label (one cell).
# The label may print its circled number in brackets ("再委託 （４）再委託の有無"), as Word lists do,
# or garbled by OCR ("再委託 @再委託の有無").
_ROW_HEADER_RE: Final = re.compile(
    rf"^[ \u3000]*[^\s{CIRCLED}]{{1,{ROW_HEADER_MAX}}}[ \u3000]+"
    rf"(?=[{CIRCLED}]|[(（][0-9０-９]{{1,2}}[)）]|{GARBLED_CIRCLED})")
_LABEL_GAP_RE: Final = re.compile(r"[ \u3000]+")  # the first gap in a cell: where a run-on value may start
_COLON_RE: Final = re.compile(r"^[ \u3000]*([^:：\s]{2,3})[ \u3000]*[:：]")  # a short label and its colon

Found = tuple[Match, int, Entry | None]


def circled_label(cell: str) -> str | None:
    """The cell as a circled label ("④再委託の有無"), whether printed with its circled number,
    in brackets ("(4)再委託の有無", "（４）…", Word's numbered lists) or garbled by OCR ("@再委託
    の有無": :func:`~hyoka.numbering.garbled_circled`); None when it starts otherwise. What a
    row header may stand before, on the label's line or the line above it."""
    cell = cell.lstrip(" \u3000")
    return cell if starts_circled(cell) or garbled_circled(cell) else paren_to_circled(cell)


# A trait to mypyc (see hatch_build.py): a mixin of Placer, which it compiles with single inheritance.
@trait
class LabelJoins:
    """The placer's joining of broken and run-on labels (a mixin of
    :class:`hyoka.ingest.placer.Placer`, which owns the open levels and the search)."""

    chain: list[Frame]
    grammar: Grammar
    nodes: list[Node]

    def _search(self, printed: str) -> Found | None:
        raise NotImplementedError

    def _child_cell(self, parent: Entry, rest: tuple[str, ...]) -> tuple[Match, str, tuple[str, ...]] | None:
        raise NotImplementedError

    def _wrapped_beside(self, entry: Entry, rest: tuple[str, ...], following: Line | None) -> bool:
        """Whether ``rest``, the cells after the header of ``entry`` (an instance or a risk), begin
        with a label its cell wrapped, the second half being the next line's first cell:
        "システム3 | ①システム | 中間サーバー", then "の名称", as the Excel form prints a label
        broken by Alt+Enter (or a Word cell its second paragraph), the value beside the first
        half. Only a circled label's first half that the two halves together name better than it
        does alone (it may be near enough to match by similarity, "①システムの名"); the header is
        then read alone and the label's line as any other (:meth:`place`), which joins the halves."""
        if not rest or following is None or not following.cells or not starts_circled(rest[0]):
            return False
        joined = self._child_cell(entry, (rest[0] + following.first, *rest[1:]))
        if joined is None:
            return False
        alone = self._child_cell(entry, rest)
        return alone is None or joined[0].score > alone[0].score

    def _row_header_alone(self, line: Line, following: Line | None) -> bool:
        """A row header on a line of its own, above the label it heads ("再委託", then "④再委託の
        有無 ※"), as an extraction that puts every cell on its own line prints it: form text, not
        the open item's value (in a row it is dropped by :meth:`_after_row_header`). Only a short
        word that starts the next line's circled label, which must name a label of the form."""
        if following is None or not following.cells or line.rest:
            return False
        head, label_cell = key(line.first), circled_label(following.first)
        if not head or len(head) > ROW_HEADER_MAX or label_cell is None:
            return False
        printed = key(label_cell)
        label = label_name(printed)  # "再委託の有無" of "④再委託の有無" or OCR's "@再委託の有無"
        if len(label) <= len(head) or not label.startswith(head):
            return False
        return self._search(printed) is not None or self._search_prefix(printed, label_cell)[0] is not None

    def _own_label_unread(self, line: Line) -> bool:
        """The open section's title alone on a line where the section has a label of that very name
        not read yet (様式2 "Ⅲ しきい値判断結果", whose one label is しきい値判断結果): that label,
        its value on the next line, not the section again (a cell per line prints it so)."""
        section = self.chain[0]
        found = self.grammar.best(key(line.first), section.entry.path)
        if found is None or not found.exact:
            return False
        return all(node.segments != (section.segment, found.entry.segment) for node in self.nodes)

    def _with_next(self, head: str, following: Line, found: Found | None) -> Found | None:
        """The label a printed head (a key) and the next line's first cell name together, when it
        reads better than what the head named alone (``found``) and at least as well as the next
        cell alone (else that is a label of its own); a next cell that starts like a list item
        ("・失効の管理") counts only near-exactly. A head or next cell that adds nothing to the key
        (the value "—" on its own line: keys drop dashes) is no part of a label."""
        tail = key(following.first)
        if not head or not tail:
            return None
        joined = self._search(head + tail)
        if joined is None:
            return None
        alone = self._search(tail)
        if alone is not None and alone[0].score > joined[0].score:
            return None
        need = _INFER_THRESHOLD if following.first.startswith(VALUE_START) else THRESHOLD
        # At the same score, the longer name the two lines make wins: "②所属長" (an older wording)
        # then "の役職名"; "@移転する情報" (③'s name, the number garbled) then "の対象となる本人の数".
        longer = found is not None and len(joined[0].name) > len(found[0].name)
        if joined[0].score < need or (found is not None and joined[0].score <= found[0].score and not longer):
            return None
        return joined

    def _spaced_label(self, cells: tuple[str, ...], found: Found | None, following: Line | None
                      ) -> tuple[Found, str, tuple[str, ...], tuple[str, ...]] | None:
        """A wrapped label with the value one space after its first half, all in one cell (a layout
        extraction keeps one space where a column is full): "②対象となる本人 [1万人以上10万人未満]"
        then "の数". The split at the first space is a guess, so only a near-exact label counts,
        one that neither the head nor the next line's first cell names as well alone. When the
        value wrapped too, the next line is the label's second half, one space, and the value's
        next line ("リスクに対す 申告書の…" then "る措置の内容 している。", as pdftotext and pdfminer
        print a row): its first cell is cut at its first space as well. Returns the match, the
        joined label, the cells (label, value) and what of the next line is a line of its own."""
        if (
            (found is not None and found[0].exact)
            or len(cells) != 1
            or following is None
            or not following.cells
            or (space := _LABEL_GAP_RE.search(cells[0])) is None
        ):
            return None
        head, value = cells[0][: space.start()], cells[0][space.end() :]
        spaced = self._spaced_join(head, following.first, found)
        if spaced is not None:
            return spaced, f"{head}{following.first}", (f"{head}{following.first}", value), following.cells[1:]
        gap = _LABEL_GAP_RE.search(following.first)
        if gap is None:
            return None
        tail, continued = following.first[: gap.start()], following.first[gap.end() :]
        spaced = self._spaced_join(head, tail, found)
        if spaced is None:
            return None
        return spaced, f"{head}{tail}", (f"{head}{tail}", value), (continued, *following.cells[1:])

    def _spaced_join(self, head: str, tail: str, found: Found | None) -> Found | None:
        """The label ``head`` and ``tail`` name together when near-exact, better than ``found`` and
        than either names alone (see :meth:`_spaced_label`)."""
        joined = self._search(key(head) + key(tail))
        if joined is None or joined[0].score < _INFER_THRESHOLD:
            return None
        score = joined[0].score
        if found is not None and found[0].score >= score:
            return None
        head_alone, tail_alone = self._search(key(head)), self._search(key(tail))
        if (head_alone is not None and head_alone[0].score >= score) or (
                tail_alone is not None and tail_alone[0].score > score):
            return None
        return joined

    def _after_row_header(
        self, cells: tuple[str, ...]
    ) -> tuple[tuple[str, ...], Found] | None:
        """A short row header before a circled label whose value is run on: "再委託 | ④再委託の有無
        ※：[再委託しない]", or all in one cell when the extractor turned tabs into spaces.
        Returns the cells from the label on, with the value cut off the label, and the match."""
        if len(cells) >= 2 and len(key(cells[0])) <= ROW_HEADER_MAX and circled_label(cells[1]) is not None:
            candidate, rest = cells[1], cells[2:]
        elif (head := _ROW_HEADER_RE.match(cells[0])) is not None:
            candidate, rest = cells[0][head.end() :], cells[1:]
        else:
            return None
        candidate = circled_label(candidate) or candidate  # "(4)再委託の有無": ④, as a label alone reads
        printed = key(candidate)
        found = self._search(printed)
        if found is not None:
            return (candidate, *rest), found
        run_on, value = self._search_prefix(printed, candidate)
        if run_on is None:
            return None
        label = label_of(candidate, len(run_on[0].name)) if value else candidate
        return (label, *((value,) if value else ()), *rest), run_on

    def _search_prefix(self, printed: str, first: str, *, strict: bool = False
                       ) -> tuple[Found | None, str]:
        """A label with its value run on in the same cell: accepted when the value starts like
        one (bracket, mark, list item) or the label is circled (unless ``strict``: then only a
        space, ※ or such a value start separates them), never inside running text. A label
        shorter than four characters counts only with a colon after it ("期間：[20年以上]", as
        Word-made reports print a sub-label and its value in one cell)."""
        colon = _COLON_RE.match(first)
        for depth in range(len(self.chain), 0, -1):
            path = self.chain[depth - 1].entry.path
            found = self.grammar.prefix(printed, path)
            if found is None and colon is not None:
                found = self.grammar.prefix(printed, path, min_length=2)
                if found is not None and len(found.name) != len(key(colon.group(1))):
                    found = None
            if found is None:
                continue
            value, boundary = split_label(first, len(found.name))
            if boundary or (not read_head(found) and (
                    (starts_circled(printed) and not strict) or value.startswith(VALUE_START))):
                return (found, depth, None), value
            return None, ""
        return None, ""
