"""Exact Pareto frontier of a package space by dynamic programming over issues.

The utility of a package is a sum of one term per (compound) issue
(:mod:`peacetable.core.space`). The frontier is built issue by issue:
after each issue the set of partial utility vectors is replaced by the
Minkowski sum with that issue's utility vectors, then reduced to its
non-dominated vectors. Back-pointers (parent vector, option) are kept for
every surviving vector, so each frontier point can be expanded into all the
packages that attain it (ties).

Why pruning is exact: if a partial vector ``a`` is dominated by ``b`` on
the issues processed so far, then for every completion ``c`` on the remaining
issues ``a + c`` is dominated by ``b + c`` (additivity), so ``a`` can never be
completed into a Pareto-optimal package. This is the dominance relation of
multi-objective knapsack dynamic programming (Klamroth & Wiecek 2000;
Bazgan, Hugot & Vanderpooten 2009, section 3, relation D_r). With a lower
bound ``L`` (e.g. the no-deal utilities), a partial vector whose best possible
completion -- its value plus, per party, the sum of the maxima of the
remaining issues -- falls below ``L`` for some party is dropped as well
(Bazgan et al. 2009, relation D_b).

References
----------
.. [1] Klamroth, K. & Wiecek, M. M. (2000). Dynamic programming approaches
   to the multiple criteria knapsack problem. *Naval Research Logistics*
   47(1), 57-76.
.. [2] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving efficiently
   the 0-1 multi-objective knapsack problem. *Computers & Operations
   Research* 36(1), 260-279.
.. [3] Kung, H. T., Luccio, F. & Preparata, F. P. (1975). On finding the
   maxima of a set of vectors. *J. ACM* 22(4), 469-476.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.analysis import _milp
from peacetable.analysis._budget import Deadline, format_bytes
from peacetable.analysis._nondominated import (
    Interrupted,
    nondominated_mask,
    nondominated_unique,
    tie_classes,
    unique_rows,
)
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.evaluator import snap
from peacetable.core.prepared import PreparedScenario, as_space
from peacetable.core.results import Provenance, Result
from peacetable.core.serialize import to_plain
from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError, InputError
from peacetable.model import Scenario

__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "Dominance",
    "FrontierResult",
    "FrontierTooLarge",
    "is_pareto_efficient",
    "nondominated_mask",
    "pareto_frontier",
]

#: Decimals kept in ``to_dict`` output (the exact grid is finer than 1e-12).

#: Largest Minkowski-sum candidate set one DP stage may build.
DEFAULT_MAX_CANDIDATES = 20_000_000
#: Bytes per candidate coordinate the DP holds at once (candidates, sorted copy, uniques).
_BYTES_PER_VALUE = 8 * 4
#: Stages with at most this many candidate-by-frontier comparisons are not refused on a
#: projected time: a projection from a tiny stage is mostly call overhead (it once refused
#: a 4 ms frontier as "projected 2.9 s"), and the time is checked while pruning anyway.
_SMALL_STAGE = 50_000_000


class FrontierTooLarge(AnalysisError):
    """The frontier DP would exceed its budget (candidates, memory or time): the message
    gives the frontier's growth so far; the MILP-based functions answer instead."""


@dataclass
class _Growth:
    """Sizes and times of the DP stages so far (for the budget checks and the message)."""

    n_groups: int
    n_parties: int
    sizes: list[int] = field(default_factory=list)
    last_candidates: int = 0
    last_seconds: float = 0.0

    def refuse(self, reason: str, advice: str) -> FrontierTooLarge:
        done = len(self.sizes)
        if done:
            shown = self.sizes if done <= 6 else [*self.sizes[:2], -1, *self.sizes[-3:]]
            growth = " → ".join("…" if s < 0 else f"{s:,}" for s in shown)
            where = (
                f"after {done} of {self.n_groups} issue groups it holds {self.sizes[-1]:,} "
                f"non-dominated partial packages (growth per group: {growth})"
            )
        else:
            where = f"before the first of {self.n_groups} issue groups"
        crowd = (
            f"; with {self.n_parties} parties nearly every package is efficient"
            if self.n_parties > 6
            else ""
        )
        return FrontierTooLarge(
            f"the exact Pareto frontier is too large to build: {where}; {reason}{crowd}; {advice}"
        )

    def projected_seconds(self, candidates: int, front: int) -> float:
        """Time of the next pruning, scaled from the last one (``candidates × front``
        comparisons for three or more parties, ``candidates log candidates`` for two)."""
        if not self.sizes or self.last_candidates == 0:
            return 0.0
        if self.n_parties <= 2:
            ratio = candidates / self.last_candidates
        else:
            ratio = (candidates * front) / max(1, self.last_candidates * self.sizes[-1])
        return max(self.last_seconds, 1e-4) * ratio


