"""Would a deal hold? Every defection from a proposal, who it hurts, and who deters it.

The scenario side of the conflict lens: :mod:`peacetable.conflict.adapter` turns a
scenario into a graph-model conflict (decision makers from control, walk-away
moves, requirements); this module analyses a proposal in it.

:func:`deal_stability` builds the conflict around a proposal
(:func:`peacetable.conflict.adapter.from_scenario`, re-exported here), analyses every state, and
explains each *defection*: a decision maker's unilateral improvement from the
proposal (for a bloc, an improvement of the sum of its members' utilities).
For each it names the mover (and the bloc's members), the change (and the
terms it voids), every party's utility gain, and per stability concept whether
the others can deter it and by whose moves:

* GMR — some sequence of the others' moves, credible or not, leaves the mover
  no better off than under the proposal;
* SMR — as GMR, and the mover cannot escape the sanction by a further move;
* SEQ — as GMR, with every sanctioning move an improvement for the party making it
  (a credible threat);
* SIM — some of the others, each improving, moving at the same time as the mover.

Under Nash (R) no sanction counts: every defection breaks the proposal.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.conflict.adapter import (
    BLOC_RULE,
    MAX_SCENARIO_STATES,
    blocs,
    from_scenario,
    info,
    package_of,
    state_of,
)
from peacetable.conflict.explain import Defection, explain
from peacetable.conflict.model import ConflictModel
from peacetable.conflict.stability import CONCEPT_NAMES, CONCEPTS, StabilityResult, analyze
from peacetable.conflict.status_quo import StatusQuoResult, Step, status_quo_analysis
from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.errors import AnalysisError, InputError
from peacetable.model import Scenario

#: Issue id -> (issue name, option id -> option label).
Labels = dict[str, tuple[str, dict[str, str]]]

#: Short names of the concepts in sentences.
SHORT = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM"}


@dataclass(frozen=True, eq=False)
class DealStability(Result):
    """Would a proposal hold? Its stability per concept and the defections from it.

    Attributes
    ----------
    proposal:
        Proposal id (``None``: the status quo).
    state:
        The proposal's state index in :attr:`result`'s model.
    result:
        Stability of every state of the derived conflict.
    defections:
        Every decision maker's unilateral improvements from the proposal, with
        a witness sanction per concept.
    paths:
        Which states and equilibria unilateral improvements can reach from the
        proposal, and how (Li, Hipel, Kilgour & Fang 2004).
    names:
        Party id -> display name.
    labels:
        Issue id -> (issue name, option id -> option label).
    """

    proposal: str | None
    state: int
    result: StabilityResult
    defections: tuple[Defection, ...]
    paths: StatusQuoResult
    names: dict[str, str]
    labels: Labels

    @property
    def model(self) -> ConflictModel:
        return self.result.model

    def equilibrium(self, concept: str) -> bool:
        """Is the proposal stable for every decision maker under *concept* (self-enforcing)?"""
        return bool(self.result.equilibria_mask(concept)[self.state])

    def changes(self, source: int, target: int, dm: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Issues a move of DM *dm* changes: those it controls, and those the move voids."""
        mine = self.model.dm_names[dm]
        controlled = info(self.model)["controlled"]
        a, b = package_of(self.model, source), package_of(self.model, target)
        moved = {k: {"from": a[k], "to": b[k]} for k in a if a[k] != b[k]}
        own = {k: v for k, v in moved.items() if controlled.get(k) == mine}
        return own, {k: v for k, v in moved.items() if k not in own}

    def gains(self, source: int, target: int) -> dict[str, float]:
        """Every negotiating party's utility at *target* minus at *source* (ties as 0)."""
        data = info(self.model)
        u = data["utilities"]
        d = u[target] - u[source]
        d = np.where(np.abs(d) <= data["tie"], 0.0, d)
        return {q: float(d[k]) for k, q in enumerate(data["party_ids"])}

    def _voids_all(self, source: int, own: dict[str, Any], voided: dict[str, Any]) -> bool:
        """Does a move void every agreed term (not at its status quo) it does not change itself?"""
        data = info(self.model)
        row, sq = data["packages"][source], data["status_quo"]
        agreed = {i for k, i in enumerate(data["issues"]) if row[k] != sq[k] and i not in own}
        return bool(voided) and agreed == set(voided)

    def _moves(self, steps: Sequence[Step]) -> list[dict[str, Any]]:
        names = self.model.dm_names
        members = info(self.model)["members"]
        out = []
        for st in steps:
            own, voided = self.changes(st.source, st.target, st.dm)
            out.append(
                {
                    "mover": names[st.dm],
                    "members": members[names[st.dm]],
                    "changes": own,
                    "voided": voided,
                    "voids_every_other_term": self._voids_all(st.source, own, voided),
                }
            )
        return out

    def defection_dict(self, d: Defection) -> dict[str, Any]:
        """One defection: mover, change, gains, and per concept whether and by whom it is deterred."""
        m = self.model
        data = info(m)
        mover = m.dm_names[d.dm]
        members = data["members"][mover]
        own, voided = self.changes(d.source, d.target, d.dm)
        gains = self.gains(d.source, d.target)
        deterred: dict[str, Any] = {}
        for concept, steps in d.sanctions.items():
            if steps is None:
                deterred[concept] = {"deterred": False, "by": [], "moves": [], "end": None}
                continue
            end = d.ends[concept]
            by = list(dict.fromkeys(q for st in steps for q in data["members"][m.dm_names[st.dm]]))
            deterred[concept] = {
                "deterred": True,
                "by": by,
                "moves": self._moves(steps),
                "simultaneous": concept == "sim",
                "end": {q: g for q, g in self.gains(d.source, end).items() if q in members},
                "end_package": package_of(m, end),
            }
        out = {
            "mover": mover,
            "members": members,
            "changes": own,
            "voided": voided,
            "voids_every_other_term": self._voids_all(d.source, own, voided),
            "package": package_of(m, d.target),
            "no_deal": bool(_is_no_deal(m, d.target)),
            "gains": gains,
            "mover_gain": float(sum(gains[q] for q in members)),
            "every_member_gains": all(gains[q] > 0 for q in members),
            "deterred": deterred,
        }
        out["text"] = describe(out, self.names, self.labels)
        return out

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        data = info(m)
        names = m.dm_names
        out: dict[str, Any] = {
            "proposal": self.proposal,
            "package": package_of(m, self.state),
            "decision_makers": [
                {
                    "name": dm,
                    "members": data["members"][dm],
                    "controls": [i for i, who in data["controlled"].items() if who == dm],
                }
                for dm in names
            ],
            "joint_control": BLOC_RULE,
            "held_issues": data["held"],
            "voidable_issues": data["voidable"],
            "requires": data["requires"],
            "n_states": m.n_states,
            "equilibrium": {c: self.equilibrium(c) for c in self.result.equilibrium_concepts()},
            "stable_for": {
                c: {dm: self.result.is_stable(c, i, self.state) for i, dm in enumerate(names)}
                for c in self.result.stable
            },
            "defections": [self.defection_dict(d) for d in self.defections],
            "provenance": self.provenance.to_dict(),
        }
        out["verdict"] = verdict(out, self.names, self.labels, tuple(self.result.stable))
        return out


