"""GENIUS XML and GeniusWeb JSON import/export.

The ANAC domains in ``<repo>/../shared/data/genius-domains`` are read in
place (skipped when absent). Utilities are checked against GENIUS's own
definition, computed here independently from the XML; frontier and Nash
point against brute-force enumeration of every outcome.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from peacetable.analysis import bargaining_solution, pareto_frontier
from peacetable.core import prepare
from peacetable.errors import InputError
from peacetable.io import load_scenario, scenario_from_data
from peacetable.io.genius import find_genius_domain, load_genius, save_genius, slug
from peacetable.io.geniusweb import load_geniusweb, save_geniusweb
from peacetable.model import Scenario

REPO = Path(__file__).resolve().parents[2]
DOMAINS = REPO / ".." / "shared" / "data" / "genius-domains"
MINI = REPO / "tests" / "model" / "mini.yaml"
FOLDERS = sorted(DOMAINS.glob("y20*/*")) if DOMAINS.is_dir() else []

FRONTIER_CASES = [pytest.param(f, id=f.name) for f in FOLDERS]

#: Utilities of the core's exact grid differ from plain float sums by at most its tie
#: tolerance, (terms + 1) * 2**-40 (about 1e-11; see peacetable.core.evaluator).
GRID = 2e-11


def _genius_reference(domain: Path, profiles: list[Path]) -> tuple[list[list[str]], np.ndarray]:
    """Every outcome's GENIUS utility, straight from the XML: sum w * eval / max eval."""
    dom = ET.parse(domain).getroot()
    issues = [
        (i.get("index"), [it.get("value") for it in i.findall("item")]) for i in dom.iter("issue")
    ]
    grids = np.meshgrid(*(np.arange(len(v)) for _, v in issues), indexing="ij")
    outcomes = np.stack([g.ravel() for g in grids], axis=1)
    utils = []
    for prof in profiles:
        root = ET.parse(prof).getroot()
        weights = {w.get("index"): float(w.get("value", "nan")) for w in root.iter("weight")}
        u = np.zeros(outcomes.shape[0])
        for k, (index, values) in enumerate(issues):
            el = next(e for e in root.iter("issue") if e.get("index") == index)
            ev = {it.get("value"): float(it.get("evaluation", "nan")) for it in el.findall("item")}
            table = np.array([ev[v] for v in values]) / max(ev.values())
            u += weights[index] * table[outcomes[:, k]]
        utils.append(u)
    return [v for _, v in issues], np.stack(utils, axis=1)


def _reservations(profiles: list[Path]) -> np.ndarray:
    out = []
    for prof in profiles:
        el = ET.parse(prof).getroot().find("reservation")
        out.append(float(el.get("value", "0")) if el is not None else 0.0)
    return np.array(out)


def _brute_frontier(u: np.ndarray) -> set[tuple[float, ...]]:
    """Two-party Pareto frontier by a sort-and-sweep over every outcome."""
    r = np.round(u, 9)
    order = np.lexsort((-r[:, 1], -r[:, 0]))
    best2 = -np.inf
    front = set()
    for j in order:
        if r[j, 1] > best2:
            front.add(tuple(r[j].tolist()))
            best2 = r[j, 1]
    return front


@pytest.mark.external
@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_anac_domain_utilities_frontier_and_nash(folder: Path) -> None:
    files = sorted(folder.glob("*.xml"))
    domain, profiles = find_genius_domain(files)
    s = load_genius(domain, profiles)
    cs = prepare(s)
    values, ref = _genius_reference(domain, profiles)
    assert cs.n_options == tuple(len(v) for v in values)
    x = cs.all_packages()
    u = cs.utilities(x)
    # our utility is GENIUS's, divided by the weight sum when it exceeds 1
    sums = []
    for prof in profiles:
        sums.append(
            sum(float(w.get("value", "nan")) for w in ET.parse(prof).getroot().iter("weight"))
        )
    scale = np.array([w if w > 1 else 1.0 for w in sums])
    # utilities are on the core's exact grid: each term rounded to 2**-40 (see core.evaluator)
    np.testing.assert_allclose(u * scale, ref, rtol=0, atol=cs.tie * scale.max())
    np.testing.assert_allclose(cs.no_deal * scale, _reservations(profiles), atol=cs.tie)
    # Nash point equals brute force over every outcome
    gains = u - cs.no_deal
    ok = (gains > 0).all(axis=1)
    product = np.where(ok, np.prod(np.where(ok[:, None], gains, 1.0), axis=1), -np.inf)
    nash = bargaining_solution(s, "nash")
    assert nash.gains is not None
    assert np.prod(nash.gains) == pytest.approx(product.max(), rel=1e-9)


