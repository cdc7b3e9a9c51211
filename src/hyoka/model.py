"""The report as a pure, immutable tree: the contract between every reader and the rest.

Parsers produce a :class:`Report`; the store, the differ and the templates
consume one. Nothing here does I/O, so the model can be built in tests and
hashed the same way on every machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from hyoka.era import parse_date

FormKind = Literal["基礎", "重点", "全項目"]
FORM_KINDS: tuple[FormKind, ...] = ("基礎", "重点", "全項目")

PATH_SEP = "/"

# Readers whose item paths a stored version may carry. Versions stored before the reader was
# recorded were read line by line (LEGACY_READER) and are re-read for comparison, never rewritten.
NATIVE_READER = 0
LEGACY_READER = 1
CATALOGUE_READER = 2


@dataclass(frozen=True, order=True)
class ItemPath:
    """Identity of an item: normalised segments, e.g. ("II", "3", "①入手元").

    The path, not the line number, is what aligns items across versions; a
    multi-file report names the file in its section segment ("II(住民票ファイル)").
    """

    segments: tuple[str, ...]
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.checked(self.segments)
        object.__setattr__(self, "_hash", hash(self.segments))

    @staticmethod
    def checked(segments: tuple[str, ...]) -> tuple[str, ...]:
        """``segments`` if they make a path (ValueError otherwise): what an ItemPath checks, for
        callers that keep only the segments (a catalogue entry's path)."""
        if not segments:
            raise ValueError("an item path needs at least one segment")
        for seg in segments:
            if not seg or PATH_SEP in seg or "\n" in seg or "\r" in seg or seg != seg.strip():
                raise ValueError(f"invalid path segment: {seg!r}")
        return segments

    @staticmethod
    def split(text: str) -> tuple[str, ...]:
        """The segments :meth:`parse` makes of ``text``, checked."""
        return ItemPath.checked(_segments_of(text))

    def __hash__(self) -> int:
        """Computed once: paths are dictionary keys on every alignment and lookup."""
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, ItemPath):
            return NotImplemented
        return self._hash == other._hash and self.segments == other.segments

    @classmethod
    def parse(cls, text: str) -> ItemPath:
        return cls(_segments_of(text))  # checked when made

    def __str__(self) -> str:
        return PATH_SEP.join(self.segments)

    def child(self, segment: str) -> ItemPath:
        return ItemPath((*self.segments, segment))

    def startswith(self, prefix: ItemPath) -> bool:
        return self.segments[: len(prefix.segments)] == prefix.segments


def _segments_of(text: str) -> tuple[str, ...]:
    """A printed path's segments ("II/3/①入手元"), unchecked."""
    return tuple(s.strip() for s in text.strip().split(PATH_SEP))


def _require_line(*fields: str) -> None:
    """Single-line fields keep the own text format exact; readers fold breaks before this."""
    for text in fields:
        if "\n" in text or "\r" in text:
            raise ValueError(f"expected one line, got {text!r}")


@dataclass(frozen=True)
class Text:
    """Free text; line breaks kept as printed (one "\\n" per break, never "\\r")."""

    text: str
    kind: Literal["text"] = field(default="text", init=False)

    def __post_init__(self) -> None:
        if "\r" in self.text:
            raise ValueError("text must use \\n line breaks only")


@dataclass(frozen=True)
class Choice:
    """A single choice: what is selected in brackets, and the printed options."""

    selected: str
    options: tuple[str, ...] = ()
    kind: Literal["choice"] = field(default="choice", init=False)

    def __post_init__(self) -> None:
        _require_line(self.selected, *self.options)


@dataclass(frozen=True)
class Count:
    """A choice with a number, as in ``[委託する] (6)件``; count None when blank."""

    selected: str
    count: int | None
    options: tuple[str, ...] = ()
    kind: Literal["count"] = field(default="count", init=False)

    def __post_init__(self) -> None:
        _require_line(self.selected, *self.options)


@dataclass(frozen=True)
class Check:
    option: str
    ticked: bool

    def __post_init__(self) -> None:
        _require_line(self.option)


