"""The reader's rules on small fictional edits of the sample: free text keeps its own ①② and
"1." lines (and, on every seed and sample, a line that quotes a heading), a label the form
does not have stays with the open item (and is reported), and a section whose heading was
lost is inferred from its first item."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.forms import edition_key
from hyoka.ingest import read_text
from layout_variants import is_numbered_heading, label_cells, regions

SAMPLE = (SAMPLES / "sakuragawa" / "v2.txt").read_text(encoding="utf-8")


REPORTS = [(path.name.split("_")[0], path) for path in sorted(SEEDS.glob("*.txt"))] + [
    (f"{path.parent.name}-{path.stem}", path) for path in sorted(SAMPLES.glob("*/v1.txt"))]


def _insert_after(prefix: str, *lines: str) -> str:
    rows = SAMPLE.split("\n")
    at = next(i for i, row in enumerate(rows) if row.startswith(prefix))
    return "\n".join([*rows[: at + 1], *lines, *rows[at + 1 :]])


def _paths(text: str) -> list[str]:
    return [str(item.path) for item in read_text(text).report.items]


def _items(text: str) -> list[tuple[object, object]]:
    return [(item.path, item.value) for item in read_text(text).report.items]


def _sample_reads_the_same_with(clean: str, printed: str, sample: str = "v1") -> None:
    """The sample ``sakuragawa/{sample}.txt`` with its first ``clean`` printed as ``printed`` gives
    the same items and values as the sample itself."""
    text = (SAMPLES / "sakuragawa" / f"{sample}.txt").read_text(encoding="utf-8")
    assert clean in text
    assert _items(text.replace(clean, printed, 1)) == _items(text)


def test_free_text_starting_with_circled_numbers_stays_in_its_value() -> None:
    text = _insert_after(
        "保管場所",
        "①中間サーバー・プラットフォームはデータセンターに設置しており、入退室を管理している。",
        "②ガバメントクラウドの事業者は、政府情報システムのためのセキュリティ評価制度に登録されている。",
        "1. 紙の帳票は施錠できる書庫に保管する。",
    )
    reading = read_text(text)
    assert _paths(text) == _paths(SAMPLE)
    value = next(i for i in reading.report.items if str(i.path) == "II/6/保管場所").value
    assert "①中間サーバー" in value.text and "②ガバメントクラウド" in value.text and "1. 紙の帳票" in value.text
    assert reading.diagnostics.unplaced == ()


def test_a_label_row_the_form_lacks_stays_with_the_open_item_and_is_reported() -> None:
    text = _insert_after("①入手元", "独自の確認欄\t毎年度、課長が確認する。")
    reading = read_text(text)
    assert _paths(text) == _paths(SAMPLE)
    [unplaced] = reading.diagnostics.unplaced
    assert unplaced.attached_to == "II/3/①入手元" and unplaced.text.startswith("独自の確認欄")


def test_a_lost_section_heading_is_inferred_from_its_first_item() -> None:
    rows = SAMPLE.split("\n")
    titles = ("II 特定個人情報ファイルの概要", "Ⅱ 特定個人情報ファイルの概要")
    body = [i for i, row in enumerate(rows) if row.strip() in titles]
    text = "\n".join(rows[: body[-1]] + rows[body[-1] + 1 :])
    reading = read_text(text)
    assert _paths(text) == _paths(SAMPLE)
    assert "II" in reading.diagnostics.inferred_sections


def test_a_label_garbled_by_one_character_keeps_its_canonical_path() -> None:
    text = SAMPLE.replace("②入手方法", "②入手方去", 1)
    reading = read_text(text)
    assert _paths(text) == _paths(SAMPLE)
    assert [(f.printed.split()[0], f.path) for f in reading.diagnostics.fuzzy] == [("②入手方去", "II/3/②入手方法")]


def test_the_edition_printed_on_the_cover_chooses_the_catalogue() -> None:
    """The cover's [令和N年M月 様式K] is detected; an edition the catalogue does not list reads as
    the newest edition in force at that date, and a cover without one as the newest edition."""
    from hyoka.forms import load_catalogue

    newest = load_catalogue("重点").edition
    printed = read_text(SAMPLE).diagnostics
    assert printed.edition == "令和5年4月"
    listed = load_catalogue("重点").editions
    in_force = max((e for e in listed if edition_key(e) <= edition_key("令和5年4月")), key=edition_key)
    assert printed.edition_used == in_force != newest
    bare = read_text(SAMPLE.replace("様式3", "様式 3").replace("令和5年4月", "")).diagnostics
    assert bare.edition == "" and bare.edition_used == newest


def test_a_risk_after_lost_pages_goes_to_the_heading_its_name_belongs_to() -> None:
    """Pages lost from "4. …委託" to just after "6. 情報提供ネットワークシステム…" and its first risk:
    the next risk is named like a risk of 6., so it opens 6. (inferred), not a second リスク2 of
    the open 3. — whatever number it prints, and however many headings were lost between."""
    import pytest

    from conftest import SEEDS
    from hyoka.ingest import parse_text

    path = SEEDS / "004_cbd4026a17bd0163.txt"
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    lines = path.read_text(encoding="utf-8").split("\n")
    third_file = [i for i, line in enumerate(lines) if line.startswith("Ⅲ 特定個人情報ファイルの取扱いプロセス")][1]
    start = next(i for i in range(third_file, len(lines))
                 if lines[i].startswith("4. 特定個人情報ファイルの取扱いの委託"))
    six = next(i for i in range(start, len(lines)) if lines[i].startswith("6. 情報提供ネットワークシステム"))
    stop = next(i for i in range(six, len(lines)) if lines[i].startswith("リスク2"))
    original = {str(item.path) for item in parse_text("\n".join(lines)).items}
    cut = {str(item.path) for item in parse_text("\n".join(lines[:start] + lines[stop:])).items}
    invented = sorted(cut - original)
    assert not invented, invented[:5]
    assert any(p.endswith("/6/リスク2") for p in cut if p.startswith("III(本人確認情報ファイル)"))


def _quoting_next_heading(text: str) -> tuple[str, str]:
    """``text`` with a value's wrapped line that begins with the title of the heading printed
    next ("3. 特定個人情報の入手・使用に記載のとおり。"), put after the first value row under a
    numbered heading; and that line."""
    lines = text.split("\n")
    kinds = regions(lines)
    heads = [i for i, line in enumerate(lines)
             if kinds[i] == "body" and is_numbered_heading(line) and "\t" not in line.strip()]
    for here, following in itertools.pairwise(heads):
        rows = [i for i in range(here + 1, following)
                if label_cells(lines[i]) and any(cell.strip() for cell in lines[i].split("\t")[1:])]
        if rows:
            quote = lines[following].strip() + "に記載のとおり。"
            return "\n".join([*lines[: rows[0] + 1], quote, *lines[rows[0] + 1 :]]), quote
    raise AssertionError("no value row under a numbered heading")


@pytest.mark.parametrize(("name", "path"), REPORTS, ids=[name for name, _ in REPORTS])
def test_a_value_line_quoting_the_next_heading_stays_in_its_value(name: str, path: Path) -> None:
    """A sentence that begins with a heading's number and title is a value's line, not the
    heading: read as the heading, every item up to the real one moved under it (and, the real
    heading then looking like a step back, the rest of the section went to the next)."""
    original = path.read_text(encoding="utf-8")
    text, quote = _quoting_next_heading(original)
    before = {str(item.path): item.value for item in read_text(original).report.items}
    after = {str(item.path): item.value for item in read_text(text).report.items}
    assert list(after) == list(before)
    changed = [p for p in after if after[p] != before[p]]
    assert len(changed) == 1
    assert quote in after[changed[0]].text  # type: ignore[union-attr]


def test_an_instance_header_printed_again_keeps_the_place_but_a_new_name_is_a_second_instance() -> None:
    """"委託事項1 | 軽自動車税システムの運用保守" printed again inside its block (a page break) is
    the same instance; a 委託事項1 that names other work is a second one (委託事項1#2), as an
    author's numbering slip is read, never folded into the first."""
    repeated = _insert_after("②委託先における取扱者数", "委託事項1\t軽自動車税システムの運用保守")
    assert _paths(repeated) == _paths(SAMPLE)
    items = {str(item.path): item.value for item in read_text(repeated).report.items}
    assert items["II/4/委託事項1/③委託先名"].text == "架空情報システム株式会社"  # type: ignore[union-attr]
    assert items["II/4/委託事項1"].text == "軽自動車税システムの運用保守"  # type: ignore[union-attr]

    second = _insert_after("	⑥再委託事項", "委託事項1\t納税通知書の印刷", "①委託内容\t納税通知書の印刷と封入")
    paths = _paths(second)
    assert [p for p in paths if p not in _paths(SAMPLE)] == ["II/4/委託事項1#2", "II/4/委託事項1#2/①委託内容"]
    items = {str(item.path): item.value for item in read_text(second).report.items}
    assert items["II/4/委託事項1#2/①委託内容"].text == "納税通知書の印刷と封入"  # type: ignore[union-attr]
    assert items["II/4/委託事項1/①委託内容"].text.startswith("賦課システム")  # type: ignore[union-attr]


def test_a_merged_label_printed_on_each_of_its_rows_is_one_item() -> None:
    """"④使用の主体 | 使用者数 | …" under "④使用の主体 | 使用部署 | …": the label cell spans both
    rows and the extraction printed it on each. Both children belong to the one item; only a
    child read there already makes the line a second printing (#2)."""
    rows = SAMPLE.split("\n")
    at = next(i for i, row in enumerate(rows) if row.startswith("\t使用者数"))
    rows[at] = "④使用の主体" + rows[at]
    merged = "\n".join(rows)
    assert _paths(merged) == _paths(SAMPLE)
    items = {str(item.path): item.value for item in read_text(merged).report.items}
    assert items["II/3/④使用の主体/使用者数"].text == "[10人以上50人未満]"  # type: ignore[union-attr]

    again = _insert_after("\t使用者数", "④使用の主体\t使用部署\t市民課")
    added = [p for p in _paths(again) if p not in _paths(SAMPLE)]
    assert added == ["II/3/④使用の主体#2", "II/3/④使用の主体#2/使用部署"]


def test_a_marked_instance_header_opens_it_but_a_value_that_mentions_one_stays_text() -> None:
    """"【システム2】" and "システム2：名前" open システム2 as "システム2 | 名前" does; a value's line
    that begins with an instance already read ("システム1：…", inside システム2) or with a
    sentence ("システム3：…と連携する。") stays in the value."""
    rows = SAMPLE.split("\n")
    plain = _paths(SAMPLE)
    for marked in ("【システム2】\t", "システム2："):
        text = "\n".join(row.replace("システム2\t", marked, 1) if row.startswith("システム2\t") else row
                         for row in rows)
        assert _paths(text) == plain, marked
    mention = _insert_after("②システムの機能\t金融機関",
                            "システム1：賦課システムから税額を受け取る", "システム3：宛名システムと連携する。")
    assert _paths(mention) == plain
    items = {str(item.path): item.value for item in read_text(mention).report.items}
    value = items["I/2/システム2/②システムの機能"].text  # type: ignore[union-attr]
    assert "システム1：賦課システム" in value and "システム3：宛名システムと連携する。" in value


def test_a_dash_alone_on_the_line_after_its_label_is_the_value() -> None:
    """"-" (none) put on its own line by an extractor is the label's value, not a table rule."""
    rows = ["②所属長の役職名\n-" if row == "②所属長の役職名\t税務課長" else row for row in SAMPLE.split("\n")]
    assert rows != SAMPLE.split("\n")
    items = {str(item.path): item.value for item in read_text("\n".join(rows)).report.items}
    assert items["I/6/②所属長の役職名"].text == "-"  # type: ignore[union-attr]


def test_a_numbered_heading_wrapped_beside_its_value_is_the_heading() -> None:
    """"3. 特定個人情報ファイル名" wrapped in its cell while its value fitted on the first line
    (a line-by-line extraction: "3. 特定個人情報フ | 軽自動車税賦課収納ファイル", then "ァイル名"),
    with a tab or one space before the value: the heading with its value, as printed whole."""
    rows = SAMPLE.split("\n")
    at = rows.index("3. 特定個人情報ファイル名\t")
    value = rows[at + 1].strip("\t")
    expected = {str(item.path): item.value for item in read_text(SAMPLE).report.items}
    for gap in ("\t", " "):
        wrapped = "\n".join([*rows[:at], f"3. 特定個人情報フ{gap}{value}", "ァイル名", *rows[at + 2 :]])
        items = {str(item.path): item.value for item in read_text(wrapped).report.items}
        assert items == expected, gap


def test_a_bare_page_number_is_a_folio_only_where_a_page_ends() -> None:
    """pdftotext prints a centred page number alone on the page's last line and opens the next
    page with a form feed. A bare number alone may also be a value's line, so it is passed over
    only next to a page break: here at the end of the cover and between two 変更箇所 rows."""
    from hyoka.ingest.published import page_footers

    lines = ["①事務の名称\t住民税", "   12", "", "\f②事務の内容\ta", "3", "④\tb", "7\f", "8", "", ""]
    assert page_footers(lines) == {1, 6}  # "3" and "8" (no form feed after them) stay content
    assert page_footers([line.replace("\f", "") for line in lines]) == set()

    text = (SAMPLES / "sakuragawa" / "v4.txt").read_text(encoding="utf-8")
    rows = text.split("\n")
    cover_end = rows.index("桜川市は架空の市であり、この評価書は hyoka の試験用に作成した見本である。\t")
    table_row = next(i for i, row in enumerate(rows) if row.startswith("令和7年10月1日\tIV 開示請求"))
    paged = [*rows[:cover_end + 1], "                 1", "", "\f" + rows[cover_end + 1],
             *rows[cover_end + 2:table_row], "                 9", "", "\f" + rows[table_row], *rows[table_row + 1:]]
    clean, read = read_text(text).report, read_text("\n".join(paged)).report
    assert read.meta == clean.meta
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]
    assert read.appendix == clean.appendix and len(read.appendix) == 15


