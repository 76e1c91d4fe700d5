"""The vectorised evaluation against a plain per-package reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import random_scenario_data

from peacetable.core import prepare
from peacetable.core.compile import beliefs_of
from peacetable.errors import InputError
from peacetable.io import load_scenario, scenario_from_data
from peacetable.model import Estimate, Scenario, violated_constraints


def reference_utility(s: Scenario, party: str, package: dict[str, str]) -> float:
    """Plain per-package utility straight from the model objects (no arrays)."""
    prefs = s.preferences[party]
    total_weight = sum(w.value for w in prefs.weights.values())
    u = 0.0
    for issue in s.issues:
        w = prefs.weights.get(issue.id)
        if w is None or w.value == 0:
            continue
        option = next(o for o in issue.options if o.id == package[issue.id])
        value = prefs.values[issue.id][option.id]
        if isinstance(value, Estimate):
            v = value.value
        else:
            assert option.contingent is not None
            probs = beliefs_of(prefs, option.contingent.event, tuple(option.contingent.outcomes))
            v = sum(probs[o] * value[o].value for o in probs)
        u += w.value / total_weight * v
    for inter in prefs.interactions:
        if all(package[i] == o for i, o in inter.when.items()):
            u += inter.bonus.value
    return u


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    n_parties=st.integers(2, 5),
    n_issues=st.integers(2, 4),
)
def test_vectorised_utilities_equal_reference(seed: int, n_parties: int, n_issues: int) -> None:
    s = scenario_from_data(random_scenario_data(seed, n_parties, n_issues))
    cs = prepare(s)
    packages = cs.all_packages()
    u = cs.state_utilities(packages)  # the additive value (no-deal package not overridden)
    ok = cs.feasible(packages)
    for row, x in enumerate(packages):
        package = cs.package_dict(x)
        for p, pid in enumerate(cs.party_ids):
            # the exact grid moves a utility by at most (terms + 1) * quantum (see core.evaluator)
            assert u[row, p] == pytest.approx(reference_utility(s, pid, package), abs=cs.tie)
        assert ok[row] == (not violated_constraints(s, package))


def test_contingent_option_valued_by_own_beliefs() -> None:
    from pathlib import Path

    s = load_scenario(Path(__file__).with_name("mini.yaml"))
    cs = prepare(s)
    x = cs.encode({"x": "low", "y": "vote"})
    u = cs.utilities(x)[0]
    # A: weights x 2/3, y 1/3; vote worth 0*P(yes)+1*P(no) with P(yes)=0.3 -> 0.7
    assert u[0] == pytest.approx(2 / 3 * 0 + 1 / 3 * 0.7)
    # B: weights 1/2 each; x=low worth 1; vote worth 1*0.6 + 0*0.4 = 0.6
    assert u[1] == pytest.approx(0.5 * 1 + 0.5 * 0.6)


def test_interaction_bonus_applies_only_when_all_conditions_hold() -> None:
    from pathlib import Path

    s = load_scenario(Path(__file__).with_name("mini.yaml"))
    cs = prepare(s)
    with_bonus = cs.utilities(cs.encode({"x": "mid", "y": "vote"}))[0, 1]
    assert with_bonus == pytest.approx(0.5 * 0.7 + 0.5 * 0.6 + 0.05)
    without = cs.utilities(cs.encode({"x": "mid", "y": "no"}))[0, 1]
    assert without == pytest.approx(0.5 * 0.7)


def test_constraint_marks_packages_infeasible() -> None:
    from pathlib import Path

    s = load_scenario(Path(__file__).with_name("mini.yaml"))
    cs = prepare(s)
    grid = np.array(list(itertools.product(range(3), range(2))))
    ok = cs.feasible(grid)
    bad = {tuple(x) for x, f in zip(grid, ok, strict=True) if not f}
    assert bad == {(2, 1)}  # x=high with y=vote


def test_the_package_that_agrees_nothing_is_worth_no_deal() -> None:
    from pathlib import Path

    s = load_scenario(Path(__file__).with_name("mini.yaml"))
    cs = prepare(s)
    sq = cs.package("sq")  # agrees nothing: every issue at its status quo
    assert cs.utilities(sq)[0].tolist() == cs.no_deal.tolist()
    assert cs.accepts(sq).all() and cs.margin(sq)[0].tolist() == [0.0, 0.0]
    assert cs.is_agreement(sq).tolist() == [False]
    assert cs.state_utilities(sq)[0].tolist() != cs.no_deal.tolist()


def test_packages_shape_is_checked() -> None:
    s = scenario_from_data(random_scenario_data(1, 2, 3))
    with pytest.raises(InputError, match="shape"):
        prepare(s).utilities(np.zeros((2, 5), dtype=int))
