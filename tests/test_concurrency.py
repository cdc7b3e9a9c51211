"""Concurrent writers and killed writers, on the backend under test (SQLite, then PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.store import init_db
from stress import concurrent_commits, crash_trials

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("same_report", [True, False], ids=["same-report", "different-reports"])
def test_eight_processes_commit_at_once(db_url: str, same_report: bool) -> None:
    init_db(db_url)
    result = concurrent_commits(db_url, writers=8, commits_each=5, same_report=same_report)
    assert result.errors == []
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.contiguous
    assert sum(len(v) for v in result.versions.values()) == 40
    assert run("verify", "--db", db_url)[0] == 0


def test_a_commit_from_an_old_parent_is_refused_or_rebased(db_url: str) -> None:
    run("init", "--db", db_url)
    for n in (1, 2):
        assert run("commit", str(SAMPLES / f"v{n}.txt"), "-r", "s", "-a", "山田", "--db", db_url)[0] == 0
    edited_from_1 = str(SAMPLES / "v3.txt")
    code, _, err = run("commit", edited_from_1, "-r", "s", "-a", "佐藤", "--parent", "1", "--db", db_url)
    assert code == 2 and "最新版は 2 版" in err and "--rebase" in err
    code, out, err = run("commit", edited_from_1, "-r", "s", "-a", "佐藤", "--parent", "1", "--rebase", "--db", db_url)
    assert code == 0, err
    assert "s@3" in out
    code, out, _ = run("review", "s@3", "--db", db_url)
    assert "II/6/保管場所" in out  # classified against the new head (v2), not the stale parent


def test_killed_writers_leave_no_partial_version(db_url: str) -> None:
    init_db(db_url)
    result = crash_trials(db_url, trials=8, seed=1)
    assert result.problems == []
    assert result.kills >= 6
    assert run("verify", "--db", db_url)[0] == 0
