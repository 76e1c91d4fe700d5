"""Contingent terms valued by each party's own beliefs, checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetable.analysis.contingent import contingent_terms
from peacetable.errors import InputError
from peacetable.io import load_scenario, scenario_from_data, scenario_to_data

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def test_mini_by_hand() -> None:
    """Package p1 = {x: mid, y: vote} against {x: mid, y: no}.

    A: weights x 2, y 1 -> w_y = 1/3; P(yes) = 0.3; vote is worth 0.3·0 + 0.7·1 = 0.7,
    "no" is worth 1: gain (0.7 - 1)/3 = -0.1. It would prefer the vote only if
    P(yes) <= 0 (then 1 = 1).
    B: w_y = 1/2; P(yes) = 0.6; vote worth 0.6·1 + 0.4·0 = 0.6, "no" 0, plus the
    bonus 0.05 for {x: mid, y: vote}: gain 0.3 + 0.05 = 0.35. Even at P(yes) = 0
    the bonus keeps B on the vote's side: "always".
    """
    result = contingent_terms(load_scenario(MINI))
    (term,) = result.terms
    assert (term.issue, term.option, term.event) == ("y", "vote", "v")
    assert term.package == {"x": "mid", "y": "vote"}
    assert term.beliefs == {
        "A": {"yes": 0.3, "no": pytest.approx(0.7)},
        "B": {"yes": 0.6, "no": 0.4},
    }
    (cmp,) = term.comparisons
    assert cmp.alternative == "no"
    assert cmp.gains["A"] == pytest.approx(-0.1)
    assert cmp.gains["B"] == pytest.approx(0.35)
    assert cmp.total_gain == pytest.approx(0.25)
    assert cmp.preferred_by == ["B"] and not cmp.pareto_improving
    th = {(t.party, t.outcome): t for t in cmp.thresholds}
    # utilities come from the core's exact grid (each term rounded to 2**-40): ~1e-12 off
    grid = pytest.approx(0, abs=1e-9)
    assert th["A", "yes"].direction == "at_most" and th["A", "yes"].threshold == grid
    assert th["A", "no"].direction == "at_least" and th["A", "no"].threshold == pytest.approx(
        1, abs=1e-9
    )
    assert not th["A", "yes"].prefers_now
    assert th["B", "yes"].direction == "always" and th["B", "yes"].prefers_now
    # if A were sure of "no" on the vote, its utility of the package is its "no" value
    assert term.outcome_utility["A"]["no"] == pytest.approx(2 / 3 * 0.5 + 1 / 3 * 1)


def test_differing_beliefs_create_value_for_both() -> None:
    """Each side confident of winning the vote: the vote beats both fixed outcomes."""
    data = scenario_to_data(load_scenario(MINI))
    data["issues"][1]["options"].insert(1, {"id": "yes_fixed", "label": "Yes"})
    data["preferences"]["A"]["values"]["y"] = {"no": 1, "yes_fixed": 0, "vote": {"yes": 0, "no": 1}}
    data["preferences"]["A"]["beliefs"] = {"v": {"yes": 0.2}}
    data["preferences"]["B"]["values"]["y"] = {"no": 0, "yes_fixed": 1, "vote": {"yes": 1, "no": 0}}
    data["preferences"]["B"]["beliefs"] = {"v": {"yes": 0.7, "no": 0.3}}
    data["preferences"]["B"]["interactions"] = []
    data["constraints"] = []
    s = scenario_from_data(data)
    (term,) = contingent_terms(s, {"x": "mid"}).terms
    gains = {c.alternative: c.gains for c in term.comparisons}
    # against "no": A loses 0.2 of its y-value, B gains 0.7 -> positive sum (a bet worth making)
    assert gains["no"]["A"] == pytest.approx(-0.2 / 3)
    assert gains["no"]["B"] == pytest.approx(0.7 / 2)
    # B's threshold against "no": it prefers the vote whenever P(yes) > 0
    cmp = next(c for c in term.comparisons if c.alternative == "no")
    th = {(t.party, t.outcome): t for t in cmp.thresholds}
    assert th["B", "yes"].direction == "always"
    assert th["A", "yes"].direction == "at_most" and th["A", "yes"].threshold == pytest.approx(0.0)
    cmp2 = next(c for c in term.comparisons if c.alternative == "yes_fixed")
    assert cmp2.gains["A"] == pytest.approx(0.8 / 3) and cmp2.gains["B"] == pytest.approx(-0.3 / 2)
    th2 = {(t.party, t.outcome): t for t in cmp2.thresholds}
    assert th2["B", "yes"].direction == "at_least" and th2["B", "yes"].threshold == pytest.approx(
        1.0
    )


def test_unknown_proposal() -> None:
    with pytest.raises(InputError):
        contingent_terms(load_scenario(MINI), "nope")
    assert contingent_terms(load_scenario(MINI), "sq").terms[0].package == {"x": "low", "y": "vote"}
