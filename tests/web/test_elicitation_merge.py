"""Elicitation checks and the merged scenario (unit level)."""

from __future__ import annotations

import pytest
from webtest_support import b_preferences

from peacetable.core import prepare
from peacetable.errors import ScenarioError
from peacetable.scenarios import load_builtin
from peacetable.web.elicitation import PreferenceInput, check_input, contradictions
from peacetable.web.merge import Submitted, merge


def _sub(**data: object) -> Submitted:
    return Submitted(PreferenceInput.model_validate(data), 1)


def test_weights_keep_the_mediators_share_for_issues_the_party_left_out() -> None:
    s = load_builtin()
    base = s.preferences["RU"].normalised_weights()
    m = merge(s, {"RU": _sub(weights={"venue": 1, "agenda": 3})}).scenario
    w = m.preferences["RU"].normalised_weights()
    room = base["venue"] + base["agenda"]
    assert w["venue"] == pytest.approx(room / 4) and w["agenda"] == pytest.approx(3 * room / 4)
    assert w["crimea"] == pytest.approx(base["crimea"])


def test_ratings_ranking_beliefs_and_no_deal_replace_the_mediators() -> None:
    s = load_builtin()
    m = merge(
        s,
        {
            "UA": _sub(
                ranking={"venue": ["neutral", "poland", "jerusalem", "belarus", "none"]},
                no_deal=35,
                beliefs={"crimea_vote": {"joins_russia": 0.2}},
            )
        },
    )
    ua = m.scenario.preferences["UA"]
    assert ua.values["venue"]["neutral"].value == 1.0 and ua.values["venue"]["none"].value == 0.0
    assert m.scenario.party("UA").no_deal.utility == 0.35
    assert ua.beliefs["crimea_vote"]["joins_russia"].value == 0.2
    prov = m.provenance["UA"]
    assert prov["values"]["venue"] == "party" and prov["values"]["crimea"] == "mediator"
    assert prov["no_deal"] == "party" and prov["beliefs"]["crimea_vote"] == "party"
    assert "submitted by UA" in (ua.values["venue"]["neutral"].assumption or "")


def test_a_party_only_view_holds_nothing_about_the_others() -> None:
    s = load_builtin()
    subs = {
        "UA": Submitted(PreferenceInput.model_validate(b_preferences()), 1),
        "RU": _sub(no_deal=50),
    }
    own = merge(s, subs, only="RU").scenario
    assert list(own.preferences) == ["RU"]
    full = merge(s, subs).scenario
    assert full.preferences["RU"] == own.preferences["RU"]
    slow = merge(s, {"RU": subs["RU"]}).scenario
    a, b = prepare(own), prepare(slow)
    x = b.all_packages(limit=10**6)[::997]
    assert (a.utilities(x)[:, 0] == b.utilities(x)[:, b.party_ids.index("RU")]).all()


def test_the_fast_one_party_path_equals_full_validation() -> None:
    from peacetable.io import scenario_from_data, scenario_to_data

    s = load_builtin()
    sub = Submitted(PreferenceInput.model_validate(b_preferences()), 1)
    fast = merge(s, {"UA": sub}, only="UA").scenario
    data = scenario_to_data(merge(s, {"UA": sub}).scenario)
    data["preferences"] = {"UA": data["preferences"]["UA"]}
    data["implementation"] = []  # every step's value to every party: the mediator's estimates
    assert fast == scenario_from_data(data)
    assert not fast.implementation and s.implementation  # the embedded scenario has a plan


def test_bad_merges_are_reported_with_their_field() -> None:
    s = load_builtin()
    s2 = s.model_copy(update={"preferences": {"RU": s.preferences["RU"]}})
    with pytest.raises(ScenarioError) as info:
        merge(s2, {"UA": _sub(weights={"venue": 1})}, only="UA")
    assert "preferences.UA" in str(info.value)


