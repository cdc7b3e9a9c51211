"""Commit a version together with the classification of its revision, in one transaction.

Also what guards a commit: the author it needs, the identity check against the head, the
three-way merge of ``--rebase`` (:mod:`hyoka.audit.merge`) and ``revert``."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from types import EllipsisType

from hyoka.audit.merge import merge
from hyoka.classify import ChangeRecord, compare_reports
from hyoka.classify.policy import Policy
from hyoka.diff.align import align
from hyoka.errors import InputError, StoreError, UnknownVersion
from hyoka.ingest.legacy import comparable
from hyoka.model import LEGACY_READER, Report, ReportMeta
from hyoka.store import CommitResult, Store, content_hash
from hyoka.store.events import NewEvent
from hyoka.store.repository import HeadMoved


def change_events(
    records: list[ChangeRecord], version: int, actor: str, at: datetime, policy_source: str,
    extra: dict[str, object] | None = None, policy_hash: str | None = None,
) -> list[NewEvent]:
    """One ``classify`` event for the run, then one ``change`` event per classified change.

    ``extra`` goes into the ``classify`` event's payload: the merge a version came from
    (``merged``), the identity differences a ``--force`` let through (``forced``).
    ``policy_hash``, the content hash of the policy that decided, goes in as ``policy_hash``
    (events recorded before it existed lack the key and keep their hashes)."""
    stamp = {"policy_hash": policy_hash} if policy_hash is not None else {}
    run = NewEvent(
        kind="classify", actor=actor, at=at, version=version,
        payload={"policy": policy_source, **stamp, "changes": len(records),
                 "important": sum(1 for r in records if r.decision.important), **(extra or {})},
    )
    changes = [
        NewEvent(
            kind="change", actor=actor, at=at, version=version, change_index=index, path=r.path,
            important=r.decision.important, timing=r.decision.timing, category=r.decision.category,
            rule=r.decision.rule,
            payload={"item": r.item, "change": r.change, "reason": r.decision.reason,
                     "evidence": r.decision.evidence, "before": r.before, "after": r.after},
        )
        for index, r in enumerate(records, 1)
    ]
    return [run, *changes]


MERGE_ATTEMPTS = 5


class MergeConflict(InputError):
    """Both the head and the file changed the same items differently: nothing is written."""

    def __init__(self, report_id: str, base: int, head: int, items: tuple[str, ...]) -> None:
        listed = ", ".join(items)
        super().__init__(
            f"{report_id}: {base} 版から編集したファイルと最新版 {head} 版が同じ項目を別々に変更しています "
            f"({len(items)} 件: {listed})。記録しませんでした。最新版を export して編集し直してください / "
            f"conflict merging onto {report_id}@{head} (base {base}): {listed}"
        )
        self.items = items


class IdentityRefused(InputError):
    """The file does not look like the same report as the head."""


def require_author(author: str, option: str = "--author") -> str:
    """The author of a write, trimmed; empty or whitespace-only is refused."""
    if not author or not author.strip():
        raise InputError(f"{option} (実行者) が空です。名前を指定してください / {option} must name who does this")
    return author.strip()


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def identity_differences(head: ReportMeta, new: ReportMeta) -> tuple[list[str], list[str]]:
    """(refusing, warning) differences of the cover between the head and a new version.

    評価書番号 or 様式 differing, or 評価書名 and 評価実施機関 both, says another report;
    one of the two names alone is a 組織改編 or a renamed 事務, worth a warning only. A field
    one side could not read (empty) is no difference; the 公表日 and the form edition never are.
    """
    def changed(name: str, label: str) -> str | None:
        old, now = getattr(head, name), getattr(new, name)
        if not old or not now or _folded(old) == _folded(now):
            return None
        return f"{label} 「{old}」→「{now}」"

    refusing = [d for d in (changed("number", "評価書番号"), changed("form", "様式")) if d]
    names = [d for d in (changed("title", "評価書名"), changed("organisation", "評価実施機関")) if d]
    if len(names) == 2:
        return [*refusing, *names], []
    return refusing, names


def _check_identity(report_id: str, head: Report, new: Report, force: bool, warn: Callable[[str], None]) -> list[str]:
    """Refuse a commit that looks like another report (unless forced); the differences forced."""
    refusing, warning = identity_differences(head.meta, new.meta)
    for line in warning:
        warn(f"警告: {report_id} の最新版と{line}が異なります / warning: {line} differs from the head")
    if refusing and not force:
        raise IdentityRefused(
            f"{report_id} の最新版と別の評価書のようです ({', '.join(refusing)})。"
            "同じ評価書なら --force で記録できます (しきい値の変更で重点項目評価から全項目評価に変わることは"
            "あります) / "
            f"not the same report as the head ({len(refusing)} differences): use --force if it is"
        )
    return refusing


def commit_report(
    store: Store, report_id: str, report: Report, *, author: str, message: str, policy: Policy,
    when: datetime | None = None, parent: int | None = None, rebase: bool = False, force: bool = False,
    warn: Callable[[str], None] | None = None,
) -> CommitResult:
    """Commit ``report`` and record how its revision classifies against the version it lands on.

    ``parent`` is the version the file was edited from. If the head has moved
    past it, the commit is refused with the new head's number (like a
    non-fast-forward push) unless ``rebase``: then the file is merged three ways
    (:mod:`hyoka.audit.merge`: base = ``parent``, ours = the head, theirs = the file)
    and the merge lands on the head it was made against, or is made again if yet
    another commit got there first; conflicting items raise :class:`MergeConflict`
    and nothing is written. Either way the classification runs inside the commit's
    transaction, against the actual parent, and so does the identity guard
    (:func:`identity_differences`; ``force`` lets a refused commit through and is
    recorded in the ``classify`` event). ``warn`` receives the lines a person should
    read but that do not stop the commit (one name differing, content equal to an
    older version).
    """
    author = require_author(author)
    say = warn or (lambda _line: None)
    at = (when or datetime.now(UTC)).astimezone(UTC)
    unchanged = _same_as_earlier_reading(store, report_id, report)
    if unchanged is not None:
        return unchanged
    for _attempt in range(MERGE_ATTEMPTS):
        content = report
        expected: int | EllipsisType | None = ... if parent is None else parent
        extra: dict[str, object] = {}
        if parent is not None and rebase:
            head = _head_number(store, report_id)
            if head is None:
                expected = None  # nothing to merge with: the file starts the report
            elif head != parent:
                content = _merged(store, report_id, parent, head, report)
                expected, extra = head, {"merged": {"base": parent, "head": head}}
        try:
            result = _commit(store, report_id, content, author=author, message=message, policy=policy, at=at,
                             expected=expected, force=force, warn=say, extra=extra)
        except HeadMoved as moved:
            if not rebase:
                raise StoreError(
                    f"{report_id} の最新版は {moved.head} 版です ({parent} 版から編集されたファイルです)。"
                    f"--rebase で最新版の上に記録できます / head is {moved.head}, not {parent}: use --rebase"
                ) from None
            continue  # another commit landed while merging: merge again onto the new head
        # A value or appendix new to the database (new_blobs) is in no earlier version.
        if result.created and result.new_blobs == 0:
            earlier = equal_earlier_version(store, report_id, content, result.version.number)
            if earlier is not None:
                say(f"注意: {report_id}@{result.version.number} は {earlier} 版と同じ内容です "
                    f"(以前の版に戻しました) / note: same content as {report_id}@{earlier}")
        return result
    raise StoreError(f"{report_id} への commit が続いています。もう一度実行してください / "
                     f"{report_id} keeps moving, please retry")


def revert_report(
    store: Store, report_id: str, number: int, *, author: str, reason: str, policy: Policy,
    when: datetime | None = None,
) -> CommitResult:
    """A new version with version ``number``'s content, classified against the head like any
    commit, with a ``revert`` event (which version, why) after its ``commit`` event."""
    author = require_author(author, "--by")
    if not reason.strip():
        raise InputError("-m で戻す理由を書いてください / give the reason with -m")
    at = (when or datetime.now(UTC)).astimezone(UTC)
    target = store.checkout(report_id, number)
    message = f"第{number}版の内容に戻す: {reason.strip()}"
    for _attempt in range(MERGE_ATTEMPTS):
        head = store.version(report_id).number
        event = NewEvent(kind="revert", actor=author, at=at, version=head + 1,
                         payload={"reverted_to": number, "head": head, "reason": reason.strip()})
        try:
            return _commit(store, report_id, target, author=author, message=message, policy=policy, at=at,
                           expected=head, force=True, warn=lambda _line: None, extra={"reverted_to": number},
                           events=[event])
        except HeadMoved:
            continue
    raise StoreError(f"{report_id} への commit が続いています。もう一度実行してください / "
                     f"{report_id} keeps moving, please retry")


def _commit(
    store: Store, report_id: str, report: Report, *, author: str, message: str, policy: Policy, at: datetime,
    expected: int | EllipsisType | None, force: bool, warn: Callable[[str], None], extra: dict[str, object],
    events: list[NewEvent] | None = None,
) -> CommitResult:
    """One store commit whose classification and identity guard run inside its transaction."""

    def note(parent_report: Report) -> dict[str, object]:
        """The identity guard, against the head the commit lands on; what --force let through
        goes into the commit event."""
        forced = _check_identity(report_id, parent_report, report, force, warn)
        return {**extra, **({"forced": forced} if forced else {})}

    def classify(parent_report: Report, parent_number: int) -> list[NewEvent]:
        comparison = compare_reports(parent_report, report, policy)
        return change_events(list(comparison.records), parent_number + 1, author, at, policy.source, extra,
                             policy.content_hash)

    return store.commit(report_id, report, author=author, message=message, when=at, expected_parent=expected,
                        events=events or (), classify=classify, note=note,
                        counts=lambda parent_report: change_counts(parent_report, report))


def _head_number(store: Store, report_id: str) -> int | None:
    if report_id not in store.report_ids():
        return None
    try:
        return store.version(report_id).number
    except UnknownVersion:
        return None


def _merged(store: Store, report_id: str, base_number: int, head_number: int, report: Report) -> Report:
    """The file merged onto the head, or MergeConflict naming the items changed on both sides."""
    base = store.checkout(report_id, base_number)
    head = store.checkout(report_id, head_number)
    merged = merge(base, head, report)
    if merged.report is None:
        raise MergeConflict(report_id, base_number, head_number, merged.conflicts)
    return merged.report


def equal_earlier_version(store: Store, report_id: str, report: Report, number: int) -> int | None:
    """The newest version before ``number - 1`` (the parent) whose content equals ``report``."""
    wanted = content_hash(report)
    for candidate in store.same_shape(report_id, report, number - 1):
        if content_hash(store.checkout(report_id, candidate)) == wanted:
            return candidate
    return None


def _same_as_earlier_reading(store: Store, report_id: str, report: Report) -> CommitResult | None:
    """The head, when it was read by an earlier reader and says what ``report`` says once read
    again by today's: the same file committed after an upgrade is no new version."""
    if store.head_reader(report_id) != LEGACY_READER:
        return None  # the common case, answered without reading the head back
    head = store.checkout(report_id)
    if head.reader != LEGACY_READER or content_hash(comparable(head, report)[0]) != content_hash(report):
        return None
    return CommitResult(store.version(report_id), created=False, new_blobs=0)


def change_counts(old: Report, new: Report) -> tuple[int, int, int]:
    """(added, removed, modified) items between two versions as the differ aligns them."""
    changes = align(old, new)
    kinds = [c.change for c in changes]
    return kinds.count("added"), kinds.count("removed"), kinds.count("modified")


def record_publication(store: Store, report_id: str, number: int, date: str, by: str) -> tuple[int, str]:
    """Record that ``report_id@number`` was published on ``date`` (西暦 or 和暦, as the CLI takes
    it): a ``publish`` event quoting the version's hash, which verify checks. Returns (the
    version's number, the date as 和暦); InputError on an unreadable date or an empty ``by``."""
    from hyoka.era import parse_date, to_era

    day = parse_date(date)
    if day is None:
        raise InputError(f"日付が読めません / cannot read date: {date}")
    actor = require_author(by, "--by")
    info = store.version(report_id, number)
    printed = to_era(day)
    event = NewEvent(kind="publish", actor=actor, at=datetime.now(UTC), version=info.number,
                     payload={"published": day.isoformat(), "printed": printed, "hash": info.hash})
    store.append(report_id, [event])
    return info.number, printed
