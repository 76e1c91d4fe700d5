"""When no schedule exists: a minimal conflicting set of constraints, and GRIT-style openings.

**Minimal conflicting set.** Every labelled constraint of the CP-SAT model (each
declared order rule, each party's exposure bound, each party's self-enforcement,
the phase limit) is switched on by one assumption literal. The solver's own
assumption core (``SufficientAssumptionsForInfeasibility``) gives an infeasible
subset; the *deletion filter* (Chinneck & Dravnieks 1991) then drops each member
whose removal leaves the rest infeasible. What remains is irreducible: removing
any one member makes the problem feasible, which :func:`conflicting_constraints`
verifies with one more solve per member. (QuickXplain, Junker 2004, finds the
same kind of set with fewer solves when it is small inside a large set; the
sets here are a few dozen constraints, where the deletion filter is as fast and
simpler to check.) The phase domain is widened to one phase per unit, so that
"at most K phases" is an ordinary member of the set.

**Openings** (Osgood 1962, *An Alternative to War or Surrender*, ch. 5: GRIT,
graduated and reciprocated initiatives in tension reduction). For each party,
the smallest set of its own units that it could perform alone, first, before the
schedule starts (phase 0), such that a schedule meeting every requirement exists
for the rest. The opener deliberately accepts the risk of its opening: its
exposure bound applies to its exposure net of what the opening costs it, in every
phase; every other party's bound, and every other requirement, is unchanged.
"Smallest" is the least utility the opener gives up (its losses from the opening
units), then the fewest units.

References
----------
Chinneck, J. W., & Dravnieks, E. W. (1991). Locating minimal infeasible
constraint sets in linear programs. *ORSA Journal on Computing* 3(2), 157–168.
Junker, U. (2004). QUICKXPLAIN: Preferred explanations and relaxations for
over-constrained problems. *Proceedings of AAAI 2004*, 167–172.
Osgood, C. E. (1962). *An Alternative to War or Surrender*. University of Illinois Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.sequence.plan import UTILITY_SCALE, IntArray, Plan, Rule
from peacetable.sequence.solver import DETERMINISTIC_TIME, build, linear, run_solver


@dataclass(frozen=True)
class Conflict:
    """A minimal set of constraints that together admit no schedule.

    ``verified_minimal``: the set was re-solved without each member in turn and
    every such subset was feasible. ``decided``: no sub-solve ran out of time.
    """

    constraints: tuple[str, ...]
    verified_minimal: bool
    decided: bool
    solves: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "constraints": list(self.constraints),
            "verified_minimal": self.verified_minimal,
            "decided": self.decided,
            "solves": self.solves,
        }


def conflicting_constraints(
    plan: Plan,
    no_deal: npt.ArrayLike,
    *,
    rules: Sequence[Rule] | None = None,
    safe: bool = True,
    self_enforcing: bool = False,
    max_phases: int | None = None,
    seed: int = 0,
    deterministic_time: float = DETERMINISTIC_TIME,
) -> Conflict | None:
    """A minimal conflicting set of the labelled constraints, or ``None`` if a schedule exists.

    Parameters are those of :func:`peacetable.sequence.solver.solve`.

    Returns
    -------
    Conflict or None

    Notes
    -----
    At most ``2 m + 2`` CP-SAT solves for ``m`` labelled constraints.

    Examples
    --------
    >>> from peacetable.sequence.plan import make_plan, rule_for
    >>> steps = [{"id": "a", "performer": "A", "value": [-0.2, 0.2], "length": 1},
    ...          {"id": "b", "performer": "B", "value": [0.2, -0.2], "length": 1}]
    >>> idx = {"a": 0, "b": 1}
    >>> plan = make_plan(["A", "B"], steps, base=[0.5, 0.5], bounds=[0.1, 0.1],
    ...                  rules=[rule_for("before", ["a", "b"], idx)])
    >>> conflicting_constraints(plan, [0.4, 0.4]).constraints
    ('a before b', 'exposure bound of A')
    """
    rules = tuple(plan.rules if rules is None else rules)
    limit = plan.max_phases if max_phases is None else max_phases
    built = build(
        plan,
        no_deal,
        rules=rules,
        max_phases=limit,
        domain=max(limit, plan.n_units),
        safe=safe,
        self_enforcing=self_enforcing,
    )
    labels = list(built.literals)
    solves = 0

    def status(members: Sequence[str]) -> tuple[str, list[str]]:
        nonlocal solves
        solves += 1
        raw, solver = run_solver(
            built,
            seed=seed,
            deterministic_time=deterministic_time,
            assumptions=[built.literals[k] for k in members],
        )
        core: list[str] = []
        if raw.status == "INFEASIBLE":
            found = set(solver.SufficientAssumptionsForInfeasibility())
            core = [k for k in members if built.literals[k].Index() in found]
        return raw.status, core

    first, core = status(labels)
    if first != "INFEASIBLE":
        return None
    members = [k for k in labels if k in core] if core else list(labels)
    if core and status(members)[0] != "INFEASIBLE":  # a core must stay infeasible; else use all
        members = list(labels)
    decided = True
    for label in list(members):
        trial = [k for k in members if k != label]
        result, _ = status(trial)
        if result == "INFEASIBLE":
            members = trial
        elif result != "OPTIMAL" and result != "FEASIBLE":
            decided = False
    verified = decided and status(members)[0] == "INFEASIBLE"
    for label in members:
        result, _ = status([k for k in members if k != label])
        verified = verified and result in ("OPTIMAL", "FEASIBLE")
    return Conflict(tuple(members), verified_minimal=verified, decided=decided, solves=solves)


@dataclass(frozen=True)
class Opening:
    """The smallest unilateral first steps of one party that make a schedule exist.

    ``units`` is empty and ``status`` ``infeasible`` when no opening of this party
    helps. ``cost`` is the utility the opener gives up; ``phases`` the schedule
    with the opening in phase 0.
    """

    party: str
    status: str
    units: tuple[str, ...]
    cost: float | None
    phases: IntArray | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "party": self.party,
            "status": self.status,
            "units": list(self.units),
            "cost": self.cost,
            "phases": None if self.phases is None else self.phases.tolist(),
        }


def openings(
    plan: Plan,
    no_deal: npt.ArrayLike,
    *,
    rules: Sequence[Rule] | None = None,
    safe: bool = True,
    self_enforcing: bool = False,
    max_phases: int | None = None,
    seed: int = 0,
    deterministic_time: float = DETERMINISTIC_TIME,
) -> tuple[Opening, ...]:
    """For each negotiating party that performs a step, its smallest GRIT-style opening.

    Parameters are those of :func:`peacetable.sequence.solver.solve`.

    Returns
    -------
    tuple of Opening
        In party order; ``status`` ``optimal`` (proven smallest), ``feasible``
        (limit reached) or ``infeasible`` (no opening of this party helps).

    Examples
    --------
    >>> from peacetable.sequence.plan import make_plan, rule_for
    >>> steps = [{"id": "a", "performer": "A", "value": [-0.2, 0.2], "length": 1,
    ...           "tranches": [0.5, 0.5]},
    ...          {"id": "b", "performer": "B", "value": [0.2, -0.2], "length": 1}]
    >>> plan = make_plan(["A", "B"], steps, base=[0.5, 0.5], bounds=[0.05, 0.1])
    >>> [(o.party, o.units, o.cost) for o in openings(plan, [0.4, 0.4])]
    [('A', ('a#1',), 0.1), ('B', ('b',), 0.2)]
    """
    rules = tuple(plan.rules if rules is None else rules)
    limit = plan.max_phases if max_phases is None else max_phases
    out = []
    for p, party in enumerate(plan.party_ids):
        mine = [u for u in range(plan.n_units) if plan.own[u, p]]
        if not mine:
            continue
        built = build(
            plan,
            no_deal,
            rules=rules,
            max_phases=limit,
            safe=safe,
            self_enforcing=self_enforcing,
            opener=party,
        )
        for lit in built.literals.values():
            built.model.Add(lit == 1)
        loss = np.maximum(-plan.value[:, p], 0)
        weight = len(mine) + 1
        terms = [(int(loss[u]) * weight + 1, built.done[u][0]) for u in mine]
        built.objective = linear(terms)
        built.model.Minimize(built.objective)
        raw, _ = run_solver(built, seed=seed, deterministic_time=deterministic_time)
        if raw.phases is None:
            status = "infeasible" if raw.status == "INFEASIBLE" else "unknown"
            out.append(Opening(party, status, (), None, None))
            continue
        chosen = [u for u in mine if raw.phases[u] == 0]
        out.append(
            Opening(
                party=party,
                status="optimal" if raw.status == "OPTIMAL" else "feasible",
                units=tuple(plan.unit_label(u) for u in chosen),
                cost=float(loss[chosen].sum()) / UTILITY_SCALE,
                phases=raw.phases,
            )
        )
    return tuple(out)
