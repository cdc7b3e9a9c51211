"""A database written by today's release stays comparable after the reader is replaced.

Today's release is commit 8d334e3. Its tree is extracted with ``git archive`` into a temporary
folder and run as a separate process (``python -c`` with ``PYTHONPATH=<old>/src``, this venv's
interpreter: the dependencies are the same; the old code finds its Alembic migrations at the
top of its own tree). With it we ``hyoka init`` a SQLite database, ``hyoka commit`` every seed
and sakuragawa v1 and v2 (so the history holds a classified revision too) and check that
``hyoka verify`` passes. Each test works on a copy of that database with the NEW code (the
current src, through the Typer app in-process, after ``hyoka init``) and requires:

* re-committing the very file the old release committed last creates no version, or one
  whose ``hyoka diff REPORT@old REPORT@new`` has no change row;
* committing that file with one character of I 1. ①事務の名称 changed gives a diff against the
  old version with exactly one row, that item;
* ``hyoka verify`` passes on the upgraded database, old versions and new ones together.

The database is SQLite whatever HYOKA_TEST_BACKEND says: the upgrade is about the reader and
the stored paths, not the backend. The behaviour is what the new reader must deliver; the
tests are skipped, with the reason, when the git history of 8d334e3 is not available.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, SAMPLES, SEEDS
from hyoka.cli import app
from layout_variants import change_one_character, edit_cell, value_cell

OLD_RELEASE = "8d334e3"
SHOW = 5
EDITED_LABEL = "①事務の名称"


@dataclass(frozen=True)
class History:
    report: str
    files: tuple[Path, ...]  # committed by the old release, in order; the last one is its head

    @property
    def head(self) -> int:
        return len(self.files)


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return found[0] if found else SEEDS / f"{prefix}_missing.txt"


# Seed 001 is OCR so damaged that the line-based reader merged cells and whole rows into
# values; its stored items no longer show where each printed cell began, so the reprint read
# again by today's reader differs from today's reading of the file in a few dozen of its 520
# items (the figure is in the issue note). Known limitation, kept visible rather than hidden.
_OCR_LIMIT = pytest.mark.xfail(
    reason="001: the line-based reader's stored items of a heavily OCR-damaged file cannot be reprinted "
    "exactly; documented limitation of re-reading history", strict=False,
)

HISTORIES = (
    History("seed001", (_seed("001"),)),
    History("seed002", (_seed("002"),)),
    History("seed004", (_seed("004"),)),
    History("sakuragawa", (SAMPLES / "sakuragawa" / "v1.txt", SAMPLES / "sakuragawa" / "v2.txt")),
)
PARAMS = [pytest.param(h, id=h.report, marks=_OCR_LIMIT if h.report == "seed001" else ()) for h in HISTORIES]


# -- the old release ---------------------------------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8d334e3's tree, extracted (``git archive 8d334e3 | tar -x``)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: cannot extract release 8d334e3")
    found = _git("rev-parse", "--verify", "--quiet", f"{OLD_RELEASE}^{{commit}}")
    if found.returncode != 0:
        pytest.skip(f"git history unavailable: commit {OLD_RELEASE} is not in {REPO} (shallow clone or export?)")
    archive = _git("archive", "--format=tar", found.stdout.decode().strip())
    if archive.returncode != 0:
        pytest.skip(f"git archive {OLD_RELEASE} failed: {archive.stderr.decode(errors='replace').strip()}")
    dest = tmp_path_factory.mktemp("old")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)  # our own repository's archive
    return dest


def old_hyoka(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The old release's CLI in its own process; nothing of the current src on its path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HYOKA_DB")}
    env["PYTHONPATH"] = str(tree / "src")
    return subprocess.run(
        [sys.executable, "-c", "from hyoka.cli import app; app()", *args],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=tree, timeout=600, check=False,
    )


def _must(done: subprocess.CompletedProcess[str], what: str) -> str:
    assert done.returncode == 0, f"old release: {what} exit {done.returncode}: {done.stderr.strip()}"
    return done.stdout


@pytest.fixture(scope="module")
def old_database(old_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file written only by release 8d334e3: every history committed, verified."""
    for history in HISTORIES:
        for path in history.files:
            if not path.is_file():
                pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    probe = old_hyoka(old_tree, "--help")
    _must(probe, "--help")
    env = {**os.environ, "PYTHONPATH": str(old_tree / "src")}
    where = subprocess.run([sys.executable, "-c", "import hyoka; print(hyoka.__file__)"], capture_output=True,
                           text=True, env=env, cwd=old_tree, check=True).stdout.strip()
    assert Path(where).is_relative_to(old_tree), f"the old process imported hyoka from {where}"
    db = tmp_path_factory.mktemp("olddb") / "hyoka.db"
    url = f"sqlite:///{db}"
    _must(old_hyoka(old_tree, "init", "--db", url), "init")
    for history in HISTORIES:
        for number, path in enumerate(history.files, start=1):
            _must(old_hyoka(old_tree, "commit", str(path), "--report", history.report, "--author", "旧版",
                            "-m", f"{OLD_RELEASE} で記録 ({number})", "--db", url), f"commit {path.name}")
        log = json.loads(_must(old_hyoka(old_tree, "log", history.report, "--format", "json", "--db", url), "log"))
        assert len(log["versions"]) == history.head, f"old release made {log['versions']} for {history.report}"
    _must(old_hyoka(old_tree, "verify", "--db", url), "verify")
    return db


