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
    # no deal is the seed's lottery: the stated value is UA's no deal today, through its cost
    from peacetable.core import prepare

    ua_k = prepare(m.scenario).party_ids.index("UA")
    assert prepare(m.scenario).no_deal[ua_k] == pytest.approx(0.35, abs=1e-12)
    assert "submitted" in (m.scenario.disagreement.costs["UA"].cost.assumption or "")
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
    x = b.all_packages(limit=2 * 10**6)[::997]
    assert (a.utilities(x)[:, 0] == b.utilities(x)[:, b.party_ids.index("RU")]).all()


def test_the_fast_one_party_path_equals_full_validation() -> None:
    from peacetable.io import scenario_from_data, scenario_to_data

    s = load_builtin()
    sub = Submitted(PreferenceInput.model_validate(b_preferences()), 1)
    fast = merge(s, {"UA": sub}, only="UA").scenario
    data = scenario_to_data(merge(s, {"UA": sub}).scenario)
    data["preferences"] = {"UA": data["preferences"]["UA"]}
    data["implementation"] = []  # every step's value to every party: the mediator's estimates
    for key in ("beliefs", "costs"):  # the others' expectations of the conflict: theirs
        data["disagreement"][key] = {"UA": data["disagreement"][key]["UA"]}
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
    merged = merge(s, {"A": _sub(weights={"x": 1})}, only="A").scenario
    assert merged.party("A").no_deal is None and set(merged.disagreement.beliefs) == {"A"}


def test_a_stated_no_deal_under_a_lottery_is_the_partys_value_today() -> None:
    """A party's stated no-deal rating replaces its value of the lottery at month 0 (its cost
    of fighting on is solved for it), in its own view and in the mediator's merged view; the
    others' no-deal values and the monthly costs stay the model's."""
    from peacetable.core import prepare
    from peacetable.scenarios import load_builtin

    s = load_builtin()
    check_input(s, PreferenceInput(no_deal=50))  # accepted: a lottery no deal can be stated
    subs = {"RU": _sub(no_deal=50, sureness={"no_deal": [40, 65]})}
    merged = merge(s, subs).scenario
    p, p0 = prepare(merged), prepare(s)
    ru = p.party_ids.index("RU")
    assert p.no_deal[ru] == pytest.approx(0.5, abs=1e-12)
    others = [k for k in range(len(p.party_ids)) if k != ru]
    assert p.no_deal[others].tolist() == p0.no_deal[others].tolist()
    cost = merged.disagreement.costs["RU"]
    assert cost.monthly == s.disagreement.costs["RU"].monthly
    lo, hi = cost.cost.range  # a higher stated value is a lower cost
    assert lo == pytest.approx(cost.cost.value - 0.15) and hi == pytest.approx(
        cost.cost.value + 0.10
    )
    own = merge(s, subs, only="RU").scenario
    assert prepare(own).no_deal.tolist() == pytest.approx([0.5], abs=1e-12)


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
    fast = [str(p) for p in find_problems(_what_changed(broken), basis=False)]
    assert len(full) == 2 and fast == full
    assert s.proposals and not _what_changed(broken).proposals
    assert find_problems(_what_changed(own.scenario)) == find_problems(own.scenario) == []
    named = own.scenario.model_copy(
        update={
            "disagreement": own.scenario.disagreement.model_copy(update={"package": "seven-points"})
        }
    )
    assert _what_changed(named).proposals == s.proposals and not find_problems(_what_changed(named))


def test_a_submission_is_checked_as_its_merge_is() -> None:
    """``check_submission`` (what a save runs) accepts what ``merge(only=...)`` accepts and
    refuses what it refuses, with the same located problems."""
    from peacetable.web.merge import check_submission

    s = load_builtin()
    good = PreferenceInput.model_validate(b_preferences())
    assert check_submission(s, "UA", good) is None
    merge(s, {"UA": Submitted(good, 1)}, only="UA")
    s2 = s.model_copy(update={"preferences": {"RU": s.preferences["RU"]}})
    bad = _sub(weights={"venue": 1}).data
    with pytest.raises(ScenarioError) as merged:
        merge(s2, {"UA": Submitted(bad, 0)}, only="UA", label="submission")
    with pytest.raises(ScenarioError) as checked:
        check_submission(s2, "UA", bad)
    assert str(checked.value) == str(merged.value) and "preferences.UA" in str(checked.value)
