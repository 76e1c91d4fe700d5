"""SMAA acceptability and its sampling layer (robust-package search: test_robust_search)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peacetable.analysis.robustness import acceptability
from peacetable.core import prepare
from peacetable.core.sampling import (
    BLOCK,
    sample_chunks,
    wilson_interval,
)
from peacetable.errors import InputError
from peacetable.io import load_scenario, scenario_from_data
from peacetable.model import Scenario

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def random_scenario(
    seed: int, n_parties: int = 3, n_issues: int = 4, no_deal: float = 0.45
) -> Scenario:
    """A small valid scenario with a contingent option, an interaction and a constraint."""
    rng = np.random.default_rng(seed)
    parties = [f"P{k}" for k in range(n_parties)]
    issues: list[dict[str, Any]] = []
    for i in range(n_issues):
        options: list[dict[str, Any]] = [
            {"id": f"o{k}", "label": f"o{k}"} for k in range(int(rng.integers(2, 4)))
        ]
        if i == 0:
            options[-1]["contingent"] = {"event": "ev", "outcomes": {"a": "A", "b": "B"}}
        issues.append({"id": f"i{i}", "name": f"i{i}", "options": options})
    prefs: dict[str, Any] = {}
    for k, p in enumerate(parties):
        values: dict[str, Any] = {}
        for iss in issues:
            values[iss["id"]] = {
                o["id"]: (
                    {"a": round(float(rng.uniform()), 2), "b": round(float(rng.uniform()), 2)}
                    if "contingent" in o
                    else round(float(rng.uniform()), 2)
                )
                for o in iss["options"]
            }
        prefs[p] = {
            "weights": {iss["id"]: round(float(rng.uniform(0.1, 1)), 2) for iss in issues},
            "values": values,
            "beliefs": {"ev": {"a": round(float(rng.uniform(0.2, 0.8)), 2)}},
            "uncertainty": {"weights": 0.3, "values": 0.15, "beliefs": 0.1},
        }
        if k == 0:
            prefs[p]["interactions"] = [{"when": {"i1": "o0", "i2": "o1"}, "bonus": 0.1}]
    data = {
        "format": "peacetable/1",
        "id": "rnd",
        "title": "random",
        "parties": [
            {
                "id": p,
                "name": p,
                "no_deal": {"utility": no_deal, "monthly_change": -0.02 * (k + 1)},
            }
            for k, p in enumerate(parties)
        ],
        "issues": issues,
        "preferences": prefs,
        "constraints": [{"if": {"i2": "o0"}, "then": {"i3": ["o0"]}}],
        "proposals": [{"id": "prop", "name": "prop", "package": {"i0": "o1", "i1": "o1"}}],
    }
    return scenario_from_data(data)


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


# ----------------------------------------------------------------- sampling
@pytest.mark.parametrize("seed", range(4))
def test_nominal_tables_equal_the_compiled_model(seed: int) -> None:
    s = random_scenario(seed)
    model = prepare(s).sampling
    compiled = prepare(s)
    x = compiled.all_packages()
    u = model.utilities(model.tables(model.base), x)[:, :, 0]
    np.testing.assert_allclose(u, compiled.utilities(x), atol=1e-12)
    np.testing.assert_array_equal(model.feasible(x), compiled.feasible(x))


def test_samples_do_not_depend_on_the_requested_range(mini: Scenario) -> None:
    model = prepare(mini).sampling
    whole = model.uniforms(0, 3 * BLOCK, seed=7)
    part = model.uniforms(BLOCK - 5, 2 * BLOCK + 9, seed=7)
    np.testing.assert_array_equal(whole[:, BLOCK - 5 : 2 * BLOCK + 9], part)
    rows = np.array([0, 2, 3, 7])
    np.testing.assert_array_equal(model.uniforms(10, 5000, 7, rows), whole[rows, 10:5000])
    assert not np.array_equal(model.uniforms(0, 100, seed=8), whole[:, :100])


def test_samples_stay_in_their_ranges_and_normalise(mini: Scenario) -> None:
    model = prepare(mini).sampling
    theta = model.draw(0, 5000, seed=1)
    low = np.array([p.low for p in model.parameters])[:, None]
    high = np.array([p.high for p in model.parameters])[:, None]
    assert np.all(theta >= low) and np.all(theta <= high)
    st = model.tables(theta)
    # a party's utility of its best package never exceeds 1 (weights renormalised)
    best = model.utilities(st, prepare(mini).all_packages()).max(axis=0)
    assert best.max() <= 1.0 + 0.15 + 1e-12  # plus at most the sampled bonus


def test_plain_loop_agrees_with_the_vectorised_sweep(mini: Scenario) -> None:
    """Acceptance counted sample by sample from the named parameters, by hand."""
    model = prepare(mini).sampling
    n = 600
    theta = model.draw(0, n, seed=3)
    names = [p.name for p in model.parameters]

    def par(sample: int, name: str) -> float:
        return float(theta[names.index(name), sample])

    def utility(sample: int, party: str, x: str, y: str) -> float:
        wx, wy = par(sample, f"{party}.weight.x"), par(sample, f"{party}.weight.y")
        vx = par(sample, f"{party}.value.x.{x}")
        if y == "vote":
            pa = par(sample, f"{party}.belief.v.yes")
            if party == "B":  # both outcomes stated: renormalise
                pa = pa / (pa + par(sample, "B.belief.v.no"))
            vy = pa * par(sample, f"{party}.value.y.vote|yes") + (1 - pa) * par(
                sample, f"{party}.value.y.vote|no"
            )
        else:
            vy = par(sample, f"{party}.value.y.{y}")
        u = (wx * vx + wy * vy) / (wx + wy)
        if party == "B" and x == "mid" and y == "vote":
            u += par(sample, "B.bonus[0]")
        return u

    # "sq" agrees nothing: it is no deal itself, worth each party's no-deal utility
    expected = {"p1": 0, "sq": n}
    for s in range(n):
        if all(utility(s, p, "mid", "vote") >= par(s, f"{p}.no_deal") for p in ("A", "B")):
            expected["p1"] += 1
    result = acceptability(mini, n_samples=n, seed=3)
    assert {p.name: p.all_count for p in result.packages} == expected


# ----------------------------------------------------------------- acceptability
def test_same_seed_same_counts_whatever_the_chunk_size() -> None:
    s = random_scenario(1)
    a = acceptability(s, n_samples=3 * BLOCK + 17, seed=11, chunk_size=BLOCK)
    b = acceptability(s, n_samples=3 * BLOCK + 17, seed=11, chunk_size=10 * BLOCK)
    assert a.to_dict()["packages"] == b.to_dict()["packages"]
    assert a.to_dict()["sensitivity"] == b.to_dict()["sensitivity"]
    threads = acceptability(s, n_samples=3 * BLOCK + 17, seed=11, chunk_size=BLOCK, workers=2)
    assert threads.to_dict()["packages"] == a.to_dict()["packages"]
    c = acceptability(s, n_samples=3 * BLOCK + 17, seed=12)
    assert c.packages[0].party_counts != a.packages[0].party_counts


def test_extra_packages_and_ranking(mini: Scenario) -> None:
    r = acceptability(
        mini, {"hard": {"x": "high", "y": "no"}}, package_kind="solution", n_samples=5000
    )
    counts = [p.all_count for p in r.packages]
    assert counts == sorted(counts, reverse=True)
    hard = r.get("hard")
    assert hard.kind == "solution" and hard.package == {"x": "high", "y": "no"}
    assert hard.p_all <= min(hard.p_party.values())
    lo, hi = hard.p_all_interval
    assert lo <= hard.p_all <= hi
    assert r.packages[0].rank == 1


def test_bad_input_is_reported(mini: Scenario) -> None:
    with pytest.raises(InputError):
        acceptability(mini, n_samples=0)
    with pytest.raises(InputError):
        acceptability(mini, include_proposals=False)
    with pytest.raises(InputError):
        acceptability(mini, sensitivity_for=["nope"], n_samples=10)
    with pytest.raises(InputError):
        list(sample_chunks(10, 0))


def test_wilson_interval() -> None:
    lo, hi = wilson_interval(23, 100)
    # hand computation: centre 0.24000, half-width 0.08155 (z = 1.95996)
    assert lo == pytest.approx(0.15843, abs=2e-5) and hi == pytest.approx(0.32154, abs=2e-5)
    assert wilson_interval(0, 50)[0] == 0.0 and wilson_interval(50, 50)[1] == 1.0


# ----------------------------------------------------------------- compound issues
def test_compound_issues_follow_links() -> None:
    from peacetable.analysis._zopa_search import compound_issues

    s = random_scenario(0, n_issues=5)
    groups = compound_issues(prepare(s).sampling)
    assert sorted(g.issues for g in groups) == [(0,), (1, 2, 3), (4,)]
    linked = next(g for g in groups if g.issues == (1, 2, 3))
    compiled = prepare(s)
    assert linked.size < np.prod([compiled.n_options[i] for i in (1, 2, 3)])


# ----------------------------------------------------------------- dask
@pytest.mark.slow
def test_dask_and_local_results_are_equal() -> None:
    distributed = pytest.importorskip("distributed")
    s = random_scenario(2)
    local = acceptability(s, n_samples=5 * BLOCK, seed=5, chunk_size=BLOCK)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = acceptability(s, n_samples=5 * BLOCK, seed=5, chunk_size=BLOCK, client=client)
    assert remote.backend == "dask"
    assert local.to_dict()["packages"] == remote.to_dict()["packages"]
    assert local.to_dict()["sensitivity"] == remote.to_dict()["sensitivity"]


# ----------------------------------------------------------------- command line
def test_robustness_command_json_and_bad_input() -> None:
    import json

    from typer.testing import CliRunner

    from peacetable.cli import app

    runner = CliRunner()
    out = runner.invoke(
        app, ["robustness", str(MINI), "--samples", "3000", "--seed", "4", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert (
        data["acceptability"]["n_samples"] == 3000
        and data["acceptability"]["provenance"]["seed"] == 4
    )
    counts = {p["name"]: p["all_accept_count"] for p in data["acceptability"]["packages"]}
    again = acceptability(load_scenario(MINI), n_samples=3000, seed=4)
    assert counts["p1"] == again.get("p1").all_count
    assert "exact over the samples" in data["robust_package"]["provenance"]["bound"]
    assert data["contingent"]["terms"][0]["option"] == "vote"
    assert data["headlines"][0].startswith("p1: accepted by all in")
    bad = runner.invoke(app, ["robustness", str(MINI), "--proposal", "nope"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["robustness", str(MINI), "--samples", "0"]).exit_code == 2


def test_the_lenses_test_and_follow_a_package_that_is_no_proposal() -> None:
    """``robustness`` with ``package`` counts it as the engine does; ``ripeness`` with
    ``package`` follows it as it follows the proposal with the same package."""
    from peacetable.core import Session, Settings
    from peacetable.scenarios import load_builtin

    s = load_builtin()
    session = Session(s, Settings(samples=1_024, ripeness_samples=16, horizon=2, seed=5))
    plan = dict(s.proposal("seven-points").package)
    lens = session.result(
        "robustness", package=plan, package_name="mine", proposals=(), include_solutions=False
    )
    direct = acceptability(
        session.prepared,
        {"mine": plan},
        include_proposals=False,
        n_samples=1_024,
        seed=5,
        sensitivity_for=["mine"],
    )
    assert lens.get("mine").party_counts == direct.get("mine").party_counts
    assert set(lens.sensitivity) == {"mine"}
    with pytest.raises(InputError, match="package_name"):
        session.result("robustness", package=plan, package_name="seven-points")
    followed = session.result("ripeness", package=plan)
    named = session.result("ripeness", proposal="seven-points")
    assert [m.proposal_count for m in followed.months] == [m.proposal_count for m in named.months]
    assert followed.proposal == "package" and named.proposal == "seven-points"
    with pytest.raises(InputError, match="not both"):
        session.result("ripeness", package=plan, proposal="seven-points")
