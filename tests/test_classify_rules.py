"""Each classification rule on the cases DOMAIN.md §2 names, and the policy switches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hyoka.classify.policy import Policy, PolicyError, load_policy, policy_from_dict
from hyoka.classify.rules import RuleInput, decide
from hyoka.diff.text import diff_text


def decide_on(before: str, after: str, *, star: bool = True, path: str = "II/3/③使用目的",
              change: str = "modified", policy: Policy | None = None, form: str = "重点"):
    inp = RuleInput(form, path, star, change, before, after, diff_text(before, after))  # type: ignore[arg-type]
    return decide(inp, policy or Policy())


def test_non_star_item_is_not_important_and_after() -> None:
    d = decide_on("税務課の職員", "全職員", star=False, path="II/3/④使用の主体/使用部署")
    assert (d.rule, d.important, d.timing) == ("non_star", False, "事後")


def test_substantive_change_to_star_item_is_important_and_prior() -> None:
    d = decide_on("市税の正確な収納事務のため。", "市税及び森林環境税の正確な収納事務のため。")
    assert (d.rule, d.important, d.timing, d.category) == ("substantive_star", True, "事前", "重要な変更")
    assert "森林環境税" in d.evidence


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("中間サーバ・プラットフォームで保管する。", "中間サーバー・プラットフォームで保管する。"),
        ("ＩＳＭＡＰに登録された事業者", "ISMAPに登録された事業者"),
        ("・紙媒体は施錠保管\n・電子データは暗号化", "紙媒体は施錠保管 電子データは暗号化"),
        ("期間は1年〜5年", "期間は1年～5年"),
    ],
)
def test_notation_only(before: str, after: str) -> None:
    assert decide_on(before, after).rule == "notation_only"



@pytest.mark.parametrize(
    ("before", "after"),
    [("平成28年1月1日", "2016-01-01 00:00:00"), ("令和6年3月1日", "2024/03/01"), ("令和元年5月1日", "2019-05-01")],
)
def test_the_same_day_printed_another_way_is_notation_only(before: str, after: str) -> None:
    """A date cell as a workbook's exports print it (pandas: 2016-01-01 00:00:00) names the same day."""
    d = decide_on(before, after, path="II/2/⑤保有開始日")
    assert (d.rule, d.important, d.timing) == ("notation_only", False, "事後")
    assert "同じ日付" in d.evidence


@pytest.mark.parametrize(
    ("before", "after"),
    [("平成28年1月1日", "2016-01-02 00:00:00"), ("平成28年1月1日", "平成28年1月1日から使用する"),
     ("2016-01-01 09:30:00", "平成28年1月1日")],
)
def test_another_day_or_a_date_in_a_sentence_is_not_a_notation(before: str, after: str) -> None:
    assert decide_on(before, after, path="II/2/⑤保有開始日").rule != "notation_only"

def test_typo_inside_a_word_is_formal() -> None:
    d = decide_on("収納管理シテスムで管理する。", "収納管理システムで管理する。")
    assert (d.rule, d.timing) == ("typo", "事後")


@pytest.mark.parametrize(
    ("before", "after", "evidence"),
    [
        # one character each, yet a new 入手元 and a withdrawn one
        ("[ ] 本人又は本人の代理人 [○] 評価実施機関内の他部署", "[○] 本人又は本人の代理人 [○] 評価実施機関内の他部署",
         "本人又は本人の代理人 を選択"),
        ("・識別情報\n[○] 個人番号 [○] 連絡先", "・識別情報\n[○] 個人番号 [ ] 連絡先", "連絡先 を選択解除"),
        ("[再委託する]", "[再委託しない]", "選択肢の変更 [再委託する] → [再委託しない]"),
    ],
)
def test_a_tick_or_a_selection_is_never_a_typo(before: str, after: str, evidence: str) -> None:
    d = decide_on(before, after, path="II/3/①入手元")
    assert (d.rule, d.important, d.timing, d.evidence) == ("choice_made", True, "事前", evidence)
    # not ※: the rule after the formal ones decides, and it is still no typo
    d = decide_on(before, after, star=False, path="I/2/システム1/③他のシステムとの接続")
    assert (d.rule, d.timing) == ("non_star", "事後")
    d = decide_on(before, after, star=None, path="II/3/⑩独自の記載欄")  # type: ignore[arg-type]
    assert (d.rule, d.category, d.timing) == ("unknown_item", "要確認", "事前")


def test_a_choice_printed_otherwise_is_not_a_choice_made() -> None:
    """The same selection in another width, and box texts edited without a tick moving, go
    to the other rules."""
    assert decide_on("[１万人以上]", "[1万人以上]").rule == "notation_only"
    assert decide_on("[○] 収納管理シテスム [ ] 紙", "[○] 収納管理システム [ ] 紙").rule == "typo"
    assert decide_on("[○] 紙", "[○] 紙 [ ] 電子メール").rule == "substantive_star"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("外部からのアクセスを可能とする。", "外部からのアクセスを不可能とする。"),
        ("暗号化の有無: 有", "暗号化の有無: 無"),
        ("庁内の端末に限り接続する。", "庁外の端末に限り接続する。"),
        ("100人以上の職員", "100人以下の職員"),
        ("特定個人情報ファイルの全体を委託する。", "特定個人情報ファイルの一部を委託する。"),
    ],
)
def test_a_character_that_reverses_the_text_is_no_typo(before: str, after: str) -> None:
    d = decide_on(before, after)
    assert (d.rule, d.important, d.timing) == ("substantive_star", True, "事前")


