"""Phased schedules by constraint programming (OR-Tools CP-SAT).

Encoding. For every unit ``u`` and phase ``t`` a Boolean ``done[u, t]`` says the
unit is done by the end of phase ``t``; it is monotone in ``t`` and true at the
last phase of the domain, so the unit's phase is ``P - sum_t done[u, t]``. In this
"order encoding" every quantity of :mod:`peacetable.sequence.exposure` is linear:
precedence ``A before B`` is ``done[first(B), t] <= done[last(A), t - 1]``;
matching and same-phase bound the difference of two phases; a limit bounds the
units finishing in a phase; the running exposure of a party (the reservoir of
what it has given against what it has verifiably received) is one linear
expression per phase; walking away and reversing (self-enforcement) are linear
constraints enforced while the phase is part of the schedule. Phases are
contiguous (no empty phase before the last), which loses nothing: removing an
empty phase changes no exposure.

Every declared constraint, each party's exposure bound, each party's
self-enforcement and the phase limit are enforced through one literal each, so
that :mod:`peacetable.sequence.explain` can ask which of them conflict.

Objectives: ``phases`` (fewest phases), ``duration`` (shortest total duration;
a phase lasts as long as its longest unit, duration plus verification delay),
``exposure`` (smallest largest exposure of any party at any phase, in each
party's own utility units).

Determinism: one worker, a fixed ``random_seed`` and a limit in CP-SAT's
*deterministic* time (``max_deterministic_time``), never in wall time, so the
same input and seed give the same schedule on any machine.

References
----------
Perron, L., & Didier, F. (2024). CP-SAT (OR-Tools), Google.
https://developers.google.com/optimization (solver parameters and status).
Tamura, N., Taga, A., Kitagawa, S., & Banbara, M. (2009). Compiling finite linear
CSP into SAT. *Constraints* 14(2), 254–272 (the order encoding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from peacetable.errors import AnalysisError, InputError, Location
from peacetable.sequence.exposure import Evaluation, evaluate, reversal_gain
from peacetable.sequence.plan import PROBABILITY_SCALE, IntArray, Plan, Rule, scale_no_deal

Objective = Literal["phases", "duration", "exposure"]
OBJECTIVES: tuple[Objective, ...] = ("phases", "duration", "exposure")

#: Default limit of one solve, in CP-SAT deterministic time units (about seconds).
DETERMINISTIC_TIME = 30.0


def _cp() -> Any:
    try:
        from ortools.sat.python import cp_model
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AnalysisError(
            "the sequencing lens needs OR-Tools: pip install 'peacetable[sequence]'"
        ) from exc
    return cp_model


@dataclass
class Built:
    """A CP-SAT model of a plan and the handles the callers read back."""

    model: Any
    done: list[list[Any]]
    used: list[Any]
    literals: dict[str, Any] = field(default_factory=dict)
    objective: Any = None
    domain: int = 0
    exposure: list[tuple[int, int, Any, int]] = field(default_factory=list)
    opening: tuple[int, ...] = ()
    rules: tuple[Rule, ...] = ()


def build(
    plan: Plan,
    no_deal: npt.ArrayLike,
    *,
    rules: Sequence[Rule],
    max_phases: int,
    domain: int | None = None,
    safe: bool = True,
    self_enforcing: bool = False,
    objective: Objective | None = None,
    opener: str | None = None,
) -> Built:
    """The CP-SAT model (see the module docstring); constraints keyed by label in ``literals``.

    ``domain`` (default *max_phases*) is the number of phases the variables
    range over; when it exceeds *max_phases*, the phase limit is one more
    labelled constraint. ``opener`` adds a phase 0 in which only that party's
    units may go (a unilateral opening); that party's exposure bound then applies
    to its exposure net of what the opening costs it.
    """
    cp = _cp()
    m = cp.CpModel()
    n_u, n_p = plan.n_units, plan.n_parties
    dom = max(domain or max_phases, 1)
    nd = scale_no_deal(no_deal, dom, n_p)
    own_units = set()
    if opener is not None:
        own_units = {u for u in range(n_u) if plan.performers[int(plan.unit_step[u])] == opener}
    zero, one = m.NewConstant(0), m.NewConstant(1)
    done: list[list[Any]] = []
    for u in range(n_u):
        row = [m.NewBoolVar(f"d{u}_0") if u in own_units else zero]
        row += [m.NewBoolVar(f"d{u}_{t}") for t in range(1, dom)] + [one]
        for t in range(1, dom + 1):
            m.Add(row[t - 1] <= row[t])
        done.append(row)
    b = Built(
        model=m,
        done=done,
        used=[],
        domain=dom,
        opening=tuple(sorted(own_units)),
        rules=tuple(rules),
    )

    def lit(label: str) -> Any:
        if label not in b.literals:
            b.literals[label] = m.NewBoolVar(label)
        return b.literals[label]

    # used[t]: some unit is not done before phase t (t = 1..dom); contiguity.
    all_done = []
    for t in range(dom + 1):
        a = m.NewBoolVar(f"all{t}")
        terms = [done[u][t] for u in range(n_u)]
        for term in terms:
            m.Add(a <= term)
        m.Add(linear([(1, d) for d in terms], -(n_u - 1)) <= a)
        all_done.append(a)
    b.used = [None] + [all_done[t - 1].Not() for t in range(1, dom + 1)]
    for t in range(1, dom + 1):
        terms = [(1, done[u][t]) for u in range(n_u)] + [(-1, done[u][t - 1]) for u in range(n_u)]
        m.Add(linear(terms) >= 1).OnlyEnforceIf(b.used[t])
    if dom > max_phases:
        m.AddImplication(lit(f"at most {max_phases} phases"), all_done[max_phases])
    for s in range(len(plan.step_ids)):
        units = plan.units_of(s)
        for j in range(len(units) - 1):
            for t in range(dom + 1):
                m.Add(done[int(units[j + 1])][t] <= done[int(units[j])][t])
    for rule in rules:
        _add_rule(m, plan, rule, done, dom, lit(rule.label))
    _add_exposure(m, plan, b, safe, lit, opener)
    if self_enforcing:
        _add_self_enforcement(m, plan, b, nd, lit)
    if objective is not None:
        b.objective = _objective(m, plan, b, objective)
        m.Minimize(b.objective)
    return b


def linear(terms: Sequence[tuple[int, Any]], constant: int = 0) -> Any:
    """``constant + sum(c * var)`` as a CP-SAT linear expression (never a Python int)."""
    cp = _cp()
    return cp.LinearExpr.WeightedSum([v for _, v in terms], [c for c, _ in terms]) + constant


def phase_expr(done: list[list[Any]], u: int, dom: int) -> Any:
    """The phase of unit *u* as a linear expression (0 = opening phase)."""
    return linear([(-1, done[u][t]) for t in range(dom)], dom)


def _add_rule(m: Any, plan: Plan, rule: Rule, done: list[list[Any]], dom: int, on: Any) -> None:
    if rule.kind == "before":
        first = int(plan.units_of(rule.steps[1])[0])
        last = int(plan.units_of(rule.steps[0])[-1])
        for t in range(dom + 1):
            earlier = linear([(1, done[last][t - 1])]) if t > 0 else linear([])
            m.Add(done[first][t] <= earlier).OnlyEnforceIf(on)
    elif rule.kind in ("match", "same_phase"):
        cols = [plan.units_of(s) for s in rule.steps]
        window = rule.window if rule.kind == "match" else 0
        for other in cols[1:]:
            for ua, ub in zip(cols[0], other, strict=True):
                diff = phase_expr(done, int(ub), dom) - phase_expr(done, int(ua), dom)
                m.Add(diff <= window).OnlyEnforceIf(on)
                m.Add(diff >= -window).OnlyEnforceIf(on)
    else:
        units = [int(u) for s in rule.steps for u in plan.units_of(s)]
        for t in range(dom + 1):
            terms = [(1, done[u][t]) for u in units]
            if t > 0:
                terms += [(-1, done[u][t - 1]) for u in units]
            m.Add(linear(terms) <= rule.limit).OnlyEnforceIf(on)


def exposure_weights(plan: Plan) -> tuple[IntArray, IntArray]:
    """``(now, later)`` per unit and party: exposure counted when done / when verified."""
    v = plan.value
    now = -(np.where(plan.own, v, np.minimum(v, 0)))
    later = -(np.where(~plan.own & plan.credit, np.maximum(v, 0), 0))
    return now, later


def _add_exposure(m: Any, plan: Plan, b: Built, safe: bool, lit: Any, opener: str | None) -> None:
    """Running exposure per party and phase; the opener's bound is net of its opening."""
    now, later = exposure_weights(plan)
    final = now.sum(axis=0) + later.sum(axis=0)
    for i, party in enumerate(plan.party_ids):
        adjust: list[tuple[int, Any]] = []
        if opener == party:
            loss = np.maximum(-plan.value[:, i], 0)
            adjust = [(-int(loss[u]), b.done[u][0]) for u in b.opening if loss[u] > 0]
        on = lit(f"exposure bound of {party}")
        for t in range(b.domain + 1):
            terms = [(int(now[u, i]), b.done[u][t]) for u in range(plan.n_units) if now[u, i]]
            if t > 0:
                terms += [
                    (int(later[u, i]), b.done[u][t - 1]) for u in range(plan.n_units) if later[u, i]
                ]
            top = sum(max(c, 0) for c, _ in terms)
            b.exposure.append((i, t, linear(terms), top))
            if safe and top > plan.bounds[i]:
                m.Add(linear(terms + adjust) <= int(plan.bounds[i])).OnlyEnforceIf(on)
        if safe and adjust:
            m.Add(linear(adjust, int(final[i])) <= int(plan.bounds[i])).OnlyEnforceIf(on)
        elif safe and final[i] > plan.bounds[i]:
            m.Add(on == 0)


