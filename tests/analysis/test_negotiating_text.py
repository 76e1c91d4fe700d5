"""Single negotiating text and post-settlement settlements against brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _random_scenarios import brute, random_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis.negotiating_text import post_settlement, single_negotiating_text
from peacetable.core import prepare
from peacetable.errors import InputError
from peacetable.io import load_scenario

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def _replay(
    x: np.ndarray, u: np.ndarray, ok: np.ndarray, nd: np.ndarray, start: int, rule: str
) -> list[int]:
    """The procedure by its definition: plain loops over packages in enumeration order."""
    path = [start]
    while True:
        cur = path[-1]
        best, best_key = None, None
        for j in range(x.shape[0]):  # enumeration order = issue order, then option order
            if not ok[j] or (x[j] != x[cur]).sum() != 1:
                continue
            gain = float((u[j] - u[cur]).sum())
            if rule == "unanimous":
                if not ((u[j] >= u[cur]).all() and (u[j] > u[cur]).any()):
                    continue
                key: tuple[float, ...] = (gain,)
            else:
                low, low_cur = float((u[j] - nd).min()), float((u[cur] - nd).min())
                if not low > low_cur:
                    continue
                key = (low, gain)
            # first in issue order among ties: the changed issue, then the option
            i = int(np.flatnonzero(x[j] != x[cur])[0])
            rank = (*key, -i, -int(x[j, i]))
            if best_key is None or rank > best_key:
                best, best_key = j, rank
        if best is None:
            return path
        path.append(best)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10**6),
    rule=st.sampled_from(["unanimous", "maximin"]),
    which=st.integers(0, 1),
)
def test_single_text_equals_definition(seed: int, rule: str, which: int) -> None:
    s = random_scenario(seed)
    cs = prepare(s)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve(f"d{which}")
    start = int(np.flatnonzero((x == base).all(axis=1))[0])
    expected = _replay(x, u, ok, cs.no_deal, start, rule)
    res = single_negotiating_text(s, f"d{which}", rule=rule)  # type: ignore[arg-type]
    assert res.stopped == "local optimum"
    assert [tuple(d.package.values()) for d in res.drafts] == [
        tuple(cs.package_dict(x[j]).values()) for j in expected
    ]
    for d, j in zip(res.drafts, expected, strict=True):
        assert list(d.utilities.values()) == pytest.approx(u[j].tolist(), abs=1e-12)
    final = expected[-1]
    dominated = (ok & (u >= u[final]).all(axis=1) & (u > u[final]).any(axis=1)).any()
    assert res.final_efficient == (not dominated)
    if rule == "unanimous":
        for a, b in zip(res.drafts, res.drafts[1:], strict=False):
            assert all(b.utilities[p] >= a.utilities[p] for p in a.utilities)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), which=st.integers(0, 1))
def test_post_settlement_equals_brute_force(seed: int, which: int) -> None:
    s = random_scenario(seed)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve(f"d{which}")
    u0 = u[(x == base).all(axis=1)][0]
    box = ok & (u >= u0).all(axis=1)
    v = u[box]
    dominated = (
        (v[None, :, :] >= v[:, None, :]).all(axis=2) & (v[None, :, :] > v[:, None, :]).any(axis=2)
    ).any(axis=1)
    front = {tuple(r) for r in v[~dominated].tolist()} - {tuple(u0.tolist())}
    res = post_settlement(s, f"d{which}")
    got = [tuple(c.utilities.values()) for c in res.improvements]
    assert set(got) == front and len(got) == len(front)
    assert res.efficient == (not front)
    for c, n in zip(res.improvements, res.tie_counts, strict=True):
        assert n == int((ok & (u == np.array(list(c.utilities.values()))).all(axis=1)).sum())
        assert all(g >= 0 for g in c.gains.values())
    if front:
        assert res.recommended is not None
        best_min = max(min(a - b for a, b in zip(p, u0.tolist(), strict=True)) for p in front)
        assert min(res.recommended.gains.values()) == pytest.approx(best_min)


def test_single_text_mini_and_errors() -> None:
    s = load_scenario(MINI)
    res = single_negotiating_text(s, "sq", rule="unanimous")
    assert res.drafts[0].amendment is None and res.drafts[0].step == 0
    data = res.to_dict()
    assert data["steps"] == len(res.drafts) - 1 and data["rule"] == "unanimous"
    with pytest.raises(InputError, match="unknown rule"):
        single_negotiating_text(s, "sq", rule="fair")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="breaks a constraint"):
        single_negotiating_text(s, {"x": "high", "y": "vote"})
    with pytest.raises(InputError, match="breaks a constraint"):
        post_settlement(s, {"x": "high", "y": "vote"})


def test_max_steps_stops_early() -> None:
    s = random_scenario(4)
    full = single_negotiating_text(s, "d0")
    assert len(full.drafts) == 3 and full.stopped == "local optimum"
    cut = single_negotiating_text(s, "d0", max_steps=1)
    assert cut.stopped == "max steps" and cut.drafts == full.drafts[:2]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_post_settlement_by_frontier_dp_equals_enumeration(seed: int) -> None:
    from peacetable.analysis import negotiating_text as diagnostics

    s = random_scenario(seed)
    by_enumeration = post_settlement(s, "d0")
    saved = diagnostics.ENUMERATION_LIMIT
    diagnostics.ENUMERATION_LIMIT = 0
    try:
        by_dp = post_settlement(s, "d0")
    finally:
        diagnostics.ENUMERATION_LIMIT = saved
    assert by_dp.method == "dp-dominance" and by_enumeration.method == "enumeration"
    points = {tuple(c.utilities.values()) for c in by_enumeration.improvements}
    assert {tuple(c.utilities.values()) for c in by_dp.improvements} == points
    assert sorted(by_dp.tie_counts) == sorted(by_enumeration.tie_counts)
