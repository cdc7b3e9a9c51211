"""しきい値判断: changes that can change which kind of assessment is required.

A change of 対象人数 or 取扱者数 across a band boundary, or a newly reported
serious incident, is more than a row in the table (DOMAIN §2 rule 5): the
output flags it at the top so nobody files it as a routine revision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hyoka.diff.align import ItemChange
from hyoka.model import Choice, Count, Item, Text

PEOPLE_BOUNDARIES = (1_000, 10_000, 100_000, 300_000)
HANDLER_BOUNDARY = 500


@dataclass(frozen=True)
class ThresholdFlag:
    path: str
    kind: str
    before: str
    after: str
    message: str


def _selected(item: Item | None) -> str:
    """The chosen band: a choice's selection, or a bracketed text when the options were not printed."""
    if item is None:
        return ""
    if isinstance(item.value, Choice | Count):
        return item.value.selected
    if isinstance(item.value, Text):
        match = _BRACKETED_RE.fullmatch(item.value.text.strip())
        return match.group(1).strip() if match else ""
    return ""


_BRACKETED_RE = re.compile(r"[\[［]([^\]］]+)[\]］]")


def _amount(text: str) -> int | None:
    """1万 → 10000, 1,000 → 1000; None when the text has no number."""
    folded = unicodedata.normalize("NFKC", text).replace(",", "")
    m = re.match(r"(\d+)(万)?", folded)
    if not m:
        return None
    return int(m.group(1)) * (10_000 if m.group(2) else 1)


def band(text: str) -> tuple[int, int | None] | None:
    """(lower, upper) people of a printed band like "10万人以上30万人未満" or "1,000人未満"."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "")
    lower = re.search(r"([\d,]+万?)人以上", folded)
    upper = re.search(r"([\d,]+万?)人未満", folded)
    if not lower and not upper:
        return None
    low = _amount(lower.group(1)) if lower else 0
    high = _amount(upper.group(1)) if upper else None
    return (low or 0, high)


def _crosses(a: tuple[int, int | None], b: tuple[int, int | None], boundaries: tuple[int, ...]) -> bool:
    def side(bnd: tuple[int, int | None], limit: int) -> int:
        low, high = bnd
        if high is not None and high <= limit:
            return -1
        return 1 if low >= limit else 0

    return any(side(a, limit) != side(b, limit) for limit in boundaries)


def threshold_flags(changes: list[ItemChange]) -> list[ThresholdFlag]:
    """Flags for 対象人数 / 取扱者数 band crossings and a new 重大事故."""
    flags: list[ThresholdFlag] = []
    for change in changes:
        path = str(change.path)
        before, after = _selected(change.before), _selected(change.after)
        if before == after:
            continue
        last = change.path.segments[-1]
        if "対象人数" in last or "取扱者数" in last or "使用者数" in last:
            is_people = "対象人数" in last
            boundaries = PEOPLE_BOUNDARIES if is_people else (HANDLER_BOUNDARY,)
            old_band, new_band = band(before), band(after)
            if old_band and new_band and _crosses(old_band, new_band, boundaries):
                kind = "対象人数" if is_people else "取扱者数"
                flags.append(
                    ThresholdFlag(
                        path, kind, before, after,
                        f"しきい値判断の見直しが必要です: {kind} {before} → {after}",
                    )
                )
        elif "重大事故" in last and "発生あり" in after and "発生あり" not in before:
            flags.append(
                ThresholdFlag(path, "重大事故", before, after, "しきい値判断の見直しが必要です: 重大事故の発生")
            )
    return flags
