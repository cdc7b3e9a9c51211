"""Concurrency and crash trials shared by the tests and bench/reliability.py.

Writers are separate processes (not threads), as separate users' `hyoka commit`
runs would be; each commits distinct content so that every commit must show up
as exactly one version.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v1.txt"
SRC = Path(__file__).resolve().parents[1] / "src"

WRITER = """
import sys
from dataclasses import replace
from pathlib import Path
from hyoka.audit.record import commit_report
from hyoka.classify.policy import Policy
from hyoka.ingest import read_report
from hyoka.model import Text
from hyoka.store import Store

url, report_id, name, count, sample = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
base = read_report(Path(sample))
index = next(i for i, item in enumerate(base.items) if isinstance(item.value, Text) and item.value.text)
with Store(url) as store:
    n = 0
    while count < 0 or n < count:
        items = list(base.items)
        items[index] = replace(items[index], value=Text(f"{name} の第{n}回の記載"))
        commit_report(store, report_id, replace(base, items=tuple(items)), author=name, message=f"{name}:{n}",
                      policy=Policy())
        print(f"{name}:{n}", flush=True)
        n += 1
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def start_writer(url: str, report_id: str, name: str, count: int) -> subprocess.Popen[str]:
    """A process that commits ``count`` versions (forever if negative), printing each one it finished."""
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, report_id, name, str(count), str(SAMPLE)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )


@dataclass(frozen=True)
class ConcurrencyResult:
    writers: int
    commits_expected: int
    versions: dict[str, list[int]]
    messages: list[str]
    errors: list[str]

    @property
    def lost(self) -> int:
        return self.commits_expected - len(set(self.messages))

    @property
    def duplicated(self) -> int:
        return len(self.messages) - len(set(self.messages))

    @property
    def contiguous(self) -> bool:
        return all(numbers == list(range(1, len(numbers) + 1)) for numbers in self.versions.values())


def concurrent_commits(url: str, writers: int, commits_each: int, same_report: bool) -> ConcurrencyResult:
    """``writers`` processes committing at once, to one shared report or one report each."""
    from hyoka.store import Store

    procs = [start_writer(url, "shared" if same_report else f"r{w}", f"w{w}", commits_each) for w in range(writers)]
    errors = []
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            errors.append(err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}")
    with Store(url) as store:
        reports = store.report_ids()
        versions = {r: [v.number for v in store.log(r)] for r in reports}
        messages = [v.message for r in reports for v in store.log(r)]
    return ConcurrencyResult(writers, writers * commits_each, versions, messages, errors)


@dataclass(frozen=True)
class CrashResult:
    trials: int
    kills: int
    versions: int
    problems: list[str]


def crash_trials(url: str, trials: int, seed: int = 0, max_delay: float = 0.3) -> CrashResult:
    """Start a committing process, SIGKILL it at a random moment, check the store; ``trials`` times."""
    from hyoka.audit.verify import verify
    from hyoka.store import Store

    rng = random.Random(seed)
    problems: list[str] = []
    kills = 0
    for trial in range(trials):
        proc = start_writer(url, "crash", f"c{trial}", -1)
        # Wait for the writer's first commit, so that the kill lands somewhere in its commit loop
        # (reading the head, classifying, writing) rather than during interpreter start-up.
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.0, max_delay))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
        with Store(url) as store:
            result = verify(store)
            if not result.ok:
                problems.append(f"trial {trial}: {result.problem}")
                break
            if "crash" in store.report_ids():
                for info in store.log("crash"):
                    report = store.checkout("crash", info.number)
                    if len(report.items) != info.item_count:
                        problems.append(f"trial {trial}: version {info.number} is partial")
    with Store(url) as store:
        total = len(store.log("crash")) if "crash" in store.report_ids() else 0
    return CrashResult(trials, kills, total, problems)

