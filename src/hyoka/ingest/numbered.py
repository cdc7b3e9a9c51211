"""Numbered headings ("3. 特定個人情報の入手・使用") as printed, lost and garbled.

The placer reads each body line as a numbered heading before it reads it as a label. A heading
is the form's: its title decides (OCR garbles the number), scored in the open section and, for a
lost section heading, in the sections after it. What real files do to headings is read here:
the dot lost or misread ("2 基本情報"), the number lost (Word's automatic numbering), the title
broken over cells, the heading printed again over a page break, and a value's line that only
quotes a heading ("3. 特定個人情報の入手・使用に記載のとおり。").
"""

from __future__ import annotations

from typing import Final

from mypy_extensions import trait

from hyoka.forms import Entry
from hyoka.forms.match import THRESHOLD, key, label_of, split_after
from hyoka.ingest.grammar import INFER_THRESHOLD as _INFER_THRESHOLD
from hyoka.ingest.grammar import NUMBER_BONUS as _NUMBER_BONUS
from hyoka.ingest.grammar import Grammar
from hyoka.ingest.lines import VALUE_START, Line
from hyoka.ingest.tree import Frame
from hyoka.numbering import fold, numbered

# Going back to an earlier heading of the open section is possible (a table printed twice), but
# a later section with the same title and the printed number is the likelier reading.
_BACKWARD_COST: Final = 15.0

# A numbered heading's reading in one section in scope: (fit, minus its rank, section,
# (entry, score, title characters consumed), title as read, line as read).
Candidate = tuple[float, int, Entry, tuple[Entry, float, int], str, Line]

# A heading's title run on into a sentence: "3. 特定個人情報の入手・使用に記載のとおり。"
_PARTICLES: Final = frozenset("にをはがでへとものや")


def quotes_a_heading(run_on: str) -> bool:
    """Whether what follows a numbered heading's title on its cell makes the cell a sentence
    that quotes the heading (a value's line wrapped to begin with it): it goes on with a
    particle and ends a sentence. A heading's own run-on text (※, a value, a broken title's
    tail) does neither."""
    text = run_on.strip()
    return len(text) > 1 and text[0] in _PARTICLES and text.endswith(("。", "。)", "。）"))


def ends_a_sentence(text: str) -> bool:
    """Whether ``text`` has a "。" outside brackets: a sentence, not a heading's title, whose
    own brackets may hold one ("(委託に伴うものを除く。)"). A ")" with no "(" before it closes
    a bracket opened on the line above (the title wrapped inside it)."""
    if "。" not in text:
        return False
    if ")" not in text and "）" not in text:
        return True  # no bracket closes: a "。" outside one (most sentences end here, in C)
    depth, ended = 0, False
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth:
                depth -= 1
            else:
                ended = False  # all before it was inside a bracket opened above
        elif ch == "。" and not depth:
            ended = True
    return ended


