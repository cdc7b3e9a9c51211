"""Printed 項目 cells of 変更箇所 rows read back into catalogue paths (hyoka.forms.printed).

Every cell here is made up: the damage imitates what PDF extraction and OCR do (cut cells,
misread numerals, labels broken by spaces), with other numbers and other items than the seeds.
Each rule of the reader has a case that must resolve and, where it matters, one that must not.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyoka.classify.identify import status_of_printed
from hyoka.classify.policy import Policy
from hyoka.forms import load_catalogue
from hyoka.forms.printed import find_printed, section_agreement, title_agreement
from hyoka.model import ItemPath
from hyoka.numbering import find_instance, find_numbered, find_risk, heading_number, section_numeral


def read(form: str, cell: str) -> str | None:
    found = find_printed(load_catalogue(form), cell)
    return None if found is None else str(found)


def identified(form: str, cell: str) -> tuple[str | None, bool, bool | None]:
    """(path, identified, ※) as the classifier sees the cell."""
    path, status = status_of_printed(cell, load_catalogue(form), Policy())
    return (None if path is None else str(path)), status.identified, status.star


# -- sections ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # The title decides; reports abbreviate it.
        ("Ⅱ概要 6. 特定個人情報の保管・消去 ③消去方法", "II/6/③消去方法"),
        ("Ⅳその他 2. 従業者に対する教育・啓発 従業者に対する教育・啓発 具体的な方法",
         "IV/2/従業者に対する教育・啓発/具体的な方法"),
        # OCR read Ⅱ as I or Ⅲ: the title wins over the numeral.
        ("I 特定個人情報ファイルの 概要 2. 基本情報 ⑤保有開始日", "II/2/⑤保有開始日"),
        ("Ⅲ 特定個人情報ファイルの概要 6. 特定個人情報の保管・消去 ②保管期間 期間", "II/6/②保管期間/期間"),
        # No numeral, a garbled title ("リ" read as "J"): the heading below settles III vs IV.
        ("Jスク対策 2. 特定個人情報の入手 リスク3: 入手した特定個人情報が不正確であるリスク",
         "III/2/リスク3"),
        # A Cyrillic look-alike of Ⅱ and a garbled title: the numeral alone still leads on.
        ("п 特定個人情報ノアイル概 3. 特定個人情報の入手・使用 ②入手方法", "II/3/②入手方法"),
        # An unreadable title before a heading: the numeral alone.
        ("VI 評伍実施于続 3. 第三者点検 ③結果", "VI/3/③結果"),
        ("別添2 特定個人情報ファイル記録項目", "別添2"),
        ("(別添1)事務内容", "別添1"),
    ],
)
def test_sections_by_title_then_numeral(cell: str, expected: str) -> None:
    assert read("全項目", cell) == expected


def test_a_section_named_alone_is_no_item() -> None:
    assert identified("全項目", "Ⅱ 特定個人情報ファイ") == ("II", False, None)
    # Under III everything is ※: an item the catalogue cannot place there is still ※.
    path, known, star = identified("全項目", "III リスク対策 窓口で確認する手順")
    assert path is not None and path.startswith("III/") and not known and star is True


# -- numbered headings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "cell", "expected"),
    [
        # Title cut at the end of the cell: the heading is known, the item below it is not.
        ("全項目", "II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取", "II/4"),
        # Title cut and garbled before the next level.
        ("全項目", "II 特定個人情報ファイルの概要 6. 特定個人情 の保菅・消去 ③消去方法", "II/6/③消去方法"),
        # Title broken by spaces.
        ("全項目", "I 基本情報 7. 評価実施機関におけ る担当部署 ②所属長の役職名", "I/7/②所属長の役職名"),
        # No title printed: the number alone.
        ("重点", "I 基本情報 4. 法令上の根拠", "I/4/法令上の根拠"),
        ("重点", "I 基本情報 6. ①部署", "I/6/①部署"),
        # A label run on to the title without a space.
        ("重点", "III リスク対策 9. 従業者に対する教育・啓発従業者に対する教育・啓発",
         "III/9/従業者に対する教育・啓発"),
    ],
)
def test_numbered_headings(form: str, cell: str, expected: str) -> None:
    assert read(form, cell) == expected


def test_a_title_that_disagrees_with_its_number_is_not_read_as_another_heading() -> None:
    """"10." with 7.'s title: the cell is contradictory, so the reading stops at 10."""
    found = read("重点", "III リスク対策 10. 特定個人情報の入手 その他の措置")
    assert found is not None and found.startswith("III/10/")
    assert identified("重点", "III リスク対策 10. 特定個人情報の入手 その他の措置")[1] is False


