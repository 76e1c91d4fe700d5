"""Bargaining solutions against brute force over every package."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis.frontier import pareto_frontier
from peacetable.analysis.solutions import SOLUTION_NAMES, bargaining_solution, solve_all
from peacetable.core.space import AgreementSpace
from peacetable.errors import InputError


def _objective(name: str, u: np.ndarray, d: np.ndarray, ideal: np.ndarray | None) -> float:
    """The rule's primary objective of one utility vector (brute-force definition)."""
    g = u - d
    if name == "nash":
        return math.prod(g.tolist())
    if name == "utilitarian":
        return float(u.sum())
    if name == "egalitarian":
        return float(g.min())
    if name == "kalai_smorodinsky":
        assert ideal is not None
        span = ideal - d
        return min((g[span > 0] / span[span > 0]).tolist(), default=0.0)
    return float(np.sort(g)[0])


def _key(name: str, u: np.ndarray, d: np.ndarray, ideal: np.ndarray | None) -> tuple[float, ...]:
    """Full ranking key including the documented tie-breaks."""
    g = u - d
    tail = (*sorted(g.tolist()), *u.tolist())
    if name == "kalai_smorodinsky":
        assert ideal is not None
        span = ideal - d
        live = span > 0
        ratios = g[live] / span[live] if live.any() else np.zeros(1)
        return (*sorted(ratios.tolist()), *tail)
    if name == "egalitarian":
        return (float(g.min()), float(u.sum()), *tail)
    if name == "leximin":
        return tail
    return (_objective(name, u, d, ideal), *tail)


def _brute(name: str, u: np.ndarray, d: np.ndarray) -> np.ndarray | None:
    accept = (u >= d).all(axis=1)
    if name in ("nash",):
        cand = u[(u > d).all(axis=1)]
    elif name in ("utilitarian", "kalai_smorodinsky"):
        cand = u[accept]
    else:
        cand = u
    if len(cand) == 0:
        return None
    ideal = u[accept].max(axis=0) if accept.any() else None
    return max(cand, key=lambda r: _key(name, r, d, ideal))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_frontier_solutions_equal_brute_force(an: SimpleNamespace, seed: int) -> None:
    raw = an.random_raw(seed)
    _, u = raw.brute()
    space = raw.space()
    sols = solve_all(space, method="frontier")
    for name in SOLUTION_NAMES:
        want = _brute(name, u, space.no_deal)
        got = sols[name]
        if want is None:
            assert got.package is None, name
            continue
        assert got.utilities is not None and got.package is not None
        assert np.array_equal(np.array(got.utilities), want), name
        pkg = space.package_array(got.package)
        assert space.feasible(pkg)[0]
        assert np.array_equal(space.utilities(pkg)[0], want)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_milp_solutions_equal_brute_force(an: SimpleNamespace, seed: int) -> None:
    raw = an.random_raw(seed, max_parties=4)
    _, u = raw.brute()
    space = raw.space()
    d = space.no_deal
    accept = (u >= d).all(axis=1)
    ideal = u[accept].max(axis=0) if accept.any() else None
    sols = solve_all(space, method="milp")
    for name in SOLUTION_NAMES:
        want = _brute(name, u, d)
        got = sols[name]
        if want is None:
            assert got.package is None, name
            continue
        assert got.package is not None, name
        gu = space.utilities(space.package_array(got.package))[0]
        assert _objective(name, gu, d, ideal) == pytest.approx(
            _objective(name, want, d, ideal), abs=1e-7
        ), name
        if name == "leximin":
            assert np.allclose(np.sort(gu - d), np.sort(want - d), atol=1e-7)
        if name in ("nash", "utilitarian", "kalai_smorodinsky"):
            assert (gu >= d).all()


def test_milp_and_frontier_agree_on_a_larger_space() -> None:
    rng = np.random.default_rng(7)
    tables = [rng.integers(0, 9, size=(6, 3)) / 16 for _ in range(7)]
    space = AgreementSpace.from_arrays(tables, np.full(3, 1.2))
    ideal = pareto_frontier(space, acceptable_only=True).points.max(axis=0)
    a = solve_all(space, method="frontier")
    b = solve_all(space, method="milp")
    d = space.no_deal
    for name in SOLUTION_NAMES:
        ua, ub = np.array(a[name].utilities), np.array(b[name].utilities)
        assert _objective(name, ub, d, ideal) == pytest.approx(
            _objective(name, ua, d, ideal), abs=1e-9
        ), name


def test_frontier_budget_falls_back_to_milp() -> None:
    rng = np.random.default_rng(3)
    tables = [rng.integers(0, 9, size=(5, 3)) / 16 for _ in range(6)]
    space = AgreementSpace.from_arrays(tables, np.full(3, 1.0))
    sols = solve_all(space, max_candidates=10)
    assert {s.method for s in sols.values()} == {"milp"}
    ref = solve_all(space)
    assert {s.method for s in ref.values()} == {"frontier"}
    assert sum(sols["utilitarian"].utilities or ()) == pytest.approx(
        sum(ref["utilitarian"].utilities or ())
    )


def test_unknown_names_are_input_errors() -> None:
    space = AgreementSpace.from_arrays([np.eye(2)], [0.0, 0.0])
    with pytest.raises(InputError):
        bargaining_solution(space, "shapley")
    with pytest.raises(InputError):
        solve_all(space, method="magic")


def test_solution_to_dict_is_plain() -> None:
    import json

    space = AgreementSpace.from_arrays([np.eye(2), np.eye(2)], [0.0, 0.0])
    text = json.dumps({k: v.to_dict() for k, v in solve_all(space).items()})
    assert '"nash"' in text
