"""Cross-reference checks of a scenario's implementation plans (the sequencing lens).

Called once from :func:`peacetable.model.validate.find_problems`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from peacetable.model.problems import (
    SHARES_TOLERANCE,
    Path,
    Problem,
    check_duplicates,
    dotted,
    unknown,
)
from peacetable.model.scenario import Estimate, Implementation, Scenario

__all__ = ["check_implementation"]


def check_implementation(
    scenario: Scenario,
    add: Callable[[Problem], None],
    check_source: Callable[[str | None, Path], None],
) -> None:
    """Problems of every implementation plan: ids, references, numbers, tranche counts."""
    party_ids = {p.id for p in scenario.parties}
    negotiating = set(scenario.negotiating_party_ids)
    issues = {i.id: i for i in scenario.issues}
    proposals = {p.id for p in scenario.proposals}
    for n, plan in enumerate(scenario.implementation):
        base: Path = ("implementation", n)
        if plan.proposal not in proposals:
            add(Problem((*base, "proposal"), unknown("proposal", plan.proposal, proposals)))
        check_source(plan.source, (*base, "source"))
        check_duplicates(
            ((s.id, (*base, "steps", k, "id")) for k, s in enumerate(plan.steps)), "step", add
        )
        steps = {s.id: s for s in plan.steps}
        _check_plan_numbers(plan, base, negotiating, add)
        for pid in plan.exposure_bounds:
            if pid not in negotiating:
                add(
                    Problem(
                        (*base, "exposure_bounds", pid),
                        unknown("negotiating party", pid, negotiating),
                        field=dotted((*base, "exposure_bounds")),
                    )
                )
        if plan.exposure_bound is None:
            missing = [p for p in scenario.negotiating_party_ids if p not in plan.exposure_bounds]
            if missing:
                add(
                    Problem(
                        base,
                        f"no exposure bound for {', '.join(missing)}: give 'exposure_bound' "
                        "(every party) or 'exposure_bounds' per party",
                    )
                )
        for k, step in enumerate(plan.steps):
            spath: Path = (*base, "steps", k)
            check_source(step.source, (*spath, "source"))
            if step.performer not in party_ids:
                add(Problem((*spath, "performer"), unknown("party", step.performer, party_ids)))
            if step.issue is not None and step.issue not in issues:
                add(Problem((*spath, "issue"), unknown("issue", step.issue, issues)))
            elif step.reaches is not None:
                if step.issue is None:
                    add(Problem((*spath, "reaches"), "'reaches' needs the step's 'issue'"))
                elif step.reaches not in issues[step.issue].option_ids:
                    opts = issues[step.issue].option_ids
                    add(
                        Problem(
                            (*spath, "reaches"),
                            unknown(f"option of issue {step.issue!r}", step.reaches, opts),
                        )
                    )
            for pid in step.value:
                if pid not in negotiating:
                    add(
                        Problem(
                            (*spath, "value", pid),
                            unknown("negotiating party", pid, negotiating),
                            field=dotted((*spath, "value")),
                        )
                    )
            if step.verification is not None:
                check_source(step.verification.source, (*spath, "verification", "source"))
                for j, pid in enumerate(step.verification.by):
                    if pid not in party_ids:
                        add(
                            Problem(
                                (*spath, "verification", "by", j), unknown("party", pid, party_ids)
                            )
                        )
        _check_rules(plan, base, steps, party_ids, add)


def _check_plan_numbers(
    plan: Implementation, base: Path, negotiating: set[str], add: Callable[[Problem], None]
) -> None:
    """Bounds of the plan's numbers (durations, sizes, probabilities, costs, bounds)."""

    def within(est: Estimate, path: Path, lower: float, upper: float | None) -> None:
        for bound in (est.value, *(est.range or ())):
            if bound < lower or (upper is not None and bound > upper):
                limit = f"{lower}..{upper}" if upper is not None else f">= {lower}"
                add(Problem(path, f"{bound} is outside {limit}"))
                return

    if plan.exposure_bound is not None:
        within(plan.exposure_bound, (*base, "exposure_bound"), 0.0, None)
    for pid, est in plan.exposure_bounds.items():
        if pid in negotiating:
            within(est, (*base, "exposure_bounds", pid), 0.0, None)
    for k, step in enumerate(plan.steps):
        spath: Path = (*base, "steps", k)
        within(step.duration, (*spath, "duration"), 0.0, None)
        within(step.size, (*spath, "size"), 0.0, None)
        within(step.reversal_cost, (*spath, "reversal_cost"), 0.0, None)
        if isinstance(step.tranches, int):
            if step.tranches < 1:
                add(Problem((*spath, "tranches"), f"at least 1 tranche, got {step.tranches}"))
        else:
            for j, est in enumerate(step.tranches):
                within(est, (*spath, "tranches", j), 0.0, 1.0)
            total = sum(t.value for t in step.tranches)
            if not step.tranches or abs(total - 1.0) > SHARES_TOLERANCE:
                add(
                    Problem(
                        (*spath, "tranches"), f"tranche sizes sum to {total:g}; they must sum to 1"
                    )
                )
        for pid, est in step.value.items():
            within(est, (*spath, "value", pid), -1.0, 1.0)
        if step.verification is not None:
            within(step.verification.delay, (*spath, "verification", "delay"), 0.0, None)
            within(step.verification.detection, (*spath, "verification", "detection"), 0.0, 1.0)


