"""Fast reading (issue 13): what one reading remembers for the next never changes what it reads.

The reader remembers the catalogue's answers, split lines and cell values across readings in a
process (hyoka.ingest.grammar and friends). Reading a report after reading another — its previous
version, another form, a different file — must give exactly what a first reading in a fresh
process gives.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyoka.forms.match import THRESHOLD, key, similarity, too_far_apart
from hyoka.ingest import dumps, forget, read_text
from hyoka.ingest.reading import Reading

EDITS = ("また、年1回点検する。", "及び", "改訂:")


def edited(text: str, share: float, seed: int) -> str:
    """The text with ``share`` of its label<TAB>value lines changed."""
    rng = random.Random(seed)
    lines = text.split("\n")
    values = [i for i, line in enumerate(lines) if "\t" in line and len(line) > 20]
    for n, idx in enumerate(rng.sample(values, max(1, int(len(values) * share)))):
        head, cell = lines[idx].rsplit("\t", 1)
        lines[idx] = f"{head}\t{EDITS[n % 3]}{cell}"
    return "\n".join(lines)


def fresh(text: str, name: str) -> Reading:
    forget()
    return read_text(text, name)


def same(a: Reading, b: Reading) -> bool:
    return dumps(a.report) == dumps(b.report) and a.diagnostics == b.diagnostics


def test_a_reading_after_others_equals_a_first_reading(seeds_dir: Path) -> None:
    texts = {p.name: p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    assert len(texts) >= 2
    firsts = {name: fresh(text, name) for name, text in texts.items()}
    versions = {f"{name}+edit": edited(text, 0.05, 1) for name, text in texts.items()}
    first_versions = {name: fresh(text, name) for name, text in versions.items()}
    forget()
    # One process reads everything in turn, each file twice, the edited versions in between.
    for _ in range(2):
        for name, text in texts.items():
            assert same(read_text(text, name), firsts[name]), name
            edit = f"{name}+edit"
            assert same(read_text(versions[edit], edit), first_versions[edit]), edit
    assert not same(firsts[next(iter(texts))], first_versions[f"{next(iter(texts))}+edit"]), "the edits are read"


def test_forget_empties_what_is_remembered(seeds_dir: Path) -> None:
    from hyoka.ingest import cells, heads, lines, placer

    text = next(iter(sorted(seeds_dir.glob("*.txt")))).read_text("utf-8")
    dumps(read_text(text, "seed").report)  # every value parsed (a reading parses them when asked)
    caches = (lines.split_cells, cells.parse_value, heads.mended_cells, placer._clean_label)
    assert all(cache.cache_info().currsize > 0 for cache in caches)
    forget()
    assert all(cache.cache_info().currsize == 0 for cache in caches)


def test_forget_everything_empties_catalogues_and_the_differ_too(seeds_dir: Path) -> None:
    """hyoka.memory.forget_everything is what the first-reading benchmark starts from: after it,
    no process-wide memory holds anything, and a diff reads and aligns as before."""
    from hyoka import forms
    from hyoka.classify import compare_reports
    from hyoka.classify.policy import Policy
    from hyoka.diff import align
    from hyoka.forms import printed
    from hyoka.ingest import lines
    from hyoka.memory import forget_everything

    old, new = (path.read_text("utf-8") for path in sorted(seeds_dir.glob("*.txt"))[:2])

    def records() -> list[tuple[str, str]]:
        before = read_text(old, "old").report
        after = read_text(old.replace("①システムの名称\t", "①システムの名称\t新", 1), "new").report
        return [(str(r.path), r.decision.rule) for r in compare_reports(before, after, Policy()).records]

    first = records()
    read_text(new, "other")
    caches = (forms.load_catalogue, forms._catalogue_data, align._instance_in, lines.split_cells)
    assert all(cache.cache_info().currsize > 0 for cache in caches)
    forget_everything()
    assert all(cache.cache_info().currsize == 0 for cache in (*caches, printed._label, printed._descendants))
    assert records() == first and first


ALPHABET = "①②③⑥⑩0123456789入手元使用目的の事務ファイルリスク・ "


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=30), st.text(ALPHABET, max_size=8), st.text(ALPHABET, max_size=8))
def test_labels_skipped_for_their_lengths_could_not_have_matched(base: str, before: str, after: str) -> None:
    """forms.match.best skips a name whose length alone keeps it under the threshold: the skip
    must never drop a name similarity would have accepted. A key and the same key with text
    around it are as similar as keys of those lengths get."""
    for printed, name in ((key(base), key(before + base + after)), (key(before + base + after), key(base))):
        if printed and name and too_far_apart(len(printed), len(name)):
            assert similarity(printed, name) < THRESHOLD, (printed, name)


def test_the_length_rule_does_skip_names() -> None:
    assert too_far_apart(len("①入手元"), len("①特定個人情報ファイルを取り扱う事務において使用するシステム"))
    assert not too_far_apart(len("③使用日的"), len("③使用目的"))


def test_only_the_characters_themselves_fold_to_betten() -> None:
    """lines.appendix_heading skips a line without 別 and 添: no other character folds (NFKC) to them."""
    import sys
    import unicodedata

    folding = {chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF
               and ("別" in unicodedata.normalize("NFKC", chr(c)) or "添" in unicodedata.normalize("NFKC", chr(c)))}
    assert folding == {"別", "添"}


# Texts where brackets open, close, or never close (OCR reads "]" as "」"), with blanks between.
_BRACKETY = st.text(alphabet="[]」 \u3000a選1)", max_size=24)


@settings(max_examples=500, deadline=None)
@given(_BRACKETY)
def test_a_bracket_is_asked_in_c_exactly_as_the_patterns_would_read_it(text: str) -> None:
    """parse_choice asks _closes_first before three lazy patterns that would otherwise walk a cell
    whose bracket never closes: its answer must be what the patterns need, no more, no less."""
    import re

    from hyoka.ingest.cells import _CHOICE_RE, _NEAR_CHOICE_RE, _NEAR_LEAD, _closes_first

    assert _closes_first(text, 0) == bool(re.match(r"\[\s*([^\[\]]*?)\s*\]", text))
    assert _closes_first(text, 0) or not _CHOICE_RE.match(text)
    opening = text.find("[", 0, _NEAR_LEAD + 1)
    if not (opening >= 0 and _closes_first(text, opening)):
        assert not _NEAR_CHOICE_RE.match(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="変更 \u3000\u00a0\u2003\u2002\n\r\x0ba", max_size=16))
def test_a_cell_without_a_run_of_blanks_is_only_stripped(cell: str) -> None:
    """collapse_cells only strips the cells of a line with no run of spaces, no full-width and no
    no-break space (most lines): collapse_space must give the same there."""
    from hyoka.normalize import collapse_space

    if "  " not in cell and "\u3000" not in cell and "\u00a0" not in cell:
        assert collapse_space(cell) == cell.strip()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a\r\n\t あ", max_size=30))
def test_line_breaks_fold_as_the_two_replaces_would(text: str) -> None:
    """unix_newlines, which skips both replace passes when the text has no CR, folds exactly
    what they fold, and a text without CR comes back as it is."""
    from hyoka.normalize import unix_newlines

    assert unix_newlines(text) == text.replace("\r\n", "\n").replace("\r", "\n")
    if "\r" not in text:
        assert unix_newlines(text) is text


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="使用目的①③ 　\t※*＊…㈱ｶﾞガ〜～~Ａa1:：\u3099\u00a0", max_size=14), st.integers(0, 16))
def test_a_label_printed_as_its_key_ends_where_the_walk_would_end_it(text: str, consumed: int) -> None:
    """_label_end answers a label without blanks, ※, * or anything NFKC folds at once: the index
    is the one counting the key's characters one at a time gives."""
    from hyoka.forms.match import _label_end, _label_end_walk

    assert _label_end(text, consumed) == _label_end_walk(text, consumed)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_best_name_is_the_one_scoring_every_name_would_pick(data: st.DataObject) -> None:
    """best_in (names outside the length window skipped, the key's readings worked out once)
    picks what scoring every name of the table with similarity picks: the best at or above the
    threshold, the first on a tie."""
    from hyoka.forms import load_catalogue
    from hyoka.forms.match import best_in, name_table

    catalogue = load_catalogue("全項目")
    parents = sorted({entry.path[:-1] for entry in catalogue.entries})
    table = name_table(catalogue.children(data.draw(st.sampled_from(parents))))
    names = [row[1] for row in table] or ["使用目的"]
    base = data.draw(st.sampled_from(names))
    head = data.draw(st.sampled_from(["", "①", "③", "6", "12", "⑥ "]))
    cut = data.draw(st.integers(0, len(base)))
    noise = data.draw(st.text(alphabet="日的目使用者数期間", max_size=3))
    printed = key(head + base[:cut] + noise + base[cut + len(noise):])
    expected = None
    for entry, name, *_ in table:
        score = similarity(printed, name)
        if score >= THRESHOLD and (expected is None or score > expected[1]):
            expected = (entry, score, name)
            if score >= 100.0:
                break
    found = best_in(printed, table)
    assert (found.entry, found.score, found.name) == expected if found else expected is None


