"""The forecasting lens, registered with the core: where will bargaining go?"""

from __future__ import annotations

from dataclasses import dataclass

from peacetable.core import Lens, PreparedScenario, Session
from peacetable.core.settings import DEFAULT_SEED, DEFAULT_TIME_LIMIT
from peacetable.forecast.engine import DEFAULT_MODELS
from peacetable.forecast.scenario import ScenarioForecast, forecast_scenario


@dataclass(frozen=True)
class ForecastSettings:
    """Settings of the ``forecast`` lens."""

    seed: int = DEFAULT_SEED
    models: tuple[str, ...] = tuple(DEFAULT_MODELS)
    rounds: int = 10
    include: str = "stakeholders"
    time_limit: float | None = DEFAULT_TIME_LIMIT


def _forecast(p: PreparedScenario, s: ForecastSettings, _: Session) -> ScenarioForecast:
    return forecast_scenario(
        p,
        s.models,
        rounds=s.rounds,
        seed=s.seed,
        include=s.include,  # type: ignore[arg-type]
        time_limit=s.time_limit,
    )


FORECAST = Lens("forecast", "Where will bargaining go?", ForecastSettings, _forecast)
