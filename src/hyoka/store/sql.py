"""One write transaction in plain SQL, on SQLite's own driver or through SQLAlchemy.

Why: importing SQLAlchemy costs about 200 ms, over ten times a whole `git commit` (issue 13),
while a commit to a SQLite file needs a dozen statements. The commit path (:meth:`Store.commit`,
items, events, the adopted policy) is therefore written as SQL text with ``:name`` parameters —
a spelling both the ``sqlite3`` module and SQLAlchemy's ``text()`` accept — and run by
:class:`SqliteTx` on a SQLite file, or by :class:`AlchemyTx` in a SQLAlchemy session on every
other database (PostgreSQL), so both backends run the very same statements.

Values are stored as SQLAlchemy stores them, so rows written here and rows written through the
ORM read back alike: on SQLite a time is naive UTC text with microseconds, a boolean 0 or 1.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Params = Mapping[str, object]

# As hyoka.store.migrate.SQLITE_PRAGMAS (kept here so that opening a file imports no SQLAlchemy).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime storage format on SQLite

# The layout's sizes and names the SQL here and the tables (hyoka.store.schema) share.
HASH_LENGTH = 64
REPORT_ID_LENGTH = 200
APPENDIX_KIND = "appendix"


class Tx(Protocol):
    """What the commit path asks of a transaction."""

    dialect: str

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        ...

    def run(self, sql: str, params: Params | Sequence[Params] | None = None) -> None:
        """A statement, once or (a sequence of parameter sets) once per set, as one executemany."""
        ...

    def time(self, value: object) -> datetime:
        """A stored time as an aware UTC datetime."""
        ...


def in_list(name: str, values: Sequence[object]) -> tuple[str, dict[str, object]]:
    """``(:name0, :name1, …)`` and its parameters, for an IN over ``values``."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    return "(" + ", ".join(f":{key}" for key in params) + ")", params


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given where UTC is required: {value!r}")
        return value.astimezone(UTC).strftime(SQLITE_TIME)
    return value


def _sqlite_params(params: Params) -> dict[str, object]:
    return {key: _sqlite_value(value) for key, value in params.items()}


def _sqlite_time(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqliteTx:
    """A transaction on a ``sqlite3`` connection (autocommit mode; BEGIN is issued by :func:`sqlite_tx`)."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql, _sqlite_params(params or {})).fetchall()

    def run(self, sql: str, params: Params | Sequence[Params] | None = None) -> None:
        if isinstance(params, Sequence):
            self._connection.executemany(sql, [_sqlite_params(p) for p in params])
        else:
            self._connection.execute(sql, _sqlite_params(params or {}))

    def time(self, value: object) -> datetime:
        return _sqlite_time(value)


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """A connection to an existing SQLite file set up as the SQLAlchemy engine sets up its own
    (WAL, foreign keys, busy timeout, synchronous=NORMAL), with transactions begun explicitly."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def sqlite_tx(connection: sqlite3.Connection, write: bool) -> Iterator[SqliteTx]:
    """One transaction: BEGIN IMMEDIATE for a writer (writers queue on the busy timeout instead of
    failing when they upgrade a read lock), committed at the end, rolled back on any exception."""
    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield SqliteTx(connection)
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def unique_taken(exc: BaseException) -> bool:
    """Whether ``exc`` is a driver's or SQLAlchemy's IntegrityError (a unique key taken by another
    writer), tested without importing SQLAlchemy."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.IntegrityError)


class AlchemyTx:
    """A transaction in a SQLAlchemy session: the same statements, through ``text()``."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.dialect = session.get_bind().dialect.name
        self._adapt = _sqlite_params if self.dialect == "sqlite" else dict

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(row) for row in self._session.execute(text(sql), self._adapt(params or {}))]

    def run(self, sql: str, params: Params | Sequence[Params] | None = None) -> None:
        from sqlalchemy import text

        if isinstance(params, Sequence):
            if params:
                self._session.execute(text(sql), [self._adapt(p) for p in params])
        else:
            self._session.execute(text(sql), self._adapt(params or {}))

    def time(self, value: object) -> datetime:
        return _sqlite_time(value)
