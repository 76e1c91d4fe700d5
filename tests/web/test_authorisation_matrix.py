"""Every endpoint × {anonymous, mediator, mediator of another negotiation, party A, party B,
observer}: allowed or denied as the table says; and nothing of party B's reaches A or an observer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from webtest_support import (
    MARKERS,
    NO_LIMITS,
    PASSWORD,
    Client,
    World,
    a_preferences,
    build_world,
    settings_for,
    token_of,
)

from peacetable.scenarios import builtin_text
from peacetable.web.app import create_app
from peacetable.web.services import accounts

ROLES = ("anonymous", "mediator", "other_mediator", "party_a", "party_b", "observer")
USERNAMES = {
    "mediator": "mediator",
    "other_mediator": "othermediator",
    "party_a": "party_a",
    "party_b": "party_b",
    "observer": "observer",
}
PUBLIC = set(ROLES)
SIGNED_IN = PUBLIC - {"anonymous"}
ORGANISERS = {"mediator", "other_mediator"}
MEMBERS = {"mediator", "party_a", "party_b", "observer"}
MEDIATOR = {"mediator"}
PARTIES = {"party_a", "party_b"}

N = "/api/negotiations/{negotiation_id}"
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/auth/csrf"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): SIGNED_IN,
    ("POST", "/api/auth/password"): SIGNED_IN,
    ("GET", "/api/auth/me"): SIGNED_IN,
    ("POST", "/api/setup/{token}"): PUBLIC,
    ("POST", "/api/setup-links"): ORGANISERS,
    ("GET", "/api/negotiations"): SIGNED_IN,
    ("POST", "/api/negotiations"): ORGANISERS,
    ("POST", "/api/negotiations/upload"): ORGANISERS,
    ("GET", N): MEMBERS,
    ("GET", N + "/issues"): MEMBERS,
    ("GET", N + "/scenario"): MEDIATOR,
    ("GET", N + "/status"): MEDIATOR,
    ("POST", N + "/invites"): MEDIATOR,
    ("GET", N + "/invites"): MEDIATOR,
    ("DELETE", N + "/invites/{invite_id}"): MEDIATOR,
    ("GET", "/api/invites/{token}"): PUBLIC,
    ("POST", "/api/invites/{token}/accept"): PUBLIC,
    ("POST", N + "/my/submissions/check"): PARTIES,
    ("POST", N + "/my/submissions"): PARTIES,
    ("GET", N + "/my/submissions"): PARTIES,
    ("GET", N + "/my/preview"): PARTIES,
    ("GET", N + "/my/openings"): PARTIES,
    ("GET", N + "/submissions"): MEDIATOR,
    ("GET", N + "/submissions/{party}/{version}"): MEDIATOR,
    ("POST", N + "/drafts"): MEDIATOR,
    ("GET", N + "/drafts"): MEDIATOR,
    ("GET", N + "/drafts/{version}"): MEDIATOR,
    ("GET", N + "/drafts/{version}/diff"): MEDIATOR,
    ("POST", N + "/drafts/{version}/publish"): MEDIATOR,
    ("GET", N + "/drafts/{version}/analysis"): MEDIATOR,
    ("GET", N + "/published"): MEMBERS,
    ("GET", N + "/published/{version}"): MEMBERS,
    ("GET", N + "/published/{version}/diff"): MEMBERS,
    ("GET", N + "/my/scores"): PARTIES,
    ("POST", N + "/published/{version}/responses"): PARTIES,
    ("GET", N + "/my/responses"): PARTIES,
    ("GET", N + "/responses"): MEDIATOR,
    ("GET", N + "/agreement"): MEMBERS,
    ("GET", N + "/record"): MEMBERS,
    ("GET", N + "/record/checkpoint"): MEMBERS,
    ("GET", N + "/record/proof"): MEMBERS,
    ("GET", N + "/record/consistency"): MEMBERS,
    ("GET", N + "/record/download"): MEMBERS,
    ("GET", N + "/export"): MEDIATOR,
    ("POST", "/api/import"): ORGANISERS,
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/setup/{token}"): PUBLIC,
    ("POST", "/setup/{token}"): PUBLIC,
    ("GET", "/invite/{token}"): PUBLIC,
    ("POST", "/invite/{token}"): PUBLIC,
}


def _routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) the app serves (FastAPI >= 0.150 nests included routers)."""
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found += [(m, route.path) for m in sorted(route.methods)]
        elif hasattr(route, "effective_route_contexts"):
            for rc in route.effective_route_contexts():
                if isinstance(rc.original_route, APIRoute):
                    found += [(m, rc.path) for m in sorted(rc.original_route.methods)]
    return found


