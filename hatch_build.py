"""Wheel build hook: the reader's hot modules compiled to C with mypyc.

Reading a published report is pure Python that makes one deep decision per line (issue 13:
the in-process read + diff + classify of a 110 KB report against `git diff --word-diff`).
mypyc compiles the modules listed under ``[tool.hatch.build.targets.wheel.hooks.custom]
modules`` in pyproject.toml from their type hints, with the same meaning: the wheel ships the
``.py`` files and, beside them, the extension modules Python imports first.

- A wheel (``pip install .``, ``python -m build``) is compiled; an editable install
  (``pip install -e .``, what ``make demo`` and ``make test`` use) stays pure Python, so an
  edited ``.py`` file is never shadowed by a stale extension.
- ``HYOKA_COMPILE=0`` builds a pure wheel; ``HYOKA_COMPILE=require`` fails the build when
  compiling fails (CI and ``make bench``: what they measure must be compiled); by default a
  machine without a C compiler or Python headers gets a pure wheel and a warning.
- mypyc type-checks what it compiles: a wrong hint fails the build, and at run time a value of
  the wrong type raises TypeError where pure Python would have gone on (the compiled test run
  of ``make test`` is there to find such places).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The shared library mypyc builds for the modules, at the top of site-packages.
GROUP = "hyoka"


class MypycBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles the configured modules into the wheel (see the module docstring)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        mode = os.environ.get("HYOKA_COMPILE", "auto")
        if self.target_name != "wheel" or version == "editable" or mode == "0":
            return
        self._work = Path(tempfile.mkdtemp(prefix="hyoka-mypyc-"))
        try:
            built = compile_modules(Path(self.root), list(self.config["modules"]), self._work)
        except Exception as error:  # a missing compiler or header, or a type error: say which
            if mode == "require":
                raise
            self.app.display_warning(f"mypyc: not compiled, the wheel is pure Python ({error})")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path in built:
            build_data["force_include"][str(self._work / path)] = path.as_posix()
        self.app.display_info(f"mypyc: {len(self.config['modules'])} modules compiled")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def compile_modules(root: Path, modules: list[str], work: Path) -> list[Path]:
    """Compile ``modules`` (paths under src/) in a copy of the package in ``work``; the built
    extension files, relative to ``work`` (their paths in the wheel)."""
    from mypyc.build import mypycify  # the hook's build dependency, imported only to compile
    from setuptools import Distribution

    shutil.copytree(root / "src" / "hyoka", work / "hyoka", ignore=shutil.ignore_patterns("__pycache__"))
    here = Path.cwd()
    os.chdir(work)  # mypycify names modules by their paths and writes its C under build/
    try:
        extensions = mypycify(
            # Dependencies are not installed in the isolated build environment: what they
            # return is Any to the compiler, and the package's own modules are read, not checked.
            ["--ignore-missing-imports", "--follow-imports=silent", *modules],
            opt_level="3",
            group_name=GROUP,
        )
        distribution = Distribution({"name": "hyoka", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.inplace = True  # type: ignore[attr-defined]
        distribution.run_command("build_ext")
    finally:
        os.chdir(here)
    built = sorted(p.relative_to(work) for p in work.rglob("*") if p.suffix in (".so", ".pyd")
                   and "build" not in p.relative_to(work).parts)
    expected = {Path(m).with_suffix("").as_posix() for m in modules}
    missing = expected - {p.as_posix().split(".")[0] for p in built}
    if missing:
        raise RuntimeError(f"no extension built for {sorted(missing)}")
    return built
