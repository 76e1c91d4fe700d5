"""Scenario adapter: forecast where bargaining on a peacetable scenario probably ends.

Mapping (documented choice):

* **issues** — only *ordered* issues (their options form a scale); option *k*
  of *n* sits at ``100 k / (n - 1)`` on a 0..100 scale.  Unordered issues have
  no scale and are skipped (listed in ``skipped_issues`` with the reason);
* **control** — an issue one party controls alone (``controlled_by: [X]``) is
  not bargained over by votes: it is *decided by* X, reported in ``decided``
  with X's most valued option, and left out of the models;
* **actors** — by default the parties with role ``principal`` or
  ``guarantor`` that state preferences: they must accept and carry out the
  outcome.  Mediators, hosts and observers shape the talks but do not hold a
  stake in the outcome, so they are left out unless ``include="all"``
  (every party with preferences).  Parties with the same ``bloc`` act as one
  actor (allies are not counted as separate voters).  With fewer than two
  actors the forecast is not meaningful and
  :class:`~peacetable.errors.AnalysisError` is raised;
* **position** — the actor's most valued option on the issue (the first one on
  ties); a contingent option is valued by the party's own beliefs; a bloc's
  value of an option is the sum of its members' weighted values;
* **salience** — the party's normalised weight of the issue (0..1), a bloc's
  the mean over its members; a party with weight 0 or without values on the
  issue takes no part in it;
* **capability** — the party's ``power`` (central estimate), a bloc's the
  largest of its members' (allies' clout is not added twice).

The per-issue forecast of each model is mapped back to the nearest option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from peacetable.core import PreparedScenario, Provenance, Result
from peacetable.core.compile import option_value
from peacetable.core.serialize import to_plain
from peacetable.errors import AnalysisError, Location
from peacetable.forecast.data import ForecastProblem, IssueScale
from peacetable.forecast.engine import DEFAULT_MODELS, ForecastResult, forecast
from peacetable.model import Scenario

STAKEHOLDER_ROLES: tuple[str, ...] = ("principal", "guarantor")


def from_scenario(
    scenario: Scenario | PreparedScenario, include: Literal["stakeholders", "all"] = "stakeholders"
) -> ForecastProblem:
    """Build the forecasting data of a scenario (see the module docstring for the mapping).

    Parameters
    ----------
    scenario:
        A validated scenario.
    include:
        ``"stakeholders"`` (parties with role principal or guarantor) or
        ``"all"`` (every party with preferences).

    Returns
    -------
    ForecastProblem
        One issue per ordered scenario issue, scale 0..100 with the option
        labels as named points and the status quo as reference point.

    Raises
    ------
    AnalysisError
        No ordered issue, or fewer than two parties take part.
    """
    if isinstance(scenario, PreparedScenario):
        scenario = scenario.scenario
    actors = _actors(scenario, include)
    if len(actors) < 2:
        raise AnalysisError(
            f"scenario {scenario.id!r}: {len(actors)} actor with preferences and role "
            f"{'/'.join(STAKEHOLDER_ROLES)}; a forecast needs at least two "
            "(use include='all' to count every party with preferences)",
            Location(field="parties"),
        )
    issues = [
        i
        for i in scenario.issues
        if i.ordered and len(i.options) >= 2 and decided_by(scenario, i.id) is None
    ]
    if not issues:
        raise AnalysisError(
            f"scenario {scenario.id!r} has no ordered issue that the parties bargain over; "
            "forecasting needs issues whose options form a scale (set 'ordered: true') and "
            "that no single party controls alone",
            Location(field="issues"),
        )
    n, m = len(actors), len(issues)
    pos = np.full((n, m), np.nan)
    sal = np.full((n, m), np.nan)
    cap = np.full((n, m), np.nan)
    scales: list[IssueScale] = []
    for k, issue in enumerate(issues):
        points = [100.0 * j / (len(issue.options) - 1) for j in range(len(issue.options))]
        sq = None
        if issue.status_quo is not None:
            sq = points[[o.id for o in issue.options].index(issue.status_quo)]
        scales.append(
            IssueScale(
                id=issue.id,
                name=issue.name,
                lower=0.0,
                upper=100.0,
                labels=tuple(zip(points, (o.label for o in issue.options), strict=True)),
                reference_point=sq,
            )
        )
        for a, (_, members) in enumerate(actors):
            found = _actor_on_issue(scenario, members, issue.id)
            if found is None:
                continue
            best, salience = found
            pos[a, k] = points[best]
            sal[a, k] = salience
            cap[a, k] = max(max(0.0, float(scenario.party(q).power.value)) for q in members)
    return ForecastProblem(
        actors=tuple(actor for actor, _ in actors),
        issues=tuple(scales),
        position=pos,
        salience=sal,
        capability=cap,
        name=scenario.id,
        source=f"scenario {scenario.id}",
        actor_names=tuple(
            " + ".join(scenario.party(q).name for q in members) for _, members in actors
        ),
    )


def _actors(scenario: Scenario, include: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(actor id, member party ids)`` in file order; a bloc is one actor named by its id."""
    prefs = scenario.preferences
    groups: dict[str, list[str]] = {}
    for p in scenario.parties:
        if p.id in prefs and (include == "all" or p.role in STAKEHOLDER_ROLES):
            groups.setdefault(p.bloc or p.id, []).append(p.id)
    return [
        (key if len(members) > 1 else members[0], tuple(members)) for key, members in groups.items()
    ]