def _check_rules(
    plan: Implementation,
    base: Path,
    steps: Mapping[str, object],
    party_ids: set[str],
    add: Callable[[Problem], None],
) -> None:
    """Step references of the constraints and disputes; equal tranche counts where matched."""
    counts = {s.id: len(s.tranche_sizes) for s in plan.steps}

    def check_steps(ids: Iterable[str], path: Path) -> None:
        for j, sid in enumerate(ids):
            if sid not in steps:
                add(Problem((*path, j), unknown("step", sid, steps)))

    rule_ids: set[str] = set()
    for k, rule in enumerate(plan.constraints):
        rpath: Path = (*base, "constraints", k)
        if rule.id is not None:
            if rule.id in rule_ids:
                add(Problem((*rpath, "id"), f"duplicate constraint id {rule.id!r}"))
            rule_ids.add(rule.id)
        for key, ids in (
            ("before", rule.before),
            ("match", rule.match),
            ("same_phase", rule.same_phase),
            ("steps", rule.steps),
        ):
            if ids:
                check_steps(ids, (*rpath, key))
        if rule.performer is not None and rule.performer not in party_ids:
            add(Problem((*rpath, "performer"), unknown("party", rule.performer, party_ids)))
        for key, ids in (("match", rule.match), ("same_phase", rule.same_phase)):
            known = bool(ids) and all(sid in counts for sid in ids or ())
            if known and len({counts[sid] for sid in ids or ()}) > 1:
                shown = ", ".join(f"{sid}: {counts[sid]}" for sid in ids or ())
                add(Problem((*rpath, key), f"the steps must have equal tranche counts ({shown})"))
        if rule.before is not None and rule.before[0] == rule.before[1]:
            add(
                Problem(
                    (*rpath, "before"), f"a step cannot come before itself ({rule.before[0]!r})"
                )
            )
    check_duplicates(
        ((d.id, (*base, "disputes", k, "id")) for k, d in enumerate(plan.disputes)), "dispute", add
    )
    for k, dispute in enumerate(plan.disputes):
        dpath: Path = (*base, "disputes", k)
        check_duplicates(
            ((r.id, (*dpath, "readings", j, "id")) for j, r in enumerate(dispute.readings)),
            f"reading of dispute {dispute.id!r}",
            add,
        )
        for j, reading in enumerate(dispute.readings):
            for m, pair in enumerate(reading.before):
                check_steps(pair, (*dpath, "readings", j, "before", m))
