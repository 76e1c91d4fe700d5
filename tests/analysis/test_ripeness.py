"""Ripeness: month-by-month ZOPA existence against brute force, stalemate indicator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_robustness import random_scenario

from peacetable.analysis.ripeness import ripeness
from peacetable.core import prepare
from peacetable.core.serialize import without_timings
from peacetable.errors import InputError
from peacetable.io import load_scenario, scenario_from_data, scenario_to_data
from peacetable.model import Scenario

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def closed_at_first(seed: int, no_deal: float = 0.68) -> Scenario:
    """A random scenario whose ZOPA is closed today and opens as costs mount."""
    data = scenario_to_data(random_scenario(seed))
    for party in data["parties"]:
        party["no_deal"]["utility"] = no_deal
    return scenario_from_data(data)


def brute_force_months(
    s: Scenario, horizon: int, n: int, seed: int
) -> tuple[list[bool], list[int]]:
    compiled = prepare(s)
    model = compiled.sampling
    x = compiled.all_packages()
    x = x[compiled.is_agreement(x)]  # the no-deal package is not an agreement
    u_nom = compiled.utilities(x)
    st = model.tables(model.draw(0, n, seed))
    u = model.utilities(st, x)  # (m, P, n)
    nominal, counts = [], []
    for t in range(horizon + 1):
        nominal.append(
            bool(compiled.accepts_utilities(u_nom, compiled.no_deal_at(t)).all(axis=1).any())
        )
        d = st.no_deal_at(t)
        counts.append(int((u >= d[None] - model.tie).all(axis=1).any(axis=0).sum()))
    return nominal, counts


@pytest.mark.parametrize("seed", range(4))
def test_months_agree_with_enumeration(seed: int) -> None:
    s = closed_at_first(seed)
    r = ripeness(s, horizon=15, n_samples=600, seed=seed)
    nominal, counts = brute_force_months(s, 15, 600, seed)
    assert [m.zopa for m in r.months] == nominal
    assert [m.zopa_count for m in r.months] == counts
    first = next((t for t, z in enumerate(nominal) if z), None)
    assert r.first_zopa_month == first


def test_who_opens_the_zopa() -> None:
    s = closed_at_first(1)
    r = ripeness(s, horizon=30, n_samples=64)
    assert r.first_zopa_month is not None and r.first_zopa_month > 0
    # each party named as necessary really is: freezing its no-deal keeps the ZOPA shut
    compiled = prepare(s)
    x = compiled.all_packages()
    u = compiled.utilities(x[compiled.is_agreement(x)])
    c = np.array([s.party(p).no_deal_value.monthly_change for p in compiled.party_ids])
    t = r.first_zopa_month
    for p, pid in enumerate(compiled.party_ids):
        change = c.copy()
        change[p] = 0.0
        opens = bool((u >= compiled.no_deal + change * t).all(axis=1).any())
        assert (pid in r.opened_by) == (not opens)
    for pid, month in r.alone.items():
        if month is not None:
            only = np.where(np.array(compiled.party_ids) == pid, c, 0.0)
            assert (u >= compiled.no_deal + only * month).all(axis=1).any()


def test_stalemate_and_proposal_timing() -> None:
    s = closed_at_first(2)
    r = ripeness(s, horizon=20, n_samples=200)
    compiled = prepare(s)
    offers = np.stack([compiled.package(p.id) for p in s.proposals])
    best = compiled.utilities(offers).max(axis=0)
    for m in r.months:  # the definition, party by party (every party is a principal here)
        now, later = compiled.no_deal_at(m.month), compiled.no_deal_at(m.month + 1)
        hurting = (now - later > 0) & (now <= best + compiled.tie)
        assert m.stalemate == bool(hurting.all()), m.month
    assert all(m.ripe_count <= min(m.zopa_count, m.stalemate_count) for m in r.months)
    u = compiled.utilities(compiled.encode(s.proposals[0].package))[0]
    c = np.array([s.party(p).no_deal_value.monthly_change for p in compiled.party_ids])
    expected = next((t for t in range(21) if (u >= compiled.no_deal + c * t).all()), None)
    assert r.proposal_first_month == expected
    d = r.to_dict()
    assert d["months"][0]["p_zopa"]["interval"][0] <= d["months"][0]["p_zopa"]["p"]


def test_seeded_and_checked() -> None:
    s = load_scenario(MINI)
    a = ripeness(s, horizon=5, n_samples=300, seed=4).to_dict()
    b = ripeness(s, horizon=5, n_samples=300, seed=4, chunk_size=1).to_dict()
    assert without_timings(a) == without_timings(b)
    with pytest.raises(InputError):
        ripeness(s, horizon=-1)
    with pytest.raises(InputError):
        ripeness(s, proposal="nope")


def test_ripeness_command() -> None:
    import json

    from typer.testing import CliRunner

    from peacetable.cli import app

    runner = CliRunner()
    out = runner.invoke(
        app, ["ripeness", str(MINI), "--horizon", "3", "--samples", "200", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)["ripeness"]
    assert len(data["months"]) == 4 and data["first_zopa_month"] == 0
    assert data["headline"].startswith("a ZOPA exists today")
    assert runner.invoke(app, ["ripeness", str(MINI), "--horizon", "-1"]).exit_code == 2
    assert runner.invoke(app, ["ripeness", str(MINI), "--proposal", "zz"]).exit_code == 2


def test_batches_of_worlds_add_up() -> None:
    """More worlds than one search batch (4,096): counts still match enumeration."""
    s = closed_at_first(0)
    r = ripeness(s, horizon=2, n_samples=4200, seed=1)
    _, counts = brute_force_months(s, 2, 4200, 1)
    assert [m.zopa_count for m in r.months] == counts