def _is_no_deal(model: ConflictModel, state: int) -> bool:
    nd = info(model)["no_deal_package"]
    return nd is not None and bool(np.array_equal(info(model)["packages"][state], nd))


def _party(names: dict[str, str], q: str) -> str:
    return names.get(q, q)


def _option(labels: Labels, issue: str, option: str) -> str:
    return labels[issue][1].get(option, option) if issue in labels else option


def _issue(labels: Labels, issue: str) -> str:
    return labels[issue][0] if issue in labels else issue


def _list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _move_words(mv: dict[str, Any], names: dict[str, str], labels: Labels) -> str:
    who = _list([_party(names, q) for q in mv["members"]])
    sets = ", ".join(
        f"{_issue(labels, i)} to “{_option(labels, i, x['to'])}”" for i, x in mv["changes"].items()
    )
    text = f"{who} sets {sets}"
    if mv.get("voids_every_other_term"):
        text += ", voiding every other agreed term"
    elif mv["voided"]:
        text += f", voiding {_list([_issue(labels, i) for i in mv['voided']])}"
    return text


def _who(members: Sequence[str], names: dict[str, str]) -> str:
    who = _list([_party(names, q) for q in members])
    return who + (" (acting together)" if len(members) > 1 else "")


def _change_words(d: dict[str, Any], labels: Labels) -> str:
    """A defection's change in words: what it sets, what it voids, whether it is no deal."""
    text = "; ".join(
        f"{_issue(labels, i)} from “{_option(labels, i, c['from'])}” "
        f"to “{_option(labels, i, c['to'])}”"
        for i, c in d["changes"].items()
    )
    if d.get("voids_every_other_term"):
        text += ", which voids every other agreed term"
    elif d["voided"]:
        voided = _list([_issue(labels, i) for i in d["voided"]])
        text += f", which voids {voided} (back to their status quo)"
    if d["no_deal"]:
        text += ": back to no deal"
    return text


