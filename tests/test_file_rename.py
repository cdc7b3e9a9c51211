"""Renaming a 特定個人情報ファイル is one change, not a new file.

A report names each 特定個人情報ファイル under "1. 特定個人情報ファイル名" at the top of its
section II and III blocks; a multi-file report (seed 004: three files) repeats II and III once
per file and its item paths name the file ("II(住民基本台帳ファイル)/3/①入手元"). A typo fixed
in that name must come out of ``hyoka diff`` as exactly one modified row per edited printing
(the name itself), not as every item of the file's block removed and added again.

The edit is found by structure (layout_variants.file_name_cells): the block's "1. 特定個人情報
ファイル名" value, in the k-th II or III block; one kanji of it is replaced. For 004 the second
file is renamed, so that a reader keying blocks by position cannot get away with the first.
Which path the row carries (old or new name) is the reader's choice; the row must be the
block's "1" item, of the edited section, and carry the old and the new name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from hyoka.cli import app
from layout_variants import change_one_character, edit_cell, file_name_cells

SHOW = 5


def seed_text(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"seed {prefix} not found in {SEEDS}: ../shared/seeds must sit beside the clone")
    return found[0].read_text(encoding="utf-8")


def rename(text: str, file_index: int, sections: tuple[str, ...]) -> tuple[str, str, str]:
    """The seed with the name of its ``file_index``-th file edited in the given sections' blocks."""
    blocks: dict[str, list[tuple[int, int]]] = {"II": [], "III": []}
    for section, line, cell in file_name_cells(text.split("\n")):
        blocks[section].append((line, cell))
    assert len(blocks["II"]) == len(blocks["III"]) > file_index, f"file-name blocks found: {blocks}"
    old = new = ""
    for section in sections:
        line, cell = blocks[section][file_index]
        text, old, new = edit_cell(text, line, cell, change_one_character)
    return text, old, new


def diff_json(folder: Path, before: str, after: str) -> dict:
    old, new = folder / "original.txt", folder / "renamed.txt"
    old.write_text(before, encoding="utf-8")
    new.write_text(after, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, f"hyoka diff exit {result.exit_code}: {result.stderr or result.stdout}"
    return json.loads(result.stdout)


def describe(changes: list[dict]) -> str:
    kinds: dict[str, int] = {}
    for change in changes:
        kinds[change["change"]] = kinds.get(change["change"], 0) + 1
    lines = [f"{len(changes)} change rows {kinds}; first {SHOW}:"]
    lines += [f"  {c['change']:8} {c['path']}" for c in changes[:SHOW]]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("seed", "file_index", "sections"),
    [
        pytest.param("002", 0, ("II",), id="002-single-file-II"),
        pytest.param("002", 0, ("III",), id="002-single-file-III"),
        pytest.param("004", 1, ("II",), id="004-second-file-II"),
        pytest.param("004", 1, ("III",), id="004-second-file-III"),
        pytest.param("004", 1, ("II", "III"), id="004-second-file-II-and-III"),
    ],
)
def test_a_renamed_file_is_one_change_per_edited_printing(
    seed: str, file_index: int, sections: tuple[str, ...], tmp_path: Path
) -> None:
    original = seed_text(seed)
    renamed, old_name, new_name = rename(original, file_index, sections)
    assert old_name != new_name and renamed != original
    changes = diff_json(tmp_path, original, renamed)["changes"]
    context = f"{seed}: file name {old_name} → {new_name} in {'+'.join(sections)}\n" + describe(changes)
    if len(changes) != len(sections):
        pytest.fail(f"expected {len(sections)} change row(s), the name; got {context}")
    seen = set()
    for change in changes:
        segments = change["path"].split("/")
        section = segments[0].split("(")[0].split("#")[0]
        ok = (
            change["change"] == "modified"
            and section in sections
            and segments[1:] == ["1"]
            and old_name in change["before"]
            and new_name in change["after"]
        )
        if not ok:
            pytest.fail(f"not the name's row: {change['change']} {change['path']} "
                        f"{change['before']!r} → {change['after']!r}\n{context}")
        seen.add(section)
    assert seen == set(sections), context
