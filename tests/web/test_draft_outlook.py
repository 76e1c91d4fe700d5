"""The mediator's outlook of a draft (``GET .../drafts/{version}/outlook``): robustness and
ripeness in brief through the merged session; refused to everyone else; bad ids are clean errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webtest_support import MARKERS, World, build_world, settings_for

from peacetable.web.app import create_app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(create_app(settings_for(Path(tmp_path_factory.mktemp("outlook")))))


def _url(world: World, version: Any) -> str:
    return f"/api/negotiations/{world.nid}/drafts/{version}/outlook"


def test_the_mediator_reads_how_sure_and_when_for_each_version(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    r = m.get(_url(world, 1))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["version"] == 1 and set(answer["provenance"]) >= {"RU", "UA"}
    o = answer["outlook"]
    assert o["draft"] == "Version 1 (Seven points)" and o["agreement"]
    rob, ripe = o["robustness"], o["ripeness"]
    assert rob["answered"] and rob["samples"] == 20_000 and rob["seed"] == 0
    assert 0.0 <= rob["interval"][0] <= rob["p"] <= rob["interval"][1] <= 1.0
    assert rob["least_sure"]["party"] in {"RU", "UA", "US", "NATO"}
    assert ripe["answered"] and ripe["samples"] == 1_000 and ripe["horizon"] == 36
    assert ripe["draft"] is not None
    assert o["summary"]["robustness"][0].startswith("Version 1 (Seven points): every party")
    assert any("Version 1 (Seven points) is accepted" in s for s in o["summary"]["ripeness"])
    # on the same merged session: asked again, the cached answer
    assert m.get(_url(world, 1)).json() == answer
    sessions = [
        v for k, v in world.app.state.ctx.cache.items() if k[0] == "session" and k[1] == "merged"
    ]
    assert len(sessions) == 1 and sessions[0].cached("ripeness", package=o["package"])
    second = m.get(_url(world, 2)).json()["outlook"]
    assert second["draft"] == "Version 2 (Revised)" and second["package"]["venue"] == "neutral"


def test_parties_observers_and_strangers_are_refused(world: World) -> None:
    expected = {"party_a": 403, "party_b": 403, "observer": 403, "other_mediator": 404}
    for role, status in expected.items():
        c = world.clients[role]
        assert c is not None
        r = c.get(_url(world, 1))
        assert r.status_code == status, (role, r.text)
        assert not any(mk in r.text for mk in MARKERS)
        assert "p_zopa_today" not in r.text and "least_sure" not in r.text
    anonymous = world.clients["mediator"].http.__class__(world.app, base_url="https://testserver")
    assert anonymous.get(_url(world, 1)).status_code == 401


def test_unknown_versions_and_hostile_ids_are_clean_errors(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    assert m.get(_url(world, 99)).status_code == 404
    for bad in ("0", "-1", "99999999999999999999", "x", "1;drop", "%00"):
        r = m.get(_url(world, bad))
        assert r.status_code in (404, 422), (bad, r.status_code, r.text[:200])
    r = m.get(f"/api/negotiations/{'x' * 300}/drafts/1/outlook")
    assert r.status_code in (403, 404, 422)
