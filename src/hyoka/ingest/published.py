"""Reader for published report text (PDF/Word extracted to text, as in ../shared/seeds).

The layout is a table flattened to lines: tabs between cells, items numbered
I/II…, "1.", "①", repeating groups (システムN …) and unnumbered sub-labels.
The reader keeps a small cursor of the open numbered item, group instance and
circled item, and attaches every other line to the right place. It is
deliberately forgiving (OCR noise, page breaks, cells split over lines): it
never raises on noise, only when a file is not a report at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from hyoka.errors import InputError
from hyoka.ingest.appendix import find_appendix_start, parse_appendix
from hyoka.ingest.cells import parse_value, strip_markup
from hyoka.ingest.lines import (
    Line,
    appendix_heading,
    circled,
    group_instance,
    group_range,
    is_noise,
    known_label,
    numbered,
    risk_heading,
    risk_level_label,
    section_heading,
    split_line,
)
from hyoka.model import FormKind, Item, ItemPath, Report, ReportMeta, Text
from hyoka.normalize import collapse_space, label_key, nfkc_keep_circled

MAX_ITEMS = 50_000
MAX_LABEL = 200
_SEGMENT_MAX = 60
_FORM_MARKERS: tuple[tuple[str, FormKind], ...] = (
    ("全項目評価書", "全項目"),
    ("重点項目評価書", "重点"),
    ("基礎項目評価書", "基礎"),
    ("様式4", "全項目"),
    ("様式3", "重点"),
    ("様式2", "基礎"),
)
_CONTINUATION_START = tuple("・-‐•<＜(（【〇○●◯[［「『※*＊0123456789①②③④⑤⑥⑦⑧⑨⑩")
_PAGE_HEADER_RE = re.compile(r"^特定個人情報保護評価書\s*[(（]")
_TABLE_HEADER = ("変更日", "項目", "変更前の記載")


@dataclass
class _Node:
    segments: tuple[str, ...]
    label: str
    star: bool
    parts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)


def detect_form(lines: Sequence[str]) -> FormKind | None:
    """Form kind from the cover (title or 様式 number), which every report prints early."""
    head = nfkc_keep_circled("\n".join(lines[:60]))
    for marker, kind in _FORM_MARKERS:
        if marker in head:
            return kind
    return None


class _Builder:
    """Turns body lines into nodes; one instance per report."""

    def __init__(self, form: FormKind) -> None:
        self.form = form
        self.nodes: list[_Node] = []
        self.paths: set[tuple[str, ...]] = set()
        self.section_counts: dict[str, int] = {}
        self.section: tuple[str, ...] = ()
        self.numbered: tuple[str, ...] | None = None
        self.group: tuple[str, ...] | None = None
        self.circled: tuple[str, ...] | None = None
        self.current: _Node | None = None
        self.raw = False

    # -- node creation -------------------------------------------------
    def _new(self, segments: tuple[str, ...], label: str) -> _Node:
        if len(self.nodes) >= MAX_ITEMS:
            raise InputError(f"項目が多すぎます (上限 {MAX_ITEMS}) / too many items")
        star = "※" in label
        clean = collapse_space(label.replace("※", " "))[:MAX_LABEL].strip() or "項目"
        path = segments
        suffix = 2
        while path in self.paths:
            path = (*segments[:-1], f"{segments[-1]}#{suffix}")
            suffix += 1
        self.paths.add(path)
        node = _Node(path, clean, star)
        self.nodes.append(node)
        self.current = node
        return node

    @staticmethod
    def _segment(label: str) -> str:
        return label_key(label)[:_SEGMENT_MAX] or "項目"

    def _parent(self) -> tuple[str, ...]:
        return self.circled or self.group or self.numbered or self.section or ("表紙",)

    # -- line handling -------------------------------------------------
    def open_section(self, numeral: str, label: str, remainder: str) -> None:
        count = self.section_counts.get(numeral, 0) + 1
        self.section_counts[numeral] = count
        segment = numeral if count == 1 else f"{numeral}#{count}"
        self.section = (segment,)
        self.numbered = self.group = self.circled = None
        self.raw = False
        star = remainder.startswith("※")
        opens_item = numbered(remainder) is not None
        if remainder and not star and not opens_item:
            label, remainder = f"{label}{remainder}", ""
        node = self._new(self.section, f"{numeral} {label}{' ※' if star else ''}")
        if star:
            node.add(remainder.removeprefix("※").strip())
        elif remainder:
            self.feed(split_line(0, remainder))

    def open_appendix(self, segment: str, title: str) -> None:
        self.section = (segment,)
        self.numbered = self.group = self.circled = None
        self.raw = True
        self._new(self.section, f"({segment}) {title}".strip())

    def feed(self, line: Line) -> None:
        first = line.first
        if self.raw:
            if self.current is not None:
                self.current.add(line.joined)
            return
        if _PAGE_HEADER_RE.match(first):
            return
        if len(line.cells) > 1 and not circled(first) and circled(line.cells[1]):
            line = Line(line.number, line.cells[1:])
            first = line.first
        if self._structural(line):
            return
        self._labelled(line)

    def _structural(self, line: Line) -> bool:
        first = line.first
        num = numbered(first)
        if num is not None and len(first) <= MAX_LABEL:
            seg, label = num
            rest = list(line.rest)
            while rest and rest[0][:1] in "をのにおけると":
                label += rest.pop(0)
            self.numbered = (*self.section, seg)
            self.group = self.circled = None
            self._new(self.numbered, label).add(" ".join(rest))
            return True
        if group_range(first):
            self.group = self.circled = None
            return True
        instance = group_instance(first) or (risk_heading(first) if self.numbered else None)
        if instance is not None:
            self.group = (*(self.numbered or self.section), instance)
            self.circled = None
            self._new(self.group, first).add(" ".join(line.rest))
            return True
        if circled(first):
            self._circled(line)
            return True
        return False

    def _circled(self, line: Line) -> None:
        parent = self.group or self.numbered or self.section
        self.circled = (*parent, self._segment(line.first))
        node = self._new(self.circled, line.first)
        rest = line.rest
        if len(rest) >= 2 and len(rest[0]) <= 15 and not rest[0].startswith(("[", "<", "(")):
            child = self._new((*self.circled, self._segment(rest[0])), rest[0])
            child.add(" ".join(rest[1:]))
            return
        node.add(" ".join(rest))

    def _labelled(self, line: Line) -> None:
        first = line.first
        current = self.current
        if current is not None and self._continues(line, current):
            current.add(line.joined)
            return
        if "その他のリスク" in first and self.numbered:
            self.group = self.circled = None
        elif risk_level_label(first) and self.group:
            self.circled = None
        self._new((*self._parent(), self._segment(first)), first).add(" ".join(line.rest))

    @staticmethod
    def _continues(line: Line, current: _Node) -> bool:
        """Whether a line continues the open cell instead of starting a labelled item."""
        first = line.first
        if known_label(first):
            return False
        if first.startswith(_CONTINUATION_START) or "<選択肢>" in first:
            return True
        if line.rest:
            return False
        if not current.parts:
            return True
        return len(first) > 70 or first.endswith(("。", "、", ")", "）"))


def _cover(lines: Sequence[str]) -> tuple[dict[str, str], list[Item]]:
    """Cover fields and the cover's free-text items (宣言, 特記事項)."""
    meta: dict[str, str] = {}
    blocks: dict[str, list[str]] = {"宣言": [], "特記事項": []}
    open_block: str | None = None
    cells = [split_line(i, raw) for i, raw in enumerate(lines)]
    cells = [c for c in cells if not is_noise(c)]
    for idx, line in enumerate(cells):
        text = nfkc_keep_circled(line.joined)
        following = cells[idx + 1] if idx + 1 < len(cells) else None
        if text.startswith("評価書番号") and following is not None:
            meta["number"] = following.first
            meta["title"] = " ".join(following.cells[1:])
            open_block = None
        elif "保護の宣言" in text:
            open_block = "宣言"
            blocks["宣言"] += line.rest
        elif text.startswith("特記事項"):
            open_block = "特記事項"
            blocks["特記事項"] += line.rest
        elif text.startswith("評価実施機関名") and following is not None:
            meta["organisation"] = following.joined
            open_block = None
        elif text.startswith("公表日"):
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


