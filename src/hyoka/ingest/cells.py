"""One printed cell → a typed value.

Real cells mix notations: HTML checkboxes (``<input checked ...>``), bracket
marks (``[○]``, ``[ O ]``, ``{○}``, ``■``), choices printed as
``[selected] <選択肢> 1) … 2) …`` in two scrambled columns, counts
``[委託する] (6)件``. This module turns all of them into model values, so the
differ compares meaning and not notation.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from hyoka.era import parse_date
from hyoka.model import Check, Checks, Choice, Count, Date, Text, Value
from hyoka.normalize import collapse_space

_INPUT_RE = re.compile(r"\[?\s*<input\b([^>]*)/?>\s*\]?", re.IGNORECASE)
_BLOCK_TAG_RE = re.compile(r"</?(?:p|br|li|ul|ol|tr|table|div|h\d)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,400}>")
_TAG_START_RE = re.compile(r"</?[a-zA-Z]", re.IGNORECASE)  # as the tag patterns match (İ, ı, ſ, K fold to ASCII)
_TICKED = "[○]"
_UNTICKED = "[ ]"
_MARK_RE = re.compile(r"\[\s*[○〇OoＯ0◯●✓✔]?\s*\]|\{\s*[○〇]\s*\}|[■□☑☐]")
_MARK_CHARS = "[{■□☑☐"  # a mark of _MARK_RE contains one of these
_OPTION_SPLIT_RE = re.compile(r"(?:(?<=\s)|^)(\d{1,2})\)\s*")
_CHOICE_RE = re.compile(r"^\[\s*([^\[\]]*?)\s*\]")
_NEAR_CHOICE_RE = re.compile(r"^[^\[\]\d]{0,12}\[\s*([^\[\]]*?)\s*\]")
_COUNT_RE = re.compile(r"^\[\s*([^\[\]]*?)\s*\]\s*\(\s*(\d*)\s*\)\s*件")
_OTHER_RE = re.compile(r"^その他\s*[(（]\s*(.*?)\s*[)）]?\s*$")
_DATE_ONLY_RE = re.compile(
    r"^(?:(?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2})$"
)


def _input_mark(match: re.Match[str]) -> str:
    attrs = match.group(1).lower()
    return f" {_TICKED} " if "checked" in attrs else f" {_UNTICKED} "


def strip_markup(cell: str) -> str:
    """Cell text without HTML: inputs become bracket marks, block tags line breaks."""
    text = cell
    if "<" in text and _TAG_START_RE.search(text):  # every tag pattern starts so; "<選択肢>" does not
        text = _INPUT_RE.sub(_input_mark, text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    lines = [collapse_space(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _is_mark(token: str) -> bool | None:
    """True for a ticked mark, False for an empty one, None if not a mark."""
    if not _MARK_RE.fullmatch(token):
        return None
    return token not in {"□", "☐"} and any(ch not in "[]{} " for ch in token)


def parse_checks(text: str) -> Checks | None:
    """A checkbox list when the cell has two or more marks each followed by an option."""
    if not any(ch in text for ch in _MARK_CHARS):
        return None  # every mark has one of these characters; most cells are plain text
    flat = collapse_space(text.replace("\n", " "))
    marks = list(_MARK_RE.finditer(flat))
    if len(marks) < 2 or marks[0].start() > 2:
        return None
    boxes: list[Check] = []
    other = ""
    for idx, mark in enumerate(marks):
        end = marks[idx + 1].start() if idx + 1 < len(marks) else len(flat)
        option = flat[mark.end() : end].strip()
        ticked = bool(_is_mark(mark.group()))
        other_match = _OTHER_RE.match(option)
        if other_match:
            other = other_match.group(1)
            option = "その他"
        boxes.append(Check(option, ticked))
    return Checks(tuple(boxes), other)


def parse_options(text: str) -> tuple[str, ...]:
    """The numbered options ``1) … 2) …`` in their number order (columns come scrambled)."""
    flat = collapse_space(text.replace("\n", " ").replace("<選択肢>", " ").replace("＜選択肢＞", " "))
    parts = _OPTION_SPLIT_RE.split(flat)
    numbered: dict[int, str] = {}
    for i in range(1, len(parts) - 1, 2):
        number = int(parts[i])
        option = parts[i + 1].strip()
        if option and number not in numbered:
            numbered[number] = option
    return tuple(numbered[n] for n in sorted(numbered))


def parse_choice(text: str) -> Choice | Count | None:
    """A single choice (or a count) when the cell starts with ``[selected]`` and lists options."""
    if "[" not in text:
        return None  # the choice, count and near-choice patterns all need a bracket
    flat = collapse_space(text.replace("\n", " ").replace("<選択肢>", " <選択肢> "))
    head = flat.replace("<選択肢>", "").strip()
    count = _COUNT_RE.match(head)
    options = parse_options(flat)
    if count:
        number = int(count.group(2)) if count.group(2) else None
        return Count(count.group(1), number, options)
    choice = _CHOICE_RE.match(head)
    if choice and (options or "<選択肢>" in flat):
        return Choice(choice.group(1), options)
    # OCR often garbles the "<選択肢>" caption in front of the bracket: accept a
    # bracket near the start when numbered options follow it.
    near = _NEAR_CHOICE_RE.match(head)
    if near and len(options) >= 2:
        return Choice(near.group(1), options)
    return None


@lru_cache(maxsize=8192)
def parse_value(cell: str) -> Value:
    """Typed value of a printed cell; falls back to text, never fails.

    Values are immutable, so the value of a cell text is remembered: two versions of a report
    share most of their cells (issue 13, fast reading)."""
    text = strip_markup(cell)
    if not text:
        return Text("")
    if _DATE_ONLY_RE.match(text) and parse_date(text):
        return Date(text)
    choice = parse_choice(text)
    if choice is not None:
        return choice
    checks = parse_checks(text)
    if checks is not None:
        return checks
    return Text(text)
