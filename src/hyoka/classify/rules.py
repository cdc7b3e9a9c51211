"""The classification rules: small named functions, tried in order, first answer wins.

Each rule states in words (its docstring) a reading of DOMAIN.md §2 that a
reviewer can accept or overturn; its id and evidence travel with every
decision. Rules see one changed item at a time (:class:`RuleInput`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from hyoka.classify.policy import ALWAYS_ON, Policy
from hyoka.diff.text import Span
from hyoka.era import whole_date
from hyoka.model import FormKind
from hyoka.normalize import notation_key, script_of

Timing = Literal["事前", "事後"]
IMPORTANT = "重要な変更"
FORMAL = "形式的な変更"
OUT_OF_SCOPE = "重要な変更の対象外"
NEEDS_REVIEW = "要確認"  # hyoka could not tell: the item is not identified in the form catalogue


@dataclass(frozen=True)
class RuleInput:
    """One changed item as the rules see it. ``star`` is None when the ※ status cannot be known
    (the item is not identified in the form catalogue); ``basis`` then says why, in Japanese."""

    form: FormKind
    path: str
    star: bool | None
    change: str
    before: str
    after: str
    spans: tuple[Span, ...]
    basis: str = ""


@dataclass(frozen=True)
class Decision:
    """``important`` is None for 要確認: hyoka does not know whether the change is a 重要な変更."""

    important: bool | None
    category: str
    timing: Timing
    reason: str
    rule: str
    evidence: str


def _formal(rule: str, policy: Policy, evidence: str, reason_key: str | None = None) -> Decision:
    return Decision(False, FORMAL, "事後", policy.reason(reason_key or rule), rule, evidence)


def _edits(spans: Sequence[Span]) -> list[Span]:
    return [s for s in spans if s.op != "equal"]


def _edit_summary(spans: Sequence[Span], limit: int = 60) -> str:
    parts = [f"{'+' if s.op == 'insert' else '−'}「{s.text[:20]}」" for s in _edits(spans)]
    text = " ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edits_within(spans: Sequence[Span], old_regions: list[range], new_regions: list[range]) -> bool:
    """Whether every deleted span lies in an old region and every inserted span in a new one."""
    pos_old = pos_new = 0
    for span in spans:
        size = len(span.text)
        if span.op == "equal":
            pos_old += size
            pos_new += size
            continue
        start, regions = (pos_old, old_regions) if span.op == "delete" else (pos_new, new_regions)
        if not any(start >= r.start and start + size <= r.stop for r in regions):
            return False
        if span.op == "delete":
            pos_old += size
        else:
            pos_new += size
    return True


# Full-width ASCII (ＡＢＣ１２３－) and the ideographic space folded one-to-one, so that match
# positions in the folded text are positions in the original.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _regions(pattern: re.Pattern[str], text: str, glue: re.Pattern[str] | None = None) -> list[range]:
    """Match regions in ``text`` (same length after NFKC per character), merged across glue words."""
    folded = text.translate(_WIDTH_FOLD)
    found = [range(m.start(), m.end()) for m in pattern.finditer(folded) if m.end() > m.start()]
    merged: list[range] = []
    for region in found:
        if merged:
            gap = folded[merged[-1].stop : region.start]
            if gap == "" or (glue is not None and glue.fullmatch(gap)):
                merged[-1] = range(merged[-1].start, region.stop)
                continue
        merged.append(region)
    return merged


# -- rules ---------------------------------------------------------------------------------------


def renumbered(inp: RuleInput, policy: Policy) -> Decision | None:
    """A group instance moved to another number with its content unchanged (an instance was
    inserted or removed before it): the record is the same, only its position changed."""
    if inp.change != "moved":
        return None
    return _formal("renumbered", policy, "番号の繰り下がり/繰り上がり", "notation_only")


_BOX_RE = re.compile(r"\[([○ ])\]\s*([^\[]*)")
_CHOSEN_RE = re.compile(r"^\[([^\[\]]*)\]")


def _choice_made(before: str, after: str) -> str:
    """What was ticked, unticked or selected otherwise, in words; "" when none of that changed.

    Boxes are compared where both sides print the same number of them (a list whose options
    were added or removed changes by whole words, which no formal rule excuses anyway); a
    choice is the bracket that opens its display (``[十分である]``, ``[委託する] (5)件``)."""
    old, new = _BOX_RE.findall(before), _BOX_RE.findall(after)
    if old and len(old) == len(new):
        flipped = [
            f"{option.strip()[:20] or '(無名)'} を{'選択' if tick == '○' else '選択解除'}"
            for (was, _), (tick, option) in zip(old, new, strict=True)
            if was != tick
        ]
        return "、".join(flipped)
    chosen_before, chosen_after = _CHOSEN_RE.match(before), _CHOSEN_RE.match(after)
    if old or new or not (chosen_before and chosen_after):
        return ""
    if notation_key(chosen_before.group(1)) == notation_key(chosen_after.group(1)):
        return ""
    return f"選択肢の変更 [{chosen_before.group(1)}] → [{chosen_after.group(1)}]"


def choice_made(inp: RuleInput, policy: Policy) -> Decision | None:
    """A box ticked or unticked, or another option selected: what the report says changed,
    however few characters it takes (``[ ]`` → ``[○]`` is one character, yet a new 入手元 or a
    new 記録項目), so never a typo or a notation change. Decided as the rules that do not
    excuse formal edits decide: 要確認 for an unknown item, 事後 for one that is not ※, the
    policy's additive-measure switch, else 重要な変更."""
    if inp.change != "modified":
        return None
    made = _choice_made(inp.before, inp.after)
    if not made:
        return None
    for rule_id, rule in ((name, r) for name, r in RULES if name in _AFTER_FORMAL):
        if rule_id not in ALWAYS_ON and not policy.enabled(rule_id):
            continue
        decision = rule(inp, policy)
        if decision is not None:
            return decision
    evidence = made + (f" ({inp.basis})" if inp.basis else "")
    return Decision(True, IMPORTANT, "事前", policy.reason("important"), "choice_made", evidence)


