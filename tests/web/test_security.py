"""Passwords, sessions, cookies, CSRF, rate limits and security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from webtest_support import PASSWORD, Client, World, invite, organiser, settings_for, token_of

from peacetable.web.app import create_app
from peacetable.web.config import RateLimits
from peacetable.web.deps import SESSION_COOKIE
from peacetable.web.models import AuthSession, User


def _login(app: Any, username: str, password: str = PASSWORD) -> Any:
    c = Client(app)
    return c, c.post("/api/auth/login", json={"username": username, "password": password})


def test_passwords_are_stored_as_argon2id(world: World) -> None:
    with world.app.state.ctx.db.reading() as s:
        hashes = s.execute(select(User.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$v=19$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_default_argon2id_cost_follows_rfc_9106(tmp_path: Path) -> None:
    from peacetable.web.config import WebSettings
    from peacetable.web.security import Passwords

    h = Passwords(WebSettings(data_dir=tmp_path).passwords).hash("some password here")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_session_cookie_is_secure_httponly_strict_and_server_side(world: World) -> None:
    c, r = _login(world.app, "party_a")
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    low = cookie.lower()
    assert "secure" in low and "httponly" in low and "samesite=strict" in low and "path=/" in low
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    with world.app.state.ctx.db.reading() as s:
        ids = set(s.execute(select(AuthSession.id)).scalars())
    assert token not in ids  # the database keeps only a hash of the token
    assert c.get("/api/auth/me").json()["username"] == "party_a"


def test_wrong_password_and_unknown_user_get_the_same_answer(world: World) -> None:
    _, wrong = _login(world.app, "party_a", "not the password at all")
    _, unknown = _login(world.app, "nobody_here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_logout_revokes_the_session_on_the_server(world: World) -> None:
    c, _ = _login(world.app, "party_a")
    stolen = c.http.cookies.get(SESSION_COOKIE)
    assert c.post("/api/auth/logout").status_code == 200
    thief = Client(world.app)
    thief.http.cookies.set(SESSION_COOKIE, stolen, domain="testserver.local")
    r = thief.http.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={stolen}"})
    assert r.status_code == 401


def test_password_change_revokes_every_other_session(world: World) -> None:
    first, _ = _login(world.app, "party_b")
    second, _ = _login(world.app, "party_b")
    r = second.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new password"},
    )
    assert r.status_code == 200
    assert first.get("/api/auth/me").status_code == 401
    assert second.get("/api/auth/me").status_code == 200  # this client got a new session
    assert _login(world.app, "party_b")[1].status_code == 401
    assert _login(world.app, "party_b", "a brand new password")[1].status_code == 200
    r = second.post(
        "/api/auth/password", json={"current_password": "wrong", "new_password": "x" * 12}
    )
    assert r.status_code == 403


def _unsafe_routes(app: Any) -> list[tuple[str, str]]:
    from test_authorisation_matrix import _routes

    return [(m, p) for m, p in _routes(app) if m in {"POST", "PUT", "PATCH", "DELETE"}]


@pytest.mark.parametrize("token", [None, "0" * 64, "from another session"])
def test_every_state_changing_request_needs_the_csrf_token(world: World, token: str | None) -> None:
    m = world.clients["mediator"]
    assert m is not None
    other = organiser(world.app, f"csrf{len(str(token))}")
    routes = _unsafe_routes(world.app)
    assert len(routes) >= 15
    for method, path in routes:
        url = path.format(negotiation_id=world.nid, version=1, token="x" * 20, invite_id="abc")
        headers = {}
        if token == "from another session":
            headers["X-CSRF-Token"] = other.csrf
        elif token is not None:
            headers["X-CSRF-Token"] = token
        r = m.http.request(method, url, headers=headers, json={})
        assert r.status_code == 403, (method, path, r.status_code)
        assert "CSRF" in r.json()["detail"]
    # and with the right token the same client gets through
    assert (
        m.post(f"/api/negotiations/{world.nid}/invites", json={"role": "observer"}).status_code
        == 201
    )


def test_cross_site_requests_are_refused(world: World) -> None:
    m = world.clients["mediator"]
    assert m is not None
    r = m.post(
        f"/api/negotiations/{world.nid}/invites",
        json={"role": "observer"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert r.status_code == 403


def test_forms_carry_the_csrf_token_in_a_field(world: World) -> None:
    c = Client(world.app)
    page = c.get("/login")
    assert 'name="csrf_token"' in page.text
    field = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    ok = c.http.post(
        "/login",
        data={"username": "party_a", "password": PASSWORD, "csrf_token": field},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    bad = Client(world.app).http.post("/login", data={"username": "party_a", "password": PASSWORD})
    assert bad.status_code == 403


def test_login_is_rate_limited(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, rate_limits=RateLimits(login="5/minute")))
    organiser(app, "someone")
    c = Client(app)
    codes = [
        c.post(
            "/api/auth/login", json={"username": f"u{i}", "password": "wrong password"}
        ).status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]
    r = c.post("/api/auth/login", json={"username": "someone", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_login_is_rate_limited_per_account(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, rate_limits=RateLimits(login_per_account="3/minute")))
    organiser(app, "someone")
    codes = [
        Client(app)
        .post("/api/auth/login", json={"username": "someone", "password": "bad bad bad"})
        .status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_invite_use_is_rate_limited(tmp_path: Path) -> None:
    app = create_app(
        settings_for(tmp_path, rate_limits=RateLimits(invite="5/minute"))
    )  # 1 set-up + 4
    m = organiser(app, "boss")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    link = invite(m, nid, "observer")
    c = Client(app)
    codes = [c.get(f"/api/invites/guess{i:020d}").status_code for i in range(4)]
    assert codes == [404] * 4
    r = c.post(
        f"/api/invites/{token_of(link)}/accept", json={"username": "obs", "password": PASSWORD}
    )
    assert r.status_code == 429
    assert c.get(f"/invite/{token_of(link)}").status_code == 429


def test_invites_are_single_use_and_expire(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m = organiser(app, "boss")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    link = invite(m, nid, "party", "RU")
    c = Client(app)
    body = {"username": "ru_delegate", "password": PASSWORD}
    assert c.post(f"/api/invites/{token_of(link)}/accept", json=body).status_code == 200
    again = Client(app).post(
        f"/api/invites/{token_of(link)}/accept", json={**body, "username": "other"}
    )
    assert again.status_code == 404
    r = m.post(f"/api/negotiations/{nid}/invites", json={"role": "observer", "days": 1e-9})
    expired = r.json()["link"]
    assert Client(app).get(f"/api/invites/{token_of(expired)}").status_code == 404
    states = {i["state"] for i in m.get(f"/api/negotiations/{nid}/invites").json()}
    assert states == {"used", "expired"}


@pytest.mark.parametrize("url", ["/", "/login", "/api/auth/csrf", "/api/nothing-here"])
def test_security_headers_on_every_response(world: World, url: str) -> None:
    r = Client(world.app).get(url)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script(world: World) -> None:
    for url in ("/", "/login"):
        assert "<script" not in Client(world.app).get(url).text.lower()