def test_a_page_header_inside_the_cover_is_passed_over() -> None:
    """A cover that runs onto a second page: the page's header between the 宣言's label and its
    text, as pdftotext prints it (a form feed, then the form's title), is no part of the 宣言."""
    text = (SAMPLES / "sakuragawa" / "v3.txt").read_text(encoding="utf-8")
    rows = text.split("\n")
    label = next(i for i, row in enumerate(rows) if row.startswith("個人のプライバシー等の権利利益の保護の宣言"))
    paged = [*rows[:label + 1], "\f" + rows[0], *rows[label + 1:]]
    clean, read = read_text(text).report, read_text("\n".join(paged)).report
    assert rows[0].startswith("特定個人情報保護評価書")
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]


def test_a_table_over_several_pages_keeps_its_rows() -> None:
    """A 変更箇所 table printed over three pages, as pdftotext gives it: each page break brings a
    folio, a form feed, the page's header (the form's title, the edition, "(続き)") and the
    table's header row again; one break falls between two lines of a row's reason. The rows
    read as from one page."""
    text = (SAMPLES / "sakuragawa" / "v4.txt").read_text(encoding="utf-8")
    rows = text.split("\n")
    header = next(i for i, row in enumerate(rows) if row.startswith("変更日\t項目\t"))
    first, second = header + 4, header + 10
    assert rows[first].startswith("令和") and rows[second].startswith("令和")
    clean = read_text(text).report
    reason = rows[second].rsplit("\t", 1)
    assert len(reason[1]) >= 4  # the reason cell, broken after its second character
    paged = [*rows[:first], "                 3", "", "\f" + rows[0], "[令和7年5月 様式3]", rows[header],
             *rows[first:second], reason[0] + "\t" + reason[1][:2], "                 4", "",
             "\f" + rows[0], "(続き)", "\t\t\t\t\t" + reason[1][2:], *rows[second + 1:]]
    read = read_text("\n".join(paged)).report
    assert len(read.appendix) == len(clean.appendix) == 15
    broken = clean.appendix[second - header - 1]
    assert read.appendix[second - header - 1] == replace(broken, reason=broken.reason[:2] + "\n" + broken.reason[2:])
    assert [row for i, row in enumerate(read.appendix) if i != second - header - 1] == \
        [row for i, row in enumerate(clean.appendix) if i != second - header - 1]