def notation_only(inp: RuleInput, policy: Policy) -> Decision | None:
    """Only notation differs (width, spacing, line breaks, list markers, punctuation, 〜/～,
    サーバ/サーバー), or a date cell names the same day another way (平成28年1月1日 / 2016/01/01, as
    a workbook and its exports print one cell): the meaning is untouched, so the change is formal
    (DOMAIN §2 rule 2)."""
    if inp.change != "modified":
        return None
    if notation_key(inp.before) == notation_key(inp.after):
        return _formal("notation_only", policy, "表記のみの差異")
    day = whole_date(inp.before.strip())
    if day is not None and whole_date(inp.after.strip()) == day:
        return _formal("notation_only", policy, f"表記のみの差異 (同じ日付 {day.isoformat()})")
    return None


# Characters that turn a statement into its opposite or its scope into another: one of them
# inserted, dropped or replaced is never a 誤字 (可能 → 不可能, 有 → 無, 以上 → 以下, 庁内 → 庁外).
POLARITY_CHARS = frozenset("不非無未否有可要禁済外内上下前後全一部")


def _kanji_swaps(spans: Sequence[Span]) -> list[tuple[str, str]]:
    """The one-kanji-for-another replacements of an edit (a deleted kanji next to an inserted
    one), or [] when the edit is anything else as well."""
    edits = _edits(spans)
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(edits):
        first = edits[i]
        second = edits[i + 1] if i + 1 < len(edits) else None
        if second is None or {first.op, second.op} != {"delete", "insert"}:
            return []
        old, new = (first.text, second.text) if first.op == "delete" else (second.text, first.text)
        if len(old) != 1 or len(new) != 1 or not (script_of(old) == script_of(new) == "kanji"):
            return []
        pairs.append((old, new))
        i += 2
    return pairs


def typo(inp: RuleInput, policy: Policy) -> Decision | None:
    """A 誤字脱字 fix: characters swapped inside a word (シテスム → システム), or one or two
    single characters inserted, dropped or replaced, no digits, in a text of some length.
    Replacing a whole word (未来 → 市長) is not a typo, even when short; nor is an edit of a
    character that reverses or rescopes the text (``POLARITY_CHARS``: 可能 → 不可能), nor one
    kanji put for another (承認 → 確認: a word of its own, which ``kanji_swap`` leaves to a person)."""
    edits = _edits(inp.spans)
    if inp.change != "modified" or not edits or len(inp.before) < 5:
        return None
    if any(ch.isdigit() or ch in POLARITY_CHARS for s in edits for ch in s.text):
        return None
    deleted = "".join(s.text for s in edits if s.op == "delete")
    inserted = "".join(s.text for s in edits if s.op == "insert")
    swapped = sorted(deleted) == sorted(inserted) and 2 <= len(deleted) <= 4
    single = len(edits) <= 4 and all(len(s.text) == 1 for s in edits) and max(len(deleted), len(inserted)) <= 2
    if not (swapped or single) or (not swapped and _kanji_swaps(inp.spans)):
        return None
    return _formal("typo", policy, _edit_summary(inp.spans))


