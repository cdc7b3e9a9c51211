"""Form catalogues: every item of 様式3 (重点) and 様式4 (全項目) with its ※ status.

Whether a change is even eligible to be a 重要な変更 depends on the form, not
on what a report happens to print (OCR drops ※ marks, bodies copy old forms).
The catalogues are data files next to this module so that a reviewer can read
and correct them without reading code; this module only resolves item paths
against them, tolerating the label variants real reports print.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from hyoka.model import FormKind, ItemPath
from hyoka.normalize import label_key
from hyoka.numbering import file_section, generic_segment, split_circled, strip_duplicate

__all__ = ["Catalogue", "Entry", "edition_key", "form_path", "load_catalogue"]

CATALOGUE_FILES: dict[str, str] = {"基礎": "yoshiki2.toml", "重点": "yoshiki3.toml", "全項目": "yoshiki4.toml"}

# Nodes a printed or OCR'd path may leave out: risk headings and repeating-group instances.
_SKIPPABLE_RE: Final = re.compile(r"^(リスク\d*|システムN|委託事項N|提供先N|移転先N)$")
_TRAILING_NOISE_RE: Final = re.compile(r"[—\-–―ー:：.。、,]+$")
_EDITION_RE: Final = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月")
_ERA_BASE: Final = {"令和": 2018, "平成": 1988}


@lru_cache(maxsize=256)
def edition_key(edition: str) -> tuple[int, int] | None:
    """(year, month) of an edition string ("令和7年5月" → (2025, 5)), for ordering editions.

    Remembered: loading a catalogue asks it of the same few editions for every entry."""
    m = _EDITION_RE.search(edition)
    if not m:
        return None
    year = 1 if m.group(2) == "元" else int(m.group(2))
    return _ERA_BASE[m.group(1)] + year, int(m.group(3))


@dataclass(frozen=True)
class Entry:
    """One item of a form as the catalogue lists it."""

    path: tuple[str, ...]
    title: str = ""
    star: bool | None = None
    aliases: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    @property
    def segment(self) -> str:
        return self.path[-1]

    def in_edition(self, edition: str | None) -> bool:
        """Whether the item is printed in ``edition`` (None: the newest, so until-bounded items drop)."""
        key = edition_key(edition) if edition else None
        if key is None:
            return not self.until
        since, until = edition_key(self.since), edition_key(self.until)
        return (since is None or key >= since) and (until is None or key <= until)


def _generic(segment: str) -> str:
    """A path segment with its instance number, file name and duplicate counter dropped."""
    return generic_segment(segment)


def form_path(path: ItemPath | str) -> str:
    """The path as the form knows it: "II(住民票ファイル)/4/委託事項3/⑦再委託の有無#2" →
    "II/4/委託事項N/⑦再委託の有無". Policies name items this way."""
    item_path = ItemPath.parse(path) if isinstance(path, str) else path
    return "/".join(_generic(s) for s in item_path.segments)


@cache
def _key(label: str) -> str:
    return _TRAILING_NOISE_RE.sub("", label_key(label))


def _label_match(entry: Entry, segment: str) -> bool:
    """Same label, an alias, or one label a prefix of the other (OCR'd tails, merged values)."""
    seg_num, seg_label = split_circled(_key(segment))
    for name in (entry.segment, *entry.aliases):
        num, label = split_circled(_key(name))
        if num and seg_num and num != seg_num:
            continue
        if label == seg_label:
            return True
        if min(len(label), len(seg_label)) >= 3 and (label.startswith(seg_label) or seg_label.startswith(label)):
            return True
    return False


class Catalogue:
    """A form's items as a tree; lookups take hyoka item paths (with real instance numbers)."""

    def __init__(
        self, form: str, name: str, entries: tuple[Entry, ...], edition: str = "", editions: tuple[str, ...] = ()
    ) -> None:
        self.form = form
        self.name = name
        self.entries = entries
        self.edition = edition
        self.editions = editions
        self._children: dict[tuple[str, ...], list[Entry]] = {}
        self._resolved: dict[ItemPath, tuple[list[Entry], list[Entry]]] = {}
        self.by_path: dict[tuple[str, ...], Entry] = {}
        for entry in entries:
            self._children.setdefault(entry.path[:-1], []).append(entry)
            self.by_path[entry.path] = entry

    def children(self, parent: tuple[str, ...]) -> list[Entry]:
        """The items directly under ``parent`` (a catalogue path; () for the sections), in print order."""
        return self._children.get(parent, [])

    def sections(self) -> list[Entry]:
        """Top-level entries: the sections I, II, … and the appendices (別添N), in print order."""
        return self.children(())

    def _child(self, parent: tuple[str, ...], segment: str) -> Entry | None:
        generic = _generic(segment)
        children = self._children.get(parent, [])
        for entry in children:
            if entry.segment == generic:
                return entry
        for entry in children:
            if _label_match(entry, generic):
                return entry
        num, _ = split_circled(_key(generic))
        if num:
            numbered = [e for e in children if split_circled(_key(e.segment))[0] == num]
            if len(numbered) == 1:
                return numbered[0]
        return None

    def resolve(self, path: ItemPath) -> tuple[list[Entry], list[Entry]]:
        """Cached :meth:`_resolve`: a report asks about the same paths over and over."""
        if path not in self._resolved:
            if len(self._resolved) > 100_000:
                self._resolved.clear()
            self._resolved[path] = self._resolve(path)
        chain, aligned = self._resolved[path]
        return list(chain), list(aligned)

    def _resolve(self, path: ItemPath) -> tuple[list[Entry], list[Entry]]:
        """The catalogue entries matching the path's leading segments: the whole chain, and the
        entry of each matched segment. A segment that matches no child may match a grandchild
        under a リスク node, because printed 項目 cells often leave the リスク out."""
        chain: list[Entry] = []
        aligned: list[Entry] = []
        parent: tuple[str, ...] = ()
        for segment in path.segments:
            found = self._child(parent, segment)
            if found is None:
                for group in (e for e in self._children.get(parent, []) if _SKIPPABLE_RE.match(e.segment)):
                    found = self._child(group.path, segment)
                    if found is not None:
                        chain.append(group)
                        break
            if found is None:
                break
            chain.append(found)
            aligned.append(found)
            parent = found.path
        if chain and len(aligned) < len(path.segments):
            for depth in range(len(chain), 1, -1):
                root = chain[depth - 1].path
                leaf = self._unique_descendant(root, path.segments[-1])
                if leaf is not None:
                    return chain[:depth] + self._lineage(root, leaf), aligned
        return chain, aligned

    def _unique_descendant(self, root: tuple[str, ...], segment: str) -> Entry | None:
        """When OCR garbled a label in between, the item is still known by its own label if that
        label occurs once below a heading that did match (deepest first, never a whole section)."""
        below = [e for e in self.entries if len(e.path) > len(root) + 1 and e.path[: len(root)] == root]
        hits = [e for e in below if _label_match(e, _generic(segment))]
        return hits[0] if len(hits) == 1 else None

    def _lineage(self, root: tuple[str, ...], leaf: Entry) -> list[Entry]:
        by_path = {e.path: e for e in self.entries}
        return [by_path[leaf.path[:n]] for n in range(len(root) + 1, len(leaf.path) + 1) if leaf.path[:n] in by_path]

    def entry(self, path: ItemPath) -> Entry | None:
        """The catalogue's entry for exactly this item, or None if the form does not list it."""
        _, aligned = self.resolve(path)
        return aligned[-1] if aligned and len(aligned) == len(path.segments) else None

    def is_star(self, path: ItemPath) -> bool:
        """※ as the form decides: the nearest listed item (or ancestor) with a ※ status."""
        chain, _ = self.resolve(path)
        for entry in reversed(chain):
            if entry.star is not None:
                return entry.star
        return False

    def printed_path(self, path: ItemPath) -> str:
        """The item as a 変更箇所 項目 cell words it: "II 特定個人情報ファイルの概要 3. 特定個人情報の
        入手・使用 ③使用目的 ※", with the file name and real instance numbers of this report."""
        _, aligned = self.resolve(path)
        words: list[str] = []
        for index, segment in enumerate(path.segments):
            clean = strip_duplicate(segment)
            entry = aligned[index] if index < len(aligned) else None
            if entry is None:
                words.append(clean)
                continue
            file_match = file_section(clean)
            if index == 0 and entry.title:
                suffix = f"({file_match[1]})" if file_match else ""
                words.append(f"{entry.path[0]} {entry.title}{suffix}")
            elif entry.title and clean.isdigit():
                words.append(f"{clean}. {entry.title}")
            else:
                words.append(clean)
            if index > 0 and entry.star is True:
                words[-1] += " ※"
        return " ".join(words)


def _entry_from_toml(raw: dict[str, object], source: str) -> Entry:
    path = raw.get("path")
    if not isinstance(path, str) or not path:
        raise ValueError(f"{source}: item without a path: {raw}")
    star = raw.get("star")
    aliases = raw.get("aliases", [])
    if star is not None and not isinstance(star, bool):
        raise ValueError(f"{source}: star must be true/false in {path}")
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{source}: aliases must be a list of strings in {path}")
    since, until = str(raw.get("since", "")), str(raw.get("until", ""))
    for bound in (since, until):
        if bound and edition_key(bound) is None:
            raise ValueError(f"{source}: since/until must be an edition like 令和7年5月 in {path}")
    # Only the segments are kept: checked as an ItemPath checks them, without making one.
    return Entry(ItemPath.split(path), str(raw.get("title", "")), star, tuple(aliases), since, until)


@cache
def _catalogue_data(form: str) -> dict[str, object] | None:
    filename = CATALOGUE_FILES.get(form)
    if filename is None:
        return None
    # Next to this module (package data); a plain path read, as importlib.resources' first use
    # costs more than reading the file.
    source = Path(__file__).with_name(filename)
    if not source.is_file():
        return None
    data = _parsed(source)
    data["_source"] = filename
    return data


def _parsed(source: Path) -> dict[str, object]:
    """The catalogue file parsed, from the marshal copy kept beside it (in ``__pycache__``, as
    Python keeps a module's bytecode) when one was made from these very bytes.

    Parsing the TOML is half of loading a catalogue, and every process that reads a report
    loads one (issue 13: ~2 ms of a `hyoka diff`). The copy is named by the file's hash, so an
    edited catalogue is parsed again; a copy that cannot be read or written (a read-only
    install) is passed over, and the TOML stays the only source."""
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    copy = source.parent / "__pycache__" / f"{source.name}.{digest}.marshal"
    try:
        data = marshal.loads(copy.read_bytes())
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    import tomllib  # only on a first load: importing it costs a start ~2 ms

    data = tomllib.loads(raw.decode("utf-8"))
    partial = copy.with_name(f"{copy.name}.{os.getpid()}.tmp")
    try:
        copy.parent.mkdir(exist_ok=True)
        partial.write_bytes(marshal.dumps(data))
        os.replace(partial, copy)  # whole or not at all, for processes reading it meanwhile
        for stale in copy.parent.glob(f"{source.name}.*.marshal"):
            if stale != copy:
                stale.unlink(missing_ok=True)  # made from an earlier edit of the file
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)  # no half copy left behind
    return data


