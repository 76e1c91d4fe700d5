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

Every solve honours a :class:`~peacetable.analysis._budget.Deadline` (HiGHS's
own ``time_limit``): a solve stopped by it returns its best package with the
solver's proven bound (:class:`Solved` with ``optimal`` false), so the caller
can say how far off the answer may be.

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

import contextlib
import ctypes
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from peacetable.analysis._budget import Deadline
from peacetable.analysis._nondominated import nondominated_mask
from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.evaluator import SOLVER_TOLERANCE
from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError

_FEASIBLE = 2  # HiGHS SolutionStatus.kSolutionStatusFeasible

#: Smallest gain the MILP Nash search treats as positive (above the solver tolerance).
NASH_MIN_GAIN = 1e-6

_HEADER_WRITTEN = False


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Send the process's standard output (file descriptor 1) to the null device."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).fflush(None)  # C buffers go to the null device too
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _new_highs() -> highspy.Highs:
    """A quiet HiGHS instance with this module's tolerances, on one thread.

    HiGHS writes its licence header to standard output when the first
    instance of a process is created, before any option can switch it off;
    that would corrupt ``--json`` output, so the first instance is created
    with standard output sent to the null device.
    """
    global _HEADER_WRITTEN
    if _HEADER_WRITTEN:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        try:
            with _stdout_silenced():
                h = highspy.Highs()  # type: ignore[no-untyped-call]
        except OSError:  # no file descriptor 1 to redirect
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        _HEADER_WRITTEN = True
    h.setOptionValue("output_flag", False)
    for name, value in (  # the module's tolerances (see the module notes), one thread
        ("mip_rel_gap", 0.0),
        ("mip_feasibility_tolerance", SOLVER_TOLERANCE),
        ("primal_feasibility_tolerance", SOLVER_TOLERANCE),
        ("threads", 1),
    ):
        h.setOptionValue(name, value)
    return h


def solve_01_program(
    cost: FloatArray,
    integer: BoolArray,
    rows: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    time_limit: float,
) -> tuple[FloatArray | None, bool]:
    """Minimise ``cost @ v`` over ``0 <= v <= 1``, ``lower <= rows @ v <= upper``, with
    ``v[j]`` integral where *integer* (HiGHS, one thread, the tolerances of this module).

    Returns
    -------
    (values, timed_out)
        The optimal ``v`` (``None`` when the program is infeasible or the time
        limit came first), and whether it did.

    Raises
    ------
    AnalysisError
        The solver failed, even on a second attempt without presolve (which
        occasionally fails on tiny models).

    References
    ----------
    .. [1] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised
       simplex method. *Math. Prog. Comp.* 10, 119-142 (HiGHS).

    Examples
    --------
    >>> import numpy as np
    >>> v, timed_out = solve_01_program(
    ...     np.array([-1.0, -2.0]), np.array([True, True]),
    ...     np.array([[1.0, 1.0]]), np.array([-np.inf]), np.array([1.0]), 10.0)
    >>> v.round().tolist(), timed_out
    ([0.0, 1.0], False)
    """
    n = cost.size
    h = _new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    empty_i, empty_v = np.zeros(0, dtype=np.int32), np.zeros(0)
    h.addCols(n, cost.astype(np.float64), np.zeros(n), np.ones(n), 0, empty_i, empty_i, empty_v)
    cols = np.flatnonzero(integer).astype(np.int32)
    if cols.size:
        kind = highspy.HighsVarType.kInteger.value
        h.changeColsIntegrality(cols.size, cols, np.full(cols.size, kind, dtype=np.uint8))
    r, c = np.nonzero(rows)
    starts = np.searchsorted(r, np.arange(rows.shape[0])).astype(np.int32)
    h.addRows(
        rows.shape[0], lower, upper, r.size, starts, c.astype(np.int32), rows[r, c].astype(float)
    )
    status = highspy.HighsModelStatus
    for presolve in ("choose", "off"):
        h.setOptionValue("presolve", presolve)
        h.run()
        found = h.getModelStatus()
        if found == status.kOptimal:
            return np.asarray(h.getSolution().col_value), False
        if found == status.kTimeLimit:
            return None, True
        if found in (status.kInfeasible, status.kUnboundedOrInfeasible):
            return None, False
    raise AnalysisError(f"the MILP solver stopped with status {h.modelStatusToString(found)}")


@dataclass(frozen=True)
class Solved:
    """The best package of one program, and how sure that is.

    Attributes
    ----------
    package:
        Option indices ``(n_issues,)``.
    objective:
        The program's objective at *package*.
    bound:
        The solver's proven bound on the optimum (equal to *objective*, up to
        the tolerance, when *optimal*).
    optimal:
        False when the time limit stopped the solver first.
    detail:
        When not optimal: how far off the package may be, in words.
    """

    package: IntArray
    objective: float
    bound: float
    optimal: bool = True
    detail: str = ""

    @property
    def gap(self) -> float:
        """How much better the optimum may be than *objective* (0 when optimal)."""
        return 0.0 if self.optimal else max(0.0, self.bound - self.objective)


