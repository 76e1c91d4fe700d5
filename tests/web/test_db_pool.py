"""SQLite read connections are pooled for every worker thread: a request never opens one."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from peacetable.web.db import READ_POOL_SIZE, Database


def test_concurrent_reads_reuse_pooled_connections(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'p.sqlite'}")
    opened: list[Any] = []
    event.listen(db.read_engine, "connect", lambda conn, _rec: opened.append(conn))
    threads, rounds = READ_POOL_SIZE, 20
    start = threading.Barrier(threads)
    answers: list[int] = []

    def read() -> None:
        start.wait()
        for _ in range(rounds):
            start.wait()  # all threads read at once, every round
            row = db.first(select(1), {})
            assert row is not None
            answers.append(row[0])

    workers = [threading.Thread(target=read) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(60)
    assert answers == [1] * (threads * rounds)
    # each connection is opened once and kept (an overflow connection would be opened and
    # closed again every round: hundreds of opens)
    assert len(opened) <= READ_POOL_SIZE
    db.dispose()
