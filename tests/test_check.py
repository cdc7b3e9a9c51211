"""`hyoka check`: the reading of a file against its form, and the warnings of commit/diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.ingest import read_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "sakuragawa" / "v2.txt"
SEEDS = ROOT.parent / "shared" / "seeds"

runner = CliRunner()


def _with_stray_row(tmp_path: Path) -> tuple[Path, int]:
    """The sample with a label row the form does not have, inserted under ①入手元."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("②入手方法"))
    lines.insert(at, "謎の記入欄\tこの欄は様式にない")
    path = tmp_path / "stray.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, at + 1


def test_check_json_reports_form_items_and_nothing_unplaced_for_the_sample() -> None:
    result = runner.invoke(app, ["check", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["form"] == "重点"
    assert data["edition"] == "令和5年4月"
    assert data["items"] == len(read_file(SAMPLE).report.items)
    assert data["resolved"] == data["items"] and data["unresolved"] == []
    assert data["unplaced"] == []
    assert "II/4/委託事項N/⑤再委託の許諾方法" not in data["missing"]


def test_check_names_the_unplaced_line_and_where_its_text_went(tmp_path: Path) -> None:
    path, number = _with_stray_row(tmp_path)
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    unplaced = json.loads(result.stdout)["unplaced"]
    assert [(u["line"], u["attached_to"]) for u in unplaced] == [(number, "II/3/①入手元")]
    text = runner.invoke(app, ["check", str(path)]).stdout
    assert f"{number}行目 「謎の記入欄 この欄は様式にない」 → II/3/①入手元" in text


def test_diff_and_commit_warn_on_stderr_when_lines_are_unplaced(tmp_path: Path) -> None:
    path, number = _with_stray_row(tmp_path)
    result = runner.invoke(app, ["diff", str(SAMPLE), str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "置き場所" not in result.stdout
    assert f"1 行あります (最初は {number} 行目" in result.stderr
    json.loads(result.stdout)
    clean = runner.invoke(app, ["diff", str(SAMPLE), str(SAMPLE), "--format", "json"])
    assert clean.stderr == ""
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    committed = runner.invoke(app, ["commit", str(path), "-r", "x", "-a", "山田", "--db", db])
    assert committed.exit_code == 0, committed.output
    assert "警告" in committed.stderr and "hyoka check" in committed.stderr


def test_check_lists_fuzzy_labels_with_their_canonical_path(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("③使用目的", "③使用日的", 1)
    path = tmp_path / "ocr.txt"
    path.write_text(text, encoding="utf-8")
    data = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).stdout)
    assert [(f["printed"].split()[0], f["path"]) for f in data["fuzzy"]] == [("③使用日的", "II/3/③使用目的")]
    assert 80 <= data["fuzzy"][0]["score"] < 100


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_check_on_a_file_that_is_not_a_report_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("買い物メモ\n牛乳\n卵\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "特定個人情報保護評価書として読めません" in result.output


PDFTOTEXT = ROOT / "samples" / "sakuragawa" / "printed" / "v2.pdftotext.txt"


def test_a_change_table_that_gives_no_row_is_named_by_check_diff_and_commit(tmp_path: Path) -> None:
    """``pdftotext`` without -layout joins a table row's cells with single spaces and interleaves
    wrapped lines (the fixture is v2.pdf so extracted): the 変更箇所 table gives no row. That must
    not pass in silence: check names the heading's line, and diff and commit warn."""
    heading = next(i for i, line in enumerate(PDFTOTEXT.read_text("utf-8").split("\n"), 1)
                   if line.startswith("(別添2) 変更箇所"))
    reading = read_file(PDFTOTEXT)
    assert reading.report.appendix == () and reading.diagnostics.appendix_unread == heading
    data = json.loads(runner.invoke(app, ["check", str(PDFTOTEXT), "--format", "json"]).stdout)
    assert data["appendix_unread"] == heading
    shown = runner.invoke(app, ["check", str(PDFTOTEXT)]).stdout
    assert f"{heading} 行目からの変更箇所の表が 1 行も読めません" in shown
    diffed = runner.invoke(app, ["diff", str(SAMPLE), str(PDFTOTEXT)])
    assert diffed.exit_code == 0 and "変更箇所の表が 1 行も読めません" in diffed.stderr
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    committed = runner.invoke(app, ["commit", str(PDFTOTEXT), "-r", "x", "-a", "山田", "--db", db])
    assert committed.exit_code == 0 and "変更箇所の表が 1 行も読めません" in committed.stderr


@pytest.mark.parametrize("path", [*SEEDS.glob("*.txt"), *(ROOT / "samples").glob("*/v*.txt")],
                         ids=lambda p: f"{p.parent.name}-{p.stem[:10]}")
def test_tables_read_whole_or_absent_raise_no_table_warning(path: Path) -> None:
    assert read_file(path).diagnostics.appendix_unread is None
