"""The scenario adapter and deal stability, checked against direct evaluation of packages."""

from __future__ import annotations

import re

import numpy as np
import pytest
from _gmcr_cases import SCENARIO

from peacetable.conflict import analyze, deal_stability, from_scenario
from peacetable.conflict.scenario import package_of, state_of
from peacetable.core import prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.io import loads_scenario


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return loads_scenario(SCENARIO, file="<test>")


def test_encoding(scenario) -> None:  # type: ignore[no-untyped-def]
    m = from_scenario(scenario, "deal")
    assert m.dm_names == ["A", "B", "C"]  # M has no preferences and controls nothing
    assert [o.name for o in m.options] == [
        "troops=stay",
        "troops=withdraw",
        "sanctions=keep",
        "sanctions=ease",
        "sanctions=lift",
        "aid=none",
        "aid=some",
    ]
    assert m.meta["scenario"]["fixed"] == {"border": "open", "monitors": "yes"}
    # states = every feasible package that keeps the fixed issues at the deal's values
    cs = prepare(scenario)
    packages = cs.all_packages()
    keep = cs.feasible(packages) & (packages[:, 3] == 1) & (packages[:, 4] == 1)
    assert m.n_states == int(keep.sum()) == 2 * 3 * 2 - 2  # (stay, lift) is ruled out
    for s in range(m.n_states):
        pkg = package_of(m, s)
        assert state_of(m, pkg) == s


def test_deal_stability_against_direct_evaluation(scenario) -> None:  # type: ignore[no-untyped-def]
    d = deal_stability(scenario, "deal")
    m = d.model
    cs = prepare(scenario)
    base = cs.encode(scenario.proposal("deal").package)
    u0 = cs.utilities(base)[0]
    expected = []
    for k, owner in [(0, "A"), (1, "B"), (2, "C")]:
        p = cs.party_ids.index(owner)
        for o in range(len(cs.option_ids[k])):
            alt = base.copy()
            alt[k] = o
            if o != base[k] and cs.feasible(alt)[0] and cs.utilities(alt)[0, p] > u0[p] + 1e-12:
                expected.append(
                    (owner, cs.issue_ids[k], cs.option_ids[k][o], cs.utilities(alt)[0, p] - u0[p])
                )
    data = d.to_dict()
    got = [
        (x["party"], *next((i, c["to"]) for i, c in x["changes"].items()), x["utility_gain"])
        for x in data["defections"]
    ]
    assert sorted((a, b, c) for a, b, c, _ in got) == sorted((a, b, c) for a, b, c, _ in expected)
    for (_, _, _, g1), (_, _, _, g2) in zip(sorted(got), sorted(expected), strict=True):
        assert g1 == pytest.approx(g2)
    assert d.equilibrium("nash") == (not expected)
    assert data["equilibrium"]["nash"] == d.equilibrium("nash")
    # the verdicts agree with a full analysis of the derived conflict
    full = analyze(m)
    for c in full.concepts:
        assert d.equilibrium(c) == bool(full.equilibria_mask(c)[d.state])
    # every reported sanction ends in a package the defector does not prefer to the deal
    util = m.meta["scenario"]["utilities"]
    for x in d.defections:
        for path in x.sanctions.values():
            if path:
                assert util[path[-1].target, x.dm] <= util[d.state, x.dm] + 1e-12


def test_who_defects_from_the_deal(scenario) -> None:  # type: ignore[no-untyped-def]
    """C dislikes giving aid: withdrawing it pays and no sequence of A's and B's moves
    brings C back below the deal, so the deal is not stable for C under any concept.
    B gains by re-imposing sanctions, but A answers by keeping its troops (GMR, SEQ)."""
    d = deal_stability(scenario, "deal")
    names = d.model.dm_names
    by_party = {
        (names[x.dm], d.model.meta["scenario"]["packages"][x.target][1]): x for x in d.defections
    }
    c = next(x for x in d.defections if names[x.dm] == "C")
    assert all(path is None for path in c.sanctions.values())
    keep = by_party[("B", 0)]
    for concept in ("gmr", "seq"):
        [step] = keep.sanctions[concept]
        assert names[step.dm] == "A" and package_of(d.model, step.target)["troops"] == "stay"
    assert not any(d.equilibrium(c) for c in ("nash", "gmr", "smr", "seq", "sim"))


def test_errors(scenario) -> None:  # type: ignore[no-untyped-def]
    breaking = from_scenario(scenario, {"troops": "stay", "sanctions": "lift"})
    with pytest.raises(InputError, match="not a feasible state"):
        state_of(breaking, {})
    with pytest.raises(InputError, match="unknown proposal"):
        from_scenario(scenario, "nope")
    plain = loads_scenario(re.sub(r"\n +controlled_by: \[[ABC]\]", "", SCENARIO))
    with pytest.raises(AnalysisError, match="controlled by a single"):
        from_scenario(plain)


def test_status_quo_package(scenario) -> None:  # type: ignore[no-untyped-def]
    d = deal_stability(scenario)
    assert d.proposal is None
    assert package_of(d.model, d.state) == scenario.status_quo_package()
    assert np.all(d.model.payoffs >= 1)


def test_embedded_scenario_proposals() -> None:
    """Every proposal of the embedded scenario gets verdicts consistent with a full analysis."""
    from peacetable.scenarios import list_builtin, load_builtin

    if "ukraine-2022" not in list_builtin():
        pytest.skip("embedded scenario not available")
    s = load_builtin("ukraine-2022")
    for p in [None, *(p.id for p in s.proposals)]:
        d = deal_stability(s, p)
        full = analyze(d.model)
        for c in full.concepts:
            assert d.equilibrium(c) == bool(full.equilibria_mask(c)[d.state])
        assert d.equilibrium("nash") == (not d.defections)
