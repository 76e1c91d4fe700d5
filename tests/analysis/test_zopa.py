"""ZOPA existence, count and best packages against brute force."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis.zopa import _count_enumeration, count_acceptable, zopa
from peacetable.core.space import AgreementSpace
from peacetable.errors import InputError


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_zopa_equals_brute_force(an: SimpleNamespace, seed: int) -> None:
    raw = an.random_raw(seed)
    _, u = raw.brute()
    space = raw.space()
    d = space.no_deal
    ok = (u >= d).all(axis=1)
    res = zopa(space)
    assert res.exists == bool(ok.any())
    assert res.count_is_exact and res.count == int(ok.sum())
    # the two exact counting routes agree
    assert _count_enumeration(space, d) == int(ok.sum())
    assert count_acceptable(space, max_states=1, max_exact=10**9) == int(ok.sum())
    for p, pid in enumerate(space.party_ids):
        if not ok.any():
            assert res.best_for_party == {}
            break
        entry = res.best_for_party[pid]
        pkg = space.package_array(entry["package"])
        v = space.utilities(pkg)[0]
        assert (v >= d).all() and space.feasible(pkg)[0]
        assert v[p] == u[ok, p].max()


def test_estimate_is_labelled_and_covers_the_truth() -> None:
    rng = np.random.default_rng(11)
    tables = [rng.random((8, 3)) for _ in range(7)]  # 8**7 = 2,097,152 packages
    space = AgreementSpace.from_arrays(tables, np.full(3, 3.3))
    truth = count_acceptable(space)
    assert truth is not None and truth > 0
    est = zopa(space, max_exact=1000, max_states=10, samples=200_000, seed=5)
    assert not est.count_is_exact and est.method == "monte-carlo" and est.seed == 5
    assert est.ci is not None and est.ci[0] <= truth <= est.ci[1]
    again = zopa(space, max_exact=1000, max_states=10, samples=200_000, seed=5)
    assert again.count == est.count  # seeded
    exact = zopa(space, max_states=10)
    assert exact.count_is_exact and exact.method == "enumeration" and exact.count == truth


def test_no_zopa() -> None:
    space = AgreementSpace.from_arrays([[[1, 0], [0, 1]]], [1.0, 1.0])
    res = zopa(space)
    assert not res.exists and res.count == 0 and res.best_for_party == {}
    assert res.to_dict()["fraction"] == 0.0


def test_bad_parameters() -> None:
    space = AgreementSpace.from_arrays([np.eye(2)], [0.0, 0.0])
    with pytest.raises(InputError):
        zopa(space, confidence=1.5)
    with pytest.raises(InputError):
        count_acceptable(space, lower=[1.0])


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_zopa_milp_route_for_existence_and_best(an: SimpleNamespace, seed: int) -> None:
    raw = an.random_raw(seed, max_parties=4)
    _, u = raw.brute()
    space = raw.space()
    ok = (u >= space.no_deal).all(axis=1)
    res = zopa(space, max_candidates=1)
    assert res.exists == bool(ok.any()) and res.count == int(ok.sum())
    for p, pid in enumerate(space.party_ids if ok.any() else ()):
        v = space.utilities(space.package_array(res.best_for_party[pid]["package"]))[0]
        assert v[p] == pytest.approx(u[ok, p].max(), abs=1e-9)
