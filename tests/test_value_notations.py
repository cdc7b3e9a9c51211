"""Value notations of other extractors: the same boxes and choices, printed another way.

The layout variants (`layout_variants.py`, `test_layout_extractors.py`) change labels,
headings and cell boundaries and never a value. Extractors differ in values too: a ticked box
is `[○]`, `[ ○ ]`, `[〇]`, `［○］`, `[レ]` (OCR of ✓), `[x]`, `■`, `☑` or an HTML `<input>`;
a choice is `[十分である] <選択肢> 1) …`, `［十分である］＜選択肢＞ 1）…`, `「十分である」` (OCR), the HTML
extractor's `<選択肢>` table of options with the selected value in a bracket after it (and
the options again as tab cells), or a bracket split by an `<input>` drawn inside it. Each
variant below respells the values of a clean report in one such notation; the reading must
give the same items with the same values, and `diff` no row, because the report says the same.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, SEEDS
from hyoka.diff.align import align
from hyoka.ingest import parse_text
from hyoka.ingest.cells import canonical_marks, parse_value
from hyoka.model import Checks, Choice, Count, Date, Text, value_to_json

# Ticked and empty boxes as the clean texts print them: the samples' brackets, the seeds' HTML
# inputs (a radio is the ○ an extractor drew in a ticked bracket) and bare empty brackets.
_TICKED = re.compile(r'\[○\]|\[?<input (?:checked="" )?type="radio"/>\]?|\[?<input checked="" type="checkbox"/>\]?')
_EMPTY = re.compile(r'\[ \]|\[?<input type="checkbox"/>\]?|\[\](?= [^<\s])')
# A choice cell: "[selected] <選択肢> 1) a 2) b …", the whole cell after a label (a choice quoted
# in prose, or on a row whose label was lost and so continues a text, stays as it is).
_CHOICE_CELL = re.compile(r"(?<=[^\t\n]\t)\[([^\[\]<>\t]+)\]( ?)<選択肢>((?: \d{1,2}\) [^\t\n\[\]<>]+)+)(?=\t|$)", re.M)
_OPTION = re.compile(r" (\d{1,2})\) ")


def _marks(ticked: str, empty: str) -> Callable[[str], str]:
    def respell(text: str) -> str:
        lines = []
        for line in text.split("\n"):
            if "\t" in line and "選択肢" not in line:  # a value row that is no choice
                line = _EMPTY.sub(empty, _TICKED.sub(ticked, line))
            lines.append(line)
        return "\n".join(lines)

    return respell


def wide_choice(text: str) -> str:
    """`［十分である］＜選択肢＞ 1）特に… 2）十分…`: full-width brackets, caption and parentheses."""
    return _CHOICE_CELL.sub(lambda m: f"［{m.group(1)}］{m.group(2)}＜選択肢＞" + _OPTION.sub(r" \1）", m.group(3)),
                            text)


def ocr_choice_brackets(text: str) -> str:
    """The selection's brackets as OCR reads them: `「十分である」`, `[十分である」`, `【…】`, `〔…〕`
    (seed 001 prints `[ 政府機関ではない 」` and `「特定個人情報ファイルの全体」`)."""
    pairs = [("「", "」"), ("[", "」"), ("【", "】"), ("〔", "〕")]
    count = itertools.count()

    def respell(m: re.Match[str]) -> str:
        opening, closing = pairs[next(count) % len(pairs)]
        return f"{opening}{m.group(1)}{closing}{m.group(2)}<選択肢>{m.group(3)}"

    return _CHOICE_CELL.sub(respell, text)


def html_choice(text: str) -> str:
    """The HTML extractor's choice cell: the caption, the options in a table, the selected value
    in a bracket after them, then the options once more as tab cells (seed 004's 保管期間)."""

    def cell(m: re.Match[str]) -> str:
        options = [o.strip() for o in re.split(r" (?=\d{1,2}\) )", m.group(3).strip())]
        cells = "".join(f"<td>{o}</td>" for o in options)
        return (f'<p style="text-align: center;"><選択肢></p> <table><tr>{cells}</tr></table> '
                f'<p style="text-align: center;">[{m.group(1)}]</p>\t' + "\t".join(options))

    return _CHOICE_CELL.sub(cell, text)


def split_choice(text: str) -> str:
    """The selected value out of its bracket: `[] 十分である <選択肢> …` (seed 002's 使用者数)."""
    return _CHOICE_CELL.sub(lambda m: f"[] {m.group(1)}{m.group(2)}<選択肢>{m.group(3)}", text)


def input_in_choice(text: str) -> str:
    """An `<input>` drawn inside the choice's bracket: `[<input type="checkbox"/> 委託する]` (seed 004)."""
    return _CHOICE_CELL.sub(lambda m: f'[<input type="checkbox"/> {m.group(1)}]{m.group(2)}<選択肢>{m.group(3)}',
                            text)


_BOX_CELL = re.compile(r"(?<=[^\t\n]\t)((?:\[[○ ]\] [^\t\n\[\]]+ ?){2,})(?=\t|$)", re.M)
_BOX = re.compile(r"\[([○ ])\] ([^\[\]]+?)(?= \[|$)")


def html_boxes(text: str) -> str:
    """The HTML extractor's box list: a table of two columns of `<p>[<input …/>] option</p>`
    (a ticked box drawn as a radio button), then each column again as a tab cell."""

    def cell(m: re.Match[str]) -> str:
        boxes = [
            f'<p>[<input type="{"radio" if tick == "○" else "checkbox"}"/>] {option}</p>'
            for tick, option in _BOX.findall(m.group(1).strip())
        ]
        half = (len(boxes) + 1) // 2
        columns = [" ".join(boxes[:half]), " ".join(boxes[half:])]
        table = "".join(f'<td style="width: 50%;"> {c} </td> ' for c in columns)
        return f'<table style="width: 100%;"> <tr> {table}</tr> </table>\t' + "\t".join(columns)

    return _BOX_CELL.sub(cell, text)


def wide_count(text: str) -> str:
    """Counts in full-width parentheses and digits: `[委託する] （６） 件`."""
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    return re.sub(r"(?<=[^\t\n]\t)(\[[^\[\]\t<>]+\][^\t\n]*?)\((\d*)\)( ?件)",
                  lambda m: f"{m.group(1)}（{m.group(2).translate(wide)}）{m.group(3)}", text)


VARIANTS: dict[str, Callable[[str], str]] = {
    "box_glyphs": _marks("■", "□"),
    "check_glyphs": _marks("☑", "☐"),
    "ballot_glyphs": _marks("☒", "☐"),  # Word's check-box content control
    "spaced_marks": _marks("[ ○ ]", "[\u3000]"),
    "kanji_zero_marks": _marks("[〇]", "[]"),
    "wide_marks": _marks("［○］", "［\u3000］"),  # full-width brackets, as typed in a Japanese form
    "ocr_check_marks": _marks("[レ]", "[ ]"),  # a check mark ✓ read by OCR as the katakana レ
    "text_export_marks": _marks("[x]", "[ ]"),  # a text export's ticked box
    "wide_choice": wide_choice,
    "ocr_choice_brackets": ocr_choice_brackets,
    "html_choice": html_choice,
    "split_choice": split_choice,
    "input_in_choice": input_in_choice,
    "html_boxes": html_boxes,
    "wide_count": wide_count,
}
CLEAN = [*sorted(p for p in SEEDS.glob("*.txt") if not p.stem.startswith("001")),
         *sorted((SAMPLES / "sakuragawa").glob("v*.txt")), *sorted((SAMPLES / "midori").glob("v*.txt"))]
_TEXTS = {p: p.read_text(encoding="utf-8") for p in CLEAN}
# The sakuragawa samples print no <選択肢> lists, so the choice variants have nothing to respell there.
CASES = [(p, name) for p in CLEAN for name in VARIANTS if VARIANTS[name](_TEXTS[p]) != _TEXTS[p]]


def _rows(text: str) -> list[tuple[str, dict[str, object]]]:
    return [(str(item.path), value_to_json(item.value)) for item in parse_text(text).items]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{p.parent.name[:6]}-{p.stem[:6]}-{n}" for p, n in CASES])
def test_value_notations_read_the_same(path: Path, name: str) -> None:
    original = _TEXTS[path]
    variant = VARIANTS[name](original)
    assert _rows(variant) == _rows(original)
    assert align(parse_text(original), parse_text(variant)) == []


def test_every_variant_reaches_seeds_and_samples() -> None:
    """The variants are not vacuous: each respells both seeds and a sample, and over the clean
    files the box variants meet many ticked and empty boxes."""
    for name in VARIANTS:
        reached = {p.parent.name for p, n in CASES if n == name}
        if name == "html_boxes":  # the seeds print their box lists so already (SEED_VALUES)
            assert reached == {"sakuragawa", "midori"}, reached
            continue
        if name == "wide_count":  # midori (基礎) has no count
            assert reached == {"sakuragawa", "seeds"}, reached
            continue
        assert {"seeds", "midori"} <= reached, (name, reached)
        assert sum(1 for p, n in CASES if n == name and p.parent.name == "seeds") == 2, name
    texts = list(_TEXTS.values())
    assert sum(len(_TICKED.findall(t)) for t in texts) > 50
    assert sum(len(_EMPTY.findall(t)) for t in texts) > 100


# What the seeds print, read as the report says (each was read wrong before).
SEED_VALUES = [
    # radio inputs are the ○ of ticked boxes: the records a tax collection file holds
    ("002", "II/2/④記録される項目/主な記録項目", lambda v: isinstance(v, Text) and "[○] 地方税関係情報" in v.text
     and "[ ] 国税関係情報" in v.text),
    # the selected value fell out of its bracket
    ("002", "II/3/④使用の主体/使用者数", lambda v: isinstance(v, Choice) and v.selected == "100人以上500人未満"
     and v.options[-1] == "1,000人以上"),
    ("002", "III/9/従業者に対する教育・啓発", lambda v: isinstance(v, Choice) and v.selected == "十分に行っている"),
    # the closing bracket was lost before the caption
    ("002", "V/1/②しきい値判断結果",
     lambda v: isinstance(v, Choice) and v.selected == "基礎項目評価及び重点項目評価の実施が義務付けられる"),
    # the selected value printed after an HTML table of the options, which are printed twice
    ("004", "II(住民基本台帳ファイル)/6/②保管期間/期間",
     lambda v: isinstance(v, Choice) and v.selected == "20年以上" and len(v.options) == 10),
    # the count printed after the options
    ("004", "II(住民基本台帳ファイル)/4/委託の有無",
     lambda v: isinstance(v, Count)
     and (v.selected, v.count, v.options) == ("委託する", 5, ("委託する", "委託しない"))),
    # an <input> drawn inside the bracket, and in the blank count
    ("004", "II(本人確認情報ファイル)/4/委託の有無",
     lambda v: isinstance(v, Count) and (v.selected, v.count) == ("委託する", None)),
    # a box list printed three times (an HTML table, then its two columns as tab cells), the
    # ")" of その他 (…) in the other column
    ("004", "I/2/システム1/③他のシステムとの接続",
     lambda v: isinstance(v, Checks) and len(v.boxes) == 7 and v.other == "申請管理システム"
     and v.boxes[-1].option == "税務システム"),
    ("004", "II(送付先情報ファイル)/5/提供・移転の有無",
     lambda v: isinstance(v, Checks) and v.ticked[0].startswith("提供")),
]


@pytest.mark.parametrize(("seed", "path", "holds"), SEED_VALUES, ids=[f"{s}-{p}" for s, p, _ in SEED_VALUES])
def test_seed_values_read_as_printed(seed: str, path: str, holds: Callable[[object], bool]) -> None:
    (file,) = SEEDS.glob(f"{seed}_*.txt")
    item = parse_text(file.read_text(encoding="utf-8")).get(path)
    assert item is not None and holds(item.value), item


def test_a_choice_with_ocr_brackets_never_drops_text() -> None:
    """A selection whose "]" OCR read as "」" is read as the choice only when the choice keeps
    what the cell says: OCR also runs the next rows into a cell (seed 001's ④安全管理体制・規程の
    職員への周知), and a choice would drop them."""
    clean = "[十分である」 <選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている"
    assert parse_value(clean) == Choice("十分である", ("特に力を入れている", "十分である", "課題が残されている"))
    # The next rows run on: another list whose numbers were printed already, then prose.
    run_on = (clean + "\n<選択肢> 1) 特に力を入れて行っている 2) 十分に行っている ⑤物理的対策"
              " 3) 十分に行っていない ・サーバ室への入室の際は生体認証及びICカード認証を行っている。")
    assert parse_value(run_on) == Text(run_on)


def test_prose_that_quotes_a_choice_stays_text() -> None:
    """A long text with a choice run on (OCR merged the cells) keeps its text: the selected
    value is looked for elsewhere than the head only in a cell that is a choice and nothing else."""
    cell = ("・評価書の記載内容通りの運用ができているか、年に1回点検する。 [十分に行っている] <選択肢> "
            "1) 特に力を入れて行っている 2) 十分に行っている 3) 十分に行っていない")
    assert isinstance(parse_value(cell), Text)
    assert parse_value("<選択肢> 1) 有 2) 無 [無]") == Choice("無", ("有", "無"))
    # a bracket that names no option is not taken for the selection
    assert parse_value("[] 未定 <選択肢> 1) 有 2) 無") == Choice("", ("有", "無"))


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("■ 行っていない", "[○] 行っていない"),
        ("☐ 委託しない", "[ ] 委託しない"),
        ("☒ 紙 ☐ 電子メール その他", "[○] 紙 [ ] 電子メール その他"),
        ("・識別情報 ■個人番号 □個人番号対応符号", "・識別情報 [○] 個人番号 [ ] 個人番号対応符号"),
        ("[ 〇 ]情報提供ネットワークシステム [　]専用線", "[○] 情報提供ネットワークシステム [ ] 専用線"),
        ("［○］情報提供ネットワークシステム ［　］専用線", "[○] 情報提供ネットワークシステム [ ] 専用線"),
        ("・識別情報 [レ]個人番号 [ ]個人番号対応符号", "・識別情報 [○] 個人番号 [ ] 個人番号対応符号"),
        ("・識別情報 [x] 個人番号 [ ] 個人番号対応符号", "・識別情報 [○] 個人番号 [ ] 個人番号対応符号"),
        # glyphs that may be bullets of prose stay as printed
        ("■ 中間サーバーにおける措置\n・操作は記録する。", "■ 中間サーバーにおける措置\n・操作は記録する。"),
        ("■概要 ■措置", "■概要 ■措置"),
        # empty boxes only: a list of which nothing is ticked
        ("・識別情報 □ 個人番号 □ 個人番号対応符号", "・識別情報 [ ] 個人番号 [ ] 個人番号対応符号"),
        ("番号法第9条[別表]による。", "番号法第9条[別表]による。"),
        ("番号法第9条［別表］による。", "番号法第9条［別表］による。"),
    ],
)
def test_canonical_marks(printed: str, read: str) -> None:
    assert canonical_marks(printed) == read


