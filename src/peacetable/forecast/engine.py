"""Run several forecasting models on one problem and tabulate them per issue."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.core.results import Provenance, Result
from peacetable.core.serialize import to_plain
from peacetable.errors import AnalysisError
from peacetable.forecast.baselines import compromise, nash_bargaining, weighted_median
from peacetable.forecast.data import ForecastProblem
from peacetable.forecast.exchange import exchange_model
from peacetable.forecast.expected_utility import expected_utility_model
from peacetable.forecast.results import ModelForecast

MODELS: tuple[str, ...] = (
    "compromise",
    "compromise_salience",
    "median",
    "nash",
    "bdm",
    "exchange",
)
DEFAULT_MODELS: tuple[str, ...] = ("compromise", "median", "nash", "bdm", "exchange")


def run_model(
    problem: ForecastProblem,
    model: str,
    *,
    rounds: int = 10,
    seed: int = 0,
    time_limit: float | None = None,
) -> ModelForecast:
    """Run one model by name.

    Parameters
    ----------
    problem:
        The data.
    model:
        One of :data:`MODELS`, or ``"bdm_jmckib"`` / ``"bdm_dmasad"`` (the
        readings of the two public replications of Scholz et al. 2011).
    rounds:
        Rounds of the dynamic models (``bdm*``, ``exchange``).
    seed:
        Tie-breaking seed of the exchange model.
    time_limit:
        Seconds the exchange model's rounds may take (``None``: no limit);
        cut short, its forecast is labelled approximate. The other models
        run in at most O(rounds × actors² × issues) vectorised steps.

    Raises
    ------
    AnalysisError
        Unknown model name or negative rounds.
    """
    if model == "compromise":
        return compromise(problem)
    if model == "compromise_salience":
        return compromise(problem, "salience")
    if model == "median":
        return weighted_median(problem)
    if model == "nash":
        return nash_bargaining(problem)
    if model == "bdm":
        return expected_utility_model(problem, rounds)
    if model == "bdm_jmckib":
        return expected_utility_model(problem, rounds, reading="jmckib")
    if model == "bdm_dmasad":
        return expected_utility_model(problem, rounds, reading="dmasad")
    if model == "exchange":
        return exchange_model(problem, rounds, seed=seed, time_limit=time_limit)
    raise AnalysisError(
        f"unknown model {model!r}; choose from {', '.join((*MODELS, 'bdm_jmckib', 'bdm_dmasad'))}"
    )


@dataclass(frozen=True)
class ForecastResult(Result):
    """Forecasts of several models on every issue of one problem.

    Attributes
    ----------
    problem:
        The input.
    models:
        One :class:`ModelForecast` per model, in the order requested.
    rounds:
        Rounds of the dynamic models (``provenance.seed``: the seed of their tie-breaking).
    """

    problem: ForecastProblem
    models: tuple[ModelForecast, ...]
    rounds: int

    @property
    def cut_short(self) -> tuple[ModelForecast, ...]:
        """The models the time limit stopped before their last round."""
        return tuple(m for m in self.models if m.diagnostics.get("cut_short"))

    def model(self, name: str) -> ModelForecast:
        """The forecast of model *name*; :class:`AnalysisError` if it was not run."""
        for m in self.models:
            if m.model == name:
                return m
        raise AnalysisError(f"model {name!r} was not run")

    def issue_rows(self) -> list[dict[str, Any]]:
        """One row per issue: forecast per model, spread, trajectory summary, known outcome.

        ``spread`` is the largest minus the smallest model forecast;
        ``trajectory`` gives, for every dynamic model, the forecast at round 0
        and at the last round and the number of actor moves.
        """
        rows: list[dict[str, Any]] = []
        for k, issue in enumerate(self.problem.issues):
            values = {m.model: float(m.forecast[k]) for m in self.models}
            finite = [v for v in values.values() if np.isfinite(v)]
            traj: dict[str, Any] = {}
            for m in self.models:
                if m.trajectory is None:
                    continue
                moves = np.abs(np.diff(m.trajectory[:, :, k], axis=0)) > 1e-12
                traj[m.model] = {
                    "start": float(m.forecast_by_round[0, k]),
                    "end": float(m.forecast_by_round[-1, k]),
                    "moves": int(moves.sum()),
                }
            row: dict[str, Any] = {
                "issue": issue.id,
                "name": issue.name,
                "scale": [issue.lower, issue.upper],
                "forecast": values,
                "spread": (max(finite) - min(finite)) if finite else None,
                "trajectory": traj,
            }
            if issue.labels:
                row["nearest_label"] = {
                    name: issue.nearest_label(v) if np.isfinite(v) else None
                    for name, v in values.items()
                }
            if issue.outcome is not None:
                row["outcome"] = issue.outcome
            rows.append(row)
        return to_plain(rows)  # type: ignore[no-any-return]

    def to_dict(self, include_trajectories: bool = True) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "problem": {
                "name": self.problem.name,
                "source": self.problem.source,
                "actors": list(self.problem.actors),
                "issues": [i.to_dict() for i in self.problem.issues],
            },
            "rounds": self.rounds,
            "issues": self.issue_rows(),
            "models": [
                m.to_dict() if include_trajectories else {**m.to_dict(), "trajectory": None}
                for m in self.models
            ],
            "provenance": self.provenance.to_dict(),
        }


def forecast(
    problem: ForecastProblem,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    rounds: int = 10,
    seed: int = 0,
    time_limit: float | None = None,
) -> ForecastResult:
    """Run the requested models on *problem*.

    Parameters
    ----------
    problem:
        Actors × issues data (see :mod:`peacetable.forecast.readers` and
        :func:`peacetable.forecast.scenario.from_scenario`).
    models:
        Model names (:data:`MODELS`).
    rounds:
        Rounds of the dynamic models.
    seed:
        Tie-breaking seed of the exchange model.
    time_limit:
        Seconds for all the models (``None``: no limit); each gets what is
        left when it starts (see :func:`run_model`).

    Returns
    -------
    ForecastResult
        ``provenance.exact`` is false, with the models' bounds, when a model
        was cut short by the time limit.

    Examples
    --------
    >>> from peacetable.forecast.data import problem_from_arrays
    >>> p = problem_from_arrays(["a", "b", "c"], [0, 40, 100], [0.9, 0.5, 0.2], [1, 1, 1])
    >>> res = forecast(p, ["compromise", "median"])
    >>> [round(float(m.forecast[0]), 2) for m in res.models]
    [25.0, 0.0]
    """
    if not models:
        raise AnalysisError("no model requested")
    stop_at = None if time_limit is None else time.perf_counter() + time_limit
    runs = tuple(
        run_model(
            problem,
            m,
            rounds=rounds,
            seed=seed,
            time_limit=None if stop_at is None else max(0.0, stop_at - time.perf_counter()),
        )
        for m in models
    )
    loose = [f"{m.model}: {m.provenance.bound}" for m in runs if m.provenance.bound]
    return ForecastResult(
        problem=problem,
        models=runs,
        rounds=rounds,
        provenance=Provenance(
            "forecast models: " + ", ".join(m.model for m in runs),
            exact=all(m.exact for m in runs),
            bound="; ".join(loose) or None,
            seed=seed,
        ),
    )
