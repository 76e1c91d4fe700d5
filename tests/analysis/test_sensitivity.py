"""Variance-based sensitivity of a package's acceptance to each estimate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_robustness import random_scenario

from peacetable.analysis.robustness import acceptability, sensitivity
from peacetable.analysis.sensitivity import N_BINS
from peacetable.core import prepare
from peacetable.io import load_scenario, scenario_from_data, scenario_to_data

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def test_the_deciding_estimate_comes_first() -> None:
    """A accepts {x: mid, y: no} (utility 2/3·0.5 + 1/3·1 = 2/3) iff its no-deal is below it."""
    data = scenario_to_data(load_scenario(MINI))
    data["parties"][0]["no_deal"] = {"utility": 0.66, "range": [0.5, 0.8]}
    data["parties"][1]["no_deal"] = {"utility": 0.0, "range": [0.0, 0.05]}
    s = scenario_from_data(data)
    r = sensitivity(s, {"x": "mid", "y": "no"}, n_samples=20_000, seed=2)
    top = r.most_important
    assert top is not None and top.parameter.name == "A.no_deal"
    assert top.p_low == 1.0 and top.p_high == 0.0
    assert top.index > 0.5
    # B's estimates cannot matter (B always accepts): their indices are sampling noise
    for inf in r.influences:
        if inf.parameter.party == "B":
            assert inf.index < 4 * r.noise_floor


def test_indices_match_a_direct_computation() -> None:
    s = random_scenario(4)
    n = 6000
    res = acceptability(s, n_samples=n, seed=9)
    sens = res.sensitivity["prop"]
    model = prepare(s).sampling
    theta = model.draw(0, n, 9)
    st = model.tables(theta)

    x = prepare(s).encode(s.proposals[0].package)
    y = model.accepts(st, x)[0].all(axis=0).astype(float)
    assert y.sum() == res.packages[0].all_count
    p = y.mean()
    for inf in sens.influences[:5]:
        k = [q.name for q in model.parameters].index(inf.parameter.name)
        lo, hi = inf.parameter.low, inf.parameter.high
        bins = np.minimum(((theta[k] - lo) / (hi - lo) * N_BINS).astype(int), N_BINS - 1)
        s_k = sum((bins == b).sum() * (y[bins == b].mean() - p) ** 2 for b in range(N_BINS)) / (
            n * p * (1 - p)
        )
        assert inf.index == pytest.approx(s_k, abs=0.02)
    assert sens.noise_floor == pytest.approx((N_BINS - 1) / n)
    d = sens.to_dict(top=3)
    assert len(d["influences"]) == 3 and d["provenance"]["exact"] is False