def test_history_upgrade_settles_only_what_the_earlier_reader_lost() -> None:
    """Against a version stored by release 8d334e3, an item where that reader saw nothing ticked
    or selected takes today's reading of the same file; an item it read with a tick or a
    selection keeps its own value, so an edit of ticks or choices still shows."""
    from hyoka.ingest.legacy import _lost_marks
    from hyoka.model import Check, Item, ItemPath

    def item(value: object) -> Item:
        return Item(ItemPath(("II", "2", "主な記録項目")), "主な記録項目", True, value)  # type: ignore[arg-type]

    options = ("有", "無")
    assert _lost_marks(item(Choice("", options)), item(Choice("有", options)))
    assert not _lost_marks(item(Choice("無", options)), item(Choice("有", options)))
    boxes = (Check("紙", False), Check("専用線", False))
    assert _lost_marks(item(Checks(boxes)), item(Checks((Check("紙", True), Check("専用線", False)))))
    assert not _lost_marks(item(Checks((Check("紙", True), Check("専用線", False)))),
                           item(Checks((Check("紙", True), Check("専用線", True)))))
    assert not _lost_marks(item(Checks(boxes)), item(Checks((Check("紙", True), Check("電子メール", False)))))
    assert _lost_marks(item(Text("・識別 [ ] 個人番号 [ ] 符号")), item(Text("・識別 [○] 個人番号 [ ] 符号")))
    assert not _lost_marks(item(Text("・識別 [○] 個人番号 [ ] 符号")), item(Text("・識別 [○] 個人番号 [○] 符号")))
    assert not _lost_marks(item(Text("・識別 [ ] 個人番号")), item(Text("・識別 [○] 個人番号 [ ] 符号")))


