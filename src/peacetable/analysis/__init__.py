"""Agreement-space analysis: exact Pareto frontier, bargaining solutions, ZOPA."""

from peacetable.analysis.frontier import (
    FrontierResult,
    FrontierTooLarge,
    is_pareto_efficient,
    nondominated_mask,
    pareto_frontier,
)
from peacetable.analysis.space import AgreementSpace, IssueGroup, as_space

__all__ = [
    "AgreementSpace",
    "FrontierResult",
    "FrontierTooLarge",
    "IssueGroup",
    "as_space",
    "is_pareto_efficient",
    "nondominated_mask",
    "pareto_frontier",
]
