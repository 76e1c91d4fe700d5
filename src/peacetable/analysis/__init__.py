"""Agreement-space analysis: exact Pareto frontier, bargaining solutions, ZOPA.

Public entry points (each accepts a :class:`~peacetable.model.Scenario`, a
compiled scenario or an :class:`AgreementSpace`):

* :func:`pareto_frontier` -- exact frontier by dynamic programming over issues;
* :func:`is_pareto_efficient` -- exact efficiency check with a dominating package;
* :func:`solve_all` / :func:`bargaining_solution` -- Nash, Kalai-Smorodinsky,
  utilitarian, egalitarian (maximin gain) and leximin;
* :func:`zopa` / :func:`count_acceptable` -- zone of possible agreement.
"""

from peacetable.analysis.frontier import (
    FrontierResult,
    FrontierTooLarge,
    is_pareto_efficient,
    nondominated_mask,
    pareto_frontier,
)
from peacetable.analysis.solutions import (
    SOLUTION_NAMES,
    Solution,
    bargaining_solution,
    solve_all,
)
from peacetable.analysis.space import AgreementSpace, IssueGroup, as_space
from peacetable.analysis.zopa import ZopaResult, count_acceptable, zopa

__all__ = [
    "SOLUTION_NAMES",
    "AgreementSpace",
    "FrontierResult",
    "FrontierTooLarge",
    "IssueGroup",
    "Solution",
    "ZopaResult",
    "as_space",
    "bargaining_solution",
    "count_acceptable",
    "is_pareto_efficient",
    "nondominated_mask",
    "pareto_frontier",
    "solve_all",
    "zopa",
]
