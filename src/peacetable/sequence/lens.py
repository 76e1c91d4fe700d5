"""The sequencing lens: ``run(scenario_or_prepared, settings, no_deal=None)`` and :data:`LENS`.

Key ``sequence``; settings :class:`SequenceSettings`; result
:class:`~peacetable.sequence.result.SequenceResult`. Registered with the core
(:data:`peacetable.core.registry.LENSES`); a scenario without an implementation
plan is not applicable (:func:`not_applicable` gives the reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from peacetable.core import Lens, PreparedScenario, Provenance, Session, prepare
from peacetable.errors import AnalysisError, InputError, Location
from peacetable.model import Scenario
from peacetable.sequence.compare import ReadingOutcome, compare_readings
from peacetable.sequence.explain import Conflict, Opening, conflicting_constraints, openings
from peacetable.sequence.plan import UTILITY_SCALE, Plan, Rule, scale_no_deal
from peacetable.sequence.result import SequenceResult, phase_table
from peacetable.sequence.scenario import no_deal_of, plan_from_scenario
from peacetable.sequence.solver import DETERMINISTIC_TIME, OBJECTIVES, Objective, solve

KEY = "sequence"


@dataclass(frozen=True)
class SequenceSettings:
    """Settings of the sequencing lens.

    Attributes
    ----------
    proposal:
        Proposal whose implementation plan to schedule (default: the first plan).
    objective:
        ``phases`` (fewest), ``duration`` (shortest) or ``exposure`` (smallest maximum).
    self_enforcing:
        Also require every phase to be self-enforcing (default: only report it).
    max_phases:
        Override the plan's phase limit.
    readings:
        Dispute id → reading id imposed in the main solve (default: none imposed;
        every dispute is compared reading by reading anyway).
    tie_break:
        Among the schedules optimal for ``objective``, take one with the smallest
        maximum exposure (a second solve).
    explain, compare:
        Compute the conflicting set and openings when no schedule exists; compare
        the readings of every dispute.
    seed, deterministic_time:
        CP-SAT's seed and its limit per solve in deterministic time.
    """

    proposal: str | None = None
    objective: Objective = "phases"
    self_enforcing: bool = False
    max_phases: int | None = None
    readings: Mapping[str, str] = field(default_factory=dict)
    tie_break: bool = True
    explain: bool = True
    compare: bool = True
    seed: int = 0
    deterministic_time: float = DETERMINISTIC_TIME


def not_applicable(scenario: Scenario) -> str | None:
    """Why the lens cannot answer for *scenario*, or ``None`` if it can."""
    if not scenario.implementation:
        return "the scenario has no implementation plan (an 'implementation' block)"
    return None


def _imposed(plan: Plan, readings: Mapping[str, str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    disputes = {d.id: d for d in plan.disputes}
    for did, rid in readings.items():
        if did not in disputes:
            raise InputError(
                f"unknown dispute {did!r}; disputes: {', '.join(disputes) or 'none'}",
                Location(field="readings"),
            )
        chosen = [r for r in disputes[did].readings if r.id == rid]
        if not chosen:
            ids = ", ".join(r.id for r in disputes[did].readings)
            raise InputError(
                f"unknown reading {rid!r} of dispute {did!r}; readings: {ids}",
                Location(field="readings"),
            )
        rules.extend(chosen[0].rules)
    return tuple(rules)


def run(
    scenario: Scenario | PreparedScenario,
    settings: SequenceSettings | None = None,
    no_deal: npt.ArrayLike | None = None,
) -> SequenceResult:
    """Schedule the implementation plan of a scenario (docs/sequence.md).

    Parameters
    ----------
    scenario:
        A :class:`~peacetable.model.Scenario` or a prepared scenario (``.scenario``).
    settings:
        :class:`SequenceSettings` (defaults if ``None``).
    no_deal:
        The disagreement point, ``(n_parties,)`` or ``(n_phases, n_parties)`` (row
        ``t`` for phase ``t + 1``; later phases use the last row). Default: the
        scenario's no-deal utilities at month 0.

    Returns
    -------
    SequenceResult

    Raises
    ------
    peacetable.errors.ScenarioError
        No implementation plan (for the proposal).
    peacetable.errors.InputError
        Bad settings (objective, dispute or reading) or a badly shaped *no_deal*.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> r = run(load_builtin("ukraine-2022"), SequenceSettings(compare=False))
    >>> r.proposal, r.schedule.status
    ('seven-points', 'optimal')
    """
    settings = settings or SequenceSettings()
    if settings.objective not in OBJECTIVES:
        raise InputError(
            f"unknown objective {settings.objective!r}; choose one of {', '.join(OBJECTIVES)}",
            Location(field="objective"),
        )
    prepared = prepare(scenario)
    sc = prepared.scenario
    plan = plan_from_scenario(prepared, settings.proposal, max_phases=settings.max_phases)
    nd_raw = no_deal_of(prepared) if no_deal is None else no_deal
    nd = scale_no_deal(nd_raw, plan.max_phases, plan.n_parties).astype(float) / UTILITY_SCALE
    rules = (*plan.rules, *_imposed(plan, settings.readings))
    common = {
        "rules": rules,
        "self_enforcing": settings.self_enforcing,
        "seed": settings.seed,
        "deterministic_time": settings.deterministic_time,
    }
    then: Objective | None = "exposure" if settings.tie_break else None
    schedule = solve(plan, nd, objective=settings.objective, then=then, **common)  # type: ignore[arg-type]
    conflict: Conflict | None = None
    opens: tuple[Opening, ...] = ()
    if schedule.status == "infeasible" and settings.explain:
        conflict = conflicting_constraints(plan, nd, **common)  # type: ignore[arg-type]
        opens = openings(plan, nd, **common)  # type: ignore[arg-type]
    comparisons: dict[str, tuple[ReadingOutcome, ...]] = {}
    if settings.compare:
        for dispute in plan.disputes:
            comparisons[dispute.id] = compare_readings(
                plan,
                nd,
                dispute,
                objective=settings.objective,
                self_enforcing=settings.self_enforcing,
                seed=settings.seed,
                deterministic_time=settings.deterministic_time,
            )
    ev = schedule.evaluation
    safe = self_enf = None
    if ev is not None:
        safe = {p: bool(ev.safe_party[0, i]) for i, p in enumerate(plan.party_ids)}
        self_enf = {p: bool(ev.self_enforcing_party[0, i]) for i, p in enumerate(plan.party_ids)}
    required = ("safe", "self_enforcing") if settings.self_enforcing else ("safe",)
    return SequenceResult(
        scenario_id=sc.id,
        proposal=plan.proposal,
        party_ids=plan.party_ids,
        plan=plan,
        schedule=schedule,
        phases=phase_table(plan, schedule),
        safe=safe,
        self_enforcing=self_enf,
        conflict=conflict,
        openings=opens,
        comparisons=comparisons,
        required=required,
        readings=dict(settings.readings),
        no_deal=np.asarray(nd, dtype=float),
        notes=plan.notes,
        provenance=Provenance(
            f"CP-SAT ({_ortools_version()}), order encoding, objective {settings.objective}, "
            "1 worker",
            exact=schedule.status in ("optimal", "infeasible"),
            bound=None
            if schedule.status in ("optimal", "infeasible")
            else f"best bound {schedule.bound}, relative optimality gap {schedule.gap}",
            seed=settings.seed,
        ),
        step_names=dict(zip(plan.step_ids, plan.step_names, strict=True)),
    )


def _ortools_version() -> str:
    from importlib.metadata import version

    return f"ortools {version('ortools')}"


def _lens_run(p: PreparedScenario, s: SequenceSettings, _: Session) -> SequenceResult:
    reason = not_applicable(p.scenario)
    if reason is not None:
        raise AnalysisError(reason)
    return run(p, s)


LENS = Lens(
    "sequence", "In what order can the agreement be implemented?", SequenceSettings, _lens_run
)
