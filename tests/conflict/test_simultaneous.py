"""SIM for any number of decision makers (GMCR+'s definition) against a brute-force solver."""

from __future__ import annotations

import numpy as np
import pytest
from _gmcr_cases import models_with_dependencies, small_models
from _gmcr_naive import improvements, sim_sanctioned, stable
from hypothesis import given, settings

from peacetable.conflict import CONCEPTS, ConflictModel, analyze, build_model, explain
from peacetable.conflict import simultaneous as sim
from peacetable.conflict.moves import Reachability


def _check_sim(model: ConflictModel) -> None:
    result = analyze(model, ["sim"])
    for i in range(model.n_dms):
        for s in range(model.n_states):
            expected = all(sim_sanctioned(model, i, s, s1) for s1 in improvements(model, i, s))
            assert result.stable["sim"][i, s] == expected, (i, s)


@settings(max_examples=50, deadline=None)
@given(small_models(max_options=6, max_dms=5))
def test_sim_matches_brute_force_2_to_5_dms(model: ConflictModel) -> None:
    _check_sim(model)


@settings(max_examples=25, deadline=None)
@given(small_models(max_options=6, max_dms=5))
def test_sim_every_path_of_the_search(model: ConflictModel) -> None:
    """Tiny chunks and a tiny combination limit force chunking and the candidate-state test."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim, "CHUNK", 3)
        mp.setattr(sim, "MAX_BOX", 2)
        _check_sim(model)


@settings(max_examples=20, deadline=None)
@given(small_models(max_options=5, max_dms=5))
def test_sim_witness_is_a_smallest_sanction(model: ConflictModel) -> None:
    result = analyze(model, ["sim"])
    codes = model.states
    for i in range(model.n_dms):
        u = model.payoffs[i]
        for s in range(model.n_states):
            for d in explain(result, s, i):
                steps = d.sanctions["sim"]
                assert (steps is not None) == sim_sanctioned(model, i, s, d.target)
                if steps is None:
                    continue
                movers = [st.dm for st in steps]
                assert len(set(movers)) == len(movers) and i not in movers
                if len(movers) > 1:  # no smaller set of opponents sanctions it
                    assert not sim_sanctioned(model, i, s, d.target, most=len(movers) - 1)
                joint = codes[d.target]
                for st in steps:
                    assert st.source == s and st.target in improvements(model, st.dm, s)
                    joint ^= codes[st.target] ^ codes[s]
                assert codes[d.ends["sim"]] == joint and u[d.ends["sim"]] <= u[s]


def test_two_opponents_together_sanction_what_neither_can_alone() -> None:
    """A's move from NNN is punished only when B and C both move at once (to YYY)."""
    m = build_model(
        "three",
        [("a", "A"), ("b", "B"), ("c", "C")],
        {
            "A": [2, 3, 3, 3, 3, 3, 3, 1],
            "B": [1, 1, 2, 2, 1, 1, 2, 2],
            "C": [1, 1, 1, 1, 2, 2, 2, 2],
        },
    )
    s = m.parse_state("NNN")
    assert analyze(m, ["sim"]).is_stable("sim", "A", s)
    [d] = explain(analyze(m, ["sim"]), s, "A")
    assert sorted(m.dm_names[st.dm] for st in d.sanctions["sim"]) == ["B", "C"]
    assert m.yn(d.ends["sim"]) == "YYY"


def test_two_dms_unchanged() -> None:
    """With two DMs the only set of opponents is the one opponent: chicken's classic answer."""
    chicken = build_model(
        "chicken", [("straight", "A"), ("straight", "B")], {"A": [3, 4, 2, 1], "B": [3, 2, 4, 1]}
    )
    assert analyze(chicken, ["sim"]).equilibria("sim") == ["NN", "YN", "NY"]


@settings(max_examples=40, deadline=None)
@given(models_with_dependencies())
def test_models_with_dependencies_match_the_definitions(model: ConflictModel) -> None:
    """Moves that void options, their closure, and every concept, against the naive solver."""
    from _gmcr_naive import moves

    reach = Reachability(model)
    for i in range(model.n_dms):
        for s in range(model.n_states):
            assert set(reach.moves(i).targets(s).tolist()) == moves(model, i, s)
    result = analyze(model)
    for concept in CONCEPTS:
        for i in range(model.n_dms):
            for s in range(model.n_states):
                assert result.stable[concept][i, s] == stable(model, concept, i, s), (concept, i, s)


def test_too_many_combinations_with_dependencies_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from peacetable.conflict import Dependency
    from peacetable.errors import AnalysisError

    m = build_model(
        "deps",
        [("a", "A"), ("b", "B"), ("c", "C"), ("t", None)],
        {"A": list(range(12)), "B": list(range(12, 0, -1)), "C": [1] * 12},
        decision_makers=["A", "B", "C"],
        dependencies=[Dependency(frozenset({3}), frozenset({0}))],
    )
    assert m.n_states == 16 - 4  # the held term t without a
    monkeypatch.setattr(sim, "MAX_COMBINATIONS", 0)
    with pytest.raises(AnalysisError, match="combinations"):
        analyze(m, ["sim"])
    assert np.all(analyze(m, ["nash"]).stable["nash"][2])


def test_a_fallback_that_depends_on_something_is_refused() -> None:
    from peacetable.conflict import Dependency
    from peacetable.errors import InputError

    cycle = [
        Dependency(frozenset({2}), frozenset({0}), fallback=3),
        Dependency(frozenset({3}), frozenset({1}), fallback=2),
    ]
    with pytest.raises(InputError, match="fallback") as info:
        build_model(
            "cycle",
            [("a", "A"), ("b", "B"), ("c", None), ("d", None)],
            {"A": [1] * 16, "B": [1] * 16},
            decision_makers=["A", "B"],
            dependencies=cycle,
        )
    assert (
        info.value.location is not None and info.value.location.field == "dependencies[0].fallback"
    )
