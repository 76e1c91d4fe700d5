"""The simulation lens: how would bargaining unfold on a scenario?

:func:`run` takes a prepared scenario (today a :class:`~peacetable.model.Scenario`
or compiled scenario; the core's ``prepare(scenario)`` result works the same
way) and a :class:`SimulateSettings` block, enumerates the outcome space and
simulates the parties bargaining directly (stacked alternating offers, each
with a time-based strategy) and through a mediator's single text starting
from the status quo, with the metrics of :mod:`peacetable.simulate.metrics`
measured against the exact frontier and Nash point of the agreement-space
engine. The result is frozen and serialisable; registering it in the core's
lens registry is one line.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14.
.. [2] Aydoğan, R. et al. (2017). Alternating offers protocols for
   multilateral negotiation. *Modern Approaches to Agent-based Complex
   Automated Negotiation*, 153-167.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.errors import InputError, Location
from peacetable.simulate.metrics import benchmarks_of
from peacetable.simulate.simulation import SimulationResult, simulate
from peacetable.simulate.space import DEFAULT_OUTCOME_LIMIT, OutcomeSpace, outcome_space
from peacetable.simulate.strategies import Strategy, parse_strategy

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "KEY",
    "SimulateLensResult",
    "SimulateSettings",
    "no_deal_shift",
    "resolve_strategies",
    "run",
]

#: The lens's key in the core's registry.
KEY = "simulate"


@dataclass(frozen=True)
class SimulateSettings:
    """Settings of the simulation lens (defaults are the lens's defaults).

    Attributes
    ----------
    protocols:
        Which protocols to run: ``sao`` and/or ``single-text``.
    strategies:
        ``{party id: strategy name}`` (stored as sorted pairs, so the settings
        stay hashable); parties left out play *default_strategy*.
    default_strategy:
        Strategy of every party not named in *strategies*.
    mediator:
        Mediator of the single-text protocol.
    n_steps, repetitions, seed, discount:
        Deadline in steps, negotiations per protocol, seed, discount factor.
    horizon:
        Months of conflict the deadline spans: the no-deal utilities then
        follow the scenario's disagreement model, ``d_p + c_p · month`` at
        step ``s``'s month ``horizon · s / n_steps`` (as the ripeness lens
        has it). None: they stay at month 0.
    outcome_limit:
        Largest package space enumerated.
    """

    protocols: tuple[str, ...] = ("sao", "single-text")
    strategies: tuple[tuple[str, str], ...] | Mapping[str, str] = ()
    default_strategy: str = "boulware"
    mediator: str = "maximin"
    n_steps: int = 100
    repetitions: int = 100
    seed: int = 0
    discount: float = 1.0
    horizon: float | None = None
    outcome_limit: int = DEFAULT_OUTCOME_LIMIT

    def __post_init__(self) -> None:
        pairs = self.strategies.items() if isinstance(self.strategies, Mapping) else self.strategies
        object.__setattr__(self, "strategies", tuple(sorted((str(k), str(v)) for k, v in pairs)))
        object.__setattr__(self, "protocols", tuple(self.protocols))


@dataclass(frozen=True)
class SimulateLensResult:
    """Bargaining on one scenario: direct offers and a mediated single text.

    Attributes
    ----------
    results:
        ``{protocol: SimulationResult}``.
    settings:
        The settings used.
    """

    results: Mapping[str, SimulationResult]
    settings: SimulateSettings

    def headline(self) -> str:
        """One sentence per protocol."""
        return "; ".join(r.headline() for r in self.results.values()) + "."

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "lens": KEY,
            "seed": self.settings.seed,
            "headline": self.headline(),
            "protocols": {k: r.to_dict() for k, r in self.results.items()},
        }


def resolve_strategies(
    space: OutcomeSpace, strategies: Mapping[str, str], default: str
) -> tuple[Strategy, ...]:
    """One strategy per party of *space* from ``{party: name}`` and a default.

    Raises
    ------
    InputError
        Unknown party (with a suggestion) or strategy name.

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0, 1]], [0, 0])
    >>> [x.name for x in resolve_strategies(s, {"P1": "micro"}, "boulware")]
    ['boulware', 'micro']
    """
    from peacetable.model.validate import suggest

    for pid in strategies:
        if pid not in space.party_ids:
            raise InputError(
                f"unknown party {pid!r}{suggest(pid, space.party_ids)}; "
                f"parties: {', '.join(space.party_ids)}",
                Location(field="strategy"),
            )
    return tuple(
        parse_strategy(strategies.get(pid, default), field=f"strategy.{pid}")
        for pid in space.party_ids
    )


def _status_quo(space: OutcomeSpace, source: Any) -> int | None:
    """The outcome of the scenario's status quo package, if it is feasible."""
    sq = getattr(source, "status_quo", None)
    if sq is None and hasattr(source, "issues") and hasattr(source, "preferences"):
        from peacetable.model import compile_scenario

        sq = compile_scenario(source).status_quo
    if sq is None:
        return None
    hit = np.flatnonzero((space.packages == np.asarray(sq)[None, :]).all(axis=1))
    return int(hit[0]) if hit.size else None


