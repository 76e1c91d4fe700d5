"""Bargaining solutions over the feasible package space, relative to no deal.

Every solution is measured in *gains* ``g_p = u_p - d_p`` over each party's
no-deal utility ``d_p``. Let ``B`` be the packages every party accepts
(``g >= 0``).

* **Nash** (Nash 1950): maximise the product of gains over packages in ``B``
  with every gain positive.
* **Kalai-Smorodinsky** (Kalai & Smorodinsky 1975): with ideal point
  ``I_p = max_B u_p``, maximise ``min_p g_p / (I_p - d_p)`` over ``B``
  (parties with ``I_p = d_p`` are left out of the minimum); ties by leximin
  of those ratios.
* **Utilitarian**: maximise the sum of utilities over ``B``.
* **Egalitarian / maximin gain** (Smartsettle's "maximize the minimum gain";
  Rawls 1971): maximise ``min_p g_p`` over all feasible packages (when
  ``B`` is non-empty the optimum lies in ``B``), ties by the largest sum.
* **Leximin** (Sen 1970; Moulin 1988, ch. 2): lexicographically maximise the
  increasingly sorted gain vector over all feasible packages.

Remaining ties are broken by leximin of gains, then lexicographically by
utilities in party order, so every answer is deterministic. Every rule is
monotone (a package that dominates an optimum is an optimum too, or is
preferred by the tie-break), so each optimum is attained at a point of the
exact Pareto frontier of ``B`` (or of all packages when ``B`` is empty)
from :func:`peacetable.analysis.frontier.pareto_frontier`. When that
frontier exceeds its budget the same rules are solved as mixed-integer
programs with HiGHS (:mod:`peacetable.analysis._milp`; Nash by outer
approximation with tangent cuts until the bounds meet).

References
----------
.. [1] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
.. [2] Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining
   problem. *Econometrica* 43(3), 513-518.
.. [3] Moulin, H. (1988). *Axioms of Cooperative Decision Making*, ch. 2
   (egalitarian and leximin social orderings).
.. [4] Thomson, W. (1994). Cooperative models of bargaining. *Handbook of
   Game Theory* 2, ch. 35.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.analysis import _milp
from peacetable.analysis._budget import Deadline
from peacetable.analysis.frontier import (
    DEFAULT_MAX_CANDIDATES,
    FrontierResult,
    FrontierTooLarge,
    pareto_frontier,
)
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.evaluator import SOLVER_TOLERANCE
from peacetable.core.prepared import PreparedScenario, as_space
from peacetable.core.results import Provenance, Result
from peacetable.core.space import AgreementSpace
from peacetable.errors import InputError
from peacetable.model import Scenario

#: The solution concepts, in report order.
SOLUTION_NAMES: tuple[str, ...] = (
    "nash",
    "kalai_smorodinsky",
    "utilitarian",
    "egalitarian",
    "leximin",
)

__all__ = [
    "SOLUTION_NAMES",
    "BargainingSolutions",
    "Solution",
    "bargaining_solution",
    "solve_all",
]


@dataclass(frozen=True)
class Solution(Result):
    """One bargaining solution.

    Attributes
    ----------
    name:
        One of :data:`SOLUTION_NAMES`.
    package:
        ``{issue id: option id}``, or None when the rule has no answer (e.g.
        no package every party accepts).
    utilities, gains:
        Per party (order of *party_ids*); gains are over no deal.
    party_ids:
        Parties.
    note:
        Why there is no answer, how ties were broken, or, for a package some
        party rejects (egalitarian and leximin when there is no zone of
        agreement), that it is the *least-shortfall* package and who rejects it.

    ``provenance.method`` is ``"frontier"`` (maximum over the exact Pareto
    frontier) or ``"milp"`` (HiGHS mixed-integer programs, re-evaluated on
    the exact utility grid); both are exact unless the note says otherwise.
    """

    name: str
    package: dict[str, str] | None
    utilities: tuple[float, ...] | None
    gains: tuple[float, ...] | None
    party_ids: tuple[str, ...]
    note: str = ""
    package_indices: tuple[int, ...] | None = field(default=None, repr=False)

    @property
    def rejected_by(self) -> tuple[str, ...]:
        """Parties that prefer no deal to the package (negative gain)."""
        if self.gains is None:
            return ()
        return tuple(p for p, g in zip(self.party_ids, self.gains, strict=True) if g < 0)

    @property
    def label(self) -> str:
        """What the package is: the rule's name, or ``least-shortfall package — rejected by …``
        when some party rejects it (no package is acceptable to every party)."""
        if self.rejected_by:
            return f"least-shortfall package — rejected by {', '.join(self.rejected_by)}"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "label": self.label,
            "rejected_by": list(self.rejected_by),
            "package": self.package,
            "utilities": None
            if self.utilities is None
            else dict(zip(self.party_ids, self.utilities, strict=True)),
            "gains": None
            if self.gains is None
            else dict(zip(self.party_ids, self.gains, strict=True)),
            "note": self.note,
            "provenance": self.provenance.to_dict(),
        }


@dataclass(frozen=True)
class BargainingSolutions(Result):
    """Every bargaining solution of a scenario (the ``solutions`` lens's result)."""

    solutions: dict[str, Solution]

    def __getitem__(self, name: str) -> Solution:
        return self.solutions[name]

    def items(self) -> ItemsView[str, Solution]:
        """``(name, Solution)`` pairs in :data:`SOLUTION_NAMES` order."""
        return self.solutions.items()

    def to_dict(self) -> dict[str, Any]:
        """``{name: solution}``."""
        return {name: sol.to_dict() for name, sol in self.solutions.items()}


def _leximin_keys(values: FloatArray) -> list[FloatArray]:
    """Keys (most important first) ranking rows by leximin, larger is better."""
    srt = np.sort(values, axis=1)
    return [srt[:, c] for c in range(srt.shape[1])]


def select(points: FloatArray, no_deal: FloatArray, name: str, tie: float = 0.0) -> int | None:
    """Index of the optimal row of *points* under solution rule *name* (None if none).

    Parameters
    ----------
    points:
        ``(n, n_parties)`` candidate utility vectors (e.g. a Pareto frontier, or
        every package of a small space).
    no_deal:
        ``(n_parties,)``.
    name:
        One of :data:`SOLUTION_NAMES`.
    tie:
        Gains within this of 0 count as exactly 0 (the core's tie rule).

    Notes
    -----
    One ``lexsort`` over the candidates: ``O(n log n * n_parties)``.
    """
    if name not in SOLUTION_NAMES:
        raise InputError(f"unknown solution {name!r}; choose from {', '.join(SOLUTION_NAMES)}")
    n = points.shape[0]
    if n == 0:
        return None
    gains = points - no_deal[None, :]
    gains = np.where(np.abs(gains) <= tie, 0.0, gains)
    accept: npt.NDArray[np.bool_] = np.asarray((gains >= 0).all(axis=1), dtype=bool)
    ok: npt.NDArray[np.bool_]
    keys: list[FloatArray]
    tail = [*_leximin_keys(gains), *[points[:, c] for c in range(points.shape[1])]]
    if name == "nash":
        ok = np.asarray((gains > 0).all(axis=1), dtype=bool)
        keys = [np.prod(np.where(ok[:, None], gains, 1.0), axis=1), *tail]
    elif name == "utilitarian":
        ok = accept
        keys = [points.sum(axis=1), *tail]
    elif name == "kalai_smorodinsky":
        ok = accept
        if not ok.any():
            return None
        span = points[ok].max(axis=0) - no_deal
        live = span > 0
        ratios = gains[:, live] / span[None, live] if live.any() else np.zeros((n, 1))
        keys = [*_leximin_keys(ratios), *tail]
    elif name == "egalitarian":
        ok = np.ones(n, dtype=bool)
        keys = [gains.min(axis=1), points.sum(axis=1), *tail]
    else:  # leximin
        ok = np.ones(n, dtype=bool)
        keys = tail
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    order = np.lexsort([-k[idx] for k in reversed(keys)])
    return int(idx[order[0]])


def _milp_solution(
    space: AgreementSpace, name: str, deadline: Deadline, ideal: FloatArray | None
) -> _milp.Solved | None:
    d = space.no_deal
    floor = space.acceptance_floor()
    n = space.n_parties
    if name == "utilitarian":
        return _milp.max_weighted(space, np.ones(n), floor, deadline)
    if name == "egalitarian":
        return _milp.maximin_then_sum(space, d, np.ones(n), None, deadline)
    if name == "leximin":
        return _milp.leximin(space, d, deadline)
    if ideal is None:
        return None
    if name == "kalai_smorodinsky":
        return _milp.maximin_then_sum(space, d, ideal - d, floor, deadline)
    return _milp.nash(space, d, ideal, deadline=deadline)[0]


def _ideal_point(space: AgreementSpace, deadline: Deadline) -> tuple[FloatArray | None, str]:
    """Each party's best utility over the packages every party accepts (one MILP each).

    Returns ``(None, "")`` when no package is acceptable to all. When the time
    runs out, the solver's upper bounds stand in for the parties not solved
    to optimality (so the ideal point may be too high, never too low), and
    the second value says so.
    """
    n = space.n_parties
    if space.n_feasible == 0:
        return None, ""
    floor = space.acceptance_floor()
    top = space.offset + sum((g.utilities.max(axis=0) for g in space.groups), np.zeros(n))
    ideal = np.empty(n)
    estimated = 0
    for p in range(n):
        part = deadline.part(1.0 / (n - p))
        best = _milp.max_weighted(space, np.eye(n)[p], floor, part)
        if best is None and not part.cut:
            return None, ""
        if best is None:
            ideal[p], estimated = top[p], estimated + 1
        elif best.optimal:
            ideal[p] = space.utilities(best.package)[0][p]
        else:
            ideal[p], estimated = min(top[p], best.bound + space.offset[p]), estimated + 1
    note = ""
    if estimated:
        note = (
            f"the ideal point of {estimated} of {n} parties is an upper bound (the time limit "
            "stopped their programs)"
        )
    return ideal, note


_NO_ANSWER = {
    "nash": "no package gives every party more than no deal",
    "kalai_smorodinsky": "no package is acceptable to every party",
    "utilitarian": "no package is acceptable to every party",
    "egalitarian": "the space has no feasible package",
    "leximin": "the space has no feasible package",
}


def _make(
    space: AgreementSpace,
    name: str,
    pkg: IntArray | None,
    method: str,
    approximate: str = "",
) -> Solution:
    if pkg is None:
        note = "no package found within the time limit" if approximate else _NO_ANSWER[name]
        return Solution(
            name=name,
            package=None,
            utilities=None,
            gains=None,
            party_ids=space.party_ids,
            note=note,
            provenance=Provenance(method, exact=not approximate, bound=approximate or None),
        )
    u = space.utilities(pkg)[0]
    gains = space.margin_of(u)
    note = ""
    if (gains < 0).any():
        note = (
            "no package is acceptable to every party: this is the package whose worst "
            "shortfall below no deal is smallest (least-shortfall), not an agreement"
        )
    exact = not approximate
    bound: str | None = approximate or None
    if method == "milp":
        solver = (
            "MILP stopped at the time limit: " + approximate
            if approximate
            else f"MILP optimal to {SOLVER_TOLERANCE:g}; ties broken by the solver"
        )
        note = (note + "; " if note else "") + solver
        if name == "nash":
            note += f"; gains below {_milp.NASH_MIN_GAIN:g} count as zero"
        if name in ("nash", "utilitarian", "kalai_smorodinsky") and not space.accepts(pkg).all():
            exact = False
            note += "; the package misses a no-deal level by less than the solver tolerance"
            tolerance = f"within the solver tolerance {SOLVER_TOLERANCE:g}"
            bound = f"{bound}; {tolerance}" if bound else tolerance
    return Solution(
        name=name,
        package=space.package_dict(pkg),
        utilities=tuple(float(v) for v in u),
        gains=tuple(float(v) for v in gains),
        party_ids=space.party_ids,
        note=note,
        package_indices=tuple(int(v) for v in pkg),
        provenance=Provenance(method, exact=exact, bound=bound),
    )


def solve_all(
    scenario: Scenario | PreparedScenario | AgreementSpace,
    *,
    names: Sequence[str] = SOLUTION_NAMES,
    method: str = "auto",
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Solution]:
    """Every bargaining solution of a scenario, exactly (or labelled approximate).

    Parameters
    ----------
    scenario:
        Scenario, prepared scenario or :class:`AgreementSpace`.
    names:
        Which solutions (default: all of :data:`SOLUTION_NAMES`).
    method:
        ``"auto"`` (frontier, MILP if the frontier exceeds its budget),
        ``"frontier"`` or ``"milp"``.
    max_candidates:
        Budget of the frontier DP.
    time_limit:
        Seconds for all of them (or a shared
        :class:`~peacetable.analysis._budget.Deadline`); ``None``: none. The
        frontier DP gets a third; the programs share the rest equally. A
        program stopped by it gives its best package with the solver's bound,
        and the solution is labelled approximate (``provenance.exact`` false,
        ``provenance.bound`` how far off, and that the cut depends on the
        machine's speed).
    memory_limit:
        Bytes one frontier stage may take (see :func:`pareto_frontier`).
    progress:
        ``progress(done, total)`` after each rule solved by programs.

    Returns
    -------
    dict
        ``{name: Solution}``.

    Raises
    ------
    InputError
        Unknown solution name or method.
    FrontierTooLarge
        ``method="frontier"`` and the frontier exceeds its budget.

    Notes
    -----
    Frontier method: one DP for the acceptable frontier (bound-pruned), plus
    one for the whole frontier when no package is acceptable; then one
    ``lexsort`` per rule. MILP method: one program for utilitarian, two for
    egalitarian, ``n_parties`` for leximin, ``n_parties + 2`` for
    Kalai-Smorodinsky and ``n_parties`` plus the outer-approximation rounds
    for Nash.

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], no_deal=[0, 0])
    >>> solve_all(s)["nash"].utilities
    (1.0, 1.0)
    """
    for name in names:
        if name not in SOLUTION_NAMES:
            raise InputError(f"unknown solution {name!r}; choose from {', '.join(SOLUTION_NAMES)}")
    if method not in ("auto", "frontier", "milp"):
        raise InputError(f"unknown method {method!r}; choose auto, frontier or milp")
    space = as_space(scenario)
    deadline = Deadline.of(time_limit)
    out: dict[str, Solution] = {}
    if method != "milp":
        try:
            budget = deadline.part(1 / 3) if method == "auto" else deadline
            acc = pareto_frontier(
                space,
                acceptable_only=True,
                max_candidates=max_candidates,
                time_limit=budget,
                memory_limit=memory_limit,
            )
            full: FrontierResult | None = None
            for name in names:
                front = acc
                if acc.size == 0 and name in ("egalitarian", "leximin"):
                    if full is None:
                        full = pareto_frontier(
                            space,
                            max_candidates=max_candidates,
                            time_limit=budget,
                            memory_limit=memory_limit,
                        )
                    front = full
                j = select(front.points, space.no_deal, name, space.tie)
                pkg = None if j is None else front.packages(j, limit=1)[0]
                out[name] = _make(space, name, pkg, "frontier")
            return out
        except FrontierTooLarge:
            if method == "frontier":
                raise
    return _solve_by_milp(space, names, deadline, progress)


def _solve_by_milp(
    space: AgreementSpace,
    names: Sequence[str],
    deadline: Deadline,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Solution]:
    """Each rule by mixed-integer programming, the time shared equally between them."""
    ideal: FloatArray | None = None
    ideal_note = ""
    needs_ideal = [name for name in names if name in ("nash", "kalai_smorodinsky")]
    out: dict[str, Solution] = {}
    for k, name in enumerate(names):
        part = deadline.part(1.0 / (len(names) - k))
        if needs_ideal and name == needs_ideal[0]:
            ideal, ideal_note = _ideal_point(space, part.part(0.5))
        solved = _milp_solution(space, name, part, ideal)
        approximate = ""
        if solved is not None and not solved.optimal:
            approximate = solved.detail
        elif solved is None and part.cut:
            approximate = "the time limit stopped the solver before it found a package"
        if name in needs_ideal and ideal_note:
            approximate = "; ".join(a for a in (approximate, ideal_note) if a)
        if approximate:
            approximate += "; " + part.note()
        package = None if solved is None else solved.package
        out[name] = _make(space, name, package, "milp", approximate)
        if progress is not None:
            progress(k + 1, len(names))
    return out


def bargaining_solution(
    scenario: Scenario | PreparedScenario | AgreementSpace, name: str, *, method: str = "auto"
) -> Solution:
    """One bargaining solution (see :func:`solve_all`).

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[3, 0], [1, 1]]], no_deal=[0, 0])
    >>> bargaining_solution(s, "utilitarian").package
    {'I0': 'o0'}
    """
    return solve_all(scenario, names=(name,), method=method)[name]
