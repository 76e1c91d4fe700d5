"""The scenario adapter and deal stability, checked against direct evaluation of packages."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest
from _gmcr_cases import SCENARIO
from _walkaway_case import WALKAWAY, walkaway

from peacetable.conflict import analyze, deal_stability, from_scenario
from peacetable.conflict.scenario import blocs, package_of, state_of
from peacetable.conflict.stability import CONCEPTS
from peacetable.core import prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.io import loads_scenario


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return loads_scenario(SCENARIO, file="<test>")


def test_decision_makers_from_joint_control(scenario) -> None:  # type: ignore[no-untyped-def]
    """A and B control the border together, so they form one bloc with A's and B's issues."""
    members, mover, held = blocs(scenario, scenario.negotiating_party_ids)
    assert members == [("A", "B"), ("C",)]
    ids = scenario.issue_ids
    assert {ids[k]: members[b] for k, b in mover.items()} == {
        "troops": ("A", "B"),
        "sanctions": ("A", "B"),
        "aid": ("C",),
        "border": ("A", "B"),
    }
    assert set(held) == {ids.index("monitors")}  # nobody controls it
    m = from_scenario(scenario, "deal")
    assert m.dm_names == ["A+B", "C"]
    assert m.meta["scenario"]["members"] == {"A+B": ["A", "B"], "C": ["C"]}


def test_bloc_ranks_states_by_the_sum_of_its_members_utilities(scenario) -> None:  # type: ignore[no-untyped-def]
    m = from_scenario(scenario, "deal")
    u = m.meta["scenario"]["utilities"]
    total = u[:, 0] + u[:, 1]  # A + B
    pay = m.payoffs[0]
    for a, b in itertools.combinations(range(m.n_states), 2):
        assert (pay[a] > pay[b]) == (total[a] > total[b] + 1e-9)
        assert np.array_equal(
            u[a], prepare(scenario).utilities(m.meta["scenario"]["packages"][a])[0]
        )


def test_only_constraints_that_cannot_happen_remove_states(scenario) -> None:  # type: ignore[no-untyped-def]
    """'No lifting while troops stay' cannot be agreed but can happen (a breach); marked
    ``cannot_happen`` it removes the two states with troops staying and sanctions lifted."""
    loose = from_scenario(scenario, "deal")
    assert loose.n_states == 2 * 3 * 2 * 2  # troops, sanctions, aid, border: every combination
    strict = loads_scenario(
        SCENARIO.replace(
            'then: {troops: [withdraw]}, reason: "no lifting while troops stay"',
            'then: {troops: [withdraw]}, kind: cannot_happen, reason: "no lifting while troops stay"',
        )
    )
    m = from_scenario(strict, "deal")
    assert m.n_states == 2 * 3 * 2 * 2 - 2 * 2
    pkgs = [package_of(m, s) for s in range(m.n_states)]
    assert not any(p["troops"] == "stay" and p["sanctions"] == "lift" for p in pkgs)


def test_defections_against_direct_evaluation(scenario) -> None:  # type: ignore[no-untyped-def]
    """Every combination of a decision maker's issues that raises its members' summed
    utility is a defection, with each party's gain as the prepared scenario computes it."""
    d = deal_stability(scenario, "deal")
    p = prepare(scenario)
    base = p.encode(scenario.proposal("deal").package)
    u0 = p.utilities(base)[0]
    expected = set()
    for dm, issues, parties in [("A+B", [0, 1, 3], [0, 1]), ("C", [2], [2])]:
        for combo in itertools.product(*(range(len(p.option_ids[k])) for k in issues)):
            alt = base.copy()
            alt[issues] = combo
            if np.array_equal(alt, base):
                continue
            gain = p.utilities(alt)[0] - u0
            if gain[parties].sum() > p.tie * len(parties):
                expected.add((dm, tuple(int(x) for x in alt)))
    data = d.to_dict()
    got = set()
    for x in data["defections"]:
        alt = p.encode(x["package"])
        got.add((x["mover"], tuple(int(v) for v in alt)))
        gain = p.utilities(alt)[0] - u0
        assert [x["gains"][q] for q in p.party_ids] == pytest.approx(gain.tolist())
        assert x["mover_gain"] == pytest.approx(sum(x["gains"][q] for q in x["members"]))
        assert x["every_member_gains"] == all(x["gains"][q] > 0 for q in x["members"])
    assert got == expected
    full = analyze(d.model)
    for c in full.concepts:
        assert d.equilibrium(c) == bool(full.equilibria_mask(c)[d.state])
    # a sanction leaves the mover's members (summed) no better off than the deal
    for x in data["defections"]:
        for concept, v in x["deterred"].items():
            if v["deterred"]:
                assert sum(v["end"].values()) <= 1e-9, (concept, x["text"])
                assert v["by"] and not set(v["by"]) & set(x["members"])


