"""Learn a body's own 提出時期 practice from its past 変更箇所: the policy that reproduces it.

Bodies decide consistently within themselves, and each published 変更箇所 row records a
decision. The learner classifies every row with the default rules, then adds, one at a time,
the policy setting that makes the most rows agree with the body — only settings of the policy
file's own vocabulary (switches, ※ additions/removals per item or heading, rules off), and only
when the rows that support it come from at least two items or two revisions and outnumber the
rows it turns against. A setting never names a row, so what is learned is a practice that
carries over to the body's next revision, not a memory of the last one. The result is a policy
a reviewer reads (calibrate_io.py writes it with the evidence per setting), never applied
silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from hyoka.classify import ChangeRecord, classify_row, prior_for_revision
from hyoka.classify.evaluate import TIMINGS, item_cells, revisions
from hyoka.classify.policy import DEFAULT_REASONS, Policy
from hyoka.classify.rules import NEEDS_REVIEW
from hyoka.forms import form_path
from hyoka.model import ChangeRow, FormKind

# Rules a body may read differently from the default. Kept: renumbered (a move is no change) and
# non_star (a body filing non-※ rows 事前 is read as ※ additions or a per-revision switch, never
# as "non-※ changes are 重要", which the forms rule out).
SWITCHABLE_RULES = ("notation_only", "typo", "org_rename", "law_citation", "date_contact")
MIN_SUPPORT = 2  # rows, from ≥ 2 items or ≥ 2 revisions
MIN_HEADING_DEPTH = 2
MAX_HEADING_DEPTH = 3
RULE_REASON = {"renumbered": "notation_only", "substantive_star": "important"}


@dataclass(frozen=True)
class Setting:
    """One policy setting in the file's vocabulary: ``section.key`` and its value."""

    section: str
    key: str
    value: object
    apply: Callable[[Policy], Policy] = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        """As a reviewer reads it: a switch with its value, a list setting with the entry it adds."""
        if (self.section == "star" and self.key != "unidentified") or self.key == "disabled_rules":
            return f"{self.section}.{self.key} += {self.value}"
        return f"{self.section}.{self.key} = {str(self.value).lower() if isinstance(self.value, bool) else self.value}"


@dataclass(frozen=True)
class Learned:
    """A setting with its evidence: row numbers it brings into agreement and turns against."""

    setting: Setting
    support: tuple[int, ...]
    against: tuple[int, ...]
    items: int
    revisions: int
    agree_before: int
    agree_after: int


@dataclass(frozen=True)
class LearnedReason:
    key: str
    text: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class RowOutcome:
    """How the learned policy decides one row next to the body's decision."""

    number: int
    item: str
    body: str
    default: str  # timing, or 要確認
    learned: str
    rule: str


@dataclass
class Calibration:
    policy: Policy
    settings: list[Learned]
    reasons: list[LearnedReason]
    rows: int
    revisions: int
    agree_default: int
    agree_learned: int
    review_default: int
    review_learned: int
    outcomes: list[RowOutcome]

    @property
    def differing(self) -> list[RowOutcome]:
        """Rows the learned policy still decides differently from the body (要確認 included)."""
        return [o for o in self.outcomes if o.learned != o.body]

    @property
    def moved_later(self) -> list[RowOutcome]:
        """Rows the learned policy moves from 事前 to 事後: a reviewer looks at these twice."""
        return [o for o in self.outcomes if o.default in ("事前", NEEDS_REVIEW) and o.learned == "事後"]


def _signature(policy: Policy) -> tuple[object, ...]:
    """What decides a single row's record (the per-revision switches act after)."""
    return (policy.additive_measures_are_formal, policy.disabled_rules, policy.star_add, policy.star_remove,
            policy.star_add_under, policy.star_remove_under, policy.unidentified_star, policy.blank_item_continues,
            policy.unknown_item_timing, policy.renames)


def _verdict(record: ChangeRecord) -> str:
    return NEEDS_REVIEW if record.decision.category == NEEDS_REVIEW else record.decision.timing


