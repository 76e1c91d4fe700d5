"""Amendments: the fewest provision changes that improve a package or make it acceptable.

A mediator holding a draft asks "which Pareto improvements change the fewest
provisions?" and "what is the smallest set of provision changes that makes
the draft acceptable to all (or wins over one party)?" (Raiffa 1982, ch. 14,
the single negotiating text amended provision by provision; ch. 4 on
reservation values).

Method
------
Exhaustive search over the number of changed provisions ``k = 1, 2, ...,
max_changes``: for every set of ``k`` issues, every combination of *other*
options on those issues is built as an array of packages and evaluated at
once with the compiled scenario's vectorised ``utilities``/``feasible``. The
search stops at the smallest ``k`` with a solution; when none is found up to
``max_changes`` the result states this as proven (every package at Hamming
distance ``<= max_changes`` from the draft was checked).

Beyond ``max_changes`` the answer is completed exactly: whether any feasible
package qualifies at all, by the dominance-pruned frontier DP restricted to
the qualifying box (Bazgan, Hugot & Vanderpooten 2009), and the fewest
changes of one that does, by a mixed-integer program minimising the Hamming
distance (linearised products of binaries, Nemhauser & Wolsey 1988; solved
by HiGHS, Huangfu & Hall 2018).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 4 (reservation values, the zone of agreement),
   ch. 14 (the single negotiating text).
.. [2] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving efficiently
   the 0-1 multi-objective knapsack problem. *Computers & Operations
   Research* 36(1), 260-279.
.. [3] Nemhauser, G. L. & Wolsey, L. A. (1988). *Integer and Combinatorial
   Optimization*. Wiley, ch. I.1.
.. [4] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised
   simplex method. *Math. Prog. Comp.* 10, 119-142 (HiGHS).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from peacetable.analysis._budget import Deadline
from peacetable.analysis._milp import solve_01_program
from peacetable.analysis._packages import PackageChange, make_change
from peacetable.analysis.frontier import FrontierTooLarge, pareto_frontier
from peacetable.core import PackageRef, PreparedScenario, prepare
from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.results import Provenance, Result
from peacetable.errors import AnalysisError, InputError, Location, suggest
from peacetable.model import Scenario

#: Largest number of packages one fewest-changes search may evaluate.
DEFAULT_SEARCH_BUDGET = 20_000_000
_CHUNK = 200_000

__all__ = [
    "DEFAULT_SEARCH_BUDGET",
    "ChangeSearch",
    "acceptance_fixes",
    "count_neighbours",
    "fewest_change_improvements",
]


def _neighbours(cs: PreparedScenario, base: IntArray, k: int) -> Iterator[IntArray]:
    """Every package differing from *base* in exactly *k* issues, in chunks."""
    n_opts = cs.n_options
    alternatives = [
        np.array([o for o in range(n) if o != base[i]], dtype=np.int64)
        for i, n in enumerate(n_opts)
    ]
    pending: list[IntArray] = []
    size = 0
    for subset in itertools.combinations(range(len(n_opts)), k):
        if any(alternatives[i].size == 0 for i in subset):
            continue
        grids = np.meshgrid(*(alternatives[i] for i in subset), indexing="ij")
        combos = np.stack([g.reshape(-1) for g in grids], axis=1)
        block = np.repeat(base[None, :], combos.shape[0], axis=0)
        block[:, list(subset)] = combos
        pending.append(block)
        size += block.shape[0]
        if size >= _CHUNK:
            yield np.concatenate(pending)
            pending, size = [], 0
    if pending:
        yield np.concatenate(pending)


def count_neighbours(n_options: Sequence[int], k: int) -> int:
    """Number of packages at Hamming distance exactly *k* (exact Python int).

    Examples
    --------
    >>> count_neighbours([3, 3, 2], 1)
    5
    """
    # elementary symmetric polynomial of the (n_i - 1) by dynamic programming
    e = [1] + [0] * k
    for n in n_options:
        for j in range(k, 0, -1):
            e[j] += e[j - 1] * (n - 1)
    return e[k]


@dataclass(frozen=True)
class ChangeSearch(Result):
    """Result of a fewest-changes search around a package.

    Attributes
    ----------
    question:
        What was searched: ``"pareto-improvement"``, ``"acceptable-to-all"``
        or ``"accepted-by:<party>"`` (that party accepts and nobody who
        accepted stops accepting).
    min_changes:
        The smallest number of changed provisions with a solution, or ``None``
        when there is none within ``max_changes``.
    max_changes:
        The search bound.
    n_solutions:
        Number of solutions with ``min_changes`` changes (all of them).
    solutions:
        The best ``limit`` of them (ordered by the question's ranking).
    n_checked:
        Packages evaluated.
    statement:
        The answer in one sentence (a proven statement when nothing is found).
    exists:
        When nothing is found within ``max_changes``: whether any feasible
        package at all qualifies (exact, by the frontier DP restricted to the
        qualifying box); ``None`` when found, or when the DP exceeded its budget.
    upper_bound:
        When it exists: the number of changes of one qualifying package found
        by the DP (an upper bound on the fewest).
    fewest_beyond, nearest:
        When it exists: the exact smallest number of changes (more than
        ``max_changes``) of a qualifying package, and one such package, by a
        mixed-integer program (HiGHS) minimising the number of changed
        provisions (among packages as near, the one with the greatest sum of
        the parties' utilities); ``None`` if the solver hit its time limit.

    ``provenance`` says how it was obtained; the search is exhaustive, hence exact.
    """

    question: str
    min_changes: int | None
    max_changes: int
    n_solutions: int
    solutions: tuple[PackageChange, ...]
    n_checked: int
    statement: str
    exists: bool | None = None
    upper_bound: int | None = None
    fewest_beyond: int | None = None
    nearest: PackageChange | None = None

    plain_properties = ("found",)

    @property
    def found(self) -> bool:
        """Whether a solution exists within ``max_changes``."""
        return self.min_changes is not None


_EXHAUSTIVE = Provenance("exhaustive search over sets of k changed provisions, k = 1, 2, ...")

Predicate = Callable[[FloatArray], BoolArray]
Ranking = Callable[[FloatArray], FloatArray]


def _search(
    cs: PreparedScenario,
    base: IntArray,
    predicate: Predicate,
    ranking: Ranking,
    lower: FloatArray,
    *,
    strict_above: FloatArray | None = None,
    question: str,
    describe: str,
    max_changes: int,
    limit: int,
    budget: int,
    deadline: Deadline,
    memory_limit: int | None = None,
) -> ChangeSearch:
    """Smallest ``k`` such that some feasible package at distance ``k`` satisfies *predicate*.

    The exhaustive part checks the deadline between chunks of packages; when it
    runs out the search stops with what it has proven so far (labelled
    approximate). The completion beyond ``max_changes`` (frontier DP, then a
    MILP) shares what is left of the deadline.
    """
    if max_changes < 0:
        raise InputError(f"max_changes must be >= 0, got {max_changes}")
    n_issues = len(cs.issue_ids)
    u_base = cs.utilities(base)[0]
    kmax = min(max_changes, n_issues)
    needed = sum(count_neighbours(cs.n_options, k) for k in range(1, kmax + 1))
    checked = 0
    for k in range(1, kmax + 1):
        n_k = count_neighbours(cs.n_options, k)
        if checked + n_k > budget:
            raise AnalysisError(
                f"searching {describe} with up to {kmax} changes needs {needed:,} packages "
                f"(budget {budget:,}); lower max_changes or raise the budget"
            )
        hits: list[IntArray] = []
        for block in _neighbours(cs, base, k):
            if deadline.expired():
                return _cut_short(question, describe, k, checked, max_changes, deadline)
            checked += block.shape[0]
            ok = cs.is_agreement(block)
            block = block[ok]
            if block.shape[0] == 0:
                continue
            good = predicate(cs.utilities(block))
            if good.any():
                hits.append(block[good])
        if hits:
            found = np.concatenate(hits)
            u = cs.utilities(found)
            keys = ranking(u)
            # best keys first (first column most significant); ties by package order
            order = np.lexsort((*found.T[::-1], *(-keys.T[::-1])))
            top = found[order[:limit]]
            solutions = tuple(make_change(cs, base, row, u_base) for row in top)
            plural = "s" if k > 1 else ""
            return ChangeSearch(
                question=question,
                min_changes=k,
                max_changes=max_changes,
                n_solutions=int(found.shape[0]),
                solutions=solutions,
                n_checked=checked,
                statement=(
                    f"changing {solutions[0].describe()} gives a package that is {describe} "
                    "(the best of "
                    f"{found.shape[0]} package{'s' * (found.shape[0] > 1)} changing {k} "
                    f"provision{plural}; no package changing fewer provisions qualifies)"
                ),
                provenance=_EXHAUSTIVE,
            )
    exists, bound = _beyond(cs, base, lower, predicate, deadline.part(0.5), memory_limit)
    nearest = (
        _closest(cs, base, lower, strict_above, predicate, kmax + 1, deadline) if exists else None
    )
    fewest = int((nearest != base).sum()) if nearest is not None else None
    checked_text = (
        f"{checked:,} package{'s' * (checked != 1)} changing at most {kmax} "
        f"provision{'s' * (kmax != 1)} checked exhaustively"
    )
    change = make_change(cs, base, nearest, u_base) if nearest is not None else None
    if exists is False:
        statement = f"no feasible package at all is {describe} (exact)"
    elif change is not None:
        statement = (
            f"no package within {kmax} change{'s' * (kmax != 1)} ({checked_text}); the nearest "
            f"package that is {describe} changes {fewest} provisions: {change.describe()}"
        )
    elif exists:
        statement = (
            f"no package within {kmax} change{'s' * (kmax != 1)} ({checked_text}); one "
            f"changing {bound} provisions is {describe}"
        )
    elif deadline.cut:
        statement = (
            f"no package within {kmax} change{'s' * (kmax != 1)} is {describe} "
            f"({checked_text}); whether one exists further away was not settled "
            f"({deadline.note()})"
        )
    else:
        statement = (
            f"no package within {kmax} change{'s' * (kmax != 1)} is {describe} "
            f"({checked_text}); whether one exists further away is unknown (the exact "
            "search exceeded its budget)"
        )
    beyond = (
        "beyond: existence by the frontier DP, fewest changes by a mixed-integer program (HiGHS)"
    )
    provenance = Provenance(
        f"exhaustive search over sets of k <= {kmax} changed provisions; " + beyond
    )
    if deadline.cut:
        if exists:
            statement += f"; the fewest changes beyond {kmax} were not settled ({deadline.note()})"
        provenance = Provenance(
            provenance.method,
            exact=False,
            bound=f"the answer within {kmax} changes is exact; beyond it, {deadline.note()}",
        )
    return ChangeSearch(
        question=question,
        min_changes=None,
        max_changes=max_changes,
        n_solutions=0,
        solutions=(),
        n_checked=checked,
        statement=statement,
        exists=exists,
        upper_bound=bound,
        fewest_beyond=fewest,
        nearest=change,
        provenance=provenance,
    )


def _cut_short(
    question: str, describe: str, k: int, checked: int, max_changes: int, deadline: Deadline
) -> ChangeSearch:
    """The search stopped by the time limit while trying *k* changes."""
    below = k - 1
    return ChangeSearch(
        question=question,
        min_changes=None,
        max_changes=max_changes,
        n_solutions=0,
        solutions=(),
        n_checked=checked,
        statement=(
            f"no feasible package changing at most {below} provision{'s' * (below != 1)} is "
            f"{describe} (proven); the search with {k} changes {deadline.note()} after "
            f"{checked:,} packages"
        ),
        provenance=Provenance(
            "exhaustive search over sets of k changed provisions, cut short",
            exact=False,
            bound=f"exact up to {below} changes; {k} or more not settled ({deadline.note()})",
        ),
    )


def _beyond(
    cs: PreparedScenario,
    base: IntArray,
    lower: FloatArray,
    predicate: Predicate,
    deadline: Deadline,
    memory_limit: int | None = None,
) -> tuple[bool | None, int | None]:
    """Does any feasible package qualify? One that does, by the frontier DP in the box ``u >= lower``.

    The goals searched here are upward closed (a package at least as good for
    every party qualifies too), so some qualifying package exists iff some
    point of the Pareto frontier restricted to the box qualifies.
    """
    if deadline.expired():
        return None, None
    try:
        front = pareto_frontier(cs, lower=lower, time_limit=deadline, memory_limit=memory_limit)
    except FrontierTooLarge:
        return None, None
    if front.size == 0:
        return False, None
    reps = front.representatives()
    ok = cs.is_agreement(reps) & predicate(cs.utilities(reps))
    if not ok.any():
        return False, None
    return True, int((reps[ok] != base[None, :]).sum(axis=1).min())


#: Smallest gain the mixed-integer program counts as a strict improvement.
MILP_STRICT_GAIN = 1e-6
#: Most seconds one fewest-changes program may take, whatever the time limit.
CLOSEST_TIME_LIMIT = 20.0


def _closest(
    cs: PreparedScenario,
    base: IntArray,
    lower: FloatArray,
    strict_above: FloatArray | None,
    predicate: Predicate,
    min_changes: int,
    deadline: Deadline,
) -> IntArray | None:
    """The qualifying package with the fewest changes, by a mixed-integer program.

    Binary ``x[i, o]`` (one option per issue), ``y[k]`` = AND of interaction
    ``k``'s conditions (linearised: ``y <= x_c``, ``y >= sum x_c - (|k| - 1)``),
    forbidden patterns as ``sum x <= |clauses| - 1``; utilities are linear in
    ``(x, y)``. Goal: ``u >= lower``, and with *strict_above* some party
    at least ``MILP_STRICT_GAIN`` above it (binary ``z_p``, big-M).
    Objective: minimise the number of issues whose option differs from
    *base* (Hamming distance), at least *min_changes* (already proven);
    among packages as near, the one with the greatest sum of the parties'
    utilities (a secondary term worth less than one change in all), so that
    the answer is the same whichever optimum the solver meets first.
    HiGHS (:func:`~peacetable.analysis._milp.solve_01_program`). The answer is re-checked with
    the compiled scenario; if the solver's tolerance let an unqualified
    package through, or it ran out of time (*deadline*; at most
    :data:`CLOSEST_TIME_LIMIT` seconds), ``None`` is returned (never a wrong
    claim).

    References
    ----------
    .. [1] Nemhauser, G. L. & Wolsey, L. A. (1988). *Integer and
       Combinatorial Optimization*. Wiley, ch. I.1 (linearising products of
       binaries; big-M disjunctions).
    .. [2] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual
       revised simplex method. *Math. Prog. Comp.* 10, 119-142 (HiGHS).
    """
    time_limit = min(CLOSEST_TIME_LIMIT, deadline.remaining())
    if time_limit <= 0.0:
        deadline.mark_cut()
        return None
    sizes = cs.n_options
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    nx, nk, P = int(start[-1]), len(cs.interactions), cs.n_parties
    nz = P if strict_above is not None else 0
    nv = nx + nk + nz
    rows: list[FloatArray] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(row: FloatArray, low: float, high: float) -> None:
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for i, m in enumerate(sizes):
        r = np.zeros(nv)
        r[start[i] : start[i] + m] = 1.0
        add(r, 1.0, 1.0)
    for pattern in cs.forbidden:
        r = np.zeros(nv)
        for i, mask in pattern.clauses:
            r[start[i] : start[i] + sizes[i]] += mask
        add(r, -np.inf, len(pattern.clauses) - 1.0)
    for k, inter in enumerate(cs.interactions):
        all_hold = np.zeros(nv)
        all_hold[nx + k] = -1.0
        for i, o in inter.conditions:
            r = np.zeros(nv)
            r[nx + k], r[start[i] + o] = 1.0, -1.0
            add(r, -np.inf, 0.0)
            all_hold[start[i] + o] += 1.0
        add(all_hold, -np.inf, len(inter.conditions) - 1.0)
    util = np.zeros((P, nv))
    for i, table in enumerate(cs.tables):
        util[:, start[i] : start[i] + sizes[i]] = table.T
    for k, inter in enumerate(cs.interactions):
        util[:, nx + k] = inter.bonus
    for p in range(P):
        if lower[p] > -1e5:
            add(util[p], float(lower[p]), np.inf)
    if strict_above is not None:
        for p in range(P):
            floor = sum(float(t[:, p].min()) for t in cs.tables) + sum(
                min(0.0, float(it.bonus[p])) for it in cs.interactions
            )
            big = float(strict_above[p]) + MILP_STRICT_GAIN - floor + 1.0
            r = util[p].copy()
            r[nx + nk + p] = -big
            add(r, float(strict_above[p]) + MILP_STRICT_GAIN - big, np.inf)
        r = np.zeros(nv)
        r[nx + nk :] = 1.0
        add(r, 1.0, np.inf)
    if cs.no_deal_package is not None:  # the no-deal package is not an agreement
        nogood = np.zeros(nv)
        nogood[start[:-1] + cs.no_deal_package] = 1.0
        add(nogood, -np.inf, len(sizes) - 1.0)
    keep = np.zeros(nv)
    keep[start[:-1] + base] = 1.0
    add(keep, -np.inf, len(sizes) - min_changes)
    integer = np.zeros(nv, dtype=bool)
    integer[:nx] = True
    integer[nx + nk :] = True
    # Objective: the most issues kept; among as many, the greatest total utility (worth
    # less than one issue in all), so the answer does not depend on the solver's ties.
    scale = float(np.abs(util).sum())
    cost = -keep - (0.5 / scale if scale > 0 else 0.0) * util.sum(axis=0)
    # tight integrality (the module's tolerances): with big-M rows a loose one would fake
    # the strict gain
    values, timed_out = solve_01_program(
        cost, integer, np.array(rows), np.array(lo), np.array(hi), time_limit
    )
    if timed_out:
        deadline.mark_cut()
    if values is None:
        return None
    x = values[:nx]
    pkg = np.array(
        [int(np.argmax(x[start[i] : start[i + 1]])) for i in range(len(sizes))], dtype=np.int64
    )
    if not (cs.is_agreement(pkg)[0] and predicate(cs.utilities(pkg))[0]):
        return None
    return pkg


# ---------------------------------------------------------------- public searches


def fewest_change_improvements(
    scenario: Scenario | PreparedScenario,
    package: PackageRef,
    *,
    max_changes: int = 3,
    limit: int = 10,
    budget: int = DEFAULT_SEARCH_BUDGET,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> ChangeSearch:
    """The Pareto improvements on *package* that change the fewest provisions.

    A Pareto improvement is a feasible package no party likes less and some
    party likes more (:meth:`~peacetable.core.PackageEvaluator.improves_on`).

    Parameters
    ----------
    scenario:
        The scenario.
    package:
        Proposal id, ``{issue: option}`` mapping, option indices or ``None``
        (status quo).
    max_changes:
        Largest number of changed provisions searched.
    limit:
        How many solutions to return (all are counted); ranked by joint gain,
        then by package order.
    budget:
        Largest number of packages evaluated.
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`);
        ``None``: none. When it runs out the answer says what was proven and
        is labelled approximate.
    memory_limit:
        Bytes one frontier stage of the completion may take.

    Returns
    -------
    ChangeSearch
        ``min_changes`` is the smallest number of changes admitting an
        improvement, or ``None`` with a proven "none within ``max_changes``".

    Raises
    ------
    InputError
        Unknown proposal or bad bound.
    AnalysisError
        The search would exceed *budget*.

    Notes
    -----
    Exhaustive search by increasing Hamming distance (see the module
    docstring). With ``n`` issues of at most ``m`` options the search checks
    ``sum_{k<=K} C(n, k) (m-1)^k`` packages, each in ``O(n + P)`` vectorised
    work, and stops at the first ``k`` with a solution.

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> r = fewest_change_improvements(_logroll_example(), "draft")
    >>> r.min_changes, r.solutions[0].package
    (2, {'x': 'b', 'y': 'b'})
    """
    cs = prepare(scenario)
    base, _ = cs.resolve(package)
    u0 = cs.utilities(base)[0]

    def improves(u: FloatArray) -> BoolArray:
        return cs.improves_on(u, u0)

    return _search(
        cs,
        base,
        improves,
        lambda u: np.asarray((u - u0).sum(axis=1), dtype=np.float64)[:, None],
        u0 - cs.tie,
        strict_above=u0,
        question="pareto-improvement",
        describe="a Pareto improvement on it",
        max_changes=max_changes,
        limit=limit,
        budget=budget,
        deadline=Deadline.of(time_limit),
        memory_limit=memory_limit,
    )


def acceptance_fixes(
    scenario: Scenario | PreparedScenario,
    package: PackageRef,
    *,
    party: str | None = None,
    max_changes: int = 3,
    limit: int = 10,
    budget: int = DEFAULT_SEARCH_BUDGET,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> ChangeSearch:
    """The smallest sets of provision changes that make *package* acceptable.

    Parameters
    ----------
    scenario, package:
        As in :func:`fewest_change_improvements`.
    party:
        ``None``: find packages every party accepts (utility >= no-deal).
        A party id: find packages that party accepts while every party that
        already accepts *package* still does ("what would it take to win
        over this party").
    max_changes, limit, budget, time_limit, memory_limit:
        As in :func:`fewest_change_improvements`. Solutions are ranked by the
        smallest margin over no-deal (the most robust acceptance first),
        then by joint gain.

    Returns
    -------
    ChangeSearch
        ``min_changes = 0`` when the package is already acceptable (no
        solutions listed; never for the no-deal package, which is not an
        agreement); ``None`` with a proven statement when no change of
        at most ``max_changes`` provisions suffices.

    Raises
    ------
    InputError
        Unknown proposal or party.
    AnalysisError
        The search would exceed *budget*.

    Notes
    -----
    Exhaustive search by increasing number of changes, as in
    :func:`fewest_change_improvements` (same complexity).

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 4
       (reservation values, the zone of agreement) and ch. 14.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> acceptance_fixes(_logroll_example(no_deal=0.5), "draft").min_changes
    2
    """
    cs = prepare(scenario)
    base, _ = cs.resolve(package)
    u0 = cs.utilities(base)[0]
    accepted = cs.accepts_utilities(u0)
    if party is None:
        need = np.ones(cs.n_parties, dtype=bool)
        question, describe = "acceptable-to-all", "acceptable to every party"
    else:
        if party not in cs.party_ids:
            raise InputError(
                f"unknown party {party!r}{suggest(party, cs.party_ids)}; parties with preferences: "
                f"{', '.join(cs.party_ids)}",
                Location(field="party"),
            )
        need = accepted.copy()
        need[cs.party_ids.index(party)] = True
        question, describe = (
            f"accepted-by:{party}",
            f"acceptable to {party} without losing anyone who accepts",
        )
    if accepted[need].all() and not cs.is_no_deal(base)[0]:
        # (the no-deal package is worth exactly no deal to all, yet it is not an agreement:
        # what would make it acceptable is an agreement every party accepts)
        return ChangeSearch(
            question=question,
            min_changes=0,
            max_changes=max_changes,
            n_solutions=0,
            solutions=(),
            n_checked=0,
            statement=f"the package is already {describe}",
            provenance=_EXHAUSTIVE,
        )

    def acceptable(u: FloatArray) -> BoolArray:
        return np.asarray(cs.accepts_utilities(u)[:, need].all(axis=1))

    def robustness(u: FloatArray) -> FloatArray:
        margin = cs.margin_of(u)[:, need].min(axis=1)
        return np.stack([margin, (u - u0).sum(axis=1)], axis=1).astype(np.float64)

    return _search(
        cs,
        base,
        acceptable,
        robustness,
        np.where(need, cs.acceptance_floor(), -1e6),
        question=question,
        describe=describe,
        max_changes=max_changes,
        limit=limit,
        budget=budget,
        deadline=Deadline.of(time_limit),
        memory_limit=memory_limit,
    )
