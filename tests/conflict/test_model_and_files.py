"""Model building, state enumeration, preference statements and the .gmcr reader."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from _gmcr_cases import MISPERCEPTIONS, case_files, load_case
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.conflict import (
    Condition,
    Direction,
    Prioritization,
    Ranking,
    analyze,
    build_model,
    enumerate_states,
    parse_statement,
    read_gmcr,
    read_transcribed,
    write_json,
)
from peacetable.errors import InputError


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.lists(st.tuples(st.integers(0, n - 1), st.booleans()), min_size=1, max_size=3),
                max_size=3,
            ),
            st.lists(
                st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True), max_size=2
            ),
            st.lists(
                st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True), max_size=2
            ),
        )
    )
)
def test_enumerate_states_matches_brute_force(args) -> None:  # type: ignore[no-untyped-def]
    n, conds, exclusive, exactly = args
    conditions = [Condition.from_pairs(c) for c in conds]
    got = enumerate_states(n, conditions, exclusive, exactly).tolist()
    expected = []
    for code in range(1 << n):
        bits = [code >> k & 1 for k in range(n)]
        if any(all(bits[k] == int(t) for k, t in c) for c in conds):
            continue
        if any(sum(bits[k] for k in e) > 1 for e in exclusive):
            continue
        if any(sum(bits[k] for k in e) != 1 for e in exactly):
            continue
        expected.append(code)
    assert got == expected


def test_pairwise_exclusion_counts() -> None:
    """8 pairs of mutually exclusive options: 3**8 states (the benchmark's 4 DMs x 16 options)."""
    pairs = [[2 * k, 2 * k + 1] for k in range(8)]
    assert len(enumerate_states(16, exclusive=pairs)) == 3**8


def test_statements() -> None:
    codes = np.arange(8)
    names = ["a", "b", "c"]

    def holds(text: str) -> list[int]:
        return np.flatnonzero(parse_statement(text, names).holds(codes)).tolist()

    assert holds("1") == [1, 3, 5, 7]
    assert holds("-1") == [0, 2, 4, 6]
    assert holds("1 & -2") == [1, 5]
    assert holds("1 AND NOT b") == [1, 5]
    assert holds("1 | 3") == [1, 3, 4, 5, 6, 7]
    assert holds("1 IF 2") == [0, 1, 3, 4, 5, 7]  # -2 | 1
    assert holds("1 IFF 2") == [0, 3, 4, 7]
    assert holds('(a | "c") & -b') == [1, 4, 5]
    for bad in ("1 &", "(1 | 2", "9", "zz", "1 2"):
        with pytest.raises(InputError):
            parse_statement(bad, names)


def test_prioritization_weights_and_ties() -> None:
    codes = np.arange(4)
    p = Prioritization((parse_statement("1"), parse_statement("2")))
    assert p.scores(codes).tolist() == [0, 2, 1, 3]
    assert p.payoffs(codes).tolist() == [1, 3, 2, 4]
    tied = Prioritization((parse_statement("1 | 2"),))
    assert tied.payoffs(codes).tolist() == [1, 2, 2, 2]


def test_ranking_with_ties_and_errors() -> None:
    codes = np.array([0, 1, 2, 3])
    assert Ranking(((3,), (1, 2), (0,))).payoffs(codes).tolist() == [1, 2, 2, 3]
    with pytest.raises(InputError, match="leaves out"):
        Ranking(((3,), (1,))).payoffs(codes)
    with pytest.raises(InputError, match="twice"):
        Ranking(((3,), (3,), (1, 2, 0))).payoffs(codes)
    with pytest.raises(InputError, match="not feasible"):
        Ranking(((7,),)).payoffs(codes)


def test_parse_state_and_direction() -> None:
    m = build_model(
        "m", [("o", "A", "only_on"), ("p", "B")], {"A": [1, 2, 3, 4], "B": [4, 3, 2, 1]}
    )
    assert m.options[0].direction is Direction.FORWARD
    assert m.parse_state("YN") == 1 and m.parse_state("2") == 2 and m.parse_state("#3") == 3
    for bad in ("YNY", "x", "#9", "9"):
        with pytest.raises(InputError):
            m.parse_state(bad)
    with pytest.raises(InputError, match="direction"):
        Direction.parse("sideways")
    with pytest.raises(InputError, match="no preferences"):
        build_model("m", [("o", "A")], {})


def test_gmcr_with_prioritized_preferences_and_misperceptions(tmp_path: Path) -> None:
    """A .gmcr file using option prioritization (AND conditions and an OR compound)."""
    doc = {
        "options": [
            {"name": "a", "permittedDirection": "both"},
            {"name": "b", "permittedDirection": "fwd"},
        ],
        "infeasibles": [],
        "useManualPreferenceRanking": False,
        "decisionMakers": [
            {
                "name": "A",
                "options": [0],
                "preferences": [[[1, "N"]], [[0, "Y"]]],
                "misperceptions": [],
            },
            {
                "name": "B",
                "options": [1],
                "preferences": [{"compound": True, "members": [[[0, "Y"]], [[1, "Y"]]]}],
                "misperceptions": [[[0, "Y"], [1, "Y"]]],
            },
        ],
        "coalitions": [0, 1],
    }
    path = tmp_path / "tiny.gmcr"
    path.write_text(json.dumps(doc))
    m = read_gmcr(path)
    assert m.name == "tiny" and m.dm_names == ["A", "B"]
    assert m.payoffs[0].tolist() == [3, 4, 1, 2]  # NN, YN, NY, YY: -b most important, then a
    assert m.payoffs[1].tolist() == [1, 2, 2, 2]  # a | b
    assert m.misperceived is not None and m.misperceived[1].tolist() == [False, False, False, True]
    assert m.meta["coalitions"] == [["A"], ["B"]]


def test_gmcr_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gmcr"
    bad.write_text("{ nope")
    with pytest.raises(InputError, match=r"bad.gmcr:1"):
        read_gmcr(bad)
    orphan = {"options": [{"name": "a"}], "decisionMakers": [], "infeasibles": []}
    with pytest.raises(InputError, match="no decision maker"):
        read_gmcr(orphan)
    with pytest.raises(InputError, match="missing field"):
        read_gmcr({"options": []})
    with pytest.raises(InputError, match="malformed"):
        read_gmcr({"options": [{"name": "a"}], "decisionMakers": [{"options": [0]}]})
    with pytest.raises(InputError, match="malformed"):
        read_transcribed({"options": [{"name": "a"}], "states": ["N", "Y"], "payoffs": {"A": [1]}})


@pytest.mark.external
def test_authored_gmcr_equals_its_transcription() -> None:
    if not case_files():
        pytest.skip("../shared/data/gmcr-cases is not available")
    for path in case_files():
        data = load_case(path)
        if not data.get("file"):
            continue
        a = read_gmcr(path.parent / data["file"])
        b = read_transcribed(data, MISPERCEPTIONS.get(data["case"]))
        assert np.array_equal(a.states, b.states)
        assert np.array_equal(a.payoffs, b.payoffs)
        assert [o.direction for o in a.options] == [o.direction for o in b.options]


def test_results_round_trip_as_json(tmp_path: Path) -> None:
    m = build_model("m", [("o", "A"), ("p", "B")], {"A": [1, 2, 3, 4], "B": [4, 3, 2, 1]})
    out = tmp_path / "r.json"
    write_json(analyze(m), out)
    data = json.loads(out.read_text())
    assert data["conflict"] == "m" and set(data["stable"]) == {"nash", "gmr", "smr", "seq", "sim"}
    again = read_transcribed(m.to_dict())
    assert np.array_equal(again.payoffs, m.payoffs)
    for code in product([0, 1], repeat=2):
        assert again.parse_state("".join("Y" if c else "N" for c in code)) >= 0
