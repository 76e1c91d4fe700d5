"""Static baselines: compromise model, weighted median, one-dimensional Nash bargaining.

All three are vectorised over issues; actors without a position on an issue
(``NaN``) carry zero weight there.

References
----------
.. [1] Van den Bos, J. M. M. (1991). *Dutch EC Policy Making: A Model-Guided
   Approach to Coordination and Negotiation*. Amsterdam: Thesis Publishers.
.. [2] Achen, C. H. (2006). Evaluating political decision-making models. In
   Thomson, Stokman, Achen & König (eds), *The European Union Decides*, ch. 10,
   264-298.  Cambridge University Press.
.. [3] Black, D. (1948). On the rationale of group decision-making. *Journal of
   Political Economy* 56(1), 23-34.
.. [4] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2),
   155-162; Kalai, E. (1977). Nonsymmetric Nash solutions and replications of
   2-person bargaining. *Int. J. Game Theory* 6, 129-133.
"""

from __future__ import annotations

import numpy as np

from peacetable.core.results import Provenance
from peacetable.errors import AnalysisError
from peacetable.forecast.data import FloatArray, ForecastProblem
from peacetable.forecast.results import ModelForecast

WEIGHTINGS = ("capability_salience", "salience", "capability", "equal")


def actor_weights(problem: ForecastProblem, weighting: str = "capability_salience") -> FloatArray:
    """Per actor and issue weights, zero where the actor is absent.

    Parameters
    ----------
    problem:
        The data.
    weighting:
        ``"capability_salience"`` (c·s, the compromise model of [2]),
        ``"salience"``, ``"capability"`` or ``"equal"``.

    Returns
    -------
    numpy.ndarray
        ``(n_actors, n_issues)`` non-negative weights.

    Raises
    ------
    AnalysisError
        Unknown weighting.
    """
    present = problem.present
    if weighting == "capability_salience":
        w = problem.capability * problem.salience
    elif weighting == "salience":
        w = problem.salience.copy()
    elif weighting == "capability":
        w = problem.capability.copy()
    elif weighting == "equal":
        w = np.ones_like(problem.position)
    else:
        raise AnalysisError(f"unknown weighting {weighting!r}; choose one of {WEIGHTINGS}")
    return np.where(present, w, 0.0)


