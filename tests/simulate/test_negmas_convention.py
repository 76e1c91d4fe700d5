"""The NegMAS convention of time-based concession, by hand, and MiCRO's rules."""

from __future__ import annotations

from peacetable.simulate.reference import run_sao_reference
from peacetable.simulate.sao import run_sao
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import aspiration_level, parse_strategy

SPACE = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])


def test_linear_by_hand() -> None:
    # aspiration level 0.9 * (1 - t) + 0.1 - 1e-4 reaches 0.6 first at t = 5/11 (step 4):
    # party 0 then offers outcome 1 and party 1 accepts it in the same step (turn 9)
    s = [parse_strategy("linear")] * 2
    assert aspiration_level(parse_strategy("linear"), 4 / 11) > 0.5 / 0.9
    assert aspiration_level(parse_strategy("linear"), 5 / 11) <= (0.5 + 1e-4) / 0.9
    assert tuple(run_sao_reference(SPACE, s, 10)) == (1, 4, 9, "agreement")
    assert run_sao(SPACE, s, 10).row(0) == (1, 4, 9, "agreement")


def test_hardheaded_never_concedes() -> None:
    s = [parse_strategy("hardheaded"), parse_strategy("conceder")]
    # the hardheaded party offers only o0 and accepts only o0; o0 is worth 0 to the
    # conceder, below its no-deal 0.1, which it never accepts (the core's rule)
    assert run_sao(SPACE, s, 30).row(0) == (-1, -1, -1, "deadline")
    space = OutcomeSpace.from_arrays([[1, 0.3], [0.6, 0.6], [0, 1], [0.1, 0]], [0.1, 0.1])
    outcome, _, _, end = run_sao(space, s, 30).row(0)
    assert (outcome, end) == (0, "agreement")


def test_micro_concedes_one_outcome_per_offer_received() -> None:
    # MiCRO vs MiCRO on three outcomes: A offers o0, B o2, A o1 -> B accepts (0.6 >= its next o1)
    s = [parse_strategy("micro")] * 2
    assert run_sao(SPACE, s, 10).row(0) == (1, 1, 3, "agreement")


def test_three_parties_need_every_acceptance() -> None:
    space = OutcomeSpace.from_arrays([[1, 0, 0.5], [0.6, 0.6, 0.6], [0, 1, 0.5]], [0.1, 0.1, 0.1])
    s = [parse_strategy("linear")] * 3
    outcome, step, turn, end = run_sao(space, s, 10).row(0)
    assert end == "agreement" and outcome == 1
    assert tuple(run_sao_reference(space, s, 10)) == (outcome, step, turn, end)