@pytest.mark.parametrize("printing", [0, 1])
@pytest.mark.parametrize("damaged", ["②保管 期間", "2保管期間", "2 保管期間", "(2)保管期間", "@保管期間"])
def test_a_label_printed_again_with_ocr_damage_is_the_same_item(printing: int, damaged: str) -> None:
    """A label cell merged over two rows is printed on each ("②保管期間 | 期間 | …" then
    "②保管期間 | その妥当性 | …"); OCR puts a space into one printing ("②保管 期間") or reads
    its circled number as the digit ("2保管期間"). It is still the one item, not a second
    ②保管期間 (#2) holding the rest of the block."""
    path = SEEDS / "004_cbd4026a17bd0163.txt"
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    text = path.read_text(encoding="utf-8")
    rows = text.split("\n")
    at = [i for i, row in enumerate(rows) if row.startswith("②保管期間\t")][:2]
    assert rows[at[0]].startswith("②保管期間\t期間") and rows[at[1]].startswith("②保管期間\tその妥当性")
    rows[at[printing]] = rows[at[printing]].replace("②保管期間", damaged, 1)
    clean, read = read_text(text).report, read_text("\n".join(rows)).report
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]


def test_characters_that_print_as_nothing_are_not_read() -> None:
    """HTML and Word converters leave zero-width spaces, word joiners and byte-order marks inside
    the text. One inside a section heading, a label or a choice changes nothing the report says,
    so nothing read: the section, the item and the selected option are as without them."""
    rows = SAMPLE.split("\n")
    heading = rows.index("II 特定個人情報ファイルの概要", 40)
    choice = next(i for i, row in enumerate(rows) if row.startswith("①実施の有無\t[実施する]"))
    rows[heading] = "\u200bII 特定個人情報ファイルの概要"
    rows[choice] = rows[choice].replace("①実施の有無", "①実施\u2060の有無")
    rows[choice] = rows[choice].replace("[実施する]", "[実施\u200bする]\ufeff")
    clean, read = read_text(SAMPLE).report, read_text("\n".join(rows)).report
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]
    assert not any(ch in repr(read) for ch in "\u200b\u2060\ufeff")


