"""Forecasting: where bargaining among actors of unequal power probably ends.

Models (one module each):

* :func:`compromise`, :func:`weighted_median`, :func:`nash_bargaining` —
  static baselines (:mod:`peacetable.forecast.baselines`);
* :func:`expected_utility_model` — Bueno de Mesquita's expected utility model
  as replicated by Scholz, Calbert & Smith (2011), round by round
  (:mod:`peacetable.forecast.expected_utility`);
* :func:`exchange_model` — Stokman & van Oosten's exchange of voting positions,
  equal-gain variant (:mod:`peacetable.forecast.exchange`).

Data: :class:`ForecastProblem` (actors × issues: position, salience,
capability), read by :func:`load_problem` from BDM / KTAB / Decide / DEU files
or built from a scenario by :func:`from_scenario`.  :func:`forecast` runs
several models; :func:`evaluate` scores them against known outcomes;
:func:`forecast_scenario` maps the forecasts back to a scenario's options.
"""

from peacetable.forecast.baselines import compromise, nash_bargaining, weighted_median
from peacetable.forecast.data import ForecastProblem, IssueScale, problem_from_arrays
from peacetable.forecast.engine import DEFAULT_MODELS, MODELS, ForecastResult, forecast, run_model
from peacetable.forecast.evaluate import EvaluationResult, ModelScore, evaluate
from peacetable.forecast.exchange import exchange_model
from peacetable.forecast.expected_utility import expected_utility_model
from peacetable.forecast.readers import (
    load_problem,
    read_bdm_csv,
    read_decide,
    read_deu,
    read_ktab_csv,
    read_ktab_xml,
)
from peacetable.forecast.results import ModelForecast
from peacetable.forecast.scenario import ScenarioForecast, forecast_scenario, from_scenario

__all__ = [
    "DEFAULT_MODELS",
    "MODELS",
    "EvaluationResult",
    "ForecastProblem",
    "ForecastResult",
    "IssueScale",
    "ModelForecast",
    "ModelScore",
    "ScenarioForecast",
    "compromise",
    "evaluate",
    "exchange_model",
    "expected_utility_model",
    "forecast",
    "forecast_scenario",
    "from_scenario",
    "load_problem",
    "nash_bargaining",
    "problem_from_arrays",
    "read_bdm_csv",
    "read_decide",
    "read_deu",
    "read_ktab_csv",
    "read_ktab_xml",
    "run_model",
    "weighted_median",
]
