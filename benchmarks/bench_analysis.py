"""Agreement-space benchmark: exact frontier, all bargaining solutions and ZOPA.

Random linear-additive scenarios (weights ~ Dirichlet(1), option values ~
U(0, 1), no-deal utility 0.5 for every party), 2/3/4 parties, n issues x 10
options from 1e3 to 1e12 outcomes. Each cell runs in a fresh subprocess;
times are CPU seconds (``time.process_time``; the engines are single-threaded,
so this is robust to other load on a shared machine), medians over repeats
with min-max as the noise; peak memory per task is traced with
``tracemalloc`` (frontier / five solutions / ZOPA). "5 by MILP" times the same
five solutions forced through the HiGHS route (``method="milp"``).

NegMAS 0.16 (``negmas.preferences.ops.pareto_frontier`` + ``nash_points``,
optional ``[bench]`` extra, AGPL: only ever imported here, in the child
process) is timed on the same scenarios up to 1e6 outcomes, where it
enumerates every outcome; its frontier is checked against ours.

Usage: ``python benchmarks/run.py analysis`` (or ``--quick``), or
``python benchmarks/bench_analysis.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_S = 600
NEGMAS_MAX_OUTCOMES = 10**6


def _tables(p: int, n: int, k: int, seed: int) -> list[Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(n), size=p).T  # (n, p)
    return [rng.random((k, p)) * w[i] for i in range(n)]


def _child_ours(p: int, n: int, k: int, repeats: int) -> dict[str, Any]:
    import numpy as np

    from peacetable.analysis import AgreementSpace, pareto_frontier, solve_all, zopa

    tables = _tables(p, n, k, seed=p * 1000 + n)
    space = AgreementSpace.from_arrays(tables, np.full(p, 0.5))
    pareto_frontier(AgreementSpace.from_arrays(_tables(p, 3, 3, 0), np.zeros(p)))  # warm-up
    t_front, t_sol, t_zopa, t_milp = [], [], [], []
    size = 0
    methods: set[str] = set()
    zmethod = ""
    for _ in range(repeats):
        t0 = time.process_time()
        size = pareto_frontier(space).size
        t_front.append(time.process_time() - t0)
        t0 = time.process_time()
        sols = solve_all(space)
        t_sol.append(time.process_time() - t0)
        methods = {s.method for s in sols.values()}
        t0 = time.process_time()
        solve_all(space, method="milp")
        t_milp.append(time.process_time() - t0)
        t0 = time.process_time()
        zmethod = zopa(space, seed=0).method
        t_zopa.append(time.process_time() - t0)
    # peak memory of each task, traced (NumPy reports its buffers to tracemalloc)
    peaks = []
    for task in (
        lambda: pareto_frontier(space),
        lambda: solve_all(space),
        lambda: zopa(space, seed=0),
    ):
        tracemalloc.start()
        task()
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    acc = pareto_frontier(space, acceptable_only=True)
    nash = solve_all(space, names=("nash",))["nash"].utilities
    return {
        "frontier": t_front,
        "solutions": t_sol,
        "zopa": t_zopa,
        "milp": t_milp,
        "size": size,
        "methods": sorted(methods),
        "zopa_method": zmethod,
        "peaks_mb": peaks,
        "acceptable": acc.points.tolist() if n * k <= 60 else [],
        "acceptable_size": acc.size,
        "nash": list(nash) if nash else None,
    }


def _child_negmas(p: int, n: int, k: int, repeats: int) -> dict[str, Any]:
    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import nash_points, pareto_frontier
    from negmas.preferences.value_fun import TableFun

    tables = _tables(p, n, k, seed=p * 1000 + n)
    issues = [make_issue(values=k, name=f"i{i}") for i in range(n)]
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[TableFun({o: float(tables[i][o, q]) for o in range(k)}) for i in range(n)],
            weights=[1.0] * n,
            issues=issues,
            reserved_value=0.5,
        )
        for q in range(p)
    ]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    wall, cpu = [], []
    front: Any = ()
    nash: Any = ()
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        front, _ = pareto_frontier(ufuns, issues=issues)
        nash = nash_points(ufuns, front, issues=issues)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "wall": wall,
        "cpu": cpu,
        "size": len(front),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0 - base,
        "points": [list(map(float, x)) for x in front] if n * k <= 60 else [],
        "nash": [float(v) for v in nash[0][0]] if nash else None,
    }


def _spawn(engine: str, p: int, n: int, k: int, repeats: int) -> dict[str, Any] | str:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", engine, str(p), str(n), str(k)]
    cmd.append(str(repeats))
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return f"timeout (>{TIMEOUT_S} s)"
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in out.stderr or out.returncode in (-9, 137):
            return "out of memory"
        return f"failed: {last[:60]}"
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _negmas_available() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import negmas"], capture_output=True, check=False, timeout=120
    )
    return probe.returncode == 0


def _fmt(ts: list[float]) -> tuple[str, str]:
    med = statistics.median(ts)
    return f"{med:.4f}", f"{min(ts):.4f}-{max(ts):.4f}"


def _agree(a: list[list[float]], b: list[list[float]]) -> str:
    """Same point sets up to 1e-9 (our utilities sit on a 2**-40 grid)?"""
    import numpy as np

    if not a or not b:
        return "-"
    x, y = np.array(a), np.array(b)
    if x.shape != y.shape:
        return "NO"
    x, y = x[np.lexsort(x.T[::-1])], y[np.lexsort(y.T[::-1])]
    return "yes" if np.allclose(x, y, rtol=0, atol=1e-9) else "NO"


def _same(neg: dict[str, Any], ours: dict[str, Any]) -> str:
    """NegMAS's frontier is the acceptable one (it drops outcomes below reserved values)."""
    ok = (
        neg["size"] == ours["acceptable_size"] and _agree(neg["points"], ours["acceptable"]) != "NO"
    )
    if (neg["nash"] is None) != (ours["nash"] is None):
        ok = False
    elif neg["nash"] is not None:
        ok = ok and max(abs(a - b) for a, b in zip(neg["nash"], ours["nash"], strict=True)) < 1e-9
    return "yes" if ok else "NO"


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Run the benchmark and return one row per (parties, size)."""
    sizes = (
        [(3, 10), (4, 10)] if quick else [(3, 10), (4, 10), (6, 10), (8, 10), (10, 10), (12, 10)]
    )
    parties = [2, 3] if quick else [2, 3, 4]
    have_negmas = _negmas_available()
    rows: list[dict[str, Any]] = []
    for p in parties:
        for n, k in sizes:
            outcomes = k**n
            repeats = 5 if outcomes <= 10**8 else 3
            ours = _spawn("ours", p, n, k, repeats)
            row: dict[str, Any] = {
                "parties": p,
                "n x k": f"{n}x{k}",
                "size": f"1e{n}",
            }
            if isinstance(ours, str):
                ours_cells = [ours, "-", "-", "-", "-", "-"]
            else:
                f_med, f_noise = _fmt(ours["frontier"])
                ours_cells = [
                    str(ours["size"]),
                    f"{f_med} ({f_noise})",
                    f"{_fmt(ours['solutions'])[0]} ({'/'.join(ours['methods'])})",
                    _fmt(ours["milp"])[0],
                    f"{_fmt(ours['zopa'])[0]} ({ours['zopa_method']})",
                    "/".join(f"{m:.2f}" for m in ours["peaks_mb"]),
                ]
            keys = [
                "front size",
                "front CPU s (min-max)",
                "5 solutions CPU s",
                "5 by MILP CPU s",
                "ZOPA CPU s",
                "peak MB",
            ]
            row.update(dict(zip(keys, ours_cells, strict=False)))
            neg_cells = ["-", "-", "-"]
            if not have_negmas:
                neg_cells[0] = "n/a (negmas not installed)"
            elif outcomes > NEGMAS_MAX_OUTCOMES:
                neg_cells[0] = "n/a (enumerates every outcome)"
            else:
                neg = _spawn("negmas", p, n, k, 3)
                if isinstance(neg, str):
                    neg_cells[0] = neg
                else:
                    cpu = statistics.median(neg["cpu"])
                    neg_cells[0] = f"{cpu:.3f} ({min(neg['cpu']):.3f}-{max(neg['cpu']):.3f})"
                    if not isinstance(ours, str):
                        mine = statistics.median(ours["frontier"]) + statistics.median(
                            ours["solutions"]
                        )
                        neg_cells[1] = f"{cpu / mine:.0f}x"
                        neg_cells[2] = _same(neg, ours)
            row.update(
                dict(
                    zip(
                        ["NegMAS CPU s", "speed-up", "same"],
                        neg_cells,
                        strict=True,
                    )
                )
            )
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def _main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        engine, p, n, k, repeats = sys.argv[2], *map(int, sys.argv[3:7])
        fn = _child_ours if engine == "ours" else _child_negmas
        print(json.dumps(fn(p, n, k, repeats)))
        return
    quick = "--quick" in sys.argv
    for row in run(quick=quick):
        print(json.dumps(row))


if __name__ == "__main__":
    _main()
