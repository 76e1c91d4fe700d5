"""The single negotiating text, and post-settlement settlements.

Single negotiating text
-----------------------
At Camp David (1978) the US mediators did not ask Egypt and Israel for
offers; they wrote one draft, collected criticism, and amended it, one text
going through some twenty-three versions (Raiffa 1982, ch. 14; Fisher 1978,
"the one-text procedure"). :func:`single_negotiating_text` replays that
procedure on a scenario: from a starting draft, the mediator amends one
provision at a time, choosing among all feasible single-provision amendments
by one of two rules:

``"unanimous"``
    Only amendments no party likes less and some party likes more (a Pareto
    improvement); the one with the largest joint gain is taken.
``"maximin"``
    Amendments that raise the lowest gain over no-deal,
    ``min_p (u_p - no_deal_p)``; the one raising it most is taken (ties: the
    larger joint gain). Some party may lose, but the worst-off party gains.

Ties are broken by issue order, then option order, so the sequence is
deterministic. Both rules strictly increase a bounded objective over a
finite space, so the procedure stops, at a *local* optimum: no single
amendment satisfies the rule. Whether that final text is Pareto-efficient
(no package, however many provisions it changes, dominates it) is checked
exactly and reported.

Post-settlement settlement
--------------------------
Once a package is agreed, the parties may ask a neutral to look for packages
every party likes at least as much (Raiffa 1985). :func:`post_settlement`
returns all of them that are Pareto-efficient: the Pareto frontier restricted
to the box above the agreed utilities, one package per distinct utility
vector, and a balanced recommendation (the largest minimum gain).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 14 ("The Camp David negotiations"; the single
   negotiating text).
.. [2] Fisher, R. (1978). "The one-text procedure", in *International
   Mediation: A Working Guide*. Harvard Negotiation Project; see also
   Fisher, R. & Ury, W. (1981), *Getting to Yes*, ch. 6.
.. [3] Raiffa, H. (1985). Post-settlement settlements. *Negotiation
   Journal* 1(1), 9-12.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from peacetable.analysis import diagnostics as _diagnostics
from peacetable.analysis._nondominated import nondominated_unique
from peacetable.analysis.diagnostics import (
    TOLERANCE,
    FloatArray,
    IntArray,
    PackageChange,
    PackageLike,
    dominating_package,
    make_change,
    resolve_package,
    single_changes,
)
from peacetable.errors import InputError
from peacetable.model import CompiledScenario, Scenario, compile_scenario

__all__ = [
    "Draft",
    "PostSettlementResult",
    "SingleTextResult",
    "post_settlement",
    "single_negotiating_text",
]

Rule = Literal["unanimous", "maximin"]


@dataclass(frozen=True)
class Draft:
    """One version of the single negotiating text.

    Attributes
    ----------
    step:
        0 for the starting draft, then 1, 2, ...
    package:
        The full draft ``{issue: option}``.
    amendment:
        ``(issue, from option, to option)`` that produced it (``None`` at step 0).
    utilities:
        Each party's utility of the draft.
    """

    step: int
    package: dict[str, str]
    amendment: tuple[str, str, str] | None
    utilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "step": self.step,
            "package": dict(self.package),
            "amendment": list(self.amendment) if self.amendment is not None else None,
            "utilities": dict(self.utilities),
        }


@dataclass(frozen=True)
class SingleTextResult:
    """The sequence of drafts of a single-negotiating-text run.

    Attributes
    ----------
    rule:
        ``"unanimous"`` or ``"maximin"``.
    drafts:
        Every version, the start first.
    stopped:
        ``"local optimum"`` (no single amendment satisfies the rule) or
        ``"max steps"``.
    final_efficient:
        Whether the final draft is Pareto-efficient (exact check).
    final_dominated_by:
        A package dominating the final draft, when it is not efficient.
    method, exact:
        How the run was made; the run is deterministic and the efficiency
        check exact.
    """

    rule: str
    drafts: tuple[Draft, ...]
    stopped: str
    final_efficient: bool
    final_dominated_by: PackageChange | None
    method: str
    exact: bool = True

    @property
    def final(self) -> Draft:
        """The last draft."""
        return self.drafts[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "rule": self.rule,
            "steps": len(self.drafts) - 1,
            "stopped": self.stopped,
            "final_efficient": self.final_efficient,
            "final_dominated_by": (
                self.final_dominated_by.to_dict() if self.final_dominated_by is not None else None
            ),
            "drafts": [d.to_dict() for d in self.drafts],
            "method": self.method,
            "exact": self.exact,
        }


def _single_changes(cs: CompiledScenario, base: IntArray) -> IntArray:
    block = single_changes(cs, base)
    return block[cs.feasible(block)]


def _choose(u: FloatArray, u_cur: FloatArray, no_deal: FloatArray, rule: Rule) -> int | None:
    """Index of the amendment the rule takes (first among exact ties), or ``None``."""
    gain = np.round((u - u_cur).sum(axis=1), 9)
    if rule == "unanimous":
        ok = (u >= u_cur - TOLERANCE).all(axis=1) & (u > u_cur + TOLERANCE).any(axis=1)
        if not ok.any():
            return None
        score = np.where(ok, gain, -np.inf)
        return int(np.argmax(score))
    low = np.round((u - no_deal).min(axis=1), 9)
    cur = round(float((u_cur - no_deal).min()), 9)
    ok = low > cur + TOLERANCE
    if not ok.any():
        return None
    best = low[ok].max()
    score = np.where(ok & (low == best), gain, -np.inf)
    return int(np.argmax(score))


def single_negotiating_text(
    scenario: Scenario,
    start: PackageLike = None,
    *,
    rule: Rule = "unanimous",
    max_steps: int = 1000,
) -> SingleTextResult:
    """Amend a draft one provision at a time until no amendment satisfies *rule*.

    Parameters
    ----------
    scenario:
        The scenario.
    start:
        The first draft: a proposal id, ``{issue: option}`` mapping, option
        indices, or ``None`` (the status quo).
    rule:
        ``"unanimous"`` (Pareto-improving amendments, largest joint gain) or
        ``"maximin"`` (amendments raising the lowest gain over no-deal).
    max_steps:
        Safety bound on the number of amendments.

    Returns
    -------
    SingleTextResult
        The drafts with every party's utility at each step, why it stopped,
        and whether the final text is Pareto-efficient.

    Raises
    ------
    InputError
        Unknown proposal, unknown rule, or an infeasible starting draft.

    Notes
    -----
    Each step evaluates all ``sum_i (m_i - 1)`` single-provision amendments
    at once, ``O(n m (n + P))``; the number of steps is bounded because the
    rule's objective (joint utility, resp. lowest gain) strictly increases.
    The final efficiency check is exact (see
    :func:`peacetable.analysis.diagnostics.dominating_package`).

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14.
    .. [2] Fisher, R. (1978). The one-text procedure. Harvard Negotiation
       Project.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> s = _logroll_example()
    >>> len(single_negotiating_text(s, "draft").drafts)  # no single amendment helps both
    1
    >>> r = single_negotiating_text(s, {"x": "b", "y": "a"}, rule="maximin")
    >>> [d.amendment for d in r.drafts], r.final_efficient
    ([None, ('y', 'a', 'b')], True)
    """
    if rule not in ("unanimous", "maximin"):
        raise InputError(f"unknown rule {rule!r}; use 'unanimous' or 'maximin'", None)
    cs = compile_scenario(scenario)
    current, _ = resolve_package(scenario, start, cs)
    if not cs.feasible(current)[0]:
        raise InputError("the starting draft breaks a constraint; start from a feasible package")

    def draft(step: int, pkg: IntArray, amendment: tuple[str, str, str] | None) -> Draft:
        u = cs.utilities(pkg)[0]
        return Draft(
            step=step,
            package=cs.decode(pkg),
            amendment=amendment,
            utilities={p: float(v) for p, v in zip(cs.party_ids, u, strict=True)},
        )

    drafts = [draft(0, current, None)]
    stopped = "max steps"
    for step in range(1, max_steps + 2):
        cand = _single_changes(cs, current)
        pick = (
            _choose(cs.utilities(cand), cs.utilities(current)[0], cs.no_deal, rule)
            if cand.shape[0]
            else None
        )
        if pick is None:
            stopped = "local optimum"
            break
        if step > max_steps:
            break
        nxt = cand[pick]
        i = int(np.flatnonzero(nxt != current)[0])
        amendment = (
            cs.issue_ids[i],
            cs.option_ids[i][int(current[i])],
            cs.option_ids[i][int(nxt[i])],
        )
        current = nxt
        drafts.append(draft(step, current, amendment))
    efficient, dom, method = dominating_package(cs, current)
    u_final = cs.utilities(current)[0]
    return SingleTextResult(
        rule=rule,
        drafts=tuple(drafts),
        stopped=stopped,
        final_efficient=efficient,
        final_dominated_by=make_change(cs, current, dom, u_final) if dom is not None else None,
        method=f"greedy one-provision amendments ({rule}); final efficiency by {method}",
    )


# ---------------------------------------------------------------- post-settlement


@dataclass(frozen=True)
class PostSettlementResult:
    """Pareto-efficient packages every party likes at least as much as an agreed one.

    Attributes
    ----------
    agreed, agreed_utilities:
        The agreed package and each party's utility of it.
    efficient:
        Whether the agreed package is already Pareto-efficient (then
        ``improvements`` is empty).
    improvements:
        One package per distinct efficient utility vector in the box above
        the agreed utilities, largest joint gain first.
    tie_counts:
        Number of packages attaining each improvement's utilities.
    recommended:
        The improvement with the largest minimum gain (ties: joint gain):
        the balanced post-settlement proposal.
    method, exact:
        ``"enumeration"`` or ``"dp-dominance"``; both exact.
    """

    agreed: dict[str, str]
    agreed_utilities: dict[str, float]
    efficient: bool
    improvements: tuple[PackageChange, ...]
    tie_counts: tuple[int, ...]
    recommended: PackageChange | None
    method: str
    exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "agreed": dict(self.agreed),
            "agreed_utilities": dict(self.agreed_utilities),
            "efficient": self.efficient,
            "n_improvements": len(self.improvements),
            "improvements": [c.to_dict() for c in self.improvements],
            "tie_counts": list(self.tie_counts),
            "recommended": self.recommended.to_dict() if self.recommended is not None else None,
            "method": self.method,
            "exact": self.exact,
        }


def post_settlement(scenario: Scenario, agreed: PackageLike) -> PostSettlementResult:
    """All Pareto-efficient packages that weakly improve an agreed package for every party.

    Parameters
    ----------
    scenario:
        The scenario.
    agreed:
        The agreed package: proposal id, ``{issue: option}`` mapping, option
        indices, or ``None`` (status quo).

    Returns
    -------
    PostSettlementResult

    Raises
    ------
    InputError
        Unknown proposal, or an agreed package that breaks a constraint.

    Notes
    -----
    The frontier restricted to the box ``u >= u(agreed)``. Spaces of at most
    ``diagnostics.ENUMERATION_LIMIT`` packages are enumerated: the feasible packages in
    the box are reduced to distinct utility vectors (rounded to ``1e-9``)
    and filtered for dominance by
    :func:`peacetable.analysis._nondominated.nondominated_unique` (Kung,
    Luccio & Preparata 1975), ``O(b log b)`` for two parties and
    ``O(b f P)`` for more, ``b`` boxed vectors and ``f`` frontier points. Larger spaces use the exact dominance-pruned
    dynamic programme of :func:`peacetable.analysis.frontier.pareto_frontier`
    with the agreed utilities as lower bound (Bazgan et al. 2009).

    References
    ----------
    .. [1] Raiffa, H. (1985). Post-settlement settlements. *Negotiation
       Journal* 1(1), 9-12.
    .. [2] Bazgan, C., Hugot, H. & Vanderpooten, D. (2009). Solving
       efficiently the 0-1 multi-objective knapsack problem. *Computers &
       Operations Research* 36(1), 260-279.
    .. [3] Kung, H. T., Luccio, F. & Preparata, F. P. (1975). On finding the
       maxima of a set of vectors. *J. ACM* 22(4), 469-476.

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> post_settlement(_logroll_example(), "draft").recommended.package
    {'x': 'b', 'y': 'b'}
    """
    cs = compile_scenario(scenario)
    base, _ = resolve_package(scenario, agreed, cs)
    if not cs.feasible(base)[0]:
        raise InputError("the agreed package breaks a constraint")
    u0 = cs.utilities(base)[0]
    r0 = np.round(u0, 9)
    if cs.n_packages <= _diagnostics.ENUMERATION_LIMIT:
        method = "enumeration"
        x = cs.all_packages(limit=cs.n_packages)
        x = x[cs.feasible(x)]
        u = np.round(cs.utilities(x), 9)
        box = (u >= r0).all(axis=1)
        x, u = x[box], u[box]
        uniq, first, counts = np.unique(u, axis=0, return_index=True, return_counts=True)
        keep = np.flatnonzero(nondominated_unique(uniq))
        reps = x[first[keep]]
        ties = counts[keep].tolist()
    else:
        from peacetable.analysis.frontier import pareto_frontier

        method = "dp-dominance"
        front = pareto_frontier(cs, lower=u0 - TOLERANCE)
        reps = front.representatives()
        ties = front.tie_counts()
    ur = np.round(cs.utilities(reps), 9) if reps.shape[0] else np.empty((0, cs.n_parties))
    strict = (ur > r0).any(axis=1) & (ur >= r0).all(axis=1)
    reps, ur = reps[strict], ur[strict]
    ties = [t for t, s in zip(ties, strict.tolist(), strict=True) if s]
    order = np.lexsort((*reps.T[::-1], -(ur - r0).sum(axis=1)))
    improvements = tuple(make_change(cs, base, reps[k], u0) for k in order)
    recommended = None
    if improvements:
        gains = ur[order] - r0
        keys = np.lexsort((-gains.sum(axis=1), -gains.min(axis=1)))
        recommended = improvements[int(keys[0])]
    return PostSettlementResult(
        agreed=cs.decode(base),
        agreed_utilities={p: float(v) for p, v in zip(cs.party_ids, u0, strict=True)},
        efficient=not improvements,
        improvements=improvements,
        tie_counts=tuple(int(ties[k]) for k in order),
        recommended=recommended,
        method=method,
    )