def _add_self_enforcement(m: Any, plan: Plan, b: Built, nd: IntArray, lit: Any) -> None:
    rev = np.where(plan.reversible[:, None], plan.value, 0)
    rev = rev + np.where(plan.reversible[:, None] & plan.own, plan.reversal_cost[:, None], 0)
    gains = reversal_gain(plan)
    for i in range(plan.n_parties):
        on = lit(f"self-enforcement of {plan.party_ids[i]}")
        mine = [u for u in range(plan.n_units) if plan.own[u, i] and gains[u] > 0]
        for t in range(1, b.domain + 1):
            margin = linear(
                [(int(rev[u, i]), b.done[u][t]) for u in range(plan.n_units) if rev[u, i]],
                int(plan.base[i] - nd[t - 1, i]),
            )
            m.Add(margin >= 0).OnlyEnforceIf([on, b.used[t]])
            for u in mine:
                q = int(plan.detection[u])
                m.Add(q * margin >= (PROBABILITY_SCALE - q) * int(gains[u])).OnlyEnforceIf(
                    [on, b.used[t], b.done[u][t]]
                )


def _objective(m: Any, plan: Plan, b: Built, objective: Objective) -> Any:
    if objective == "phases":
        return linear([(1, u) for u in b.used[1:]])
    if objective == "duration":
        cp = _cp()
        lengths_domain = cp.Domain.FromValues(sorted({0, *(int(x) for x in plan.length)}))
        lengths = []
        for t in range(1, b.domain + 1):
            L = m.NewIntVarFromDomain(lengths_domain, f"len{t}")
            for u in range(plan.n_units):
                if plan.length[u] > 0:
                    step = linear(
                        [
                            (int(plan.length[u]), b.done[u][t]),
                            (-int(plan.length[u]), b.done[u][t - 1]),
                        ]
                    )
                    m.Add(step <= L)
            lengths.append(L)
        total = linear([(1, L) for L in lengths])
        m.Add(total >= critical_path(plan, b.rules))  # redundant: a bound for the search
        return total
    now, later = exposure_weights(plan)
    final = now.sum(axis=0) + later.sum(axis=0)
    hi = int(max(np.maximum(now, 0).sum() + np.maximum(later, 0).sum(), 0)) + 1
    lo = int(min(final.min(initial=0), 0)) - 1
    worst = m.NewIntVar(lo, hi, "worst")
    for _, _, expr, top in b.exposure:
        if top > lo:
            m.Add(worst >= expr)
    for i in range(plan.n_parties):
        m.Add(worst >= int(final[i]))
    return worst


