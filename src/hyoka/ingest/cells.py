"""One printed cell → a typed value.

Real cells mix notations: HTML checkboxes (``<input checked ...>``), bracket
marks (``[○]``, ``[ O ]``, ``{○}``, ``■``), choices printed as
``[selected] <選択肢> 1) … 2) …`` in two scrambled columns, counts
``[委託する] (6)件``. This module turns all of them into model values, so the
differ compares meaning and not notation.
"""

from __future__ import annotations

import html
import os
import re
from functools import lru_cache
from typing import Final

from hyoka.era import whole_date
from hyoka.errors import InputError
from hyoka.model import Check, Checks, Choice, Count, Date, Text, Value
from hyoka.normalize import collapse_space

_INPUT_RE = re.compile(r"\[?\s*<input\b([^>]*)/?>\s*\]?", re.IGNORECASE)
_BLOCK_TAG_RE = re.compile(r"</?(?:p|br|li|ul|ol|tr|table|div|h\d)\b[^>]*>", re.IGNORECASE)
_CELL_TAG_RE = re.compile(r"</?t[dh]\b[^>]*>", re.IGNORECASE)  # table cells: a space apart
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,400}>")
_TAG_START_RE = re.compile(r"</?[a-zA-Z]", re.IGNORECASE)  # as the tag patterns match (İ, ı, ſ, K fold to ASCII)
_TICKED = "[○]"
_UNTICKED = "[ ]"
# Box glyphs: ticked ■ ☑ ☒ (Word's check-box content control prints ☒), empty □ ☐.
_TICKED_GLYPHS = "■☑☒"
_EMPTY_GLYPHS = "□☐"
# What a bracket holds when ticked: ○ and its look-alikes, a check mark, and the check mark as
# OCR reads it (レ) or as a text export writes it (x); the brackets may be full width.
_TICKS = "○〇OoＯ0◯●✓✔レｘxX"
_MARK_RE = re.compile(rf"[\[［]\s*[{_TICKS}]?\s*[\]］]|\{{\s*[○〇]\s*\}}|[{_TICKED_GLYPHS}{_EMPTY_GLYPHS}]")
_MARK_CHARS = "[［{" + _TICKED_GLYPHS + _EMPTY_GLYPHS  # a mark of _MARK_RE contains one of these
_MARK_CHAR_RE: Final = re.compile(f"[{re.escape(_MARK_CHARS)}]")  # one scan in C for any of them
_OPTION_SPLIT_RE: Final = re.compile(r"(?<!\S)(\d{1,2})\)\s*")  # at the start or after a blank
_CHOICE_RE = re.compile(r"^\[\s*([^\[\]]*?)\s*\]")
_NEAR_LEAD = 12  # what _NEAR_CHOICE_RE allows before its bracket
_NEAR_CHOICE_RE = re.compile(rf"^[^\[\]\d]{{0,{_NEAR_LEAD}}}\[\s*([^\[\]]*?)\s*\]")
_COUNT_RE = re.compile(r"^\[\s*([^\[\]]*?)\s*\]\s*[(（]\s*(\d*)\s*[)）]\s*件")
# The count printed after the options ("2) 委託しない (5) 件"), or blank with an extractor's
# box inside ("( [ ] ) 件").
_COUNT_ANY_RE = re.compile(r"[(（]\s*(?:\[\s*\]\s*)?(\d*)\s*[)）]\s*件")
_CHOICE_FOLD = str.maketrans({"［": "[", "］": "]"})
# Brackets OCR prints for a choice's [ ] (parse_choice); () stay: a count is "(6)件".
_OCR_BRACKETS: Final = str.maketrans({"「": "[", "」": "]", "【": "[", "】": "]", "〔": "[", "〕": "]"})
_OCR_BRACKET_CHARS: Final = "「」【】〔〕"
# The selection's bracket stands at the head of the cell, after a garbled caption or two: an
# OCR bracket further on is an option's own (【行政機関等のみ】) or prose's.
_OCR_BRACKET_REACH: Final = 40
_CHOICE_SLACK: Final = 16  # two captions ("<選択肢>" garbled and again), the brackets, a count
_OPTION_SLACK: Final = 3  # "10)" before each option
_CAPTION_RE = re.compile(r"[<＜〈《(（]\s*選択肢\s*[>＞〉》)）]")
_OPTION_PAREN_RE = re.compile(r"(?:(?<=\s)|^)(\d{1,2})）")
_AFTER_EMPTY_RE = re.compile(r"^\[\s*\]\s*([^\[\]<]+?)\s*\]?\s*(?=\[|(?<=\s)\d{1,2}\)|$)")
_UNCLOSED_RE = re.compile(r"^\[\s*([^\[\]<]+?)\s*(?=\d{1,2}\)|$)")
_BRACKET_RE = re.compile(r"\[\s*([^\[\]]+?)\s*\]")
# What a choice cell prints before its first bracket or option: nothing, or a garbled caption.
# Longer, it is prose with a choice run on (OCR merging cells), whose text must not be lost.
_LEAD_RE = re.compile(r"[^\[]*?(?=\[|(?:(?<=\s)|^)\d{1,2}\)|$)")
_CHOICE_LEAD = 12
# Box marks inside a text (canonical_marks): a bracket holding a tick or nothing, {○}.
_TEXT_MARK_RE = re.compile(
    r"[ \u3000]*(?:[\[［][ \u3000]*(?:([○〇OＯ◯●✓✔レｘxX])[ \u3000]*)?[\]］]|\{[ \u3000]*([○〇])[ \u3000]*\})[ \u3000]*"
)
_GLYPH_RE = re.compile(f"[{_TICKED_GLYPHS}{_EMPTY_GLYPHS}]")
_OTHER_RE = re.compile(r"^その他\s*[(（]\s*(.*?)\s*[)）]?\s*$")


