"""Database engines, transactions and migrations (SQLite in WAL mode, or PostgreSQL).

Every write is one transaction that also appends to the negotiation's record,
so a write is either wholly there (domain rows and record entry) or not at
all. On SQLite, writes take the database lock up front (``BEGIN IMMEDIATE``)
and run one at a time inside the process, so concurrent writers queue
instead of failing; reads run concurrently on WAL snapshots. ``synchronous=FULL``
makes every acknowledged commit survive a crash of the process or the
machine; to keep that affordable under many concurrent writers, writes are
*group-committed* (:class:`GroupCommit`): each write runs in its own
savepoint of a shared transaction, and one commit (one fsync) makes a whole
batch durable before any of its writers is answered. On PostgreSQL, writes to one negotiation are serialised by a row lock
on it (see :func:`lock_negotiation`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVarTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: one server process per SQLite file
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import Connection, Engine, Row, bindparam, create_engine, event, select
from sqlalchemy.orm import Session, defer, sessionmaker
from sqlalchemy.sql.selectable import TypedReturnsRows

from peacetable.web.models import Negotiation

_Ts = TypeVarTuple("_Ts")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


#: Pooled SQLite connections for reads: one for each of the thread pool's workers
#: (anyio's default limit, 40), so that no request opens and closes a connection
#: (an open with the PRAGMAs below and its close take about 0.25 ms of CPU here).
#: Each pooled connection keeps its own page cache, at most SQLite's default 2 MiB.
READ_POOL_SIZE = 40


def _sqlite_engine(url: str, immediate: bool, pool_size: int = 5) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30.0}, pool_size=pool_size)

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


class _Waiter:
    """A writer waiting for the commit that makes its write durable."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.error: BaseException | None = None

    def done(self, error: BaseException | None) -> None:
        self.error = error
        self.event.set()

    def wait(self) -> None:
        self.event.wait()
        if self.error is not None:
            raise RuntimeError("the database could not commit this write") from self.error


class GroupCommit:
    """Group commit for SQLite (one writer at a time, one fsync per batch).

    A writer waits for its turn, runs in a SAVEPOINT of the open transaction
    (a failure rolls back its own savepoint only), and then, if no other
    writer is waiting or the batch is full, commits the transaction for the
    whole batch. Every writer returns only after the commit that holds its
    write (the classic group commit of database logs: Gawlick & Kinkade 1985;
    Helland et al. 1987).
    """

    def __init__(self, engine: Engine, lock_path: Path | None = None, max_batch: int = 64) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._lock_path = lock_path
        self._lock_file: Any = None
        self._turn = threading.Lock()
        self._state = threading.Lock()
        self._queued = 0
        self._connection: Connection | None = None
        self._pending: list[_Waiter] = []

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write, durable when the block ends."""
        with self._state:
            self._queued += 1
        self._turn.acquire()
        with self._state:
            self._queued -= 1
        waiter = _Waiter()
        try:
            if self._connection is None:
                self._open()
            session = Session(
                bind=self._connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
            try:
                with session.begin():
                    yield session
            finally:
                session.close()
            self._pending.append(waiter)
            with self._state:
                commit_now = self._queued == 0 or len(self._pending) >= self.max_batch
            if commit_now:
                self._commit()
        except BaseException:
            with self._state:
                idle = self._queued == 0
            if idle and self._connection is not None:
                self._commit()  # the writes before this failed one are still owed their commit
            raise
        finally:
            self._turn.release()
        waiter.wait()

    def _open(self) -> None:
        """Begin the batch's transaction, first taking the database's write lock file.

        The lock file makes writers in other server processes wait in the
        kernel (no polling) while this process holds the write transaction.
        """
        if self._lock_path is not None and fcntl is not None:
            self._lock_file = open(self._lock_path, "a+b")  # noqa: SIM115 (held across calls)
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            connection = self.engine.connect()
            connection.begin()
        except BaseException:
            self._unlock()
            raise
        self._connection = connection

    def _unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _commit(self) -> None:
        connection, batch = self._connection, self._pending
        self._connection, self._pending = None, []
        assert connection is not None
        error: BaseException | None = None
        try:
            connection.commit()
        except BaseException as exc:  # every writer of the batch must hear of it
            error = exc
            with suppress(Exception):
                connection.rollback()
        finally:
            connection.close()
            self._unlock()
        for waiter in batch:
            waiter.done(error)


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
    _group: GroupCommit | None = field(default=None, repr=False)
    _groups: dict[str, GroupCommit] = field(default_factory=dict, repr=False)
    _groups_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _readers: sessionmaker[Session] = field(init=False, repr=False)
    _writers: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._readers = sessionmaker(self.read_engine, expire_on_commit=False)
        self._writers = sessionmaker(self.write_engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str) -> Database:
        """Engines for *url* (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            writer = _sqlite_engine(url, True)
            lock = Path(path + ".writelock") if path and path != ":memory:" else None
            reader = _sqlite_engine(url, False, READ_POOL_SIZE)
            return cls(url, reader, writer, GroupCommit(writer, lock))
        engine = create_engine(url, pool_size=20, max_overflow=30, pool_recycle=3600)
        return cls(url, engine, engine)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is a SQLite database."""
        return self.write_engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session on one consistent snapshot."""
        with self._readers() as session, session.begin():
            yield session

    def first(
        self, statement: TypedReturnsRows[*_Ts], params: Mapping[str, Any]
    ) -> Row[*_Ts] | None:
        """The first row of one read *statement*, without an ORM session.

        For the sign-in check that every request makes (about 0.3 ms less than
        :meth:`reading`); a single statement reads one consistent state.
        """
        with self.read_engine.connect() as connection:
            return connection.execute(statement, params).first()

    @contextmanager
    def writing(self, negotiation_id: str | None = None) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception.

        On SQLite every write joins the one group commit. On PostgreSQL, writes
        to the same negotiation (*negotiation_id*) are group-committed together,
        so writes to different negotiations proceed in parallel and no batch
        ever locks two negotiations (no deadlocks between server processes).
        """
        group = self._group
        if group is None and negotiation_id is not None:
            with self._groups_lock:
                group = self._groups.get(negotiation_id)
                if group is None:
                    if len(self._groups) > 1000:
                        self._groups.clear()
                    group = self._groups[negotiation_id] = GroupCommit(self.write_engine)
        if group is not None:
            with group.transaction() as session:
                yield session
        else:
            with self._transaction() as session:
                yield session

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._writers() as session, session.begin():
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


#: Built once (each write skips building the statement and its cache key).
_LOCK_NEGOTIATION = (
    select(Negotiation)
    .options(defer(Negotiation.scenario_json))
    .where(Negotiation.id == bindparam("nid"))
    .with_for_update()
)


def lock_negotiation(session: Session, negotiation_id: str) -> Negotiation | None:
    """The negotiation row, locked for this transaction (``FOR UPDATE``; SQLite: already locked)."""
    return session.execute(_LOCK_NEGOTIATION, {"nid": negotiation_id}).scalar_one_or_none()
