"""One meaning of no deal: Fearon's bargaining range, a hand-computed ripeness case, and the
package that agrees nothing worth exactly the disagreement point in every lens."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import random_scenario_data

from peacetable.analysis import acceptability, diagnose_proposal, pareto_frontier, ripeness, zopa
from peacetable.analysis.acceptance import evaluate_package
from peacetable.analysis.frontier import nondominated_mask
from peacetable.analysis.linkage import issue_linkage
from peacetable.core import prepare
from peacetable.errors import ScenarioError
from peacetable.io import scenario_from_data
from peacetable.scenarios import load_builtin


def split_scenario(
    beliefs: dict[str, float],
    cost: tuple[float, float],
    *,
    common: float | None = None,
    convergence: float = 0.0,
    monthly: tuple[float, float] = (0.0, 0.0),
    proposals: tuple[int, ...] = (),
) -> Any:
    """One divisible issue on a line (A's share k/100), linear utilities, war as a lottery.

    "A wins" gives A everything (k = 100), "B wins" gives B everything (k = 0);
    ``beliefs`` are each party's probability that A wins.
    """
    options = [{"id": f"s{k}", "label": f"A gets {k}%"} for k in range(101)]
    disagreement: dict[str, Any] = {
        "package": "none",  # every split is an agreement
        "outcomes": [
            {"id": "a_wins", "name": "A wins", "package": {"split": "s100"}},
            {"id": "b_wins", "name": "B wins", "package": {"split": "s0"}},
        ],
        "beliefs": {p: {"a_wins": q} for p, q in beliefs.items()},
        "convergence": convergence,
        "costs": {
            "A": {"cost": cost[0], "monthly": monthly[0]},
            "B": {"cost": cost[1], "monthly": monthly[1]},
        },
    }
    if common is not None:
        disagreement["common"] = {"a_wins": common}
    return scenario_from_data(
        {
            "id": "split",
            "title": "A divisible issue",
            "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
            "issues": [{"id": "split", "name": "Split", "ordered": True, "options": options}],
            "preferences": {
                "A": {
                    "weights": {"split": 1},
                    "values": {"split": {f"s{k}": k / 100 for k in range(101)}},
                },
                "B": {
                    "weights": {"split": 1},
                    "values": {"split": {f"s{k}": 1 - k / 100 for k in range(101)}},
                },
            },
            "disagreement": disagreement,
            "proposals": [
                {"id": f"k{k}", "name": f"{k}%", "package": {"split": f"s{k}"}} for k in proposals
            ],
        }
    )


def acceptable_splits(s: Any) -> list[int]:
    p = prepare(s)
    x = p.all_packages()
    ok = p.accepts(x).all(axis=1) & p.is_agreement(x)
    return [int(k) for k in x[ok, 0]]


@pytest.mark.parametrize(
    ("p", "c_a", "c_b"),
    [(0.6, 0.1, 0.2), (0.5, 0.05, 0.05), (0.37, 0.013, 0.2), (0.9, 0.3, 0.0), (0.25, 0.0, 0.0)],
)
def test_fearon_bargaining_range_with_common_beliefs(p: float, c_a: float, c_b: float) -> None:
    """Acceptable splits are exactly [100(p - c_A), 100(p + c_B)], rounded inward to the grid."""
    s = split_scenario({"A": p, "B": p}, (c_a, c_b))
    low = max(0, math.ceil(round(100 * (p - c_a), 9)))
    high = min(100, math.floor(round(100 * (p + c_b), 9)))
    assert acceptable_splits(s) == list(range(low, high + 1))
    z = zopa(s)
    assert z.exists and z.count == high - low + 1 and z.count_is_exact


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    p_a=st.floats(0.0, 1.0),
    p_b=st.floats(0.0, 1.0),
    c_a=st.floats(0.0, 0.3),
    c_b=st.floats(0.0, 0.3),
)
def test_fearon_mutual_optimism(p_a: float, p_b: float, c_a: float, c_b: float) -> None:
    """With A believing p_A and B believing p_B, the range is [100(p_A - c_A), 100(p_B + c_B)];
    it is empty when p_A - p_B > c_A + c_B (Fearon 1995)."""
    s = split_scenario({"A": p_a, "B": p_b}, (c_a, c_b))
    low = max(0, math.ceil(100 * (p_a - c_a) - 1e-9))
    high = min(100, math.floor(100 * (p_b + c_b) + 1e-9))
    assert acceptable_splits(s) == list(range(low, high + 1))
    if p_a - p_b > c_a + c_b + 0.01:
        assert not zopa(s).exists


def test_ripeness_hand_computed() -> None:
    """Beliefs converging 10 % a month, costs 0.05 now and 0.01 a month, offer at 50 %.

    d_A(t) = 0.55 + 0.25 * 0.9^t - 0.05 - 0.01 t and d_B(t) = 0.45 + 0.25 * 0.9^t - 0.05 - 0.01 t.
    A split k is acceptable when k >= 100 d_A and k <= 100 (1 - d_B): first at t = 7
    (d_A = 0.54957, 1 - d_B = 0.55043: k = 55); at t = 6 the range is [58, 52].
    Both no-deal utilities fall every month; A expects no more from fighting than from the
    50/50 offer once d_A(t) <= 0.5, i.e. 0.25 * 0.9^t <= 0.01 t: first at t = 10 (B from t = 5).
    """
    s = split_scenario(
        {"A": 0.8, "B": 0.3}, (0.05, 0.05), common=0.55, convergence=0.1,
        monthly=(0.01, 0.01), proposals=(50,),
    )  # fmt: skip
    p = prepare(s)
    t = 7
    expected_a = 0.55 + 0.25 * 0.9**t - 0.05 - 0.01 * t
    assert p.no_deal_at(t)[0] == pytest.approx(expected_a, abs=1e-9)
    r = ripeness(s, horizon=14, n_samples=16)
    assert r.first_zopa_month == 7
    assert r.first_stalemate_month == 10
    assert [m.stalemate for m in r.months] == [m >= 10 for m in range(15)]
    assert r.proposal == "k50" and r.proposal_first_month == 10
    assert r.opened_by == ("A", "B")  # neither party's pressure alone opens it in month 7


def test_lottery_no_deal_values_outcomes_with_the_party_s_own_utilities() -> None:
    s = split_scenario({"A": 0.7}, (0.1, 0.0), common=0.4)
    p = prepare(s)
    # A: 0.7 * 1 + 0.3 * 0 - 0.1; B holds the common estimate: 0.6 * 1 - 0
    assert p.no_deal.tolist() == [pytest.approx(0.6, abs=1e-9), pytest.approx(0.6, abs=1e-9)]
    model = p.sampling
    st_nominal = model.tables(model.base)
    assert st_nominal.no_deal_at(0)[:, 0] == pytest.approx(p.no_deal, abs=1e-9)
    assert st_nominal.no_deal_at(12)[:, 0] == pytest.approx(p.no_deal_at(12), abs=1e-9)


def test_disagreement_block_is_validated() -> None:
    base = split_scenario({"A": 0.5, "B": 0.5}, (0.1, 0.1))
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["disagreement"]["beliefs"]["A"] = {"a_wins": 0.8, "nope": 0.3}
    data["parties"][0]["no_deal"] = {"utility": 0.4}
    with pytest.raises(ScenarioError) as err:
        scenario_from_data(data)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "unknown outcome 'nope'" in text and "sum to more than 1" in text
    assert "parties[0].no_deal" in text


def _nothing_agreed_everywhere(s: Any) -> None:
    p = prepare(s)
    assert p.no_deal_package is not None
    sq = p.no_deal_package
    ev = evaluate_package(s, {})
    assert [v.utility for v in ev.parties] == p.no_deal.tolist()
    assert ev.accepted_by_all and all(v.margin == 0.0 for v in ev.parties)
    d = diagnose_proposal(s, {}, max_changes=1)
    assert all(d.accepts.values()) and list(d.utilities.values()) == p.no_deal.tolist()
    assert d.acceptance.min_changes != 0  # never "already acceptable": it is not an agreement
    robust = acceptability(s, {"nothing": {}}, include_proposals=False, n_samples=300, seed=1)
    assert robust.get("nothing").all_count == 300  # worth no deal in every sampled world
    r = ripeness(s, horizon=0, proposal={}, n_samples=30)
    assert r.months[0].proposal_accepted and r.months[0].proposal_count == 30
    trades = issue_linkage(s, None)
    for pair in trades.pairs:  # gains over the disagreement point, never over the status quo
        for t in pair.trades:
            x = p.encode(t.package)
            gains = p.utilities(x)[0] - p.no_deal
            assert [t.gains[q] for q in p.party_ids] == pytest.approx(gains.tolist(), abs=p.tie)
    z = zopa(s)
    x = p.all_packages(limit=10**7)
    counted = p.accepts(x).all(axis=1) & p.is_agreement(x)
    if z.count_is_exact:
        assert z.count == int(counted.sum())
    assert not p.is_agreement(sq)[0]
    # the frontier is the non-dominated agreements, including those the no-deal option of an
    # issue dominates within that issue (the DP must not prune them); utilities equal within
    # the grid's tie are equal
    agreements = p.utilities(x[p.is_agreement(x)])
    frontier = pareto_frontier(s)
    front = frontier.points
    reps = frontier.representatives()  # one package per point: an agreement worth the point
    assert p.is_agreement(reps).all()
    assert np.abs(p.utilities(reps) - front).max() <= p.tie
    assert not _tie_dominated(front, agreements, p.tie).any()
    best = agreements[nondominated_mask(agreements)]
    on_front = (np.abs(best[:, None, :] - front[None, :, :]) <= p.tie).all(axis=2).any(axis=1)
    assert (on_front | _tie_dominated(best, front, p.tie)).all()


def _tie_dominated(points: np.ndarray, by: np.ndarray, tie: float) -> np.ndarray:
    """Which *points* a row of *by* dominates by more than *tie* somewhere."""
    ge = (by[None, :, :] >= points[:, None, :] - tie).all(axis=2)
    gt = (by[None, :, :] > points[:, None, :] + tie).any(axis=2)
    return (ge & gt).any(axis=1)


def test_nothing_agreed_is_no_deal_in_every_lens_on_the_seed_scenario() -> None:
    _nothing_agreed_everywhere(load_builtin("ukraine-2022"))


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000))
def test_nothing_agreed_is_no_deal_in_every_lens_on_random_scenarios(seed: int) -> None:
    data = random_scenario_data(seed, 3, 3)
    data["proposals"] = []
    _nothing_agreed_everywhere(scenario_from_data(data))


def test_frontier_keeps_agreements_the_no_deal_option_dominates() -> None:
    """Regression: issue i1's status-quo option dominates o1 within i1, yet (i0=o0, i1=o1)
    is a Pareto-efficient agreement, since (o0, o0) is the no-deal package itself."""
    from _random_scenarios import random_scenario

    s = random_scenario(70, 4, 3, 3)
    front = {tuple(np.round(r, 6)) for r in pareto_frontier(s).points}
    assert front == {(0.71875, 0.3125, 0.28125), (0.5625, 0.09375, 0.75)}


def test_no_package_is_no_deal_when_the_scenario_says_so() -> None:
    data = random_scenario_data(3, 2, 3)
    data["disagreement"] = {"package": "none"}
    p = prepare(scenario_from_data(data))
    x = p.all_packages()
    assert p.no_deal_package is None and p.is_agreement(x).sum() == p.feasible(x).sum()
    assert np.array_equal(p.utilities(x), p.state_utilities(x))
