"""The audit trail: events of commits and classifications, overrides, queries, deadlines, verify."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from conftest import run_sql
from hyoka.audit.record import commit_report
from hyoka.classify.policy import Policy
from hyoka.cli import app
from hyoka.errors import StoreError
from hyoka.ingest import read_report
from hyoka.store import Store, make_engine
from hyoka.store.migrate import alembic_config

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(db_url: str) -> str:
    url = db_url
    assert run("init", "--db", url)[0] == 0
    for n, author in ((1, "山田"), (2, "山田"), (3, "佐藤"), (4, "佐藤")):
        code, _, err = run("commit", str(SAMPLES / f"v{n}.txt"), "--report", "sakuragawa", "--author", author,
                           "-m", f"第{n}版", "--db", url)
        assert code == 0, err
    return url


def sql(db: str, statement: str) -> list[tuple]:
    return run_sql(db, statement)


def test_commits_record_their_classified_changes(db: str) -> None:
    kinds = sql(db, "SELECT kind, version, count(*) FROM events GROUP BY kind, version ORDER BY version, kind")
    assert ("commit", 1, 1) in kinds and ("classify", 1, 1) not in kinds  # nothing to classify in v1
    assert ("change", 3, 5) in kinds and ("classify", 3, 1) in kinds
    seqs = [s for (s,) in sql(db, "SELECT seq FROM events WHERE report_id='sakuragawa' ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    code, out, _ = run("verify", "--db", db)
    assert code == 0 and "監査記録" in out


def test_override_keeps_the_machine_decision_and_flows_into_tables(db: str) -> None:
    code, out, _ = run("review", "sakuragawa@3", "--db", db)
    assert code == 0 and "[5] II/6/保管場所 (変更)" in out
    code, out, err = run("review", "sakuragawa@3", "--change", "1", "--timing", "事前", "--reason", "新システム追加",
                         "--by", "佐藤", "--db", db)
    assert code == 0, err
    machine = sql(db, "SELECT timing, rule FROM events WHERE kind='change' AND version=3 AND change_index=1")
    assert machine == [("事後", "non_star")]  # the machine's event is untouched
    code, out, _ = run("review", "sakuragawa@3", "--format", "json", "--db", db)
    first = json.loads(out)["changes"][0]
    assert first["overridden"] and first["effective"]["timing"] == "事前" and first["machine"]["timing"] == "事後"
    code, out, _ = run("appendix", "sakuragawa", "--from", "2", "--to", "3", "-f", "csv", "--db", db)
    row = next(csv.reader(io.StringIO(out.lstrip("\ufeff").splitlines()[1])))
    assert row[4:] == ["事前", "新システム追加"]
    # A later override wins; the earlier one stays in the trail.
    run("review", "sakuragawa@3", "--change", "1", "--timing", "事後", "--reason", "見直し", "--by", "鈴木", "--db", db)
    code, out, _ = run("audit", "--event", "override", "--format", "json", "--db", db)
    assert [(r["by"], r["timing"]) for r in json.loads(out)] == [("佐藤", "事前"), ("鈴木", "事後")]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--change", "9", "--timing", "事前", "--reason", "x", "--by", "a"], "変更 9"),
        (["--change", "1", "--timing", "いつか", "--reason", "x", "--by", "a"], "事前 か 事後"),
        (["--change", "1", "--timing", "事前", "--by", "a"], "--reason"),
        (["--change", "1", "--important", "maybe", "--reason", "x", "--by", "a"], "yes か no"),
    ],
)
def test_bad_overrides_are_refused(db: str, args: list[str], needle: str) -> None:
    before = sql(db, "SELECT count(*) FROM events")
    code, _, err = run("review", "sakuragawa@3", *args, "--db", db)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert sql(db, "SELECT count(*) FROM events") == before


def test_audit_filters(db: str) -> None:
    code, out, _ = run("audit", "--report", "sakuragawa", "--item", "II/6/*", "--important", "yes", "--format",
                       "json", "--db", db)
    rows = json.loads(out)
    assert [(r["path"], r["version"], r["timing"]) for r in rows] == [("II/6/保管場所", 3, "事前")]
    code, out, _ = run("audit", "--by", "佐藤", "--event", "commit", "--format", "csv", "--db", db)
    lines = out.lstrip("\ufeff").splitlines()
    assert len(lines) == 3 and all(",佐藤," in line for line in lines[1:])
    code, out, _ = run("audit", "--rule", "org_rename", "--db", db)
    assert out.count("組織改編による") == 4
    code, out, _ = run("audit", "--since", "2999-01-01", "--db", db)
    assert "該当する記録はありません" in out
    code, out, _ = run("audit", "--item", "II/*", "--timing", "事前", "--format", "json", "--db", db)
    assert {r["path"] for r in json.loads(out)} == {"II/3/③使用目的", "II/6/保管場所"}
    code, _, err = run("audit", "--event", "nonsense", "--db", db)
    assert code == 2 and "nonsense" in err


def test_generated_tables_are_recorded_with_their_hash(db: str, tmp_path: Path) -> None:
    target = tmp_path / "変更箇所.html"
    code, _, err = run("appendix", "sakuragawa", "--to", "4", "-o", str(target), "--by", "田中", "--db", db)
    assert code == 0, err
    (payload,) = [json.loads(p) for (p,) in sql(db, "SELECT payload FROM events WHERE kind='generate'")]
    assert payload["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert (payload["format"], payload["rows"]) == ("html", 15)
    assert sql(db, "SELECT actor FROM events WHERE kind='generate'") == [("田中",)]


def test_publication_is_an_event(db: str) -> None:
    code, out, err = run("publish", "sakuragawa@4", "--date", "令和7年10月1日", "--by", "佐藤", "--db", db)
    assert code == 0, err
    code, out, _ = run("audit", "--event", "publish", "--format", "json", "--db", db)
    (row,) = json.loads(out)
    assert (row["version"], row["by"], row["summary"]) == (4, "佐藤", "公表日 令和7年10月1日")
    assert run("publish", "sakuragawa@9", "--date", "令和7年10月1日", "--by", "佐藤", "--db", db)[0] == 2
    assert run("verify", "--db", db)[0] == 0


def test_due_dates_follow_the_publication_dates(db: str) -> None:
    code, out, _ = run("due", "--as-of", "2026-11-22", "--format", "json", "--db", db)
    assert code == 0
    (report,) = json.loads(out)["reports"]
    # v4 公表日 令和7年10月1日 → review by 2026-10-01; v3 (重要な変更) 令和7年4月1日 → re-assess by 2030-04-01.
    assert (report["review_due"], report["assessment_due"]) == ("2026-10-01", "2030-04-01")
    assert "見直し期限切れ" in report["status"]
    code, out, _ = run("due", "--as-of", "2026-01-01", "--db", db)
    assert code == 0 and "期限の近い評価書はありません" in out
    code, out, _ = run("due", "--as-of", "2026-08-01", "--db", db)
    assert code == 0 and "見直しまであと61日" in out


@pytest.mark.parametrize(
    ("tamper", "where"),
    [
        ("UPDATE events SET payload = replace(payload, '重要な変更に当たるため', '形式的') WHERE seq = 15", "#15"),
        ("UPDATE events SET timing = '事後' WHERE kind = 'change' AND important = true", "#"),
        ("DELETE FROM events WHERE seq = 7", "#8"),
        ("UPDATE events SET seq = CASE seq WHEN 5 THEN 6 WHEN 6 THEN 5 END WHERE seq IN (5, 6)", "#5"),
        ("UPDATE versions SET message = '書き換え' WHERE number = 2", "第2版"),
        ("UPDATE items SET label_id = (SELECT max(id) FROM names WHERE id <> items.label_id) "
         "WHERE id = (SELECT max(id) FROM items WHERE since = 3)", "第3版"),
        ("DELETE FROM versions WHERE number = 4", None),
        ("UPDATE blobs SET body = body || 'x' WHERE hash = (SELECT value_hash FROM items LIMIT 1)", "値"),
    ],
)
def test_verify_detects_and_locates_tampering(db: str, tamper: str, where: str | None) -> None:
    assert run("verify", "--db", db)[0] == 0
    engine = make_engine(db)
    with engine.begin() as con:
        if tamper.startswith("UPDATE events SET seq"):
            con.execute(text("UPDATE events SET seq = seq + 1000 WHERE seq IN (5, 6)"))
            con.execute(text("UPDATE events SET seq = CASE seq WHEN 1005 THEN 6 WHEN 1006 THEN 5 END WHERE seq > 1000"))
        elif tamper.startswith("DELETE FROM versions"):
            con.execute(text("DELETE FROM items WHERE since = 4"))
            con.execute(text("UPDATE items SET until = NULL WHERE until = 4"))
            con.execute(text(tamper))
        else:
            assert con.execute(text(tamper)).rowcount >= 1
    engine.dispose()
    code, _out, err = run("verify", "--db", db)
    assert code == 1 and "改ざんまたは破損" in err and len(err.strip().splitlines()) == 1
    if where is not None:
        assert where in err


def test_commit_refuses_a_parent_that_is_no_longer_the_head(db: str) -> None:
    with Store(db) as store:
        v4 = read_report(SAMPLES / "v4.txt")
        changed = replace(v4, items=v4.items[:-1])
        with pytest.raises(StoreError, match="最新版は 4 版"):
            store.commit("sakuragawa", changed, author="a", message="m", expected_parent=3)
        result = commit_report(store, "sakuragawa", changed, author="a", message="m", policy=Policy(),
                               when=datetime(2026, 11, 22, tzinfo=UTC))
        assert result.created and result.version.number == 5


def test_migration_from_the_first_revision_keeps_the_data(db: str) -> None:
    before = sql(db, "SELECT number, hash FROM versions ORDER BY number")
    config = alembic_config(db)
    command.downgrade(config, "0001")
    engine = make_engine(db)
    assert "events" not in inspect(engine).get_table_names()
    engine.dispose()
    assert sql(db, "SELECT number, hash FROM versions ORDER BY number") == before
    command.upgrade(config, "head")
    assert sql(db, "SELECT number, hash FROM versions ORDER BY number") == before
    assert sql(db, "SELECT count(*) FROM events") == [(0,)]
    # The downgrade dropped the audit trail of versions that had one: verify says so, as it
    # would for events deleted by hand (only versions older than the trail may lack it).
    code, _, err = run("verify", "--db", db)
    assert code == 1 and "第1版" in err and "commit 記録がありません" in err
    code, out, _ = run("show", "sakuragawa@2", "--item", "II/2/⑥事務担当部署", "--db", db)
    assert "市民生活部税務課" in out
