"""From the scenario model to arrays: weighted value tables, terms and constraints.

The weighted value of option ``o`` of issue ``i`` for party ``p`` is
``w_pi * v_pi(o)`` with weights normalised to sum 1 per party (Keeney &
Raiffa 1976, ch. 3). A contingent option (its content depends on an
uncertain event) is valued by the party's own beliefs,
``v_pi(o) = sum_e P_p(e) * v_pi(o | e)`` (expected utility; Lax & Sebenius
1986, *The Manager as Negotiator*, ch. 5, "betting on differences in
beliefs"). A constraint ``if A then B`` forbids every package with ``A`` and
not ``B``; ``excludes`` forbids the combination it names.

References
----------
.. [1] Keeney, R. L. & Raiffa, H. (1976). *Decisions with Multiple
   Objectives*. Wiley, ch. 3.
.. [2] Lax, D. A. & Sebenius, J. K. (1986). *The Manager as Negotiator*.
   Free Press, ch. 5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from peacetable.core.arrays import BoolArray, FloatArray
from peacetable.core.evaluator import ForbiddenPattern, Interaction
from peacetable.model.scenario import (
    NO_DEAL_NONE,
    NO_DEAL_STATUS_QUO,
    ConflictCosts,
    Estimate,
    Preferences,
    Scenario,
)


def beliefs_of(prefs: Preferences, event: str, outcomes: tuple[str, ...]) -> dict[str, float]:
    """A party's probability of each outcome; outcomes it leaves out share the remainder.

    Examples
    --------
    >>> from peacetable.model import Preferences
    >>> p = Preferences(weights={}, values={}, beliefs={"vote": {"yes": 0.6}})
    >>> {o: round(v, 6) for o, v in beliefs_of(p, "vote", ("yes", "no", "void")).items()}
    {'yes': 0.6, 'no': 0.2, 'void': 0.2}
    """
    stated = {o: e.value for o, e in prefs.beliefs.get(event, {}).items()}
    missing = [o for o in outcomes if o not in stated]
    rest = max(0.0, 1.0 - sum(stated.values()))
    return {o: stated.get(o, rest / len(missing) if missing else 0.0) for o in outcomes}


def option_value(scenario: Scenario, party_id: str, issue_id: str, option_id: str) -> float:
    """A party's value (0..1) of one option; contingent options valued by its beliefs."""
    prefs = scenario.preferences[party_id]
    given = prefs.values.get(issue_id, {}).get(option_id)
    if given is None:
        return 0.0
    if isinstance(given, Estimate):
        return given.value
    option = next(o for o in scenario.issue(issue_id).options if o.id == option_id)
    assert option.contingent is not None
    probs = beliefs_of(prefs, option.contingent.event, tuple(option.contingent.outcomes))
    return sum(probs[o] * given[o].value for o in probs)


def value_tables(scenario: Scenario) -> list[FloatArray]:
    """Per issue the ``(n_options, n_parties)`` weighted values of the negotiating parties."""
    parties = scenario.negotiating_party_ids
    tables = []
    for issue in scenario.issues:
        table = np.zeros((len(issue.options), len(parties)))
        for p, pid in enumerate(parties):
            weight = scenario.preferences[pid].normalised_weights().get(issue.id, 0.0)
            if weight == 0.0:
                continue
            for k, option in enumerate(issue.options):
                table[k, p] = weight * option_value(scenario, pid, issue.id, option.id)
        tables.append(table)
    return tables


def interaction_terms(scenario: Scenario) -> list[Interaction]:
    """Every party's interaction bonuses as terms over option indices."""
    parties = scenario.negotiating_party_ids
    issue_pos = {iid: k for k, iid in enumerate(scenario.issue_ids)}
    out = []
    for p, pid in enumerate(parties):
        for inter in scenario.preferences[pid].interactions:
            bonus = np.zeros(len(parties))
            bonus[p] = inter.bonus.value
            conditions = tuple(
                (issue_pos[iid], scenario.issues[issue_pos[iid]].option_ids.index(oid))
                for iid, oid in inter.when.items()
            )
            out.append(Interaction(conditions=conditions, bonus=bonus))
    return out


