"""Extraction variants of a report text: the same report, laid out by another extractor.

Every variant is a deterministic function ``str -> str`` (``VARIANTS`` names them) that
changes only HOW a published report was turned into text (line ends, page numbers,
numbering notation, a lost table of contents or heading, broken labels, blank lines),
never WHAT it says. The invariance tests parse a report and its variant and require the
same item paths and the same values, so every generator keeps these rules:

* nothing is inserted inside a value: page numbers go on their own line before a line
  that starts a row; label breaks and the space after a circled number touch only label
  cells (one circled-number label or one of the forms' unnumbered labels, without
  brackets, markup or sentence punctuation, followed on its line by another cell);
  Roman and full-width numerals change only in headings, OCR's look-alikes of digits only in
  heading and instance numbers, garbled circled numbers only at the head of label cells;
* the 別添 blocks (事務の内容, 記録項目) and the 変更箇所 table are text, not structure:
  only page numbers, blank lines and line ends reach them;
* a variant that finds nothing to change returns the text unchanged (the tests assert
  that each one does change every seed and sample).

Randomness (break points, page-number styles, page lengths) comes from ``random.Random``
seeded with ``SEED`` and the variant's name, so a variant gives the same text every run.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable

SEED = 20261124

CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))  # ①..⑳

# Titles of the top-level sections (様式2/3/4); the numeral before them is what OCR garbles.
SECTION_TITLES = (
    "基本情報",
    "関連情報",
    "特定個人情報ファイルの概要",
    "特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
    "その他のリスク対策",
    "リスク対策",
    "開示請求",
    "評価実施手続",
    "しきい値判断",
)
_FIRST_SECTION = ("基本情報", "関連情報")

# Beginnings of the numbered headings ("3. 特定個人情報の入手・使用") of the forms. Numbered
# lines that do not start like this are prose (the 備考 lists of 別添1) and keep their digits.
NUMBERED_TITLES = (
    "特定個人情報",
    "個人番号の利用",
    "情報提供ネットワークシステム",
    "評価実施機関",
    "他の評価実施機関",
    "基本情報",
    "備考",
    "監査",
    "従業者に対する",
    "その他のリスク対策",
    "基礎項目評価",
    "国民・住民等",
    "第三者点検",
    "個人情報保護委員会",
    "しきい値判断",
)

# Unnumbered labels the forms print in a row's first cell ("その妥当性", "リスクへの対策は十分か").
# A cell counts as a label only if it starts with a circled number or is one of these, so that
# no generator ever edits a value that happens to be short.
FORM_LABELS = frozenset(
    (
        "その必要性", "その妥当性", "全ての記録項目", "主な記録項目", "使用部署", "使用者数", "情報の突合",
        "情報の統計分析", "権利利益に影響を与え得る決定", "委託の有無", "再委託", "提供・移転の有無", "保管場所",
        "期間", "消去方法", "法令上の根拠", "変更の妥当性", "対象となる本人の数", "対象となる本人の範囲",
        "リスクに対する措置の内容", "リスクへの対策は十分か", "その他の措置の内容", "具体的な管理方法",
        "具体的な方法", "具体的な対策の内容", "具体的な保管・消去方法", "具体的なチェック方法", "具体的な消去方法",
        "規定の内容", "ルールの内容及びルール遵守の確認方法", "その内容", "再発防止策の内容", "ユーザ認証の管理",
        "アクセス権限の発効・失効の管理", "アクセス権限の管理", "特定個人情報の使用の記録", "実施の有無",
        "従業者に対する教育・啓発", "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
        "再委託先による特定個人情報ファイルの適切な取扱いの担保", "特定個人情報の提供・移転に関するルール",
        "特定個人情報の提供・移転の記録", "特定個人情報ファイルの閲覧者・更新者の制限",
        "特定個人情報ファイルの取扱いの記録", "特定個人情報の消去ルール",
        "委託契約終了後の不要な特定個人情報の消去", "対象者以外の情報の入手を防止するための措置の内容",
        "必要な情報以外を入手することを防止するための措置の内容", "入手の際の本人確認の措置の内容",
        "個人番号の真正性確認の措置の内容", "特定個人情報の正確性確保の措置の内容",
        "委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法",
        "委託先から他者への提供に関するルールの内容及びルール遵守の確認方法",
        "宛名システム等における措置の内容", "事務で使用するその他のシステムにおける措置の内容",
        "個人情報ファイル名", "公表場所",
    )
)

ROMAN_TO_ASCII = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}
ASCII_TO_ROMAN = {ascii_: roman for roman, ascii_ in ROMAN_TO_ASCII.items()}
_TO_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")

_LEAD = r"(?P<lead>[ \u3000]*(?:#{1,6}[ \t]*)?)"
# Greek Ι, Cyrillic п/ш and a lower-case v are how OCR prints I, II, III and V in the seeds.
_SECTION_RE = re.compile(_LEAD + r"(?P<num>[IVX]{1,4}|[Ⅰ-Ⅻ]|[Ιпшv])(?P<sep>[ \t\u3000.．]*)(?P<title>\S.*)$")
_NUMBERED_RE = re.compile(
    _LEAD + r"(?P<num>[0-9]{1,2}|[０-９]{1,2})(?P<dot>[ \u3000]*[.．][ \u3000]*)(?P<title>[^\s0-9０-９).）].*)$"
)
_NUMBER_START_RE = re.compile(r"^[ \u3000]*(?:#{1,6}[ \t]*)?[0-9０-９]{1,2}[ \u3000]*[.．]")
_APPENDIX_RE = re.compile(r"^[ \u3000]*(?:#{1,6}\s*)?[(（]\s*別\s*添\s*[0-9０-９]")
_CONTENTS_RE = re.compile(r"^[ \u3000]*(?:#{1,6}[ \t]*)?項\s*目\s*一\s*覧\s*$")
_GROUP_RE = re.compile(r"^[ \u3000]*(?:システム|委託事項|提供先|移転先|リスク)\s*[0-9０-９]")
_DATE_ROW_RE = re.compile(r"^[ \u3000]*(?:令和|平成|昭和)\s*(?:元|[0-9０-９]{1,2})\s*年")
_BLANK_DATE_ROW_RE = re.compile(r"^\t+(?:[IVX]{1,4}|[Ⅰ-Ⅵ])\s*\S")
# An instance or risk header's first cell, alone ("委託事項1", "リスク1: 目的外の入手が行われるリスク").
_HEADER_RE = re.compile(r"(?:システム|委託事項|提供先|移転先)\s*[0-9０-９]{1,2}|リスク\s*[0-9０-９]{1,2}\s*[:：].*")
_MERGED_GROUP_RE = re.compile(r"(?:システム|委託事項|提供先|移転先|リスク)\s*[0-9０-９]")
_LABEL_FORBIDDEN = set("<>[]{}「」『』。＜＞［］｛｝|")

Variant = Callable[[str], str]


# -- recognising the layout ------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def section_title(line: str) -> str | None:
    """The section title a heading line opens ("基本情報"), or None for any other line."""
    m = _SECTION_RE.match(line)
    if not m:
        return None
    title = _compact(m["title"])
    return next((t for t in SECTION_TITLES if title.startswith(t)), None)


def is_numbered_heading(line: str) -> bool:
    m = _NUMBERED_RE.match(line)
    return bool(m) and _compact(m["title"]).startswith(NUMBERED_TITLES)


def is_blank(line: str) -> bool:
    return not line.strip(" \t\u3000")


def _next_nonblank(lines: list[str], index: int) -> str | None:
    return next((line for line in lines[index + 1 :] if not is_blank(line)), None)


def body_start(lines: list[str]) -> int | None:
    """Index of the body's first heading ("I 基本情報"): the first one not followed by another
    section title, which tells it from its entry in the 項目一覧."""
    heads = [i for i, line in enumerate(lines) if section_title(line) in _FIRST_SECTION]
    for index in heads:
        following = _next_nonblank(lines, index)
        if following is None or (section_title(following) is None and not _APPENDIX_RE.match(following)):
            return index
    return heads[-1] if heads else None


def regions(lines: list[str]) -> list[str]:
    """Per line: "cover" (before the body, 項目一覧 included), "body", "raw" (a 別添 block
    other than the 変更箇所) or "changes" (the 変更箇所 heading to the end)."""
    start = body_start(lines)
    state = "cover" if start is not None else "body"
    kinds: list[str] = []
    for index, line in enumerate(lines):
        if index == start:
            state = "body"
        if state in ("body", "raw"):
            if _APPENDIX_RE.match(line):
                state = "changes" if "変更" in line else "raw"
            elif state == "raw" and section_title(line) is not None:
                state = "body"
        kinds.append(state)
    return kinds


def label_like(cell: str) -> bool:
    """A cell that can only be one printed label: short, no markup, brackets or sentence end, and
    either numbered with a circled number or one of the forms' unnumbered labels. OCR'd cells
    holding several labels ("①法令上の根拠 ②提供先における用途", "⑦時期・頻度 提供先12") are
    not one label: where one ends is the reader's guess, so no generator touches them."""
    text = cell.strip(" \u3000")
    if not text or len(text) > 60 or any(ch in _LABEL_FORBIDDEN for ch in text):
        return False
    if any(ch in CIRCLED for ch in text[1:]) or _MERGED_GROUP_RE.search(text):
        return False
    return text[0] in CIRCLED or _compact(text).replace("※", "") in FORM_LABELS


