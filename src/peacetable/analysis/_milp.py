"""Mixed-integer programs over a package space (HiGHS through ``highspy``).

One binary ``x[g, o]`` per compound issue ``g`` and combination ``o`` with
``sum_o x[g, o] = 1``; party ``p``'s utility is the linear form
``offset_p + sum_{g,o} U_g[o, p] x[g, o]`` (the space is additive over
compound issues, :mod:`peacetable.core.space`). Only the non-dominated
combinations of each group are offered: every objective used here is
non-decreasing in every party's utility, so an optimum exists among them.

Solutions are re-evaluated on the exact utility grid after each solve.
Solver tolerances: relative MIP gap 0, absolute gap and feasibility
:data:`peacetable.core.evaluator.SOLVER_TOLERANCE`; every package returned is
re-evaluated with the core's exact evaluator.

References
----------
.. [1] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised
   simplex method. *Math. Prog. Comp.* 10, 119-142 (HiGHS).
.. [2] Ogryczak, W. & Sliwinski, T. (2006). On direct methods for
   lexicographic min-max optimization. *ICCSA 2006*, LNCS 3982, 802-811
   (leximin by the ordered-outcomes sequence of programs).
.. [3] Duran, M. A. & Grossmann, I. E. (1986). An outer-approximation
   algorithm for a class of mixed-integer nonlinear programs. *Math. Prog.*
   36, 307-339 (tangent cuts of a concave objective, used for Nash).
"""

from __future__ import annotations

import math

import highspy
import numpy as np
import numpy.typing as npt

from peacetable.analysis._nondominated import nondominated_mask
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.evaluator import SOLVER_TOLERANCE
from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError

#: Smallest gain the MILP Nash search treats as positive (above the solver tolerance).
NASH_MIN_GAIN = 1e-6


class PackageModel:
    """A HiGHS model whose binaries choose one combination per compound issue."""

    def __init__(self, space: AgreementSpace) -> None:
        self.space = space
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("mip_rel_gap", 0.0)
        self.h.setOptionValue("mip_abs_gap", SOLVER_TOLERANCE)
        self.h.setOptionValue("mip_feasibility_tolerance", SOLVER_TOLERANCE)
        self.h.setOptionValue("primal_feasibility_tolerance", SOLVER_TOLERANCE)
        self.h.setOptionValue("threads", 1)
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        utils: list[FloatArray] = []
        n = 0
        for grp in space.groups:
            keep = np.flatnonzero(nondominated_mask(grp.utilities)).astype(np.int64)
            self.rows.append(keep)
            self.cols.append(np.arange(n, n + keep.size, dtype=np.int64))
            utils.append(grp.utilities[keep])
            n += keep.size
        self.n_x = n
        self.coef = np.concatenate(utils) if utils else np.zeros((0, space.n_parties))
        self.n_cols = 0
        self._add_cols(n, 0.0, 1.0)
        if n:
            self.h.changeColsIntegrality(
                n,
                np.arange(n, dtype=np.int32),
                np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
        for cols in self.cols:
            self.add_row(1.0, 1.0, cols, np.ones(cols.size))
        self._exclude_no_deal()

    def _exclude_no_deal(self) -> None:
        """The no-deal package is not an agreement: forbid choosing all of its combinations."""
        rows = self.space.no_deal_rows
        if rows is None:
            return
        picks = []
        for keep, cols, r in zip(self.rows, self.cols, rows, strict=True):
            hit = np.flatnonzero(keep == r)
            if hit.size == 0:
                return  # its combination in this group is dominated: never chosen anyway
            picks.append(int(cols[hit[0]]))
        self.add_row(-highspy.kHighsInf, len(picks) - 1.0, picks, np.ones(len(picks)))

    def _add_cols(self, k: int, lo: float, hi: float) -> IntArray:
        self.h.addCols(
            k,
            np.zeros(k),
            np.full(k, lo),
            np.full(k, hi),
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        idx = np.arange(self.n_cols, self.n_cols + k, dtype=np.int64)
        self.n_cols += k
        return idx

    def add_var(self, lo: float = -highspy.kHighsInf, hi: float = highspy.kHighsInf) -> int:
        """Add a continuous variable; return its column."""
        return int(self._add_cols(1, lo, hi)[0])

    def add_row(self, lo: float, hi: float, idx: npt.ArrayLike, val: npt.ArrayLike) -> None:
        """Add ``lo <= sum val * x[idx] <= hi``."""
        i = np.asarray(idx, dtype=np.int32)
        v = np.asarray(val, dtype=np.float64)
        self.h.addRow(lo, hi, i.size, i, v)

    def utility_terms(self, party: int) -> tuple[IntArray, FloatArray]:
        """Columns and coefficients of ``u_party - offset_party``."""
        return np.arange(self.n_x, dtype=np.int64), self.coef[:, party]

    def add_utility_at_least(
        self, party: int, level: float, extra: dict[int, float] | None = None
    ) -> None:
        """Add ``u_party + sum extra >= level`` (exact offset handled here)."""
        idx, val = self.utility_terms(party)
        if extra:
            idx = np.concatenate([idx, np.array(list(extra), dtype=np.int64)])
            val = np.concatenate([val, np.array(list(extra.values()))])
        self.add_row(level - float(self.space.offset[party]), highspy.kHighsInf, idx, val)

    def maximize(self, cost: dict[int, float]) -> tuple[IntArray, float] | None:
        """Maximise ``sum cost[c] * col_c``; return (package, objective) or None if infeasible."""
        if any(r.size == 0 for r in self.rows):
            return None  # a compound issue without any feasible combination
        costs = np.zeros(self.n_cols)
        for c, v in cost.items():
            costs[c] = v
        self.h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), costs)
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h.run()
        status = self.h.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            # every model here is bounded, so this status means infeasible
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise AnalysisError(
                f"the MILP solver stopped with status {self.h.modelStatusToString(status)}"
            )
        values = np.asarray(self.h.getSolution().col_value)
        return self.package_of(values), float(self.h.getInfo().objective_function_value)

    def package_of(self, values: FloatArray) -> IntArray:
        """Decode the chosen combination of each group into a package."""
        rows = np.array(
            [r[int(np.argmax(values[c]))] for r, c in zip(self.rows, self.cols, strict=True)],
            dtype=np.int64,
        )
        return np.asarray(self.space.packages_from_rows(rows[None, :])[0], dtype=np.int64)

    def utility_cost(self, weights: FloatArray) -> dict[int, float]:
        """Objective coefficients of ``sum_p weights_p * u_p`` (up to a constant)."""
        w = self.coef @ weights
        return {int(c): float(v) for c, v in enumerate(w) if v != 0.0}


