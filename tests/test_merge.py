"""`hyoka commit FILE --parent N --rebase`: the file merged three ways onto the head (issue 11).

Two clerks export the same version and edit it; the second commit must keep the first's
work. Run on the backend under test (SQLite, or PostgreSQL with HYOKA_TEST_BACKEND)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import SAMPLES, run_cli, run_sql
from hyoka.audit.merge import merge
from hyoka.ingest import dumps, read_file
from hyoka.model import ChangeRow, Item, ItemPath, Report, Text

V1 = SAMPLES / "sakuragawa" / "v1.txt"
PURPOSE = "II/3/③使用目的"
CONTENT = "I/1/②事務の内容"
DECLARATION = "表紙/宣言"


def sample() -> Report:
    return read_file(V1).report



def edited(report: Report, changes: dict[str, str]) -> Report:
    return dataclasses.replace(report, items=tuple(
        dataclasses.replace(item, value=Text(changes[str(item.path)])) if str(item.path) in changes else item
        for item in report.items
    ))


def with_system(report: Report, name: str, function: str) -> Report:
    """``report`` with one more システムN after its last one (N = the next number)."""
    systems = [i for i, item in enumerate(report.items) if str(item.path).startswith("I/2/システム")]
    numbers = {int(str(report.items[i].path).split("/")[2].removeprefix("システム")) for i in systems}
    n = max(numbers) + 1
    base = ItemPath.parse(f"I/2/システム{n}")
    new = (
        Item(base, f"システム{n}", False, Text("")),
        Item(base.child("①システムの名称"), "①システムの名称", False, Text(name)),
        Item(base.child("②システムの機能"), "②システムの機能", False, Text(function)),
    )
    at = systems[-1] + 1
    return dataclasses.replace(report, items=(*report.items[:at], *new, *report.items[at:]))


def write(folder: Path, name: str, report: Report) -> str:
    path = folder / name
    path.write_text(dumps(report), encoding="utf-8")
    return str(path)


def commit(db: str, file: str, *extra: str, author: str = "山田") -> tuple[int, str, str]:
    return run_cli("commit", file, "-r", "s", "-a", author, *extra, "--db", db)


@pytest.fixture
def db(db_url: str) -> str:
    assert run_cli("init", "--db", db_url)[0] == 0
    assert commit(db_url, str(V1))[0] == 0
    return db_url


def exported(db: str, ref: str) -> Report:
    code, out, err = run_cli("export", ref, "--db", db)
    assert code == 0, err
    from hyoka.ingest import loads

    return loads(out)


def text_of(report: Report, path: str) -> str:
    item = report.get(path)
    assert item is not None and isinstance(item.value, Text)
    return item.value.text


def count(db: str, table: str) -> int:
    return int(run_sql(db, f"SELECT count(*) FROM {table}")[0][0])


def test_two_clerks_on_different_items_keep_both_edits(db: str, tmp_path: Path) -> None:
    base = exported(db, "s@1")
    first = edited(base, {PURPOSE: "佐藤が直した使用目的"})
    row_a = ChangeRow("令和8年1月1日", "使用目的", "", "", "", "a")
    first = dataclasses.replace(first, appendix=(*base.appendix, row_a))
    second = edited(base, {CONTENT: "鈴木が直した事務の内容"})
    row_b = ChangeRow("令和8年2月1日", "事務の内容", "", "", "", "b")
    second = dataclasses.replace(second, appendix=(*base.appendix, row_b))
    assert commit(db, write(tmp_path, "a.txt", first), "--parent", "1", author="佐藤")[0] == 0
    code, out, err = commit(db, write(tmp_path, "b.txt", second), "--parent", "1", "--rebase", author="鈴木")
    assert code == 0, err
    assert "s@3" in out
    merged = exported(db, "s@3")
    assert text_of(merged, PURPOSE) == "佐藤が直した使用目的"  # the colleague's edit is kept
    assert text_of(merged, CONTENT) == "鈴木が直した事務の内容"
    assert [row.reason for row in merged.appendix[len(base.appendix):]] == ["a", "b"]
    # classified against the head: the only change v3 brings is the file's own edit
    code, out, _ = run_cli("review", "s@3", "--format", "json", "--db", db)
    assert [c["path"] for c in json.loads(out)["changes"]] == [CONTENT]
    (payload,) = run_sql(db, "SELECT payload FROM events WHERE kind = 'classify' AND version = 3")[0]
    assert json.loads(payload)["merged"] == {"base": 1, "head": 2}
    assert run_cli("verify", "--db", db)[0] == 0


def test_the_same_item_changed_on_both_sides_is_refused_with_the_list(db: str, tmp_path: Path) -> None:
    base = exported(db, "s@1")
    ours = edited(base, {PURPOSE: "佐藤の文", DECLARATION: "佐藤の宣言"})
    theirs = edited(base, {PURPOSE: "鈴木の文", DECLARATION: "鈴木の宣言", CONTENT: "鈴木だけの変更"})
    assert commit(db, write(tmp_path, "a.txt", ours), "--parent", "1")[0] == 0
    versions, events, blobs = count(db, "versions"), count(db, "events"), count(db, "blobs")
    code, out, err = commit(db, write(tmp_path, "b.txt", theirs), "--parent", "1", "--rebase")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert PURPOSE in err and DECLARATION in err and CONTENT not in err and "2 件" in err
    assert (count(db, "versions"), count(db, "events"), count(db, "blobs")) == (versions, events, blobs)


def test_an_identical_change_on_both_sides_is_no_conflict(db: str, tmp_path: Path) -> None:
    base = exported(db, "s@1")
    ours = edited(base, {PURPOSE: "同じ直し"})
    theirs = edited(base, {PURPOSE: "同じ直し", CONTENT: "鈴木の変更"})
    assert commit(db, write(tmp_path, "a.txt", ours), "--parent", "1")[0] == 0
    code, _, err = commit(db, write(tmp_path, "b.txt", theirs), "--parent", "1", "--rebase")
    assert code == 0, err
    merged = exported(db, "s@3")
    assert (text_of(merged, PURPOSE), text_of(merged, CONTENT)) == ("同じ直し", "鈴木の変更")


def test_base_equal_to_head_is_a_plain_commit(db: str, tmp_path: Path) -> None:
    file = edited(exported(db, "s@1"), {PURPOSE: "直した"})
    code, out, err = commit(db, write(tmp_path, "a.txt", file), "--parent", "1", "--rebase")
    assert code == 0 and "s@2" in out, err
    assert exported(db, "s@2") == file
    (payload,) = run_sql(db, "SELECT payload FROM events WHERE kind = 'classify' AND version = 2")[0]
    assert "merged" not in json.loads(payload)


def test_both_clerks_add_a_system_and_both_are_kept(db: str, tmp_path: Path) -> None:
    base = exported(db, "s@1")
    ours = with_system(base, "佐藤の追加システム", "佐藤が追加した機能")
    theirs = with_system(base, "鈴木の追加システム", "鈴木が追加した機能")
    assert commit(db, write(tmp_path, "a.txt", ours), "--parent", "1")[0] == 0
    code, _, err = commit(db, write(tmp_path, "b.txt", theirs), "--parent", "1", "--rebase")
    assert code == 0, err
    merged = exported(db, "s@3")
    names = [text_of(merged, str(i.path)) for i in merged.items if str(i.path).endswith("①システムの名称")]
    assert names[-2:] == ["佐藤の追加システム", "鈴木の追加システム"]
    n = len(names)
    assert text_of(merged, f"I/2/システム{n}/①システムの名称") == "鈴木の追加システム"  # numbered after the head's
    assert text_of(merged, f"I/2/システム{n - 1}/①システムの名称") == "佐藤の追加システム"


def test_an_edit_follows_its_instance_when_the_head_inserted_one_before_it() -> None:
    """Instances match by content as the differ does: a system inserted first by the head
    shifts the numbering, and the file's edit of システム2 lands on the head's システム3."""
    base = sample()
    first = [item for item in base.items if str(item.path).startswith("I/2/システム1")]
    inserted = tuple(
        dataclasses.replace(
            item, path=ItemPath(("I", "2", "システム1", *item.path.segments[3:])),
            value=Text("新しい共通基盤") if isinstance(item.value, Text) and item.value.text else item.value,
        )
        for item in first
    )
    renumbered = []
    for item in base.items:
        segments = item.path.segments
        if len(segments) > 2 and segments[:2] == ("I", "2") and segments[2].startswith("システム"):
            number = int(segments[2].removeprefix("システム"))
            item = dataclasses.replace(item, path=ItemPath(("I", "2", f"システム{number + 1}", *segments[3:])))
        renumbered.append(item)
    at = next(i for i, item in enumerate(renumbered) if str(item.path) == "I/2/システム2")
    head = dataclasses.replace(base, items=(*renumbered[:at], *inserted, *renumbered[at:]))
    theirs = edited(base, {"I/2/システム2/②システムの機能": "鈴木が直した機能"})
    result = merge(base, head, theirs)
    assert result.conflicts == () and result.report is not None
    assert text_of(result.report, "I/2/システム3/②システムの機能") == "鈴木が直した機能"
    assert text_of(result.report, "I/2/システム1/②システムの機能") == "新しい共通基盤"


def test_a_change_to_an_item_the_head_removed_is_a_conflict() -> None:
    base = sample()
    head = dataclasses.replace(base, items=tuple(i for i in base.items if str(i.path) != PURPOSE))
    theirs = edited(base, {PURPOSE: "直した"})
    result = merge(base, head, theirs)
    assert result.report is None and result.conflicts == (PURPOSE,)
    both_removed = merge(base, head, head)
    assert both_removed.report is not None and both_removed.report.get(PURPOSE) is None
