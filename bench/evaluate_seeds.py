"""Agreement of hyoka's 提出時期 with the decisions real bodies published in ../shared/seeds.

For each seed: the 変更箇所 rows as the body wrote them (item, before, after,
timing) are classified by hyoka with the default policy (or --policy), and the
table shows rows, agreement, the confusion matrix and every disagreement with
the rule that decided. docs/classification.md discusses the figures.

    .venv/bin/python bench/evaluate_seeds.py [--policy FILE] [--quiet]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hyoka.classify.evaluate import Evaluation, evaluate_rows, format_evaluation
from hyoka.classify.policy import load_policy
from hyoka.ingest import read_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def evaluate_seed(path: Path, policy_path: Path | None) -> Evaluation:
    report = read_report(path)
    return evaluate_rows(path.name, report.meta.form, report.appendix, load_policy(policy_path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true", help="omit the list of disagreements")
    args = parser.parse_args()
    results = {p.name[:3]: evaluate_seed(p, args.policy) for p in sorted(SEEDS.glob("*.txt"))}
    for result in results.values():
        print(format_evaluation(result, not args.quiet))
        print()
    pair = [results[k] for k in ("002", "004") if k in results]
    rows = sum(r.rows for r in pair)
    agree = sum(r.agree for r in pair)
    if rows:
        print(f"002 + 004: {agree}/{rows} 一致 ({agree / rows:.1%}); 目標 90%")


if __name__ == "__main__":
    main()
