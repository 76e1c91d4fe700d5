"""The lens on the embedded scenario: a safe schedule, the Minsk comparison, determinism, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from peacetable.errors import InputError, ScenarioError
from peacetable.scenarios import load_builtin
from peacetable.sequence.lens import SequenceSettings, not_applicable, run
from peacetable.sequence.scenario import plan_from_scenario


@pytest.fixture(scope="module")
def ukraine():  # type: ignore[no-untyped-def]
    return load_builtin("ukraine-2022")


def test_embedded_plan_has_a_proven_optimal_safe_schedule(ukraine) -> None:  # type: ignore[no-untyped-def]
    result = run(ukraine)
    assert result.schedule.status == "optimal" and result.schedule.gap == 0.0
    assert result.safe is not None and all(result.safe.values())
    for row in result.phases:
        assert all(v <= 0.05 + 1e-9 for v in row.exposure.values())
    json.dumps(result.to_dict())


def test_step_values_add_up_to_the_proposal(ukraine) -> None:  # type: ignore[no-untyped-def]
    from peacetable.core import prepare

    plan = plan_from_scenario(ukraine)
    c = prepare(ukraine)
    target = c.utilities(c.encode(ukraine.proposal("seven-points").package))[0]
    assert np.allclose((plan.base + plan.value.sum(axis=0)) / 10_000, target, atol=5e-4)


def test_minsk_readings_side_by_side(ukraine) -> None:  # type: ignore[no-untyped-def]
    result = run(ukraine)
    kyiv, moscow = result.comparisons["minsk"]
    assert (kyiv.reading, moscow.reading) == ("kyiv", "moscow")
    assert kyiv.found and moscow.found
    assert kyiv.worst_exposure is not None and moscow.worst_exposure is not None
    # elections before border control leave Ukraine more exposed than the reverse order
    assert moscow.worst_exposure["UA"] > kyiv.worst_exposure["UA"]


def test_imposed_reading_and_self_enforcement(ukraine) -> None:  # type: ignore[no-untyped-def]
    result = run(ukraine, SequenceSettings(readings={"minsk": "kyiv"}, compare=False))
    phases = result.schedule.phases
    plan = result.plan
    assert phases is not None
    border = plan.units_of(plan.step_ids.index("border_control"))
    elections = plan.units_of(plan.step_ids.index("local_elections"))
    assert phases[border].max() < phases[elections].min()
    # the scenario's no-deal utilities exceed every principal's utility of the whole plan
    strict = run(ukraine, SequenceSettings(self_enforcing=True, compare=False))
    assert strict.schedule.status == "infeasible"
    assert strict.conflict is not None and strict.conflict.verified_minimal
    assert len(strict.conflict.constraints) == 1
    assert strict.conflict.constraints[0].startswith("self-enforcement of")


def test_same_seed_same_result(ukraine) -> None:  # type: ignore[no-untyped-def]
    a = run(ukraine, SequenceSettings(objective="duration", compare=False)).to_dict()
    b = run(ukraine, SequenceSettings(objective="duration", compare=False)).to_dict()
    a.pop("provenance"), b.pop("provenance")
    assert a == b


def test_errors(ukraine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="objective"):
        run(ukraine, SequenceSettings(objective="fastest"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="reading"):
        run(ukraine, SequenceSettings(readings={"minsk": "paris"}))
    with pytest.raises(ScenarioError, match="no implementation plan for proposal"):
        run(ukraine, SequenceSettings(proposal="russia-demands"))
    bare = ukraine.model_copy(update={"implementation": ()})
    assert not_applicable(bare) is not None and not_applicable(ukraine) is None
    with pytest.raises(InputError, match="no_deal"):
        run(ukraine, no_deal=[0.1, 0.2])


def test_chart(ukraine) -> None:  # type: ignore[no-untyped-def]
    from peacetable.errors import AnalysisError
    from peacetable.sequence.chart import gantt_figure

    result = run(ukraine, SequenceSettings(compare=False))
    fig = gantt_figure(result)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == result.plan.n_units
    infeasible = run(ukraine, SequenceSettings(self_enforcing=True, compare=False, explain=False))
    with pytest.raises(AnalysisError, match="no schedule"):
        gantt_figure(infeasible)
