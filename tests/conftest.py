"""Shared fixtures: where the seeds and samples live."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import text

from hyoka.store import make_engine

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"

settings.register_profile("default", max_examples=150)
settings.register_profile("reliability", max_examples=3000)
settings.load_profile(os.environ.get("HYOKA_HYPOTHESIS_PROFILE", "default"))
SAMPLES = REPO / "samples"

# A reader fault becomes a one-line error for users (hyoka.ingest.read_text); in the tests it must
# fail loudly, so that the fuzz tests still find it (test_hostile_inputs turns it off to check
# the user's side).
os.environ.setdefault("HYOKA_DEBUG", "1")

# Write commands name their author, by default $USER (README); a CI container may have none set.
if not os.environ.get("USER", "").strip():
    os.environ["USER"] = "hyoka-test"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seeds not found at {SEEDS}: ../shared must sit beside the clone")
    return SEEDS


# -- databases: SQLite by default, a real PostgreSQL server with HYOKA_TEST_BACKEND=postgresql --------

BACKEND = os.environ.get("HYOKA_TEST_BACKEND", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    if BACKEND != "postgresql":
        yield None
        return
    from pgcluster import Cluster

    cluster = Cluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def new_db_url(pg_cluster: Any) -> Callable[[Path], str]:
    """Makes a fresh database URL on the backend under test (``folder`` holds SQLite files)."""

    def make(folder: Path) -> str:
        if pg_cluster is not None:
            return str(pg_cluster.new_database())
        return f"sqlite:///{folder / 'hyoka.db'}"

    return make


@pytest.fixture
def db_url(new_db_url: Callable[[Path], str], tmp_path: Path) -> str:
    return new_db_url(tmp_path)


def run_sql(url: str, statement: str, **params: object) -> list[tuple[Any, ...]]:
    """Raw SQL on either backend, committed: how tests inspect or tamper with a store."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def run_cli(*args: str) -> tuple[int, str, str]:
    """The CLI in-process: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from hyoka.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def sample_history(tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[[Path], str]) -> str:
    """A database on the backend under test holding samples/sakuragawa v1…v4 as one report."""
    url = new_db_url(tmp_path_factory.mktemp("sample_history"))
    assert run_cli("init", "--db", url)[0] == 0
    for n in (1, 2, 3, 4):
        code, _, err = run_cli("commit", str(SAMPLES / "sakuragawa" / f"v{n}.txt"), "--report", "sakuragawa",
                               "--author", "山田", "--db", url)
        assert code == 0, err
    return url
