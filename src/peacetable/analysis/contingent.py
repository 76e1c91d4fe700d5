"""Contingent terms: betting on differing beliefs.

A contingent option settles an issue by an uncertain event (the supervised
Crimea referendum: the region joins Russia or stays with Ukraine). Each party
values it by its own beliefs, ``v_p = Σ_e P_p(e) · v_p(e)``. When the
parties' beliefs differ -- each expects the vote to go its way -- the
contingent term can be worth more to *every* party than any fixed settlement
of the issue: the parties "bet on their differences" instead of arguing
about who is right (Lax & Sebenius 1986, ch. 5; Raiffa 1982, ch. 16).

:func:`contingent_terms` reports, for every contingent option, the utility
each party gains from it against each fixed alternative of the same issue,
in the context of a package, and the belief at which each party would switch.

References
----------
.. [1] Lax, D. A. & Sebenius, J. K. (1986). *The Manager as Negotiator*,
   ch. 5 "Creating value: differences in beliefs". Free Press.
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 16.
   Harvard University Press.
.. [3] Bazerman, M. H. & Gillespie, J. J. (1999). Betting on the future: the
   virtues of contingent contracts. *Harvard Business Review* 77(5), 155-160.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.core.compile import beliefs_of
from peacetable.core.serialize import generic_to_dict
from peacetable.model import Estimate, Scenario

_EPS = 1e-12


@dataclass(frozen=True)
class BeliefThreshold:
    """The belief in one outcome at which a party starts preferring the contingent term.

    Attributes
    ----------
    party, outcome:
        Whose belief, about which outcome.
    belief:
        The party's current probability of the outcome.
    threshold:
        The probability at which it is indifferent (``None`` when its
        preference does not depend on this belief).
    direction:
        ``at_least`` (prefers the contingent term when its belief is at least
        the threshold), ``at_most``, ``always`` or ``never``.
    """

    party: str
    outcome: str
    belief: float
    threshold: float | None
    direction: str

    plain_properties = ("prefers_now",)
    to_dict = generic_to_dict

    @property
    def prefers_now(self) -> bool:
        """Whether the party prefers the contingent term at its current belief."""
        if self.direction in ("always", "never"):
            return self.direction == "always"
        assert self.threshold is not None
        if self.direction == "at_least":
            return self.belief >= self.threshold - _EPS
        return self.belief <= self.threshold + _EPS


@dataclass(frozen=True)
class Comparison:
    """A contingent option against one fixed alternative of the same issue.

    Attributes
    ----------
    alternative:
        Option id of the alternative.
    gains:
        Per party, utility of the package with the contingent option minus
        with the alternative (positive: the party gains from the contingent term).
    thresholds:
        Per party and outcome, the belief at which the party would prefer it.
    """

    alternative: str
    gains: dict[str, float]
    thresholds: tuple[BeliefThreshold, ...]

    plain_properties = ("total_gain", "preferred_by", "pareto_improving")
    to_dict = generic_to_dict

    @property
    def total_gain(self) -> float:
        """Sum of the parties' gains (value created, in utility points)."""
        return float(sum(self.gains.values()))

    @property
    def preferred_by(self) -> list[str]:
        """Parties that prefer the contingent term (gain ≥ 0)."""
        return [p for p, g in self.gains.items() if g >= 0.0]

    @property
    def pareto_improving(self) -> bool:
        """Every party at least as well off, one strictly better."""
        g = list(self.gains.values())
        return all(v >= 0.0 for v in g) and any(v > 0.0 for v in g)


@dataclass(frozen=True)
class ContingentTerm:
    """One contingent option valued by each party with its own beliefs.

    Attributes
    ----------
    issue, option, event, outcomes:
        Which option, and the event it depends on.
    package:
        The package in whose context it is compared (the contingent option in place).
    beliefs:
        Per party, the probability of each outcome.
    outcome_utility:
        Per party, its utility of the package if each outcome were certain.
    comparisons:
        Against each other option of the issue.
    """

    issue: str
    option: str
    event: str
    outcomes: tuple[str, ...]
    package: dict[str, str]
    beliefs: dict[str, dict[str, float]]
    outcome_utility: dict[str, dict[str, float]]
    comparisons: tuple[Comparison, ...]

    to_dict = generic_to_dict


@dataclass(frozen=True)
class ContingentResult(Result):
    """Every contingent option of a scenario (exact; nominal estimates)."""

    terms: tuple[ContingentTerm, ...]


