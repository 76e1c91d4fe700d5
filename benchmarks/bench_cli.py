"""Command start-up and the main job: ``peacetable --help``, ``scenarios list``, ``analyze``.

Each command runs in a fresh Python process (``sys.executable -c`` calling the
console script's entry point, so no shim is timed); wall and CPU seconds of the
child, medians of several runs with min-max as the noise. Targets (issue "One
core for every lens"): ``--help`` and ``scenarios list`` under 0.5 s.

Set ``PEACETABLE_BASE_SRC`` to another tree's ``src`` folder (e.g. an earlier
commit checked out with ``git worktree add``) to time it in the same run,
alternating with this one; its rows are labelled ``base``. ``analyze`` is timed
on the embedded scenario, and on ``PEACETABLE_BENCH_SCENARIO`` when set (a file
both trees can read, for a like-for-like comparison).

The start-up rows also time a *floor*: a bare typer app with the same two
commands (``scenarios list`` with one ``--json`` flag, printing a one-row rich
table; plain help), i.e. what Python, typer, pydantic (which typer 0.29 uses to
coerce every option) and rich cost before any of our code runs.

Each tree's bytecode is compiled first (``compileall``), as an installed copy
has it: with ``PYTHONDONTWRITEBYTECODE`` set (as on the CI image) an editable
install would otherwise recompile every module on every start.

Run with ``python benchmarks/run.py cli`` (start-up 11 runs and ``analyze`` 5
runs per tree; ``--quick``: 3 and 2).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ENTRY = 'import sys; sys.argv[0] = "peacetable"; from peacetable.cli import main; sys.exit(main())'
FLOOR = """
from typing import Annotated
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None)
sub = typer.Typer(no_args_is_help=True, add_completion=False)
app.add_typer(sub, name="scenarios", help="List scenarios.")
@sub.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    from rich.console import Console
    from rich.table import Table
    table = Table(title="Embedded scenarios")
    for key in ("id", "title", "parties", "issues", "proposals"):
        table.add_column(key)
    table.add_row("ukraine-2022", "A scenario", "6", "10", "2")
    Console().print(table)
app(prog_name="peacetable")
"""


def _once(src: str | None, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of *args* on tree *src* (``None``: the floor app)."""
    env = dict(os.environ, PYTHONPATH=src or "")
    code = FLOOR if src is None else ENTRY
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, cwd=HERE.parent
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed in {src}: {done.stderr.decode()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows (see the module docstring)."""
    trees: dict[str, str | None] = {"this": str(HERE.parent / "src")}
    if os.environ.get("PEACETABLE_BASE_SRC"):
        trees["base"] = os.environ["PEACETABLE_BASE_SRC"]
    code_trees = tuple(trees)
    trees["floor (bare typer app)"] = None
    cases: list[tuple[str, list[str], float | None, tuple[str, ...]]] = [
        ("--help", ["--help"], 0.5, tuple(trees)),
        ("scenarios list", ["scenarios", "list"], 0.5, tuple(trees)),
        ("analyze (embedded scenario)", ["analyze", "--json"], None, ("this",)),
    ]
    if os.environ.get("PEACETABLE_BENCH_SCENARIO"):
        path = os.environ["PEACETABLE_BENCH_SCENARIO"]
        cases.append((f"analyze {Path(path).name}", ["analyze", path, "--json"], None, code_trees))
    for src in (t for t in trees.values() if t is not None):
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", src], check=True, stdout=subprocess.DEVNULL
        )
    rows = []
    for name, args, target, which in cases:
        startup = target is not None
        runs = (3 if quick else 11) if startup else (2 if quick else 5)
        times: dict[str, tuple[list[float], list[float]]] = {t: ([], []) for t in which}
        for _ in range(runs):
            for tree in which:  # alternating, so both see the same load
                wall, cpu = _once(trees[tree], args)
                times[tree][0].append(wall)
                times[tree][1].append(cpu)
        for tree in which:
            src = trees[tree]
            wall_s, cpu_s = times[tree]
            med = statistics.median(wall_s)
            rows.append(
                {
                    "command": name,
                    "tree": tree,
                    "runs": runs,
                    "wall s (median)": f"{med:.2f}",
                    "min-max s": f"{min(wall_s):.2f}-{max(wall_s):.2f}",
                    "cpu s (median)": f"{statistics.median(cpu_s):.2f}",
                    "target s": "-" if target is None or src is None else f"< {target:g}",
                    "meets": "-"
                    if target is None or src is None
                    else ("yes" if med < target else "NO"),
                }
            )
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