def test_a_no_break_space_reads_as_a_space() -> None:
    """An HTML export prints its spaces as &nbsp;: seed 004 with every space a no-break space
    reads as printed with spaces ("① 出生等…" and "1-① 住民より…" among its values)."""
    path = SEEDS / "004_cbd4026a17bd0163.txt"
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    text = path.read_text(encoding="utf-8")
    clean, read = read_text(text).report, read_text(text.replace(" ", "\u00a0")).report
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]
    assert read.appendix == clean.appendix


@pytest.mark.parametrize("dash", ["〜", " 〜 ", " ～ ", "~", " - ", "ー", "－"])
def test_a_range_header_is_read_however_its_dash_is_printed(dash: str) -> None:
    """"システム6〜10" (empty instances, printed as one row) carries nothing, however its dash
    is printed: spaced around it, the header is not an instance header run on with a label
    ("システム6 | 〜 10"), which would make an empty システム6."""
    _sample_reads_the_same_with("システム6〜10\t", f"システム6{dash}10\t")


@pytest.mark.parametrize(("clean", "ocr"), [
    ("1. 特定個人情報ファイル名", "l. 特定個人情報ファイル名"),
    ("1. 特定個人情報ファイル名", "|．特定個人情報ファイル名"),
    ("1. 特定個人情報ファイル名", "I．特定個人情報ファイル名"),
    ("1. 基礎項目評価", "l，基礎項目評価"),
    ("1. 基礎項目評価", "i. 基礎項目評価"),
    ("10. その他のリスク対策", "lO.その他のリスク対策"),
    ("10. その他のリスク対策", "1O. その他のリスク対策"),
])
def test_a_heading_number_as_ocr_misreads_its_digits(clean: str, ocr: str) -> None:
    """OCR reads the 1 of a heading's number as l, I, | or i and the 0 as O: the heading is
    still read (it used to join the item above as its value, its items with it)."""
    text = (SAMPLES / "sakuragawa" / "v1.txt").read_text(encoding="utf-8")
    rows = text.split("\n")
    at = [i for i, row in enumerate(rows) if row.startswith(clean)][-1]  # the body's, not the 項目一覧's
    rows[at] = rows[at].replace(clean, ocr, 1)
    assert _items("\n".join(rows)) == _items(text)