class PackageModel:
    """A HiGHS model whose binaries choose one combination per compound issue.

    Parameters
    ----------
    space:
        The agreement space.
    deadline:
        Time budget of every solve of this model (``None``: none).

    Attributes
    ----------
    timed_out:
        Whether the last :meth:`maximize` was stopped by the time limit.
    """

    def __init__(self, space: AgreementSpace, deadline: Deadline | None = None) -> None:
        self.space = space
        self.deadline = deadline if deadline is not None else Deadline(None)
        self.timed_out = False
        self.h = _new_highs()
        self.h.setOptionValue("mip_abs_gap", SOLVER_TOLERANCE)
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
        if any(g.size == 0 for g in self.space.groups):
            return  # no feasible package at all
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

    def maximize(self, cost: dict[int, float]) -> Solved | None:
        """Maximise ``sum cost[c] * col_c`` within the deadline.

        Returns
        -------
        Solved or None
            ``None`` when the program is infeasible, or when the time ran out
            before any package was found (then :attr:`timed_out` is set).
        """
        self.timed_out = False
        if any(r.size == 0 for r in self.rows):
            return None  # a compound issue without any feasible combination
        left = self.deadline.remaining()
        if left <= 0.0:
            self.timed_out = True
            self.deadline.mark_cut()
            return None
        self.h.setOptionValue("time_limit", float(left) if math.isfinite(left) else math.inf)
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
        info = self.h.getInfo()
        if status == highspy.HighsModelStatus.kTimeLimit:
            self.timed_out = True
            self.deadline.mark_cut()
            if info.primal_solution_status != _FEASIBLE:
                return None
            values = np.asarray(self.h.getSolution().col_value)
            objective = float(info.objective_function_value)
            bound = float(info.mip_dual_bound)
            return Solved(self.package_of(values), objective, max(bound, objective), False)
        if status != highspy.HighsModelStatus.kOptimal:
            raise AnalysisError(
                f"the MILP solver stopped with status {self.h.modelStatusToString(status)}"
            )
        values = np.asarray(self.h.getSolution().col_value)
        objective = float(info.objective_function_value)
        return Solved(self.package_of(values), objective, objective)

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


def dominating_package(
    space: AgreementSpace, u: FloatArray, deadline: Deadline | None = None
) -> Solved | None:
    """A feasible package whose utilities dominate *u*, with maximal sum; None if none.

    Solves ``max sum_p u_p(x)`` s.t. ``u_p(x) >= u_p`` (exact re-check on the grid).
    ``None`` also when the time ran out before any dominating package was found
    (``deadline.cut`` tells the two apart).
    """
    model = PackageModel(space, deadline)
    for p in range(space.n_parties):
        model.add_utility_at_least(p, float(u[p]) - space.tie)
    out = model.maximize(model.utility_cost(np.ones(space.n_parties)))
    if out is None:
        return None
    return out if space.improves_on(space.utilities(out.package), u)[0] else None


def max_weighted(
    space: AgreementSpace,
    weights: FloatArray,
    lower: FloatArray | None,
    deadline: Deadline | None = None,
) -> Solved | None:
    """Package maximising ``sum_p weights_p u_p`` subject to ``u >= lower``."""
    model = PackageModel(space, deadline)
    if lower is not None:
        for p in range(space.n_parties):
            model.add_utility_at_least(p, float(lower[p]))
    return model.maximize(model.utility_cost(weights))


def leximin(
    space: AgreementSpace, base: FloatArray, deadline: Deadline | None = None
) -> Solved | None:
    """Leximin-optimal package of the gains ``u - base``.

    Ordered-outcomes formulation: the sum of the ``k`` smallest gains is
    ``theta_k(g) = max_r (k r - sum_p max(r - g_p, 0))``; leximin equals the
    lexicographic maximisation of ``(theta_1, ..., theta_n)``, one MILP per
    ``k`` with the earlier ``theta_j`` held at their optima (Ogryczak &
    Sliwinski 2006, section 3). Exact for discrete sets, unlike fixing
    "saturated" parties one by one. When the time runs out after ``k``
    levels, the package returned is leximin-optimal for its ``k`` smallest
    gains only (``optimal`` false, said in ``detail``).
    """
    n = space.n_parties
    levels: list[float] = []
    best: Solved | None = None
    for k in range(1, n + 1):
        model = PackageModel(space, deadline)
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
        if model.timed_out:
            if best is None:
                if out is None:
                    return None
                return Solved(
                    out.package,
                    out.objective,
                    out.bound,
                    False,
                    f"the smallest gain is within {out.gap:.3g} of the optimum (solver bound); "
                    "the time limit stopped the solver",
                )
            done = k - 1
            return Solved(
                best.package,
                best.objective,
                best.bound,
                False,
                f"leximin-optimal for the {done} smallest gain{'s' * (done != 1)} of {n}; the "
                "time limit stopped the refinement of the others",
            )
        if out is None:
            return best
        gains = np.sort(space.utilities(out.package)[0] - base)
        levels.append(float(gains[:k].sum()))
        best = out
    return best


