"""The reader reads a report, not a layout: every extraction variant of every seed and sample
(tests/layout_variants.py) must give the same items as the original.

The invariant, per (file, variant):

* parse: ``hyoka.ingest.parse_text`` on the original and on the variant gives the same item
  paths, in the same order, with the same values (``value_to_json``) and ※ marks, compared
  exactly. The variants never put anything inside a value (page numbers sit between rows, breaks and
  spaces go into label cells only, numerals change in headings only), so no whitespace
  folding is needed or allowed: a reader that lets a label's second half or a page number
  leak into a value fails, as it should. ``parse_text`` gets the variant as is, CRLF
  included: it is the reader's entry point and must not rely on the file decoder having
  normalised line ends (the CLI check below goes through the decoder).
* diff: ``hyoka diff original.txt variant.txt --format json`` reports no change rows and no
  しきい値 flag. Every pair runs through the Typer app in-process (as tests/test_diff_cli.py
  does); the combined variant of each file also runs through the installed ``hyoka``
  executable in a subprocess.

These tests describe the reader being written; many fail on the reader of 8d334e3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, SAMPLES, SEEDS
from hyoka.cli import app
from hyoka.ingest import parse_text
from hyoka.model import value_to_json
from layout_variants import APPLIES_TO, TEXT_TOUCHING, VARIANTS

SHOW = 5  # differences shown in a failure message


def _looks_like_report(text: str) -> bool:
    head = text[:5000]
    return "評価書" in head and ("基本情報" in text or "関連情報" in text)


def report_files() -> list[tuple[str, Path]]:
    """(test id, path) of every seed and every sample .txt that is a report; not the extractions
    under ``printed/`` (tools' output of the samples, held to their own tests)."""
    files = [(path.name.split("_")[0], path) for path in sorted(SEEDS.glob("*.txt"))]
    if not files:
        files = [("seeds-missing", SEEDS / "001_missing.txt")]
    for path in sorted(SAMPLES.rglob("*.txt")):
        if "printed" in path.relative_to(SAMPLES).parts:
            continue
        if _looks_like_report(path.read_text(encoding="utf-8", errors="replace")):
            files.append((f"{path.parent.name}-{path.stem}", path))
    return files


FILES = report_files()
def _applies(path: Path, name: str) -> bool:
    rule = APPLIES_TO.get(name)
    return rule is None or not path.is_file() or rule(path.read_text(encoding="utf-8"))


CASES = [pytest.param(path, name, id=f"{file_id}-{name}") for file_id, path in FILES for name in VARIANTS
         if _applies(path, name)]


@cache
def original_text(path: Path) -> str:
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    return path.read_text(encoding="utf-8")


@cache
def variant_text(path: Path, name: str) -> str:
    return VARIANTS[name](original_text(path))


Row = tuple[str, str]


@cache
def item_rows(text: str) -> tuple[Row, ...]:
    report = parse_text(text)
    return tuple(
        (str(item.path), json.dumps(value_to_json(item.value), ensure_ascii=False, sort_keys=True)
         + (" ※" if item.star else ""))  # the ※ mark counts: it decides 重要な変更
        for item in report.items
    )


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_difference(original: tuple[Row, ...], variant: tuple[Row, ...]) -> str:
    """What differs, first SHOW of each kind: lost paths, new paths, changed values, order."""
    before, after = dict(original), dict(variant)
    lost = [p for p in before if p not in after]
    new = [p for p in after if p not in before]
    changed = [p for p in before if p in after and before[p] != after[p]]
    lines = [f"{len(original)} items in the original, {len(variant)} in the variant"]
    if lost:
        lines.append(f"{len(lost)} paths lost, e.g.: " + ", ".join(lost[:SHOW]))
    if new:
        lines.append(f"{len(new)} paths new, e.g.: " + ", ".join(new[:SHOW]))
    if changed:
        lines.append(f"{len(changed)} values differ, e.g.:")
        for path in changed[:SHOW]:
            lines.append(f"  {path}\n    original: {_short(before[path])}\n    variant:  {_short(after[path])}")
    if not (lost or new or changed):
        first = next(i for i, (a, b) in enumerate(zip(original, variant, strict=False)) if a[0] != b[0])
        lines.append(f"same items in another order, from #{first}: {original[first][0]} vs {variant[first][0]}")
    return "\n".join(lines)


@pytest.mark.parametrize(("path", "name"), CASES)
def test_variant_changes_the_text_deterministically(path: Path, name: str) -> None:
    """Each generator has something to change in every seed and sample, and changes it the same
    way every time (otherwise the invariance tests would prove nothing, or nothing stable)."""
    text = original_text(path)
    once = VARIANTS[name](text)
    assert once != text, f"variant {name} leaves {path.name} unchanged"
    assert VARIANTS[name](text) == once, f"variant {name} is not deterministic"


@pytest.mark.parametrize(("path", "name"), CASES)
def test_variant_parses_to_the_same_items(path: Path, name: str) -> None:
    original = item_rows(original_text(path))
    variant = item_rows(variant_text(path, name))
    if name in TEXT_TOUCHING:  # same paths, values equal up to the variant's own edits
        fold = TEXT_TOUCHING[name]
        original = tuple((p, fold(v)) for p, v in original)
        variant = tuple((p, fold(v)) for p, v in variant)
    if variant != original:
        detail = describe_difference(original, variant)
        pytest.fail(f"{path.name} / {name}: the reader saw a different report\n{detail}")


def _write(folder: Path, path: Path, name: str) -> tuple[Path, Path]:
    """original.txt and variant.txt, byte for byte (CRLF survives: no newline translation)."""
    old, new = folder / "original.txt", folder / "variant.txt"
    old.write_bytes(original_text(path).encode("utf-8"))
    new.write_bytes(variant_text(path, name).encode("utf-8"))
    return old, new


def describe_changes(data: dict) -> str:
    changes = data["changes"]
    lines = [f"{len(changes)} change rows, {len(data['threshold'])} しきい値 flags; first {SHOW}:"]
    for change in changes[:SHOW]:
        lines.append(
            f"  {change['change']:8} {change['path']}\n"
            f"    before: {_short(str(change['before']))}\n    after:  {_short(str(change['after']))}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize(("path", "name"), CASES)
def test_diff_of_a_variant_reports_nothing(path: Path, name: str, tmp_path: Path) -> None:
    old, new = _write(tmp_path, path, name)
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, f"hyoka diff exit {result.exit_code}: {result.stderr or result.stdout}"
    data = json.loads(result.stdout)
    if name in TEXT_TOUCHING:  # only value changes the variant itself made may show
        fold = TEXT_TOUCHING[name]
        data["changes"] = [c for c in data["changes"] if c["change"] != "modified"
                           or fold(json.dumps(c["before"], ensure_ascii=False))
                           != fold(json.dumps(c["after"], ensure_ascii=False))]
    if data["changes"] or data["threshold"]:
        pytest.fail(f"{path.name} / {name}\n" + describe_changes(data))


def _hyoka_command() -> list[str]:
    """The installed console script next to this interpreter, else the app through -c."""
    script = Path(sys.executable).with_name("hyoka")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from hyoka.cli import main; main()"]


@pytest.mark.parametrize("path", [pytest.param(path, id=file_id) for file_id, path in FILES])
def test_real_cli_diff_of_the_combined_variant_reports_nothing(path: Path, tmp_path: Path) -> None:
    old, new = _write(tmp_path, path, "combined")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [*_hyoka_command(), "diff", str(old), str(new), "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=300, check=False,
    )
    assert done.returncode == 0, f"hyoka diff exit {done.returncode}: {done.stderr.strip()}"
    data = json.loads(done.stdout)
    if data["changes"] or data["threshold"]:
        pytest.fail(f"{path.name} / combined (installed hyoka)\n" + describe_changes(data))


def test_only_an_ocr_damaged_text_is_spared_a_second_ocr() -> None:
    """The look-alike variant skips a text only when OCR already damaged its labels: every sample
    (a text layer) gets it, and so does every seed read without many similarity matches."""
    from layout_variants import ocr_damaged

    skipped = [file_id for file_id, path in FILES if path.is_file() and not _applies(path, "ocr_confusables")]
    samples = [file_id for file_id, path in FILES if path.is_relative_to(SAMPLES)]
    assert samples and not set(samples) & set(skipped)
    assert len(skipped) < len(FILES) / 2
    assert all(ocr_damaged(original_text(path)) for file_id, path in FILES if file_id in skipped)
