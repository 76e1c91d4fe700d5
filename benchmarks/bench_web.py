"""The mediation server on the seed scenario (``ukraine-2022``).

Rows:

* **analysis of a draft** (the mediator's ``GET .../drafts/{v}/analysis``:
  acceptance, diagnostics, fewest changes, Pareto improvements, fair packages)
  on the scenario with all four principals' full submissions merged in; each
  run writes a new draft (seeded random package), so its diagnosis is new.
  Two rows: submissions unchanged (the session of the merged scenario already
  holds the frontier and the fair packages), and the first analysis after a
  party revises its numbers (a new merged scenario: every lens runs).
  Target: p95 under 1 s. In-process (ASGI), so it measures the server, not
  the network.
* **50 concurrent parties submitting** to a real uvicorn process on loopback,
  on SQLite (and PostgreSQL when one can be started): latency per
  acknowledged write. Target: p95 under 200 ms. Every client sends its next
  write as soon as the last is acknowledged, so 50 writes are always
  outstanding: by Little's law the p95 can only be under 200 ms if the server
  sustains about 250 writes/s. Each row gives the server's and the clients'
  CPU milliseconds per write (the clients share the machine's two cores).
* **50 parties submitting at an offered rate** (one process; 8 writes each, at
  random moments spread so that together they offer 25, 50, 75 or 100 writes/s,
  a Poisson-like stream): the latency–throughput curve below saturation, and
  the highest rate at which the p95 stays under 200 ms. Each write is timed
  from its planned moment, so a write held back behind the party's previous
  one counts that wait (no "coordinated omission": Tene, *How NOT to measure
  latency*, 2015).
* **Two floors**, under the same 50 clients: the same bodies posted to a bare
  FastAPI endpoint (``web_floor_app.py``: HTTP and FastAPI alone), and
  signed-in parties asking ``GET /api/auth/me`` of the mediation server (its
  middleware and sign-in check, no work). A write cannot be cheaper than
  either.

The clients are :mod:`loadgen`'s: one keep-alive connection each, requests
serialised before the clock starts, 0.1–0.5 ms of client CPU per request
(50 threads of ``httpx`` took about 2–3 ms each, on the cores the server
needs, and held even the bare endpoint's p95 above 200 ms on the reference
machine).

Run with ``python benchmarks/run.py web`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "web"))
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402 (after the path it is found on)

PRINCIPALS = ("RU", "UA", "US", "NATO")


def full_preferences(seed: int) -> dict[str, Any]:
    """A complete, consistent submission: weights, ranking and ratings for every issue."""
    from peacetable.scenarios import load_builtin

    rng = random.Random(seed)
    s = load_builtin()
    ratings: dict[str, Any] = {}
    ranking: dict[str, list[str]] = {}
    for issue in s.issues:
        values = {o.id: rng.randint(0, 99) for o in issue.options}
        top = max(values, key=lambda o: values[o])
        values[top] = 100
        ranking[issue.id] = sorted(values, key=lambda o: -values[o])
        ratings[issue.id] = {
            o.id: (
                dict.fromkeys(o.contingent.outcomes, values[o.id]) if o.contingent else values[o.id]
            )
            for o in issue.options
        }
    return {
        "weights": {i.id: rng.randint(1, 20) for i in s.issues},
        "ranking": ranking,
        "ratings": ratings,
        "no_deal": rng.randint(40, 70),
        "beliefs": {"crimea_vote": {"joins_russia": round(rng.random(), 3)}},
    }


def _tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by process *root* and its descendants (Linux ``/proc``)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text.rpartition(")")[2].split()
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, (ppid, _) in stats.items() if ppid in tree} - tree
        grew, tree = bool(more), tree | more
    ticks = sum(stats[pid][1] for pid in tree if pid in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def _percentiles(times: list[float]) -> dict[str, str]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": str(len(times)),
        "median ms": f"{1000 * statistics.median(times):.0f}",
        "p95 ms": f"{1000 * p95:.0f}",
        "max ms": f"{1000 * max(times):.0f}",
    }


def bench_analysis(runs: int, cold: bool) -> dict[str, Any]:
    """Draft analyses; *cold*: each right after a new submission (a new merged version)."""
    from webtest_support import invite, join, organiser, settings_for

    from peacetable.scenarios import load_builtin
    from peacetable.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(settings_for(Path(tmp)))
        m = organiser(app, "mediator")
        nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
        clients = []
        for k, p in enumerate(PRINCIPALS):
            c = join(app, invite(m, nid, "party", p), f"delegate_{p}")
            r = c.post(
                f"/api/negotiations/{nid}/my/submissions", json={"preferences": full_preferences(k)}
            )
            assert r.status_code == 201, r.text
            clients.append(c)
        s = load_builtin()
        rng = random.Random(0)
        times = []
        for k in range(runs + 1):  # the first run warms up (imports, caches) and is not counted
            package = {i.id: rng.choice(i.option_ids) for i in s.issues}
            r = m.post(f"/api/negotiations/{nid}/drafts", json={"title": "d", "package": package})
            v = r.json()["version"]
            if cold:  # a party revises its numbers: the merged scenario changes
                r = clients[k % 4].post(
                    f"/api/negotiations/{nid}/my/submissions",
                    json={"preferences": full_preferences(100 + k)},
                )
                assert r.status_code == 201, r.text
            t0 = time.perf_counter()
            r = m.get(f"/api/negotiations/{nid}/drafts/{v}/analysis")
            if k:
                times.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
    return {
        "case": "analysis of a draft, "
        + ("first after a new submission" if cold else "submissions unchanged")
        + " (4 submissions merged)",
        "database": "sqlite",
        **_percentiles(times),
        "target": "p95 < 1000 ms",
    }


#: Each answer's seconds, wall seconds, server CPU seconds, client CPU seconds.
Measured = tuple[list[float], float, float, float]


def _measure(pid: int, port: int, clients: list[loadgen.Client], expected: int) -> Measured:
    """Run the load; (each answer's seconds, wall seconds, server CPU s, client CPU s)."""
    server_cpu = _tree_cpu_seconds(pid)
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    answers = loadgen.run("127.0.0.1", port, clients)
    wall = time.perf_counter() - wall
    server_cpu = _tree_cpu_seconds(pid) - server_cpu
    after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    wrong = sorted({status for _, status in answers if status != expected})
    if wrong:
        raise RuntimeError(f"answers with status {wrong} (expected {expected})")
    return [t for t, _ in answers], wall, server_cpu, client_cpu


def _row(what: str, label: str, measured: Measured, target: str) -> dict[str, Any]:
    times, wall, server_cpu, client_cpu = measured
    n = len(times)
    return {
        "case": f"{what} ({n / wall:.0f}/s; CPU ms each: server {1000 * server_cpu / n:.1f}, "
        f"clients {1000 * client_cpu / n:.1f})",
        "database": label,
        **_percentiles(times),
        "target": target,
    }


def _parties(server: Any, clients: int) -> tuple[str, list[loadgen.Client]]:
    """A negotiation on a fresh server and *clients* signed-in parties (the four principals)."""
    from loopback_support import join_party, mediator_with_negotiations

    m, (nid,) = mediator_with_negotiations(server, 1)
    out = []
    for i in range(clients):
        peer = join_party(server, m, nid, PRINCIPALS[i % 4], f"delegate{i}")
        out.append(loadgen.Client(dict(peer.cookies), peer.csrf))
        peer.close()
    m.close()
    return nid, out


def planned_moments(clients: int, rounds: int, rate: float) -> list[list[float]]:
    """Each party's *rounds* moments (seconds from the start, sorted), *rate* writes/s in all.

    Uniform over a window of ``clients * rounds / rate`` seconds, one seeded
    generator per party, so the parties' moments differ and the run repeats.

    Examples
    --------
    >>> moments = planned_moments(50, 8, 100.0)
    >>> len(moments), len(moments[0]), max(max(m) for m in moments) <= 4.0
    (50, 8, True)
    """
    window = clients * rounds / rate
    out = []
    for i in range(clients):
        rng = random.Random(i)
        out.append(sorted(rng.uniform(0, window) for _ in range(rounds)))
    return out


def _write_requests(client: loadgen.Client, i: int, path: str, rounds: int) -> list[bytes]:
    """Party *i*'s *rounds* full submissions posted to *path*, each with its own numbers."""
    return [
        loadgen.request("127.0.0.1", client, path, {"preferences": full_preferences(1000 * i + k)})
        for k in range(rounds)
    ]


def _on_server(
    url: str | None,
    workers: int,
    clients: int,
    expected: int,
    plan: Callable[[str, list[loadgen.Client]], None],
) -> Measured:
    """A fresh server, *clients* signed-in parties given their requests by *plan*, measured."""
    from loopback_support import Server

    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), url, workers).start()
        assert server.proc is not None
        try:
            nid, parties = _parties(server, clients)
            plan(nid, parties)
            return _measure(server.proc.pid, server.port, parties, expected)
        finally:
            server.stop()