def _edition_of(requested: str | None, editions: tuple[str, ...]) -> str:
    """The catalogue edition to use: the requested one if known, else the newest not after it,
    else the newest (a report printed on an edition we do not list reads as the newest form)."""
    keyed = sorted((k, e) for e in editions if (k := edition_key(e)) is not None)
    if not keyed:
        return ""
    wanted = edition_key(requested) if requested else None
    if wanted is not None:
        older = [e for k, e in keyed if k <= wanted]
        if older:
            return older[-1]
    return keyed[-1][1]


@cache
def load_catalogue(form: FormKind | str, edition: str | None = None) -> Catalogue:
    """The packaged catalogue of a form kind, filtered to an edition (None or unknown: the newest).

    Requests that come to the same edition get the same object: a reading asks for the edition
    its report prints, the classifier for the newest, and for a current report these are one
    catalogue, built once, whose lookups (and the reader's :class:`~hyoka.ingest.grammar.Grammar`,
    kept per catalogue) then serve both."""
    data = _catalogue_data(form)
    if data is None:
        return Catalogue(form, f"{form}項目評価書", ())
    raw_editions = data.get("editions", [])
    editions = tuple(str(e) for e in raw_editions) if isinstance(raw_editions, list) else ()
    return _catalogue_of(form, _edition_of(edition, editions), editions)


