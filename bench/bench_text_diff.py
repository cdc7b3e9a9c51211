"""Benchmark: diff + classify of the largest seed against an edited copy, with git and difflib as peers.

The pair is the largest published report (../shared/seeds) and a copy with a
few % of its value lines edited the way revisions edit them (a sentence added,
a word replaced, a number changed). On the same pair, in the same run:

- hyoka, first reading: everything hyoka remembers across calls emptied first, untimed
  (``hyoka.memory.forget_everything``: the reader's memory, the form catalogues, the differ's
  lookups), then read both files, align items, diff changed items, classify (in process) —
  the work of one `hyoka diff` process after its imports;
- hyoka: the same with the reader's memory of the earlier rounds (a process that reads
  versions of the same report again, e.g. a server);
- hyoka without reading: align + diff + classify of the already parsed reports;
- hyoka, the old file alone, first reading (nothing remembered, as above): what no way of
  reading the second file or comparing faster can take off the first case;
- `git diff --no-index --word-diff` on the two files (a process, as users run it);
- Python's difflib: `unified_diff` over lines, then `SequenceMatcher` on each
  changed line pair for a character view like hyoka's.

Each round runs every case once, in turn (alternating); prints the median of --repeat
rounds for each, the ratios peer/hyoka against hyoka's in-process diff+classify
(> 1 means hyoka is faster), and issue 13's ratio: hyoka reading both files, aligning,
diffing and classifying (first reading), over the `git diff --word-diff` process (goal ≤ 1×,
≤ 10× to resolve the issue).

    .venv/bin/python bench/bench_text_diff.py [--repeat 9] [--share 0.03]
"""

from __future__ import annotations

import argparse
import difflib
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchlib import SEEDS, alternating, edited_copy, ratio_line, reader_build

from hyoka.classify import compare_reports
from hyoka.classify.policy import Policy
from hyoka.ingest import read_report
from hyoka.memory import forget_everything


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
    parser.add_argument("--repeat", type=int, default=9)
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

        def hyoka_first() -> None:
            compare_reports(read_report(old_path), read_report(new_path), policy)

        def hyoka_whole() -> None:
            compare_reports(read_report(old_path), read_report(new_path), policy)

        cases = {
            "hyoka (初回の読込+差分+分類)": hyoka_first,
            "hyoka (読込+差分+分類)": hyoka_whole,
            "hyoka (差分+分類のみ)": lambda: compare_reports(old_report, new_report, policy),
            "hyoka (旧版のみ・初回の読込)": lambda: read_report(old_path),
            "difflib (行+文字)": lambda: difflib_pair(old_text, new_text),
        }
        if git:
            cmd = [git, "diff", "--no-index", "--word-diff", "--no-color", str(old_path), str(new_path)]
            cases["git diff --word-diff"] = lambda: subprocess.run(cmd, capture_output=True, check=False)
        # Before each first reading, nothing remembered from earlier ones: what one `hyoka diff`
        # process starts with (emptying the memory is not timed: a new process does not do it).
        timings = alternating(cases, args.repeat, setup={"hyoka (初回の読込+差分+分類)": forget_everything,
                                                         "hyoka (旧版のみ・初回の読込)": forget_everything})
    kb = len(old_text.encode()) / 1024
    print(f"pair: {seed.name} ({kb:.0f} KB), {edits} lines edited ({args.share:.0%}), {changes} changed items; "
          f"{reader_build()}")
    hyoka = timings["hyoka (差分+分類のみ)"]
    for name, seconds in timings.items():
        print(f"{name:26s} {seconds * 1000:9.1f} ms   peer/hyoka(差分+分類): {seconds / hyoka:6.2f}x")
    git_seconds = timings.get("git diff --word-diff")
    if git_seconds is None:
        print("git not found: no git peer in this run")
        return
    first, whole = timings["hyoka (初回の読込+差分+分類)"], timings["hyoka (読込+差分+分類)"]
    print(ratio_line("in-process read+align+diff+classify vs git diff --word-diff", first, git_seconds, 1))
    print(f"  (issue 13: ≤ 10x resolves it; the same with the files read before in this process: "
          f"{whole / git_seconds:.2f}x; diff+classify alone: {hyoka / git_seconds:.2f}x)")
    alone = timings["hyoka (旧版のみ・初回の読込)"]
    print(f"  (of the first case, reading the old file alone from nothing remembered: {alone * 1000:.1f} ms, "
          f"{alone / git_seconds:.2f}x git's whole word diff, {alone / first:.0%} of the case)")

if __name__ == "__main__":
    main()