@pytest.mark.parametrize(("clean", "ocr"), [
    ("システム1\t", "システムl\t"),
    ("システム1\t", "システム I\t"),
    ("委託事項1\t軽自動車税", "委託事項|\t軽自動車税"),
    ("提供先1\t", "提供先i\t"),
    ("システム6〜10\t", "システム6〜1O\t"),
    ("リスク1:目的を超えた", "リスクl:目的を超えた"),
])
def test_an_instance_header_number_as_ocr_misreads_its_digits(clean: str, ocr: str) -> None:
    """OCR reads the 1 of "システム1" as l, I, | or i and the 0 of "6〜10" as O: still the
    instance (or the range, or the risk). An instance header it no longer was merged two
    instances into one, and every item of the next into #2 duplicates of the first's."""
    _sample_reads_the_same_with(clean, ocr)


@pytest.mark.parametrize(("clean", "ocr"), [
    ("①部署\t", "(D部署\t"),
    ("①部署\t", "CD部署\t"),
    ("②事務の内容\t", "@事務の内容\t"),
    ("②所属長の役職名\t", "@所属長の役職名\t"),
    ("③対象人数\t", "@対象人数\t"),
    ("①実施日\t", "Φ実施日\t"),
])
def test_a_label_whose_circled_number_ocr_garbled(clean: str, ocr: str) -> None:
    """OCR garbles circled numbers: ① as "(D", "CD" or "Φ", ②-④ and ⑨ as "@", ⑥ as "©", ⑧ as
    "®". The label after it still names the item (it used to join the item above as text)."""
    _sample_reads_the_same_with(clean, ocr)