def kanji_swap(inp: RuleInput, policy: Policy) -> Decision | None:
    """On a ※ item, one kanji put for another (or two such, apart), and nothing else: an
    input-method slip (補完 for 保管) or another word (承認 → 確認), which hyoka cannot tell
    apart without a reading of the word. It says so: 要確認, with the policy's
    unknown_item_timing (事前 by default, the safe side), never a silent 事後. A polarity
    character (``POLARITY_CHARS``: 有 → 無, 以上 → 以下) is no slip: substantive_star decides."""
    if inp.change != "modified" or inp.star is not True:
        return None
    pairs = _kanji_swaps(inp.spans)
    if not pairs or len(pairs) > 2 or any(ch in POLARITY_CHARS for pair in pairs for ch in pair):
        return None
    swaps = "、".join(f"「{old}」→「{new}」" for old, new in pairs)
    evidence = f"{swaps} (漢字1字の置き換え: 誤字か語の変更か判断できない)"
    return Decision(None, NEEDS_REVIEW, policy.unknown_item_timing, policy.reason("kanji_swap"), "kanji_swap",
                    evidence)


_ORG_WORD_RE = re.compile(r"[^\s、。,.・()（）「」<>＜＞〒]+")
_ORG_END_RE = re.compile(r"(?:部|課|局|室|係|班|担当|センター|支所|事務所|グループ|委員会|事務局)$")


# A whole organisational unit, added to or dropped from a name (桜川市税務課 → 桜川市財務部税務課):
# one word ending like a unit, without a conjunction (収納課 → 収納課及び納税課 adds a department).
_ORG_UNIT_RE = re.compile(r"(?:(?!及び|並びに|又は|若しくは)[^\s、。,.・()（）「」<>＜＞〒])+?"
                          r"(?:部|課|局|室|係|班|センター|支所|事務所|グループ|委員会|事務局)")


def _org_regions(text: str) -> list[range]:
    return [range(m.start(), m.end()) for m in _ORG_WORD_RE.finditer(text) if _ORG_END_RE.search(m.group())]


def org_rename(inp: RuleInput, policy: Policy) -> Decision | None:
    """The name of an organisation or department changed (組織改編): either a rename listed in
    the policy, or every edit replaces part of a word ending in 部/課/局/室/センター… by another,
    or adds or drops a whole unit inside such a word (税務課 → 財務部税務課)."""
    if inp.change != "modified":
        return None
    for old, new in policy.renames:
        if old in inp.before and notation_key(inp.before.replace(old, new)) == notation_key(inp.after):
            return _formal("org_rename", policy, f"{old} → {new} (ポリシーの名称変更)")
    edits = _edits(inp.spans)
    has_delete = any(s.op == "delete" for s in edits)
    has_insert = any(s.op == "insert" for s in edits)
    if not (has_delete and has_insert) and not (edits and all(_ORG_UNIT_RE.fullmatch(s.text) for s in edits)):
        return None
    if _edits_within(inp.spans, _org_regions(inp.before), _org_regions(inp.after)):
        return _formal("org_rename", policy, _edit_summary(inp.spans))
    return None


_CITATION_RE = re.compile(
    r"別表(?:第[一二])?(?:の)?(?:第)?[\d、,]*(?:の)?項?"
    r"|主務省令第\d+条(?:の表)?(?:[\d、,]+(?:の)?項?)?"
    r"|第\d+条(?:の\d+)?(?:第\d+項)?(?:第\d+号)?"
    r"|番号法"
)
_CITATION_GLUE_RE = re.compile(r"(?:及び|並びに|に基づく|の|、|,|\s)+")


