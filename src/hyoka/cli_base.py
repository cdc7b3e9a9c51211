"""What every `hyoka` command shares: the app, its options, the one-line error contract,
opening the store and choosing the policy. The commands live in cli.py (versions, diffs,
tables, audit) and cli_policy.py (calibrate, policy use).

Every user-caused error is a HyokaError; it is printed as one line on stderr
with exit code 2, and nothing is written (the store commits in one transaction).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from hyoka.cli_ja import JapaneseTyper
from hyoka.errors import HyokaError, InputError

P = ParamSpec("P")


R = TypeVar("R")


# Japanese help pages and usage/type errors (see hyoka.cli_ja): plain text, no Rich markup.
def new_app(help_text: str) -> JapaneseTyper:
    """A command group as hyoka's are: no completion, no pretty tracebacks, -h for help."""
    return JapaneseTyper(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = new_app("hyoka: 特定個人情報保護評価書の版管理と変更箇所 (versioned privacy impact assessments).")


def _version(value: bool) -> None:
    """--version: print "hyoka <version>" (from the installed package's metadata) and stop."""
    if value:
        from importlib.metadata import version

        typer.echo(f"hyoka {version('hyoka')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="版を表示して終了する")
    ] = False,
) -> None:
    """hyoka: 特定個人情報保護評価書の版管理と変更箇所 (versioned privacy impact assessments)."""


DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="HYOKA_DB", help="データベースURL (既定: ./hyoka.db の SQLite)"),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def fail(message: str) -> None:
    """Print a one-line error and exit 2, the project's contract for bad input."""
    typer.echo(f"エラー: {message}".replace("\n", " "), err=True)
    raise typer.Exit(2)


# Modules SQLAlchemy imports for a database URL's dialect; missing one is the user's setup.
_DB_DRIVERS = frozenset({"psycopg", "psycopg2", "asyncpg", "pg8000", "MySQLdb", "pymysql", "cx_Oracle", "oracledb",
                         "pyodbc", "pymssql"})


def _database_error(exc: BaseException) -> bool:
    """SQLAlchemy's DatabaseError or ArgumentError, or sqlite3's DatabaseError (a commit to a SQLite
    file runs on the sqlite3 module, see hyoka.store.sql), tested without importing either.

    Such an error can only come from a command that imported the module itself, so the stateless
    commands (diff of two files, parse, check, classify-row) never pay for importing it (issue 13).
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DatabaseError | sa_exc.ArgumentError):
        return True
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Map the project's own errors, and database connection errors, to exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except HyokaError as exc:
            fail(str(exc))
        except ModuleNotFoundError as exc:
            if exc.name not in _DB_DRIVERS:
                raise
            fail(f"データベースのドライバ {exc.name} がありません (PostgreSQL: pip install 'hyoka[postgres]') / "
                 f"database driver missing")
        except Exception as exc:
            if not _database_error(exc):
                raise
            # Not a database file, unreachable server, unknown dialect: the first line says which.
            fail(f"データベースを開けません / cannot open database: {str(exc).splitlines()[0]}")
        raise AssertionError("unreachable")

    return wrapper


def parse_ref(ref: str) -> tuple[str, int | None]:
    """"sakuragawa@2" → ("sakuragawa", 2); no "@" means the newest version."""
    report_id, sep, number = ref.rpartition("@")
    if not sep:
        return ref, None
    if not number.isdigit() or not report_id:
        raise InputError(f"版の指定が不正です (例: 評価書ID@2) / bad version reference: {ref}")
    return report_id, int(number)


def _store(db: str | None):
    from hyoka.store import Store

    return Store(db)


def _require_by(name: str, option: str) -> None:
    """Every write names who did it: an empty or blank author is refused in one line."""
    from hyoka.audit.record import require_author

    require_author(name, option)


PolicyOption = Annotated[
    Path | None, typer.Option("--policy", "-p", help="組織のポリシー (TOML)。省略時は既定")
]
# Commands on a stored report (commit, revert, tables, a diff of its versions) fall back to the
# policy the report adopted (see _adopted_unless_given).
ReportPolicyOption = Annotated[
    Path | None, typer.Option("--policy", "-p", help="分類に使うポリシー (TOML)。省略時は評価書が"
                                                    "採用したもの (policy use)、なければ既定")
]


OutOption = Annotated[Path | None, typer.Option("--output", "-o", help="出力ファイル (省略時: 標準出力)")]


ByOption = Annotated[str, typer.Option("--by", envvar="USER", help="実行者 (必須。監査記録に残る。既定: $USER)")]


def _load_policy(path: Path | None):
    from hyoka.classify.policy import load_policy

    return load_policy(path)


def is_stored_ref(ref: str) -> bool:
    """Whether a diff side names a stored version ("id@n") rather than a file on disk."""
    return "@" in ref and not Path(ref).exists()


def _one_stored_report(old: str, new: str) -> str | None:
    """The report id when both sides of a diff are versions of one stored report (not files)."""
    if not (is_stored_ref(old) and is_stored_ref(new)):
        return None
    old_id, new_id = parse_ref(old)[0], parse_ref(new)[0]
    return old_id if old_id == new_id else None


def _adopted_unless_given(path: Path | None, rules, store, report_id: str):  # type: ignore[no-untyped-def]
    """The policy of a commit, a table or a diff of one report's versions: --policy if given,
    else the one the report adopted, else the default."""
    if path is not None:
        return rules
    from hyoka.classify.adopt import report_policy

    return report_policy(store, report_id) or rules
