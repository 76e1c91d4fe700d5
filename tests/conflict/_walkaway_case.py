"""A two-party conflict in which a party can walk away (shared by the conflict and report tests)."""

from __future__ import annotations

from peacetable.io import loads_scenario
from peacetable.model import Scenario

# A walks away by resuming the war (fire: truce -> war): the land term (B's) and the
# monitors (held, nobody controls them) hold only during the truce; the sanctions (B's)
# do not depend on it.
WALKAWAY = """
format: peacetable/1
id: walkaway
title: Walk away
parties:
  - {id: A, name: Alpha, no_deal: {utility: UA_ND}}
  - {id: B, name: Beta, no_deal: {utility: 0.3}}
issues:
  - id: fire
    name: Fire
    controlled_by: [A]
    status_quo: war
    options: [{id: war, label: War}, {id: truce, label: Truce}]
  - id: land
    name: Land
    controlled_by: [B]
    status_quo: held
    requires: {fire: truce}
    options: [{id: held, label: Held}, {id: given, label: Given}]
  - id: monitors
    name: Monitors
    status_quo: none
    requires: {fire: [truce]}
    options: [{id: none, label: None}, {id: present, label: Present}]
  - id: sanctions
    name: Sanctions
    controlled_by: [B]
    status_quo: some
    options: [{id: none, label: None}, {id: some, label: Some}, {id: heavy, label: Heavy}]
preferences:
  A:
    weights: {fire: 3, land: 1, monitors: 1, sanctions: 3}
    values:
      fire: {war: 1, truce: 0}
      land: {held: 0, given: 1}
      monitors: {none: 1, present: 0}
      sanctions: {none: 1, some: 0.5, heavy: 0}
  B:
    weights: {fire: 2, land: 2, monitors: 1, sanctions: 1}
    values:
      fire: {war: 0, truce: 1}
      land: {held: 1, given: 0}
      monitors: {none: 0, present: 1}
      sanctions: {none: 0.2, some: 0.6, heavy: 1}
proposals:
  - id: deal
    name: The deal
    package: {fire: truce, land: given, monitors: present, sanctions: none}
  - id: truce-only
    name: A bare truce
    package: {fire: truce, sanctions: some}
"""


def walkaway(no_deal_a: float = 0.6, extra: str = "") -> Scenario:
    """The walk-away scenario with Alpha's no-deal utility *no_deal_a* (0.6: the full deal
    holds once replies count; 0.3: Beta's sanctions break it under Nash and SEQ)."""
    return loads_scenario(WALKAWAY.replace("UA_ND", str(no_deal_a)) + extra, file="<walkaway>")
