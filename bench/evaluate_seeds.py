"""Agreement of hyoka's 提出時期 with the decisions real bodies published in ../shared/seeds.

For each seed: the 変更箇所 rows as the body wrote them (item, before, after,
timing) are classified by hyoka with the default policy (or --policy), and the
table shows rows, agreement, the confusion matrix and every disagreement with
the rule that decided. Rows hyoka decides 要確認 (the 項目 cell names no item
of the form catalogue) have their own column and list: they are not agreement,
whatever 提出時期 the policy gave them. Seeds whose body follows a documented practice other than
the default (bench/seed_policies/NNN.toml) are evaluated a second time with it.
docs/classification.md discusses the figures.

    .venv/bin/python bench/evaluate_seeds.py [--policy FILE] [--quiet] [--before REV]
    .venv/bin/python bench/evaluate_seeds.py --calibrated

--calibrated measures `hyoka calibrate` on held-out rows: for each body, a policy is learned on
part of its rows and scored on the rest (leave one revision out; 5-fold by rows for a body with
one revision or blank dates), never on rows it learned from (hyoka.classify.crossval).

At the end it prints the agreement per seed before and after: "before" is the same script of
release REV (default 8d334e3, the release before the catalogue-driven reader), extracted with
git archive and run in its own process; rows hyoka leaves 要確認 count as no agreement now.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from hyoka.classify.crossval import HeldOut, held_out
from hyoka.classify.evaluate import Evaluation, evaluate_rows, format_evaluation
from hyoka.classify.policy import Policy, load_policy
from hyoka.ingest import read_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_POLICIES = Path(__file__).resolve().parent / "seed_policies"
TARGET_PAIR = ("002", "004")
BEFORE = "8d334e3"
_AGREEMENT_RE = re.compile(r"^== (\S+): .*?一致率 ([\d.]+)%(?: \((\d+) 行\))?(?:\s+要確認 (\d+) 行)?", re.MULTILINE)


def evaluate_seed(path: Path, policy: Policy) -> Evaluation:
    report = read_report(path)
    return evaluate_rows(path.name, report.meta.form, report.appendix, policy)


def body_policy(seed: Path) -> Path | None:
    """The policy that states how this seed's body works, when it departs from the default."""
    candidate = SEED_POLICIES / f"{seed.name[:3]}.toml"
    return candidate if candidate.exists() else None


def summary(label: str, results: dict[str, Evaluation]) -> str:
    """Agreement over every row of 002 + 004; rows hyoka left 要確認 count apart, never as agreement."""
    pair = [results[k] for k in TARGET_PAIR if k in results]
    rows = sum(r.rows for r in pair)
    agree = sum(r.agree for r in pair)
    review = sum(r.review for r in pair)
    share = agree / rows if rows else 0.0
    return f"{label}: 002 + 004 {agree}/{rows} 一致 ({share:.1%}), 要確認 {review} 行; 目標 90%"


def agreements(output: str) -> dict[str, tuple[str, str]]:
    """Seed → (agreement, 要確認 rows) from the script's output; the first block per seed is the
    default policy's."""
    found: dict[str, tuple[str, str]] = {}
    for name, share, _, review in _AGREEMENT_RE.findall(output):
        found.setdefault(name, (f"{share}%", review or "0"))
    return found