def describe(d: dict[str, Any], names: dict[str, str], labels: Labels) -> str:
    """One defection in words a mediator can act on (see :meth:`DealStability.defection_dict`).

    Examples
    --------
    >>> d = {"members": ["A"], "changes": {"x": {"from": "a", "to": "b"}}, "voided": {},
    ...      "no_deal": False, "gains": {"A": 0.1, "B": -0.2}, "every_member_gains": True,
    ...      "deterred": {"gmr": {"deterred": False}}}
    >>> describe(d, {"A": "Alpha", "B": "Beta"}, {})
    'Alpha can change x from “a” to “b”. Gains: Alpha +0.100, Beta -0.200. Not deterred under GMR: no sanction leaves Alpha no better off than under the deal.'
    """
    who = _who(d["members"], names)
    text = f"{who} can change {_change_words(d, labels)}"
    gains = ", ".join(f"{_party(names, q)} {g:+.3f}" for q, g in d["gains"].items() if g)
    text += f". Gains: {gains or 'none'}."
    if len(d["members"]) > 1 and not d["every_member_gains"]:
        losers = [_party(names, q) for q in d["members"] if d["gains"][q] <= 0]
        text += f" Not every member gains ({_list(losers)} does not): the bloc moves on the sum."
    groups: dict[str, list[str]] = {}
    for c, v in d["deterred"].items():
        if not v["deterred"]:
            continue
        how = "; ".join(_move_words(mv, names, labels) for mv in v["moves"])
        when = "at the same time" if v.get("simultaneous") else "in reply"
        end = " and ".join(
            f"{_party(names, q)} "
            + ("unchanged" if g == 0 else f"{'up' if g > 0 else 'down'} {abs(g):.3f}")
            for q, g in v["end"].items()
        )
        key = f"by {_list([_party(names, q) for q in v['by']])} ({how}, {when}; {end} against the deal)"
        groups.setdefault(key, []).append(SHORT.get(c, c))
    for key, concepts in groups.items():
        text += f" Deterred under {_list(concepts)} {key}."
    no = [SHORT.get(c, c) for c, v in d["deterred"].items() if not v["deterred"]]
    if no:
        text += (
            f" Not deterred under {_list(no)}: no sanction leaves {who} no better off than "
            "under the deal."
        )
    return text


#: Concepts whose sanctions may cost the sanctioner (a threat it may not carry out).
THREAT_ONLY = ("gmr", "smr")
#: Concepts whose sanctions are credible (SEQ) or simultaneous (SIM).
CREDIBLE = ("seq", "sim")
#: What a sanction under a concept of :data:`CREDIBLE` is, in words.
SANCTION_KIND = {"seq": "credible (SEQ)", "sim": "simultaneous (SIM)"}


def _breaks_under(d: dict[str, Any], evaluated: Sequence[str]) -> list[str]:
    """Concepts under which a defection breaks the deal (Nash always: it has no sanctions)."""
    return [c for c in evaluated if c == "nash" or not d["deterred"].get(c, {}).get("deterred")]


