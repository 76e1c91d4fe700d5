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
from typing import Literal

import numpy as np

from peacetable.analysis._budget import Deadline
from peacetable.analysis._nondominated import nondominated_unique, tie_classes, unique_rows
from peacetable.analysis._packages import PackageChange, make_change
from peacetable.analysis.diagnostics import dominating_package
from peacetable.analysis.frontier import pareto_frontier
from peacetable.core import PackageRef, PreparedScenario, Provenance, Result, prepare
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.serialize import generic_to_dict
from peacetable.errors import InputError
from peacetable.model import Scenario

#: Package spaces up to this size are enumerated by :func:`post_settlement`.
ENUMERATION_LIMIT = 100_000

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

    to_dict = generic_to_dict


@dataclass(frozen=True)
class SingleTextResult(Result):
    """The sequence of drafts of a single-negotiating-text run.

    Attributes
    ----------
    rule:
        ``"unanimous"`` or ``"maximin"``.
    drafts:
        Every version, the start first.
    stopped:
        ``"local optimum"`` (no single amendment satisfies the rule),
        ``"max steps"`` or ``"time limit"``.
    final_efficient:
        Whether the final draft is Pareto-efficient (exact check); ``None``
        when the time limit stopped the check first (the provenance says so).
    final_dominated_by:
        A package dominating the final draft, when it is not efficient.

    The run is deterministic and the efficiency check exact.
    """

    rule: str
    drafts: tuple[Draft, ...]
    stopped: str
    final_efficient: bool | None
    final_dominated_by: PackageChange | None

    plain_properties = ("steps",)

    @property
    def final(self) -> Draft:
        """The last draft."""
        return self.drafts[-1]

    @property
    def steps(self) -> int:
        """Number of amendments made."""
        return len(self.drafts) - 1


def _single_changes(cs: PreparedScenario, base: IntArray) -> IntArray:
    block = cs.single_changes(base)
    return block[cs.is_agreement(block)]


def _choose(cs: PreparedScenario, u: FloatArray, u_cur: FloatArray, rule: Rule) -> int | None:
    """Index of the amendment the rule takes (first among exact ties), or ``None``."""
    gain = cs.margin_of(u, u_cur).sum(axis=1)
    if rule == "unanimous":
        ok = cs.improves_on(u, u_cur)
        if not ok.any():
            return None
        score = np.where(ok, gain, -np.inf)
        return int(np.argmax(score))
    low = cs.margin_of(u).min(axis=1)
    cur = float(cs.margin_of(u_cur).min())
    ok = cs.margin_of(low, cur) > 0.0
    if not ok.any():
        return None
    best = low[ok].max()
    score = np.where(ok & (low == best), gain, -np.inf)
    return int(np.argmax(score))


