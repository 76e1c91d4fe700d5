"""What a negotiation reached, and how good that is: metrics per negotiation and over many.

Per negotiation: agreement, the step it was reached, each party's utility
(its no-deal utility without agreement) and advantage over no deal, welfare
(the sum of utilities), the distance from the reached utility vector to the
Pareto frontier and to the Nash bargaining point (Euclidean, in utility
space), and fairness: the worst-off party's gain over no deal and the gap
between the largest and the smallest gain (0 when gains are equal). The
frontier and the Nash point come exactly from the agreement-space engine
(:func:`peacetable.analysis.pareto_frontier`,
:func:`peacetable.analysis.solve_all`), the same engine as
``peacetable frontier`` and ``peacetable solve``.

With a discount factor ``delta`` a party's payoff of an agreement at relative
time ``t`` is ``u * delta**t`` and of no agreement ``no_deal * delta`` (the
deadline, ``t = 1``), as in GENIUS (Lin et al. 2014); the agents' decisions
stay undiscounted.

Over many negotiations: means with 95 % normal-approximation confidence
intervals, and proportions (agreement rates) with Wilson score intervals.

References
----------
.. [1] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
.. [2] Fujita, K., Ito, T., Baarslag, T., Hindriks, K., Jonker, C., Kraus, S. &
   Lin, R. (2013). The second automated negotiating agents competition
   (ANAC2011). In *Complex Automated Negotiations*, 183-197 (distance to the
   Pareto frontier and the Nash point as tournament measures).
.. [3] Lin, R. et al. (2014). Genius. *Computational Intelligence* 30(1), 48-70.
.. [4] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. *JASA* 22(158), 209-212.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core import AgreementSpace, NotApplicable, Session
from peacetable.errors import AnalysisError
from peacetable.simulate.space import OutcomeSpace

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "Benchmarks",
    "NegotiationMetrics",
    "benchmarks_of",
    "mean_interval",
    "negotiation_metrics",
    "proportion",
]

_Z95 = 1.959963984540054


@dataclass(frozen=True, eq=False)
class Benchmarks:
    """The exact yardsticks of one outcome space.

    Attributes
    ----------
    frontier:
        ``(k, n_parties)`` the distinct Pareto-optimal utility vectors.
    nash:
        ``(n_parties,)`` utilities of the Nash bargaining point, or None when
        no outcome gives every party a positive gain.
    method:
        How they were obtained.
    """

    frontier: FloatArray
    nash: FloatArray | None
    method: str


def benchmarks_of(space: OutcomeSpace, scenario: Any = None) -> Benchmarks:
    """Pareto frontier and Nash point of a space, exactly, from the agreement-space lens.

    Parameters
    ----------
    space:
        The outcome space.
    scenario:
        The scenario the space was enumerated from (a scenario, a prepared
        scenario or a :class:`~peacetable.core.Session`): the frontier and the
        Nash point are then the session's ``frontier`` and ``solutions``
        results, the same every other surface shows. Otherwise the space's
        outcome utilities are handed to the engine as one compound issue.

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]], [0.2, 0.2])
    >>> b = benchmarks_of(s)
    >>> b.frontier.round(6).tolist(), b.nash.round(6).tolist()
    ([[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]], [0.6, 0.6])
    """
    from peacetable.analysis import pareto_frontier, solve_all

    if scenario is not None:
        session = scenario if isinstance(scenario, Session) else Session(scenario)
        front: Any = session.result("frontier")
        sols: Any = session.result("solutions")
        if isinstance(front, NotApplicable) or isinstance(sols, NotApplicable):
            reason = front.reason if isinstance(front, NotApplicable) else sols.reason
            raise AnalysisError(f"no exact frontier to measure against: {reason}")
        nash = sols["nash"]
        method = "the session's frontier and bargaining solutions (exact)"
    else:
        arrays = AgreementSpace.from_arrays(
            [space.utilities], space.no_deal, party_ids=space.party_ids
        )
        front = pareto_frontier(arrays)
        nash = solve_all(arrays, names=("nash",))["nash"]
        method = "agreement-space engine on the enumerated outcomes (exact)"
    point = None if nash.utilities is None else np.asarray(nash.utilities, dtype=np.float64)
    return Benchmarks(np.asarray(front.points, dtype=np.float64), point, method)


@dataclass(frozen=True, eq=False)
class NegotiationMetrics:
    """Per-negotiation metrics of a batch (arrays, one row per negotiation).

    Attributes
    ----------
    agreement:
        ``(n,)`` whether an agreement was reached.
    step:
        ``(n,)`` step of the agreement, ``-1`` without one.
    utility, advantage:
        ``(n, n_parties)`` payoff and payoff minus no-deal utility.
    welfare:
        ``(n,)`` sum of payoffs.
    pareto_distance, nash_distance:
        ``(n,)`` Euclidean distance of the payoff vector to the nearest
        frontier point and to the Nash point (NaN when there is none).
    min_gain, gain_gap:
        ``(n,)`` smallest advantage, and largest minus smallest advantage.
    """

    agreement: BoolArray
    step: IntArray
    utility: FloatArray
    advantage: FloatArray
    welfare: FloatArray
    pareto_distance: FloatArray
    nash_distance: FloatArray
    min_gain: FloatArray
    gain_gap: FloatArray


def negotiation_metrics(
    space: OutcomeSpace,
    benchmarks: Benchmarks,
    outcome: npt.ArrayLike,
    step: npt.ArrayLike,
    n_steps: int,
    *,
    no_deal: npt.ArrayLike | None = None,
    discount: float = 1.0,
    no_deal_shift: npt.ArrayLike | None = None,
) -> NegotiationMetrics:
    """Metrics of negotiations that ended in *outcome* (``-1``: no agreement).

    With *no_deal_shift* (``(n_steps, n_parties)``, the disagreement point
    moving step by step) an agreement at step ``s`` is measured against the
    no-deal utilities of step ``s`` and no agreement pays the no-deal
    utilities of the last step.

    Notes
    -----
    ``O(n × (frontier size + n_parties))``.

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0.5, 0.5], [0, 1]], [0, 0])
    >>> m = negotiation_metrics(s, benchmarks_of(s), [2, -1], [3, -1], 10)
    >>> m.welfare.tolist(), m.nash_distance.round(3).tolist()
    ([1.0, 0.0], [0.141, 0.849])
    """
    o = np.asarray(outcome, dtype=np.int64)
    st = np.asarray(step, dtype=np.int64)
    d = (
        np.broadcast_to(space.no_deal, (o.shape[0], space.n_parties))
        if no_deal is None
        else np.asarray(no_deal, dtype=np.float64)
    )
    agreed = o >= 0
    if no_deal_shift is not None:
        shift = np.asarray(no_deal_shift, dtype=np.float64)
        d = d + shift[np.where(agreed, np.maximum(st, 0), shift.shape[0] - 1)]
    u = np.where(agreed[:, None], space.utilities[np.maximum(o, 0)], d)
    if discount != 1.0:
        t = np.where(agreed, (st + 1) / (n_steps + 1), 1.0)
        u = u * np.power(discount, t)[:, None]
    adv = u - d
    front = benchmarks.frontier
    dist = np.full(o.shape[0], np.nan)
    for a in range(0, o.shape[0], 4096):
        diff = u[a : a + 4096, None, :] - front[None, :, :]
        dist[a : a + 4096] = np.sqrt((diff**2).sum(axis=2)).min(axis=1)
    nash = (
        np.full(o.shape[0], np.nan)
        if benchmarks.nash is None
        else np.sqrt(((u - benchmarks.nash[None, :]) ** 2).sum(axis=1))
    )
    return NegotiationMetrics(
        agreement=agreed,
        step=np.where(agreed, st, -1),
        utility=u,
        advantage=adv,
        welfare=u.sum(axis=1),
        pareto_distance=dist,
        nash_distance=nash,
        min_gain=adv.min(axis=1),
        gain_gap=adv.max(axis=1) - adv.min(axis=1),
    )


def mean_interval(values: npt.ArrayLike) -> dict[str, Any]:
    """Mean with a 95 % normal-approximation confidence interval (NaNs ignored).

    Examples
    --------
    >>> mean_interval([1.0, 2.0, 3.0])
    {'mean': 2.0, 'low': 0.868414, 'high': 3.131586, 'n': 3}
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    m = float(x.mean())
    half = _Z95 * float(x.std(ddof=1)) / math.sqrt(x.size) if x.size > 1 else 0.0
    return {"mean": _r(m), "low": _r(m - half), "high": _r(m + half), "n": int(x.size)}


def proportion(count: int, n: int) -> dict[str, Any]:
    """A proportion with its 95 % Wilson score interval.

    Examples
    --------
    >>> proportion(8, 10)
    {'rate': 0.8, 'low': 0.490162, 'high': 0.943318, 'count': 8, 'n': 10}
    """
    from peacetable.core.sampling import wilson_interval

    if n == 0:
        return {"rate": None, "low": None, "high": None, "count": 0, "n": 0}
    lo, hi = wilson_interval(int(count), int(n))
    return {"rate": _r(count / n), "low": _r(lo), "high": _r(hi), "count": int(count), "n": int(n)}


def _r(v: float) -> float:
    return round(float(v), 6)
