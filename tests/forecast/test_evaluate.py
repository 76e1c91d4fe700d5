"""Evaluation: MAE, bootstrap intervals, cross-fitted rounds; DEU III scores pinned."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from peacetable.errors import AnalysisError
from peacetable.forecast.data import ForecastProblem, IssueScale
from peacetable.forecast.evaluate import bootstrap_mean_ci, evaluate
from peacetable.forecast.readers import load_problem


def _problem_with_outcomes(outcome_shift: float) -> ForecastProblem:
    rng = np.random.default_rng(5)
    n, m = 6, 30
    pos = rng.uniform(0, 100, (n, m))
    sal = rng.uniform(0.2, 1, (n, m))
    w = sal  # outcomes = salience-weighted mean + shift
    mean = (w * pos).sum(0) / w.sum(0)
    issues = tuple(
        IssueScale(id=f"i{k}", name=f"i{k}", lower=0, upper=100,
                   outcome=float(np.clip(mean[k] + outcome_shift, 0, 100)),
                   procedure="A" if k % 2 else "B")
        for k in range(m)
    )  # fmt: skip
    return ForecastProblem(
        actors=tuple(f"a{i}" for i in range(n)),
        issues=issues,
        position=pos,
        salience=sal,
        capability=np.ones((n, m)),
        name="synthetic",
    )


def test_perfect_baseline_scores_zero_and_others_do_not_beat_it() -> None:
    res = evaluate(_problem_with_outcomes(0.0), bootstrap=300, rounds=3)
    base = res.score("compromise_salience")
    assert base.mae == pytest.approx(0.0, abs=1e-9)
    assert set(base.by_procedure) == {"A", "B"}
    for s in res.scores:
        assert s.diff_vs_baseline >= -1e-9
    assert any("no model" in n for n in res.notes)
    fitted = res.score("bdm_fitted_rounds")
    assert fitted.out_of_sample is not None and "one random half" in fitted.out_of_sample
    json.dumps(res.to_dict())


def test_no_outcomes_is_an_error() -> None:
    p = _problem_with_outcomes(0.0)
    bare = ForecastProblem(
        actors=p.actors,
        issues=tuple(IssueScale(id=i.id, name=i.name, lower=0, upper=100) for i in p.issues),
        position=p.position,
        salience=p.salience,
        capability=p.capability,
    )
    with pytest.raises(AnalysisError, match="no issue has a known outcome"):
        evaluate(bare)


def test_bootstrap_interval_is_seeded_and_covers_the_mean() -> None:
    v = np.random.default_rng(0).exponential(10, 200)
    a = bootstrap_mean_ci(v, 1000, np.random.default_rng(1))
    b = bootstrap_mean_ci(v, 1000, np.random.default_rng(1))
    assert a == b and a[0] < v.mean() < a[1]


@pytest.mark.external
@pytest.mark.slow
def test_deu3_scores(cases: Path) -> None:
    """DEU III, 353 issues with outcomes; capability = blksv's GDP row.

    Pinned results (seed 0, 10 rounds, 2000 resamples).  The salience-only
    compromise baseline scores 23.68; no model beats it out of sample: the
    c·s compromise (23.22) and Nash (23.25) are slightly lower but their
    paired 95 % intervals include 0; BDM (25.93, median of final positions)
    and the weighted median (27.58) are worse.

    The BDM figure is sensitive in the second decimal to floating-point
    rounding: offers are chosen by comparing expected utilities and moves,
    and on DEU some comparisons are near-ties, so re-associating a sum (e.g.
    summing votes over the upper triangle instead of all pairs) flipped a few
    offers and moved the MAE from 25.84 to 25.93.  Hence the looser tolerance.
    """
    deu = load_problem(cases / "deu3" / "deu3_blksv.tsv")
    res = evaluate(deu)
    assert res.n_scored == 353
    mae = {s.model: s.mae for s in res.scores}
    assert mae["compromise_salience"] == pytest.approx(23.68, abs=0.005)
    assert mae["compromise"] == pytest.approx(23.22, abs=0.005)
    assert mae["median"] == pytest.approx(27.58, abs=0.005)
    assert mae["nash"] == pytest.approx(23.25, abs=0.01)
    assert mae["bdm"] == pytest.approx(25.93, abs=0.15)
    assert mae["exchange"] == pytest.approx(24.18, abs=0.01)
    assert all(s.diff_ci[1] >= 0 for s in res.scores)  # nobody beats the baseline
    procs = res.score("compromise").by_procedure
    assert (procs["COD"]["n"], procs["CNS"]["n"]) == (205, 148)  # the 11 without outcome are COD