_ADVICE = (
    "ask for the packages every party accepts (acceptable_only, --acceptable-only), the fair "
    "packages (peacetable solve) or the ZOPA (peacetable zopa) instead, which fall back to "
    "mixed-integer programs"
)
_ADVICE_BOUNDED = (
    "raise the time limit (--time-limit) or the memory limit, or use the MILP-based answers "
    "(peacetable solve, peacetable zopa)"
)


@dataclass(frozen=True)
class _Stage:
    """Back-pointers of one DP stage in compressed sparse row form."""

    group: int  # index into space.groups
    start: IntArray  # (k + 1,) entries of surviving vector j are start[j]:start[j+1]
    parent: IntArray  # (E,) index of the parent vector in the previous stage
    row: IntArray  # (E,) combination row of the group


@dataclass(frozen=True)
class _Trace:
    points: FloatArray
    stages: tuple[_Stage, ...]
    max_candidates: int


def _frontier_dp(
    space: AgreementSpace,
    lower: FloatArray | None = None,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    deadline: Deadline | None = None,
    memory_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> _Trace:
    """Run the dominance-pruned DP over the agreements; optionally keep only vectors that can
    reach *lower*.

    The no-deal package is not an agreement. It is excluded exactly by carrying,
    beside the pruned vectors, the one partial vector that has so far followed
    the no-deal package in every group (its *prefix*): the prefix never prunes
    another vector (its completion may be no deal itself), it spawns the
    vectors that leave the no-deal package in the current group, and it is
    dropped at the end. It is the last point of every stage.

    Before each stage the size of its candidate set, the memory it needs and
    the time its pruning should take (scaled from the last stage) are checked
    against *max_candidates*, *memory_limit* and *deadline*; over any of them
    the DP stops with :class:`FrontierTooLarge` giving the growth so far.
    """
    p = space.n_parties
    groups = space.groups
    if any(g.size == 0 for g in groups):
        return _Trace(np.empty((0, p)), (), 0)
    x0 = space.no_deal_rows
    pts = space.offset[None, :].copy()
    deadline = deadline if deadline is not None else Deadline(None)
    growth = _Growth(len(groups), p)
    advice = _ADVICE if lower is None else _ADVICE_BOUNDED
    maxima = np.array([g.utilities.max(axis=0) for g in groups]).reshape(len(groups), p)
    rest = np.zeros((len(groups) + 1, p))
    if len(groups):
        rest[:-1] = np.cumsum(maxima[::-1], axis=0)[::-1]
    stages: list[_Stage] = []
    biggest = 1
    if lower is not None and (pts + rest[0] < lower).any():
        return _Trace(np.empty((0, p)), (), 1)
    # the empty partial vector is the prefix of the no-deal package, not an agreement yet
    flagged = np.zeros(1, dtype=bool) if x0 is not None else np.ones(1, dtype=bool)
    for g, grp in enumerate(groups):
        opt_keep = np.flatnonzero(nondominated_mask(grp.utilities))
        util = grp.utilities[opt_keep]
        k, m = pts.shape[0], util.shape[0]
        _check_stage(growth, k * m, m, max_candidates, deadline, memory_limit, advice)
        biggest = max(biggest, k * m)
        started = time.perf_counter()
        from_prefix = x0 is not None and not flagged[-1]
        n_normal = k - 1 if from_prefix else k
        cand = (pts[:n_normal, None, :] + util[None, :, :]).reshape(-1, p)
        parent = np.repeat(np.arange(n_normal, dtype=np.int64), m)
        row = np.tile(opt_keep.astype(np.int64), n_normal)
        if from_prefix:
            # children of the prefix leave the no-deal package here: any other option,
            # pruned only against the other options (one the no-deal option dominates
            # still makes an agreement)
            assert x0 is not None
            others = np.flatnonzero(np.arange(grp.utilities.shape[0]) != x0[g])
            others = others[nondominated_mask(grp.utilities[others])]
            cand = np.vstack([cand, pts[-1] + grp.utilities[others]])
            parent = np.append(parent, np.full(others.size, k - 1, dtype=np.int64))
            row = np.append(row, others.astype(np.int64))
        if lower is not None:
            ok = (cand + rest[g + 1] >= lower).all(axis=1)
            cand, parent, row = cand[ok], parent[ok], row[ok]
        prefix = None
        if x0 is not None and not flagged[-1]:
            grown = pts[-1] + grp.utilities[x0[g]]
            if lower is None or (grown + rest[g + 1] >= lower).all():
                prefix = grown
        if cand.shape[0] == 0 and prefix is None:
            return _Trace(np.empty((0, p)), (), biggest)
        try:
            pts, stage = _prune(cand, parent, row, g, deadline.expired)
        except Interrupted:
            raise growth.refuse(
                f"the {deadline.seconds:g} s time limit ran out while pruning the "
                f"{cand.shape[0]:,} candidates of group {g + 1}",
                advice,
            ) from None
        growth.last_candidates, growth.last_seconds = cand.shape[0], time.perf_counter() - started
        growth.sizes.append(pts.shape[0])
        if progress is not None:
            progress(g + 1, len(groups))
        if prefix is not None:
            assert x0 is not None
            pts, stage = _append_prefix(pts, stage, prefix, k - 1, int(x0[g]))
            flagged = np.ones(pts.shape[0], dtype=bool)
            flagged[-1] = False
        else:
            flagged = np.ones(pts.shape[0], dtype=bool)
        stages.append(stage)
    if x0 is not None and not flagged[-1]:
        pts, stages[-1] = _drop_last(pts, stages[-1])
    return _Trace(pts, tuple(stages), biggest)


def _check_stage(
    growth: _Growth,
    candidates: int,
    m: int,
    max_candidates: int,
    deadline: Deadline,
    memory_limit: int | None,
    advice: str,
) -> None:
    """Refuse the next stage, before building it, if it would exceed a budget."""
    stage = len(growth.sizes) + 1
    if candidates > max_candidates:
        raise growth.refuse(
            f"group {stage} would make {candidates:,} candidate vectors (budget "
            f"{max_candidates:,})",
            advice,
        )
    need = candidates * growth.n_parties * _BYTES_PER_VALUE
    if memory_limit is not None and need > memory_limit:
        raise growth.refuse(
            f"group {stage} would make {candidates:,} candidate vectors of {growth.n_parties} "
            f"utilities ({format_bytes(need)}; memory limit {format_bytes(memory_limit)})",
            advice,
        )
    if math.isinf(deadline.remaining()):
        return
    rate = growth.sizes[-1] / max(1, growth.sizes[-2]) if len(growth.sizes) > 1 else float(m)
    front = int(min(candidates, max(1.0, growth.sizes[-1] * rate) if growth.sizes else 1))
    if candidates * (front if growth.n_parties > 2 else 1) <= _SMALL_STAGE:
        return
    projected = growth.projected_seconds(candidates, front)
    left = deadline.remaining()
    if projected > left:
        deadline.mark_cut()
        raise growth.refuse(
            f"group {stage} would compare {candidates:,} candidates with a frontier of about "
            f"{front:,} points (projected {_duration(projected)}; {left:.1f} s of the "
            f"{deadline.seconds:g} s time limit left)",
            advice,
        )


def _duration(seconds: float) -> str:
    """Seconds in words (``"3.2 s"``, ``"14 min"``, ``"5.1 h"``, ``"3e+04 years"``)."""
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 365:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / (86400 * 365):.2g} years"


