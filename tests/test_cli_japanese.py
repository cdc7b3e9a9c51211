"""The CLI speaks Japanese: help pages, usage errors and type errors (issue 12)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.cli_ja import display_width

ENGLISH_BOILERPLATE = ("Show this message", "Usage:", "Options", "[required]", "[default:", "env var:",
                       "Arguments", "Commands", "<bool>", "[OPTIONS]", "COMMAND", "[ARGS]", "<str>", "<int>",
                       "<path>", "<float>")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="hyoka")
    return result.exit_code, result.stdout, result.stderr


def one_japanese_error_line(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one Japanese line on stderr starting with 「エラー: 」."""
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith("エラー: ") and JAPANESE.search(line)
    for english in ("Error", "Usage", "Missing", "Invalid", "No such", "Try ", "Input should"):
        assert english not in line
    return line


def test_there_are_commands_to_check() -> None:
    assert {"commit", "due", "verify", "reports", "classify-row"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_japanese_help(command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    for flag in ("--help", "-h"):
        code, out, err = invoke(*args[:-1], flag)
        assert code == 0, err
        for english in ENGLISH_BOILERPLATE:
            assert english not in out, (command, english)
        assert out.startswith(f"使い方: hyoka {command + ' ' if command else ''}[オプション]")
        assert "オプション" in out and "このヘルプを表示して終了する" in out
        # the command's own summary is there in full, not cut
        summary = " ".join((typer.main.get_command(app).commands[command].help or "").split()) if command else ""
        assert JAPANESE.search(summary or out)
        assert "".join(summary.split()) in "".join(out.split())  # wrapping may break anywhere


def test_required_parameters_are_marked_in_japanese() -> None:
    _, out, _ = invoke("commit", "--help")
    assert re.search(r"-r, --report <文字列> .*\[必須\]", out)
    assert "引数" in out and "FILE" in out
    _, out, _ = invoke("log", "--help")
    flat = "".join(out.split())
    assert "[既定:text]" in flat and "[環境変数:HYOKA_DB]" in flat


def test_boolean_flags_are_shown_as_flags() -> None:
    _, out, _ = invoke("commit", "--help")
    (line,) = [line for line in out.splitlines() if "--rebase" in line and "三方向" in line]
    assert re.match(r"\s*--rebase\s{2,}編集元", line), line
    assert "<bool>" not in out
    _, out, _ = invoke("--help")
    assert re.search(r"--version\s{2,}版を表示", out)


def test_rich_markup_is_not_interpreted() -> None:
    _, out, _ = invoke("due", "--help")
    assert "(ポリシー [deadlines] で変更可)" in out
    _, out, _ = invoke("--help")
    flat = "".join(out.split())  # the summaries wrap at the terminal width
    assert "壊れていれば最初の箇所を示して終了コード1." in flat
    assert "(ポリシー[deadlines]で変更可)" in flat


def test_help_columns_line_up_in_display_width() -> None:
    """Japanese takes two columns: every help text starts in the same terminal column."""
    _, out, _ = invoke("audit", "--help")
    starts = set()
    for line in out.splitlines():
        match = re.match(r"(\s+-\S.*?\s{2,})(\S)", line)
        if match:
            starts.add(display_width(match.group(1)))
    assert len(starts) == 1, starts
    widths = [display_width(line) for line in out.splitlines()]
    assert max(widths) <= 80, max(widths)


def test_missing_required_option() -> None:
    line = one_japanese_error_line(*invoke("commit", "some-file.txt"))
    assert "オプション --report (-r) を指定してください" in line


def test_missing_required_argument() -> None:
    line = one_japanese_error_line(*invoke("log"))
    assert "引数 REPORT を指定してください" in line


def test_unknown_option() -> None:
    line = one_japanese_error_line(*invoke("log", "x", "--foo"))
    assert "不明なオプション: --foo" in line
    assert "不明なオプション: --foo" in one_japanese_error_line(*invoke("--foo"))


def test_bad_integer() -> None:
    line = one_japanese_error_line(*invoke("appendix", "x", "--to", "abc"))
    assert "--to の値が不正です: 整数を指定してください (abc)" in line


def test_bad_choice() -> None:
    line = one_japanese_error_line(*invoke("log", "x", "-f", "xml"))
    assert "--format の値が不正です: 次のいずれかを指定してください: text, json (xml)" in line


def test_other_usage_errors() -> None:
    assert "不明なコマンド: comit (候補: commit)" in one_japanese_error_line(*invoke("comit"))
    assert "余分な引数があります: b" in one_japanese_error_line(*invoke("log", "a", "b"))
    assert "オプション --format には値が必要です" in one_japanese_error_line(*invoke("log", "a", "--format"))
    assert "オプション --rebase は値を取りません" in one_japanese_error_line(
        *invoke("commit", "a", "-r", "x", "--rebase=yes"))


def test_project_errors_keep_their_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    line = one_japanese_error_line(*invoke("show", "x@y", "--db", f"sqlite:///{tmp_path / 'h.db'}"))
    assert "版の指定が不正です" in line


def test_kinds_of_change_have_one_japanese_word_everywhere(sample_history: str) -> None:
    """diff and review name each change of a revision with the same word, never the English kind."""
    from conftest import run_cli
    from hyoka.diff.align import CHANGE_NAMES

    code, diff_out, err = run_cli("diff", "sakuragawa@2", "sakuragawa@3", "--db", sample_history)
    assert code == 0, err
    code, review_out, err = run_cli("review", "sakuragawa@3", "--db", sample_history)
    assert code == 0, err
    pattern = re.compile(r"\] (\S+) \((" + "|".join(CHANGE_NAMES.values()) + r")\)$", re.M)
    in_diff, in_review = dict(pattern.findall(diff_out)), dict(pattern.findall(review_out))
    assert in_diff and in_diff == in_review
    assert "追加" in in_diff.values()  # v3 adds システム4: the word for an addition is tested too
    for english in CHANGE_NAMES:
        assert f"({english})" not in diff_out + review_out
