"""Hostile input: any bytes or text either ingests or raises the project's own error, never another
exception, never a hang; the same for policy files. (Issue 6; counted in docs/reliability.md.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyoka.classify.policy import Policy, PolicyError, load_policy, policy_from_dict
from hyoka.errors import HyokaError
from hyoka.ingest import dumps, loads, parse_text, read_bytes
from hyoka.model import Report

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v1.txt"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
SAMPLE_LINES = SAMPLE_TEXT.split("\n")
REPORT_ALPHABET = st.sampled_from(
    [*"あいうえおアイウ市税課部システム評価書変更箇所①②③※[]○ ()<>/:、。\t\n0123456789IVX-|=#",
     "<p>", "</p>", "<td>", "<ul>", "<li>", "<br>", "&amp;", "I 基本情報", "II ", "III ", "システム1",
     "[○]", "[ ]", "<選択肢>", "1) ", "== ", "| ", "表示: ", "選択: ", "## 変更箇所", "hyoka-report"]
)
# Example counts come from the hypothesis profile (conftest.py): 150 in the suite, more for the
# reliability report (HYOKA_HYPOTHESIS_PROFILE=reliability).
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(call: object) -> str:
    """"report" or "error" — anything else (another exception) fails the test."""
    try:
        result = call()  # type: ignore[operator]
    except HyokaError as exc:
        assert str(exc) and "\n" not in str(exc).strip(), "errors are one line"
        return "error"
    assert isinstance(result, Report)
    return "report"


@FAST
@given(st.binary(max_size=20_000))
def test_any_bytes_ingest_or_fail_cleanly(data: bytes) -> None:
    assert outcome(lambda: read_bytes(data)) in {"report", "error"}


@FAST
@given(st.lists(REPORT_ALPHABET, max_size=400).map("".join))
def test_report_like_text_ingests_or_fails_cleanly(text: str) -> None:
    assert outcome(lambda: parse_text(text)) in {"report", "error"}


@FAST
@given(st.data())
def test_mutated_sample_ingests_or_fails_cleanly(data: st.DataObject) -> None:
    """Delete, duplicate, truncate and splice lines of a real-looking report."""
    lines = list(SAMPLE_LINES)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["delete", "duplicate", "truncate", "insert", "swap"]))
        i = data.draw(st.integers(0, len(lines) - 1))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "truncate":
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]))))]
        elif action == "insert":
            lines.insert(i, data.draw(st.lists(REPORT_ALPHABET, max_size=40).map("".join)))
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    assert outcome(lambda: parse_text("\n".join(lines))) in {"report", "error"}


NATIVE = dumps(parse_text(SAMPLE_TEXT))


@FAST
@given(st.data())
def test_mutated_native_format_loads_or_fails_cleanly(data: st.DataObject) -> None:
    lines = NATIVE.split("\n")
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        choice = data.draw(st.sampled_from(["delete", "mangle", "duplicate"]))
        if choice == "delete":
            del lines[i]
        elif choice == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = data.draw(st.lists(REPORT_ALPHABET, max_size=30).map("".join))
    assert outcome(lambda: loads("\n".join(lines))) in {"report", "error"}


TOML_ALPHABET = st.sampled_from([*"[]=\"'.,{}\n #0123456789abcdefghijklmnopqrstuvwxyz_-",
                                "classification", "star", "renames", "reasons", "appendix", "deadlines",
                                 "true", "false", "add", "remove", "disabled_rules", "abridge_context"])
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
SECTION_KEYS = st.sampled_from(["classification", "star", "renames", "reasons", "appendix", "deadlines", "x"])


@FAST
@given(st.lists(TOML_ALPHABET, max_size=120).map("".join))
def test_any_policy_text_loads_or_fails_cleanly(text: str) -> None:
    path = Path(f"/tmp/hyoka-policy-{abs(hash(text))}.toml")
    path.write_text(text, encoding="utf-8")
    try:
        try:
            assert isinstance(load_policy(path), Policy)
        except PolicyError as exc:
            assert "\n" not in str(exc).strip()
    finally:
        path.unlink(missing_ok=True)


@FAST
@given(st.dictionaries(SECTION_KEYS, JSONISH, max_size=4))
def test_any_policy_data_loads_or_fails_cleanly(data: dict[str, object]) -> None:
    try:
        policy = policy_from_dict(data)
    except PolicyError as exc:
        assert "\n" not in str(exc).strip()
        return
    assert isinstance(policy, Policy)


@pytest.mark.parametrize(
    "text",
    [
        "<p>" * 200_000,                                  # deep nesting of markup
        "I 基本情報\n" + "あ" * 3_000_000,                  # one huge line
        "\t" * 1_000_000,
        ("1. x\t" + "[○] a " * 50 + "\n") * 20_000,         # many wide checkbox rows
    ],
    ids=["nested-markup", "huge-line", "tabs", "many-rows"],
)
def test_large_hostile_inputs_end_quickly(text: str) -> None:
    """A hang guard, not a performance figure: big or deeply nested input ends in seconds."""
    start = time.perf_counter()
    assert outcome(lambda: parse_text(text)) in {"report", "error"}
    assert time.perf_counter() - start < 30


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = b"I \xe5\x9f\xba\xe6\x9c\xac\n" * (3 * 1024 * 1024)
    start = time.perf_counter()
    assert outcome(lambda: read_bytes(big)) == "error"
    assert time.perf_counter() - start < 5


def test_deeply_nested_policy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 50_000 + "]" * 50_000, encoding="utf-8")
    with pytest.raises(PolicyError):
        load_policy(path)


def test_a_reader_fault_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the reader was not made for may still trip a fault in it: the user gets one line
    (exit 2) naming the file and how to see more, nothing is written; HYOKA_DEBUG=1 shows the
    traceback (and is how the tests run, so that faults fail them)."""
    from typer.testing import CliRunner

    import hyoka.ingest
    from hyoka.cli import app

    def fault(text: str, name: str) -> object:
        raise KeyError("II/9")

    monkeypatch.setattr(hyoka.ingest, "read_published", fault)
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    monkeypatch.delenv("HYOKA_DEBUG")
    result = runner.invoke(app, ["commit", str(SAMPLE), "-r", "x", "-a", "山田", "--db", db])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "読み取りに失敗しました" in result.output
    assert "KeyError" in result.output and str(SAMPLE) in result.output
    assert runner.invoke(app, ["log", "x", "--db", db]).exit_code == 2  # no report was created
    monkeypatch.setenv("HYOKA_DEBUG", "1")
    debug = runner.invoke(app, ["commit", str(SAMPLE), "-r", "x", "-a", "山田", "--db", db])
    assert isinstance(debug.exception, KeyError)


def test_a_line_of_many_longer_numbered_cells_reads_like_one_of_two() -> None:
    """"1. 特 | 1. 特特 | …": each cell a numbered heading longer than the one before (a heading's
    debris, or a hostile line). The reader walks such cells in a loop: a call per cell stopped at
    Python's recursion limit (about a thousand cells), and compiled code (hatch_build.py) has none."""

    def with_line(cells: int) -> Report:
        line = "\t".join("1. " + "特" * (n + 1) for n in range(cells))
        middle = len(SAMPLE_LINES) // 2
        return parse_text("\n".join([*SAMPLE_LINES[:middle], line, *SAMPLE_LINES[middle:]]))

    few, many = with_line(2), with_line(1500)
    assert len(many.items) > 50
    assert [item.path for item in many.items] == [item.path for item in few.items]
