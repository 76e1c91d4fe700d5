"""The agreement space: compound issues, exact grid, conversions, guards."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.core import prepare
from peacetable.core.prepared import as_space
from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError, InputError


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_groups_reproduce_every_feasible_package(an: SimpleNamespace, seed: int) -> None:
    raw = an.random_raw(seed)
    x, u = raw.brute()
    space = raw.space()
    assert space.n_feasible == len(x)
    assert space.n_packages == int(np.prod([t.shape[0] for t in raw.tables]))
    # every issue in exactly one group; linked issues share a group
    members = sorted(i for g in space.groups for i in g.issues)
    assert members == list(range(len(raw.tables)))
    where = {i: k for k, g in enumerate(space.groups) for i in g.issues}
    for term in [*raw.interactions, *raw.forbidden]:
        issues = [c[0] for c in getattr(term, "conditions", getattr(term, "clauses", ()))]
        assert len({where[i] for i in issues}) <= 1
    rows = space.rows_of(x)
    assert (rows >= 0).all()
    assert np.array_equal(space.packages_from_rows(rows), x)
    total = space.offset + sum(g.utilities[rows[:, k]] for k, g in enumerate(space.groups))
    assert np.array_equal(total, u)  # dyadic inputs: the grid changes nothing
    assert np.array_equal(space.utilities(x), u)
    assert space.feasible(x).all()


def test_grid_makes_sums_order_independent() -> None:
    rng = np.random.default_rng(0)
    tables = [rng.random((5, 3)) for _ in range(6)]
    space = AgreementSpace.from_arrays(tables, [1.0, 1.0, 1.0])
    x = rng.integers(0, 5, size=(200, 6))
    fwd = space.utilities(x)
    back = np.zeros_like(fwd)
    for i in reversed(range(6)):
        back += space.tables[i][x[:, i]]
    assert np.array_equal(fwd, back)
    raw = np.sum([t[x[:, i]] for i, t in enumerate(tables)], axis=0)
    assert np.abs(fwd - raw).max() < 6 * space.quantum


def test_compiled_scenario_matches_the_reference_evaluation() -> None:

    from peacetable.scenarios import load_builtin

    cs = prepare(load_builtin("ukraine-2022"))
    space = as_space(cs)
    assert space.party_ids == cs.party_ids and space.n_packages == cs.n_packages
    rng = np.random.default_rng(1)
    x = np.stack([rng.integers(0, k, size=5000) for k in cs.n_options], axis=1)
    assert np.array_equal(space.feasible(x), cs.feasible(x))
    assert np.abs(space.utilities(x) - cs.utilities(x)).max() < 1e-10
    ok = cs.feasible(x)
    assert (space.rows_of(x[ok]) >= 0).all() and (space.rows_of(x[~ok]) < 0).any(axis=1).all()


def test_guards_and_conversions(an: SimpleNamespace) -> None:
    big = [np.zeros((10, 2)) for _ in range(4)]
    link = an.RawInteraction(tuple((i, 0) for i in range(4)), np.ones(2))
    with pytest.raises(AnalysisError, match="compound issue"):
        AgreementSpace.from_arrays(big, [0, 0], interactions=[link], max_group_combinations=999)
    with pytest.raises(InputError):
        AgreementSpace.from_arrays([np.zeros((2, 3))], [0, 0])
    with pytest.raises(AnalysisError):
        AgreementSpace.from_arrays([np.eye(2)], [0, 0], forbidden=[an.RawForbidden((), "all")])
    space = AgreementSpace.from_arrays([np.eye(2), np.eye(3)[:, :2]], [0, 0])
    assert space.package_dict([1, 2]) == {"I0": "o1", "I1": "o2"}
    assert space.package_array({"I0": "o1", "I1": "o2"}).tolist() == [1, 2]
    for bad in ({"I0": "o1"}, {"I0": "o9", "I1": "o0"}, {"I0": "o1", "I1": "o0", "zz": "o0"}):
        with pytest.raises(InputError):
            space.package_array(bad)
    with pytest.raises(InputError):
        space.utilities([[0, 5]])
    with pytest.raises(InputError):
        as_space(42)
    assert space.summary()["n_feasible"] == 6
