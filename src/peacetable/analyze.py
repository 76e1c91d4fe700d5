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
its own reason; a scenario without proposals gets every answer that needs
none (the frontier, the fair packages, the ZOPA, the robustness of the fair
packages, ripeness) and is told that the per-proposal answers need proposals.

Time: :func:`analysis_settings` shares one time limit between the long lenses
(:data:`TIME_SHARES`); each lens stops within its share and labels what it
had to approximate (``provenance.exact`` and ``provenance.bound`` of every
answer; :meth:`Analysis.answers` lists them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from peacetable.analysis.acceptance import NO_PROPOSALS, ProposalEvaluation, ProposalEvaluations
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
    prepare,
    to_plain,
)
from peacetable.core.settings import (
    DEFAULT_HORIZON,
    DEFAULT_MAX_CHANGES,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
)
from peacetable.defaults import DEFAULT_ANALYZE_TIME_LIMIT
from peacetable.errors import InputError
from peacetable.forecast.scenario import ScenarioForecast
from peacetable.model import Scenario
from peacetable.sequence.result import SequenceResult
from peacetable.simulate.lens import SimulateLensResult

__all__ = [
    "NO_PROPOSALS",
    "TIME_SHARES",
    "Analysis",
    "NotApplicable",
    "analysis_settings",
    "analyze",
    "analyze_session",
]

#: The diagnosis share is split between at most this many proposals (each keeps a quarter).
MAX_DIAGNOSIS_SPLIT = 4

#: Share of the analysis's time limit each long lens may use (the diagnosis share is
#: split between the proposals; the rest is left for the lenses that run quickly).
TIME_SHARES: dict[str, float] = {
    "diagnosis": 0.15,
    "solutions": 0.15,
    "zopa": 0.10,
    "robustness": 0.15,
    "robust_package": 0.10,
    "ripeness": 0.15,
    "forecast": 0.05,
    "frontier": 0.10,  # read by the report only
}


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

    def robustness_headline(self, proposal: str) -> str:
        """How sure the verdict on *proposal* is, in one sentence.

        The no-deal package is no deal itself in every sampled world (its
        utility is each party's no-deal value by definition), so it gets no
        acceptance probability.
        """
        robust = self.robustness
        if isinstance(robust, NotApplicable):
            return f"{proposal}: {robust.reason}"
        if any(ev.proposal == proposal and ev.no_deal for ev in self.proposals):
            return f"{proposal}: no deal itself in every plausible world (nothing to accept)"
        return robust.headline(proposal)

    @property
    def time_limit(self) -> float | None:
        """The time limit the long lenses shared (seconds), or ``None``."""
        return self.settings.time_limit

    def results(self) -> dict[str, Result]:
        """Every answer by name (per proposal as ``"<lens>:<proposal>"``)."""
        out: dict[str, Result] = {}
        for pid, d in self.diagnoses.items():
            out[f"diagnosis:{pid}"] = d
        for name in (
            "zopa", "solutions", "robustness", "robust_package", "contingent", "ripeness",
            "forecast", "simulate", "sequence",
        ):  # fmt: skip
            out[name] = getattr(self, name)
        for pid, s in self.stability.items():
            out[f"stability:{pid}"] = s
        return out

    def answers(self) -> dict[str, str]:
        """How each answer was obtained: ``"exact"``, ``"approximate: <how far off>"`` or
        ``"not applicable: <why>"``."""
        out: dict[str, str] = {}
        for name, r in self.results().items():
            if isinstance(r, NotApplicable):
                out[name] = f"not applicable: {r.reason}"
            elif r.provenance.exact:
                out[name] = "exact"
            else:
                out[name] = f"approximate: {r.provenance.bound or 'see its provenance'}"
        return out

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
                    "headline": self.robustness_headline(ev.proposal),
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
                "time_limit": self.time_limit,
                "memory_limit": self.settings.memory_limit,
            },
            "answers": self.answers(),
            "proposals": per_proposal,
            "proposals_note": None if self.proposals else NO_PROPOSALS,
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
        stability={pid: _stability(session, pid) for pid in ids},
        forecast=_typed(session.result("forecast"), ScenarioForecast),
        simulate=_typed(session.result("simulate"), SimulateLensResult),
        sequence=_typed(session.result("sequence", proposal=focus), SequenceResult),
    )


R = TypeVar("R", bound=Result)


def _stability(session: Session, proposal: str) -> DealStability | NotApplicable:
    """The stability lens's answer for a proposal already resolved by the acceptance lens.

    The proposal id is known to be valid here, so a bad-input error from the
    conflict model (e.g. a scenario with more options under unilateral control
    than a conflict model can hold) means the lens cannot answer this
    scenario: it is reported as not applicable rather than ending the analysis.
    """
    try:
        found = session.result("stability", proposal=proposal)
    except InputError as exc:
        return NotApplicable(f"conflict analysis cannot model this scenario: {exc}")
    return _typed(found, DealStability)


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
    time_limit: float | None = DEFAULT_ANALYZE_TIME_LIMIT,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
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
    time_limit:
        Seconds the long lenses share (:data:`TIME_SHARES`); ``None``: no
        limit. What a lens had to cut short is labelled in its answer.
    memory_limit:
        Bytes of working arrays one step of a lens may allocate.

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
    prepared = prepare(scenario)
    settings = analysis_settings(
        prepared,
        proposals,
        seed=seed,
        samples=samples,
        ripeness_samples=ripeness_samples,
        horizon=horizon,
        max_changes=max_changes,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )
    return analyze_session(Session(prepared, settings))


def analysis_settings(
    scenario: Scenario | PreparedScenario,
    proposals: Sequence[str] | None = None,
    *,
    time_limit: float | None = DEFAULT_ANALYZE_TIME_LIMIT,
    **shared: Any,
) -> Settings:
    """The settings of an analysis whose long lenses share *time_limit* seconds.

    Each lens of :data:`TIME_SHARES` gets its share as its own ``time_limit``
    lens option (the diagnosis share divided between the proposals in
    focus, but never below a quarter of it: with more than four proposals
    the diagnoses together may take up to ``n / 4`` times their share, so
    that each keeps time for its exact searches), so a lens that another lens reads (the fair packages, read by
    the robustness lens) runs once with one budget; the shared ``time_limit``
    setting holds the total.

    Parameters
    ----------
    scenario:
        The scenario (to count its proposals).
    proposals:
        Proposal ids in focus (``None``: all).
    time_limit:
        Seconds for the whole analysis, or ``None``.
    **shared:
        Other :class:`~peacetable.core.Settings` fields.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = analysis_settings(load_builtin(), ["seven-points"], time_limit=60)
    >>> s.lens_options["ripeness"]["time_limit"], s.lens_options["diagnosis"]["time_limit"]
    (9.0, 9.0)
    """
    focus = tuple(proposals) if proposals else None
    n_props = len(focus) if focus is not None else len(prepare(scenario).proposal_ids)
    options: dict[str, dict[str, Any]] = {}
    if time_limit is not None:
        for key, share in TIME_SHARES.items():
            split = min(max(1, n_props), MAX_DIAGNOSIS_SPLIT) if key == "diagnosis" else 1
            seconds = time_limit * share / split
            options[key] = {"time_limit": round(seconds, 6)}
    return Settings(
        **shared,
        proposals=focus,
        time_limit=time_limit,
        lens_options=options,
    )
