"""From a negotiation scenario to a graph-model conflict in which a party can walk away.

Encoding (:func:`from_scenario`), around the package under analysis (a
proposal, or the status quo):

* **Decision makers from control.** An issue's ``controlled_by`` parties move it.
  Parties that control an issue *together* act as one decision maker, a
  *bloc*: the blocs are the connected components of joint control (union-find
  over the ``controlled_by`` lists), so every issue has exactly one mover and no
  party belongs to two. When the scenario declares blocs (``parties[].bloc``),
  joint control unites only parties of the same bloc; an issue controlled
  jointly across blocs is held. A bloc ranks states by the **sum of its members'
  utilities** (:data:`BLOC_RULE`); each member's own gain is reported with every
  move (:mod:`peacetable.conflict.scenario`). An issue that nobody controls, or
  that a party without preferences helps control, is *held*: no move changes it.
* **Options.** A moved issue gives one binary option per issue option
  (``issue=option``) with an *exactly one* rule, so changing the issue is one
  move. A held issue with a requirement (below) that differs from its status
  quo gets two options, its agreed value and its status quo, so that it can
  lapse (held issues with the same requirements lapse together); other held
  issues stay at the analysed package's value.
* **Every move can be reversed.** All options may be changed in both
  directions: whatever a party has implemented it can undo, including the
  terms it agreed to.
* **Constraints.** Only constraints of kind ``cannot_happen`` remove states.
  A ``cannot_be_agreed`` combination may not be *agreed*, but the world can
  still reach it: breaking an agreed term is a move.
* **Requirements void dependent terms.** ``Issue.requires: {issue: [options]}``
  says that the issue's options other than its status quo hold only while each
  named issue takes one of the listed options. No state breaks a requirement,
  and a move that breaks one (e.g. resuming the war) reverts the dependent
  issues to their status quo in the same move
  (:mod:`peacetable.conflict.dependencies`), so the walk-away state is reachable
  and, when everything depended on what was broken, it is the no-deal package.
* **Preferences** are the prepared scenario's utilities, the same in every
  lens: the no-deal package is worth the disagreement point exactly, every
  other package its additive value. They are ranked with the core's tie rule
  (utilities within ``p.tie`` per member are equal).

:func:`peacetable.conflict.scenario.deal_stability` then says whether a proposal is
an equilibrium and, for every defection, who is hurt and who deters it.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
Kilgour, D. M., Hipel, K. W., Fang, L., & Peng, X. (2001). Coalition analysis in
group decision support. *Group Decision and Negotiation*, 10(2), 159–175.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from peacetable.conflict.dependencies import Dependency, broken
from peacetable.conflict.model import Condition, ConflictModel, build_model, enumerate_states
from peacetable.core import PreparedScenario, prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.model import Scenario

#: Refuse conflicts with more feasible states than this (the engine handles far
#: more, but a scenario that big is usually an encoding mistake).
MAX_SCENARIO_STATES = 2_000_000

#: How a bloc (parties controlling an issue together) ranks states.
BLOC_RULE = (
    "parties that control an issue together act as one decision maker (a bloc) that ranks "
    "states by the sum of its members' utilities; each member's own gain is reported"
)


def blocs(
    scenario: Scenario, parties: Sequence[str]
) -> tuple[list[tuple[str, ...]], dict[int, int], dict[int, str]]:
    """Decision makers from control: union-find over the ``controlled_by`` lists.

    When the scenario declares blocs (``parties[].bloc``, the alliances the
    forecast lens also counts once), joint control makes one decision maker
    only among parties of the same bloc (a party without a declared bloc is a
    bloc of its own); an issue controlled jointly across blocs is held, i.e.
    it changes only by agreement. Without declared blocs, joint controllers
    act together.

    Parameters
    ----------
    scenario:
        The scenario.
    parties:
        The negotiating parties (those with preferences), in file order.

    Returns
    -------
    (members per decision maker, issue index -> decision maker, issue index -> why it is held)

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> members, mover, held = blocs(s, s.negotiating_party_ids)
    >>> members
    [('RU',), ('UA',), ('US', 'NATO')]
    """
    parent = {p: p for p in parties}
    declared = {q.id: q.bloc for q in scenario.parties if q.bloc is not None}
    side = {p: declared.get(p, p) for p in parties}  # without a declared bloc: on its own

    def find(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    held: dict[int, str] = {}
    moved: dict[int, tuple[str, ...]] = {}
    for k, issue in enumerate(scenario.issues):
        ctrl = issue.controlled_by
        outsiders = [q for q in ctrl if q not in parent]
        if not ctrl:
            held[k] = "nobody controls it (it holds only as part of the agreement)"
        elif outsiders:
            held[k] = f"it is controlled by {', '.join(outsiders)}, which has no preferences"
        elif declared and len({side[q] for q in ctrl}) > 1:
            held[k] = (
                f"{', '.join(ctrl)} control it jointly but act in different blocs "
                "(parties[].bloc): it changes only by agreement"
            )
        else:
            moved[k] = tuple(ctrl)
            for q in ctrl[1:]:
                parent[find(q)] = find(ctrl[0])
    roots = [find(p) for p in parties]
    active = {find(c[0]) for c in moved.values()}
    order = [r for r in dict.fromkeys(roots) if r in active]
    members = [tuple(p for p, r in zip(parties, roots, strict=True) if r == root) for root in order]
    mover = {k: order.index(find(c[0])) for k, c in moved.items()}
    return members, mover, held


def _pattern_kinds(scenario: Scenario, n_patterns: int) -> list[str]:
    """The constraint kind of each forbidden pattern of the prepared scenario.

    The core compiles constraints in file order: an ``excludes`` gives one
    pattern, an ``if``/``then`` one per ``then`` issue.
    """
    kinds: list[str] = [
        c.kind
        for c in scenario.constraints
        for _ in range(1 if c.excludes is not None else len(c.then or ()))
    ]
    if len(kinds) != n_patterns:
        raise AnalysisError("the prepared constraints do not match the scenario's constraints")
    return kinds


def from_scenario(
    scenario: Scenario | PreparedScenario,
    package: Mapping[str, str] | str | None = None,
    *,
    name: str | None = None,
) -> ConflictModel:
    """The graph-model conflict of *scenario* around *package* (see the module docstring).

    Parameters
    ----------
    scenario:
        A validated or prepared scenario.
    package:
        The package under analysis (issue -> option), a proposal id, or
        ``None`` for the status quo. Missing issues take their status quo.

    Returns
    -------
    ConflictModel
        With ``meta["scenario"]`` describing the encoding: decision makers and
        their members, moved, held and voidable issues, the package and every
        party's utility per state.

    Raises
    ------
    InputError
        Unknown proposal, issue or option.
    AnalysisError
        No issue is controlled by negotiating parties, or the held issues
        leave no feasible package.

    References
    ----------
    Fang, Hipel & Kilgour (1993), ch. 2 (the option form of the graph model);
    Kilgour, Hipel, Fang & Peng (2001) (coalitions, the alternative to blocs;
    see ``docs/conflict.md``).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> m = from_scenario(load_builtin(), "seven-points")
    >>> m.dm_names
    ['RU', 'UA', 'US+NATO']
    """
    p = prepare(scenario)
    sc = p.scenario
    base, _ = p.resolve(package)
    members, mover, held = blocs(sc, p.party_ids)
    if not members:
        raise AnalysisError(
            "no issue is controlled by negotiating parties (set issues[].controlled_by); "
            "conflict analysis needs parties that can move"
        )
    dm_names = ["+".join(m) for m in members]
    options, bit_of, groups = _options(sc, p, base, mover, dm_names)
    kinds = _pattern_kinds(sc, len(p.forbidden))
    happen = [fp for fp, kind in zip(p.forbidden, kinds, strict=True) if kind == "cannot_happen"]
    infeasible = _infeasible_conditions(happen, groups, base, bit_of)
    deps, never = _dependencies(sc, p, groups, base, bit_of)
    never += _lapse_together(sc, mover, groups, bit_of, base)
    codes = enumerate_states(len(options), [*infeasible, *never], exactly_one=list(groups.values()))
    codes = codes[~broken(deps, codes)]
    if len(codes) == 0:
        raise AnalysisError("the analysed package's held issues leave no feasible package")
    if len(codes) > MAX_SCENARIO_STATES:
        raise AnalysisError(f"{len(codes):,} states; hold more issues or add constraints")
    packages = np.repeat(base[None, :], len(codes), axis=0)
    for k, bits in groups.items():
        taken = (codes[:, None] >> np.array(bits, dtype=np.int64)[None, :]) & 1
        chosen = np.array([o for (kk, o) in bit_of if kk == k], dtype=np.int64)
        packages[:, k] = chosen[np.argmax(taken, axis=1)]
    util = p.utilities(packages)
    payoffs = {
        dm_names[b]: _ordinal(
            util[:, [p.party_ids.index(q) for q in m]].sum(axis=1), p.tie * len(m)
        )
        for b, m in enumerate(members)
    }
    meta = {"scenario": _encoding(p, base, members, mover, held, groups, packages, util)}
    meta["scenario"]["cannot_happen"] = [fp.source for fp in happen]
    return build_model(
        name or f"{sc.id} (conflict)",
        options,
        payoffs,
        decision_makers=dm_names,
        states=codes,
        meta=meta,
        dependencies=deps,
    )


def _options(
    sc: Scenario,
    p: PreparedScenario,
    base: np.ndarray,
    mover: Mapping[int, int],
    dm_names: Sequence[str],
) -> tuple[list[tuple[str, str | None]], dict[tuple[int, int], int], dict[int, list[int]]]:
    """Binary options (name, decision maker or ``None`` when held), bit per (issue, option),
    and the bits of each issue in the state."""
    options: list[tuple[str, str | None]] = []
    bit_of: dict[tuple[int, int], int] = {}
    groups: dict[int, list[int]] = {}
    for k, issue in enumerate(sc.issues):
        sq = int(p.status_quo[k])
        if k in mover:
            values = list(range(len(issue.options)))
        elif issue.requires and int(base[k]) != sq:
            values = [int(base[k]), sq]
        else:
            continue
        owner = dm_names[mover[k]] if k in mover else None
        for o in values:
            bit_of[(k, o)] = len(options)
            groups.setdefault(k, []).append(len(options))
            options.append((f"{issue.id}={issue.options[o].id}", owner))
    return options, bit_of, groups


def _encoding(
    p: PreparedScenario,
    base: np.ndarray,
    members: Sequence[tuple[str, ...]],
    mover: Mapping[int, int],
    held: Mapping[int, str],
    groups: Mapping[int, list[int]],
    packages: np.ndarray,
    util: np.ndarray,
) -> dict[str, Any]:
    """``meta["scenario"]`` of a model built by :func:`from_scenario`."""
    names = ["+".join(m) for m in members]
    return {
        "id": p.scenario.id,
        "issues": list(p.issue_ids),
        "option_ids": [list(o) for o in p.option_ids],
        "party_ids": list(p.party_ids),
        "members": {names[b]: list(m) for b, m in enumerate(members)},
        "controlled": {p.issue_ids[k]: names[b] for k, b in sorted(mover.items())},
        "held": {
            p.issue_ids[k]: p.option_ids[k][int(base[k])]
            for k in range(p.n_issues)
            if k not in mover
        },
        "held_because": {p.issue_ids[k]: why for k, why in held.items()},
        "voidable": [p.issue_ids[k] for k in groups if k not in mover],
        "requires": {
            i.id: {q: list(o) for q, o in i.requires.items()}
            for i in p.scenario.issues
            if i.requires
        },
        "aggregation": BLOC_RULE,
        "packages": packages,
        "utilities": util,
        "no_deal": p.no_deal.copy(),
        "tie": p.tie,
        "status_quo": p.status_quo.copy(),
        "no_deal_package": None if p.no_deal_package is None else p.no_deal_package.copy(),
        "base": base,
    }


def _infeasible_conditions(
    forbidden: Sequence[Any],
    groups: Mapping[int, list[int]],
    base: np.ndarray,
    bit_of: Mapping[tuple[int, int], int],
) -> list[Condition]:
    """The forbidden patterns as conditions on the options (held issues at their value)."""
    out = []
    for pattern in forbidden:
        not_taken: set[int] = set()
        possible = True
        for issue, mask in pattern.clauses:
            if issue not in groups:
                possible &= bool(mask[int(base[issue])])
            else:  # "issue's option in mask" == "no option of the issue outside the mask is taken"
                not_taken |= {b for (k, o), b in bit_of.items() if k == issue and not mask[o]}
        if possible:
            out.append(Condition(frozenset(), frozenset(not_taken)))
    return out


def _dependencies(
    sc: Scenario,
    p: PreparedScenario,
    groups: Mapping[int, list[int]],
    base: np.ndarray,
    bit_of: Mapping[tuple[int, int], int],
) -> tuple[list[Dependency], list[Condition]]:
    """``Issue.requires`` as dependencies between options, and the options that can never hold."""
    deps: list[Dependency] = []
    never: list[Condition] = []
    for k, issue in enumerate(sc.issues):
        sq = int(p.status_quo[k])
        dependent = frozenset(b for (kk, o), b in bit_of.items() if kk == k and o != sq)
        if k not in groups or not dependent or not issue.requires:
            continue
        for qid, allowed in issue.requires.items():
            q = p.issue_ids.index(qid)
            ok = {p.option_ids[q].index(o) for o in allowed}
            label = f"{issue.id} holds only while {qid} is {' or '.join(allowed)}"
            if q not in groups:
                if int(base[q]) not in ok:
                    never.extend(Condition(frozenset({b}), frozenset()) for b in dependent)
                continue
            required = frozenset(b for (kk, o), b in bit_of.items() if kk == q and o in ok)
            if not required:
                never.extend(Condition(frozenset({b}), frozenset()) for b in dependent)
                continue
            deps.append(Dependency(dependent, required, bit_of[(k, sq)], label))
    return deps, never


def _lapse_together(
    sc: Scenario,
    mover: Mapping[int, int],
    groups: Mapping[int, list[int]],
    bit_of: Mapping[tuple[int, int], int],
    base: np.ndarray,
) -> list[Condition]:
    """Held issues with the same requirements lapse together: no state has only some lapsed.

    A held issue changes only by lapsing, and every issue with the same
    requirements lapses in the same move, so the mixed states are unreachable
    from every other state; leaving them out keeps the state space small.
    """
    classes: dict[str, list[int]] = {}
    for k in groups:
        if k not in mover:
            key = repr(sorted((q, sorted(o)) for q, o in sc.issues[k].requires.items()))
            classes.setdefault(key, []).append(k)
    out = []
    for members in classes.values():
        for a, b in pairwise(members):
            agreed_a, agreed_b = bit_of[(a, int(base[a]))], bit_of[(b, int(base[b]))]
            out.append(Condition(frozenset({agreed_a}), frozenset({agreed_b})))
            out.append(Condition(frozenset({agreed_b}), frozenset({agreed_a})))
    return out


def _ordinal(values: np.ndarray, tie: float) -> np.ndarray:
    """Ranks 1, 2, … of *values*, equal within *tie* (sorted gaps of at most *tie* chain)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.concatenate([[0], np.cumsum(np.diff(values[order]) > tie)]).astype(np.int64)
    return ranks + 1


def info(model: ConflictModel) -> dict[str, Any]:
    """The encoding of a model built by :func:`from_scenario` (its ``meta["scenario"]``)."""
    try:
        return model.meta["scenario"]  # type: ignore[no-any-return]
    except KeyError:
        raise InputError("this conflict was not built from a scenario") from None


def package_of(model: ConflictModel, state: int) -> dict[str, str]:
    """The full scenario package of a state of a model built by :func:`from_scenario`."""
    data = info(model)
    row = data["packages"][state]
    return {iid: data["option_ids"][k][int(row[k])] for k, iid in enumerate(data["issues"])}


def state_of(model: ConflictModel, package: Mapping[str, str]) -> int:
    """The state index of a package (issues not given keep the analysed package's values)."""
    data = info(model)
    row = np.array(data["base"], copy=True)
    for iid, oid in package.items():
        k = data["issues"].index(iid)
        row[k] = data["option_ids"][k].index(oid)
    hit = np.flatnonzero(np.all(data["packages"] == row[None, :], axis=1))
    if len(hit) == 0:
        raise InputError("that package is not a feasible state of this conflict")
    return int(hit[0])
