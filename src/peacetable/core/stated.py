"""A party's own statement of what no deal is worth to it today, under a lottery no deal.

When no deal is the disagreement block's lottery over how the conflict ends
(:mod:`peacetable.core.disagreement`), a party that states its no-deal value
directly (e.g. in the web workbench's elicitation) says what the lottery is
worth to it *now*. :func:`with_stated_no_deal` honours that number without a
second definition of no deal: it solves the party's cost of fighting on for it,
so that every lens, reading the one no-deal value the core computes, sees
exactly the stated value at month 0, and the months after still follow the
model (beliefs converging, monthly costs accumulating).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peacetable.core.prepared import prepare
from peacetable.errors import InputError
from peacetable.model import Scenario
from peacetable.model.scenario import ConflictCosts, Estimate, FrozenDict


@dataclass(frozen=True)
class StatedNoDeal:
    """A party's stated no-deal utility (0–1), an optional range and where it comes from."""

    value: float
    range: tuple[float, float] | None = None
    note: str = "stated by the party"


def with_stated_no_deal(scenario: Scenario, stated: Mapping[str, StatedNoDeal]) -> Scenario:
    """The scenario in which each stating party's no deal today is worth what it stated.

    For a scenario whose no deal is a lottery, party *p*'s cost of fighting on
    becomes ``c_p + N_p − v_p``: ``N_p`` the no-deal utility the core computes
    with the current cost ``c_p`` (its beliefs over the outcomes and its own
    preferences), ``v_p`` the stated value. A stated range ``(lo, hi)`` becomes
    the cost range ``(c_p + N_p − hi, c_p + N_p − lo)``. Monthly costs,
    beliefs and convergence are unchanged. A scenario whose no deal is each
    party's scalar ``no_deal`` has no cost to solve: set ``no_deal`` instead.

    Parameters
    ----------
    scenario:
        A validated scenario with a ``disagreement`` block that has outcomes.
    stated:
        ``{party id: StatedNoDeal}`` for negotiating parties.

    Returns
    -------
    Scenario
        A copy with ``disagreement.costs`` updated for the stating parties.

    Raises
    ------
    InputError
        The scenario's no deal is not a lottery, or a party is not negotiating.

    References
    ----------
    .. [1] Fearon, J. D. (1995). Rationalist explanations for war. *International
       Organization* 49(3), 379-414 (war as a costly lottery: ``p − c``).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = with_stated_no_deal(load_builtin(), {"RU": StatedNoDeal(0.5)})
    >>> round(float(prepare(s).no_deal[0]), 12)
    0.5
    """
    if not stated:
        return scenario
    if not scenario.disagreement.outcomes:
        raise InputError(
            "no deal is each party's no_deal value here, not a lottery: set no_deal directly"
        )
    prepared = prepare(scenario)
    d = scenario.disagreement
    costs = dict(d.costs)
    for pid, s in stated.items():
        if pid not in prepared.party_ids:
            raise InputError(f"{pid!r} is not a negotiating party of {scenario.id!r}")
        now = float(prepared.no_deal[prepared.party_ids.index(pid)])
        old = costs.get(pid, ConflictCosts())
        pivot = old.cost.value + now
        rng = None if s.range is None else (pivot - s.range[1], pivot - s.range[0])
        note = f"solved so that no deal today is worth {s.value:g} ({s.note})"
        costs[pid] = old.model_copy(
            update={
                "cost": Estimate(value=pivot - s.value, range=rng, assumption=note),
                "assumption": note,
            }
        )
    return scenario.model_copy(
        update={"disagreement": d.model_copy(update={"costs": FrozenDict(costs)})}
    )