def single_negotiating_text(
    scenario: Scenario | PreparedScenario,
    start: PackageRef = None,
    *,
    rule: Rule = "unanimous",
    max_steps: int = 1000,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
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
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`)
        for the amendments and the final efficiency check; ``None``: none.
        When it runs out the run stops (``stopped == "time limit"``) and the
        result is labelled approximate.
    memory_limit:
        Bytes one frontier stage of the efficiency check may take.

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
    cs = prepare(scenario)
    current, _ = cs.resolve(start)
    if not cs.feasible(current)[0]:
        raise InputError("the starting draft breaks a constraint; start from a feasible package")

    def draft(step: int, pkg: IntArray, amendment: tuple[str, str, str] | None) -> Draft:
        u = cs.utilities(pkg)[0]
        return Draft(
            step=step,
            package=cs.package_dict(pkg),
            amendment=amendment,
            utilities={p: float(v) for p, v in zip(cs.party_ids, u, strict=True)},
        )

    drafts = [draft(0, current, None)]
    stopped = "max steps"
    deadline = Deadline.of(time_limit)
    steps = deadline.part(0.5)
    for step in range(1, max_steps + 2):
        if steps.expired():
            stopped = "time limit"
            break
        cand = _single_changes(cs, current)
        pick = (
            _choose(cs, cs.utilities(cand), cs.utilities(current)[0], rule)
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
    efficient, dom, method = dominating_package(
        cs, current, time_limit=deadline, memory_limit=memory_limit
    )
    u_final = cs.utilities(current)[0]
    how = f"greedy one-provision amendments ({rule}); final efficiency by {method}"
    return SingleTextResult(
        rule=rule,
        drafts=tuple(drafts),
        stopped=stopped,
        final_efficient=efficient,
        final_dominated_by=make_change(cs, current, dom, u_final) if dom is not None else None,
        provenance=Provenance(how)
        if not deadline.cut
        else Provenance(how, exact=False, bound=deadline.note()),
    )


# ---------------------------------------------------------------- post-settlement


@dataclass(frozen=True)
class PostSettlementResult(Result):
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

    ``provenance.method`` is ``"enumeration"`` or ``"dp-dominance"``; both exact.
    """

    agreed: dict[str, str]
    agreed_utilities: dict[str, float]
    efficient: bool
    improvements: tuple[PackageChange, ...]
    tie_counts: tuple[int, ...]
    recommended: PackageChange | None

    plain_properties = ("n_improvements",)

    @property
    def n_improvements(self) -> int:
        """Number of distinct improvements."""
        return len(self.improvements)


def post_settlement(
    scenario: Scenario | PreparedScenario,
    agreed: PackageRef,
    *,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> PostSettlementResult:
    """All Pareto-efficient packages that weakly improve an agreed package for every party.

    Parameters
    ----------
    scenario:
        The scenario.
    agreed:
        The agreed package: proposal id, ``{issue: option}`` mapping, option
        indices, or ``None`` (status quo).
    time_limit, memory_limit:
        Budgets of the frontier DP (see
        :func:`peacetable.analysis.frontier.pareto_frontier`).

    Returns
    -------
    PostSettlementResult

    Raises
    ------
    InputError
        Unknown proposal, or an agreed package that breaks a constraint.
    FrontierTooLarge
        The frontier above the agreed package exceeds a budget (the message
        gives its growth).

    Notes
    -----
    The frontier restricted to the box ``u >= u(agreed)``. Spaces of at most
    :data:`ENUMERATION_LIMIT` packages are enumerated: the feasible packages in
    the box are reduced to distinct utility vectors (equal within the core's
    tie tolerance) and filtered for dominance by
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
    cs = prepare(scenario)
    base, _ = cs.resolve(agreed)
    if not cs.feasible(base)[0]:
        raise InputError("the agreed package breaks a constraint")
    u0 = cs.utilities(base)[0]
    if cs.n_packages <= ENUMERATION_LIMIT:
        method = "enumeration"
        x = cs.all_packages(limit=cs.n_packages)
        x = x[cs.is_agreement(x)]
        u = cs.utilities(x)
        box = (cs.margin_of(u, u0) >= 0.0).all(axis=1)
        x, u = x[box], u[box]
        canon = tie_classes(np.vstack([u0[None, :], u]), cs.tie)
        uniq, inverse = unique_rows(canon[1:])
        keep = np.flatnonzero(nondominated_unique(uniq))
        first = np.full(uniq.shape[0], x.shape[0], dtype=np.int64)
        np.minimum.at(first, inverse, np.arange(x.shape[0], dtype=np.int64))
        reps = x[first[keep]]
        ties = np.bincount(inverse, minlength=uniq.shape[0])[keep].tolist()
    else:
        method = "dp-dominance"
        front = pareto_frontier(
            cs, lower=u0 - cs.tie, time_limit=time_limit, memory_limit=memory_limit
        )
        reps = front.representatives()
        ties = front.tie_counts()
    ur = cs.utilities(reps) if reps.shape[0] else np.empty((0, cs.n_parties))
    strict = cs.improves_on(ur, u0)
    reps, ur = reps[strict], ur[strict]
    ties = [t for t, s in zip(ties, strict.tolist(), strict=True) if s]
    gains = cs.margin_of(ur, u0)
    order = np.lexsort((*reps.T[::-1], -gains.sum(axis=1)))
    improvements = tuple(make_change(cs, base, reps[k], u0) for k in order)
    recommended = None
    if improvements:
        g = gains[order]
        keys = np.lexsort((-g.sum(axis=1), -g.min(axis=1)))
        recommended = improvements[int(keys[0])]
    return PostSettlementResult(
        agreed=cs.package_dict(base),
        agreed_utilities={p: float(v) for p, v in zip(cs.party_ids, u0, strict=True)},
        efficient=not improvements,
        improvements=improvements,
        tie_counts=tuple(int(ties[k]) for k in order),
        recommended=recommended,
        provenance=Provenance(method),
    )
