"""`hyoka verify`: the store's integrity walk, and the anchor kept outside the database.

The walk over tables, hashes and chains is the store's own (:mod:`hyoka.store.integrity`,
through :meth:`~hyoka.store.reads.StoreReads.check_integrity`): it reads the schema, which
nothing outside ``store/`` does. What verify adds is the anchor (:mod:`hyoka.audit.anchor`),
which also detects truncation of the newest rows and a chain recomputed wholesale.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hyoka.store import Store

if TYPE_CHECKING:
    from hyoka.store.integrity import IntegrityResult


def verify(store: Store, progress: Callable[[str], None] | None = None,
           anchor: Path | None = None) -> IntegrityResult:
    """Every report's versions and events, and every blob; stops at the first problem.

    ``anchor`` is a file written by ``hyoka anchor``: the heads it records must still be
    there, with the same hashes (checked last, in the same read transaction)."""
    from hyoka.audit.anchor import check_anchor, read_anchor

    entries = None if anchor is None else read_anchor(anchor)  # a bad anchor file fails before the walk
    after = None if entries is None else (lambda: check_anchor(store, entries))
    return store.check_integrity(progress, after)
