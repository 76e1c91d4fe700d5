"""The result of the sequencing lens: the schedule, its phase table, and what explains it.

One frozen :class:`SequenceResult` carries everything the surfaces show (phase
table, per-party exposure, self-enforcement, the conflicting set and openings
when no schedule exists, the disputed-order comparison) and how it was obtained
(:class:`Provenance`); ``to_dict()`` is the one serialisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.core.results import Result
from peacetable.sequence.compare import ReadingOutcome
from peacetable.sequence.explain import Conflict, Opening
from peacetable.sequence.plan import TIME_SCALE, UTILITY_SCALE, FloatArray, Plan
from peacetable.sequence.solver import Schedule


@dataclass(frozen=True)
class PhaseRow:
    """One phase of a schedule: when, which units, each party's exposure and walk-away margin.

    ``phase`` 0 is a GRIT opening (only in openings); the last row of a table,
    ``phase`` ``None``, is the state after completion.
    """

    phase: int | None
    start_month: float
    end_month: float
    units: tuple[str, ...]
    exposure: dict[str, float]
    walk_margin: dict[str, float] | None
    reversal_deterred: dict[str, bool] | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "phase": self.phase,
            "start_month": self.start_month,
            "end_month": self.end_month,
            "units": list(self.units),
            "exposure": self.exposure,
            "walk_margin": self.walk_margin,
            "reversal_deterred": self.reversal_deterred,
        }


def phase_table(plan: Plan, schedule: Schedule) -> tuple[PhaseRow, ...]:
    """The phase table of a found schedule (empty when none was found)."""
    ev = schedule.evaluation
    if ev is None or schedule.phases is None:
        return ()
    k = int(ev.n_phases[0])
    rows = []
    start = 0.0
    parties = plan.party_ids
    for t in range(1, k + 1):
        length = float(ev.phase_length[0, t - 1]) / TIME_SCALE
        units = tuple(plan.unit_label(int(u)) for u in np.flatnonzero(schedule.phases == t))
        rows.append(
            PhaseRow(
                phase=t,
                start_month=start,
                end_month=start + length,
                units=units,
                exposure={
                    p: float(ev.exposure[0, t - 1, i]) / UTILITY_SCALE
                    for i, p in enumerate(parties)
                },
                walk_margin={
                    p: float(ev.walk_margin[0, t - 1, i]) / UTILITY_SCALE
                    for i, p in enumerate(parties)
                },
                reversal_deterred={
                    p: bool(ev.reversal_ok[0, t - 1, i]) for i, p in enumerate(parties)
                },
            )
        )
        start += length
    final = ev.exposure[0, -1]
    rows.append(
        PhaseRow(
            phase=None,
            start_month=start,
            end_month=start,
            units=(),
            exposure={p: float(final[i]) / UTILITY_SCALE for i, p in enumerate(parties)},
            walk_margin=None,
            reversal_deterred=None,
        )
    )
    return tuple(rows)


@dataclass(frozen=True)
class SequenceResult(Result):
    """What the sequencing lens answers for one scenario and proposal.

    Attributes
    ----------
    scenario_id, proposal, party_ids:
        What was analysed.
    schedule:
        The solver's answer (status, objective, bound, gap, phases per unit).
    phases:
        The phase table (:func:`phase_table`); empty when no schedule was found.
    safe, self_enforcing:
        Per party, for the schedule found (``None`` when none was found).
    conflict, openings:
        When no schedule exists: a minimal conflicting set of constraints, and
        each party's smallest GRIT-style opening.
    comparisons:
        Per dispute, both (all) readings side by side.
    no_deal:
        The disagreement point used, ``(n_phases, n_parties)``.
    """

    scenario_id: str
    proposal: str | None
    party_ids: tuple[str, ...]
    plan: Plan
    schedule: Schedule
    phases: tuple[PhaseRow, ...]
    safe: dict[str, bool] | None
    self_enforcing: dict[str, bool] | None
    conflict: Conflict | None
    openings: tuple[Opening, ...]
    comparisons: dict[str, tuple[ReadingOutcome, ...]]
    required: tuple[str, ...]
    readings: dict[str, str]
    no_deal: FloatArray
    notes: tuple[str, ...]
    step_names: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """A schedule meeting every requirement was found."""
        return self.schedule.found

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data."""
        s = self.schedule
        return {
            "scenario": self.scenario_id,
            "proposal": self.proposal,
            "parties": list(self.party_ids),
            "required": list(self.required),
            "readings": self.readings,
            "objective": s.objective,
            "status": s.status,
            "proven_optimal": s.proven_optimal,
            "objective_value": s.objective_value,
            "bound": s.bound,
            "gap": s.gap,
            "exposure_bounds": {
                p: float(self.plan.bounds[i]) / UTILITY_SCALE for i, p in enumerate(self.party_ids)
            },
            "phases": [row.to_dict() for row in self.phases],
            "unit_phase": None
            if s.phases is None
            else {self.plan.unit_label(u): int(s.phases[u]) for u in range(self.plan.n_units)},
            "safe": self.safe,
            "self_enforcing": self.self_enforcing,
            "conflict": None if self.conflict is None else self.conflict.to_dict(),
            "openings": [o.to_dict() for o in self.openings],
            "comparisons": {k: [r.to_dict() for r in v] for k, v in self.comparisons.items()},
            "no_deal": self.no_deal.tolist(),
            "notes": list(self.notes),
            "steps": self.step_names,
            "provenance": self.provenance.to_dict(),
        }
