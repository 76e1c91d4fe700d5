"""Every estimate of a scenario as one uncertain parameter (the input of the sampling model).

Each number of a scenario that is an estimate -- issue weights, option values
(including the per-outcome values of contingent options), beliefs about
uncertain events, interaction bonuses, and the disagreement model's numbers
(scalar no-deal utilities and their monthly change, or the conflict lottery's
beliefs, common estimate, convergence rate and costs) -- becomes one
:class:`Parameter` with a base value and an interval: its declared range, else
the party's default uncertainty (weights relative, values and beliefs absolute,
clipped to 0..1). Numbers without a declared range that only shift over time
(monthly changes, the convergence rate, the common estimate) are held fixed.
:func:`build_parameters` returns the parameters and the index arrays that map
them onto utility tables (:class:`peacetable.core.sampling.ParameterModel`).

References
----------
.. [1] Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
   acceptability analysis for group decision making. *Operations Research*
   49(3), 444-454, section 3 (imprecise weights and criteria values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.core.arrays import IntArray
from peacetable.core.evaluator import PackageEvaluator
from peacetable.errors import InputError
from peacetable.model.scenario import ConflictCosts, Estimate, Scenario


@dataclass(frozen=True)
class Parameter:
    """One uncertain number of a scenario.

    Attributes
    ----------
    name:
        Dotted name, e.g. ``RU.value.nato_offer.withdrawn``,
        ``RU.value.crimea.referendum|joins_russia``, ``RU.belief.crimea_vote.joins_russia``,
        ``RU.weight.nato_offer``, ``RU.bonus[0]``, ``RU.no_deal``, ``RU.monthly_change``,
        ``RU.outcome_belief.ru_prevails``, ``all.common.ru_prevails``,
        ``all.convergence``, ``RU.conflict_cost``, ``RU.conflict_monthly``.
    kind:
        ``weight``, ``value``, ``belief``, ``bonus``, ``no_deal``,
        ``monthly_change``, ``outcome_belief``, ``common``, ``convergence``,
        ``conflict_cost`` or ``conflict_monthly``.
    party:
        The party whose estimate it is (``all`` for the common estimate and
        the convergence rate).
    base, low, high:
        Nominal value and sampling interval (``low == high``: held fixed).
    source:
        Where the estimate comes from, if the scenario says.
    """

    name: str
    kind: str
    party: str
    base: float
    low: float
    high: float
    source: str | None = None

    @property
    def uncertain(self) -> bool:
        """Whether the parameter is sampled (its interval has positive width)."""
        return self.high > self.low

    @property
    def label(self) -> str:
        """Plain-words description, e.g. ``US's no-deal utility (0.4, range 0.3-0.5)``."""
        rest = self.name.split(".", 2)[2] if self.name.count(".") >= 2 else ""
        what = {
            "weight": f"weight of {rest}",
            "value": f"value of {rest.replace('.', ' = ', 1).replace('|', ' if ')}",
            "belief": f"belief in {rest.replace('.', ' = ', 1)}",
            "no_deal": "no-deal utility",
            "monthly_change": "monthly change of its no-deal utility",
            "outcome_belief": f"belief that the conflict ends in {rest}",
            "common": f"common estimate that the conflict ends in {rest}",
            "convergence": "monthly convergence of beliefs about the conflict",
            "conflict_cost": "cost of fighting on",
            "conflict_monthly": "monthly increase of its cost of fighting on",
        }.get(self.kind, f"interaction {self.name.split('.', 1)[1]}")
        who = "everyone" if self.party == "all" else self.party
        return f"{who}'s {what} ({self.base:g}, range {self.low:g}-{self.high:g})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "party": self.party,
            "base": self.base,
            "low": self.low,
            "high": self.high,
            "source": self.source,
            "label": self.label,
        }


@dataclass(frozen=True)
class Contingent:
    """A contingent option's per-outcome values and the belief they are weighed by."""

    party: int
    option: int  # flat option index
    outcome_values: tuple[int, ...]  # parameter index per outcome
    belief: int  # index into the belief list


@dataclass(frozen=True)
class Belief:
    """A party's stated probabilities of an event's outcomes (-1: left out)."""

    outcomes: tuple[int, ...]


