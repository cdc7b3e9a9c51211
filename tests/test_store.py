"""The versioned store on real SQLite files: migrations, commit, log, checkout, dedup, hash chain."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from conftest import BACKEND
from hyoka.errors import HyokaError, StoreError, UnknownReport, UnknownVersion
from hyoka.model import (
    NATIVE_READER,
    ChangeRow,
    Check,
    Checks,
    Choice,
    Count,
    Date,
    Item,
    ItemPath,
    Report,
    ReportMeta,
    Text,
    Value,
    canonical_json,
    meta_to_json,
    row_to_json,
    sha256_text,
    value_hash,
)
from hyoka.store import (
    CommitResult,
    Store,
    content_hash,
    init_db,
    make_engine,
    migrations_dir,
    resolve_url,
    version_hash,
)
from hyoka.store.migrate import HEAD_REVISION, head_revision
from hyoka.store.schema import metadata

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def item(path: str, value: Value, label: str | None = None, star: bool = False) -> Item:
    return Item(ItemPath.parse(path), label or path.rsplit("/", 1)[-1], star, value)


def sample_report() -> Report:
    """A small report touching every value kind, ※, multi-line text and an appendix."""
    return Report(
        meta=ReportMeta(
            number="123",
            title="住民基本台帳に関する事務",
            organisation="桜川市長",
            published="令和6年4月1日",
            form="重点",
            files=("住民基本台帳ファイル",),
        ),
        items=(
            item("I/1/①事務の名称", Text("住民基本台帳に関する事務")),
            item("I/1/②事務の内容", Text("住民の居住関係を公証する。\n転入・転出を記録する。"), star=True),
            item("II/3/①入手元", Checks((Check("本人", True), Check("地方公共団体", False)), other="郵送")),
            item("II/4/委託の有無", Count("委託する", 6, ("委託する", "委託しない"))),
            item("II/4/再委託", Count("再委託しない", None, ("再委託する", "再委託しない"))),
            item("II/5/提供の有無", Choice("提供を行っている", ("提供を行っている", "行っていない"))),
            item("IV/1/実施日", Date("令和6年4月1日")),
            item("IV/2/空欄", Text("")),
        ),
        appendix=(ChangeRow("令和6年4月1日", "II/4", "5件", "6件", "事前", "委託先の追加\n(1件)"),),
    )


@pytest.fixture
def url(db_url: str) -> str:
    init_db(db_url)
    return db_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = Store(url)
    yield opened
    opened.close()


def count_rows(store: Store, table: str) -> int:
    with store._engine.connect() as connection:
        return connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


# -- database location and migrations ------------------------------------------------------------


def test_resolve_url_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HYOKA_DB", raising=False)
    assert resolve_url(None) == "sqlite:///hyoka.db"
    monkeypatch.setenv("HYOKA_DB", "postgresql+psycopg://u@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("rel/b.db") == "sqlite:///rel/b.db"


def test_migrations_found_in_checkout_or_package() -> None:
    """An editable install reads the checkout's migrations; a wheel (make test's third run) its
    packaged copy, which must hold the same scripts."""
    import hyoka

    found = migrations_dir()
    if Path(hyoka.__file__).resolve().is_relative_to(REPO / "src"):
        assert found == REPO / "migrations"
    else:
        assert found == Path(hyoka.__file__).resolve().parent / "_migrations"
        scripts = sorted(p.relative_to(REPO / "migrations") for p in (REPO / "migrations").rglob("*.py"))
        assert scripts and all((found / p).read_bytes() == (REPO / "migrations" / p).read_bytes() for p in scripts)


def test_init_creates_tables_at_head_revision(url: str) -> None:
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"alembic_version", "reports", "blobs", "versions", "items", "names", "events"} <= tables
        assert "version_items" not in tables
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                HEAD_REVISION]
    finally:
        engine.dispose()


def test_the_head_constant_is_alembics_head() -> None:
    """Opening a store compares with HEAD_REVISION instead of reading the scripts: they must agree."""
    assert head_revision() == HEAD_REVISION


def test_opening_a_store_does_not_import_alembic(url: str) -> None:
    """Only creating or upgrading needs Alembic; opening compares with HEAD_REVISION (issue 13)."""
    code = ("import sys\nfrom hyoka.store import Store\nwith Store(sys.argv[1]) as s:\n    s.report_ids()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_init_is_repeatable(url: str) -> None:
    init_db(url)
    with Store(url) as store:
        assert store.report_ids() == []


def test_migration_matches_schema(url: str) -> None:
    """Autogenerate against the migrated database finds nothing: models and migration agree."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_sqlite_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hyoka.db'}"
    init_db(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000, "synchronous": 1}


