"""The vectorised engine agrees with a naive textbook solver on random small conflicts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from _gmcr_cases import small_models
from _gmcr_naive import coalition, improvements, moves, stable
from hypothesis import given, settings

from peacetable.conflict import CONCEPTS, ConflictModel, analyze, build_model, explain
from peacetable.conflict.moves import Reachability, reach_min
from peacetable.errors import InputError


@settings(max_examples=30, deadline=None)
@given(small_models())
def test_every_concept_matches_the_definitions(model: ConflictModel) -> None:
    result = analyze(model)
    for concept in CONCEPTS:
        for i in range(model.n_dms):
            for s in range(model.n_states):
                assert result.stable[concept][i, s] == stable(model, concept, i, s), (concept, i, s)


@settings(max_examples=25, deadline=None)
@given(small_models())
def test_move_graphs_match_the_definitions(model: ConflictModel) -> None:
    reach = Reachability(model)
    for i in range(model.n_dms):
        for s in range(model.n_states):
            assert set(reach.moves(i).targets(s).tolist()) == moves(model, i, s)
            assert set(reach.improvements(i).targets(s).tolist()) == improvements(model, i, s)


@settings(max_examples=25, deadline=None)
@given(small_models())
def test_coalition_reach_min_is_min_over_legal_sequences(model: ConflictModel) -> None:
    reach = Reachability(model)
    members = list(range(1, model.n_dms))
    values = model.payoffs[0]
    for improving in (False, True):
        got = reach.coalition_reach_min(members, values, improving)
        for s in range(model.n_states):
            reached = coalition(model, members, s, improving) | {s}
            assert got[s] == min(values[t] for t in reached)


@settings(max_examples=30, deadline=None)
@given(small_models())
def test_explain_witnesses_are_legal_sanctions(model: ConflictModel) -> None:
    result = analyze(model)
    for i in range(model.n_dms):
        u = model.payoffs[i]
        for s in range(model.n_states):
            for d in explain(result, s, i):
                assert d.target in improvements(model, i, s) and d.gain > 0
                for concept in ("gmr", "seq", "smr"):
                    path = d.sanctions[concept]
                    if path is None:
                        assert not result.stable[concept][i, s]
                        continue
                    assert path[0].source == d.target and u[path[-1].target] <= u[s]
                    for a, b in itertools.pairwise(path):
                        assert a.dm != b.dm and a.target == b.source
                    for st in path:
                        assert st.dm != i
                        ok = improvements if concept == "seq" else moves
                        assert st.target in ok(model, st.dm, st.source)


def test_reach_min_on_a_cycle_and_a_tail() -> None:
    src, dst = np.array([0, 1, 1, 2]), np.array([1, 0, 2, 3])
    assert reach_min(5, src, dst, np.array([7, 6, 5, 9, 1])).tolist() == [5, 5, 5, 9, 1]


def test_prisoners_dilemma_textbook() -> None:
    """Mutual defection is the only Nash equilibrium; mutual cooperation is GMR/SMR/SEQ
    stable because each defection is punished by the other's credible counter-defection."""
    pd = build_model(
        "pd", [("defect", "A"), ("defect", "B")], {"A": [3, 4, 1, 2], "B": [3, 1, 4, 2]}
    )
    r = analyze(pd)
    assert r.equilibria("nash") == ["YY"]
    assert r.equilibria("gmr") == r.equilibria("smr") == r.equilibria("seq") == ["NN", "YY"]


def test_irreversible_option_blocks_moves_back() -> None:
    """A forward-only option once taken cannot be undone, so its holder has no move back."""
    m = build_model(
        "one-way", [("strike", "A", "fwd"), ("x", "B")], {"A": [1, 2, 3, 4], "B": [1, 1, 1, 1]}
    )
    reach = Reachability(m)
    assert reach.moves(0).targets(m.parse_state("YN")).tolist() == []
    assert reach.moves(0).targets(m.parse_state("NN")).tolist() == [m.parse_state("YN")]


def test_unknown_concept_is_an_input_error() -> None:
    m = build_model("m", [("o", "A"), ("p", "B")], {"A": [1, 2, 3, 4], "B": [4, 3, 2, 1]})
    with pytest.raises(InputError, match="unknown stability concept"):
        analyze(m, ["nash", "foo"])


def test_to_dict_is_json_ready() -> None:
    import json

    m = build_model("m", [("o", "A"), ("p", "B")], {"A": [1, 2, 3, 4], "B": [4, 3, 2, 1]})
    data = analyze(m).to_dict()
    json.dumps(data)
    assert data["equilibria"]["nash"] == analyze(m).equilibria("nash")
    assert data["states"][0]["yn"] == "NN"


def test_huge_and_negative_payoffs_are_only_compared() -> None:
    m = build_model(
        "big",
        [("a", "A"), ("b", "B")],
        {"A": [10**17, -(10**17), 5 * 10**17, 3], "B": [1, 2, 3, 4]},
    )
    result = analyze(m)
    for concept in CONCEPTS:
        for i in range(2):
            for s in range(4):
                assert result.stable[concept][i, s] == stable(m, concept, i, s)
