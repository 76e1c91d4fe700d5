"""Proposal diagnostics against brute-force enumeration on random scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _random_scenarios import brute, random_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis.amendments import (
    acceptance_fixes,
    count_neighbours,
    fewest_change_improvements,
)
from peacetable.analysis.diagnostics import (
    ProposalDiagnosis,
    deal_breakers,
    diagnose_proposal,
    dominating_package,
)
from peacetable.core import prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.io import load_scenario

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def _pkgs(solutions: tuple) -> set[tuple[str, ...]]:  # type: ignore[type-arg]
    return {tuple(s.package.values()) for s in solutions}


def _decode_set(scenario, rows: np.ndarray) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    cs = prepare(scenario)
    return {tuple(cs.package_dict(r).values()) for r in rows}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), which=st.integers(0, 1), kmax=st.integers(1, 3))
def test_fewest_change_improvements_equal_brute_force(seed: int, which: int, kmax: int) -> None:
    s = random_scenario(seed)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve(f"d{which}")
    u0 = prepare(s).utilities(base)[0]
    dist = (x != base).sum(axis=1)
    dom = ok & (u >= u0).all(axis=1) & (u > u0).any(axis=1)
    res = fewest_change_improvements(s, f"d{which}", max_changes=kmax, limit=10**6)
    within = dom & (dist <= kmax)
    if not within.any():
        assert res.min_changes is None and not res.solutions
        assert res.statement.startswith(("no package within", "no feasible package at all"))
        assert res.exists == bool(dom.any())
        if dom.any():
            assert res.upper_bound is not None
            assert kmax < int(dist[dom].min()) <= res.upper_bound
            assert (dist[dom] == res.upper_bound).any()
            # the mixed-integer program finds the exact fewest changes beyond the bound
            assert res.fewest_beyond == int(dist[dom].min())
            assert res.nearest is not None and len(res.nearest.changes) == res.fewest_beyond
            assert f"changes {res.fewest_beyond} provisions: " in res.statement
        assert res.n_checked == sum(
            count_neighbours(prepare(s).n_options, k) for k in range(1, kmax + 1)
        )
    else:
        k = int(dist[within].min())
        assert res.min_changes == k
        expected = _decode_set(s, x[within & (dist == k)])
        assert _pkgs(res.solutions) == expected
        assert res.n_solutions == len(expected)
        gains = [sol.joint_gain for sol in res.solutions]
        assert gains == sorted(gains, reverse=True)
    # efficiency matches the definition
    efficient, better, _ = dominating_package(s, f"d{which}")
    if ok[(x == base).all(axis=1)][0]:
        assert efficient == (not dom.any())
        if better is not None:
            assert dom[(x == better).all(axis=1)][0]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), kmax=st.integers(1, 3), pick=st.integers(0, 10**6))
def test_acceptance_fixes_equal_brute_force(seed: int, kmax: int, pick: int) -> None:
    s = random_scenario(seed)
    cs = prepare(s)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve("d0")
    u0 = cs.utilities(base)[0]
    nd = cs.no_deal
    accepted = u0 >= nd
    party = None if pick % 3 == 0 else cs.party_ids[pick % cs.n_parties]
    need = np.ones(cs.n_parties, dtype=bool)
    if party is not None:
        need = accepted.copy()
        need[cs.party_ids.index(party)] = True
    res = acceptance_fixes(s, "d0", party=party, max_changes=kmax, limit=10**6)
    if accepted[need].all() and not cs.is_no_deal(base)[0]:
        assert res.min_changes == 0
        return
    # the no-deal package is worth exactly no deal but is no agreement: a real one is searched
    dist = (x != base).sum(axis=1)
    good = ok & (u[:, need] >= nd[need]).all(axis=1) & (dist <= kmax)
    if not good.any():
        assert res.min_changes is None
        assert res.statement.startswith(("no package within", "no feasible package at all"))
        anywhere = ok & (u[:, need] >= nd[need]).all(axis=1)
        assert res.exists == bool(anywhere.any())
        if anywhere.any():
            assert res.upper_bound is not None
            assert kmax < int(dist[anywhere].min()) <= res.upper_bound
            assert (dist[anywhere] == res.upper_bound).any()
            # the mixed-integer program finds the exact fewest changes beyond the bound
            assert res.fewest_beyond == int(dist[anywhere].min())
            assert res.nearest is not None and len(res.nearest.changes) == res.fewest_beyond
            assert f"changes {res.fewest_beyond} provisions: " in res.statement
        return
    k = int(dist[good].min())
    assert res.min_changes == k
    assert _pkgs(res.solutions) == _decode_set(s, x[good & (dist == k)])
    margins = [
        min(sol.utilities[p] - nd[j] for j, p in enumerate(cs.party_ids) if need[j])
        for sol in res.solutions
    ]
    assert margins == sorted(margins, reverse=True)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_deal_breakers_equal_brute_force(seed: int) -> None:
    s = random_scenario(seed)
    cs = prepare(s)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve("d1")
    u0 = cs.utilities(base)[0]
    result = deal_breakers(s, "d1")
    for p, view in enumerate(result):
        assert view.accepts == (u0[p] >= cs.no_deal[p])
        losses = [e.loss for e in view.provisions]
        assert losses == sorted(losses, reverse=True)
        for eff in view.provisions:
            i = cs.issue_ids.index(eff.issue)
            rows = ok & ((x != base).sum(axis=1) == 1) & (x[:, i] != base[i])
            best = max([u0[p], *u[rows, p].tolist()])
            assert eff.loss == pytest.approx(best - u0[p], abs=1e-12)
            flips = {cs.option_ids[i][o] for o in x[rows & (u[:, p] >= cs.no_deal[p]), i]}
            if view.accepts:
                assert eff.accept_if == ()
                drops = {cs.option_ids[i][o] for o in x[rows & (u[:, p] < cs.no_deal[p]), i]}
                assert set(eff.reject_if) == drops
            else:
                assert set(eff.accept_if) == flips
                assert eff.deal_breaker == bool(flips)


def test_diagnose_mini_scenario() -> None:
    s = load_scenario(MINI)
    d = diagnose_proposal(s, "p1")
    assert d.proposal == "p1"
    assert d.feasible
    data = d.to_dict()
    assert set(data) >= {"efficient", "rejecting", "improvements", "acceptance", "parties", "fixes"}
    assert data["provenance"]["exact"] is True
    for p in d.rejecting:
        assert p in d.fixes
    summary = d.summary()
    assert summary["rejecting"] == list(d.rejecting)
    assert set(summary["to_win_over"]) == set(d.rejecting)
    assert summary["improvement"] == d.improvements.statement
    # B values x=mid at 0.7 and the vote bonus; A rejects? check against utilities directly
    for p, ok in d.accepts.items():
        assert ok == (d.utilities[p] >= d.no_deal[p])


def test_status_quo_and_mapping_and_errors() -> None:
    s = load_scenario(MINI)
    sq, pid = prepare(s).resolve(None)
    assert pid is None and s.status_quo_package() == prepare(s).package_dict(sq)
    with pytest.raises(InputError, match="did you mean 'p1'"):
        prepare(s).resolve("p11")
    with pytest.raises(InputError, match="did you mean 'mid'"):
        prepare(s).resolve({"x": "midd"})
    with pytest.raises(InputError, match="unknown party"):
        acceptance_fixes(s, "p1", party="Q")
    with pytest.raises(InputError):
        prepare(s).resolve([0, 7])
    with pytest.raises(AnalysisError, match="budget"):
        fewest_change_improvements(s, "sq", max_changes=2, budget=1)


def test_infeasible_proposal_is_reported() -> None:
    s = load_scenario(MINI)
    d = diagnose_proposal(s, {"x": "high", "y": "vote"})
    assert not d.feasible and d.efficient is None
    assert d.violated and "high X rules out a vote" in d.violated[0]


def test_two_change_trade_is_found_when_no_single_change_improves() -> None:
    from peacetable.io import scenario_from_data

    data = {
        "id": "t",
        "title": "t",
        # the status quo here is an ordinary package: no package is no deal
        "disagreement": {"package": "none"},
        "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
        "issues": [
            {
                "id": "x",
                "name": "X",
                "options": [{"id": "a", "label": "a"}, {"id": "b", "label": "b"}],
            },
            {
                "id": "y",
                "name": "Y",
                "options": [{"id": "a", "label": "a"}, {"id": "b", "label": "b"}],
            },
        ],
        "preferences": {
            "A": {
                "weights": {"x": 3, "y": 1},
                "values": {"x": {"a": 0, "b": 1}, "y": {"a": 1, "b": 0}},
            },
            "B": {
                "weights": {"x": 1, "y": 3},
                "values": {"x": {"a": 1, "b": 0}, "y": {"a": 0, "b": 1}},
            },
        },
    }
    s = scenario_from_data(data)
    one = fewest_change_improvements(s, {"x": "a", "y": "a"}, max_changes=1)
    assert one.min_changes is None and "at most 1 provision " in one.statement
    two = fewest_change_improvements(s, {"x": "a", "y": "a"}, max_changes=2)
    assert two.min_changes == 2
    assert two.solutions[0].changes == {"x": ("a", "b"), "y": ("a", "b")}
    assert two.solutions[0].gains == {"A": 0.5, "B": 0.5}


@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), which=st.integers(0, 1))
def test_efficiency_by_frontier_dp_equals_enumeration(seed: int, which: int) -> None:
    s = random_scenario(seed)
    x, u, ok = brute(s)
    base, _ = prepare(s).resolve(f"d{which}")
    u0 = u[(x == base).all(axis=1)][0]
    dominated = (ok & (u >= u0).all(axis=1) & (u > u0).any(axis=1)).any()
    efficient, better, method = dominating_package(s, f"d{which}")
    assert method == "dp-dominance"
    assert efficient == (not dominated)
    if better is not None:
        j = (x == better).all(axis=1)
        assert ok[j][0] and (u[j][0] >= u0).all() and (u[j][0] > u0).any()


def test_improve_cli_json_and_bad_input() -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from peacetable.cli.improve import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["improve", "p1", "--scenario", str(MINI), "--json", "-k", "2"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["diagnosis"]["proposal"] == "p1"
    assert set(data["single_text"]) == {"unanimous", "maximin"}
    assert "improvements" in data["post_settlement"]
    table = runner.invoke(app, ["improve", "p1", "--scenario", str(MINI)])
    assert table.exit_code == 0 and "Single negotiating text" in table.stdout
    bad = runner.invoke(app, ["improve", "p11", "--scenario", str(MINI)])
    assert bad.exit_code == 2 and "did you mean 'p1'" in bad.output
    assert "Example:" in runner.invoke(app, ["improve", "--help"]).stdout


def _scipy_01_program(
    cost: np.ndarray,
    integer: np.ndarray,
    rows: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    time_limit: float,
) -> tuple[np.ndarray | None, bool]:
    """The same program through SciPy's own build of HiGHS (``scipy.optimize.milp``)."""
    import warnings

    from scipy.optimize import Bounds, LinearConstraint, milp

    n = cost.size
    options = {
        "time_limit": time_limit,
        "mip_rel_gap": 0.0,
        "mip_feasibility_tolerance": 1e-9,
        "primal_feasibility_tolerance": 1e-9,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # options SciPy passes on verbatim
        res = milp(
            cost,
            integrality=integer.astype(float),
            bounds=Bounds(np.zeros(n), np.ones(n)),
            constraints=LinearConstraint(rows, lower, upper),
            options=options,
        )
    return (res.x if res.status == 0 else None), res.status == 1


def test_the_nearest_package_beyond_the_exhaustive_search_does_not_depend_on_the_solver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond ``max_changes`` the nearest package comes from a MILP; among packages as near,
    the one with the greatest total utility is chosen, so HiGHS through ``highspy`` and
    SciPy's separate build of it (which break ties differently) give the same answers."""
    import peacetable.analysis.amendments as amendments
    from peacetable.scenarios import load_builtin

    p = prepare(load_builtin())
    ids = ("seven-points", "seven-points-china", "ukraine-west-position")
    ours = [diagnose_proposal(p, pid, max_changes=2) for pid in ids]
    monkeypatch.setattr(amendments, "solve_01_program", _scipy_01_program)
    theirs = [diagnose_proposal(p, pid, max_changes=2) for pid in ids]

    def searches(d: ProposalDiagnosis) -> list[tuple[str, int | None, str]]:
        return [
            (c.question, c.fewest_beyond, c.statement)
            for c in (d.improvements, d.acceptance, *d.fixes.values())
        ]

    answers = [searches(d) for d in ours]
    assert answers == [searches(d) for d in theirs]
    assert sum(beyond is not None for a in answers for _, beyond, _ in a) >= 2  # MILP answers
