"""The embedded ``ukraine-2022`` scenario and the scenario template.

Checks what the scenario promises: every party, issue and proposal the seed
article names is present; every number carries a range and a source or an
assumption; every source reference resolves; the template loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from peacetable.core import prepare
from peacetable.io import load_scenario, loads_scenario
from peacetable.model.scenario import Estimate, Scenario
from peacetable.scenarios import DEFAULT_SCENARIO, builtin_text, list_builtin, load_builtin

ARTICLE = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "article.txt"
PRINCIPALS = ("RU", "UA", "US", "NATO")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_builtin("ukraine-2022")


def test_is_the_default_and_loads_from_its_file(scenario: Scenario) -> None:
    assert DEFAULT_SCENARIO == "ukraine-2022"
    assert "ukraine-2022" in list_builtin()
    path = resources.files("peacetable.scenarios").joinpath("data", "ukraine-2022.yaml")
    assert load_scenario(str(path)) == scenario
    assert scenario.format == "peacetable/1"


@pytest.mark.parametrize(
    ("party", "role"),
    [
        ("RU", "principal"),
        ("UA", "principal"),
        ("US", "principal"),
        ("NATO", "principal"),
        ("CN", "mediator"),
        ("IL", "mediator"),
        ("BY", "host"),
        ("PL", "host"),
    ],
)
def test_every_named_party_has_its_role(scenario: Scenario, party: str, role: str) -> None:
    assert scenario.party(party).role == role


def test_only_the_principals_negotiate(scenario: Scenario) -> None:
    assert scenario.negotiating_party_ids == PRINCIPALS


def test_seven_provisions_and_the_talks_issues(scenario: Scenario) -> None:
    provisions = {i.provision: i.id for i in scenario.issues if i.provision is not None}
    assert sorted(provisions) == [1, 2, 3, 4, 5, 6, 7]
    assert provisions[4] == "nato_offer" and provisions[7] == "crimea"
    for iid in ("mediator", "venue", "agenda", "ceasefire"):
        assert scenario.issue(iid).provision is None
    assert {"china", "israel"} <= set(scenario.issue("mediator").option_ids)
    assert {"jerusalem", "belarus", "poland"} <= set(scenario.issue("venue").option_ids)
    assert {"demilitarization", "ceasefire_first", "comprehensive"} <= set(
        scenario.issue("agenda").option_ids
    )


def test_every_issue_offers_real_alternatives(scenario: Scenario) -> None:
    for issue in scenario.issues:
        assert len(issue.options) >= 3, issue.id
        assert issue.status_quo is not None, issue.id
        for option in issue.options:
            assert option.description, f"{issue.id}.{option.id}"
    n = prepare(scenario).n_packages
    assert 1e5 <= n <= 1.5e6


def test_crimea_vote_is_contingent_and_every_principal_has_a_belief(scenario: Scenario) -> None:
    vote = next(o for o in scenario.issue("crimea").options if o.id == "supervised_vote")
    assert vote.contingent is not None
    assert vote.contingent.event == "crimea_vote"
    assert set(vote.contingent.outcomes) == {"joins_russia", "stays_ukraine"}
    beliefs = {
        p: scenario.preferences[p].beliefs["crimea_vote"]["joins_russia"].value for p in PRINCIPALS
    }
    assert len(set(beliefs.values())) > 1  # the parties' beliefs differ


@pytest.mark.parametrize(
    "proposal",
    [
        "seven-points",
        "seven-points-hedged",
        "seven-points-china",
        "russia-demands",
        "ukraine-west-position",
        "minimal-ceasefire",
        "neutrality-with-guarantees",
        "no-agreement",
    ],
)
def test_named_proposals_exist(scenario: Scenario, proposal: str) -> None:
    p = scenario.proposal(proposal)
    assert p.description


def test_seven_points_covers_every_issue_and_no_agreement_is_empty(scenario: Scenario) -> None:
    assert set(scenario.proposal("seven-points").package) == set(scenario.issue_ids)
    assert dict(scenario.proposal("no-agreement").package) == {}


def _estimates(scenario: Scenario) -> Iterator[tuple[str, Estimate]]:
    for party in scenario.parties:
        yield f"parties.{party.id}.power", party.power
    for pid, prefs in scenario.preferences.items():
        base = f"preferences.{pid}"
        for iid, w in prefs.weights.items():
            yield f"{base}.weights.{iid}", w
        for iid, values in prefs.values.items():
            for oid, v in values.items():
                if isinstance(v, Estimate):
                    yield f"{base}.values.{iid}.{oid}", v
                else:
                    for outcome, e in v.items():
                        yield f"{base}.values.{iid}.{oid}.{outcome}", e
        for event, beliefs in prefs.beliefs.items():
            for outcome, e in beliefs.items():
                yield f"{base}.beliefs.{event}.{outcome}", e
        for k, inter in enumerate(prefs.interactions):
            yield f"{base}.interactions[{k}].bonus", inter.bonus


def test_every_estimate_has_a_range_and_a_basis(scenario: Scenario) -> None:
    missing = [
        path
        for path, e in _estimates(scenario)
        if e.range is None or not (e.source or e.assumption)
    ]
    assert not missing, missing
    assert sum(1 for _ in _estimates(scenario)) > 150


def test_no_deal_falls_with_every_month_of_war(scenario: Scenario) -> None:
    # Each side's cost of fighting on grows every month (article#russian_losses,
    # article#ukrainian_losses: reports), so no deal is worth less the longer the war lasts.
    cs = prepare(scenario)
    before = cs.no_deal_at(0)
    for month in (1, 6, 12, 24, 36):
        now = cs.no_deal_at(month)
        assert (now < before).all(), month
        before = now


def _references(scenario: Scenario) -> Iterator[str]:
    for _, e in _estimates(scenario):
        if e.source:
            yield e.source
    for party in scenario.parties:
        if party.no_deal is not None and party.no_deal.source:
            yield party.no_deal.source
    d = scenario.disagreement
    for outcome in d.outcomes:
        if outcome.source:
            yield outcome.source
    for beliefs in d.beliefs.values():
        yield from (e.source for e in beliefs.values() if e.source)
    yield from (e.source for e in d.common.values() if e.source)
    if d.convergence.source:
        yield d.convergence.source
    for costs in d.costs.values():
        yield from (s for s in (costs.source, costs.cost.source, costs.monthly.source) if s)
    if scenario.process is not None and scenario.process.source:
        yield scenario.process.source
    for prefs in scenario.preferences.values():
        if prefs.source:
            yield prefs.source
        for inter in prefs.interactions:
            if inter.source:
                yield inter.source
    for proposal in scenario.proposals:
        if proposal.source:
            yield proposal.source
    # references written inside prose (assumptions, descriptions): article#key
    yield from re.findall(r"\barticle#[a-z0-9_]+", builtin_text("ukraine-2022"))


def test_every_source_reference_resolves(scenario: Scenario) -> None:
    sources = {s.id: s for s in scenario.sources}
    refs = list(_references(scenario))
    assert len(refs) > 100
    for ref in refs:
        sid, _, key = ref.partition("#")
        assert sid in sources, ref
        assert key in sources[sid].passages, ref


def test_every_passage_is_used(scenario: Scenario) -> None:
    used = {ref.partition("#")[2] for ref in _references(scenario)}
    unused = set(scenario.sources[0].passages) - used
    assert not unused, unused


@pytest.mark.skipif(not ARTICLE.exists(), reason="seed article not available")
def test_passages_quote_the_article_verbatim(scenario: Scenario) -> None:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    article = norm(ARTICLE.read_text(encoding="utf-8"))
    for key, passage in scenario.sources[0].passages.items():
        assert norm(passage.text) in article, key


def test_no_agreement_is_the_status_quo(scenario: Scenario) -> None:
    cs = prepare(scenario)
    assert np.array_equal(cs.encode(scenario.proposal("no-agreement").package), cs.status_quo)


def test_template_loads_and_is_small() -> None:
    text = resources.files("peacetable.scenarios").joinpath("template.yaml").read_text("utf-8")
    s = loads_scenario(text, file="template.yaml")
    assert len(s.parties) == 2
    assert 2 <= len(s.issues) <= 3
    assert len(s.proposals) >= 1
    assert text.count("#") > 20  # commented
    assert "template" not in list_builtin()


def test_format_reference_example_loads() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "format.md"
    if not doc.exists():
        pytest.skip("docs not available")
    block = doc.read_text(encoding="utf-8").split("## A complete small example")[1]
    example = block.split("```yaml\n")[1].split("```")[0]
    s = loads_scenario(example, file="format.md")
    cs = prepare(s)
    u = cs.utilities(cs.encode(s.proposal("p1").package))[0]
    assert np.allclose(u, [0.5667, 0.70], atol=1e-3)  # the worked numbers in the text


def test_scenario_index_is_current() -> None:
    """``scenarios list`` reads ``data/index.json``; it must match the YAML files.

    If this fails after editing an embedded scenario, run
    ``python -c "from peacetable.scenarios import write_index; write_index()"``.
    """
    import json
    from importlib import resources

    from peacetable.scenarios import index_entries

    path = resources.files("peacetable.scenarios").joinpath("data", "index.json")
    assert json.loads(path.read_text("utf-8")) == index_entries()


def test_scenario_summary_falls_back_when_the_index_is_stale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import peacetable.scenarios as sc

    stale = {"ukraine-2022": {**sc.index_entries()["ukraine-2022"], "issues": 99, "sha256": "x"}}
    monkeypatch.setattr(sc, "_index", lambda: stale)
    assert sc.builtin_summary("ukraine-2022")["issues"] == 11
