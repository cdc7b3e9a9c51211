"""The parsed copy of a form catalogue (hyoka.forms._parsed): the TOML stays the only source.

A catalogue is parsed once and kept as a marshal copy in __pycache__ beside it, named by the
file's hash (issue 13: parsing is half of loading a catalogue). An edited file must be parsed
again, a broken copy must be passed over, and a directory that cannot be written must still
give the catalogue.
"""

from __future__ import annotations

import marshal
import shutil
import tomllib
from pathlib import Path

import pytest

from hyoka.forms import CATALOGUE_FILES, _parsed

SOURCE = Path(__file__).resolve().parents[1] / "src" / "hyoka" / "forms" / CATALOGUE_FILES["全項目"]


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    copy = tmp_path / SOURCE.name
    shutil.copyfile(SOURCE, copy)
    return copy


def _copies(catalogue: Path) -> list[Path]:
    return sorted((catalogue.parent / "__pycache__").glob(f"{catalogue.name}.*.marshal"))


def test_the_copy_gives_what_the_toml_says(catalogue: Path) -> None:
    expected = tomllib.loads(catalogue.read_text("utf-8"))
    assert _parsed(catalogue) == expected
    assert len(_copies(catalogue)) == 1
    assert _parsed(catalogue) == expected  # now from the copy


def test_the_copy_is_read_when_present(catalogue: Path) -> None:
    _parsed(catalogue)
    (copy,) = _copies(catalogue)
    # A copy of the same name but other content: what the next load returns shows it was read.
    copy.write_bytes(marshal.dumps({"items": [], "marker": "from the copy"}))
    assert _parsed(catalogue)["marker"] == "from the copy"


def test_an_edited_catalogue_is_parsed_again_and_the_old_copy_goes(catalogue: Path) -> None:
    _parsed(catalogue)
    (old,) = _copies(catalogue)
    text = catalogue.read_text("utf-8").replace('name = "', 'name = "改', 1)
    catalogue.write_text(text, "utf-8")
    assert _parsed(catalogue) == tomllib.loads(text)
    (new,) = _copies(catalogue)
    assert new != old and not old.exists()


def test_a_broken_copy_is_passed_over(catalogue: Path) -> None:
    _parsed(catalogue)
    (copy,) = _copies(catalogue)
    copy.write_bytes(b"\x00not marshal")
    assert _parsed(catalogue) == tomllib.loads(catalogue.read_text("utf-8"))


def test_a_place_that_cannot_hold_the_copy_still_loads(catalogue: Path) -> None:
    # __pycache__ is a file here, so the copy can be neither read nor written (as in a
    # read-only install; a file, because root writes to read-only directories anyway).
    (catalogue.parent / "__pycache__").write_text("not a directory", "utf-8")
    assert _parsed(catalogue) == tomllib.loads(catalogue.read_text("utf-8"))
    assert (catalogue.parent / "__pycache__").read_text("utf-8") == "not a directory"