def _prune(
    cand: FloatArray,
    parent: IntArray,
    row: IntArray,
    group: int,
    stop: Callable[[], bool] | None = None,
) -> tuple[FloatArray, _Stage]:
    """The non-dominated distinct candidates and their back-pointers (ties kept)."""
    uniq, inverse = unique_rows(cand)
    keep = nondominated_unique(uniq, stop)
    new_id = np.cumsum(keep) - 1
    entry_ok = keep[inverse]
    owner = new_id[inverse[entry_ok]]
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    parent = parent[entry_ok][order]
    row = row[entry_ok][order]
    pts = uniq[keep]
    start = np.searchsorted(owner, np.arange(pts.shape[0] + 1)).astype(np.int64)
    return pts, _Stage(group=group, start=start, parent=parent, row=row)


def _append_prefix(
    pts: FloatArray, stage: _Stage, prefix: FloatArray, parent: int, row: int
) -> tuple[FloatArray, _Stage]:
    """Add the no-deal prefix as the stage's last point (one back-pointer entry)."""
    start = np.append(stage.start, stage.start[-1] + 1)
    return np.vstack([pts, prefix[None, :]]), _Stage(
        group=stage.group,
        start=start,
        parent=np.append(stage.parent, parent),
        row=np.append(stage.row, row),
    )