# A date cell too narrow for its date: extractors break it anywhere, with or without blanks.
_BREAKS = st.sampled_from(["", " ", "\n", " \n", "\n ", "\u3000\n"])


@st.composite
def _wrapped_dates(draw: st.DrawFn) -> tuple[str, str]:
    """(a date as a narrow cell prints it, the same date on one line)."""
    if draw(st.booleans()):
        tokens = [draw(st.sampled_from(["令和", "平成"])), draw(st.sampled_from(["元", "6", "12"])), "年",
                  draw(st.sampled_from(["3", "12"])), "月", draw(st.sampled_from(["1", "31"])), "日"]
    else:
        tokens = ["2024", "-", draw(st.sampled_from(["03", "3"])), "-", draw(st.sampled_from(["01", "1"]))]
    if draw(st.booleans()):  # a break inside a token too: "令\n和", "1\n0月"
        at = draw(st.sampled_from([i for i, token in enumerate(tokens) if len(token) > 1]))
        tokens[at:at + 1] = [tokens[at][:1], tokens[at][1:]]
        glued = at  # the two halves of one token: never a blank between them, only a line break
    else:
        glued = -1
    breaks = [draw(_BREAKS) if i != glued else "\n" for i in range(len(tokens) - 1)]
    wrapped = tokens[0] + "".join(b + t for b, t in zip(breaks, tokens[1:], strict=True))
    # a line break goes with the blanks around it; a blank within a line stays, as printed
    kept = ["" if "\n" in b else b for b in breaks]
    return wrapped, tokens[0] + "".join(b + t for b, t in zip(kept, tokens[1:], strict=True))


