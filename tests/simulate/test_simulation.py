"""One-scenario simulations, the lens entry point and tournaments: metrics and determinism."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from peacetable.errors import InputError, ScenarioError
from peacetable.io import load_scenario
from peacetable.simulate.lens import SimulateSettings, resolve_strategies, run
from peacetable.simulate.metrics import benchmarks_of, negotiation_metrics
from peacetable.simulate.sao import run_sao
from peacetable.simulate.simulation import simulate
from peacetable.simulate.space import OutcomeSpace, outcome_space, random_space
from peacetable.simulate.strategies import parse_strategy
from peacetable.simulate.tournament import tournament

MINI = "tests/model/mini.yaml"


def _strip(d: dict) -> str:  # type: ignore[type-arg]
    d = dict(d)
    d.pop("timing", None)
    return json.dumps(d, sort_keys=True)


def test_metrics_by_hand() -> None:
    space = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0.5, 0.5], [0, 1]], [0.2, 0.1])
    b = benchmarks_of(space)
    m = negotiation_metrics(space, b, [1, 2, -1], [3, 5, -1], 10)
    assert m.agreement.tolist() == [True, True, False]
    assert m.step.tolist() == [3, 5, -1]
    assert np.allclose(m.utility, [[0.6, 0.6], [0.5, 0.5], [0.2, 0.1]])
    assert np.allclose(m.advantage, [[0.4, 0.5], [0.3, 0.4], [0, 0]])
    assert np.allclose(m.welfare, [1.2, 1.0, 0.3])
    assert np.allclose(
        m.pareto_distance, [0, math.hypot(0.1, 0.1), math.hypot(0.4, 0.5)], atol=1e-9
    )
    assert np.allclose(m.nash_distance[:2], [0, math.hypot(0.1, 0.1)], atol=1e-9)
    assert np.allclose(m.gain_gap, [0.1, 0.1, 0.0])
    discounted = negotiation_metrics(space, b, [1, -1], [3, -1], 9, discount=0.5)
    assert np.allclose(discounted.utility[0], [0.6 * 0.5**0.4, 0.6 * 0.5**0.4])
    assert np.allclose(discounted.utility[1], [0.1, 0.05])


def test_simulation_is_byte_identical_for_a_seed_apart_from_timing() -> None:
    space = random_space(3, 3, 4, seed=1)
    st = [parse_strategy(n) for n in ("micro", "tit-for-tat", "genius-linear")]
    a = simulate(space, strategies=st, n_steps=40, repetitions=30, seed=3).to_dict()
    b = simulate(space, strategies=st, n_steps=40, repetitions=30, seed=3).to_dict()
    assert _strip(a) == _strip(b)
    assert a["seed"] == 3 and a["counts"]["negotiations"] == 30
    assert a["method"]["protocol"] == "sao" and "seconds" in a["timing"]
    c = simulate(space, protocol="single-text", mediator="veto", n_steps=40, repetitions=30, seed=3)
    d = simulate(space, protocol="single-text", mediator="veto", n_steps=40, repetitions=30, seed=4)
    assert _strip(c.to_dict()) != _strip(d.to_dict())
    assert sum(c.ends.values()) == 30


def test_lens_on_a_scenario() -> None:
    s = load_scenario(MINI)
    r = run(s, SimulateSettings(repetitions=4, n_steps=30, strategies={"A": "micro"}))
    d = r.to_dict()
    assert d["lens"] == "simulate" and set(d["protocols"]) == {"sao", "single-text"}
    assert d["protocols"]["sao"]["method"]["strategies"]["A"]["name"] == "micro"
    assert "agreement" in d["protocols"]["single-text"]["summary"]
    assert r.headline().endswith(".")
    assert "timing" not in d["protocols"]["sao"]  # the lens's time is in its provenance
    assert json.dumps(d["protocols"]) == json.dumps(run(s, r.settings).to_dict()["protocols"])


def test_lens_errors() -> None:
    s = load_scenario(MINI)
    space = outcome_space(s)
    with pytest.raises(InputError, match="unknown party"):
        resolve_strategies(space, {"Z": "micro"}, "boulware")
    with pytest.raises(InputError, match="did you mean 'boulware'"):
        resolve_strategies(space, {}, "bulware")
    with pytest.raises(InputError, match="protocol"):
        run(s, SimulateSettings(protocols=("auction",)))
    with pytest.raises(ScenarioError, match="more than the 2"):
        outcome_space(s, limit=2)


def test_wrong_inputs_are_input_errors() -> None:
    space = random_space(2, 2, 3, seed=0)
    with pytest.raises(InputError, match="one per party"):
        run_sao(space, [parse_strategy("linear")], 10)
    with pytest.raises(InputError, match="at least one step"):
        run_sao(space, [parse_strategy("linear")] * 2, 0)
    with pytest.raises(InputError, match="exponent"):
        parse_strategy("aspiration:-1")
    with pytest.raises(InputError, match="discount"):
        simulate(space, strategies=[parse_strategy("linear")] * 2, discount=1.5)


def test_tournament_same_result_in_processes() -> None:
    spaces = [random_space(2, 2, 6, seed=s) for s in range(2)] + [random_space(3, 2, 3, seed=9)]
    st = [parse_strategy(n) for n in ("boulware", "micro", "genius-conceder")]
    local = tournament(spaces, st, n_steps=30, repetitions=6, seed=2)
    pool = tournament(spaces, st, n_steps=30, repetitions=6, seed=2, workers=2, cells_per_task=5)
    assert pool.backend == "processes"
    assert _strip(local.to_dict()) == _strip(pool.to_dict())
    assert local.n_negotiations == (9 + 9 + 27) * 6
    assert [r["rank"] for r in local.ranking] == [1, 2, 3]
    no_self = tournament(spaces[:1], st, n_steps=30, repetitions=2, self_play=False)
    assert len(no_self.cells) == 6


@pytest.mark.slow
def test_tournament_same_result_on_dask() -> None:
    distributed = pytest.importorskip("distributed")
    spaces = [random_space(2, 2, 5, seed=1)]
    st = [parse_strategy(n) for n in ("linear", "micro")]
    local = tournament(spaces, st, n_steps=20, repetitions=5, seed=7)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = tournament(spaces, st, n_steps=20, repetitions=5, seed=7, client=client)
    assert remote.backend == "dask"
    assert _strip(local.to_dict()) == _strip(remote.to_dict())


def test_time_limit_ends_running_negotiations() -> None:
    space = random_space(2, 3, 6, seed=3)
    out = run_sao(space, [parse_strategy("hardheaded")] * 2, 50, n=4, time_limit=0.0)
    assert [out.row(k)[3] for k in range(4)] == ["time-limit"] * 4


def test_frequency_model_offers_what_the_opponent_values() -> None:
    from peacetable.simulate.reference import make_agent

    # outcomes (i0, i1): (0,0) (0,1) (1,0) (1,1); the agent is indifferent between (0,1)
    # and (1,0); the opponent keeps issue 1 at option 1 and varies issue 0
    space = OutcomeSpace.from_arrays(
        [[1.0, 0.0], [0.9, 0.6], [0.9, 0.4], [0.5, 1.0]],
        [0.0, 0.0],
        packages=[[0, 0], [0, 1], [1, 0], [1, 1]],
    )
    agent = make_agent(space, 0, 0.0, parse_strategy("frequency:1"), 0, 0)
    for offer in (3, 1, 3, 1):
        agent.observe(1, offer)
    # at t = 0.3 the aspiration (0.85) admits (0,0), (0,1), (1,0): the model rates (0,1) best
    assert agent.propose(0, 0.3) == 1
    fresh = make_agent(space, 0, 0.0, parse_strategy("frequency:1"), 0, 0)
    assert fresh.propose(0, 0.3) == 0  # without observations: its own best


def test_space_from_the_cores_prepared_scenario() -> None:
    """The adapter enumerates the core's prepared scenario: same outcomes as from the scenario."""
    from peacetable.core import prepare

    s = load_scenario(MINI)
    direct = outcome_space(s)
    via = outcome_space(prepare(s))
    assert np.array_equal(via.utilities, direct.utilities)
    assert np.array_equal(via.packages, direct.packages) and via.name == direct.name
    assert np.array_equal(via.no_deal, prepare(s).no_deal)


def test_lens_with_a_moving_disagreement_point() -> None:
    """Costs of conflict lower the no-deal utilities step by step (the ripeness model)."""
    from peacetable.core import prepare
    from peacetable.scenarios import load_builtin

    s = load_builtin("ukraine-2022")
    fixed = run(s, SimulateSettings(repetitions=2, protocols=("sao",)))
    moving = run(s, SimulateSettings(repetitions=2, protocols=("sao",), horizon=36))
    assert fixed.results["sao"].summary["agreement"]["count"] == 0  # no ZOPA at month 0
    end = moving.results["sao"].no_deal_end
    assert end is not None and end["RU"] < prepare(s).no_deal[prepare(s).party_ids.index("RU")]
    assert moving.results["sao"].summary["agreement"]["count"] == 2
