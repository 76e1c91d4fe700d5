"""Sequencing lens: in what order reciprocal steps are implemented, phase by phase.

An agreement's provisions are broken into steps (``implementation`` block of a
scenario); :func:`run` schedules them in phases with OR-Tools CP-SAT so that
every party's exposure (what it has given minus what it has verifiably received)
stays within its bound, reports whether every phase is self-enforcing, explains
infeasibility by a minimal conflicting set of constraints and GRIT-style
openings, and compares the readings of disputed orders. See docs/sequence.md.

Modules: :mod:`~peacetable.sequence.plan` (arrays), :mod:`~peacetable.sequence.scenario`
(from the scenario), :mod:`~peacetable.sequence.exposure` (vectorised evaluation),
:mod:`~peacetable.sequence.solver` (CP-SAT), :mod:`~peacetable.sequence.explain`
(conflicts, openings), :mod:`~peacetable.sequence.compare` (disputed orders),
:mod:`~peacetable.sequence.result`, :mod:`~peacetable.sequence.lens` (entry point),
:mod:`~peacetable.sequence.chart` (plotly), :mod:`~peacetable.sequence.random_plans`.
"""

from peacetable.sequence.compare import ReadingOutcome, compare_readings
from peacetable.sequence.explain import Conflict, Opening, conflicting_constraints, openings
from peacetable.sequence.exposure import Evaluation, evaluate
from peacetable.sequence.lens import KEY, SequenceSettings, not_applicable, run
from peacetable.sequence.plan import Dispute, Plan, Reading, Rule, make_plan
from peacetable.sequence.result import PhaseRow, SequenceResult
from peacetable.sequence.scenario import plan_from_scenario
from peacetable.sequence.solver import OBJECTIVES, Schedule, solve

__all__ = [
    "KEY",
    "OBJECTIVES",
    "Conflict",
    "Dispute",
    "Evaluation",
    "Opening",
    "PhaseRow",
    "Plan",
    "Reading",
    "ReadingOutcome",
    "Rule",
    "Schedule",
    "SequenceResult",
    "SequenceSettings",
    "compare_readings",
    "conflicting_constraints",
    "evaluate",
    "make_plan",
    "not_applicable",
    "openings",
    "plan_from_scenario",
    "run",
    "solve",
]
