"""Building blocks of the scenario model: ids, frozen models and estimates.

Every number that is an estimate may be written as a plain number or as an
:class:`Estimate` mapping ``{value, range, source, assumption}``; both load
into an :class:`Estimate` (:data:`Number`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = ["FORMAT", "Estimate", "FrozenDict", "Id", "Number", "Role"]

FORMAT = "peacetable/1"
"""The scenario format identifier written in every file."""

Role = Literal["principal", "mediator", "guarantor", "host", "observer"]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class FrozenDict(dict[Any, Any]):
    """A ``dict`` that refuses mutation after construction (hashable by identity)."""

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("scenario objects are immutable; use model_copy(update=...)")

    __setitem__ = _readonly
    __delitem__ = _readonly
    clear = _readonly
    pop = _readonly
    popitem = _readonly  # type: ignore[assignment]
    setdefault = _readonly
    update = _readonly

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, FrozenDict):
        return FrozenDict({k: _freeze(v) for k, v in value.items()})
    return value


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and infinities are refused where they are written, with their
    # location, instead of surfacing later as "utilities must be finite" or invalid JSON output
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


def _estimate_from_number(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # let pydantic reject booleans as numbers
    if isinstance(value, int | float):
        return {"value": value}
    return value


class Estimate(_Frozen):
    """An illustrative estimate: a central value, its plausible range and its basis.

    Attributes
    ----------
    value:
        The central estimate.
    range:
        ``(low, high)`` with ``low <= value <= high``; ``None`` means "use the
        default uncertainty of the context" (see :class:`Uncertainty`).
    source:
        Reference ``SOURCE_ID#PASSAGE`` to the sentence the estimate rests on.
    assumption:
        A one-line reason when the number is an analyst's assumption.
    """

    value: float
    range: tuple[float, float] | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _range_contains_value(self) -> Estimate:
        if self.range is not None:
            low, high = self.range
            if not low <= self.value <= high:
                raise ValueError(
                    f"range [{low}, {high}] must contain the value {self.value} (low <= value <= high)"
                )
        return self

    def bounds(self, default_halfwidth: float, lower: float, upper: float) -> tuple[float, float]:
        """The uncertainty interval: the declared range, else value ± halfwidth, clipped."""
        if self.range is not None:
            return self.range
        return (
            max(lower, self.value - default_halfwidth),
            min(upper, self.value + default_halfwidth),
        )


Number = Annotated[Estimate, BeforeValidator(_estimate_from_number)]
