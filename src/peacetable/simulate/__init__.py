"""Negotiation simulation: protocols, strategies and tournaments, batched and seeded.

* :func:`~peacetable.simulate.space.outcome_space` -- a scenario's feasible packages
  with every party's exact utility and no-deal utility;
* :func:`~peacetable.simulate.sao.run_sao` -- stacked alternating offers for many
  negotiations at once; :func:`~peacetable.simulate.reference.run_sao_reference` --
  the plain one-negotiation reference;
* :func:`~peacetable.simulate.single_text.run_single_text` -- mediated single text
  (veto, hill-climbing, maximin, Raiffa);
* :data:`~peacetable.simulate.strategies.STRATEGIES` /
  :func:`~peacetable.simulate.strategies.parse_strategy` -- strategies by name, in the
  NegMAS and the GENIUS conventions;
* :func:`~peacetable.simulate.simulation.simulate`,
  :func:`~peacetable.simulate.tournament.tournament` -- summaries with intervals;
* :func:`~peacetable.simulate.lens.run` -- the lens entry point ``run(prepared, settings)``.
"""

from peacetable.simulate.lens import SimulateLensResult, SimulateSettings, run
from peacetable.simulate.reference import run_sao_reference
from peacetable.simulate.sao import BatchOutcome, run_sao
from peacetable.simulate.simulation import SimulationResult, simulate
from peacetable.simulate.single_text import (
    MEDIATORS,
    SingleTextOutcome,
    run_single_text,
    run_single_text_reference,
)
from peacetable.simulate.space import OutcomeSpace, outcome_space, random_space
from peacetable.simulate.strategies import STRATEGIES, Strategy, parse_strategy
from peacetable.simulate.tournament import TournamentResult, tournament

__all__ = [
    "MEDIATORS",
    "STRATEGIES",
    "BatchOutcome",
    "OutcomeSpace",
    "SimulateLensResult",
    "SimulateSettings",
    "SimulationResult",
    "SingleTextOutcome",
    "Strategy",
    "TournamentResult",
    "outcome_space",
    "parse_strategy",
    "random_space",
    "run",
    "run_sao",
    "run_sao_reference",
    "run_single_text",
    "run_single_text_reference",
    "simulate",
    "tournament",
]
