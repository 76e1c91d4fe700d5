"""The SQLite group commit: one commit per batch of writers; a failed write rolls back alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from peacetable.web.db import Database, GroupCommit


def _group(tmp_path: Path) -> tuple[Database, GroupCommit]:
    db = Database.connect(f"sqlite:///{tmp_path / 'g.sqlite'}")
    with db.write_engine.begin() as c:
        c.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, who TEXT)"))
    assert db._group is not None
    return db, db._group


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def test_a_failed_write_rolls_back_alone_and_the_batch_still_commits(tmp_path: Path) -> None:
    db, group = _group(tmp_path)
    hold = threading.Event()
    started = threading.Event()
    errors: list[BaseException] = []

    def write(name: str, fail: bool = False, block: bool = False) -> None:
        try:
            with db.writing() as s:
                started.set()
                if block:
                    hold.wait(10)
                s.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": name})
                if fail:
                    raise ValueError("refused")
        except ValueError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=("a", False, True))]
    threads[0].start()
    started.wait(10)
    for k, (name, fail) in enumerate((("b", True), ("c", False))):
        threads.append(threading.Thread(target=write, args=(name, fail)))
        threads[-1].start()
        _wait_for(lambda k=k: group._queued == k + 1, f"writer {name} to queue")
    hold.set()
    for t in threads:
        t.join(10)
    assert [str(e) for e in errors] == ["refused"]
    with db.reading() as s:
        assert s.execute(text("SELECT who FROM t ORDER BY k")).scalars().all() == ["a", "c"]
    assert group._queued == 0 and group._connection is None


@pytest.mark.parametrize("batch", [1, 3])
def test_a_full_batch_commits_before_the_queue_is_empty(tmp_path: Path, batch: int) -> None:
    db, group = _group(tmp_path)
    group.max_batch = batch
    commits = 0
    real = group._commit

    def counting() -> None:
        nonlocal commits
        commits += 1
        real()

    group._commit = counting  # type: ignore[method-assign]
    hold = threading.Event()
    entered = threading.Event()

    def write(name: str, block: bool = False) -> None:
        with db.writing() as s:
            entered.set()
            if block:
                hold.wait(10)
            s.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": name})

    threads = [threading.Thread(target=write, args=("w0", True))]
    threads[0].start()
    entered.wait(10)
    for k in range(1, 6):
        threads.append(threading.Thread(target=write, args=(f"w{k}",)))
        threads[-1].start()
        _wait_for(lambda k=k: group._queued == k, f"writer {k} to queue")
    hold.set()
    for t in threads:
        t.join(10)
    assert commits == 6 // batch  # batches of *batch* writers, the last when the queue empties
    with db.reading() as s:
        assert len(s.execute(text("SELECT who FROM t")).scalars().all()) == 6
