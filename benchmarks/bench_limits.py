"""Large problems within bounds: the 50-party, 30-issue, 10-option scenario (bad input D18).

Each command runs in a fresh ``python -m peacetable … --json`` process, as a user would run
it, with its default time limit (30 s per command, 60 s shared by ``analyze``); the figure is
the wall-clock time of the whole process (loading the 420 KB scenario included), the median
of several runs with min–max as the noise, and the process's peak resident memory. "answer"
says how each command answered: exact, approximate (cut short by a limit, with the bound in
its JSON), or a refusal with the frontier's growth. For ``analyze`` the seconds each lens took
(``provenance.seconds``) are listed too.

Target (issue 13): ``analyze`` on this scenario within 60 s with every answer labelled exact or
approximate; ``frontier``, ``solve``, ``zopa``, ``ripeness``, ``robustness`` and ``improve``
each finish (answer or clear refusal) within their limit.

The scenario is read from ``../shared/data/bad-inputs``; without it every row says so.
Run with ``python benchmarks/run.py limits`` (``--quick``: one run, 10 s limits).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[0].parent / "shared" / "data" / "bad-inputs"
D18 = DATA / "D18_50parties_30issues_10options.yaml"
SRC = HERE.parent / "src"

COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("frontier", ("frontier",)),
    ("solve", ("solve",)),
    ("zopa", ("zopa",)),
    ("ripeness", ("ripeness",)),
    ("robustness", ("robustness",)),
    ("improve pr0", ("improve", "pr0", "-s")),
    ("analyze", ("analyze",)),
)


def _run_measured(argv: list[str]) -> tuple[float, float, int, str, str]:
    """Wall seconds, the child's own peak RSS (MiB, from ``os.wait4``), exit code, stdout and
    stderr of one ``python -m peacetable`` process."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "peacetable", *argv], stdout=out_f, stderr=err_f, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    return wall, usage.ru_maxrss / 1024.0, proc.returncode, out, err


def _answer(name: str, code: int, out: str, err: str) -> tuple[str, str]:
    """How the command answered, and (for analyze) the seconds per lens."""
    if code != 0:
        line = err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
        refused = "refused: " + line.split(": ", 2)[-1][:110]
        return (refused if code == 2 else f"FAILED (exit {code}): {line[:100]}"), ""
    data: dict[str, Any] = json.loads(out)
    if name == "analyze":
        answers = data["answers"]
        kinds = {"exact": 0, "approximate": 0, "not applicable": 0}
        for value in answers.values():
            kinds[value.split(":")[0]] += 1
        label = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
        lenses = []
        for key in ("zopa", "solutions", "robustness", "robust_package", "ripeness", "forecast"):
            seconds = (data.get(key) or {}).get("provenance", {}).get("seconds")
            if seconds is not None:
                lenses.append(f"{key} {seconds:.1f}")
        return label, "; ".join(lenses)
    provenances = _provenances(data)
    exact = all(p.get("exact", True) for p in provenances)
    return ("exact" if exact else "approximate (bound in the JSON)"), ""


def _provenances(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(data, dict):
        if "provenance" in data and isinstance(data["provenance"], dict):
            found.append(data["provenance"])
        for value in data.values():
            found.extend(_provenances(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_provenances(value))
    return found


def run(quick: bool = False) -> list[dict[str, Any]]:
    """One row per command on the 50 × 30 × 10 scenario."""
    runs = 1 if quick else 3
    rows: list[dict[str, Any]] = []
    for name, argv in COMMANDS:
        if not D18.is_file():
            rows.append({"command": name, "wall s (median)": "data not found: " + str(D18)})
            continue
        limit = ["--time-limit", "10"] if quick else []
        walls, peaks = [], []
        answer, lenses = "", ""
        for _ in range(runs):
            wall, peak, code, out, err = _run_measured([*argv, str(D18), "--json", *limit])
            walls.append(wall)
            peaks.append(peak)
            answer, lenses = _answer(name, code, out, err)
        default = "60 (shared)" if name == "analyze" else "30"
        rows.append(
            {
                "command": name,
                "time limit s": "10" if quick else default,
                "runs": runs,
                "wall s (median)": f"{statistics.median(walls):.1f}",
                "min-max": f"{min(walls):.1f}-{max(walls):.1f}",
                "peak MiB": f"{max(peaks):.0f}",
                "answer": answer,
                "lens seconds (last run)": lenses,
            }
        )
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
