"""An organisation's classification policy: a TOML file, validated before use.

Bodies disagree on where the line between 重要 and 形式的 runs (DOMAIN.md §2
rule 4), rename departments, and word their reasons differently. All of that is
data the organisation owns, so it lives in a policy file, not in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hyoka.errors import HyokaError
from hyoka.model import canonical_json, sha256_text

MAX_POLICY_BYTES = 1024 * 1024

RULE_IDS = (
    "renumbered",
    "choice_made",
    "non_star",
    "notation_only",
    "typo",
    "org_rename",
    "law_citation",
    "date_contact",
    "additive_measure",
    "kanji_swap",
    "substantive_star",
    "threshold_crossing",
)

DEFAULT_REASONS: dict[str, str] = {
    "important": "重要な変更に当たるため",
    "non_star": "重要な変更の対象外の項目の変更であるため",
    "notation_only": "形式的な変更であるため、重要な変更に当たらない",
    "typo": "誤字脱字の修正であり、形式的な変更であるため、重要な変更に当たらない",
    "org_rename": "組織改編による",
    "law_citation": "番号法の改正による",
    "date_contact": "日付・連絡先の更新であり、重要な変更に当たらない",
    "additive_measure": "リスク対策の追加であり、重要な変更に当たらない",
    "all_prior": "重要な変更を含む改訂の一部として事前に提出するため",
    "unknown_item": "要確認: 様式のどの項目か特定できず、重要な変更に当たるか確認が必要なため",
    "kanji_swap": "要確認: 漢字1字の置き換えで、誤字の修正か記載内容の変更か確認が必要なため",
    "threshold_crossing": "しきい値判断の結果が変わりうるため、変更前に評価を再実施する",
}

TIMINGS = ("事前", "事後")
# Rules a policy cannot switch off: they stop hyoka from deciding silently what it does not know.
ALWAYS_ON = ("unknown_item",)


class PolicyError(HyokaError):
    """The policy file is missing, not TOML, or has an unknown key or a wrong type."""


@dataclass(frozen=True)
class AppendixStyle:
    """How the generated 変更箇所 writes its cells; bodies differ, the forms do not say."""

    abridge_context: int = 0  # 0: full texts; n: keep n characters around each change, 「…」 elsewhere
    new_item: str = "記載なし"  # 変更前 of an item that did not exist
    removed_item: str = "(削除)"  # 変更後 of an item that was removed


@dataclass(frozen=True)
class Deadlines:
    """DOMAIN.md: a yearly review (best effort) and re-assessment within 5 years of the last one."""

    review_months: int = 12
    reassess_years: int = 5
    warn_days: int = 90


@dataclass(frozen=True)
class Policy:
    """What the rules read; the built-in default is the conservative reading of the forms."""

    additive_measures_are_formal: bool = False
    all_prior_when_important: bool = False
    # all_prior only for a revision that also changes the 評価実施手続 section (a re-assessment)
    all_prior_when_reassessed: bool = False
    # a blank 項目 cell in a 変更箇所 table continues the item of the row above (a merged cell)
    blank_item_continues: bool = False
    unknown_item_timing: str = "事前"  # 提出時期 of a 要確認 change (item not identified): the safe side
    disabled_rules: frozenset[str] = frozenset()
    star_add: frozenset[str] = frozenset()
    star_remove: frozenset[str] = frozenset()
    star_add_under: frozenset[str] = frozenset()  # headings: every item below them is ※
    star_remove_under: frozenset[str] = frozenset()  # headings: no item below them is ※
    unidentified_star: bool | None = None  # items hyoka cannot identify: None = 要確認
    renames: tuple[tuple[str, str], ...] = ()
    reasons: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REASONS))
    appendix: AppendixStyle = field(default_factory=lambda: AppendixStyle())
    deadlines: Deadlines = field(default_factory=lambda: Deadlines())
    source: str = "(既定)"
    # Content hash of the policy file's text (policy_hash): an empty file is the default policy, so
    # the default's hash is that of "". Classify events record it: which policy decided.
    content_hash: str = field(default_factory=lambda: policy_hash(""))

    def reason(self, key: str) -> str:
        return self.reasons.get(key, DEFAULT_REASONS[key])

    def enabled(self, rule: str) -> bool:
        return rule not in self.disabled_rules


def policy_document(text: str) -> str:
    """The policy's text as the store keeps it: a canonical JSON blob that states its kind."""
    return canonical_json({"kind": "policy", "toml": text})


def policy_hash(text: str) -> str:
    """A policy's content hash: the hash of its stored blob, whether read from a file or the store."""
    return sha256_text(policy_document(text))