@dataclass(frozen=True)
class Checks:
    """A checkbox list: every printed option with its tick, plus その他 free text."""

    boxes: tuple[Check, ...]
    other: str = ""
    kind: Literal["checks"] = field(default="checks", init=False)

    def __post_init__(self) -> None:
        _require_line(self.other)

    @property
    def ticked(self) -> tuple[str, ...]:
        return tuple(b.option for b in self.boxes if b.ticked)


@dataclass(frozen=True)
class Date:
    """A date as printed (era or ISO); ``iso`` is derived so the printing round-trips."""

    printed: str
    kind: Literal["date"] = field(default="date", init=False)

    def __post_init__(self) -> None:
        _require_line(self.printed)

    @property
    def iso(self) -> str | None:
        day = parse_date(self.printed)
        return day.isoformat() if day else None


Value = Text | Choice | Count | Checks | Date


def value_to_json(value: Value) -> dict[str, object]:
    """Plain-data form of a value; the canonical form hashes and stores this."""
    if isinstance(value, Text):
        return {"kind": "text", "text": value.text}
    if isinstance(value, Choice):
        return {"kind": "choice", "selected": value.selected, "options": list(value.options)}
    if isinstance(value, Count):
        return {
            "kind": "count",
            "selected": value.selected,
            "count": value.count,
            "options": list(value.options),
        }
    if isinstance(value, Checks):
        return {
            "kind": "checks",
            "boxes": [[b.option, b.ticked] for b in value.boxes],
            "other": value.other,
        }
    if isinstance(value, Date):
        return {"kind": "date", "printed": value.printed}
    raise TypeError(f"not a value: {value!r}")


def value_from_json(data: dict[str, object]) -> Value:
    kind = data.get("kind")
    if kind == "text":
        return Text(str(data["text"]))
    if kind == "choice":
        return Choice(str(data["selected"]), tuple(str(o) for o in data["options"]))  # type: ignore[union-attr]
    if kind == "count":
        count = data["count"]
        return Count(
            str(data["selected"]),
            None if count is None else int(count),  # type: ignore[call-overload]
            tuple(str(o) for o in data["options"]),  # type: ignore[union-attr]
        )
    if kind == "checks":
        boxes = tuple(Check(str(o), bool(t)) for o, t in data["boxes"])  # type: ignore[union-attr,misc]
        return Checks(boxes, str(data.get("other", "")))
    if kind == "date":
        return Date(str(data["printed"]))
    raise ValueError(f"unknown value kind: {kind!r}")


