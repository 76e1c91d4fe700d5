"""From a negotiation scenario to a graph-model conflict, and whether a deal would hold.

Encoding (:func:`from_scenario`):

* **Decision makers** are the negotiating parties (those with preferences) that
  alone control at least one issue (``controlled_by: [party]``).
* **Options.** An issue controlled by exactly one such party becomes that DM's
  options: one binary option per issue option (named ``issue=option``), with
  an *exactly one* rule, so a feasible state always picks one option per issue;
  the DM switching the issue from one option to another is a single unilateral
  move. Binary issues get two options as well, which keeps one encoding for all.
* **Fixed issues.** Issues controlled by several parties (they need a joint
  decision), by none, or by a party without preferences cannot be changed by a
  unilateral move. They are held at the value of the package under analysis
  (the proposal, or the status quo for missing issues). Scenario constraints are
  evaluated with those values fixed; those that concern controlled issues become
  infeasible states.
* **States** are therefore the packages that agree with the analysed package
  on the fixed issues, and **preferences** are each DM's utility
  (the prepared scenario's utilities) of those packages, as an ordinal ranking
  (ties by the core's tie rule, :meth:`peacetable.core.PackageEvaluator.margin_of`).

:func:`deal_stability` then tells whether a proposal is *self-enforcing* — an
equilibrium under each stability concept — and, for every party that gains by
defecting alone, the package it would move to, its utility gain, and whether
and how the others could sanction the defection.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.conflict.explain import Defection, explain
from peacetable.conflict.model import Condition, ConflictModel, build_model, enumerate_states
from peacetable.conflict.stability import CONCEPTS, StabilityResult, analyze
from peacetable.conflict.status_quo import StatusQuoResult, Step, status_quo_analysis
from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.model import Scenario

#: Refuse conflicts with more feasible states than this (the engine handles far
#: more, but a scenario that big is usually an encoding mistake).
MAX_SCENARIO_STATES = 2_000_000


def from_scenario(
    scenario: Scenario | PreparedScenario,
    package: Mapping[str, str] | str | None = None,
    *,
    name: str | None = None,
) -> ConflictModel:
    """The graph-model conflict of *scenario* around *package* (see the module docstring).

    Parameters
    ----------
    scenario:
        A validated scenario.
    package:
        The package under analysis (issue -> option), a proposal id, or
        ``None`` for the status quo. Missing issues take their status quo.

    Returns
    -------
    ConflictModel
        With ``meta["scenario"]`` describing the encoding (issue per option,
        fixed issues, utilities per state).

    Raises
    ------
    InputError
        Unknown proposal, issue or option.
    AnalysisError
        If no party alone controls an issue, or the fixed issues leave no
        feasible package.
    """
    compiled = prepare(scenario)
    scenario = compiled.scenario
    base, _ = compiled.resolve(package)
    parties = compiled.party_ids
    owners: dict[int, str] = {}
    for k, issue in enumerate(scenario.issues):
        if len(issue.controlled_by) == 1 and issue.controlled_by[0] in parties:
            owners[k] = issue.controlled_by[0]
    if not owners:
        raise AnalysisError(
            "no issue is controlled by a single negotiating party (set issues[].controlled_by); "
            "conflict analysis needs unilateral moves"
        )
    dm_names = [p for p in parties if p in owners.values()]
    options: list[tuple[str, str]] = []
    bit_of: dict[tuple[int, int], int] = {}
    issue_bits: dict[int, list[int]] = {}
    for k in sorted(owners):
        for o, oid in enumerate(compiled.option_ids[k]):
            bit_of[(k, o)] = len(options)
            issue_bits.setdefault(k, []).append(len(options))
            options.append((f"{compiled.issue_ids[k]}={oid}", owners[k]))
    infeasible = _infeasible_conditions(compiled.forbidden, owners, base, bit_of)
    codes = enumerate_states(len(options), infeasible, exactly_one=list(issue_bits.values()))
    if len(codes) == 0:
        raise AnalysisError("the analysed package's fixed issues leave no feasible package")
    if len(codes) > MAX_SCENARIO_STATES:
        raise AnalysisError(f"{len(codes):,} states; fix more issues or add constraints")
    packages = np.repeat(base[None, :], len(codes), axis=0)
    for k, bits in issue_bits.items():
        taken = (codes[:, None] >> np.array(bits, dtype=np.int64)[None, :]) & 1
        packages[:, k] = np.argmax(taken, axis=1)
    util = compiled.utilities(packages)
    payoffs = {p: _ordinal(util[:, parties.index(p)], compiled.tie) for p in dm_names}
    meta = {
        "scenario": {
            "id": scenario.id,
            "issues": list(compiled.issue_ids),
            "option_ids": [list(o) for o in compiled.option_ids],
            "controlled": {compiled.issue_ids[k]: owners[k] for k in sorted(owners)},
            "fixed": {
                compiled.issue_ids[k]: compiled.option_ids[k][int(base[k])]
                for k in range(len(compiled.issue_ids))
                if k not in owners
            },
            "packages": packages,
            "utilities": util[:, [parties.index(p) for p in dm_names]],
            "base": base,
        }
    }
    return build_model(
        name or f"{scenario.id} (conflict)",
        options,
        payoffs,
        decision_makers=dm_names,
        states=codes,
        meta=meta,
    )


def _infeasible_conditions(
    forbidden: Sequence[Any],
    owners: Mapping[int, str],
    base: np.ndarray,
    bit_of: Mapping[tuple[int, int], int],
) -> list[Condition]:
    out = []
    for pattern in forbidden:
        not_taken: set[int] = set()
        possible = True
        for issue, mask in pattern.clauses:
            if issue not in owners:
                possible &= bool(mask[int(base[issue])])
            else:  # "issue's option in mask" == "no option outside the mask is taken"
                not_taken |= {bit_of[(issue, o)] for o in range(len(mask)) if not mask[o]}
        if possible:
            out.append(Condition(frozenset(), frozenset(not_taken)))
    return out


def _ordinal(values: np.ndarray, tie: float) -> np.ndarray:
    """Ranks 1, 2, … of *values*, equal within *tie* (sorted gaps of at most *tie* chain)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.concatenate([[0], np.cumsum(np.diff(values[order]) > tie)]).astype(np.int64)
    return ranks + 1


