"""Benchmark: 100 versions of a ~300 KB report, committed to SQLite, against git as a peer.

Prints seconds per version and database bytes per version for hyoka, the same
figures for `git add && git commit` of the exported text of every version in
the same run, and the ratios. The report is the largest seed (../shared/seeds),
and each version edits about 2 % of its items, like a yearly revision would.

    .venv/bin/python bench/bench_commit.py [--versions 100]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from hyoka.ingest import dumps, read_report
from hyoka.model import Item, Report, Text
from hyoka.store import Store, init_db

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_cc86eefa057d2f96.txt"


def edited(report: Report, rng: random.Random, version: int) -> Report:
    """A copy with ~2 % of the text items rewritten and one item appended."""
    items = list(report.items)
    texts = [i for i, it in enumerate(items) if isinstance(it.value, Text)]
    for idx in rng.sample(texts, max(1, len(texts) // 50)):
        item = items[idx]
        items[idx] = replace(item, value=Text(f"{item.value.text}\n(第{version}版で追記した措置)"))  # type: ignore[union-attr]
    last = items[-1]
    items.append(Item(last.path.child(f"追記{version}"), f"追記{version}", False, Text(f"第{version}版の追記")))
    return replace(report, items=tuple(items))


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100)
    args = parser.parse_args()
    base = read_report(SEED)
    size_kb = SEED.stat().st_size / 1024
    rng = random.Random(7)
    versions = [base]
    for n in range(2, args.versions + 1):
        versions.append(edited(versions[-1], rng, n))
    texts = [dumps(v) for v in versions]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "bench.db"
        url = f"sqlite:///{db}"
        init_db(url)
        store = Store(url)
        start = time.perf_counter()
        for n, report in enumerate(versions, 1):
            store.commit("bench", report, author="bench", message=f"v{n}")
            if n % 10 == 0:
                print(f"  hyoka: {n}/{len(versions)} 版", flush=True)
        hyoka_seconds = time.perf_counter() - start
        store.close()
        hyoka_bytes = sum(p.stat().st_size for p in work.glob("bench.db*"))

        repo = work / "git"
        repo.mkdir()
        git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        subprocess.run([*git, "init", "-q"], check=True)
        start = time.perf_counter()
        for n, text in enumerate(texts, 1):
            (repo / "report.hyoka.txt").write_text(text, encoding="utf-8")
            subprocess.run([*git, "add", "report.hyoka.txt"], check=True)
            subprocess.run([*git, "commit", "-q", "-m", f"v{n}"], check=True)
        git_seconds = time.perf_counter() - start
        git_bytes = dir_bytes(repo / ".git")
        shutil.rmtree(repo)

    n = len(versions)
    print(f"report: {SEED.name} ({size_kb:.0f} KB as published, {len(base.items)} items), {n} versions")
    for name, seconds, size, where in (
        ("hyoka commit", hyoka_seconds, hyoka_bytes, "SQLite"),
        ("git commit  ", git_seconds, git_bytes, "loose objects"),
    ):
        print(f"{name} : {seconds / n * 1000:8.1f} ms/version  {size / n / 1024:8.1f} KiB/version ({where})")
    print(f"ratio hyoka/git: time {hyoka_seconds / git_seconds:.2f}x, bytes {hyoka_bytes / git_bytes:.2f}x")


if __name__ == "__main__":
    main()
