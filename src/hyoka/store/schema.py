"""The tables of the store, declared once for the repository and for Alembic.

The layout follows git: values and appendices are content-addressed blobs
(compressed, see :mod:`hyoka.store.blobs`) shared by every version of every
report, and each version's hash covers its parent's, so history cannot be
rewritten unnoticed. Which items a version holds is stored as validity ranges
(as SQLAlchemy-Continuum does): one ``items`` row per (path, label, ※, value,
place) valid from version ``since`` up to, not including, version ``until``
(NULL: still valid), so a version costs the rows it changed, not its whole item
list. Paths and labels are interned in ``names``. The order of items is a
sortable ``position`` with room between neighbours, kept apart from membership:
an item inserted between two others takes a position between theirs and no
later item is stored again.

Only portable column types are used: the same tables run on SQLite (the
default) and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Shared with the plain SQL of a commit (hyoka.store.sql); APPENDIX_KIND is re-exported for audit.
from hyoka.store.sql import APPENDIX_KIND as APPENDIX_KIND
from hyoka.store.sql import HASH_LENGTH, REPORT_ID_LENGTH

# Named constraints let Alembic's batch mode (SQLite) find and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    SQLite has no time zones and hands back naive values; version hashes are
    computed from the ISO string, so the value read back must equal the one
    written, offset included.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given where UTC is required: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ReportRecord(Base):
    """A report id the user chose; created by its first commit."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(REPORT_ID_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class Blob(Base):
    """One canonical JSON document, stored once however many versions use it.

    ``hash`` is the SHA-256 of the document's text; ``body`` is that text in UTF-8,
    zlib-compressed when that is shorter (:func:`hyoka.store.blobs.encode_body`)."""

    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class NameRecord(Base):
    """An item path or label, stored once and referred to by number from ``items``."""

    __tablename__ = "names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text, nullable=False, unique=True)


class VersionRecord(Base):
    """One committed version of a report.

    added / removed / modified are the item counts against the parent, kept
    here so `log` never has to re-read and compare whole item lists.
    """

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    author: Mapped[str] = mapped_column(Text, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    meta_json: Mapped[str] = mapped_column(Text, nullable=False)
    appendix_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"), nullable=False)
    item_count: Mapped[int] = mapped_column(Integer, nullable=False)
    added: Mapped[int] = mapped_column(Integer, nullable=False)
    removed: Mapped[int] = mapped_column(Integer, nullable=False)
    modified: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False, unique=True)
    # The reader that built the item paths (migration 0003); NULL on versions stored before it.
    reader: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ItemRecord(Base):
    """One item as versions ``since`` … ``until - 1`` of a report hold it; the value lives in `blobs`.

    The tree as of version N is the rows with since <= N < until (or until NULL),
    in ``position`` order; the changes of revision N are the rows with since = N
    (new) or until = N (gone). An unchanged item is one row however many versions
    hold it."""

    __tablename__ = "items"
    __table_args__ = (Index(None, "report_id", "since"), Index(None, "report_id", "until"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), nullable=False)
    path_id: Mapped[int] = mapped_column(ForeignKey("names.id"), nullable=False)
    label_id: Mapped[int] = mapped_column(ForeignKey("names.id"), nullable=False)
    star: Mapped[bool] = mapped_column(Boolean, nullable=False)
    value_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"), nullable=False)
    position: Mapped[int] = mapped_column(BigInteger, nullable=False)
    since: Mapped[int] = mapped_column(Integer, nullable=False)
    until: Mapped[int | None] = mapped_column(Integer, nullable=True)


metadata = Base.metadata


class EventRecord(Base):
    """One entry of a report's append-only audit trail.

    Commits, classifications (one row per classified change), overrides and
    generated tables are events. Each stores the hash of the report's previous
    event and its own hash over its content, so editing, deleting or reordering
    rows breaks the chain that `hyoka verify` recomputes. The columns that
    queries filter on are promoted out of the JSON payload and indexed.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("report_id", "seq"),
        Index(None, "report_id", "kind", "at"),
        Index(None, "path"),
        Index(None, "actor", "kind"),
        Index(None, "at", "report_id", "seq"),
        Index(None, "report_id", "version", "change_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    change_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    important: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    timing: Mapped[str | None] = mapped_column(String(8), nullable=True)
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rule: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False, unique=True)
