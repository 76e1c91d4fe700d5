"""Run peacetable's benchmarks and print one table per lens.

Usage::

    python benchmarks/run.py                # every lens, full sizes
    python benchmarks/run.py conflict       # one lens
    python benchmarks/run.py --quick        # small sizes, a smoke run

Each ``benchmarks/bench_<lens>.py`` exposes ``run(quick: bool) -> list[dict]``;
each dict is one row of that lens's table (same keys in every row).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent


def _load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("lenses", nargs="*", help="which lenses (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    console = Console()
    console.print(
        f"peacetable benchmarks — {platform.node()} {platform.machine()}, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    files = sorted(HERE.glob("bench_*.py"))
    for path in files:
        lens = path.stem.removeprefix("bench_")
        if args.lenses and lens not in args.lenses:
            continue
        rows = _load(path).run(quick=args.quick)
        table = Table(title=lens)
        if rows:
            for key in rows[0]:
                table.add_column(str(key))
            for row in rows:
                table.add_row(*(str(v) for v in row.values()))
        console.print(table)


if __name__ == "__main__":
    main()
