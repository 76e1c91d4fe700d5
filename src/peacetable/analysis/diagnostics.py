"""Proposal diagnostics: efficiency, fewest-change improvements, acceptance fixes, deal-breakers.

Given a draft on the table, a mediator asks four questions (Raiffa 1982,
*The Art and Science of Negotiation*, ch. 11 and 14):

1. Is the draft Pareto-efficient, or is there a package every party likes at
   least as much and someone strictly more?
2. Which Pareto improvements change the *fewest* provisions (the cheapest
   amendments to sell)?
3. Who rejects the draft (utility below its no-deal utility), and what is the
   smallest set of provision changes that makes it acceptable to all -- or a
   proof that no change of at most ``k`` provisions does?
4. Which provisions are deal-breakers for whom: changing which option of
   which provision would flip a party's acceptance, and which provisions cost
   each party most against its best option?

Method
------
Questions 2 and 3 are answered by exhaustive search over the number of
changed provisions ``k = 1, 2, ..., max_changes``: for every set of ``k``
issues, every combination of *other* options on those issues is built as an
array of packages and evaluated at once with the compiled scenario's
vectorised ``utilities``/``feasible``. The search stops at the smallest ``k``
with a solution; when none is found up to ``max_changes`` the result states
this as proven (every package at Hamming distance ``<= max_changes`` from the
draft was checked). Question 1 enumerates the package space when it is small
and otherwise uses the exact dynamic programme of
:func:`peacetable.analysis.frontier.pareto_frontier` restricted to the box
above the draft's utilities.

Comparisons use a tolerance of :data:`TOLERANCE` (utilities closer than that
count as equal), so rounding noise in sums never creates a fake improvement.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 11 (many issues), ch. 14 (many parties; the single
   negotiating text).
.. [2] Raiffa, H. (1985). Post-settlement settlements. *Negotiation Journal*
   1(1), 9-12.
.. [3] Fisher, R. & Ury, W. (1981). *Getting to Yes*, ch. 4 (inventing
   options for mutual gain).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.errors import AnalysisError, InputError, Location
from peacetable.model import CompiledScenario, Scenario, compile_scenario
from peacetable.model.validate import suggest

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Utilities closer than this are treated as equal.
TOLERANCE = 1e-9
#: Package spaces up to this size are enumerated for the efficiency check.
ENUMERATION_LIMIT = 100_000
#: Largest number of packages one fewest-changes search may evaluate.
DEFAULT_SEARCH_BUDGET = 20_000_000
_CHUNK = 200_000

PackageLike = str | Mapping[str, str] | npt.ArrayLike | None

__all__ = [
    "ENUMERATION_LIMIT",
    "TOLERANCE",
    "ChangeSearch",
    "PackageChange",
    "PartyProvisions",
    "ProposalDiagnosis",
    "ProvisionEffect",
    "acceptance_fixes",
    "deal_breakers",
    "diagnose_proposal",
    "dominating_package",
    "fewest_change_improvements",
    "resolve_package",
]


# ---------------------------------------------------------------- packages


def resolve_package(
    scenario: Scenario, which: PackageLike, compiled: CompiledScenario | None = None
) -> tuple[IntArray, str | None]:
    """Option indices of a proposal id, a (partial) package mapping, an index array or ``None``.

    Parameters
    ----------
    scenario:
        The scenario.
    which:
        A proposal id, ``{issue id: option id}`` (missing issues at their
        status quo), option indices ``(n_issues,)``, or ``None`` for the
        status quo package.
    compiled:
        The compiled scenario, if already at hand.

    Returns
    -------
    (indices, proposal id or None)

    Raises
    ------
    InputError
        Unknown proposal id (with a did-you-mean suggestion) or a malformed array.
    ScenarioError
        Unknown issue or option id in a mapping.

    Examples
    --------
    >>> from peacetable.io import loads_scenario
    >>> s = loads_scenario('''
    ... id: t
    ... title: t
    ... parties: [{id: A, name: A}]
    ... issues: [{id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}]
    ... preferences: {A: {weights: {x: 1}, values: {x: {a: 0, b: 1}}}}
    ... proposals: [{id: p, name: P, package: {x: b}}]
    ... ''')
    >>> resolve_package(s, "p")[0].tolist()
    [1]
    """
    cs = compiled if compiled is not None else compile_scenario(scenario)
    if which is None:
        return cs.status_quo.copy(), None
    if isinstance(which, str):
        ids = [p.id for p in scenario.proposals]
        if which not in ids:
            listing = ", ".join(ids) if ids else "none"
            raise InputError(
                f"unknown proposal {which!r}{suggest(which, ids)}; proposals: {listing}",
                Location(field="proposals"),
            )
        return cs.encode(scenario.proposal(which).package), which
    if isinstance(which, Mapping):
        return cs.encode(which), None
    arr = np.asarray(which, dtype=np.int64).reshape(-1)
    if (
        arr.shape[0] != len(cs.issue_ids)
        or (arr < 0).any()
        or (arr >= np.array(cs.n_options)).any()
    ):
        raise InputError(
            f"a package needs one valid option index for each of {len(cs.issue_ids)} issues"
        )
    return arr, None


def _product(columns: Sequence[IntArray]) -> IntArray:
    """Cartesian product of index columns, ``(prod len, len(columns))``."""
    grids = np.meshgrid(*columns, indexing="ij")
    return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)


def _neighbours(cs: CompiledScenario, base: IntArray, k: int) -> Iterator[IntArray]:
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
        combos = _product([alternatives[i] for i in subset])
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


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class PackageChange:
    """A package reached from a reference package by changing some provisions.

    Attributes
    ----------
    package:
        The full package ``{issue id: option id}``.
    changes:
        ``{issue id: [from option, to option]}`` of the changed provisions.
    utilities, gains:
        Per party: utility of the package and its change against the reference.
    """

    package: dict[str, str]
    changes: dict[str, tuple[str, str]]
    utilities: dict[str, float]
    gains: dict[str, float]

    @property
    def joint_gain(self) -> float:
        """Sum of the gains over the parties."""
        return float(sum(self.gains.values()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "package": dict(self.package),
            "changes": {k: list(v) for k, v in self.changes.items()},
            "utilities": dict(self.utilities),
            "gains": dict(self.gains),
            "joint_gain": self.joint_gain,
        }


def make_change(
    cs: CompiledScenario, base: IntArray, package: IntArray, u_base: FloatArray
) -> PackageChange:
    """Describe *package* as a change of *base* (utilities recomputed exactly)."""
    u = cs.utilities(package)[0]
    changed = np.flatnonzero(package != base)
    return PackageChange(
        package=cs.decode(package),
        changes={
            cs.issue_ids[i]: (cs.option_ids[i][int(base[i])], cs.option_ids[i][int(package[i])])
            for i in changed.tolist()
        },
        utilities={p: float(v) for p, v in zip(cs.party_ids, u, strict=True)},
        gains={p: float(v) for p, v in zip(cs.party_ids, u - u_base, strict=True)},
    )


@dataclass(frozen=True)
class ChangeSearch:
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
    method, exact:
        How it was obtained; the search is exhaustive, hence exact.
    """

    question: str
    min_changes: int | None
    max_changes: int
    n_solutions: int
    solutions: tuple[PackageChange, ...]
    n_checked: int
    statement: str
    method: str = "exhaustive search over sets of k changed provisions, k = 1, 2, ..."
    exact: bool = True

    @property
    def found(self) -> bool:
        """Whether a solution exists within ``max_changes``."""
        return self.min_changes is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "question": self.question,
            "found": self.found,
            "min_changes": self.min_changes,
            "max_changes": self.max_changes,
            "n_solutions": self.n_solutions,
            "solutions": [s.to_dict() for s in self.solutions],
            "n_checked": self.n_checked,
            "statement": self.statement,
            "method": self.method,
            "exact": self.exact,
        }