def nash(
    space: AgreementSpace,
    d: FloatArray,
    ideal: FloatArray,
    max_rounds: int = 200,
    deadline: Deadline | None = None,
) -> tuple[Solved | None, int]:
    """Package maximising ``sum_p log(u_p - d_p)`` over gains ``>= NASH_MIN_GAIN``.

    Outer approximation: ``t_p <= log(a) + (g_p - a) / a`` for tangent points
    ``a``; the MILP optimum is an upper bound, the exact value of its package
    a lower bound; tangents at that package are added until the bounds meet
    (then the incumbent is optimal: Duran & Grossmann 1986). Finite, because
    a package met twice has its own tangents and so cannot overshoot. When
    the time runs out first, the best package so far is returned with the
    gap between the bounds (``optimal`` false).

    Returns
    -------
    (Solved or None, rounds)
    """
    n = space.n_parties
    if space.n_feasible == 0:
        return None, 0
    q = max(space.quantum, NASH_MIN_GAIN)
    model = PackageModel(space, deadline)
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
    upper = math.inf
    for rounds in range(1, max_rounds + 1):
        out = model.maximize({t: 1.0 for t in ts})
        if out is None and not model.timed_out:
            return None, rounds
        if out is not None:
            upper = out.bound if not out.optimal else out.objective
            g = space.utilities(out.package)[0] - d
            if (g >= q).all():
                value = float(np.sum(np.log(g)))
                if value > best_val:
                    best, best_val = out.package, value
        if model.timed_out:
            if best is None:
                return None, rounds
            gap = upper - best_val
            return Solved(
                best,
                best_val,
                upper,
                False,
                f"the product of gains is within a factor {math.exp(gap):.3g} of the optimum "
                "(outer-approximation bound; the time limit stopped the refinement)",
            ), rounds
        assert out is not None
        if upper <= best_val + SOLVER_TOLERANCE * max(1.0, abs(best_val)):
            return (None if best is None else Solved(best, best_val, upper)), rounds
        g = space.utilities(out.package)[0] - d
        for p in range(n):
            a = float(max(g[p], q))
            idx, val_p = model.utility_terms(p)
            rhs = math.log(a) - 1.0 - (float(d[p]) - float(space.offset[p])) / a
            model.add_row(
                -highspy.kHighsInf, rhs, np.append(idx, ts[p]), np.append(-val_p / a, 1.0)
            )
    raise AnalysisError(f"the Nash outer approximation did not converge in {max_rounds} rounds")


def maximin_then_sum(
    space: AgreementSpace,
    base: FloatArray,
    scale: FloatArray,
    lower: FloatArray | None,
    deadline: Deadline | None = None,
) -> Solved | None:
    """Maximise ``min_p (u_p - base_p) / scale_p``, then the utility sum at that level.

    Parties with ``scale_p == 0`` do not enter the minimum. When the time runs
    out in the first program, the best package so far is returned with the
    solver's bound on the minimum (``optimal`` false); in the second, the
    first program's package.
    """
    n = space.n_parties
    if space.n_feasible == 0:
        return None
    model = PackageModel(space, deadline)
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
    if not out.optimal:
        return Solved(
            out.package,
            out.objective,
            out.bound,
            False,
            f"the smallest (scaled) gain is within {out.gap:.3g} of the optimum (solver bound; "
            "the time limit stopped the solver)",
        )
    g = (space.utilities(out.package)[0] - base)[scale > 0] / scale[scale > 0]
    level = float(g.min()) if g.size else 0.0
    second = PackageModel(space, deadline)
    for p in range(n):
        floor = base[p] + level * scale[p] if scale[p] > 0 else -highspy.kHighsInf
        if lower is not None:
            floor = max(floor, float(lower[p]))
        if floor > -highspy.kHighsInf:
            second.add_utility_at_least(p, float(floor) - SOLVER_TOLERANCE)
    res = second.maximize(second.utility_cost(np.ones(n)))
    if res is None:
        if second.timed_out:
            return Solved(
                out.package,
                out.objective,
                out.bound,
                False,
                "the smallest gain is optimal; the time limit stopped the tie-break by the "
                "largest utility sum",
            )
        return out
    g2 = (space.utilities(res.package)[0] - base)[scale > 0] / scale[scale > 0]
    ok = lower is None or bool((space.utilities(res.package)[0] >= lower).all())
    if not (ok and (not g2.size or g2.min() >= level)):
        return out
    if not res.optimal:
        return Solved(
            res.package,
            res.objective,
            res.bound,
            False,
            f"the smallest gain is optimal; the utility sum is within {res.gap:.3g} of the "
            "best at that level (solver bound)",
        )
    return res