def _filled(cells: list[str]) -> list[int]:
    return [i for i, cell in enumerate(cells) if cell.strip(" \u3000")]


def label_cells(line: str) -> list[int]:
    """Indexes (in ``line.split("\\t")``) of the label cells of a row: the first filled cell, and
    the second when the first is a label too ("再委託\\t④再委託の有無 ※\\t[…]"), each only if a
    filled cell follows it on the line."""
    cells = line.split("\t")
    filled = _filled(cells)
    found: list[int] = []
    for rank, index in enumerate(filled[:2]):
        if rank == 1 and not found:
            break
        if rank + 1 < len(filled) and label_like(cells[index]):
            found.append(index)
    return found


def starts_row(line: str) -> bool:
    """Whether a line begins a new table row (so a page break may fall just before it)."""
    if is_blank(line):
        return False
    if section_title(line) or _NUMBER_START_RE.match(line) or _APPENDIX_RE.match(line):
        return True
    stripped = line.lstrip(" \t\u3000")
    if stripped[0] in CIRCLED or _GROUP_RE.match(stripped) or _DATE_ROW_RE.match(line):
        return True
    if _BLANK_DATE_ROW_RE.match(line):
        return True
    return bool(label_cells(line)) and label_cells(line)[0] == _filled(line.split("\t"))[0]


def _lines_variant(func: Callable[[list[str]], list[str]]) -> Variant:
    """Run a line-level generator on LF text; CRLF input (from another variant) stays CRLF."""

    def variant(text: str) -> str:
        crlf = "\r\n" in text
        lines = text.replace("\r\n", "\n").split("\n")
        out = "\n".join(func(lines))
        return out.replace("\n", "\r\n") if crlf else out

    variant.__name__ = func.__name__
    variant.__doc__ = func.__doc__
    return variant


def _rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


# -- the variants ----------------------------------------------------------------------------


