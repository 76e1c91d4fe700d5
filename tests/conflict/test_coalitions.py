"""Coalition analysis against the definitions of Kilgour, Hipel, Fang & Peng (2001)."""

from __future__ import annotations

from _gmcr_cases import small_models
from _gmcr_naive import coalition, coalition_stable
from hypothesis import given, settings

from peacetable.conflict import (
    ConflictModel,
    build_model,
    coalition_analysis,
    coalition_improvements,
)


@settings(max_examples=30, deadline=None)
@given(small_models(max_options=5, max_dms=3))
def test_coalition_stability_matches_definition(model: ConflictModel) -> None:
    r = coalition_analysis(model)
    for i in range(model.n_dms):
        for s in range(model.n_states):
            assert r.stable[i, s] == coalition_stable(model, i, s)
    members = [0, 1]
    for s in range(model.n_states):
        expected = sorted(
            t
            for t in coalition(model, members, s, False)
            if all(model.payoffs[j, t] > model.payoffs[j, s] for j in members)
        )
        assert coalition_improvements(model, members, s) == expected


def test_prisoners_dilemma_has_no_coalition_equilibrium() -> None:
    pd = build_model(
        "pd", [("defect", "A"), ("defect", "B")], {"A": [3, 4, 1, 2], "B": [3, 1, 4, 2]}
    )
    r = coalition_analysis(pd)
    assert r.equilibria() == []
    assert r.to_dict()["improvable"]["A + B"] == ["YY"]
