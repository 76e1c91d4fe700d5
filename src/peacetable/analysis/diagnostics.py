"""Proposal diagnostics: is a draft efficient, who rejects it, which provisions are deal-breakers.

Given a draft on the table, a mediator asks (Raiffa 1982, *The Art and
Science of Negotiation*, ch. 11 and 14):

1. Is the draft Pareto-efficient, or is there a package every party likes at
   least as much and someone strictly more? (:func:`dominating_package`)
2. Who rejects the draft (utility below its no-deal utility), and which
   provisions are deal-breakers for whom: changing which option of which
   provision alone would flip a party's acceptance, and which provisions
   cost each party most against its best option? (:func:`deal_breakers`)
3. What would it take: the Pareto improvements that change the fewest
   provisions, and the fewest provision changes that make the draft
   acceptable to all or win over one party -- or a proof that none exists
   within ``k`` changes (:mod:`peacetable.analysis.amendments`, where the
   searches over changed provisions live).

:func:`diagnose_proposal` answers all of them at once.

Method
------
Efficiency: spaces of at most :data:`ENUMERATION_LIMIT` packages are
enumerated; larger ones use the exact dominance-pruned dynamic programme of
:func:`peacetable.analysis.frontier.pareto_frontier` restricted to the box
above the draft's utilities. Deal-breakers: every single-provision change is
evaluated at once (vectorised). Comparisons use a tolerance of
:data:`TOLERANCE` (utilities closer than that count as equal), so rounding
noise in sums never creates a fake improvement.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 11 (many issues), ch. 14 (many parties; the single
   negotiating text).
.. [2] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving efficiently
   the 0-1 multi-objective knapsack problem. *Computers & Operations
   Research* 36(1), 260-279.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from peacetable.errors import InputError, Location
from peacetable.model import CompiledScenario, Scenario, compile_scenario
from peacetable.model.validate import suggest

if TYPE_CHECKING:  # the searches import this module; only their result type is needed here
    from peacetable.analysis.amendments import ChangeSearch

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Utilities closer than this are treated as equal.
TOLERANCE = 1e-9
#: Package spaces up to this size are enumerated for the efficiency check.
ENUMERATION_LIMIT = 100_000

PackageLike = str | Mapping[str, str] | npt.ArrayLike | None

__all__ = [
    "ENUMERATION_LIMIT",
    "TOLERANCE",
    "PackageChange",
    "PartyProvisions",
    "ProposalDiagnosis",
    "ProvisionEffect",
    "deal_breakers",
    "diagnose_proposal",
    "dominating_package",
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
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> s = _logroll_example()
    >>> resolve_package(s, "draft")[0].tolist(), resolve_package(s, {"x": "b"})[0].tolist()
    ([0, 0], [1, 0])
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


# ---------------------------------------------------------------- results


def single_changes(cs: CompiledScenario, base: IntArray) -> IntArray:
    """Every package differing from *base* in exactly one issue (issue, then option order)."""
    rows = []
    for i, m in enumerate(cs.n_options):
        alt = np.array([o for o in range(m) if o != base[i]], dtype=np.int64)
        block = np.repeat(base[None, :], alt.size, axis=0)
        block[:, i] = alt
        rows.append(block)
    return np.concatenate(rows) if rows else np.empty((0, 0), dtype=np.int64)


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
        method = "enumeration"
        x = cs.all_packages(limit=cs.n_packages)
        x = x[cs.feasible(x)]
    else:
        from peacetable.analysis.frontier import pareto_frontier

        method = "dp-dominance"
        front = pareto_frontier(cs, lower=u0 - TOLERANCE)
        if front.size == 0:
            return True, None, method
        x = front.representatives()
    u = cs.utilities(x)
    dom = (u >= u0 - TOLERANCE).all(axis=1) & (u > u0 + TOLERANCE).any(axis=1)
    if not dom.any():
        return True, None, method
    cand, gain = x[dom], (u[dom] - u0).sum(axis=1)
    # enumeration: largest gain, ties by package order; DP: the first representative with it
    pick = np.lexsort((*cand.T[::-1], -gain))[0] if method == "enumeration" else np.argmax(gain)
    return False, cand[int(pick)], method


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
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> [v.deal_breakers for v in deal_breakers(_logroll_example(no_deal=0.5), "draft")]
    [('x',), ('y',)]
    """
    cs = compile_scenario(scenario)
    base, _ = resolve_package(scenario, package, cs)
    u0 = cs.utilities(base)[0]
    nd = cs.no_deal
    accepted = u0 >= nd - TOLERANCE
    block = single_changes(cs, base)
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

    def summary(self) -> dict[str, Any]:
        """The answers in a few lines (for reports and ``peacetable analyze``)."""
        best = self.improvements.solutions[0] if self.improvements.solutions else None
        return {
            "proposal": self.proposal,
            "efficient": self.efficient,
            "rejecting": list(self.rejecting),
            "deal_breakers": {
                v.party: list(v.deal_breakers) for v in self.parties if not v.accepts
            },
            "improvement": self.improvements.statement,
            "smallest_improvement": best.changes if best is not None else None,
            "acceptable_to_all": self.acceptance.statement,
            "to_win_over": {p: s.statement for p, s in self.fixes.items()},
        }

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
    budget: int = 20_000_000,
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
    Combines :func:`dominating_package`,
    :func:`peacetable.analysis.amendments.fewest_change_improvements`,
    :func:`peacetable.analysis.amendments.acceptance_fixes` and
    :func:`deal_breakers`; each is exact.

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> d = diagnose_proposal(_logroll_example(no_deal=0.5), "draft")
    >>> d.efficient, d.rejecting, d.improvements.min_changes
    (False, ('A', 'B'), 2)
    """
    from peacetable.analysis.amendments import acceptance_fixes, fewest_change_improvements
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