def no_deal_shift(source: Any, space: OutcomeSpace, horizon: float, n_steps: int) -> FloatArray:
    """``(n_steps, n_parties)`` change of each party's no-deal utility at each step.

    Uses the core's ``no_deal_at(month)`` when the prepared scenario has it,
    else the scenario's ``monthly_change`` (``d_p + c_p · month``).

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = load_scenario("tests/model/mini.yaml")
    >>> no_deal_shift(s, outcome_space(s), 12, 4).shape
    (4, 2)
    """
    months = horizon * np.arange(n_steps) / n_steps
    at = getattr(source, "no_deal_at", None)
    if callable(at):
        return np.stack([np.asarray(at(m), dtype=np.float64) for m in months]) - space.no_deal
    scenario = getattr(source, "scenario", source)
    if not hasattr(scenario, "party"):
        raise InputError("a moving no-deal point needs a scenario (monthly_change)")
    change = np.array(
        [scenario.party(pid).no_deal.monthly_change for pid in space.party_ids], dtype=np.float64
    )
    shift: FloatArray = months[:, None] * change[None, :]
    return shift


def run(prepared: Any, settings: SimulateSettings | None = None) -> SimulateLensResult:
    """Simulate bargaining on a scenario under each protocol of *settings*.

    Parameters
    ----------
    prepared:
        A scenario, compiled scenario, the core's prepared scenario, or an
        :class:`~peacetable.simulate.space.OutcomeSpace`.
    settings:
        :class:`SimulateSettings` (defaults if None).

    Returns
    -------
    SimulateLensResult

    Raises
    ------
    ScenarioError
        The package space is too large to enumerate.
    InputError
        Unknown protocol, party or strategy.

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> r = run(load_scenario("tests/model/mini.yaml"), SimulateSettings(repetitions=5))
    >>> sorted(r.results)
    ['sao', 'single-text']
    """
    cfg = settings or SimulateSettings()
    unknown = [p for p in cfg.protocols if p not in ("sao", "single-text")]
    if unknown or not cfg.protocols:
        raise InputError(f"unknown protocol(s) {unknown}; choose sao and/or single-text")
    space = outcome_space(prepared, limit=cfg.outcome_limit)
    source = None if isinstance(prepared, OutcomeSpace) else prepared
    scenario = getattr(source, "scenario", source)
    bench = benchmarks_of(space, scenario if hasattr(scenario, "preferences") else None)
    shift = (
        None
        if cfg.horizon is None
        else no_deal_shift(source if source is not None else space, space, cfg.horizon, cfg.n_steps)
    )
    results: dict[str, SimulationResult] = {}
    for protocol in cfg.protocols:
        results[protocol] = simulate(
            space,
            protocol=protocol,
            strategies=resolve_strategies(space, dict(cfg.strategies), cfg.default_strategy),
            mediator=cfg.mediator,
            n_steps=cfg.n_steps,
            repetitions=cfg.repetitions,
            seed=cfg.seed,
            discount=cfg.discount,
            start=_status_quo(space, source) if protocol == "single-text" else None,
            benchmarks=bench,
            no_deal_shift=shift,
        )
    return SimulateLensResult(results=results, settings=cfg)
