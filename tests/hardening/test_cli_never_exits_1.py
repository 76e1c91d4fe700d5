"""No bad input makes a command exit 1: mutated inputs of every kind through the real CLI.

Exit 1 means "internal error" (a bug). Every mutated input must end with 0 (it is still
valid) or 2 with only ``error: …`` lines on stderr, never a traceback.
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from _seed_inputs import GENIUS_DOMAIN, GENIUS_PROFILE, SEEDS, Seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_readers import MUTATION, budget, mutate
from typer.testing import CliRunner

from peacetable.cli import app

runner = CliRunner()
ERROR_LINE = re.compile(r"^error: \S.*$")


def run_cli(seed: Seed, data: bytes) -> tuple[int, str]:
    """Run *seed*'s command on *data*; return the exit code and stderr."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / seed.name
        path.write_bytes(data)
        if seed.kind.startswith("genius_"):  # convert reads the domain and profile together
            other = "prof.xml" if seed.kind == "genius_domain" else "dom.xml"
            (root / other).write_text(
                GENIUS_PROFILE if seed.kind == "genius_domain" else GENIUS_DOMAIN
            )
            target = str(root)
        else:
            target = str(path)
        argv = [*seed.command, target]
        if seed.command[0] == "convert":
            argv += ["-o", str(root / "out" / "s.yaml")]
            (root / "out").mkdir()
        with budget(trace_memory=False):  # memory is checked by the reader fuzz test
            result = runner.invoke(app, argv)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize("seed", SEEDS, ids=[s.kind for s in SEEDS])
@settings(
    max_examples=8,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_bad_input_never_exits_1(seed: Seed, mutations: list[tuple[str, int, object]]) -> None:
    code, stderr = run_cli(seed, mutate(seed.text, mutations))
    assert code in (0, 2), stderr
    if code == 2:
        lines = stderr.splitlines()
        assert lines and all(ERROR_LINE.match(line) for line in lines), lines


@pytest.mark.parametrize("seed", SEEDS, ids=[s.kind for s in SEEDS])
def test_valid_inputs_succeed(seed: Seed) -> None:
    code, stderr = run_cli(seed, seed.text.encode("utf-8"))
    assert code == 0, stderr