def dominating_package(space: AgreementSpace, u: FloatArray) -> IntArray | None:
    """A feasible package whose utilities dominate *u*, with maximal sum; None if none.

    Solves ``max sum_p u_p(x)`` s.t. ``u_p(x) >= u_p`` (exact re-check on the grid).
    """
    model = PackageModel(space)
    for p in range(space.n_parties):
        model.add_utility_at_least(p, float(u[p]) - space.tie)
    out = model.maximize(model.utility_cost(np.ones(space.n_parties)))
    if out is None:
        return None
    pkg = out[0]
    return pkg if space.improves_on(space.utilities(pkg), u)[0] else None


def max_weighted(
    space: AgreementSpace, weights: FloatArray, lower: FloatArray | None
) -> IntArray | None:
    """Package maximising ``sum_p weights_p u_p`` subject to ``u >= lower``."""
    model = PackageModel(space)
    if lower is not None:
        for p in range(space.n_parties):
            model.add_utility_at_least(p, float(lower[p]))
    out = model.maximize(model.utility_cost(weights))
    return None if out is None else out[0]


def leximin(space: AgreementSpace, base: FloatArray) -> IntArray | None:
    """Leximin-optimal package of the gains ``u - base``.

    Ordered-outcomes formulation: the sum of the ``k`` smallest gains is
    ``theta_k(g) = max_r (k r - sum_p max(r - g_p, 0))``; leximin equals the
    lexicographic maximisation of ``(theta_1, ..., theta_n)``, one MILP per
    ``k`` with the earlier ``theta_j`` held at their optima (Ogryczak &
    Sliwinski 2006, section 3). Exact for discrete sets, unlike fixing
    "saturated" parties one by one.
    """
    n = space.n_parties
    levels: list[float] = []
    pkg: IntArray | None = None
    for k in range(1, n + 1):
        model = PackageModel(space)
        objective: dict[int, float] = {}
        for j in range(1, k + 1):
            r = model.add_var()
            s = [model.add_var(lo=0.0) for _ in range(n)]
            for p in range(n):
                # u_p + s_jp - r_j >= base_p
                model.add_utility_at_least(p, float(base[p]), {s[p]: 1.0, r: -1.0})
            cols = np.array([r, *s], dtype=np.int64)
            vals = np.array([float(j)] + [-1.0] * n)
            if j < k:
                model.add_row(levels[j - 1] - SOLVER_TOLERANCE, highspy.kHighsInf, cols, vals)
            else:
                objective = {int(c): float(v) for c, v in zip(cols, vals, strict=True)}
        out = model.maximize(objective)
        if out is None:
            return pkg
        pkg = out[0]
        gains = np.sort(space.utilities(pkg)[0] - base)
        levels.append(float(gains[:k].sum()))
    return pkg