def test_a_key_reads_against_circled_and_plain_names_as_the_rules_say() -> None:
    """The readings best_in works out once per key: a circled number printed where the name has
    none costs 5, a digit OCR printed for the name's circled number costs 5, an agreeing number
    counts as a character; and the length windows it looks up are length_window's."""
    from hyoka.forms.match import _WINDOWS, length_window

    assert similarity("①使用目的", "使用目的") == 95.0
    assert similarity("6使用目的", "⑥使用目的") == 95.0
    assert similarity("⑥使用目的", "⑥使用目的") == 100.0
    assert similarity("②使用目的", "⑥使用目的") == 75.0
    assert similarity("③使用日的", "③使用目的") == 80.0
    assert all(_WINDOWS[length] == length_window(length) for length in range(len(_WINDOWS)))


def test_an_item_parses_its_printed_value_once_when_first_asked() -> None:
    """Item.printed: a reading's items parse their values on first use, then keep them; such an
    item is equal to, hashes and prints as, and pickles to the item made with the value."""
    import copy
    import dataclasses
    import pickle

    from hyoka.ingest.cells import parse_value
    from hyoka.model import Item, ItemPath, Value

    asked: list[str] = []

    def parse(text: str) -> Value:
        asked.append(text)
        return parse_value(text)

    path, text = ItemPath(("II", "3", "①入手元")), "[○] 本人又は本人の代理人 [ ] 評価実施機関内の他部署"
    item = Item.printed(path, "①入手元", True, text, parse)
    assert asked == []  # nothing parsed when made
    made = Item(path, "①入手元", True, parse_value(text))
    assert item == made and hash(item) == hash(made) and repr(item) == repr(made)
    assert item.value is item.value and asked == [text]  # parsed once, then kept
    assert pickle.loads(pickle.dumps(item)) == made and copy.deepcopy(item) == made
    assert dataclasses.replace(item, label="①入手元等") == Item(path, "①入手元等", True, made.value)
    assert vars(item) == vars(made)  # once parsed, nothing of the printed text is kept
    unparsed = Item.printed(path, "①入手元", True, text, parse_value)
    assert pickle.loads(pickle.dumps(unparsed)).value == made.value
    assert not hasattr(item, "values")


