"""From a scenario's ``implementation`` block to a :class:`~peacetable.sequence.plan.Plan`.

Value of a step (docs/format.md, section "implementation"). For an issue the
proposal changes, the steps implementing it form a chain of options from the
status quo to the proposal's option: a step with ``reaches: o`` ends a segment
at option ``o``; a step without ``reaches`` ends at the proposal's option. The
value change of a segment for a party, ``w_pi * (v_pi(to) - v_pi(from))`` (the
scenario's weighted values, contingent options valued by the party's beliefs),
is shared over the segment's steps in proportion to their ``size``. A party's
explicit ``value`` on a step replaces its share; the other steps of the segment
then share what is left. Interaction bonuses that the proposal switches on or off
are split equally over their issues. Issues the proposal changes without any step
take effect at signature: they are part of the plan's *base* utility, with the
status quo package's utility.

This module is the one place that reads the scenario for the sequencing lens,
through the prepared scenario (:func:`peacetable.core.prepare`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from peacetable.core import PreparedScenario, prepare
from peacetable.errors import Location, ScenarioError, suggest
from peacetable.model import Scenario
from peacetable.model.scenario import Implementation, Step
from peacetable.sequence.plan import (
    Dispute,
    FloatArray,
    Plan,
    Reading,
    Rule,
    _assemble,
    rule_for,
)


def implementation_for(scenario: Scenario, proposal: str | None = None) -> Implementation:
    """The scenario's implementation plan of *proposal* (default: the first plan).

    Raises
    ------
    ScenarioError
        If the scenario has no plan, or none for *proposal*.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> implementation_for(load_builtin("ukraine-2022")).proposal
    'seven-points'
    """
    plans = scenario.implementation
    if not plans:
        raise ScenarioError(
            f"scenario {scenario.id!r} has no implementation plan (add an 'implementation' block; "
            "see docs/format.md)",
            Location(field="implementation"),
        )
    if proposal is None:
        return plans[0]
    for plan in plans:
        if plan.proposal == proposal:
            return plan
    known = [p.proposal for p in plans]
    raise ScenarioError(
        f"no implementation plan for proposal {proposal!r}{suggest(proposal, known)}; "
        f"plans exist for: {', '.join(known)}",
        Location(field="implementation"),
    )


def _arrays(scenario: Scenario | PreparedScenario, package: dict[str, str]) -> dict[str, Any]:
    """The core arrays the derivation reads (the prepared scenario's)."""
    compiled = prepare(scenario)
    x = compiled.encode(package)
    return {
        "parties": compiled.party_ids,
        "issues": compiled.issue_ids,
        "options": compiled.option_ids,
        "tables": compiled.tables,
        "interactions": compiled.interactions,
        "proposal": x,
        "status_quo": compiled.status_quo,
        # signed but not yet carried out: the status quo as a state, not as no deal
        "sq_utility": compiled.state_utilities(compiled.status_quo)[0],
        "no_deal": compiled.no_deal,
    }


def no_deal_of(scenario: Scenario | PreparedScenario) -> FloatArray:
    """The disagreement point ``(n_parties,)`` at month 0 (the prepared scenario's)."""
    return prepare(scenario).no_deal


def plan_from_scenario(
    scenario: Scenario | PreparedScenario,
    proposal: str | None = None,
    *,
    max_phases: int | None = None,
) -> Plan:
    """The :class:`Plan` of the scenario's implementation block for *proposal*.

    Parameters
    ----------
    scenario:
        A validated scenario with an ``implementation`` block.
    proposal:
        The proposal whose plan to use (default: the first plan).
    max_phases:
        Override the plan's ``max_phases``.

    Returns
    -------
    Plan

    Raises
    ------
    ScenarioError
        No plan for the proposal.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> plan = plan_from_scenario(load_builtin("ukraine-2022"))
    >>> plan.party_ids, plan.n_units > len(plan.step_ids)
    (('RU', 'UA', 'US', 'NATO'), True)
    """
    prepared = prepare(scenario)
    scenario = prepared.scenario
    impl = implementation_for(scenario, proposal)
    pkg = dict(scenario.proposal(impl.proposal).package)
    arr = _arrays(prepared, pkg)
    parties: tuple[str, ...] = arr["parties"]
    issue_pos = {iid: k for k, iid in enumerate(arr["issues"])}
    step_value, base, notes = _derive_values(impl, arr, issue_pos)
    rows: list[dict[str, Any]] = []
    for k, step in enumerate(impl.steps):
        verification = step.verification
        delay = verification.delay.value if verification is not None else 0.0
        for j, size in enumerate(step.tranche_sizes):
            rows.append(
                {
                    "step": k,
                    "tranche": j,
                    "value": step_value[k] * size,
                    "length": step.duration.value + delay,
                    "reversible": step.reversible,
                    "cost": step.reversal_cost.value * size,
                    "detection": verification.detection.value if verification else 0.0,
                    "performer": step.performer,
                    "verified_by": verification.by if verification else (),
                }
            )
    index = {s.id: k for k, s in enumerate(impl.steps)}
    default = impl.exposure_bound.value if impl.exposure_bound is not None else 0.0
    bounds = np.array(
        [impl.exposure_bounds[p].value if p in impl.exposure_bounds else default for p in parties]
    )
    neutral = frozenset(p.id for p in scenario.parties if p.id not in scenario.preferences)
    return _assemble(
        parties,
        tuple(s.id for s in impl.steps),
        tuple(s.name for s in impl.steps),
        tuple(s.performer for s in impl.steps),
        rows,
        neutral=neutral,
        base=base,
        bounds=bounds,
        rules=tuple(_rules(impl, index)),
        disputes=tuple(_disputes(impl, index)),
        max_phases=max_phases if max_phases is not None else impl.max_phases,
        proposal=impl.proposal,
        notes=tuple(notes),
    )


def _derive_values(
    impl: Implementation, arr: dict[str, Any], issue_pos: dict[str, int]
) -> tuple[FloatArray, FloatArray, list[str]]:
    """Per-step value ``(n_steps, n_parties)``, the base utility and notes."""
    parties = arr["parties"]
    n_parties = len(parties)
    tables, x, sq = arr["tables"], arr["proposal"], arr["status_quo"]
    change = {iid: tables[k][x[k]] - tables[k][sq[k]] for iid, k in issue_pos.items()}
    for inter in arr["interactions"]:
        on = float(all(x[i] == o for i, o in inter.conditions))
        was = float(all(sq[i] == o for i, o in inter.conditions))
        if on != was:
            for i, _ in inter.conditions:
                change[arr["issues"][i]] = change[arr["issues"][i]] + inter.bonus * (
                    on - was
                ) / len(inter.conditions)
    by_issue: dict[str, list[int]] = defaultdict(list)
    for k, step in enumerate(impl.steps):
        if step.issue is not None:
            by_issue[step.issue].append(k)
    value = np.zeros((len(impl.steps), n_parties))
    notes: list[str] = []
    for k, step in enumerate(impl.steps):
        if step.issue is None:
            value[k] = [step.value[p].value if p in step.value else 0.0 for p in parties]
    base = np.array(arr["sq_utility"], dtype=float)
    signature = [iid for iid in issue_pos if iid not in by_issue and np.any(change[iid] != 0)]
    for iid in signature:
        base = base + change[iid]
    if signature:
        notes.append(f"issues without steps take effect at signature: {', '.join(signature)}")
    for iid, members in by_issue.items():
        k_issue = issue_pos[iid]
        table = tables[k_issue]
        extra = change[iid] - (table[x[k_issue]] - table[sq[k_issue]])  # interaction share
        segments = _segments(
            impl.steps, members, arr["options"][k_issue], int(sq[k_issue]), int(x[k_issue]), iid
        )
        for seg_from, seg_to, seg_steps in segments:
            seg_value = table[seg_to] - table[seg_from]
            if seg_to == int(x[k_issue]):
                seg_value = seg_value + extra
            _share(impl.steps, seg_steps, seg_value, parties, value, notes, iid)
    return value, base, notes


def _segments(
    steps: tuple[Step, ...],
    members: list[int],
    options: tuple[str, ...],
    sq: int,
    final: int,
    iid: str,
) -> list[tuple[int, int, list[int]]]:
    """The option chain of one issue: ``(from, to, steps)`` per segment, in file order."""
    pos = {o: k for k, o in enumerate(options)}
    order: list[int] = []
    groups: dict[int, list[int]] = defaultdict(list)
    for k in members:
        reaches = steps[k].reaches
        target = pos[reaches] if reaches is not None else final
        if target not in groups:
            order.append(target)
        groups[target].append(k)
    if order[-1] != final:
        raise ScenarioError(
            f"the steps of issue {iid!r} end at option {options[order[-1]]!r}, not at the "
            f"proposal's option {options[final]!r}; the last 'reaches' must be the proposal's option",
            Location(field=f"implementation.steps.{steps[members[-1]].id}.reaches"),
        )
    out = []
    current = sq
    for target in order:
        out.append((current, target, groups[target]))
        current = target
    return out


def _share(
    steps: tuple[Step, ...],
    members: list[int],
    seg_value: FloatArray,
    parties: tuple[str, ...],
    value: FloatArray,
    notes: list[str],
    iid: str,
) -> None:
    """Share one segment's value over its steps by size; explicit values take their own."""
    for p, pid in enumerate(parties):
        explicit = [k for k in members if pid in steps[k].value]
        derived = [k for k in members if pid not in steps[k].value]
        rest = float(seg_value[p]) - sum(steps[k].value[pid].value for k in explicit)
        for k in explicit:
            value[k, p] = steps[k].value[pid].value
        total = sum(steps[k].size.value for k in derived)
        if derived and total > 0:
            for k in derived:
                value[k, p] = rest * steps[k].size.value / total
        elif abs(rest) > 1e-9:
            notes.append(
                f"{pid}: explicit step values on issue {iid!r} differ from the scenario's value "
                f"change by {-rest:+.4f}"
            )


def _rules(impl: Implementation, index: dict[str, int]) -> list[Rule]:
    rules = []
    for k, r in enumerate(impl.constraints):
        label = r.id or r.reason
        kw: dict[str, Any] = {"label": label} if label else {}
        if r.before is not None:
            rules.append(rule_for("before", r.before, index, **kw))
        elif r.match is not None:
            rules.append(rule_for("match", r.match, index, window=r.within, **kw))
        elif r.same_phase is not None:
            rules.append(rule_for("same_phase", r.same_phase, index, **kw))
        else:
            assert r.limit is not None
            names = [
                s.id
                for s in impl.steps
                if (not r.steps or s.id in r.steps)
                and (r.performer is None or s.performer == r.performer)
            ]
            if not names:
                raise ScenarioError(
                    "the limit applies to no step",
                    Location(field=f"implementation.constraints[{k}]"),
                )
            kw.setdefault(
                "label",
                f"at most {r.limit} tranche(s) per phase of "
                + (f"{r.performer}'s steps" if r.performer and not r.steps else ", ".join(names)),
            )
            rules.append(rule_for("limit", names, index, limit=r.limit, **kw))
    return rules


def _disputes(impl: Implementation, index: dict[str, int]) -> list[Dispute]:
    return [
        Dispute(
            id=d.id,
            name=d.name,
            readings=tuple(
                Reading(
                    id=r.id,
                    name=r.name,
                    rules=tuple(rule_for("before", pair, index) for pair in r.before),
                )
                for r in d.readings
            ),
        )
        for d in impl.disputes
    ]
