"""Exposure and self-enforcement by hand on two-party plans (docs/sequence.md definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from peacetable.errors import InputError
from peacetable.sequence.exposure import evaluate
from peacetable.sequence.plan import make_plan, rule_for, scale_no_deal


def _plan(**kw: object):  # type: ignore[no-untyped-def]
    steps = [
        {
            "id": "a",
            "performer": "A",
            "value": [-0.1, 0.3],
            "length": 2,
            "reversible": True,
            "reversal_cost": 0.02,
            "detection": 0.5,
        },
        {"id": "b", "performer": "B", "value": [0.2, -0.1], "length": 1, "verified_by": ["B"]},
    ]
    return make_plan(["A", "B"], steps, base=[0.5, 0.4], bounds=[0.1, 0.1], **kw)  # type: ignore[arg-type]


def test_exposure_counts_gains_only_once_verified() -> None:
    ev = evaluate(_plan(), [[1, 2]], no_deal=[0.3, 0.3])
    # A: gives 0.1 in phase 1; B's step (worth 0.2 to A) is verified only by B: A never counts it
    assert ev.exposure[0, :2, 0].tolist() == [1000, 1000]
    assert ev.exposure[0, -1, 0] == 1000
    # B: receives A's step (verified by every party) from the end of phase 1
    assert ev.exposure[0, :2, 1].tolist() == [0, -2000]
    assert ev.phase_length[0, :2].tolist() == [200, 100]
    assert int(ev.duration[0]) == 300


def test_walk_away_margin_and_reversal() -> None:
    ev = evaluate(_plan(), [[1, 2]], no_deal=[0.55, 0.3])
    # A after phase 1: base 0.5 - no deal 0.55 + reversible a's value -0.1 + its reversal cost 0.02
    assert ev.walk_margin[0, 0, 0] == round((0.5 - 0.55 - 0.1 + 0.02) * 10_000)
    assert not ev.self_enforcing_party[0, 0]
    # reversing a: gain 0.1 - 0.02 = 0.08; with detection 0.5 deterred iff 0.5*0.08 <= 0.5*margin
    ev2 = evaluate(_plan(), [[1, 2]], no_deal=[0.3, 0.3])
    assert ev2.walk_margin[0, 0, 0] == round((0.5 - 0.3 - 0.1 + 0.02) * 10_000)  # 0.12 >= 0.08
    assert ev2.reversal_ok[0, 0, 0]
    ev3 = evaluate(_plan(), [[1, 2]], no_deal=[0.45, 0.3])  # margin -0.03: walk away pays
    assert not ev3.reversal_ok[0, 0, 0]


def test_per_phase_no_deal_rows() -> None:
    nd = np.array([[0.3, 0.3], [0.9, 0.3]])
    ev = evaluate(_plan(), [[1, 2]], no_deal=nd)
    assert ev.walk_margin[0, 0, 0] > 0 > ev.walk_margin[0, 1, 0]
    assert scale_no_deal(nd, 4, 2)[3].tolist() == [9000, 3000]
    with pytest.raises(InputError):
        scale_no_deal([0.1, 0.2, 0.3], 2, 2)


def test_rules_and_structure() -> None:
    idx = {"a": 0, "b": 1}
    plan = _plan(
        rules=[rule_for("before", ["a", "b"], idx), rule_for("limit", ["a", "b"], idx, limit=1)]
    )
    ev = evaluate(plan, [[1, 2], [2, 1], [1, 1], [1, 3]], no_deal=[0.3, 0.3])
    assert ev.rules_ok.tolist() == [[True, True], [False, True], [False, False], [True, True]]
    assert ev.structure_ok.tolist() == [True, True, True, False]  # phase 2 empty before 3