class _Rows:
    """The learning rows with a memo of their classification per policy signature: the learner
    tries many policies that differ from the current one in one setting, which changes few rows."""

    def __init__(self, form: FormKind, rows: Sequence[ChangeRow], numbers: Sequence[int]) -> None:
        self.form = form
        self.rows = list(rows)
        self.numbers = list(numbers)
        self.groups = [[i - 1 for i, _ in group] for group in revisions(self.rows)]
        self.revision_of = {i: g for g, members in enumerate(self.groups) for i in members}
        self.memo: dict[tuple[int, str, tuple[object, ...]], ChangeRecord] = {}

    def base(self, policy: Policy, only: Sequence[int] | None = None,
             previous: list[ChangeRecord] | None = None) -> list[ChangeRecord]:
        """Records before the per-revision switches; rows outside ``only`` are taken from ``previous``."""
        sig = _signature(policy)
        out = list(previous) if previous is not None else [None] * len(self.rows)  # type: ignore[list-item]
        wanted = set(range(len(self.rows))) if only is None else set(only)
        for members in self.groups:
            items = item_cells([self.rows[i].item for i in members], policy)
            for i, item in zip(members, items, strict=True):
                if i not in wanted:
                    continue
                key = (i, item, sig)
                if key not in self.memo:
                    row = self.rows[i]
                    self.memo[key] = classify_row(self.form, item, row.before, row.after, policy)
                out[i] = self.memo[key]
        return out  # type: ignore[return-value]

    def final(self, base: list[ChangeRecord], policy: Policy) -> list[ChangeRecord]:
        out = list(base)
        for members in self.groups:
            for i, record in zip(members, prior_for_revision([base[i] for i in members], self.form, policy),
                                 strict=True):
                out[i] = record
        return out

    def agree(self, records: Sequence[ChangeRecord]) -> list[bool]:
        return [_verdict(r) == row.timing for r, row in zip(records, self.rows, strict=True)]

    def item_key(self, i: int, record: ChangeRecord) -> str:
        return form_path(record.path) if record.path else " ".join(self.rows[i].item.split())


def _prefixes(path: str) -> list[str]:
    """Headings above an item a ※ setting may name: numbered sections (II/3) and below, never a
    whole chapter (II): every chapter mixes ※ and non-※ items by design, so a chapter-wide
    reading learned from a few rows would overrule the form for hundreds of others."""
    segments = path.split("/")
    return ["/".join(segments[:depth]) for depth in range(MIN_HEADING_DEPTH, min(len(segments), MAX_HEADING_DEPTH + 1))]


REVISION_SWITCHES = ("all_prior_when_reassessed", "all_prior_when_important")
ROW_SWITCHES = ("blank_item_continues", "additive_measures_are_formal")


def _candidates(data: _Rows, base: list[ChangeRecord], records: list[ChangeRecord], policy: Policy,
                revision_level: bool) -> list[tuple[Setting, list[int] | None]]:
    """Settings worth trying against the current policy, each with the rows it can change
    (None: every row); drawn from the rows hyoka decides differently from the body. Row-level
    settings (what is ※, which rules apply) and revision-level switches (a revision submitted
    whole) are learned in two passes, rows first: a practice stated per item or heading carries
    over to a revision unlike the ones learned from, a per-revision reading may not. ``base``
    are the records before the per-revision switches (which rule decided), ``records`` after."""
    out: list[tuple[Setting, list[int] | None]] = []
    wrong = [i for i, ok in enumerate(data.agree(records)) if not ok]
    if not wrong:
        return out
    # narrower settings first: when two explain the same rows, the first tried is kept
    for key in REVISION_SWITCHES if revision_level else ROW_SWITCHES:
        if not getattr(policy, key):
            def flip(p: Policy, key: str = key) -> Policy:
                return replace(p, **{key: True})
            rows: list[int] | None = None  # the per-revision switches recompute nothing
            if key == "blank_item_continues":
                rows = [i for i, row in enumerate(data.rows) if not row.item.strip()]
            elif key == "additive_measures_are_formal":  # decided after non_star, before substantive_star
                rows = [i for i, r in enumerate(base) if r.decision.rule == "substantive_star"]
            out.append((Setting("classification", key, True, flip), rows))
    if revision_level:
        return out
    if policy.unidentified_star is None:
        unknown = [i for i, r in enumerate(base) if r.star is None]
        if unknown:
            # only "not ※": the default already files a 要確認 row 事前, and calling such rows ※
            # would claim a knowledge of the item hyoka does not have
            def unidentified(p: Policy) -> Policy:
                return replace(p, unidentified_star=False)
            out.append((Setting("star", "unidentified", False, unidentified), unknown))
    for rule in SWITCHABLE_RULES:
        decided = [i for i, r in enumerate(base) if r.decision.rule == rule]
        if rule not in policy.disabled_rules and any(i in wrong for i in decided):
            def disable(p: Policy, rule: str = rule) -> Policy:
                return replace(p, disabled_rules=p.disabled_rules | {rule})
            out.append((Setting("classification", "disabled_rules", rule, disable), decided))
    paths: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        if record.path:
            paths.setdefault(form_path(record.path), []).append(i)
    wanted: dict[tuple[str, bool, bool], None] = {}
    for i in wrong:
        record, body = records[i], data.rows[i].timing
        if not record.path:
            continue
        star = body == "事前"
        full = form_path(record.path)
        wanted[(full, star, False)] = None
        for head in _prefixes(full):
            wanted[(head, star, True)] = None
    taken = policy.star_add | policy.star_remove | policy.star_add_under | policy.star_remove_under
    for path, star, under in wanted:
        if path in taken:
            continue
        rows = [i for p, members in paths.items() if p == path or (under and p.startswith(path + "/"))
                for i in members]
        key = ("add" if star else "remove") + ("_under" if under else "")
        field_name = f"star_{key}"

        def star_set(p: Policy, field_name: str = field_name, path: str = path) -> Policy:
            return replace(p, **{field_name: getattr(p, field_name) | {path}})
        out.append((Setting("star", key, path, star_set), rows))
    return out


