"""The three real reports in ../shared/seeds ingest, with facts checked by reading each file."""

from __future__ import annotations

from pathlib import Path

from hyoka.ingest import read_report
from hyoka.model import Checks, Choice, Count, Report


def _read(seeds_dir: Path, name: str) -> Report:
    return read_report(seeds_dir / name)


def _systems(report: Report) -> list[str]:
    return [str(i.path) for i in report.items if len(i.path.segments) == 3 and i.path.segments[:2] == ("I", "2")]


def test_seed_002_juten(seeds_dir: Path) -> None:
    report = _read(seeds_dir, "002_d96ab8c3580b4465.txt")
    assert report.meta.form == "重点"
    assert report.meta.organisation == "高岡市長"
    assert report.meta.number == "7"
    assert report.meta.published == "令和8年1月16日"
    assert _systems(report) == [f"I/2/システム{n}" for n in range(1, 6)]
    kind = report.get("II/2/①ファイルの種類")
    assert kind is not None and kind.star
    assert isinstance(kind.value, Choice) and kind.value.selected == "システム用ファイル"
    assert kind.value.options == ("システム用ファイル", "その他の電子ファイル(表計算ファイル等)")
    entrust = report.get("II/4/委託の有無")
    assert entrust is not None and entrust.star
    assert entrust.value == Count("委託する", 1, ("委託する", "委託しない"))
    source = report.get("II/3/①入手元")
    assert source is not None and source.star and isinstance(source.value, Checks)
    assert "本人又は本人の代理人" in source.value.ticked
    assert "民間事業者" not in source.value.ticked
    purpose = report.get("II/3/③使用目的")
    assert purpose is not None and purpose.star
    assert "森林環境税" in purpose.value.text  # type: ignore[union-attr]
    section = report.get("III")
    assert section is not None and section.star
    assert report.meta.files == ("税収納・滞納管理システムデータベースファイル",)


def test_seed_004_zenkomoku_three_files(seeds_dir: Path) -> None:
    report = _read(seeds_dir, "004_cbd4026a17bd0163.txt")
    assert report.meta.form == "全項目"
    assert report.meta.organisation == "大阪市長"
    assert report.meta.number == "55"
    assert report.meta.files == ("住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル")
    assert len(_systems(report)) == 5
    people = report.get("I/1/③対象人数")
    assert people is not None and isinstance(people.value, Choice)
    assert people.value.selected == "30万人以上"
    source = report.get("II(本人確認情報ファイル)/3/①入手元")
    assert source is not None and source.star and isinstance(source.value, Checks)
    assert source.value.ticked == ("その他",)
    assert source.value.other == "自部署"
    for name in report.meta.files:
        assert report.get(f"III({name})") is not None


def test_seed_001_noisy_ocr(seeds_dir: Path) -> None:
    report = _read(seeds_dir, "001_cc86eefa057d2f96.txt")
    assert report.meta.form == "全項目"
    assert report.meta.organisation == "つくば市長"
    assert report.meta.number == "2"
    assert len(_systems(report)) == 17
    people = report.get("I/1/③対象人数")
    assert people is not None and isinstance(people.value, Choice)
    assert people.value.selected == "30万人以上"
    assert {i.path.segments[0] for i in report.items} >= {"I", "II", "III", "IV", "V", "VI"}
