"""A real uvicorn process on loopback: 50 concurrent clients, and a SIGKILL in the middle of writes.

Run on SQLite and on PostgreSQL. Every acknowledged write must be in the
database and in the record, and the record must verify.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from loopback_support import (
    Peer,
    Server,
    check_acknowledged,
    join_party,
    mediator_with_negotiations,
)

PRINCIPALS = ("RU", "UA", "US", "NATO")
CLIENTS = 50
ROUNDS = 3


def _write(peer: Peer, nid: str, kind: str, k: int, rng: random.Random) -> httpx.Response:
    if kind == "submission":
        prefs = {
            "no_deal": round(rng.uniform(20, 60), 3),
            "weights": {"venue": rng.randint(1, 9), "crimea": rng.randint(1, 9)},
        }
        return peer.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": prefs})
    return peer.post(
        f"/api/negotiations/{nid}/published/1/responses",
        json={"verdict": "comment", "comment": f"round {k}"},
    )


def _work(
    peer: Peer,
    nid: str,
    seed: int,
    rounds: int,
    acked: list[dict[str, Any]],
    errors: list[str],
    start: threading.Barrier | None,
    stop: threading.Event | None,
) -> None:
    """Submit and respond, *rounds* times (or, with *stop*, alternately until stopped)."""
    rng = random.Random(seed)
    if start is not None:
        start.wait()
    k = 0
    while (stop is None and k < rounds) or (stop is not None and not stop.is_set()):
        k += 1
        kinds = ["submission", "response"] if stop is None else [("response", "submission")[k % 2]]
        for kind in kinds:
            try:
                r = _write(peer, nid, kind, k, rng)
            except httpx.HTTPError as exc:  # the server was killed: not acknowledged
                errors.append(type(exc).__name__)
                return
            if r.status_code == 201:
                body = r.json()
                acked.append(
                    {
                        "nid": nid,
                        "kind": kind,
                        "seq": body["receipt"]["seq"],
                        "commitment": body["commitment"],
                    }
                )
            else:
                errors.append(f"{r.status_code} {r.text[:200]}")


@pytest.mark.slow
def test_fifty_concurrent_clients(tmp_path: Path, database_url: str | None) -> None:
    server = Server(tmp_path, database_url).start()
    try:
        m, nids = mediator_with_negotiations(server, 2)
        peers = [
            (join_party(server, m, nids[i % 2], PRINCIPALS[i % 4], f"delegate{i}"), nids[i % 2])
            for i in range(CLIENTS)
        ]
        acked: list[dict[str, Any]] = []
        errors: list[str] = []
        start = threading.Barrier(CLIENTS)
        threads = [
            threading.Thread(target=_work, args=(p, nid, i, ROUNDS, acked, errors, start, None))
            for i, (p, nid) in enumerate(peers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors[:5]
        assert len(acked) == CLIENTS * ROUNDS * 2
        for nid in nids:
            export = check_acknowledged(m, nid, [a for a in acked if a["nid"] == nid])
            assert len(export["submissions"]) == CLIENTS // 2 * ROUNDS
    finally:
        server.stop()


@pytest.mark.slow
def test_sigkill_in_the_middle_of_writes(tmp_path: Path, database_url: str | None) -> None:
    server = Server(tmp_path, database_url).start()
    try:
        m, (nid,) = mediator_with_negotiations(server, 1)
        peers = [join_party(server, m, nid, PRINCIPALS[i % 4], f"writer{i}") for i in range(8)]
        acked: list[dict[str, Any]] = []
        errors: list[str] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_work, args=(p, nid, i, 0, acked, errors, None, stop))
            for i, p in enumerate(peers)
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()  # SIGKILL while the writers are writing
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert len(acked) >= 40
        assert errors, "the kill should have cut some writes off"
    finally:
        server.kill()
    again = Server(tmp_path, database_url)
    again.port = server.port
    again.base = server.base
    again.start()
    try:
        assert again.setup_link is None  # the accounts survived
        check_acknowledged(m, nid, acked)
        # and the server takes writes again, continuing the same record
        r = peers[0].post(
            f"/api/negotiations/{nid}/my/submissions", json={"preferences": {"no_deal": 33}}
        )
        assert r.status_code == 201, r.text
        last = {"seq": r.json()["receipt"]["seq"], "commitment": r.json()["commitment"]}
        check_acknowledged(m, nid, [*acked, last])
    finally:
        again.stop()


@pytest.mark.slow
def test_two_server_processes_share_one_sqlite_database(tmp_path: Path) -> None:
    """``serve --workers 2``: writers in two processes, one record that still verifies."""
    server = Server(tmp_path, None, workers=2).start()
    try:
        m, (nid,) = mediator_with_negotiations(server, 1)
        peers = [join_party(server, m, nid, PRINCIPALS[i % 4], f"pair{i}") for i in range(20)]
        acked: list[dict[str, Any]] = []
        errors: list[str] = []
        start = threading.Barrier(len(peers))
        threads = [
            threading.Thread(target=_work, args=(p, nid, i, 2, acked, errors, start, None))
            for i, p in enumerate(peers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors[:5]
        assert len(acked) == 20 * 2 * 2
        check_acknowledged(m, nid, acked)
    finally:
        server.stop()