def test_contingent_ratings_and_contradictions() -> None:
    s = load_builtin()
    data = PreferenceInput(
        ranking={"crimea": ["supervised_vote", "non_recognition", "recognised"]},
        ratings={
            "crimea": {
                "supervised_vote": {"joins_russia": 0, "stays_ukraine": 100},
                "non_recognition": 80,
                "recognised": 0,
            }
        },
        beliefs={"crimea_vote": {"joins_russia": 0.9}},
    )
    check_input(s, data)
    found = contradictions(s, data)
    assert found == [
        {
            "issue": "crimea",
            "ranked_higher": "supervised_vote",
            "ranked_lower": "non_recognition",
            "ratings": [pytest.approx(10.0), 80.0],
        }
    ]
    with pytest.raises(ScenarioError) as info:
        check_input(s, PreferenceInput(ratings={"crimea": {"supervised_vote": 5}}))
    assert len(info.value.problems) == 1  # missing options (a single number for a vote is fine)


def test_a_party_only_view_keeps_its_own_no_deal_lottery_and_nothing_of_the_others() -> None:
    """With no deal as a lottery over conflict outcomes, the one-party view keeps that
    party's beliefs and costs (so its no-deal utility is unchanged) and drops the others'."""
    from peacetable.core import prepare
    from peacetable.io import scenario_from_data

    values = {"x": {"a": 0.0, "b": 0.5, "c": 1.0}}
    s = scenario_from_data(
        {
            "id": "lottery",
            "title": "No deal as a lottery",
            "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
            "issues": [
                {
                    "id": "x",
                    "name": "X",
                    "options": [{"id": o, "label": o} for o in ("a", "b", "c")],
                }
            ],
            "preferences": {
                "A": {"weights": {"x": 1}, "values": values},
                "B": {"weights": {"x": 1}, "values": {"x": {"a": 1.0, "b": 0.5, "c": 0.0}}},
            },
            "disagreement": {
                "outcomes": [
                    {"id": "a_wins", "name": "A wins", "package": {"x": "c"}},
                    {"id": "b_wins", "name": "B wins", "package": {"x": "a"}},
                ],
                "beliefs": {"A": {"a_wins": 0.7}, "B": {"a_wins": 0.2}},
                "costs": {"A": {"cost": 0.1}, "B": {"cost": 0.2}},
            },
        }
    )
    for party in ("A", "B"):
        own = merge(s, {}, only=party).scenario
        assert set(own.disagreement.beliefs) == set(own.disagreement.costs) == {party}
        k = prepare(s).party_ids.index(party)
        assert prepare(own).no_deal.tolist() == [prepare(s).no_deal[k]]
    with pytest.raises(ScenarioError, match="leave no_deal out") as err:
        check_input(s, PreferenceInput(no_deal=50))
    assert err.value.location is not None and err.value.location.field == "no_deal"
    merged = merge(s, {"A": _sub(weights={"x": 1})}, only="A").scenario
    assert merged.party("A").no_deal is None and set(merged.disagreement.beliefs) == {"A"}


def test_the_fast_path_checks_find_every_problem_of_the_one_party_view() -> None:
    """The fast path's cross checks leave out the base's constraints and proposals (already
    valid; their checks do not read preferences or no-deal values): on a one-party view with
    broken preferences they find exactly the problems the full checks find."""
    from peacetable.model import Preferences, find_problems
    from peacetable.model.scenario import FrozenDict
    from peacetable.web.merge import _what_changed

    s = load_builtin()
    own = merge(s, {"UA": Submitted(PreferenceInput.model_validate(b_preferences()), 1)}, only="UA")
    prefs = own.scenario.preferences["UA"].model_dump(exclude_none=True)
    issue = next(iter(prefs["values"]))
    option = next(iter(prefs["values"][issue]))
    prefs["values"][issue][option] = {"value": 1.5}
    prefs["source"] = "nowhere#p9"
    broken = own.scenario.model_copy(
        update={"preferences": FrozenDict({"UA": Preferences.model_validate(prefs)})}
    )
    full = [str(p) for p in find_problems(broken)]
    assert len(full) == 2 and [str(p) for p in find_problems(_what_changed(broken))] == full
    assert s.proposals and not _what_changed(broken).proposals
    assert find_problems(_what_changed(own.scenario)) == find_problems(own.scenario) == []
    named = own.scenario.model_copy(
        update={"disagreement": s.disagreement.model_copy(update={"package": "seven-points"})}
    )
    assert _what_changed(named).proposals == s.proposals and not find_problems(_what_changed(named))
