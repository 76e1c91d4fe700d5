"""Which package do the most plausible worlds accept? Exact robust-package search.

:func:`robust_package` finds the feasible package of the whole package space
that the most sampled worlds accept unanimously -- exact over the samples --
by a depth-first branch and bound over issues with per-world bounds (Land &
Doig 1960). The worlds are those of the SMAA sweep
:func:`peacetable.analysis.robustness.acceptability` (same seed, same worlds;
Lahdelma & Salminen 2001), and leaf counts use the same canonical evaluation,
so counts agree exactly with the sweep's.

The best count is a maximum over many packages: as an estimate of the true
probability of acceptance by all it is optimistically biased (winner's curse).
Every probability here is a Monte Carlo estimate over the samples, reported
with a Wilson score interval.

References
----------
.. [1] Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
   acceptability analysis for group decision making. *Operations Research*
   49(3), 444-454.
.. [2] Land, A. H. & Doig, A. G. (1960). An automatic method of solving
   discrete programming problems. *Econometrica* 28(3), 497-520.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.analysis._budget import Deadline, check_memory, format_bytes
from peacetable.analysis.robustness import Progress
from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.sampling import (
    ParameterModel,
    SampleTables,
    concat,
    sample_chunks,
    subset,
    wilson_interval,
)
from peacetable.errors import InputError
from peacetable.model import Scenario

_ALL_TRUE = np.uint64(0x0101010101010101)
_FLOAT32_SLACK = 1e-4  # pruning slack per 4 parties: bounds are float32, leaves recounted exactly
_MAX_PAIRED_PARTIES = 6  # beyond this many parties, pair columns would cost too much memory
_MIN_SEARCH_WORLDS = 256  # fewer would not rank packages usefully: refuse instead


class _OutOfTime(Exception):
    """The search's deadline passed."""


def _combinations(n_parties: int) -> FloatArray:
    """Columns: each party alone, each pair of parties, all parties (sums of utilities).

    A world can accept a package only if, for every such subset, the summed
    slack of its parties can reach zero; the joint columns tighten the bound
    when parties want opposite things on the issues still open. Pairs are
    left out beyond six parties (their number grows quadratically).
    """
    cols = [np.eye(n_parties)[:, p] for p in range(n_parties)]
    if 2 < n_parties <= _MAX_PAIRED_PARTIES:
        for a in range(n_parties):
            for b in range(a + 1, n_parties):
                cols.append(np.eye(n_parties)[:, a] + np.eye(n_parties)[:, b])
    if n_parties > 1:
        cols.append(np.ones(n_parties))
    while len(cols) % 8:  # zero columns always hold; they pad to whole 64-bit words
        cols.append(np.zeros(n_parties))
    return np.stack(cols, axis=1)


@dataclass(frozen=True)
class RankedPackage:
    """A package and the number of sampled worlds in which all parties accept it."""

    package: dict[str, str]
    count: int
    n_samples: int
    confidence: float
    proposal: str | None = None

    @property
    def p_all(self) -> float:
        """Estimated probability that all accept."""
        return self.count / self.n_samples

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "package": dict(self.package),
            "proposal": self.proposal,
            "all_accept_count": self.count,
            "p_all_accept": self.p_all,
            "p_all_accept_interval": list(
                wilson_interval(self.count, self.n_samples, self.confidence)
            ),
        }


@dataclass(frozen=True)
class RobustPackageResult(Result):
    """The packages most often accepted by all, exact over the samples.

    Attributes
    ----------
    top:
        Up to ``k`` packages with the highest counts, best first (ties broken
        by search order, which is deterministic). Empty when no package is
        accepted by all in any sampled world.
    proposals:
        The scenario's proposals with their counts, for comparison.
    n_packages:
        Packages in the space (feasible or not), searched implicitly.
    nodes:
        Branch-and-bound nodes expanded.
    proven:
        False when the time limit cut the search short: the packages listed
        are the best found (their counts are exact), but a better one may
        exist (the provenance says so).
    """

    top: tuple[RankedPackage, ...]
    proposals: tuple[RankedPackage, ...]
    n_samples: int
    n_packages: int
    nodes: int
    proven: bool = True

    @property
    def best(self) -> RankedPackage | None:
        """The package with the highest probability of acceptance by all."""
        return self.top[0] if self.top else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "n_samples": self.n_samples,
            "n_packages": self.n_packages,
            "nodes": self.nodes,
            "proven": self.proven,
            "best": None if self.best is None else self.best.to_dict(),
            "top": [t.to_dict() for t in self.top],
            "proposals": [p.to_dict() for p in self.proposals],
            "provenance": self.provenance.to_dict(),
        }


