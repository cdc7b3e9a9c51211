"""The versioned snapshot store: SQLAlchemy tables, Alembic migrations, commit / log / checkout.

Import from here; the submodules are an implementation detail.
"""

from __future__ import annotations

from hyoka.store.migrate import init_db, make_engine, migrations_dir, resolve_url
from hyoka.store.repository import CommitResult, Store, VersionInfo, content_hash, version_hash

__all__ = [
    "CommitResult",
    "Store",
    "VersionInfo",
    "content_hash",
    "init_db",
    "make_engine",
    "migrations_dir",
    "resolve_url",
    "version_hash",
]
