"""Benchmark: database bytes added per version against git's packed growth, on the same texts.

100 versions of seed 001 (../shared/seeds), each editing one to three text items a little
(a phrase inserted, as a yearly revision does), are committed the way `hyoka commit` does
(classification and audit events included) to SQLite; the exported text of each version is
committed to git and packed with ``git gc --aggressive``. Growth is measured from version 1 to
the last version on both sides, so the first snapshot counts for neither; the ratio
hyoka/git is printed (goal ≤ 2×, ≤ 20× to resolve issue 13).

    .venv/bin/python bench/bench_storage.py [--versions 100]

``build_history`` is shared with bench_appendix.py.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hyoka.ingest import dumps, read_report
from hyoka.model import Report, Text

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_cc86eefa057d2f96.txt"
PHRASES = ("及び関係課", "（令和7年度改正）", "を速やかに", "定期的に", "、必要に応じて")


def edited(report: Report, rng: random.Random, version: int) -> Report:
    """A copy with one to three text items edited by a short phrase inserted at a random place."""
    items = list(report.items)
    texts = [i for i, it in enumerate(items) if isinstance(it.value, Text) and it.value.text.strip()]
    for idx in rng.sample(texts, rng.randint(1, 3)):
        item = items[idx]
        text = item.value.text  # type: ignore[union-attr]
        at = rng.randrange(len(text) + 1)
        items[idx] = replace(item, value=Text(text[:at] + rng.choice(PHRASES) + text[at:]))
    return replace(report, items=tuple(items))


def versions_of_seed(count: int) -> list[Report]:
    rng = random.Random(13)
    versions = [read_report(SEED)]
    for n in range(2, count + 1):
        versions.append(edited(versions[-1], rng, n))
    return versions


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def pack_bytes(repo: Path) -> int:
    subprocess.run(["git", "-C", str(repo), "gc", "--aggressive", "--quiet"], check=True)
    return sum(p.stat().st_size for p in (repo / ".git" / "objects").rglob("*") if p.is_file())


@dataclass(frozen=True)
class History:
    url: str
    db: Path
    repo: Path
    report_id: str
    versions: int
    db_first: int  # bytes after version 1
    db_last: int
    git_first: int
    git_last: int


def build_history(work: Path, count: int, report_id: str = "bench") -> History:
    """The database and the git repository of ``count`` versions, with their sizes after v1 and at the end."""
    from hyoka.audit.record import commit_report
    from hyoka.classify.policy import load_policy
    from hyoka.store import Store, init_db

    versions = versions_of_seed(count)
    db = work / "bench.db"
    url = f"sqlite:///{db}"
    init_db(url)
    policy = load_policy(None)
    repo = work / "git"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    db_first = git_first = 0
    for n, report in enumerate(versions, 1):
        with Store(url) as store:
            commit_report(store, report_id, report, author="bench", message=f"第{n}版", policy=policy)
        (repo / "report.hyoka.txt").write_text(dumps(report), encoding="utf-8")
        subprocess.run([*git, "add", "report.hyoka.txt"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"v{n}"], check=True)
        if n == 1:
            db_first, git_first = db_bytes(db), pack_bytes(repo)
        if n % 25 == 0:
            print(f"  {n}/{count} 版", flush=True)
    return History(url, db, repo, report_id, count, db_first, db_bytes(db), git_first, pack_bytes(repo))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        h = build_history(Path(tmp), args.versions)
    steps = h.versions - 1
    hyoka_per = (h.db_last - h.db_first) / steps
    git_per = (h.git_last - h.git_first) / steps
    print(f"report: {SEED.name}, {h.versions} versions of 1–3 edits")
    print(f"hyoka (SQLite, events included): v1 {h.db_first / 1024:8.1f} KiB, "
          f"then {hyoka_per:9.0f} B/version")
    print(f"git gc --aggressive (packed):    v1 {h.git_first / 1024:8.1f} KiB, then {git_per:9.0f} B/version")
    print(f"ratio hyoka/git bytes per version: {hyoka_per / git_per:.1f}x (goal ≤ 2x, ≤ 20x to resolve)")


if __name__ == "__main__":
    main()
