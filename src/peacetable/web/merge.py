"""The scenario the mediator analyses: the latest submissions merged into the mediator's estimates.

For each party that has submitted, what it said replaces the mediator's
estimate of the same thing; everything it left out stays the mediator's
estimate and is marked so in the provenance:

* **weights**: the issues the party weighted share, in the party's
  proportions, the weight the mediator's estimate gives them together; the
  issues it left out keep the mediator's (normalised) weights. A party that
  weights every issue thus fully replaces the mediator's weights;
* **values** per issue (from its ratings, or evenly spaced down its ranking),
  **beliefs** per event, its **no-deal** utility (rating / 100) and its
  **sureness** (default ranges) replace the mediator's. When no deal is the
  scenario's disagreement lottery (``disagreement.outcomes``), the party's
  stated no-deal value is its value of no deal *today*: its cost of fighting
  on is set so that the lottery, valued with its own merged preferences and
  beliefs, is worth exactly what it stated (Fearon 1995's ``c`` solved for the
  stated value); how that value moves over the months stays the model's;
* the mediator's interaction terms for the party are kept only where the
  party rated none of the issues they involve.

The result is built as plain data and validated by
:func:`peacetable.io.scenario_from_data`, like any scenario file, so the
merged scenario is always a valid :class:`~peacetable.model.Scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from peacetable.core.stated import StatedNoDeal, with_stated_no_deal
from peacetable.io import scenario_from_data, scenario_to_data
from peacetable.model import NoDeal, Preferences, Scenario, find_problems
from peacetable.model.scenario import FrozenDict
from peacetable.web.elicitation import PreferenceInput, issue_ratings


@dataclass(frozen=True)
class Submitted:
    """A party's latest submission and its version number."""

    data: PreferenceInput
    version: int


@dataclass(frozen=True)
class Merged:
    """A merged scenario and, per party and number, whose it is (``party`` or ``mediator``)."""

    scenario: Scenario
    provenance: dict[str, dict[str, Any]]


def _estimate(value: float, spread: float | None, low: float, high: float, note: str) -> Any:
    out: dict[str, Any] = {"value": value, "assumption": note}
    if spread is not None:
        out["range"] = [max(low, value - spread), min(high, value + spread)]
    return out


def _weight_value(entry: Any) -> float:
    return float(entry["value"] if isinstance(entry, dict) else entry)


def _merge_weights(
    mediator: dict[str, Any], given: Mapping[str, float], rel: float | None, note: str
) -> tuple[dict[str, Any], dict[str, str]]:
    total_m = sum(_weight_value(w) for w in mediator.values())
    share = {i: _weight_value(w) / total_m for i, w in mediator.items()} if total_m > 0 else {}
    left_out = {i: s for i, s in share.items() if i not in given}
    room = 1.0 - sum(left_out.values())
    total_p = sum(given.values())
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for iid, points in given.items():
        v = room * points / total_p
        out[iid] = {"value": v, "assumption": note}
        if rel is not None:
            out[iid]["range"] = [v * (1 - rel), v * (1 + rel)]
        origin[iid] = "party"
    for iid, s in left_out.items():
        entry = mediator[iid]
        scaled: dict[str, Any] = {"value": s, "assumption": "mediator's estimate"}
        if isinstance(entry, dict) and entry.get("range") and total_m > 0:
            lo, hi = entry["range"]
            scaled["range"] = [lo / total_m, hi / total_m]
        out[iid] = scaled
        origin[iid] = "mediator"
    return out, origin


