"""How the `hyoka` program ends (issue 13, fast start): a run that opened no database skips the
interpreter's teardown once every exit handler has run; any other run ends as Python ends it.

Each case runs in a fresh interpreter. An object whose finaliser writes "freed" shows whether the
teardown ran; an exit handler the app registers shows that handlers still run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyoka.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PROGRAM = """
import atexit, sys
PRELUDE
from hyoka.cli_exit import run

class Loud:
    def __del__(self):
        sys.stderr.write("freed\\n")

kept = Loud()

def app():
    atexit.register(lambda: sys.stderr.write("handler\\n"))
    sys.stdout.write("out")  # left in the buffer: the ending must flush it
    ENDING

run(app)
"""


def run_program(ending: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    script = PROGRAM.replace("PRELUDE", prelude).replace("ENDING", ending)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60)


@pytest.mark.parametrize(("ending", "status"), [("raise SystemExit(3)", 3), ("raise SystemExit(None)", 0),
                                                ("return None", 0)])
def test_a_run_without_a_database_skips_the_teardown_after_the_exit_handlers(ending: str, status: int) -> None:
    done = run_program(ending)
    assert done.returncode == status
    assert done.stdout == "out"
    assert done.stderr.splitlines() == ["handler"], "the handler ran, the finaliser did not"


@pytest.mark.parametrize("driver", ["sqlite3", "hyoka.store"])
def test_a_run_that_may_hold_a_database_ends_as_python_does(driver: str) -> None:
    done = run_program("raise SystemExit(3)", prelude=f"import {driver}")
    assert done.returncode == 3
    assert done.stdout == "out"
    assert done.stderr.splitlines() == ["handler", "freed"]


def test_an_error_or_a_message_ends_as_python_does() -> None:
    crashed = run_program("raise RuntimeError('boom')")
    assert crashed.returncode == 1
    assert "RuntimeError: boom" in crashed.stderr and crashed.stderr.rstrip().endswith("freed")
    told = run_program("raise SystemExit('使い方が違います')")
    assert told.returncode == 1
    assert told.stderr.splitlines()[0] == "使い方が違います" and "freed" in told.stderr


def installed_program() -> Path:
    program = Path(sys.executable).with_name("hyoka")
    if not program.exists():
        pytest.skip("the hyoka program is not installed beside this interpreter")
    return program


def test_the_installed_program_prints_what_the_app_prints(tmp_path: Path) -> None:
    old, new = str(SAMPLES / "sakuragawa" / "v1.txt"), str(SAMPLES / "sakuragawa" / "v3.txt")
    args = ["diff", old, new, "--format", "json"]
    done = subprocess.run([str(installed_program()), *args], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120)
    in_process = CliRunner().invoke(app, args)
    assert done.returncode == in_process.exit_code == 0
    assert done.stdout == in_process.stdout
    assert len(json.loads(done.stdout)["changes"]) >= 10, "the whole JSON, every change of v1 → v3"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01 not a report")
    failed = subprocess.run([str(installed_program()), "diff", str(bad), new], cwd=tmp_path, capture_output=True,
                            text=True, check=False, timeout=120)
    assert failed.returncode == 2
    assert len(failed.stderr.strip().splitlines()) == 1 and failed.stderr.startswith("エラー")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"], "nothing written"


def test_the_installed_program_still_stores_and_verifies(tmp_path: Path) -> None:
    program = str(installed_program())
    url = f"sqlite:///{tmp_path / 'hyoka.db'}"

    def hyoka(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([program, *args, "--db", url], cwd=tmp_path, capture_output=True, text=True,
                              check=False, timeout=120)

    assert hyoka("init").returncode == 0
    for n in (1, 2):
        stored = hyoka("commit", str(SAMPLES / "sakuragawa" / f"v{n}.txt"), "--report", "s", "--author", "山田")
        assert stored.returncode == 0, stored.stderr
    verified = hyoka("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "2" in hyoka("log", "s").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hyoka.db"], "no journal left behind"
