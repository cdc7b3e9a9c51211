"""Benchmark: does reading a published report scale linearly with its size? (issue 12)

Builds synthetic reports of 1, 2, 4 and 8 MB from ``samples/sakuragawa/v2.txt``'s
structure: its text up to システム3, then, in rotation until the size is reached,
what large real reports repeat —

- more system groups (``システムN`` with ①名称 ②機能 ③接続),
- the same label row again and again (``リスクに対する措置の内容`` under III 3.),
- more 変更箇所 rows in the appendix —

and the rest of the sample in between. Each size is read once (``hyoka.ingest.read_text``,
the reader the CLI uses, decoding not timed) after one warm-up read of the sample, and
the best of --repeat reads, each from nothing remembered (``hyoka.ingest.forget``, untimed:
what readings remember for later ones would otherwise favour the sizes it can hold), printed
with the items and appendix rows produced, then the ratio of the largest
time to the smallest (the goal is ≤ 10× for 8× the input; a linear reader gives about 8×).
Everything stays under decode.MAX_BYTES (20 MB). No timed assertion: the figures are for
reading.

    .venv/bin/python bench/bench_parse_scaling.py [--sizes 1,2,4,8] [--kind mixed|systems|labels|appendix]
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path

from hyoka.errors import HyokaError
from hyoka.ingest import forget, read_text
from hyoka.ingest.decode import MAX_BYTES

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v2.txt"
MB = 1024 * 1024


def _units(kind: str) -> Iterator[tuple[str, str]]:
    """(where, text) units forever: where is "systems", "labels" or "appendix"."""
    n = 4
    while True:
        if kind in ("mixed", "systems"):
            yield "systems", (f"システム{n}\t\n①システムの名称\t合成システム{n}\n"
                              f"②システムの機能\t第{n}の業務のために課税情報を処理する。\n"
                              "③他のシステムとの接続\t[○] 庁内連携システム [○] 宛名システム等\n")
        if kind in ("mixed", "labels"):
            yield "labels", f"リスクに対する措置の内容\t措置その{n}。申告書の様式に必要な項目だけを設けている。\n"
        if kind in ("mixed", "appendix"):
            yield "appendix", (f"令和6年10月1日\tI 基本情報 2. システム{n} ①システムの名称\t旧名称{n}\t"
                               f"新名称{n}\t事後\t重要な変更に当たらない変更である。\n")
        n += 1


def synthetic(size: int, kind: str) -> str:
    """A report of about ``size`` bytes (UTF-8) with ``kind`` of repetition."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    systems_at = next(i for i, line in enumerate(lines) if line.startswith("システム4"))
    labels_at = next(i for i, line in enumerate(lines) if line.startswith("リスクへの対策は十分か")) + 1
    head, middle, tail = "\n".join(lines[:systems_at]) + "\n", lines[systems_at:labels_at], lines[labels_at:]
    middle_text = "\n".join(middle) + "\n"
    tail_text = "\n".join(tail)
    parts: dict[str, list[str]] = {"systems": [], "labels": [], "appendix": []}
    total = len((head + middle_text + tail_text).encode("utf-8"))
    for where, text in _units(kind):
        if total >= size:
            break
        parts[where].append(text)
        total += len(text.encode("utf-8"))
    return head + "".join(parts["systems"]) + middle_text + "".join(parts["labels"]) + tail_text + "\n" + "".join(
        parts["appendix"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="sizes in MB, comma-separated")
    parser.add_argument("--kind", default="mixed", choices=("mixed", "systems", "labels", "appendix"))
    parser.add_argument("--repeat", type=int, default=3, help="reads per size; the best is printed")
    args = parser.parse_args()
    read_text(SAMPLE.read_text(encoding="utf-8"), "warm-up")
    times: list[float] = []
    print(f"repetition: {args.kind}")
    print(f"{'MB':>4} {'bytes':>10} {'lines':>8} {'seconds':>9} {'items':>7} {'rows':>7}")
    for size_mb in (float(s) for s in args.sizes.split(",")):
        text = synthetic(int(size_mb * MB), args.kind)
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            print(f"{size_mb:>4g} over the {MAX_BYTES // MB} MB input cap; skipped")
            continue
        elapsed = float("inf")
        try:
            for _ in range(args.repeat):
                forget()  # each read from nothing remembered: the reader's scaling, not its memory's size
                start = time.perf_counter()
                reading = read_text(text, f"synthetic-{size_mb:g}MB")
                elapsed = min(elapsed, time.perf_counter() - start)
        except HyokaError as exc:  # e.g. the reader's item cap: refused, not timed
            print(f"{size_mb:>4g} {size:>10} refused after {time.perf_counter() - start:.2f} s: {exc}", flush=True)
            continue
        times.append(elapsed)
        report = reading.report
        print(f"{size_mb:>4g} {size:>10} {text.count(chr(10)):>8} {elapsed:>9.2f} {len(report.items):>7}"
              f" {len(report.appendix):>7}", flush=True)
    if len(times) >= 2:
        print(f"ratio largest/smallest: {times[-1] / times[0]:.1f}× (goal ≤ 10× for 8× the input)")


if __name__ == "__main__":
    main()
