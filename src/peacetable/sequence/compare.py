"""Both readings of a disputed order, side by side (the Minsk order).

For a dispute (e.g. Kyiv's "border control before local elections" against
Moscow's "local elections before border control"), each reading's precedences
are added to the plan's rules and the plan is solved for the chosen objective
(default: fewest phases) and then, among the schedules reaching that optimum, for
the smallest largest exposure, so the exposures reported are the least that
reading permits at its best pace. For each
reading: whether a schedule meeting the requirements exists (and, if not, a
minimal conflicting set), its number of phases and duration, the worst exposure
of each party, and who carries the risk: the party whose worst exposure comes
closest to (or furthest past) its bound, if any party is exposed at all (worst
exposure above zero).

Minsk II's "Steinmeier formula" (2019) was a patch on exactly this gap; see
docs/sequence.md for the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.sequence.explain import Conflict, conflicting_constraints
from peacetable.sequence.plan import TIME_SCALE, UTILITY_SCALE, Dispute, Plan
from peacetable.sequence.solver import DETERMINISTIC_TIME, Objective, solve


@dataclass(frozen=True)
class ReadingOutcome:
    """One reading of a dispute, solved.

    ``worst_exposure`` maps each party to its largest exposure over the phases and
    after completion; ``risk_carrier`` is the party with the largest worst
    exposure relative to its bound (``None`` when no schedule exists or nobody is
    ever exposed).
    """

    dispute: str
    reading: str
    name: str
    status: str
    n_phases: int | None
    duration_months: float | None
    worst_exposure: dict[str, float] | None
    risk_carrier: str | None
    conflict: Conflict | None

    @property
    def found(self) -> bool:
        """A schedule exists under this reading."""
        return self.n_phases is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "dispute": self.dispute,
            "reading": self.reading,
            "name": self.name,
            "status": self.status,
            "n_phases": self.n_phases,
            "duration_months": self.duration_months,
            "worst_exposure": self.worst_exposure,
            "risk_carrier": self.risk_carrier,
            "conflict": None if self.conflict is None else self.conflict.to_dict(),
        }


def compare_readings(
    plan: Plan,
    no_deal: npt.ArrayLike,
    dispute: Dispute,
    *,
    objective: Objective = "phases",
    safe: bool = True,
    self_enforcing: bool = False,
    max_phases: int | None = None,
    seed: int = 0,
    deterministic_time: float = DETERMINISTIC_TIME,
) -> tuple[ReadingOutcome, ...]:
    """Solve *plan* under each reading of *dispute* (see the module docstring).

    Returns
    -------
    tuple of ReadingOutcome
        One per reading, in the dispute's order.

    Examples
    --------
    >>> from peacetable.sequence.plan import Dispute, Reading, make_plan, rule_for
    >>> steps = [{"id": "law", "performer": "A", "value": [-0.1, 0.1], "length": 1},
    ...          {"id": "border", "performer": "B", "value": [0.1, -0.1], "length": 1}]
    >>> idx = {"law": 0, "border": 1}
    >>> plan = make_plan(["A", "B"], steps, base=[0.5, 0.5], bounds=[0.1, 0.05])
    >>> d = Dispute("order", "Which first", (
    ...     Reading("a", "law first", (rule_for("before", ["law", "border"], idx),)),
    ...     Reading("b", "border first", (rule_for("before", ["border", "law"], idx),))))
    >>> [(r.reading, r.found, r.risk_carrier) for r in compare_readings(plan, [0.4, 0.4], d)]
    [('a', True, 'A'), ('b', False, None)]
    """
    out = []
    for reading in dispute.readings:
        rules = (*plan.rules, *reading.rules)
        schedule = solve(
            plan,
            no_deal,
            objective=objective,
            then="exposure",
            rules=rules,
            safe=safe,
            self_enforcing=self_enforcing,
            max_phases=max_phases,
            seed=seed,
            deterministic_time=deterministic_time,
        )
        ev = schedule.evaluation
        if ev is None:
            conflict = None
            if schedule.status == "infeasible":
                conflict = conflicting_constraints(
                    plan,
                    no_deal,
                    rules=rules,
                    safe=safe,
                    self_enforcing=self_enforcing,
                    max_phases=max_phases,
                    seed=seed,
                    deterministic_time=deterministic_time,
                )
            out.append(
                ReadingOutcome(
                    dispute.id,
                    reading.id,
                    reading.name,
                    schedule.status,
                    None,
                    None,
                    None,
                    None,
                    conflict,
                )
            )
            continue
        worst = ev.exposure[0].max(axis=0)
        relative = worst - plan.bounds
        carrier = int(np.argmax(relative)) if worst.max() > 0 else None
        out.append(
            ReadingOutcome(
                dispute=dispute.id,
                reading=reading.id,
                name=reading.name,
                status=schedule.status,
                n_phases=int(ev.n_phases[0]),
                duration_months=float(ev.duration[0]) / TIME_SCALE,
                worst_exposure={
                    p: float(worst[i]) / UTILITY_SCALE for i, p in enumerate(plan.party_ids)
                },
                risk_carrier=None if carrier is None else plan.party_ids[carrier],
                conflict=None,
            )
        )
    return tuple(out)
