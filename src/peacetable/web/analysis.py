"""Every question the server asks of peacetable's lenses, in one place.

The server reads lens results from a :class:`peacetable.core.Session` on a
(merged) scenario, never from an engine directly, and turns them into plain,
JSON-ready dicts; nothing else in :mod:`peacetable.web` imports the core or
a lens. The services keep one session per negotiation and merged-scenario
version (:func:`peacetable.web.services.common.merged_session`), so the
frontier, the fair packages and each draft's diagnosis are computed once per
set of submissions.

* :func:`open_session` -- the session the server runs lenses through;
* :func:`complete_package` -- check a draft's package and fill it out;
* :func:`predicted_verdicts` -- who accepts a package (the core's rule);
* :func:`analyse_draft` -- the mediator's view of a draft: acceptance, the
  provisions each rejecting party loses most on, deal-breakers, the fewest
  changes that win each party over, Pareto improvements, fair packages
  (the ``diagnosis`` and ``solutions`` lenses);
* :func:`party_score` -- a party's own score of a package, 0..1 of the way
  from its no-deal utility to its best package (the ``frontier`` lens);
* :func:`best_packages` -- the packages best for one party;
* :func:`post_settlement_options` -- improvements on an agreed package (the
  ``post_settlement`` lens);
* :func:`draft_outlook` -- how sure, and when: a draft's robustness (the
  ``robustness`` lens, SMAA) and ripeness (the ``ripeness`` lens) in brief.

Results are deterministic, so two requests that compute the same lens at
once on one session get equal answers (the session keeps one of them).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14 (the
   single negotiating text) and ch. 11 (additive scoring).
.. [2] Raiffa, H. (1985). Post-settlement settlements. *Negotiation Journal* 1(1), 9-12.
.. [3] Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
   acceptability analysis for group decision making. *Operations Research* 49(3), 444-454.
.. [4] Zartman, I. W. (2000). Ripeness: the hurting stalemate and beyond. In P. C. Stern &
   D. Druckman (eds.), *International Conflict Resolution after the Cold War*, 225-250.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from peacetable.analysis.diagnostics import ProposalDiagnosis
from peacetable.analysis.frontier import FrontierResult
from peacetable.analysis.negotiating_text import PostSettlementResult
from peacetable.analysis.ripeness import RipenessResult
from peacetable.analysis.robustness import AcceptabilityResult
from peacetable.analysis.solutions import BargainingSolutions
from peacetable.core import NotApplicable, Result, Session, Settings
from peacetable.core.arrays import FloatArray
from peacetable.errors import AnalysisError, InputError, Location, suggest
from peacetable.model import Scenario

R = TypeVar("R", bound=Result)

LensSession = Session
"""The core's session, under the name the services use for it (they import only this module)."""

NO_DEAL_NOTE = (
    "this package is no deal (the scenario's disagreement package): it is worth exactly each "
    "party's no-deal utility, and it is not an agreement"
)


def _r(x: float) -> float:
    return round(float(x), 9)


def open_session(scenario: Scenario) -> Session:
    """The session the server runs lenses through (the core's shared default settings).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> open_session(load_builtin()).prepared.n_parties
    4
    """
    return Session(scenario, Settings())


def _answer(session: Session, kind: type[R], key: str, **options: Any) -> R:
    """Lens *key*'s result, or ``AnalysisError`` with the lens's reason when it cannot answer."""
    found = session.result(key, **options)
    if isinstance(found, NotApplicable):
        raise AnalysisError(f"{key}: {found.reason}")
    if not isinstance(found, kind):  # pragma: no cover - the registry's contract
        raise TypeError(f"lens {key!r} returned {type(found).__name__}")
    return found


def _column(session: Session, party: str) -> int:
    ids = session.prepared.party_ids
    if party not in ids:
        raise InputError(
            f"party {party!r} has no preferences{suggest(party, ids)}", Location(field="party")
        )
    return ids.index(party)


