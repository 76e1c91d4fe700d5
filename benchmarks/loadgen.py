"""A lean HTTP/1.1 load generator for the web benchmark.

Each client holds one keep-alive connection (asyncio streams) and sends its
requests, built and serialised before the clock starts, one after another:
the next as soon as the last is answered, or at planned moments (then each is
timed from its planned moment, so a request held back behind the client's
previous one counts that wait instead of hiding it). The work per
request on the client side is a socket write, a header split and a body read
(0.1–0.5 ms of CPU), so on a two-core machine the clients leave the server
the CPU that 50 threads of a full HTTP client library (``httpx``, 2–3 ms
of CPU per request under the GIL) would take from it. What the server answers
is checked (status code), not parsed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Client:
    """One party's connection: its cookies and CSRF token, and the requests it will send."""

    cookies: dict[str, str]
    csrf: str
    requests: list[bytes] = field(default_factory=list)
    at: list[float] = field(default_factory=list)  # seconds after the start; empty: back to back


def request(host: str, client: Client, path: str, body: dict[str, Any] | None = None) -> bytes:
    """A complete request as bytes on the wire: ``POST`` with a JSON *body*, else ``GET``."""
    head = f"Host: {host}\r\n"
    if client.cookies:
        head += f"Cookie: {'; '.join(f'{k}={v}' for k, v in client.cookies.items())}\r\n"
    if body is None:
        return f"GET {path} HTTP/1.1\r\n{head}\r\n".encode()
    payload = json.dumps(body).encode()
    head += (
        f"X-CSRF-Token: {client.csrf}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return f"POST {path} HTTP/1.1\r\n{head}".encode() + payload


async def _one(
    host: str, port: int, client: Client, go: asyncio.Event, ready: list[int]
) -> list[tuple[float, int]]:
    reader, writer = await asyncio.open_connection(host, port)
    ready.append(1)
    await go.wait()
    began = time.perf_counter()
    out = []
    try:
        for k, request in enumerate(client.requests):
            t0 = time.perf_counter()
            if client.at:  # timed from the planned moment, even when the last answer was late
                t0 = began + client.at[k]
                await asyncio.sleep(max(0.0, t0 - time.perf_counter()))
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = None
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length is None:
                raise RuntimeError(f"an answer without Content-Length: {head!r}")
            await reader.readexactly(length)
            out.append((time.perf_counter() - t0, status))
    finally:
        writer.close()
    return out


async def _all(host: str, port: int, clients: Sequence[Client]) -> list[tuple[float, int]]:
    go, ready = asyncio.Event(), []
    tasks = [asyncio.create_task(_one(host, port, c, go, ready)) for c in clients]
    while len(ready) < len(clients):  # every connection open before the clock starts
        await asyncio.sleep(0.01)
    go.set()
    return [x for got in await asyncio.gather(*tasks) for x in got]


def run(host: str, port: int, clients: Sequence[Client]) -> list[tuple[float, int]]:
    """Send every client's requests concurrently; (seconds, status) of each answer."""
    return asyncio.run(_all(host, port, clients))
