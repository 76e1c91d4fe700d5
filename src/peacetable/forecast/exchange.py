"""The exchange model of voting positions (Stokman & van Oosten), equal-gain variant.

Two actors who sit on opposite sides of the current expected outcome on two
issues, and who care about the two issues in different proportions, can both
gain by trading: each shifts its *voting position* on the issue it cares less
about towards the other's position, in return for the other doing the same on
the issue it cares more about.  In the equal-gain variant both gain the same
amount of salience-weighted utility.

The expected outcome of an issue is its c·s weighted mean of voting positions
(the "NBS" of the Decide programme).  Per round:

1. sides: every actor is left (``x ≤`` outcome) or right of the outcome on
   each issue;
2. candidates: every pair of actors on opposite sides on *both* issues of an
   issue pair; the actor whose salience ratio ``s_p / s_q`` is larger demands
   ``p`` and supplies ``q``;
3. equal gain: the supplier of ``p`` moves all the way to the demander's
   position, shifting the outcome by ``dp = Δx c s / Σ c s``; the counter-shift
   on ``q`` is ``dq = dp (s_ap + s_bp) / (s_aq + s_bq)``, which equalises the
   gains ``dp s_ap - dq s_aq = dq s_bq - dp s_bp``; if that requires more than a
   full move on ``q`` the roles are swapped (full move on ``q``);  both shifts
   are scaled down so that neither outcome passes the demander's position;
4. the exchange with the largest gain is realised (ties: chosen with a seeded
   random generator), the voting positions move, the outcomes of the two
   issues are updated and every candidate on those two issues is recomputed;
   an actor that has moved on an issue may later move only further in the same
   direction; repeat until no exchange with a positive gain is left;
5. new start positions: each actor that moved keeps a share
   ``0.1 + 0.4 (1 - s)`` of its move (Decide's update rule, low-salience actors
   concede more); the round's forecast is the c·s weighted mean of them.

All candidate gains are computed as NumPy arrays over (actor pair × issue
pair); after an exchange only the candidates touching its two issues are
recomputed.

Differences from Decide (decide-exchange-model, read for understanding, no code
taken): Decide recomputes a candidate's outcome with per-exchange bookkeeping
of the partner's earlier moves; here the outcome used for the overshoot rule is
the current outcome with every realised move, and demand positions are the
actors' start positions of the round.  Decide breaks exact ties with Python's
unseeded ``random``; here ties are broken with ``numpy.random.default_rng(seed)``.

References
----------
.. [1] Stokman, F. N., & Van Oosten, R. (1994). The exchange of voting positions:
   an object-oriented model of policy networks. In Bueno de Mesquita & Stokman
   (eds), *European Community Decision Making*, 105-127. Yale University Press.
.. [2] Dijkstra, J., Van Assen, M. A. L. M., & Stokman, F. N. (2008). Outcomes of
   collective decisions with externalities predicted. *Journal of Theoretical
   Politics* 20(4), 415-441.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from peacetable.core.results import Provenance
from peacetable.errors import AnalysisError
from peacetable.forecast.baselines import weighted_mean_positions
from peacetable.forecast.data import FloatArray, ForecastProblem
from peacetable.forecast.results import ModelForecast

IntArray = NDArray[np.intp]
SALIENCE_WEIGHT = 0.4
FIXED_WEIGHT = 0.1
_EPS = 1e-10


@dataclass
class _Candidates:
    """Static per-round data of the candidate exchanges (1-D arrays, one entry each).

    Actor ``a`` demands issue ``p`` and supplies ``q``; actor ``b`` the reverse.
    """

    a: IntArray
    b: IntArray
    p: IntArray
    q: IntArray
    bp: IntArray  # flat index of (b, p) in an (n, m) array
    aq: IntArray  # flat index of (a, q)
    s_ap: FloatArray
    s_aq: FloatArray
    w_bp: FloatArray  # c·s of b on p divided by the issue's Σ c·s
    w_aq: FloatArray
    ratio: FloatArray  # (s_ap + s_bp) / (s_aq + s_bq)
    unit_gain: FloatArray  # s_ap / ratio - s_aq: gain per unit of outcome shift on q
    min_shift: FloatArray  # shift on q below which a move would be < 1e-10
    x_ap: FloatArray  # demand positions (start of the round)
    x_bq: FloatArray

    def take(self, idx: IntArray) -> _Candidates:
        """The candidates ``idx`` (copies)."""
        return _Candidates(**{k: v[idx] for k, v in vars(self).items()})


def _candidates(
    x: FloatArray, w: FloatArray, s: FloatArray, mask: NDArray[np.bool_], nbs: FloatArray
) -> _Candidates:
    """All (actor pair, issue pair) with opposite sides on both issues, oriented."""
    n, m = x.shape
    left = x <= nbs[None, :]
    ii, jj = np.triu_indices(n, 1)
    pp, qq = np.triu_indices(m, 1)
    # opposite on issue k for pair (i, j): left[i,k] != left[j,k], both present
    opp = (left[ii] != left[jj]) & mask[ii] & mask[jj]  # [pairs, m]
    both = opp[:, pp] & opp[:, qq]  # [pairs, issue pairs]
    pi, ki = np.nonzero(both)
    i, j, p, q = ii[pi], jj[pi], pp[ki], qq[ki]
    # orientation: the actor with the larger s_p / s_q demands p
    i_demands_p = s[i, p] * s[j, q] >= s[j, p] * s[i, q]
    a = np.where(i_demands_p, i, j).astype(np.intp)
    b = np.where(i_demands_p, j, i).astype(np.intp)
    denom = w.sum(axis=0)
    s_ap, s_aq, s_bp, s_bq = s[a, p], s[a, q], s[b, p], s[b, q]
    keep = (s_aq + s_bq > 0) & (s_ap + s_bp > 0) & (w[b, p] > 0) & (w[a, q] > 0)
    a, b, p, q = a[keep], b[keep], p[keep].astype(np.intp), q[keep].astype(np.intp)
    s_ap, s_aq, s_bp, s_bq = s_ap[keep], s_aq[keep], s_bp[keep], s_bq[keep]
    ratio = (s_ap + s_bp) / (s_aq + s_bq)
    return _Candidates(
        a=a, b=b, p=p, q=q, bp=b * m + p, aq=a * m + q, s_ap=s_ap, s_aq=s_aq,
        w_bp=w[b, p] / denom[p], w_aq=w[a, q] / denom[q],
        ratio=ratio, unit_gain=s_ap / ratio - s_aq,
        min_shift=_EPS * np.maximum(w[a, q] / denom[q], ratio * w[b, p] / denom[p]),
        x_ap=x[a, p], x_bq=x[b, q],
    )  # fmt: skip


def _effective_shift(
    c: _Candidates, y: FloatArray, nbs: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Outcome shift ``dq`` on the demand issue of b (``dp = dq / ratio``) and the gap signs.

    ``dq`` is the equal-gain shift, capped by a full move of either supplier and
    by the room left before either outcome passes the demander's position
    (negative where there is no room).
    """
    gap_p = c.x_ap - y[c.bp]  # b supplies p and moves towards a's demand position
    gap_q = c.x_bq - y[c.aq]
    sign_p = np.sign(gap_p)
    sign_q = np.sign(gap_q)
    dq = np.minimum(gap_p * sign_p * c.w_bp * c.ratio, gap_q * sign_q * c.w_aq)
    room_p = (c.x_ap - nbs[c.p]) * sign_p * c.ratio
    room_q = (c.x_bq - nbs[c.q]) * sign_q
    return np.minimum(dq, np.minimum(room_p, room_q)), sign_p, sign_q