def _input_mark(match: re.Match[str]) -> str:
    """An extractor's ``<input>`` for a printed box: ticked when checked, and also when it is a
    radio button. Extractors draw the ○ printed in a ticked bracket (``[ ○ ]``) as a radio and
    an empty bracket as a checkbox (seeds 002 and 004: the ``[<input type="radio"/>]`` of
    主な記録項目 are exactly the records a tax or resident register holds)."""
    attrs = match.group(1).lower()
    return f" {_TICKED} " if "checked" in attrs or "radio" in attrs else f" {_UNTICKED} "


def strip_markup(cell: str) -> str:
    """Cell text without HTML: inputs become bracket marks, block tags line breaks."""
    text = cell
    if "<" in text and _TAG_START_RE.search(text):  # every tag pattern starts so; "<選択肢>" does not
        text = _INPUT_RE.sub(_input_mark, text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _CELL_TAG_RE.sub(" ", text)
        text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    if "\n" not in text:
        return collapse_space(text)  # one line (most cells): what the split and join below give it
    lines = [collapse_space(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _is_mark(token: str) -> bool | None:
    """True for a ticked mark, False for an empty one, None if not a mark."""
    if not _MARK_RE.fullmatch(token):
        return None
    return token not in _EMPTY_GLYPHS and any(not ch.isspace() and ch not in "[]{}［］" for ch in token)


def parse_checks(text: str) -> Checks | None:
    """A checkbox list when the cell has two or more marks each followed by an option."""
    if _MARK_CHAR_RE.search(text) is None:
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
        elif option[-1:] in ")）" and "(" not in option and "（" not in option:
            option = option[:-1].rstrip()  # the ")" of その他 (…), printed in the next column
        boxes.append(Check(option, ticked))
    return Checks(_once(tuple(boxes)), other)


def _once(boxes: tuple[Check, ...]) -> tuple[Check, ...]:
    """The list printed once: an HTML extractor prints a table cell, then its columns again as
    tab cells (seed 004's ③他のシステムとの接続, three times), so the same run of boxes repeats."""
    size = len(boxes)
    for run in range(1, size // 2 + 1):
        if size % run == 0 and boxes == boxes[:run] * (size // run):
            return boxes[:run]
    return boxes


def _choice_text(text: str) -> str:
    """A choice cell in one notation: one line, ASCII brackets, the caption as ``<選択肢>`` and
    options numbered ``1)``, whatever width or bracket the extractor or OCR printed them in
    (``［十分である］``, ``＜選択肢＞``, ``〈選択肢〉``, ``1）``)."""
    flat = text.replace("\n", " ")
    if "［" in flat or "］" in flat:  # translate() walks every character in Python: only when needed
        flat = flat.translate(_CHOICE_FOLD)
    if "選択肢" in flat:
        flat = _CAPTION_RE.sub(" <選択肢> ", flat)
    if "）" in flat:
        flat = _OPTION_PAREN_RE.sub(r"\1)", flat)
    return collapse_space(flat)


def _options_of(flat: str) -> tuple[str, ...]:
    """The numbered options ``1) … 2) …`` of a cell in one notation (:func:`_choice_text`), in their
    number order (columns come scrambled, and an HTML extractor prints the list twice: the first
    printing of each number is kept)."""
    parts = _OPTION_SPLIT_RE.split(flat.replace("<選択肢>", " "))
    numbered: dict[int, str] = {}
    for i in range(1, len(parts) - 1, 2):
        number = int(parts[i])
        # An option ends where a bracket starts: the selected value an HTML extractor prints
        # after the list ("… 9) 20年以上 [20年以上]"), or the count "(5) 件" after the last one.
        # Every count ends in 件: the last option runs on to the cell's end (a long cell's
        # prose), which the pattern need not walk when it has none.
        part = parts[i + 1]
        option = (_COUNT_ANY_RE.sub("", part) if "件" in part else part).partition("[")[0].strip()
        if option and number not in numbered:
            numbered[number] = option
    return tuple(numbered[n] for n in sorted(numbered))


def _option_named(text: str, options: tuple[str, ...]) -> str | None:
    """``text`` when it is one of the printed options (spacing aside), or one whose blank to fill
    in follows it (``無料`` for ``2) 無料 (手数料額、納付方法:)``)."""
    wanted = "".join(text.split())
    if not wanted:
        return None
    for option in options:
        printed = "".join(option.split())
        if printed == wanted or (printed.startswith(wanted) and printed[len(wanted)] in "(（"):
            return text
    return None


def _selected_elsewhere(head: str, options: tuple[str, ...]) -> str | None:
    """The selected value when the bracket at the head is empty or open, found where
    extractors move it, and accepted only when it is one of the printed options:

    * after an empty bracket, ``[] 十分に行っている`` (the text fell out of its bracket, or an
      ``<input>`` drawn inside the bracket split it: ``[<input …/> 委託する]``);
    * in a bracket whose ``]`` was lost before the caption, ``[委託する <選択肢> …``;
    * in a bracket printed after the options (``<選択肢> 1) … 9) 20年以上 [20年以上]``)."""
    if "件" in head:
        head = collapse_space(_COUNT_ANY_RE.sub(" ", head))
    after = _AFTER_EMPTY_RE.match(head)
    if after and (named := _option_named(after.group(1), options)):
        return named
    unclosed = _UNCLOSED_RE.match(head)
    if unclosed and (named := _option_named(unclosed.group(1), options)):
        return named
    lead = _LEAD_RE.match(head)
    if lead and len(lead.group()) <= _CHOICE_LEAD:  # a choice cell, not prose quoting one
        for bracket in _BRACKET_RE.finditer(head):
            if named := _option_named(bracket.group(1), options):
                return named
    return None


def _closes_first(text: str, opening: int) -> bool:
    """Whether ``text[opening]`` is a "[" whose next bracket is its "]": what _CHOICE_RE, _COUNT_RE
    and _NEAR_CHOICE_RE need of their bracket (nothing but non-brackets and blanks inside), asked
    in C first. A cell that opens a bracket and never closes it (OCR read "]" as "」") may run on
    as prose for thousands of characters, which each lazy pattern would walk one at a time."""
    if not text.startswith("[", opening):
        return False
    closing = text.find("]", opening + 1)
    return closing >= 0 and text.find("[", opening + 1, closing) < 0


def parse_choice(text: str) -> Choice | Count | None:
    """A single choice (or a count) when the cell starts with ``[selected]`` and lists options,
    or lists options and names one of them in a bracket (see ``_selected_elsewhere``).

    OCR reads the selection's brackets as 「」, 【】 or 〔〕 ("「十分である」", "[十分である」"): a
    cell that is no choice as printed is read again with those as brackets, and taken only when
    the bracket then names one of its printed options and the choice keeps all the cell says
    (OCR also runs the next rows' text into a cell, which a choice would drop)."""
    found = _parse_choice(text)
    if found is None and "選択肢" in text and any(ch in text[:_OCR_BRACKET_REACH] for ch in _OCR_BRACKET_CHARS):
        again = _parse_choice(text.translate(_OCR_BRACKETS))
        if again is not None and again.selected and _option_named(again.selected, again.options) \
                and not _drops_text(text, again):
            return again
    return found


def _drops_text(text: str, choice: Choice | Count) -> bool:
    """Whether ``choice`` leaves out more of the cell than its caption, brackets, option numbers
    and count: a few characters per option and a caption or two."""
    printed = len("".join(text.split()))
    kept = len("".join("".join((choice.selected, *choice.options)).split()))
    return printed - kept > _CHOICE_SLACK + _OPTION_SLACK * len(choice.options)


def _parse_choice(text: str) -> Choice | Count | None:
    """:func:`parse_choice` of the brackets as printed."""
    if "[" not in text and "［" not in text:
        return None  # every choice notation needs a bracket
    flat = _choice_text(text)
    captioned = "<選択肢>" in flat
    head = collapse_space(flat.replace("<選択肢>", " "))
    bracketed = _closes_first(head, 0)  # what _COUNT_RE and _CHOICE_RE need at the head
    count = _COUNT_RE.match(head) if bracketed else None
    options = _options_of(flat)
    if count:
        number = int(count.group(2)) if count.group(2) else None
        return Count(count.group(1), number, options)
    selected: str | None = None
    choice = _CHOICE_RE.match(head) if bracketed else None
    if choice and (options or captioned):
        selected = choice.group(1) or _selected_elsewhere(head, options) or ""
    elif options and (captioned or len(options) >= 2):
        selected = _selected_elsewhere(head, options)
    if selected is None:
        # OCR often garbles the "<選択肢>" caption in front of the bracket: accept a
        # bracket near the start when numbered options follow it.
        opening = head.find("[", 0, _NEAR_LEAD + 1)
        near = _NEAR_CHOICE_RE.match(head) if opening >= 0 and _closes_first(head, opening) else None
        if near and len(options) >= 2:
            return Choice(near.group(1), options)
        return None
    counted = _COUNT_ANY_RE.search(head) if selected and "件" in head else None
    if counted:
        return Count(selected, int(counted.group(1)) if counted.group(1) else None, options)
    return Choice(selected, options)


def canonical_marks(text: str) -> str:
    """A text's printed boxes in one notation, ``[○]`` and ``[ ]``, one space around each.

    A box list that is not a clean ``Checks`` value (category heads between the boxes, as in
    主な記録項目, or a single box, ``■ 行っていない``) stays text, but extractors print its
    boxes as ``[ ○ ]``, ``[〇]``, ``{○}``, ``■``/``□`` or ``☑``/``☒``/``☐``: the same report read from
    another extraction must give the same text. Bracketed marks are always boxes; the glyphs
    only where they cannot be a bullet of prose: both a ticked and an empty glyph in the text,
    two or more empty boxes, ☑ or ☒ (a list of which nothing is ticked; ☑ ☒ are no bullets), or one glyph
    opening a short one-line text. ``■`` alone, repeated, may be headings' bullets and stays."""
    if _MARK_CHAR_RE.search(text) is None:
        return text
    out = _TEXT_MARK_RE.sub(lambda m: f" {_TICKED if m.group(1) or m.group(2) else _UNTICKED} ", text)
    glyphs = _GLYPH_RE.findall(out)
    kinds = set(glyphs)
    if glyphs and (
        (kinds & set(_TICKED_GLYPHS) and kinds & set(_EMPTY_GLYPHS))
        or sum(1 for glyph in glyphs if glyph != "■") >= 2
        or (len(glyphs) == 1 and out.lstrip()[:1] == glyphs[0] and "\n" not in out.strip()
            and len(out) <= 60 and "。" not in out)
    ):
        out = _GLYPH_RE.sub(lambda m: f" {_TICKED if m.group() in _TICKED_GLYPHS else _UNTICKED} ", out)
    if out == text:
        return text
    return "\n".join(line for line in (collapse_space(line) for line in out.split("\n")) if line)


@lru_cache(maxsize=8192)
def parse_value(cell: str) -> Value:
    """Typed value of a printed cell; falls back to text.

    Values are immutable, so the value of a cell text is remembered: two versions of a report
    share most of their cells (issue 13, fast reading).

    A value is read when first asked for (:meth:`hyoka.model.Item.printed`), after the reading
    has returned, so a fault here would escape the reader's own guard (:func:`hyoka.ingest.read_text`):
    it is reported the same way, as one line (InputError, exit 2 in the CLI, nothing written),
    never as a traceback; HYOKA_DEBUG=1 shows it, for a bug report."""
    try:
        return _typed_value(cell)
    except Exception as exc:
        if os.environ.get("HYOKA_DEBUG"):
            raise
        raise InputError(f"記載を読み取れません (hyoka の不具合の可能性があります: {type(exc).__name__}。"
                         f"HYOKA_DEBUG=1 で詳細): {cell[:40]!r} / value reader failure") from exc


def _typed_value(cell: str) -> Value:
    """:func:`parse_value` without its guard."""
    text = strip_markup(cell)
    if not text:
        return Text("")
    # A narrow cell wraps a date anywhere ("令和6年3月1\n日", "令\n和6年3月1日"): the whole cell
    # is still one date, the same as printed on one line; the breaks go with the blanks around them.
    whole = "".join(part.strip() for part in text.split("\n")) if "\n" in text else text
    if whole_date(whole) is not None:
        return Date(whole)
    choice = parse_choice(text)
    if choice is not None:
        return choice
    checks = parse_checks(text)
    if checks is not None:
        return checks
    return Text(canonical_marks(text))