@dataclass
class _Search:
    """Depth-first branch and bound over issues (module notes of :func:`robust_package`)."""

    model: ParameterModel
    st: SampleTables
    order: list[int]  # issue index at each depth
    utils: list[npt.NDArray[np.float32]]  # per depth (n, m, L): table @ mix
    best_of: list[npt.NDArray[np.float32]]  # per depth (n, L)
    bonus: list[tuple[dict[int, int], int, npt.NDArray[np.float32], npt.NDArray[np.float32]]]
    forbidden: list[tuple[dict[int, npt.NDArray[np.bool_]], int]]
    k: int
    deadline: Deadline = field(default_factory=lambda: Deadline(None))
    mix: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    found: dict[tuple[int, ...], int] = field(default_factory=dict)
    nodes: int = 0

    @property
    def no_deal_key(self) -> tuple[int, ...] | None:
        nd = self.model.no_deal_package
        return None if nd is None else tuple(int(v) for v in nd)

    @property
    def tol(self) -> float:
        # float32 rounding grows with the number of slacks summed in a column
        return _FLOAT32_SLACK * max(1.0, self.model.n_parties / 4)

    def root(self) -> tuple[IntArray, npt.NDArray[np.float32]]:
        """The worlds where every party (and subset column) can still reach its no-deal
        utility with the best options of every issue, and their slacks."""
        optimistic = np.zeros((self.st.n, self.mix.shape[1]), np.float32)
        for _, _, opt, _ in self.bonus:
            optimistic += opt
        slack = sum(self.best_of, optimistic) - (self.st.no_deal.T @ self.mix)
        poss = np.flatnonzero((slack >= -self.tol).all(axis=1))
        return poss, slack[poss].astype(np.float32)

    def threshold(self) -> int:
        if len(self.found) < self.k:
            return 0
        return sorted(self.found.values(), reverse=True)[self.k - 1]

    def exact(self, package: IntArray, rows: IntArray | None = None) -> int:
        """Worlds (*rows*; ``None``: all) in which every party accepts *package*, exactly."""
        st = self.st if rows is None else subset(self.st, rows)
        acc = self.model.accepts(st, package)
        return int(acc.all(axis=1).sum())

    def expand(
        self,
        depth: int,
        poss: IntArray,
        slack: npt.NDArray[np.float32],
        prefix: list[int],
        progress: Progress | None,
    ) -> None:
        if self.deadline.expired():
            raise _OutOfTime
        self.nodes += 1
        g_util, g_best = self.utils[depth], self.best_of[depth]  # (n, m, L), (n, L)
        m, n_cols = g_util.shape[1], g_util.shape[2]
        vals = g_util[poss] + (slack - g_best[poss])[:, None, :]  # (|poss|, m, L)
        for need, last, opt, exact in self.bonus:
            # an interaction still possible below this node: settle it for each child
            if depth not in need or any(prefix[d] != o for d, o in need.items() if d < depth):
                continue
            for c in range(m):
                if c != need[depth]:
                    vals[:, c] -= opt[poss]  # its condition fails: no bonus after all
                elif depth == last:
                    vals[:, c] += exact[poss] - opt[poss]  # all conditions hold: the real bonus
        infeasible = np.zeros(m, dtype=bool)
        for clauses, last in self.forbidden:
            if last == depth and all(clauses[d][prefix[d]] for d in clauses if d < depth):
                infeasible |= clauses[depth]
        # L is a multiple of 8: read 8 booleans at a time as one 64-bit word
        words = (vals >= -self.tol).view(np.uint64)
        ok = words[:, :, 0] == _ALL_TRUE
        for k in range(1, n_cols // 8):
            ok &= words[:, :, k] == _ALL_TRUE
        ok[:, infeasible] = False
        counts = ok.sum(axis=0)
        last_depth = depth == len(self.utils) - 1
        order = np.argsort(-counts, kind="stable")
        for n_done, c in enumerate(order, start=1):
            if counts[c] <= self.threshold():
                break
            keep = ok[:, c]
            if last_depth:
                x = np.zeros(self.model.n_issues, dtype=np.int64)
                x[self.order] = [*prefix, int(c)]
                key = tuple(int(v) for v in x)
                if key == self.no_deal_key:
                    continue  # the no-deal package is not an agreement
                if key not in self.found:
                    self.found[key] = self.exact(x, poss[keep])
                    if len(self.found) > 4 * self.k:
                        kept = sorted(self.found.items(), key=lambda kv: -kv[1])[: self.k]
                        self.found = dict(kept)
            else:
                self.expand(depth + 1, poss[keep], vals[keep, c], [*prefix, int(c)], None)
            if progress is not None:
                progress(n_done, m)
        if progress is not None:
            progress(m, m)


def robust_package(
    scenario: Scenario | PreparedScenario,
    *,
    n_samples: int = 100_000,
    seed: int = 0,
    top: int = 5,
    chunk_size: int = 16_384,
    confidence: float = 0.95,
    progress: Progress | None = None,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> RobustPackageResult:
    """The feasible packages accepted by all in the most sampled worlds (exact over samples).

    Parameters
    ----------
    scenario:
        The scenario.
    n_samples, seed, chunk_size:
        The sampled worlds, as in
        :func:`~peacetable.analysis.robustness.acceptability` (the same seed
        gives the same worlds).
    top:
        How many of the best packages to return.
    confidence:
        Level of the Wilson intervals.
    progress:
        ``progress(done, total)`` over the first-level branches.
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`);
        ``None``: none. When it runs out the search stops with the best
        packages found so far, labelled approximate (a better one may exist).
    memory_limit:
        Bytes the search's per-world tables may take. When all *n_samples*
        worlds do not fit, the search runs over, and counts in, the first
        worlds that do (``n_samples`` of the result says how many; labelled
        approximate, since another sample may rank packages differently).

    Returns
    -------
    RobustPackageResult

    Raises
    ------
    InputError
        Bad arguments.
    AnalysisError
        When linked issues form a compound issue too large to enumerate, or
        not even 256 worlds fit *memory_limit*.

    Notes
    -----
    A node of the search fixes the options of the first issues (largest
    spread of nominal utility first). In each world it is *possible* when,
    for every party -- and for every pair of parties and for all parties
    together, summing their slacks -- the utility fixed so far plus the best
    the open issues can still give reaches the no-deal utility; interaction
    bonuses count optimistically until their issues are fixed, and a child
    that completes a forbidden combination is cut. The number of possible
    worlds bounds the count of every package below the node, so nodes that
    cannot beat the ``top``-th best count found so far are pruned (Land &
    Doig 1960), and each child only looks at its parent's possible worlds.
    At a leaf the count is recomputed with the canonical evaluation in double
    precision (bounds are single precision with a tolerance of ``1e-4`` per
    four parties), so counts agree exactly with
    :func:`~peacetable.analysis.robustness.acceptability`. Worst case
    ``O(n_samples × packages × parties²)``; in practice the bounds prune
    nearly all of the space. Memory ``O(n_samples × options × parties²)``.

    The best count is a maximum over many packages, so its probability is
    optimistically biased as an estimate of the true probability (winner's
    curse); compare it with a fresh seed.

    References
    ----------
    Lahdelma & Salminen (2001); Land & Doig (1960).

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = load_scenario("tests/model/mini.yaml")
    >>> r = robust_package(s, n_samples=4096, top=2)
    >>> r.best.package
    {'x': 'mid', 'y': 'vote'}
    """
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    compiled = prepare(scenario)
    scenario = compiled.scenario
    model = compiled.sampling
    deadline = Deadline.of(time_limit)
    mix = _combinations(model.n_parties)
    n_search = _searchable_worlds(model, mix.shape[1], n_samples, memory_limit)
    if n_search < n_samples:
        chunk_size = min(chunk_size, 4096)  # draw in blocks: the parameter matrix stays small
    st = concat(
        [model.tables(model.draw(a, b, seed)) for a, b in sample_chunks(n_search, chunk_size)]
    )
    search = _build_search(model, st, mix, top, deadline)
    proposals = [(_key(compiled.encode(prop.package)), prop.id) for prop in scenario.proposals]
    counts = {}
    for key, _ in proposals:
        counts[key] = search.exact(np.array(key))
        if compiled.is_agreement(np.array(key))[0]:
            search.found[key] = counts[key]
    root = search.root()
    bound_all = int(root[0].size)
    with contextlib.suppress(_OutOfTime):  # the deadline passed: the best found so far
        search.expand(0, *root, [], progress)
    ranked = sorted(search.found.items(), key=lambda kv: -kv[1])[:top]
    props = tuple(
        RankedPackage(compiled.package_dict(np.array(k)), counts[k], n_search, confidence, pid)
        for k, pid in proposals
    )
    names = dict(proposals)  # a package named twice keeps its last name
    best = tuple(
        RankedPackage(compiled.package_dict(np.array(k)), c, n_search, confidence, names.get(k))
        for k, c in ranked
        if c > 0
    )
    scope = "the samples"
    if n_search < n_samples:
        scope = (
            f"the first {n_search:,} of the {n_samples:,} sampled worlds (the search's tables "
            f"of all of them exceed the {format_bytes(memory_limit or 0)} memory limit)"
        )
    ranking = f"the ranking is exact over {scope}"
    if deadline.cut:
        ranking = (
            f"the ranking is not proven: the search over {scope} {deadline.note()} after "
            f"{search.nodes:,} nodes, with the best packages found so far (no package is "
            f"accepted by all in more than {bound_all:,} of those worlds)"
        )
    bound = (
        f"{ranking}; probabilities are Monte Carlo estimates ({100 * confidence:g}% Wilson "
        "intervals)"
    )
    return RobustPackageResult(
        top=best,
        proposals=props,
        n_samples=n_search,
        n_packages=compiled.n_packages,
        nodes=search.nodes,
        proven=not deadline.cut,
        provenance=Provenance(
            "depth-first branch and bound over issues, per-world bounds",
            exact=False,
            bound=bound,
            seed=seed,
            samples=n_search,
        ),
    )


def _key(x: npt.ArrayLike) -> tuple[int, ...]:
    """A package as a tuple of Python ints (the search's dictionary key)."""
    return tuple(int(v) for v in np.asarray(x).reshape(-1))


def _searchable_worlds(
    model: ParameterModel, columns: int, n_samples: int, memory_limit: int | None
) -> int:
    """How many of the *n_samples* worlds the search's tables fit in *memory_limit*.

    Per world: the single-precision bound tables (options × columns), the
    double-precision utility tables (options × parties) and, while drawing,
    the parameter matrix (8 bytes each).
    """
    if memory_limit is None:
        return n_samples
    n_options = int(model.offsets[-1])
    per_world = (
        4 * (n_options + model.n_issues) * columns
        + 8 * n_options * model.n_parties
        + 8 * (len(model.parameters) + 1)
    )
    least = min(n_samples, _MIN_SEARCH_WORLDS)
    check_memory(
        per_world * least,
        f"the robust-package search over {least:,} sampled worlds ({n_options:,} options, "
        f"{model.n_parties} parties)",
        memory_limit,
        "raise the memory limit or give fewer estimates a range",
    )
    return int(min(n_samples, memory_limit // per_world))


def _build_search(
    model: ParameterModel,
    st: SampleTables,
    mix: FloatArray,
    top: int,
    deadline: Deadline,
) -> _Search:
    """The search's per-depth tables: issues with one allowed option first (an option ruled
    out on its own, e.g. a process agreed first, is never open), then by decreasing nominal
    spread; an issue's best still possible counts only its allowed options."""
    nominal = model.tables(model.base)
    spread = [
        float(np.ptp(nominal.tables[model.offsets[i] : model.offsets[i + 1], :, 0], axis=0).sum())
        for i in range(model.n_issues)
    ]
    allowed = [
        np.ones(model.offsets[i + 1] - model.offsets[i], bool) for i in range(model.n_issues)
    ]
    for pattern in model.forbidden:
        if len(pattern.clauses) == 1:
            i, mask = pattern.clauses[0]
            allowed[i] &= ~np.asarray(mask, dtype=bool)
    order = sorted(range(model.n_issues), key=lambda i: (allowed[i].sum() > 1, -spread[i], i))
    depth_of = {i: d for d, i in enumerate(order)}
    utils = []
    for i in order:
        rows = st.row_of[model.offsets[i] : model.offsets[i + 1]]
        # (n, m, P) @ (P, L): a BLAS product (bounds only; leaves are recounted exactly)
        utils.append((st.tables[rows].transpose(2, 0, 1) @ mix).astype(np.float32))
    best_of = [
        u[:, allowed[i]].max(axis=1) if allowed[i].any() else u.max(axis=1)
        for u, i in zip(utils, order, strict=True)
    ]
    bonus = []
    for k, conds in enumerate(model.interactions):
        column = mix[model.interaction_party[k]]  # (L,)
        opt = (np.maximum(st.bonus[k], 0.0)[:, None] * column).astype(np.float32)
        exact = (st.bonus[k][:, None] * column).astype(np.float32)
        need = {depth_of[i]: o for i, o in conds}
        bonus.append((need, max(need), opt, exact))
    forbidden = []
    for pattern in model.forbidden:
        by_depth = {depth_of[i]: mask for i, mask in pattern.clauses}
        forbidden.append((by_depth, max(by_depth)))
    return _Search(model, st, order, utils, best_of, bonus, forbidden, top, deadline, mix)