@dataclass(frozen=True)
class Bonus:
    """An interaction bonus: whose, its parameter, and its conditions."""

    party: int
    parameter: int
    conditions: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Lottery:
    """The conflict lottery's parameters (see :mod:`peacetable.core.disagreement`).

    Attributes
    ----------
    outcomes:
        ``(m, n_issues)`` the outcome packages.
    beliefs:
        ``(P, m)`` parameter indices of each party's stated probabilities
        (-1: left out, sharing the remainder); a party with no stated belief
        has ``stated[p] = False`` and holds the common estimate.
    stated:
        ``(P,)`` whether the party states beliefs.
    common:
        ``(m,)`` parameter indices of the common estimate (-1: left out); all
        -1 with ``has_common = False``: the mean of the parties' beliefs.
    has_common:
        Whether the scenario states a common estimate.
    convergence, cost, monthly:
        Parameter indices of the rate, and per party of the costs.
    """

    outcomes: IntArray
    beliefs: IntArray
    stated: tuple[bool, ...]
    common: IntArray
    has_common: bool
    convergence: int
    cost: IntArray
    monthly: IntArray


@dataclass
class _Builder:
    params: list[Parameter] = field(default_factory=list)

    def add(
        self, name: str, kind: str, party: str, est: Estimate, half: float, lo: float, hi: float
    ) -> int:
        low, high = est.bounds(half, lo, hi)
        self.params.append(Parameter(name, kind, party, est.value, low, high, est.source))
        return len(self.params) - 1

    def fixed(self, name: str, kind: str, party: str, value: float, source: str | None) -> int:
        self.params.append(Parameter(name, kind, party, value, value, value, source))
        return len(self.params) - 1


def build_parameters(scenario: Scenario, ev: PackageEvaluator) -> dict[str, Any]:
    """The parameters of *scenario* and their index arrays (fields of ``ParameterModel``).

    Notes
    -----
    Values of issues a party does not weigh (weight fixed at 0) are not
    parameters: they cannot change any utility. ``O(parties × options)``.
    """
    n_opts = [len(o) for o in ev.option_ids]
    offsets = np.concatenate([[0], np.cumsum(n_opts)]).astype(np.int64)
    b = _Builder()
    P, n_total = ev.n_parties, int(offsets[-1])
    weights = -np.ones((P, ev.n_issues), dtype=np.int64)
    values = -np.ones((P, n_total), dtype=np.int64)
    contingent: list[Contingent] = []
    beliefs: list[Belief] = []
    bonuses: list[Bonus] = []
    no_deal = np.zeros(P, dtype=np.int64)
    monthly = np.zeros(P, dtype=np.int64)
    for p, pid in enumerate(ev.party_ids):  # party by party: the order fixes the random streams
        _preferences(b, scenario, ev, p, pid, offsets, (weights, values), (contingent, beliefs))
        bonuses += _bonuses(b, scenario, ev, p, pid)
        no_deal[p], monthly[p] = _scalar_no_deal(b, scenario, pid)
    lottery = _lottery(b, scenario, ev)
    return {
        "parameters": tuple(b.params),
        "offsets": offsets,
        "interactions": tuple(x.conditions for x in bonuses),
        "interaction_party": np.array([x.party for x in bonuses], dtype=np.int64),
        "weights_index": weights,
        "values_index": values,
        "contingent": tuple(contingent),
        "beliefs": tuple(beliefs),
        "bonuses": tuple(bonuses),
        "no_deal_index": no_deal,
        "monthly_index": monthly,
        "lottery": lottery,
    }


def _preferences(
    b: _Builder,
    scenario: Scenario,
    ev: PackageEvaluator,
    p: int,
    pid: str,
    offsets: IntArray,
    tables: tuple[IntArray, IntArray],
    lists: tuple[list[Contingent], list[Belief]],
) -> None:
    """Weights, option values and event beliefs of one party."""
    weights, values = tables
    contingent, beliefs = lists
    prefs = scenario.preferences[pid]
    unc = prefs.uncertainty
    belief_slot: dict[str, int] = {}
    for i, issue in enumerate(scenario.issues):
        w = prefs.weights.get(issue.id)
        if w is None:
            continue
        k = b.add(
            f"{pid}.weight.{issue.id}", "weight", pid, w, unc.weights * abs(w.value), 0.0, np.inf
        )
        weights[p, i] = k
        if b.params[k].high <= 0.0:
            continue
        given = prefs.values.get(issue.id, {})
        for o, option in enumerate(issue.options):
            v = given.get(option.id)
            j = int(offsets[i]) + o
            if v is None:
                continue
            if isinstance(v, Estimate):
                name = f"{pid}.value.{issue.id}.{option.id}"
                values[p, j] = b.add(name, "value", pid, v, unc.values, 0.0, 1.0)
                continue
            c = option.contingent
            if c is None:  # pragma: no cover - validation forbids it
                raise InputError(f"option {issue.id}.{option.id} is not contingent")
            outs = tuple(c.outcomes)
            if c.event not in belief_slot:
                stated = prefs.beliefs.get(c.event, {})
                slots = tuple(
                    b.add(
                        f"{pid}.belief.{c.event}.{e}",
                        "belief",
                        pid,
                        stated[e],
                        unc.beliefs,
                        0.0,
                        1.0,
                    )
                    if e in stated
                    else -1
                    for e in outs
                )
                beliefs.append(Belief(slots))
                belief_slot[c.event] = len(beliefs) - 1
            per_outcome = tuple(
                b.add(
                    f"{pid}.value.{issue.id}.{option.id}|{e}",
                    "value",
                    pid,
                    v[e],
                    unc.values,
                    0.0,
                    1.0,
                )
                for e in outs
            )
            contingent.append(Contingent(p, j, per_outcome, belief_slot[c.event]))


