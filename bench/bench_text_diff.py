"""Benchmark: diff + classify of the largest seed against an edited copy, with git and difflib as peers.

The pair is the largest published report (../shared/seeds) and a copy with a
few % of its value lines edited the way revisions edit them (a sentence added,
a word replaced, a number changed). On the same pair, in the same run:

- hyoka: read both files, align items, diff changed items, classify (in process);
- hyoka without reading: align + diff + classify of the already parsed reports;
- `git diff --no-index --word-diff` on the two files (a process, as users run it);
- Python's difflib: `unified_diff` over lines, then `SequenceMatcher` on each
  changed line pair for a character view like hyoka's.

Prints the median of --repeat runs for each and the ratios peer/hyoka, against
hyoka's in-process diff+classify (> 1 means hyoka is faster). The target of
issue #3: that figure above 1 for `git diff --word-diff`.

    .venv/bin/python bench/bench_text_diff.py [--repeat 5] [--share 0.03]
"""

from __future__ import annotations

import argparse
import difflib
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hyoka.classify import compare_reports
from hyoka.classify.policy import Policy
from hyoka.ingest import read_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
EDITS: tuple[Callable[[str, int], str], ...] = (
    lambda cell, n: cell + f"また、第{n}版で定めた手順により年1回点検する。",
    lambda cell, n: cell.replace("する", "している", 1) if "する" in cell else cell + "。",
    lambda cell, n: cell.replace("、", "及び", 1) if "、" in cell else "改訂:" + cell,
)


def edited_copy(text: str, share: float, rng: random.Random) -> tuple[str, int]:
    """The text with ``share`` of its value lines (label<TAB>value) edited; returns the count."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if "\t" in line and len(line.rsplit("\t", 1)[1]) > 10]
    chosen = rng.sample(candidates, max(1, int(len(lines) * share)))
    for n, index in enumerate(chosen):
        head, cell = lines[index].rsplit("\t", 1)
        lines[index] = head + "\t" + EDITS[n % len(EDITS)](cell, n)
    return "\n".join(lines), len(chosen)


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def difflib_pair(old: str, new: str) -> int:
    """Line diff, then a character diff of each changed line pair: difflib's closest equivalent."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for a, b in zip(old_lines[i1:i2], new_lines[j1:j2], strict=False):
            changed += len(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    list(difflib.unified_diff(old_lines, new_lines, lineterm=""))
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--share", type=float, default=0.03, help="share of lines edited")
    args = parser.parse_args()
    seed = max(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    old_text = seed.read_text("utf-8")
    new_text, edits = edited_copy(old_text, args.share, random.Random(7))
    git = shutil.which("git")
    policy = Policy()
    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp) / "old.txt", Path(tmp) / "new.txt"
        old_path.write_text(old_text, "utf-8")
        new_path.write_text(new_text, "utf-8")
        old_report, new_report = read_report(old_path), read_report(new_path)
        changes = len(compare_reports(old_report, new_report, policy).records)

        def hyoka_whole() -> None:
            compare_reports(read_report(old_path), read_report(new_path), policy)

        timings = {
            "hyoka (読込+差分+分類)": median_seconds(hyoka_whole, args.repeat),
            "hyoka (差分+分類のみ)": median_seconds(lambda: compare_reports(old_report, new_report, policy),
                                                  args.repeat),
            "difflib (行+文字)": median_seconds(lambda: difflib_pair(old_text, new_text), args.repeat),
        }
        if git:
            cmd = [git, "diff", "--no-index", "--word-diff", "--no-color", str(old_path), str(new_path)]
            timings["git diff --word-diff"] = median_seconds(
                lambda: subprocess.run(cmd, capture_output=True, check=False), args.repeat
            )
    kb = len(old_text.encode()) / 1024
    print(f"pair: {seed.name} ({kb:.0f} KB), {edits} lines edited ({args.share:.0%}), {changes} changed items")
    hyoka = timings["hyoka (差分+分類のみ)"]
    for name, seconds in timings.items():
        print(f"{name:26s} {seconds * 1000:9.1f} ms   peer/hyoka(差分+分類): {seconds / hyoka:6.2f}x")
    git_seconds = timings.get("git diff --word-diff")
    if git_seconds is None:
        print("git not found: no git peer in this run")
        return
    verdict = "met" if hyoka < git_seconds else "NOT met"
    whole = timings["hyoka (読込+差分+分類)"]
    print(f"target (in-process diff+classify faster than git diff --word-diff): {verdict}, "
          f"{git_seconds / hyoka:.2f}x; with reading both files: {git_seconds / whole:.2f}x")

if __name__ == "__main__":
    main()
