"""Benchmark of the forecasting lens.

Cases:

* the equal-gain exchange model on 50 actors x 20 issues
  (``forecast-cases/synthetic/synth_50x20_seed42.tsv``), CPU seconds per
  iteration, against Decide's stated ~124 CPU-seconds per iteration on the same
  input (Decide is GPL and not installed here; the figure is the one given in
  the issue, not re-measured);
* the BDM expected utility model on all 364 DEU III issues x 30 actors, 10 rounds
  (target: under 10 s);
* the exchange model on DEU III (exchanges within each proposal), 10 rounds;
* ``forecast-eval`` on DEU III (all models, 2000 bootstrap resamples).

Every case is repeated; the table gives the median and the range (min-max) of
CPU time (``time.process_time``) and wall time.  Data come from
``<repo>/../shared/data/forecast-cases``; when it is absent the synthetic input
is regenerated from its recipe (seed 42) and the DEU cases are skipped.

Run ``python benchmarks/run.py forecast`` (``--quick`` for a smoke run) or this
file directly.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from peacetable.forecast import (
    ForecastProblem,
    evaluate,
    exchange_model,
    expected_utility_model,
    load_problem,
    problem_from_arrays,
)

CASES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "forecast-cases"
DECIDE_CPU_S_PER_ITERATION = 124.0


def _synthetic() -> ForecastProblem:
    path = CASES / "synthetic" / "synth_50x20_seed42.tsv"
    if path.is_file():
        return load_problem(path)
    rng = np.random.default_rng(42)  # the recipe of the stored file (values differ)
    pos = rng.integers(0, 21, size=(50, 20)) * 5.0
    sal = rng.uniform(0.1, 1.0, size=(50, 20))
    power = rng.uniform(0.05, 1.0, size=50)
    return problem_from_arrays(
        [f"A{i:02d}" for i in range(50)], pos, sal, power,
        issues=[f"I{k:02d}" for k in range(20)],
        scales={f"I{k:02d}": (0.0, 100.0) for k in range(20)},
    )  # fmt: skip


def _time(func: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    cpu: list[float] = []
    wall: list[float] = []
    out: Any = None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = func()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return cpu, wall, out


def _row(
    case: str,
    size: str,
    rounds: int,
    cpu: list[float],
    wall: list[float],
    per: float,
    target: str,
    verdict: str,
) -> dict[str, Any]:
    return {
        "case": case,
        "size": size,
        "rounds": rounds,
        "runs": len(cpu),
        "CPU s (median)": f"{statistics.median(cpu):.2f}",
        "CPU s (min-max)": f"{min(cpu):.2f}-{max(cpu):.2f}",
        "wall s (median)": f"{statistics.median(wall):.2f}",
        "CPU s / iteration": f"{per:.3f}",
        "target": target,
        "result": verdict,
    }  # fmt: skip


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Run the forecasting benchmarks; one dict per table row."""
    rows: list[dict[str, Any]] = []
    repeats = 2 if quick else 5
    synth = _synthetic()
    rounds = 1 if quick else 3
    cpu, wall, res = _time(lambda: exchange_model(synth, rounds, seed=0), repeats)
    per = statistics.median(cpu) / rounds
    again = exchange_model(synth, rounds, seed=0)
    same = bool(np.array_equal(res.trajectory, again.trajectory, equal_nan=True))
    speedup = DECIDE_CPU_S_PER_ITERATION / per
    rows.append(
        _row(
            "exchange (equal gain), synthetic", "50 x 20", rounds, cpu, wall, per,
            ">= 100x faster than Decide (124 CPU-s/iteration, stated)",
            f"{speedup:.0f}x faster; {sum(res.diagnostics['exchanges_per_round'])} exchanges; "
            f"same seed same result: {same}",
        )
    )  # fmt: skip
    deu_path = CASES / "deu3" / "deu3_blksv.tsv"
    if not deu_path.is_file():
        return rows
    deu = load_problem(deu_path)
    cpu, wall, _ = _time(
        lambda: expected_utility_model(deu, 10, record_events=False), 2 if quick else 5
    )
    rows.append(
        _row(
            "BDM (Scholz et al. 2011), DEU III", "30 x 364", 10, cpu, wall,
            statistics.median(cpu) / 10, "< 10 s for all issues",
            "met" if statistics.median(wall) < 10 else "NOT met",
        )
    )  # fmt: skip
    if quick:
        return rows
    cpu, wall, res = _time(lambda: exchange_model(deu, 10, seed=0), 3)
    rows.append(
        _row(
            "exchange, DEU III (within proposals)", "30 x 364", 10, cpu, wall,
            statistics.median(cpu) / 10, "-",
            f"{sum(res.diagnostics['exchanges_per_round'])} exchanges",
        )
    )  # fmt: skip
    cpu, wall, ev = _time(lambda: evaluate(deu), 3)
    rows.append(
        _row(
            "forecast-eval, DEU III (6 models + 2 fitted)", "30 x 364", 10, cpu, wall,
            statistics.median(cpu) / 10, "-",
            f"baseline MAE {ev.score('compromise_salience').mae:.2f}",
        )
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