def verdict(
    data: dict[str, Any], names: dict[str, str], labels: Labels, concepts: Sequence[str]
) -> dict[str, Any]:
    """Would the deal hold, in words a mediator can act on: who can walk away, and how sure.

    *data* is :meth:`DealStability.to_dict` without its verdict. The move that
    breaks the deal is the defection that breaks it under the most concepts
    (then the one changing fewest issues, then the mover's largest gain). How
    sure: ``"certain"`` when no sanction deters it under any concept evaluated;
    ``"replies_deter"`` when it breaks the deal only under Nash (every sanction
    concept evaluated finds a deterring reply); ``"threat_only"`` when only GMR
    or SMR sanctions deter it (replies the sanctioner may not gain from) and no
    SEQ or SIM one does; else ``"partial"``.

    References
    ----------
    Fang, Hipel & Kilgour (1993), ch. 3–4 (what each concept's sanctions require).

    Examples
    --------
    >>> d = {"members": ["A"], "changes": {"x": {"from": "a", "to": "b"}}, "voided": {},
    ...      "no_deal": True, "mover_gain": 0.1, "deterred": {"gmr": {"deterred": False}}}
    >>> v = verdict({"equilibrium": {"nash": False, "gmr": False}, "defections": [d]},
    ...             {"A": "Alpha"}, {}, ("nash", "gmr"))
    >>> v["certainty"], v["text"].split("; ")[0].split(". ")[-1]
    ('certain', 'The move most likely to break it: Alpha can change x from “a” to “b”: back to no deal')
    """
    evaluated = [c for c in CONCEPTS if c in concepts]
    holds = [c for c in evaluated if data["equilibrium"].get(c)]
    defs = data["defections"]
    if len(holds) == len(evaluated):
        why = (
            "every defection is deterred"
            if defs
            else "no decision maker gains by moving away from it"
        )
        text = f"Self-enforcing under every concept evaluated ({_list([SHORT[c] for c in holds])}): {why}."
        return {
            "self_enforcing": True,
            "equilibrium_under": holds,
            "walk_away": [],
            "breaking": None,
            "certainty": None,
            "text": text,
        }
    ways: dict[str, dict[str, Any]] = {}
    for d in defs:
        w = ways.setdefault(
            "+".join(d["members"]), {"members": d["members"], "ways": 0, "to_no_deal": False}
        )
        w["ways"] += 1
        w["to_no_deal"] = w["to_no_deal"] or bool(d["no_deal"])
    rank = sorted(
        range(len(defs)),
        key=lambda k: (
            -len(_breaks_under(defs[k], evaluated)),
            len(defs[k]["changes"]),
            -defs[k]["mover_gain"],
            k,
        ),
    )
    best = defs[rank[0]]
    breaks = _breaks_under(best, evaluated)
    deterred = [c for c in evaluated if c not in breaks]
    certainty = _certainty(breaks, deterred)
    who = _who(best["members"], names)
    held = _list([SHORT[c] for c in holds])
    if certainty == "replies_deter":
        text = f"Holds once replies count: an equilibrium under {held}, not under Nash."
    else:
        text = "Not self-enforcing: " + (
            f"an equilibrium only under {held}." if holds else "an equilibrium under no concept."
        )
    text += " Who gains by defecting: " + _walk_words(list(ways.values()), names) + "."
    bloc = len(best["members"]) > 1
    text += f" The move most likely to break it: {who} can change {_change_words(best, labels)}; "
    text += (
        f"together they are {best['mover_gain']:.3f} better off than under the deal "
        "(summed over their utilities)."
        if bloc
        else f"{who} is {best['mover_gain']:.3f} better off than under the deal."
    )
    text += " How sure: " + _sure_words(certainty, breaks, deterred, "them" if bloc else who)
    return {
        "self_enforcing": False,
        "equilibrium_under": holds,
        "walk_away": list(ways.values()),
        "breaking": {"index": rank[0], "breaks_under": breaks, "deterred_under": deterred},
        "certainty": certainty,
        "text": text,
    }


def _certainty(breaks: Sequence[str], deterred: Sequence[str]) -> str:
    """How sure a defection breaks the deal (see :func:`verdict`)."""
    if not deterred:
        return "certain"
    if list(breaks) == ["nash"]:
        return "replies_deter"
    if set(deterred) <= set(THREAT_ONLY) and not set(breaks).isdisjoint(CREDIBLE):
        return "threat_only"
    return "partial"


def _walk_words(ways: Sequence[dict[str, Any]], names: dict[str, str]) -> str:
    out = []
    for w in ways:
        text = f"{_group(w['members'], names)}, {_ways(w['ways'])}"
        if w["to_no_deal"]:
            text += " (back to no deal)" if w["ways"] == 1 else " (one back to no deal)"
        out.append(text)
    return "; ".join(out)


