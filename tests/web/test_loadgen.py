"""The web benchmark's load generator measures what a party waits for.

A planned request that must wait for the client's previous answer counts the
wait (timed from its planned moment, not from when it could be sent), and
the parties' planned moments differ from one another.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import loadgen

DELAY = 0.05


async def _answer_late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer each request ``DELAY`` seconds after it arrives, one at a time."""
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            break
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        await asyncio.sleep(DELAY)
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
    writer.close()


@pytest.fixture
def slow_server() -> Iterator[int]:
    """A loopback HTTP server that answers every request 50 ms late; its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(_answer_late, sock=sock))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield port
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    server.close()

    async def finish() -> None:
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await server.wait_closed()

    loop.run_until_complete(finish())
    loop.close()


def test_requests_planned_together_count_their_wait(slow_server: int) -> None:
    client = loadgen.Client({}, "-", at=[0.0, 0.0, 0.0])
    client.requests = [loadgen.request("127.0.0.1", client, "/w", {"k": k}) for k in range(3)]
    times = [t for t, status in loadgen.run("127.0.0.1", slow_server, [client])]
    # answered about 50, 100 and 150 ms after the one planned moment (never sooner)
    for k, t in enumerate(times):
        assert t >= (k + 1) * DELAY - 0.005


def test_back_to_back_requests_are_timed_from_their_send(slow_server: int) -> None:
    client = loadgen.Client({}, "-")
    client.requests = [loadgen.request("127.0.0.1", client, "/w", {"k": k}) for k in range(3)]
    times = [t for t, _ in loadgen.run("127.0.0.1", slow_server, [client])]
    assert all(DELAY - 0.005 <= t < 3 * DELAY for t in times)  # not cumulative


def test_planned_moments_differ_within_and_across_parties() -> None:
    import bench_web

    moments = bench_web.planned_moments(50, 8, 100.0)
    assert len(moments) == 50
    for own in moments:
        assert own == sorted(own) and len(set(own)) == 8
        assert own[0] >= 0.0 and own[-1] <= 4.0  # 400 writes at 100/s: a 4 s window
    assert len({m for own in moments for m in own}) == 400
    assert moments == bench_web.planned_moments(50, 8, 100.0)  # seeded
