"""Simulation lens: negotiations per second against NegMAS, measured in the same run.

Rows: two parties on 1,000 outcomes with 100 steps (Boulware vs Boulware, MiCRO vs
MiCRO), three parties, 100,000 outcomes, and the veto single text with two and three
parties. Our engine runs a batch of negotiations on one random linear-additive domain,
each with its own reservation values (uniform in [0, 0.5]); NegMAS 0.16 (the optional
``[bench]`` peer, AGPL, only imported here) runs the same domain (as its
``LinearAdditiveUtilityFunction``, its fastest utility function) with the same
reservation values one negotiation at a time (``SAOMechanism`` with
``BoulwareTBNegotiator`` / ``MiCRONegotiator``; ``VetoSTMechanism`` with
``BinaryComparatorNegotiator``). Peak memory is the tracemalloc peak of our run.
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import numpy as np

from peacetable.simulate.sao import run_sao
from peacetable.simulate.single_text import efficient_outcomes, run_single_text
from peacetable.simulate.space import OutcomeSpace, random_space
from peacetable.simulate.strategies import parse_strategy


def _once(space: OutcomeSpace, kind: str, d: np.ndarray) -> None:
    if kind == "veto":
        run_single_text(space, "veto", 100, no_deal=d, seed=1)
    else:
        run_sao(space, [parse_strategy(kind)] * space.n_parties, 100, no_deal=d, seed=1)


def _ours(space: OutcomeSpace, kind: str, n: int, d: np.ndarray) -> tuple[float, float]:
    """Negotiations per second (a warm run, untraced), then the traced peak memory."""
    efficient_outcomes(space)  # the space's one-time exact efficiency test, cached
    _once(space, kind, d[: min(n, 100)])
    t0 = time.perf_counter()
    _once(space, kind, d[:n])
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    _once(space, kind, d[:n])
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return n / seconds, peak


def _tables(space: OutcomeSpace) -> list[np.ndarray]:
    """Per issue, ``(n_options, n_parties)`` additive terms of a linear-additive space.

    The random spaces enumerate every option combination in row-major order, so the
    term of option ``k`` of issue ``i`` is ``u(k at i, 0 elsewhere) - u(all 0)`` plus
    an equal share of ``u(all 0)``.
    """
    x, u = space.packages, space.utilities
    base = u[0]
    out = []
    for i in range(space.n_issues):
        rows = [
            int(np.flatnonzero((x[:, i] == k) & (np.delete(x, i, axis=1) == 0).all(axis=1))[0])
            for k in range(int(x[:, i].max()) + 1)
        ]
        out.append(u[rows] - base[None, :] + base[None, :] / space.n_issues)
    return out


def _negmas(space: OutcomeSpace, kind: str, n: int, d: np.ndarray) -> float | None:
    """NegMAS negotiations per second with its linear-additive ufuns (its fast path)."""
    try:
        from negmas import make_issue, make_os
        from negmas.negotiators import BinaryComparatorNegotiator
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.sao import SAOMechanism
        from negmas.sao.negotiators import BoulwareTBNegotiator, MiCRONegotiator
        from negmas.st import VetoSTMechanism
    except ImportError:
        return None
    tables = _tables(space)
    issues = [make_issue(values=t.shape[0], name=f"i{k}") for k, t in enumerate(tables)]
    os_ = make_os(issues)
    t0 = time.perf_counter()
    for k in range(-1, n):  # k = -1: an untimed warm-up negotiation
        if k == 0:
            t0 = time.perf_counter()
        if kind == "veto":
            m: Any = VetoSTMechanism(outcome_space=os_, n_steps=100)
            make: Any = BinaryComparatorNegotiator
        else:
            m = SAOMechanism(outcome_space=os_, n_steps=100)
            make = BoulwareTBNegotiator if kind == "boulware" else MiCRONegotiator
        for p in range(space.n_parties):
            ufun = LinearAdditiveUtilityFunction(
                values=[{v: float(t[v, p]) for v in range(t.shape[0])} for t in tables],
                weights=[1.0] * len(tables),
                outcome_space=os_,
                reserved_value=float(d[max(k, 0), p]),
            )
            m.add(make(ufun=ufun))
        m.run()
    return n / (time.perf_counter() - t0)


def run(quick: bool) -> list[dict[str, Any]]:
    """One row per case: our and NegMAS's negotiations per second, their ratio, our peak memory."""
    import warnings

    warnings.filterwarnings("ignore")
    # label, (parties, issues, options, seed), kind, our negotiations, NegMAS negotiations
    cases = [
        ("2 parties, 1,000 outcomes, Boulware", (2, 3, 10, 1), "boulware", 20_000, 40),
        ("2 parties, 1,000 outcomes, MiCRO", (2, 3, 10, 1), "micro", 20_000, 40),
        ("3 parties, 1,000 outcomes, Boulware", (3, 3, 10, 2), "boulware", 20_000, 30),
        ("2 parties, 100,000 outcomes, Boulware", (2, 5, 10, 3), "boulware", 2_000, 3),
        ("veto single text, 2 parties, 1,000 outcomes", (2, 3, 10, 4), "veto", 20_000, 40),
        ("veto single text, 3 parties, 1,000 outcomes", (3, 3, 10, 5), "veto", 20_000, 40),
    ]
    rows = []
    for label, (parties, issues, options, seed), kind, n, n_peer in cases:
        space = random_space(parties, issues, options, seed=seed)
        if quick:
            n, n_peer = max(1, n // 20), 1
        d = np.random.default_rng(7).random((n, space.n_parties)) * 0.5
        ours, peak = _ours(space, kind, n, d)
        peer = _negmas(space, kind, n_peer, d)
        rows.append(
            {
                "case": label,
                "negotiations": n,
                "ours /s": f"{ours:,.0f}",
                "negmas /s": "n/a" if peer is None else f"{peer:,.1f}",
                "ratio": "n/a" if peer is None else f"{ours / peer:,.0f}x",
                "peak MiB": f"{peak:,.0f}",
            }
        )
    return rows
