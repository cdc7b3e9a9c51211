"""Issue 13's store facade: outside ``store/`` nothing reads the schema or talks SQLAlchemy.

The schema is the store's to change (migrations, validity ranges, interned names); audit,
tables, views and the CLI see it only through the store's API (``Store`` and its reads,
``hyoka.store``'s exports). A module that imported ``hyoka.store.schema`` or SQLAlchemy
outside ``store/`` would tie itself to a table layout, as ``audit/verify.py`` once did.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hyoka"
FORBIDDEN = ("sqlalchemy", "alembic", "hyoka.store.schema", "hyoka.store.sql")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


OUTSIDE = sorted(p for p in SRC.rglob("*.py") if "store" not in p.relative_to(SRC).parts[:1])


@pytest.mark.parametrize("path", OUTSIDE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_outside_the_store_reads_its_schema(path: Path) -> None:
    wrong = sorted(name for name in _imports(path) if name.startswith(FORBIDDEN))
    assert wrong == [], f"{path.relative_to(SRC)} imports {wrong}: go through hyoka.store's API"


def test_the_check_sees_the_imports_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from hyoka.store.schema import EventRecord\n    from sqlalchemy import text\n")
    assert {"hyoka.store.schema.EventRecord", "sqlalchemy"} <= _imports(sample)
    assert len(OUTSIDE) > 40  # the whole package outside store/ is walked, not an empty glob