def before_and_after(rev: str, now: dict[str, Evaluation]) -> None:
    """The agreement of release ``rev`` next to today's, per seed, default policy."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded from a path by a test
    from bench_reader import extract

    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "main"  # the old script finds the seeds at ../shared/seeds, as ours does
        tree.mkdir()
        (Path(tmp) / "shared").symlink_to(SEEDS.parent)
        reason = extract(rev, tree)
        if reason:
            print(f"# 変更前との比較を省略: {reason}")
            return
        done = subprocess.run(
            [sys.executable, str(tree / "bench" / "evaluate_seeds.py"), "--quiet"],
            capture_output=True, text=True, check=False, env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        )
    old = agreements(done.stdout)
    if not old:
        print(f"# 変更前との比較を省略: {rev} の評価が読めません ({done.stderr.strip()[-200:]})")
        return
    print(f"# 一致率 (既定ポリシー): {rev} → 現在  [要確認は一致に数えない]")
    for result in now.values():
        before = old.get(result.name, ("-", "-"))
        share = result.agree / result.rows if result.rows else 0.0
        decided = result.rows - result.review
        of_decided = result.agree / decided if decided else 0.0
        print(f"   {result.name}: {before[0]} (要確認 {before[1]}) → {share:.1%} (要確認 {result.review}; "
              f"判定した {decided} 行で {of_decided:.1%})")


CALIBRATED_TARGET = 0.95


def calibrated(seeds: list[Path], quiet: bool) -> dict[str, HeldOut]:
    """Per body: default agreement, held-out calibrated agreement, 要確認 apart, learned settings."""
    results: dict[str, HeldOut] = {}
    print("# 校正 (hyoka calibrate) の評価: 学習に使わなかった行だけで一致率を数える; 要確認は一致に数えない")
    for seed in seeds:
        report = read_report(seed)
        result = held_out(seed.name, report.meta.form, report.appendix)
        results[seed.name[:3]] = result
        d, c = result.default, result.calibrated
        print(f"== {seed.name[:3]} ({result.scheme}, {result.folds} 回): 既定 {d.agreement:.1%} ({d.agree}/{d.rows}, "
              f"要確認 {d.review})  →  校正 {c.agreement:.1%} ({c.agree}/{c.rows}, 要確認 {c.review})")
        for name, folds in sorted(result.settings.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"   学習した設定: {name}  ({folds}/{result.folds} 回)")
        if not quiet:
            for miss in [*c.disagreements, *c.unknown]:
                print(f"   #{miss.index:<4d} 団体 {miss.body} / 校正 {miss.tool}  [{miss.rule}] {miss.item[:50]}")
    rows = sum(r.calibrated.rows for r in results.values())
    agree = sum(r.calibrated.agree for r in results.values())
    base = sum(r.default.agree for r in results.values())
    worse = [k for k, r in results.items() if r.calibrated.agree < r.default.agree]
    share = agree / rows if rows else 0.0
    print(f"校正 (学習外の行): 全 {rows} 行で {agree} 行一致 ({share:.1%}; 既定 {base} 行); "
          f"目標 {CALIBRATED_TARGET:.0%} {'達成' if share >= CALIBRATED_TARGET else '未達'}; "
          f"既定を下回る団体: {', '.join(worse) if worse else 'なし'}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", type=Path, default=None, help="one policy for every seed instead")
    parser.add_argument("--quiet", action="store_true", help="omit the list of disagreements")
    parser.add_argument("--before", default=BEFORE, help="release to compare with (git revision; '' to skip)")
    parser.add_argument("--calibrated", action="store_true",
                        help="learn each body's policy on part of its rows, score on the rest")
    args = parser.parse_args()
    seeds = sorted(SEEDS.glob("*.txt"))
    if args.calibrated:
        calibrated(seeds, args.quiet)
        return
    default = load_policy(args.policy)
    plain = {p.name[:3]: evaluate_seed(p, default) for p in seeds}
    print(f"# ポリシー: {default.source}")
    for result in plain.values():
        print(format_evaluation(result, not args.quiet), end="\n\n")
    if args.policy is not None:
        print(summary("指定ポリシー", plain))
        return
    own: dict[str, Evaluation] = {}
    for seed in seeds:
        policy_path = body_policy(seed)
        if policy_path is None:
            own[seed.name[:3]] = plain[seed.name[:3]]
            continue
        own[seed.name[:3]] = evaluate_seed(seed, load_policy(policy_path))
        print(f"# 団体の運用に合わせたポリシー: {policy_path.relative_to(SEED_POLICIES.parent.parent)}")
        print(format_evaluation(own[seed.name[:3]], not args.quiet), end="\n\n")
    print(summary("既定ポリシー", plain))
    print(summary("団体ごとのポリシー", own))
    if args.before:
        before_and_after(args.before, plain)


if __name__ == "__main__":
    main()
