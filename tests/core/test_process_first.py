"""Process before substance, hindsight proposals, and numbers that may not rest on opinions.

The talks about talks (mediator, venue, agenda) are agreed first: no bargaining
solution, post-settlement improvement, linkage trade, "what would it take"
change, robust package or simulated agreement moves them, unless the user asks
(``trade_process``). A hindsight proposal is evaluated apart and never focused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from peacetable.analyze import analyze_session
from peacetable.core import Session, Settings, prepare
from peacetable.errors import ScenarioError
from peacetable.io import scenario_from_data, scenario_to_data
from peacetable.model import Process, find_problems
from peacetable.model.scenario import Estimate
from peacetable.scenarios import load_builtin

TALKS = ("mediator", "venue", "agenda")


def _seed_with_process() -> Any:
    s = load_builtin("ukraine-2022")
    if s.process is not None:
        return s
    return s.model_copy(update={"process": Process(issues=TALKS)})


def _packages_and_changes(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``package`` and ``changes`` mapping anywhere in a result's plain data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("package", "changes") and isinstance(value, dict):
                yield key, value
            yield from _packages_and_changes(value)
    elif isinstance(data, list):
        for value in data:
            yield from _packages_and_changes(value)


def _moved_talks(session: Session, agreed: dict[str, str]) -> list[str]:
    """Lens answers (key: where) that change a talks issue away from the agreed process."""
    answers = {
        "solutions": session.result("solutions"),
        "post_settlement": session.result("post_settlement", agreed="seven-points"),
        "linkage": session.result("linkage", reference="seven-points"),
        "diagnosis": session.result("diagnosis", proposal="seven-points"),
        "single_text": session.result("single_text", start="seven-points"),
    }
    moved = []
    for key, result in answers.items():
        for kind, mapping in _packages_and_changes(result.to_dict()):
            for issue in TALKS:
                if issue not in mapping:
                    continue
                if kind == "changes" or mapping[issue] != agreed[issue]:
                    moved.append(f"{key}: {issue} {mapping[issue]}")
    return moved


def test_no_search_trades_the_talks_against_the_settlement() -> None:
    s = _seed_with_process()
    agreed = s.process_package()
    assert agreed is not None and set(agreed) == set(TALKS)
    assert _moved_talks(Session(s), agreed) == []
    # the restriction matters: asked to trade the process, the same lenses do move it
    assert _moved_talks(Session(s, Settings(trade_process=True)), agreed)


def test_process_held_only_in_searches() -> None:
    s = _seed_with_process()
    p = prepare(s)
    held = p.settled()
    assert held is not p and p.settled(trade_process=True) is p
    x = p.all_packages(limit=10**7)
    assert (held.utilities(x) == p.utilities(x)).all()  # values and acceptance unchanged
    assert (held.accepts(x) == p.accepts(x)).all()
    agreed = held.package(s.process_package())
    talks = [p.issue_ids.index(i) for i in TALKS]
    ok = held.feasible(x)
    assert ok.any() and (x[ok][:, talks] == agreed[talks]).all()


def test_simulated_bargaining_keeps_the_agreed_process() -> None:
    s = _seed_with_process()
    sim = Session(s).result("simulate", repetitions=3, horizon=36)
    agreed = s.process_package()
    for r in sim.results.values():
        for ag in r.agreements:
            assert all(ag["package"][i] == agreed[i] for i in TALKS)


def _data_with(**changes: Any) -> dict[str, Any]:
    data = scenario_to_data(load_builtin("ukraine-2022"))
    data.update(changes)
    return data


def test_a_number_may_not_rest_on_an_opinion_alone() -> None:
    data = scenario_to_data(load_builtin("ukraine-2022"))
    source = data["sources"][0]
    key = "judgement"
    source["passages"][key] = {"text": "It is a great power.", "opinion": True}
    party = data["parties"][0]
    party["power"] = {"value": 0.8, "source": f"{source['id']}#{key}"}
    with pytest.raises(ScenarioError, match="flagged as opinion") as err:
        scenario_from_data(data)
    assert "parties[0].power.source" in str(err.value.location.field)
    party["power"]["assumption"] = "a great military power (stated basis; the opinion is context)"
    scenario = scenario_from_data(data)  # context next to a stated assumption is allowed
    # basis=False skips exactly these checks (for numbers derived from a checked scenario)
    unfounded = scenario.model_copy(
        update={
            "parties": (
                scenario.parties[0].model_copy(
                    update={"power": Estimate(value=0.8, source=f"{source['id']}#{key}")}
                ),
                *scenario.parties[1:],
            )
        }
    )
    assert [p.message for p in find_problems(unfounded)] == [
        p.message for p in find_problems(unfounded, basis=True)
    ]
    assert any("flagged as opinion" in p.message for p in find_problems(unfounded))
    assert find_problems(unfounded, basis=False) == []


def test_hindsight_proposals_are_apart_and_never_set_a_number() -> None:
    data = scenario_to_data(load_builtin("ukraine-2022"))
    data["sources"].append({"id": "later", "title": "A later communiqué", "passages": {}})
    first = data["proposals"][0]
    data["proposals"].append(
        {
            "id": "later-draft",
            "name": "A later draft",
            "package": dict(first["package"]),
            "source": "later",
            "hindsight": True,
        }
    )
    s = scenario_from_data(data)
    p = prepare(s)
    assert "later-draft" not in p.proposal_ids and p.hindsight_ids == ("later-draft",)
    session = Session(s, Settings(samples=500, ripeness_samples=20))
    a = analyze_session(session)
    assert [ev.proposal for ev in a.proposals] == list(p.proposal_ids)
    assert [ev.proposal for ev in a.hindsight] == ["later-draft"]
    assert a.to_dict()["hindsight"][0]["proposal"] == "later-draft"
    data["parties"][0]["power"] = {"value": 0.8, "source": "later", "assumption": "x"}
    with pytest.raises(ScenarioError, match="hindsight"):
        scenario_from_data(data)


def test_process_block_is_validated() -> None:
    with pytest.raises(ScenarioError, match="unknown issue 'venu'"):
        scenario_from_data(_data_with(process={"issues": ["venu"]}))
    with pytest.raises(ScenarioError, match="no agreed option for process issue"):
        scenario_from_data(
            _data_with(process={"issues": ["venue", "mediator"], "package": {"venue": "poland"}})
        )
    data = _data_with(process={"issues": ["venue"]}, implementation=[])
    data["proposals"] = []
    with pytest.raises(ScenarioError, match=r"give process\.package"):
        scenario_from_data(data)
