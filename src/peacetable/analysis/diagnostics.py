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
Efficiency: the exact dominance-pruned dynamic programme of
:func:`peacetable.analysis.frontier.pareto_frontier` restricted to the box
above the draft's utilities (a MILP when that is too large). Deal-breakers: every single-provision change is
evaluated at once (vectorised). Acceptance, ties and improvements follow the
core's one rule (:meth:`peacetable.core.PackageEvaluator.margin_of`).

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

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.analysis import frontier
from peacetable.analysis._budget import Deadline
from peacetable.analysis._packages import PackageChange, make_change
from peacetable.analysis.amendments import (
    ChangeSearch,
    acceptance_fixes,
    fewest_change_improvements,
)
from peacetable.core import PackageRef, PreparedScenario, Provenance, Result, prepare
from peacetable.core.arrays import IntArray
from peacetable.core.prepared import PROCESS_HELD
from peacetable.core.serialize import generic_to_dict
from peacetable.model import Scenario

__all__ = [
    "PackageChange",
    "PartyProvisions",
    "ProposalDiagnosis",
    "ProvisionEffect",
    "deal_breakers",
    "diagnose_proposal",
    "dominating_package",
]


# ---------------------------------------------------------------- efficiency


def dominating_package(
    scenario: Scenario | PreparedScenario,
    package: PackageRef,
    *,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> tuple[bool | None, IntArray | None, str]:
    """Is *package* Pareto-efficient? If not, the dominating package with the largest joint gain.

    Parameters
    ----------
    scenario:
        Scenario or prepared scenario.
    package:
        As in :meth:`peacetable.core.PreparedScenario.resolve`.
    time_limit, memory_limit:
        Budgets of the search (see
        :func:`peacetable.analysis.frontier.dominating_package`).

    Returns
    -------
    (efficient, dominating package indices or None, method)
        *efficient* is ``None`` when the time limit stopped the search before
        it was decided; *method* then says so (and when a dominating package
        was found but one with a larger joint gain may exist).

    Notes
    -----
    The exact search of :func:`peacetable.analysis.frontier.dominating_package`
    (frontier DP restricted to the box above the draft, or a MILP), so that
    every lens answers "is it efficient?" the same way.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> efficient, better, method = dominating_package(_logroll_example(), "draft")
    >>> efficient, better.tolist()
    (False, [1, 1])
    """
    cs = prepare(scenario)
    base, _ = cs.resolve(package)
    deadline = Deadline.of(time_limit)
    found = frontier.dominating_package(
        cs.space, cs.utilities(base)[0], time_limit=deadline, memory_limit=memory_limit
    )
    method = found.method
    if not found.decided:
        return None, None, f"{method}: undecided, {deadline.note()}"
    if not found.exact:
        method += (
            f" (a dominating package; one with a larger joint gain may exist: {deadline.note()})"
        )
    return found.package is None, found.package, method


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

    plain_properties = ("deal_breaker",)
    to_dict = generic_to_dict

    @property
    def deal_breaker(self) -> bool:
        """The party rejects the package, and changing this provision alone can win it over."""
        return bool(self.accept_if)


@dataclass(frozen=True)
class PartyProvisions:
    """One party's view of a package: acceptance and the provisions that cost it most.

    ``provisions`` lists every issue, the costliest first (ties in issue order).
    """

    party: str
    utility: float
    no_deal: float
    margin: float
    accepts: bool
    provisions: tuple[ProvisionEffect, ...]

    plain_properties = ("deal_breakers", "red_lines")
    to_dict = generic_to_dict

    @property
    def deal_breakers(self) -> tuple[str, ...]:
        """Issues whose change alone would win this (rejecting) party over."""
        return tuple(p.issue for p in self.provisions if p.deal_breaker)

    @property
    def red_lines(self) -> tuple[str, ...]:
        """Issues whose change alone would make this (accepting) party reject."""
        return tuple(p.issue for p in self.provisions if p.reject_if)


def deal_breakers(
    scenario: Scenario | PreparedScenario, package: PackageRef
) -> tuple[PartyProvisions, ...]:
    """For each party and provision: loss against its best option and acceptance flips.

    Parameters
    ----------
    scenario, package:
        As in :meth:`peacetable.core.PreparedScenario.resolve`.

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
    cs = prepare(scenario)
    base, _ = cs.resolve(package)
    u0 = cs.utilities(base)[0]
    nd = cs.no_deal
    accepted = cs.accepts_utilities(u0)
    block = cs.single_changes(base)
    ok = cs.is_agreement(block)
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
            if vals.size and cs.margin_of(vals.max(), best_u) > 0.0:
                j = int(np.argmax(vals))  # first maximum: lowest option index
                best, best_u = int(opts[j]), float(vals[j])
            flips_in = cs.margin_of(vals, nd[p]) >= 0.0
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
                margin=float(cs.margin_of(u0)[p]),
                accepts=bool(accepted[p]),
                provisions=tuple(effects),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- the whole diagnosis


@dataclass(frozen=True)
class ProposalDiagnosis(Result):
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
    notes:
        Caveats (e.g. the package breaks a constraint).

    ``provenance.method`` says how the efficiency check was done; every
    answer here is exact.
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
    notes: tuple[str, ...] = field(default=())

    plain_properties = ("rejecting",)

    @property
    def rejecting(self) -> tuple[str, ...]:
        """Parties whose utility is below their no-deal utility."""
        return tuple(p for p, ok in self.accepts.items() if not ok)

    @property
    def efficiency_statement(self) -> str:
        """Is it Pareto-efficient, in one line: ``yes``, ``no — <the improvement>``,
        ``not defined — <the constraint it breaks>`` or ``undecided — <why>``."""
        if self.efficient is True:
            return "yes"
        if self.efficient is False:
            return "no — " + self.improvements.statement
        if not self.feasible:
            held = [v for v in self.violated if v.startswith(PROCESS_HELD)]
            if held and len(held) == len(self.violated):
                why = (
                    "it is not on the agreed process ("
                    + "; ".join(v.removeprefix(PROCESS_HELD) for v in held)
                    + "), where the searches hold the talks issues"
                )
            else:
                why = "it breaks " + "; ".join(self.violated)
            return f"not defined — {why}; {self.improvements.statement}"
        undecided = [n for n in self.notes if "efficient was not settled" in n]
        return "undecided — " + (undecided[0] if undecided else "the check did not finish")

    def summary(self) -> dict[str, Any]:
        """The answers in a few lines (for reports and ``peacetable analyze``)."""
        best = self.improvements.solutions[0] if self.improvements.solutions else None
        return {
            "proposal": self.proposal,
            "efficient": self.efficient,
            "efficiency": self.efficiency_statement,
            "rejecting": list(self.rejecting),
            "deal_breakers": {
                v.party: list(v.deal_breakers) for v in self.parties if not v.accepts
            },
            "improvement": self.improvements.statement,
            "smallest_improvement": best.changes if best is not None else None,
            "acceptable_to_all": self.acceptance.statement,
            "to_win_over": {p: s.statement for p, s in self.fixes.items()},
        }


def diagnose_proposal(
    scenario: Scenario | PreparedScenario,
    proposal: PackageRef,
    *,
    max_changes: int = 3,
    limit: int = 5,
    budget: int = 20_000_000,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
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
    time_limit:
        Seconds for the whole diagnosis (or a shared
        :class:`~peacetable.analysis._budget.Deadline`), shared equally by
        the efficiency check and the searches; ``None``: none. What the time
        limit leaves undecided is said in the answers and ``notes``, and the
        diagnosis is then labelled approximate.
    memory_limit:
        Bytes one frontier stage may take.
    progress:
        ``progress(done, total)`` after each of its searches.

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
    cs = prepare(scenario)
    base, pid = cs.resolve(proposal)
    u0 = cs.utilities(base)[0]
    pkg = cs.package_dict(base)
    feasible = bool(cs.feasible(base)[0])
    violated = tuple(dict.fromkeys(cs.violated(base)))
    notes: list[str] = []
    deadline = Deadline.of(time_limit)
    accepts = dict(zip(cs.party_ids, cs.accepts_utilities(u0).tolist(), strict=True))
    rejecting = [p for p, ok in accepts.items() if not ok]
    n_tasks = 3 + len(rejecting)
    tasks = iter(range(n_tasks, 0, -1))  # tasks left, for equal shares of time

    def share() -> Deadline:
        left = next(tasks)
        if progress is not None and left < n_tasks:
            progress(n_tasks - left, n_tasks)
        return deadline.part(1.0 / left)

    eff: bool | None
    if feasible:
        eff, dom, method = dominating_package(
            cs, base, time_limit=share(), memory_limit=memory_limit
        )
        dominated_by = make_change(cs, base, dom, u0) if dom is not None else None
        if eff is None:
            notes.append(f"whether the package is efficient was not settled ({deadline.note()})")
    else:
        next(tasks)
        eff, dominated_by, method = None, None, "not checked (the package is infeasible)"
        notes.append("the package breaks a constraint, so its efficiency is undefined")
    improvements = fewest_change_improvements(
        cs,
        base,
        max_changes=max_changes,
        limit=limit,
        budget=budget,
        time_limit=share(),
        memory_limit=memory_limit,
    )
    fix = functools.partial(
        acceptance_fixes,
        cs,
        base,
        max_changes=max_changes,
        limit=limit,
        budget=budget,
        memory_limit=memory_limit,
    )
    acceptance = fix(time_limit=share())
    fixes = {p: fix(party=p, time_limit=share()) for p in rejecting}
    if progress is not None:
        progress(n_tasks, n_tasks)
    provenance = Provenance(method)
    if deadline.cut:
        provenance = Provenance(
            method,
            exact=False,
            bound="the answers given are exact as far as they go; what the time limit left "
            f"open is said in each ({deadline.note()})",
        )
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
        parties=deal_breakers(cs, base),
        notes=tuple(notes),
        provenance=provenance,
    )