def test_opening_missing_database_raises_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    with pytest.raises(StoreError, match=r"初期化されていません \(run `hyoka init`\)"):
        Store(str(db))
    assert not db.exists()


def test_opening_uninitialised_database_raises(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE unrelated (x INTEGER)")
    connection.close()
    with pytest.raises(StoreError) as caught:
        Store(f"sqlite:///{db}")
    assert str(caught.value) == f"データベースが初期化されていません (run `hyoka init`): sqlite:///{db}"


def test_opening_database_at_unknown_revision_raises(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this hyoka"):
        Store(url)


# -- commit, log, checkout -------------------------------------------------------------------------


def test_checkout_returns_the_committed_report(store: Store) -> None:
    report = sample_report()
    store.commit("sakuragawa", report, author="山田", message="初版", when=T0)
    back = store.checkout("sakuragawa", 1)
    assert back == report
    assert [str(i.path) for i in back.items] == [str(i.path) for i in report.items]
    assert back.items[1].star is True


@pytest.mark.parametrize(
    "value",
    [
        Text("一行目\n二行目\n"),
        Text(""),
        Choice("選択肢A", ("選択肢A", "選択肢B")),
        Choice("", ()),
        Count("委託する", 12, ("委託する", "委託しない")),
        Count("委託しない", None, ()),
        Checks((Check("紙", True), Check("電子記録媒体", False), Check("その他", True)), other="FAX"),
        Checks(()),
        Date("令和元年5月1日"),
        Date("2024-04-01"),
    ],
)
def test_every_value_kind_round_trips(store: Store, value: Value) -> None:
    report = Report(ReportMeta(form="全項目"), (item("I/1/値", value, star=True),))
    store.commit("kinds", report, author="a", message="")
    back = store.checkout("kinds")
    assert back == report
    assert type(back.items[0].value) is type(value)
    assert back.items[0].value == value


def test_log_numbers_parents_and_counts(store: Store) -> None:
    v1 = sample_report()
    items = list(v1.items)
    changed = [
        replace(items[0], value=Text("住民基本台帳事務")),  # value modified
        replace(items[1], star=False),  # ※ modified
        replace(items[2], label="入手元 (変更)"),  # label modified
        items[4],  # moved before items[3]: not a change
        items[3],
        # items[5] removed
        items[6],
        items[7],
        item("V/1/新項目", Text("新しい")),  # added
        item("V/2/新項目", Text("もう一つ")),  # added
    ]
    v2 = replace(v1, items=tuple(changed))
    first = store.commit("r", v1, author="山田", message="初版", when=T0)
    second = store.commit("r", v2, author="佐藤", message="改訂", when=T0 + timedelta(days=30))
    assert first.created and second.created
    log = store.log("r")
    assert [(v.number, v.parent_number) for v in log] == [(1, None), (2, 1)]
    assert [(v.item_count, v.added, v.removed, v.modified) for v in log] == [(8, 8, 0, 0), (9, 2, 1, 3)]
    assert [(v.author, v.message) for v in log] == [("山田", "初版"), ("佐藤", "改訂")]
    assert log[1] == second.version
    assert store.version("r") == log[1]
    assert store.version("r", 1) == log[0]
    assert store.checkout("r", 1) == v1
    assert store.checkout("r") == v2


def test_created_at_is_utc_aware_and_exact(store: Store) -> None:
    jst = timezone(timedelta(hours=9))
    when = datetime(2024, 4, 1, 18, 30, 15, 123456, tzinfo=jst)
    store.commit("r", sample_report(), author="a", message="", when=when)
    created = store.version("r").created_at
    assert created == when
    assert created.utcoffset() == timedelta(0)
    assert created.hour == 9


def test_naive_when_is_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.commit("r", sample_report(), author="a", message="", when=datetime(2024, 1, 1))
    assert store.report_ids() == []


def test_same_content_creates_no_version_and_no_blobs(store: Store) -> None:
    report = sample_report()
    first = store.commit("r", report, author="a", message="v1", when=T0)
    assert first.new_blobs == 9  # 8 distinct values + 1 appendix
    blobs, versions = count_rows(store, "blobs"), count_rows(store, "versions")
    again = store.commit("r", report, author="b", message="again", when=T0 + timedelta(days=1))
    assert again == CommitResult(version=first.version, created=False, new_blobs=0)
    assert (count_rows(store, "blobs"), count_rows(store, "versions")) == (blobs, versions)
    assert [v.number for v in store.log("r")] == [1]


def test_reverting_to_older_content_is_a_new_version(store: Store) -> None:
    """Only the head is compared: going back to v1's content is a real change."""
    v1 = sample_report()
    v2 = replace(v1, items=v1.items[:-1])
    store.commit("r", v1, author="a", message="", when=T0)
    store.commit("r", v2, author="a", message="", when=T0)
    third = store.commit("r", v1, author="a", message="", when=T0)
    assert (third.created, third.version.number, third.new_blobs) == (True, 3, 0)
    assert (third.version.added, third.version.removed) == (1, 0)


def test_identical_values_are_stored_once_across_reports(store: Store) -> None:
    shared = Text("特定個人情報の漏えいその他の事態を発生させるリスク")
    a = Report(ReportMeta(), (item("III/1", shared), item("III/2", Text("Aだけ"))))
    b = Report(ReportMeta(), (item("IV/9", shared, label="別の見出し"), item("IV/10", Text("Bだけ"))))
    first = store.commit("a", a, author="x", message="")
    second = store.commit("b", b, author="x", message="")
    assert first.new_blobs == 3  # shared, "Aだけ", empty appendix
    assert second.new_blobs == 1  # only "Bだけ"
    assert count_rows(store, "blobs") == 4
    with store._engine.connect() as connection:
        hits = connection.execute(
            text("SELECT COUNT(*) FROM blobs WHERE hash = :h"), {"h": value_hash(shared)}
        ).scalar_one()
    assert hits == 1
    assert store.checkout("b").items[0].value == shared
    assert store.report_ids() == ["a", "b"]


def test_many_values_cross_the_in_query_chunks(store: Store) -> None:
    items = tuple(item(f"X/{n}", Text(f"値{n}")) for n in range(1200))
    report = Report(ReportMeta(), items)
    assert store.commit("big", report, author="a", message="").new_blobs == 1201
    grown = replace(report, items=(*items, item("X/new", Text("値5"))))  # reuses an existing value
    result = store.commit("big", grown, author="a", message="")
    assert (result.created, result.new_blobs, result.version.added) == (True, 0, 1)
    assert store.checkout("big", 2) == grown


def test_failed_commit_writes_nothing(store: Store) -> None:
    """One commit, one transaction: a failure after blobs were inserted leaves no trace.

    The driver's error surfaces as it is: sqlite3's on a SQLite file (written without SQLAlchemy,
    see hyoka.store.sql), SQLAlchemy's elsewhere."""
    with pytest.raises((IntegrityError, sqlite3.IntegrityError)):
        store.commit("r", sample_report(), author=None, message="")  # type: ignore[arg-type]
    assert [count_rows(store, t) for t in ("reports", "blobs", "versions", "items", "names")] == [0, 0, 0, 0, 0]


def test_bad_report_ids_are_rejected(store: Store) -> None:
    for bad in ("", "a b", "r@2", "x" * 201, "tab\there"):
        with pytest.raises(HyokaError, match="bad report id"):
            store.commit(bad, sample_report(), author="a", message="")
    assert store.report_ids() == []


# -- hashes --------------------------------------------------------------------------------------


def test_version_hash_is_recomputable(store: Store) -> None:
    report = sample_report()
    info = store.commit("r", report, author="a", message="m", when=T0).version
    expected = version_hash(
        parent=None,
        report_id="r",
        number=1,
        created_at=T0,
        author="a",
        message="m",
        meta=meta_to_json(report.meta),
        appendix_hash=sha256_text(canonical_json([row_to_json(r) for r in report.appendix])),
        items=[(str(i.path), i.label, i.star, value_hash(i.value)) for i in report.items],
        reader=NATIVE_READER,  # recorded since migration 0003 (a report built in code: verbatim paths)
    )
    assert info.hash == expected
    assert len(info.hash) == 64


def _history(tmp_path: Path, name: str, first: Report, second: Report) -> list[str]:
    url = f"sqlite:///{tmp_path / name}"
    init_db(url)
    with Store(url) as store:
        store.commit("r", first, author="a", message="1", when=T0)
        store.commit("r", second, author="a", message="2", when=T0 + timedelta(hours=1))
        return [v.hash for v in store.log("r")]


def test_hash_chain_covers_the_parent(tmp_path: Path) -> None:
    base = sample_report()
    other_v1 = replace(base, meta=replace(base.meta, title="別の題名"))
    v2 = replace(base, items=base.items[:3])
    same = _history(tmp_path, "one.db", base, v2)
    again = _history(tmp_path, "two.db", base, v2)
    forked = _history(tmp_path, "three.db", other_v1, v2)
    assert same == again  # deterministic across databases
    assert forked[0] != same[0]
    assert forked[1] != same[1]  # identical v2 content, different parent: different hash


def test_content_hash_ignores_history_but_not_content() -> None:
    report = sample_report()
    assert content_hash(report) == content_hash(sample_report())
    assert content_hash(report) != content_hash(replace(report, appendix=()))
    assert content_hash(report) != content_hash(replace(report, items=report.items[::-1]))
    relabelled = replace(report, items=(replace(report.items[0], label="別名"), *report.items[1:]))
    assert content_hash(report) != content_hash(relabelled)


# -- errors --------------------------------------------------------------------------------------


def test_unknown_report(store: Store) -> None:
    message = "評価書 'nope' は登録されていません / unknown report: nope"
    for call in (store.log, store.version, store.checkout):
        with pytest.raises(UnknownReport) as caught:
            call("nope")
        assert str(caught.value) == message


def test_unknown_version_names_the_range(store: Store) -> None:
    report = sample_report()
    store.commit("r", report, author="a", message="")
    store.commit("r", replace(report, items=report.items[:2]), author="a", message="")
    for number in (0, 3):
        with pytest.raises(UnknownVersion, match=rf"r@{number} \(available: 1–2\)"):
            store.checkout("r", number)
        with pytest.raises(UnknownVersion, match=r"1–2"):
            store.version("r", number)


# -- concurrency ---------------------------------------------------------------------------------



def _in_threads(work: Callable[[str], None], names: tuple[str, ...]) -> None:
    """``work(name)`` for each name, each in its own thread, all started before any is joined."""
    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

def test_threads_sharing_one_store_each_get_their_own_transaction(store: Store) -> None:
    """A Store is shared by threads as an engine was: each thread writes on its own connection,
    so commits of two reports from two threads never meet inside one transaction."""
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(8):
                store.commit(name, Report(ReportMeta(), (item("I/1", Text(f"{name}{n}")),)), author=name,
                             message=str(n))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    _in_threads(writer, ("a", "b"))
    assert errors == []
    assert [[v.number for v in store.log(name)] for name in ("a", "b")] == [list(range(1, 9))] * 2


def test_a_commit_equal_to_an_earlier_version_is_noted(store: Store) -> None:
    """The note names the earlier version with the same content; a commit bringing a value the
    database lacks is compared with no earlier version (it cannot equal one) and gets no note."""
    from hyoka.audit.record import commit_report
    from hyoka.classify.policy import load_policy

    rules = load_policy(None)
    first, second = sample_report(), replace(sample_report(), items=sample_report().items[:4])
    notes: list[str] = []
    for report in (first, second, first):
        commit_report(store, "r", report, author="a", message="", policy=rules, warn=notes.append)
    assert len(notes) == 1 and "r@3" in notes[0] and "r@1" in notes[0]
    fresh = replace(first, items=(*first.items[:-1], item("III/1", Text("新しい値"))))
    result = commit_report(store, "r", fresh, author="a", message="", policy=rules, warn=notes.append)
    assert result.new_blobs > 0 and len(notes) == 1


def test_concurrent_writers_keep_a_linear_history(url: str) -> None:
    """Two processes' worth of writers on one SQLite file: no lost or forked versions."""
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with Store(url) as mine:
                for n in range(10):
                    report = Report(ReportMeta(), (item("I/1", Text(f"{name}{n}")),))
                    mine.commit("shared", report, author=name, message=str(n))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    _in_threads(writer, ("a", "b"))
    assert errors == []
    with Store(url) as store:
        log = store.log("shared")
        assert [v.number for v in log] == list(range(1, 21))
        assert [v.parent_number for v in log] == [None, *range(1, 20)]
        engine = store._engine
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(text("versions"))) == 20


# -- PostgreSQL (only when a server is given) ---------------------------------------------------


@pytest.mark.skipif(BACKEND != "postgresql", reason="the PostgreSQL run of the suite (HYOKA_TEST_BACKEND=postgresql)")
def test_postgresql_round_trip(db_url: str) -> None:
    """The same migrations and commits on PostgreSQL; the database's tables are dropped first."""
    url = db_url
    engine = make_engine(url)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    with pytest.raises(StoreError, match="run `hyoka init`"):
        Store(url)
    init_db(url)
    with Store(url) as store:
        report = sample_report()
        first = store.commit("r", report, author="a", message="", when=T0)
        assert store.commit("r", report, author="a", message="").created is False
        second = store.commit("r", replace(report, items=report.items[:3]), author="a", message="")
        assert (second.version.number, second.version.removed) == (2, 5)
        assert store.checkout("r", 1) == report
        assert store.version("r", 1) == first.version
        assert store.version("r", 1).created_at == T0
