"""Uncertainty and ripeness on the seed scenario (``ukraine-2022``).

Rows: the SMAA sweep for one proposal (target: 1e6 samples in under 5 s on
2 cores), locally and on a 2-worker Dask ``LocalCluster`` (cluster start-up
not timed), the sweep over every proposal and bargaining solution, the exact
robust-package search over the whole package space (target: 1e5 samples in
under 60 s), and the ripeness timeline. Each figure is the median of several
runs; ``min``/``max`` show the noise.

Run with ``python benchmarks/run.py uncertainty`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from peacetable.analysis.ripeness import ripeness
from peacetable.analysis.robust_search import robust_package
from peacetable.analysis.robustness import acceptability
from peacetable.core import prepare
from peacetable.scenarios import load_builtin


def _time(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def _row(
    case: str,
    size: str,
    runs: int,
    timing: tuple[float, float, float],
    samples: int,
    target: float | None,
) -> dict[str, Any]:
    med, lo, hi = timing
    return {
        "case": case,
        "size": size,
        "runs": runs,
        "median s": f"{med:.2f}",
        "min-max s": f"{lo:.2f}-{hi:.2f}",
        "samples/s": f"{samples / med:,.0f}",
        "target s": "-" if target is None else f"< {target:g}",
        "meets": "-" if target is None else ("yes" if med < target else "NO"),
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows (see the module docstring)."""
    scenario = load_builtin("ukraine-2022")
    n_packages = prepare(scenario).n_packages
    proposal = scenario.proposals[0]
    one = {proposal.id: proposal.package}
    runs = 2 if quick else 5
    n_one = 100_000 if quick else 1_000_000
    n_all = 20_000 if quick else 100_000
    n_search = 10_000 if quick else 100_000
    rows = []

    def sweep_one(client: Any = None) -> None:
        acceptability(
            scenario, one, include_proposals=False, n_samples=n_one, seed=1, client=client
        )

    rows.append(
        _row(
            f"SMAA sweep, one proposal ({proposal.id}), local",
            f"{n_one:,} samples",
            runs,
            _time(sweep_one, runs),
            n_one,
            None if quick else 5.0,
        )
    )
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is an optional extra
        LocalCluster = None
    if LocalCluster is not None:
        import dask

        from peacetable.cli._common import WORKER_ENVIRONMENT

        with (
            dask.config.set(WORKER_ENVIRONMENT),
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            sweep_one(client)  # warm the workers
            rows.append(
                _row(
                    "SMAA sweep, one proposal, Dask LocalCluster 2x1",
                    f"{n_one:,} samples",
                    runs,
                    _time(lambda: sweep_one(client), runs),
                    n_one,
                    None if quick else 5.0,
                )
            )
    rows.append(
        _row(
            f"SMAA sweep, {len(scenario.proposals)} proposals + sensitivity",
            f"{n_all:,} samples",
            runs,
            _time(lambda: acceptability(scenario, n_samples=n_all, seed=1), runs),
            n_all,
            None,
        )
    )
    search_runs = 2 if quick else 3
    rows.append(
        _row(
            "robust package, exact search of the whole space",
            f"{n_packages:,} packages x {n_search:,} samples",
            search_runs,
            _time(lambda: robust_package(scenario, n_samples=n_search, seed=1, top=1), search_runs),
            n_search,
            None if quick else 60.0,
        )
    )
    n_ripe = 500 if quick else 2_000
    rows.append(
        _row(
            "ripeness, 24 months (exact ZOPA per month and per world)",
            f"{n_ripe:,} samples",
            runs,
            _time(lambda: ripeness(scenario, horizon=24, n_samples=n_ripe, seed=1), runs),
            n_ripe,
            None,
        )
    )
    return rows


if __name__ == "__main__":
    for r in run(quick=True):
        print(r)
