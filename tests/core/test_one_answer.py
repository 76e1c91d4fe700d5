"""One question, one answer: every lens decides "does a party accept?" by the core's rule.

The tie scenario of issue 10 puts the draft's utility for A exactly at A's
no-deal utility (three weighted values of 0.3 against 0.9). Before the core
existed, one ``analyze`` said at once that A rejects, that nobody rejects,
that the draft is in the ZOPA and that no ZOPA opens in 36 months.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis import (
    acceptability,
    diagnose_proposal,
    pareto_frontier,
    ripeness,
    solve_all,
    zopa,
)
from peacetable.analysis.acceptance import evaluate_package, evaluate_proposals
from peacetable.analyze import analyze
from peacetable.core import prepare
from peacetable.io import loads_scenario, scenario_from_data
from peacetable.report import build_report
from peacetable.report.page import render_page

TIE = """
format: peacetable/1
id: tie
title: Tie at the reservation value
parties:
  - {id: A, name: Alpha, no_deal: {utility: 0.9}}
  - {id: B, name: Beta, no_deal: {utility: 0.0}}
issues:
  - {id: x, name: X, options: [{id: a, label: a}, {id: b, label: b}]}
  - {id: y, name: Y, options: [{id: a, label: a}, {id: b, label: b}]}
  - {id: z, name: Z, options: [{id: a, label: a}, {id: b, label: b}]}
preferences:
  A:
    weights: {x: 1, y: 1, z: 1}
    values: {x: {a: 0, b: 0.9}, y: {a: 0, b: 0.9}, z: {a: 0, b: 0.9}}
  B:
    weights: {x: 1, y: 1, z: 1}
    values: {x: {a: 1, b: 0.5}, y: {a: 1, b: 0.5}, z: {a: 1, b: 0.5}}
proposals:
  - {id: draft, name: Draft, package: {x: b, y: b, z: b}}
