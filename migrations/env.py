"""Alembic environment for hyoka's store.

The URL comes, in order, from config.attributes["url"] (hyoka.store.init_db),
`-x db=...`, sqlalchemy.url in alembic.ini, then $HYOKA_DB / ./hyoka.db, so this
file works from code, from the `alembic` command, and from any directory.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from hyoka.store.migrate import make_engine, resolve_url
from hyoka.store.schema import metadata

config = context.config
target_metadata = metadata

if config.config_file_name is not None and config.get_section("loggers") is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    explicit = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("db")
    return resolve_url(explicit or config.get_main_option("sqlalchemy.url") or None)


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`alembic upgrade head --sql`) instead of touching a database."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database at the URL, with the same engine settings the store uses."""
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Rebuilding a referenced table (batch mode) needs foreign keys off, which SQLite
                # only accepts outside a transaction; they are checked as a whole afterwards.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"foreign key broken by the migration: {tuple(broken)}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
