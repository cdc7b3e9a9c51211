"""Benchmark: the whole `hyoka diff a.txt b.txt --format json` process against a minimal Typer app.

Issue 13's "fast start": a command that does not touch the database should cost
little more than Typer itself. In the same run, alternating, this times

- hyoka: `hyoka diff old.txt new.txt --format json`, old = seed 001 as published,
  new = a copy with 3 % of its value lines edited (the process reads, aligns, diffs,
  classifies and prints JSON);
- hyoka (start only): `hyoka diff` of the two 5 KB sample reports (samples/midori) — mostly start;
- peer: a Typer app of one command, no parameters, that prints one line, run by this
  same interpreter with this same Typer.

Prints each median and the ratio hyoka/peer (goal ≤ 1.5×).

    .venv/bin/python bench/bench_cli_start.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, SEED_001, alternating, edited_copy, hyoka_command, ratio_line, reader_build, run_process

PEER_APP = '''import typer

app = typer.Typer(add_completion=False)


@app.command()
def main() -> None:
    typer.echo("hello")


if __name__ == "__main__":
    app()
'''
SMALL = ROOT / "samples" / "midori"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    hyoka = hyoka_command()
    old_text = SEED_001.read_text("utf-8")
    new_text, edits = edited_copy(old_text, 0.03, random.Random(7))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        old, new = work / "old.txt", work / "new.txt"
        old.write_text(old_text, "utf-8")
        new.write_text(new_text, "utf-8")
        tiny_old, tiny_new = SMALL / "v1.txt", SMALL / "v2.txt"
        peer = work / "peer.py"
        peer.write_text(PEER_APP, "utf-8")
        # diff exits 0; a reader warning on stderr is fine. The db option points nowhere: nothing opens it.
        cases = {
            "hyoka diff (2 reports)": lambda: run_process(
                [hyoka, "diff", str(old), str(new), "--format", "json"], cwd=work),
            "hyoka diff (start only)": lambda: run_process(
                [hyoka, "diff", str(tiny_old), str(tiny_new), "--format", "json"], cwd=work),
            "peer: minimal Typer app": lambda: run_process([sys.executable, str(peer)], cwd=work),
        }
        medians = alternating(cases, args.repeat)
    kb = len(old_text.encode()) / 1024
    print(f"pair: {SEED_001.name} ({kb:.0f} KB) and a copy with {edits} lines edited; {args.repeat} rounds; "
          f"{reader_build()}")
    for name, seconds in medians.items():
        print(f"{name:26s} {seconds * 1000:8.1f} ms")
    peer_s = medians["peer: minimal Typer app"]
    print(ratio_line("whole process hyoka diff", medians["hyoka diff (2 reports)"], peer_s, 1.5))
    print(f"start only: hyoka/peer = {medians['hyoka diff (start only)'] / peer_s:.2f}x")


if __name__ == "__main__":
    main()
