"""Versions read by an earlier reader stay comparable with versions read by today's.

Until the catalogue-driven reader, hyoka built item paths from the lines as
printed (`II/3/②入手方/法`, `III/3/リスク2/具体的な管理方法#2`, free text
cut into items). Those versions are history and are never rewritten. To
compare one with a version read today, its stored items are printed back as
the published text they came from — label, a tab, the value, in the stored
order — and that text is read with today's reader. A stored item is the line
it was read from, so reading the reprint places it where today's reader would
have placed the original line; the cover, the meta data and the 変更箇所 rows
are kept as stored.
"""

from __future__ import annotations

import dataclasses

from hyoka.errors import InputError
from hyoka.model import (
    CATALOGUE_READER,
    LEGACY_READER,
    Checks,
    Choice,
    Count,
    Date,
    Item,
    Report,
    Text,
    Value,
    value_display,
)

_FORM_TITLES = {"全項目": "全項目評価書", "重点": "重点項目評価書", "基礎": "基礎項目評価書"}


def value_text(value: Value) -> str:
    """A value printed the way published reports print it, so the cell reader reads it back."""
    if isinstance(value, Text):
        return value.text
    if isinstance(value, Date):
        return value.printed
    if isinstance(value, Checks):
        boxes = [
            f"[{'○' if box.ticked else ' '}] {box.option}"
            + (f" ({value.other})" if box.option == "その他" and value.other else "")
            for box in value.boxes
        ]
        return " ".join(boxes)
    options = " ".join(f"{n}) {option}" for n, option in enumerate(value.options, 1))
    if isinstance(value, Count):
        count = "" if value.count is None else str(value.count)
        return f"[{value.selected}] ({count})件 <選択肢> {options}".rstrip()
    assert isinstance(value, Choice)
    return f"[{value.selected}] <選択肢> {options}".rstrip()


def _item_lines(item: Item) -> list[str]:
    text = value_text(item.value)
    first, *more = text.split("\n") if text else [""]
    star = " ※" if item.star else ""
    if len(item.path.segments) == 1:
        # A section heading prints its note after the ※ ("III リスク対策 ※(7. ②を除く。)").
        head = f"{item.label}{star}{first}" if star else item.label
        return [head, *([first] if first and not star else []), *more]
    return [f"{item.label}{star}\t{first}".rstrip("\t"), *more]


def reprint(report: Report) -> str:
    """The published text a stored version was read from, as near as its items tell."""
    lines = [f"特定個人情報保護評価書({_FORM_TITLES.get(report.meta.form, '')})", ""]
    for item in report.items:
        if item.path.segments[0] == "表紙":
            continue
        lines += _item_lines(item)
    return "\n".join(lines) + "\n"


def upgrade(report: Report) -> Report:
    """``report`` with its items as today's reader reads them (unchanged unless an earlier reader
    made it). Meta data, cover items and 変更箇所 rows are kept as stored."""
    if report.reader != LEGACY_READER:
        return report
    from hyoka.ingest.published import parse_published

    try:
        reread = parse_published(reprint(report), "保存済みの版")
    except InputError:
        return report
    cover = tuple(item for item in report.items if item.path.segments[0] == "表紙")
    body = tuple(item for item in reread.items if item.path.segments[0] != "表紙")
    return dataclasses.replace(report, items=(*cover, *body), reader=CATALOGUE_READER)


def comparable(old: Report, new: Report) -> tuple[Report, Report]:
    """Two reports whose paths can be aligned: an earlier reader's side is read again as today's
    reader would when the other side was read by today's reader."""
    # Only against a reading by today's reader: a file in the own format exported from an old
    # version carries that version's paths, and compares with it as it is.
    if {old.reader, new.reader} != {LEGACY_READER, CATALOGUE_READER}:
        return old, new
    if old.reader == LEGACY_READER:
        return _settle(upgrade(old), new), new
    return old, _settle(upgrade(new), old)


def _settle(reread: Report, other: Report) -> Report:
    """The re-read side with what the reprint cannot carry taken from the other side: where an
    item's value differs only in line breaks, spaces or the place of a ※ (the earlier reader
    joined cells with spaces and moved ※ into labels), it is the same item as printed; so is
    one where the earlier reader saw nothing ticked or selected (``_lost_marks``)."""
    others = {item.path: item for item in other.items}
    settled = []
    for item in reread.items:
        twin = others.get(item.path)
        if twin is not None and twin != item and (_loose(item) == _loose(twin) or _lost_marks(item, twin)):
            item = twin
        settled.append(item)
    return dataclasses.replace(reread, items=tuple(settled))


def _loose(item: Item) -> str:
    return "".join(value_display(item.value).split()).replace("※", "")


def _lost_marks(earlier: Item, today: Item) -> bool:
    """The earlier reader lost what a box list or a choice says, where extractors print it in
    a way it did not know: the ○ of a ticked box drawn as an HTML radio button (read as an
    empty box), the selected value outside its bracket (read as no selection). Where the
    earlier side has no box ticked and no value selected, and today's reading of the item
    differs from it only by what it ticks or selects, the item is the same as printed: a
    published list with nothing ticked, or a choice with nothing chosen, is what was misread."""
    if isinstance(earlier.value, Choice | Count) and isinstance(today.value, Choice | Count):
        return not earlier.value.selected and bool(today.value.selected)
    if isinstance(earlier.value, Checks) and isinstance(today.value, Checks):
        options = [box.option for box in earlier.value.boxes]
        return (not earlier.value.ticked and bool(today.value.ticked) and earlier.value.other == today.value.other
                and options == [box.option for box in today.value.boxes])
    if isinstance(earlier.value, Text) and isinstance(today.value, Text):
        before, after = earlier.value.text, today.value.text
        return "[○]" not in before and "[○]" in after and _loose(earlier) == _loose(
            dataclasses.replace(today, value=Text(after.replace("[○]", "[ ]"))))
    return False
