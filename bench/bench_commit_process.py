"""Benchmark: the whole `hyoka commit` process against `git add && git commit`, same file versions.

Issue 13's "commit ≤ 10× git": what a clerk waits for when recording a new version.
A SQLite store and a git repository start from seed 001 as published (committed once,
untimed); then each round writes the next version — the previous text with 1 % of its
value lines edited — and times, one after the other:

- hyoka: `hyoka commit next.txt --report bench --author bench -m vN --db sqlite:///…`
  (a new process: start, read the published text, diff against the newest version,
  classify, write the version and its audit events);
- git: `git add report.txt && git commit -q -m vN` (two processes) on the same text.

Prints the median of each over --rounds rounds and the ratio hyoka/git (goal ≤ 10×).

    .venv/bin/python bench/bench_commit_process.py [--rounds 12]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchlib import SEED_001, edited_copy, hyoka_command, ratio_line, reader_build, run_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    hyoka = hyoka_command()
    rng = random.Random(13)
    text = SEED_001.read_text("utf-8")
    hyoka_times: list[float] = []
    git_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = ["--db", f"sqlite:///{work / 'bench.db'}"]
        source = work / "next.txt"
        repo = work / "git"
        repo.mkdir()
        git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        run_process([*git, "init", "-q"])
        run_process([hyoka, "init", *db], cwd=work)
        for n in range(args.rounds + 1):
            if n:
                text, _ = edited_copy(text, 0.01, rng)
            source.write_text(text, "utf-8")
            (repo / "report.txt").write_text(text, "utf-8")
            hyoka_argv = [hyoka, "commit", str(source), "--report", "bench", "--author", "bench", "-m", f"v{n}", *db]
            start = time.perf_counter()
            run_process(hyoka_argv, cwd=work)
            middle = time.perf_counter()
            run_process([*git, "add", "report.txt"])
            run_process([*git, "commit", "-q", "-m", f"v{n}"])
            end = time.perf_counter()
            if n:  # round 0 is the first version of each, untimed
                hyoka_times.append(middle - start)
                git_times.append(end - middle)
    hyoka_s, git_s = statistics.median(hyoka_times), statistics.median(git_times)
    print(f"report: {SEED_001.name}, {args.rounds} versions after the first, 1 % of lines edited each; "
          f"{reader_build()}")
    print(f"hyoka commit (process)      {hyoka_s * 1000:8.1f} ms")
    print(f"git add && git commit       {git_s * 1000:8.1f} ms")
    print(ratio_line("whole process hyoka commit", hyoka_s, git_s, 10))


if __name__ == "__main__":
    main()