def test_title_agreement_scores() -> None:
    title = "特定個人情報の提供・移転(委託に伴うものを除く。)"
    assert title_agreement(title, title) == 100.0
    assert 80.0 < title_agreement("特定個人情報の提", title) < 90.0
    assert title_agreement("特定個人情報の提", title, cut=False) < title_agreement("特定個人情報の提", title)
    assert title_agreement("特定個人情報の提・移転(委託に伴うものを除)", title) >= 85.0
    assert title_agreement("情報提供ネットワークシステムとの接続", title) < 70.0
    assert section_agreement("概要", "特定個人情報ファイルの概要") == 90.0
    assert section_agreement("皿リスク対策", "リスク対策") >= 80.0
    risk_section = "特定個人情報ファイルの取扱いプロセスにおけるリスク対策"
    assert section_agreement("報ファイルの取扱いの委託", risk_section) < 80.0


# -- group instances and risks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託 事項3 ⑥委託先名",
         "II/4/委託事項N/⑥委託先名"),
        ("I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム7 ③他のシステムとの接続",
         "I/2/システムN/③他のシステムとの接続"),
        ("II 概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先2〜40 ⑥提供方法",
         "II/5/提供先N/⑥提供方法"),
        # The cell lost its start: the instance occurs once in the form, so section and heading follow.
        ("除く。) 移転先4 ③移転する 情報", "II/5/移転先N/③移転する情報"),
        ("ける。) 提供先31 ①法令上 の根拠", "II/5/提供先N/①法令上の根拠"),
        ("システム12 ②システムの機能", "I/2/システムN/②システムの機能"),
    ],
)
def test_group_instances(cell: str, expected: str) -> None:
    assert read("全項目", cell) == expected


@pytest.mark.parametrize(
    ("form", "cell", "expected"),
    [
        ("全項目", "III リスク対策 3. 特定個人情報の使用 リスク4: 特定個人情報ファイルが不正に複製されるリスク",
         "III/3/リスク4"),
        # Number and name glued to the title, a measure below the risk.
        ("全項目", "III リスク対策 7. 特定個人情報の保管・消去リスク3 消去手順 手順の内容",
         "III/7/リスク3/消去手順/手順の内容"),
        # A garbled name still agrees with its number.
        ("全項目", "III リスク対策 2. 特定個人情報の入手 リスク1: 目的外の入手が行なわれるリスタ",
         "III/2/リスク1"),
        # The name names another risk of the heading: OCR misread the number.
        ("全項目", "III リスク対策 6. 情報提供ネットワークシステムとの接続 リスク8: 不適切な方法で提供されるリスク",
         "III/6/リスク6"),
        # An OCR'd risk heading ("リスク" unreadable) named by its name alone.
        ("全項目", "III リスク対策 5. 特定個人情報の提供・移転 ワズク: 不適切な方法で提供・移転が行われるリスク",
         "III/5/リスク2"),
        # 様式3 has one unnumbered risk under 2.; a printed "リスク1" is that one.
        ("重点", "III リスク対策 2. 特定個人情報の入手 リスク1: 目的外の入手が行われるリスク リスクへの対策は十分か",
         "III/2/リスク/リスクへの対策は十分か"),
    ],
)
def test_risks(form: str, cell: str, expected: str) -> None:
    assert read(form, cell) == expected


def test_the_risk_left_out_is_inferred_when_the_measure_is_unique() -> None:
    cell = "III リスク対策 5. 特定個人情報の提供・移転 その他の措置の内容"
    assert read("重点", cell) == "III/5/リスク/その他の措置の内容"
    # 様式4 repeats the measure under two risks of 7.: the reading stops at the heading.
    found = read("全項目", "III リスク対策 7. 特定個人情報の保管・消去 その他の措置の内容")
    assert found is not None and found.startswith("III/7/") and found != "III/7/リスク1/その他の措置の内容"


# -- labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "cell", "expected"),
    [
        # Split by spaces, and cut at the end of the cell.
        ("全項目", "II 概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先6 ⑤提供する 情報の対象と "
                   "なる本人の範囲", "II/5/提供先N/⑤提供する情報の対象となる本人の範囲"),
        ("全項目", "II 概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先6 ④提供する 情報の対象",
         "II/5/提供先N/④提供する情報の対象となる本人の数"),
        # OCR damage inside the label.
        ("全項目", "II 概要 3. 特定個人情報の入手・使用 ⑤本人への明不", "II/3/⑤本人への明示"),
        # The "1." is missing, but ③ is unique within the section.
        ("全項目", "V 開示請求、問合せ ③手数料等", "V/1/③手数料等"),
        ("重点", "IV 開示請求、問合せ ①連絡先", "IV/2/①連絡先"),
        # The circled number disagrees with the words: the words name the item.
        ("全項目", "II 概要 3. 特定個人情報の入手・使用 ④使用方法 情報の統計分析", "II/3/⑧使用方法/情報の統計分析"),
        # A symbol OCR made of the circled number.
        ("全項目", "II 概要 3. 特定個人情報の入手・使用 ®使用方法 権利利益に影響を与え得る決定",
         "II/3/⑧使用方法/権利利益に影響を与え得る決定"),
        # A label unique in the whole form, after the cut end of a heading's title.
        ("全項目", "イルの取扱いの委託 特定個人情報の消去ルール ルールの内容及び ルール遵守の確認方法",
         "III/4/リスク/特定個人情報の消去ルール/ルールの内容及びルール遵守の確認方法"),
    ],
)
def test_labels(form: str, cell: str, expected: str) -> None:
    assert read(form, cell) == expected


