"""What the speed benchmarks share: alternating timed runs, medians, the edited copy of a seed.

Each benchmark times hyoka and its peer in the same run, one after the other in every
round (so a noisy neighbour slows both alike), and compares medians. Scripts in bench/
import this module by name: Python puts the script's own folder first on sys.path.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_001 = SEEDS / "001_cc86eefa057d2f96.txt"
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


def alternating(cases: dict[str, Callable[[], object]], repeat: int, warmup: int = 1,
                setup: dict[str, Callable[[], object]] | None = None) -> dict[str, float]:
    """Median seconds of each case over ``repeat`` rounds; every round runs every case once, in turn.

    ``warmup`` untimed rounds come first (file caches, the interpreter's .pyc files). A case's
    ``setup``, if any, runs untimed just before each of its runs (emptying a cache, say).
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    setup = setup or {}
    for round_ in range(warmup + repeat):
        for name, run in cases.items():
            if name in setup:
                setup[name]()
            start = time.perf_counter()
            run()
            if round_ >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def run_process(argv: Sequence[str], cwd: Path | None = None, ok: Sequence[int] = (0,)) -> None:
    """Run one process to its end, output captured; an unexpected exit code stops the benchmark."""
    done = subprocess.run(list(argv), cwd=cwd, env=quiet_env(), capture_output=True, check=False)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(map(str, argv))} exited {done.returncode}: {done.stderr.decode(errors='replace')}")


def hyoka_command() -> str:
    """The `hyoka` console script installed next to this interpreter (the venv's)."""
    script = Path(sys.executable).parent / "hyoka"
    if not script.exists():
        sys.exit(f"no hyoka script next to {sys.executable}: run `make .venv/.installed`")
    return str(script)


def reader_build() -> str:
    """How the reader this interpreter imports was built: compiled by mypyc (a wheel, see
    hatch_build.py; what ``make bench`` measures) or pure Python (an editable install)."""
    import hyoka.ingest.placer as placer

    where = str(placer.__file__)
    return f"reader: {'compiled by mypyc (wheel)' if not where.endswith('.py') else 'pure Python (editable install)'}"


def quiet_env() -> dict[str, str]:
    """The environment for timed processes: as an installed hyoka runs, without startup noise.

    PYTHONDONTWRITEBYTECODE is dropped: an installed package runs from its cached bytecode (pip
    compiles it at install), while with the variable set every process compiles hyoka's sources
    again (≈100 ms per `hyoka` process). The warm-up round writes the cache.
    """
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def ratio_line(name: str, hyoka: float, peer: float, goal: float) -> str:
    verdict = "met" if hyoka / peer <= goal else "NOT met"
    return f"{name}: hyoka/peer = {hyoka / peer:.2f}x (goal ≤ {goal:g}x: {verdict})"