"""


def test_tie_scenario_gives_one_answer_in_every_lens() -> None:
    s = loads_scenario(TIE)
    p = prepare(s)
    draft = p.package("draft")
    assert p.accepts(draft).tolist() == [[True, True]]
    assert p.margin(draft)[0, 0] == 0.0  # exactly a tie, not "-0.000"
    (ev,) = evaluate_proposals(s)
    assert ev.accepted_by_all and ev.parties[0].margin == 0.0
    d = diagnose_proposal(s, "draft")
    assert d.rejecting == () and d.efficient is True
    z = zopa(s)
    assert z.exists and z.count == 1 and z.count_is_exact
    assert pareto_frontier(s, acceptable_only=True).size == 1
    assert solve_all(s)["utilitarian"].package == {"x": "b", "y": "b", "z": "b"}
    r = ripeness(s, horizon=3, n_samples=64)
    assert r.first_zopa_month == 0 and r.proposal_first_month == 0
    robust = acceptability(s, n_samples=64)
    assert robust.get("draft").nominal_accepts == (True, True)
    a = analyze(s, samples=200, ripeness_samples=20)
    assert a.proposals[0].verdict == "accepted by all"
    report = build_report(s, only=("proposals", "frontier"))
    html = render_page(report)
    assert "rejected by" not in html and "accepted by every party" in html


def _tie_data(seed: int, n_parties: int, n_issues: int) -> tuple[dict[str, object], list[str]]:
    """A scenario whose no-deal utilities equal, in exact arithmetic, some package's utility.

    Values are tenths and weights small integers, so every utility is a rational
    number; each party's no-deal utility is set to its exact utility of one
    random package (written as a decimal with 17 significant digits, the
    float nearest to the rational value).
    """
    rng = np.random.default_rng(seed)
    issues = [f"i{k}" for k in range(n_issues)]
    opts = ["a", "b", "c"]
    prefs = {}
    target = {i: opts[int(rng.integers(0, 3))] for i in issues}
    parties = []
    for j in range(n_parties):
        w = {i: int(rng.integers(1, 4)) for i in issues}
        v = {i: {o: int(rng.integers(0, 11)) for o in opts} for i in issues}
        exact = sum(Fraction(w[i], sum(w.values())) * Fraction(v[i][target[i]], 10) for i in issues)
        prefs[f"P{j}"] = {
            "weights": w,
            "values": {i: {o: v[i][o] / 10 for o in opts} for i in issues},
        }
        parties.append({"id": f"P{j}", "name": f"P{j}", "no_deal": {"utility": float(exact)}})
    data = {
        "id": "ties",
        "title": "ties",
        "parties": parties,
        "issues": [
            {"id": i, "name": i, "options": [{"id": o, "label": o} for o in opts]} for i in issues
        ],
        "preferences": prefs,
        "proposals": [{"id": "t", "name": "at the reservation values", "package": target}],
    }
    return data, issues


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), n_parties=st.integers(2, 3), n_issues=st.integers(2, 4))
def test_every_lens_agrees_with_the_core_on_ties(seed: int, n_parties: int, n_issues: int) -> None:
    data, _ = _tie_data(seed, n_parties, n_issues)
    s = scenario_from_data(data)
    p = prepare(s)
    x = p.all_packages()
    core = p.accepts(x)
    everyone = core.all(axis=1) & p.is_agreement(x)  # the no-deal package is no agreement
    # the package built to tie is accepted by every party (exactly at its reservation value)
    assert core[(x == p.package("t")).all(axis=1)].all()
    # acceptance of every package, one by one
    for row, ok in zip(x, core, strict=True):
        ev = evaluate_package(p, p.package_dict(row))
        assert [v.accepts for v in ev.parties] == ok.tolist()
    # diagnosis of the tie proposal
    d = diagnose_proposal(p, "t", max_changes=1)
    assert list(d.accepts.values()) == core[(x == p.package("t")).all(axis=1)][0].tolist()
    # ZOPA count and the acceptable frontier
    z = zopa(p)
    assert z.count == int(everyone.sum()) and z.exists == bool(everyone.any())
    front = pareto_frontier(p, acceptable_only=True)
    assert p.accepts(front.representatives()).all()
    # ripeness at month 0 and the nominal world of the sampling model
    r = ripeness(p, horizon=0, n_samples=8, proposal="t")
    assert r.months[0].zopa == bool(everyone.any())
    assert r.months[0].proposal_accepted is True
    nominal = p.sampling.accepts(p.sampling.tables(p.sampling.base), x)[:, :, 0]
    assert np.array_equal(nominal, core)


def test_prepared_scenario_is_built_once_per_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    from peacetable.core import prepared
    from peacetable.scenarios import load_builtin

    calls: list[str] = []
    build = prepared._build

    def counting(scenario):  # type: ignore[no-untyped-def]
        calls.append(scenario.id)
        return build(scenario)

    monkeypatch.setattr(prepared, "_build", counting)
    analyze(load_builtin("ukraine-2022"), samples=500, ripeness_samples=20)
    assert calls == ["ukraine-2022"]


def test_session_runs_each_lens_once_per_settings() -> None:
    from peacetable.core import Session, Settings

    session = Session(loads_scenario(TIE), Settings(samples=300))
    first = session.result("robustness")
    assert session.result("robustness") is first
    assert session.result("robustness", include_solutions=False) is not first
    assert first.provenance.seconds is not None and first.provenance.seed == 0
    assert session.cached("zopa") is None
    zopa_result = session.result("zopa")
    assert session.cached("zopa") is zopa_result


def test_simulated_agreements_respect_the_ripeness_timeline() -> None:
    """Simulation and ripeness read one disagreement model: no simulated negotiation agrees
    before the month the ripeness lens first finds a ZOPA at the nominal estimates (within the
    step's month rounding), and every agreed package meets each party's no-deal value of its
    month (the core's acceptance rule)."""
    from peacetable.core import Session, Settings
    from peacetable.scenarios import load_builtin

    session = Session(load_builtin(), Settings(ripeness_samples=50))
    ripe = session.result("ripeness")
    sim = session.result("simulate", repetitions=5)
    zopa_month = ripe.to_dict()["first_zopa_month"]
    assert zopa_month is not None and zopa_month > 0
    p = session.prepared
    for r in sim.results.values():
        first = r.first
        assert first["package"] is not None  # agreement within the horizon
        month = sim.month(first["step"])
        assert month is not None and month >= zopa_month - 1
        x = p.encode(first["package"])
        assert p.accepts_utilities(p.utilities(x), p.no_deal_at(month)).all()