def _body_start(lines: Sequence[str], form: FormKind) -> int | None:
    """Index of the section I heading that opens the body (the last one: the first is the contents list)."""
    starts = []
    for index, raw in enumerate(lines):
        heading = section_heading(split_line(index, raw).joined, form)
        if heading is not None and heading[0] == "I":
            starts.append(index)
    return starts[-1] if starts else None


def _rename_file_sections(nodes: list[_Node]) -> list[str]:
    """Name II/III instances after their file ("II(住民票ファイル)") in multi-file reports."""
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
        while name in used:
            name += "#"
        used.add(name)
        renamed[seg] = name
    for node in nodes:
        if node.segments[0] in renamed:
            node.segments = (renamed[node.segments[0]], *node.segments[1:])
    names = [files[s] for s in renamed if s in files and s.startswith("II")]
    return list(dict.fromkeys(names))


def parse_published(text: str, name: str = "入力") -> Report:
    """Parse published report text into a Report; InputError if it is not a report."""
    lines = text.lstrip("\ufeff").split("\n")
    form = detect_form(lines)
    appendix_at = find_appendix_start(lines)
    body_end = appendix_at if appendix_at is not None else len(lines)
    body_start = _body_start(lines[:body_end], form) if form else None
    if form is None or body_start is None:
        raise InputError(
            f"{name}: 特定個人情報保護評価書として読めません (様式・基本情報が見つかりません) / not a report"
        )
    meta, cover_items = _cover(lines[:body_start])
    builder = _Builder(form)
    for idx in range(body_start, body_end):
        line = split_line(idx + 1, lines[idx])
        if is_noise(line) or line.cells[: len(_TABLE_HEADER)] == _TABLE_HEADER:
            continue
        joined = line.joined
        app = appendix_heading(joined)
        if app is not None:
            builder.open_appendix(*app)
            continue
        heading = section_heading(joined, form) if len(line.first) <= 120 else None
        if heading is not None:
            numeral, remainder = heading
            title = joined[: len(joined) - len(remainder)].strip() if remainder else joined
            builder.open_section(numeral, _section_title(title), remainder)
            continue
        builder.feed(line)
    files = _rename_file_sections(builder.nodes)
    if not files:
        files = _single_file_name(builder.nodes)
    items = [
        Item(ItemPath(node.segments), node.label, node.star, parse_value("\n".join(node.parts)))
        for node in builder.nodes
    ]
    rows = parse_appendix(lines[appendix_at + 1 :]) if appendix_at is not None else ()
    report_meta = ReportMeta(
        number=_one_line(meta.get("number", "")),
        title=_one_line(meta.get("title", "")),
        organisation=_one_line(meta.get("organisation", "")),
        published=_one_line(meta.get("published", "")),
        form=form,
        files=tuple(files),
    )
    return Report(report_meta, (*cover_items, *items), tuple(rows))


def _section_title(title: str) -> str:
    """The title without its printed numeral and ※ notes ("特定個人情報ファイルの概要")."""
    folded = nfkc_keep_circled(title)
    folded = re.sub(r"^[IVXⅠ-Ⅵ\sΙпшv.]+", "", folded)
    return collapse_space(folded.split("※")[0])


def _single_file_name(nodes: list[_Node]) -> list[str]:
    for node in nodes:
        if node.segments == ("II", "1") and node.parts:
            return [_one_line(strip_markup(node.parts[0]).split("\n")[0])]
    return []


def _one_line(text: str) -> str:
    return collapse_space(text.replace("\n", " "))
