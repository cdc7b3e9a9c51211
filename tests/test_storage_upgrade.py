"""Migration 0004 (item ranges, interned names, compressed blobs) loses nothing.

Release 05790e0 — the last one with a row per item per version — is extracted with ``git
archive`` and run in its own process (``PYTHONPATH=<old>/src``, this venv's interpreter), on
the backend under test: it initialises a database, commits samples/sakuragawa v1…v4 and a
second report, records a review and a publication, and prints log, every version's export,
a diff, the cumulative appendix and verify. The new code then upgrades that database
(``hyoka init``; a SQLite file is first copied aside and stderr says where) and must print
the same, keep every stored hash (versions, events, blobs) and pass verify. Skipped, with the
reason, when the git history of 05790e0 is not available.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url

from conftest import REPO, SAMPLES, run_cli, run_sql

OLD_RELEASE = "05790e0"
SAKURA = "sakuragawa"


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = _git("rev-parse", "--verify", "--quiet", f"{OLD_RELEASE}^{{commit}}")
    if found.returncode != 0:
        pytest.skip(f"git history unavailable: commit {OLD_RELEASE} is not in {REPO}")
    archive = _git("archive", "--format=tar", found.stdout.decode().strip())
    assert archive.returncode == 0, archive.stderr.decode(errors="replace")
    dest = tmp_path_factory.mktemp("old0003")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def old_hyoka(tree: Path, *args: str) -> str:
    """The old release's CLI in its own process; fails the test on a non-zero exit."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HYOKA_DB")}
    env["PYTHONPATH"] = str(tree / "src")
    done = subprocess.run([sys.executable, "-c", "from hyoka.cli import app; app()", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=tree, timeout=600, check=False)
    assert done.returncode == 0, f"old release: {' '.join(args[:2])}: {done.stderr.strip()}"
    return done.stdout


def new_hyoka(*args: str) -> tuple[str, str]:
    code, out, err = run_cli(*args)
    assert code == 0, f"new hyoka {' '.join(args[:2])}: {err}"
    return out, err


READS: tuple[tuple[str, ...], ...] = (
    ("log", SAKURA, "--format", "json"),
    ("log", "kita", "--format", "json"),
    *(("export", f"{SAKURA}@{n}") for n in (1, 2, 3, 4)),
    ("export", "kita@2"),
    ("show", f"{SAKURA}@3", "--item", "II/3/③使用目的"),
    ("diff", f"{SAKURA}@1", f"{SAKURA}@4", "--format", "json"),
    ("diff", f"{SAKURA}@2", f"{SAKURA}@3"),
    ("audit", "--report", SAKURA, "--format", "json"),
)


def _hashes(url: str) -> dict[str, list[tuple[object, ...]]]:
    return {
        "versions": run_sql(url, "SELECT report_id, number, hash, item_count, added, removed, modified "
                                 "FROM versions ORDER BY report_id, number"),
        "events": run_sql(url, "SELECT report_id, seq, hash FROM events ORDER BY report_id, seq"),
        "blobs": run_sql(url, "SELECT hash, kind FROM blobs ORDER BY hash"),
    }


def _appendix(run: Callable[..., object], folder: Path, name: str, url: str) -> str:
    target = folder / name
    run("appendix", SAKURA, "--to", "4", "-o", str(target), "--by", "田中", "--db", url)
    # The page states when it was generated; everything else must be equal.
    return re.sub(r"\d{4}-\d{2}-\d{2}[T ][\d:.+]+", "<time>", target.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Upgrade:
    url: str
    before: dict[str, list[tuple[object, ...]]]
    after: dict[str, list[tuple[object, ...]]]
    old_reads: list[str]
    new_reads: list[str]
    old_appendix: str
    new_appendix: str
    init_stderr: str
    before_init: tuple[int, str]


@pytest.fixture(scope="module")
def upgrade(old_tree: Path, tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[[Path], str]) -> Upgrade:
    folder = tmp_path_factory.mktemp("upgrade0004")
    url = new_db_url(folder)
    old_hyoka(old_tree, "init", "--db", url)
    for n in (1, 2, 3, 4):
        old_hyoka(old_tree, "commit", str(SAMPLES / SAKURA / f"v{n}.txt"), "--report", SAKURA, "--author", "山田",
                  "-m", f"第{n}版", "--db", url)
    for n in (1, 2):
        old_hyoka(old_tree, "commit", str(SAMPLES / SAKURA / f"v{n}.txt"), "--report", "kita", "--author", "北",
                  "--db", url)
    old_hyoka(old_tree, "review", f"{SAKURA}@3", "--change", "1", "--timing", "事前", "--reason", "新システム追加",
              "--by", "佐藤", "--db", url)
    old_hyoka(old_tree, "publish", f"{SAKURA}@4", "--date", "令和7年10月1日", "--by", "佐藤", "--db", url)
    old_hyoka(old_tree, "verify", "--db", url)
    assert run_sql(url, "SELECT version_num FROM alembic_version") == [("0003",)]
    old_appendix = _appendix(lambda *a: old_hyoka(old_tree, *a), folder, "old.html", url)
    old_reads = [old_hyoka(old_tree, *read, "--db", url) for read in READS]
    before = _hashes(url)
    code, _, err = run_cli("log", SAKURA, "--db", url)
    _, init_stderr = new_hyoka("init", "--db", url)
    after = _hashes(url)
    new_reads = [new_hyoka(*read, "--db", url)[0] for read in READS]
    # The new appendix appends its own generate event, so it comes after every read.
    new_appendix = _appendix(new_hyoka, folder, "new.html", url)
    return Upgrade(url, before, after, old_reads, new_reads, old_appendix, new_appendix, init_stderr, (code, err))


def test_before_the_upgrade_the_new_code_asks_for_init(upgrade: Upgrade) -> None:
    code, err = upgrade.before_init
    assert code != 0 and "スキーマが古いです (run `hyoka init`)" in err and len(err.strip().splitlines()) == 1


def test_the_upgrade_reaches_the_new_layout(upgrade: Upgrade) -> None:
    assert run_sql(upgrade.url, "SELECT version_num FROM alembic_version") == [("0004",)]
    # One row per item and change, not per item and version: far fewer rows than 4 + 2 full lists.
    items = run_sql(upgrade.url, "SELECT count(*) FROM items")[0][0]
    full = sum(row[3] for row in upgrade.before["versions"])
    assert 0 < items < full / 2


def test_no_stored_hash_changes(upgrade: Upgrade) -> None:
    assert upgrade.before["versions"] and upgrade.before["events"] and upgrade.before["blobs"]
    assert upgrade.after == upgrade.before


def test_every_read_prints_what_the_old_release_printed(upgrade: Upgrade) -> None:
    for read, old, new in zip(READS, upgrade.old_reads, upgrade.new_reads, strict=True):
        assert new == old, read


def test_the_appendix_is_the_same_and_verify_passes(upgrade: Upgrade) -> None:
    assert upgrade.new_appendix == upgrade.old_appendix
    out, _ = new_hyoka("verify", "--db", upgrade.url)
    assert "正常です" in out


def test_a_sqlite_file_is_copied_aside_first(upgrade: Upgrade) -> None:
    parsed = make_url(upgrade.url)
    if parsed.get_backend_name() != "sqlite":
        assert "保存しました" not in upgrade.init_stderr
        return
    db = Path(str(parsed.database))
    backup = db.with_name(f"{db.name}.bak-0003")
    assert f"更新前のデータベースを {backup} に保存しました" in upgrade.init_stderr
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
        assert connection.execute("SELECT count(*) FROM version_items").fetchone()[0] > 0
    connection.close()


def test_commits_after_the_upgrade_continue_the_history(upgrade: Upgrade, tmp_path: Path) -> None:
    text = (SAMPLES / SAKURA / "v4.txt").read_text(encoding="utf-8")
    edited = tmp_path / "v5.txt"
    edited.write_text(text.replace("桜川市", "桜川市役所", 1), encoding="utf-8")
    new_hyoka("commit", str(edited), "--report", SAKURA, "--author", "新版", "--db", upgrade.url)
    out, _ = new_hyoka("diff", f"{SAKURA}@4", f"{SAKURA}@5", "--format", "json", "--db", upgrade.url)
    assert "桜川市役所" in out
    out, _ = new_hyoka("verify", "--db", upgrade.url)
    assert "正常です" in out