_DIGITS = "0123456789０１２３４５６７８９"
_CITATION_CHARS = frozenset(_DIGITS + "別表第一二の項主務省令条番号法及び並に基づく、,， 　")
_DATE_CONTACT_CHARS = frozenset(
    _DIGITS + "元年月日令和平成昭/.-‐ー－:：〒@+_ 　()（）TELFAXelaxファクス電話"
    + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _edit_chars_within(spans: Sequence[Span], allowed: frozenset[str]) -> bool:
    """Cheap necessary condition for the region rules: every edited character could belong to
    such a region. Saves scanning long texts with the region patterns for ordinary edits."""
    return all(ch in allowed for s in spans if s.op != "equal" for ch in s.text)


def law_citation(inp: RuleInput, policy: Policy) -> Decision | None:
    """Only law citations were renumbered (番号法 別表第一の16の項 → 別表の24の項, 別表第二 →
    主務省令第2条の表): every edit lies inside a citation, so the meaning is unchanged."""
    if inp.change != "modified" or not _edits(inp.spans) or not _edit_chars_within(inp.spans, _CITATION_CHARS):
        return None
    old = _regions(_CITATION_RE, inp.before, _CITATION_GLUE_RE)
    new = _regions(_CITATION_RE, inp.after, _CITATION_GLUE_RE)
    if old and new and _edits_within(inp.spans, old, new):
        return _formal("law_citation", policy, _edit_summary(inp.spans))
    return None


_DATE_CONTACT_RE = re.compile(
    r"(?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?"
    r"|\d{4}\s*[/.\-年]\s*\d{1,2}(?:\s*[/.\-月]\s*\d{1,2}\s*日?)?"
    r"|(?:TEL|Tel|tel|電話|FAX|Fax|ファクス)?\s*[:：]?\s*\d{2,5}\s*[-ー‐]\s*\d{1,4}\s*[-ー‐]\s*\d{3,4}"
    r"|〒?\s*\d{3}\s*[-ー‐]\s*\d{4}"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def date_contact(inp: RuleInput, policy: Policy) -> Decision | None:
    """Only dates, telephone numbers, postal codes or mail addresses changed (DOMAIN §2 rule 2:
    dates and contacts are formal)."""
    if inp.change != "modified" or not _edits(inp.spans) or not _edit_chars_within(inp.spans, _DATE_CONTACT_CHARS):
        return None
    old = _regions(_DATE_CONTACT_RE, inp.before)
    new = _regions(_DATE_CONTACT_RE, inp.after)
    if old and new and _edits_within(inp.spans, old, new):
        return _formal("date_contact", policy, _edit_summary(inp.spans))
    return None


def unknown_item(inp: RuleInput, policy: Policy) -> Decision | None:
    """The item could not be identified in the form catalogue, so whether it is ※ (and the
    change can be a 重要な変更) is unknown. hyoka says so (要確認) instead of deciding "not ※,
    事後" silently, and takes the policy's unknown_item_timing: 事前 by default, the safe side.
    Formal changes (typos, notation, renames, citations, dates) are decided before this rule:
    they are 事後 whatever the item is."""
    if inp.star is not None:
        return None
    evidence = inp.basis or f"「{inp.path}」を様式の項目一覧で特定できず、※項目か判断できない"
    return Decision(None, NEEDS_REVIEW, policy.unknown_item_timing, policy.reason("unknown_item"), "unknown_item",
                    evidence)


def non_star(inp: RuleInput, policy: Policy) -> Decision | None:
    """Not a ※ item: the change is not a 重要な変更 whatever its content; it is a correction
    of the report published after the change (DOMAIN §2 rule 1)."""
    if inp.star is not False:
        return None
    evidence = f"{inp.path} は※項目ではない" + (f" ({inp.basis})" if inp.basis else "")
    return Decision(False, OUT_OF_SCOPE, "事後", policy.reason("non_star"), "non_star", evidence)


def additive_measure(inp: RuleInput, policy: Policy) -> Decision | None:
    """Policy switch (DOMAIN §2 rule 4), off by default: when on, a change under the risk
    sections that only adds text (new measures, nothing removed) is treated as formal."""
    if not policy.additive_measures_are_formal:
        return None
    section = inp.path.split("/")[0].split("(")[0]
    risk_sections = {"III"} if inp.form == "重点" else {"III", "IV"}
    if section not in risk_sections:
        return None
    deletes = [s for s in _edits(inp.spans) if s.op == "delete" and notation_key(s.text)]
    if inp.change in {"added", "modified"} and not deletes and inp.after:
        return _formal("additive_measure", policy, _edit_summary(inp.spans))
    return None


def substantive_star(inp: RuleInput, policy: Policy) -> Decision:
    """A ※ item whose substance changed: a 重要な変更, to be assessed and submitted before the
    change takes effect (DOMAIN §2 rule 3). The rule of last resort for ※ items."""
    evidence = _edit_summary(inp.spans) or inp.change
    if inp.basis:
        evidence += f" ({inp.basis})"
    return Decision(True, IMPORTANT, "事前", policy.reason("important"), "substantive_star", evidence)


Rule = Callable[[RuleInput, Policy], Decision | None]

RULES: tuple[tuple[str, Rule], ...] = (
    ("renumbered", renumbered),
    ("choice_made", choice_made),
    ("notation_only", notation_only),
    ("org_rename", org_rename),
    ("typo", typo),
    ("law_citation", law_citation),
    ("date_contact", date_contact),
    ("unknown_item", unknown_item),
    ("non_star", non_star),
    ("additive_measure", additive_measure),
    ("kanji_swap", kanji_swap),
)
# The rules after the formal ones: choice_made defers to them, never to a formal rule.
_AFTER_FORMAL = ("unknown_item", "non_star", "additive_measure")


def decide(inp: RuleInput, policy: Policy) -> Decision:
    """The first rule that answers decides; a ※ item no rule excuses is 重要."""
    for rule_id, rule in RULES:
        if rule_id not in ALWAYS_ON and not policy.enabled(rule_id):
            continue
        decision = rule(inp, policy)
        if decision is not None:
            return decision
    return substantive_star(inp, policy)