def bench_submissions(
    url: str | None,
    label: str,
    clients: int,
    rounds: int,
    workers: int = 1,
    rate: float | None = None,
) -> dict[str, Any]:
    """*clients* parties writing *rounds* times each: back to back, or at an offered *rate*."""
    moments = planned_moments(clients, rounds, rate) if rate else None

    def plan(nid: str, parties: list[loadgen.Client]) -> None:
        for i, c in enumerate(parties):
            c.requests = _write_requests(c, i, f"/api/negotiations/{nid}/my/submissions", rounds)
            c.at = moments[i] if moments else []

    how = f"at an offered {rate:g} writes/s" if rate else "at once"
    return _row(
        f"{clients} parties submitting {how}, {workers} process(es), writes",
        label,
        _on_server(url, workers, clients, 201, plan),
        "p95 < 200 ms",
    )


def bench_signed_in(clients: int, rounds: int) -> dict[str, Any]:
    """The server's cost of a request that does nothing but check the sign-in."""

    def plan(_nid: str, parties: list[loadgen.Client]) -> None:
        for c in parties:
            c.requests = [loadgen.request("127.0.0.1", c, "/api/auth/me")] * rounds

    return _row(
        f"floor: {clients} parties each asking who they are (GET /api/auth/me), "
        "1 process, requests",
        "sqlite",
        _on_server(None, 1, clients, 200, plan),
        "-",
    )


