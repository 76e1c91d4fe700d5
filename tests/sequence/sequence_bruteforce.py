"""Exhaustive enumeration of schedules: the reference the CP-SAT answers are checked against.

Independent of the CP-SAT encoding: every assignment of units to phases
``1..max_phases`` is generated and evaluated with the NumPy evaluator
(:func:`peacetable.sequence.exposure.evaluate`), whose definitions follow
docs/sequence.md line by line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from peacetable.sequence.exposure import evaluate
from peacetable.sequence.plan import Plan, Rule

CHUNK = 20_000


def all_schedules(n_units: int, max_phases: int) -> np.ndarray:
    """Every phase vector in ``{1..max_phases}^n_units`` as ``(max_phases**n_units, n_units)``."""
    grids = np.meshgrid(*([np.arange(1, max_phases + 1)] * n_units), indexing="ij")
    return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)


def best(
    plan: Plan,
    no_deal: Sequence[float],
    objective: str,
    *,
    rules: Sequence[Rule] | None = None,
    max_phases: int | None = None,
    safe_parties: Sequence[bool] | None = None,
    enforcing_parties: Sequence[bool] | None = None,
) -> int | None:
    """The optimal objective value (integer units) over every schedule, or ``None`` if none is feasible.

    ``safe_parties`` / ``enforcing_parties`` select the parties whose exposure
    bound / self-enforcement is required (default: bounds for all, self-enforcement
    for none).
    """
    limit = plan.max_phases if max_phases is None else max_phases
    n = plan.n_parties
    safe = np.array(safe_parties if safe_parties is not None else [True] * n, dtype=bool)
    enforce = np.array(
        enforcing_parties if enforcing_parties is not None else [False] * n, dtype=bool
    )
    schedules = all_schedules(plan.n_units, limit)
    found: int | None = None
    for start in range(0, len(schedules), CHUNK):
        ev = evaluate(plan, schedules[start : start + CHUNK], no_deal, rules, max_phases=limit)
        ok = ev.structure_ok & ev.rules_ok.all(axis=1)
        ok &= (ev.safe_party | ~safe[None, :]).all(axis=1)
        ok &= (ev.self_enforcing_party | ~enforce[None, :]).all(axis=1)
        if not ok.any():
            continue
        if objective == "phases":
            values = ev.n_phases[ok]
        elif objective == "duration":
            values = ev.duration[ok]
        else:
            values = ev.max_exposure[ok]
        low = int(values.min())
        found = low if found is None else min(found, low)
    return found
