"""Result type shared by every forecasting model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.core.arrays import FloatArray
from peacetable.core.results import Result
from peacetable.core.serialize import to_plain


@dataclass(frozen=True)
class ModelForecast(Result):
    """The forecast of one model on every issue of a problem.

    Attributes
    ----------
    model:
        Short model name (``"compromise"``, ``"median"``, ``"nash"``, ``"bdm"``,
        ``"exchange"``).
    forecast:
        ``(n_issues,)`` predicted outcome on each issue's scale.
    forecast_by_round:
        ``(rounds + 1, n_issues)``: the forecast read off the positions of each
        round (row 0 = initial positions).  One row for static models.
    trajectory:
        ``(rounds + 1, n_actors, n_issues)`` actor positions per round, or
        ``None`` for static models.
    rounds:
        Rounds actually run (0 for static models).
    parameters:
        Model parameters used.
    diagnostics:
        Model-specific diagnostics (events per round, exchanges, convergence).

    ``provenance`` gives the method with its source, whether the number is the
    exact value of the model's definition (``False`` for iterative
    approximations such as bisection) and the seed of any random tie-breaking.
    """

    model: str
    forecast: FloatArray
    forecast_by_round: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    trajectory: FloatArray | None = None
    rounds: int = 0
    parameters: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.forecast_by_round.size == 0:
            object.__setattr__(self, "forecast_by_round", self.forecast[None, :].copy())

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (NaN → ``None``)."""
        return {
            "model": self.model,
            "rounds": self.rounds,
            "parameters": to_plain(self.parameters),
            "forecast": to_plain(self.forecast),
            "forecast_by_round": to_plain(self.forecast_by_round),
            "trajectory": None if self.trajectory is None else to_plain(self.trajectory),
            "diagnostics": to_plain(self.diagnostics),
            "provenance": self.provenance.to_dict(),
        }