def canonical_json(data: object) -> str:
    """One spelling of a JSON value, so equal content always hashes equal."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def value_canonical(value: Value) -> str:
    return canonical_json(value_to_json(value))


def value_hash(value: Value) -> str:
    """Content address of a value: identical values are stored once across all reports."""
    return sha256_text(value_canonical(value))


def value_display(value: Value) -> str:
    """The value as one would read it in a table cell (used by show, diff and tables)."""
    if isinstance(value, Text):
        return value.text
    if isinstance(value, Choice):
        return f"[{value.selected}]"
    if isinstance(value, Count):
        count = "" if value.count is None else str(value.count)
        return f"[{value.selected}] ({count})件"
    if isinstance(value, Checks):
        parts = [f"[{'○' if b.ticked else ' '}] {b.option}" for b in value.boxes]
        if value.other:
            parts.append(f"({value.other})")
        return " ".join(parts)
    return value.printed


@dataclass(frozen=True)
class Item:
    """One item of the form: identity, printed label (without ※), ※ as printed, value."""

    path: ItemPath
    label: str
    star: bool
    value: Value

    def __post_init__(self) -> None:
        _require_line(self.label)
        if self.label != self.label.strip() or self.label.endswith("※"):
            raise ValueError(f"label must be trimmed and carry ※ only in star: {self.label!r}")

    @classmethod
    def printed(cls, path: ItemPath, label: str, star: bool, text: str, parse: Callable[[str], Value]) -> Item:
        """The item whose value is ``parse(text)``, parsed when it is first asked for, then kept.

        A reading makes an item of every node it placed, but a comparison of two versions asks
        for few values: an unchanged item is the same object in both readings, compared by
        identity first. Parsing every value up front was a tenth of a first reading. Whenever
        it is parsed, the value is the same; equality, hashing, repr and serialisation ask for it."""
        item = cls.__new__(cls)
        object.__setattr__(item, "path", path)
        object.__setattr__(item, "label", label)
        object.__setattr__(item, "star", star)
        object.__setattr__(item, "_printed", (parse, text))
        item.__post_init__()
        return item

    if not TYPE_CHECKING:  # to a type checker, ``value`` is the field it is, and no other name exists

        def __getattr__(self, name: str) -> Value:
            """The value of an item made by :meth:`printed`, on first use (Python asks this only for
            an attribute the item does not hold yet)."""
            printed = self.__dict__.get("_printed") if name == "value" else None
            if printed is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value: Value = printed[0](printed[1])
            object.__setattr__(self, "value", value)
            self.__dict__.pop("_printed", None)  # from now on an item like any other (no text kept)
            return value


def same_value_unread(a: Item, b: Item) -> bool:
    """Whether two items certainly hold the same value, told without parsing either: the same
    object, or both still unread (:meth:`Item.printed`) from the same text by the same parser.
    False says nothing: the values may still be equal."""
    if a is b:
        return True
    printed_a, printed_b = a.__dict__.get("_printed"), b.__dict__.get("_printed")
    return (printed_a is not None and printed_b is not None and printed_a[0] is printed_b[0]
            and printed_a[1] == printed_b[1])


@dataclass(frozen=True)
class ChangeRow:
    """One row of a 変更箇所 appendix, as the body printed it."""

    date: str
    item: str
    before: str
    after: str
    timing: str
    reason: str

    def __post_init__(self) -> None:
        for text in (self.date, self.item, self.before, self.after, self.timing, self.reason):
            if "\r" in text:
                raise ValueError("appendix cells must use \\n line breaks only")


@dataclass(frozen=True)
class ReportMeta:
    """The cover of the report: what identifies it outside the item tree."""

    number: str = ""
    title: str = ""
    organisation: str = ""
    published: str = ""
    form: FormKind = "重点"
    files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_line(self.number, self.title, self.organisation, self.published, *self.files)
        if self.form not in FORM_KINDS:
            raise ValueError(f"unknown form kind: {self.form}")


@dataclass(frozen=True)
class Report:
    """A whole report: cover, ordered items and the appendix 変更箇所 rows."""

    meta: ReportMeta
    items: tuple[Item, ...]
    appendix: tuple[ChangeRow, ...] = ()
    # Which reader built the paths (NATIVE_READER, LEGACY_READER, CATALOGUE_READER; None: built
    # in code). Not content: two readings of the same text compare equal whoever made them.
    reader: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        seen: set[ItemPath] = set()
        for item in self.items:
            if item.path in seen:
                raise ValueError(f"duplicate item path: {item.path}")
            seen.add(item.path)

    def by_path(self) -> dict[ItemPath, Item]:
        return {item.path: item for item in self.items}

    def get(self, path: ItemPath | str) -> Item | None:
        key = ItemPath.parse(path) if isinstance(path, str) else path
        return self.by_path().get(key)

    def under(self, prefix: ItemPath | str) -> Iterator[Item]:
        key = ItemPath.parse(prefix) if isinstance(prefix, str) else prefix
        return (item for item in self.items if item.path.startswith(key))


def meta_to_json(meta: ReportMeta) -> dict[str, object]:
    return {
        "number": meta.number,
        "title": meta.title,
        "organisation": meta.organisation,
        "published": meta.published,
        "form": meta.form,
        "files": list(meta.files),
    }


def meta_from_json(data: dict[str, object]) -> ReportMeta:
    form = str(data.get("form", "重点"))
    if form not in FORM_KINDS:
        raise ValueError(f"unknown form kind: {form}")
    return ReportMeta(
        number=str(data.get("number", "")),
        title=str(data.get("title", "")),
        organisation=str(data.get("organisation", "")),
        published=str(data.get("published", "")),
        form=form,  # type: ignore[arg-type]
        files=tuple(str(f) for f in data.get("files", ())),  # type: ignore[union-attr]
    )


def row_to_json(row: ChangeRow) -> dict[str, str]:
    return {
        "date": row.date,
        "item": row.item,
        "before": row.before,
        "after": row.after,
        "timing": row.timing,
        "reason": row.reason,
    }


def row_from_json(data: dict[str, str]) -> ChangeRow:
    return ChangeRow(**{k: str(data.get(k, "")) for k in ("date", "item", "before", "after", "timing", "reason")})
