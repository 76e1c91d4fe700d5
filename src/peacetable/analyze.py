"""The mediator's questions on one scenario, answered by every lens at once.

:func:`analyze` reads every lens's result from one
:class:`~peacetable.core.Session` and gathers the answers by question
(DESIGN §1), not by engine:

1. *Would each proposal be accepted?* — the ``acceptance`` lens;
2. *Is it efficient, and what would it take?* — ``diagnosis`` per proposal;
3. *Is there a zone of agreement, and which fair packages are there?* —
   ``zopa`` and ``solutions``;
4. *How sure are we?* — ``robustness`` (SMAA over the estimates' ranges,
   the estimate that matters most), ``robust_package`` and ``contingent``;
5. *When does a deal become possible?* — ``ripeness``;
6. *Would the deal hold?* — ``stability`` per proposal (GMCR);
7. *Where will bargaining go?* — ``forecast``;
8. *How would bargaining unfold?* — ``simulate`` (direct and mediated
   negotiations, the no-deal values moving over the horizon);
9. *In what order can it be implemented?* — ``sequence`` (when the scenario
   has an implementation plan).

The report, the command line and the web app read the same session, so they
show the same objects with the same defaults. A lens that cannot answer for
this scenario is reported as :class:`~peacetable.core.NotApplicable` with
its own reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from peacetable.analysis.acceptance import ProposalEvaluation, ProposalEvaluations
from peacetable.analysis.contingent import ContingentResult
from peacetable.analysis.diagnostics import ProposalDiagnosis
from peacetable.analysis.ripeness import RipenessResult
from peacetable.analysis.robust_search import RobustPackageResult
from peacetable.analysis.robustness import AcceptabilityResult
from peacetable.analysis.solutions import BargainingSolutions
from peacetable.analysis.zopa import ZopaResult
from peacetable.conflict.scenario import DealStability
from peacetable.core import (
    NotApplicable,
    PreparedScenario,
    Result,
    Session,
    Settings,
    to_plain,
)
from peacetable.core.settings import (
    DEFAULT_HORIZON,
    DEFAULT_MAX_CHANGES,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
)
from peacetable.forecast.scenario import ScenarioForecast
from peacetable.model import Scenario
from peacetable.sequence.result import SequenceResult
from peacetable.simulate.lens import SimulateLensResult

__all__ = ["Analysis", "NotApplicable", "analyze", "analyze_session"]


@dataclass(frozen=True)
class Analysis:
    """Every lens's answer for one scenario (see :func:`analyze`).

    Attributes hold the lenses' result objects (each with ``to_dict()``) or
    :class:`~peacetable.core.NotApplicable`; ``session`` is the session they
    came from. ``hindsight`` holds the acceptance of the scenario's
    ``hindsight`` proposals (later proposals, for comparison only): they are
    never the focus of another answer.
    """

    session: Session
    proposals: tuple[ProposalEvaluation, ...]
    hindsight: tuple[ProposalEvaluation, ...]
    diagnoses: dict[str, ProposalDiagnosis | NotApplicable]
    zopa: ZopaResult | NotApplicable
    solutions: BargainingSolutions | NotApplicable
    robustness: AcceptabilityResult | NotApplicable
    robust_package: RobustPackageResult | NotApplicable
    contingent: ContingentResult | NotApplicable
    ripeness: RipenessResult | NotApplicable
    stability: dict[str, DealStability | NotApplicable]
    forecast: ScenarioForecast | NotApplicable
    simulate: SimulateLensResult | NotApplicable
    sequence: SequenceResult | NotApplicable

    @property
    def scenario(self) -> Scenario:
        """The scenario analysed."""
        return self.session.scenario

    @property
    def prepared(self) -> PreparedScenario:
        """The prepared scenario every lens used."""
        return self.session.prepared

    @property
    def settings(self) -> Settings:
        """The settings every lens ran with."""
        return self.session.settings

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; the keys are documented in the README and stable."""
        p = self.prepared
        robust = self.robustness
        per_proposal = []
        for ev in self.proposals:
            entry = ev.to_dict()
            entry["diagnosis"] = to_plain(self.diagnoses[ev.proposal])
            if isinstance(robust, NotApplicable):
                entry["robustness"] = robust.to_dict()
            else:
                entry["robustness"] = {
                    "headline": robust.headline(ev.proposal),
                    **robust.get(ev.proposal).to_dict(),
                    "sensitivity": to_plain(robust.sensitivity.get(ev.proposal)),
                }
            entry["stability"] = to_plain(self.stability[ev.proposal])
            per_proposal.append(entry)
        robust_dict = robust.to_dict()
        if not isinstance(robust, NotApplicable):
            robust_dict = {k: v for k, v in robust_dict.items() if k not in ("sensitivity",)}
        return {
            "scenario": {
                "id": self.scenario.id,
                "title": self.scenario.title,
                "negotiating_parties": list(p.party_ids),
                "issues": list(p.issue_ids),
                "n_packages": p.n_packages,
            },
            "settings": {
                "samples": self.settings.samples,
                "ripeness_samples": self.settings.ripeness_samples,
                "horizon": self.settings.horizon,
                "seed": self.settings.seed,
                "max_changes": self.settings.max_changes,
            },
            "proposals": per_proposal,
            "hindsight": [ev.to_dict() for ev in self.hindsight],
            "zopa": to_plain(self.zopa),
            "solutions": to_plain(self.solutions),
            "robustness": robust_dict,
            "robust_package": to_plain(self.robust_package),
            "contingent_terms": to_plain(self.contingent),
            "ripeness": to_plain(self.ripeness),
            "forecast": to_plain(self.forecast),
            "simulate": to_plain(self.simulate),
            "sequence": to_plain(self.sequence),
        }