def crlf(text: str) -> str:
    """CRLF line ends (Windows extractors)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _page_breaks(lines: list[str], rng: random.Random, first: int, allowed: Callable[[int], bool]) -> list[int]:
    """Where pages end: every 30-50 lines from ``first``, just before a line that starts a row
    (never between a row's lines) and that ``allowed`` lets a break fall before."""
    points: list[int] = []
    since, page_length = 0, rng.randint(30, 50)
    for index in range(first, len(lines)):
        since += 1
        if since >= page_length and allowed(index) and starts_row(lines[index]):
            points.append(index)
            since, page_length = 0, rng.randint(30, 50)
    return points


@_lines_variant
def page_numbers(lines: list[str]) -> list[str]:
    """A page-number line ("- 12 -" or "12 / 40") every 30-50 lines, just before a line that
    starts a row (after the blank line when there is one), never between a row's lines."""
    rng = _rng("page_numbers")
    points = _page_breaks(lines, rng, 1, lambda index: True)
    total = len(points) + 2
    marks = {}
    for page, index in enumerate(points, start=2):
        marks[index] = f"- {page} -" if rng.random() < 0.5 else f"{page} / {total}"
    out: list[str] = []
    for index, line in enumerate(lines):
        if index in marks:
            out.append(marks[index])
        out.append(line)
    return out



def _alone(heading: str) -> bool:
    """A numbered heading line that is the title alone: no cell, run-on value or risk after it
    (OCR runs "3. 特定個人情報の使用リスク1: …" and "6. … く課内における措置> …" together)."""
    return "\t" not in heading and len(heading) <= 45 and not any(mark in heading for mark in ":：<く〈")

@_lines_variant
def repeated_headings(lines: list[str]) -> list[str]:
    """Headings printed again where their table goes on over a page break: a numbered heading
    that stands alone on its line ("3. 特定個人情報の入手・使用"), and an instance or risk header
    as printed ("委託事項1 | 〇〇業務", "リスク1: 目的外の入手が行われるリスク"), each before one
    of the rows under it, never between a row's lines. A 変更箇所 or 別添 block is left alone."""
    rng = _rng("repeated_headings")
    kinds = regions(lines)
    repeats: dict[int, list[str]] = {}

    def block_end(index: int, ends: Callable[[str], bool]) -> int:
        end = index + 1
        while end < len(lines) and kinds[end] == "body" and not (ends(lines[end]) or section_title(lines[end])):
            end += 1
        return end

    for index, line in enumerate(lines):
        heading = line.rstrip("\t \u3000")
        if kinds[index] != "body":
            continue
        if is_numbered_heading(line) and _alone(heading):
            # the block ends at the next numbered line, however garbled its title
            rows = [i for i in range(index + 2, block_end(index, _NUMBER_START_RE.match)) if starts_row(lines[i])]
        elif _HEADER_RE.fullmatch(line.split("\t")[0].strip(" \u3000")):
            ends = lambda text: bool(_GROUP_RE.match(text.lstrip("# ")) or _NUMBER_START_RE.match(text))  # noqa: E731
            rows = [i for i in range(index + 2, block_end(index, ends)) if starts_row(lines[i])][:3]
        else:
            continue
        if rows:
            repeats.setdefault(rng.choice(rows), []).append(heading)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(repeats.get(index, ()))
        out.append(line)
    return out



_EDITION_LINE_RE = re.compile(r"\[(?:令和|平成)\S+\s*様式\d\]")


def _cover_field(lines: list[str], label: str) -> str | None:
    """The line after a cover label ("評価実施機関名" → "桜川市長"); for 評価書番号, its 評価書名 cell."""
    at = next((i for i, line in enumerate(lines) if line.startswith(label)), None)
    if at is None or at + 1 >= len(lines):
        return None
    following = lines[at + 1].split("\t")
    return " ".join(following[1:]).strip() if label == "評価書番号" else lines[at + 1].strip()


@_lines_variant
def bare_folios(lines: list[str]) -> list[str]:
    """Pages as pdftotext prints them with a centred folio: every 30-50 lines, anywhere (inside a
    row or a value, on the cover, in the 変更箇所 table), the page ends with its bare number
    ("12", indented), a blank line, and the form feed that opens the next page's first line.
    A bare number alone is not noise by itself (a count may stand on its own line); the form
    feed says the page ends there."""
    rng = _rng("bare_folios")
    out: list[str] = []
    since, page_length, page = 0, rng.randint(30, 50), 1
    for line in lines:
        since += 1
        if since >= page_length:
            out.extend((" " * rng.randint(20, 40) + str(page), ""))
            line = "\f" + line
            since, page_length, page = 0, rng.randint(30, 50), page + 1
        out.append(line)
    return out


@_lines_variant
def running_headers(lines: list[str]) -> list[str]:
    """A page header every 30-50 lines, between rows as page_numbers puts them, the same on every
    page: the report's own 評価書名 or 評価実施機関名 (as its cover prints them), its edition
    ("[令和7年5月 様式3]"), or "（続き）" over a continued table (one of the four per report)."""
    rng = _rng("running_headers")
    kinds = regions(lines)
    edition = next((line.strip() for line in lines if _EDITION_LINE_RE.fullmatch(line.strip())), None)
    cover = (_cover_field(lines, "評価書番号"), _cover_field(lines, "評価実施機関名"))
    header = rng.choice([header for header in (*cover, edition, "（続き）") if header])
    breaks = set(_page_breaks(lines, rng, 0, lambda index: kinds[index] == "body"))
    out: list[str] = []
    for index, line in enumerate(lines):
        if index in breaks:
            out.append(header)
        out.append(line)
    return out

def _swap_roman(numeral: str) -> str:
    if numeral in ROMAN_TO_ASCII:
        return ROMAN_TO_ASCII[numeral]
    return ASCII_TO_ROMAN.get(numeral, numeral)


def _renumber_sections(lines: list[str], numeral: Callable[[str], str | None],
                       where: tuple[str, ...]) -> list[str]:
    """Section headings in the ``where`` regions with their numeral printed as ``numeral`` says
    (None: the line stays as it is)."""
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        m = _SECTION_RE.match(line) if kind in where and section_title(line) is not None else None
        if m is not None and (printed := numeral(m["num"])) is not None:
            line = f"{m['lead']}{printed}{m['sep'] or ' '}{m['title']}"
        out.append(line)
    return out


@_lines_variant
def roman(lines: list[str]) -> list[str]:
    """Section headings with Ⅲ printed as III and III as Ⅲ (Ⅰ-Ⅵ, both ways)."""
    return _renumber_sections(lines, _swap_roman, ("cover", "body"))


def _respell_headings(lines: list[str], spell: Callable[[re.Match[str]], str]) -> list[str]:
    """``lines`` with every numbered heading of the body printed as ``spell`` gives it."""
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        m = _NUMBERED_RE.match(line)
        out.append(spell(m) if kind == "body" and m and is_numbered_heading(line) else line)
    return out


@_lines_variant
def fullwidth_numbers(lines: list[str]) -> list[str]:
    """Numbered headings as "１．特定個人情報…" instead of "1. 特定個人情報…", and back."""
    def spell(m: re.Match[str]) -> str:
        if m["num"].isascii():
            return f"{m['lead']}{m['num'].translate(_TO_FULLWIDTH)}．{m['title']}"
        return f"{m['lead']}{m['num'].translate(_TO_ASCII)}. {m['title']}"

    return _respell_headings(lines, spell)


@_lines_variant
def no_contents(lines: list[str]) -> list[str]:
    """The 項目一覧 (the cover's table of contents) left out, up to the body's first heading."""
    start = body_start(lines)
    if start is None:
        return lines
    contents = [i for i in range(start) if _CONTENTS_RE.match(lines[i])]
    if not contents:
        return lines
    return lines[: contents[0]] + lines[start:]


@_lines_variant
def detailed_contents(lines: list[str]) -> list[str]:
    """A 項目一覧 that lists each section's numbered headings under it ("1. 特定個人情報ファイルを
    取り扱う事務" after "I 基本情報"), as some reports print it: the body's headings, copied."""
    start = body_start(lines)
    if start is None or not any(_CONTENTS_RE.match(line) for line in lines[:start]):
        return lines
    headings: dict[str, list[str]] = {}
    section, seen = None, set()
    for line, kind in zip(lines, regions(lines), strict=True):
        if kind != "body":
            continue
        if (title := section_title(line)) is not None:
            section = None if title in seen else title  # a file's section again: listed once
            seen.add(title)
        elif section is not None and is_numbered_heading(line):
            headings.setdefault(section, []).append(line.split("\t")[0].strip())
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        title = section_title(line) if index < start else None
        if title is not None and title in headings:
            out.extend(headings.pop(title))
    return out


@_lines_variant
def no_first_heading(lines: list[str]) -> list[str]:
    """The body's "I 基本情報" heading lost (its entry in the 項目一覧 stays): the first
    page's items come without their section heading."""
    start = body_start(lines)
    if start is None:
        return lines
    m = _SECTION_RE.match(lines[start])
    assert m is not None
    title = m["title"]
    # Whatever follows the title on the heading's line (a first item) stays.
    seen, cut = 0, len(title)
    wanted = len(next(t for t in _FIRST_SECTION if _compact(title).startswith(t)))
    for idx, ch in enumerate(title):
        if not ch.isspace():
            seen += 1
        if seen == wanted:
            cut = idx + 1
            break
    rest = title[cut:].strip(" \t\u3000")
    return lines[:start] + ([rest] if rest else []) + lines[start + 1 :]


def _edit_body_rows(lines: list[str], edit: Callable[[list[str], list[int]], list[str]]) -> list[str]:
    """``lines`` with every body row's cells replaced by ``edit(cells, indexes of its label cells)``;
    the 別添 blocks and the 変更箇所 table are left as they are."""
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        if kind == "body":
            line = "\t".join(edit(line.split("\t"), label_cells(line)))
        out.append(line)
    return out


@_lines_variant
def circled_space(lines: list[str]) -> list[str]:
    """"① 入手元" for "①入手元": a space after the circled number of every label cell."""
    def spaced(cells: list[str], labels: list[int]) -> list[str]:
        for index in labels:
            cell = cells[index]
            lead = len(cell) - len(cell.lstrip(" \u3000"))
            body = cell[lead:]
            if body[0] in CIRCLED and len(body) > 1 and not body[1].isspace():
                cells[index] = f"{cell[:lead]}{body[0]} {body[1:]}"
        return cells

    return _edit_body_rows(lines, spaced)


@_lines_variant
def bracketed_labels(lines: list[str]) -> list[str]:
    """"【①入手元】" for "①入手元": every row's first circled label cell in 【】, as some Word
    reports print their labels."""
    def bracketed(cells: list[str], labels: list[int]) -> list[str]:
        for index in labels[:1]:
            cell = cells[index]
            lead = len(cell) - len(cell.lstrip(" \u3000"))
            body = cell[lead:].rstrip()
            if body[0] in CIRCLED and len(body) > 1 and "【" not in body and "】" not in body:
                cells[index] = f"{cell[:lead]}【{body}】"
        return cells

    return _edit_body_rows(lines, bracketed)


@_lines_variant
def broken_labels(lines: list[str]) -> list[str]:
    """Long labels (first cell of a row, 10+ characters) broken over two lines in the middle;
    the rest of the row follows the second half ("①事務実施\n上の必要性\t<value>")."""
    return _break_labels(lines, "broken_labels", value_first=False)


@_lines_variant
def wrapped_labels(lines: list[str]) -> list[str]:
    """The same breaks, the rest of the row on the FIRST line ("③対象となる本人の\t<value>\n範囲 ※"):
    a label that wraps in its cell while its value fits on one line, read row line by row line."""
    return _break_labels(lines, "wrapped_labels", value_first=True)


@_lines_variant
def wrapped_into_rows(lines: list[str]) -> list[str]:
    """A label wrapped beside the row below it: where the next row leaves the label column empty
    (a sub-row of the same label, "\tその必要性\t…"), the label's first half keeps the row's value
    and its second half stands in that empty cell ("③対象となる本人の\t市内に…" then
    "範囲 ※\tその必要性\t…"), as a line-by-line extraction prints a label spanning two rows."""
    rng = _rng("wrapped_into_rows")
    kinds = regions(lines)
    out: list[str] = []
    skip = False
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if skip:
            skip = False
            continue
        below = lines[index + 1] if index + 1 < len(lines) else ""
        below_empty_label = below.startswith("\t") and below.strip()
        cut = _label_cut(line, rng, first_column=True) if kind == "body" and below_empty_label else None
        if cut is None:
            out.append(line)
            continue
        cells, first, at = cut
        out.append("\t".join([*cells[:first], cells[first][:at], *cells[first + 1 :]]))
        out.append(cells[first][at:] + below)
        skip = True
    return out


def _label_cut(line: str, rng: random.Random, *, first_column: bool = False) -> tuple[list[str], int, int] | None:
    """Where a row's label (its first filled cell, in the first column when ``first_column``,
    10+ characters, not a number) may break: (cells, index of the label cell, offset in it)."""
    cells = line.split("\t")
    found = label_cells(line)
    first = _filled(cells)[0] if found else None
    if first is None or found[0] != first or (first_column and first != 0):
        return None
    cell = cells[first]
    label = cell.strip(" \u3000")
    core = label.split("※")[0].rstrip(" \u3000")
    if len(core) < 10 or _is_number_start(label):
        return None
    cuts = [k for k in range(max(2, len(core) // 3), max(3, 2 * len(core) // 3 + 1))
            if not core[k - 1].isspace() and not core[k].isspace()]
    if not cuts:
        return None
    return cells, first, cell.index(label) + rng.choice(cuts)


def _break_labels(lines: list[str], name: str, *, value_first: bool) -> list[str]:
    rng = _rng(name)
    kinds = regions(lines)
    out: list[str] = []
    for line, kind in zip(lines, kinds, strict=True):
        cut = _label_cut(line, rng) if kind == "body" else None
        if cut is None:
            out.append(line)
            continue
        cells, first, at = cut
        # Both halves keep the row's leading empty cells: the label's column.
        head, tail = [*cells[:first], cells[first][:at]], [*cells[:first], cells[first][at:]]
        rest = cells[first + 1 :]
        out.append("\t".join([*head, *rest] if value_first else head))
        out.append("\t".join(tail if value_first else [*tail, *rest]))
    return out


def _is_number_start(label: str) -> bool:
    return bool(_NUMBER_START_RE.match(label))


@_lines_variant
def blank_lines(lines: list[str]) -> list[str]:
    """Every blank line doubled."""
    out: list[str] = []
    for line in lines:
        out.append(line)
        if is_blank(line):
            out.append(line)
    return out


# What OCR prints for the strokes of a Roman section numeral: l (lower-case L), 1 and | for I.
_OCR_ROMAN = {"III": "lll", "II": "Il", "IV": "lV", "VI": "Vl", "I": "l"}


@_lines_variant
def roman_ocr(lines: list[str]) -> list[str]:
    """Section numerals as OCR misreads them: "Il 特定個人情報ファイルの概要", "lll リスク対策",
    "l 基本情報" (Ⅴ, with no I in it, stays)."""
    def misread(numeral: str) -> str | None:
        return _OCR_ROMAN.get(ROMAN_TO_ASCII.get(numeral, numeral))

    return _renumber_sections(lines, misread, ("body",))


@_lines_variant
def lost_dots(lines: list[str]) -> list[str]:
    """Numbered headings with the dot OCR lost or misread: "2 基本情報", "3，特定個人情報の入手・
    使用", "4、特定個人情報ファイルの取扱いの委託" (one of the three spellings per heading, at
    random). "2 基本情報" is also what a digit section numeral looks like ("1 基本情報")."""
    rng = _rng("lost_dots")
    return _respell_headings(lines, lambda m: f"{m['lead']}{m['num']}{rng.choice((' ', '，', '、'))}{m['title']}")


@_lines_variant
def lost_numbers(lines: list[str]) -> list[str]:
    """Numbered headings without their numbers ("基本情報" for "2. 基本情報"), as a Word report
    whose headings use automatic numbering reads once extracted: the numbers are not text."""
    return _respell_headings(lines, lambda m: f"{m['lead']}{m['title']}")


_RISK_HEADING_RE = re.compile(
    r"^(?P<lead>[ \u3000]*(?:#{1,6}[ \t]*)?)リスク(?P<num>[0-9０-９]{1,2})[ \u3000]*[:：][ \u3000]*(?P<name>\S.*)$")


@_lines_variant
def risk_styles(lines: list[str]) -> list[str]:
    """Risk headings as other makers print them: "【リスク1】目的外の入手が行われるリスク" (Word
    reports), or the name after a wide space, which extractors take for a column gap
    ("リスク1　目的外の入手が行われるリスク"): one of the two per heading, at random."""
    rng = _rng("risk_styles")
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        m = _RISK_HEADING_RE.match(line) if kind == "body" else None
        if m:
            number, name = m["num"], m["name"]
            line = m["lead"] + (f"【リスク{number}】{name}" if rng.random() < 0.5 else f"リスク{number}\u3000{name}")
        out.append(line)
    return out


_INSTANCE_HEADER_RE = re.compile(r"^(?P<name>システム|委託事項|提供先|移転先)(?P<num>[0-9０-９]{1,3})\t(?P<rest>.*)$")


@_lines_variant
def marked_instances(lines: list[str]) -> list[str]:
    """Instance headers as Word reports print them: "【委託事項1】" in a cell of its own, or
    "委託事項1：〇〇業務" with the instance's name in the same cell (one of the two per header,
    at random)."""
    rng = _rng("marked_instances")
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        m = _INSTANCE_HEADER_RE.match(line) if kind == "body" else None
        if m:
            header, rest = f"{m['name']}{m['num']}", m["rest"]
            first, _, after = rest.partition("\t")
            if rng.random() < 0.5:
                line = f"【{header}】\t{rest}"
            else:
                line = f"{header}：{first}" + (f"\t{after}" if after else "")
        out.append(line)
    return out


@_lines_variant
def lost_numerals(lines: list[str]) -> list[str]:
    """Section headings of the body without their numerals ("特定個人情報ファイルの概要" for
    "II 特定個人情報ファイルの概要"), as Word's automatic numbering of them reads once extracted."""
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        m = _SECTION_RE.match(line) if kind == "body" and section_title(line) is not None else None
        out.append(f"{m['lead']}{m['title']}" if m is not None else line)
    return out


@_lines_variant
def colon_labels(lines: list[str]) -> list[str]:
    """"①事務の名称：軽自動車税…" in one cell, as Word-made reports print a label and its value."""
    def joined(cells: list[str], labels: list[int]) -> list[str]:
        last = labels[-1] if labels else None
        if last is not None and last + 1 < len(cells) and cells[last + 1].strip():
            cells = [*cells[:last], f"{cells[last]}：{cells[last + 1]}", *cells[last + 2 :]]
        return cells

    return _edit_body_rows(lines, joined)


@_lines_variant
def single_spaces(lines: list[str]) -> list[str]:
    """The body's cells separated by one space instead of a tab, as a plain text extraction
    (no layout) gives them; the 変更箇所 table and 別添 blocks keep their tabs."""
    kinds = regions(lines)
    return [" ".join(c for c in line.split("\t") if c.strip()) if kind == "body" and "\t" in line else line
            for line, kind in zip(lines, kinds, strict=True)]


# Characters OCR confuses with one another in Japanese print (katakana ロ/kanji 口, ー/一, カ/力 …).
_CONFUSABLE = {"ロ": "口", "口": "ロ", "ー": "一", "一": "ー", "カ": "力", "力": "カ", "エ": "工", "工": "エ",
                    "ニ": "二", "二": "ニ", "ハ": "八", "八": "ハ", "タ": "夕", "夕": "タ", "の": "ノ"}


def fold_confusables(text: str) -> str:
    """The text with every look-alike pair read as one character: equal after folding means equal
    up to what :func:`ocr_confusables` may change."""
    return "".join(min(ch, _CONFUSABLE[ch]) if ch in _CONFUSABLE else ch for ch in text)


# Variants that may reach label text left inside a value: compared up to their own edits.
TEXT_TOUCHING = {"ocr_confusables": fold_confusables}

# A text whose labels OCR already damaged (more than this share of its items matched only by
# similarity) is not OCR'd a second time: a real file goes through OCR once.
_OCR_DAMAGED_SHARE = 0.05


def ocr_damaged(text: str) -> bool:
    """Whether the reader matched more than 5 % of the text's labels by similarity (seed 001: 81
    of 550; the text-layer seeds and samples: under 1 %)."""
    from hyoka.ingest import read_text

    reading = read_text(text, "variant-check")
    return len(reading.diagnostics.fuzzy) > _OCR_DAMAGED_SHARE * max(len(reading.report.items), 1)


# Which texts a variant applies to (every text when not listed).
# A text OCR already damaged is not typeset again either: its labels, unreadable without
# their cell boundaries, could not be told from the value run on after them. Nor does it lose
# its headings' dots to a second OCR, or its numbers to Word: a heading read from "6 情報提供
# ネットリーグン" alone (its dot gone and its title garbled) is beyond what a reader can tell
# from a value.
# wrapped_labels moves a label's tail after its value: on a line the OCR left unplaceable (seed
# 001's lost headings) the text then reads in another order, which no reader can undo.
APPLIES_TO = {name: (lambda text: not ocr_damaged(text))
              for name in ("ocr_confusables", "colon_labels", "single_spaces", "lost_dots", "lost_numbers",
                           "lost_numerals", "wrapped_labels", "garbled_circled")}
# Only a text that prints a long label above a sub-row with an empty label column ("\tその必要性\t…")
# has a row below for the label's second half to stand in (seeds 002 and 004; the samples print
# their sub-rows bare or under short labels).
APPLIES_TO["wrapped_into_rows"] = lambda text: not ocr_damaged(text) and VARIANTS["wrapped_into_rows"](text) != text
# 様式2 prints no risk headings and no instances.
APPLIES_TO["marked_instances"] = lambda text: any(_INSTANCE_HEADER_RE.match(line) for line in text.splitlines())
APPLIES_TO["risk_styles"] = lambda text: any(_RISK_HEADING_RE.match(line) for line in text.splitlines())


# -- OCR's damage to numbers and cover labels (sixteenth session) ------------------------------

_DIGIT_LOOKALIKE = str.maketrans("10１０", "lOlO")
_INSTANCE_ANY_RE = re.compile(r"^(?P<name>システム|委託事項|提供先|移転先)(?P<num>[0-9０-９]{1,3})(?P<rest>(?:\t.*)?)$")


@_lines_variant
def ocr_digits(lines: list[str]) -> list[str]:
    """Heading and instance numbers with OCR's look-alikes of their digits: "l. 特定個人情報
    ファイル名", "lO. その他のリスク対策" (l for 1, O for 0), "システムl", "提供先lO", the dot of
    every other such heading read as a comma ("l，基礎項目評価")."""
    count = itertools.count()

    def heading(m: re.Match[str]) -> str:
        number = m["num"].translate(_DIGIT_LOOKALIKE)
        dot = m["dot"] if number == m["num"] or next(count) % 2 else "，"
        return f"{m['lead']}{number}{dot}{m['title']}"

    out = []
    for line, kind in zip(_respell_headings(lines, heading), regions(lines), strict=True):
        m = _INSTANCE_ANY_RE.match(line) if kind == "body" else None
        if m:
            line = f"{m['name']}{m['num'].translate(_DIGIT_LOOKALIKE)}{m['rest']}"
        out.append(line)
    return out


# Circled numbers as Japanese OCR garbles them (seed 001 prints "リスク1@" for リスク1⑨).
_GARBLED_CIRCLED = {"①": "(D", "②": "@", "③": "@", "④": "@", "⑥": "©", "⑧": "®", "⑨": "@"}


@_lines_variant
def garbled_circled(lines: list[str]) -> list[str]:
    """The circled number of every label cell as OCR garbles it: ① "(D", ②③④⑨ "@", ⑥ "©",
    ⑧ "®" (⑤, ⑦ and those after ⑨ stay)."""
    def garble(cells: list[str], labels: list[int]) -> list[str]:
        for index in labels:
            cell = cells[index]
            lead = len(cell) - len(cell.lstrip(" \u3000"))
            body = cell[lead:]
            if body[:1] in _GARBLED_CIRCLED and len(body) > 1 and not body[1].isspace():
                cells[index] = f"{cell[:lead]}{_GARBLED_CIRCLED[body[0]]}{body[1:]}"
        return cells

    return _edit_body_rows(lines, garble)


_WRAP_TITLE_MIN = 8  # titles shorter than this fit their line


@_lines_variant
def wrapped_headings(lines: list[str]) -> list[str]:
    """Headings alone on their line wrapped onto the next at random, as a narrow row prints a
    long title: numbered ones ("1. 特定個" / "人情報ファイルを取り扱う事務") and section ones
    ("Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリス" / "ク対策 ※(7. ②を除く。)"), never
    after the title (the section's exception after its ※, a value run on in the cell)."""
    rng = _rng("wrapped_headings")
    out = []
    for line, kind in zip(lines, regions(lines), strict=True):
        cells = [cell for cell in line.split("\t") if cell.strip()]
        numbered = _NUMBERED_RE.match(line) if kind == "body" and is_numbered_heading(line) else None
        section = kind == "body" and section_title(line) is not None
        if len(cells) == 1 and (numbered or section):
            text = cells[0].rstrip()
            start = numbered.end("dot") if numbered else len(text) - len(text.lstrip(" \u3000#")) + 2
            # The title ends at its ※ or at the blank before a value run on in its cell.
            end = min((at for at in (text.find("※", start), text.find(" ", start), text.find("\u3000", start))
                       if at >= 0), default=len(text))
            if end - start >= _WRAP_TITLE_MIN:
                at = rng.randrange(start + 2, end - 1)
                out += [text[:at], text[at:]]
                continue
        out.append(line)
    return out


_COVER_LABELS = ("評価書番号", "評価書名", "評価実施機関名", "公表日", "特記事項")


def spaced_cover(text: str) -> str:
    """The cover's labels set in justified cells: a blank between their characters ("評 価 書
    番 号"), or an ideographic space ("特\u3000記\u3000事\u3000項", which a reader splits into
    cells), one of the two per label in turn."""
    for index, label in enumerate(_COVER_LABELS):
        text = text.replace(label, (" " if index % 2 else "\u3000").join(label), 1)
    return text


def _form_label_keys() -> frozenset[str]:
    from hyoka.forms import load_catalogue
    from hyoka.forms.match import key, names

    return frozenset(key(name) for form in ("基礎", "重点", "全項目")
                     for entry in load_catalogue(form).entries for name in names(entry))


@_lines_variant
def ocr_confusables(lines: list[str]) -> list[str]:
    """One character of each printed label misread as its look-alike ("②所属長ノ役職名",
    "ユーザ認証の管理" → "ユ一ザ認証の管理"); only labels printed exactly as the form prints
    them, so that a label an OCR already damaged does not get a second error."""
    rng = _rng("ocr_confusables")
    from hyoka.forms.match import key

    labels = _form_label_keys()

    def misread(cells: list[str], label_indexes: list[int]) -> list[str]:
        for index in label_indexes:
            cell = cells[index]
            spots = [i for i, ch in enumerate(cell) if ch in _CONFUSABLE]
            if spots and len(key(cell)) >= 5 and key(cell) in labels:
                at = rng.choice(spots)
                cells[index] = cell[:at] + _CONFUSABLE[cell[at]] + cell[at + 1 :]
        return cells

    return _edit_body_rows(lines, misread)


COMBINED_ORDER = (
    "no_contents", "repeated_headings", "roman", "fullwidth_numbers", "circled_space", "broken_labels", "page_numbers",
    "running_headers", "blank_lines",
    "crlf",
)


def combined(text: str) -> str:
    """Everything at once but the lost first heading: no 項目一覧, repeated headings, swapped numerals, spaced
    circled numbers, broken labels, page numbers, doubled blank lines and CRLF."""
    for name in COMBINED_ORDER:
        text = VARIANTS[name](text)
    return text


VARIANTS: dict[str, Variant] = {
    "crlf": crlf,
    "page_numbers": page_numbers,
    "bare_folios": bare_folios,
    "running_headers": running_headers,
    "repeated_headings": repeated_headings,
    "roman": roman,
    "fullwidth_numbers": fullwidth_numbers,
    "no_contents": no_contents,
    "detailed_contents": detailed_contents,
    "no_first_heading": no_first_heading,
    "circled_space": circled_space,
    "bracketed_labels": bracketed_labels,
    "broken_labels": broken_labels,
    "wrapped_labels": wrapped_labels,
    "wrapped_into_rows": wrapped_into_rows,
    "blank_lines": blank_lines,
    "roman_ocr": roman_ocr,
    "lost_dots": lost_dots,
    "lost_numbers": lost_numbers,
    "lost_numerals": lost_numerals,
    "risk_styles": risk_styles,
    "marked_instances": marked_instances,
    "ocr_confusables": ocr_confusables,
    "colon_labels": colon_labels,
    "single_spaces": single_spaces,
    "ocr_digits": ocr_digits,
    "garbled_circled": garbled_circled,
    "wrapped_headings": wrapped_headings,
    "spaced_cover": spaced_cover,
    "combined": combined,
}



def _then(first: str, second: str) -> Variant:
    def variant(text: str) -> str:
        return VARIANTS[second](VARIANTS[first](text))

    variant.__doc__ = f"{first}, then {second}."
    return variant


# Two damages at once that a real file can carry together (each pair found a fault the two
# alone did not: a broken label's value lost once cells are single spaces, say).
PAIRS = (("broken_labels", "single_spaces"), ("lost_numbers", "running_headers"), ("bracketed_labels", "lost_dots"),
         ("marked_instances", "risk_styles"), ("lost_numbers", "marked_instances"), ("lost_numbers", "lost_numerals"),
         ("wrapped_labels", "single_spaces"), ("no_contents", "bare_folios"), ("repeated_headings", "bare_folios"),
         ("wrapped_labels", "garbled_circled"), ("ocr_digits", "single_spaces"),
         ("detailed_contents", "wrapped_headings"), ("wrapped_headings", "lost_dots"),
         ("wrapped_headings", "lost_numbers"))
for _first, _second in PAIRS:
    VARIANTS[f"{_first}+{_second}"] = _then(_first, _second)
    if _first in APPLIES_TO or _second in APPLIES_TO:
        APPLIES_TO[f"{_first}+{_second}"] = (
            lambda text, a=_first, b=_second: APPLIES_TO.get(a, bool)(text) and APPLIES_TO.get(b, bool)(text))
# The 項目一覧's wrapped entries and the body's are told apart by what follows them; seed 001's OCR
# ran its headings into each other already.
APPLIES_TO["detailed_contents+wrapped_headings"] = lambda text: not ocr_damaged(text)


# -- content edits (not variants: these DO change what the report says) -----------------------

_TYPO_REPLACEMENTS = "帖冊"
_FILE_NAME_HEADING_RE = re.compile(r"(?:^|[\s\t#])[1１]\s*[.．]\s*特定個人情報ファイル名")
_III_TITLES = ("リスク対策", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策")


def _kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u3096" or "\u30a1" <= ch <= "\u30fa"


def change_one_character(text: str) -> str:
    """``text`` with the kanji nearest its middle (else a kana) replaced: the smallest edit a
    typo fix makes. Deterministic, so the same name edited twice reads the same."""
    middle = len(text) // 2
    order = sorted(range(len(text)), key=lambda i: (abs(i - middle), i))
    for wanted in (_kanji, _kana):
        for index in order:
            if wanted(text[index]):
                new = next(ch for ch in _TYPO_REPLACEMENTS if ch != text[index])
                return text[:index] + new + text[index + 1 :]
    raise ValueError(f"no kana or kanji to change in {text!r}")


def file_name_cells(lines: list[str]) -> list[tuple[str, int, int]]:
    """Where each II/III block prints its 特定個人情報ファイル名: (section "II" or "III", line index,
    cell index in ``line.split("\\t")``), in the order of the blocks. Found by structure: the
    value of the "1. 特定個人情報ファイル名" heading that opens the block, on the heading's line
    or the next non-blank one."""
    kinds = regions(lines)
    found: list[tuple[str, int, int]] = []
    section: str | None = None
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind != "body":
            continue
        title = section_title(line)
        if title is not None:
            section = "II" if title == "特定個人情報ファイルの概要" else "III" if title in _III_TITLES else None
        heading = _FILE_NAME_HEADING_RE.search(" " + line) if section else None
        if not heading or section is None:
            continue
        cells = line.split("\t")
        head_cell = next(i for i, cell in enumerate(cells) if "ファイル名" in cell)
        rest = [i for i in _filled(cells) if i > head_cell]
        if rest:
            found.append((section, index, rest[0]))
        else:
            following = next(i for i in range(index + 1, len(lines)) if not is_blank(lines[i]))
            found.append((section, following, _filled(lines[following].split("\t"))[0]))
        section = None
    return found


def edit_cell(text: str, line_index: int, cell_index: int, edit: Callable[[str], str]) -> tuple[str, str, str]:
    """``text`` with one cell edited; returns (new text, old cell text, new cell text)."""
    lines = text.split("\n")
    cells = lines[line_index].split("\t")
    old = cells[cell_index].strip(" \u3000")
    new = edit(old)
    cells[cell_index] = cells[cell_index].replace(old, new)
    lines[line_index] = "\t".join(cells)
    return "\n".join(lines), old, new


def value_cell(lines: list[str], label: str) -> tuple[int, int]:
    """(line, cell) of the value printed right of the first body cell whose label is ``label``
    ("①事務の名称")."""
    kinds = regions(lines)
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        cells = line.split("\t")
        filled = _filled(cells)
        if kind == "body" and len(filled) >= 2 and _compact(cells[filled[0]]) == _compact(label):
            return index, filled[1]
    raise ValueError(f"no row labelled {label}")
