"""The batched engines reach exactly the reference's outcomes (property tests)."""

from __future__ import annotations

import numpy as np
from _random_scenarios import random_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.simulate.reference import run_sao_reference
from peacetable.simulate.sao import run_sao
from peacetable.simulate.single_text import (
    MEDIATORS,
    run_single_text,
    run_single_text_reference,
)
from peacetable.simulate.space import outcome_space, random_space
from peacetable.simulate.strategies import STRATEGIES, parse_strategy

NAMES = sorted(STRATEGIES)


@st.composite
def spaces(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    if draw(st.booleans()):  # dyadic scenarios: many exact ties, constraints, interactions
        return outcome_space(random_scenario(draw(st.integers(0, 10_000)), 3, 3, 3))
    return random_space(
        draw(st.integers(2, 3)),
        draw(st.integers(1, 3)),
        draw(st.integers(1, 4)),
        seed=draw(st.integers(0, 10_000)),
    )


@settings(max_examples=150, deadline=None)
@given(
    space=spaces(),
    names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=3),
    n_steps=st.integers(1, 25),
    seed=st.integers(0, 2**32),
    first=st.integers(0, 1000),
    data=st.data(),
)
def test_batched_sao_equals_reference(space, names, n_steps, seed, first, data) -> None:  # type: ignore[no-untyped-def]
    strategies = [parse_strategy(n) for n in names[: space.n_parties]]
    d = np.array(
        data.draw(
            st.lists(
                st.lists(st.floats(0, 0.8), min_size=space.n_parties, max_size=space.n_parties),
                min_size=1,
                max_size=4,
            )
        )
    )
    shift = None
    if data.draw(st.booleans()):  # the disagreement point moves each step (ripeness)
        rate = np.array(data.draw(st.lists(st.floats(-0.05, 0.05), min_size=3, max_size=3)))
        shift = np.arange(n_steps)[:, None] * rate[None, : space.n_parties]
    out = run_sao(
        space, strategies, n_steps, no_deal=d, seed=seed, first_id=first, no_deal_shift=shift
    )
    for k in range(d.shape[0]):
        ref = run_sao_reference(
            space,
            strategies,
            n_steps,
            seed=seed,
            negotiation=first + k,
            no_deal=list(d[k]),
            no_deal_shift=None if shift is None else shift.tolist(),
        )
        assert out.row(k) == tuple(ref)


@settings(max_examples=100, deadline=None)
@given(
    space=spaces(),
    mediator=st.sampled_from(MEDIATORS),
    n_steps=st.integers(1, 30),
    seed=st.integers(0, 2**32),
    n=st.integers(1, 4),
)
def test_batched_single_text_equals_reference(space, mediator, n_steps, seed, n) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed % 1000)
    d = rng.random((n, space.n_parties)) * 0.6
    shift = None
    if seed % 2:  # the disagreement point falls step by step
        shift = -np.arange(n_steps)[:, None] * rng.random(space.n_parties)[None, :] * 0.05
    out = run_single_text(
        space, mediator, n_steps, no_deal=d, seed=seed, first_id=3, no_deal_shift=shift
    )
    for k in range(n):
        ref = run_single_text_reference(
            space,
            mediator,
            n_steps,
            seed=seed,
            negotiation=3 + k,
            no_deal=list(d[k]),
            no_deal_shift=None if shift is None else shift.tolist(),
        )
        assert out.row(k) == ref


def test_chunking_does_not_change_outcomes() -> None:
    space = random_space(2, 3, 5, seed=4)
    s = [parse_strategy("micro"), parse_strategy("frequency")]
    d = np.random.default_rng(1).random((30, 2)) * 0.5
    whole = run_sao(space, s, 40, no_deal=d, seed=9)
    parts = [
        run_sao(space, s, 40, no_deal=d[a : a + 7], seed=9, first_id=a) for a in range(0, 30, 7)
    ]
    assert np.array_equal(whole.outcome, np.concatenate([p.outcome for p in parts]))
    assert np.array_equal(whole.turn, np.concatenate([p.turn for p in parts]))


def test_same_seed_same_outcomes_other_seed_differs_for_random_mediator() -> None:
    space = random_space(3, 3, 4, seed=2)
    a = run_single_text(space, "veto", 50, n=200, seed=1)
    b = run_single_text(space, "veto", 50, n=200, seed=1)
    c = run_single_text(space, "veto", 50, n=200, seed=2)
    assert np.array_equal(a.text, b.text) and np.array_equal(a.steps, b.steps)
    assert not np.array_equal(a.start, c.start)
