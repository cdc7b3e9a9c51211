"""The reader compiled by mypyc reads as the pure-Python reader does (hatch_build.py, issue 13).

A wheel (``pip install .``) ships the modules listed in pyproject.toml's
``[tool.hatch.build.targets.wheel.hooks.custom] modules`` compiled to C; an editable install
runs them as Python. ``make test`` runs this suite a second time in a virtualenv holding the
wheel, with ``HYOKA_EXPECT_COMPILED=1``: then every listed module must be an extension module,
and every reading of the seeds, the samples and their layout variants must be what the same
source read as Python (a process importing ``src/``) reads, byte for byte. A compiled module
checks its type hints at run time, so a wrong hint shows up here as a TypeError or a different
reading; in the editable run the last two tests are skipped.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPILED = os.environ.get("HYOKA_EXPECT_COMPILED") == "1"
compiled_only = pytest.mark.skipif(not COMPILED, reason="HYOKA_EXPECT_COMPILED=1: the wheel's run of make test")

# Hashes of every reading of the seeds, the samples and their layout variants (printed as JSON).
READINGS = r"""
import hashlib, json, sys
from pathlib import Path
root = Path(sys.argv[1])
sys.path.insert(0, str(root / "tests"))
from layout_variants import VARIANTS
from hyoka.ingest import dumps, read_text
from hyoka.memory import forget_everything
files = sorted((root.parent / "shared" / "seeds").glob("*.txt")) + sorted((root / "samples").rglob("*.txt"))
out = {}
for path in files:
    text = path.read_text("utf-8")
    texts = {path.name: text, **{f"{path.name}:{name}": variant(text) for name, variant in VARIANTS.items()}}
    for name, body in texts.items():
        forget_everything()
        try:
            reading = read_text(body, name)
            blob = dumps(reading.report) + repr(reading.diagnostics)
        except Exception as error:
            blob = "ERR " + repr(error)
        out[name] = hashlib.sha256(blob.encode()).hexdigest()
import hyoka.ingest.placer as placer
print(json.dumps({"compiled": not str(placer.__file__).endswith(".py"), "readings": out}))
"""


def listed_modules() -> list[str]:
    """The module names hatch_build.py compiles, from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    paths = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]["modules"]
    return [path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for path in paths]


def readings(python_path: str | None) -> tuple[bool, dict[str, str]]:
    """(whether the reader was compiled, the hashes of its readings) in a new process that imports
    hyoka from ``python_path`` (the installed package when None)."""
    env = {**os.environ}
    if python_path is None:
        env.pop("PYTHONPATH", None)
    else:
        env["PYTHONPATH"] = python_path
    done = subprocess.run([sys.executable, "-c", READINGS, str(ROOT)], env=env, capture_output=True, text=True,
                          check=True, timeout=900)
    found = json.loads(done.stdout)
    return found["compiled"], found["readings"]


def test_every_listed_module_is_a_module_of_the_source() -> None:
    names = listed_modules()
    assert len(names) == len(set(names)) >= 10
    for name in names:
        assert (ROOT / "src" / Path(*name.split("."))).with_suffix(".py").is_file() or (
            ROOT / "src" / Path(*name.split(".")) / "__init__.py").is_file(), name


@compiled_only
def test_the_wheel_holds_every_listed_module_compiled() -> None:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for name in listed_modules():
        module = importlib.import_module(name)
        assert str(module.__file__).endswith(suffixes), f"{name} is not compiled: {module.__file__}"


@compiled_only
def test_compiled_readings_are_the_pure_readings() -> None:
    compiled_reader, compiled = readings(None)
    pure_reader, pure = readings(str(ROOT / "src"))
    assert (compiled_reader, pure_reader) == (True, False)
    assert len(compiled) >= 100 and compiled.keys() == pure.keys()
    differing = [name for name, value in compiled.items() if value != pure[name]]
    assert differing == [], f"{len(differing)} readings differ, e.g. {differing[:5]}"
