"""Scoring forecasts against known outcomes: mean absolute error with bootstrap intervals.

The validation protocol follows Thomson et al. (2006), ch. 10 (Achen): the
error of a model on an issue is the absolute distance between its forecast
and the recorded outcome on the 0..100 scale; a model is summarised by its
mean absolute error (MAE) over the issues with a known outcome.  Uncertainty
is a percentile bootstrap over issues (Efron & Tibshirani 1993, ch. 13), and
each model is compared with a baseline by the bootstrap interval of the
*paired* difference of absolute errors.

Fitted parameters are never scored on the data they were fitted on: the only
fitted parameter here, the number of rounds of a dynamic model, is chosen on
one random half of the issues and scored on the other half, and vice versa
(two-fold cross-fitting, seeded), so every issue's error is out of sample.

References
----------
.. [1] Achen, C. H. (2006). Evaluating political decision-making models. In
   Thomson, Stokman, Achen & König (eds), *The European Union Decides*, ch. 10.
   Cambridge University Press.
.. [2] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
   Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.core.results import Provenance, Result
from peacetable.core.serialize import to_plain
from peacetable.errors import AnalysisError
from peacetable.forecast.data import FloatArray, ForecastProblem
from peacetable.forecast.engine import run_model
from peacetable.forecast.results import ModelForecast

EVAL_MODELS: tuple[str, ...] = (
    "compromise_salience",
    "compromise",
    "median",
    "nash",
    "bdm",
    "exchange",
)
DYNAMIC = ("bdm", "exchange", "bdm_jmckib", "bdm_dmasad")


@dataclass(frozen=True)
class ModelScore:
    """Score of one model on the issues with a known outcome.

    Attributes
    ----------
    model:
        Model name (``<model>_fitted_rounds`` for the cross-fitted variant).
    n:
        Issues scored.
    mae, ci:
        Mean absolute error and its 95 % percentile bootstrap interval.
    diff_vs_baseline, diff_ci:
        Mean of (this model's absolute error − the baseline's), paired by
        issue, and its 95 % bootstrap interval; negative = better than the
        baseline.  An interval wholly below 0 means the model beats it.
    by_procedure:
        ``{procedure: {"n", "mae", "ci"}}`` where issues carry a procedure.
    out_of_sample:
        How any fitted parameter was handled (``None``: nothing fitted).
    """

    model: str
    n: int
    mae: float
    ci: tuple[float, float]
    diff_vs_baseline: float
    diff_ci: tuple[float, float]
    by_procedure: dict[str, dict[str, Any]] = field(default_factory=dict)
    out_of_sample: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return to_plain(  # type: ignore[no-any-return]
            {
                "model": self.model,
                "n": self.n,
                "mae": self.mae,
                "ci95": list(self.ci),
                "diff_vs_baseline": self.diff_vs_baseline,
                "diff_ci95": list(self.diff_ci),
                "by_procedure": self.by_procedure,
                "out_of_sample": self.out_of_sample,
            }
        )


@dataclass(frozen=True)
class EvaluationResult(Result):
    """Scores of several models on one data set with known outcomes."""

    dataset: str
    n_issues: int
    n_scored: int
    baseline: str
    rounds: int
    bootstrap: int
    scores: tuple[ModelScore, ...]
    notes: tuple[str, ...]

    def score(self, model: str) -> ModelScore:
        """The score of *model*."""
        for s in self.scores:
            if s.model == model:
                return s
        raise AnalysisError(f"model {model!r} was not scored")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "dataset": self.dataset,
            "n_issues": self.n_issues,
            "n_scored": self.n_scored,
            "baseline": self.baseline,
            "rounds": self.rounds,
            "bootstrap_resamples": self.bootstrap,
            "scores": [s.to_dict() for s in self.scores],
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
        }


def bootstrap_mean_ci(
    values: FloatArray, resamples: int, rng: np.random.Generator, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of *values* (vectorised).

    Examples
    --------
    >>> lo, hi = bootstrap_mean_ci(np.array([1.0, 2.0, 3.0, 4.0]), 500, np.random.default_rng(0))
    >>> 1.0 <= lo <= 2.5 <= hi <= 4.0
    True
    """
    n = values.size
    if n == 0:
        return (float("nan"), float("nan"))
    idx = rng.integers(0, n, size=(resamples, n))
    means = values[idx].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return (float(lo), float(hi))


