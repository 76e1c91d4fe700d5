"""The simulation lens: how would bargaining unfold on a scenario?

:func:`run` takes a scenario or a prepared scenario and a
:class:`SimulateSettings` block, enumerates the agreements and simulates the
parties bargaining directly (stacked alternating offers, each with a
time-based strategy) and through a mediator's single text starting from the
first proposal on the table, with the metrics of
:mod:`peacetable.simulate.metrics` measured against the exact frontier and
Nash point of the agreement-space engine. Every party's reservation value is
its disagreement point (the core's acceptance rule), which follows the
disagreement model month by month over ``horizon`` months of bargaining.
:data:`LENS` registers it with the core.

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

from peacetable.core import Lens, PreparedScenario, Provenance, Result, Session, prepare
from peacetable.core.arrays import FloatArray
from peacetable.errors import AnalysisError, InputError, Location, ScenarioError, suggest
from peacetable.simulate.metrics import benchmarks_of
from peacetable.simulate.simulation import SimulationResult, simulate
from peacetable.simulate.space import DEFAULT_OUTCOME_LIMIT, OutcomeSpace, outcome_space
from peacetable.simulate.strategies import Strategy, parse_strategy

__all__ = [
    "KEY",
    "LENS",
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
        follow the scenario's disagreement model (``PreparedScenario.no_deal_at``)
        at step ``s``'s month ``horizon · s / n_steps``, as in the ripeness
        lens. None: they stay at month 0.
    outcome_limit:
        Largest package space enumerated.
    time_limit:
        Optional wall-clock limit per protocol in seconds (``sao``); results
        then depend on the machine, so it is off by default.
    trade_process:
        Let the negotiators vary the process issues of a scenario whose talks
        are agreed first (default: held, as in every search of the core).
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
    time_limit: float | None = None
    trade_process: bool = False

    def __post_init__(self) -> None:
        pairs = self.strategies.items() if isinstance(self.strategies, Mapping) else self.strategies
        object.__setattr__(self, "strategies", tuple(sorted((str(k), str(v)) for k, v in pairs)))
        object.__setattr__(self, "protocols", tuple(self.protocols))


@dataclass(frozen=True)
class SimulateLensResult(Result):
    """Bargaining on one scenario: direct offers and a mediated single text.

    Attributes
    ----------
    results:
        ``{protocol: SimulationResult}``.
    settings:
        The settings used.
    first_draft:
        The proposal the single text starts from (the first proposal that is
        an agreement), or None (a random first text per negotiation).
    """

    results: Mapping[str, SimulationResult]
    settings: SimulateSettings
    first_draft: str | None = None

    def month(self, step: float) -> float | None:
        """The month of conflict step *step* falls in (None without a horizon)."""
        h = self.settings.horizon
        return None if h is None else h * step / self.settings.n_steps

    def describe(self, protocol: str) -> str:
        """One sentence on one protocol: who bargains how, how often and when they agree."""
        r = self.results[protocol]
        how = (
            "direct bargaining (stacked alternating offers, "
            + ", ".join(f"{p} {s.name}" for p, s in zip(r.party_ids, r.strategies, strict=True))
            + ")"
            if protocol == "sao"
            else f"a mediator's single text ({r.mediator}"
            + (f", first draft {self.first_draft}" if self.first_draft else "")
            + ")"
        )
        rate = r.summary["agreement"]
        text = (
            f"{100 * rate['rate']:.0f}% of {r.repetitions:,} negotiations by {how} reach "
            f"agreement within {r.n_steps} steps"
        )
        step = r.summary["step"]["mean"]
        if step is not None:
            text += f", on average at step {step:.0f}"
            month = self.month(step)
            if month is not None:
                text += f" (month {month:.0f} of {self.settings.horizon:g})"
        return text

    def headline(self) -> str:
        """One sentence per protocol, and what moves the no-deal point."""
        text = "; ".join(self.describe(p) for p in self.results)
        if self.settings.horizon is not None:
            text += (
                f"; no-deal values follow the disagreement model over {self.settings.horizon:g} "
                "months of conflict"
            )
        return text + "."

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "lens": KEY,
            "headline": self.headline(),
            "first_draft": self.first_draft,
            "horizon": self.settings.horizon,
            "protocols": {k: r.to_dict(timing=False) for k, r in self.results.items()},
            "provenance": self.provenance.to_dict(),
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


def _first_proposal(
    space: OutcomeSpace, prepared: PreparedScenario | None
) -> tuple[str, int] | None:
    """The first proposal on the table that is an agreement, and its outcome (the single
    text's first draft), if any."""
    if prepared is None:
        return None
    for pid in prepared.proposal_ids:
        x = prepared.package(pid)
        hit = np.flatnonzero((space.packages == x[None, :]).all(axis=1))
        if hit.size:
            return pid, int(hit[0])
    return None


def no_deal_shift(
    prepared: PreparedScenario, space: OutcomeSpace, horizon: float, n_steps: int
) -> FloatArray:
    """``(n_steps, n_parties)`` change of each party's no-deal utility at each step.

    Step ``s`` is month ``horizon · s / n_steps``; the no-deal utilities are the
    disagreement model's (:meth:`peacetable.core.PreparedScenario.no_deal_at`).

    Examples
    --------
    >>> from peacetable.core import prepare
    >>> from peacetable.io import load_scenario
    >>> p = prepare(load_scenario("tests/model/mini.yaml"))
    >>> no_deal_shift(p, outcome_space(p), 12, 4).shape
    (4, 2)
    """
    months = horizon * np.arange(n_steps) / n_steps
    at = np.stack([prepared.no_deal_at(float(m)) for m in months])
    return np.asarray(at - space.no_deal[None, :])


def run(
    prepared: Any, settings: SimulateSettings | None = None, session: Session | None = None
) -> SimulateLensResult:
    """Simulate bargaining on a scenario under each protocol of *settings*.

    Parameters
    ----------
    prepared:
        A scenario, a prepared scenario, or an
        :class:`~peacetable.simulate.space.OutcomeSpace` (then without a
        moving disagreement point).
    settings:
        :class:`SimulateSettings` (defaults if None).
    session:
        The session *prepared* belongs to: the frontier and Nash point are then
        its ``frontier`` and ``solutions`` results (computed once).

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
    source = (
        None if isinstance(prepared, OutcomeSpace) else prepare(prepared).settled(cfg.trade_process)
    )
    space = outcome_space(prepared if source is None else source, limit=cfg.outcome_limit)
    bench = benchmarks_of(space, session if session is not None else source)
    if cfg.horizon is not None and source is None:
        raise InputError("a moving disagreement point (horizon) needs a scenario")
    shift = (
        None
        if cfg.horizon is None or source is None
        else no_deal_shift(source, space, cfg.horizon, cfg.n_steps)
    )
    draft = _first_proposal(space, source) if "single-text" in cfg.protocols else None
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
            start=draft[1] if draft is not None and protocol == "single-text" else None,
            benchmarks=bench,
            no_deal_shift=shift,
            time_limit=cfg.time_limit,
        )
    return SimulateLensResult(
        results=results,
        settings=cfg,
        first_draft=None if draft is None else draft[0],
        provenance=Provenance(
            "batched stacked alternating offers and mediated single text "
            f"({', '.join(cfg.protocols)}), {cfg.repetitions} negotiations each",
            exact=False,
            bound="rates and means over the repetitions, with 95 % intervals",
            seed=cfg.seed,
            samples=cfg.repetitions,
        ),
    )


def _lens_run(p: PreparedScenario, s: SimulateSettings, session: Session) -> SimulateLensResult:
    try:
        return run(p, s, session)
    except ScenarioError as exc:  # too many packages to enumerate, or none feasible
        raise AnalysisError(str(exc)) from None


LENS = Lens("simulate", "How would bargaining unfold?", SimulateSettings, _lens_run)