def _evidence(data: _Rows, before: list[bool], after: list[bool], records: list[ChangeRecord]
              ) -> tuple[list[int], list[int], int, int]:
    support = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if b and not a]
    against = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a and not b]
    items = len({data.item_key(i, records[i]) for i in support})
    revs = len({data.revision_of[i] for i in support})
    return support, against, items, revs


def _generalises(support: list[int], against: list[int], items: int, revs: int) -> bool:
    return len(support) >= MIN_SUPPORT and (items >= 2 or revs >= 2) and len(against) < len(support)


def learn(form: FormKind, rows: Sequence[ChangeRow], numbers: Sequence[int] | None = None,
          start: Policy | None = None, max_settings: int = 12) -> Calibration:
    """The policy that best reproduces the body's decisions on ``rows`` (rows without a usable
    提出時期 are ignored), with evidence per setting. ``numbers`` name the rows in messages
    (1-based positions by default)."""
    numbers = list(numbers) if numbers is not None else list(range(1, len(rows) + 1))
    usable = [(n, row) for n, row in zip(numbers, rows, strict=True) if row.timing in TIMINGS]
    data = _Rows(form, [row for _, row in usable], [n for n, _ in usable])
    policy = start or Policy()
    base = data.base(policy)
    records = data.final(base, policy)
    first = records
    agree = data.agree(records)
    learned: list[Learned] = []
    for revision_level in (False, True, False):  # rows, revisions, then rows the switches now explain
        while len(learned) < max_settings:
            best: tuple[tuple[int, ...], Learned, Policy, list[ChangeRecord], list[ChangeRecord]] | None = None
            for setting, touched in _candidates(data, base, records, policy, revision_level):
                trial = setting.apply(policy)
                trial_base = data.base(trial, touched, base) if touched is not None else data.base(trial)
                trial_records = data.final(trial_base, trial)
                trial_agree = data.agree(trial_records)
                support, against, items, revs = _evidence(data, agree, trial_agree, trial_records)
                if not _generalises(support, against, items, revs):
                    continue
                depth = len(str(setting.value).split("/")) if setting.section == "star" else 0
                rank = (len(support) - len(against), items + revs, -len(against), depth)
                if best is None or rank > best[0]:
                    entry = Learned(setting, tuple(data.numbers[i] for i in support),
                                    tuple(data.numbers[i] for i in against), items, revs, sum(agree),
                                    sum(trial_agree))
                    best = (rank, entry, trial, trial_base, trial_records)
            if best is None:
                break
            _, entry, policy, base, records = best
            agree = data.agree(records)
            learned.append(entry)
    reasons = _reasons(data, records)
    if reasons:
        policy = replace(policy, reasons={**policy.reasons, **{r.key: r.text for r in reasons}})
    outcomes = [RowOutcome(data.numbers[i], " ".join(row.item.split())[:60], row.timing, _verdict(first[i]),
                           _verdict(records[i]), records[i].decision.rule) for i, row in enumerate(data.rows)]
    return Calibration(
        policy=replace(policy, source="(学習)"), settings=learned, reasons=reasons, rows=len(data.rows),
        revisions=len(data.groups), agree_default=sum(data.agree(first)), agree_learned=sum(agree),
        review_default=sum(1 for r in first if _verdict(r) == NEEDS_REVIEW),
        review_learned=sum(1 for r in records if _verdict(r) == NEEDS_REVIEW), outcomes=outcomes,
    )


def _reason_key(record: ChangeRecord) -> str:
    rule = record.decision.rule
    key = RULE_REASON.get(rule, rule)
    return key if key in DEFAULT_REASONS else ""


def _reasons(data: _Rows, records: list[ChangeRecord]) -> list[LearnedReason]:
    """The body's own wording of 提出時期に係る説明 per kind of decision: the text it wrote most
    often on rows the learned policy decides alike, when that text recurs (≥ 2 rows, ≥ 2 items)
    and is the majority of the body's texts for that kind."""
    texts: dict[str, list[tuple[int, str]]] = {}
    for i, (record, row) in enumerate(zip(records, data.rows, strict=True)):
        text = " ".join(row.reason.split())
        key = _reason_key(record)
        if text and key and _verdict(record) == row.timing:
            texts.setdefault(key, []).append((i, text))
    out: list[LearnedReason] = []
    for key, found in sorted(texts.items()):
        counts = Counter(text for _, text in found)
        text, count = counts.most_common(1)[0]
        rows = [i for i, t in found if t == text]
        items = {data.item_key(i, records[i]) for i in rows}
        revs = {data.revision_of[i] for i in rows}
        if count >= MIN_SUPPORT and (len(items) >= 2 or len(revs) >= 2) and count * 2 > len(found) \
                and text != DEFAULT_REASONS[key]:
            out.append(LearnedReason(key, text, tuple(data.numbers[i] for i in rows)))
    return out
