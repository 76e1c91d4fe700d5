"""Benchmark of the sequencing lens: CP-SAT schedules of the embedded plan and of a large random plan.

Cases:

* the embedded scenario's seven-point plan (``ukraine-2022``, 17 steps, 23 tranches),
  each objective solved to proven optimality (target: under 5 s);
* a random plan of 200 steps and 6 parties (seed 7, 298 tranches, 60 order rules,
  at most 16 phases): a safe schedule and its optimality gap within a fixed
  deterministic-time limit (target: under 60 s).

Every solve is deterministic (one worker, seed 0, a deterministic-time limit),
so the schedules are the same on every run; only the wall times vary.

Run ``python benchmarks/run.py sequence`` (``--quick`` for a smoke run), or this
file directly: ``python benchmarks/bench_sequence.py [--quick]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

import numpy as np

#: Deterministic-time limit of each solve of the large case (CP-SAT units).
LARGE_LIMIT = 3.0


def _row(
    label: str, objective: str, walls: list[float], schedule: Any, target: float
) -> dict[str, Any]:
    median = statistics.median(walls)
    spread = (max(walls) - min(walls)) / 2 if len(walls) > 1 else 0.0
    return {
        "case": label,
        "objective": objective,
        "status": schedule.status,
        "value": "—" if schedule.objective_value is None else f"{schedule.objective_value:g}",
        "bound": "—" if schedule.bound is None else f"{schedule.bound:g}",
        "gap": "—" if schedule.gap is None else f"{schedule.gap:.1%}",
        "median_s": round(median, 2),
        "noise_s": round(spread, 2),
        "runs": len(walls),
        "det_time": round(schedule.deterministic_time, 2),
        "target_s": target,
        "met": "yes" if median < target and schedule.found else "no",
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    """One row per case and objective: status, value, bound, gap, median wall time and its noise."""
    from peacetable.scenarios import load_builtin
    from peacetable.sequence.random_plans import random_plan
    from peacetable.sequence.scenario import no_deal_of, plan_from_scenario
    from peacetable.sequence.solver import OBJECTIVES, solve

    rows = []
    scenario = load_builtin("ukraine-2022")
    plan = plan_from_scenario(scenario)
    no_deal = no_deal_of(scenario)
    repeats = 1 if quick else 5
    label = f"ukraine-2022 seven-points ({len(plan.step_ids)} steps, {plan.n_units} tranches)"
    solve(plan, no_deal)  # warm-up: imports and OR-Tools initialisation are not timed
    for objective in OBJECTIVES:
        walls, schedule = [], None
        for _ in range(repeats):
            t0 = time.perf_counter()
            schedule = solve(plan, no_deal, objective=objective)  # type: ignore[arg-type]
            walls.append(time.perf_counter() - t0)
        rows.append(_row(label, objective, walls, schedule, 5.0))
    large = random_plan(
        200, 6, seed=7, max_tranches=2, n_rules=60, max_phases=16, acyclic=True, bound=(0.3, 0.5)
    )
    label = f"random 200 steps x 6 parties ({large.n_units} tranches, {len(large.rules)} rules)"
    objectives = ("phases",) if quick else OBJECTIVES
    for objective in objectives:
        walls, schedule = [], None
        for _ in range(1 if quick or objective != "phases" else 3):
            t0 = time.perf_counter()
            schedule = solve(
                large,
                np.full(6, 0.3),
                objective=objective,  # type: ignore[arg-type]
                deterministic_time=LARGE_LIMIT,
            )
            walls.append(time.perf_counter() - t0)
        rows.append(_row(label, objective, walls, schedule, 60.0))
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