def critical_path(plan: Plan, rules: Sequence[Rule]) -> int:
    """A lower bound on the duration: the longest chain of ``before`` rules.

    Steps in a chain go in distinct phases, and a phase lasts at least as long as
    each of its units, so the duration is at least the sum over the chain of each
    step's longest unit (and at least the longest unit). Returns 0 when the
    ``before`` rules contain a cycle (then no schedule exists anyway).

    Examples
    --------
    >>> from peacetable.sequence.plan import make_plan, rule_for
    >>> steps = [{"id": k, "performer": "A", "value": [0.0], "length": n}
    ...          for k, n in (("a", 2), ("b", 3), ("c", 1))]
    >>> idx = {"a": 0, "b": 1, "c": 2}
    >>> plan = make_plan(["A"], steps, base=[0.5], bounds=[0.1],
    ...                  rules=[rule_for("before", ["a", "b"], idx), rule_for("before", ["b", "c"], idx)])
    >>> critical_path(plan, plan.rules) / 100
    6.0
    """
    n = len(plan.step_ids)
    longest = np.zeros(n, dtype=np.int64)
    np.maximum.at(longest, plan.unit_step, plan.length)
    edges = [(r.steps[0], r.steps[1]) for r in rules if r.kind == "before"]
    best = longest.copy()
    for _ in range(n):  # Bellman-Ford style relaxation of the longest path
        changed = False
        for a, c in edges:
            if best[a] + longest[c] > best[c]:
                best[c] = best[a] + longest[c]
                changed = True
        if not changed:
            return int(best.max(initial=0))
    return 0