def test_walking_away_lands_on_no_deal_worth_the_disagreement_point() -> None:
    """A resumes the war: the land term and the monitors lapse in the same move; with the
    sanctions at their status quo too, that state is the no-deal package, worth exactly
    each party's no-deal utility (the same number every lens uses)."""
    s = walkaway(0.6)
    p = prepare(s)
    d = deal_stability(s, "truce-only")  # sanctions already at their status quo
    data = d.to_dict()
    [walk] = [
        x for x in data["defections"] if x["changes"] == {"fire": {"from": "truce", "to": "war"}}
    ]
    assert walk["mover"] == "A" and walk["no_deal"]
    assert walk["package"] == s.status_quo_package()
    target = state_of(d.model, walk["package"])
    assert d.model.meta["scenario"]["utilities"][target].tolist() == p.no_deal.tolist()
    u_deal = p.utilities(p.package("truce-only"))[0]
    assert [walk["gains"][q] for q in p.party_ids] == pytest.approx((p.no_deal - u_deal).tolist())
    assert "back to no deal" in walk["text"]


def test_the_walk_away_voids_dependent_terms_and_can_be_deterred() -> None:
    """From the full deal, A's return to war voids the land and the monitors; B's answer,
    heavy sanctions (not a term of the truce, and an improvement for B), leaves A no better
    off than the deal: deterred under GMR and SEQ."""
    s = walkaway(0.6)
    d = deal_stability(s, "deal")
    data = d.to_dict()
    [walk] = [x for x in data["defections"] if x["changes"].get("fire", {}).get("to") == "war"]
    assert walk["voided"] == {
        "land": {"from": "given", "to": "held"},
        "monitors": {"from": "present", "to": "none"},
    }
    assert walk["package"]["sanctions"] == "none"  # not dependent: stays as agreed
    for concept in ("gmr", "seq"):
        v = walk["deterred"][concept]
        assert v["deterred"] and v["by"] == ["B"]
        [move] = v["moves"]
        assert move["changes"] == {"sanctions": {"from": "none", "to": "heavy"}}
        assert v["end"] == {"A": 0.0}  # A ends exactly where the deal left it
    assert "Deterred under" in walk["text"] and "Beta" in walk["text"]
    # a held issue that nobody controls lapses but is never moved back
    m = d.model
    assert m.meta["scenario"]["voidable"] == ["monitors"]
    held = [k for k, o in enumerate(m.options) if o.dm == -1]
    assert [m.options[k].name for k in held] == ["monitors=present", "monitors=none"]


def test_every_party_can_reverse_what_it_controls() -> None:
    s = walkaway(0.6)
    m = from_scenario(s, "deal")
    start = state_of(m, {})
    from peacetable.conflict.moves import Reachability

    reach = Reachability(m)
    for i, dm in enumerate(m.dm_names):
        reached = {tuple(package_of(m, t).items()) for t in reach.moves(i).targets(start)}
        for iid, who in m.meta["scenario"]["controlled"].items():
            if who != dm:
                continue
            for oid in s.issue(iid).option_ids:
                if oid != package_of(m, start)[iid]:
                    assert any(dict(r)[iid] == oid for r in reached), (dm, iid, oid)


def test_requirement_on_a_held_issue_and_held_issues_lapse_together() -> None:
    extra_issue = """
  - id: talks
    name: Talks
    status_quo: off
    requires: {fire: truce}
    options: [{id: off, label: Off}, {id: on, label: On}]
"""
    text = WALKAWAY.replace("UA_ND", "0.6").replace(
        "preferences:", extra_issue.lstrip("\n") + "preferences:"
    )
    text = text.replace(
        "monitors: present, sanctions: none}", "monitors: present, talks: on, sanctions: none}"
    )
    s = loads_scenario(text)
    m = from_scenario(s, "deal")
    pkgs = [package_of(m, k) for k in range(m.n_states)]
    # monitors and talks (both held, both needing the truce) are never apart
    assert all((q["monitors"] == "present") == (q["talks"] == "on") for q in pkgs)
    assert all(q["fire"] == "truce" for q in pkgs if q["talks"] == "on" or q["land"] == "given")