def nash(
    space: AgreementSpace, d: FloatArray, ideal: FloatArray, max_rounds: int = 200
) -> tuple[IntArray | None, int]:
    """Package maximising ``sum_p log(u_p - d_p)`` over gains ``>= NASH_MIN_GAIN``.

    Outer approximation: ``t_p <= log(a) + (g_p - a) / a`` for tangent points
    ``a``; the MILP optimum is an upper bound, the exact value of its package
    a lower bound; tangents at that package are added until the bounds meet
    (then the incumbent is optimal: Duran & Grossmann 1986). Finite, because
    a package met twice has its own tangents and so cannot overshoot.

    Returns
    -------
    (package or None, rounds)
    """
    n = space.n_parties
    if space.n_feasible == 0:
        return None, 0
    q = max(space.quantum, NASH_MIN_GAIN)
    model = PackageModel(space)
    span = np.maximum(ideal - d, q)
    ts = [model.add_var(hi=math.log(float(span[p]))) for p in range(n)]
    for p in range(n):
        model.add_utility_at_least(p, float(d[p] + q))
        for a in np.geomspace(q, float(span[p]), 24):
            # t_p - g_p / a <= log(a) - 1, with g_p = u_p - d_p
            idx, val = model.utility_terms(p)
            rhs = math.log(a) - 1.0 - (float(d[p]) - float(space.offset[p])) / a
            model.add_row(-highspy.kHighsInf, rhs, np.append(idx, ts[p]), np.append(-val / a, 1.0))
    best: IntArray | None = None
    best_val = -math.inf
    for rounds in range(1, max_rounds + 1):
        out = model.maximize({t: 1.0 for t in ts})
        if out is None:
            return None, rounds
        pkg, upper = out
        g = space.utilities(pkg)[0] - d
        value = float(np.sum(np.log(np.maximum(g, q))))
        if value > best_val:
            best, best_val = pkg, value
        if upper <= best_val + SOLVER_TOLERANCE * max(1.0, abs(best_val)):
            if best is not None and not (space.utilities(best)[0] - d >= q).all():
                return None, rounds
            return best, rounds
        for p in range(n):
            a = float(max(g[p], q))
            idx, val_p = model.utility_terms(p)
            rhs = math.log(a) - 1.0 - (float(d[p]) - float(space.offset[p])) / a
            model.add_row(
                -highspy.kHighsInf, rhs, np.append(idx, ts[p]), np.append(-val_p / a, 1.0)
            )
    raise AnalysisError(f"the Nash outer approximation did not converge in {max_rounds} rounds")


def maximin_then_sum(
    space: AgreementSpace, base: FloatArray, scale: FloatArray, lower: FloatArray | None
) -> IntArray | None:
    """Maximise ``min_p (u_p - base_p) / scale_p``, then the utility sum at that level.

    Parties with ``scale_p == 0`` do not enter the minimum.
    """
    n = space.n_parties
    if space.n_feasible == 0:
        return None
    model = PackageModel(space)
    if lower is not None:
        for p in range(n):
            model.add_utility_at_least(p, float(lower[p]))
    live = scale > 0
    top = space.offset + sum((g.utilities.max(axis=0) for g in space.groups), np.zeros(n))
    t = model.add_var(hi=float(((top - base)[live] / scale[live]).max()) if live.any() else 0.0)
    for p in range(n):
        if scale[p] > 0:
            model.add_utility_at_least(p, float(base[p]), {t: -float(scale[p])})
    out = model.maximize({t: 1.0})
    if out is None:
        return None
    g = (space.utilities(out[0])[0] - base)[scale > 0] / scale[scale > 0]
    level = float(g.min()) if g.size else 0.0
    second = PackageModel(space)
    for p in range(n):
        floor = base[p] + level * scale[p] if scale[p] > 0 else -highspy.kHighsInf
        if lower is not None:
            floor = max(floor, float(lower[p]))
        if floor > -highspy.kHighsInf:
            second.add_utility_at_least(p, float(floor) - SOLVER_TOLERANCE)
    res = second.maximize(second.utility_cost(np.ones(n)))
    if res is None:
        return out[0]
    g2 = (space.utilities(res[0])[0] - base)[scale > 0] / scale[scale > 0]
    ok = lower is None or bool((space.utilities(res[0])[0] >= lower).all())
    return res[0] if ok and (not g2.size or g2.min() >= level) else out[0]
