"""Utility of packages for parties, vectorised over many packages at once.

A *package* assigns one option to every issue; here it is an integer vector of
option indices (issue order of the scenario). The utility of a package ``x``
for party ``p`` is the additive multi-attribute value (Keeney & Raiffa 1976,
*Decisions with Multiple Objectives*, ch. 3; Raiffa 1982, *The Art and
Science of Negotiation*, ch. 10)::

    u_p(x) = sum_i w_pi * v_pi(x_i) + sum_k bonus_pk * [all of interaction k holds in x]

with weights ``w_p`` normalised to sum 1 and values ``v`` in 0..1. A contingent
option (its content depends on an uncertain event) is valued by the party's
own beliefs: ``v_pi(o) = sum_e P_p(e) * v_pi(o | e)`` (expected utility;
Lax & Sebenius 1986, *The Manager as Negotiator*, ch. 5, "betting on
differences in beliefs"). A party accepts a package when
``u_p(x) >= no_deal_p``.

:func:`compile_scenario` turns a scenario into plain arrays
(:class:`CompiledScenario`) that every engine reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from math import prod

import numpy as np
import numpy.typing as npt

from peacetable.errors import Location, ScenarioError
from peacetable.model.scenario import Estimate, Preferences, Scenario
from peacetable.model.validate import suggest

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Interaction:
    """A compiled interaction term: ``bonus`` (per party) when all ``conditions`` hold.

    ``conditions`` are ``(issue index, option index)`` pairs.
    """

    conditions: tuple[tuple[int, int], ...]
    bonus: FloatArray


@dataclass(frozen=True)
class ForbiddenPattern:
    """An infeasible region: a package is infeasible when, for every clause
    ``(issue index, mask over its options)``, its option lies in the mask."""

    clauses: tuple[tuple[int, BoolArray], ...]
    source: str


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as arrays: what the engines compute with.

    Attributes
    ----------
    party_ids:
        The negotiating parties (those with preferences), in file order.
    issue_ids, option_ids:
        Issues and, per issue, its option ids, in file order.
    tables:
        Per issue, a ``(n_options, n_parties)`` array of weighted values
        ``w_pi * v_pi(option)`` (contingent options valued by beliefs).
    interactions:
        Non-additive terms.
    forbidden:
        Infeasible combinations (from the scenario's constraints).
    no_deal:
        ``(n_parties,)`` no-deal utilities.
    status_quo:
        ``(n_issues,)`` option index of each issue's status quo.
    """

    party_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    tables: tuple[FloatArray, ...]
    interactions: tuple[Interaction, ...]
    forbidden: tuple[ForbiddenPattern, ...]
    no_deal: FloatArray
    status_quo: IntArray
    _index: dict[str, dict[str, int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_parties(self) -> int:
        """Number of negotiating parties."""
        return len(self.party_ids)

    @property
    def n_options(self) -> tuple[int, ...]:
        """Number of options per issue."""
        return tuple(len(o) for o in self.option_ids)

    @property
    def n_packages(self) -> int:
        """Size of the package space (Python int: may exceed 2**63)."""
        return prod(self.n_options)

    def utilities(self, packages: npt.ArrayLike) -> FloatArray:
        """Utilities ``(n, n_parties)`` of packages given as option indices ``(n, n_issues)``."""
        x = _as_packages(packages, len(self.issue_ids))
        total = np.zeros((x.shape[0], self.n_parties))
        for i, table in enumerate(self.tables):
            total += table[x[:, i]]
        for inter in self.interactions:
            hit = np.ones(x.shape[0], dtype=bool)
            for issue, option in inter.conditions:
                hit &= x[:, issue] == option
            total += hit[:, None] * inter.bonus[None, :]
        return total

    def feasible(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages ``(n, n_issues)`` satisfy every constraint."""
        x = _as_packages(packages, len(self.issue_ids))
        ok = np.ones(x.shape[0], dtype=bool)
        for pattern in self.forbidden:
            inside = np.ones(x.shape[0], dtype=bool)
            for issue, mask in pattern.clauses:
                inside &= mask[x[:, issue]]
            ok &= ~inside
        return ok

    def accepts(self, packages: npt.ArrayLike) -> BoolArray:
        """``(n, n_parties)``: does each party prefer each package to no deal (u >= no-deal)?"""
        return self.utilities(packages) >= self.no_deal[None, :]

    def encode(self, package: Mapping[str, str]) -> IntArray:
        """Option indices of a (possibly partial) package; missing issues at status quo."""
        if not self._index:
            for iid, opts in zip(self.issue_ids, self.option_ids, strict=True):
                self._index[iid] = {o: k for k, o in enumerate(opts)}
        out = self.status_quo.copy()
        for iid, oid in package.items():
            if iid not in self._index:
                raise ScenarioError(
                    f"unknown issue {iid!r}{suggest(iid, self.issue_ids)}",
                    Location(field="package"),
                )
            options = self._index[iid]
            if oid not in options:
                raise ScenarioError(
                    f"unknown option {oid!r} of issue {iid!r}{suggest(oid, options)}",
                    Location(field=f"package.{iid}"),
                )
            out[self.issue_ids.index(iid)] = options[oid]
        return out

    def decode(self, package: npt.ArrayLike) -> dict[str, str]:
        """``{issue id: option id}`` of one package given as option indices."""
        idx = np.asarray(package, dtype=np.int64).reshape(-1)
        return {
            iid: opts[int(k)]
            for iid, opts, k in zip(self.issue_ids, self.option_ids, idx, strict=True)
        }

    def all_packages(self, limit: int = 5_000_000) -> IntArray:
        """Every package as ``(n_packages, n_issues)``; refuses spaces larger than *limit*."""
        if self.n_packages > limit:
            raise ScenarioError(
                f"the package space has {self.n_packages:,} packages, more than the "
                f"{limit:,} that may be enumerated; use the agreement-space engine"
            )
        grids = np.meshgrid(*(np.arange(n) for n in self.n_options), indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)


def _as_packages(packages: npt.ArrayLike, n_issues: int) -> IntArray:
    x = np.asarray(packages, dtype=np.int64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != n_issues:
        raise ValueError(f"packages must have shape (n, {n_issues}), got {x.shape}")
    return x


def beliefs_of(prefs: Preferences, event: str, outcomes: tuple[str, ...]) -> dict[str, float]:
    """A party's probability of each outcome; outcomes it leaves out share the remainder."""
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


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Turn a validated scenario into the arrays of :class:`CompiledScenario`."""
    parties = scenario.negotiating_party_ids
    issue_ids = scenario.issue_ids
    issue_pos = {iid: k for k, iid in enumerate(issue_ids)}
    option_pos = [{o.id: k for k, o in enumerate(issue.options)} for issue in scenario.issues]
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
    interactions = []
    for p, pid in enumerate(parties):
        for inter in scenario.preferences[pid].interactions:
            bonus = np.zeros(len(parties))
            bonus[p] = inter.bonus.value
            conditions = tuple(
                (issue_pos[iid], option_pos[issue_pos[iid]][oid]) for iid, oid in inter.when.items()
            )
            interactions.append(Interaction(conditions=conditions, bonus=bonus))
    forbidden = []
    for k, constraint in enumerate(scenario.constraints):
        label = f"constraints[{k}]" + (f": {constraint.reason}" if constraint.reason else "")

        def mask(
            iid: str, choice: tuple[str, ...] | str, invert: bool = False
        ) -> tuple[int, BoolArray]:
            i = issue_pos[iid]
            m = np.zeros(len(option_pos[i]), dtype=bool)
            for oid in (choice,) if isinstance(choice, str) else choice:
                m[option_pos[i][oid]] = True
            return i, ~m if invert else m

        if constraint.excludes is not None:
            clauses = tuple(mask(iid, oid) for iid, oid in constraint.excludes.items())
            forbidden.append(ForbiddenPattern(clauses=clauses, source=label))
        else:
            assert constraint.if_ is not None and constraint.then is not None
            premise = tuple(mask(iid, choice) for iid, choice in constraint.if_.items())
            for iid, choice in constraint.then.items():
                forbidden.append(
                    ForbiddenPattern(
                        clauses=(*premise, mask(iid, choice, invert=True)), source=label
                    )
                )
    no_deal = np.array([scenario.party(pid).no_deal.utility for pid in parties], dtype=float)
    status_quo = np.array(
        [option_pos[k][issue.status_quo_option] for k, issue in enumerate(scenario.issues)],
        dtype=np.int64,
    )
    return CompiledScenario(
        party_ids=parties,
        issue_ids=issue_ids,
        option_ids=tuple(issue.option_ids for issue in scenario.issues),
        tables=tuple(tables),
        interactions=tuple(interactions),
        forbidden=tuple(forbidden),
        no_deal=no_deal,
        status_quo=status_quo,
    )


def encode_package(scenario: Scenario, package: Mapping[str, str]) -> IntArray:
    """Option indices ``(n_issues,)`` of a (possibly partial) package."""
    return compile_scenario(scenario).encode(package)


def utilities(scenario: Scenario, packages: npt.ArrayLike) -> FloatArray:
    """Utilities ``(n, n_parties)`` of packages ``(n, n_issues)`` for the negotiating parties.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin("ukraine-2022")
    >>> u = utilities(s, [encode_package(s, s.proposals[0].package)])
    >>> u.shape == (1, len(s.negotiating_party_ids))
    True
    """
    return compile_scenario(scenario).utilities(packages)


def no_deal_utilities(scenario: Scenario) -> FloatArray:
    """No-deal utilities ``(n_parties,)`` of the negotiating parties."""
    return compile_scenario(scenario).no_deal


def feasible(scenario: Scenario, packages: npt.ArrayLike) -> BoolArray:
    """Which packages ``(n, n_issues)`` satisfy every constraint of *scenario*."""
    return compile_scenario(scenario).feasible(packages)


def violated_constraints(scenario: Scenario, package: Mapping[str, str]) -> list[int]:
    """Indices of the constraints a complete package breaks (plain reference check)."""
    broken = []
    for k, c in enumerate(scenario.constraints):
        if c.excludes is not None:
            if all(package.get(i) == o for i, o in c.excludes.items()):
                broken.append(k)
        elif c.if_ is not None and c.then is not None:
            premise = all(package.get(i) in choice for i, choice in c.if_.items())
            if premise and not all(package.get(i) in choice for i, choice in c.then.items()):
                broken.append(k)
    return broken
