"""Reliability report: crash and concurrency trials on SQLite and PostgreSQL, written to docs/reliability.md.

For each backend (PostgreSQL as a throwaway cluster, as in the tests):
- crash trials: a process commits in a loop and is SIGKILLed at a random moment;
  afterwards `verify` must pass and every visible version must be complete;
- concurrency: 8 processes commit at once to one report, then 8 to one report each;
  every commit must appear exactly once, with contiguous version numbers.
Then the hostile-input property tests are run and the number of examples they
tried is counted; the formula-injection payloads are taken through every
spreadsheet-bound output (tests/test_injection.py) and counted; and the largest
inputs are timed through the whole `hyoka parse` process: synthetic reports up to
just under the 20 MB cap, and inputs over it from a pipe and from /dev/zero, which
must be refused in one line with exit code 2 after reading no more than the cap.
The figures, and what was lost (must be nothing), go to docs/reliability.md.

    .venv/bin/python bench/reliability.py [--crashes 40] [--commits 5] [--out docs/reliability.md]
        [--skip-trials]  (keeps the crash/concurrency table out: for a quick look, not for the docs)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hyoka.ingest.decode import MAX_BYTES  # noqa: E402
from hyoka.store import init_db  # noqa: E402
from pgcluster import Cluster  # noqa: E402
from stress import concurrent_commits, crash_trials  # noqa: E402

FUZZ_TESTS = ROOT / "tests" / "test_hostile_inputs.py"
INJECTION_TESTS = ROOT / "tests" / "test_injection.py"
HYOKA = Path(sys.executable).with_name("hyoka")
MB = 1024 * 1024


def fuzz_examples() -> tuple[int, str]:
    """Run the hostile-input property tests and count the examples hypothesis tried."""
    if not FUZZ_TESTS.exists():
        return 0, "tests/test_hostile_inputs.py not found"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(FUZZ_TESTS),
         "--hypothesis-show-statistics"],
        capture_output=True, text=True, cwd=ROOT, timeout=1800,
        env={**os.environ, "HYOKA_HYPOTHESIS_PROFILE": "reliability"},
    )
    counts = [int(n) for n in re.findall(r"(\d+) passing(?: examples|,)", proc.stdout)]
    summary = re.findall(r"\d+ passed[^\n]*", proc.stdout)
    verdict = summary[-1].strip("= ") if summary else f"pytest exit {proc.returncode}"
    return sum(counts), verdict


def _pytest(path: Path) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(path)],
                          capture_output=True, text=True, cwd=ROOT / "tests", timeout=1800)
    summary = re.findall(r"\d+ (?:passed|failed)[^\n]*", proc.stdout)
    return proc.returncode, summary[-1].strip("= ") if summary else f"pytest exit {proc.returncode}"


def injection_payloads() -> str:
    """Run the formula-injection tests; say how many payloads went through which outputs."""
    from test_injection import AUTHOR, PAYLOADS  # the payloads the tests use, counted not copied

    code, verdict = _pytest(INJECTION_TESTS)
    outputs = "appendix csv / xlsx / html / md, 新旧対照表 xlsx, audit csv"
    state = "all inert" if code == 0 else "SOME LIVE — see pytest"
    return (f"Formula injection: {len(PAYLOADS)} OWASP CSV-injection payloads in item values and an imported "
            f"appendix row, plus 1 as the author ({AUTHOR!r} among them: {', '.join(map(repr, PAYLOADS))}), "
            f"through {outputs} (`tests/test_injection.py`): {verdict}, {state}.")


def _timed(args: list[str], stdin: object = None) -> tuple[int, float, str]:
    start = time.perf_counter()
    proc = subprocess.run(args, stdin=stdin, capture_output=True, timeout=600)  # type: ignore[call-overload]
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return proc.returncode, time.perf_counter() - start, err[-1] if err else ""


def largest_inputs(tmp: Path) -> list[str]:
    """Whole `hyoka parse` processes on the largest inputs: accepted below the cap, refused above it."""
    from bench_parse_scaling import synthetic  # the same synthetic reports as the scaling bench

    rows = []
    for size in (4 * MB, 8 * MB, MAX_BYTES - MB // 2):
        path = tmp / f"synthetic-{size // MB}MB.txt"
        path.write_text(synthetic(size, "mixed"), encoding="utf-8")
        code, seconds, line = _timed([str(HYOKA), "parse", str(path)])
        outcome = "read" if code == 0 else line
        rows.append(f"| synthetic report (systems, repeated labels, appendix rows) | {path.stat().st_size:,} B | "
                    f"exit {code}: {outcome} | {seconds:.1f} s |")
    pipe = subprocess.Popen(["head", "-c", str(200 * MB), "/dev/zero"], stdout=subprocess.PIPE)
    code, seconds, line = _timed([str(HYOKA), "parse", "/dev/stdin"], stdin=pipe.stdout)
    pipe.kill()
    pipe.wait()
    rows.append(f"| 200 MB from a pipe (`parse /dev/stdin`) | 209,715,200 B offered | exit {code}: {line} | "
                f"{seconds:.2f} s |")
    code, seconds, line = _timed([str(HYOKA), "parse", "/dev/zero"])
    rows.append(f"| /dev/zero (endless device) | endless | exit {code}: {line} | {seconds:.2f} s |")
    return rows


def run_backend(name: str, url_factory, crashes: int, commits: int) -> list[str]:  # type: ignore[no-untyped-def]
    lines = []
    url = url_factory()
    init_db(url)
    start = time.perf_counter()
    crash = crash_trials(url, crashes, seed=7)
    lines.append(f"| {name} | crash | {crash.trials} trials, {crash.kills} SIGKILLs, {crash.versions} versions "
                 f"committed | {len(crash.problems)} ({'; '.join(crash.problems) or 'nothing lost'}) | "
                 f"{time.perf_counter() - start:.0f} s |")
    for same in (True, False):
        url = url_factory()
        init_db(url)
        start = time.perf_counter()
        result = concurrent_commits(url, writers=8, commits_each=commits, same_report=same)
        target = "one report" if same else "8 reports"
        lost = result.lost + result.duplicated + (0 if result.contiguous else 1) + len(result.errors)
        detail = "nothing lost" if lost == 0 else f"lost {result.lost}, duplicated {result.duplicated}, " \
            f"contiguous {result.contiguous}, errors {result.errors}"
        lines.append(f"| {name} | 8 writers → {target} | {result.commits_expected} commits, "
                     f"{sum(len(v) for v in result.versions.values())} versions | {lost} ({detail}) | "
                     f"{time.perf_counter() - start:.0f} s |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crashes", type=int, default=40)
    parser.add_argument("--commits", type=int, default=5, help="commits per writer")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    parser.add_argument("--skip-trials", action="store_true", help="no crash/concurrency trials (quick look)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = largest_inputs(Path(tmp))
    injection = injection_payloads()
    if not args.skip_trials:
        with tempfile.TemporaryDirectory() as tmp:
            counter = iter(range(1000))
            rows += run_backend("SQLite (WAL)", lambda: f"sqlite:///{Path(tmp) / f'r{next(counter)}.db'}",
                                args.crashes, args.commits)
            cluster = Cluster()
            cluster.start()
            try:
                rows += run_backend("PostgreSQL", cluster.new_database, args.crashes, args.commits)
            finally:
                cluster.stop()
    examples, verdict = fuzz_examples()
    text = "\n".join([
        "# Reliability report",
        "",
        f"Generated by `bench/reliability.py` on {dt.date.today().isoformat()} "
        f"({platform.system()} {platform.machine()}, Python {platform.python_version()}). "
        "Regenerate with `.venv/bin/python bench/reliability.py`.",
        "",
        "| backend | trial | what ran | lost or broken | time |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Hostile input: {examples:,} hypothesis examples over the ingest readers and the policy loader "
        f"(`tests/test_hostile_inputs.py`): {verdict}.",
        "",
        injection,
        "",
        "Largest inputs, each a whole `hyoka parse` process (the cap is "
        f"{MAX_BYTES:,} bytes; over it, at most the cap plus one byte is read):",
        "",
        "| input | size | outcome | time |",
        "|---|---|---|---|",
        *inputs,
        "",
        "A crash trial passes when `hyoka verify` recomputes every version and event chain without a break",
        "and every version that is visible checks out with all its items. A concurrency trial passes when",
        "every commit shows up as exactly one version and version numbers are contiguous.",
        "",
    ])
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