def _actor_on_issue(
    scenario: Scenario, members: Sequence[str], issue_id: str
) -> tuple[int, float] | None:
    """The actor's most valued option index on an issue and its salience, or None when no
    member cares about the issue."""
    issue = scenario.issue(issue_id)
    total = np.zeros(len(issue.options))
    saliences = []
    for q in members:
        pr = scenario.preferences[q]
        weight = pr.normalised_weights().get(issue_id, 0.0)
        values = pr.values.get(issue_id)
        if weight <= 0 or not values:
            continue
        vals = [
            option_value(scenario, q, issue_id, o.id) if o.id in values else -np.inf
            for o in issue.options
        ]
        total += weight * np.asarray(vals, dtype=float)
        saliences.append(min(1.0, weight))
    if not saliences:
        return None
    return int(np.argmax(total)), float(np.mean(saliences))


def decided_by(scenario: Scenario, issue_id: str) -> str | None:
    """The party that controls an issue alone and has preferences, or None.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> [i.id for i in s.issues if decided_by(s, i.id)] != []
    True
    """
    control = scenario.issue(issue_id).controlled_by
    if len(control) == 1 and control[0] in scenario.preferences:
        return control[0]
    return None


@dataclass(frozen=True)
class ScenarioForecast(Result):
    """Per-issue forecasts of a scenario, mapped back to its options.

    Attributes
    ----------
    scenario_id:
        The scenario.
    result:
        The underlying :class:`ForecastResult` (0..100 scale per issue).
    option_ids:
        ``{issue_id: (option ids in scale order)}``.
    proposals:
        ``{proposal_id: {issue_id: option_id}}`` (missing issues take the
        status quo), for display next to the forecasts.
    skipped_issues:
        ``{issue_id: reason}`` for issues not forecast (unordered, or decided
        by one party).
    include:
        Which parties were counted.
    decided:
        ``{issue_id: {"by", "option", "label"}}``: issues one party controls
        alone, with that party's most valued option.
    blocs:
        ``{actor id: member party ids}`` of the actors that are blocs.
    """

    scenario_id: str
    result: ForecastResult
    option_ids: dict[str, tuple[str, ...]]
    proposals: dict[str, dict[str, str | None]]
    skipped_issues: dict[str, str]
    include: str
    decided: dict[str, dict[str, str]] = field(default_factory=dict)
    blocs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def issue_rows(self) -> list[dict[str, Any]]:
        """One row per forecast issue: per model the value, nearest option id and label."""
        rows: list[dict[str, Any]] = []
        problem = self.result.problem
        for k, issue in enumerate(problem.issues):
            ids = self.option_ids[issue.id]
            per_model: dict[str, Any] = {}
            for m in self.result.models:
                v = float(m.forecast[k])
                if not np.isfinite(v):
                    per_model[m.model] = {"value": None, "option": None, "label": None}
                    continue
                j = int(np.clip(np.rint(v / 100.0 * (len(ids) - 1)), 0, len(ids) - 1))
                per_model[m.model] = {"value": v, "option": ids[j], "label": issue.labels[j][1]}
            rows.append(
                {
                    "issue": issue.id,
                    "name": issue.name,
                    "options": list(ids),
                    "parties": [problem.actors[a] for a in np.flatnonzero(problem.present[:, k])],
                    "forecast": per_model,
                    "proposals": {pid: pkg.get(issue.id) for pid, pkg in self.proposals.items()},
                }
            )
        return to_plain(rows)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (without trajectories; see ``result.to_dict()``)."""
        return {
            "scenario": self.scenario_id,
            "include": self.include,
            "parties": list(self.result.problem.actors),
            "rounds": self.result.rounds,
            "models": [
                {"model": m.model, "method": m.method, "exact": m.exact, "rounds": m.rounds}
                for m in self.result.models
            ],
            "issues": self.issue_rows(),
            "decided": {k: dict(v) for k, v in self.decided.items()},
            "blocs": {k: list(v) for k, v in self.blocs.items()},
            "skipped_issues": dict(self.skipped_issues),
            "provenance": self.provenance.to_dict(),
        }


def forecast_scenario(
    scenario: Scenario | PreparedScenario,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    rounds: int = 10,
    seed: int = 0,
    include: Literal["stakeholders", "all"] = "stakeholders",
    time_limit: float | None = None,
) -> ScenarioForecast:
    """Forecast every ordered issue of *scenario* with several models.

    Parameters
    ----------
    scenario:
        A validated scenario.
    models:
        Model names (default: compromise, median, nash, bdm, exchange).
    rounds:
        Rounds of the dynamic models.
    seed:
        Tie-breaking seed of the exchange model.
    include:
        Which parties count (see :func:`from_scenario`).
    time_limit:
        Seconds the models may take (``None``: no limit); a model cut short
        (the exchange model's rounds) makes the answer approximate, with how
        many rounds it ran in ``provenance.bound``.

    Returns
    -------
    ScenarioForecast
        ``issue_rows()``: per issue, per model the forecast on 0..100, the
        nearest option id and label, and each proposal's option.

    Raises
    ------
    AnalysisError
        See :func:`from_scenario`.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> fc = forecast_scenario(load_builtin("ukraine-2022"), ["compromise"])
    >>> fc.issue_rows()[0]["forecast"]["compromise"]["option"] is not None
    True
    """
    if isinstance(scenario, PreparedScenario):
        scenario = scenario.scenario
    problem = from_scenario(scenario, include)
    result = forecast(problem, models, rounds=rounds, seed=seed, time_limit=time_limit)
    option_ids = {
        i.id: tuple(o.id for o in i.options) for i in scenario.issues if i.id in
        {s.id for s in problem.issues}
    }  # fmt: skip
    proposals: dict[str, dict[str, str | None]] = {}
    for prop in scenario.tabled_proposals:
        proposals[prop.id] = {i.id: prop.package.get(i.id, i.status_quo) for i in scenario.issues}
    decided: dict[str, dict[str, str]] = {}
    for issue in scenario.issues:
        party = decided_by(scenario, issue.id)
        if party is None:
            continue
        found = _actor_on_issue(scenario, (party,), issue.id)
        if found is not None:
            option = issue.options[found[0]]
            decided[issue.id] = {"by": party, "option": option.id, "label": option.label}
    skipped = {
        i.id: f"decided by {decided_by(scenario, i.id)}, which controls it alone"
        if decided_by(scenario, i.id) is not None
        else "options are not ordered (no scale)"
        if not i.ordered
        else "fewer than two options"
        for i in scenario.issues
        if i.id not in option_ids
    }
    blocs = {a: members for a, members in _actors(scenario, include) if len(members) > 1}
    return ScenarioForecast(
        scenario_id=scenario.id,
        result=result,
        option_ids=option_ids,
        proposals=proposals,
        skipped_issues=skipped,
        include=include,
        decided=decided,
        blocs=blocs,
        provenance=Provenance(
            "forecast models: " + ", ".join(m.model for m in result.models),
            exact=not result.cut_short,
            bound="; ".join(f"{m.model}: {m.provenance.bound}" for m in result.cut_short) or None,
            seed=seed,
        ),
    )