def _cross_fit_rounds(
    by_round: FloatArray, outcome: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, list[int]]:
    """Out-of-sample predictions: rounds fitted on one half, applied to the other."""
    n = outcome.size
    perm = rng.permutation(n)
    halves = (perm[: n // 2], perm[n // 2 :])
    pred = np.full(n, np.nan)
    chosen: list[int] = []
    for train, test in (halves, halves[::-1]):
        err = np.abs(by_round[:, train] - outcome[None, train]).mean(axis=1)
        best = int(np.nanargmin(err))
        chosen.append(best)
        pred[test] = by_round[best, test]
    return pred, chosen


def evaluate(
    problem: ForecastProblem,
    models: Sequence[str] = EVAL_MODELS,
    *,
    baseline: str = "compromise_salience",
    rounds: int = 10,
    bootstrap: int = 2000,
    seed: int = 0,
    fit_rounds: bool = True,
) -> EvaluationResult:
    """Score models against the known outcomes of *problem*.

    Parameters
    ----------
    problem:
        Data with :attr:`IssueScale.outcome` on at least some issues.
    models:
        Model names (see :func:`peacetable.forecast.engine.run_model`).
    baseline:
        Model every other is compared with (paired bootstrap).
    rounds:
        Rounds of the dynamic models (their forecast after *rounds* rounds
        is scored as is; nothing fitted).
    bootstrap:
        Bootstrap resamples.
    seed:
        Seed of the bootstrap, of the half split and of the exchange model.
    fit_rounds:
        Also score ``<model>_fitted_rounds``: the number of rounds (0..*rounds*)
        fitted on one half of the issues, scored on the other half.

    Returns
    -------
    EvaluationResult

    Raises
    ------
    AnalysisError
        No issue has a known outcome.

    Notes
    -----
    Errors are measured on each issue's own scale (0..100 for DEU).  Issues
    where a model has no forecast (no actor with positive weight) are left
    out of that model's score; ``n`` says how many were scored.
    :math:`O(B n)` for the bootstrap with *B* resamples and *n* issues, after
    running the models once.
    """
    outcome_all = problem.outcomes
    scored = np.flatnonzero(~np.isnan(outcome_all))
    if scored.size == 0:
        raise AnalysisError(f"{problem.name or 'data set'}: no issue has a known outcome")
    models = list(dict.fromkeys([baseline, *models]))
    outcome = outcome_all[scored]
    procedures = np.array([problem.issues[int(k)].procedure or "" for k in scored])
    runs: dict[str, ModelForecast] = {
        m: run_model(problem, m, rounds=rounds, seed=seed) for m in models
    }
    preds: dict[str, tuple[FloatArray, str | None]] = {}
    for m in models:
        preds[m] = (runs[m].forecast[scored], None)
    notes: list[str] = []
    if fit_rounds:
        for m in models:
            if m in DYNAMIC and rounds > 0:
                rng = np.random.default_rng([seed, 1])
                pred, chosen = _cross_fit_rounds(runs[m].forecast_by_round[:, scored], outcome, rng)
                text = (
                    f"rounds fitted on one random half of the issues, scored on the other "
                    f"half (two-fold, seed {seed}); rounds chosen: {chosen[0]} and {chosen[1]}"
                )
                preds[f"{m}_fitted_rounds"] = (pred, text)
                notes.append(f"{m}_fitted_rounds: {text}")
    base_err = np.abs(preds[baseline][0] - outcome)
    scores: list[ModelScore] = []
    for name, (pred, oos) in preds.items():
        err = np.abs(pred - outcome)
        ok = np.isfinite(err) & np.isfinite(base_err)
        rng = np.random.default_rng([seed, 2])
        e = err[ok]
        d = e - base_err[ok]
        by_proc: dict[str, dict[str, Any]] = {}
        for proc in sorted(set(procedures[ok].tolist()) - {""}):
            sel = procedures[ok] == proc
            by_proc[proc] = {
                "n": int(sel.sum()),
                "mae": float(e[sel].mean()),
                "ci95": list(bootstrap_mean_ci(e[sel], bootstrap, rng)),
            }
        scores.append(
            ModelScore(
                model=name,
                n=int(ok.sum()),
                mae=float(e.mean()),
                ci=bootstrap_mean_ci(e, bootstrap, rng),
                diff_vs_baseline=float(d.mean()),
                diff_ci=bootstrap_mean_ci(d, bootstrap, rng),
                by_procedure=by_proc,
                out_of_sample=oos,
            )
        )
    notes.append(
        "models without a fitted parameter are scored with fixed settings "
        f"(dynamic models after {rounds} rounds); nothing was tuned on these outcomes"
    )
    beats = [s.model for s in scores if s.model != baseline and s.diff_ci[1] < 0]
    notes.append(
        f"beats the baseline {baseline!r} (95% paired interval below 0): "
        + (", ".join(beats) if beats else "no model")
    )
    return EvaluationResult(
        dataset=problem.name,
        n_issues=problem.n_issues,
        n_scored=int(scored.size),
        baseline=baseline,
        rounds=rounds,
        bootstrap=bootstrap,
        scores=tuple(scores),
        notes=tuple(notes),
        provenance=Provenance(
            "mean absolute error; 95% percentile bootstrap over issues; "
            "paired differences against the baseline",
            exact=False,
            bound=f"{bootstrap} bootstrap resamples",
            seed=seed,
            samples=bootstrap,
        ),
    )