Predicate = Callable[[FloatArray], BoolArray]
Ranking = Callable[[FloatArray], FloatArray]


def _search(
    cs: CompiledScenario,
    base: IntArray,
    predicate: Predicate,
    ranking: Ranking,
    *,
    question: str,
    describe: str,
    max_changes: int,
    limit: int,
    budget: int,
) -> ChangeSearch:
    """Smallest ``k`` such that some feasible package at distance ``k`` satisfies *predicate*."""
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
            checked += block.shape[0]
            ok = cs.feasible(block)
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
                    f"{found.shape[0]} package{'s' * (found.shape[0] > 1)} {describe} by changing "
                    f"{k} provision{plural}; none changes fewer"
                ),
            )
    return ChangeSearch(
        question=question,
        min_changes=None,
        max_changes=max_changes,
        n_solutions=0,
        solutions=(),
        n_checked=checked,
        statement=(
            f"proven: no feasible package changing at most {kmax} provision{'s' * (kmax != 1)} "
            f"{describe} ({checked:,} packages checked exhaustively)"
        ),
    )


# ---------------------------------------------------------------- public searches


def fewest_change_improvements(
    scenario: Scenario,
    package: PackageLike,
    *,
    max_changes: int = 3,
    limit: int = 10,
    budget: int = DEFAULT_SEARCH_BUDGET,
) -> ChangeSearch:
    """The Pareto improvements on *package* that change the fewest provisions.

    A Pareto improvement is a feasible package no party likes less and some
    party likes more (beyond :data:`TOLERANCE`).

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
    >>> from peacetable.io import loads_scenario
    >>> s = loads_scenario('''
    ... id: t
    ... title: t
    ... parties: [{id: A, name: A}, {id: B, name: B}]
    ... issues:
    ...   - {id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}
    ...   - {id: y, name: Y, options: [{id: a, label: a}, {id: b, label: b}]}
    ... preferences:
    ...   A: {weights: {x: 3, y: 1}, values: {x: {a: 0, b: 1}, y: {a: 1, b: 0}}}
    ...   B: {weights: {x: 1, y: 3}, values: {x: {a: 1, b: 0}, y: {a: 0, b: 1}}}
    ... ''')
    >>> r = fewest_change_improvements(s, {"x": "a", "y": "a"})
    >>> r.min_changes, r.solutions[0].package
    (2, {'x': 'b', 'y': 'b'})
    """
    cs = compile_scenario(scenario)
    base, _ = resolve_package(scenario, package, cs)
    u0 = cs.utilities(base)[0]

    def improves(u: FloatArray) -> BoolArray:
        return np.asarray(
            (u >= u0 - TOLERANCE).all(axis=1) & (u > u0 + TOLERANCE).any(axis=1), dtype=np.bool_
        )

    return _search(
        cs,
        base,
        improves,
        lambda u: np.asarray((u - u0).sum(axis=1), dtype=np.float64)[:, None],
        question="pareto-improvement",
        describe="improve on it for every party (a Pareto improvement)",
        max_changes=max_changes,
        limit=limit,
        budget=budget,
    )