def weighted_mean_positions(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Column-wise weighted mean of *position* (NaN where all weights are zero).

    Sums run over the actors in input order (one vector operation per actor),
    so the result agrees to the last bit with the sequential sums of the
    reference implementations (e.g. 7.389955686853767 on the emission example).
    """
    x = np.where(weight > 0, position, 0.0)
    total = np.zeros(position.shape[1:])
    acc = np.zeros(position.shape[1:])
    for row_w, row_x in zip(weight, x, strict=True):
        total = total + row_w
        acc = acc + row_w * row_x
    with np.errstate(invalid="ignore", divide="ignore"):
        out = acc / total
    return np.where(total > 0, out, np.nan)


def weighted_median_positions(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Column-wise weighted median: the smallest position whose cumulative weight reaches half.

    In one dimension with single-peaked (distance-based) preferences this is
    the Condorcet winner among the positions (Black 1948 [3]); when exactly
    half the weight lies at or below a position the lower one is returned.
    """
    x = np.where(weight > 0, position, np.inf)
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    ws = np.take_along_axis(weight, order, axis=0)
    cum = np.cumsum(ws, axis=0)
    total = cum[-1]
    idx = np.argmax(cum >= 0.5 * total * (1 - 1e-12), axis=0)
    out = xs[idx, np.arange(x.shape[1])]
    return np.where(total > 0, out, np.nan)


def compromise(problem: ForecastProblem, weighting: str = "capability_salience") -> ModelForecast:
    """Compromise model: the weighted mean of the positions.

    Parameters
    ----------
    problem:
        The data.
    weighting:
        See :func:`actor_weights`; ``"capability_salience"`` is the classic
        compromise model, ``"salience"`` the salience-only variant.

    Returns
    -------
    ModelForecast

    Notes
    -----
    The forecast on issue *d* is :math:`\\sum_i c_{id} s_{id} x_{id} /
    \\sum_i c_{id} s_{id}` (Van den Bos 1991 [1]; Achen 2006 [2]).  It is
    also the asymmetric Nash bargaining solution when utilities are
    exponential-quadratic, which is why Decide calls it the "NBS".
    :math:`O(n m)` for *n* actors and *m* issues.

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(["a", "b"], [0, 10], [1.0, 1.0], [1.0, 3.0])
    >>> float(compromise(p).forecast[0])
    7.5
    """
    w = actor_weights(problem, weighting)
    name = "compromise" if weighting == "capability_salience" else f"compromise_{weighting}"
    return ModelForecast(
        model=name,
        forecast=weighted_mean_positions(problem.position, w),
        parameters={"weighting": weighting},
        provenance=Provenance(
            f"weighted mean of positions, weights {weighting} (Van den Bos 1991; Achen 2006)"
        ),
    )


def weighted_median(
    problem: ForecastProblem, weighting: str = "capability_salience"
) -> ModelForecast:
    """Median voter model: the weighted median of the positions.

    Notes
    -----
    The position at which the cumulative weight (sorted by position) first
    reaches half the total — the Condorcet winner among positions with
    weighted distance-based voting (Black 1948 [3]; Achen 2006 [2]).
    :math:`O(n \\log n \\cdot m)`.

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(["a", "b", "c"], [0, 5, 10], [1, 1, 1], [1.0, 1.0, 3.0])
    >>> float(weighted_median(p).forecast[0])
    10.0
    """
    w = actor_weights(problem, weighting)
    name = "median" if weighting == "capability_salience" else f"median_{weighting}"
    return ModelForecast(
        model=name,
        forecast=weighted_median_positions(problem.position, w),
        parameters={"weighting": weighting},
        provenance=Provenance(f"weighted median of positions, weights {weighting} (Black 1948)"),
    )


def nash_bargaining(
    problem: ForecastProblem, weighting: str = "capability_salience", tol: float = 1e-10
) -> ModelForecast:
    """One-dimensional asymmetric Nash bargaining solution with linear utilities.

    Maximises :math:`\\sum_i w_i \\log U_i(x)` over the issue scale with
    :math:`U_i(x) = 1 - |x - x_i| / (\\text{upper} - \\text{lower})` and the
    disagreement point at utility 0 (one full scale away), bargaining weights
    :math:`w_i = c_i s_i` (Nash 1950; Kalai 1977 [4]).

    Parameters
    ----------
    problem:
        The data.
    weighting:
        Bargaining weights, see :func:`actor_weights`.
    tol:
        Bisection tolerance on the scale.

    Returns
    -------
    ModelForecast
        ``exact=False``: the maximiser is found by bisection to *tol*.

    Notes
    -----
    In the Stokman / Decide tradition the "NBS" of an issue is the c·s
    weighted mean, which is the asymmetric Nash solution under
    exponential-quadratic utilities (Van den Bos 1991 [1]; Achen 2006 [2]);
    that number is our :func:`compromise` model.  With *linear* utilities
    the objective is concave with a monotone (sub)gradient, so bisection on
    the sign of the gradient finds the maximiser; the solution lies between
    the weighted median and the weighted mean.  Vectorised over issues:
    :math:`O(n m \\log(1/tol))`.

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(["a", "b"], [0, 10], [1.0, 1.0], [1.0, 1.0])
    >>> round(float(nash_bargaining(p).forecast[0]), 6)
    5.0
    """
    w = actor_weights(problem, weighting)
    x = np.where(w > 0, problem.position, 0.0)
    lo = problem.lower.copy()
    hi = problem.upper.copy()
    span = hi - lo
    a = lo.copy()
    b = hi.copy()
    iterations = 0
    while np.any(b - a > tol) and iterations < 200:
        iterations += 1
        mid = 0.5 * (a + b)
        util = 1.0 - np.abs(mid[None, :] - x) / span[None, :]
        util = np.maximum(util, 1e-300)
        grad = (w * (-np.sign(mid[None, :] - x)) / span[None, :] / util).sum(axis=0)
        up = grad > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
    out = 0.5 * (a + b)
    out = np.where(w.sum(axis=0) > 0, out, np.nan)
    return ModelForecast(
        model="nash",
        forecast=out,
        parameters={"weighting": weighting, "tol": tol},
        diagnostics={"bisection_steps": iterations},
        provenance=Provenance(
            "asymmetric Nash product, linear utilities, disagreement one scale away "
            "(Nash 1950; Kalai 1977), bisection",
            exact=False,
            bound=f"bisection to a tolerance of {tol:g} on the issue scale",
        ),
    )
