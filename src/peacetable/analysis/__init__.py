"""Agreement-space analysis: exact Pareto frontier, bargaining solutions, ZOPA.

Public entry points (each accepts a :class:`~peacetable.model.Scenario`, a
prepared scenario (:func:`peacetable.core.prepare`) or, for the agreement-space
engines, an :class:`~peacetable.core.AgreementSpace`):

* :func:`pareto_frontier` -- exact frontier by dynamic programming over issues;
* :func:`is_pareto_efficient` -- exact efficiency check with a dominating package;
* :func:`solve_all` / :func:`bargaining_solution` -- Nash, Kalai-Smorodinsky,
  utilitarian, egalitarian (maximin gain) and leximin;
* :func:`zopa` / :func:`count_acceptable` -- zone of possible agreement;
* :func:`diagnose_proposal`, :func:`fewest_change_improvements`,
  :func:`acceptance_fixes`, :func:`deal_breakers` -- what a proposal needs;
* :func:`issue_linkage` -- trades both sides of a pair gain from;
* :func:`single_negotiating_text`, :func:`post_settlement` -- mediator procedures.

* :func:`acceptability`, :func:`robust_package`, :func:`sensitivity` -- how sure
  (SMAA over the estimates' ranges);
* :func:`ripeness` -- when a deal becomes possible as conflict costs mount;
* :func:`contingent_terms` -- what terms contingent on an uncertain event are worth.
"""

from peacetable.analysis.amendments import (
    ChangeSearch,
    acceptance_fixes,
    fewest_change_improvements,
)
from peacetable.analysis.contingent import ContingentResult, ContingentTerm, contingent_terms
from peacetable.analysis.diagnostics import (
    PartyProvisions,
    ProposalDiagnosis,
    ProvisionEffect,
    deal_breakers,
    diagnose_proposal,
)
from peacetable.analysis.frontier import (
    FrontierResult,
    FrontierTooLarge,
    is_pareto_efficient,
    nondominated_mask,
    pareto_frontier,
)
from peacetable.analysis.linkage import LinkageResult, PairTrades, Trade, issue_linkage
from peacetable.analysis.negotiating_text import (
    PostSettlementResult,
    SingleTextResult,
    post_settlement,
    single_negotiating_text,
)
from peacetable.analysis.ripeness import RipenessResult, ripeness
from peacetable.analysis.robust_search import RankedPackage, RobustPackageResult, robust_package
from peacetable.analysis.robustness import (
    AcceptabilityResult,
    PackageAcceptability,
    acceptability,
    sensitivity,
)
from peacetable.analysis.sensitivity import SensitivityResult
from peacetable.analysis.solutions import (
    SOLUTION_NAMES,
    BargainingSolutions,
    Solution,
    bargaining_solution,
    solve_all,
)
from peacetable.analysis.zopa import ZopaResult, count_acceptable, zopa
from peacetable.core.prepared import as_space
from peacetable.core.space import AgreementSpace, IssueGroup

__all__ = [
    "SOLUTION_NAMES",
    "AcceptabilityResult",
    "AgreementSpace",
    "BargainingSolutions",
    "ChangeSearch",
    "ContingentResult",
    "ContingentTerm",
    "FrontierResult",
    "FrontierTooLarge",
    "IssueGroup",
    "LinkageResult",
    "PackageAcceptability",
    "PairTrades",
    "PartyProvisions",
    "PostSettlementResult",
    "ProposalDiagnosis",
    "ProvisionEffect",
    "RankedPackage",
    "RipenessResult",
    "RobustPackageResult",
    "SensitivityResult",
    "SingleTextResult",
    "Solution",
    "Trade",
    "ZopaResult",
    "acceptability",
    "acceptance_fixes",
    "as_space",
    "bargaining_solution",
    "contingent_terms",
    "count_acceptable",
    "deal_breakers",
    "diagnose_proposal",
    "fewest_change_improvements",
    "is_pareto_efficient",
    "issue_linkage",
    "nondominated_mask",
    "pareto_frontier",
    "post_settlement",
    "ripeness",
    "robust_package",
    "sensitivity",
    "single_negotiating_text",
    "solve_all",
    "zopa",
]
