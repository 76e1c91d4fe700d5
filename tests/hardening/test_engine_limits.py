"""Time and memory limits of the analysis engines: refusals before work, labelled approximations.

Each engine is driven into its limit on a small synthetic space (no external data), so the
tests are cheap; ``test_bad_inputs_cli.py`` pins the same behaviour on the 50-party case
through the command line, and ``benchmarks/bench_limits.py`` times it.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from peacetable.analysis import _milp
from peacetable.analysis._budget import Deadline, check_memory, require_agreements
from peacetable.analysis.frontier import FrontierTooLarge, pareto_frontier
from peacetable.analysis.ripeness import ripeness
from peacetable.analysis.robust_search import robust_package
from peacetable.analysis.robustness import acceptability
from peacetable.analysis.solutions import solve_all
from peacetable.analysis.zopa import zopa
from peacetable.analyze import TIME_SHARES, analysis_settings, analyze
from peacetable.core import Session, Settings, prepare
from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError, InputError
from peacetable.forecast.data import ForecastProblem, problem_from_arrays
from peacetable.forecast.exchange import exchange_model
from peacetable.forecast.scenario import forecast_scenario
from peacetable.io import load_scenario
from peacetable.model import Scenario
from peacetable.scenarios import load_builtin

MINI = "tests/model/mini.yaml"


def _crowd(parties: int = 12, issues: int = 8, options: int = 6, seed: int = 3) -> AgreementSpace:
    """Many parties with independent random values: nearly every package is efficient."""
    rng = np.random.default_rng(seed)
    tables = [rng.random((options, parties)) / issues for _ in range(issues)]
    return AgreementSpace.from_arrays(tables, np.full(parties, 0.45))


# ---------------------------------------------------------------- the budget itself


def test_deadline_parts_share_what_is_left_and_cuts_propagate() -> None:
    outer = Deadline(10.0)
    inner = outer.part(0.5)
    assert inner.limit is not None and 4.9 < inner.limit <= 5.0
    assert inner.seconds == 10.0  # messages name the limit the user set
    assert not outer.cut
    inner.mark_cut()
    assert outer.cut
    assert Deadline(None).remaining() == math.inf and not Deadline(None).expired()
    done = Deadline(0.0)
    assert done.expired() and done.cut
    assert "stopped at the 0 s time limit" in done.note()


def test_memory_is_checked_before_allocating() -> None:
    with pytest.raises(AnalysisError, match=r"needs 2\.0 GiB of working memory \(limit 1\.0 GiB\)"):
        check_memory(2**31, "a table", 2**30, "use fewer options")


def test_settings_validate_the_limits() -> None:
    assert Settings().time_limit == 30.0 and Settings(time_limit=None).time_limit is None
    for bad in (0, -1.0, float("nan"), "10"):
        with pytest.raises(InputError, match="time_limit"):
            Settings(time_limit=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="memory_limit"):
        Settings(memory_limit=1024)


def test_analysis_settings_share_the_time_between_the_long_lenses() -> None:
    scenario = load_scenario(MINI)
    s = analysis_settings(scenario, None, time_limit=100.0)
    n_props = len(scenario.proposals)
    assert s.time_limit == 100.0
    assert s.lens_options["ripeness"]["time_limit"] == pytest.approx(100 * TIME_SHARES["ripeness"])
    assert s.lens_options["diagnosis"]["time_limit"] == pytest.approx(
        100 * TIME_SHARES["diagnosis"] / n_props
    )
    assert sum(v for k, v in TIME_SHARES.items() if k != "frontier") <= 1.0
    assert sum(TIME_SHARES.values()) <= 1.0  # the report's frontier too
    assert s.lens_options["forecast"]["time_limit"] == pytest.approx(100 * TIME_SHARES["forecast"])
    assert analysis_settings(scenario, None, time_limit=None).lens_options == {}


# ---------------------------------------------------------------- constraints that exclude all


def _all_excluded() -> Scenario:
    data = load_scenario(MINI).model_dump(mode="python")
    data["constraints"] = [
        {"excludes": {"x": x, "y": y}} for x in ("low", "mid", "high") for y in ("no", "vote")
    ]
    data["proposals"] = []
    return Scenario.model_validate(data)


def test_constraints_that_exclude_every_package_are_refused_by_every_space_lens() -> None:
    scenario = _all_excluded()
    with pytest.raises(AnalysisError, match=r"exclude every one of the 6 packages"):
        require_agreements(prepare(scenario).space)
    session = Session(scenario, Settings(samples=200, ripeness_samples=50, horizon=3))
    for key in ("frontier", "solutions", "zopa", "robust_package", "ripeness"):
        found = session.result(key)
        assert "exclude every one of the 6 packages" in getattr(found, "reason", ""), key
    # the engines themselves answer the empty space without crashing
    space = prepare(scenario).space
    assert pareto_frontier(space).size == 0
    assert zopa(space).exists is False and zopa(space).count == 0
    assert all(s.package is None for s in solve_all(space, method="milp").values())


# ---------------------------------------------------------------- frontier


def test_frontier_refuses_before_a_stage_it_cannot_finish_and_reports_its_growth() -> None:
    space = _crowd()
    started = time.perf_counter()
    with pytest.raises(FrontierTooLarge) as info:
        pareto_frontier(space, time_limit=0.05)
    assert time.perf_counter() - started < 5.0
    message = str(info.value)
    assert "the exact Pareto frontier is too large to build: after" in message
    assert "growth per group:" in message and "with 12 parties nearly every package" in message
    assert "time limit" in message


def test_frontier_refuses_a_stage_over_the_memory_limit() -> None:
    with pytest.raises(
        FrontierTooLarge, match=r"candidate vectors of 12 utilities .* memory limit"
    ):
        pareto_frontier(_crowd(), memory_limit=1 << 20)


def test_frontier_within_its_limits_is_unchanged() -> None:
    space = AgreementSpace.from_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], no_deal=[0, 0])
    limited = pareto_frontier(space, time_limit=30.0, memory_limit=1 << 30)
    assert limited.points.tolist() == pareto_frontier(space).points.tolist()
    assert limited.provenance.exact


# ---------------------------------------------------------------- programs with a time limit


def test_solutions_cut_by_time_are_labelled_with_their_bound() -> None:
    space = _crowd(parties=8, issues=10, options=6)
    exact = solve_all(space, method="milp")
    assert all(s.exact for s in exact.values())
    cut = solve_all(space, method="milp", time_limit=0.0)
    for sol in cut.values():
        assert not sol.exact and "time limit" in (sol.provenance.bound or "")
        assert sol.package is None and sol.note == "no package found within the time limit"


def test_a_milp_stopped_by_time_returns_its_best_package_and_the_solver_bound() -> None:
    space = _crowd(parties=30, issues=20, options=8, seed=5)
    solved = _milp.maximin_then_sum(
        space, space.no_deal, np.ones(space.n_parties), None, Deadline(0.5)
    )
    if solved is None:  # the solver found nothing in half a second: still labelled as cut
        pytest.skip("no incumbent within 0.5 s on this machine")
    if not solved.optimal:
        assert solved.bound >= solved.objective and solved.detail
        assert "within" in solved.detail


def test_zopa_cut_by_time_falls_back_to_a_labelled_estimate() -> None:
    space = _crowd(parties=10, issues=10, options=6)
    result = zopa(space, time_limit=0.0, samples=20_000)
    assert result.provenance.exact is False
    bound = result.provenance.bound or ""
    assert "time limit" in bound
    if result.exists:
        assert result.count_is_exact is False or result.count == 0


# ---------------------------------------------------------------- sampled answers


def test_sweep_chunks_sized_to_memory_give_the_same_counts() -> None:
    scenario = load_scenario(MINI)
    free = acceptability(scenario, n_samples=3000, seed=2)
    tight = acceptability(scenario, n_samples=3000, seed=2, memory_limit=300_000)
    assert [p.all_count for p in tight.packages] == [p.all_count for p in free.packages]
    assert [p.party_counts for p in tight.packages] == [p.party_counts for p in free.packages]
    with pytest.raises(AnalysisError, match=r"a chunk of 256 sampled worlds .* memory limit"):
        acceptability(scenario, n_samples=3000, memory_limit=10_000)


def test_sweep_cut_by_time_counts_the_worlds_it_swept() -> None:
    scenario = load_scenario(MINI)
    cut = acceptability(scenario, n_samples=50_000, seed=1, time_limit=0.0)
    assert 0 < cut.n_samples < 50_000  # the first chunk always runs
    assert "of the 50,000 sampled worlds, stopped at" in (cut.provenance.bound or "")
    same = acceptability(scenario, n_samples=cut.n_samples, seed=1)
    assert [p.all_count for p in cut.packages] == [p.all_count for p in same.packages]


def test_robust_search_over_the_worlds_that_fit_the_memory_limit() -> None:
    scenario = load_scenario(MINI)
    result = robust_package(scenario, n_samples=4000, memory_limit=300_000)
    assert 256 <= result.n_samples < 4000 and result.proven
    assert "memory limit" in (result.provenance.bound or "")
    again = robust_package(scenario, n_samples=result.n_samples)
    assert [t.count for t in result.top] == [t.count for t in again.top]
    with pytest.raises(AnalysisError, match="robust-package search over 256 sampled worlds"):
        robust_package(scenario, n_samples=4000, memory_limit=1_000)


def test_ripeness_cut_by_time_leaves_worlds_undecided_and_says_so() -> None:
    scenario = load_scenario(MINI)
    full = ripeness(scenario, horizon=4, n_samples=300)
    assert full.complete
    cut = ripeness(scenario, horizon=4, n_samples=300, time_limit=0.0)
    bound = cut.provenance.bound or ""
    if not cut.complete:
        assert "time limit" in bound
        for m_cut, m_full in zip(cut.months, full.months, strict=True):
            # found worlds are a lower bound; found + undecided an upper bound
            assert m_cut.zopa_count <= m_full.zopa_count
            assert m_full.zopa_count <= m_cut.zopa_count + m_cut.zopa_undecided


def test_same_seed_same_answers_apart_from_seconds() -> None:
    def plain(result: object) -> object:
        if isinstance(result, dict):
            return {k: plain(v) for k, v in result.items() if k != "seconds"}
        if isinstance(result, list):
            return [plain(v) for v in result]
        return result

    scenario = load_scenario(MINI)
    first = analyze(scenario, samples=500, ripeness_samples=100, seed=4).to_dict()
    second = analyze(scenario, samples=500, ripeness_samples=100, seed=4).to_dict()
    assert plain(first) == plain(second)
    assert set(first["answers"]) >= {"zopa", "solutions", "ripeness"}


# ---------------------------------------------------------------- forecast: the exchange model


def _exchange_problem(n: int = 12, m: int = 6) -> ForecastProblem:
    rng = np.random.default_rng(3)
    return problem_from_arrays(
        [f"a{i}" for i in range(n)],
        rng.integers(0, 11, size=(n, m)) * 10.0,
        rng.uniform(0.05, 1.0, size=(n, m)),
        rng.uniform(0.1, 1, n),
        scales={f"issue{k + 1}": (0, 100) for k in range(m)},
    )


def test_exchange_model_cut_by_time_keeps_what_it_did_and_says_so() -> None:
    p = _exchange_problem()
    full = exchange_model(p, rounds=5, seed=1)
    assert full.provenance.exact and not full.diagnostics["cut_short"] and full.rounds == 5
    roomy = exchange_model(p, rounds=5, seed=1, time_limit=600.0)
    np.testing.assert_array_equal(roomy.forecast, full.forecast)
    assert roomy.provenance.exact
    cut = exchange_model(p, rounds=5, seed=1, time_limit=0.0)
    assert cut.diagnostics["cut_short"] and not cut.provenance.exact
    assert cut.rounds == 1 and cut.diagnostics["exchanges_per_round"] == [0]
    assert cut.provenance.bound is not None
    assert cut.provenance.bound.startswith("stopped at its 0 s time limit after 0 of 5 rounds")
    np.testing.assert_array_equal(cut.forecast, full.forecast_by_round[0])  # nothing moved yet


def test_forecast_lens_cut_by_time_is_labelled_approximate() -> None:
    scenario = load_builtin("ukraine-2022")
    exact = forecast_scenario(scenario)
    assert exact.provenance.exact and exact.provenance.bound is None
    cut = forecast_scenario(scenario, time_limit=0.0)
    assert not cut.provenance.exact
    assert cut.provenance.bound is not None and cut.provenance.bound.startswith("exchange: ")
    assert [m.model for m in cut.result.cut_short] == ["exchange"]
    session = Session(scenario, Settings(lens_options={"forecast": {"time_limit": 0.0}}))
    assert not session.result("forecast").provenance.exact


def test_small_frontier_stages_are_not_refused_on_a_projection() -> None:
    """A projection from a tiny first stage is call overhead: it once refused a 4 ms frontier
    (and left the ZOPA of the embedded scenario "undecided")."""
    p = prepare(load_builtin("ukraine-2022"))
    unbounded = pareto_frontier(p, time_limit=None)
    assert pareto_frontier(p, time_limit=0.5).size == unbounded.size
    z = zopa(p, time_limit=6.0)
    assert z.provenance.exact and z.exists == zopa(p, time_limit=None).exists
