"""The disagreement point: what no agreement is worth to each party, month by month.

Two forms (``docs/format.md``, the ``disagreement`` block):

* **scalar** -- each party's ``no_deal`` utility, changing linearly:
  ``d_p(t) = utility_p + monthly_change_p · t``;
* **lottery** -- no deal means the conflict goes on and ends in one of several
  outcomes (packages of the scenario's issue space). Party ``p`` holds its own
  probabilities ``q_p(0)`` over them, which converge toward a common estimate as
  fighting reveals information, and fighting on costs it something now and more
  the longer it has lasted::

      q_p(t) = common + (q_p(0) − common) · (1 − λ)^t
      d_p(t) = Σ_o q_po(t) · u_p(o) − cost_p − monthly_p · t

  with ``u_p(o)`` the party's ordinary utility of outcome ``o`` (the same
  evaluator as every package). With common beliefs, one issue on a line and
  "A wins everything with probability p" this is Fearon's war payoff ``p − c_A``,
  and the agreements both sides accept are exactly ``[p − c_A, p + c_B]``;
  mutual optimism (``p_A − p_B > c_A + c_B``) empties that range.

:func:`no_deal_at` evaluates the lottery form for many sampled worlds at once
(the nominal scenario is the one-world case), so the prepared scenario, the
uncertainty lens and ripeness compute ``d(t)`` the same way.

References
----------
.. [1] Fearon, J. D. (1995). Rationalist explanations for war. *International
   Organization* 49(3), 379-414 (the bargaining range; mutual optimism).
.. [2] Blainey, G. (1973). *The Causes of War*. Free Press (optimism and war).
.. [3] Slantchev, B. L. (2003). The principle of convergence in wartime
   negotiations. *American Political Science Review* 97(4), 621-632.
.. [4] Powell, R. (2004). Bargaining and learning while fighting. *American
   Journal of Political Science* 48(2), 344-361.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import FloatArray, IntArray


def converged_beliefs(
    beliefs: npt.ArrayLike, common: npt.ArrayLike, rate: npt.ArrayLike, t: float
) -> FloatArray:
    """Beliefs after *t* months: ``common + (beliefs − common)(1 − rate)^t``.

    Parameters
    ----------
    beliefs:
        ``(P, m, n)`` each party's probabilities at month 0 (``n`` worlds).
    common:
        ``(m, n)`` the common estimate they converge to.
    rate:
        ``(n,)`` the share of the gap closed each month (0..1).
    t:
        Months.

    Examples
    --------
    >>> converged_beliefs([[[0.8], [0.2]]], [[0.5], [0.5]], [0.5], 1).round(3).tolist()
    [[[0.65], [0.35]]]
    """
    q0 = np.asarray(beliefs, dtype=np.float64)
    c = np.asarray(common, dtype=np.float64)[None]
    keep = (1.0 - np.asarray(rate, dtype=np.float64)) ** t
    return np.asarray(c + (q0 - c) * keep[None, None, :])


def no_deal_at(
    beliefs: npt.ArrayLike,
    common: npt.ArrayLike,
    rate: npt.ArrayLike,
    cost: npt.ArrayLike,
    monthly: npt.ArrayLike,
    outcome_utilities: npt.ArrayLike,
    t: float,
) -> FloatArray:
    """Lottery no-deal utilities ``(P, n)`` at month *t* in ``n`` worlds.

    Parameters
    ----------
    beliefs, common, rate:
        As :func:`converged_beliefs`.
    cost, monthly:
        ``(P, n)`` cost of fighting on, and its increase per month already fought.
    outcome_utilities:
        ``(m, P, n)`` each party's utility of each outcome.
    t:
        Months from now.

    Examples
    --------
    Fearon's bargaining range on one issue (A's share): A wins everything with
    probability 0.6, costs 0.1 and 0.2; A's no deal is worth 0.5, B's 0.2.

    >>> u = [[[1.0], [0.0]], [[0.0], [1.0]]]   # outcomes "A wins", "B wins"
    >>> q = [[[0.6], [0.4]], [[0.6], [0.4]]]
    >>> no_deal_at(q, [[0.6], [0.4]], [0.0], [[0.1], [0.2]], [[0.0], [0.0]], u, 0).round(6).tolist()
    [[0.5], [0.2]]
    """
    q = converged_beliefs(beliefs, common, rate, t)  # (P, m, n)
    u = np.asarray(outcome_utilities, dtype=np.float64)  # (m, P, n)
    value = np.einsum("pmn,mpn->pn", q, u)
    return np.asarray(
        value - np.asarray(cost, dtype=np.float64) - np.asarray(monthly, dtype=np.float64) * t
    )


@dataclass(frozen=True, eq=False)
class DisagreementPoint:
    """The nominal disagreement model of a prepared scenario (see the module notes).

    Attributes
    ----------
    package:
        Option indices of the package that *is* no deal, or ``None``.
    base, slope:
        ``(P,)`` scalar form: no-deal utility at month 0 and change per month
        (used when there are no outcomes).
    outcomes:
        ``(m, n_issues)`` packages of the conflict's possible ends (``m = 0``:
        scalar form).
    outcome_ids:
        Their ids.
    beliefs:
        ``(P, m)`` each party's probabilities at month 0.
    common:
        ``(m,)`` the estimate beliefs converge to.
    convergence:
        Share of the belief gap closed per month.
    cost, monthly:
        ``(P,)`` cost of fighting on now, and its increase per month.
    outcome_utilities:
        ``(m, P)`` each party's utility of each outcome.
    """

    package: IntArray | None
    base: FloatArray
    slope: FloatArray
    outcomes: IntArray
    outcome_ids: tuple[str, ...]
    beliefs: FloatArray
    common: FloatArray
    convergence: float
    cost: FloatArray
    monthly: FloatArray
    outcome_utilities: FloatArray

    @property
    def lottery(self) -> bool:
        """Whether no deal is a lottery over conflict outcomes (else scalar)."""
        return bool(self.outcomes.shape[0])

    def at(self, t: float) -> FloatArray:
        """``(P,)`` each party's no-deal utility after *t* months."""
        if not self.lottery:
            return np.asarray(self.base + self.slope * t)
        return no_deal_at(
            self.beliefs[:, :, None],
            self.common[:, None],
            np.array([self.convergence]),
            self.cost[:, None],
            self.monthly[:, None],
            self.outcome_utilities[:, :, None],
            t,
        )[:, 0]

    def beliefs_at(self, t: float) -> FloatArray:
        """``(P, m)`` each party's probabilities of the outcomes after *t* months."""
        return converged_beliefs(
            self.beliefs[:, :, None], self.common[:, None], np.array([self.convergence]), t
        )[:, :, 0]