def _show(text: str, limit: int = 60) -> str:
    """A user-supplied key or value fit for a one-line message: breaks and controls escaped, cut short."""
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PolicyError(f"ポリシー {_show(where)}: {kind.__name__} が必要です / must be {kind.__name__}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    items = _expect(value, list, where)
    return [_expect(v, str, f"{where}[]") for v in items]


_SECTIONS = {
    "classification": {"additive_measures_are_formal", "all_prior_when_important", "all_prior_when_reassessed",
                       "blank_item_continues", "disabled_rules", "unknown_item_timing"},
    "star": {"add", "remove", "add_under", "remove_under", "unidentified"},
    "renames": None,
    "reasons": set(DEFAULT_REASONS),
    "appendix": {"abridge_context", "new_item", "removed_item"},
    "deadlines": {"review_months", "reassess_years", "warn_days"},
}


def policy_from_dict(data: dict[str, Any], source: str = "(既定)") -> Policy:
    """Validate a parsed policy; every unknown key is an error so typos never pass silently."""
    for key in data:
        if key not in _SECTIONS:
            raise PolicyError(f"ポリシー: 不明な項目 [{_show(key)}] / unknown section")
        _expect(data[key], dict, f"[{key}]")
        allowed = _SECTIONS[key]
        for sub in data[key]:
            if allowed is not None and sub not in allowed:
                raise PolicyError(f"ポリシー: 不明なキー {_show(f'{key}.{sub}')} / unknown key")
    cls = data.get("classification", {})
    disabled = _strings(cls.get("disabled_rules", []), "classification.disabled_rules")
    for rule in disabled:
        if rule in ALWAYS_ON:
            raise PolicyError(f"ポリシー: 規則 {rule} は無効にできません (提出時期は classification.unknown_item_timing"
                              " で選べます) / cannot be disabled")
        if rule not in RULE_IDS:
            raise PolicyError(f"ポリシー: 不明な規則 {_show(rule)} (有効: {', '.join(RULE_IDS)}) / unknown rule")
    renames = tuple(
        (old, _expect(new, str, f"renames.{old}")) for old, new in data.get("renames", {}).items()
    )
    reasons = dict(DEFAULT_REASONS)
    for key, text in data.get("reasons", {}).items():
        reasons[key] = _expect(text, str, f"reasons.{key}")
    unknown_timing = _expect(cls.get("unknown_item_timing", "事前"), str, "classification.unknown_item_timing")
    if unknown_timing not in TIMINGS:
        raise PolicyError(f"ポリシー classification.unknown_item_timing: 事前 か 事後 です / must be 事前 or 事後: "
                          f"{_show(unknown_timing)}")
    star = data.get("star", {})
    style = data.get("appendix", {})
    context = _expect(style.get("abridge_context", 0), int, "appendix.abridge_context")
    if not 0 <= context <= 10_000:
        raise PolicyError("ポリシー appendix.abridge_context: 0〜10000 / must be 0..10000")
    appendix = AppendixStyle(
        abridge_context=context,
        new_item=_expect(style.get("new_item", "記載なし"), str, "appendix.new_item"),
        removed_item=_expect(style.get("removed_item", "(削除)"), str, "appendix.removed_item"),
    )
    due = data.get("deadlines", {})
    deadlines = Deadlines(
        **{key: _expect(due.get(key, default), int, f"deadlines.{key}")
           for key, default in (("review_months", 12), ("reassess_years", 5), ("warn_days", 90))}
    )
    if not (1 <= deadlines.review_months <= 120 and 1 <= deadlines.reassess_years <= 20
            and 0 <= deadlines.warn_days <= 3650):
        raise PolicyError("ポリシー [deadlines]: 値の範囲が不正です / deadlines out of range")
    return Policy(
        additive_measures_are_formal=_expect(
            cls.get("additive_measures_are_formal", False), bool, "classification.additive_measures_are_formal"
        ),
        all_prior_when_important=_expect(
            cls.get("all_prior_when_important", False), bool, "classification.all_prior_when_important"
        ),
        all_prior_when_reassessed=_expect(
            cls.get("all_prior_when_reassessed", False), bool, "classification.all_prior_when_reassessed"
        ),
        blank_item_continues=_expect(
            cls.get("blank_item_continues", False), bool, "classification.blank_item_continues"
        ),
        unknown_item_timing=unknown_timing,
        disabled_rules=frozenset(disabled),
        star_add=frozenset(_strings(star.get("add", []), "star.add")),
        star_remove=frozenset(_strings(star.get("remove", []), "star.remove")),
        star_add_under=frozenset(_strings(star.get("add_under", []), "star.add_under")),
        star_remove_under=frozenset(_strings(star.get("remove_under", []), "star.remove_under")),
        unidentified_star=(None if "unidentified" not in star
                           else _expect(star["unidentified"], bool, "star.unidentified")),
        renames=renames,
        reasons=reasons,
        appendix=appendix,
        deadlines=deadlines,
        source=source,
    )


def load_policy(path: Path | None) -> Policy:
    """The policy at ``path`` or the built-in default; PolicyError names what is wrong."""
    if path is None:
        return Policy()
    return policy_from_text(read_policy_text(path), str(path))


def read_policy_text(path: Path) -> str:
    """A policy file's text, bounded whatever the source (a pipe reports size 0), BOM dropped."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise PolicyError(f"ポリシー {path}: 読めません / cannot read ({exc.strerror})") from None
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError(f"ポリシー {path}: 大きすぎます / too large")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(f"ポリシー {path}: UTF-8 ではありません / not UTF-8") from None


def policy_from_text(text: str, source: str) -> Policy:
    """A policy from its TOML text (a file's, or one stored with a report), with its content hash."""
    import tomllib  # here, not at the top: most commands never read a policy file

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise PolicyError(f"ポリシー {source}: TOML として読めません / invalid TOML: {_show(str(exc))}") from None
    return replace(policy_from_dict(data, source), content_hash=policy_hash(text))
