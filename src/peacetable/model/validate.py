"""Cross-reference checks of a scenario (what a schema alone cannot say).

:func:`find_problems` lists every problem with the field path it concerns;
:func:`check_scenario` raises one :class:`~peacetable.errors.ScenarioError`
holding them all. The loaders attach file, line and column to each path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from peacetable.errors import Location, ScenarioError, suggest
from peacetable.model.basis import check_basis
from peacetable.model.problems import (
    SHARES_TOLERANCE,
    Path,
    Problem,
    check_choices,
    check_duplicates,
    dotted,
    unknown,
)
from peacetable.model.scenario import NO_DEAL_NONE, NO_DEAL_STATUS_QUO, Estimate, Scenario
from peacetable.model.validate_plans import check_implementation

__all__ = [
    "PROBABILITY_EXCESS",
    "Problem",
    "check_scenario",
    "dotted",
    "find_problems",
    "problems_to_error",
    "violated_constraints",
]

#: How far stated probabilities may add up past 1 (float rounding) before they are refused.
PROBABILITY_EXCESS = 1e-9


def find_problems(scenario: Scenario, *, basis: bool = True) -> list[Problem]:
    """Every cross-reference problem of *scenario*, in file order.

    *basis* ``False`` skips the checks of :mod:`peacetable.model.basis` (what
    each number rests on, hindsight, the process block): for a caller that
    derived *scenario* from one already checked by changing only numbers that
    cite no source (e.g. a party's submission merged into it).
    """
    problems: list[Problem] = []
    add = problems.append
    party_ids = {p.id for p in scenario.parties}
    issues = {i.id: i for i in scenario.issues}
    events = dict(scenario.iter_events())

    check_duplicates(
        ((s.id, ("sources", n, "id")) for n, s in enumerate(scenario.sources)), "source", add
    )
    check_duplicates(
        ((p.id, ("parties", n, "id")) for n, p in enumerate(scenario.parties)), "party", add
    )
    check_duplicates(
        ((i.id, ("issues", n, "id")) for n, i in enumerate(scenario.issues)), "issue", add
    )
    check_duplicates(
        ((p.id, ("proposals", n, "id")) for n, p in enumerate(scenario.proposals)), "proposal", add
    )
    sources = {s.id: s for s in scenario.sources}

    def check_source(ref: str | None, path: Path) -> None:
        if ref is None:
            return
        sid, _, key = ref.partition("#")
        if sid not in sources:
            add(Problem(path, unknown("source", sid, sources)))
        elif key and key not in sources[sid].passages:
            passages = sources[sid].passages
            add(Problem(path, f"unknown passage {key!r} of source {sid!r}{suggest(key, passages)}"))

    def check_estimate(est: Estimate, path: Path, lower: float | None, upper: float | None) -> None:
        check_source(est.source, (*path, "source"))
        for bound in (est.value, *(est.range or ())):
            if (lower is not None and bound < lower) or (upper is not None and bound > upper):
                add(Problem(path, f"{bound} is outside {lower}..{upper}"))
                break

    for n, party in enumerate(scenario.parties):
        check_estimate(party.power, ("parties", n, "power"), 0.0, 1.0)
        if party.no_deal is not None:
            check_source(party.no_deal.source, ("parties", n, "no_deal", "source"))

    for n, issue in enumerate(scenario.issues):
        base: Path = ("issues", n)
        check_duplicates(
            ((o.id, (*base, "options", k, "id")) for k, o in enumerate(issue.options)),
            f"option of issue {issue.id!r}",
            add,
        )
        for k, pid in enumerate(issue.controlled_by):
            if pid not in party_ids:
                add(Problem((*base, "controlled_by", k), unknown("party", pid, party_ids)))
        if issue.status_quo is not None and issue.status_quo not in issue.option_ids:
            add(
                Problem(
                    (*base, "status_quo"), unknown("option", issue.status_quo, issue.option_ids)
                )
            )

    if not scenario.preferences:
        add(Problem(("preferences",), "no party has preferences"))
    for pid, prefs in scenario.preferences.items():
        base = ("preferences", pid)
        if pid not in party_ids:
            add(Problem(base, unknown("party", pid, party_ids), field="preferences"))
            continue
        check_source(prefs.source, (*base, "source"))
        total = 0.0
        for iid, weight in prefs.weights.items():
            wpath: Path = (*base, "weights", iid)
            if iid not in issues:
                add(Problem(wpath, unknown("issue", iid, issues), field=dotted((*base, "weights"))))
                continue
            if weight.value < 0 or (weight.range is not None and weight.range[0] < 0):
                add(Problem(wpath, f"weight must be non-negative, got {weight.value}"))
            check_estimate(weight, wpath, None, None)
            total += max(weight.value, 0.0)
        if prefs.weights and total <= 0:
            add(Problem((*base, "weights"), "all weights are zero; at least one issue must matter"))
        elif not prefs.weights:
            add(Problem((*base, "weights"), "no weights given; at least one issue must matter"))
        for iid, values in prefs.values.items():
            vpath: Path = (*base, "values", iid)
            if iid not in issues:
                add(Problem(vpath, unknown("issue", iid, issues), field=dotted((*base, "values"))))
                continue
            issue = issues[iid]
            options = {o.id: o for o in issue.options}
            for oid, value in values.items():
                opath: Path = (*vpath, oid)
                if oid not in options:
                    add(Problem(opath, unknown("option", oid, options), field=dotted(vpath)))
                    continue
                contingent = options[oid].contingent
                if contingent is None:
                    if not isinstance(value, Estimate):
                        add(
                            Problem(
                                opath, "option is not contingent; give one value, not per outcome"
                            )
                        )
                    else:
                        check_estimate(value, opath, 0.0, 1.0)
                    continue
                if isinstance(value, Estimate):
                    add(
                        Problem(
                            opath,
                            f"contingent option: give a value per outcome of event "
                            f"{contingent.event!r} ({', '.join(contingent.outcomes)})",
                        )
                    )
                    continue
                for outcome, est in value.items():
                    if outcome not in contingent.outcomes:
                        add(
                            Problem(
                                (*opath, outcome), unknown("outcome", outcome, contingent.outcomes)
                            )
                        )
                    else:
                        check_estimate(est, (*opath, outcome), 0.0, 1.0)
                missing_outcomes = [o for o in contingent.outcomes if o not in value]
                if missing_outcomes:
                    add(
                        Problem(
                            opath, f"missing value for outcome(s) {', '.join(missing_outcomes)}"
                        )
                    )
                if contingent.event not in prefs.beliefs:
                    add(
                        Problem(
                            (*base, "beliefs") if prefs.beliefs else base,
                            f"party {pid!r} values contingent option {iid}.{oid} but states no "
                            f"belief about event {contingent.event!r}",
                            field=dotted((*base, "beliefs")),
                        )
                    )
        for iid, weight in prefs.weights.items():
            if iid in issues and weight.value > 0:
                given = prefs.values.get(iid, {})
                missing = [o for o in issues[iid].option_ids if o not in given]
                if missing:
                    path: Path = (
                        (*base, "values", iid) if iid in prefs.values else (*base, "weights", iid)
                    )
                    add(
                        Problem(
                            path,
                            f"issue {iid!r} has weight {weight.value} but no value for option(s) "
                            f"{', '.join(missing)}",
                            field=dotted((*base, "values", iid)),
                        )
                    )
        for event, beliefs in prefs.beliefs.items():
            bpath: Path = (*base, "beliefs", event)
            if event not in events:
                add(
                    Problem(
                        bpath, unknown("event", event, events), field=dotted((*base, "beliefs"))
                    )
                )
                continue
            total_p = 0.0
            for outcome, est in beliefs.items():
                if outcome not in events[event]:
                    add(Problem((*bpath, outcome), unknown("outcome", outcome, events[event])))
                    continue
                check_estimate(est, (*bpath, outcome), 0.0, 1.0)
                total_p += est.value
            given_all = all(o in beliefs for o in events[event])
            if total_p > 1 + SHARES_TOLERANCE or (
                given_all and abs(total_p - 1) > SHARES_TOLERANCE
            ):
                add(Problem(bpath, f"probabilities sum to {total_p:g}; they must sum to 1"))
        for k, inter in enumerate(prefs.interactions):
            ipath: Path = (*base, "interactions", k)
            check_choices(inter.when, (*ipath, "when"), issues, add)
            check_source(inter.source, (*ipath, "source"))
            check_estimate(inter.bonus, (*ipath, "bonus"), -1.0, 1.0)

    for k, constraint in enumerate(scenario.constraints):
        cpath: Path = ("constraints", k)
        for key, mapping in (
            ("if", constraint.if_),
            ("then", constraint.then),
            ("excludes", constraint.excludes),
        ):
            if mapping is not None:
                check_choices(mapping, (*cpath, key), issues, add)

    for n, proposal in enumerate(scenario.proposals):
        ppath: Path = ("proposals", n)
        check_source(proposal.source, (*ppath, "source"))
        for k, pid in enumerate(proposal.proposed_by):
            if pid not in party_ids:
                add(Problem((*ppath, "proposed_by", k), unknown("party", pid, party_ids)))
        before = len(problems)
        check_choices(proposal.package, (*ppath, "package"), issues, add)
        if len(problems) == before and not any(p.path[:1] == ("constraints",) for p in problems):
            for k in violated_constraints(scenario, scenario.complete_package(proposal.package)):
                reason = scenario.constraints[k].reason
                add(
                    Problem(
                        (*ppath, "package"),
                        f"proposal {proposal.id!r} violates constraints[{k}]"
                        + (f" ({reason})" if reason else ""),
                    )
                )
    _check_disagreement(scenario, add, check_estimate, check_source)
    check_implementation(scenario, add, check_source)  # sequencing lens (issue 17)
    if basis:
        check_basis(scenario, add)  # what numbers rest on; hindsight; the process block
    _check_requirements(scenario, add)  # issue requirements (conflict lens, issue 11)
    return problems


# ===================================================================================
# BEGIN issue requirements (conflict lens, issue 11): ``Issue.requires``
# ===================================================================================


def _check_requirements(scenario: Scenario, add: Callable[[Problem], None]) -> None:
    """Each ``requires`` names other issues and their options; no proposal breaks one."""
    issues = {i.id: i for i in scenario.issues}
    sound = True
    for n, issue in enumerate(scenario.issues):
        base: Path = ("issues", n, "requires")
        for qid, options in issue.requires.items():
            path: Path = (*base, qid)
            if qid == issue.id:
                add(Problem(path, f"issue {issue.id!r} cannot require itself"))
                sound = False
            elif qid not in issues:
                add(Problem(path, unknown("issue", qid, issues), field=dotted(base)))
                sound = False
            elif not options:
                add(Problem(path, "list at least one option the requirement allows"))
                sound = False
            else:
                for oid in options:
                    if oid not in issues[qid].option_ids:
                        choices = issues[qid].option_ids
                        add(Problem(path, unknown(f"option of issue {qid!r}", oid, choices)))
                        sound = False
    if not sound:
        return
    for n, proposal in enumerate(scenario.proposals):
        if any(
            i not in issues or o not in issues[i].option_ids for i, o in proposal.package.items()
        ):
            continue  # reported by the package check
        for text in broken_requirements(scenario, scenario.complete_package(proposal.package)):
            add(Problem(("proposals", n, "package"), f"proposal {proposal.id!r} sets {text}"))


def broken_requirements(scenario: Scenario, package: Mapping[str, str]) -> list[str]:
    """Each requirement a complete package breaks, as ``issue=option, which requires …``."""
    out = []
    for issue in scenario.issues:
        held = package.get(issue.id)
        if held is None or held == issue.status_quo_option:
            continue
        for qid, options in issue.requires.items():
            if package.get(qid) not in options:
                out.append(
                    f"{issue.id}={held}, which holds only while {qid} is "
                    f"{' or '.join(options)} (it is {package.get(qid)})"
                )
    return out


# ===================================================================================
# END issue requirements
# ===================================================================================


def _check_disagreement(
    scenario: Scenario,
    add: Callable[[Problem], None],
    check_estimate: Callable[[Estimate, Path, float | None, float | None], None],
    check_source: Callable[[str | None, Path], None],
) -> None:
    """Cross-references and probabilities of the ``disagreement`` block."""
    d = scenario.disagreement
    base: Path = ("disagreement",)
    issues = {i.id: i for i in scenario.issues}
    negotiating = scenario.negotiating_party_ids
    check_source(d.source, (*base, "source"))
    if isinstance(d.package, str):
        special = (NO_DEAL_STATUS_QUO, NO_DEAL_NONE)
        ids = [p.id for p in scenario.proposals]
        if d.package not in special and d.package not in ids:
            add(
                Problem(
                    (*base, "package"),
                    unknown("proposal", d.package, ids)
                    + f"; or {NO_DEAL_STATUS_QUO!r}, {NO_DEAL_NONE!r} or a package",
                )
            )
    else:
        check_choices(d.package, (*base, "package"), issues, add)
    check_duplicates(
        ((o.id, (*base, "outcomes", k, "id")) for k, o in enumerate(d.outcomes)), "outcome", add
    )
    outcome_ids = [o.id for o in d.outcomes]
    for k, outcome in enumerate(d.outcomes):
        opath: Path = (*base, "outcomes", k)
        check_source(outcome.source, (*opath, "source"))
        check_choices(outcome.package, (*opath, "package"), issues, add)
        known = all(
            iid in issues and oid in issues[iid].option_ids for iid, oid in outcome.package.items()
        )
        if known:
            full = scenario.complete_package(outcome.package)
            for c in violated_constraints(scenario, full, kinds=("cannot_happen",)):
                add(
                    Problem(
                        (*opath, "package"),
                        f"outcome {outcome.id!r} breaks constraints[{c}], which cannot happen",
                    )
                )
    if not d.outcomes:
        for key in ("beliefs", "common"):
            if getattr(d, key):
                add(Problem((*base, key), f"{key} given without outcomes to hold them about"))
        return

    def check_probs(probs: Mapping[str, Estimate], path: Path) -> None:
        for oid, est in probs.items():
            if oid not in outcome_ids:
                add(Problem((*path, oid), unknown("outcome", oid, outcome_ids)))
            check_estimate(est, (*path, oid), 0.0, 1.0)
        if sum(e.value for e in probs.values()) > 1.0 + PROBABILITY_EXCESS:
            add(Problem(path, "probabilities sum to more than 1"))

    for pid, probs in d.beliefs.items():
        if pid not in negotiating:
            add(Problem((*base, "beliefs", pid), unknown("negotiating party", pid, negotiating)))
        check_probs(probs, (*base, "beliefs", pid))
    check_probs(d.common, (*base, "common"))
    missing = [pid for pid in negotiating if pid not in d.beliefs]
    if missing and not d.common:
        add(
            Problem(
                (*base, "beliefs"),
                f"no beliefs for {', '.join(missing)} and no common estimate to use instead",
            )
        )
    check_estimate(d.convergence, (*base, "convergence"), 0.0, 1.0)
    for pid, costs in d.costs.items():
        cpath: Path = (*base, "costs", pid)
        if pid not in negotiating:
            add(Problem(cpath, unknown("negotiating party", pid, negotiating)))
        check_estimate(costs.cost, (*cpath, "cost"), None, None)
        check_estimate(costs.monthly, (*cpath, "monthly"), None, None)
        check_source(costs.source, (*cpath, "source"))
    for n, party in enumerate(scenario.parties):
        if party.id in negotiating and party.no_deal is not None:
            add(
                Problem(
                    ("parties", n, "no_deal"),
                    "the disagreement block values no deal for every negotiating party (its "
                    "outcomes, beliefs and costs); remove this no_deal or the outcomes",
                )
            )


def violated_constraints(
    scenario: Scenario,
    package: Mapping[str, str],
    kinds: tuple[str, ...] = ("cannot_be_agreed", "cannot_happen"),
) -> list[int]:
    """Indices of the constraints (of these *kinds*) a complete package breaks (plain check)."""
    broken = []
    for k, c in enumerate(scenario.constraints):
        if c.kind not in kinds:
            continue
        if c.excludes is not None:
            if all(package.get(i) == o for i, o in c.excludes.items()):
                broken.append(k)
        elif c.if_ is not None and c.then is not None:
            premise = all(package.get(i) in choice for i, choice in c.if_.items())
            if premise and not all(package.get(i) in choice for i, choice in c.then.items()):
                broken.append(k)
    return broken


def check_scenario(scenario: Scenario, file: str | None = None) -> Scenario:
    """Raise :class:`ScenarioError` listing every problem of *scenario*; return it if sound."""
    problems = find_problems(scenario)
    if problems:
        raise problems_to_error(problems, file, positions=None)
    return scenario


def problems_to_error(
    problems: list[Problem],
    file: str | None,
    positions: Mapping[Path, tuple[int, int]] | None,
) -> ScenarioError:
    """One :class:`ScenarioError` for *problems*, each located by *positions* where known."""
    errors = [
        ScenarioError(p.message, _locate(p.path, p.display_field, file, positions))
        for p in problems
    ]
    return ScenarioError(errors[0].message, errors[0].location, problems=errors)


def _locate(
    path: Path, field: str, file: str | None, positions: Mapping[Path, tuple[int, int]] | None
) -> Location:
    line = column = None
    if positions:
        probe = path
        while probe and probe not in positions:
            probe = probe[:-1]
        if probe in positions:
            line, column = positions[probe]
    return Location(file=file, line=line, column=column, field=field or None)