def _threshold(
    party: str,
    outcome: str,
    probs: dict[str, float],
    values: dict[str, float],
    weight: float,
    target: float,
) -> BeliefThreshold:
    """Belief in *outcome* (others rescaled in proportion) where ``weight·EV = target``."""
    others = [e for e in probs if e != outcome]
    mass = sum(probs[e] for e in others)
    if mass > _EPS:
        v_rest = sum(probs[e] * values[e] for e in others) / mass
    else:
        v_rest = sum(values[e] for e in others) / len(others)
    slope = weight * (values[outcome] - v_rest)
    start = weight * v_rest
    if abs(slope) <= _EPS:
        return BeliefThreshold(
            party, outcome, probs[outcome], None, "always" if start >= target - _EPS else "never"
        )
    q = (target - start) / slope
    if slope > 0:
        if q <= 0:
            return BeliefThreshold(party, outcome, probs[outcome], None, "always")
        if q > 1:
            return BeliefThreshold(party, outcome, probs[outcome], None, "never")
        return BeliefThreshold(party, outcome, probs[outcome], float(q), "at_least")
    if q >= 1:
        return BeliefThreshold(party, outcome, probs[outcome], None, "always")
    if q < 0:
        return BeliefThreshold(party, outcome, probs[outcome], None, "never")
    return BeliefThreshold(party, outcome, probs[outcome], float(q), "at_most")


def contingent_terms(
    scenario: Scenario | PreparedScenario, package: Mapping[str, str] | str | None = None
) -> ContingentResult:
    """Value each contingent option creates against the fixed alternatives of its issue.

    Parameters
    ----------
    scenario:
        The scenario.
    package:
        The package (or proposal id) in whose context options are compared.
        Default: for each contingent option, the first proposal that contains
        it, else the status quo package with it.

    Returns
    -------
    ContingentResult

    Raises
    ------
    InputError
        Unknown proposal id.
    ScenarioError
        Unknown issue or option in the package.

    Notes
    -----
    The gain of party ``p`` is ``u_p(x with contingent) - u_p(x with alternative)``
    (interaction terms included). Its contingent utility is linear in its
    beliefs, so the threshold on outcome ``e`` -- with the other outcomes
    keeping their relative odds -- is ``q* = (u_alt - c - w·v̄) / (w·(v_e - v̄))``
    with ``w`` the party's normalised issue weight, ``c`` the rest of its
    utility and ``v̄`` its mean value of the other outcomes.
    ``O(options × parties × outcomes)`` package evaluations.

    References
    ----------
    Lax & Sebenius (1986), ch. 5.

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = load_scenario("tests/model/mini.yaml")
    >>> c = contingent_terms(s).terms[0].comparisons[0]
    >>> c.alternative, {p: round(g, 3) for p, g in c.gains.items()}
    ('no', {'A': -0.1, 'B': 0.35})
    """
    compiled = prepare(scenario)
    scenario = compiled.scenario
    if isinstance(package, str):
        compiled.resolve(package)  # an unknown proposal is an InputError with a did-you-mean
        package = scenario.proposal(package).package
    terms = []
    for issue in scenario.issues:
        for option in issue.options:
            c = option.contingent
            if c is None:
                continue
            if package is not None:
                base = scenario.complete_package(package)
            else:
                base = next(
                    (
                        scenario.complete_package(p.package)
                        for p in scenario.proposals
                        if p.package.get(issue.id) == option.id
                    ),
                    scenario.status_quo_package(),
                )
            base = {**base, issue.id: option.id}
            x = compiled.encode(base)
            u_cont = compiled.utilities(x)[0]
            outcomes = tuple(c.outcomes)
            beliefs: dict[str, dict[str, float]] = {}
            values: dict[str, dict[str, float]] = {}
            weights: dict[str, float] = {}
            for pid in compiled.party_ids:
                prefs = scenario.preferences[pid]
                beliefs[pid] = beliefs_of(prefs, c.event, outcomes)
                given = prefs.values.get(issue.id, {}).get(option.id)
                values[pid] = {
                    e: (0.0 if given is None or isinstance(given, Estimate) else given[e].value)
                    for e in outcomes
                }
                weights[pid] = prefs.normalised_weights().get(issue.id, 0.0)
            rest = {
                pid: float(u_cont[p])
                - weights[pid] * sum(beliefs[pid][e] * values[pid][e] for e in outcomes)
                for p, pid in enumerate(compiled.party_ids)
            }
            outcome_utility = {
                pid: {e: rest[pid] + weights[pid] * values[pid][e] for e in outcomes}
                for pid in compiled.party_ids
            }
            comparisons = []
            for alt in issue.options:
                if alt.id == option.id:
                    continue
                u_alt = compiled.utilities(compiled.encode({**base, issue.id: alt.id}))[0]
                diff = compiled.margin_of(u_cont, u_alt)
                gains = {pid: float(diff[p]) for p, pid in enumerate(compiled.party_ids)}
                thresholds = tuple(
                    _threshold(
                        pid, e, beliefs[pid], values[pid], weights[pid], float(u_alt[p]) - rest[pid]
                    )
                    for p, pid in enumerate(compiled.party_ids)
                    for e in outcomes
                )
                comparisons.append(Comparison(alt.id, gains, thresholds))
            terms.append(
                ContingentTerm(
                    issue=issue.id,
                    option=option.id,
                    event=c.event,
                    outcomes=outcomes,
                    package=compiled.package_dict(x),
                    beliefs=beliefs,
                    outcome_utility=outcome_utility,
                    comparisons=tuple(comparisons),
                )
            )
    return ContingentResult(
        terms=tuple(terms),
        provenance=Provenance(
            "expected utility under each party's own beliefs (Lax & Sebenius 1986)"
        ),
    )
