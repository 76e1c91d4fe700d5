"""Fixtures of the web tests: an app on SQLite or PostgreSQL, the matrix world, a PG cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webtest_support import PostgresCluster, World, build_world, settings_for, start_postgres

from peacetable.web.app import create_app


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for the session (skipped, with the reason, where there is none)."""
    cluster = start_postgres()
    if isinstance(cluster, str):
        pytest.skip(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """``None`` (SQLite in the data directory) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture
def app(tmp_path: Path) -> Any:
    """An app on a fresh SQLite database."""
    return create_app(settings_for(tmp_path))


@pytest.fixture
def world(app: Any) -> World:
    """Two negotiations and the six principals of the authorisation matrix."""
    return build_world(app)
