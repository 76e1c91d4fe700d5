"""The workbench pages without a browser: every page renders for its role, strictly (no inline
script, style or handlers), refusals are pages, suggestions reach the editor, plotly is served."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from webtest_support import World, build_world, invite, join, settings_for

from peacetable.core import prepare
from peacetable.scenarios import load_builtin
from peacetable.web import presenting
from peacetable.web.app import create_app

PAGES = {
    "mediator": ["desk", "desk/live", "desk/drafts/1", "desk/drafts/2", "desk/new", "record"],
    "party_a": ["party", "preferences", "record"],
    "party_b": ["party", "preferences"],
    "observer": ["texts", "record"],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(create_app(settings_for(Path(tmp_path_factory.mktemp("pages")))))


def _client(world: World, role: str) -> Any:
    c = world.clients[role]
    assert c is not None
    return c


def test_every_page_renders_for_its_role_without_inline_script_or_style(world: World) -> None:
    for role, paths in PAGES.items():
        c = _client(world, role)
        for path in paths:
            r = c.http.get(f"/n/{world.nid}/{path}")
            assert r.status_code == 200, (role, path, r.text[:200])
            assert r.headers["content-type"].startswith("text/html")
            assert "script-src 'self'" in r.headers["content-security-policy"]
            html = r.text
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), (role, path)
            assert not re.search(r"<style\b", html), (role, path)
            assert not re.search(r"\sstyle=", html), (role, path)
            assert not re.search(r"\son[a-z]+=", html), (role, path)


def test_landing_sends_each_role_to_its_page(world: World) -> None:
    for role, page in {"mediator": "desk", "party_a": "party", "observer": "texts"}.items():
        r = _client(world, role).http.get(f"/n/{world.nid}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith(f"/{page}")


def test_refusals_on_pages_are_pages_with_the_api_status(world: World) -> None:
    anonymous = _client(world, "mediator").http.__class__(world.app, base_url="https://testserver")
    r = anonymous.get(f"/n/{world.nid}/desk")
    assert (
        r.status_code == 401
        and "Sign in" in r.text
        and r.headers["content-type"].startswith("text/html")
    )
    r = _client(world, "party_a").http.get(f"/n/{world.nid}/desk")
    assert r.status_code == 403 and "Not open to your role" in r.text
    r = _client(world, "other_mediator").http.get(f"/n/{world.nid}/party")
    assert r.status_code == 404 and "no such negotiation" in r.text.lower()
    r = _client(world, "mediator").http.get(f"/n/{world.nid}/desk/new?base=1&suggestion=nonsense")
    assert r.status_code == 404


def test_a_suggestion_opens_the_editor_with_its_changes(world: World) -> None:
    m = _client(world, "mediator")
    analysis = m.get(f"/api/negotiations/{world.nid}/drafts/1/analysis").json()["analysis"]
    base = m.get(f"/api/negotiations/{world.nid}/drafts/1").json()["package"]
    issues = m.get(f"/api/negotiations/{world.nid}/issues").json()
    found = presenting.suggestions(analysis, base, issues)
    assert found, "the seven-point plan has suggestions"
    first = found[0]
    html = m.http.get(f"/n/{world.nid}/desk/new?base=1&suggestion={first['id']}").text
    for issue, option in first["package"].items():
        selected = re.search(
            rf'name="package\.{issue}".*?<option value="([a-z_]+)" selected', html, re.S
        )
        assert selected and selected.group(1) == option, (issue, option)
    assert first["title"] in html


def test_plotly_is_served_from_the_installed_package_with_its_style_placeholders(
    world: World,
) -> None:
    path = presenting.plotly_js_path()
    assert path is not None
    r = _client(world, "mediator").http.get("/static/vendor/plotly.min.js")
    assert r.status_code == 200 and r.content == path.read_bytes()
    assert "public" in r.headers["cache-control"]
    html = _client(world, "mediator").http.get(f"/n/{world.nid}/desk/drafts/1").text
    ids = presenting.plotly_style_ids()
    assert ids[0] == "plotly.js-style-global" and len(ids) >= 2
    for pid in ids:
        assert f'<meta id="{pid}" class="no-inline-styles">' in html


def test_a_draft_that_is_no_deal_is_named_so_with_the_server_s_notes(world: World) -> None:
    m = _client(world, "mediator")
    p = prepare(load_builtin())
    assert p.no_deal_package is not None, "the embedded scenario names its no-deal package"
    package = p.package_dict(p.no_deal_package)
    r = m.post(
        f"/api/negotiations/{world.nid}/drafts", json={"title": "Nothing", "package": package}
    )
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    answer = m.get(f"/api/negotiations/{world.nid}/drafts/{version}/analysis").json()
    analysis = answer["analysis"]
    assert analysis["no_deal_package"] and not analysis["agreement"]
    html = m.http.get(f"/n/{world.nid}/desk/drafts/{version}").text
    assert "This text is no deal" in html and "Every party's preferences accept" not in html
    for note in analysis["notes"]:
        assert escape(note) in html
    plan = m.http.get(f"/n/{world.nid}/desk/drafts/1").text
    assert "This text is no deal" not in plan


def test_the_draft_page_asks_how_sure_and_when_and_says_it_is_working(world: World) -> None:
    """The section is on the mediator's draft page, filled by workbench.js from the outlook
    endpoint (no inline script), announced politely while it loads."""
    m = _client(world, "mediator")
    for version in (1, 2):
        html = m.http.get(f"/n/{world.nid}/desk/drafts/{version}").text
        section = re.search(r'<section class="outlook"[^>]*>(.*?)</section>', html, re.S)
        assert section, version
        url = f"/api/negotiations/{world.nid}/drafts/{version}/outlook"
        assert f'data-outlook="{url}"' in section.group(0)
        assert "How sure, and when?" in section.group(1)
        answer = re.search(
            r'<div class="outlook-answer"([^>]*)>(.*?)</div>', section.group(1), re.S
        )
        assert answer and 'role="status"' in answer.group(1)
        assert 'aria-live="polite"' in answer.group(1) and 'aria-busy="true"' in answer.group(1)
        assert "Working it out" in answer.group(2)
        assert m.get(url).status_code == 200
    js = m.http.get("/static/workbench.js").text
    assert "[data-outlook]" in js and "aria-busy" in js and "o.summary[key]" in js


def _lottery_scenario() -> dict[str, Any]:
    """Two parties, one issue, and no deal valued by how a war may end (the disagreement block)."""
    options = [{"id": f"s{k}", "label": f"A gets {k}%"} for k in (0, 50, 100)]
    values = {f"s{k}": k / 100 for k in (0, 50, 100)}
    return {
        "id": "split",
        "title": "A divisible issue",
        "parties": [{"id": "A", "name": "Alpha"}, {"id": "B", "name": "Beta"}],
        "issues": [{"id": "split", "name": "Split", "ordered": True, "options": options}],
        "preferences": {
            "A": {"weights": {"split": 1}, "values": {"split": values}},
            "B": {
                "weights": {"split": 1},
                "values": {"split": {k: 1 - v for k, v in values.items()}},
            },
        },
        "disagreement": {
            "package": "none",
            "outcomes": [
                {"id": "a_wins", "name": "A wins", "package": {"split": "s100"}},
                {"id": "b_wins", "name": "B wins", "package": {"split": "s0"}},
            ],
            "beliefs": {"A": {"a_wins": 0.6}, "B": {"a_wins": 0.4}},
            "costs": {"A": {"cost": 0.1}, "B": {"cost": 0.1}},
        },
    }


def test_elicitation_explains_a_lottery_no_deal_and_still_asks_its_value_today(
    world: World,
) -> None:
    m = _client(world, "mediator")
    r = m.post("/api/negotiations", json={"scenario": _lottery_scenario()})
    assert r.status_code == 201, r.text
    nid = r.json()["id"]
    assert m.get(f"/api/negotiations/{nid}/issues").json()["disagreement_is_lottery"] is True
    scalar = _lottery_scenario()
    del scalar["disagreement"]
    for party in scalar["parties"]:
        party["no_deal"] = {"utility": 0.4}
    r = m.post("/api/negotiations", json={"scenario": scalar})
    assert r.status_code == 201, r.text
    scalar_nid = r.json()["id"]
    assert (
        m.get(f"/api/negotiations/{scalar_nid}/issues").json()["disagreement_is_lottery"] is False
    )
    a = join(world.app, invite(m, nid, "party", "A"), "party_lottery")
    html = a.http.get(f"/n/{nid}/preferences").text
    assert "data-nodeal-by-outcomes" in html and 'id="no-deal"' in html
    b = join(world.app, invite(m, scalar_nid, "party", "A"), "party_scalar")
    plain = b.http.get(f"/n/{scalar_nid}/preferences").text
    assert "data-nodeal-by-outcomes" not in plain and 'id="no-deal"' in plain
