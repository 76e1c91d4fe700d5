"""CP-SAT answers against exhaustive enumeration on random small plans (≤ 8 units, 3 parties)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sequence_bruteforce import best

from peacetable.sequence.explain import conflicting_constraints
from peacetable.sequence.plan import UTILITY_SCALE, Plan
from peacetable.sequence.random_plans import random_plan
from peacetable.sequence.solver import OBJECTIVES, solve

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _instance(seed: int, n_steps: int, max_phases: int) -> tuple[Plan, np.ndarray]:
    plan = random_plan(
        n_steps, 3, seed=seed, max_tranches=2, max_phases=max_phases, bound=(0.05, 0.4)
    )
    while plan.n_units > 8:  # at most 8 units
        n_steps -= 1
        plan = random_plan(
            n_steps, 3, seed=seed, max_tranches=2, max_phases=max_phases, bound=(0.05, 0.4)
        )
    no_deal = np.random.default_rng(seed + 1).uniform(0.1, 0.6, 3).round(3)
    return plan, no_deal


def _scaled(objective: str, value: float) -> int:
    factor = {"phases": 1, "duration": 100, "exposure": UTILITY_SCALE}[objective]
    return round(value * factor)


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    n_steps=st.integers(2, 6),
    max_phases=st.integers(2, 4),
    objective=st.sampled_from(OBJECTIVES),
    self_enforcing=st.booleans(),
)
def test_optimum_equals_enumeration(
    seed: int, n_steps: int, max_phases: int, objective: str, self_enforcing: bool
) -> None:
    plan, no_deal = _instance(seed, n_steps, max_phases)
    result = solve(plan, no_deal, objective=objective, self_enforcing=self_enforcing)  # type: ignore[arg-type]
    reference = best(plan, no_deal, objective, enforcing_parties=[self_enforcing] * 3)
    assert result.status in ("optimal", "infeasible")
    if result.status == "infeasible":
        assert reference is None
    else:
        assert result.objective_value is not None
        assert _scaled(objective, result.objective_value) == reference


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    n_steps=st.integers(2, 5),
    self_enforcing=st.booleans(),
)
def test_conflict_is_minimal_by_enumeration(seed: int, n_steps: int, self_enforcing: bool) -> None:
    plan, no_deal = _instance(seed, n_steps, 2)
    while plan.n_units > 6:  # enumeration over n_units phases: keep it small
        n_steps -= 1
        plan, no_deal = _instance(seed, n_steps, 2)
    conflict = conflicting_constraints(plan, no_deal, self_enforcing=self_enforcing)
    feasible = best(plan, no_deal, "phases", enforcing_parties=[self_enforcing] * 3) is not None
    assert (conflict is None) == feasible
    if conflict is None:
        return
    assert conflict.verified_minimal and conflict.decided
    members = set(conflict.constraints)
    labels = {r.label for r in plan.rules}
    # the set alone (every other labelled constraint dropped) admits no schedule
    only_safe = [f"exposure bound of {p}" in members for p in plan.party_ids]
    only_enf = [f"self-enforcement of {p}" in members for p in plan.party_ids]
    phase_limit = f"at most {plan.max_phases} phases"
    limit = None if phase_limit in members else plan.n_units
    rules = [r for r in plan.rules if r.label in members]
    assert (
        best(
            plan,
            no_deal,
            "phases",
            rules=rules,
            max_phases=limit,
            safe_parties=only_safe,
            enforcing_parties=only_enf,
        )
        is None
    )
    # removing any one member makes it feasible
    for label in members:
        assert label in labels or label == phase_limit or label.startswith(("exposure", "self-"))
        keep = members - {label}
        safe = [f"exposure bound of {p}" in keep for p in plan.party_ids]
        enf = [f"self-enforcement of {p}" in keep for p in plan.party_ids]
        lim = None if phase_limit in keep else plan.n_units
        sub = [r for r in plan.rules if r.label in keep]
        assert (
            best(
                plan,
                no_deal,
                "phases",
                rules=sub,
                max_phases=lim,
                safe_parties=safe,
                enforcing_parties=enf,
            )
            is not None
        ), label


@pytest.mark.parametrize("seed", range(5))
def test_same_seed_same_schedule(seed: int) -> None:
    plan = random_plan(12, 4, seed=seed, max_phases=6, acyclic=True, bound=(0.2, 0.4))
    no_deal = np.full(4, 0.3)
    a = solve(plan, no_deal, objective="exposure", seed=3)
    b = solve(plan, no_deal, objective="exposure", seed=3)
    assert a.status == b.status
    if a.phases is not None:
        assert a.phases.tolist() == b.phases.tolist()
