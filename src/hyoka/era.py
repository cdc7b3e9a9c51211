"""和暦 ⇄ date.

Reports print dates as 令和7年8月29日, 令和元年5月1日, 平成28年1月1日, 2024/5/27 or, in
tables, abbreviated as R5.6.1 / H30.4.1 / R5年6月1日; the store and the audit trail need real dates to sort
and compare.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# (era name, first day). Ordered newest first so that formatting picks the right era.
ERAS: tuple[tuple[str, dt.date], ...] = (
    ("令和", dt.date(2019, 5, 1)),
    ("平成", dt.date(1989, 1, 8)),
    ("昭和", dt.date(1926, 12, 25)),
)

# The era by name or by its letter ("R7年8月29日", as some offices abbreviate it too).
_ERA_RE = re.compile(r"(令和|平成|昭和|(?<![A-Za-z])[RHS])\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# The abbreviated era dates offices write in tables: R5.6.1, H30/4/1, 令和5.6.1 (matched on NFKC text,
# so Ｒ５．６．１ too); never inside a word or a longer number.
_ABBREVIATED_RE = re.compile(
    r"(?<![A-Za-z])(令和|平成|昭和|R|H|S)\s*(元|\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})(?!\d)"
)
_LETTER_ERAS = {"R": "令和", "H": "平成", "S": "昭和"}

# A cell that is a date and nothing else: era, abbreviated era (R7.8.29, 令和7.8.29) or western
# (2025/8/29, 2025年8月29日), perhaps with its day of the week (令和7年8月29日(金)); the ISO one
# perhaps with the midnight time pandas and some exporters print for a date cell
# ("2016-01-01 00:00:00"). Digits, letters and signs may be full width (\d is any digit).
_WHOLE_DATE_RE = re.compile(
    r"^(?:(?:令和|平成|昭和|[RHSＲＨＳ])\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?:令和|平成|昭和|[RHSＲＨＳ])\s*(?:元|\d{1,2})\s*[./．／]\s*\d{1,2}\s*[./．／]\s*\d{1,2}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}(?:[ T]00:00(?::00)?)?)"
    r"(?:\s*[(（][月火水木金土日][)）])?$"
)


def whole_date(text: str) -> dt.date | None:
    """The date a text is, when it is a date and nothing else (a date cell); None otherwise."""
    return parse_date(text) if _WHOLE_DATE_RE.match(text) else None


def parse_date(text: str) -> dt.date | None:
    """The date printed in ``text`` (era or ISO-like), or None if there is none."""
    folded = unicodedata.normalize("NFKC", text)
    m = _ERA_RE.search(folded)
    if m:
        era, year_text, month, day = m.groups()
        start = dict(ERAS)[_LETTER_ERAS.get(era, era)]
        year = 1 if year_text == "元" else int(year_text)
        try:
            return dt.date(start.year + year - 1, int(month), int(day))
        except ValueError:
            return None
    m = _ABBREVIATED_RE.search(folded)
    if m:
        era, year_text, month, day = m.groups()
        start = dict(ERAS)[_LETTER_ERAS.get(era, era)]
        year = 1 if year_text == "元" else int(year_text)
        try:
            return dt.date(start.year + year - 1, int(month), int(day))
        except ValueError:
            return None
    m = _ISO_RE.search(folded)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def to_era(day: dt.date) -> str:
    """令和7年11月1日 style; the first year of an era is 元年 as the forms print it."""
    for era, start in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            year_text = "元" if year == 1 else str(year)
            return f"{era}{year_text}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
