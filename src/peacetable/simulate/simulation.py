"""Simulate one scenario under one protocol: many seeded negotiations, summarised.

:func:`simulate` runs ``repetitions`` negotiations of the same parties on
the same outcome space, either under stacked alternating offers with one
strategy per party (:mod:`peacetable.simulate.sao`) or under a mediated
single text (:mod:`peacetable.simulate.single_text`), and summarises them
with the metrics of :mod:`peacetable.simulate.metrics`. The result records
how it was obtained (protocol, strategies or mediator, steps, seed, counts);
its wall time is kept apart (``timing``) so that the same seed gives the
same JSON byte for byte apart from that field.

References
----------
See :mod:`peacetable.simulate.sao`, :mod:`peacetable.simulate.single_text`
and :mod:`peacetable.simulate.metrics`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core.serialize import plain_float
from peacetable.errors import InputError
from peacetable.simulate.metrics import (
    Benchmarks,
    NegotiationMetrics,
    benchmarks_of,
    mean_interval,
    negotiation_metrics,
    proportion,
)
from peacetable.simulate.sao import END_CODES, run_sao
from peacetable.simulate.single_text import MEDIATORS, STOP_REASONS, run_single_text
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import Strategy

__all__ = ["PROTOCOLS", "SimulationResult", "simulate", "summarise"]

PROTOCOLS: tuple[str, ...] = ("sao", "single-text")


@dataclass(frozen=True)
class SimulationResult:
    """Summary of many negotiations of one scenario under one protocol.

    Attributes
    ----------
    scenario, party_ids:
        The space's name and parties.
    protocol:
        ``sao`` (stacked alternating offers) or ``single-text``.
    strategies:
        Per party, the strategy (``sao``); empty for ``single-text``.
    mediator:
        The single-text mediator, or None.
    n_steps, repetitions, seed, discount:
        How it was run.
    n_outcomes:
        Size of the outcome space.
    summary:
        Agreement rate, steps, utilities, advantages, welfare, distances and
        fairness with confidence intervals (see :func:`summarise`).
    ends:
        How the negotiations ended: counts per end (``sao``) or stop reason.
    agreements:
        The most frequent agreed outcomes: ``{"package", "count", "utilities"}``.
    first:
        The first negotiation: outcome package (or None), step, end.
    benchmarks:
        How the frontier and the Nash point were obtained.
    no_deal_end:
        When the no-deal utilities move step by step: their values at the
        last step (None when they stay fixed).
    timing:
        Wall time in seconds (kept apart from the deterministic fields).
    """

    scenario: str
    party_ids: tuple[str, ...]
    protocol: str
    strategies: tuple[Strategy, ...]
    mediator: str | None
    n_steps: int
    repetitions: int
    seed: int
    discount: float
    n_outcomes: int
    summary: dict[str, Any]
    ends: dict[str, int]
    agreements: tuple[dict[str, Any], ...]
    first: dict[str, Any]
    benchmarks: str
    no_deal_end: dict[str, float | None] | None = None
    timing: dict[str, float] = field(default_factory=dict, compare=False)

    def headline(self) -> str:
        """One sentence: agreement rate and typical step."""
        rate = self.summary["agreement"]
        steps = self.summary["step"]
        when = "" if steps["mean"] is None else f", on average at step {steps['mean']:.1f}"
        how = (
            "stacked alternating offers ("
            + " vs ".join(
                f"{p}={s.name}" for p, s in zip(self.party_ids, self.strategies, strict=True)
            )
            + ")"
            if self.protocol == "sao"
            else f"a single text ({self.mediator} mediator)"
        )
        return (
            f"{100 * rate['rate']:.1f}% of {self.repetitions:,} negotiations under {how} "
            f"reach agreement within {self.n_steps} steps{when}"
        )

    def to_dict(self, timing: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (deterministic for a seed except ``timing``, which
        ``timing=False`` leaves out)."""
        out = {
            "method": {
                "protocol": self.protocol,
                "strategies": {
                    p: s.to_dict() for p, s in zip(self.party_ids, self.strategies, strict=False)
                },
                "mediator": self.mediator,
                "n_steps": self.n_steps,
                "discount": self.discount,
                "benchmarks": self.benchmarks,
                "no_deal_end": self.no_deal_end,
            },
            "seed": self.seed,
            "counts": {"negotiations": self.repetitions, "outcomes": self.n_outcomes},
            "scenario": self.scenario,
            "parties": list(self.party_ids),
            "headline": self.headline(),
            "summary": self.summary,
            "ends": self.ends,
            "agreements": list(self.agreements),
            "first": self.first,
            "timing": dict(self.timing),
        }
        if not timing:
            del out["timing"]
        return out


def summarise(m: NegotiationMetrics, party_ids: Sequence[str]) -> dict[str, Any]:
    """Agreement rate and means with 95 % intervals of every metric.

    Examples
    --------
    >>> from peacetable.simulate.space import OutcomeSpace
    >>> from peacetable.simulate.metrics import benchmarks_of, negotiation_metrics
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0, 0])
    >>> m = negotiation_metrics(s, benchmarks_of(s), [1, -1], [4, -1], 10)
    >>> summarise(m, s.party_ids)["agreement"]["count"]
    1
    """
    agreed = m.agreement
    return {
        "agreement": proportion(int(agreed.sum()), int(agreed.shape[0])),
        "step": mean_interval(m.step[agreed]),
        "utility": {p: mean_interval(m.utility[:, k]) for k, p in enumerate(party_ids)},
        "advantage": {p: mean_interval(m.advantage[:, k]) for k, p in enumerate(party_ids)},
        "welfare": mean_interval(m.welfare),
        "pareto_distance": mean_interval(m.pareto_distance),
        "nash_distance": mean_interval(m.nash_distance),
        "min_gain": mean_interval(m.min_gain),
        "gain_gap": mean_interval(m.gain_gap),
    }


