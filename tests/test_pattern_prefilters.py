r"""Shortcuts the reader takes before or instead of a pattern, held to the pattern (issue 13).

A reading asks most lines questions that their first character already answers (a heading, an
instance header, a page header), searches whole texts for a few characters, and runs patterns
that began with a look-behind. The reader now tests the first character (a set, isdecimal for
\d), scans with ``in``, asks ``unicodedata.is_normalized`` (a circled number is never
NFKC-normal), or runs a pattern rewritten to be found fast. Each such function must answer
exactly as the plain use of its pattern (or the code it replaced) would; these tests set each
against that.

The texts are drawn from the characters the patterns care about (numerals and their OCR
look-alikes, brackets, blanks, the groups' names, circled and full-width digits), so that both
matching and nearly matching texts come up; a first character left out of a prefilter fails here.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from hyoka import numbering
from hyoka.forms import load_catalogue
from hyoka.forms import match as form_match
from hyoka.ingest import heads, placer, published
from hyoka.ingest import lines as lines_module
from hyoka.ingest.grammar import INFER_THRESHOLD, Grammar
from hyoka.ingest.lines import Line
from hyoka.model import ItemPath
from hyoka.normalize import nfkc_keep_circled
from hyoka.numbering import CIRCLED, GROUP_NAMES, fold

_ALPHABET = ("ｶﾞ\u3099㈱·•∙～∼〰①　  IVXⅠⅡⅢⅣⅤⅥⅦΙпшvlL|iOo1234567890０１２３(（)）【】[]［］〔〕<>:：;；.．,，、・ 　\t"
             "①②③⑳リスクシステム委託事項提供先移転先#〜~ー-ａＩ特定個人情報保護評価書続き様式令和年月")
_PREFIXES = ("", " ", "　", "リスク", "リ ス ク", "【リスク", "システム", "委託事項", "提供先", "移転先",
             "【委託事項", "<システム", "(", "（", "3.", "３．", "2 ", "II", "Ⅲ", "Il", "11 ", "III(",
             "特定個人情報保護評価書", "[令和7年5月 様式4]", "（続き）", "①", "(3)", "10)", "（3）",
             "<システム2>", "【委託事項1】", "(提供先3)", "〔移転先4〕", "委託事項1：", "リスク2", "リスク3：",
             "システム12", "提供先4 ", "システム1 ①", "システム6〜10", "委託事項 1-5", "V(", "VI(税務)",
             "II(住民票)#2", "①入手元#3", "① 入手元", "入手元  本人", "入手元\u3000本人",
             "l.", "i．", "|，", "I.", "lO.", "O.", "1l ", "(D", "CD", "@", "©", "®", "Φ")
_texts = st.one_of(
    st.text(alphabet=_ALPHABET, max_size=16),
    st.builds(lambda head, tail: head + tail, st.sampled_from(_PREFIXES), st.text(alphabet=_ALPHABET, max_size=12)),
)


def _plain_paren_to_circled(text: str) -> str | None:
    m = numbering._PAREN_NUMBER_RE.match(fold(text))
    if not m or not 1 <= int(m.group(1)) <= len(CIRCLED):
        return None
    return numbering.circled(int(m.group(1))) + fold(text)[m.end() :]


def _plain_digits_read(folded: str) -> str:
    m = numbering._LOOKALIKE_NUMBER_RE.match(folded)
    if m is None:
        return folded
    digits = m.group(1).translate(numbering._DIGIT_LOOKALIKES)
    if not digits.isdecimal() or not 1 <= int(digits) <= 20 or m.group(1) == "II":
        return folded
    return digits + folded[m.end(1) :]


def _plain_numbered(text: str) -> tuple[str, str] | None:
    m = numbering._NUMBERED_RE.match(_plain_digits_read(fold(text)))
    return (m.group(1), m.group(2).strip()) if m else None


def _plain_loosely_numbered(text: str) -> tuple[str, str] | None:
    folded = _plain_digits_read(fold(text))
    if numbering._NUMBERED_RE.match(folded):
        return None
    m = numbering._LOOSE_NUMBERED_RE.match(folded)
    return (m.group(1), m.group(2).strip()) if m else None


def _plain_group_instance(text: str) -> str | None:
    compact = fold(text).replace(" ", "")
    m = numbering._GROUP_RE.match(compact)
    ocr = numbering._GROUP_LOOKALIKE_RE.match(compact)
    if m is None and ocr is not None and int(ocr.group(2).translate(numbering._DIGIT_LOOKALIKES)):
        m = numbering._GROUP_RE.match(ocr.group(1) + ocr.group(2).translate(numbering._DIGIT_LOOKALIKES))
    return f"{m.group(1)}{int(m.group(2))}" if m else None


def _plain_marked_group_instance(text: str) -> tuple[str, str] | None:
    m = numbering._MARKED_GROUP_RE.match(fold(text).strip())
    if not m:
        return None
    name, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{name}{int(number)}", m.group(5).strip()


def _plain_group_range(text: str) -> bool:
    return bool(numbering._RANGE_RE.match(fold(text).replace(" ", "").replace("〜", "~")))


def _plain_risk_heading(text: str) -> numbering.RiskHeading | None:
    folded = fold(text).strip()
    m = numbering._RISK_RE.match(folded)
    if m:
        digits = m.group(1).translate(numbering._DIGIT_LOOKALIKES)
        return numbering.RiskHeading(int(digits) if digits else None, m.group(2).strip())
    bare = numbering._RISK_BARE_RE.match(folded.replace(" ", ""))
    return numbering.RiskHeading(int(bare.group(1)), "") if bare else None


def _plain_strip_roman(folded: str) -> tuple[str | None, str]:
    head = (numbering._ROMAN_HEAD_RE.match(folded) or numbering._lookalike_head(folded)
            or numbering._DIGIT_HEAD_RE.match(folded))
    if not head:
        return None, folded.strip()
    return head.group(1), folded[head.end() :].strip()


def _plain_instance_of(segment: str) -> tuple[str, int] | None:
    m = numbering._INSTANCE_RE.match(segment)
    return (m.group(1), int(m.group(2))) if m else None


def _plain_generic_segment(segment: str) -> str:
    segment = numbering._DUPLICATE_RE.sub("", segment)
    file_match = numbering._FILE_SECTION_RE.match(segment)
    if file_match:
        return file_match.group(1)
    m = numbering._GENERIC_RE.match(segment)
    return f"{m.group(1)}N" if m else segment


def _plain_file_section(segment: str) -> tuple[str, str] | None:
    m = numbering._FILE_SECTION_RE.match(numbering._DUPLICATE_RE.sub("", segment))
    return (m.group(1), m.group(2)) if m else None


_NUMBERING_PAIRS = [
    (numbering.paren_to_circled, _plain_paren_to_circled),
    (numbering.numbered, _plain_numbered),
    (numbering.loosely_numbered, _plain_loosely_numbered),
    (numbering.group_instance, _plain_group_instance),
    (numbering.marked_group_instance, _plain_marked_group_instance),
    (numbering.group_range, _plain_group_range),
    (numbering.risk_heading, _plain_risk_heading),
    (numbering.strip_roman, _plain_strip_roman),
    (numbering.instance_of, _plain_instance_of),
    (numbering.generic_segment, _plain_generic_segment),
    (numbering.file_section, _plain_file_section),
    (numbering.strip_duplicate, lambda segment: numbering._DUPLICATE_RE.sub("", segment)),
    (numbering.garbled_circled, lambda key: m.end() if (m := numbering._GARBLED_CIRCLED_RE.match(key)) else 0),
]


@settings(max_examples=600, deadline=None)
@given(_texts)
def test_numbering_answers_as_its_patterns_do(text: str) -> None:
    for tested, plain in _NUMBERING_PAIRS:
        assert tested(text) == plain(text), (tested.__name__, text)


def test_the_texts_drawn_reach_each_pattern() -> None:
    """The examples above would prove little if no drawn text ever matched: each pattern's own
    kind of text, printed as the forms print it, is answered (not None) by its function."""
    assert numbering.paren_to_circled("（3）入手元") == "③入手元"
    assert numbering.numbered("３．特定個人情報の入手") == ("3", "特定個人情報の入手")
    assert numbering.loosely_numbered("2 基本情報") == ("2", "基本情報")
    assert numbering.group_instance("システム 6") == "システム6"
    assert numbering.marked_group_instance("【委託事項1】交付業務") == ("委託事項1", "交付業務")
    assert numbering.group_range("システム6〜10")
    assert numbering.risk_heading("リ ス ク 2") == numbering.RiskHeading(2, "")
    assert numbering.strip_roman("Il 特定個人情報ファイルの概要") == ("Il", "特定個人情報ファイルの概要")
    assert numbering.strip_roman("п 基本情報")[0] == "п"
    assert numbering.generic_segment("III(税務ファイル)#2") == "III"
    assert numbering.file_section("II(住民票ファイル)") == ("II", "住民票ファイル")


def _plain_key(text: str) -> str:
    folded = form_match.label_key(text)
    if re.search("[·•∙]", folded) is not None:
        folded = folded.translate(form_match._DOTS)
    return folded.rstrip(form_match._TRAILING_NOISE)


def _plain_pseudo_circled(printed: str) -> tuple[str, str, float]:
    number, label = numbering.split_circled(printed)
    if number:
        return number, label, 0.0
    digits = form_match._LEADING_DIGITS_RE.match(printed)
    if digits and 1 <= int(digits.group(1)) <= len(CIRCLED):
        return numbering.circled(int(digits.group(1))), printed[digits.end() :], form_match._DIGIT_FOR_CIRCLED
    garbled = numbering._GARBLED_CIRCLED_RE.match(printed)
    if garbled:
        return form_match._ANY_CIRCLED, printed[garbled.end() :], form_match._DIGIT_FOR_CIRCLED
    return "", printed, 0.0


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_label_keys_and_circled_readings_as_their_patterns(text: str) -> None:
    # key(): the dots OCR misreads found by three scans, as the character class found them.
    assert form_match.key(text) == _plain_key(text)
    # nfkc_keep_circled(): waves found by four scans, as the character class found them.
    wave = re.search("[～~∼〰]", fold(text)) is not None
    assert nfkc_keep_circled(text) == (fold(text).translate(str.maketrans(dict.fromkeys("～~∼〰", "〜")))
                                       if wave else fold(text))
    assert form_match._pseudo_circled(text) == _plain_pseudo_circled(text)


@settings(max_examples=400, deadline=None)
@given(_texts, _texts)
def test_head_menders_and_page_headers_as_their_patterns(first: str, second: str) -> None:
    # heads._mend: a run-on instance header needs a group's name first, and is never read from a
    # cell that starts with a circled number.
    folded = nfkc_keep_circled(first)
    if heads._INSTANCE_RUN_ON_RE.match(folded):
        assert first[:1] not in CIRCLED and folded.startswith(GROUP_NAMES)
    run_on = heads._INSTANCE_RUN_ON_RE.match(folded)
    if (run_on is not None and numbering.group_instance(run_on.group(1)) and not first.startswith("【")
            and not numbering.group_range(folded)):  # "システム6 〜 10" stays a range header (66a671c)
        assert heads.mended_cells((first, second)) == (run_on.group(1), run_on.group(2), second)
    if heads._BRACKETED_LABEL_RE.match(first):
        assert first.startswith("【")
    # placer: an option line ("3) 課題が残されている") starts with a digit.
    if placer._OPTION_RE.match(first):
        assert first[:1].isdecimal()
    # published: page headers.
    line = Line(1, tuple(cell for cell in (first, second) if cell) or ("",))
    if line.cells != ("",):
        joined = line.joined
        plain = len(joined) <= published._HEADER_MAX and (
            bool(published._PAGE_HEADER_RE.match(line.first) or published._RUNNING_RE.match(joined.strip())))
        assert published._page_header(line, frozenset()) == plain


def test_page_headers_are_still_found() -> None:
    assert published._page_header(Line(1, ("特定個人情報保護評価書（全項目評価書）",)), frozenset())
    assert published._page_header(Line(1, ("[令和7年5月 様式4]",)), frozenset())
    assert published._page_header(Line(1, ("（続き）",)), frozenset())
    assert not published._page_header(Line(1, ("特定個人情報保護評価書について",)), frozenset())


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_cell_splitting_as_its_patterns(text: str) -> None:
    # join_circled: a text that is NFKC-normal has no circled number, so nothing to join.
    assert numbering.join_circled(text) == numbering._CIRCLED_SPACE_RE.sub(r"\1", text)
    # tab_separated: without a tab, only two spaces or an ideographic space make a gap.
    stripped = text.strip(" \u3000")
    if not (stripped.startswith("|") and stripped.count("|") >= 2):
        plain = text if "\t" in text else lines_module._COLUMN_GAP_RE.sub("\t", text)
        assert lines_module.tab_separated(text) == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab/ \n\r\t①", max_size=4), min_size=0, max_size=4).map("/".join))
def test_catalogue_paths_are_checked_as_item_paths_check_them(text: str) -> None:
    # forms keeps an entry's segments without making an ItemPath (issue 13): same segments,
    # same refusal.
    try:
        expected: tuple[str, ...] | str = ItemPath.parse(text).segments
    except ValueError as exc:
        expected = str(exc)
    try:
        split: tuple[str, ...] | str = ItemPath.split(text)
    except ValueError as exc:
        split = str(exc)
    assert split == expected


_FULL = Grammar(load_catalogue("全項目"))
_FULL._circled_title_heads = True  # as if a section title began with one: every line is read whole
_QUICK = Grammar(load_catalogue("全項目"))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(("", *CIRCLED, "Ⅱ ", "基本情報", "特定個人情報ファイルの概要", "III リスク対策")), _texts)
def test_a_line_starting_with_a_circled_number_is_no_section_heading(head: str, tail: str) -> None:
    # The grammar answers a line that starts with a circled number without folding it; reading
    # every line whole gives the same answers (None for those lines, a section for headings).
    assert _QUICK._section_heading(head + tail) == _FULL._section_heading(head + tail)
    if head[:1] in CIRCLED and head:
        assert _QUICK._section_heading(head + tail) is None
    assert _QUICK._section_heading("Ⅱ 特定個人情報ファイルの概要") is not None


@settings(max_examples=400, deadline=None)
@given(st.one_of(_texts, st.builds(lambda c, t: c + t, st.sampled_from(CIRCLED), _texts)))
def test_fold_keeps_circled_numbers_and_folds_the_rest(text: str) -> None:
    # fold() answers an NFKC-normal text, and a circled number followed by one, as they are.
    parts = numbering._CIRCLED_SPLIT_RE.split(text)
    plain = "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))
    assert numbering.fold.__wrapped__(text) == plain


def test_names_a_label_scores_only_names_that_could_reach_the_threshold() -> None:
    # names_a_label scores only names within reach of the threshold by their lengths; the answer
    # is the one scoring every name gives. Every name of the form, cut short at either end by up
    # to 14 characters or lengthened by up to 14: the near misses at both edges of the window.
    grammar = Grammar(load_catalogue("全項目"))
    checked = 0
    for name in grammar.all_names:
        for cut in range(15):
            extra = "及び情報の管理を行"[: cut % 10] + "あ" * (cut // 10)
            for printed in (name[cut:], name[: len(name) - cut], name + extra, extra + name):
                if not printed:
                    continue
                every = process.extractOne(printed, grammar.all_names, scorer=fuzz.ratio,
                                           score_cutoff=INFER_THRESHOLD)
                assert grammar.names_a_label(printed) == (every is not None), printed
                checked += every is not None
    assert checked > 1000  # most near misses do name a label: the test reaches both answers


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab情報 \t\u3000\u00a0\n\r\u2003\x0b", max_size=24))
def test_collapse_space_folds_runs_as_its_pattern_does(text: str) -> None:
    from hyoka.normalize import _SPACE_RE, collapse_space

    assert collapse_space(text) == _SPACE_RE.sub(" ", text).strip()


_REWRITTEN = (  # (the pattern as first written, flags, the module's pattern that replaced it)
    (r"(?:(?<=^)|(?<=\n))\s*(?:[・･•\-‐*＊]|\(\d+\)|\d+[.)．])\s*", "hyoka.normalize", "_LIST_MARK_RE"),
    (r"(?<=[\u30a1-\u30fa])ー(?![\u30a1-\u30fa\u30fc])", "hyoka.normalize", "_LONG_VOWEL_RE"),
    (r"(?:(?<=\s)|^)(\d{1,2})\)\s*", "hyoka.ingest.cells", "_OPTION_SPLIT_RE"),
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ーサバアあ漢ヺヴ・-*(1)2.．）\n \t\u3000a", max_size=16))
def test_rewritten_patterns_match_where_they_first_did(text: str) -> None:
    # Patterns rewritten to be searched faster (a literal first, ^ in MULTILINE mode, a negative
    # look-behind for "the start or a blank") substitute and split exactly as first written.
    import importlib

    for first, module, name in _REWRITTEN:
        now = getattr(importlib.import_module(module), name)
        assert now.sub("", text) == re.sub(first, "", text), name
        assert now.split(text) == re.split(first, text), name


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(("a", "情報", " ", "  ", "\t", "\u3000", "\u00a0", "\u200b", "\x0b", "|", "*",
                                  "&amp;", "&lt;", "<b>", "</p>", "**x**")), max_size=10).map("".join))
def test_a_table_line_is_cleaned_as_each_of_its_cells_would_be(text: str) -> None:
    # The 変更箇所 table strips the cells of a line with nothing to clean without a call per cell.
    from hyoka.ingest import appendix

    assert appendix._clean_cells(text) == [appendix.clean_cell(cell) for cell in appendix._columns(text)]


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_a_lines_heads_are_the_numbering_answers_asked_one_by_one(text: str) -> None:
    # The placer asks line_heads once for what it asked numbering six times, in this order.
    instance, heading = numbering.group_instance(text), numbering.numbered(text)
    assert numbering.line_heads(text) == (
        numbering.group_range(text), numbering.risk_heading(text), instance,
        numbering.marked_group_instance(text) if instance is None else None,
        heading, numbering.loosely_numbered(text) if heading is None else None)


_RADICAL_NEIGHBOURS = ("\u2e7f", "\u2e80", "\u2e9f", "\u2eff", "\u2f00", "\u2fd5", "\u2fdf", "\u2fe0", "\u2e2e",
                       "\u2027", "\u2329", "\u232a", "\u2215", "\u2028", "\u2f2e", ".", "/", "\u4e2e", "\u4e2f",
                       "\ud800", "\U00012e80", "特定個人情報")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_RADICAL_NEIGHBOURS), max_size=6), st.integers(0, 400))
def test_radicals_are_found_as_their_pattern_finds_them(marks: list[str], padding: int) -> None:
    # A whole file is asked in C before the radicals' pattern runs over it: a radical anywhere
    # in a long text, or a neighbour of the blocks that is none, is answered as the pattern would.
    from hyoka.ingest import radicals

    text = "情報" * (padding // 2) + "".join(marks) + "報" * (padding % 7)
    assert radicals._has_radical(text) == (radicals._RADICAL_RE.search(text) is not None)
    assert radicals.unradical(text) == radicals._RADICAL_RE.sub(radicals._radical, text)
