"""The exact robust-package search, against brute force over the samples."""

from __future__ import annotations

import numpy as np
import pytest
from test_robustness import random_scenario

from peacetable.analysis.robust_search import robust_package
from peacetable.analysis.robustness import acceptability
from peacetable.core import prepare


@pytest.mark.parametrize(
    ("seed", "n_parties", "no_deal"),
    [
        (0, 3, 0.45),
        (1, 3, 0.45),
        (2, 2, 0.45),
        (3, 4, 0.45),
        (4, 7, 0.45),
        (5, 3, 0.62),
        (6, 4, 0.6),
    ],
)
def test_robust_package_is_exact_over_the_samples(
    seed: int, n_parties: int, no_deal: float
) -> None:
    """Against counting every feasible package in every world (tight and loose no-deals)."""
    s = random_scenario(seed, n_parties=n_parties, n_issues=5, no_deal=no_deal)
    n = 3000
    res = robust_package(s, n_samples=n, seed=seed, top=3)
    model = prepare(s).sampling
    compiled = prepare(s)
    x = compiled.all_packages()
    x = x[compiled.is_agreement(x)]  # the no-deal package is not a candidate
    st = model.tables(model.draw(0, n, seed))
    counts = model.accepts(st, x).all(axis=1).sum(axis=1)
    ranked = sorted(counts.tolist(), reverse=True)
    if ranked[0] == 0:
        assert res.best is None
        return
    assert res.best is not None
    assert [t.count for t in res.top] == [c for c in ranked[: len(res.top)] if c > 0]
    best = compiled.encode(res.best.package)
    assert counts[np.flatnonzero((x == best).all(axis=1))[0]] == res.best.count
    # and the sweep agrees on the best package's count
    again = acceptability(
        s, {"best": res.best.package}, include_proposals=False, n_samples=n, seed=seed
    )
    assert again.packages[0].all_count == res.best.count


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_options_ruled_out_on_their_own_are_never_open(seed: int) -> None:
    """Options excluded by a one-issue pattern (as a process agreed first holds the talks
    issues) are searched first and left out of the bounds; the ranking still equals brute
    force over the feasible packages."""
    import dataclasses

    from peacetable.core import ForbiddenPattern

    s = random_scenario(seed, n_parties=3, n_issues=5, no_deal=0.45)
    base = prepare(s)
    held = tuple(  # hold the last two issues at their second option
        ForbiddenPattern(((k, np.arange(m) != 1),), f"held {k}")
        for k, m in list(enumerate(base.n_options))[-2:]
    )
    compiled = dataclasses.replace(base, forbidden=(*base.forbidden, *held))
    n = 3000
    res = robust_package(compiled, n_samples=n, seed=seed, top=3)
    x = compiled.all_packages()
    x = x[compiled.is_agreement(x)]
    model = compiled.sampling
    st = model.tables(model.draw(0, n, seed))
    counts = model.accepts(st, x).all(axis=1).sum(axis=1)
    ranked = [c for c in sorted(counts.tolist(), reverse=True)[: len(res.top)] if c > 0]
    assert [t.count for t in res.top] == ranked
    for t in res.top:
        assert all(compiled.encode(t.package)[-2:] == 1)
