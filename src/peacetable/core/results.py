"""The result contract: every lens answer carries one provenance record.

Every engine returns a frozen :class:`Result` (a dataclass) whose
``provenance`` says how the answer was obtained -- the method, whether it is
exact (and if not, the bound on its error), the seed and sample count of any
random part, and the peacetable version -- and whose ``to_dict()`` goes
through the one serializer (:func:`peacetable.core.serialize.to_plain`).
Wall-clock time is the only thing that differs between two runs with the
same seed, and it lives only in ``provenance.seconds`` (filled in by the
session that ran the lens), so results are otherwise byte-identical.

A lens that cannot answer for a scenario returns :class:`NotApplicable`
with its reason instead of raising.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from peacetable import __version__
from peacetable.core.serialize import dataclass_fields, generic_to_dict


@dataclass(frozen=True)
class Provenance:
    """How a result was obtained.

    Attributes
    ----------
    method:
        The algorithm, in a few words (e.g. ``"dp-dominance"``, ``"SMAA"``).
    exact:
        Whether the answer is exact; when not, *bound* says how far off it may be.
    bound:
        The approximation's error bound in words (e.g. ``"95% CI ±0.004"``), or ``None``.
    seed:
        Seed of the random part, or ``None`` if there is none.
    samples:
        Number of sampled worlds (or repetitions), or ``None``.
    seconds:
        Wall-clock time of the run (filled in by the session; the only field
        that differs between runs with the same seed).
    version:
        The peacetable version that computed it.

    Examples
    --------
    >>> Provenance("enumeration").to_dict()["exact"]
    True
    """

    method: str
    exact: bool = True
    bound: str | None = None
    seed: int | None = None
    samples: int | None = None
    seconds: float | None = None
    version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return dataclass_fields(self)

    def timed(self, seconds: float) -> Provenance:
        """The same record with the run time set."""
        return dataclasses.replace(self, seconds=seconds)


@dataclass(frozen=True, kw_only=True)
class Result:
    """Base of every lens result: a frozen dataclass with a :class:`Provenance`.

    Subclasses are ``@dataclass(frozen=True)``; ``provenance`` is keyword-only
    and serialised last. ``method``, ``exact`` and ``seed`` read through to it.
    """

    provenance: Provenance = field(default_factory=lambda: Provenance("unspecified"))

    @property
    def method(self) -> str:
        """How the result was obtained (``provenance.method``)."""
        return self.provenance.method

    @property
    def exact(self) -> bool:
        """Whether the result is exact (``provenance.exact``)."""
        return self.provenance.exact

    @property
    def seed(self) -> int | None:
        """Seed of the random part, if any (``provenance.seed``)."""
        return self.provenance.seed

    to_dict = generic_to_dict


R = TypeVar("R", bound=Result)


def with_seconds(result: R, seconds: float) -> R:
    """*result* with its provenance's run time set."""
    return dataclasses.replace(result, provenance=result.provenance.timed(seconds))


@dataclass(frozen=True)
class NotApplicable(Result):
    """A lens that cannot answer for this scenario, and why.

    Examples
    --------
    >>> NotApplicable("no issue is controlled by one party").to_dict()["not_applicable"]
    'no issue is controlled by one party'
    """

    reason: str

    def to_dict(self) -> dict[str, Any]:
        """``{"not_applicable": reason}``."""
        return {"not_applicable": self.reason}
