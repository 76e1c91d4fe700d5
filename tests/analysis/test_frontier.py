"""Exact Pareto frontier against brute force, and efficiency checks."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis import is_pareto_efficient, nondominated_mask, pareto_frontier
from peacetable.core.space import AgreementSpace


def _rows(a: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(r) for r in a.tolist()}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), acceptable=st.booleans())
def test_frontier_equals_brute_force(an: SimpleNamespace, seed: int, acceptable: bool) -> None:
    raw = an.random_raw(seed)
    x, u = raw.brute()
    if acceptable:
        ok = (u >= raw.no_deal).all(axis=1)
        x, u = x[ok], u[ok]
    mask = an.brute_pareto(u) if len(u) else np.zeros(0, dtype=bool)
    res = pareto_frontier(raw.space(), acceptable_only=acceptable)
    assert _rows(res.points) == _rows(u[mask])
    assert res.size == len(_rows(u[mask]))
    # every tie is reachable and the tie counts are exact
    counts = res.tie_counts()
    space = res.space
    for j, point in enumerate(res.points):
        expected = {tuple(p) for p in x[(u == point).all(axis=1)].tolist()}
        got = res.packages(j, limit=10**6)
        assert {tuple(p) for p in got.tolist()} == expected
        assert counts[j] == len(expected)
        assert space.feasible(got).all()
    reps = res.representatives()
    if res.size:
        assert np.array_equal(space.utilities(reps), res.points)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_nondominated_mask_matches_definition(an: SimpleNamespace, d: int) -> None:
    rng = np.random.default_rng(d)
    pts = rng.integers(0, 6, size=(400, d)).astype(float)
    assert np.array_equal(nondominated_mask(pts), an.brute_pareto(pts))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), pick=st.integers(0, 10**9))
def test_is_pareto_efficient_matches_brute_force(an: SimpleNamespace, seed: int, pick: int) -> None:
    raw = an.random_raw(seed)
    x, u = raw.brute()
    if len(x) == 0:
        return
    j = pick % len(x)
    efficient, better = is_pareto_efficient(raw.space(), x[j])
    mask = an.brute_pareto(u)
    assert efficient == bool(mask[j])
    if better is not None:
        space = raw.space()
        ub = space.utilities(space.package_array(better))[0]
        assert (ub >= u[j]).all() and (ub > u[j]).any()


def test_infeasible_group_gives_empty_frontier(an: SimpleNamespace) -> None:
    s = AgreementSpace.from_arrays(
        [np.eye(2)], [0.0, 0.0], forbidden=[an.RawForbidden(((0, np.array([True, True])),), "all")]
    )
    assert s.n_feasible == 0
    assert pareto_frontier(s).size == 0


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), pick=st.integers(0, 10**9))
def test_is_pareto_efficient_milp_route(an: SimpleNamespace, seed: int, pick: int) -> None:
    raw = an.random_raw(seed, max_parties=4)
    x, u = raw.brute()
    if len(x) == 0:
        return
    j = pick % len(x)
    efficient, better = is_pareto_efficient(raw.space(), x[j], max_candidates=1)
    assert efficient == bool(an.brute_pareto(u)[j])
    assert (better is None) == efficient


def test_frontier_budget_and_input_errors() -> None:
    from peacetable.analysis import FrontierTooLarge
    from peacetable.errors import InputError

    rng = np.random.default_rng(0)
    space = AgreementSpace.from_arrays([rng.random((6, 3)) for _ in range(4)], np.zeros(3))
    with pytest.raises(FrontierTooLarge):
        pareto_frontier(space, max_candidates=10)
    with pytest.raises(InputError):
        pareto_frontier(space, lower=[0.0])
    res = pareto_frontier(space)
    with pytest.raises(InputError):
        res.packages(res.size)
    d = res.to_dict()
    assert d["size"] == res.size == len(d["packages"]) == len(d["tie_counts"])
    infeasible = an_forbidden_space()
    with pytest.raises(InputError, match="infeasible"):
        is_pareto_efficient(infeasible, [0, 0])


def an_forbidden_space() -> AgreementSpace:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Forbid:
        clauses: tuple[tuple[int, np.ndarray], ...]
        source: str

    rule = Forbid(((0, np.array([True, False])), (1, np.array([True, False]))), "no 0-0")
    return AgreementSpace.from_arrays([np.eye(2), np.eye(2)], [0, 0], forbidden=[rule])
