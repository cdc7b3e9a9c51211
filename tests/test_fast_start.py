"""Fast start (issue 13): commands that do not touch the database import no database or output library.

Each command runs in a fresh interpreter (a subprocess), which then lists the heavy top-level
packages it has imported. SQLAlchemy, Alembic, Jinja2, openpyxl, the PDF and Word readers and
pydantic (Typer's value validation) cost 75–175 ms each; `hyoka diff a.txt b.txt` needs none.
A command that opens the store shows the check sees an import when there is one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyoka.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# zoneinfo is no library of weight (~8 ms) but only commands that show times need it.
HEAVY = ("sqlalchemy", "alembic", "jinja2", "openpyxl", "pypdfium2", "docx", "pydantic", "zoneinfo")
RUN_AND_LIST = """
import json, sys
from hyoka.cli import app
code = 0
try:
    app(sys.argv[1:], prog_name="hyoka")
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(HEAVY)))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def run_fresh(*args: str, cwd: Path) -> tuple[int, list[str], str]:
    """Run `hyoka ARGS` in a new interpreter: exit code, heavy packages imported, stdout."""
    script = RUN_AND_LIST.replace("HEAVY", repr(json.dumps(HEAVY)))
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["heavy"], done.stdout


def test_diff_of_two_files_imports_nothing_heavy(tmp_path: Path) -> None:
    old, new = SAMPLES / "sakuragawa" / "v1.txt", SAMPLES / "sakuragawa" / "v2.txt"
    code, heavy, out = run_fresh("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert code == 0
    assert json.loads(out)["changes"], "the samples differ: the command really ran"
    assert heavy == []
    assert not list(tmp_path.iterdir()), "no database was created"


@pytest.mark.parametrize("args", [
    ("parse", "sakuragawa/v1.txt"),
    ("check", "sakuragawa/v2.txt", "--format", "json"),
    ("classify-row", "--form", "重点", "--item", "II/3/③使用目的", "--before", "甲", "--after", "乙"),
    ("diff", "midori/v1.txt", "midori/v2.txt", "--format", "text"),
    ("--help",),
])
def test_stateless_commands_import_nothing_heavy(args: tuple[str, ...]) -> None:
    code, heavy, out = run_fresh(*args, cwd=SAMPLES)
    assert code == 0
    assert out.strip()
    assert heavy == []


def test_a_bad_value_is_refused_in_japanese_without_pydantic(tmp_path: Path) -> None:
    """Values are converted by hyoka.cli_ja's plain converter: a bad choice still gets its Japanese line."""
    old = str(SAMPLES / "midori" / "v1.txt")
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST.replace("HEAVY", repr(json.dumps(HEAVY))),
                           "diff", old, old, "--format", "xml"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120)
    error, report = done.stderr.strip().splitlines()
    assert json.loads(report) == {"code": 2, "heavy": []}
    assert error.startswith("エラー: --format の値が不正です: 次のいずれかを指定してください: text, json")


def test_a_command_that_opens_the_store_does_import_sqlalchemy(tmp_path: Path) -> None:
    code, heavy, _ = run_fresh("init", "--db", f"sqlite:///{tmp_path / 'h.db'}", cwd=tmp_path)
    assert code == 0
    assert "sqlalchemy" in heavy and "alembic" in heavy


def test_commit_to_a_sqlite_file_imports_nothing_heavy(tmp_path: Path) -> None:
    """A commit (and a repeated one) to a SQLite file runs on the sqlite3 module (hyoka.store.sql):
    SQLAlchemy alone costs over ten times a whole `git commit` (issue 13)."""
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    assert run_fresh("init", *db, cwd=tmp_path)[0] == 0
    for version in ("v1", "v2", "v2"):
        source = str(SAMPLES / "sakuragawa" / f"{version}.txt")
        code, heavy, out = run_fresh("commit", source, "--report", "r", "--author", "a", "-m", version, *db,
                                     cwd=tmp_path)
        assert code == 0 and out.strip()
        assert heavy == [], version
    code, heavy, out = run_fresh("log", "r", *db, cwd=tmp_path)
    assert code == 0 and len(out.strip().splitlines()) >= 2
    assert "sqlalchemy" in heavy  # reads still go through SQLAlchemy: the check sees an import


def test_database_errors_still_become_one_japanese_line(tmp_path: Path) -> None:
    """user_errors recognises SQLAlchemy's errors without importing SQLAlchemy itself."""
    not_a_db = tmp_path / "text.db"
    not_a_db.write_text("これはデータベースではありません\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "hyoka.cli", "log", "x", "--db", f"sqlite:///{not_a_db}"],
                          cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("エラー: データベースを開けません / cannot open database:")
    assert len(done.stderr.splitlines()) == 1
    assert not_a_db.read_text(encoding="utf-8") == "これはデータベースではありません\n"


LAZY = """
import sys
import typer._click.formatting
import typer.main
from hyoka.cli import app
typer._click.formatting.FORCED_WIDTH = 80  # what CliRunner forces, so the help wraps alike
built = []
original = typer.main.get_command_from_info
def counting(command_info, **kwargs):
    built.append(command_info.callback.__name__)
    return original(command_info, **kwargs)
typer.main.get_command_from_info = counting
code = 0
try:
    app(sys.argv[1:], prog_name="hyoka")
except SystemExit as exc:
    code = exc.code or 0
print("BUILT", *built, file=sys.stderr)
"""


def run_lazily(*args: str, cwd: Path) -> tuple[str, str, list[str]]:
    """Run `hyoka ARGS` as the program does (app()): stdout, stderr, the commands Typer built."""
    done = subprocess.run([sys.executable, "-c", LAZY, *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, "COLUMNS": "200"})
    *err, built = done.stderr.splitlines()
    return done.stdout, "".join(line + "\n" for line in err), built.split()[1:]


def test_a_run_builds_only_the_command_it_runs() -> None:
    out, _, built = run_lazily("diff", "midori/v1.txt", "midori/v2.txt", "--format", "json", cwd=SAMPLES)
    assert json.loads(out)["changes"]
    # Typer builds a sub-group (hyoka policy …) with its commands; of the top-level ones, only diff.
    in_groups = {info.callback.__name__ for group in app.registered_groups
                 for info in group.typer_instance.registered_commands}
    assert in_groups and [name for name in built if name not in in_groups] == ["diff"]


@pytest.mark.parametrize("args", [
    ("--help",), ("log", "--help"), ("dif", "x"), ("diff",), ("log", "a", "--format", "xml"), ("--version",),
    (), ("classify-row", "--item", "II/3/③使用目的", "--before", "甲", "--after", "乙"), ("policy", "--help"),
    ("policy", "use", "--help"), ("init", "--help"),
])
def test_commands_built_on_demand_answer_as_commands_built_at_once(args: tuple[str, ...]) -> None:
    """typer.main.get_command (CliRunner, tests) builds every command first; app() builds one."""
    eager = CliRunner().invoke(app, list(args), prog_name="hyoka", env={"COLUMNS": "200"})
    out, err, _ = run_lazily(*args, cwd=SAMPLES)
    assert (out, err) == (eager.stdout, eager.stderr)
