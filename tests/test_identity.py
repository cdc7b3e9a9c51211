"""The identity guard, `hyoka revert` and the author every write needs (issue 11), on the
backend under test (SQLite, or PostgreSQL with HYOKA_TEST_BACKEND=postgresql)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES, run_cli, run_sql
from hyoka.cli import app
from hyoka.ingest import dumps, read_file

SAKURAGAWA = SAMPLES / "sakuragawa"


def commit(db: str, file: str | Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("commit", str(file), "-r", "s", "-a", "山田", *extra, "--db", db)


def count(db: str, table: str) -> int:
    return int(run_sql(db, f"SELECT count(*) FROM {table}")[0][0])


def exported(db: str, ref: str) -> str:
    code, out, err = run_cli("export", ref, "--db", db)
    assert code == 0, err
    return out


@pytest.fixture
def db(db_url: str) -> str:
    assert run_cli("init", "--db", db_url)[0] == 0
    assert commit(db_url, SAKURAGAWA / "v1.txt")[0] == 0
    return db_url


def recovered(tmp_path: Path, **meta: str) -> Path:
    """v2 of the sample with its cover changed."""
    report = read_file(SAKURAGAWA / "v2.txt").report
    report = dataclasses.replace(report, meta=dataclasses.replace(report.meta, **meta))  # type: ignore[arg-type]
    path = tmp_path / "other.txt"
    path.write_text(dumps(report), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("meta", "named"),
    [
        ({"number": "99"}, ["評価書番号"]),
        ({"form": "全項目"}, ["様式", "しきい値"]),
        ({"title": "住民基本台帳に関する事務 全項目評価書", "organisation": "梅ヶ丘町長"},
         ["評価書名", "評価実施機関"]),
    ],
    ids=["number", "form", "title-and-organisation"],
)
def test_another_report_is_refused_in_one_line(db: str, tmp_path: Path, meta: dict[str, str], named: list[str]) -> None:
    versions, events = count(db, "versions"), count(db, "events")
    code, out, err = commit(db, recovered(tmp_path, **meta))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert all(word in err for word in named) and "--force" in err
    assert (count(db, "versions"), count(db, "events")) == (versions, events)


def test_force_commits_and_is_recorded(db: str, tmp_path: Path) -> None:
    code, out, err = commit(db, recovered(tmp_path, form="全項目"), "--force")
    assert code == 0 and "s@2" in out, err
    (payload,) = run_sql(db, "SELECT payload FROM events WHERE kind = 'commit' AND version = 2")[0]
    forced = json.loads(payload)["forced"]
    assert len(forced) == 1 and "様式" in forced[0] and "全項目" in forced[0]


@pytest.mark.parametrize(
    "meta", [{"title": "軽自動車税に関する事務 重点項目評価書"}, {"organisation": "桜川市教育委員会"}]
)
def test_one_name_differing_is_a_warning(db: str, tmp_path: Path, meta: dict[str, str]) -> None:
    code, out, err = commit(db, recovered(tmp_path, **meta))
    assert code == 0 and "s@2" in out
    assert "警告" in err and next(iter(meta.values())) in err


def test_a_new_publication_date_is_no_difference(db: str, tmp_path: Path) -> None:
    code, _, err = commit(db, recovered(tmp_path, published="令和9年4月1日"))
    assert code == 0 and "警告" not in err and "エラー" not in err


def test_a_commit_equal_to_an_older_version_says_which(db: str) -> None:
    assert commit(db, SAKURAGAWA / "v2.txt")[0] == 0
    code, out, err = commit(db, SAKURAGAWA / "v1.txt")
    assert code == 0 and "s@3" in out
    assert "1 版と同じ内容" in err


def test_revert_records_version_n_content_with_its_own_event(db: str) -> None:
    for n in (2, 3):
        assert commit(db, SAKURAGAWA / f"v{n}.txt")[0] == 0
    code, out, err = run_cli("revert", "s@1", "-m", "第3版の記載は誤り", "--by", "佐藤", "--db", db)
    assert code == 0, err
    assert "s@4" in out
    assert exported(db, "s@4") == exported(db, "s@1")
    rows = run_sql(db, "SELECT kind, actor, payload FROM events WHERE version = 4 ORDER BY seq")
    kinds = [kind for kind, _, _ in rows]
    assert kinds[:3] == ["commit", "revert", "classify"] and "change" in kinds
    revert = json.loads(rows[1][2])
    assert revert == {"reverted_to": 1, "head": 3, "reason": "第3版の記載は誤り"} and rows[1][1] == "佐藤"
    code, out, _ = run_cli("audit", "--event", "revert", "--format", "json", "--db", db)
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = run_cli("review", "s@4", "--format", "json", "--db", db)
    assert json.loads(out)["changes"]  # classified against v3 like any commit
    (message,) = run_sql(db, "SELECT message FROM versions WHERE number = 4")[0]
    assert "第1版" in message and "誤り" in message
    assert run_cli("verify", "--db", db)[0] == 0


def test_revert_needs_a_version_and_a_reason(db: str) -> None:
    assert run_cli("revert", "s", "-m", "x", "--by", "佐藤", "--db", db)[0] == 2
    code, _, err = run_cli("revert", "s@1", "--by", "佐藤", "--db", db)
    assert code == 2 and "-m" in err
    code, out, _ = run_cli("revert", "s@1", "-m", "同じ", "--by", "佐藤", "--db", db)
    assert code == 0 and "変更はありません" in out and count(db, "versions") == 1


def _invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("blank", ["", "   ", "\u3000"], ids=["empty", "spaces", "ideographic-space"])
def test_every_write_refuses_an_empty_author(db: str, tmp_path: Path, blank: str) -> None:
    assert commit(db, SAKURAGAWA / "v2.txt")[0] == 0
    writes = [
        ["commit", str(SAKURAGAWA / "v3.txt"), "-r", "s", "--author", blank],
        ["revert", "s@1", "-m", "理由", "--by", blank],
        ["review", "s@2", "--change", "1", "--timing", "事前", "--reason", "確認", "--by", blank],
        ["publish", "s@2", "--date", "令和7年4月1日", "--by", blank],
        ["appendix", "s", "--by", blank],
        ["shinkyu", "s", "--by", blank],
        ["ichiran", "s", "--by", blank],
    ]
    versions, events = count(db, "versions"), count(db, "events")
    for args in writes:
        code, err = _invoke([*args, "--db", db])
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1 and ("--by" in err or "--author" in err), (args, err)
    assert (count(db, "versions"), count(db, "events")) == (versions, events)


def test_user_is_the_documented_default_author(db: str) -> None:
    code, _ = _invoke(["commit", str(SAKURAGAWA / "v2.txt"), "-r", "s", "--db", db], env={"USER": "tanaka"})
    assert code == 0
    assert run_sql(db, "SELECT author FROM versions WHERE number = 2") == [("tanaka",)]
    code, err = _invoke(["commit", str(SAKURAGAWA / "v3.txt"), "-r", "s", "--db", db], env={"USER": ""})
    assert code == 2 and "--author" in err

