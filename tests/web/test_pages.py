"""The pages a person needs a link for: set-up, invitation, sign-in, home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webtest_support import PASSWORD, Client, invite, organiser, settings_for, token_of

from peacetable.web.app import create_app
from peacetable.web.services.accounts import first_start_link


def _field(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _submit(c: Client, url: str, data: dict[str, str]) -> Any:
    page = c.http.get(url)
    assert page.status_code == 200, page.text
    return c.http.post(url, data={**data, "csrf_token": _field(page.text)}, follow_redirects=False)


def test_first_start_link_creates_the_organiser_through_the_page(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    link = first_start_link(app.state.ctx)
    assert link is not None and first_start_link(app.state.ctx) is not None  # until used
    c = Client(app)
    url = "/setup/" + token_of(link)
    mismatch = _submit(c, url, {"username": "boss", "password": PASSWORD, "confirm": "other"})
    assert mismatch.status_code == 422 and "differ" in mismatch.text
    ok = _submit(c, url, {"username": "boss", "password": PASSWORD, "confirm": PASSWORD})
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    assert "signed in as boss" in c.http.get("/").text
    assert first_start_link(app.state.ctx) is None
    assert Client(app).http.get(url).status_code == 404  # used


def test_an_invitation_page_lets_a_party_join_and_sign_in(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m = organiser(app, "boss")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    link = invite(m, nid, "party", "UA")
    c = Client(app)
    page = c.http.get("/invite/" + token_of(link))
    assert "Ukraine" in page.text and "confidential" in page.text
    ok = _submit(
        c,
        "/invite/" + token_of(link),
        {"username": "ua_delegate", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert ok.status_code == 303
    home = c.http.get("/").text
    assert "signed in as ua_delegate" in home and "party (UA)" in home
    out = c.http.post("/logout", data={"csrf_token": _field(home)}, follow_redirects=False)
    assert out.status_code == 303
    assert "signed in" not in c.http.get("/").text
    again = Client(app).http.get("/invite/" + token_of(link))
    assert again.status_code == 404 and "not valid" in again.text