def analyze_session(session: Session) -> Analysis:
    """Gather every lens's answer from *session* (each lens runs at most once).

    Examples
    --------
    >>> from peacetable.core import Session, Settings
    >>> from peacetable.scenarios import load_builtin
    >>> s = Session(load_builtin(), Settings(samples=2_000, ripeness_samples=200))
    >>> analyze_session(s).zopa is s.result("zopa")
    True
    """
    evaluations = _typed(session.result("acceptance"), ProposalEvaluations)
    assert isinstance(evaluations, ProposalEvaluations)
    ids = [ev.proposal for ev in evaluations.evaluations]
    focus = ids[0] if len(ids) == 1 else None
    later = session.prepared.hindsight_ids
    hindsight = _typed(session.result("acceptance", proposals=later), ProposalEvaluations)
    return Analysis(
        session=session,
        proposals=evaluations.evaluations,
        hindsight=hindsight.evaluations
        if later and isinstance(hindsight, ProposalEvaluations)
        else (),
        diagnoses={
            pid: _typed(session.result("diagnosis", proposal=pid), ProposalDiagnosis) for pid in ids
        },
        zopa=_typed(session.result("zopa"), ZopaResult),
        solutions=_typed(session.result("solutions"), BargainingSolutions),
        robustness=_typed(session.result("robustness"), AcceptabilityResult),
        robust_package=_typed(session.result("robust_package", top=1), RobustPackageResult),
        contingent=_typed(session.result("contingent", proposal=focus), ContingentResult),
        ripeness=_typed(session.result("ripeness", proposal=focus), RipenessResult),
        stability={
            pid: _typed(session.result("stability", proposal=pid), DealStability) for pid in ids
        },
        forecast=_typed(session.result("forecast"), ScenarioForecast),
        simulate=_typed(session.result("simulate"), SimulateLensResult),
        sequence=_typed(session.result("sequence", proposal=focus), SequenceResult),
    )


R = TypeVar("R", bound=Result)


def _typed(found: Result, kind: type[R]) -> R | NotApplicable:
    """*found* as the lens's result type (or its ``NotApplicable``)."""
    if isinstance(found, NotApplicable | kind):
        return found
    raise TypeError(f"lens returned {type(found).__name__}, expected {kind.__name__}")


def analyze(
    scenario: Scenario | PreparedScenario,
    proposals: Sequence[str] | None = None,
    *,
    samples: int = DEFAULT_SAMPLES,
    ripeness_samples: int = DEFAULT_RIPENESS_SAMPLES,
    horizon: int = DEFAULT_HORIZON,
    seed: int = DEFAULT_SEED,
    max_changes: int = DEFAULT_MAX_CHANGES,
) -> Analysis:
    """Answer the mediator's questions for each proposal of *scenario*.

    Parameters
    ----------
    scenario:
        The scenario (or prepared scenario).
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
    InputError
        An unknown proposal id or a bad setting.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> result = analyze(load_builtin(), ["seven-points"], samples=2_000, ripeness_samples=200)
    >>> result.proposals[0].proposal
    'seven-points'
    """
    settings = Settings(
        seed=seed,
        samples=samples,
        ripeness_samples=ripeness_samples,
        horizon=horizon,
        max_changes=max_changes,
        proposals=tuple(proposals) if proposals else None,
    )
    return analyze_session(Session(scenario, settings))
