"""Benchmark: the published-report reader against the previous release's reader (commit 8d334e3).

The catalogue-driven reader replaced the line-based one of release 8d334e3; it
must not be slower on seed 001. In the same run, for every seed in
../shared/seeds, this times:

- current: ``hyoka.ingest.published.read_published`` of this checkout's working tree
  (PYTHONPATH=src), or of commit REV with --current-rev REV (extracted like the old one);
- 8d334e3: ``hyoka.ingest.published.parse_published`` of that commit, extracted with
  ``git archive 8d334e3 | tar -x`` into a temporary directory (PYTHONPATH=<tmp>/src).

Both readers run in fresh subprocesses of this same interpreter through the same
worker (this file with --worker), on text decoded beforehand with each tree's own
``hyoka.ingest.decode.read_text_file`` (decoding is not timed). Each process
reads one seed:

- cold: the first read in a new process, after the imports (timed apart) — the
  catalogue is loaded and the reader's caches are empty; forms.match's
  module-level lru caches (and, since issue 13, the reader's per-process tables)
  fill here;
- warm: the best of --repeat reads after that first one (which is the warm-up),
  with the module-level caches filled. Since issue 13 the current reader remembers, for the
  whole process, what depends only on the text and the catalogue (split lines, label matches,
  cell values: hyoka.ingest.grammar), so its warm figure re-reads text it has seen;
  bench_text_diff.py times the case between (a second version after the first).

Cold is the best over --processes processes, warm the best over all their warm
reads. Prints, per seed, ms for each reader, the ratio current/8d334e3 (< 1
means the current reader is faster) and the items each reader produced. No
timed assertion: the figures are for reading. Without git history (no .git, no
git, or no commit 8d334e3) it says so and exits 0.

    .venv/bin/python bench/bench_reader.py [--repeat 5] [--processes 3] [--seeds DIR] [--current-rev REV]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
OLD = "8d334e3"


def worker(reader: str, seed: Path, repeat: int) -> None:
    """Runs in a subprocess: import, one cold read, ``repeat`` warm reads; JSON on stdout."""
    start = time.perf_counter()
    import hyoka
    from hyoka.ingest import published
    from hyoka.ingest.decode import read_text_file

    imported = time.perf_counter() - start
    read = published.read_published if reader == "current" else published.parse_published
    text = read_text_file(seed)
    name = seed.name

    def once() -> tuple[float, int]:
        began = time.perf_counter()
        result = read(text, name)
        elapsed = time.perf_counter() - began
        report = result.report if reader == "current" else result
        return elapsed, len(report.items)

    cold, items = once()
    warm = min(once()[0] for _ in range(repeat))
    print(json.dumps({"module": hyoka.__file__, "import": imported, "cold": cold, "warm": warm, "items": items}))


def run_worker(reader: str, src: Path, seed: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", reader, "--repeat", str(repeat), str(seed)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{reader} reader failed on {seed.name}:\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    module = Path(result["module"]).resolve()
    if not module.is_relative_to(src.resolve()):
        raise SystemExit(f"{reader} reader imported {module}, not the tree under {src}")
    return result


def measure(reader: str, src: Path, seed: Path, repeat: int, processes: int) -> dict[str, float]:
    """Best cold read and best warm read of ``seed`` over ``processes`` fresh processes."""
    runs = [run_worker(reader, src, seed, repeat) for _ in range(processes)]
    return {
        "import": min(r["import"] for r in runs),
        "cold": min(r["cold"] for r in runs),
        "warm": min(r["warm"] for r in runs),
        "items": runs[0]["items"],
    }


def extract(rev: str, into: Path) -> str | None:
    """Extract commit ``rev`` into ``into``; the reason when git history is unavailable."""
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True, check=False
        )
    except FileNotFoundError:
        return "git is not installed"
    if found.returncode != 0:
        return f"commit {rev} is not in this checkout's history (no .git, or a shallow clone)"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=False)
    if archive.returncode != 0:
        return f"git archive {rev} failed: {archive.stderr.decode(errors='replace').strip()}"
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm reads per process (best is kept)")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per reader and seed")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--current-rev", metavar="REV", help="time commit REV as current, not the working tree")
    parser.add_argument("--worker", choices=("current", "old"), help=argparse.SUPPRESS)
    parser.add_argument("seed", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.seed, args.repeat)
        return
    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no seeds in {args.seeds}")
    with tempfile.TemporaryDirectory(prefix="hyoka-bench-reader-") as tmp:
        old_tree, current_tree = Path(tmp) / OLD, Path(tmp) / "current"
        old_tree.mkdir()
        reason = extract(OLD, old_tree)
        if reason is None and args.current_rev:
            current_tree.mkdir()
            reason = extract(args.current_rev, current_tree)
        if reason is not None:
            print(f"bench_reader: skipped, git history unavailable: {reason}")
            return
        old_src = old_tree / "src"
        current_src = current_tree / "src" if args.current_rev else ROOT / "src"
        shown = f"commit {args.current_rev}" if args.current_rev else "working tree src/"
        print(
            f"Reader: current ({shown}) vs {OLD}, same interpreter ({sys.executable}), one fresh process per "
            f"reader and seed, ×{args.processes}; cold = first read in the process (best of {args.processes}), "
            f"warm = best of {args.repeat} reads after it"
        )
        header = (
            f"{'seed':<26} {'KB':>5}  {'cold cur ms':>11} {'cold old ms':>11} {'ratio':>6}"
            f"  {'warm cur ms':>11} {'warm old ms':>11} {'ratio':>6}  {'items cur':>9} {'items old':>9}"
        )
        print(header)
        imports: list[tuple[float, float]] = []
        for seed in seeds:
            current = measure("current", current_src, seed, args.repeat, args.processes)
            old = measure("old", old_src, seed, args.repeat, args.processes)
            imports.append((current["import"], old["import"]))
            print(
                f"{seed.name:<26} {seed.stat().st_size / 1024:>5.0f}"
                f"  {current['cold'] * 1e3:>11.1f} {old['cold'] * 1e3:>11.1f} {current['cold'] / old['cold']:>6.2f}"
                f"  {current['warm'] * 1e3:>11.1f} {old['warm'] * 1e3:>11.1f} {current['warm'] / old['warm']:>6.2f}"
                f"  {current['items']:>9} {old['items']:>9}"
            )
        cur_import = min(c for c, _ in imports) * 1e3
        old_import = min(o for _, o in imports) * 1e3
        print(
            f"import of hyoka.ingest.published (not in the figures above): current {cur_import:.0f} ms, "
            f"{OLD} {old_import:.0f} ms"
        )
        print("ratio = current / 8d334e3 (< 1: the current reader is faster)")


if __name__ == "__main__":
    main()
