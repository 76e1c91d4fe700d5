"""Result type shared by every forecasting model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _clean(value: Any) -> Any:
    """Convert numpy values / NaN to plain JSON-serialisable Python objects."""
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class ModelForecast:
    """The forecast of one model on every issue of a problem.

    Attributes
    ----------
    model:
        Short model name (``"compromise"``, ``"median"``, ``"nash"``, ``"bdm"``,
        ``"exchange"``).
    method:
        One-line description of how the forecast was obtained, with the source.
    forecast:
        ``(n_issues,)`` predicted outcome on each issue's scale.
    exact:
        Whether the number is the exact value of the model's definition
        (``False`` for iterative approximations such as bisection).
    forecast_by_round:
        ``(rounds + 1, n_issues)``: the forecast read off the positions of each
        round (row 0 = initial positions).  One row for static models.
    trajectory:
        ``(rounds + 1, n_actors, n_issues)`` actor positions per round, or
        ``None`` for static models.
    rounds:
        Rounds actually run (0 for static models).
    seed:
        Seed of the random tie-breaking, if the model uses one.
    parameters:
        Model parameters used.
    diagnostics:
        Model-specific diagnostics (events per round, exchanges, convergence).
    """

    model: str
    method: str
    forecast: FloatArray
    exact: bool = True
    forecast_by_round: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    trajectory: FloatArray | None = None
    rounds: int = 0
    seed: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.forecast_by_round.size == 0:
            object.__setattr__(self, "forecast_by_round", self.forecast[None, :].copy())

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (NaN → ``None``)."""
        return {
            "model": self.model,
            "method": self.method,
            "exact": self.exact,
            "rounds": self.rounds,
            "seed": self.seed,
            "parameters": _clean(self.parameters),
            "forecast": _clean(self.forecast),
            "forecast_by_round": _clean(self.forecast_by_round),
            "trajectory": None if self.trajectory is None else _clean(self.trajectory),
            "diagnostics": _clean(self.diagnostics),
        }
