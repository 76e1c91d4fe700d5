"""The mediator's questions on one scenario, answered by every lens at once.

:func:`analyze` runs each lens on a scenario and gathers the answers by
question (DESIGN §1), not by engine:

1. *Would each proposal be accepted?* — acceptance against no-deal utilities;
2. *Is it efficient, and what would it take?* — exact proposal diagnostics;
3. *Is there a zone of agreement, and which fair packages are there?* — ZOPA
   and the bargaining solutions;
4. *How sure are we?* — SMAA acceptability over the estimates' ranges, the
   estimate that matters most, the package accepted by all in the most
   sampled worlds, and the value of contingent terms;
5. *When does a deal become possible?* — ripeness over the monthly costs;
6. *Would the deal hold?* — conflict stability of each proposal (GMCR);
7. *Where will bargaining go?* — per-issue forecasts.

Each answer comes from the lens's own public function (its docstring cites
the method). A lens that cannot answer for this scenario (for example, no
issue is controlled by a single party, so there is no conflict model) is
reported as not applicable with the lens's own reason; any other error
propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from peacetable.analysis.acceptance import ProposalEvaluation, evaluate_proposals
from peacetable.errors import AnalysisError, ScenarioError
from peacetable.model import CompiledScenario, Scenario, compile_scenario

T = TypeVar("T")


@dataclass(frozen=True)
class NotApplicable:
    """A lens that cannot answer for this scenario, and why."""

    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"not_applicable": self.reason}


def _attempt(run: Callable[[], T]) -> T | NotApplicable:
    try:
        return run()
    except (AnalysisError, ScenarioError) as exc:
        return NotApplicable(str(exc))


@dataclass(frozen=True)
class Analysis:
    """Every lens's answer for one scenario (see :func:`analyze`).

    Attributes hold the lenses' own result objects (each with ``to_dict()``)
    or :class:`NotApplicable`.
    """

    scenario: Scenario
    compiled: CompiledScenario
    proposals: tuple[ProposalEvaluation, ...]
    diagnoses: dict[str, Any]
    zopa: Any
    solutions: Any
    robustness: Any
    robust_package: Any
    contingent: Any
    ripeness: Any
    stability: dict[str, Any]
    forecast: Any
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; the keys are documented in the README and stable."""
        cs = self.compiled
        robust = self.robustness
        per_proposal = []
        for ev in self.proposals:
            entry = ev.to_dict()
            entry["diagnosis"] = _plain(self.diagnoses.get(ev.proposal))
            if isinstance(robust, NotApplicable):
                entry["robustness"] = robust.to_dict()
            else:
                entry["robustness"] = {
                    "headline": robust.headline(ev.proposal),
                    **robust.get(ev.proposal).to_dict(),
                    "sensitivity": _plain(robust.sensitivity.get(ev.proposal)),
                }
            entry["stability"] = _plain(self.stability.get(ev.proposal))
            per_proposal.append(entry)
        solutions = self.solutions
        return {
            "scenario": {
                "id": self.scenario.id,
                "title": self.scenario.title,
                "negotiating_parties": list(cs.party_ids),
                "issues": list(cs.issue_ids),
                "n_packages": cs.n_packages,
            },
            "settings": dict(self.settings),
            "proposals": per_proposal,
            "zopa": _plain(self.zopa),
            "solutions": (
                solutions.to_dict()
                if isinstance(solutions, NotApplicable)
                else {name: sol.to_dict() for name, sol in solutions.items()}
            ),
            "robustness": (
                robust.to_dict()
                if isinstance(robust, NotApplicable)
                else {
                    k: v
                    for k, v in robust.to_dict().items()
                    if k not in ("packages", "sensitivity")
                }
            ),
            "robust_package": _plain(self.robust_package),
            "contingent_terms": _plain(self.contingent),
            "ripeness": _plain(self.ripeness),
            "forecast": _plain(self.forecast),
        }


def _plain(result: Any) -> Any:
    if result is None:
        return None
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else result


def analyze(
    scenario: Scenario,
    proposals: Sequence[str] | None = None,
    *,
    samples: int = 20_000,
    ripeness_samples: int = 1_000,
    horizon: int = 36,
    seed: int = 0,
    max_changes: int = 2,
) -> Analysis:
    """Answer the mediator's questions for each proposal of *scenario*.

    Parameters
    ----------
    scenario:
        The scenario.
    proposals:
        Proposal ids to analyse (default: all).
    samples:
        Sampled worlds for the acceptability analysis (SMAA).
    ripeness_samples:
        Sampled worlds for the ripeness probabilities.
    horizon:
        Months the ripeness analysis looks ahead.
    seed:
        Seed of every sampled quantity (same seed, same answer).
    max_changes:
        Largest number of changed provisions the exact "what would it take"
        search tries before it reports a proven "none within k".

    Returns
    -------
    Analysis

    Raises
    ------
    ScenarioError
        An unknown proposal id.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> result = analyze(load_builtin(), ["seven-points"], samples=2_000, ripeness_samples=200)
    >>> result.proposals[0].proposal
    'seven-points'
    """
    from peacetable.analysis import solve_all, zopa
    from peacetable.analysis.contingent import contingent_terms
    from peacetable.analysis.diagnostics import diagnose_proposal
    from peacetable.analysis.ripeness import ripeness
    from peacetable.analysis.robust_search import robust_package
    from peacetable.analysis.robustness import acceptability
    from peacetable.conflict import deal_stability
    from peacetable.forecast import forecast_scenario

    evaluations = tuple(evaluate_proposals(scenario, list(proposals) if proposals else None))
    ids = [ev.proposal for ev in evaluations]
    focus = ids[0] if len(ids) == 1 else None
    diagnoses = {
        pid: _attempt(partial(diagnose_proposal, scenario, pid, max_changes=max_changes))
        for pid in ids
    }
    stability = {pid: _attempt(partial(deal_stability, scenario, pid)) for pid in ids}
    robust = _attempt(
        lambda: acceptability(
            scenario,
            {pid: dict(scenario.proposal(pid).package) for pid in ids},
            package_kind="proposal",
            include_proposals=False,
            n_samples=samples,
            seed=seed,
            sensitivity_for=ids,
        )
    )
    return Analysis(
        scenario=scenario,
        compiled=compile_scenario(scenario),
        proposals=evaluations,
        diagnoses=diagnoses,
        zopa=_attempt(lambda: zopa(scenario, seed=seed)),
        solutions=_attempt(lambda: solve_all(scenario)),
        robustness=robust,
        robust_package=_attempt(
            partial(robust_package, scenario, n_samples=samples, seed=seed, top=1)
        ),
        contingent=_attempt(lambda: contingent_terms(scenario, focus)),
        ripeness=_attempt(
            lambda: ripeness(
                scenario, horizon=horizon, proposal=focus, n_samples=ripeness_samples, seed=seed
            )
        ),
        stability=stability,
        forecast=_attempt(lambda: forecast_scenario(scenario, seed=seed)),
        settings={
            "samples": samples,
            "ripeness_samples": ripeness_samples,
            "horizon": horizon,
            "seed": seed,
            "max_changes": max_changes,
        },
    )
