"""Conflict stability: the Graph Model for Conflict Resolution (GMCR).

Build a :class:`ConflictModel` (``build_model``, ``read_gmcr`` for GMCR+ files,
``from_scenario`` for a peacetable scenario), then

* :func:`analyze` — Nash (R), GMR, SMR, SEQ and SIM stability of every state for
  every decision maker, and the equilibria per concept;
* :func:`status_quo_analysis` — which equilibria are reachable from a status quo
  and by which legal move sequences;
* :func:`coalition_analysis` — coalitional improvements and coalition stability;
* :func:`explain` / :func:`deal_stability` — who gains by defecting from a state
  or proposal (walking away included), who it hurts, and who could deter it.

Every result has ``to_dict()`` for JSON.

Examples
--------
>>> from peacetable.conflict import build_model, analyze
>>> chicken = build_model("chicken", [("straight", "A"), ("straight", "B")],
...                       {"A": [3, 4, 2, 1], "B": [3, 2, 4, 1]})
>>> analyze(chicken).equilibria("smr")
['NN', 'YN', 'NY']
"""

from peacetable.conflict.coalitions import (
    CoalitionResult,
    coalition_analysis,
    coalition_improvements,
)
from peacetable.conflict.dependencies import Dependency
from peacetable.conflict.explain import Defection, explain
from peacetable.conflict.gmcr_file import read_gmcr, read_transcribed, write_json
from peacetable.conflict.model import (
    Condition,
    ConflictModel,
    DecisionMaker,
    Direction,
    Option,
    build_model,
    enumerate_states,
)
from peacetable.conflict.preferences import Prioritization, Ranking, parse_statement
from peacetable.conflict.scenario import DealStability, deal_stability, from_scenario
from peacetable.conflict.stability import CONCEPTS, StabilityResult, analyze
from peacetable.conflict.status_quo import StatusQuoResult, Step, status_quo_analysis

__all__ = [
    "CONCEPTS",
    "CoalitionResult",
    "Condition",
    "ConflictModel",
    "DealStability",
    "DecisionMaker",
    "Defection",
    "Dependency",
    "Direction",
    "Option",
    "Prioritization",
    "Ranking",
    "StabilityResult",
    "StatusQuoResult",
    "Step",
    "analyze",
    "build_model",
    "coalition_analysis",
    "coalition_improvements",
    "deal_stability",
    "enumerate_states",
    "explain",
    "from_scenario",
    "parse_statement",
    "read_gmcr",
    "read_transcribed",
    "status_quo_analysis",
    "write_json",
]