@pytest.mark.external
@pytest.mark.parametrize("folder", FRONTIER_CASES)
def test_anac_domain_frontier_equals_brute_force(folder: Path) -> None:
    domain, profiles = find_genius_domain(sorted(folder.glob("*.xml")))
    s = load_genius(domain, profiles)
    cs = prepare(s)
    u = cs.utilities(cs.all_packages())
    front = pareto_frontier(s)
    assert {tuple(r) for r in np.round(front.points, 9).tolist()} == _brute_frontier(u)


@pytest.mark.external
@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_anac_domain_round_trips(folder: Path, tmp_path: Path) -> None:
    domain, profiles = find_genius_domain(sorted(folder.glob("*.xml")))
    s = load_genius(domain, profiles)
    paths = save_genius(s, tmp_path / "genius")
    again = load_genius(paths[0], paths[1:])
    a, b = prepare(s), prepare(again)
    x = a.all_packages()
    np.testing.assert_allclose(a.utilities(x), b.utilities(x), atol=GRID)
    np.testing.assert_allclose(a.no_deal, b.no_deal, atol=GRID)
    assert [i.name for i in s.issues] == [i.name for i in again.issues]
    for p in s.negotiating_party_ids:
        if "discount factor" in (s.preferences[p].assumption or ""):
            assert "discount factor" in (again.preferences[p].assumption or "")
    web, warnings = save_geniusweb(s, tmp_path / "web")
    assert len(web) == len(s.negotiating_party_ids)
    w = prepare(load_geniusweb(web))
    np.testing.assert_allclose(w.utilities(x), a.utilities(x), atol=GRID)
    assert warnings == [] or all("reservationBid is null" in m for m in warnings)


# ---------------------------------------------------------------- hand-written fixtures


DOMAIN_XML = """<negotiation_template><utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="14"/>
  <issue index="2" name="Colour" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="red"/><item index="2" value="blue"/>
  </issue>
</objective></utility_space></negotiation_template>
"""

PROFILE_XML = """<utility_space><reservation value="0.3"/>
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="14">
    <evaluator ftype="linear" slope="-0.3" offset="1.0"/>
  </issue>
  <issue index="2" name="Colour" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="red" evaluation="2"/><item index="2" value="blue" evaluation="8"/>
  </issue>
  <weight index="1" value="0.6"/><weight index="2" value="0.4"/>
</objective></utility_space>
"""


def test_integer_issue_becomes_options(tmp_path: Path) -> None:
    (tmp_path / "d.xml").write_text(DOMAIN_XML, "utf-8")
    (tmp_path / "p.xml").write_text(PROFILE_XML, "utf-8")
    s = load_genius(tmp_path / "d.xml", [tmp_path / "p.xml"])
    cs = prepare(s)
    assert s.issue("Price").option_ids == ("v10", "v11", "v12", "v13", "v14")
    x = cs.all_packages()
    price = np.array([10, 11, 12, 13, 14])[x[:, 0]]
    expected = 0.6 * np.clip(1.0 - 0.3 * (price - 10), 0, 1) + 0.4 * np.array([0.25, 1.0])[x[:, 1]]
    np.testing.assert_allclose(cs.utilities(x)[:, 0], expected, atol=GRID)
    assert cs.no_deal.tolist() == [pytest.approx(0.3, abs=GRID)]


def test_real_issue_and_bad_files_are_refused_with_location(tmp_path: Path) -> None:
    real = DOMAIN_XML.replace(
        'type="integer" etype="integer" vtype="integer"', 'type="real" etype="real" vtype="real"'
    )
    (tmp_path / "real.xml").write_text(real, "utf-8")
    (tmp_path / "p.xml").write_text(PROFILE_XML, "utf-8")
    with pytest.raises(
        InputError,
        match=r"real\.xml:\d+:\d+: issue 'Price' \(index 1\): real-valued issue cannot be represented",
    ):
        load_genius(tmp_path / "real.xml", [tmp_path / "p.xml"])
    (tmp_path / "bad.xml").write_text("<utility_space><objective>\n<issue></objective>", "utf-8")
    with pytest.raises(InputError, match=r"bad\.xml:2:\d+: invalid XML"):
        load_genius(tmp_path / "bad.xml", [tmp_path / "p.xml"])
    (tmp_path / "d.xml").write_text(DOMAIN_XML, "utf-8")
    missing = PROFILE_XML.replace('<item index="2" value="blue" evaluation="8"/>', "")
    (tmp_path / "m.xml").write_text(missing, "utf-8")
    with pytest.raises(
        InputError,
        match=r"m\.xml:\d+:\d+: issue 'Colour' \(index 2\): no evaluation of value 'blue'",
    ):
        load_genius(tmp_path / "d.xml", [tmp_path / "m.xml"])
    no_eval = PROFILE_XML.replace('<evaluator ftype="linear" slope="-0.3" offset="1.0"/>', "")
    (tmp_path / "e.xml").write_text(no_eval, "utf-8")
    with pytest.raises(
        InputError,
        match=r"e\.xml:\d+:\d+: issue 'Price' \(index 1\): integer issue needs an <evaluator",
    ):
        load_genius(tmp_path / "d.xml", [tmp_path / "e.xml"])
    with pytest.raises(InputError, match="no such file"):
        load_genius(tmp_path / "nope.xml", [tmp_path / "p.xml"])
    with pytest.raises(InputError, match="no domain file"):
        find_genius_domain([tmp_path / "p.xml"])


