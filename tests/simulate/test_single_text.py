"""Single-text protocols: no adopted amendment hurts anyone; stopping for lack of improvement
means the text is Pareto-efficient (checked against the agreement-space engine's frontier)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from _random_scenarios import random_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis import pareto_frontier
from peacetable.errors import InputError
from peacetable.simulate.single_text import MEDIATORS, STOP_REASONS, run_single_text
from peacetable.simulate.space import OutcomeSpace, outcome_space


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000), mediator=st.sampled_from(MEDIATORS), run_seed=st.integers(0, 99)
)
def test_no_party_ever_loses_and_stops_are_efficient(
    seed: int, mediator: str, run_seed: int
) -> None:
    scenario = random_scenario(seed, 4, 3, 3)
    space = outcome_space(scenario)
    frontier = pareto_frontier(scenario).points
    n = 5
    texts = [run_single_text(space, mediator, 0 + 1, n=n, seed=run_seed).start]
    for k in range(1, 25):
        texts.append(run_single_text(space, mediator, k, n=n, seed=run_seed).text)
    u = space.utilities
    for before, after in itertools.pairwise(texts):
        assert (u[after] >= u[before]).all()  # nobody likes the new text less
    final = run_single_text(space, mediator, 24, n=n, seed=run_seed)
    for k in range(n):
        if STOP_REASONS[int(final.stop[k])] == "no-improvement":
            point = u[final.text[k]]
            assert (np.abs(frontier - point[None, :]) < 1e-9).all(axis=1).any()
        agreed = bool((u[final.text[k]] >= space.no_deal).all())
        assert bool(final.agreed[k]) == agreed


def test_maximin_always_reaches_the_frontier() -> None:
    for seed in range(20):
        scenario = random_scenario(seed, 3, 3, 3)
        space = outcome_space(scenario)
        out = run_single_text(space, "maximin", 200, n=3, seed=seed)
        assert all(STOP_REASONS[int(s)] == "no-improvement" for s in out.stop)


def test_maximin_raises_the_worst_off_gain() -> None:
    # from (0, 0) the single changes are o1 (0.2, 0.9) and o2 (0.5, 0.5): maximin takes o2
    space = OutcomeSpace.from_arrays(
        [[0.0, 0.0], [0.2, 0.9], [0.5, 0.5], [0.6, 0.6]],
        [0.0, 0.0],
        packages=[[0, 0], [1, 0], [0, 1], [1, 1]],
    )
    out = run_single_text(space, "maximin", 10, start=0)
    assert out.row(0) == (3, True, 2, 2, "no-improvement", 1)


def test_raiffa_stops_when_nobody_has_a_criticism() -> None:
    # o3 dominates o0 but is two changes away, and each single change hurts someone
    space = OutcomeSpace.from_arrays(
        [[0.5, 0.5], [0.9, 0.1], [0.1, 0.9], [0.6, 0.6]],
        [0.0, 0.0],
        packages=[[0, 0], [1, 0], [0, 1], [1, 1]],
    )
    assert run_single_text(space, "raiffa", 10, start=0).row(0) == (
        0,
        True,
        2,
        0,
        "no-local-improvement",
        1,
    )
    assert run_single_text(space, "maximin", 10, start=0).row(0)[0] == 3


def test_the_text_waits_for_falling_no_deal_utilities() -> None:
    # the efficient text (0.6, 0.6) is below both reservations (0.7) at first; they fall by
    # 0.05 a step, so at step 2 (0.6 >= 0.6) every party accepts the standing text
    space = OutcomeSpace.from_arrays([[0.6, 0.6], [0.2, 0.1]], [0.7, 0.7])
    shift = -0.05 * np.arange(6)[:, None] * np.ones((1, 2))
    fixed = run_single_text(space, "maximin", 6, start=0)
    moving = run_single_text(space, "maximin", 6, start=0, no_deal_shift=shift)
    assert fixed.row(0) == (0, False, 0, 0, "no-improvement", -1)
    assert moving.row(0) == (0, True, 0, 0, "no-improvement", 2)


def test_bad_input() -> None:
    space = OutcomeSpace.from_arrays([[0, 1], [1, 0]], [0, 0])
    with pytest.raises(InputError, match="did you mean 'veto'"):
        run_single_text(space, "vetto", 10)
    with pytest.raises(InputError, match="at least one step"):
        run_single_text(space, "veto", 0)
    with pytest.raises(InputError, match="start outcome"):
        run_single_text(space, "veto", 5, start=7)
