"""The whole flow: invite, submit, draft, publish, respond, agree, improve; export and import."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from webtest_support import (
    MARKER_NO_DEAL,
    Client,
    a_preferences,
    full_ranking,
    invite,
    join,
    organiser,
    settings_for,
)

from peacetable.scenarios import load_builtin
from peacetable.web.app import create_app
from peacetable.web.verify import verify_export

PRINCIPALS = ("RU", "UA", "US", "NATO")


def _negotiation(app: Any) -> tuple[Client, str, dict[str, Client], Client]:
    m = organiser(app, "mediator")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    parties = {p: join(app, invite(m, nid, "party", p), f"delegate_{p}") for p in PRINCIPALS}
    observer = join(app, invite(m, nid, "observer"), "watcher")
    return m, nid, parties, observer


def _publish(m: Client, nid: str, package: dict[str, str], title: str) -> int:
    r = m.post(
        f"/api/negotiations/{nid}/drafts",
        json={"title": title, "package": package, "wording": {"crimea": "A supervised vote."}},
    )
    assert r.status_code == 201, r.text
    v = int(r.json()["version"])
    assert m.post(f"/api/negotiations/{nid}/drafts/{v}/publish").status_code == 200
    return v


def test_flow_to_agreement_and_a_post_settlement_improvement(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m, nid, parties, observer = _negotiation(app)
    for p, c in parties.items():
        r = c.post(
            f"/api/negotiations/{nid}/my/submissions",
            json={"preferences": {"ranking": full_ranking(["venue"]), "no_deal": 30}},
        )
        assert r.status_code == 201, (p, r.text)
    status = m.get(f"/api/negotiations/{nid}/status").json()
    assert {s["party"] for s in status["parties"] if s["submissions"] == 1} == set(PRINCIPALS)

    plan = dict(load_builtin().proposal("seven-points").package)
    v1 = _publish(m, nid, plan, "The seven-point plan")
    analysis = m.get(f"/api/negotiations/{nid}/drafts/{v1}/analysis").json()
    a = analysis["analysis"]
    assert set(a) >= {
        "parties",
        "rejecting",
        "to_win_over",
        "pareto_improvements",
        "acceptable_to_all",
        "fair_packages",
        "efficient",
    }
    assert analysis["provenance"]["RU"]["no_deal"] == "party"
    assert analysis["provenance"]["RU"]["values"]["venue"] == "party"
    assert analysis["provenance"]["RU"]["values"]["crimea"] == "mediator"

    # responses beside predictions
    parties["RU"].post(
        f"/api/negotiations/{nid}/published/{v1}/responses",
        json={"verdict": "reject", "cannot_live_with": ["donbas"]},
    )
    rows = m.get(f"/api/negotiations/{nid}/responses").json()[0]["parties"]
    ru = next(r for r in rows if r["party"] == "RU")
    assert ru["response"]["cannot_live_with"] == ["donbas"] and "accepts" in ru["predicted"]

    # scores: each party its own, 0..1
    for c in parties.values():
        scores = c.get(f"/api/negotiations/{nid}/my/scores").json()
        assert len(scores) == 1 and 0.0 <= scores[0]["score"] <= 1.0

    # everyone accepts the second version
    v2 = _publish(m, nid, {**plan, "venue": "neutral"}, "Revised")
    diff = m.get(f"/api/negotiations/{nid}/published/{v2}/diff", params={"against": v1}).json()
    assert [c["issue"] for c in diff["changes"]] == ["venue"]
    results = [
        c.post(
            f"/api/negotiations/{nid}/published/{v2}/responses", json={"verdict": "accept"}
        ).json()
        for c in parties.values()
    ]
    assert [r["agreed"] for r in results] == [False, False, False, True]
    codes = {
        c.get(f"/api/negotiations/{nid}/agreement").json()["settlement_code"]
        for c in [*parties.values(), observer, m]
    }
    assert len(codes) == 1
    agreement = observer.get(f"/api/negotiations/{nid}/agreement").json()
    assert hashlib.sha256(agreement["text"].encode()).hexdigest() == codes.pop()
    r = parties["RU"].post(
        f"/api/negotiations/{nid}/published/{v1}/responses", json={"verdict": "accept"}
    )
    assert r.status_code == 409

    # a post-settlement improvement: the agreed text stays unless every party accepts
    suggestions = m.get(f"/api/negotiations/{nid}/drafts/{v2}/analysis").json()["analysis"]
    assert "post_settlement" in suggestions
    v3 = _publish(m, nid, {**plan, "venue": "jerusalem"}, "Improvement")
    assert m.get(f"/api/negotiations/{nid}/drafts/{v3}").json()["kind"] == "improvement"
    parties["RU"].post(
        f"/api/negotiations/{nid}/published/{v3}/responses", json={"verdict": "reject"}
    )
    assert observer.get(f"/api/negotiations/{nid}/agreement").json()["version"] == v2
    for c in parties.values():
        c.post(f"/api/negotiations/{nid}/published/{v3}/responses", json={"verdict": "accept"})
    assert observer.get(f"/api/negotiations/{nid}/agreement").json()["version"] == v3
    again = parties["UA"].post(
        f"/api/negotiations/{nid}/published/{v3}/responses", json={"verdict": "reject"}
    )
    assert again.status_code == 409  # the agreement is not reopened

    # the record tells the story and verifies, with every party's openings
    kinds = [e["kind"] for e in observer.get(f"/api/negotiations/{nid}/record").json()["entries"]]
    assert kinds.count("agreement") == 1 and kinds.count("improvement_agreed") == 1
    for c in parties.values():
        download = c.get(f"/api/negotiations/{nid}/record/download").json()
        report = verify_export(download)
        assert report.ok, report.findings
        assert report.checked["openings"] >= 2


def test_contradictions_are_flagged_before_saving(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    _m, nid, parties, _ = _negotiation(app)
    prefs = {
        "ranking": {"mediator": ["israel", "china", "none"]},
        "ratings": {"mediator": {"israel": 90, "china": 20, "none": 40}},
    }
    c = parties["UA"]
    check = c.post(f"/api/negotiations/{nid}/my/submissions/check", json=prefs).json()
    assert check["contradictions"][0]["ranked_higher"] == "china"
    assert "best" in check["preview"]
    refused = c.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": prefs})
    assert refused.status_code == 422 and "contradict" in refused.text
    assert c.get(f"/api/negotiations/{nid}/my/submissions").json() == []
    saved = c.post(
        f"/api/negotiations/{nid}/my/submissions",
        json={"preferences": prefs, "acknowledge_contradictions": True},
    )
    assert saved.status_code == 201 and saved.json()["contradictions"]
    fixed = {**prefs, "ranking": {"mediator": ["israel", "none", "china"]}}
    again = c.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": fixed})
    assert again.json()["version"] == 2 and again.json()["contradictions"] == []


def test_a_party_sees_its_own_numbers_only(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m, nid, parties, _ = _negotiation(app)
    parties["UA"].post(
        f"/api/negotiations/{nid}/my/submissions", json={"preferences": {"no_deal": MARKER_NO_DEAL}}
    )
    parties["RU"].post(
        f"/api/negotiations/{nid}/my/submissions", json={"preferences": a_preferences()}
    )
    mine = parties["RU"].get(f"/api/negotiations/{nid}/my/submissions").json()
    assert [s["party"] for s in mine] == ["RU"]
    preview = parties["RU"].get(f"/api/negotiations/{nid}/my/preview").json()
    assert set(preview) == {"best", "scores"}
    issues = parties["RU"].get(f"/api/negotiations/{nid}/issues").json()
    assert "no_deal" not in str(issues) and "power" not in str(issues)
    assert str(MARKER_NO_DEAL) in m.get(f"/api/negotiations/{nid}/submissions").text


def _flow_for_export(app: Any) -> tuple[Client, str, dict[str, Client]]:
    m, nid, parties, _ = _negotiation(app)
    for c in parties.values():
        c.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": {"no_deal": 30}})
    v = _publish(m, nid, dict(load_builtin().proposal("seven-points").package), "Plan")
    parties["UA"].post(
        f"/api/negotiations/{nid}/published/{v}/responses", json={"verdict": "reject"}
    )
    parties["RU"].get(f"/api/negotiations/{nid}/record/checkpoint")
    return m, nid, parties


def test_export_and_import_between_sqlite_and_postgresql(
    tmp_path: Path, database_url: str | None
) -> None:
    source = create_app(settings_for(tmp_path / "a"))
    m, nid, _ = _flow_for_export(source)
    export = m.get(f"/api/negotiations/{nid}/export").json()
    assert verify_export(export).ok
    target = create_app(settings_for(tmp_path / "b", database_url))
    boss = organiser(target, "newboss")
    organiser(target, "delegate_RU")  # this user name already has an account here
    r = boss.post("/api/import", json=export)
    assert r.status_code == 201, r.text
    out = r.json()
    invited = {i["username"] for i in out["invites"]}
    assert "delegate_UA" in invited and "delegate_RU" not in invited
    again = boss.get(f"/api/negotiations/{nid}/export").json()
    assert (
        again["record"]["entries"][: len(export["record"]["entries"])]
        == export["record"]["entries"]
    )
    assert (
        '"kind":"imported"' in again["record"]["entries"][len(export["record"]["entries"])]["entry"]
    )
    assert verify_export(again).ok
    assert len(again["submissions"]) == len(export["submissions"])
    assert boss.post("/api/import", json=export).status_code == 409


@pytest.mark.parametrize("tamper", ["entry", "submission", "draft"])
def test_import_refuses_a_tampered_export_whole(tmp_path: Path, tamper: str) -> None:
    source = create_app(settings_for(tmp_path / "a"))
    m, nid, _ = _flow_for_export(source)
    export = m.get(f"/api/negotiations/{nid}/export").json()
    if tamper == "entry":
        e = export["record"]["entries"][3]
        e["entry"] = e["entry"].replace('"time":"2', '"time":"1')
    elif tamper == "submission":
        export["submissions"][0]["content"]["no_deal"] = 99.0
    else:
        export["drafts"][0]["content"]["title"] = "Something else"
    target = create_app(settings_for(tmp_path / "b"))
    boss = organiser(target, "boss")
    r = boss.post("/api/import", json=export)
    assert r.status_code == 422 and "does not verify" in r.text
    assert boss.get("/api/negotiations").json() == []


def test_no_scores_before_a_first_submission(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    m, nid, parties, _ = _negotiation(app)
    _publish(m, nid, dict(load_builtin().proposal("seven-points").package), "Plan")
    ru = parties["RU"]
    assert ru.get(f"/api/negotiations/{nid}/my/scores").json() == [{"version": 1, "score": None}]
    assert ru.get(f"/api/negotiations/{nid}/my/preview").status_code == 409
    ru.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": {"no_deal": 20}})
    assert ru.get(f"/api/negotiations/{nid}/my/scores").json()[0]["score"] is not None