def test_export_refuses_non_additive_scenarios(tmp_path: Path) -> None:
    mini = load_scenario(MINI)
    with pytest.raises(InputError, match="constraints: the scenario has 1 constraint"):
        save_genius(mini, tmp_path)
    data = mini.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["constraints"] = []
    with pytest.raises(InputError, match=r"preferences\.B\.interactions"):
        save_geniusweb(scenario_from_data(data), tmp_path)


def test_export_of_native_scenario_keeps_utilities(tmp_path: Path) -> None:
    mini = load_scenario(MINI)
    data = mini.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["constraints"] = []
    data["preferences"]["B"]["interactions"] = []
    s: Scenario = scenario_from_data(data)
    paths = save_genius(s, tmp_path)
    back = load_genius(paths[0], paths[1:])
    a, b = prepare(s), prepare(back)
    x = a.all_packages()
    # contingent options are exported at their belief-weighted value; GENIUS has no
    # package that is no deal, so the status quo package is compared as a state
    np.testing.assert_allclose(b.utilities(x), a.state_utilities(x), atol=GRID)
    np.testing.assert_allclose(b.no_deal, a.no_deal, atol=GRID)
    assert [o.label for o in back.issues[0].options] == ["Low", "Middle", "High"]


def test_slug() -> None:
    assert slug("England Trade Policy") == "England_Trade_Policy"
    assert slug("29_29", "v") == "v29_29"
    assert len(slug("x" * 100)) == 64


def test_convert_cli_round_trip(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from peacetable.cli.improve import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    (tmp_path / "d.xml").write_text(DOMAIN_XML, "utf-8")
    (tmp_path / "p.xml").write_text(PROFILE_XML, "utf-8")
    out = tmp_path / "s.yaml"
    res = runner.invoke(
        app, ["convert", str(tmp_path / "d.xml"), str(tmp_path / "p.xml"), "-o", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["conversion"] == "GENIUS -> scenario"
    s = load_scenario(out)
    res = runner.invoke(app, ["convert", str(out), "-o", str(tmp_path / "g"), "--to", "genius"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["convert", str(out), "-o", str(tmp_path / "w"), "--to", "geniusweb", "--json"]
    )
    assert res.exit_code == 0, res.output
    web = sorted((tmp_path / "w").glob("*.json"))
    back = runner.invoke(app, ["convert", *map(str, web), "-o", str(tmp_path / "back.json")])
    assert back.exit_code == 0, back.output
    x = prepare(s).all_packages()
    np.testing.assert_allclose(
        prepare(load_scenario(tmp_path / "back.json")).utilities(x),
        prepare(s).utilities(x),
        atol=GRID,
    )
    again = runner.invoke(app, ["convert", str(tmp_path / "g"), "-o", str(tmp_path / "again.yaml")])
    assert again.exit_code == 0, again.output
    bad = runner.invoke(app, ["convert", str(out), "-o", str(tmp_path / "x"), "--to", "negmas"])
    assert bad.exit_code == 2 and "unknown format" in bad.output
    real = DOMAIN_XML.replace('type="integer"', 'type="real"')
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "d.xml").write_text(real, "utf-8")
    (tmp_path / "r" / "p.xml").write_text(PROFILE_XML, "utf-8")
    bad = runner.invoke(app, ["convert", str(tmp_path / "r"), "-o", str(tmp_path / "r.yaml")])
    assert bad.exit_code == 2 and "d.xml" in bad.output and "issue 'Price'" in bad.output
