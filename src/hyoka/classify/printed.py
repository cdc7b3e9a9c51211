"""Read the 項目 cell of a published 変更箇所 row back into a form path.

Bodies write the item as printed text ("II 特定個人情報ファイルの概要 3. 特定個人情報の
入手・使用 ③使用目的 ※", "Ⅲリスク対策 7. … リスク1⑨", "別添1 事務内容"), often
with OCR noise. To know whether such a row concerns a ※ item, the cell is
parsed into the same form path the catalogue uses (instance numbers as N).
"""

from __future__ import annotations

import re

from hyoka.ingest.cells import strip_markup
from hyoka.model import FormKind
from hyoka.normalize import CIRCLED, collapse_space, label_key, nfkc_keep_circled

# Title keywords decide the section; printed numerals are unreliable in OCR'd cells
# ("Jスク対策" is how one OCR reads リスク対策, hence the shorter keyword).
_SECTION_KEYWORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "重点": (("基本情報", "I"), ("概要", "II"), ("リスク対策", "III"), ("スク対策", "III"),
             ("開示請求", "IV"), ("問合せ", "IV"), ("評価実施手続", "V")),
    "全項目": (("基本情報", "I"), ("概要", "II"), ("その他のリスク対策", "IV"), ("取扱いプロセス", "III"),
              ("リスク対策", "III"), ("スク対策", "III"), ("開示請求", "V"), ("問合せ", "V"), ("評価実施手続", "VI")),
    "基礎": (("基本情報", "I"), ("しきい値判断項目", "II"), ("しきい値判断結果", "III"), ("リスク対策", "IV"),
             ("開示請求", "V"), ("評価実施手続", "VI")),
}
_ROMAN_RE = re.compile(r"^\s*(VI|IV|V|III|II|I)(?![A-Za-z])")
_APPENDIX_RE = re.compile(r"別添\s*(\d)")
_NUMBERED_RE = re.compile(r"(?<![\d,])(\d{1,2})\s*[.．]\s*(?=\D)")
_GROUP_RE = re.compile(r"(システム|委託事項|提供先|移転先)\s*(\d{1,2})")
_RISK_RE = re.compile(r"リスク\s*(\d{1,2})?\s*(?=[:：①-⑳]|$|\s)")


def _section(text: str, form: FormKind) -> str | None:
    appendix = _APPENDIX_RE.search(text[:12])
    if appendix:
        return f"別添{appendix.group(1)}"
    numbered = _NUMBERED_RE.search(text)
    head = text[: numbered.start()] if numbered else text[:40]
    for keyword, numeral in _SECTION_KEYWORDS.get(form, _SECTION_KEYWORDS["重点"]):
        if keyword in head:
            return numeral
    roman = _ROMAN_RE.match(text)
    return roman.group(1) if roman else None


def printed_to_form_path(cell: str, form: FormKind) -> tuple[str, ...]:
    """Form-path segments ("II", "3", "①入手元") recognised in a printed 項目 cell.

    Circled items keep only their number and label key; unnumbered trailing
    labels (その必要性, 保管場所) are kept as a last segment when present.
    """
    text = collapse_space(nfkc_keep_circled(strip_markup(cell)).replace("\n", " "))
    text = re.sub(rf"([{CIRCLED}])\s+", r"\1", text.replace("Ⅰ", "I"))
    section = _section(text, form)
    if section is None:
        return ()
    segments = [section]
    numbered = _NUMBERED_RE.search(text)
    rest = text
    if numbered:
        segments.append(numbered.group(1))
        rest = text[numbered.end() :]
    group = _GROUP_RE.search(rest)
    if group:
        segments.append(f"{group.group(1)}N")
        rest = rest[group.end() :]
    else:
        risk = _RISK_RE.search(rest)
        if risk and section in {"III", "IV"}:
            segments.append(f"リスク{risk.group(1) or ''}")
            rest = rest[risk.end() :]
    circled = [i for i, ch in enumerate(rest) if ch in CIRCLED]
    if circled:
        tail = rest[circled[-1] :]
        label, _, after = tail.partition(" ")
        segments.append(label_key(label))
        extra = label_key(after)
        if extra and not extra.startswith(("※", "(")):
            segments.append(extra)
    else:
        words = [w for w in rest.split(" ") if w and w != "※"]
        if words:
            segments.append(label_key(words[-1]))
    return tuple(s for s in segments if s)
