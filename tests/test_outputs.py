"""Where hyoka reads from and writes to: bounded reads from any source, output files that are
regular files with ordinary modes, temporary files beside the target (issue 12)."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli
from hyoka.errors import InputError
from hyoka.ingest.decode import MAX_BYTES, read_text_file
from hyoka.tables.output import write_output


def _one_line_exit_2(code: int, err: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


# -- bounded reading ------------------------------------------------------------------------------


def test_parse_dev_zero_refused_quickly() -> None:
    start = time.perf_counter()
    code, _, err = run_cli("parse", "/dev/zero")
    _one_line_exit_2(code, err)
    assert "大きすぎます" in err
    assert time.perf_counter() - start < 30


def test_fifo_larger_than_cap_refused_without_reading_it_all(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    chunk = b"a" * (1024 * 1024)
    written = [0]

    def writer() -> None:
        try:
            with open(fifo, "wb") as stream:
                for _ in range(MAX_BYTES // len(chunk) + 40):
                    stream.write(chunk)
                    written[0] += len(chunk)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with pytest.raises(InputError, match="大きすぎます"):
        read_text_file(fifo)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert written[0] < MAX_BYTES + 40 * len(chunk), "the reader stopped before the writer finished"


def test_fifo_within_cap_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "small.fifo"
    os.mkfifo(fifo)
    text = (Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v1.txt").read_bytes()

    def writer() -> None:
        with open(fifo, "wb") as stream:
            stream.write(text)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    assert read_text_file(fifo).startswith(text.decode("utf-8").lstrip("\ufeff")[:20])
    thread.join(timeout=10)


# -- output files -----------------------------------------------------------------------------------


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_umask_mode(tmp_path: Path, umask_022: object) -> None:
    target = tmp_path / "new.csv"
    write_output(b"x", target, "csv")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    os.umask(0o077)
    other = tmp_path / "private.csv"
    write_output(b"x", other, "csv")
    assert stat.S_IMODE(other.stat().st_mode) == 0o600


def test_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: object) -> None:
    target = tmp_path / "old.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_output(b"new", target, "csv")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_symlink_target_replaced_beside_the_real_file(tmp_path: Path, umask_022: object) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    link_dir = tmp_path / "links"
    link_dir.mkdir()
    real = real_dir / "table.csv"
    real.write_bytes(b"old")
    link = link_dir / "table.csv"
    link.symlink_to(real)
    write_output(b"new", link, "csv")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert not list(link_dir.glob(".hyoka-*")) and not list(real_dir.glob(".hyoka-*"))


@pytest.mark.parametrize("kind", ["directory", "empty", "devnull_link", "proc", "dev", "missing_dir"])
def test_bad_output_refused_in_one_line(tmp_path: Path, sample_history: str, kind: str) -> None:
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    output = {"directory": str(tmp_path), "empty": "", "devnull_link": str(link), "proc": "/proc/self/x",
              "dev": "/dev/hyoka-test.csv", "missing_dir": str(tmp_path / "no" / "x.csv")}[kind]
    before = set(Path("/dev").iterdir())
    code, out, err = run_cli("appendix", "sakuragawa", "-f", "csv", "-o", output, "--by", "t", "--db", sample_history)
    _one_line_exit_2(code, err)
    assert not out
    assert not [p for p in set(Path("/dev").iterdir()) - before if p.name.startswith(".hyoka-")]
    assert not list(tmp_path.glob(".hyoka-*"))


def test_unwritable_directory_refused_in_one_line(tmp_path: Path, sample_history: str) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = run_cli("appendix", "sakuragawa", "-o", str(locked / "a.csv"), "--by", "t", "--db",
                               sample_history)
        _one_line_exit_2(code, err)
    finally:
        locked.chmod(0o700)


def test_appendix_file_mode_through_the_cli(tmp_path: Path, sample_history: str, umask_022: object) -> None:
    target = tmp_path / "appendix.xlsx"
    code, _, err = run_cli("appendix", "sakuragawa", "-o", str(target), "--by", "t", "--db", sample_history)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# -- small CLI additions ----------------------------------------------------------------------------


def test_h_is_help_and_version_prints_the_package_version() -> None:
    from importlib.metadata import version

    code, out, _ = run_cli("-h")
    assert code == 0 and "使い方" in out
    code, out, _ = run_cli("log", "-h")
    assert code == 0 and "--format" in out
    code, out, _ = run_cli("--version")
    assert code == 0 and out.strip() == f"hyoka {version('hyoka')}"


def test_reports_lists_head_published_and_next_due(sample_history: str) -> None:
    import json

    code, out, err = run_cli("reports", "-f", "json", "--db", sample_history)
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["report"] == "sakuragawa" and row["head"] == 4
    assert row["published"] and row["next_due"][:2] == "20"
    code, text, _ = run_cli("reports", "--db", sample_history)
    assert code == 0 and "sakuragawa" in text and "次の期限" in text
    code, _, err = run_cli("publish", "sakuragawa@4", "--date", "令和9年1月5日", "--by", "t", "--db", sample_history)
    assert code == 0, err
    code, out, _ = run_cli("reports", "-f", "json", "--db", sample_history)
    assert json.loads(out)[0]["published"] == "令和9年1月5日"


def test_init_masks_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    import hyoka.store

    monkeypatch.setattr(hyoka.store, "init_db", lambda url: None)
    code, out, _ = run_cli("init", "--db", "postgresql://clerk:s3cret@db.example/hyoka")
    assert code == 0
    assert "s3cret" not in out and "clerk:***@db.example" in out


def test_policy_and_jsonl_reads_are_bounded_whatever_the_source() -> None:
    """--policy and classify-row --jsonl read at most their cap plus one, even from a device."""
    from conftest import run_cli

    code, _, err = run_cli("classify-row", "--jsonl", "/dev/zero")
    assert code == 2 and "大きすぎます" in err
    sample = str(Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v1.txt")
    code, _, err = run_cli("diff", sample, sample, "--policy", "/dev/zero")
    assert code == 2 and "大きすぎます" in err


def test_database_errors_end_in_one_line(tmp_path: Path) -> None:
    """A file that is not a database, a missing driver, an unreachable server, an unknown
    dialect: one line, exit 2, never a traceback."""
    from conftest import run_cli

    not_db = tmp_path / "memo.db"
    not_db.write_text("これはデータベースではない", encoding="utf-8")
    for url in (f"sqlite:///{not_db}", "mysql://u:secret@h/db", "postgresql://u:secret@127.0.0.1:1/db", "foo://x"):
        code, out, err = run_cli("log", "x", "--db", url)
        assert code == 2 and out == "", (url, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (url, err)
        assert "secret" not in err
