"""Which form item a change concerns, and so whether hyoka knows if it is a ※ item.

The ※ status of an item is *known* when
- the policy names the item (``[star] add/remove``);
- the item is an entry of the form catalogue: its ※, or the absence of one, is the form's;
- the item is not identified, but sits under a listed heading whose ※ covers everything
  below it ("III リスク対策 ※"): whatever the item is, the form marks it ※.

Otherwise it is *unknowable* (``star is None``): the item may be a ※ item the catalogue
lacks, an OCR'd or cut 項目 cell, or a section a newer form added. The rules then say
要確認 instead of "not ※ → 事後" (rule ``unknown_item``); ``basis`` says why, in Japanese,
for the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hyoka.classify.policy import Policy
from hyoka.forms import Catalogue, Entry, form_path
from hyoka.forms.printed import find_printed
from hyoka.model import ItemPath
from hyoka.normalize import label_key


@dataclass(frozen=True)
class StarStatus:
    """Whether an item is ※ (None: cannot be known), whether the catalogue lists it, and why."""

    star: bool | None
    identified: bool
    basis: str = ""


def _listed(catalogue: Catalogue) -> str:
    return f"様式の項目一覧 ({catalogue.name})"


def _starred_heading(chain: list[Entry]) -> Entry | None:
    """The nearest listed heading that states a ※ status, if that status is ※. A heading marked
    not-※ says nothing about items the form may list below it, so it gives None."""
    for entry in reversed(chain):
        if entry.star is not None:
            return entry if entry.star else None
    return None


def _under_star(heading: Entry, what: str) -> StarStatus:
    basis = f"{what}が、上位の見出し「{'/'.join(heading.path)}」の※が及ぶ"
    return StarStatus(True, False, basis)


def _unknown(shown: str, catalogue: Catalogue, printed_star: bool, chain: list[Entry]) -> StarStatus:
    where = f"「{shown}」" if shown else "項目欄が空の行"
    basis = f"{where}を{_listed(catalogue)}で特定できず、※項目か判断できない"
    if chain:
        basis += f" (特定できたのは「{'/'.join(chain[-1].path)}」まで)"
    if printed_star:
        basis += "; 評価書には※の印あり"
    return StarStatus(None, False, basis)


def _policy_star(key: str, policy: Policy) -> bool | None:
    """The policy's ※ for a form path: an item it names, else the nearest heading it names
    (``add_under``/``remove_under``: every item below that heading)."""
    if key in policy.star_add:
        return True
    if key in policy.star_remove:
        return False
    if not (policy.star_add_under or policy.star_remove_under):
        return None
    segments = key.split("/")
    for depth in range(len(segments), 0, -1):
        head = "/".join(segments[:depth])
        if head in policy.star_add_under:
            return True
        if head in policy.star_remove_under:
            return False
    return None


def _unidentified(status: StarStatus, policy: Policy) -> StarStatus:
    """An item hyoka cannot identify: 要確認, unless the policy states how this body reads such
    items (``[star] unidentified``, learned from its own past 変更箇所 by ``hyoka calibrate``)."""
    if policy.unidentified_star is None:
        return status
    return StarStatus(policy.unidentified_star, False, f"{status.basis}; ポリシーの [star] unidentified による")


def _known(entry: Entry, catalogue: Catalogue, policy: Policy) -> StarStatus:
    path = "/".join(entry.path)
    forced = _policy_star(path, policy)
    star = catalogue.is_star(ItemPath(entry.path)) if forced is None else forced
    return StarStatus(star, True)


def status_of_path(path: ItemPath, printed_star: bool, catalogue: Catalogue, policy: Policy) -> StarStatus:
    """The ※ status of an item of a report (a diff's path, real instance numbers and file names)."""
    forced = _policy_star(form_path(path), policy)
    if forced is not None:
        return StarStatus(forced, catalogue.entry(path) is not None, "ポリシーの [star] による")
    entry = catalogue.entry(path)
    if entry is not None:
        return _known(entry, catalogue, policy)
    chain, _ = catalogue.resolve(path)
    heading = _starred_heading(chain)
    if heading is not None:
        return _under_star(heading, f"{_listed(catalogue)}にない項目だ")
    return _unidentified(_unknown(str(path), catalogue, printed_star, chain), policy)


_QUALIFIER_RE = re.compile(r"[(（][^()（）]*[)）]$")


def _rest_names_entry(entry: Entry, rest: tuple[str, ...]) -> bool:
    """Whether words a printed cell has after ``entry`` only finish naming it: the rest of its
    label or title split by a line break ("①法令上の 根拠"), or its title or alias repeated
    ("2. 国民・住民等からの意見の聴取", "別添1 事務内容(住民基本台帳ファイル)")."""
    tail = _QUALIFIER_RE.sub("", label_key("".join(rest))) or label_key("".join(rest))
    if not tail:
        return False
    names = [label_key(name) for name in (entry.segment, entry.title, *entry.aliases) if name]
    return any(name.endswith(tail) for name in names)


def _read_chain(path: ItemPath, catalogue: Catalogue) -> list[Entry]:
    """The entries a find_printed path names, section down. Looked up exactly: its segments are the
    catalogue's own, and a last segment the reader could not place is no entry, even if the
    catalogue's lenient :meth:`~hyoka.forms.Catalogue.resolve` would guess one for it."""
    chain: list[Entry] = []
    for depth in range(1, len(path.segments) + 1):
        entry = catalogue.by_path.get(path.segments[:depth])
        if entry is None:
            break
        chain.append(entry)
    return chain


def _printed_entry(path: ItemPath, catalogue: Catalogue) -> Entry | None:
    """The entry a find_printed path names: the path itself when listed, else its longest listed
    prefix when the words left over only finish naming that entry. A section (I, II, …) counts
    only when it is an item in itself (別添N): a cell naming just "II" names no item."""
    chain = _read_chain(path, catalogue)
    if not chain or len(chain) == len(path.segments):
        return chain[-1] if chain else None
    head = chain[-1]
    if len(chain) == 1 and _has_children(head, catalogue):
        return None
    return head if _rest_names_entry(head, path.segments[len(chain) :]) else None


def _has_children(entry: Entry, catalogue: Catalogue) -> bool:
    depth = len(entry.path)
    return any(len(e.path) > depth and e.path[:depth] == entry.path for e in catalogue.entries)


def _mixed_heading(entry: Entry, catalogue: Catalogue) -> bool:
    """A heading that is not ※ itself but has ※ items below it: a row naming only the heading
    does not say whether the change is in one of them."""
    if catalogue.is_star(ItemPath(entry.path)):
        return False
    depth = len(entry.path)
    return any(e.star for e in catalogue.entries if len(e.path) > depth and e.path[:depth] == entry.path)


def status_of_printed(item: str, catalogue: Catalogue, policy: Policy) -> tuple[ItemPath | None, StarStatus]:
    """The form path a printed 項目 cell names (None if no section is recognised) and its ※ status."""
    shown = " ".join(item.split())
    printed_star = "※" in item
    path = find_printed(catalogue, item) if shown else None
    if path is None:
        return None, _unidentified(_unknown(shown, catalogue, printed_star, []), policy)
    forced = _policy_star(form_path(path), policy)
    if forced is not None:
        listed = len(_read_chain(path, catalogue)) == len(path.segments)
        return path, StarStatus(forced, listed, "ポリシーの [star] による")
    entry = _printed_entry(path, catalogue)
    if entry is not None and not _mixed_heading(entry, catalogue):
        return ItemPath(entry.path), _known(entry, catalogue, policy)
    chain = _read_chain(path, catalogue)
    heading = _starred_heading(chain)
    if heading is not None:
        return path, _under_star(heading, f"{_listed(catalogue)}で特定できない項目だ")
    if entry is not None:
        basis = f"「{shown}」は見出し「{'/'.join(entry.path)}」までしか示さず、その下には※項目と※でない項目がある"
        mixed = StarStatus(None, False, basis + ("; 評価書には※の印あり" if printed_star else ""))
        return path, _unidentified(mixed, policy)
    return path, _unidentified(_unknown(shown, catalogue, printed_star, chain), policy)