def test_a_garbled_circled_label_after_a_row_header() -> None:
    """"再委託 | (D再委託の有無 | …": a row header before a label whose circled number OCR garbled."""
    _sample_reads_the_same_with("再委託\t④再委託の有無", "再委託\t(D再委託の有無", sample="v4")


@pytest.mark.parametrize("spaced", [" ".join, "\u3000".join, lambda label: f"【{label}】"])
def test_cover_labels_set_in_justified_cells(spaced: Callable[[str], str]) -> None:
    """A cover label in a justified cell comes out with blanks between its characters
    ("評 価 書 番 号", "特\u3000記\u3000事\u3000項"), or in brackets: the cover reads the same, its
    number, title, body, date and its 宣言 and 特記事項 (the spaced label's pieces were cells of
    the 特記事項)."""
    text = (SAMPLES / "sakuragawa" / "v1.txt").read_text(encoding="utf-8")
    printed = text
    for label in ("評価書番号", "評価書名", "評価実施機関名", "公表日", "特記事項"):
        printed = printed.replace(label, spaced(label), 1)
    clean, read = read_text(text).report, read_text(printed).report
    assert read.meta == clean.meta and clean.meta.number == "12"
    assert [(i.path, i.value) for i in read.items] == [(i.path, i.value) for i in clean.items]


@pytest.mark.parametrize("printed", ["②所属長\t税務課長\nの役職名", "②所属長\nの役職名\t税務課長"])
def test_a_label_wrapped_after_an_older_wording_of_itself(printed: str) -> None:
    """"②所属長" is an older wording of ②所属長の役職名 (an alias of the catalogue) and also the
    label's first half when the cell wraps it: the next line's "の役職名" completes the label,
    whether the value stands beside the first half or the second."""
    _sample_reads_the_same_with("②所属長の役職名\t税務課長", printed)


@pytest.mark.parametrize("printed", ["@安全管理体制・規程の職員への周知", "@安全管理体制・規程の職員ヘの周知"])
def test_a_garbled_label_that_begins_with_a_siblings_name(printed: str) -> None:
    """"@安全管理体制・規程の職員への周知": its number garbled, the label begins with its sibling's
    name (②安全管理体制), and "・" may start a value. It is ④ whole, also with a second OCR error
    (ヘ for へ), not ② again (#2) with the rest of the label as its value."""
    path = SEEDS / "004_cbd4026a17bd0163.txt"
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    text = path.read_text(encoding="utf-8")
    assert "④安全管理体制・規程の職員への周知\t" in text
    assert _items(text.replace("④安全管理体制・規程の職員への周知\t", f"{printed}\t")) == _items(text)


@pytest.mark.parametrize("head", ["@", "(D", "2"])
def test_a_garbled_label_with_its_value_run_on_after_a_space(head: str) -> None:
    """A cell per row with one space between label and value (tabs lost), the label's circled
    number garbled or read as a digit: "@事務の内容 地方税法及び…". The label ends at the space."""
    _sample_reads_the_same_with("②事務の内容\t", f"{head}事務の内容 ")
