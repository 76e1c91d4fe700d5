"""External worked case: the CFE treaty's reduction schedule (docs/sequence.md, "Checks")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetable.io import load_scenario
from peacetable.model import Scenario
from peacetable.sequence.lens import SequenceSettings, run
from peacetable.sequence.scenario import plan_from_scenario

CFE = Path(__file__).resolve().parent / "data" / "cfe-1990.yaml"


@pytest.fixture(scope="module")
def cfe() -> Scenario:
    return load_scenario(CFE)


@pytest.mark.parametrize("objective", ["phases", "duration"])
def test_three_reduction_phases_after_the_baseline_inspections(
    cfe: Scenario, objective: str
) -> None:
    result = run(cfe, SequenceSettings(objective=objective))  # type: ignore[arg-type]
    assert result.schedule.status == "optimal"
    assert result.safe == {"WEST": True, "EAST": True}
    rows = [r for r in result.phases if r.phase is not None]
    assert [r.units for r in rows] == [
        ("baseline_west", "baseline_east"),
        ("east_reduction#1", "west_reduction#1"),
        ("east_reduction#2", "west_reduction#2"),
        ("east_reduction#3", "west_reduction#3"),
    ]
    # 120-day baseline period, then the treaty's deadlines: 16, 28 and 40 months
    assert [r.end_month for r in rows] == [4.0, 16.0, 28.0, 40.0]


def test_cumulative_shares_are_the_treatys(cfe: Scenario) -> None:
    plan = plan_from_scenario(cfe)
    result = run(cfe)
    east = plan.units_of(plan.step_ids.index("east_reduction"))
    total = plan.value[east, 1].sum()
    shares = [plan.value[east[: k + 1], 1].sum() / total for k in range(3)]
    assert np.allclose(shares, [0.25, 0.60, 1.0], atol=1e-3)
    assert result.schedule.phases is not None
    assert result.schedule.phases[east].tolist() == [2, 3, 4]


def test_a_looser_bound_merges_phases(cfe: Scenario) -> None:
    """The three-phase structure is forced by the bound: at 0.2 two reduction phases suffice."""
    plan = cfe.implementation[0]
    loose = cfe.model_copy(
        update={
            "implementation": (
                plan.model_copy(
                    update={
                        "exposure_bound": plan.exposure_bound.model_copy(
                            update={"value": 0.2, "range": None}
                        )
                    }
                ),
            )
        }  # type: ignore[union-attr]
    )
    result = run(loose)
    assert result.schedule.status == "optimal"
    assert result.schedule.objective_value == 3.0


def test_self_enforcing_under_the_stated_no_deal(cfe: Scenario) -> None:
    result = run(cfe, SequenceSettings(self_enforcing=True))
    assert result.schedule.status == "optimal"
    assert result.self_enforcing == {"WEST": True, "EAST": True}


def test_without_inspections_first_the_reductions_start_at_once(cfe: Scenario) -> None:
    plan = cfe.implementation[0]
    relaxed = cfe.model_copy(
        update={"implementation": (plan.model_copy(update={"constraints": plan.constraints[4:]}),)}
    )
    result = run(relaxed)
    assert result.schedule.objective_value == 3.0  # baselines ride along with the first tranche