def _bonuses(
    b: _Builder, scenario: Scenario, ev: PackageEvaluator, p: int, pid: str
) -> list[Bonus]:
    """Interaction bonuses of one party (a bonus keeps its sign)."""
    prefs = scenario.preferences[pid]
    out = []
    for n, inter in enumerate(prefs.interactions):
        v = inter.bonus.value
        lo, hi = (0.0, np.inf) if v >= 0 else (-np.inf, 0.0)
        k = b.add(f"{pid}.bonus[{n}]", "bonus", pid, inter.bonus, prefs.uncertainty.values, lo, hi)
        conds = tuple(
            (ev.issue_ids.index(iid), ev.option_ids[ev.issue_ids.index(iid)].index(oid))
            for iid, oid in inter.when.items()
        )
        out.append(Bonus(p, k, conds))
    return out


def _scalar_no_deal(b: _Builder, scenario: Scenario, pid: str) -> tuple[int, int]:
    """A party's scalar no-deal utility and its monthly change (parameter indices)."""
    nd = scenario.party(pid).no_deal_value
    half = scenario.preferences[pid].uncertainty.values
    low, high = nd.range or (max(-1.0, nd.utility - half), min(2.0, nd.utility + half))
    b.params.append(Parameter(f"{pid}.no_deal", "no_deal", pid, nd.utility, low, high, nd.source))
    mr = nd.monthly_change_range or (nd.monthly_change, nd.monthly_change)
    b.params.append(
        Parameter(f"{pid}.monthly_change", "monthly_change", pid, nd.monthly_change, *mr, nd.source)
    )
    return len(b.params) - 2, len(b.params) - 1


def _lottery(b: _Builder, scenario: Scenario, ev: PackageEvaluator) -> Lottery | None:
    """The conflict lottery's parameters, or ``None`` for the scalar form."""
    d = scenario.disagreement
    if not d.outcomes:
        return None
    ids = [o.id for o in d.outcomes]
    P, m = ev.n_parties, len(ids)
    beliefs = -np.ones((P, m), dtype=np.int64)
    stated = []
    for p, pid in enumerate(ev.party_ids):
        given = d.beliefs.get(pid)
        stated.append(given is not None)
        half = scenario.preferences[pid].uncertainty.beliefs
        for k, oid in enumerate(ids):
            if given is not None and oid in given:
                name = f"{pid}.outcome_belief.{oid}"
                beliefs[p, k] = b.add(name, "outcome_belief", pid, given[oid], half, 0.0, 1.0)
    common = -np.ones(m, dtype=np.int64)
    for k, oid in enumerate(ids):
        if oid in d.common:
            est = d.common[oid]
            common[k] = b.add(f"all.common.{oid}", "common", "all", est, 0.0, 0.0, 1.0)
    rate = b.add("all.convergence", "convergence", "all", d.convergence, 0.0, 0.0, 1.0)
    zero = ConflictCosts()
    cost = np.zeros(P, dtype=np.int64)
    monthly = np.zeros(P, dtype=np.int64)
    for p, pid in enumerate(ev.party_ids):
        c = d.costs.get(pid, zero)
        half = scenario.preferences[pid].uncertainty.values
        lo = 0.0 if c.cost.value >= 0 else -np.inf
        cost[p] = b.add(f"{pid}.conflict_cost", "conflict_cost", pid, c.cost, half, lo, np.inf)
        monthly[p] = b.add(
            f"{pid}.conflict_monthly", "conflict_monthly", pid, c.monthly, 0.0, -np.inf, np.inf
        )
    outcomes = np.stack([ev.encode(dict(o.package)) for o in d.outcomes])
    return Lottery(outcomes, beliefs, tuple(stated), common, bool(d.common), rate, cost, monthly)
