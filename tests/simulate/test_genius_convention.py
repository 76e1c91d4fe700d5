"""GENIUS TimeDependentAgent convention, reproduced on hand-computed bilateral cases.

Space (u_A, u_B): o0 (1, 0), o1 (0.8, 0.4), o2 (0.6, 0.6), o3 (0.4, 0.8), o4 (0, 1);
no deal 0 for both; 4 steps, so relative time t = (s + 1) / 5 = 0.2, 0.4, 0.6, 0.8.
P_max = 1, P_min = max(worst, reservation) = 0; target(t) = 1 - t**(1/e).
"""

from __future__ import annotations

import math

import pytest

from peacetable.simulate.reference import run_sao_reference
from peacetable.simulate.sao import run_sao
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import genius_fraction, parse_strategy, relative_time

SPACE = OutcomeSpace.from_arrays(
    [[1.0, 0.0], [0.8, 0.4], [0.6, 0.6], [0.4, 0.8], [0.0, 1.0]], [0.0, 0.0]
)
TIMES = [0.2, 0.4, 0.6, 0.8]


def test_relative_times() -> None:
    assert [relative_time(s, 4) for s in range(4)] == TIMES


@pytest.mark.parametrize(
    ("name", "targets"),
    [
        ("genius-boulware", [0.99968, 0.98976, 0.92224, 0.67232]),  # 1 - t**5
        ("genius-linear", [0.8, 0.6, 0.4, 0.2]),  # 1 - t
        ("genius-conceder", [0.552786, 0.367544, 0.225403, 0.105573]),  # 1 - sqrt(t)
        ("genius-hardheaded", [1.0, 1.0, 1.0, 1.0]),  # e = 0: never concedes
    ],
)
def test_targets_per_round(name: str, targets: list[float]) -> None:
    s = parse_strategy(name)
    got = [genius_fraction(s, t) for t in TIMES]
    assert got == pytest.approx(targets, abs=5e-7)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # linear: A offers o1 (0.8 = target), B offers o3; at t=0.4 A offers o2 (target 0.6)
        # and B accepts it: 0.6 >= its own next bid o2 (AC_next)
        ("genius-linear", "genius-linear", (2, 1, 3, "agreement")),
        # boulware: both insist on their best (targets 0.99968, 0.98976, 0.92224: nearest
        # is 1) until t=0.8, target 0.67232, nearest 0.6: A offers o2, B accepts (AC_next)
        ("genius-boulware", "genius-boulware", (2, 3, 7, "agreement")),
        # conceder: target 0.5528 at t=0.2, nearest 0.6: A offers o2 and B accepts at once
        ("genius-conceder", "genius-conceder", (2, 0, 1, "agreement")),
        # boulware vs conceder: B's nearest bids o2, o1 (0.3675 -> 0.4), o1 (0.2254 -> 0.4);
        # at t=0.8 A's next bid is o2 (0.6), so A accepts B's o1 (0.8)
        ("genius-boulware", "genius-conceder", (1, 3, 6, "agreement")),
        ("genius-hardheaded", "genius-hardheaded", (-1, -1, -1, "deadline")),
    ],
)
def test_hand_computed_agreements(a: str, b: str, expected: tuple[int, int, int, str]) -> None:
    strategies = [parse_strategy(a), parse_strategy(b)]
    assert tuple(run_sao_reference(SPACE, strategies, 4)) == expected
    assert run_sao(SPACE, strategies, 4).row(0) == expected


def test_never_accepts_below_no_deal() -> None:
    space = OutcomeSpace.from_arrays([[1.0, 0.2], [0.5, 0.5], [0.2, 1.0]], [0.6, 0.6])
    s = [parse_strategy("genius-conceder")] * 2
    assert run_sao(space, s, 50).row(0) == (-1, -1, -1, "deadline")
    assert math.isclose(genius_fraction(parse_strategy("genius:1"), 0.5), 0.5)
