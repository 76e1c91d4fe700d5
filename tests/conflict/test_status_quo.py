"""Status quo analysis: shortest legal paths, against a naive search."""

from __future__ import annotations

import itertools

from _gmcr_cases import small_models
from _gmcr_naive import improvements, moves
from hypothesis import given, settings

from peacetable.conflict import ConflictModel, analyze, build_model, status_quo_analysis


def _naive_steps(model: ConflictModel, start: int, improving: bool) -> dict[int, int]:
    step = improvements if improving else moves
    dist = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for s in frontier:
            for i in range(model.n_dms):
                for t in step(model, i, s):
                    if t not in dist:
                        dist[t] = dist[s] + 1
                        nxt.append(t)
        frontier = nxt
    return dist


@settings(max_examples=25, deadline=None)
@given(small_models())
def test_steps_and_paths(model: ConflictModel) -> None:
    for improving in (True, False):
        r = status_quo_analysis(model, 0, improvements_only=improving)
        naive = _naive_steps(model, 0, improving)
        for s in range(model.n_states):
            assert r.steps[s] == naive.get(s, -1)
            path = r.path(s)
            assert len(path) == max(int(r.steps[s]), 0)
            for a, b in itertools.pairwise(path):
                assert a.dm != b.dm and a.target == b.source  # a legal move sequence
            for st in path:
                ok = improvements if improving else moves
                assert st.target in ok(model, st.dm, st.source)


def test_prisoners_dilemma_from_cooperation_reaches_defection() -> None:
    pd = build_model(
        "pd", [("defect", "A"), ("defect", "B")], {"A": [3, 4, 1, 2], "B": [3, 1, 4, 2]}
    )
    r = status_quo_analysis(pd, pd.parse_state("NN"), stability=analyze(pd))
    yy = pd.parse_state("YY")
    assert r.equilibria["nash"] == [yy]
    assert r.steps[yy] == 2
    assert [pd.dm_names[s.dm] for s in r.path(yy)] in (["A", "B"], ["B", "A"])
    data = r.to_dict()
    assert data["equilibria"]["nash"][0] == {
        "state": "YY",
        "reachable": True,
        "steps": 2,
        "path": data["equilibria"]["nash"][0]["path"],
    }