def test_an_item_with_a_bad_label_is_refused_when_made() -> None:
    from hyoka.ingest.cells import parse_value
    from hyoka.model import Item, ItemPath

    with pytest.raises(ValueError, match="label"):
        Item.printed(ItemPath(("I", "1")), "①事務の名称 ※", False, "text", parse_value)


def test_a_comparison_parses_only_the_values_it_looks_at(seeds_dir: Path) -> None:
    """`hyoka diff` of two versions compares unchanged items by identity: most values of a first
    reading are never parsed, and the comparison is the one made with every value parsed first."""
    from hyoka.classify import compare_reports
    from hyoka.classify.policy import Policy
    from hyoka.ingest import dumps as dump_report

    seed = max(seeds_dir.glob("*.txt"), key=lambda p: p.stat().st_size)
    text = seed.read_text("utf-8")
    old, new = fresh(text, "old").report, read_text(edited(text, 0.03, 3), "new").report
    lazy = compare_reports(old, new, Policy())
    printed = [item for item in old.items if item.path.segments[0] != "表紙"]  # the cover's are made whole
    parsed = sum(1 for item in printed if "value" in vars(item))
    assert 0 < parsed < len(printed) * 0.75, (parsed, len(printed))
    old_again, new_again = fresh(text, "old").report, read_text(edited(text, 0.03, 3), "new").report
    dump_report(old_again), dump_report(new_again)  # every value parsed before comparing
    assert all("value" in vars(item) for item in old_again.items)
    assert compare_reports(old_again, new_again, Policy()).records == lazy.records