@dataclass(frozen=True)
class Solved:
    """Raw outcome of one CP-SAT solve."""

    status: str
    phases: IntArray | None
    objective: float | None
    bound: float | None
    seconds: float
    deterministic_time: float
    branches: int


def run_solver(
    built: Built, *, seed: int, deterministic_time: float, assumptions: Sequence[Any] = ()
) -> tuple[Solved, Any]:
    """Solve *built* deterministically; the solver is returned for assumption cores."""
    cp = _cp()
    built.model.ClearAssumptions()
    if assumptions:
        built.model.AddAssumptions(list(assumptions))
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(seed)
    solver.parameters.max_deterministic_time = float(deterministic_time)
    status = solver.Solve(built.model)
    name = solver.StatusName(status)
    phases = None
    if name in ("OPTIMAL", "FEASIBLE"):
        phases = np.array(
            [
                round(solver.Value(phase_expr(built.done, u, built.domain)))
                for u in range(len(built.done))
            ],
            dtype=np.int64,
        )
    has_obj = built.objective is not None and phases is not None
    return (
        Solved(
            status=name,
            phases=phases,
            objective=float(solver.ObjectiveValue()) if has_obj else None,
            bound=float(solver.BestObjectiveBound()) if has_obj else None,
            seconds=float(solver.WallTime()),
            deterministic_time=float(solver.deterministic_time),
            branches=int(solver.NumBranches()),
        ),
        solver,
    )


def _tie_break(
    plan: Plan,
    built: Built,
    first: Solved,
    then: Objective,
    *,
    seed: int,
    deterministic_time: float,
) -> Solved:
    """Re-solve for *then* with the first objective held at its value; keep *first*'s record."""
    assert first.objective is not None and first.phases is not None
    built.model.Add(built.objective <= round(first.objective))
    built.objective = _objective(built.model, plan, built, then)
    built.model.Minimize(built.objective)
    for u, row in enumerate(built.done):
        for t in range(1, built.domain):
            built.model.AddHint(row[t], int(first.phases[u] <= t))
    second, _ = run_solver(built, seed=seed, deterministic_time=deterministic_time)
    if second.phases is None:
        return first
    return Solved(
        status=first.status,
        phases=second.phases,
        objective=first.objective,
        bound=first.bound,
        seconds=first.seconds + second.seconds,
        deterministic_time=first.deterministic_time + second.deterministic_time,
        branches=first.branches + second.branches,
    )


@dataclass(frozen=True)
class Schedule:
    """A solved schedule and how it was obtained.

    ``status`` is ``optimal`` (proven), ``feasible`` (limit reached; ``gap`` is
    ``(objective - bound) / max(|objective|, 1 unit)``), ``infeasible`` (proven:
    no schedule satisfies the requirements) or ``unknown`` (limit reached first).
    ``objective_value`` and ``bound`` are in natural units: phases, months, or utility.
    """

    status: str
    objective: Objective
    phases: IntArray | None
    evaluation: Evaluation | None
    objective_value: float | None
    bound: float | None
    gap: float | None
    seconds: float
    deterministic_time: float
    branches: int
    seed: int
    rules: tuple[Rule, ...]

    @property
    def proven_optimal(self) -> bool:
        """The objective value is proven optimal."""
        return self.status == "optimal"

    @property
    def found(self) -> bool:
        """A schedule satisfying every requirement was found."""
        return self.phases is not None


