"""Scenario adapter: mapping of ordered issues, parties and preferences; forecasts to options."""

from __future__ import annotations

import json

import numpy as np
import pytest

from peacetable.errors import AnalysisError
from peacetable.forecast.scenario import forecast_scenario, from_scenario
from peacetable.scenarios import load_builtin


def test_mapping_on_the_seed_scenario() -> None:
    sc = load_builtin("ukraine-2022")
    p = from_scenario(sc)
    stakeholders = [x.id for x in sc.parties if x.role in ("principal", "guarantor")]
    assert list(p.actors) == [a for a in stakeholders if a in sc.preferences]
    # ordered issues that no single party controls alone (those are decided by it)
    assert [i.id for i in p.issues] == [
        i.id for i in sc.issues if i.ordered and len(i.controlled_by) != 1
    ]
    for k, issue in enumerate(p.issues):
        sc_issue = next(i for i in sc.issues if i.id == issue.id)
        n_opt = len(sc_issue.options)
        assert [v for v, _ in issue.labels] == pytest.approx(
            [100 * j / (n_opt - 1) for j in range(n_opt)]
        )
        for a, party in enumerate(p.actors):
            pr = sc.preferences[party]
            if not p.present[a, k]:
                continue
            w = pr.normalised_weights()[issue.id]
            assert p.salience[a, k] == pytest.approx(w)
            cap = next(x for x in sc.parties if x.id == party).power.value
            assert p.capability[a, k] == pytest.approx(cap)
            vals = pr.values[issue.id]
            best = p.position[a, k] / 100 * (n_opt - 1)
            best_id = sc_issue.options[round(best)].id
            plain = {o: v.value for o, v in vals.items() if hasattr(v, "value")}
            if best_id in plain:
                assert plain[best_id] == max(plain.values())
    everyone = from_scenario(sc, include="all")
    assert list(everyone.actors) == [x.id for x in sc.parties if x.id in sc.preferences]


def test_forecast_scenario_rows() -> None:
    sc = load_builtin("ukraine-2022")
    fc = forecast_scenario(sc, ["compromise", "median", "bdm", "exchange"], rounds=3)
    rows = fc.issue_rows()
    bargained = [i for i in sc.issues if i.ordered and len(i.controlled_by) != 1]
    assert len(rows) == len(bargained)
    for row in rows:
        options = row["options"]
        for m in ("compromise", "median", "bdm", "exchange"):
            f = row["forecast"][m]
            assert f["option"] in options
            j = options.index(f["option"])
            # the nearest option: within half a step of the value
            assert abs(f["value"] - 100 * j / (len(options) - 1)) <= 50 / (len(options) - 1) + 1e-9
        assert set(row["proposals"]) == {p.id for p in sc.tabled_proposals}
    assert set(fc.skipped_issues) == {i.id for i in sc.issues if i not in bargained}
    for issue in sc.issues:
        if len(issue.controlled_by) == 1:
            who = issue.controlled_by[0]
            assert fc.decided[issue.id]["by"] == who
            assert "decided by" in fc.skipped_issues[issue.id]
    json.dumps(fc.to_dict())
    json.dumps(fc.result.to_dict())


def test_no_ordered_issue_is_an_error() -> None:
    sc = load_builtin("ukraine-2022")
    unordered = sc.model_copy(
        update={"issues": tuple(i.model_copy(update={"ordered": False}) for i in sc.issues)}
    )
    with pytest.raises(AnalysisError, match="no ordered issue"):
        from_scenario(unordered)


def test_median_forecast_is_a_stakeholder_position() -> None:
    fc = forecast_scenario(load_builtin("ukraine-2022"), ["median"])
    p = fc.result.problem
    for k in range(p.n_issues):
        v = float(fc.result.models[0].forecast[k])
        assert np.any(np.isclose(p.position[p.present[:, k], k], v))


def test_allies_in_one_bloc_count_once() -> None:
    sc = load_builtin("ukraine-2022")
    parties = tuple(
        p.model_copy(update={"bloc": "west"}) if p.id in ("US", "NATO") else p for p in sc.parties
    )
    allied = sc.model_copy(update={"parties": parties})
    p = from_scenario(allied)
    assert list(p.actors) == ["RU", "UA", "west"]
    power = {x.id: x.power.value for x in sc.parties}
    k = 0
    assert p.capability[2, k] == pytest.approx(max(power["US"], power["NATO"]))
    fc = forecast_scenario(allied, ["compromise"], rounds=2)
    assert fc.blocs == {"west": ("US", "NATO")}
    # a bloc's position maximises the sum of its members' weighted values
    issue = p.issues[k]
    sc_issue = next(i for i in sc.issues if i.id == issue.id)
    totals = [
        sum(
            sc.preferences[q].normalised_weights()[issue.id]
            * sc.preferences[q].values[issue.id][o.id].value
            for q in ("US", "NATO")
        )
        for o in sc_issue.options
    ]
    best = max(range(len(totals)), key=lambda j: (totals[j], -j))
    assert p.position[2, k] == pytest.approx(100 * best / (len(totals) - 1))