def package_of(model: ConflictModel, state: int) -> dict[str, str]:
    """The full scenario package of a state of a model built by :func:`from_scenario`."""
    info = _info(model)
    row = info["packages"][state]
    return {iid: info["option_ids"][k][int(row[k])] for k, iid in enumerate(info["issues"])}


def state_of(model: ConflictModel, package: Mapping[str, str]) -> int:
    """The state index of a package (issues not given keep the analysed package's values)."""
    info = _info(model)
    row = np.array(info["base"], copy=True)
    for iid, oid in package.items():
        k = info["issues"].index(iid)
        row[k] = info["option_ids"][k].index(oid)
    hit = np.flatnonzero(np.all(info["packages"] == row[None, :], axis=1))
    if len(hit) == 0:
        raise InputError("that package is not a feasible state of this conflict")
    return int(hit[0])


def _info(model: ConflictModel) -> dict[str, Any]:
    try:
        return model.meta["scenario"]  # type: ignore[no-any-return]
    except KeyError:
        raise InputError("this conflict was not built from a scenario") from None


@dataclass(frozen=True, eq=False)
class DealStability(Result):
    """Would a proposal hold? Its stability per concept and the defections from it.

    Attributes
    ----------
    proposal:
        Proposal id (``None``: the status quo).
    state:
        The proposal's state index in :attr:`result`'s model.
    result:
        Stability of every state of the derived conflict.
    defections:
        Every party's unilateral improvements from the proposal, with sanctions.
    paths:
        Which states and equilibria unilateral improvements can reach from the
        proposal, and how (Li, Hipel, Kilgour & Fang 2004).
    """

    proposal: str | None
    state: int
    result: StabilityResult
    defections: tuple[Defection, ...]
    paths: StatusQuoResult

    @property
    def model(self) -> ConflictModel:
        return self.result.model

    def equilibrium(self, concept: str) -> bool:
        """Is the proposal stable for every party under *concept* (self-enforcing)?"""
        return bool(self.result.equilibria_mask(concept)[self.state])

    def _changes(self, source: int, target: int) -> dict[str, dict[str, str]]:
        a, b = package_of(self.model, source), package_of(self.model, target)
        return {k: {"from": a[k], "to": b[k]} for k in a if a[k] != b[k]}

    def _steps(self, path: list[Step] | None) -> list[dict[str, Any]] | None:
        if path is None:
            return None
        names = self.model.dm_names
        return [{"party": names[s.dm], "changes": self._changes(s.source, s.target)} for s in path]

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        util = _info(m)["utilities"]
        names = m.dm_names
        return {
            "proposal": self.proposal,
            "package": package_of(m, self.state),
            "parties": names,
            "fixed_issues": _info(m)["fixed"],
            "n_states": m.n_states,
            "equilibrium": {c: self.equilibrium(c) for c in self.result.equilibrium_concepts()},
            "stable_for": {
                c: {d: self.result.is_stable(c, i, self.state) for i, d in enumerate(names)}
                for c in self.result.stable
            },
            "defections": [
                {
                    "party": names[d.dm],
                    "changes": self._changes(d.source, d.target),
                    "package": package_of(m, d.target),
                    "utility_gain": float(util[d.target, d.dm] - util[d.source, d.dm]),
                    "sanctions": {c: self._steps(p) for c, p in d.sanctions.items()},
                }
                for d in self.defections
            ],
            "provenance": self.provenance.to_dict(),
        }


def deal_stability(
    scenario: Scenario | PreparedScenario,
    proposal_id: str | None = None,
    concepts: Sequence[str] = CONCEPTS,
) -> DealStability:
    """Is a proposal an equilibrium, and who gains by defecting alone?

    Parameters
    ----------
    scenario:
        A validated scenario with ``controlled_by`` on the issues parties implement alone.
    proposal_id:
        A proposal's id, or ``None`` for the status quo.
    concepts:
        Stability concepts to evaluate.

    Returns
    -------
    DealStability
        ``equilibrium(concept)`` says whether the package is self-enforcing;
        ``defections`` lists each party's profitable unilateral deviations (the
        utility gain is in the party's own utility units) and, per concept, the
        other parties' moves that would punish them (``None``: unsanctioned).
    """
    model = from_scenario(scenario, proposal_id)
    try:
        state = state_of(model, {})
    except InputError:
        what = f"proposal {proposal_id!r}" if proposal_id else "the status quo"
        raise AnalysisError(f"{what} breaks a constraint") from None
    result = analyze(model, concepts)
    defections = tuple(d for i in range(model.n_dms) for d in explain(result, state, i))
    return DealStability(
        proposal_id,
        state,
        result,
        defections,
        status_quo_analysis(model, state, stability=result),
        provenance=Provenance(
            "graph model for conflict resolution (Fang, Hipel & Kilgour 1993): "
            + ", ".join(concepts)
        ),
    )
