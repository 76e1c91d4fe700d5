"""Issue linkage against a brute-force definition on random scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _random_scenarios import random_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetable.analysis.linkage import issue_linkage
from peacetable.core import prepare
from peacetable.errors import InputError
from peacetable.io import load_scenario

MINI = Path(__file__).resolve().parents[1] / "model" / "mini.yaml"


def _brute_trades(s, which):  # type: ignore[no-untyped-def]
    """All trades by the definition, with plain loops."""
    cs = prepare(s)
    base, _ = prepare(s).resolve(which)
    u0 = cs.utilities(base)[0]

    def util(changes: dict[int, int]) -> np.ndarray:
        x = base.copy()
        for i, o in changes.items():
            x[i] = o
        return cs.utilities(x)[0] - u0

    out: dict[tuple[str, str], dict[tuple[int, int, int, int], float]] = {}
    n = len(cs.issue_ids)
    for p in range(cs.n_parties):
        for q in range(p + 1, cs.n_parties):
            found = {}
            for a in range(n):
                for b in range(n):
                    if a == b:
                        continue
                    for oa in range(cs.n_options[a]):
                        for ob in range(cs.n_options[b]):
                            if oa == base[a] or ob == base[b]:
                                continue
                            da, db = util({a: oa}), util({b: ob})
                            if not (da[p] < 0 < da[q] and db[q] < 0 < db[p]):
                                continue
                            x = base.copy()
                            x[a], x[b] = oa, ob
                            if not cs.is_agreement(x)[0]:
                                continue
                            d = util({a: oa, b: ob})
                            if d[p] > 0 and d[q] > 0:
                                found[(a, oa, b, ob)] = float(d[p] + d[q])
            out[(cs.party_ids[p], cs.party_ids[q])] = found
    return out


@settings(max_examples=50, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), which=st.sampled_from([None, "d0", "d1"]))
def test_linkage_equals_brute_force(seed: int, which: str | None) -> None:
    s = random_scenario(seed)
    cs = prepare(s)
    expected = _brute_trades(s, which)
    res = issue_linkage(s, which, limit=10**6)
    assert [pair.parties for pair in res.pairs] == list(expected)
    for pair in res.pairs:
        exp = expected[pair.parties]
        got = {}
        for t in pair.trades:
            a, b = cs.issue_ids.index(t.issue_a), cs.issue_ids.index(t.issue_b)
            key = (a, cs.option_ids[a].index(t.move_a[1]), b, cs.option_ids[b].index(t.move_b[1]))
            got[key] = t.joint_gain
            p, q = pair.parties
            assert t.gains[p] > 0 and t.gains[q] > 0
        assert set(got) == set(exp) and pair.n_trades == len(exp)
        for key, g in got.items():
            assert g == pytest.approx(exp[key], abs=1e-12)
        joint = [t.joint_gain for t in pair.trades]
        assert joint == sorted(joint, reverse=True)


def test_linkage_classic_logroll_and_errors() -> None:
    s = random_scenario(11)
    res = issue_linkage(s, "d0", limit=2)
    assert all(len(p.trades) <= 2 for p in res.pairs)
    data = res.to_dict()
    assert data["provenance"]["exact"] is True and len(data["pairs"]) == len(res.pairs)
    mini = load_scenario(MINI)
    with pytest.raises(InputError, match="unknown party"):
        issue_linkage(mini, parties=("A", "Z"))
    with pytest.raises(InputError, match="unknown proposal"):
        issue_linkage(mini, "nope")


def test_third_party_losers_reported() -> None:
    from peacetable.io import scenario_from_data

    two = [{"id": "a", "label": "a"}, {"id": "b", "label": "b"}]
    s = scenario_from_data(
        {
            "id": "t",
            "title": "t",
            "disagreement": {"package": "none"},  # trade from the status quo as a package
            "parties": [{"id": k, "name": k} for k in "ABC"],
            "issues": [
                {"id": "x", "name": "x", "options": two},
                {"id": "y", "name": "y", "options": two},
            ],
            "preferences": {
                "A": {
                    "weights": {"x": 3, "y": 1},
                    "values": {"x": {"a": 0, "b": 1}, "y": {"a": 1, "b": 0}},
                },
                "B": {
                    "weights": {"x": 1, "y": 3},
                    "values": {"x": {"a": 1, "b": 0}, "y": {"a": 0, "b": 1}},
                },
                "C": {
                    "weights": {"x": 1, "y": 1},
                    "values": {"x": {"a": 1, "b": 0}, "y": {"a": 1, "b": 0}},
                },
            },
        }
    )
    res = issue_linkage(s)
    ab = res.pairs[0]
    assert ab.parties == ("A", "B") and ab.n_trades == 1
    assert ab.trades[0].third_party_losers == ("C",)
    assert res.best() is ab.trades[0]


def test_linkage_cli() -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from peacetable.cli.improve import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["linkage", "--scenario", str(MINI), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [p["parties"] for p in data["pairs"]] == [["A", "B"]]
    assert runner.invoke(app, ["linkage", "--scenario", str(MINI)]).exit_code == 0
    bad = runner.invoke(app, ["linkage", "--scenario", str(MINI), "--party", "Q"])
    assert bad.exit_code == 2 and "unknown party" in bad.output
