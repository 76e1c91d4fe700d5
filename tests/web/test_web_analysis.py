"""The analysis adapter (``peacetable.web.analysis``): what the server asks of the engines."""

from __future__ import annotations

import random

from webtest_support import b_preferences

from peacetable.model import Scenario
from peacetable.scenarios import load_builtin
from peacetable.web import analysis
from peacetable.web.elicitation import PreferenceInput
from peacetable.web.merge import Submitted, merge


def _merged() -> Scenario:
    s = load_builtin()
    sub = Submitted(PreferenceInput.model_validate(b_preferences()), 1)
    return merge(s, {"UA": sub}).scenario


def test_draft_analysis_scores_equal_each_partys_own_score() -> None:
    s = _merged()
    rng = random.Random(3)
    base = load_builtin()
    for _ in range(4):
        package = {i.id: rng.choice(i.option_ids) for i in base.issues}
        a = analysis.analyse_draft(s, package)
        for view in a["parties"]:
            assert view["score"] == analysis.party_score(s, view["party"], a["package"])
            assert view["accepts"] == (view["margin"] >= -1e-9)
        predicted = analysis.predicted_verdicts(s, package)
        assert {p: v["accepts"] for p, v in predicted.items()} == {
            v["party"]: v["accepts"] for v in a["parties"]
        }


def test_best_packages_score_one_and_fair_packages_are_listed() -> None:
    s = _merged()
    best = analysis.best_packages(s, "UA")
    assert analysis.party_score(s, "UA", best["packages"][0]) == 1.0
    a = analysis.analyse_draft(s, load_builtin().proposal("seven-points").package)
    assert set(a["fair_packages"]) == {
        "nash",
        "kalai_smorodinsky",
        "utilitarian",
        "egalitarian",
        "leximin",
    }
    assert set(a["to_win_over"]) == set(a["rejecting"])
