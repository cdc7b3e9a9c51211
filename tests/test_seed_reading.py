"""Every seed and sample read onto its form: no item outside the catalogue, and every line the
reader could not place either fixed or justified here.

A line is left unplaced for one of two reasons, which this test tells apart by computing, not by
trusting a list: its label is damaged beyond the similarity threshold for every label of the form
(so placing it anywhere would be a guess), or it names an item below headings whose own lines the
extraction lost at more than one level (named below, with the evidence). Anything else unplaced
is a reader bug and fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.forms import load_catalogue
from hyoka.forms.match import THRESHOLD, key, names, similarity
from hyoka.ingest import read_file

FILES = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLES.glob("*/v*.txt"))

# Seed 001, lines 815–818: the OCR lost both "5. 特定個人情報の提供・移転…" and "リスク1: 不正な
# 提供・移転が行われるリスク", so the labels that follow (…提供・移転に関するルール, ルールの内容…,
# その他の措置の内容, リスクへの対策は十分か) belong to a heading two levels up that was never
# printed; the reader infers one lost level, not two. Their text stays with the item before.
LOST_TWO_LEVELS = {"001": range(815, 819)}


def _best_label_score(cell: str, form: str) -> float:
    printed = key(cell)
    catalogue = load_catalogue(form)
    return max((similarity(printed, name) for entry in catalogue.entries for name in names(entry)), default=0.0)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_item_is_an_item_of_the_form(path: Path) -> None:
    reading = read_file(path)
    catalogue = load_catalogue(reading.diagnostics.form, reading.diagnostics.edition or None)
    outside = [str(item.path) for item in reading.report.items if catalogue.entry(item.path) is None]
    assert outside == []
    assert len(reading.report.items) > 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_unplaced_line_is_justified(path: Path) -> None:
    reading = read_file(path)
    lost = LOST_TWO_LEVELS.get(path.stem.split("_")[0], range(0))
    unexplained = []
    for line in reading.diagnostics.unplaced:
        if line.line in lost:
            continue
        first = line.text.split(" ")[0]
        score = _best_label_score(first, reading.diagnostics.form)
        joined = _best_label_score(line.text[:40], reading.diagnostics.form)
        if max(score, joined) >= THRESHOLD:
            unexplained.append((line.line, line.text[:60], round(max(score, joined))))
    assert unexplained == [], "labels of the form left unplaced (reader bug)"


def test_the_clean_seeds_and_samples_have_no_unplaced_line() -> None:
    clean = [p for p in FILES if not p.stem.startswith("001")]
    unplaced = {p.stem: len(read_file(p).diagnostics.unplaced) for p in clean}
    assert unplaced == dict.fromkeys(unplaced, 0)


def test_the_two_level_loss_is_what_the_seed_prints() -> None:
    """The justification above must stay true of the file: the lines named are labels of III 5.
    (they score as labels), and no "5." heading of III is printed before them."""
    seed = next(iter(SEEDS.glob("001_*.txt")))
    lines = seed.read_text(encoding="utf-8").split("\n")
    block = lines[800:818]
    assert not any(line.lstrip("# ").startswith(("5.", "5．")) for line in block)
    reading = read_file(seed)
    unplaced = {u.line for u in reading.diagnostics.unplaced}
    assert set(LOST_TWO_LEVELS["001"]) <= unplaced
    assert all(_best_label_score(lines[n - 1].split("\t")[0] + lines[n - 1].split("\t")[1], "全項目") >= THRESHOLD
               for n in (815, 817))
