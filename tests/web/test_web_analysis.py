"""The analysis adapter (``peacetable.web.analysis``): the server reads lens results from a
core session on the merged scenario, one answer per question, and never calls an engine."""

from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import Any

import numpy as np
from webtest_support import b_preferences, full_ranking

from peacetable.analysis.ripeness import RipenessResult
from peacetable.analysis.robustness import AcceptabilityResult
from peacetable.analysis.solutions import BargainingSolutions
from peacetable.core import NotApplicable, Session, Settings
from peacetable.model import Scenario
from peacetable.scenarios import load_builtin
from peacetable.web import analysis, presenting
from peacetable.web.elicitation import PreferenceInput
from peacetable.web.merge import Submitted, merge

WEB = Path(__file__).resolve().parents[2] / "src" / "peacetable" / "web"


def _merged(only: str | None = None) -> Scenario:
    s = load_builtin()
    sub = Submitted(PreferenceInput.model_validate(b_preferences()), 1)
    return merge(s, {"UA": sub}, only=only).scenario


def _random_packages(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    issues = load_builtin().issues
    return [{i.id: rng.choice(i.option_ids) for i in issues} for _ in range(n)]


def test_draft_analysis_follows_the_core_rule_and_scores_equal_each_partys_own_score() -> None:
    session = analysis.open_session(_merged())
    p = session.prepared
    own = analysis.open_session(_merged(only="UA"))
    for package in _random_packages(4, 3):
        a = analysis.analyse_draft(session, package)
        x = p.package(package)
        accepts = p.accepts(x)[0].tolist()
        margins = p.margin_of(p.utilities(x)[0]).tolist()
        for k, view in enumerate(a["parties"]):
            assert view["party"] == p.party_ids[k]
            assert view["accepts"] == accepts[k]
            assert view["margin"] == round(margins[k], 9)
            assert view["score"] == analysis.party_score(session, view["party"], a["package"])
        ua = next(v for v in a["parties"] if v["party"] == "UA")
        assert ua["score"] == analysis.party_score(own, "UA", package)  # its own view agrees
        predicted = analysis.predicted_verdicts(session, package)
        assert {q: v["accepts"] for q, v in predicted.items()} == {
            v["party"]: v["accepts"] for v in a["parties"]
        }
        assert a["rejecting"] == [q for q, ok in zip(p.party_ids, accepts, strict=True) if not ok]
        assert a["agreement"] == bool(p.is_agreement(x)[0]) and not a["no_deal_package"]


def test_fair_packages_and_fixes_are_the_lenses_answers() -> None:
    session = analysis.open_session(_merged())
    plan = dict(load_builtin().proposal("seven-points").package)
    a = analysis.analyse_draft(session, plan)
    solutions = session.cached("solutions")
    assert isinstance(solutions, BargainingSolutions)
    assert set(a["fair_packages"]) == {
        "nash",
        "kalai_smorodinsky",
        "utilitarian",
        "egalitarian",
        "leximin",
    }
    assert {k: v["package"] for k, v in a["fair_packages"].items()} == {
        k: s.package for k, s in solutions.items()
    }
    d = session.result("diagnosis", package=plan)
    assert a["acceptable_to_all"]["statement"] == d.acceptance.statement
    assert set(a["to_win_over"]) == set(a["rejecting"]) == set(d.rejecting)
    assert a["efficient"] == d.efficient


def test_one_session_reuses_the_frontier_the_fair_packages_and_each_diagnosis() -> None:
    runs: list[str] = []

    def started(key: str, done: int, total: int) -> None:
        if total == 0:  # (key, 0, 0): a lens starts; later calls are its own progress
            runs.append(key)

    session = Session(_merged(), progress=started)
    first, second = _random_packages(2, 11)
    analysis.analyse_draft(session, first)
    analysis.analyse_draft(session, second)
    analysis.analyse_draft(session, first)
    assert analysis.party_score(session, "RU", second) is not None
    assert runs.count("frontier") == 1 and runs.count("solutions") == 1
    assert runs.count("diagnosis") == 2


def test_best_packages_score_one() -> None:
    for scenario in (_merged(), _merged(only="UA")):
        session = analysis.open_session(scenario)
        best = analysis.best_packages(session, "UA")
        assert best["packages"] and best["utility"] > best["no_deal"]
        for package in best["packages"]:
            assert analysis.party_score(session, "UA", package) == 1.0
            assert session.prepared.is_agreement(session.prepared.package(package))[0]


def test_a_draft_that_is_the_no_deal_package_is_not_reported_as_an_agreement() -> None:
    """The embedded scenario's disagreement package is the status quo (nothing agreed):
    worth exactly each party's no-deal utility, accepted by nobody as an agreement."""
    session = analysis.open_session(_merged())
    p = session.prepared
    assert p.no_deal_package is not None
    nothing = p.package_dict(p.no_deal_package)
    a = analysis.analyse_draft(session, nothing)
    assert a["no_deal_package"] and not a["agreement"] and not a["accepted_by_all"]
    assert a["rejecting"] == [] and a["notes"][0] == analysis.NO_DEAL_NOTE
    assert [v["margin"] for v in a["parties"]] == [0.0] * p.n_parties
    assert [v["score"] for v in a["parties"]] == [0.0] * p.n_parties
    assert a["acceptable_to_all"]["min_changes"] != 0  # never "already acceptable"
    predicted = analysis.predicted_verdicts(session, {})
    assert all(v["margin"] == 0.0 and v["accepts"] for v in predicted.values())
    assert analysis.party_score(session, "UA", {}) == 0.0


def test_post_settlement_is_the_lens_answer_for_the_agreed_package() -> None:
    session = analysis.open_session(_merged())
    plan = dict(load_builtin().proposal("seven-points-hedged").package)  # not efficient
    post = analysis.post_settlement_options(session, plan)
    assert not post["efficient"] and post["improvements"]
    lens = session.result("post_settlement", package=plan)
    assert post["efficient"] == lens.efficient
    assert [i["package"] for i in post["improvements"]] == [
        dict(c.package) for c in lens.improvements[:3]
    ]
    x = np.array([session.prepared.package(i["package"]) for i in post["improvements"]])
    before = session.prepared.utilities(session.prepared.package(plan))[0]
    assert session.prepared.improves_on(session.prepared.utilities(x), before).all()


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_only_the_adapter_reaches_the_lenses_and_it_calls_no_engine() -> None:
    """The server runs lenses through a session; it imports result types, not engines."""
    for path in WEB.rglob("*.py"):
        if path.name == "analysis.py" and path.parent == WEB:
            continue
        reaching = {
            m
            for m in _imports(path)
            if m.startswith(("peacetable.analysis", "peacetable.core"))
            # the one definition of a stated no deal under a lottery (not an engine)
            and not (path.name == "merge.py" and m == "peacetable.core.stated")
        }
        assert not reaching, f"{path.relative_to(WEB)} imports {reaching}"
    tree = ast.parse((WEB / "analysis.py").read_text("utf-8"))
    engine_imports: list[Any] = [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("peacetable.analysis")
        for alias in node.names
        if not alias.name[0].isupper()  # result classes only, no functions
    ]
    assert engine_imports == []


def test_the_server_analyses_through_one_session_per_merged_version(tmp_path: Path) -> None:
    from webtest_support import invite, join, organiser, settings_for

    from peacetable.web.app import create_app

    app = create_app(settings_for(tmp_path))
    m = organiser(app, "mediator")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    ru = join(app, invite(m, nid, "party", "RU"), "delegate_ru")
    plan = dict(load_builtin().proposal("seven-points").package)
    for title, package in (("Plan", plan), ("Venue", {**plan, "venue": "neutral"})):
        r = m.post(f"/api/negotiations/{nid}/drafts", json={"title": title, "package": package})
        assert r.status_code == 201, r.text

    def sessions() -> list[Any]:
        cache = app.state.ctx.cache
        return [v for k, v in cache.items() if k[0] == "session" and k[1] == "merged"]

    first = m.get(f"/api/negotiations/{nid}/drafts/1/analysis").json()["analysis"]
    m.get(f"/api/negotiations/{nid}/drafts/2/analysis")
    assert m.get(f"/api/negotiations/{nid}/drafts/1/analysis").json()["analysis"] == first
    (session,) = sessions()
    assert session.cached("frontier") is not None
    r = ru.post(
        f"/api/negotiations/{nid}/my/submissions",
        json={"preferences": {"ranking": full_ranking(["venue"]), "no_deal": 30}},
    )
    assert r.status_code == 201, r.text
    m.get(f"/api/negotiations/{nid}/drafts/1/analysis")
    assert len(sessions()) == 2  # a new merged version, a new session; the old one stays cached
    assert session.cached("frontier") is not None


def test_the_server_keeps_a_bounded_number_of_sessions() -> None:
    from types import SimpleNamespace

    from peacetable.web.services import common

    ctx: Any = SimpleNamespace(cache={("scenario", "n"): "kept"})
    sessions = [analysis.open_session(load_builtin()) for _ in range(common.MAX_SESSIONS + 3)]
    for k, session in enumerate(sessions):
        common._keep_session(ctx, ("session", "n", k), session)
    held = [k for k in ctx.cache if k[0] == "session"]
    assert held == [("session", "n", k) for k in range(3, common.MAX_SESSIONS + 3)]
    assert ctx.cache[("scenario", "n")] == "kept"


OUTLOOK_SETTINGS = Settings(samples=2_000, ripeness_samples=64, horizon=6, seed=3)


def test_the_outlook_is_the_robustness_and_ripeness_lenses_answer_for_the_draft() -> None:
    session = Session(_merged(), OUTLOOK_SETTINGS)
    p = session.prepared
    hedged = dict(load_builtin().proposal("seven-points-hedged").package)
    package = {**hedged, "venue": "neutral"}  # a draft that is no proposal of the scenario
    o = analysis.draft_outlook(session, package, "Version 7 (Hedged)")
    assert o["draft"] == "Version 7 (Hedged)" and o["agreement"] and o["not_an_agreement"] is None
    assert o["package"] == p.package_dict(p.package(package))
    r = o["robustness"]
    lens = session.result(
        "robustness",
        package=o["package"],
        package_name=analysis.DRAFT,
        proposals=(),
        include_solutions=False,
    )
    assert isinstance(lens, AcceptabilityResult) and [e.name for e in lens.packages] == ["draft"]
    entry = lens.get("draft")
    assert r["answered"] and r["samples"] == 2_000 and r["seed"] == 3
    assert r["p"] == round(entry.p_all, 9) and r["interval"] == [
        round(v, 9) for v in entry.p_all_interval
    ]
    assert [v["party"] for v in r["parties"]] == list(p.party_ids)
    assert {v["party"]: v["p"] for v in r["parties"]} == {
        q: round(v, 9) for q, v in entry.p_party.items()
    }
    least = min(entry.p_party.values())
    assert r["least_sure"]["p"] == round(least, 9) and r["least_sure"]["name"] == (
        p.scenario.party(r["least_sure"]["party"]).name
    )
    top = lens.sensitivity["draft"].most_important
    assert (r["matters_most"] is None) == (top is None)
    if top is not None:
        assert r["matters_most"]["estimate"] == top.parameter.label
    assert [v["accepts_nominally"] for v in r["parties"]] == p.accepts(p.package(package))[
        0
    ].tolist()
    ripe = session.result("ripeness", package=o["package"])
    assert isinstance(ripe, RipenessResult)
    g = o["ripeness"]
    assert g["answered"] and g["samples"] == 64 and g["horizon"] == 6 and g["seed"] == 3
    assert g["zopa_today"] == ripe.months[0].zopa
    assert g["first_zopa_month"] == ripe.first_zopa_month
    assert g["first_likely_zopa_month"] == ripe.first_likely_zopa_month
    assert g["draft"]["from_month"] == ripe.proposal_first_month
    assert g["draft"]["likely_from_month"] == ripe.proposal_first_likely_month
    month = ripe.months[g["draft"]["month_of_p"]]
    assert g["draft"]["p"] == round((month.proposal_count or 0) / 64, 9)
    # asked again: the session's cached results, the same answer
    runs: list[str] = []
    session.progress = lambda key, done, total: runs.append(key)
    assert analysis.draft_outlook(session, package, "Version 7 (Hedged)") == o
    assert runs == []
    said = presenting.outlook_sentences(o)
    assert said["robustness"][0].startswith("Version 7 (Hedged): every party accepts it in ")
    assert "2,000 sampled worlds" in said["robustness"][0]
    assert r["least_sure"]["name"] in said["robustness"][1]
    assert said["ripeness"][-1].startswith("Version 7 (Hedged) is accepted by every party ")


def test_the_outlook_of_a_no_deal_draft_says_so_without_a_probability() -> None:
    session = Session(_merged(), OUTLOOK_SETTINGS)
    p = session.prepared
    assert p.no_deal_package is not None
    o = analysis.draft_outlook(session, p.package_dict(p.no_deal_package), "Version 2")
    assert o["no_deal_package"] and not o["agreement"]
    assert o["robustness"] == {
        "answered": False,
        "reason": "Version 2: it is no deal (what walking away leaves in place), not an agreement",
    }
    assert (
        session.cached(
            "robustness",
            package=o["package"],
            package_name=analysis.DRAFT,
            proposals=(),
            include_solutions=False,
        )
        is None
    )
    g = o["ripeness"]
    assert g["answered"] and g["draft"] is None  # when a ZOPA opens is still answered
    assert g["zopa_today"] == session.result("ripeness").months[0].zopa
    said = presenting.outlook_sentences(o)
    assert not any("%" in s for s in said["robustness"])
    assert "no deal" in said["ripeness"][-1] and "Version 2" in said["ripeness"][-1]


def test_the_outlook_of_a_draft_that_breaks_a_constraint_gives_no_probability() -> None:
    session = Session(_merged(), OUTLOOK_SETTINGS)
    p = session.prepared
    broken = [x for x in _random_packages(400, 5) if not p.feasible(p.package(x))[0]]
    assert broken, "the embedded scenario has constraints"
    o = analysis.draft_outlook(session, broken[0], "Version 4")
    assert not o["feasible"] and not o["agreement"] and not o["robustness"]["answered"]
    assert "constraints" in o["robustness"]["reason"] and o["ripeness"]["draft"] is None


class _CannotAnswer(Session):
    """A session whose robustness and ripeness lenses cannot answer (``NotApplicable``)."""

    def result(self, key: str, **options: Any) -> Any:
        if key in ("robustness", "ripeness"):
            return NotApplicable(f"{key} cannot answer here: test reason")
        return super().result(key, **options)


def test_the_outlook_passes_on_why_a_lens_cannot_answer() -> None:
    session = _CannotAnswer(_merged(), OUTLOOK_SETTINGS)
    plan = dict(load_builtin().proposal("seven-points").package)
    o = analysis.draft_outlook(session, plan, "Version 1")
    assert o["robustness"] == {
        "answered": False,
        "reason": "robustness cannot answer here: test reason",
    }
    assert o["ripeness"] == {
        "answered": False,
        "reason": "ripeness cannot answer here: test reason",
    }
    said = presenting.outlook_sentences(o)
    assert said["robustness"] == ["Robustness cannot answer here: test reason."]
    assert "ripeness cannot answer here: test reason" in said["ripeness"][0]
