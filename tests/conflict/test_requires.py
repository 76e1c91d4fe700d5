"""``Issue.requires`` is validated with located, exact messages."""

from __future__ import annotations

import pytest

from peacetable.errors import ScenarioError
from peacetable.io import loads_scenario

BASE = """format: peacetable/1
id: t
title: T
parties: [{id: A, name: A}, {id: B, name: B}]
issues:
  - id: fire
    name: Fire
    controlled_by: [A]
    options: [{id: war, label: War}, {id: truce, label: Truce}]
  - id: land
    name: Land
    controlled_by: [B]
    requires: REQ
    options: [{id: held, label: Held}, {id: given, label: Given}]
preferences:
  A: {weights: {fire: 1, land: 1}, values: {fire: {war: 1, truce: 0}, land: {held: 0, given: 1}}}
  B: {weights: {fire: 1, land: 1}, values: {fire: {war: 0, truce: 1}, land: {held: 1, given: 0}}}
proposals:
  - {id: deal, name: Deal, package: PKG}
"""


def _problems(req: str, pkg: str = "{}") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(BASE.replace("REQ", req).replace("PKG", pkg), file="x.yaml")
    return [str(p) for p in info.value.problems]


def test_a_sound_requirement_loads() -> None:
    s = loads_scenario(
        BASE.replace("REQ", "{fire: truce}").replace("PKG", "{fire: truce, land: given}")
    )
    assert s.issue("land").requires == {"fire": ("truce",)}
    assert s.issue("fire").requires == {}


@pytest.mark.parametrize(
    ("req", "pkg", "message"),
    [
        (
            "{fier: truce}",
            "{}",
            "x.yaml:13:16: issues[1].requires: unknown issue 'fier' (did you mean 'fire'?)",
        ),
        (
            "{land: held}",
            "{}",
            "x.yaml:13:16: issues[1].requires.land: issue 'land' cannot require itself",
        ),
        (
            "{fire: [truse]}",
            "{}",
            "x.yaml:13:16: issues[1].requires.fire: unknown option of issue 'fire' 'truse' "
            "(did you mean 'truce'?)",
        ),
        (
            "{fire: []}",
            "{}",
            "x.yaml:13:16: issues[1].requires.fire: list at least one option the requirement allows",
        ),
        (
            "{fire: [truce]}",
            "{land: given}",
            "x.yaml:19:28: proposals[0].package: proposal 'deal' sets land=given, which holds only "
            "while fire is truce (it is war)",
        ),
    ],
)
def test_bad_requirements_are_located(req: str, pkg: str, message: str) -> None:
    assert _problems(req, pkg) == [message]
