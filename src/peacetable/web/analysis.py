"""Every call the server makes into peacetable's analysis, in one place.

The server asks a few questions of a (merged) scenario and gets plain,
JSON-ready dicts back; nothing else in :mod:`peacetable.web` imports an
engine. When the core's ``prepare`` / ``Session`` / lens registry lands, only
this module changes.

* :func:`complete_package` -- check a draft's package and fill it out;
* :func:`predicted_verdicts` -- who accepts a package (utility >= no deal);
* :func:`analyse_draft` -- the mediator's view of a draft: acceptance, the
  provisions each rejecting party loses most on, deal-breakers, the fewest
  changes that win each party over, Pareto improvements, fair packages;
* :func:`party_score` -- a party's own score of a package, 0..1 of the way
  from its no-deal utility to its best package;
* :func:`best_packages` -- the packages best for one party;
* :func:`post_settlement_options` -- improvements on an agreed package.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14 (the
   single negotiating text) and ch. 11 (additive scoring).
.. [2] Raiffa, H. (1985). Post-settlement settlements. *Negotiation Journal* 1(1), 9-12.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from peacetable.analysis import diagnose_proposal, pareto_frontier, post_settlement, solve_all
from peacetable.analysis.frontier import FrontierTooLarge
from peacetable.errors import AnalysisError, InputError, Location
from peacetable.model import Scenario, compile_scenario
from peacetable.model.scenario import FrozenDict
from peacetable.model.validate import suggest


def _r(x: float) -> float:
    return round(float(x), 9)


def _only(scenario: Scenario, party: str) -> Scenario:
    """The scenario with one party's preferences alone (nothing about the others)."""
    if party not in scenario.preferences:
        known = scenario.negotiating_party_ids
        raise InputError(
            f"party {party!r} has no preferences{suggest(party, known)}", Location(field="party")
        )
    return scenario.model_copy(
        update={"preferences": FrozenDict({party: scenario.preferences[party]})}
    )


def complete_package(scenario: Scenario, package: Mapping[str, str]) -> dict[str, str]:
    """The full package ``{issue: option}``: issues left out at their status quo.

    Raises
    ------
    ScenarioError
        Unknown issue or option (with a did-you-mean suggestion).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> complete_package(load_builtin(), {"venue": "neutral"})["venue"]
    'neutral'
    """
    cs = compile_scenario(scenario)
    return cs.decode(cs.encode(package))


