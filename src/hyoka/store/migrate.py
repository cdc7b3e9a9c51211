"""Where the database is, how to connect to it, and how to bring it to the current schema.

`hyoka init` is `alembic upgrade head` run from code: the migrations ship
inside the wheel (hyoka/_migrations) or sit at the top of a source checkout,
and the URL is handed over in the Alembic config, so neither an alembic.ini
nor a particular working directory is needed.

Opening a store only compares the stored revision with :data:`HEAD_REVISION`; Alembic is
imported when a database is created or upgraded, or found at another revision.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hyoka
from hyoka.errors import StoreError
from hyoka.store.sql import SQLITE_PRAGMAS

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

ENV_VAR = "HYOKA_DB"
DEFAULT_URL = "sqlite:///hyoka.db"
VERSION_TABLE = "alembic_version"
# The newest migration (migrations/versions); a test checks it against Alembic's own reading.
HEAD_REVISION = "0004"

# Execution option naming a transaction that will write: on SQLite it starts
# with BEGIN IMMEDIATE, so two writers queue on busy_timeout instead of one
# failing when it upgrades its read lock.
WRITE_OPTION = "hyoka_write"



def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit, else $HYOKA_DB, else ./hyoka.db.

    A value without "://" is taken as a SQLite file path, so `--db work/h.db`
    works without knowing SQLAlchemy's URL syntax.
    """
    chosen = (url or "").strip() or os.environ.get(ENV_VAR, "").strip() or DEFAULT_URL
    if "://" in chosen:
        return chosen
    return f"sqlite:///{Path(chosen).expanduser()}"


def display_url(url: str) -> str:
    """The URL as safe to print: passwords masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL, read without SQLAlchemy; None for anything else
    (memory, URI or query options, escapes, other backends), which goes through SQLAlchemy."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            database = url[len(prefix):]
            if database and database != ":memory:" and not database.startswith("file:") \
                    and not any(ch in database for ch in "?%#"):
                return Path(database)
    return None


def _sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL points at, or None for memory / URI databases and other backends."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(database)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins
    # (see _on_sqlite_begin); otherwise reads run outside any transaction.
    dbapi_connection.isolation_level = None


def _on_sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite with WAL, foreign keys, a busy timeout and real transactions."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"データベースURLが不正です / bad database URL: {display_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        if engine.dialect.driver == "pysqlite":
            event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def migrations_dir() -> Path:
    """The Alembic script folder: inside the installed package, else at the top of the checkout."""
    packaged = Path(hyoka.__file__).resolve().parent / "_migrations"
    # src/hyoka/store/migrate.py -> parents: store, hyoka, src, <repo>
    checkout = Path(__file__).resolve().parents[3] / "migrations"
    for candidate in (packaged, checkout):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError(f"マイグレーションが見つかりません / migrations not found in {packaged} or {checkout}")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for `url` that needs no alembic.ini; env.py reads attributes["url"]."""
    from alembic.config import Config

    resolved = resolve_url(url)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolates "%": escape it so URL-encoded passwords survive.
    config.set_main_option("sqlalchemy.url", resolved.replace("%", "%%"))
    config.attributes["url"] = resolved
    return config


def head_revision() -> str:
    """The newest migration as Alembic reads the scripts (tests compare it with HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(DEFAULT_URL))
    head = script.get_current_head()
    if head is None:
        raise StoreError("マイグレーションがありません / no migrations found")
    return head


def _stored_revisions(path: Path) -> set[str]:
    """The revisions recorded in a SQLite file (empty if it has none)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute(f"SELECT version_num FROM {VERSION_TABLE}")}
    except sqlite3.DatabaseError:
        return set()
    finally:
        connection.close()


def backup_before_upgrade(path: Path) -> Path | None:
    """Copy a SQLite file that an upgrade is about to change to ``<file>.bak-<revision>``.

    Uses SQLite's backup API, so the copy includes what the WAL holds. None when there is
    nothing to upgrade (a new file, or one already at the head)."""
    if not path.is_file():
        return None
    revisions = _stored_revisions(path)
    if not revisions or revisions == {HEAD_REVISION}:
        return None
    target = path.with_name(f"{path.name}.bak-{'-'.join(sorted(revisions))}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.name}.bak-{'-'.join(sorted(revisions))}.{serial}")
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def init_db(url: str | None = None, notify: Callable[[str], None] = _say) -> None:
    """Create or upgrade the database to the newest schema (`alembic upgrade head`).

    Safe to run again: an up-to-date database is left as it is. A SQLite file at an older
    revision is first copied aside (:func:`backup_before_upgrade`) and ``notify`` says where.
    """
    from alembic import command
    from sqlalchemy.exc import OperationalError

    resolved = resolve_url(url)
    path = _sqlite_file(resolved)
    if path is not None and not path.parent.is_dir():
        raise StoreError(f"フォルダがありません / directory does not exist: {path.parent}")
    if path is not None:
        saved = backup_before_upgrade(path)
        if saved is not None:
            notify(f"更新前のデータベースを {saved} に保存しました")
    try:
        command.upgrade(alembic_config(resolved), "head")
    except OperationalError as exc:
        first = str(exc.orig if exc.orig is not None else exc).splitlines()[0]
        raise StoreError(
            f"データベースを初期化できません / cannot initialise database: {display_url(resolved)}: {first}"
        ) from exc


def check_initialised(engine: Engine, url: str) -> None:
    """Raise StoreError unless the database is at the head revision.

    Called when a store is opened, so a missing `hyoka init` is reported as
    such rather than as a "no such table" error halfway through a command.
    """
    from sqlalchemy import column, inspect, select, table
    from sqlalchemy.exc import OperationalError

    shown = display_url(url)
    not_initialised = f"データベースが初期化されていません (run `hyoka init`): {shown}"
    path = _sqlite_file(url)
    if path is not None and not path.is_file():
        raise StoreError(not_initialised)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                raise StoreError(not_initialised)
            version_num = column("version_num")
            query = select(version_num).select_from(table(VERSION_TABLE, version_num))
            revisions = set(connection.scalars(query))
    except OperationalError as exc:
        first = str(exc.orig if exc.orig is not None else exc).splitlines()[0]
        raise StoreError(f"データベースに接続できません / cannot open database: {shown}: {first}") from exc
    if not revisions:
        raise StoreError(not_initialised)
    if revisions == {HEAD_REVISION}:
        return
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    known = {rev.revision for rev in script.walk_revisions()}
    if revisions <= known:
        raise StoreError(f"データベースのスキーマが古いです (run `hyoka init`): {shown}")
    raise StoreError(
        f"データベースはより新しい hyoka で作られています / database schema is newer than this hyoka: {shown}"
    )
