"""Compromise, weighted median and Nash baselines: published/reference numbers and properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.errors import AnalysisError
from peacetable.forecast.baselines import (
    compromise,
    nash_bargaining,
    weighted_median,
    weighted_median_positions,
)
from peacetable.forecast.data import problem_from_arrays
from peacetable.forecast.readers import load_problem


@pytest.mark.external
def test_emission_round0_mean_exact(cases: Path) -> None:
    # both BDM replications print 7.389955686853767 as the round-0 mean
    for name in ("emission_actors.csv", "emission_actors_salience01.csv"):
        p = load_problem(cases / "bdm1994_emission_standards" / name)
        assert float(compromise(p).forecast[0]) == 7.389955686853767
        assert float(weighted_median(p).forecast[0]) == 7.0
        assert float(compromise(p, "equal").forecast[0]) == pytest.approx(6.7)


@pytest.mark.external
def test_sultan_and_soe_baselines(cases: Path) -> None:
    oil = load_problem(cases / "bdm_sultan_oil" / "sultan_oil_actors.csv")
    assert float(compromise(oil).forecast[0]) == pytest.approx(13.6199, abs=5e-5)
    assert float(weighted_median(oil).forecast[0]) == pytest.approx(13.9)
    soe = load_problem(cases / "ktab_smp" / "SOE-Policy-1d.csv")
    assert float(compromise(soe).forecast[0]) == pytest.approx(35.01, abs=5e-3)
    assert float(weighted_median(soe).forecast[0]) == 30.0


@pytest.mark.external
def test_deu_baselines_match_readme(cases: Path) -> None:
    deu = load_problem(cases / "deu3" / "deu3_blksv.tsv")
    out = deu.outcomes
    ok = ~np.isnan(out)

    def mae(f: np.ndarray) -> float:
        return float(np.mean(np.abs(f - out)[ok]))

    assert mae(compromise(deu, "salience").forecast) == pytest.approx(23.68, abs=5e-3)
    assert mae(compromise(deu).forecast) == pytest.approx(23.22, abs=5e-3)
    assert mae(weighted_median(deu, "salience").forecast) == pytest.approx(28.36, abs=5e-3)
    assert mae(weighted_median(deu).forecast) == pytest.approx(27.58, abs=5e-3)
    assert mae(compromise(deu, "equal").forecast) == pytest.approx(23.71, abs=5e-3)


def test_nash_is_the_maximiser_of_the_weighted_log_product() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, size=(7, 4))
    s = rng.uniform(0.1, 1, size=(7, 4))
    c = rng.uniform(0.1, 1, size=7)
    p = problem_from_arrays([f"a{i}" for i in range(7)], x, s, c,
                            scales={f"issue{k + 1}": (0, 100) for k in range(4)})  # fmt: skip
    res = nash_bargaining(p)
    grid = np.linspace(0, 100, 100001)
    for k in range(4):
        w = s[:, k] * c
        u = 1 - np.abs(grid[:, None] - x[None, :, k]) / 100
        obj = (w * np.log(np.maximum(u, 1e-300))).sum(axis=1)
        assert float(res.forecast[k]) == pytest.approx(grid[np.argmax(obj)], abs=2e-3)


def test_unknown_weighting() -> None:
    p = problem_from_arrays(["a", "b"], [0, 1], [1, 1], [1, 1])
    with pytest.raises(AnalysisError, match="unknown weighting"):
        compromise(p, "votes")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.floats(0.01, 1.0), st.floats(0.01, 1.0)),
        min_size=2,
        max_size=9,
    )
)
def test_weighted_median_is_a_condorcet_winner(rows: list[tuple[int, float, float]]) -> None:
    x = np.array([[float(r[0])] for r in rows])
    w = np.array([[r[1] * r[2]] for r in rows])
    med = float(weighted_median_positions(x, w)[0])
    # no other position is preferred by a strict weighted majority
    for other in {float(r[0]) for r in rows}:
        closer = w[np.abs(x - other) < np.abs(x - med)].sum()
        farther = w[np.abs(x - other) > np.abs(x - med)].sum()
        assert closer <= farther + 1e-9
    mean = float(compromise(problem_from_arrays(
        [str(i) for i in range(len(rows))], x, [r[1] for r in rows], [r[2] for r in rows],
        scales={"issue1": (0, 21)})).forecast[0])  # fmt: skip
    assert x.min() - 1e-9 <= mean <= x.max() + 1e-9
