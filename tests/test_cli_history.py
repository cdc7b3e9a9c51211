"""End to end through the `hyoka` CLI: init, commit, log, show, export, and bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import run_sql
from hyoka.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"


@pytest.fixture
def db(db_url: str) -> str:
    url = db_url
    result = CliRunner().invoke(app, ["init", "--db", url])
    assert result.exit_code == 0, result.output
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(db: str, table: str) -> int:
    return int(run_sql(db, f"SELECT count(*) FROM {table}")[0][0])


def commit(db: str, version: int, report: str = "sakuragawa") -> str:
    code, out, err = run(
        "commit", str(SAMPLES / f"v{version}.txt"), "--report", report, "--author", "山田", "-m", f"第{version}版",
        "--db", db,
    )
    assert code == 0, err
    return out


def test_commit_log_show_export_round_trip(db: str, tmp_path: Path) -> None:
    assert "sakuragawa@1 を記録しました" in commit(db, 1)
    assert "sakuragawa@2 を記録しました" in commit(db, 2)
    code, out, _ = run("log", "sakuragawa", "--format", "json", "--db", db)
    assert code == 0
    versions = json.loads(out)["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert [v["author"] for v in versions] == ["山田", "山田"]
    assert versions[0]["added"] == versions[0]["item_count"]
    assert versions[1]["modified"] > 0 and versions[1]["removed"] == 0
    code, out, _ = run("log", "sakuragawa", "--db", db)
    assert "第2版" in out and "+0" in out.splitlines()[-1]

    code, out, _ = run("show", "sakuragawa@1", "--item", "II/3/③使用目的", "--format", "json", "--db", db)
    assert code == 0
    shown = json.loads(out)
    assert [i["path"] for i in shown["items"]] == ["II/3/③使用目的"]
    assert shown["items"][0]["star"] is True

    code, exported, _ = run("export", "sakuragawa@2", "--db", db)
    assert code == 0 and exported.startswith("hyoka-report 1\n")
    target = tmp_path / "v2.hyoka.txt"
    target.write_text(exported, encoding="utf-8")
    blobs = count(db, "blobs")
    code, out, _ = run("commit", str(target), "--report", "sakuragawa", "--author", "山田", "--db", db)
    assert code == 0 and "変更はありません" in out
    assert count(db, "versions") == 2
    assert count(db, "blobs") == blobs


def test_unchanged_commit_stores_nothing(db: str) -> None:
    commit(db, 1)
    blobs, versions = count(db, "blobs"), count(db, "versions")
    assert "変更はありません" in commit(db, 1)
    assert (count(db, "blobs"), count(db, "versions")) == (blobs, versions)


def test_shift_jis_file_commits_like_utf8(db: str, tmp_path: Path) -> None:
    sjis = tmp_path / "v1-sjis.txt"
    sjis.write_bytes((SAMPLES / "v1.txt").read_text(encoding="utf-8").encode("cp932"))
    commit(db, 1)
    code, out, err = run("commit", str(sjis), "--report", "sakuragawa", "--author", "山田", "--db", db)
    assert code == 0, err
    assert "変更はありません" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "バイナリ"),
        (b"\xff\xfe\xfd\x80\x80", "文字コード"),
        ("ただのメモです。\n評価書ではありません。\n".encode(), "評価書として読めません"),
    ],
)
def test_bad_files_exit_2_and_write_nothing(db: str, tmp_path: Path, content: bytes, needle: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, _out, err = run("commit", str(bad), "--report", "x", "--author", "山田", "--db", db)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1
    assert count(db, "versions") == 0 and count(db, "blobs") == 0


def test_unknown_report_and_version_exit_2(db: str) -> None:
    commit(db, 1)
    code, _, err = run("log", "nosuch", "--db", db)
    assert code == 2 and "nosuch" in err
    code, _, err = run("show", "sakuragawa@9", "--db", db)
    assert code == 2 and "9" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("show", "sakuragawa@1", "--item", "IX/99", "--db", db)
    assert code == 2 and "IX/99" in err


def test_uninitialised_database_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("log", "x", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 2 and "hyoka init" in err


def test_console_script_runs_with_env_database(tmp_path: Path) -> None:
    """The installed `hyoka` entry point, with HYOKA_DB, from another directory."""
    exe = shutil.which("hyoka", path=str(Path(sys.executable).parent))
    assert exe is not None
    env = {**os.environ, "HYOKA_DB": f"sqlite:///{tmp_path / 'env.db'}"}
    subprocess.run([exe, "init"], check=True, cwd=tmp_path, env=env, capture_output=True)
    done = subprocess.run(
        [exe, "commit", str(SAMPLES / "v1.txt"), "--report", "s", "--author", "a"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.db").exists() and not (tmp_path / "hyoka.db").exists()