def test_one_kanji_for_another_is_left_to_a_person() -> None:
    """承認 → 確認 may be a slip or another word: 要確認 and 事前 (the safe side), never a
    silent 事後; on an item that is not ※ it is simply not 重要; switched off, it is 重要."""
    d = decide_on("操作は上長が承認する。", "操作は上長が確認する。")
    assert (d.rule, d.category, d.important, d.timing) == ("kanji_swap", "要確認", None, "事前")
    assert "「承」→「確」" in d.evidence
    assert decide_on("操作は上長が承認する。", "操作は上長が確認する。", star=False).rule == "non_star"
    off = replace(Policy(), disabled_rules=frozenset({"kanji_swap"}))
    assert decide_on("操作は上長が承認する。", "操作は上長が確認する。", policy=off).rule == "substantive_star"
    # a kana slip stays a typo
    assert decide_on("職員が操作を行う。", "職員が操作を行なう。").rule == "typo"


def test_number_edit_is_not_a_typo() -> None:
    assert decide_on("保存期間は5年とする。", "保存期間は7年とする。").rule == "substantive_star"


def test_department_rename_detected_by_pattern() -> None:
    d = decide_on("桜川市財務部税務課", "桜川市市民生活部税務課")
    assert (d.rule, d.timing) == ("org_rename", "事後")


@pytest.mark.parametrize(
    ("before", "after", "rule"),
    [
        # a unit added to or dropped from a department's name: a reorganisation (組織改編)
        ("桜川市税務課 TEL 0000-00-0000", "桜川市財務部税務課 TEL 0000-00-0000", "org_rename"),
        ("桜川市財務部税務課", "桜川市税務課", "org_rename"),
        # another department added beside it: who handles the data widened
        ("収納課の職員に限る", "収納課及び納税課の職員に限る", "substantive_star"),
        ("税務課の職員", "税務課、収納課の職員", "substantive_star"),
    ],
)
def test_a_unit_added_to_a_department_name_is_a_rename(before: str, after: str, rule: str) -> None:
    assert decide_on(before, after).rule == rule


def test_department_rename_from_policy_map() -> None:
    policy = policy_from_dict({"renames": {"未来政策部": "市長政策部"}})
    d = decide_on("未来政策部情報政策課が保管する", "市長政策部情報政策課が保管する", policy=policy)
    assert d.rule == "org_rename" and "ポリシー" in d.evidence


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("番号法第9条第1項及び別表第一の16の項", "番号法第9条第1項及び別表の24の項"),
        ("番号法第19条第7号及び別表第二の27の項", "番号法第19条第8号に基づく主務省令第2条の表48の項"),
    ],
)
def test_law_citation_renumbering_is_formal(before: str, after: str) -> None:
    d = decide_on(before, after, path="I/4/法令上の根拠")
    assert (d.rule, d.timing) == ("law_citation", "事後")


def test_contact_change_is_formal() -> None:
    d = decide_on("桜川市情報政策課 TEL 0000-00-0000", "桜川市情報政策課 TEL 0000-11-1111")
    assert d.rule == "date_contact"


def test_added_measure_follows_the_policy_switch() -> None:
    before = "<桜川市における措置>\n施錠保管する。"
    after = before + "\n<ガバメントクラウドにおける措置>\n国内で保管する。"
    path = "III/7/リスク/⑤物理的対策"
    assert decide_on(before, after, path=path).rule == "substantive_star"
    lenient = Policy(additive_measures_are_formal=True)
    d = decide_on(before, after, path=path, policy=lenient)
    assert (d.rule, d.timing) == ("additive_measure", "事後")
    # Outside the risk sections the switch changes nothing.
    assert decide_on(before, after, path="II/6/保管場所", policy=lenient).rule == "substantive_star"


def test_disabled_rule_is_skipped() -> None:
    policy = replace(Policy(), disabled_rules=frozenset({"typo"}))
    assert decide_on("収納管理シテスムで管理する。", "収納管理システムで管理する。", policy=policy).rule == (
        "substantive_star"
    )


def test_reason_phrases_come_from_the_policy() -> None:
    policy = policy_from_dict({"reasons": {"important": "重要な変更による"}})
    assert decide_on("市税", "市税及び森林環境税", policy=policy).reason == "重要な変更による"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[classification]\nadditive = true\n", "classification.additive"),
        ("[classification]\nadditive_measures_are_formal = 'yes'\n", "bool"),
        ("[classification]\ndisabled_rules = ['nosuch']\n", "nosuch"),
        ("[colour]\n", "colour"),
        ("[renames]\n'a' = 1\n", "renames.a"),
        ("not = [toml\n", "TOML"),
    ],
)
def test_invalid_policy_is_refused(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=needle):
        load_policy(path)


def test_sample_policy_loads() -> None:
    sample = Path(__file__).resolve().parents[1] / "samples" / "policy.toml"
    policy = load_policy(sample)
    assert policy.renames and policy.source.endswith("policy.toml")