def test_a_label_common_to_several_items_is_not_guessed() -> None:
    # ①法令上の根拠 is both 提供先N's and 移転先N's: nothing in the cell says which.
    _, known, _ = identified("全項目", "報の提供・移転 ①法令上の根拠")
    assert not known
    assert read("全項目", "具体的な方法") is None


# -- leftovers and the classifier's contract ---------------------------------------------------------


def test_unknown_words_stay_a_last_segment() -> None:
    c = load_catalogue("全項目")
    cell = "I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム9 試験用バックアップ装置"
    found = find_printed(c, cell)
    assert found == ItemPath(("I", "2", "システムN", "試験用バックアップ装置"))
    assert c.entry(found) is None
    assert identified("全項目", "II 概要 3. 特定個人情報の入手・使用 ⑪市独自の欄")[1:] == (False, None)


def test_the_start_of_the_next_rows_cell_is_not_left_over() -> None:
    cell = "II 概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先8 ③提供する 情報 Ⅱ 特定個人情報ファ"
    assert read("全項目", cell) == "II/5/提供先N/③提供する情報"


def test_what_the_classifier_identifies() -> None:
    # A heading cut short: known as far as 5.; nothing below it is ※.
    assert identified("全項目", "Ⅱ 特定個人情報ファイルの概要 5. 特定個人情報の提供・移") == ("II/5", True, False)
    # A new 委託事項: the instance has ※ and non-※ items, so the row cannot say which changed.
    assert identified("全項目", "II概要 4. 特定個人情報ファイルの 取扱いの委託 委託 事項12")[1] is False
    assert identified("全項目", "除く。) 提供先21 ②提供先に おける 用途") == (
        "II/5/提供先N/②提供先における用途", True, False)
    # ⑨ of 7. リスク1 is the one item of III the form does not mark ※.
    assert identified("全項目", "Ⅲリスク対策 7. 特定個人情報の保管・消去 リスク1 ⑨過去3年以内に、評価実施機関において、"
                               "個人情報に関する重大事故が発生したか")[1:] == (True, False)


def test_a_risk_in_several_headings_gives_only_the_section() -> None:
    """リスク4 with this name is under 2. and 6.: the section (all ※) is as far as it goes."""
    path, known, star = identified("全項目", "ク対策 リスク4: 入手の際に特定個人情報が漏えい")
    assert path is not None and path.startswith("III/") and not known and star is True


@pytest.mark.parametrize(
    "cell",
    ["", "   ", "\n", "別紙2 No.3 別表項番", "別紙1 No.12 1法令上の根拠", "紙3 No.4 別表項番", "(記載なし)",
     "令和6年10月1日", "窓口の受付時間を変更した", "あいうえお かきくけこ", "-", "<b></b>", "No.5 別表項番"],
)
def test_cells_that_name_no_item(cell: str) -> None:
    for form in ("重点", "全項目"):
        assert read(form, cell) is None
        path, known, star = identified(form, cell)
        assert (path, known, star) == (None, False, None)


# -- numbering helpers and module boundaries ---------------------------------------------------------


def test_numbering_finds_instances_risks_and_headings_inside_a_cell() -> None:
    mention = find_instance("…の委託 委託事 項11 ①委託内容")
    assert mention is not None and (mention.group, mention.number, mention.generic) == ("委託事項", 11, "委託事項N")
    ranged = find_instance("提供先3〜9 ②")
    assert ranged is not None and (ranged.number, ranged.last) == (3, 9)
    risk = find_risk("7. 特定個人情報の保管・消去リスク2: 特定")
    assert risk is not None and risk.number == 2
    assert find_risk("Ⅲ リスク対策 2.") is None and find_risk("…が行われるリスク") is None
    assert find_risk("リスク: 委託先における") is not None
    heading = find_numbered("Ⅱ概要 4. 特定")
    assert heading is not None and heading.group(1) == "4"
    assert find_numbered("No.3 別表項番") is None
    assert heading_number("12.") == 12 and heading_number("12. 監査") is None
    assert section_numeral("п") == "II" and section_numeral("Ⅳ") == "IV" and section_numeral("X") is None


def test_the_forms_package_reads_cells_without_the_classifier() -> None:
    """No import cycle: the reader lives in hyoka.forms and imports nothing of hyoka.classify."""
    code = "import sys, hyoka.forms.printed; print(any(m.startswith('hyoka.classify') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    with pytest.raises(ModuleNotFoundError):
        __import__("hyoka.classify.printed")


CELL_CHARACTERS = list("①②⑦ⅡⅢIV1234.:() ※\n提供先システムリスク別添紙概要特定個人情報の入手保管")


@given(st.text(alphabet=st.sampled_from(CELL_CHARACTERS), max_size=60))
def test_any_text_reads_to_nothing_or_a_catalogue_path(cell: str) -> None:
    for form in ("重点", "全項目"):
        c = load_catalogue(form)
        found = find_printed(c, cell)
        assert found is None or (found.segments[0],) in c.by_path