def natural(objective: Objective, value: float) -> float:
    """An objective value in natural units (phases, months, utility)."""
    from peacetable.sequence.plan import TIME_SCALE, UTILITY_SCALE

    if objective == "duration":
        return value / TIME_SCALE
    if objective == "exposure":
        return value / UTILITY_SCALE
    return value


def solve(
    plan: Plan,
    no_deal: npt.ArrayLike,
    *,
    objective: Objective = "phases",
    rules: Sequence[Rule] | None = None,
    safe: bool = True,
    self_enforcing: bool = False,
    max_phases: int | None = None,
    seed: int = 0,
    deterministic_time: float = DETERMINISTIC_TIME,
    then: Objective | None = None,
) -> Schedule:
    """The best schedule of *plan* under *objective* (see the module docstring).

    Parameters
    ----------
    plan:
        The plan (:func:`~peacetable.sequence.scenario.plan_from_scenario` or
        :func:`~peacetable.sequence.plan.make_plan`).
    no_deal:
        ``(n_parties,)`` or ``(n_phases, n_parties)`` disagreement point per phase.
    objective:
        ``phases``, ``duration`` or ``exposure``.
    rules:
        Order rules in force (default: the plan's; add a dispute reading's here).
    safe, self_enforcing:
        Require every exposure within its bound; require every phase self-enforcing.
    max_phases:
        Most phases (default: the plan's).
    seed, deterministic_time:
        CP-SAT's random seed and its limit in deterministic time.
    then:
        A second objective, optimised among the schedules that keep the first
        objective's value (lexicographic tie-break); the reported status, value,
        bound and gap are the first objective's.

    Returns
    -------
    Schedule

    Raises
    ------
    peacetable.errors.InputError
        For an unknown objective.

    Examples
    --------
    >>> from peacetable.sequence.plan import make_plan
    >>> plan = make_plan(["A", "B"],
    ...     [{"id": "a", "performer": "A", "value": [-0.1, 0.2], "length": 1, "tranches": [0.5, 0.5]},
    ...      {"id": "b", "performer": "B", "value": [0.2, -0.1], "length": 1, "tranches": [0.5, 0.5]}],
    ...     base=[0.5, 0.5], bounds=[0.06, 0.06])
    >>> s = solve(plan, [0.4, 0.4], objective="phases")
    >>> s.status, s.objective_value, s.phases.tolist()
    ('optimal', 2.0, [1, 2, 1, 2])
    """
    if objective not in OBJECTIVES:
        raise InputError(
            f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}",
            Location(field="objective"),
        )
    rules = tuple(plan.rules if rules is None else rules)
    limit = plan.max_phases if max_phases is None else max_phases
    built = build(
        plan,
        no_deal,
        rules=rules,
        max_phases=limit,
        safe=safe,
        self_enforcing=self_enforcing,
        objective=objective,
    )
    for label in built.literals:
        built.model.Add(built.literals[label] == 1)
    raw, _ = run_solver(built, seed=seed, deterministic_time=deterministic_time)
    if (
        then is not None
        and then != objective
        and raw.phases is not None
        and raw.objective is not None
    ):
        raw = _tie_break(plan, built, raw, then, seed=seed, deterministic_time=deterministic_time)
    evaluation = None
    if raw.phases is not None:
        evaluation = evaluate(plan, raw.phases, no_deal, rules, max_phases=limit)
        if not bool(evaluation.feasible(safe=safe, self_enforcing=self_enforcing)[0]):
            raise AnalysisError("internal check failed: the solver's schedule breaks a requirement")
    status = {"OPTIMAL": "optimal", "FEASIBLE": "feasible", "INFEASIBLE": "infeasible"}.get(
        raw.status, "unknown"
    )
    value = natural(objective, raw.objective) if raw.objective is not None else None
    bound = natural(objective, raw.bound) if raw.bound is not None else None
    gap = None
    if raw.objective is not None and raw.bound is not None:
        gap = (
            0.0
            if status == "optimal"
            else (raw.objective - raw.bound) / max(abs(raw.objective), 1.0)
        )
    return Schedule(
        status=status,
        objective=objective,
        phases=raw.phases,
        evaluation=evaluation,
        objective_value=value,
        bound=bound,
        gap=gap,
        seconds=raw.seconds,
        deterministic_time=raw.deterministic_time,
        branches=raw.branches,
        seed=seed,
        rules=rules,
    )