@settings(max_examples=300, deadline=None)
@given(_wrapped_dates())
def test_a_wrapped_date_is_the_date_on_one_line(dates: tuple[str, str]) -> None:
    wrapped, one_line = dates
    value = parse_value(wrapped)
    assert value == parse_value(one_line)
    assert isinstance(value, Date) and value.iso is not None


def test_a_wrapped_date_cell_reads_as_printed_on_one_line() -> None:
    """The sample's three dates broken inside their cells, as a narrow PDF column prints them:
    the same report, and `hyoka diff` finds nothing (it raised a traceback before)."""
    from conftest import run_cli

    clean = SAMPLES / "sakuragawa" / "v1.txt"
    text = clean.read_text(encoding="utf-8")
    wrapped = text.replace("\t平成28年1月1日\n", "\t平成28年1月1\n日\n")
    wrapped = wrapped.replace("\t令和6年3月1日\n", "\t令和6年\n3月1日\n")
    assert wrapped.count("\n日\n") == 2 and "\t令和6年\n3月1日\n" in wrapped
    before, after = parse_text(text), parse_text(wrapped)
    assert [(i.path, i.value) for i in after.items] == [(i.path, i.value) for i in before.items]
    assert sum(isinstance(i.value, Date) for i in after.items) == 3
    path = Path(__file__).parent / ".wrapped_dates.txt"
    try:
        path.write_text(wrapped, encoding="utf-8")
        code, out, err = run_cli("diff", str(clean), str(path))
    finally:
        path.unlink(missing_ok=True)
    assert code == 0, err
    assert "変更 0 件" in out


def test_a_value_the_model_refuses_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values are read after the reading returned, outside its guard: a fault there is still an
    InputError of one line (exit 2 in the CLI), and HYOKA_DEBUG=1 shows the fault itself. A
    carriage return is one such value: readers fold it before a value is read."""
    from hyoka.errors import InputError

    monkeypatch.delenv("HYOKA_DEBUG", raising=False)
    with pytest.raises(InputError) as raised:
        parse_value("前\r後")
    assert "\n" not in str(raised.value) and "ValueError" in str(raised.value)
    monkeypatch.setenv("HYOKA_DEBUG", "1")
    with pytest.raises(ValueError, match="line breaks"):
        parse_value("前\r後")