# A trait to mypyc (see hatch_build.py): a mixin of Placer, which it compiles with single inheritance.
@trait
class NumberedHeadings:
    """The placer's reading of numbered headings (a mixin of :class:`hyoka.ingest.placer.Placer`,
    which owns the tree and opens the items)."""

    chain: list[Frame]
    grammar: Grammar
    inferred: list[str]
    _pending_repeat: tuple[Entry, str, int] | None
    _titles: list[tuple[Entry, str]]

    def _open(self, depth: int, entry: Entry, segment: str, printed: str, line: Line, score: float,
              rest: tuple[str, ...]) -> None:
        raise NotImplementedError

    def _enter_section(self, entry: Entry, printed: str, number: int, *, inferred: bool) -> None:
        raise NotImplementedError

    def _place_numbered(self, heading: tuple[str, str], line: Line, *, strict: bool = True) -> bool:
        """A numbered heading; not ``strict`` (its dot lost: "2 基本情報"), only a heading of
        that very number whose title reads nearly whole."""
        number, printed_title = heading
        while len(line.cells) >= 2:
            # "2. 基本 | 情報": the title broken across cells; "3. 特定 | 3. 特定個人情報の…": debris.
            # A loop, not a call per cell: a line's cells set how far it goes (compiled code has
            # no recursion limit, and Python's would stop a line of a thousand such cells).
            second = numbered(line.cells[1])
            if second is None or len(key(second[1])) <= len(key(printed_title)):
                break
            (number, printed_title), line = second, Line(line.number, line.cells[1:])
        title_key = key(printed_title)
        candidates: list[Candidate] = []
        for rank, section in enumerate(self._sections_in_scope()):
            inferring = rank > 0 or not self.chain
            found = self._numbered_match(section, number, title_key, inferring=inferring)
            shown_title, shown_line = printed_title, line
            for extra in range(1, min(len(line.cells), 3)) if found is None or found[1] < 100.0 else ():
                # "5. 特 | 寺定個人情報の提供・ | 移転(…)", "1. 特定個人情報ファイル | を取り扱う事務":
                # a title broken across cells reads better whole.
                joined = printed_title + "".join(line.cells[1 : extra + 1])
                longer = self._numbered_match(section, number, key(joined), inferring=inferring)
                if longer is not None and (found is None or longer[1] > found[1]):
                    found, shown_title = longer, joined
                    shown_line = Line(line.number, (line.cells[0], *line.cells[extra + 1 :]))
                    break
            if found is not None and (strict or (found[0].segment == number and found[1] >= _INFER_THRESHOLD)):
                candidates.append((self._rank(found[0], found[1], number, rank), -rank, section, found, shown_title,
                                   shown_line))
        if not candidates:
            return False
        _, minus_rank, section, (entry, score, consumed), printed_title, line = max(
            candidates, key=lambda c: (c[0], c[1])
        )
        title_key = key(printed_title)
        value = split_after(printed_title, consumed) if consumed < len(title_key) else ""
        if quotes_a_heading(value):
            return False
        if self._repeated_heading(candidates):
            return True
        if minus_rank < 0 or not self.chain:
            self._enter_section(section, "", line.number, inferred=True)
        else:
            self._settle_repeat(entry)
        shown = label_of(printed_title, consumed) if value else printed_title
        rest = tuple(c for c in (value, *line.rest) if c)
        self._open(1, entry, entry.segment, f"{entry.segment}. {shown}", line, score, rest)
        return True

    def _wrapped_numbered(self, heading: tuple[str, str], line: Line,
                          following: Line | None) -> tuple[tuple[str, str], Line, tuple[str, ...]] | None:
        """A numbered heading whose title wrapped in its cell while its value fitted on the first
        line: "3. 特定個人情報フ | 軽自動車税賦課収納ファイル" (or one space before the value) then
        "ァイル名". The heading with the next line's first cell as the rest of its title (its
        first cells, when the rest was broken across them too: "人情報ファイル | を取り扱う事務"),
        the line to place and the next line's cells left, when that title reads better than the
        printed one in the sections in scope, and well enough (the caller reads the cells left as
        a line of their own); None otherwise, and for a sentence ("…に記載のとおり。")."""
        if following is None or not following.cells or numbered(following.first) is not None:
            return None
        number, printed_title = heading
        if ends_a_sentence(printed_title) or ends_a_sentence(following.first):
            return None
        head, _, value = printed_title.partition(" ")

        def best(title_key: str) -> float:
            found = [self._numbered_match(section, number, title_key, inferring=rank > 0 or not self.chain)
                     for rank, section in enumerate(self._sections_in_scope())]
            return max((match[1] for match in found if match is not None), default=0.0)

        alone = best(key(printed_title))
        if alone >= 100.0:
            return None  # the title printed whole (most headings): nothing reads better
        wrapped, taken = best(key(f"{head}{following.first}")), 1
        if wrapped < THRESHOLD or wrapped <= alone:
            return None
        for more in range(2, min(len(following.cells), 3) + 1):
            if wrapped >= 100.0 or ends_a_sentence(following.cells[more - 1]):
                break
            longer = best(key(head + "".join(following.cells[:more])))
            if longer > wrapped:
                wrapped, taken = longer, more
        title = head + "".join(following.cells[:taken]) + (f" {value}" if value else "")
        left = tuple(cell for cell in following.cells[taken:] if cell)
        return (number, title), Line(line.number, (f"{number}. {title}", *line.cells[1:])), left

    def _settle_repeat(self, entry: Entry) -> None:
        """After a repeated section heading, the numbered heading ``entry`` decides what it was:
        numbering that starts again means the next 特定個人情報ファイル's section; else a page header."""
        if self._pending_repeat is None:
            return
        repeat, printed, at = self._pending_repeat
        current = self.chain[1].entry.segment if len(self.chain) > 1 else ""
        if not current.isdigit() or int(entry.segment) <= int(current):
            self._enter_section(repeat, printed, at, inferred=False)
        self._pending_repeat = None

    def _repeated_heading(self, candidates: list[Candidate]) -> bool:
        """Whether the line prints the open numbered heading again, whole and alone: a table
        continued on the next page repeats its heading row (as a section heading is repeated
        as a page header). The place is kept; read as the next heading instead, the line would
        reopen the item, or (being no step forward) send the rest of the section into the next
        one. A repeated section heading just before it was that page's header too."""
        if len(self.chain) < 2:
            return False
        open_heading = self.chain[1].entry
        for _, minus_rank, _, (entry, score, consumed), shown, shown_line in candidates:
            if (minus_rank == 0 and entry is open_heading and score >= THRESHOLD and not shown_line.rest
                    and consumed >= len(key(shown))):
                self._pending_repeat = None
                return True
        return False

    def _rank(self, entry: Entry, score: float, number: str, rank: int) -> float:
        """How well a numbered heading fits here: its title, its number, and whether it goes back
        in the open section (a lost section heading: "1. 特定個人情報ファイル名" after I 7. is II 1.,
        not I 3. again), unless a repeated heading said the next file's section begins."""
        fit = score + (_NUMBER_BONUS if entry.segment == number else 0.0)
        if rank == 0 and len(self.chain) > 1 and self._pending_repeat is None:
            current = self.chain[1].entry.segment
            if current.isdigit() and entry.segment.isdigit() and int(entry.segment) <= int(current):
                fit -= _BACKWARD_COST
        return fit

    def _sections_in_scope(self) -> list[Entry]:
        """The open section first, then the sections after it (all of them before any is open)."""
        sections = [entry for entry, _ in self._titles]
        if not self.chain:
            return sections
        current = self.chain[0].entry
        if current not in sections:
            return sections
        index = sections.index(current)
        return sections[index:]

    def _numbered_match(self, section: Entry, number: str, title_key: str,
                        *, inferring: bool) -> tuple[Entry, float, int] | None:
        return self.grammar.numbered_match(section.path, number, title_key, inferring)

    def _bare_heading(self, title_key: str) -> tuple[tuple[Entry, float, int] | None, str | None]:
        """(what :meth:`Grammar.bare_heading` finds for a line's title key among the next numbered
        headings of the open section, the open heading's segment they come after); (None, None)
        for a value's line (most of them) or before any section."""
        if not self.chain or not self.grammar.may_name_heading(title_key):
            return None, None
        # After a repeated section heading, numbering may start again (the next file's section).
        after = self.chain[1].entry.segment if len(self.chain) > 1 and self._pending_repeat is None else None
        return self.grammar.bare_heading(self.chain[0].entry.path, after, title_key), after

    def _bare_title_whole(self, line: Line) -> bool:
        """Whether the line begins with one of the next numbered headings' titles whole (what
        :meth:`_place_bare` would read from it, a value run on or not)."""
        found, _ = self._bare_heading(key(fold(line.first).replace("※", " ").strip()))
        return found is not None and found[1] >= 100.0

    def _place_bare(self, line: Line, *, exact: bool = False, title_exact: bool = False) -> bool:
        """A line that begins with the title of one of the next numbered headings of the open
        section ("基本情報", "特定個人情報の提供・移転(…) [○] 提供・移転しない"): the heading, its
        number lost (Word's automatic numbering does not survive extraction). Only when no label
        of the open items took the line, and only with nothing after the title but ※ or a value
        the form prints there (a choice, a check box); ``exact``: the title alone, whole;
        ``title_exact``: the title whole, a value may follow."""
        first = fold(line.first)  # as numbered() reads a heading's title
        title = first.replace("※", " ").strip()
        title_key = key(title)
        found, after = self._bare_heading(title_key)
        if found is None:
            # The open heading's title again, alone, that no label took: printed again over a
            # page break, as a numbered heading is (the place is kept).
            return (not exact and not title_exact and not line.rest and after is not None
                    and bool(self.chain[1].entry.title) and title_key == key(self.chain[1].entry.title))
        entry, score, consumed = found
        if ((exact or title_exact) and score < 100.0) or (exact and consumed < len(title_key)):
            return False
        value = split_after(title, consumed) if consumed < len(title_key) else ""
        if value and not value.startswith(VALUE_START):
            return False
        rest = tuple(c for c in (value, *line.rest) if c.replace("※", "").strip())
        if any(not cell.startswith(VALUE_START) for cell in rest):
            return False
        shown = title[: len(title) - len(value)].strip() if value else title
        star = " ※" if "※" in first[: len(first) - len(value)] else ""
        self._settle_repeat(entry)
        self._open(1, entry, entry.segment, f"{entry.segment}. {shown}{star}", line, score, rest)
        return True