def complete_package(session: Session, package: Mapping[str, str]) -> dict[str, str]:
    """The full package ``{issue: option}``: issues left out at their status quo.

    Raises
    ------
    InputError
        Unknown issue or option (with a did-you-mean suggestion).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> complete_package(open_session(load_builtin()), {"venue": "neutral"})["venue"]
    'neutral'
    """
    p = session.prepared
    return p.package_dict(p.package(dict(package)))


def predicted_verdicts(session: Session, package: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Per negotiating party: ``{"accepts", "utility", "no_deal", "margin"}`` of a package.

    Acceptance and margins are the core's rule (ties at the no-deal utility
    accept); the no-deal package is worth exactly each party's no-deal utility.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> v = predicted_verdicts(open_session(load_builtin()), {})
    >>> sorted(v) == sorted(load_builtin().negotiating_party_ids)
    True
    """
    p = session.prepared
    u = p.utilities(p.package(dict(package)))[0]
    margin = p.margin_of(u)
    accepts = p.accepts_utilities(u)
    return {
        pid: {
            "accepts": bool(accepts[k]),
            "utility": _r(u[k]),
            "no_deal": _r(p.no_deal[k]),
            "margin": _r(margin[k]),
        }
        for k, pid in enumerate(p.party_ids)
    }


def _frontier(session: Session) -> FrontierResult:
    found = _answer(session, FrontierResult, "frontier")
    if found.size == 0:
        raise AnalysisError("no package satisfies the scenario's constraints")
    return found


def _score(session: Session, k: int, utility: float, best: float) -> float | None:
    """0..1 of the way from no deal to *best* (``None`` when nothing beats no deal)."""
    p = session.prepared
    span = float(p.margin_of(best, p.no_deal[k]))
    if span <= 0.0:
        return None
    gain = float(p.margin_of(utility, p.no_deal[k]))
    return _r(min(1.0, max(0.0, gain / span)))


def party_score(session: Session, party: str, package: Mapping[str, str]) -> float | None:
    """How far a package goes, for one party, from its no-deal utility (0) to its best package (1).

    The best package is the party's best agreement, from the session's
    Pareto frontier (a package that maximises one party's utility and is
    dominated is dominated by one at least as good for it). On a party's own
    view (its preferences alone) this uses nothing about the others.
    Packages below its no-deal utility score 0; ``None`` when no agreement
    beats its no-deal utility.

    Raises
    ------
    InputError
        The party has no preferences in the session's scenario.
    AnalysisError
        The frontier cannot be computed.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> session = open_session(load_builtin())
    >>> best = best_packages(session, "UA")["packages"][0]
    >>> party_score(session, "UA", best)
    1.0
    """
    k = _column(session, party)
    p = session.prepared
    u = float(p.utilities(p.package(dict(package)))[0][k])
    return _score(session, k, u, float(_frontier(session).points[:, k].max()))


def best_packages(session: Session, party: str, limit: int = 3) -> dict[str, Any]:
    """The agreements best for one party (from the session's Pareto frontier).

    Returns
    -------
    dict
        ``{"utility", "no_deal", "packages": [up to limit tied best packages]}``.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> b = best_packages(open_session(load_builtin()), "RU", limit=1)
    >>> len(b["packages"]), b["utility"] > b["no_deal"]
    (1, True)
    """
    k = _column(session, party)
    p = session.prepared
    front = _frontier(session)
    top = int(np.argmax(front.points[:, k]))
    x = front.packages(top, limit=limit + 1)
    x = x[p.is_agreement(x)][:limit]
    return {
        "utility": _r(front.points[top, k]),
        "no_deal": _r(p.no_deal[k]),
        "packages": [p.package_dict(row) for row in x],
    }


def _scores(session: Session, utilities: FloatArray) -> tuple[list[float | None], list[str]]:
    """Every party's score of a package at once (as :func:`party_score`), and notes."""
    try:
        best = _frontier(session).points.max(axis=0)
    except AnalysisError as exc:
        return [None] * len(utilities), [f"no scores: {exc}"]
    return [_score(session, k, float(u), float(best[k])) for k, u in enumerate(utilities)], []


def _search(d: Any) -> dict[str, Any]:
    return {
        "statement": d.statement,
        "min_changes": d.min_changes,
        "solutions": [
            {"changes": {k: list(v) for k, v in c.changes.items()}, "gains": c.gains}
            for c in d.solutions
        ],
    }


def _fair(session: Session) -> tuple[dict[str, Any], list[str]]:
    """The bargaining solutions (the ``solutions`` lens), and notes."""
    try:
        found = _answer(session, BargainingSolutions, "solutions")
    except AnalysisError as exc:
        return {}, [f"no fair packages: {exc}"]
    fair = {}
    for name, sol in found.items():
        fair[name] = {
            "package": sol.package,
            "gains": None
            if sol.gains is None
            else {p: _r(g) for p, g in zip(sol.party_ids, sol.gains, strict=True)},
            "note": sol.note,
        }
    return fair, []


def _party_view(view: Any, score: float | None) -> dict[str, Any]:
    return {
        "party": view.party,
        "utility": _r(view.utility),
        "no_deal": _r(view.no_deal),
        "margin": _r(view.margin),
        "accepts": view.accepts,
        "score": score,
        "deal_breakers": list(view.deal_breakers),
        "costliest": [
            {"issue": e.issue, "current": e.current, "best": e.best, "loss": _r(e.loss)}
            for e in view.provisions[:3]
            if e.loss > 0.0
        ],
    }


def analyse_draft(session: Session, package: Mapping[str, str]) -> dict[str, Any]:
    """The mediator's analysis of a draft package on the merged scenario.

    Parameters
    ----------
    session:
        A session on the merged scenario (every party's submission plus the
        mediator's estimates).
    package:
        ``{issue: option}``; issues left out stay at their status quo.

    Returns
    -------
    dict
        ``package``, ``feasible``, ``violated``, ``no_deal_package`` (the
        draft is the scenario's no-deal package), ``agreement`` (feasible and
        not the no-deal package), ``accepted_by_all`` (an agreement no party
        rejects), ``rejecting``, ``parties`` (per party: ``utility``,
        ``no_deal``, ``margin``, ``accepts``, ``score``, ``deal_breakers``,
        ``costliest`` provisions), ``efficient``, ``dominated_by``,
        ``pareto_improvements``, ``acceptable_to_all``, ``to_win_over`` (per
        rejecting party), ``fair_packages`` (Nash, Kalai–Smorodinsky,
        utilitarian, maximin gain, leximin: package and gains over no deal)
        and ``notes``. The searches use the session's ``max_changes``.

    Raises
    ------
    InputError
        Unknown issue or option.
    AnalysisError
        The diagnosis lens cannot answer (e.g. a search beyond its budget).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> a = analyse_draft(open_session(s), s.proposal("seven-points").package)
    >>> a["rejecting"], a["agreement"]
    ([], True)
    """
    p = session.prepared
    d = _answer(session, ProposalDiagnosis, "diagnosis", package=dict(package))
    x = p.package(d.package)
    no_deal = bool(p.is_no_deal(x)[0])
    agreement = bool(p.is_agreement(x)[0])
    scores, notes = _scores(session, np.array([d.utilities[q] for q in p.party_ids]))
    fair, fair_notes = _fair(session)
    dom = d.dominated_by
    return {
        "package": dict(d.package),
        "feasible": d.feasible,
        "violated": list(d.violated),
        "no_deal_package": no_deal,
        "agreement": agreement,
        "accepted_by_all": agreement and not d.rejecting,
        "rejecting": list(d.rejecting),
        "parties": [_party_view(v, s) for v, s in zip(d.parties, scores, strict=True)],
        "efficient": d.efficient,
        "efficiency": d.efficiency_statement,
        "dominated_by": None
        if dom is None
        else {"changes": {k: list(v) for k, v in dom.changes.items()}, "gains": dom.gains},
        "pareto_improvements": _search(d.improvements),
        "acceptable_to_all": _search(d.acceptance),
        "to_win_over": {q: _search(s) for q, s in d.fixes.items()},
        "fair_packages": fair,
        "notes": [*([NO_DEAL_NOTE] if no_deal else []), *d.notes, *notes, *fair_notes],
    }


def post_settlement_options(
    session: Session, package: Mapping[str, str], limit: int = 3
) -> dict[str, Any]:
    """Packages every party likes at least as much as the agreed one (Raiffa 1985).

    Returns
    -------
    dict
        ``{"efficient", "recommended", "improvements"}``; each improvement has
        ``package``, ``changes`` and ``gains`` per party.

    Raises
    ------
    InputError
        The agreed package breaks a constraint.
    AnalysisError
        The lens cannot answer.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> hedged = s.proposal("seven-points-hedged").package
    >>> post = post_settlement_options(open_session(s), hedged)
    >>> post["efficient"], len(post["improvements"]) <= 3
    (False, True)
    """
    r = _answer(session, PostSettlementResult, "post_settlement", package=dict(package))

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


DRAFT = "draft"
"""The name the robustness lens gives the draft (how a page names it does not change the run)."""


def _chance(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"p": _r(entry["p"]), "interval": [_r(v) for v in entry["interval"]]}


def _lens(session: Session, kind: type[R], key: str, **options: Any) -> R | str:
    """Lens *key*'s result, or the reason it cannot answer (``NotApplicable``), verbatim."""
    found = session.result(key, **options)
    if isinstance(found, NotApplicable):
        return found.reason
    if not isinstance(found, kind):  # pragma: no cover - the registry's contract
        raise TypeError(f"lens {key!r} returned {type(found).__name__}")
    return found


def _robustness_brief(
    session: Session, package: dict[str, str], names: Mapping[str, str]
) -> dict[str, Any]:
    """The ``robustness`` lens (SMAA) on the draft alone, in brief."""
    found = _lens(
        session,
        AcceptabilityResult,
        "robustness",
        package=package,
        package_name=DRAFT,
        proposals=(),
        include_solutions=False,
    )
    if isinstance(found, str):
        return {"answered": False, "reason": found}
    entry = found.get(DRAFT).to_dict()
    parties = [
        {
            "party": q,
            "name": names[q],
            **_chance(entry["p_accept"][q]),
            "accepts_nominally": q in entry["nominal_accepted_by"],
        }
        for q in found.party_ids
    ]
    sens = found.sensitivity.get(DRAFT)
    top = None if sens is None else sens.most_important
    return {
        "answered": True,
        **_chance({"p": entry["p_all_accept"], "interval": entry["p_all_accept_interval"]}),
        "confidence": found.confidence,
        "samples": found.n_samples,
        "seed": found.provenance.seed,
        "parties": parties,
        "least_sure": min(parties, key=lambda v: v["p"]),  # the first in party order on a tie
        "matters_most": None
        if top is None
        else {
            "estimate": top.parameter.label,
            "party": top.parameter.party,
            "kind": top.parameter.kind,
            "index": _r(top.index),
            "p_all_accept_when_low": _r(top.p_low),
            "p_all_accept_when_high": _r(top.p_high),
        },
    }


def _ripeness_brief(
    session: Session, package: dict[str, str] | None, names: Mapping[str, str]
) -> dict[str, Any]:
    """The ``ripeness`` lens following the draft (*package*; ``None``: not an agreement)."""
    options = {} if package is None else {"package": package}
    found = _lens(session, RipenessResult, "ripeness", **options)
    if isinstance(found, str):
        return {"answered": False, "reason": found}
    today = found.months[0]
    out: dict[str, Any] = {
        "answered": True,
        "horizon": found.horizon,
        "samples": found.n_samples,
        "seed": found.provenance.seed,
        "confidence": today.confidence,
        "zopa_today": today.zopa,
        "p_zopa_today": _chance(today.to_dict()["p_zopa"]),
        "first_zopa_month": found.first_zopa_month,
        "first_likely_zopa_month": found.first_likely_zopa_month,
        "opened_by": [{"party": q, "name": names.get(q, q)} for q in found.opened_by],
        "draft": None,
    }
    if package is not None:
        first = found.proposal_first_month
        month = found.horizon if first is None else first
        out["draft"] = {
            "from_month": first,
            "likely_from_month": found.proposal_first_likely_month,
            "month_of_p": month,
            **_chance(found.months[month].to_dict()["p_proposal_accepted"]),
        }
    return out


def draft_outlook(
    session: Session, package: Mapping[str, str], name: str = "the draft"
) -> dict[str, Any]:
    """How sure, and when: a draft's robustness and ripeness in brief.

    Runs the ``robustness`` lens (SMAA: every uncertain estimate sampled
    within its range) on the draft alone and the ``ripeness`` lens following
    the draft month by month, with the session's settings (``samples``
    worlds for robustness, ``ripeness_samples`` for ripeness, its ``seed``
    and ``horizon``): the answer is ``session.result`` of those lenses, and a
    second request reads the session's cache. The wording is
    :func:`peacetable.web.presenting.outlook_sentences`.

    Parameters
    ----------
    session:
        A session on the merged scenario (every party's numbers: mediator only).
    package:
        ``{issue: option}``; issues left out stay at their status quo.
    name:
        How the answer names the draft, e.g. ``"Version 2 (Seven points)"``.

    Returns
    -------
    dict
        ``draft`` (*name*), ``package`` (complete), ``no_deal_package``,
        ``feasible``, ``agreement``, ``not_an_agreement`` (why, or ``None``),
        ``parties`` (id to name); ``robustness``: ``answered`` and either
        ``reason`` (no agreement, or the lens's reason) or ``p`` (every party
        accepts) with ``interval``, ``confidence``, ``samples``, ``seed``,
        ``parties`` (each one's ``p``), ``least_sure`` and ``matters_most``
        (the estimate that moves acceptance most; ``None``: none measurably);
        ``ripeness``: ``answered`` and either ``reason`` or ``zopa_today``
        (nominal), ``p_zopa_today``, ``first_zopa_month``,
        ``first_likely_zopa_month`` (in at least half the worlds),
        ``opened_by``, ``draft`` (``from_month`` it is accepted by all at the
        nominal estimates, ``likely_from_month``, ``p`` at ``month_of_p``;
        ``None`` when no agreement), ``horizon``, ``samples`` and ``seed``.
        Probabilities are Monte Carlo estimates with Wilson intervals.

    Raises
    ------
    InputError
        Unknown issue or option.

    References
    ----------
    Lahdelma & Salminen (2001) (SMAA); Zartman (2000) (ripeness).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> session = Session(s, Settings(samples=512, ripeness_samples=16, horizon=3))
    >>> o = draft_outlook(session, s.proposal("seven-points").package, "Seven points")
    >>> o["robustness"]["samples"], o["ripeness"]["samples"], o["ripeness"]["zopa_today"]
    (512, 16, True)
    >>> o = draft_outlook(session, {}, "Nothing agreed")
    >>> o["no_deal_package"], o["robustness"]["answered"], o["ripeness"]["draft"]
    (True, False, None)
    """
    p = session.prepared
    x = p.package(dict(package))
    full = p.package_dict(x)
    names = {q: p.scenario.party(q).name for q in p.party_ids}
    no_deal = bool(p.is_no_deal(x)[0])
    agreement = bool(p.is_agreement(x)[0])
    why_not = None
    if no_deal:
        why_not = "it is no deal (what walking away leaves in place), not an agreement"
    elif not agreement:
        why_not = "it breaks the scenario's constraints: it cannot be an agreement as it stands"
    return {
        "draft": name,
        "package": full,
        "no_deal_package": no_deal,
        "feasible": bool(p.feasible(x)[0]),
        "agreement": agreement,
        "not_an_agreement": why_not,
        "parties": names,
        "robustness": _robustness_brief(session, full, names)
        if why_not is None
        else {"answered": False, "reason": f"{name}: {why_not}"},
        "ripeness": _ripeness_brief(session, full if agreement else None, names),
    }
