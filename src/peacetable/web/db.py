"""Database engines, transactions and migrations (SQLite in WAL mode, or PostgreSQL).

Every write is one transaction that also appends to the negotiation's record,
so a write is either wholly there (domain rows and record entry) or not at
all. On SQLite, writes take the database lock up front (``BEGIN IMMEDIATE``)
and are serialised inside the process by a lock, so concurrent writers queue
instead of failing; reads run concurrently on WAL snapshots. ``synchronous=FULL``
makes every acknowledged commit survive a crash of the process or the
machine. On PostgreSQL, writes to one negotiation are serialised by a row lock
on it (see :func:`lock_negotiation`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from peacetable.web.models import Negotiation

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30.0})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    """The engines of one database and the sessions made from them.

    Use :meth:`reading` for reads and :meth:`writing` for writes; both are
    context managers yielding a :class:`~sqlalchemy.orm.Session` inside one
    transaction (:meth:`writing` commits on success, rolls back on error).
    """

    url: str
    read_engine: Engine
    write_engine: Engine
    _write_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def connect(cls, url: str) -> Database:
        """Engines for *url* (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            return cls(url, _sqlite_engine(url, False), _sqlite_engine(url, True))
        engine = create_engine(url, pool_size=20, max_overflow=30, pool_pre_ping=True)
        return cls(url, engine, engine)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is a SQLite database."""
        return self.write_engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session on one consistent snapshot."""
        with sessionmaker(self.read_engine, expire_on_commit=False)() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        if self.is_sqlite:
            with self._write_lock, self._transaction() as session:
                yield session
        else:
            with self._transaction() as session:
                yield session

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with sessionmaker(self.write_engine, expire_on_commit=False)() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic ``upgrade head``)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.write_engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def lock_negotiation(session: Session, negotiation_id: str) -> Negotiation | None:
    """The negotiation row, locked for this transaction (``FOR UPDATE``; SQLite: already locked)."""
    return session.execute(
        select(Negotiation).where(Negotiation.id == negotiation_id).with_for_update()
    ).scalar_one_or_none()
