"""An anchor kept outside the database: what no hash chain can prove about itself.

A chain proves that nothing *inside* it was changed, but not that it was not cut
short (the newest versions and events deleted together) or rebuilt from scratch
(every hash recomputed after an edit). Both leave a self-consistent chain. The
anchor pins, per report, the head version (number and hash) and the last event
(sequence number and hash), in one short printable line:

    sakuragawa@4 3f2a9c0d1e2b3a4c5d6e7f80 #27 9c1e0d2f3a4b5c6d7e8f9a0b

Printed on the published page or filed in the 文書管理 system, it lets
``hyoka verify --anchor FILE`` check that those rows are still there with the same
hashes. Later versions and events are allowed: history grows after the anchor.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from hyoka.errors import InputError
from hyoka.store import Store

# 24 hex digits = 96 bits: short enough to print, far beyond forging a matching prefix.
SHORT = 24
MIN_HASH = 16
_LINE = re.compile(r"^(?P<report>\S+)@(?P<version>\d+)\s+(?P<vhash>[0-9a-f]{16,64})\s+"
                   r"#(?P<seq>\d+)\s+(?P<ehash>[0-9a-f]{16,64})$")


@dataclass(frozen=True)
class AnchorEntry:
    """One report's heads; hashes may be shortened (a prefix of at least 16 hex digits)."""

    report: str
    version: int
    version_hash: str
    event_seq: int
    event_hash: str

    def line(self) -> str:
        return f"{self.report}@{self.version} {self.version_hash[:SHORT]} #{self.event_seq} {self.event_hash[:SHORT]}"


def anchors(store: Store, report_id: str | None = None) -> list[AnchorEntry]:
    """The current heads of one report, or of every report (sorted by id)."""
    return [AnchorEntry(*head) for head in store.heads(report_id)]


def anchor_text(entries: list[AnchorEntry]) -> str:
    return "\n".join(entry.line() for entry in entries)


def anchor_json(entries: list[AnchorEntry]) -> str:
    """Full hashes: machines do not mind the length."""
    return json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=2)


def read_anchor(path: Path) -> list[AnchorEntry]:
    """An anchor file in either format; anything else is refused in one line (exit 2)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"アンカーを読めません / cannot read anchor: {path}: {exc}") from None
    if content.lstrip().startswith("["):
        try:
            entries = [AnchorEntry(str(d["report"]), int(d["version"]), str(d["version_hash"]).lower(),
                                   int(d["event_seq"]), str(d["event_hash"]).lower())
                       for d in json.loads(content)]
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(f"アンカーの JSON が不正です / bad anchor JSON: {path}: {exc}") from None
        if any(len(e.version_hash) < MIN_HASH or len(e.event_hash) < MIN_HASH for e in entries):
            raise InputError(f"アンカーのハッシュが短すぎます / anchor hash too short: {path}")
        return entries
    entries = []
    for number, raw in enumerate(content.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise InputError(f"アンカーの {number} 行目が読めません / bad anchor line {number}: {line[:80]}")
        entries.append(AnchorEntry(match["report"], int(match["version"]), match["vhash"], int(match["seq"]),
                                   match["ehash"]))
    if not entries:
        raise InputError(f"アンカーが空です / empty anchor: {path}")
    return entries


def check_anchor(store: Store, entries: list[AnchorEntry]) -> str | None:
    """Each anchored version and event must still exist with the anchored hash.

    Returns the problem with the first report whose heads differ (None when all hold): a missing
    row means the history was cut short, a different hash that it was rebuilt.
    """
    for entry in entries:
        where = f"評価書 {entry.report} (アンカー {entry.line()})"
        exists, version_hash, event_hash = store.stored_hashes(entry.report, entry.version, entry.event_seq)
        if not exists:
            return f"{where}: 評価書がありません / anchored report deleted"
        if entry.version > 0:
            if version_hash is None:
                return f"{where}: 第{entry.version}版がありません (切り詰め) / anchored version truncated"
            if not version_hash.startswith(entry.version_hash):
                return (f"{where}: 第{entry.version}版のハッシュが違います (再計算) "
                        f"/ anchored version hash differs: chain recomputed")
        if entry.event_seq > 0:
            if event_hash is None:
                return f"{where}: 監査記録 #{entry.event_seq} がありません (切り詰め) / anchored event truncated"
            if not event_hash.startswith(entry.event_hash):
                return (f"{where}: 監査記録 #{entry.event_seq} のハッシュが違います (再計算) "
                        f"/ anchored event hash differs: chain recomputed")
    return None