def test_errors(scenario) -> None:  # type: ignore[no-untyped-def]
    strict = loads_scenario(
        SCENARIO.replace(
            'reason: "no lifting while troops stay"', 'kind: cannot_happen, reason: "x"'
        )
    )
    breaking = from_scenario(strict, {"troops": "stay", "sanctions": "lift"})
    with pytest.raises(InputError, match="not a feasible state"):
        state_of(breaking, {})
    # the status quo itself (troops stay, sanctions lifted) is something that cannot happen
    odd = loads_scenario(
        SCENARIO.replace(
            'reason: "no lifting while troops stay"', 'kind: cannot_happen, reason: "x"'
        ).replace("controlled_by: [B]\n", "controlled_by: [B]\n    status_quo: lift\n")
    )
    with pytest.raises(AnalysisError, match="cannot happen"):
        deal_stability(odd, None)
    with pytest.raises(InputError, match="unknown proposal"):
        from_scenario(scenario, "nope")
    plain = loads_scenario(re.sub(r"\n +controlled_by: \[[ABC, ]+\]", "", SCENARIO))
    with pytest.raises(AnalysisError, match="controlled by negotiating parties"):
        from_scenario(plain)


def test_status_quo_package(scenario) -> None:  # type: ignore[no-untyped-def]
    d = deal_stability(scenario)
    assert d.proposal is None
    assert package_of(d.model, d.state) == scenario.status_quo_package()
    assert np.all(d.model.payoffs >= 1)
    json.dumps(d.to_dict())


def test_embedded_scenario_seven_points() -> None:
    """On the seven-point plan the allies, acting together, can re-extend the membership
    offer; Russia can resume the war (back to no deal, worth its no-deal utility exactly) on
    the minimal ceasefire it rejects. Each move is reported with every party's gain and, per
    concept, whether and by whom it is deterred."""
    from peacetable.scenarios import load_builtin

    s = load_builtin("ukraine-2022")
    p = prepare(s)
    for proposal in ("seven-points", "minimal-ceasefire"):
        d = deal_stability(s, proposal)
        data = d.to_dict()
        assert [x["name"] for x in data["decision_makers"]] == ["RU", "UA", "US+NATO"]
        by_change = {
            (x["mover"], tuple((i, c["to"]) for i, c in x["changes"].items())): x
            for x in data["defections"]
        }
        if proposal == "minimal-ceasefire":
            move = by_change[("RU", (("ceasefire", "none"),))]
            assert move["no_deal"] and move["package"] == s.status_quo_package()
            u = p.utilities(p.package(proposal))[0]
            assert move["gains"]["RU"] == pytest.approx(p.no_deal[0] - u[0])
            # nobody else can move to no deal (what they control lapses with the ceasefire)
            assert not any(v["deterred"] for v in move["deterred"].values())
        else:
            assert not any(x["mover"] == "RU" for x in data["defections"])  # plan > war
            move = by_change[("US+NATO", (("nato_offer", "stands"),))]
            assert move["members"] == ["US", "NATO"]
            assert set(move["gains"]) == {"RU", "UA", "US", "NATO"}
        assert set(move["deterred"]) == {"gmr", "smr", "seq", "sim"}
        for v in move["deterred"].values():
            assert v["deterred"] == bool(v["by"])
        assert move["text"].count("Deterred under") + move["text"].count("Not deterred") >= 1
        full = analyze(d.model)
        for c in full.concepts:
            assert d.equilibrium(c) == bool(full.equilibria_mask(c)[d.state])


def test_embedded_scenario_every_proposal() -> None:
    """Every proposal of the embedded scenario gets verdicts consistent with a full analysis."""
    from peacetable.scenarios import load_builtin

    s = load_builtin("ukraine-2022")
    for pid in [None, *(q.id for q in s.proposals)]:
        d = deal_stability(s, pid)
        full = analyze(d.model)
        for c in full.concepts:
            assert d.equilibrium(c) == bool(full.equilibria_mask(c)[d.state])
        assert d.equilibrium("nash") == (not d.defections)


def _breaks(x: dict, concepts: tuple[str, ...]) -> set[str]:  # type: ignore[type-arg]
    return {"nash"} | {c for c, v in x["deterred"].items() if not v["deterred"] and c in concepts}