@pytest.fixture
def upgraded(old_database: Path, tmp_path: Path) -> str:
    """A copy of the old database, brought to the new schema by the new ``hyoka init``."""
    for part in old_database.parent.glob(old_database.name + "*"):
        shutil.copy2(part, tmp_path / part.name)
    url = f"sqlite:///{tmp_path / old_database.name}"
    new_hyoka("init", "--db", url)
    return url


# -- the new code ------------------------------------------------------------------------------


def new_hyoka(*args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == expect, (
        f"new hyoka {' '.join(args[:2])}: exit {result.exit_code}: {result.stderr or result.stdout}"
    )
    return result.stdout


def versions(url: str, report: str) -> list[dict]:
    return json.loads(new_hyoka("log", report, "--format", "json", "--db", url))["versions"]


def diff_changes(url: str, report: str, old: int, new: int) -> list[dict]:
    data = json.loads(new_hyoka("diff", f"{report}@{old}", f"{report}@{new}", "--format", "json", "--db", url))
    return data["changes"]


def describe(changes: list[dict]) -> str:
    kinds: dict[str, int] = {}
    for change in changes:
        kinds[change["change"]] = kinds.get(change["change"], 0) + 1
    lines = [f"{len(changes)} change rows {kinds}; first {SHOW}:"]
    for change in changes[:SHOW]:
        before, after = str(change["before"])[:80], str(change["after"])[:80]
        lines.append(f"  {change['change']:8} {change['path']}\n    before: {before}\n    after:  {after}")
    return "\n".join(lines)


def commit_new(url: str, report: str, path: Path, message: str) -> None:
    new_hyoka("commit", str(path), "--report", report, "--author", "新版", "-m", message, "--db", url)


def edited_copy(history: History, folder: Path) -> tuple[Path, str, str]:
    """The head file with one character of ①事務の名称 changed; (file, old value, new value)."""
    text = history.files[-1].read_text(encoding="utf-8")
    line, cell = value_cell(text.split("\n"), EDITED_LABEL)
    edited, old, new = edit_cell(text, line, cell, change_one_character)
    path = folder / f"{history.report}-edited.txt"
    path.write_text(edited, encoding="utf-8")
    return path, old, new


@pytest.mark.parametrize("history", PARAMS)
def test_recommitting_the_same_file_after_the_upgrade_changes_nothing(history: History, upgraded: str) -> None:
    commit_new(upgraded, history.report, history.files[-1], "同じファイルを新しい版で")
    after = versions(upgraded, history.report)
    if len(after) == history.head:
        return
    assert len(after) == history.head + 1, f"{len(after) - history.head} new versions from one commit"
    changes = diff_changes(upgraded, history.report, history.head, history.head + 1)
    if changes:
        pytest.fail(
            f"{history.report}: the same file re-committed with the new reader differs from what release "
            f"{OLD_RELEASE} stored (@{history.head} → @{history.head + 1}):\n{describe(changes)}"
        )


@pytest.mark.parametrize("history", PARAMS)
def test_an_edit_after_the_upgrade_diffs_as_that_item_only(history: History, upgraded: str, tmp_path: Path) -> None:
    path, old, new = edited_copy(history, tmp_path)
    commit_new(upgraded, history.report, path, f"{EDITED_LABEL} の誤字修正")
    latest = max(v["number"] for v in versions(upgraded, history.report))
    assert latest > history.head, "the edited file created no version"
    changes = diff_changes(upgraded, history.report, history.head, latest)
    context = (f"{history.report}: {EDITED_LABEL} {old} → {new}, diff @{history.head} (old release) → "
               f"@{latest} (new reader):\n{describe(changes)}")
    if len(changes) != 1:
        pytest.fail(f"expected exactly one change row\n{context}")
    change = changes[0]
    segments = change["path"].split("/")
    assert change["change"] == "modified", context
    assert segments[0] == "I" and segments[-1] == EDITED_LABEL, context
    assert old in change["before"] and new in change["after"], context
    counts = next(v for v in versions(upgraded, history.report) if v["number"] == latest)
    assert (counts["added"], counts["removed"], counts["modified"]) == (0, 0, 1), counts


def test_verify_passes_after_the_upgrade(upgraded: str, tmp_path: Path) -> None:
    for history in HISTORIES:
        commit_new(upgraded, history.report, history.files[-1], "同じファイルを新しい版で")
        path, _, _ = edited_copy(history, tmp_path)
        commit_new(upgraded, history.report, path, f"{EDITED_LABEL} の誤字修正")
    out = new_hyoka("verify", "--db", upgraded)
    assert "正常" in out, out