def acceptance_fixes(
    scenario: Scenario,
    package: PackageLike,
    *,
    party: str | None = None,
    max_changes: int = 3,
    limit: int = 10,
    budget: int = DEFAULT_SEARCH_BUDGET,
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
    max_changes, limit, budget:
        As in :func:`fewest_change_improvements`. Solutions are ranked by the
        smallest margin over no-deal (the most robust acceptance first),
        then by joint gain.

    Returns
    -------
    ChangeSearch
        ``min_changes = 0`` when the package is already acceptable (no
        solutions listed); ``None`` with a proven statement when no change of
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
    >>> from peacetable.io import loads_scenario
    >>> s = loads_scenario('''
    ... id: t
    ... title: t
    ... parties: [{id: A, name: A, no_deal: {utility: 0.5}}, {id: B, name: B, no_deal: {utility: 0.5}}]
    ... issues:
    ...   - {id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}
    ...   - {id: y, name: Y, options: [{id: a, label: a}, {id: b, label: b}]}
    ... preferences:
    ...   A: {weights: {x: 1, y: 1}, values: {x: {a: 0, b: 1}, y: {a: 1, b: 0}}}
    ...   B: {weights: {x: 1, y: 1}, values: {x: {a: 1, b: 0}, y: {a: 0, b: 1}}}
    ... ''')
    >>> acceptance_fixes(s, {"x": "a", "y": "b"}).min_changes
    1
    """
    cs = compile_scenario(scenario)
    base, _ = resolve_package(scenario, package, cs)
    u0 = cs.utilities(base)[0]
    nd = cs.no_deal
    accepted = u0 >= nd - TOLERANCE
    if party is None:
        need = np.ones(cs.n_parties, dtype=bool)
        question, describe = "acceptable-to-all", "is acceptable to every party"
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
            f"wins over {party} without losing anyone who accepts",
        )
    if accepted[need].all():
        return ChangeSearch(
            question=question,
            min_changes=0,
            max_changes=max_changes,
            n_solutions=0,
            solutions=(),
            n_checked=0,
            statement=f"the package already {describe.replace('wins over', 'is accepted by')}",
        )

    def acceptable(u: FloatArray) -> BoolArray:
        return np.asarray((u[:, need] >= nd[need] - TOLERANCE).all(axis=1), dtype=np.bool_)

    def robustness(u: FloatArray) -> FloatArray:
        margin = np.round((u - nd)[:, need].min(axis=1), 9)
        return np.stack([margin, (u - u0).sum(axis=1)], axis=1).astype(np.float64)

    return _search(
        cs,
        base,
        acceptable,
        robustness,
        question=question,
        describe=describe,
        max_changes=max_changes,
        limit=limit,
        budget=budget,
    )


# ---------------------------------------------------------------- efficiency


def dominating_package(
    scenario: Scenario | CompiledScenario, package: PackageLike
) -> tuple[bool, IntArray | None, str]:
    """Is *package* Pareto-efficient? If not, the dominating package with the largest joint gain.

    Parameters
    ----------
    scenario:
        Scenario (or compiled scenario; then *package* must be indices).
    package:
        As in :func:`resolve_package`.

    Returns
    -------
    (efficient, dominating package indices or None, method)

    Raises
    ------
    AnalysisError
        The space is too large for enumeration and the frontier engine
        cannot answer.

    Notes
    -----
    Spaces of at most :data:`ENUMERATION_LIMIT` packages are enumerated
    (``O(N (n + P))``, vectorised). Larger spaces use the exact
    dominance-pruned dynamic programme of
    :func:`peacetable.analysis.frontier.pareto_frontier` with the draft's
    utilities as lower bound (Bazgan, Hugot & Vanderpooten 2009).

    References
    ----------
    .. [1] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving
       efficiently the 0-1 multi-objective knapsack problem. *Computers &
       Operations Research* 36(1), 260-279.
    """
    if isinstance(scenario, CompiledScenario):
        cs = scenario
        base = np.asarray(package, dtype=np.int64).reshape(-1)
    else:
        cs = compile_scenario(scenario)
        base, _ = resolve_package(scenario, package, cs)
    u0 = cs.utilities(base)[0]
    if cs.n_packages <= ENUMERATION_LIMIT:
        x = cs.all_packages(limit=cs.n_packages)
        x = x[cs.feasible(x)]
        u = cs.utilities(x)
        dom = (u >= u0 - TOLERANCE).all(axis=1) & (u > u0 + TOLERANCE).any(axis=1)
        if not dom.any():
            return True, None, "enumeration"
        cand, gain = x[dom], (u[dom] - u0).sum(axis=1)
        order = np.lexsort((*cand.T[::-1], -gain))
        return False, cand[order[0]], "enumeration"
    from peacetable.analysis.frontier import pareto_frontier

    front = pareto_frontier(cs, lower=u0 - TOLERANCE)
    if front.size == 0:
        return True, None, "dp-dominance"
    reps = front.representatives()
    u = cs.utilities(reps)
    dom = (u >= u0 - TOLERANCE).all(axis=1) & (u > u0 + TOLERANCE).any(axis=1)
    if not dom.any():
        return True, None, "dp-dominance"
    cand, gain = reps[dom], (u[dom] - u0).sum(axis=1)
    return False, cand[int(np.argmax(gain))], "dp-dominance"


# ---------------------------------------------------------------- deal-breakers


@dataclass(frozen=True)
class ProvisionEffect:
    """How one provision of a package bears on one party.

    Attributes
    ----------
    issue, current, best:
        The provision, its option in the package, and the feasible option
        (other provisions unchanged) the party likes best.
    loss:
        Utility the party gives up on this provision: ``u(best) - u(current)``.
    accept_if:
        Options that, changed alone, make a rejecting party accept.
    reject_if:
        Options that, changed alone, make an accepting party reject.
    """

    issue: str
    current: str
    best: str
    loss: float
    accept_if: tuple[str, ...]
    reject_if: tuple[str, ...]

    @property
    def deal_breaker(self) -> bool:
        """The party rejects the package, and changing this provision alone can win it over."""
        return bool(self.accept_if)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "issue": self.issue,
            "current": self.current,
            "best": self.best,
            "loss": self.loss,
            "deal_breaker": self.deal_breaker,
            "accept_if": list(self.accept_if),
            "reject_if": list(self.reject_if),
        }


@dataclass(frozen=True)
class PartyProvisions:
    """One party's view of a package: acceptance and the provisions that cost it most.

    ``provisions`` lists every issue, the costliest first (ties in issue order).
    """

    party: str
    utility: float
    no_deal: float
    accepts: bool
    provisions: tuple[ProvisionEffect, ...]

    @property
    def margin(self) -> float:
        """Utility above no-deal (negative: the party rejects)."""
        return self.utility - self.no_deal

    @property
    def deal_breakers(self) -> tuple[str, ...]:
        """Issues whose change alone would win this (rejecting) party over."""
        return tuple(p.issue for p in self.provisions if p.deal_breaker)

    @property
    def red_lines(self) -> tuple[str, ...]:
        """Issues whose change alone would make this (accepting) party reject."""
        return tuple(p.issue for p in self.provisions if p.reject_if)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "party": self.party,
            "utility": self.utility,
            "no_deal": self.no_deal,
            "margin": self.margin,
            "accepts": self.accepts,
            "deal_breakers": list(self.deal_breakers),
            "red_lines": list(self.red_lines),
            "provisions": [p.to_dict() for p in self.provisions],
        }


def deal_breakers(scenario: Scenario, package: PackageLike) -> tuple[PartyProvisions, ...]:
    """For each party and provision: loss against its best option and acceptance flips.

    Parameters
    ----------
    scenario, package:
        As in :func:`resolve_package`.

    Returns
    -------
    tuple of PartyProvisions
        One per negotiating party, in scenario order.

    Notes
    -----
    Every single-provision change of the package is evaluated at once
    (``sum_i (m_i - 1)`` packages); infeasible changes are ignored. The
    utility is evaluated on the whole package, so interaction terms are
    included. ``O(n m (n + P))``.

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 11
       (additive scoring; which issues matter most to whom).

    Examples
    --------
    >>> from peacetable.io import loads_scenario
    >>> s = loads_scenario('''
    ... id: t
    ... title: t
    ... parties: [{id: A, name: A, no_deal: {utility: 0.5}}]
    ... issues:
    ...   - {id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}
    ...   - {id: y, name: Y, options: [{id: a, label: a}, {id: b, label: b}]}
    ... preferences:
    ...   A: {weights: {x: 3, y: 1}, values: {x: {a: 0, b: 1}, y: {a: 0, b: 1}}}
    ... ''')
    >>> deal_breakers(s, {"x": "a", "y": "a"})[0].deal_breakers
    ('x',)
    """
    cs = compile_scenario(scenario)
    base, _ = resolve_package(scenario, package, cs)
    u0 = cs.utilities(base)[0]
    nd = cs.no_deal
    accepted = u0 >= nd - TOLERANCE
    chunks = list(_neighbours(cs, base, 1))
    block = np.concatenate(chunks) if chunks else np.empty((0, len(cs.issue_ids)), dtype=np.int64)
    ok = cs.feasible(block)
    u = cs.utilities(block)
    changed = (
        np.argmax(block != base[None, :], axis=1) if block.shape[0] else np.zeros(0, dtype=np.int64)
    )
    out = []
    for p, pid in enumerate(cs.party_ids):
        effects = []
        for i, iid in enumerate(cs.issue_ids):
            rows = np.flatnonzero((changed == i) & ok)
            opts = block[rows, i]
            vals = u[rows, p]
            best, best_u = int(base[i]), float(u0[p])
            if vals.size and vals.max() > best_u + TOLERANCE:
                j = int(np.argmax(vals))  # first maximum: lowest option index
                best, best_u = int(opts[j]), float(vals[j])
            flips_in = vals >= nd[p] - TOLERANCE
            accept_if = (
                tuple(cs.option_ids[i][o] for o in opts[flips_in].tolist())
                if not accepted[p]
                else ()
            )
            reject_if = (
                tuple(cs.option_ids[i][o] for o in opts[~flips_in].tolist()) if accepted[p] else ()
            )
            effects.append(
                ProvisionEffect(
                    issue=iid,
                    current=cs.option_ids[i][int(base[i])],
                    best=cs.option_ids[i][best],
                    loss=max(0.0, best_u - float(u0[p])),
                    accept_if=accept_if,
                    reject_if=reject_if,
                )
            )
        effects.sort(key=lambda e: -e.loss)
        out.append(
            PartyProvisions(
                party=pid,
                utility=float(u0[p]),
                no_deal=float(nd[p]),
                accepts=bool(accepted[p]),
                provisions=tuple(effects),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- the whole diagnosis


@dataclass(frozen=True)
class ProposalDiagnosis:
    """Everything a mediator asks about one proposal.

    Attributes
    ----------
    proposal:
        Proposal id (``None`` for an ad-hoc package).
    package, utilities, no_deal:
        The full package and each party's utility and no-deal utility.
    feasible, violated:
        Whether the package satisfies the constraints; the broken ones.
    accepts, rejecting:
        Per party acceptance; the parties that reject.
    efficient:
        Pareto-efficient among feasible packages (``None`` if the package
        itself is infeasible).
    dominated_by:
        When not efficient: the dominating package with the largest joint gain.
    improvements:
        Pareto improvements changing the fewest provisions.
    acceptance:
        Fewest changes that make the package acceptable to all.
    fixes:
        Per rejecting party: fewest changes winning it over without losing
        anyone who accepts.
    parties:
        Per party: the provisions that cost it most, deal-breakers, red lines.
    method, exact:
        How the efficiency check was done; every answer here is exact.
    """

    proposal: str | None
    package: dict[str, str]
    utilities: dict[str, float]
    no_deal: dict[str, float]
    feasible: bool
    violated: tuple[str, ...]
    accepts: dict[str, bool]
    efficient: bool | None
    dominated_by: PackageChange | None
    improvements: ChangeSearch
    acceptance: ChangeSearch
    fixes: dict[str, ChangeSearch]
    parties: tuple[PartyProvisions, ...]
    method: str
    exact: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def rejecting(self) -> tuple[str, ...]:
        """Parties whose utility is below their no-deal utility."""
        return tuple(p for p, ok in self.accepts.items() if not ok)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "proposal": self.proposal,
            "package": dict(self.package),
            "utilities": dict(self.utilities),
            "no_deal": dict(self.no_deal),
            "feasible": self.feasible,
            "violated": list(self.violated),
            "accepts": dict(self.accepts),
            "rejecting": list(self.rejecting),
            "efficient": self.efficient,
            "dominated_by": self.dominated_by.to_dict() if self.dominated_by is not None else None,
            "improvements": self.improvements.to_dict(),
            "acceptance": self.acceptance.to_dict(),
            "fixes": {k: v.to_dict() for k, v in self.fixes.items()},
            "parties": [p.to_dict() for p in self.parties],
            "method": self.method,
            "exact": self.exact,
            "notes": list(self.notes),
        }


def diagnose_proposal(
    scenario: Scenario,
    proposal: PackageLike,
    *,
    max_changes: int = 3,
    limit: int = 5,
    budget: int = DEFAULT_SEARCH_BUDGET,
) -> ProposalDiagnosis:
    """Diagnose a proposal: efficiency, fewest-change improvements, who rejects and what would fix it.

    Parameters
    ----------
    scenario:
        The scenario.
    proposal:
        A proposal id, ``{issue: option}`` mapping, option indices, or ``None``
        (status quo).
    max_changes:
        Largest number of changed provisions searched by the fewest-changes
        questions.
    limit:
        Solutions listed per search.
    budget:
        Largest number of packages one search may evaluate.

    Returns
    -------
    ProposalDiagnosis

    Raises
    ------
    InputError
        Unknown proposal (with a did-you-mean suggestion).
    AnalysisError
        A search would exceed *budget*.

    Notes
    -----
    Combines :func:`dominating_package`, :func:`fewest_change_improvements`,
    :func:`acceptance_fixes` and :func:`deal_breakers`; each is exact.

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14.

    Examples
    --------
    >>> from peacetable.io import loads_scenario
    >>> s = loads_scenario('''
    ... id: t
    ... title: t
    ... parties: [{id: A, name: A}, {id: B, name: B}]
    ... issues: [{id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}]
    ... preferences:
    ...   A: {weights: {x: 1}, values: {x: {a: 0, b: 1}}}
    ...   B: {weights: {x: 1}, values: {x: {a: 1, b: 0}}}
    ... ''')
    >>> diagnose_proposal(s, {"x": "a"}).efficient
    True
    """
    from peacetable.model.evaluate import violated_constraints

    cs = compile_scenario(scenario)
    base, pid = resolve_package(scenario, proposal, cs)
    u0 = cs.utilities(base)[0]
    pkg = cs.decode(base)
    feasible = bool(cs.feasible(base)[0])
    violated = tuple(
        f"constraints[{k}]"
        + (f": {scenario.constraints[k].reason}" if scenario.constraints[k].reason else "")
        for k in violated_constraints(scenario, pkg)
    )
    notes: list[str] = []
    if feasible:
        efficient, dom, method = dominating_package(cs, base)
        dominated_by = make_change(cs, base, dom, u0) if dom is not None else None
        eff: bool | None = efficient
    else:
        eff, dominated_by, method = None, None, "not checked (the package is infeasible)"
        notes.append("the package breaks a constraint, so its efficiency is undefined")
    improvements = fewest_change_improvements(
        scenario, base, max_changes=max_changes, limit=limit, budget=budget
    )
    acceptance = acceptance_fixes(
        scenario, base, max_changes=max_changes, limit=limit, budget=budget
    )
    accepts = {p: bool(u0[k] >= cs.no_deal[k] - TOLERANCE) for k, p in enumerate(cs.party_ids)}
    fixes = {
        p: acceptance_fixes(
            scenario, base, party=p, max_changes=max_changes, limit=limit, budget=budget
        )
        for p, ok in accepts.items()
        if not ok
    }
    return ProposalDiagnosis(
        proposal=pid,
        package=pkg,
        utilities={p: float(v) for p, v in zip(cs.party_ids, u0, strict=True)},
        no_deal={p: float(v) for p, v in zip(cs.party_ids, cs.no_deal, strict=True)},
        feasible=feasible,
        violated=violated,
        accepts=accepts,
        efficient=eff,
        dominated_by=dominated_by,
        improvements=improvements,
        acceptance=acceptance,
        fixes=fixes,
        parties=deal_breakers(scenario, base),
        method=method,
        notes=tuple(notes),
    )