def _gains(
    c: _Candidates, y: FloatArray, nbs: FloatArray, direction: NDArray[np.int8]
) -> FloatArray:
    """Equal gain of every candidate in ``c`` (``-inf`` where not a valid exchange).

    The gain is ``dp s_ap - dq s_aq = dq (s_ap / ratio - s_aq)``.
    """
    dq, sign_p, sign_q = _effective_shift(c, y, nbs)
    gain = dq * c.unit_gain
    ok = (
        (gain > _EPS)
        & (dq > c.min_shift)
        & (direction[c.bp] * sign_p >= 0)
        & (direction[c.aq] * sign_q >= 0)
    )
    return np.where(ok, gain, -np.inf)


def _exchange_round(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    mask: NDArray[np.bool_],
    rng: np.random.Generator,
    max_exchanges: int,
    stop_at: float = math.inf,
) -> tuple[FloatArray, FloatArray, int, int, float, bool]:
    """One round: returns (voting positions, new start positions, exchanges, ties, gain,
    whether the round was cut short because ``time.perf_counter()`` passed *stop_at*)."""
    n, m = x.shape
    denom = w.sum(axis=0)
    nbs = weighted_mean_positions(x, w)
    cand = _candidates(x, w, s, mask, nbs)
    k = cand.a.size
    y = x.ravel().copy()  # voting positions, flat (n * m)
    direction = np.zeros(n * m, dtype=np.int8)
    if k == 0:
        return y.reshape(n, m), x.copy(), 0, 0, 0.0, False
    gains = _gains(cand, y, nbs, direction)
    # per issue, the candidates touching it (contiguous copies, recomputed together)
    groups: list[tuple[IntArray, _Candidates]] = []
    for issue in range(m):
        idx = np.flatnonzero((cand.p == issue) | (cand.q == issue))
        groups.append((idx, cand.take(idx)))
    w_flat = w.ravel()
    done = np.zeros(k, dtype=bool)
    realised = ties = 0
    total_gain = 0.0
    cut = False
    while realised < max_exchanges:
        if time.perf_counter() >= stop_at:
            cut = True
            break
        pick = int(np.argmax(gains))
        best = float(gains[pick])
        if not best > _EPS:
            break
        top = np.flatnonzero(gains >= best - 1e-12 * max(1.0, best))
        if top.size > 1:
            ties += 1
            pick = int(top[rng.integers(top.size)])
        one = cand.take(np.array([pick], dtype=np.intp))
        dq_arr, sp_arr, sq_arr = _effective_shift(one, y, nbs)
        dq, sign_p, sign_q = float(dq_arr[0]), float(sp_arr[0]), float(sq_arr[0])
        dp = dq / float(one.ratio[0])
        bp, aq = int(one.bp[0]), int(one.aq[0])
        p, q = int(one.p[0]), int(one.q[0])
        move_b = sign_p * dp * denom[p] / w_flat[bp]
        move_a = sign_q * dq * denom[q] / w_flat[aq]
        y[bp] += move_b
        y[aq] += move_a
        direction[bp] = np.int8(np.sign(move_b))
        direction[aq] = np.int8(np.sign(move_a))
        nbs[p] += sign_p * dp
        nbs[q] += sign_q * dq
        done[pick] = True
        realised += 1
        total_gain += best
        for issue in (p, q):
            idx, group = groups[issue]
            fresh = _gains(group, y, nbs, direction)
            gains[idx] = np.where(done[idx], -np.inf, fresh)
    y2 = y.reshape(n, m)
    share = FIXED_WEIGHT + SALIENCE_WEIGHT * (1.0 - s)
    new_start = np.where(mask, x + share * (y2 - x), x)
    return y2, new_start, realised, ties, total_gain, cut


