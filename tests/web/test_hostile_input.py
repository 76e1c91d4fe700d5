"""Hostile input: escaped markup, refused oversized and malformed bodies, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from webtest_support import PASSWORD, Client, World, invite, organiser, settings_for, token_of

from peacetable.scenarios import builtin_text
from peacetable.web.app import create_app

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _size(world: World) -> int:
    m = world.clients["mediator"]
    assert m is not None
    return int(m.get(f"/api/negotiations/{world.nid}").json()["record_size"])


def test_markup_in_names_and_texts_is_escaped_on_pages(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m = organiser(app, "boss")
    nid = m.post(
        "/api/negotiations", json={"scenario_id": "ukraine-2022", "title": f"Talks {XSS}"}
    ).json()["id"]
    link = invite(m, nid, "party", "RU")
    page = Client(app).get(f"/invite/{token_of(link)}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    c = Client(app)
    form = c.get(f"/invite/{token_of(link)}").text
    field = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = c.http.post(
        f"/invite/{token_of(link)}",
        data={"username": XSS, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": field},
    )
    assert r.status_code == 422 and "<script>alert" not in r.text
    r = c.http.post("/login", data={"username": XSS, "password": "x", "csrf_token": field})
    assert "<script>alert" not in r.text


def test_markup_in_drafts_and_comments_comes_back_as_data(world: World) -> None:
    m, b = world.clients["mediator"], world.clients["party_b"]
    assert m is not None and b is not None
    r = m.post(
        f"/api/negotiations/{world.nid}/drafts",
        json={"title": XSS, "package": {}, "wording": {"crimea": XSS}},
    )
    assert r.status_code == 201
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["wording"]["crimea"] == XSS  # JSON data, never HTML
    home = m.get("/")
    assert "<script>alert" not in home.text


def test_oversized_bodies_are_refused_with_a_clear_message(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    before = _size(world)
    huge = "x" * (3 * 1024 * 1024)
    r = m.post(
        f"/api/negotiations/{world.nid}/drafts", json={"title": "t", "package": {}, "note": huge}
    )
    assert r.status_code == 413
    assert "too large" in r.json()["detail"] and "limit" in r.json()["detail"]
    r = m.post(
        "/api/negotiations/upload", files={"file": ("big.yaml", b"# " + b"x" * (3 * 1024 * 1024))}
    )
    assert r.status_code == 413
    assert _size(world) == before


def test_malformed_json_bodies_get_a_clear_422(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    before = _size(world)
    for body in (b"{not json", b"[]", b'{"title": 5}', b'{"title": "t", "package": {"venue": 7}}'):
        r = m.post(
            f"/api/negotiations/{world.nid}/drafts",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422, body
        detail = r.json()["detail"]
        assert detail["message"] == "the request is malformed" and detail["problems"]
    r = m.post(
        f"/api/negotiations/{world.nid}/drafts", json={"title": "t", "package": {"venu": "x"}}
    )
    assert r.status_code == 422
    assert "venu" in json.dumps(r.json())
    assert _size(world) == before


def test_malformed_scenario_uploads_name_the_line(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    text = builtin_text("ukraine-2022").replace("id: RU\n", "id: 9RU\n", 1)
    r = m.post("/api/negotiations/upload", files={"file": ("talks.yaml", text.encode())})
    assert r.status_code == 422
    problems = r.json()["detail"]["problems"]
    assert problems and problems[0]["line"] is not None
    r = m.post("/api/negotiations/upload", files={"file": ("talks.yaml", b"\xff\xfe\x00bad")})
    assert r.status_code == 422 and "UTF-8" in r.text
    r = m.post("/api/negotiations/upload", files={"file": ("talks.yaml", b"a: [1, 2\n")})
    assert r.status_code == 422
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    r = m.post("/api/negotiations/upload", files={"file": ("bomb.yaml", bomb.encode())})
    assert r.status_code == 422 and "aliases" in r.text
    r = m.post("/api/negotiations", json={"scenario": {"format": "peacetable/1", "id": "x"}})
    assert r.status_code == 422 and r.json()["detail"]["problems"]
    listing = m.get("/api/negotiations").json()
    assert len(listing) == 1  # nothing was created by the failed uploads


def test_a_failed_join_leaves_the_invitation_usable(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m = organiser(app, "boss")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    link = invite(m, nid, "party", "RU")
    c = Client(app)
    taken = c.post(
        f"/api/invites/{token_of(link)}/accept", json={"username": "boss", "password": PASSWORD}
    )
    assert taken.status_code == 409
    short = c.post(
        f"/api/invites/{token_of(link)}/accept",
        json={"username": "ru_delegate", "password": "short"},
    )
    assert short.status_code == 422
    size = m.get(f"/api/negotiations/{nid}").json()["record_size"]
    ok = c.post(
        f"/api/invites/{token_of(link)}/accept",
        json={"username": "ru_delegate", "password": PASSWORD},
    )
    assert ok.status_code == 200
    assert m.get(f"/api/negotiations/{nid}").json()["record_size"] == size + 1


def test_submissions_with_bad_ids_are_refused_whole(world: World) -> None:
    a = world.clients["party_a"]
    assert a is not None
    before = _size(world)
    bad: list[dict[str, Any]] = [
        {"weights": {"nowhere": 3}},
        {"ranking": {"venue": ["none", "belarus"]}},
        {"ratings": {"venue": {"none": 50}}},
        {"beliefs": {"crimea_vote": {"joins_russia": 0.9, "stays_ukraine": 0.5}}},
        {"ratings": {"mediator": {"none": 150, "china": 1, "israel": 2}}},
        {"no_deal": float("nan")},
    ]
    for prefs in bad:
        r = a.http.post(
            f"/api/negotiations/{world.nid}/my/submissions",
            content=json.dumps({"preferences": prefs}).encode(),
            headers={"X-CSRF-Token": a.csrf, "content-type": "application/json"},
        )
        assert r.status_code == 422, prefs
    assert _size(world) == before


def test_hostile_addresses_never_cause_a_server_error(world: World) -> None:
    """Every route, with huge numbers and junk in its address and query, as the mediator."""
    import re

    from fastapi.testclient import TestClient
    from test_authorisation_matrix import _routes

    m = world.clients["mediator"]
    assert m is not None
    http = TestClient(world.app, base_url="https://testserver", raise_server_exceptions=False)
    http.cookies = m.http.cookies
    junk = ["99999999999999999999", "-1", "%00%ff", "x" * 300, "<script>"]
    query = {k: junk[0] for k in ("against", "seq", "first", "second", "tree_size", "start")}
    for method, path in _routes(world.app):
        for value in junk:
            url = re.sub(r"\{negotiation_id\}", world.nid, path)
            url = re.sub(r"\{[a-z_]+\}", value, url)
            r = http.request(method, url, params=query, headers={"X-CSRF-Token": m.csrf}, json={})
            assert r.status_code < 500, (method, url, r.status_code, r.text[:200])
