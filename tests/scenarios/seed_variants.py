"""Variants of the embedded scenario for tests of mechanisms, not of the scenario.

The embedded ``ukraine-2022`` values no deal with the disagreement model (a lottery
over how the war ends, each side's own beliefs and costs); under its estimates a
zone of agreement exists at month 0. Tests of mechanisms that need the opposite
situation (no zone of agreement at first, one opening as the costs of conflict
mount; a schedule that cannot be self-enforcing) use :func:`hand_set_no_deal`: the
same scenario with scalar no-deal utilities set by hand above what any agreement
gives at first. It is test data, not an estimate.
"""

from __future__ import annotations

from peacetable.io import scenario_from_data, scenario_to_data
from peacetable.model.scenario import Scenario
from peacetable.scenarios import load_builtin

#: Scalar no-deal utilities and monthly changes of the four principals: the embedded
#: scenario's hand-set values before issue 12 (test data).
HAND_SET = {
    "RU": (0.72, -0.01),
    "UA": (0.62, -0.01),
    "US": (0.68, -0.003),
    "NATO": (0.70, -0.005),
}


def hand_set_no_deal() -> Scenario:
    """The embedded scenario with the scalar no-deal utilities of :data:`HAND_SET`.

    Examples
    --------
    >>> from peacetable.core import prepare
    >>> prepare(hand_set_no_deal()).no_deal.round(6).tolist()
    [0.72, 0.62, 0.68, 0.7]
    """
    data = scenario_to_data(load_builtin("ukraine-2022"))
    for party in data["parties"]:
        if party["id"] in HAND_SET:
            utility, monthly = HAND_SET[party["id"]]
            party["no_deal"] = {"utility": utility, "monthly_change": monthly}
    data.pop("disagreement", None)
    return scenario_from_data(data)
