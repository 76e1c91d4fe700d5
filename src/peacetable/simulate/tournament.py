"""Tournaments: every strategy against every other, on every scenario, in every role.

A tournament runs, for each outcome space and each assignment of the given
strategies to its parties (all ordered assignments, so every strategy plays
every role against every other: role rotation; self-play optional),
``repetitions`` negotiations under stacked alternating offers, and ranks the
strategies by the mean advantage over no deal they obtained, with 95 %
confidence intervals (the ANAC ranking; Baarslag et al. 2013). Each
(space, assignment) cell is a batch of the batched engine; negotiation ids
are global, so the results are the same in a single process, in a local
process pool or on a Dask cluster, and for any chunking.

References
----------
.. [1] Baarslag, T., Fujita, K., Gerding, E. H., Hindriks, K., Ito, T.,
   Jennings, N. R., Jonker, C., Kraus, S., Lin, R., Robu, V. & Williams, C. R.
   (2013). Evaluating practical negotiating agents: results and analysis of
   the 2011 international competition. *Artificial Intelligence* 198, 73-103.
.. [2] Axelrod, R. (1984). *The Evolution of Cooperation*, ch. 2 (round-robin
   tournaments of strategies).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.errors import InputError
from peacetable.simulate.metrics import (
    Benchmarks,
    benchmarks_of,
    mean_interval,
    negotiation_metrics,
    proportion,
)
from peacetable.simulate.sao import run_sao
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import Strategy

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

__all__ = ["TournamentResult", "tournament"]

_FIELDS = ("agreement", "step", "utility", "advantage", "welfare", "pareto", "nash")


@dataclass(frozen=True)
class TournamentResult:
    """Results of a tournament.

    Attributes
    ----------
    strategies, scenarios:
        Names of the strategies and of the outcome spaces.
    n_steps, repetitions, seed, self_play:
        How it was run.
    n_negotiations:
        Total number of negotiations.
    ranking:
        Per strategy (best first): agreement rate, mean utility, advantage,
        welfare and distances with 95 % intervals, over every negotiation and
        role it played.
    cells:
        Per (scenario, assignment): agreement rate and mean advantage per role.
    backend:
        ``local``, ``processes`` or ``dask`` (does not change the results).
    timing:
        Wall time (kept apart from the deterministic fields).
    """

    strategies: tuple[str, ...]
    scenarios: tuple[str, ...]
    n_steps: int
    repetitions: int
    seed: int
    self_play: bool
    n_negotiations: int
    ranking: tuple[dict[str, Any], ...]
    cells: tuple[dict[str, Any], ...]
    backend: str
    timing: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (deterministic for a seed except ``timing`` and ``backend``)."""
        return {
            "method": {
                "protocol": "sao",
                "n_steps": self.n_steps,
                "self_play": self.self_play,
                "ranking_by": "mean advantage over no deal",
            },
            "seed": self.seed,
            "counts": {
                "negotiations": self.n_negotiations,
                "repetitions": self.repetitions,
                "strategies": len(self.strategies),
                "scenarios": len(self.scenarios),
                "cells": len(self.cells),
            },
            "strategies": list(self.strategies),
            "scenarios": list(self.scenarios),
            "ranking": list(self.ranking),
            "cells": list(self.cells),
            "timing": {**self.timing, "backend": self.backend},
        }


def _run_units(
    spaces: Sequence[tuple[OutcomeSpace, Benchmarks]],
    units: Sequence[tuple[int, int, tuple[Strategy, ...]]],
    n_steps: int,
    repetitions: int,
    seed: int,
) -> list[dict[str, FloatArray]]:
    """Run tournament cells (a task of a worker); one dict of arrays per cell."""
    out = []
    for unit_id, k, assignment in units:
        space, bench = spaces[k]
        res = run_sao(
            space, assignment, n_steps, n=repetitions, seed=seed, first_id=unit_id * repetitions
        )
        m = negotiation_metrics(space, bench, res.outcome, res.step, n_steps)
        out.append(
            {
                "agreement": m.agreement.astype(np.float64),
                "step": np.where(m.agreement, m.step, np.nan).astype(np.float64),
                "utility": m.utility,
                "advantage": m.advantage,
                "welfare": m.welfare,
                "pareto": m.pareto_distance,
                "nash": m.nash_distance,
            }
        )
    return out