def bench_floor(clients: int, rounds: int) -> dict[str, Any]:
    """The same bodies and load against a bare FastAPI endpoint (``web_floor_app.py``)."""
    from loopback_support import wait_until_answering
    from webtest_support import _free_port

    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "web_floor_app.py"), str(port)])
    try:
        wait_until_answering(proc, f"http://127.0.0.1:{port}/csrf")
        parties = [loadgen.Client({}, "-") for _ in range(clients)]
        for i, c in enumerate(parties):
            c.requests = _write_requests(c, i, "/write", rounds)
        measured = _measure(proc.pid, port, parties, 201)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return _row(
        f"floor: the same {clients} clients and bodies against a bare FastAPI endpoint, "
        "1 process, writes",
        "-",
        measured,
        "-",
    )


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows of the web benchmark (see the module docstring)."""
    rows = [
        bench_analysis(5 if quick else 40, cold=False),
        bench_analysis(3 if quick else 20, cold=True),
    ]
    clients, rounds = (10, 2) if quick else (50, 4)
    rows.append(bench_floor(clients, 10 * rounds))
    rows.append(bench_signed_in(clients, 10 * rounds))
    for workers in (1, 2):
        rows.append(bench_submissions(None, "sqlite", clients, rounds, workers))
    for rate in (20,) if quick else (25, 50, 75, 100):
        rows.append(bench_submissions(None, "sqlite", clients, 2 * rounds, 1, rate=rate))
    if not quick:
        from webtest_support import PostgresCluster, start_postgres

        cluster = start_postgres()
        if isinstance(cluster, PostgresCluster):
            try:
                for workers in (1, 2):
                    url = cluster.new_database()
                    rows.append(bench_submissions(url, "postgresql", clients, rounds, workers))
            finally:
                cluster.stop()
    return rows
