"""Benchmark: the cumulative appendix over 50 and 100 versions against `git log -p` of the same texts.

The history is bench_storage.py's (seed 001, one to three edits a version, committed as
`hyoka commit` does). Each measurement is a whole process — `hyoka appendix bench --to N`
writing HTML, and `git log -p` over the same file versions — run alternately, the median
of the runs kept; the peak RSS of the appendix process is printed at 50 and 100 versions to
show whether memory grows with the history (goal: ≤ 5× git, memory flat).

    .venv/bin/python bench/bench_appendix.py [--versions 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_storage import build_history

HYOKA = Path(sys.executable).with_name("hyoka")


def timed(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        h = build_history(work, args.versions)
        for stop in sorted({min(50, args.versions), args.versions}):
            appendix = [str(HYOKA), "appendix", h.report_id, "--to", str(stop), "-o", str(work / f"a{stop}.html"),
                        "--by", "bench", "--db", h.url]
            git = ["git", "-C", str(h.repo), "log", "-p", f"HEAD~{args.versions - stop}", "--", "report.hyoka.txt"]
            ours: list[float] = []
            peer: list[float] = []
            rss: list[int] = []
            for _ in range(args.runs):
                seconds, peak = timed(appendix)
                ours.append(seconds)
                rss.append(peak)
                peer.append(timed(git)[0])
            a, g = statistics.median(ours), statistics.median(peer)
            print(f"--to {stop:3d}: hyoka appendix {a:6.2f} s (peak RSS {max(rss) / 1024:6.1f} MiB), "
                  f"git log -p {g * 1000:7.1f} ms, ratio {a / g:6.1f}x (goal ≤ 5x)")


if __name__ == "__main__":
    main()
