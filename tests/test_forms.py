"""The form catalogues against the forms' structure and the ※ printed in the real seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyoka.forms import load_catalogue
from hyoka.forms.printed import find_printed
from hyoka.ingest import read_report
from hyoka.model import ItemPath

SERIOUS_TAIL = "個人情報に関する重大事故が発生したか"


def _p(text: str) -> ItemPath:
    return ItemPath.parse(text)


@pytest.mark.parametrize("name", ["001_cc86eefa057d2f96.txt", "002_d96ab8c3580b4465.txt", "004_cbd4026a17bd0163.txt"])
def test_every_printed_star_is_star_in_the_catalogue(seeds_dir: Path, name: str) -> None:
    report = read_report(seeds_dir / name)
    catalogue = load_catalogue(report.meta.form)
    printed = [item.path for item in report.items if item.star]
    assert len(printed) >= 10, "the seed prints ※ on a dozen items at least"
    missing = [str(p) for p in printed if not catalogue.is_star(p)]
    assert missing == []


@pytest.mark.parametrize("name", ["002_d96ab8c3580b4465.txt", "004_cbd4026a17bd0163.txt"])
def test_catalogue_knows_the_numbered_items_of_clean_seeds(seeds_dir: Path, name: str) -> None:
    """Every circled item of the cleaner seeds resolves to a catalogue entry (aliases, OCR tails)."""
    report = read_report(seeds_dir / name)
    catalogue = load_catalogue(report.meta.form)
    circled = [i.path for i in report.items if i.path.segments[-1][:1] in "①②③④⑤⑥⑦⑧⑨" and i.path.segments[0][:3]
               not in {"III"}]
    unknown = [str(p) for p in circled if catalogue.entry(p) is None]
    assert len(circled) > 40
    assert unknown == []


def test_section_star_with_exception_juten() -> None:
    """様式3: 「III リスク対策 ※(7. ②を除く。)」."""
    c = load_catalogue("重点")
    assert c.is_star(_p("III/3/リスク2/具体的な管理方法"))
    assert c.is_star(_p("III/7/リスク/①事故発生時手順の策定・周知"))
    serious = "III/7/リスク/②過去3年以内に、評価実施機関において、" + SERIOUS_TAIL
    assert not c.is_star(_p(serious))
    assert not c.is_star(_p(serious + "/その内容"))
    assert not c.is_star(_p("IV/2/①連絡先"))


def test_section_star_with_exception_zenkomoku() -> None:
    """様式4: 「III … ※(7. リスク1⑨を除く。)」 per file, and 「IV その他のリスク対策 ※」."""
    c = load_catalogue("全項目")
    serious = "III(住民基本台帳ファイル)/7/リスク1/⑨過去3年以内に、評価実施機関において、" + SERIOUS_TAIL
    assert not c.is_star(_p(serious))
    assert c.is_star(_p("III(住民基本台帳ファイル)/7/リスク1/⑧事故発生時手順の策定・周知"))
    assert c.is_star(_p("IV/1/②監査/具体的な内容"))
    assert not c.is_star(_p("V/2/①連絡先"))


def test_star_sets_differ_between_forms() -> None:
    """②事務の内容 is ※ in 様式4 but not in 様式3 (DOMAIN.md §2); 使用部署 likewise."""
    assert load_catalogue("全項目").is_star(_p("I/1/②事務の内容"))
    assert not load_catalogue("重点").is_star(_p("I/1/②事務の内容"))
    assert load_catalogue("全項目").is_star(_p("II(x)/3/⑦使用の主体/使用部署"))
    assert not load_catalogue("重点").is_star(_p("II/3/④使用の主体/使用部署"))


def test_star_children_inherit_unless_excepted() -> None:
    c = load_catalogue("重点")
    assert c.is_star(_p("I/5/②法令上の根拠"))  # under 「5. 情報提供ネットワークシステムによる情報連携 ※」
    assert not c.is_star(_p("II/2/③対象となる本人の範囲/その必要性"))
    assert not c.is_star(_p("II/2/④記録される項目"))
    assert c.is_star(_p("II/2/④記録される項目/主な記録項目"))


def test_instances_and_files_are_generic() -> None:
    c = load_catalogue("全項目")
    entry = c.entry(_p("II(送付先情報ファイル)/4/委託事項7/⑦再委託の有無"))
    assert entry is not None and entry.star is True
    assert c.entry(_p("I/2/システム12/②システムの機能")) is not None
    assert c.entry(_p("I/2/システム12/⑨存在しない項目")) is None


def test_printed_path_words_the_item_as_the_form() -> None:
    c = load_catalogue("重点")
    purpose = "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ③使用目的 ※"
    assert c.printed_path(_p("II/3/③使用目的")) == purpose
    assert (
        c.printed_path(_p("I/2/システム4/①システムの名称"))
        == "I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム4 ①システムの名称"
    )
    z = load_catalogue("全項目")
    assert z.printed_path(_p("II(住民票ファイル)/6/①保管場所")).startswith(
        "II 特定個人情報ファイルの概要(住民票ファイル) 6. 特定個人情報の保管・消去 ①保管場所 ※"
    )


@pytest.mark.parametrize(
    ("form", "cell", "expected", "star"),
    [
        ("重点", "I 基本情報 5. 情報提供ネットワークシステムによる情報連携※ ②法令上の根拠", "I/5/②法令上の根拠", True),
        # The form puts the measures of 7. under its risk; the printed cell leaves the risk out.
        ("重点", "IIIリスク対策 7. 特定個人情報の保管・消去 その他の措置の内容",
         "III/7/リスク/その他の措置の内容", True),
        ("重点", "V計画実施予期 1. 基礎項目評価 ①実施日", "V/1/①実施日", False),  # OCR'd title
        ("重点", "(記載なし)", None, None),
        ("全項目", "II ファイルの概要(住民基本台帳ファイル) 4. 特定個人情報ファイルの取扱いの委託 委託の有無",
         "II/4/委託の有無", True),
        ("全項目", "Ⅵ 評価実施手続 1. 基礎項目評価 ① 実施日", "VI/1/①実施日", False),
        ("全項目", "別添1 事務内容(住民基本台帳ファイル)", "別添1", True),
        ("全項目", "1 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム5 ②システムの機能",
         "I/2/システムN/②システムの機能", False),
    ],
)
def test_find_printed_reads_noisy_item_cells(form: str, cell: str, expected: str | None, star: bool | None) -> None:
    c = load_catalogue(form)
    found = find_printed(c, cell)
    if expected is None:
        assert found is None
        return
    assert found is not None and str(found).startswith(expected)
    assert c.is_star(found) is star


def test_catalogue_tree_is_well_formed() -> None:
    for form in ("基礎", "重点", "全項目"):
        c = load_catalogue(form)
        paths = {e.path for e in c.entries}
        assert len(paths) == len(c.entries), "duplicate catalogue path"
        orphans = [e.path for e in c.entries if len(e.path) > 1 and e.path[:-1] not in paths]
        assert orphans == []
    # 様式2 is catalogued from the form's structure (no seed is one); it lists the しきい値 items.
    assert load_catalogue("基礎").entry(ItemPath.parse("II/1")) is not None


@pytest.mark.parametrize("form", ["基礎", "重点", "全項目"])
def test_requests_for_one_edition_share_one_catalogue(form: str) -> None:
    """The reader asks for the edition a report prints, the classifier for the newest: when they
    are the same edition it is one catalogue (built once, its lookups shared); another edition
    is a catalogue of its own, holding only the items that edition prints."""
    newest = load_catalogue(form)
    assert newest.edition == newest.editions[-1]
    assert load_catalogue(form, newest.edition) is newest
    assert load_catalogue(form, "令和99年1月") is newest  # an edition not listed reads as the newest
    oldest = load_catalogue(form, newest.editions[0])
    assert oldest is not newest and oldest.edition == newest.editions[0]
    assert load_catalogue(form, oldest.edition) is oldest
    assert all(e.in_edition(oldest.edition) for e in oldest.entries)