def exchange_model(
    problem: ForecastProblem,
    rounds: int = 10,
    *,
    seed: int = 0,
    max_exchanges: int = 1_000_000,
    time_limit: float | None = None,
) -> ModelForecast:
    """Run the equal-gain exchange model round by round.

    Parameters
    ----------
    problem:
        The data; positions are mapped to 0..100 internally and back.
    rounds:
        Number of rounds (iterations), ≥ 0.
    seed:
        Seed of the tie-breaking among exchanges with equal gain (issue group
        *g* uses ``numpy.random.default_rng([seed, g])``).
    max_exchanges:
        Safety cap on exchanges per round.
    time_limit:
        Seconds the rounds may take (``None``: no limit). When they run out,
        the round under way stops after the exchanges made so far and no
        further round runs; the forecast is then labelled approximate
        (``provenance.exact`` false, with the rounds completed in its bound).

    Returns
    -------
    ModelForecast
        ``forecast``: the c·s weighted mean of the start positions after the
        last round (Decide's "MDS"); ``forecast_by_round`` per round;
        ``trajectory``: start positions per round;
        ``diagnostics``: exchanges and ties per round, total gain, the
        weighted mean of the *voting* positions per round, and ``cut_short``
        (whether the time limit stopped the rounds).

    Raises
    ------
    AnalysisError
        If *rounds* is negative.

    Notes
    -----
    Exchanges happen only between issues of the same group
    (:attr:`IssueScale.group`, e.g. one legislative proposal in DEU, as in
    Stokman & Thomson's applications); without groups all issues form one.
    Candidates: :math:`O(n^2 m^2)` for *n* actors and *m* issues, evaluated as
    arrays; each realised exchange re-evaluates the :math:`O(n^2 m)`
    candidates on its two issues.  Deterministic for a given seed.

    References
    ----------
    Stokman & Van Oosten (1994); Dijkstra, Van Assen & Stokman (2008).

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(
    ...     ["a", "b"], [[0, 100], [100, 0]], [[0.9, 0.1], [0.2, 0.8]], [1.0, 1.0],
    ...     scales={"issue1": (0, 100), "issue2": (0, 100)})
    >>> r = exchange_model(p, rounds=1)
    >>> r.diagnostics["exchanges_per_round"]
    [1]
    """
    if rounds < 0:
        raise AnalysisError(f"rounds must be >= 0, got {rounds}")
    mask = problem.present
    lo, span = problem.lower, problem.upper - problem.lower
    x = np.where(mask, (problem.position - lo) / span * 100.0, 0.0)
    s = np.where(mask, problem.salience, 0.0)
    w = np.where(mask, problem.capability * problem.salience, 0.0)
    labels = [i.group for i in problem.issues]
    blocks: list[IntArray] = [
        np.array([k for k, g in enumerate(labels) if g == label], dtype=np.intp)
        for label in dict.fromkeys(labels)
    ]
    rngs = [np.random.default_rng([seed, b]) for b in range(len(blocks))]
    traj = [x.copy()]
    voting_means: list[FloatArray] = []
    exchanges: list[int] = []
    tie_counts: list[int] = []
    gains: list[float] = []
    stop_at = math.inf if time_limit is None else time.perf_counter() + max(0.0, time_limit)
    cut = False
    for _ in range(rounds):
        if cut:
            break
        y = x.copy()
        new_x = x.copy()
        realised = ties = 0
        gain = 0.0
        for block, rng in zip(blocks, rngs, strict=True):
            if cut:  # the time ran out in an earlier group: this one keeps its positions
                continue
            yb, xb, nb, tb, gb, cut = _exchange_round(
                x[:, block], w[:, block], s[:, block], mask[:, block], rng, max_exchanges, stop_at
            )
            y[:, block] = yb
            new_x[:, block] = xb
            realised += nb
            ties += tb
            gain += gb
        x = new_x
        traj.append(x.copy())
        voting_means.append(weighted_mean_positions(y, w) / 100.0 * span + lo)
        exchanges.append(realised)
        tie_counts.append(ties)
        gains.append(gain)
    stack = np.stack(traj) / 100.0 * span[None, None, :] + lo[None, None, :]
    trajectory = np.where(mask[None], stack, np.nan)
    by_round = np.stack([weighted_mean_positions(pos, w) for pos in trajectory])
    return ModelForecast(
        model="exchange",
        forecast=by_round[-1],
        forecast_by_round=by_round,
        trajectory=trajectory,
        rounds=len(exchanges),
        parameters={
            "seed": seed,
            "salience_weight": SALIENCE_WEIGHT,
            "fixed_weight": FIXED_WEIGHT,
            "issue_groups": len(blocks),
        },
        diagnostics={
            "exchanges_per_round": exchanges,
            "ties_per_round": tie_counts,
            "gain_per_round": gains,
            "cut_short": cut,
            "voting_mean_by_round": (
                np.stack(voting_means) if voting_means else np.zeros((0, problem.n_issues))
            ),
        },
        provenance=Provenance(
            "equal-gain exchange of voting positions (Stokman & van Oosten 1994), "
            "forecast = c·s weighted mean of positions",
            exact=not cut,
            bound=None
            if not cut
            else (
                f"stopped at its {time_limit:.3g} s time limit after {len(exchanges) - 1} of "
                f"{rounds} rounds and part of the next ({exchanges[-1]:,} exchanges in it); how "
                "far it got depends on the machine's speed"
            ),
            seed=seed,
        ),
    )
