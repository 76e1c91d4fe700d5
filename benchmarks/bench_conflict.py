"""Benchmark of the conflict lens: full GMCR stability analysis on synthetic conflicts.

Each case runs in a fresh Python process (so peak memory is that case's alone):
the model is built (state enumeration and random ordinal preferences, seeded),
then :func:`peacetable.conflict.analyze` is timed, including the construction
of every move graph. Peak memory is the child's maximum resident set size.
The "SIM only" case measures the search for sanctions by several opponents
at once (GMCR+'s SIM with three or more decision makers).

Run ``python benchmarks/run.py conflict`` (``--quick`` for a smoke run), or this
file directly: ``python benchmarks/bench_conflict.py [--quick]``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

# (label, DMs, options, exclusive pairs, concepts, repeats)
CASES: list[tuple[str, int, int, int, tuple[str, ...], int]] = [
    ("2 DMs x 10 options", 2, 10, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("2 DMs x 11 options", 2, 11, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("2 DMs x 12 options", 2, 12, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("2 DMs x 13 options", 2, 13, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("3 DMs x 12 options", 3, 12, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("4 DMs x 12 options", 4, 12, 0, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("4 DMs x 16 options, pairwise exclusion", 4, 16, 8, ("nash", "gmr", "smr", "seq", "sim"), 5),
    ("5 DMs x 15 options", 5, 15, 0, ("sim",), 3),
    ("6 DMs x 20 options, 7 exclusive pairs", 6, 20, 7, ("nash", "gmr", "seq"), 3),
    ("6 DMs x 20 options, 7 exclusive pairs", 6, 20, 7, ("nash", "gmr", "smr", "seq", "sim"), 3),
]
QUICK = {"2 DMs x 10 options", "3 DMs x 12 options", "4 DMs x 16 options, pairwise exclusion"}

_CHILD = r"""
import json, resource, sys, time
import numpy as np
from peacetable.conflict import analyze, build_model

n_dms, n_opts, n_pairs, concepts, seed = json.loads(sys.argv[1])
rng = np.random.default_rng(seed)
owners = [k % n_dms for k in range(n_opts)]
# one irreversible option per DM (forward only), the rest reversible
first = {}
dirs = []
for k, d in enumerate(owners):
    dirs.append("fwd" if d not in first else "both")
    first.setdefault(d, k)
options = [(f"o{k}", f"DM{owners[k]}", dirs[k]) for k in range(n_opts)]
pairs = [[2 * p, 2 * p + 1] for p in range(n_pairs)]
t0 = time.perf_counter()
from peacetable.conflict import enumerate_states
codes = enumerate_states(n_opts, exclusive=pairs)
payoffs = {f"DM{i}": rng.integers(1, len(codes) // 4 + 2, len(codes)) for i in range(n_dms)}
model = build_model("bench", options, payoffs, decision_makers=[f"DM{i}" for i in range(n_dms)], states=codes)
t1 = time.perf_counter()
result = analyze(model, concepts)
t2 = time.perf_counter()
eq = {c: int(result.equilibria_mask(c).sum()) for c in concepts}
print(json.dumps({"states": model.n_states, "build_s": t1 - t0, "analyze_s": t2 - t1,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "equilibria": eq}))
"""


def _run_case(
    n_dms: int, n_opts: int, n_pairs: int, concepts: tuple[str, ...], seed: int
) -> dict[str, Any]:
    arg = json.dumps([n_dms, n_opts, n_pairs, list(concepts), seed])
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, arg], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """One row per case: sizes, median analysis time over repeats, peak memory."""
    rows = []
    for label, n_dms, n_opts, n_pairs, concepts, repeats in CASES:
        if quick and label not in QUICK:
            continue
        runs = [
            _run_case(n_dms, n_opts, n_pairs, concepts, seed)
            for seed in range(1 if quick else repeats)
        ]
        times = [r["analyze_s"] for r in runs]
        rows.append(
            {
                "case": label,
                "states": runs[0]["states"],
                "concepts": " ".join(c.upper() if c != "nash" else "R" for c in concepts),
                "runs": len(runs),
                "analyze s (median)": f"{statistics.median(times):.2f}",
                "min-max s": f"{min(times):.2f}-{max(times):.2f}",
                "model build s": f"{statistics.median(r['build_s'] for r in runs):.2f}",
                "peak MB": f"{max(r['peak_mb'] for r in runs):.0f}",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
