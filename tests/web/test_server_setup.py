"""Migrations match the tables; ``peacetable serve`` starts, prints its address and a set-up link."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from webtest_support import _free_port

from peacetable.web.db import Database
from peacetable.web.models import Base

SRC = Path(__file__).resolve().parents[2] / "src"


def test_the_migrations_build_exactly_the_tables(tmp_path: Path, database_url: str | None) -> None:
    db = Database.connect(database_url or f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.migrate()
    db.migrate()  # idempotent
    with db.write_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    db.migrate()
    with db.reading() as s:
        assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.dispose()


def test_peacetable_help_does_not_import_the_server() -> None:
    code = (
        "import sys; from peacetable.cli import app; "
        "print(any(m.split('.')[0] in {'fastapi', 'sqlalchemy', 'uvicorn', 'alembic'} "
        "for m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False", out.stderr


def test_serve_prints_the_address_and_a_one_time_setup_link(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "300"}
    cmd = [
        sys.executable,
        "-c",
        "from peacetable.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert f"http://127.0.0.1:{port}" in output
    link = next(line for line in output.splitlines() if "set-up link" in line).split()[-1]
    assert link.startswith(f"http://127.0.0.1:{port}/setup/")
    assert (tmp_path / "peacetable.sqlite3").exists()
    assert oct((tmp_path / "signing-key.pem").stat().st_mode)[-3:] == "600"