def _party_preferences(
    scenario: Scenario, prefs: dict[str, Any] | None, sub: Submitted, party: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    data = sub.data
    note = f"submitted by {party} (version {sub.version})"
    prefs = dict(prefs or {"weights": {}, "values": {}})
    sure = data.sureness
    origin: dict[str, Any] = {"version": sub.version}
    weights = dict(prefs.get("weights", {}))
    if data.weights:
        weights, origin["weights"] = _merge_weights(
            weights, data.weights, sure.weights if sure else None, note
        )
    else:
        origin["weights"] = dict.fromkeys(weights, "mediator")
    values = dict(prefs.get("values", {}))
    origin["values"] = dict.fromkeys(values, "mediator")
    spread = sure.ratings / 100 if sure and sure.ratings is not None else None
    for iid in [*data.ratings, *(i for i in data.ranking if i not in data.ratings)]:
        outcomes = {
            o.id: tuple(o.contingent.outcomes) for o in scenario.issue(iid).options if o.contingent
        }
        values[iid] = {}
        for oid, r in issue_ratings(scenario, data, iid).items():
            if oid in outcomes:  # a contingent option: a value per outcome
                per = r if isinstance(r, dict) else dict.fromkeys(outcomes[oid], r)
                values[iid][oid] = {
                    e: _estimate(v / 100, spread, 0.0, 1.0, note) for e, v in per.items()
                }
            else:
                assert not isinstance(r, dict)
                values[iid][oid] = _estimate(r / 100, spread, 0.0, 1.0, note)
        origin["values"][iid] = "party"
    beliefs = dict(prefs.get("beliefs", {}))
    origin["beliefs"] = dict.fromkeys(beliefs, "mediator")
    b_spread = sure.beliefs if sure else None
    for eid, probs in data.beliefs.items():
        beliefs[eid] = {o: _estimate(p, b_spread, 0.0, 1.0, note) for o, p in probs.items()}
        origin["beliefs"][eid] = "party"
    rated = set(data.ratings) | set(data.ranking)
    kept = [i for i in prefs.get("interactions", []) if not rated & set(i["when"])]
    origin["interactions"] = {
        "kept": len(kept),
        "dropped": len(prefs.get("interactions", [])) - len(kept),
    }
    merged: dict[str, Any] = {
        "weights": weights,
        "values": values,
        "beliefs": beliefs,
        "interactions": kept,
        "assumption": f"{note} where given; the mediator's estimates elsewhere",
    }
    if sure is not None and any(v is not None for v in (sure.weights, sure.ratings, sure.beliefs)):
        base = dict(prefs.get("uncertainty", {}))
        for key, value in (("weights", sure.weights), ("values", spread), ("beliefs", b_spread)):
            if value is not None:
                base[key] = value
        merged["uncertainty"] = base
    elif "uncertainty" in prefs:
        merged["uncertainty"] = prefs["uncertainty"]
    return merged, origin


def _merge_no_deal(party: dict[str, Any], sub: Submitted, pid: str, lottery: bool) -> str:
    data = sub.data
    if data.no_deal is None:
        return "mediator"
    if lottery:  # set on the merged scenario by _stated_no_deal
        return "party"
    old = dict(party.get("no_deal", {}))
    nd: dict[str, Any] = {
        "utility": data.no_deal / 100,
        "assumption": f"submitted by {pid} (version {sub.version})",
    }
    for key in ("monthly_change", "monthly_change_range"):
        if key in old:
            nd[key] = old[key]
    if data.sureness is not None and data.sureness.no_deal is not None:
        nd["range"] = [data.sureness.no_deal[0] / 100, data.sureness.no_deal[1] / 100]
    party["no_deal"] = nd
    return "party"


_PLAIN: dict[int, tuple[Scenario, dict[str, Any]]] = {}


def _plain(base: Scenario) -> dict[str, Any]:
    """``scenario_to_data(base)``, computed once per scenario object (read-only: do not mutate)."""
    hit = _PLAIN.get(id(base))
    if hit is None or hit[0] is not base:
        if len(_PLAIN) > 64:
            _PLAIN.clear()
        hit = (base, scenario_to_data(base))
        _PLAIN[id(base)] = hit
    return hit[1]


def merge(
    base: Scenario,
    submissions: Mapping[str, Submitted],
    *,
    only: str | None = None,
    label: str = "<merged>",
) -> Merged:
    """The mediator's scenario with each party's latest submission merged in.

    Parameters
    ----------
    base:
        The negotiation's scenario (the mediator's estimates).
    submissions:
        ``{party id: Submitted}``.
    only:
        Keep the preferences of this party alone (what a party's own view and
        the check of its submission use, so that nothing about another party
        can enter them).
    label:
        Name used in error locations.

    Raises
    ------
    ScenarioError
        The merged data is not a valid scenario (e.g. a party weighted an
        issue that nobody has values for).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> from peacetable.web.elicitation import PreferenceInput
    >>> from peacetable.core import prepare
    >>> m = merge(load_builtin(), {"RU": Submitted(PreferenceInput(no_deal=50), 1)})
    >>> round(float(prepare(m.scenario).no_deal[0]), 9), m.provenance["RU"]["no_deal"]
    (0.5, 'party')
    """
    scenario, provenance = _merged(base, submissions, only, label)
    return Merged(_stated_no_deal(scenario, submissions, only), provenance)


def check_submission(base: Scenario, party: str, data: PreferenceInput) -> None:
    """Raise when *party*'s submission *data* does not merge into a valid scenario.

    The check :func:`merge` makes on the party's own view (``only=party``),
    without solving the stated no deal for the lottery's cost of fighting on,
    which cannot fail on a valid scenario (what the save of a submission needs).

    Raises
    ------
    ScenarioError
        The merged data is not a valid scenario, with the problems' locations.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> check_submission(load_builtin(), "RU", PreferenceInput(no_deal=50)) is None
    True
    """
    _merged(base, {party: Submitted(data, 0)}, party, "submission")


def _merged(
    base: Scenario, submissions: Mapping[str, Submitted], only: str | None, label: str
) -> tuple[Scenario, dict[str, dict[str, Any]]]:
    """The validated merged scenario (before the stated no deal is solved) and its provenance."""
    cached = _plain(base)
    data = dict(cached)  # shallow: everything merge changes is copied on the way
    data["parties"] = [dict(p) for p in cached["parties"]]
    prefs_all: dict[str, Any] = dict(data.get("preferences", {}))
    provenance: dict[str, dict[str, Any]] = {}
    parties = {p["id"]: p for p in data["parties"]}
    lottery = bool(base.disagreement.outcomes)
    for pid in base.negotiating_party_ids:
        prefs = prefs_all[pid]
        provenance[pid] = {
            "version": None,
            "weights": dict.fromkeys(prefs.get("weights", {}), "mediator"),
            "values": dict.fromkeys(prefs.get("values", {}), "mediator"),
            "beliefs": dict.fromkeys(prefs.get("beliefs", {}), "mediator"),
            "no_deal": "mediator",
            "interactions": {"kept": len(prefs.get("interactions", [])), "dropped": 0},
        }
    for pid, sub in submissions.items():
        merged, origin = _party_preferences(base, prefs_all.get(pid), sub, pid)
        prefs_all[pid] = merged
        origin["no_deal"] = _merge_no_deal(parties[pid], sub, pid, lottery)
        provenance[pid] = origin
    if only is not None:
        prefs_all = {only: prefs_all[only]} if only in prefs_all else {}
        provenance = {only: provenance[only]} if only in provenance else {}
        fast = _one_party(base, only, prefs_all.get(only), parties[only])
        if fast is not None:
            return fast, provenance
        data["implementation"] = []
        if "disagreement" in data:
            data["disagreement"] = _own_disagreement(data["disagreement"], only)
    data["preferences"] = prefs_all
    return scenario_from_data(data, file=label), provenance


def _stated_no_deal(
    scenario: Scenario, submissions: Mapping[str, Submitted], only: str | None
) -> Scenario:
    """The merged scenario whose lottery no deal is worth what each party stated today.

    The core's :func:`~peacetable.core.stated.with_stated_no_deal` solves each
    stating party's cost of fighting on (Fearon 1995); a scenario without a
    lottery is returned unchanged (its ``no_deal`` was replaced directly).
    """
    if not scenario.disagreement.outcomes:
        return scenario
    stated = {}
    for pid, sub in submissions.items():
        value = sub.data.no_deal
        if value is None or pid not in scenario.negotiating_party_ids:
            continue
        if only is not None and pid != only:
            continue
        sure = sub.data.sureness.no_deal if sub.data.sureness is not None else None
        stated[pid] = StatedNoDeal(
            value / 100,
            None if sure is None else (sure[0] / 100, sure[1] / 100),
            f"{value:g}/100, submitted by {pid}, version {sub.version}",
        )
    return with_stated_no_deal(scenario, stated)


def _own_disagreement(block: Mapping[str, Any], party: str) -> dict[str, Any]:
    """The disagreement block with only *party*'s beliefs and costs (its own view)."""
    out = dict(block)
    for key in ("beliefs", "costs"):
        if key in out:
            out[key] = {p: v for p, v in out[key].items() if p == party}
    return out


def _one_party(
    base: Scenario, party: str, prefs: dict[str, Any] | None, party_data: dict[str, Any]
) -> Scenario | None:
    """The one-party scenario, validating only what changed (pydantic, then the cross checks).

    The party's own view holds nothing the mediator estimated about another
    party: their preferences, their beliefs and costs in the disagreement
    block, and the implementation plans (each step's value to every party)
    are left out.

    Equivalent to :func:`scenario_from_data` on the whole data, whose other
    parts are already valid; ``None`` when anything is wrong, so the caller
    takes the full path and reports the problems with their locations.
    """
    try:
        nd = party_data.get("no_deal")  # none when no deal is a lottery (disagreement block)
        new_party = base.party(party).model_copy(
            update={"no_deal": None if nd is None else NoDeal.model_validate(nd)}
        )
        preferences = FrozenDict(
            {party: Preferences.model_validate(prefs)} if prefs is not None else {}
        )
    except ValidationError:
        return None
    own = base.disagreement
    disagreement = own.model_copy(
        update={
            "beliefs": FrozenDict({p: v for p, v in own.beliefs.items() if p == party}),
            "costs": FrozenDict({p: v for p, v in own.costs.items() if p == party}),
        }
    )
    scenario = base.model_copy(
        update={
            "parties": tuple(new_party if p.id == party else p for p in base.parties),
            "preferences": preferences,
            "disagreement": disagreement,
            "implementation": (),
        }
    )
    # The basis checks are skipped: every number here is either the checked base's
    # or the party's, which cites no source (and _what_changed drops the proposals
    # whose hindsight sources those checks would need).
    return None if find_problems(_what_changed(scenario), basis=False) else scenario


def _what_changed(scenario: Scenario) -> Scenario:
    """The one-party scenario without its constraints and proposals, for the cross checks.

    They are the base scenario's, already valid, and their checks read only
    the parties' ids, the issues and the sources, which the one-party view
    does not change; the disagreement block may name a proposal, so then the
    proposals stay (without constraints to check them against).
    """
    keep = isinstance(scenario.disagreement.package, str) and any(
        p.id == scenario.disagreement.package for p in scenario.proposals
    )
    return scenario.model_copy(
        update={"constraints": (), "proposals": scenario.proposals if keep else ()}
    )