@cache
def _catalogue_of(form: FormKind | str, used: str, editions: tuple[str, ...]) -> Catalogue:
    """The catalogue of ``form`` filtered to the edition ``used`` (see :func:`load_catalogue`)."""
    data = _catalogue_data(form)
    assert data is not None
    source = str(data["_source"])
    items = data["items"]
    assert isinstance(items, list)
    entries = tuple(e for e in (_entry_from_toml(raw, source) for raw in items) if e.in_edition(used or None))
    return Catalogue(str(data["form"]), str(data["name"]), _with_closing_labels(entries), used, editions)


def forget() -> None:
    """Drop the loaded catalogues and their keys (a later call loads them again from the TOML)."""
    for remembered in (load_catalogue, _catalogue_of, _catalogue_data, _key, edition_key):
        remembered.cache_clear()


# The item that closes each heading of III: the form prints it as the heading's title followed by
# this, joined by における (に伴う after 「…との接続」); the catalogue lists only the short segment.
CLOSING: Final = "その他のリスク及びそのリスクに対する措置"
_CLOSING_JOINS: Final = ("における", "に伴う")


def _with_closing_labels(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Entries with each closing item's full printed labels as aliases, built from its heading's
    title so that the data file does not repeat every title a second time."""
    titles = {e.path: e.title for e in entries if e.title}
    return tuple(
        replace(e, aliases=(*e.aliases, *(f"{titles[e.path[:-1]]}{join}{CLOSING}" for join in _CLOSING_JOINS)))
        if e.segment == CLOSING and e.path[:-1] in titles
        else e
        for e in entries
    )

