"""The scenario model every lens reads: parties, issues, preferences, constraints, proposals."""

from peacetable.model.scenario import (
    FORMAT,
    Constraint,
    Contingent,
    Estimate,
    Issue,
    NoDeal,
    Option,
    Party,
    Passage,
    Preferences,
    Process,
    Proposal,
    Scenario,
    Source,
    Uncertainty,
)
from peacetable.model.validate import check_scenario, find_problems, violated_constraints

__all__ = [
    "FORMAT",
    "Constraint",
    "Contingent",
    "Estimate",
    "Issue",
    "NoDeal",
    "Option",
    "Party",
    "Passage",
    "Preferences",
    "Process",
    "Proposal",
    "Scenario",
    "Source",
    "Uncertainty",
    "check_scenario",
    "find_problems",
    "violated_constraints",
]