class Matrix:
    """Runs each call with a fresh sign-in of the role, so side effects stay apart."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.app = world.app
        self.ctx = self.app.state.ctx
        self.counter = 0
        self.export = world.clients["mediator"].get(f"/api/negotiations/{world.nid}/export").json()
        self.bodies: dict[str, list[str]] = {r: [] for r in ROLES}

    def client(self, role: str) -> Client:
        c = Client(self.app)
        if role != "anonymous":
            r = c.post("/api/auth/login", json={"username": USERNAMES[role], "password": PASSWORD})
            assert r.status_code == 200, r.text
        return c

    def unique(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def fresh_invite(self, nid: str, role: str = "observer") -> tuple[str, str]:
        """(invite id, token) of a new open invitation, made directly by the service."""
        from peacetable.web.deps import Access, CurrentUser
        from peacetable.web.services import invites

        access = Access(CurrentUser(0, "test", True, ""), nid, "mediator", None, 0)
        out = invites.create(self.ctx, access, role, None, "matrix", None)
        return str(out["id"]), token_of(out["link"])

    def call(self, role: str, method: str, path: str) -> Any:
        w = self.world
        c = self.client(role)
        invite_id, token = self.fresh_invite(w.nid)
        params: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        values = {
            "negotiation_id": w.nid,
            "version": "2" if path.startswith(N + "/drafts/{version}") else "1",
            "party": "UA",
            "invite_id": invite_id,
            "token": token,
        }
        if path.startswith("/api/invites/{token}") or path.startswith("/invite/{token}"):
            values["token"] = self.fresh_invite(w.other_nid)[1]
        if path.endswith("{token}") and "setup" in path:
            values["token"] = token_of(accounts.create_setup_link(self.ctx))
        url = path.format(**values)
        if path.endswith("/diff"):
            params["against"] = 1
        if path.endswith("/record/proof"):
            params["seq"] = 0
        if path.endswith("/record/consistency"):
            params["first"] = 1
        kwargs["params"] = params
        body = self.body(role, method, path)
        if body is not None:
            kwargs.update(body)
        r = c.get(url, **kwargs) if method == "GET" else c.request(method, url, **kwargs)
        self.bodies[role].append(r.text)
        return r

    def body(self, role: str, method: str, path: str) -> dict[str, Any] | None:
        new_account = {"username": self.unique("newuser"), "password": PASSWORD}
        bodies: dict[tuple[str, str], dict[str, Any]] = {
            ("POST", "/api/auth/login"): {
                "json": {"username": USERNAMES.get(role, "observer"), "password": PASSWORD}
            },
            ("POST", "/api/auth/password"): {
                "json": {"current_password": PASSWORD, "new_password": PASSWORD}
            },
            ("POST", "/api/setup/{token}"): {"json": new_account},
            ("POST", "/api/negotiations"): {"json": {"scenario_id": "ukraine-2022"}},
            ("POST", "/api/negotiations/upload"): {
                "files": {"file": ("s.yaml", builtin_text("ukraine-2022").encode())}
            },
            ("POST", N + "/invites"): {"json": {"role": "observer"}},
            ("POST", "/api/invites/{token}/accept"): {"json": new_account},
            ("POST", N + "/my/submissions/check"): {"json": a_preferences()},
            ("POST", N + "/my/submissions"): {"json": {"preferences": {"no_deal": 45}}},
            ("POST", N + "/drafts"): {"json": {"title": "matrix draft", "package": {}}},
            ("POST", N + "/published/{version}/responses"): {
                "json": {"verdict": "comment", "comment": "matrix"}
            },
            ("POST", "/api/import"): {"json": self.export},
            ("POST", "/login"): {
                "data": {"username": USERNAMES.get(role, "observer"), "password": PASSWORD}
            },
            ("POST", "/setup/{token}"): {"data": {**new_account, "confirm": PASSWORD}},
            ("POST", "/invite/{token}"): {"data": {**new_account, "confirm": PASSWORD}},
        }
        return bodies.get((method, path))


def _denied(role: str, path: str, r: Any) -> bool:
    if role == "anonymous":
        return r.status_code == 401
    if r.status_code == 403:
        return True
    return r.status_code == 404 and "no such negotiation" in r.text


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Matrix, dict[Any, int]]:
    app = create_app(settings_for(Path(tmp_path_factory.mktemp("matrix")), rate_limits=NO_LIMITS))
    m = Matrix(build_world(app))
    statuses = {}
    for method, path in _routes(app):
        for role in ROLES:
            statuses[(method, path, role)] = m.call(role, method, path).status_code
    return m, statuses


def test_every_endpoint_is_in_the_table(matrix: tuple[Matrix, dict[Any, int]]) -> None:
    m, _ = matrix
    routes = set(_routes(m.app))
    assert routes == set(EXPECTED), (
        f"missing from the table: {sorted(routes - set(EXPECTED))}; "
        f"gone from the app: {sorted(set(EXPECTED) - routes)}"
    )


def test_each_role_is_allowed_or_denied_as_the_table_says(
    matrix: tuple[Matrix, dict[Any, int]],
) -> None:
    _m, statuses = matrix
    wrong = []
    for (method, path), allowed in EXPECTED.items():
        for role in ROLES:
            status = statuses[(method, path, role)]
            if status >= 500:
                wrong.append(f"{method} {path} as {role}: {status} (server error)")
                continue
            denied_status = {"anonymous": 401, "other_mediator": 404}.get(role, 403)
            if role in allowed:
                if status in (401, 403) or (
                    status == 404 and path.startswith(N) and role == "other_mediator"
                ):
                    wrong.append(f"{method} {path} as {role}: denied ({status}), should be allowed")
            elif role == "other_mediator" and not path.startswith(N):
                if status != 403:
                    wrong.append(f"{method} {path} as {role}: {status}, should be 403")
            elif status != denied_status:
                wrong.append(f"{method} {path} as {role}: {status}, should be {denied_status}")
    assert not wrong, "\n".join(wrong)


def test_party_b_markers_never_reach_party_a_or_the_observer(
    matrix: tuple[Matrix, dict[Any, int]],
) -> None:
    m, _ = matrix
    mediator_text = "\n".join(m.bodies["mediator"])
    assert any(marker in mediator_text for marker in MARKERS), "the scan would find nothing"
    for role in ("party_a", "observer", "other_mediator", "anonymous"):
        for text in m.bodies[role]:
            for marker in MARKERS:
                assert marker not in text, f"{marker!r} served to {role}: {text[:300]}"


def test_guessing_another_partys_submission_fails(world: World) -> None:
    a = world.clients["party_a"]
    assert a is not None
    for url in (
        f"/api/negotiations/{world.nid}/submissions/UA/1",
        f"/api/negotiations/{world.nid}/submissions",
        f"/api/negotiations/{world.other_nid}/my/submissions",
    ):
        r = a.get(url)
        assert r.status_code in (403, 404)
    mine = a.get(f"/api/negotiations/{world.nid}/my/submissions").json()
    assert {s["party"] for s in mine} == {"RU"}