def _top_agreements(
    space: OutcomeSpace, outcome: npt.NDArray[np.int64], top: int
) -> tuple[dict[str, Any], ...]:
    counts = Counter(int(o) for o in outcome if o >= 0)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return tuple(
        {
            "package": space.package_dict(o),
            "count": c,
            "utilities": {
                p: plain_float(float(space.utilities[o, k])) for k, p in enumerate(space.party_ids)
            },
        }
        for o, c in ranked
    )


def simulate(
    space: OutcomeSpace,
    *,
    protocol: str = "sao",
    strategies: Sequence[Strategy] = (),
    mediator: str = "maximin",
    n_steps: int = 100,
    repetitions: int = 1,
    seed: int = 0,
    discount: float = 1.0,
    time_limit: float | None = None,
    start: int | None = None,
    benchmarks: Benchmarks | None = None,
    top: int = 5,
    no_deal_shift: npt.ArrayLike | None = None,
) -> SimulationResult:
    """Run *repetitions* negotiations of one space under one protocol and summarise them.

    Parameters
    ----------
    space:
        The outcome space (:func:`~peacetable.simulate.space.outcome_space`).
    protocol:
        ``sao`` or ``single-text``.
    strategies:
        One per party (``sao``).
    mediator:
        One of :data:`~peacetable.simulate.single_text.MEDIATORS` (``single-text``).
    n_steps, repetitions, seed:
        Deadline, number of negotiations, seed of their random streams.
    discount:
        Discount factor in ``(0, 1]`` applied to payoffs (metrics only).
    time_limit:
        Optional wall-clock limit (``sao``); results then depend on the machine.
    start:
        First text of the single-text protocol (default: random per negotiation).
    benchmarks:
        Precomputed frontier and Nash point (default: computed here).
    top:
        How many of the most frequent agreements to list.
    no_deal_shift:
        Optional ``(n_steps, n_parties)`` change of the no-deal utilities at
        each step (the disagreement point over time); see
        :func:`~peacetable.simulate.sao.run_sao`.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        Unknown protocol or mediator, wrong number of strategies, bad numbers.

    Examples
    --------
    >>> from peacetable.simulate.space import OutcomeSpace
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])
    >>> r = simulate(s, strategies=[parse_strategy("linear")] * 2, n_steps=10)
    >>> r.headline()
    '100.0% of 1 negotiations under stacked alternating offers (P0=linear vs P1=linear) reach agreement within 10 steps, on average at step 4.0'
    """
    if protocol not in PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r}; choose {', '.join(PROTOCOLS)}")
    if repetitions < 1:
        raise InputError(f"repetitions must be at least 1, got {repetitions}")
    if not 0 < discount <= 1:
        raise InputError(f"the discount factor must be in (0, 1], got {discount}")
    t0 = time.perf_counter()
    bench = benchmarks if benchmarks is not None else benchmarks_of(space)
    if protocol == "sao":
        out = run_sao(
            space,
            strategies,
            n_steps,
            n=repetitions,
            seed=seed,
            time_limit=time_limit,
            no_deal_shift=no_deal_shift,
        )
        outcome, step = out.outcome, out.step
        ends = {name: int((out.end == k).sum()) for k, name in enumerate(END_CODES)}
        first_end = END_CODES[int(out.end[0])]
        used_mediator = None
    else:
        if mediator not in MEDIATORS:
            raise InputError(f"unknown mediator {mediator!r}; choose {', '.join(MEDIATORS)}")
        st = run_single_text(
            space,
            mediator,
            n_steps,
            n=repetitions,
            seed=seed,
            start=start,
            no_deal_shift=no_deal_shift,
            frontier=bench.frontier,
        )
        outcome = np.where(st.agreed, st.text, -1)
        step = st.vote_step
        ends = {name: int((st.stop == k).sum()) for k, name in enumerate(STOP_REASONS)}
        first_end = STOP_REASONS[int(st.stop[0])]
        strategies, used_mediator = (), mediator
    m = negotiation_metrics(
        space, bench, outcome, step, n_steps, discount=discount, no_deal_shift=no_deal_shift
    )
    o0 = int(outcome[0])
    return SimulationResult(
        scenario=space.name,
        party_ids=space.party_ids,
        protocol=protocol,
        strategies=tuple(strategies),
        mediator=used_mediator,
        n_steps=n_steps,
        repetitions=repetitions,
        seed=seed,
        discount=discount,
        n_outcomes=space.n_outcomes,
        summary=summarise(m, space.party_ids),
        ends=ends,
        agreements=_top_agreements(space, outcome, top),
        first={
            "package": None if o0 < 0 else space.package_dict(o0),
            "step": int(step[0]),
            "end": first_end,
        },
        benchmarks=bench.method,
        no_deal_end=None
        if no_deal_shift is None
        else {
            p: plain_float(float(space.no_deal[k] + np.asarray(no_deal_shift)[-1, k]))
            for k, p in enumerate(space.party_ids)
        },
        timing={"seconds": round(time.perf_counter() - t0, 6)},
    )
