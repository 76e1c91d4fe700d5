"""Bueno de Mesquita's expected utility model, as replicated by Scholz, Calbert & Smith (2011).

Each round every actor estimates, for every other actor, the expected utility
of challenging it and of being challenged by it; from the pair of estimates
follows an *offer* (confrontation, compromise or capitulation); every actor
accepts the best offer it receives, and all actors move at once.  The
forecast of each round is the weighted median (median voter) of the positions.

The pairwise computations are vectorised with NumPy over issues × actor pairs
(and over voters for the probabilities), so all 364 DEU III issues run in one
pass: arrays of shape ``(issues, actors, actors[, actors])``.

Equations (Scholz et al. 2011, sec. 3; BDM 1994, pp. 78-86), for issue scale
span :math:`R` and :math:`d_{ij} = |x_i - x_j| / R`:

* votes of actor *k* for *i* over *j*: :math:`v^k_{ij} = c_k s_k
  ((|x_k - x_j|/R)^{r_k} - (|x_k - x_i|/R)^{r_k})`;
* probability that *i* beats *j*: :math:`P_{ij} = \\sum_{k: v^k_{ij} > 0} v^k_{ij}
  / \\sum_k |v^k_{ij}|`;
* utilities (risk exponent :math:`r`): :math:`U^s = 2 - 4(0.5 - 0.5 d_{ij})^r`,
  :math:`U^f = 2 - 4(0.5 + 0.5 d_{ij})^r`, :math:`U^{sq} = 2 - 4 \\cdot 0.5^r`,
  :math:`U^{b,w} = 2 - 4(0.5 \\mp 0.25(|x_i - \\mu| + |x_i - x_j|)/R)^r`;
* expected utility of *i* challenging *j*: :math:`EU_{ij} = s_j(P_{ij} U^s +
  (1 - P_{ij}) U^f) + (1 - s_j) U^s - Q U^{sq} - (1 - Q)(T U^b + (1 - T) U^w)`;
* risk: with all :math:`r = 1`, security :math:`\\sigma_i = \\sum_{j \\ne i} EU_{ji}`,
  :math:`R_i = (2\\sigma_i - \\max\\sigma - \\min\\sigma)/(\\max\\sigma - \\min\\sigma)`,
  :math:`r_i = (1 - R_i/3)/(1 + R_i/3)`;
* offers received by *i* from *j* (from *i*'s estimates): confrontation that *i*
  loses if :math:`EU_{ji} > EU_{ij} > 0` (move to :math:`x_j`); compromise if
  :math:`EU_{ij} < 0 < EU_{ji}` and :math:`|EU_{ij}| < EU_{ji}` (move to
  :math:`x_i + (x_j - x_i)|EU_{ij}/EU_{ji}|`); capitulation if
  :math:`EU_{ij} < 0 < EU_{ji}` and :math:`|EU_{ij}| > EU_{ji}` (move to :math:`x_j`).

Ambiguities of the replication, resolved here (``reading="scholz2011"``):

1. *Whose risk exponent prices* :math:`EU_{ji}` *in i's decision* — actor *i*'s
   own :math:`r_i` (the paper's superscript-*i* perception notation
   :math:`EU^i_{ji}`; also jmckib's code).  dmasad's code uses :math:`r_j`.
2. *Normaliser of the probability* — the votes on the pair (*i*, *j*) only, so
   :math:`0 \\le P \\le 1` as written in the paper.  jmckib's code divides by
   the absolute votes summed over *all* pairs of positions, which makes every
   :math:`P` tiny.  dmasad's code (at aa3899a) uses linear (risk-free) votes and
   the *net* vote :math:`\\max(0, \\sum_k v^k_{ij})` as numerator.
3. *Which offer is accepted* — the one requiring the smallest move (BDM 1994,
   quoted by Scholz et al.), whatever its type; ties go to the earlier actor.
   jmckib's code ranks confrontations before compromises before capitulations
   and picks, among compromises, the one with the lowest resulting position
   (a quirk its author attributes to Scholz's own code); its capitulation
   test compares :math:`EU_{ji}` with itself, so capitulations never happen.
   dmasad's code considers only the offer whose sender expects the most.
4. *Forecast* — the c·s weighted median of the positions (the median voter,
   i.e. the Condorcet winner in one dimension); the weighted mean is reported
   next to it.  jmckib's "median" is a sequential pairwise contest in set
   order; dmasad's ``vote()`` returns the position with the largest pairwise
   margin.

The readings of both replications are available as ``reading="jmckib"`` and
``reading="dmasad"`` and reproduce the stored reference outputs exactly (see
``tests/forecast/test_expected_utility.py``), which pins each difference.

References
----------
.. [1] Scholz, J. B., Calbert, G. J., & Smith, G. A. (2011). Unravelling Bueno
   de Mesquita's group decision model. *Journal of Theoretical Politics* 23(4),
   510-531.
.. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility
   method. In Bueno de Mesquita & Stokman (eds), *European Community Decision
   Making*, 71-104. Yale University Press.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from peacetable.core.results import Provenance
from peacetable.errors import AnalysisError
from peacetable.forecast.baselines import weighted_mean_positions, weighted_median_positions
from peacetable.forecast.data import FloatArray, ForecastProblem
from peacetable.forecast.results import ModelForecast

Reading = Literal["scholz2011", "jmckib", "dmasad"]
READINGS: tuple[str, ...] = ("scholz2011", "jmckib", "dmasad")

_NONE, _CONFRONT, _COMPROMISE, _CAPITULATE = 0, 1, 2, 3
OFFER_NAMES = {_CONFRONT: "loses confrontation to", _COMPROMISE: "compromises with",
               _CAPITULATE: "capitulates to"}  # fmt: skip


@dataclass(frozen=True)
class _Rules:
    votes: str  # "risk" | "linear_net"
    denominator: str  # "pair" | "all_pairs"
    perspective: str  # "own" | "actual"
    selection: str  # "least_move" | "jmckib" | "strongest"


_RULES: dict[str, _Rules] = {
    "scholz2011": _Rules("risk", "pair", "own", "least_move"),
    "jmckib": _Rules("risk", "all_pairs", "own", "jmckib"),
    "dmasad": _Rules("linear_net", "pair", "actual", "strongest"),
}


def _probabilities(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    span: FloatArray,
    mask: NDArray[np.bool_],
    rules: _Rules,
) -> FloatArray:
    """``P[m, i, j]``: probability that *i* beats *j* on issue *m*."""
    dist = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]  # [m, k, a]
    util = dist ** r[:, :, None] if rules.votes == "risk" else dist
    util = np.where(mask[:, :, None], util, 0.0)
    # net votes for i over j: sum_k w_k (util[k, j] - util[k, i]) -- linear, cheap
    wu = (w[:, :, None] * util).sum(axis=1)  # [m, a]
    net = wu[:, None, :] - wu[:, :, None]  # [m, i, j]
    # absolute votes sum_k w_k |util[k, j] - util[k, i]|, one voter at a time
    # (keeps the working set at m n^2 instead of m n^3)
    n = x.shape[1]
    ii, jj = np.triu_indices(n, 1)
    den_pairs = np.zeros((x.shape[0], ii.size))
    for k in range(n):  # |.| is symmetric in (i, j): the upper triangle suffices
        uk = util[:, k, :]
        den_pairs += w[:, k, None] * np.abs(uk[:, jj] - uk[:, ii])
    den = np.zeros_like(net)
    den[:, ii, jj] = den_pairs
    den[:, jj, ii] = den_pairs
    # sum of the positive votes = (net + |votes|) / 2
    num = np.maximum(net, 0.0) if rules.votes == "linear_net" else 0.5 * (net + den)
    if rules.denominator == "all_pairs":
        den = np.broadcast_to(den.sum(axis=(1, 2))[:, None, None], den.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, num / den, 0.0)
    same = x[:, :, None] == x[:, None, :]
    return np.where(same, 0.0, p)


def _expected_utility(
    x: FloatArray,
    s: FloatArray,
    p: FloatArray,
    rr: FloatArray,
    span: FloatArray,
    mu: FloatArray,
    q: float,
    t: float,
) -> FloatArray:
    """``EU[m, i, j]`` of *i* challenging *j*, priced with exponent ``rr[m, i, j]``."""
    d = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    if np.all(rr == 1.0):  # risk-neutral: the powers are linear
        us, uf, usq = 2 * d, -2 * d, np.zeros_like(d)
    else:
        us = 2 - 4 * (0.5 - 0.5 * d) ** rr
        uf = 2 - 4 * (0.5 + 0.5 * d) ** rr
        usq = 2 - 4 * 0.5**rr
    sj = s[:, None, :]
    eu = sj * (p * us + (1 - p) * uf) + (1 - sj) * us - q * usq
    if q != 1.0:
        e = (np.abs(x - mu[:, None])[:, :, None] / span[:, None, None] + d) * 0.25
        ub = 2 - 4 * np.clip(0.5 - e, 0.0, None) ** rr
        uw = 2 - 4 * (0.5 + e) ** rr
        eu = eu - (1 - q) * (t * ub + (1 - t) * uw)
    return np.asarray(eu, dtype=np.float64)


def _risk_exponents(eu1: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    """Risk exponents ``r[m, i]`` from the r = 1 expected utilities (security levels)."""
    pair = mask[:, :, None] & mask[:, None, :]
    security = np.where(pair, eu1, 0.0).sum(axis=1)  # sigma_i = sum_j EU_ji
    big = np.where(mask, security, -np.inf).max(axis=1)
    small = np.where(mask, security, np.inf).min(axis=1)
    rng = big - small
    with np.errstate(invalid="ignore", divide="ignore"):
        cap_r = (2 * security - big[:, None] - small[:, None]) / rng[:, None]
    cap_r = np.where((rng[:, None] > 0) & mask, cap_r, 0.0)
    return np.asarray((1 - cap_r / 3) / (1 + cap_r / 3), dtype=np.float64)


def _round(
    x: FloatArray,
    s: FloatArray,
    w: FloatArray,
    span: FloatArray,
    mask: NDArray[np.bool_],
    rules: _Rules,
    q: float,
    t: float,
) -> tuple[FloatArray, FloatArray, NDArray[np.int8], NDArray[np.intp]]:
    """One round; returns new positions, risk exponents, offer type and partner per actor."""
    m, n = x.shape
    mu = weighted_median_positions(x.T, w.T)
    ones = np.ones((m, n, n))
    p1 = _probabilities(x, w, np.ones_like(x), span, mask, rules)
    eu1 = _expected_utility(x, s, p1, ones, span, mu, q, t)
    r = _risk_exponents(eu1, mask)
    p = _probabilities(x, w, r, span, mask, rules)
    # own[m, i, j]: i challenges j priced with r_i ; as i's estimate of EU_ji use
    # the transpose of a matrix priced with the perceiver's exponent.
    eu_own = _expected_utility(x, s, p, np.broadcast_to(r[:, :, None], (m, n, n)), span, mu, q, t)
    eu_ij = eu_own
    if rules.perspective == "own":
        # EU^i_ji: j challenges i, priced with r_i (row index of the result = i)
        eu_by_i = _expected_utility(
            x, s, p, np.broadcast_to(r[:, None, :], (m, n, n)), span, mu, q, t
        )
        eu_ji = np.swapaxes(eu_by_i, 1, 2)
    else:
        eu_ji = np.swapaxes(eu_own, 1, 2)
    pair = mask[:, :, None] & mask[:, None, :] & (x[:, :, None] != x[:, None, :])
    kind = np.zeros((m, n, n), dtype=np.int8)
    confront = pair & (eu_ij > 0) & (eu_ji > eu_ij)
    compromise = pair & (eu_ij < 0) & (eu_ji > 0) & (np.abs(eu_ij) < eu_ji)
    capitulate = pair & (eu_ij < 0) & (eu_ji > 0) & (np.abs(eu_ij) > eu_ji)
    if rules.selection == "jmckib":
        capitulate = np.zeros_like(capitulate)
    kind[confront] = _CONFRONT
    kind[compromise] = _COMPROMISE
    kind[capitulate] = _CAPITULATE
    xi = x[:, :, None]
    xj = x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(compromise, np.abs(eu_ij) / np.where(eu_ji > 0, eu_ji, 1.0), 0.0)
    target = np.where(kind == _COMPROMISE, xi + (xj - xi) * frac, xj)
    move = np.abs(target - xi)
    has = kind != _NONE
    if rules.selection == "least_move":
        key = np.where(has, move, np.inf)
    elif rules.selection == "jmckib":
        any_conf = (kind == _CONFRONT).any(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            comp_key = (np.abs(eu_ij) * xi + np.abs(eu_ji) * xj) / (np.abs(eu_ij) + np.abs(eu_ji))
        key = np.where(
            any_conf,
            np.where(kind == _CONFRONT, move, np.inf),
            np.where(kind == _COMPROMISE, comp_key, np.inf),
        )
    else:  # strongest: the offer from the sender with the largest EU_ji > 0
        sent = pair & (eu_ji > 0)
        strongest = np.where(sent, eu_ji, -np.inf)
        best_eu = strongest.max(axis=2, keepdims=True)
        top = sent & (strongest == best_eu)
        key0 = np.where(top, np.abs(xj - xi), np.inf)
        chosen = np.argmin(key0, axis=2)
        ok = np.take_along_axis(top, chosen[:, :, None], axis=2)[:, :, 0]
        eu_i_c = np.take_along_axis(eu_ij, chosen[:, :, None], axis=2)[:, :, 0]
        eu_j_c = np.take_along_axis(eu_ji, chosen[:, :, None], axis=2)[:, :, 0]
        xj_c = np.take_along_axis(np.broadcast_to(xj, (m, n, n)), chosen[:, :, None], 2)[:, :, 0]
        k = np.zeros((m, n), dtype=np.int8)
        k[ok & (eu_i_c > 0) & (eu_i_c < eu_j_c)] = _CONFRONT
        k[ok & (eu_i_c < 0) & (np.abs(eu_i_c) < eu_j_c)] = _COMPROMISE
        k[ok & (eu_i_c < 0) & (np.abs(eu_i_c) > eu_j_c)] = _CAPITULATE
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(k == _COMPROMISE, np.abs(eu_i_c) / np.where(eu_j_c > 0, eu_j_c, 1), 0)
        new = np.where(k == _COMPROMISE, x + (xj_c - x) * f, np.where(k != _NONE, xj_c, x))
        return new, r, k, chosen
    chosen = np.argmin(key, axis=2)
    best = np.take_along_axis(key, chosen[:, :, None], axis=2)[:, :, 0]
    accepted = np.isfinite(best)
    new_pos = np.take_along_axis(target, chosen[:, :, None], axis=2)[:, :, 0]
    k_sel = np.take_along_axis(kind, chosen[:, :, None], axis=2)[:, :, 0]
    new = np.where(accepted, new_pos, x)
    return new, r, np.where(accepted, k_sel, _NONE).astype(np.int8), chosen


def expected_utility_model(
    problem: ForecastProblem,
    rounds: int = 10,
    *,
    reading: Reading = "scholz2011",
    q: float = 1.0,
    t: float = 1.0,
    record_events: bool = True,
) -> ModelForecast:
    """Run the BDM expected utility model round by round on every issue.

    Parameters
    ----------
    problem:
        The data (saliences 0..1; capabilities in any unit).
    rounds:
        Number of rounds (≥ 0).
    reading:
        ``"scholz2011"`` (default: the paper, ambiguities resolved as in the
        module docstring), ``"jmckib"`` or ``"dmasad"`` (the two public
        replications, reproduced for comparison).
    q, t:
        BDM's probability that the status quo persists if no challenge is made
        (``Q``) and that it improves (``T``); Scholz et al. use ``Q = 1``.
    record_events:
        Record every accepted offer (``diagnostics["events"]``).

    Returns
    -------
    ModelForecast
        ``forecast``: weighted median of the final positions;
        ``forecast_by_round``: that median per round;
        ``diagnostics["mean_by_round"]``: the weighted mean per round;
        ``diagnostics["risk_exponents"]``: ``r`` per round, actor, issue;
        ``trajectory``: positions per round.

    Raises
    ------
    AnalysisError
        If *rounds* is negative, a reading is unknown, or *q*/*t* lie outside 0..1.

    Notes
    -----
    Per round: :math:`O(m n^3)` time for *m* issues and *n* actors (the
    probability of every pair sums the votes of every actor) and
    :math:`O(m n^2)` memory: vectorised over issues × actor pairs, with one
    vector pass per voter.  The sum of positive votes is obtained as
    ``(net + |votes|) / 2`` and ``|votes|`` is symmetric, so only the upper
    triangle of pairs is summed.  Deterministic: no randomness.

    References
    ----------
    Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510-531;
    Bueno de Mesquita (1994), pp. 71-104.

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(["a", "b", "c"], [0, 50, 100], [0.9, 0.5, 0.2], [1, 1, 1])
    >>> res = expected_utility_model(p, rounds=2)
    >>> res.trajectory.shape
    (3, 3, 1)
    """
    if rounds < 0:
        raise AnalysisError(f"rounds must be >= 0, got {rounds}")
    if reading not in _RULES:
        raise AnalysisError(f"unknown reading {reading!r}; choose one of {READINGS}")
    if not (0 <= q <= 1 and 0 <= t <= 1):
        raise AnalysisError("q and t must lie in 0..1")
    rules = _RULES[reading]
    mask = problem.present.T.copy()
    x = np.where(mask, problem.position.T, 0.0)
    s = np.where(mask, problem.salience.T, 0.0)
    w = np.where(mask, problem.capability.T * problem.salience.T, 0.0)
    span = problem.upper - problem.lower
    traj = [x.copy()]
    risks: list[FloatArray] = []
    events: list[list[dict[str, Any]]] = []
    for _ in range(rounds):
        new, r, kind, partner = _round(x, s, w, span, mask, rules, q, t)
        risks.append(r)
        if record_events:
            ev: list[dict[str, Any]] = []
            for mi, ai in zip(*np.nonzero(kind), strict=True):
                ev.append(
                    {
                        "issue": problem.issues[int(mi)].id,
                        "actor": problem.actors[int(ai)],
                        "offer": OFFER_NAMES[int(kind[mi, ai])],
                        "other": problem.actors[int(partner[mi, ai])],
                        "new_position": float(new[mi, ai]),
                    }
                )
            events.append(ev)
        x = np.where(mask, new, 0.0)
        traj.append(x.copy())
    stack = np.stack(traj)  # [round, m, n]
    trajectory = np.where(mask[None], stack, np.nan).transpose(0, 2, 1)
    w_t = w.T
    medians = np.stack([weighted_median_positions(pos, w_t) for pos in trajectory])
    means = np.stack([weighted_mean_positions(pos, w_t) for pos in trajectory])
    moved = [int((np.abs(traj[k + 1] - traj[k]) > 0).sum()) for k in range(rounds)]
    return ModelForecast(
        model="bdm" if reading == "scholz2011" else f"bdm_{reading}",
        forecast=medians[-1],
        forecast_by_round=medians,
        trajectory=trajectory,
        rounds=rounds,
        parameters={"reading": reading, "q": q, "t": t},
        diagnostics={
            "mean_by_round": means,
            "moves_per_round": moved,
            "risk_exponents": (
                np.stack(risks).transpose(0, 2, 1) if risks else np.zeros((0, *x.T.shape))
            ),
            "events": events,
        },
        provenance=Provenance(
            f"BDM expected utility model, Scholz et al. (2011), reading {reading!r}; "
            "forecast = c·s weighted median of final positions"
        ),
    )