def tournament(
    spaces: Sequence[OutcomeSpace],
    strategies: Sequence[Strategy],
    *,
    n_steps: int = 100,
    repetitions: int = 10,
    seed: int = 0,
    self_play: bool = True,
    workers: int = 1,
    client: Any = None,
    cells_per_task: int = 8,
    progress: Progress | None = None,
    benchmarks: Sequence[Benchmarks] | None = None,
) -> TournamentResult:
    """Run every strategy against every other on every space, in every role.

    Parameters
    ----------
    spaces:
        Outcome spaces (scenarios); each may have any number of parties.
    strategies:
        The competing strategies (distinct names).
    n_steps, repetitions, seed:
        Deadline, negotiations per cell, seed of the random streams.
    self_play:
        Also let a strategy negotiate with copies of itself.
    workers:
        Local processes (without *client*).
    client:
        A ``dask.distributed.Client``: cells run on its workers.
    cells_per_task:
        Cells per task sent to a worker.
    progress:
        ``progress(done, total)`` after each task.
    benchmarks:
        Precomputed frontier and Nash point per space.

    Returns
    -------
    TournamentResult

    Raises
    ------
    InputError
        No space or strategy, duplicate strategy names, bad numbers.

    Notes
    -----
    ``k**n`` cells per space of ``n`` parties for ``k`` strategies (fewer
    without self-play), each a batch of *repetitions* negotiations.

    Examples
    --------
    >>> from peacetable.simulate.space import random_space
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> r = tournament([random_space(2, 2, 5, seed=1)],
    ...                [parse_strategy("boulware"), parse_strategy("conceder")], n_steps=20)
    >>> r.n_negotiations, [row["strategy"] for row in r.ranking]
    (40, ['boulware', 'conceder'])
    """
    t0 = time.perf_counter()
    if not spaces or not strategies:
        raise InputError("a tournament needs at least one scenario and one strategy")
    names = [s.name for s in strategies]
    if len(set(names)) != len(names):
        raise InputError(f"strategies must be distinct, got {', '.join(names)}")
    if repetitions < 1 or n_steps < 1 or cells_per_task < 1:
        raise InputError("repetitions, steps and cells per task must be at least 1")
    benches = list(benchmarks) if benchmarks is not None else [benchmarks_of(s) for s in spaces]
    units: list[tuple[int, int, tuple[Strategy, ...]]] = []
    for k, space in enumerate(spaces):
        for combo in itertools.product(range(len(strategies)), repeat=space.n_parties):
            if not self_play and len(set(combo)) == 1:
                continue
            units.append((len(units), k, tuple(strategies[c] for c in combo)))
    if not units:
        raise InputError("no cell to run: with one strategy, allow self-play")
    tasks = [units[a : a + cells_per_task] for a in range(0, len(units), cells_per_task)]
    pairs = list(zip(spaces, benches, strict=True))
    results, backend = _execute(pairs, tasks, n_steps, repetitions, seed, workers, client, progress)
    return _aggregate(
        spaces, strategies, units, results, n_steps, repetitions, seed, self_play, backend, t0
    )


def _execute(
    pairs: list[tuple[OutcomeSpace, Benchmarks]],
    tasks: list[list[tuple[int, int, tuple[Strategy, ...]]]],
    n_steps: int,
    repetitions: int,
    seed: int,
    workers: int,
    client: Any,
    progress: Progress | None,
) -> tuple[list[dict[str, FloatArray]], str]:
    total = len(tasks)
    out: list[list[dict[str, FloatArray]]] = []
    if client is not None:
        from distributed import as_completed

        shared = client.scatter(pairs, broadcast=True, hash=False)
        futures = [
            client.submit(_run_units, shared, t, n_steps, repetitions, seed, pure=False)
            for t in tasks
        ]
        for done, _ in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
            if progress is not None:
                progress(done, total)
        out = list(client.gather(futures))
        backend = "dask"
    elif workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures import as_completed as done_futures

        with ProcessPoolExecutor(max_workers=workers) as pool:
            jobs = [pool.submit(_run_units, pairs, t, n_steps, repetitions, seed) for t in tasks]
            for done, _ in enumerate(done_futures(jobs), start=1):
                if progress is not None:
                    progress(done, total)
            out = [j.result() for j in jobs]
        backend = "processes"
    else:
        for done, t in enumerate(tasks, start=1):
            out.append(_run_units(pairs, t, n_steps, repetitions, seed))
            if progress is not None:
                progress(done, total)
        backend = "local"
    return [cell for task in out for cell in task], backend


def _aggregate(
    spaces: Sequence[OutcomeSpace],
    strategies: Sequence[Strategy],
    units: list[tuple[int, int, tuple[Strategy, ...]]],
    results: list[dict[str, FloatArray]],
    n_steps: int,
    repetitions: int,
    seed: int,
    self_play: bool,
    backend: str,
    t0: float,
) -> TournamentResult:
    """Per-strategy rankings and per-cell rows, in cell order (deterministic)."""
    per: dict[str, dict[str, list[FloatArray]]] = {
        s.name: {f: [] for f in _FIELDS} for s in strategies
    }
    cells = []
    for (_, k, assignment), r in zip(units, results, strict=True):
        for role, s in enumerate(assignment):
            bucket = per[s.name]
            bucket["agreement"].append(r["agreement"])
            bucket["step"].append(r["step"])
            bucket["utility"].append(r["utility"][:, role])
            bucket["advantage"].append(r["advantage"][:, role])
            bucket["welfare"].append(r["welfare"])
            bucket["pareto"].append(r["pareto"])
            bucket["nash"].append(r["nash"])
        cells.append(
            {
                "scenario": spaces[k].name,
                "assignment": {
                    p: s.name for p, s in zip(spaces[k].party_ids, assignment, strict=True)
                },
                "agreement": proportion(int(r["agreement"].sum()), repetitions),
                "advantage": {
                    p: mean_interval(r["advantage"][:, j])
                    for j, p in enumerate(spaces[k].party_ids)
                },
            }
        )
    ranking: list[dict[str, Any]] = []
    for s in strategies:
        b = {f: np.concatenate(v) for f, v in per[s.name].items()}
        ranking.append(
            {
                "strategy": s.name,
                "agreement": proportion(int(b["agreement"].sum()), int(b["agreement"].size)),
                "step": mean_interval(b["step"]),
                "utility": mean_interval(b["utility"]),
                "advantage": mean_interval(b["advantage"]),
                "welfare": mean_interval(b["welfare"]),
                "pareto_distance": mean_interval(b["pareto"]),
                "nash_distance": mean_interval(b["nash"]),
            }
        )
    ranking.sort(key=lambda row: (-(row["advantage"]["mean"] or 0.0), row["strategy"]))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank
    return TournamentResult(
        strategies=tuple(s.name for s in strategies),
        scenarios=tuple(s.name for s in spaces),
        n_steps=n_steps,
        repetitions=repetitions,
        seed=seed,
        self_play=self_play,
        n_negotiations=len(units) * repetitions,
        ranking=tuple(ranking),
        cells=tuple(cells),
        backend=backend,
        timing={"seconds": round(time.perf_counter() - t0, 6)},
    )
