"""Cross-reference checks of a scenario (what a schema alone cannot say).

:func:`find_problems` lists every problem with the field path it concerns;
:func:`check_scenario` raises one :class:`~peacetable.errors.ScenarioError`
holding them all. The loaders attach file, line and column to each path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from peacetable.errors import Location, ScenarioError, suggest
from peacetable.model.scenario import Estimate, Issue, Scenario

Path = tuple[str | int, ...]

_BELIEF_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """One problem: ``path`` locates it in the file, ``field`` is what is printed."""

    path: Path
    message: str
    field: str | None = None

    @property
    def display_field(self) -> str:
        """Dotted field path as shown to the user."""
        return self.field if self.field is not None else dotted(self.path)


def dotted(path: Iterable[str | int]) -> str:
    """``("preferences", "RU", "weights")`` → ``preferences.RU.weights``; ints as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _unknown(kind: str, word: str, choices: Iterable[str]) -> str:
    return f"unknown {kind} {word!r}{suggest(word, choices)}"


def find_problems(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem of *scenario*, in file order."""
    problems: list[Problem] = []
    add = problems.append
    party_ids = {p.id for p in scenario.parties}
    issues = {i.id: i for i in scenario.issues}
    events = dict(scenario.iter_events())

    _check_duplicates(
        ((s.id, ("sources", n, "id")) for n, s in enumerate(scenario.sources)), "source", add
    )
    _check_duplicates(
        ((p.id, ("parties", n, "id")) for n, p in enumerate(scenario.parties)), "party", add
    )
    _check_duplicates(
        ((i.id, ("issues", n, "id")) for n, i in enumerate(scenario.issues)), "issue", add
    )
    _check_duplicates(
        ((p.id, ("proposals", n, "id")) for n, p in enumerate(scenario.proposals)), "proposal", add
    )
    sources = {s.id: s for s in scenario.sources}

    def check_source(ref: str | None, path: Path) -> None:
        if ref is None:
            return
        sid, _, key = ref.partition("#")
        if sid not in sources:
            add(Problem(path, _unknown("source", sid, sources)))
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
        check_source(party.no_deal.source, ("parties", n, "no_deal", "source"))

    for n, issue in enumerate(scenario.issues):
        base: Path = ("issues", n)
        _check_duplicates(
            ((o.id, (*base, "options", k, "id")) for k, o in enumerate(issue.options)),
            f"option of issue {issue.id!r}",
            add,
        )
        for k, pid in enumerate(issue.controlled_by):
            if pid not in party_ids:
                add(Problem((*base, "controlled_by", k), _unknown("party", pid, party_ids)))
        if issue.status_quo is not None and issue.status_quo not in issue.option_ids:
            add(
                Problem(
                    (*base, "status_quo"), _unknown("option", issue.status_quo, issue.option_ids)
                )
            )

    if not scenario.preferences:
        add(Problem(("preferences",), "no party has preferences"))
    for pid, prefs in scenario.preferences.items():
        base = ("preferences", pid)
        if pid not in party_ids:
            add(Problem(base, _unknown("party", pid, party_ids), field="preferences"))
            continue
        check_source(prefs.source, (*base, "source"))
        total = 0.0
        for iid, weight in prefs.weights.items():
            wpath: Path = (*base, "weights", iid)
            if iid not in issues:
                add(
                    Problem(wpath, _unknown("issue", iid, issues), field=dotted((*base, "weights")))
                )
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
                add(Problem(vpath, _unknown("issue", iid, issues), field=dotted((*base, "values"))))
                continue
            issue = issues[iid]
            options = {o.id: o for o in issue.options}
            for oid, value in values.items():
                opath: Path = (*vpath, oid)
                if oid not in options:
                    add(Problem(opath, _unknown("option", oid, options), field=dotted(vpath)))
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
                                (*opath, outcome), _unknown("outcome", outcome, contingent.outcomes)
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
                        bpath, _unknown("event", event, events), field=dotted((*base, "beliefs"))
                    )
                )
                continue
            total_p = 0.0
            for outcome, est in beliefs.items():
                if outcome not in events[event]:
                    add(Problem((*bpath, outcome), _unknown("outcome", outcome, events[event])))
                    continue
                check_estimate(est, (*bpath, outcome), 0.0, 1.0)
                total_p += est.value
            given_all = all(o in beliefs for o in events[event])
            if total_p > 1 + _BELIEF_TOLERANCE or (
                given_all and abs(total_p - 1) > _BELIEF_TOLERANCE
            ):
                add(Problem(bpath, f"probabilities sum to {total_p:g}; they must sum to 1"))
        for k, inter in enumerate(prefs.interactions):
            ipath: Path = (*base, "interactions", k)
            _check_choices(inter.when, (*ipath, "when"), issues, add)
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
                _check_choices(mapping, (*cpath, key), issues, add)

    for n, proposal in enumerate(scenario.proposals):
        ppath: Path = ("proposals", n)
        check_source(proposal.source, (*ppath, "source"))
        for k, pid in enumerate(proposal.proposed_by):
            if pid not in party_ids:
                add(Problem((*ppath, "proposed_by", k), _unknown("party", pid, party_ids)))
        before = len(problems)
        _check_choices(proposal.package, (*ppath, "package"), issues, add)
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
    return problems


def violated_constraints(scenario: Scenario, package: Mapping[str, str]) -> list[int]:
    """Indices of the constraints a complete package breaks (plain reference check)."""
    broken = []
    for k, c in enumerate(scenario.constraints):
        if c.excludes is not None:
            if all(package.get(i) == o for i, o in c.excludes.items()):
                broken.append(k)
        elif c.if_ is not None and c.then is not None:
            premise = all(package.get(i) in choice for i, choice in c.if_.items())
            if premise and not all(package.get(i) in choice for i, choice in c.then.items()):
                broken.append(k)
    return broken


def _check_duplicates(
    items: Iterable[tuple[str, Path]], kind: str, add: Callable[[Problem], None]
) -> None:
    seen: set[str] = set()
    for item_id, path in items:
        if item_id in seen:
            add(Problem(path, f"duplicate {kind} id {item_id!r}"))
        seen.add(item_id)


def _check_choices(
    mapping: Mapping[str, str | tuple[str, ...]],
    path: Path,
    issues: Mapping[str, Issue],
    add: Callable[[Problem], None],
) -> None:
    for iid, choice in mapping.items():
        issue = issues.get(iid)
        if issue is None:
            add(Problem((*path, iid), _unknown("issue", iid, issues), field=dotted(path)))
            continue
        for oid in (choice,) if isinstance(choice, str) else choice:
            if oid not in issue.option_ids:
                add(
                    Problem(
                        (*path, iid), _unknown(f"option of issue {iid!r}", oid, issue.option_ids)
                    )
                )


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