def forbidden_patterns(scenario: Scenario) -> list[ForbiddenPattern]:
    """The scenario's constraints as forbidden patterns (``if A then B``: forbid ``A and not B``)."""
    issue_pos = {iid: k for k, iid in enumerate(scenario.issue_ids)}

    def mask(
        iid: str, choice: tuple[str, ...] | str, invert: bool = False
    ) -> tuple[int, BoolArray]:
        i = issue_pos[iid]
        opts = scenario.issues[i].option_ids
        m = np.zeros(len(opts), dtype=bool)
        for oid in (choice,) if isinstance(choice, str) else choice:
            m[opts.index(oid)] = True
        return i, ~m if invert else m

    out = []
    for k, constraint in enumerate(scenario.constraints):
        label = f"constraints[{k}]" + (f": {constraint.reason}" if constraint.reason else "")
        if constraint.excludes is not None:
            clauses = tuple(mask(iid, oid) for iid, oid in constraint.excludes.items())
            out.append(ForbiddenPattern(clauses=clauses, source=label))
            continue
        assert constraint.if_ is not None and constraint.then is not None
        premise = tuple(mask(iid, choice) for iid, choice in constraint.if_.items())
        for iid, choice in constraint.then.items():
            out.append(
                ForbiddenPattern(clauses=(*premise, mask(iid, choice, invert=True)), source=label)
            )
    return out


def scenario_arrays(scenario: Scenario) -> dict[str, Any]:
    """Keyword arguments of :meth:`PackageEvaluator.from_arrays` for *scenario*."""
    parties = scenario.negotiating_party_ids
    return {
        "tables": value_tables(scenario),
        "no_deal": np.array(
            [scenario.party(pid).no_deal_value.utility for pid in parties], dtype=float
        ),
        "interactions": interaction_terms(scenario),
        "forbidden": forbidden_patterns(scenario),
        "party_ids": parties,
        "issue_ids": scenario.issue_ids,
        "option_ids": tuple(issue.option_ids for issue in scenario.issues),
        "status_quo": np.array(
            [issue.option_ids.index(issue.status_quo_option) for issue in scenario.issues],
            dtype=np.int64,
        ),
    }


def no_deal_package(scenario: Scenario) -> dict[str, str] | None:
    """The (partial) package that *is* no deal, or ``None`` when no package is.

    ``disagreement.package``: ``status_quo`` (every issue at its status quo),
    ``none``, a proposal id, or a partial package.
    """
    ref = scenario.disagreement.package
    if isinstance(ref, str):
        if ref == NO_DEAL_NONE:
            return None
        if ref == NO_DEAL_STATUS_QUO:
            return {}
        return dict(scenario.proposal(ref).package)
    return dict(ref)


def _distribution(stated: dict[str, float], ids: tuple[str, ...]) -> FloatArray:
    """Probabilities over *ids*: the stated ones, the rest sharing what remains."""
    missing = [o for o in ids if o not in stated]
    rest = max(0.0, 1.0 - sum(stated.values()))
    out = np.array([stated.get(o, rest / len(missing) if missing else 0.0) for o in ids])
    total = out.sum()
    return out / total if total > 0 else np.full(len(ids), 1.0 / len(ids))


def lottery_inputs(scenario: Scenario) -> dict[str, Any]:
    """The disagreement block's nominal numbers as arrays (party order: negotiating parties).

    Returns ``outcome_ids``, ``outcomes`` (list of partial packages), ``beliefs``
    ``(P, m)``, ``common`` ``(m,)``, ``convergence``, ``cost`` and ``monthly``
    ``(P,)``. A party without stated beliefs holds the common estimate; without
    a stated common estimate, it is the mean of the parties' beliefs.
    """
    d = scenario.disagreement
    parties = scenario.negotiating_party_ids
    ids = tuple(o.id for o in d.outcomes)
    stated = {
        pid: _distribution({o: e.value for o, e in d.beliefs[pid].items()}, ids)
        for pid in parties
        if pid in d.beliefs
    }
    if d.common:
        common = _distribution({o: e.value for o, e in d.common.items()}, ids)
    elif stated:
        common = np.mean(np.stack(list(stated.values())), axis=0)
    else:
        common = np.full(len(ids), 1.0 / max(1, len(ids)))
    beliefs = (
        np.stack([stated.get(pid, common) for pid in parties])
        if ids
        else np.zeros((len(parties), 0))
    )
    zero = ConflictCosts()
    return {
        "outcome_ids": ids,
        "outcomes": [dict(o.package) for o in d.outcomes],
        "beliefs": beliefs,
        "common": np.asarray(common, dtype=float),
        "convergence": float(d.convergence.value),
        "cost": np.array([d.costs.get(pid, zero).cost.value for pid in parties], dtype=float),
        "monthly": np.array([d.costs.get(pid, zero).monthly.value for pid in parties], dtype=float),
    }