def predicted_verdicts(scenario: Scenario, package: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Per negotiating party: ``{"accepts", "utility", "no_deal", "margin"}`` of a package.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> v = predicted_verdicts(load_builtin(), {})
    >>> sorted(v) == sorted(load_builtin().negotiating_party_ids)
    True
    """
    cs = compile_scenario(scenario)
    u = cs.utilities(cs.encode(package))[0]
    return {
        p: {
            "accepts": bool(u[k] >= cs.no_deal[k] - 1e-9),
            "utility": _r(u[k]),
            "no_deal": _r(cs.no_deal[k]),
            "margin": _r(u[k] - cs.no_deal[k]),
        }
        for k, p in enumerate(cs.party_ids)
    }


def _best_utility(scenario: Scenario, party: str) -> tuple[float, list[dict[str, str]]]:
    """The party's best utility over the feasible packages and (some of) the packages attaining it."""
    own = _only(scenario, party)
    cs = compile_scenario(own)
    try:
        front = pareto_frontier(own)
    except FrontierTooLarge as exc:  # one party: the frontier is one point, so this is rare
        raise AnalysisError(f"cannot find {party}'s best package: {exc}") from None
    if front.size == 0:
        raise AnalysisError("no package satisfies the scenario's constraints")
    packages = front.packages(int(np.argmax(front.points[:, 0])), limit=5)
    return float(front.points[:, 0].max()), [cs.decode(x) for x in packages]


def party_score(scenario: Scenario, party: str, package: Mapping[str, str]) -> float | None:
    """How far a package goes, for one party, from its no-deal utility (0) to its best package (1).

    Computed on the party's own preferences alone. Packages below its no-deal
    utility score 0; ``None`` when no package beats its no-deal utility.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> best = best_packages(s, "UA")["packages"][0]
    >>> party_score(s, "UA", best)
    1.0
    """
    own = _only(scenario, party)
    cs = compile_scenario(own)
    u = float(cs.utilities(cs.encode(package))[0][0])
    best, _ = _best_utility(scenario, party)
    nd = float(cs.no_deal[0])
    if best <= nd + 1e-12:
        return None
    return _r(min(1.0, max(0.0, (u - nd) / (best - nd))))


def best_packages(scenario: Scenario, party: str, limit: int = 3) -> dict[str, Any]:
    """The feasible packages best for one party (its own preferences alone).

    Returns
    -------
    dict
        ``{"utility", "no_deal", "packages": [up to limit tied best packages]}``.
    """
    best, packages = _best_utility(scenario, party)
    nd = float(scenario.party(party).no_deal.utility)
    return {"utility": _r(best), "no_deal": _r(nd), "packages": packages[:limit]}


def _scores(scenario: Scenario, utilities: Mapping[str, float]) -> dict[str, float | None]:
    """Every party's score of a package at once (as :func:`party_score`).

    A party's best utility over the feasible packages is attained on the
    Pareto frontier of all parties (a package that maximises it and is
    dominated is dominated by one at least as good for it), so one frontier
    gives every party's best.
    """
    front = pareto_frontier(scenario)
    cs = compile_scenario(scenario)
    out: dict[str, float | None] = {}
    for k, p in enumerate(cs.party_ids):
        best, nd = float(front.points[:, k].max()), float(cs.no_deal[k])
        u = utilities[p]
        out[p] = None if best <= nd + 1e-12 else _r(min(1.0, max(0.0, (u - nd) / (best - nd))))
    return out


def _search(d: Any) -> dict[str, Any]:
    return {
        "statement": d.statement,
        "min_changes": d.min_changes,
        "solutions": [
            {"changes": {k: list(v) for k, v in c.changes.items()}, "gains": c.gains}
            for c in d.solutions
        ],
    }


def analyse_draft(
    scenario: Scenario, package: Mapping[str, str], *, max_changes: int = 3, limit: int = 3
) -> dict[str, Any]:
    """The mediator's analysis of a draft package on the merged scenario.

    Parameters
    ----------
    scenario:
        The merged scenario (every party's submission plus the mediator's estimates).
    package:
        ``{issue: option}``; issues left out stay at their status quo.
    max_changes, limit:
        Bound and listing size of the fewest-changes searches.

    Returns
    -------
    dict
        ``package``, ``feasible``, ``violated``, ``accepted_by_all``,
        ``rejecting``, ``parties`` (per party: ``utility``, ``no_deal``,
        ``margin``, ``accepts``, ``score``, ``deal_breakers``, ``costliest``
        provisions), ``efficient``, ``dominated_by``, ``pareto_improvements``,
        ``acceptable_to_all``, ``to_win_over`` (per rejecting party) and
        ``fair_packages`` (Nash, Kalai–Smorodinsky, utilitarian, maximin
        gain, leximin: package and gains over no deal).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> a = analyse_draft(s, s.proposal("seven-points").package)
    >>> a["rejecting"]
    ['RU', 'UA', 'US', 'NATO']
    """
    d = diagnose_proposal(scenario, dict(package), max_changes=max_changes, limit=limit)
    scores = _scores(scenario, d.utilities)
    parties = []
    for view in d.parties:
        parties.append(
            {
                "party": view.party,
                "utility": _r(view.utility),
                "no_deal": _r(view.no_deal),
                "margin": _r(view.margin),
                "accepts": view.accepts,
                "score": scores[view.party],
                "deal_breakers": list(view.deal_breakers),
                "costliest": [
                    {"issue": e.issue, "current": e.current, "best": e.best, "loss": _r(e.loss)}
                    for e in view.provisions[:3]
                    if e.loss > 1e-12
                ],
            }
        )
    fair = {}
    for name, sol in solve_all(scenario).items():
        fair[name] = {
            "package": sol.package,
            "gains": None
            if sol.gains is None
            else {p: _r(g) for p, g in zip(sol.party_ids, sol.gains, strict=True)},
            "note": sol.note,
        }
    dom = d.dominated_by
    return {
        "package": dict(d.package),
        "feasible": d.feasible,
        "violated": list(d.violated),
        "accepted_by_all": not d.rejecting,
        "rejecting": list(d.rejecting),
        "parties": parties,
        "efficient": d.efficient,
        "dominated_by": None
        if dom is None
        else {"changes": {k: list(v) for k, v in dom.changes.items()}, "gains": dom.gains},
        "pareto_improvements": _search(d.improvements),
        "acceptable_to_all": _search(d.acceptance),
        "to_win_over": {p: _search(s) for p, s in d.fixes.items()},
        "fair_packages": fair,
    }


def post_settlement_options(
    scenario: Scenario, package: Mapping[str, str], limit: int = 3
) -> dict[str, Any]:
    """Packages every party likes at least as much as the agreed one (Raiffa 1985).

    Returns
    -------
    dict
        ``{"efficient", "recommended", "improvements"}``; each improvement has
        ``package``, ``changes`` and ``gains`` per party.
    """
    r = post_settlement(scenario, dict(package))

    def change(c: Any) -> dict[str, Any]:
        return {
            "package": dict(c.package),
            "changes": {k: list(v) for k, v in c.changes.items()},
            "gains": {p: _r(g) for p, g in c.gains.items()},
        }

    return {
        "efficient": r.efficient,
        "recommended": change(r.recommended) if r.recommended is not None else None,
        "improvements": [change(c) for c in r.improvements[:limit]],
    }