@pytest.mark.parametrize(
    ("no_deal_a", "pid", "certainty", "mover", "change"),
    [
        (0.6, "truce-only", "certain", "A", ("fire", "war")),  # back to war, nothing deters it
        (0.6, "deal", "replies_deter", "A", ("fire", "war")),  # B's heavy sanctions deter it
        (0.3, "deal", "partial", "B", ("sanctions", "some")),  # no credible sanction (SEQ)
        (0.3, "truce-only", "partial", "B", ("sanctions", "heavy")),  # no simultaneous one (SIM)
    ],
)
def test_verdict_names_the_move_most_likely_to_break_the_deal(
    no_deal_a: float, pid: str, certainty: str, mover: str, change: tuple[str, str]
) -> None:
    """The chosen defection breaks the deal under the most concepts (checked against every
    defection); the verdict names its mover and move and says how sure, in words."""
    d = deal_stability(walkaway(no_deal_a), pid).to_dict()
    v = d["verdict"]
    concepts = ("nash", "gmr", "smr", "seq", "sim")
    best = d["defections"][v["breaking"]["index"]]
    assert v["certainty"] == certainty and not v["self_enforcing"]
    assert best["mover"] == mover
    (issue, to) = change
    assert best["changes"][issue]["to"] == to
    most = max(len(_breaks(x, concepts)) for x in d["defections"])
    assert set(v["breaking"]["breaks_under"]) == _breaks(best, concepts)
    assert len(_breaks(best, concepts)) == most
    assert set(v["breaking"]["deterred_under"]) == set(concepts) - _breaks(best, concepts)
    assert v["equilibrium_under"] == [c for c in concepts if d["equilibrium"][c]]
    name = {"A": "Alpha", "B": "Beta"}[mover]
    assert f"The move most likely to break it: {name} can change" in v["text"]
    assert f"{name} is {best['mover_gain']:.3f} better off" in v["text"]
    assert "How sure: " in v["text"]
    assert {w["members"][0]: w["ways"] for w in v["walk_away"]} == {
        m: sum(x["mover"] == m for x in d["defections"])
        for m in {x["mover"] for x in d["defections"]}
    }


def test_verdict_words_per_certainty() -> None:
    from peacetable.conflict.scenario import verdict

    def one(deterred: dict[str, bool], members: list[str]) -> dict:  # type: ignore[type-arg]
        x = {
            "members": members,
            "changes": {"x": {"from": "a", "to": "b"}},
            "voided": {},
            "no_deal": False,
            "mover_gain": 0.25,
            "deterred": {c: {"deterred": v} for c, v in deterred.items()},
        }
        eq = {"nash": False, **{c: v for c, v in deterred.items()}}
        return verdict({"equilibrium": eq, "defections": [x]}, {"A": "Alpha"}, {}, CONCEPTS)

    threat = one({"gmr": True, "smr": True, "seq": False, "sim": False}, ["A", "B"])
    assert threat["certainty"] == "threat_only"
    assert "Alpha and B (acting together) can change x" in threat["text"]
    assert "together they are 0.250 better off" in threat["text"]
    assert "no credible (SEQ) and simultaneous (SIM) sanction does" in threat["text"]
    partial = one({"gmr": True, "smr": True, "seq": True, "sim": False}, ["A"])
    assert partial["certainty"] == "partial"
    assert "deterred under GMR, SMR and SEQ" in partial["text"]
    calm = verdict(
        {"equilibrium": dict.fromkeys(CONCEPTS, True), "defections": []}, {}, {}, CONCEPTS
    )
    assert calm["self_enforcing"] and calm["breaking"] is None
    assert "no decision maker gains" in calm["text"]


def test_embedded_scenario_seven_points_verdict() -> None:
    """The seven-point plan is broken by the allies re-extending the membership offer, deterred
    only by sanctions the sanctioning party would not gain from (GMR, SMR); the minimal
    ceasefire by Russia's return to war, under every concept."""
    from peacetable.scenarios import load_builtin

    s = load_builtin("ukraine-2022")
    data = deal_stability(s, "seven-points").to_dict()
    v = data["verdict"]
    best = data["defections"][v["breaking"]["index"]]
    assert best["mover"] == "US+NATO" and not best["no_deal"]
    assert best["changes"] == {"nato_offer": {"from": "withdrawn", "to": "stands"}}
    assert v["certainty"] == "threat_only" and v["equilibrium_under"] == ["gmr", "smr"]
    assert [w["members"] for w in v["walk_away"]] == [["US", "NATO"]]
    data = deal_stability(s, "minimal-ceasefire").to_dict()
    v = data["verdict"]
    best = data["defections"][v["breaking"]["index"]]
    assert best["mover"] == "RU" and best["no_deal"]
    assert best["changes"] == {"ceasefire": {"from": "in_place", "to": "none"}}
    assert v["certainty"] == "certain" and v["equilibrium_under"] == []
    assert v["text"].startswith("Not self-enforcing: an equilibrium under no concept.")
    assert "Russia can change Ceasefire" in v["text"]
