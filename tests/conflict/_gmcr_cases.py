"""Shared fixtures of the conflict tests: the GMCR verification cases and random small models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st

from peacetable.conflict import Condition, ConflictModel, build_model

CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gmcr-cases"

# The transcriptions in the .expected.json files leave out GMCR+'s misperceptions.
# SI_misp (the SyriaIraq model with misperceptions, shipped as an example with
# gmcr-py) declares that Syria does not perceive the states YN- and Iraq not NN-.
MISPERCEPTIONS = {"SI_misp": {"Syria": ["YN-"], "Iraq": ["NN-"]}}


def case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.expected.json")) if CASES.is_dir() else []


def load_case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def cases_dir() -> Path:
    if not CASES.is_dir():
        pytest.skip("../shared/data/gmcr-cases is not available")
    return CASES


@st.composite
def small_models(draw: st.DrawFn, max_options: int = 6, max_dms: int = 4) -> ConflictModel:
    """Random conflicts: 2-4 DMs, up to 6 options, irreversible options, infeasible states, ties."""
    n_dms = draw(st.integers(2, max_dms))
    n_opts = draw(st.integers(n_dms, max_options))
    owners = list(range(n_dms)) + [draw(st.integers(0, n_dms - 1)) for _ in range(n_opts - n_dms)]
    owners = draw(st.permutations(owners))
    dirs = [draw(st.sampled_from(["both", "both", "fwd", "back"])) for _ in range(n_opts)]
    options = [(f"o{k}", f"D{owners[k]}", dirs[k]) for k in range(n_opts)]
    n_inf = draw(st.integers(0, 2))
    infeasible = []
    for _ in range(n_inf):
        ks = draw(st.lists(st.integers(0, n_opts - 1), min_size=2, max_size=3, unique=True))
        infeasible.append(Condition.from_pairs((k, draw(st.booleans())) for k in ks))
    from peacetable.conflict import enumerate_states

    codes = enumerate_states(n_opts, infeasible)
    if len(codes) < 2:
        codes = np.arange(1 << n_opts, dtype=np.int64)
    payoffs = {
        f"D{i}": draw(st.lists(st.integers(1, 5), min_size=len(codes), max_size=len(codes)))
        for i in range(n_dms)
    }
    return build_model(
        "random", options, payoffs, decision_makers=[f"D{i}" for i in range(n_dms)], states=codes
    )
