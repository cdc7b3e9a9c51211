"""Reader for published report text (PDF/Word extracted to text, as in ../shared/seeds).

The layout is a table flattened to lines: tabs between cells, items numbered
I/II…, "1.", "①", repeating groups (システムN …) and unnumbered sub-labels.
This module finds the parts of the file — form and edition, cover, 項目一覧
(skipped), body, 変更箇所 appendix — and hands the body lines to the placer
(:mod:`hyoka.ingest.placer`), which fits them to the form's catalogue. It never
raises on noise, only when no form can be recognised anywhere in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Final

from hyoka.collector import collector_paused
from hyoka.errors import InputError
from hyoka.forms import Catalogue, load_catalogue
from hyoka.forms.match import key
from hyoka.ingest.appendix import find_appendix_start, parse_appendix
from hyoka.ingest.cells import parse_value, strip_markup
from hyoka.ingest.lines import Line, appendix_heading, is_noise, split_line
from hyoka.ingest.placer import Node, Placer
from hyoka.ingest.reading import Diagnostics, Reading
from hyoka.model import CATALOGUE_READER, FormKind, Item, ItemPath, Report, ReportMeta, Text
from hyoka.normalize import collapse_space, label_key, nfkc_keep_circled, unix_newlines
from hyoka.numbering import FILE_SECTIONS, NUMERAL_STARTS, loosely_numbered, numbered, section_ordinal, strip_roman

_FORM_MARKERS: tuple[tuple[str, FormKind], ...] = (
    ("全項目評価書", "全項目"),
    ("重点項目評価書", "重点"),
    ("基礎項目評価書", "基礎"),
    ("様式4", "全項目"),
    ("様式3", "重点"),
    ("様式2", "基礎"),
)
_EDITION_RE: Final = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*様式\s*([234])")
_EDITION_FORMS: dict[str, FormKind] = {"2": "基礎", "3": "重点", "4": "全項目"}
_FORM_TITLE: Final = "特定個人情報保護評価書"
_PAGE_HEADER_RE: Final = re.compile(rf"^{_FORM_TITLE}\s*[(（]")
# Characters that print as nothing, which converters leave anywhere (a zero-width space between
# two words of an HTML export, a byte-order mark or word joiner inside the text): the report
# says the same without them, and a heading or choice with one inside would not read as itself.
# A no-break space (HTML's &nbsp;) is read as the space it prints as, before any step that
# tells a space from other characters ("① 出生" → "①出生"), not only where cells fold blanks.
_INVISIBLE: Final = str.maketrans({"\u200b": None, "\u2060": None, "\ufeff": None, "\u00a0": " "})
# What a page's header or a continued table prints besides the form's title: the edition
# ("[令和7年5月 様式3]") and "(続き)". A value is never one of them alone on its line.
_HEADER_MAX = 80  # no page header is longer (the 評価書名 of the cover included)
_RUNNING_RE = re.compile(r"^(?:[\[［]\s*(?:令和|平成)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*様式\s*[234]\s*[\]］]"
                         r"|[(（]\s*続(?:き)?\s*[)）])$")
_RUNNING_OPENERS = frozenset("[［(（")  # what _RUNNING_RE's lines start with: tested before it runs
_TABLE_HEADER = ("変更日", "項目", "変更前の記載")
_COVER_SCAN = 80
_TITLE_PREFIX = 8


def detect_edition(lines: Sequence[str]) -> tuple[FormKind | None, str]:
    """(form, edition) printed on the cover: "[令和7年5月 様式3]" → ("重点", "令和7年5月")."""
    head = nfkc_keep_circled("\n".join(lines[:_COVER_SCAN]))
    m = _EDITION_RE.search(head)
    if not m:
        return None, ""
    return _EDITION_FORMS[m.group(4)], f"{m.group(1)}{m.group(2)}年{m.group(3)}月"


def detect_form(lines: Sequence[str]) -> FormKind | None:
    """Form kind from the cover (title or 様式 number); failing that, from the page headers and
    section titles anywhere in the file (the extractor may have lost the cover)."""
    head = nfkc_keep_circled("\n".join(lines[:60]))
    found = _first_marker(head, _FORM_MARKERS)
    if found is not None:
        return found
    found = _first_marker(nfkc_keep_circled("\n".join(lines)), _FORM_MARKERS[:3])
    return found if found is not None else _form_by_sections(lines)


def _first_marker(text: str, markers: Sequence[tuple[str, FormKind]]) -> FormKind | None:
    """The form the earliest marker names: the cover's title comes before any option list that
    names other forms ("3) 基礎項目評価書及び全項目評価書")."""
    positions = [(text.find(marker), kind) for marker, kind in markers if marker in text]
    return min(positions)[1] if positions else None


def _form_by_sections(lines: Sequence[str]) -> FormKind | None:
    """The form whose section titles the file prints most of (at least two)."""
    scores: dict[FormKind, int] = {}
    for form in ("全項目", "重点", "基礎"):
        placer = Placer(load_catalogue(form))
        found = {e.segment for raw in lines if (h := placer.section_heading(raw.replace("\t", " "))) for e in [h[0]]}
        scores[form] = len(found)
    form, count = max(scores.items(), key=lambda pair: pair[1])
    return form if count >= 2 else None


def _headings(lines: Sequence[Line], placer: Placer) -> dict[int, str]:
    """Index → "section"/"appendix" for the heading lines of the file."""
    kinds: dict[int, str] = {}
    for idx, line in enumerate(lines):
        if not line.cells or len(line.first) > 120:
            continue
        joined = line.joined
        app = appendix_heading(joined) if "添" in joined else None  # its own first test, without a call
        section = placer.section_heading(joined) if app is None else None
        if app is not None:
            kinds[idx] = f"appendix:{app[0]}"
        elif section is not None:
            kinds[idx] = f"section:{section[0].segment}"
    return kinds


def _join_wrapped_sections(lines: list[Line], placer: Placer) -> None:
    """Section headings wrapped onto the next line, joined in place: the heading's line gets
    the whole heading, the next line is left blank. A long title wraps ("Ⅲ 特定個人情報ファイル
    の取扱いプロセスにおけるリス" then "ク対策 ※(7. ②を除く。)"), so may its ※ or the bracket
    after it, and a numeral may stand on a line of its own.

    Only a line that opens with a section numeral and does not print a section's title whole,
    or prints it whole but its ※ or bracket went on, before a line that is no heading itself
    (a bare title is read as such); and only when together they print a section's title whole."""
    grammar = placer.grammar
    for idx in range(len(lines) - 1):
        line, following = lines[idx], lines[idx + 1]
        if line.rest or not line.cells or not following.cells or len(line.first) > 120:
            continue
        start = line.first.lstrip(" \u3000")[:1]
        if start not in NUMERAL_STARTS and unicodedata.is_normalized("NFKC", start):
            continue  # no numeral starts the line, nor will once folded (most lines)
        numeral, title = strip_roman(nfkc_keep_circled(line.first))
        if numeral is None:
            continue
        alone = placer.section_heading(line.joined)
        if alone is not None and grammar.prints_title_whole(alone[0], line.first) and not _goes_on(alone[2], following):
            continue
        if placer.section_heading(following.joined) is not None or numbered(following.first) is not None:
            continue
        joined = (line.first + ("" if title else " ") + following.first, *following.cells[1:])
        heading = placer.section_heading(" ".join(cell for cell in joined if cell))
        if heading is not None and grammar.prints_title_whole(heading[0], joined[0]):
            lines[idx], lines[idx + 1] = Line(line.number, joined), Line(following.number, ())


def _goes_on(remainder: str, following: Line) -> bool:
    """Whether a section heading printed whole goes on on the next line: its ※ wrapped, or the
    bracket opened after it ("※(7. ②を" then "除く。)")."""
    if not remainder:
        return following.first.startswith("※")
    return remainder.count("(") + remainder.count("（") > remainder.count(")") + remainder.count("）") \
        and (")" in following.first or "）" in following.first)


def _debris(line: Line) -> bool:
    """A line of one or two signs and no letters ("(", "Γ 1"): OCR debris between headings."""
    text = line.joined.replace(" ", "")
    return len(text) <= 2 and not any(ch.isalpha() for ch in text)


def _body_start(lines: Sequence[Line], kinds: dict[int, str], catalogue: Catalogue) -> int:
    """The first body line: the heading of the section the form's first item belongs to, just
    before that item, or the item itself when its heading was lost. Earlier headings are the
    項目一覧 (whose last entry may stand just before a heading-less body), unless one of an
    earlier section (or of the item's own, when the item is not its section's first) is followed
    by text: then the first headings lost their numbers (Word's automatic numbering does not
    survive extraction) and the body starts there."""
    first_item, sections = next(
        ((idx, found[0]) for idx, line in enumerate(lines)
         if idx not in kinds and (found := _item_heading(line, catalogue, _next_line(lines, idx)))[0]
         and _next_is_text(lines, idx + found[1], kinds, catalogue)),  # past a title's wrapped half
        (None, set()),
    )
    first_rank = min((section_ordinal(s) or 99 for s in sections), default=99)
    # A first item found that is not its section's first ("7. 他の評価実施機関" where 1.-6. lost
    # their numbers or are garbled) has its section's heading before it, followed by the text of
    # the items not found.
    rank_before = first_rank + 1 if first_item is not None and _heading_number(lines[first_item]) > 1 else first_rank
    earlier = next((idx for idx, kind in sorted(kinds.items())
                    if (first_item is None or idx < first_item) and kind.startswith("section")
                    and (section_ordinal(kind.partition(":")[2]) or 99) < rank_before
                    and _next_is_text(lines, idx, kinds, catalogue)), None)
    if earlier is not None:
        return earlier
    if first_item is None:
        return next((idx for idx, kind in sorted(kinds.items()) if kind.startswith("section")), len(lines))
    before = first_item - 1
    while before >= 0 and (is_noise(lines[before]) or _debris(lines[before])):
        before -= 1
    heading = kinds.get(before, "") if before >= 0 else ""
    return before if heading.startswith("section") and heading.partition(":")[2] in sections else first_item


def _next_is_text(lines: Sequence[Line], idx: int, kinds: dict[int, str], catalogue: Catalogue) -> bool:
    """Whether the first line after ``idx`` that carries something is not a heading (a section,
    a 別添 or a numbered one): a 項目一覧 that lists the numbered headings too is a list of
    headings, the body's first heading has its items under it."""
    following = next((i for i in range(idx + 1, len(lines)) if not (is_noise(lines[i]) or _debris(lines[i]))), None)
    if following is None or following in kinds or numbered(lines[following].first) is not None:
        return False
    return not _item_heading(lines[following], catalogue)[0]


def _heading_number(line: Line) -> int:
    """The number of a numbered heading's line ("7. 他の評価実施機関" → 7; its dot lost too)."""
    heading = numbered(line.first) or loosely_numbered(line.first)
    return int(heading[0]) if heading is not None else 0


def _next_line(lines: Sequence[Line], idx: int) -> Line | None:
    return lines[idx + 1] if idx + 1 < len(lines) else None


def _item_heading(line: Line, catalogue: Catalogue, following: Line | None = None) -> tuple[set[str], int]:
    """The sections a numbered heading of the form belongs to ("1. 特定個人情報ファイルを取り扱う
    事務" → {"I"}; empty for any other line), and how many lines after it its title took: a
    title too short to tell may have wrapped onto the ``following`` line ("1. 特定個" then
    "人情報ファイルを取り扱う事務"), which then completes it (1)."""
    if not line.cells:
        return set(), 0
    prefix: int | None
    heading, prefix = numbered(line.first), _TITLE_PREFIX
    if heading is None:  # its dot lost ("1 特定個人情報ファイルを取り扱う事務"): the whole title
        heading, prefix = loosely_numbered(line.first), None
    if heading is None:
        return set(), 0
    title = key(heading[1] + "".join(line.cells[1:]))
    found = _titled(catalogue, heading[0], title, prefix)
    if prefix is None or following is None or not following.cells or numbered(following.first) is not None:
        return {section for section, _ in found}, 0
    tail = key(following.first)
    if not found and len(title) < prefix:
        return {section for section, _ in _titled(catalogue, heading[0], title + tail, prefix)}, 1
    # A title long enough to tell may have wrapped all the same ("2. 特定個人情報ファイ" then "ルを
    # 取り扱う事務において使用するシステム"): the next line is its second half when the two print
    # more of one title than the first alone.
    taken = 1 if any(len(whole) > len(title) and whole.startswith(title + tail[:1]) for _, whole in found) else 0
    return {section for section, _ in found}, taken


def _titled(catalogue: Catalogue, number: str, title: str, prefix: int | None) -> list[tuple[str, str]]:
    """(section, title key) of the numbered headings of the form with this number whose title the
    printed one starts with (its first ``prefix`` characters; all of it when None)."""
    return [
        (section.segment, whole)
        for section in catalogue.sections()
        for entry in catalogue.children(section.path)
        if entry.segment == number and entry.title
        and title.startswith((whole := key(entry.title))[:prefix])
    ]


def _cover(lines: Sequence[str]) -> tuple[dict[str, str], list[Item]]:
    """Cover fields and the cover's free-text items (宣言, 特記事項)."""
    meta: dict[str, str] = {}
    blocks: dict[str, list[str]] = {"宣言": [], "特記事項": []}
    open_block: str | None = None
    cells = [split_line(i, raw) for i, raw in enumerate(lines)]
    # A long cover runs onto a second page, whose header (the form's title) would join the 宣言
    # or 特記事項 open there. An edition line stays: it closes the block, as it always did.
    cells = [c for c in cells if not is_noise(c) and not _PAGE_HEADER_RE.match(c.first)]
    for idx, line in enumerate(cells):
        text = nfkc_keep_circled(line.joined)
        label = _cover_label(text)
        following = cells[idx + 1] if idx + 1 < len(cells) else None
        if label.startswith("評価書番号") and following is not None:
            meta["number"], meta["title"] = _number_and_title(line, cells[idx + 1 : idx + 4])
            open_block = None
        elif "保護の宣言" in label:
            open_block = "宣言"
            blocks["宣言"] += _after_label(line, label[: label.index("保護の宣言") + len("保護の宣言")])
        elif label.startswith("特記事項"):
            open_block = "特記事項"
            blocks["特記事項"] += _after_label(line, "特記事項")
        elif label.startswith("評価実施機関名") and following is not None:
            meta["organisation"] = following.joined
            open_block = None
        elif label.startswith("公表日"):
            open_block = None
            if following is not None and re.search(r"\d", following.joined) and "様式" not in following.joined:
                meta["published"] = following.joined
        elif text.startswith(("個人情報保護委員会", "項目一覧", "[", "「")):
            open_block = None
        elif open_block is not None:
            blocks[open_block].append(line.joined)
    items = [
        Item(ItemPath(("表紙", key)), key, False, Text(strip_markup("\n".join(parts))))
        for key, parts in blocks.items()
    ]
    return meta, items


def _cover_label(text: str) -> str:
    """A cover line as its label is compared: without blanks, which a label set in a justified
    cell gets between its characters ("評 価 書 番 号"), nor the bracket some reports put it in
    ("【公表日】")."""
    return "".join(text.split()).lstrip("【[〔<＜(（")


def _after_label(line: Line, label: str) -> list[str]:
    """The cells of a cover line after its label, which a justified cell may have spaced into
    cells of its own ("特\u3000記\u3000事\u3000項" is four cells)."""
    taken = ""
    for idx, cell in enumerate(line.cells):
        taken += "".join(cell.split())
        if len(taken) >= len(label):
            return [c for c in line.cells[idx + 1 :] if c]
    return []


def _number_and_title(header: Line, after: Sequence[Line]) -> tuple[str, str]:
    """(評価書番号, 評価書名) under the cover's "評価書番号 | 評価書名" header row: the next row's
    cells; or, with every cell on a line of its own ("評価書番号" / "評価書名" / "12" / title), the
    two lines after the second name (a short one without spaces first is the number)."""
    alone = bool(after) and _cover_label(nfkc_keep_circled(after[0].joined)).rstrip("】]〕>＞)）") == "評価書名"
    if len(header.cells) > 1 or not alone:
        return after[0].first, " ".join(after[0].cells[1:])
    values = [line.joined for line in after[1:]]
    if len(values) == 2 and len(values[0]) <= 12 and " " not in values[0]:
        return values[0], values[1]
    return "", values[0] if values else ""


def _rename_file_sections(nodes: list[Node]) -> tuple[list[str], dict[str, str]]:
    """Name II/III instances after their file ("II(住民票ファイル)") in multi-file reports:
    (the file names, the section segments renamed)."""
    files: dict[str, str] = {}
    repeated = {n.segments[0].split("#")[0] for n in nodes if "#" in n.segments[0] and len(n.segments) == 1}
    for node in nodes:
        seg = node.segments[0]
        if len(node.segments) == 2 and node.segments[1] == "1" and seg.split("#")[0] in repeated and node.parts:
            name = strip_markup(node.parts[0]).split("\n")[0]
            files[seg] = label_key(name)[:40] or seg
    used: set[str] = set()
    renamed: dict[str, str] = {}
    for seg in dict.fromkeys(n.segments[0] for n in nodes):
        base = seg.split("#")[0]
        if base not in repeated:
            continue
        name = f"{base}({files[seg]})" if seg in files else seg
        twin = 2
        while name in used:  # two files of one name: "II(x)#2", which paths read as the same form item
            name, twin = f"{base}({files.get(seg, seg)})#{twin}", twin + 1
        used.add(name)
        renamed[seg] = name
    for node in nodes:
        if node.segments[0] in renamed:
            node.segments = (renamed[node.segments[0]], *node.segments[1:])
    names = [files[s] for s in renamed if s in files and s.startswith("II")]
    return list(dict.fromkeys(names)), renamed


def file_sections_named(nodes: list[Node]) -> bool:
    """Whether II/III repeat (a multi-file report), so paths must name each file."""
    return any("#" in n.segments[0] and n.segments[0].split("#")[0] in FILE_SECTIONS for n in nodes)


def _renamed(path: str, renamed: dict[str, str]) -> str:
    """A path recorded while reading, with its section named after its file as in the report."""
    head, sep, rest = path.partition("/")
    return f"{renamed.get(head, head)}{sep}{rest}"


def parse_published(text: str, name: str = "入力") -> Report:
    """Parse published report text into a Report; InputError if it is not a report."""
    return read_published(text, name).report


@collector_paused
def read_published(text: str, name: str = "入力") -> Reading:
    """Read published report text: the Report and what the reading noticed (:class:`Reading`).

    The cyclic garbage collector is paused while reading (:mod:`hyoka.collector`)."""
    if "\u200b" in text or "\u2060" in text or "\ufeff" in text or "\u00a0" in text:
        text = text.translate(_INVISIBLE)
    raw_lines = unix_newlines(text).split("\n")
    # The form feeds between pages say where a bare folio ends a page: the folios are blanked,
    # for the body, the cover and the 変更箇所 table alike, and then the form feeds go (a line
    # opening a page would otherwise start with one, and "\f# Ⅳ …" is no heading).
    if "\f" in text:
        footers = page_footers(raw_lines)
        raw_lines = ["" if idx in footers else raw.replace("\f", "") for idx, raw in enumerate(raw_lines)]
    edition_form, edition = detect_edition(raw_lines)
    form = edition_form or detect_form(raw_lines)  # "[平成29年5月 様式2]" names the form outright
    if form is None:
        raise InputError(f"{name}: 特定個人情報保護評価書として読めません (様式が見つかりません) / not a report")
    catalogue = load_catalogue(form, edition or None)
    appendix_at = find_appendix_start(raw_lines)
    body_end = appendix_at if appendix_at is not None else len(raw_lines)
    lines = [split_line(idx + 1, raw_lines[idx]) for idx in range(body_end)]
    placer = Placer(catalogue)
    _join_wrapped_sections(lines, placer)
    kinds = _headings(lines, placer)
    body_start = _body_start(lines, kinds, catalogue)
    contents = {idx for idx in kinds if idx < body_start}
    meta, cover_items = _cover(raw_lines[:body_start])
    _place_body(placer, lines, body_start, kinds, contents, _running_heads(lines[body_start:], meta))
    if not placer.nodes:
        raise InputError(f"{name}: 特定個人情報保護評価書として読めません (様式の項目が見つかりません) / not a report")
    files, renamed = _rename_file_sections(placer.nodes) if file_sections_named(placer.nodes) else ([], {})
    if not files:
        files = _single_file_name(placer.nodes)
    items = [item_of(node.segments, node.label, node.star, "\n".join(node.parts)) for node in placer.nodes]
    rows = parse_appendix(_table_lines(raw_lines, appendix_at)) if appendix_at is not None else ()
    report_meta = ReportMeta(
        number=_one_line(meta.get("number", "")),
        title=_one_line(meta.get("title", "")),
        organisation=_one_line(meta.get("organisation", "")),
        published=_one_line(meta.get("published", "")),
        form=form,
        files=tuple(files),
    )
    diagnostics = Diagnostics(
        form=form,
        edition=edition,
        edition_used=catalogue.edition,
        unplaced=tuple(replace(u, attached_to=_renamed(u.attached_to, renamed)) for u in placer.unplaced),
        fuzzy=tuple(replace(f, path=_renamed(f.path, renamed)) for f in placer.fuzzy),
        inferred_sections=tuple(_renamed(path, renamed) for path in placer.inferred),
        contents_lines=tuple(sorted(i + 1 for i in contents)),
        appendix_unread=_unread_table(raw_lines, appendix_at, rows),
    )
    report = Report(report_meta, (*cover_items, *items), tuple(rows), reader=CATALOGUE_READER)
    return Reading(report, diagnostics)


# A 変更箇所 table this many lines long (header and blanks aside) holds at least one row.
_TABLE_MIN_LINES = 6


def _unread_table(raw_lines: Sequence[str], appendix_at: int | None, rows: Sequence[object]) -> int | None:
    """The 変更箇所 heading's line number when its table has text but gave no row (see
    :class:`Diagnostics`), else None."""
    if appendix_at is None or rows:
        return None
    filled = sum(1 for line in raw_lines[appendix_at + 1 :] if line.strip())
    return appendix_at + 1 if filled >= _TABLE_MIN_LINES else None


@lru_cache(maxsize=16_384)
def item_of(segments: tuple[str, ...], label: str, star: bool, text: str) -> Item:
    """The item a placed node becomes, remembered: items are immutable, and two versions of a
    report share most of them, so an unchanged item is the same object in both (the differ
    compares those by identity first)."""
    return Item.printed(ItemPath(segments), label, star, text, parse_value)


def _place_body(placer: Placer, lines: Sequence[Line], start: int, kinds: dict[int, str], contents: set[int],
                running: frozenset[str] = frozenset()) -> None:
    """Feed the body lines to the placer: headings open sections, page headers (``running``
    and :data:`_RUNNING_RE`) are passed over, everything else is placed."""
    skipped = contents | {i for i in range(start, len(lines)) if _page_header(lines[i], running)}
    after = _carrying_after(lines, start, skipped)
    end = len(lines)
    idx = start
    while idx < end:
        line = lines[idx]
        idx += 1
        if after[idx - 1] != idx - 1 or line.cells[: len(_TABLE_HEADER)] == _TABLE_HEADER:
            continue  # noise, a page header or the 項目一覧, or the 変更箇所 table's header row
        kind = kinds.get(idx - 1, "").partition(":")[0]
        if kind == "appendix":
            app = appendix_heading(line.joined)
            assert app is not None
            placer.open_appendix(*app, line.number)
            continue
        if kind == "section":
            heading = placer.section_heading(line.joined)
            if heading is not None:  # None: a bare title such as "基本情報" once a section is open
                placer.open_section(*heading, line.number)
                continue
        following = after[idx]
        if placer.place(line, lines[following] if following < end else None) and following < end:
            idx = following + 1


_BARE_NUMBER_RE: Final = re.compile(r"\s*\d{1,3}\s*")


def page_footers(raw_lines: Sequence[str]) -> set[int]:
    """Indexes of the bare page numbers ("12" alone, as a centred folio prints) where a page ends.

    A bare number alone on a line may be a value's line as well (a count on a line of its own),
    so it is passed over only where a page certainly ends: pdftotext writes a form feed between
    pages, and the number is the page's last line with anything on it (blank lines may follow)
    or carries the form feed itself. Numbers like "- 12 -" or "12 / 40" are noise anywhere
    (:data:`hyoka.ingest.lines._PAGE_NOISE_RE`)."""
    footers: set[int] = set()
    for idx, raw in enumerate(raw_lines):
        if "\f" not in raw:
            continue
        before = raw[: raw.index("\f")]
        if _BARE_NUMBER_RE.fullmatch(before):
            footers.add(idx)
            continue
        if before.strip():
            continue
        last = idx - 1
        while last >= 0 and not raw_lines[last].strip():
            last -= 1
        if last >= 0 and _BARE_NUMBER_RE.fullmatch(raw_lines[last]):
            footers.add(last)
    return footers


def _table_lines(raw_lines: Sequence[str], appendix_at: int) -> list[str]:
    """The 変更箇所 table's lines (after its heading) with the page headers a multi-page table
    carries blanked (its folios already are: :func:`page_footers`), which would otherwise join
    the row open above them (its 提出時期に係る説明, mostly). Headers here are the form's title and
    the edition or "(続き)" (:func:`_page_header` without the cover's names: a row may print an
    office's name alone on a line); the table's own repeated header row is the table parser's."""
    lines = []
    for idx in range(appendix_at + 1, len(raw_lines)):
        raw = raw_lines[idx]
        # Only a line opening with the title or a bracket can be a header (_page_header); one
        # opening with markup is split to see. Most rows open with a date and are not split.
        head = raw.lstrip(" \t\u3000#*")
        if ((head.startswith((_FORM_TITLE, "<")) or head[:1] in _RUNNING_OPENERS)
                and _page_header(split_line(idx + 1, raw), frozenset())):
            raw = ""
        lines.append(raw)
    return lines


def _running_heads(body: Sequence[Line], meta: dict[str, str]) -> frozenset[str]:
    """Page headers the cover names: its 評価書名 alone on a body line (no value is the report's
    own name), and its 評価実施機関名 alone on more than one (a value may be an office's name
    once; a header comes back on every page)."""
    title, organisation = meta.get("title", ""), meta.get("organisation", "")
    seen = Counter(line.joined for line in body if line.joined in (title, organisation))
    return frozenset(text for text, count in seen.items()
                     if len(text) >= 4 and (text == title or count >= 2))


def _page_header(line: Line, running: frozenset[str]) -> bool:
    """A page's header line: the form's title, the edition, "(続き)", or what ``running`` names."""
    joined = line.joined
    if len(joined) > _HEADER_MAX:  # a value's line, most of them: no pattern to try
        return False
    if line.first.startswith(_FORM_TITLE) and _PAGE_HEADER_RE.match(line.first):
        return True
    stripped = joined.strip()
    return (stripped[:1] in _RUNNING_OPENERS and bool(_RUNNING_RE.match(stripped))) or joined in running


def _carrying_after(lines: Sequence[Line], start: int, skipped: set[int]) -> list[int]:
    """For each index from ``start`` on: the first line at or after it that carries something (for
    labels broken over two lines, maybe by a page break with its number and header between the
    halves), ``len(lines)`` when none does; ``skipped``: the 項目一覧 and page headers. One pass
    from the end: the body loop asks for the next such line after every line it places."""
    end = len(lines)
    after = [end] * (end + 1)
    following = end
    for idx in range(end - 1, start - 1, -1):
        if idx not in skipped and not lines[idx].noise:  # is_noise, without the call
            following = idx
        after[idx] = following
    return after


def _single_file_name(nodes: list[Node]) -> list[str]:
    for node in nodes:
        if node.segments == ("II", "1") and node.parts:
            return [_one_line(strip_markup(node.parts[0]).split("\n")[0])]
    return []


def _one_line(text: str) -> str:
    return collapse_space(text.replace("\n", " "))