def _drop_last(pts: FloatArray, stage: _Stage) -> tuple[FloatArray, _Stage]:
    """Remove the last point of the final stage (the no-deal package itself)."""
    end = int(stage.start[-2])
    return pts[:-1], _Stage(
        group=stage.group, start=stage.start[:-1], parent=stage.parent[:end], row=stage.row[:end]
    )


@dataclass(frozen=True, eq=False)
class FrontierResult(Result):
    """The exact Pareto frontier of a package space.

    Attributes
    ----------
    points:
        ``(k, n_parties)`` distinct Pareto-optimal utility vectors, sorted by
        the first party's utility (descending), then the next, ...
    party_ids:
        Column names of *points*.
    no_deal:
        ``(n_parties,)`` no-deal utilities.
    acceptable_only:
        Whether only packages every party accepts (the core's rule) count.
    n_packages, n_feasible, n_groups:
        Size of the package space, feasible packages, independent compound issues.
    max_candidates:
        Largest candidate set of one DP stage (a work measure).
    """

    points: FloatArray
    party_ids: tuple[str, ...]
    no_deal: FloatArray
    acceptable_only: bool
    n_packages: int
    n_feasible: int
    n_groups: int
    max_candidates: int
    _space: AgreementSpace = field(repr=False)
    _stages: tuple[_Stage, ...] = field(repr=False)

    @property
    def size(self) -> int:
        """Number of distinct frontier points."""
        return int(self.points.shape[0])

    @property
    def space(self) -> AgreementSpace:
        """The space the frontier belongs to."""
        return self._space

    def representatives(self) -> npt.NDArray[np.int64]:
        """One package ``(k, n_issues)`` per frontier point (the first of its ties)."""
        k = self.size
        rows = np.zeros((k, len(self._space.groups)), dtype=np.int64)
        idx = np.arange(k, dtype=np.int64)
        for st in reversed(self._stages):
            e = st.start[idx]
            rows[:, st.group] = st.row[e]
            idx = st.parent[e]
        return self._space.packages_from_rows(rows)

    def tie_counts(self) -> list[int]:
        """Number of packages attaining each frontier point (exact Python ints)."""
        if not self._stages:
            return [1] * self.size
        small = self.n_feasible < 2**62  # int64 cannot overflow
        counts: npt.NDArray[Any] = np.ones(1, dtype=np.int64 if small else object)
        for st in self._stages:
            k = st.start.shape[0] - 1
            owner = np.repeat(np.arange(k), np.diff(st.start))
            new = np.zeros(k, dtype=counts.dtype)
            np.add.at(new, owner, counts[st.parent])
            counts = new
        return [int(c) for c in counts]

    def packages(self, index: int, limit: int = 1000) -> npt.NDArray[np.int64]:
        """All packages (up to *limit*) attaining frontier point *index*, ``(n, n_issues)``."""
        if not 0 <= index < self.size:
            raise InputError(f"frontier point {index} does not exist (size {self.size})")
        n_groups = len(self._space.groups)
        out: list[list[int]] = []
        # depth-first expansion of the back-pointer DAG
        stack: list[tuple[int, int, list[int]]] = [(len(self._stages) - 1, index, [0] * n_groups)]
        while stack and len(out) < limit:
            s, j, rows = stack.pop()
            if s < 0:
                out.append(rows)
                continue
            st = self._stages[s]
            for e in range(int(st.start[j + 1]) - 1, int(st.start[j]) - 1, -1):
                nxt = list(rows)
                nxt[st.group] = int(st.row[e])
                stack.append((s - 1, int(st.parent[e]), nxt))
        return self._space.packages_from_rows(np.array(out, dtype=np.int64).reshape(-1, n_groups))

    def to_dict(self, with_packages: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (points, one package per point, tie counts)."""
        d: dict[str, Any] = {
            "party_ids": list(self.party_ids),
            "no_deal": to_plain(self.no_deal),
            "acceptable_only": self.acceptable_only,
            "size": self.size,
            "n_packages": self.n_packages,
            "n_feasible": self.n_feasible,
            "n_groups": self.n_groups,
            "max_candidates": self.max_candidates,
            "points": to_plain(self.points),
        }
        if with_packages:
            reps = self.representatives()
            d["packages"] = [self._space.package_dict(r) for r in reps]
            d["tie_counts"] = self.tie_counts()
        d["provenance"] = self.provenance.to_dict()
        return d


def _merge_rounding_ties(
    points: FloatArray, stages: tuple[_Stage, ...], tol: float
) -> tuple[FloatArray, tuple[_Stage, ...]]:
    """Treat utilities within *tol* as equal on the final frontier.

    Each table entry is rounded to the grid separately, so two packages whose
    utilities are equal in exact (rational) arithmetic can end up a few grid
    steps apart; a package dominated only through such a tie would otherwise
    survive, and one tie could show as two points. Per party, sorted values
    whose gaps are at most *tol* (the largest accumulated rounding error:
    one half-step per group, twice) form one cluster; the exact non-dominated
    filter then runs on the cluster ids, and points with identical ids merge
    into one point carrying all their packages. ``O(n f log f)`` for ``f``
    points and ``n`` parties.
    """
    f = points.shape[0]
    if f < 2 or not stages:
        return points, stages
    uniq, inverse = unique_rows(tie_classes(points, tol))
    keep = nondominated_unique(uniq)
    if keep.all() and uniq.shape[0] == f:
        return points, stages
    members = np.flatnonzero(keep[inverse])
    owner = (np.cumsum(keep) - 1)[inverse[members]]
    order = np.argsort(owner, kind="stable")
    members, owner = members[order], owner[order]
    n_new = int(keep.sum())
    first = members[np.searchsorted(owner, np.arange(n_new))]
    last = stages[-1]
    lengths = np.diff(last.start)[members]
    begins = last.start[:-1][members]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    entries = np.repeat(begins - offsets[:-1], lengths) + np.arange(int(offsets[-1]))
    per_point = np.bincount(owner, weights=lengths, minlength=n_new).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(per_point)]).astype(np.int64)
    merged = _Stage(
        group=last.group, start=start, parent=last.parent[entries], row=last.row[entries]
    )
    return points[first], (*stages[:-1], merged)


def pareto_frontier(
    scenario: Scenario | PreparedScenario | AgreementSpace,
    *,
    acceptable_only: bool = False,
    lower: npt.ArrayLike | None = None,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FrontierResult:
    """Exact Pareto frontier of the feasible packages, without enumerating them.

    Parameters
    ----------
    scenario:
        A :class:`~peacetable.model.Scenario`, a compiled scenario or an
        :class:`~peacetable.core.space.AgreementSpace`.
    acceptable_only:
        Keep only packages every party accepts (utility >= no-deal).
    lower:
        Optional ``(n_parties,)`` lower bounds on utility (overrides the no-deal
        bound of *acceptable_only*).
    max_candidates:
        Budget of one DP stage; beyond it :class:`FrontierTooLarge` is raised.
    time_limit:
        Seconds (or a :class:`~peacetable.analysis._budget.Deadline` shared
        with other work); ``None``: none. A stage whose pruning is projected
        (from the last stage's time) to overrun it is not started.
    memory_limit:
        Bytes the candidate vectors of one stage may take; ``None``: none.
    progress:
        ``progress(done, total)`` after each issue group.

    Returns
    -------
    FrontierResult

    Raises
    ------
    FrontierTooLarge
        The frontier is too large for a budget; the message gives the number
        of non-dominated partial packages after each issue group so far.

    Notes
    -----
    Dynamic programming over compound issues with dominance pruning (see the
    module docstring; Klamroth & Wiecek 2000, Bazgan et al. 2009). Stage
    ``g`` costs ``O(f_{g-1} m_g log(f_{g-1} m_g))`` for two parties and
    ``O(f_{g-1} m_g f_g)`` for more, with ``f_g`` the number of non-dominated
    partial vectors after ``g`` groups and ``m_g`` the group's size: for
    additive scenarios ``f_g`` stays far below the number of packages.

    References
    ----------
    .. [1] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving
       efficiently the 0-1 multi-objective knapsack problem. *Computers &
       Operations Research* 36(1), 260-279.

    Examples
    --------
    >>> import numpy as np
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], no_deal=[0, 0])
    >>> pareto_frontier(s).points.tolist()
    [[2.0, 0.0], [1.0, 1.0], [0.0, 2.0]]
    >>> pareto_frontier(s).tie_counts()
    [1, 2, 1]
    """
    space = as_space(scenario)
    bound: FloatArray | None = None
    if lower is not None:
        bound = snap(lower, space.quantum)
        if bound.shape != (space.n_parties,):
            raise InputError(f"lower must have shape ({space.n_parties},)")
    elif acceptable_only:
        bound = space.acceptance_floor()
    trace = _frontier_dp(
        space, bound, max_candidates, Deadline.of(time_limit), memory_limit, progress
    )
    pts, stages = _merge_rounding_ties(trace.points, trace.stages, space.tie)
    order = np.lexsort(pts.T[::-1] * -1.0) if pts.shape[0] else np.zeros(0, dtype=np.int64)
    if stages:
        last = stages[-1]
        lengths = np.diff(last.start)[order]
        first = last.start[:-1][order]
        start_new = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        entries = np.repeat(first - start_new[:-1], lengths) + np.arange(int(start_new[-1]))
        stages = (
            *stages[:-1],
            _Stage(
                group=last.group,
                start=start_new,
                parent=last.parent[entries],
                row=last.row[entries],
            ),
        )
    return FrontierResult(
        points=pts[order],
        party_ids=space.party_ids,
        no_deal=space.no_deal,
        acceptable_only=acceptable_only or lower is not None,
        n_packages=space.n_packages,
        n_feasible=space.n_feasible,
        n_groups=len(space.groups),
        max_candidates=trace.max_candidates,
        _space=space,
        _stages=stages,
        provenance=Provenance("dp-dominance"),
    )


@dataclass(frozen=True)
class Dominance:
    """Whether a utility vector is Pareto-dominated, and by which package.

    Attributes
    ----------
    package:
        A feasible package that dominates it (the one with the largest
        utility sum when *exact*), or ``None``.
    method:
        ``"dp-dominance"`` or ``"milp"``.
    exact:
        True when *package* is proven to be the dominating package with the
        largest sum (or proven not to exist). False when the time limit
        stopped the search: a package given still dominates (that is checked
        exactly), but one with a larger sum may exist; ``None`` then means
        undecided.
    """

    package: IntArray | None
    method: str
    exact: bool = True

    @property
    def decided(self) -> bool:
        """Whether the answer to "is it dominated?" is known."""
        return self.exact or self.package is not None


def dominating_package(
    space: AgreementSpace,
    utilities: npt.ArrayLike,
    *,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> Dominance:
    """A feasible package that Pareto-dominates the utility vector *utilities*, or ``None``.

    Among the dominating frontier points, the one with the largest utility
    sum (ties: the first in frontier order), and its first package.

    Parameters
    ----------
    space:
        The agreement space.
    utilities:
        ``(n_parties,)`` the utilities to beat (e.g. of a draft).
    max_candidates:
        DP budget; beyond it an exact MILP is used instead.
    time_limit, memory_limit:
        Budgets (see :func:`pareto_frontier`); the DP gets half the time, the
        MILP what is left.

    Returns
    -------
    Dominance

    Notes
    -----
    Exact: the frontier DP restricted to the box above *utilities* (bound
    pruning, Bazgan et al. 2009); when too large, the MILP ``max sum u s.t.
    u >= utilities`` (HiGHS). Dominance follows the core's rule
    (:meth:`~peacetable.core.PackageEvaluator.improves_on`).

    References
    ----------
    .. [1] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving
       efficiently the 0-1 multi-objective knapsack problem. *Computers &
       Operations Research* 36(1), 260-279.

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [2, 2]]], no_deal=[0, 0])
    >>> dominating_package(s, [1, 0]).package.tolist()
    [1]
    """
    u = np.asarray(utilities, dtype=np.float64).reshape(-1)
    deadline = Deadline.of(time_limit)
    try:
        result = pareto_frontier(
            space,
            lower=u - space.tie,
            max_candidates=max_candidates,
            time_limit=deadline.part(0.5),
            memory_limit=memory_limit,
        )
    except FrontierTooLarge:
        solved = _milp.dominating_package(space, u, deadline)
        if solved is None:
            return Dominance(None, "milp", exact=not deadline.cut)
        return Dominance(solved.package, "milp", exact=solved.optimal)
    pts = result.points
    sums = np.where(space.improves_on(pts, u), pts.sum(axis=1), -np.inf)
    if not np.isfinite(sums).any():
        return Dominance(None, "dp-dominance")
    best = int(np.argmax(sums))
    return Dominance(result.packages(best, limit=1)[0], "dp-dominance")


def is_pareto_efficient(
    scenario: Scenario | PreparedScenario | AgreementSpace,
    package: Mapping[str, str] | npt.ArrayLike,
    *,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
) -> tuple[bool, dict[str, str] | None]:
    """Is *package* Pareto-efficient? If not, return a package that dominates it.

    Parameters
    ----------
    scenario:
        Scenario, prepared scenario or :class:`AgreementSpace`.
    package:
        ``{issue id: option id}`` or option indices ``(n_issues,)``.
    max_candidates:
        DP budget; beyond it an exact MILP check is used instead.

    Returns
    -------
    (bool, dict or None)
        ``(True, None)`` when no feasible package dominates it; otherwise
        ``(False, dominating package)`` -- the dominating package with the
        largest utility sum (the most improving one).

    Raises
    ------
    InputError
        The package is unknown or infeasible.

    Notes
    -----
    See :func:`dominating_package`.

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [2, 2]]], no_deal=[0, 0])
    >>> is_pareto_efficient(s, [0])
    (False, {'I0': 'o1'})
    """
    space = as_space(scenario)
    pkg = space.package_array(package)
    if not space.feasible(pkg)[0]:
        broken = [fp.source for fp in space.forbidden if all(m[pkg[i]] for i, m in fp.clauses)]
        raise InputError(f"the package is infeasible (breaks {'; '.join(broken)})")
    found = dominating_package(space, space.utilities(pkg)[0], max_candidates=max_candidates)
    if found.package is None:
        return True, None
    return False, space.package_dict(found.package)
