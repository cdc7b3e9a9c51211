"""Line-level recognition of published report text: what kind of line is this?

Kept apart from the tree builder so that every numbering convention (Ⅲ/III,
①, "1.", システム6, range headers システム6〜10) is recognised in one place,
the way Lawtext keeps its numbering parsing in one module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hyoka.normalize import CIRCLED, collapse_space, nfkc_keep_circled

# Section titles by form; the numeral printed before them is often garbled by OCR,
# so the title decides which section a heading opens.
SECTION_TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "重点": (
        ("基本情報", "I"),
        ("特定個人情報ファイルの概要", "II"),
        ("リスク対策", "III"),
        ("開示請求", "IV"),
        ("評価実施手続", "V"),
    ),
    "全項目": (
        ("基本情報", "I"),
        ("特定個人情報ファイルの概要", "II"),
        ("特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "III"),
        ("その他のリスク対策", "IV"),
        ("開示請求", "V"),
        ("評価実施手続", "VI"),
    ),
    "基礎": (
        ("基本情報", "I"),
        ("しきい値判断項目", "II"),
        ("しきい値判断結果", "III"),
        ("リスク対策", "IV"),
        ("開示請求", "V"),
        ("評価実施手続", "VI"),
    ),
}

GROUP_NAMES = ("システム", "委託事項", "提供先", "移転先")

_MARKDOWN_RE = re.compile(r"^#{1,6}\s*")
_INLINE_NOISE_RE = re.compile(r"</?(?:b|strong|em|i|u|span)\b[^>]*>", re.IGNORECASE)
_ROMAN_HEAD_RE = re.compile(r"^\s*([IVXⅠⅡⅢⅣⅤⅥⅦΙ]{1,4}|[пшv])\s*[.．]?\s*")
_NUMBERED_RE = re.compile(r"^(\d{1,2})\s*[.．]\s*(\S.*)$")
_GROUP_RE = re.compile(r"^(システム|委託事項|提供先|移転先)\s*(\d{1,2})$")
_RANGE_RE = re.compile(r"^(システム|委託事項|提供先|移転先)\s*\d{1,2}\s*[〜~～\-ー－]\s*\d{1,2}$")
_RISK_RE = re.compile(r"^リスク\s*(\d{0,2})\s*[:：]")
_APPENDIX_RE = re.compile(r"^[(（]\s*別添\s*(\d)\s*[)）]\s*(.*)$")
_PAGE_NOISE_RE = re.compile(r"^(?:-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}|[|\-=_ΓГ「」\s]+)$")


@dataclass(frozen=True)
class Line:
    """A body line split into stripped cells, leading empty cells dropped."""

    number: int
    cells: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.cells[0] if self.cells else ""

    @property
    def rest(self) -> tuple[str, ...]:
        return tuple(c for c in self.cells[1:] if c)

    @property
    def joined(self) -> str:
        return " ".join(c for c in self.cells if c)


def split_line(number: int, raw: str) -> Line:
    """Cells of a raw line after removing markdown headers and inline emphasis tags."""
    raw = _MARKDOWN_RE.sub("", raw.strip(" \u3000"))
    raw = _INLINE_NOISE_RE.sub("", raw)
    cells = [collapse_space(c) for c in raw.split("\t")]
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    return Line(number, tuple(cells))


def is_noise(line: Line) -> bool:
    """Blank lines, page numbers and table-border debris carry nothing."""
    return not line.cells or bool(_PAGE_NOISE_RE.match(line.joined))


def section_heading(text: str, form: str) -> tuple[str, str] | None:
    """(canonical numeral, remainder after the title) when ``text`` opens a section."""
    folded = nfkc_keep_circled(text)
    head = _ROMAN_HEAD_RE.match(folded)
    body = folded[head.end() :] if head else folded
    body = body.lstrip()
    for title, numeral in SECTION_TITLES.get(form, SECTION_TITLES["重点"]):
        compact = body.replace(" ", "")
        if not compact.startswith(title):
            continue
        if not head and title not in ("基本情報",):
            return None
        remainder = _after_title(body, title)
        return numeral, remainder
    return None


def _after_title(body: str, title: str) -> str:
    """What follows a title whose characters may be spread with spaces."""
    seen = 0
    for idx, ch in enumerate(body):
        if ch != " ":
            seen += 1
        if seen == len(title):
            return body[idx + 1 :].strip()
    return ""


def appendix_heading(text: str) -> tuple[str, str] | None:
    """("別添N", title) for a "(別添N) …" heading."""
    m = _APPENDIX_RE.match(nfkc_keep_circled(text).replace("\t", " ").strip())
    return (f"別添{m.group(1)}", m.group(2).strip()) if m else None


def numbered(text: str) -> tuple[str, str] | None:
    """("3", "3. 特定個人情報の入手・使用") for a numbered item."""
    m = _NUMBERED_RE.match(nfkc_keep_circled(text))
    return (m.group(1), f"{m.group(1)}. {m.group(2).strip()}") if m else None


def circled(text: str) -> bool:
    return bool(text) and text[0] in CIRCLED


def group_instance(text: str) -> str | None:
    """"システム6" for an instance header; None otherwise (range headers are not instances)."""
    m = _GROUP_RE.match(nfkc_keep_circled(text).replace(" ", ""))
    return f"{m.group(1)}{int(m.group(2))}" if m else None


def group_range(text: str) -> bool:
    return bool(_RANGE_RE.match(nfkc_keep_circled(text).replace(" ", "")))


def risk_heading(text: str) -> str | None:
    """"リスク2" for "リスク2：不正な提供…", "リスク" for an unnumbered one."""
    m = _RISK_RE.match(nfkc_keep_circled(text))
    return f"リスク{m.group(1)}" if m else None


# Unnumbered labels the forms print without a value on the same line; a line
# holding only one of these opens an item instead of continuing the last cell.
KNOWN_LABELS = frozenset(
    label.replace(" ", "")
    for label in (
        "その必要性", "その妥当性", "全ての記録項目", "主な記録項目", "使用部署", "使用者数", "情報の突合",
        "情報の統計分析", "権利利益に影響を与え得る決定", "委託の有無", "再委託", "提供・移転の有無",
        "保管場所", "期間", "消去方法", "法令上の根拠", "リスクに対する措置の内容", "リスクへの対策は十分か",
        "その他の措置の内容", "具体的な管理方法", "具体的な方法", "具体的な対策の内容",
        "具体的な保管・消去方法", "具体的なチェック方法", "具体的な消去方法", "規定の内容",
        "ルールの内容及びルール遵守の確認方法", "その内容", "再発防止策の内容", "ユーザ認証の管理",
        "アクセス権限の発効・失効の管理", "アクセス権限の管理", "特定個人情報の使用の記録", "実施の有無",
        "従業者に対する教育・啓発", "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
        "再委託先による特定個人情報ファイルの適切な取扱いの担保", "特定個人情報の提供・移転に関するルール",
        "特定個人情報の提供・移転の記録", "特定個人情報ファイルの閲覧者・更新者の制限",
        "特定個人情報ファイルの取扱いの記録", "特定個人情報の消去ルール",
        "委託契約終了後の不要な特定個人情報の消去", "対象者以外の情報の入手を防止するための措置の内容",
        "必要な情報以外を入手することを防止するための措置の内容", "入手の際の本人確認の措置の内容",
        "個人番号の真正性確認の措置の内容", "特定個人情報の正確性確保の措置の内容",
    )
)


def known_label(text: str) -> bool:
    """A bare form label, or one of the "…におけるその他のリスク及び…措置" headings."""
    key = nfkc_keep_circled(text).replace(" ", "").replace("※", "")
    return key in KNOWN_LABELS or ("他のリスク及び" in key and key.endswith("措置"))


_RISK_LEVEL = frozenset({"リスクに対する措置の内容", "リスクへの対策は十分か", "その他の措置の内容"})


def risk_level_label(text: str) -> bool:
    """Labels that belong to the risk itself, never to the circled question before them."""
    return nfkc_keep_circled(text).replace(" ", "").replace("※", "") in _RISK_LEVEL