def _sure_words(certainty: str, breaks: Sequence[str], deterred: Sequence[str], them: str) -> str:
    listed = _list([SHORT[c] for c in breaks])
    held = _list([SHORT[c] for c in deterred])
    missing = _list([SANCTION_KIND[c] for c in CREDIBLE if c in breaks])
    if certainty == "certain":
        return (
            f"it breaks the deal under every concept evaluated ({listed}): no sanction by the "
            f"others leaves {them} no better off."
        )
    if certainty == "replies_deter":
        return (
            f"it breaks the deal only under Nash, which ignores replies; under {held} the "
            "others have a reply that deters it."
        )
    if certainty == "threat_only":
        return (
            "only a sanction the sanctioning party would not gain from making deters it "
            f"({held}); no {missing} sanction does, so it breaks the deal under {listed}."
        )
    hint = f": no {missing} sanction deters it" if missing else ""
    return f"it breaks the deal under {listed}{hint}; it is deterred under {held}."


def _group(members: Sequence[str], names: dict[str, str]) -> str:
    who = _list([_party(names, q) for q in members])
    return who + (" acting together" if len(members) > 1 else "")


def _ways(n: int) -> str:
    return f"{n} way" if n == 1 else f"{n} ways"


def deal_stability(
    scenario: Scenario | PreparedScenario,
    proposal_id: str | None = None,
    concepts: Sequence[str] = CONCEPTS,
) -> DealStability:
    """Is a proposal an equilibrium, and what can each decision maker gain by walking away?

    Parameters
    ----------
    scenario:
        A validated scenario with ``controlled_by`` on the issues parties implement.
    proposal_id:
        A proposal's id, or ``None`` for the status quo.
    concepts:
        Stability concepts to evaluate.

    Returns
    -------
    DealStability
        ``equilibrium(concept)`` says whether the package is self-enforcing;
        ``to_dict()["defections"]`` lists each defection with its mover, change,
        gains and, per concept, whether it is deterred and by whom.

    Raises
    ------
    AnalysisError
        The proposal breaks a constraint that cannot happen or a requirement.

    References
    ----------
    Fang, Hipel & Kilgour (1993), ch. 3–4 (stability concepts and sanctions);
    Li, Hipel, Kilgour & Fang (2004) (status quo analysis, for ``paths``).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> d = deal_stability(load_builtin(), "minimal-ceasefire")
    >>> sorted({x["mover"] for x in d.to_dict()["defections"]})
    ['RU', 'UA', 'US+NATO']
    """
    p = prepare(scenario)
    model = from_scenario(p, proposal_id)
    try:
        state = state_of(model, {})
    except InputError:
        what = f"proposal {proposal_id!r}" if proposal_id else "the status quo"
        raise AnalysisError(
            f"{what} breaks a constraint that cannot happen or an issue's requirement"
        ) from None
    result = analyze(model, concepts)
    defections = [d for i in range(model.n_dms) for d in explain(result, state, i)]
    defections.sort(key=lambda d: (d.dm, _n_changes(model, d), -_mover_gain(model, d)))
    used = ", ".join(CONCEPT_NAMES[c] for c in concepts)
    return DealStability(
        proposal_id,
        state,
        result,
        tuple(defections),
        status_quo_analysis(model, state, stability=result),
        {q.id: q.name for q in p.scenario.parties},
        {i.id: (i.name, {o.id: o.label for o in i.options}) for i in p.scenario.issues},
        provenance=Provenance(
            f"graph model for conflict resolution (Fang, Hipel & Kilgour 1993): {used}; "
            + BLOC_RULE
        ),
    )


def _mover_gain(model: ConflictModel, d: Defection) -> float:
    """The summed utility gain of the defection's mover (its members)."""
    data = info(model)
    cols = [data["party_ids"].index(q) for q in data["members"][model.dm_names[d.dm]]]
    u = data["utilities"]
    return float(u[d.target, cols].sum() - u[d.source, cols].sum())


def _n_changes(model: ConflictModel, d: Defection) -> int:
    rows = info(model)["packages"]
    return int(np.count_nonzero(rows[d.source] != rows[d.target]))


__all__ = [
    "BLOC_RULE",
    "MAX_SCENARIO_STATES",
    "DealStability",
    "blocs",
    "deal_stability",
    "describe",
    "from_scenario",
    "info",
    "package_of",
    "state_of",
    "verdict",
]
