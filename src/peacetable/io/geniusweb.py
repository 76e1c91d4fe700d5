"""Import and export GeniusWeb JSON profiles.

GeniusWeb (Jonker & de Jonge, TU Delft) stores a profile as JSON, a
``LinearAdditiveUtilitySpace`` whose ``issueUtilities`` give each value's
utility in 0..1 directly (``DiscreteValueSetUtilities`` or the linear
``NumberValueSetUtilities``), with ``issueWeights`` summing to 1 and a
``reservationBid`` (no deal = the utility of that bid). Every profile embeds
the domain (``issuesValues``: a list of values or a numeric ``range``).

Mapping onto a scenario
-----------------------
As for GENIUS XML (:mod:`peacetable.io.genius`, which holds the shared
helpers: ids from names, the scenario data, the linear-additive export
check): issues and values become issues and options, utilities are
reproduced exactly (``u = sum_i w_i u_i(x_i)``), number ranges expand to at
most :data:`~peacetable.io.genius.MAX_OPTIONS` options. A party's no-deal
utility is the utility of its reservation bid; a complete reservation bid is
kept as the proposal ``reservation_<party>`` so that export can write it
back. Export needs a linear-additive scenario (no interactions, no
constraints).

References
----------
.. [1] GeniusWeb documentation, TU Delft Interactive Intelligence group:
   ``geniusweb.profile.utilityspace.LinearAdditiveUtilitySpace``.
.. [2] Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K. &
   Jonker, C. M. (2014). Genius: an integrated environment for supporting
   the design of generic automated negotiators. *Computational
   Intelligence* 30(1), 48-70.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from peacetable.errors import InputError, Location
from peacetable.io.genius import MAX_OPTIONS, PathLike, _linear_tables, _scenario_data
from peacetable.io.scenario_files import scenario_from_data, write_text_atomic
from peacetable.model import Scenario

__all__ = ["load_geniusweb", "save_geniusweb"]


# ---------------------------------------------------------------- reading


def _json(path: PathLike) -> Any:
    label = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise InputError("no such file", Location(file=label)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", Location(file=label)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", Location(file=label, line=exc.lineno, column=exc.colno)
        ) from None


def _gw_values(spec: Any, file: str, where: str) -> list[str]:
    if not isinstance(spec, dict):
        raise InputError(
            "expected {'values': [...]} or {'range': {...}}", Location(file=file, field=where)
        )
    if "values" in spec and isinstance(spec["values"], list):
        return [str(v) for v in spec["values"]]
    rng = spec.get("range")
    if isinstance(rng, dict):
        try:
            low, high, step = (Decimal(str(rng[k])) for k in ("low", "high", "step"))
        except (KeyError, InvalidOperation):
            raise InputError(
                "a range needs numeric low, high and step", Location(file=file, field=where)
            ) from None
        if step <= 0 or high < low or (high - low) / step + 1 > MAX_OPTIONS:
            raise InputError(
                f"range {low}..{high} step {step} must hold 1..{MAX_OPTIONS} values",
                Location(file=file, field=where),
            )
        n = int((high - low) / step) + 1
        return [str(low + k * step) for k in range(n)]
    raise InputError(
        "expected {'values': [...]} or {'range': {...}}", Location(file=file, field=where)
    )


def _gw_utility(spec: Any, value: str, file: str, where: str) -> float:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise InputError("expected one ValueSetUtilities object", Location(file=file, field=where))
    kind, body = next(iter(spec.items()))
    if kind == "DiscreteValueSetUtilities" and isinstance(body, dict):
        table = body.get("valueUtilities", {})
        u = table.get(value, 0.0) if isinstance(table, dict) else None
    elif kind == "NumberValueSetUtilities" and isinstance(body, dict):
        try:
            lv, lu, hv, hu = (
                Decimal(str(body[k]))
                for k in ("lowValue", "lowUtility", "highValue", "highUtility")
            )
        except (KeyError, InvalidOperation):
            raise InputError(
                "NumberValueSetUtilities needs lowValue, lowUtility, highValue, highUtility",
                Location(file=file, field=where),
            ) from None
        v = Decimal(value)
        if hv == lv or not lv <= v <= hv:
            u = float(lu) if v == lv else 0.0
        else:
            u = float(lu + (v - lv) / (hv - lv) * (hu - lu))
    else:
        raise InputError(
            f"unsupported value-set utilities {kind!r}", Location(file=file, field=where)
        )
    if not isinstance(u, int | float) or not 0.0 <= float(u) <= 1.0:
        raise InputError(
            f"utility of {value!r} must be a number in 0..1, got {u!r}",
            Location(file=file, field=where),
        )
    return float(u)


def _bid_label(labels: list[str], value: Any) -> str | None:
    """The domain label a bid value denotes (numbers compare by value: ``3000 == 3000.0``)."""
    if str(value) in labels:
        return str(value)
    try:
        number = Decimal(str(value))
        return next((lab for lab in labels if Decimal(lab) == number), None)
    except InvalidOperation:
        return None


def load_geniusweb(profiles: Sequence[PathLike], *, scenario_id: str | None = None) -> Scenario:
    """Import GeniusWeb ``LinearAdditiveUtilitySpace`` JSON profiles (one per party) as a scenario.

    Parameters
    ----------
    profiles:
        Profile files; each embeds the domain, which must be the same in all.
    scenario_id:
        Id of the scenario (default: the domain's name).

    Returns
    -------
    Scenario
        Utilities equal GeniusWeb's ``sum_i w_i u_i(x_i)``; each party's
        no-deal utility is the utility of its ``reservationBid`` (0 without
        one), and a complete reservation bid is kept as proposal
        ``reservation_<party>``.

    Raises
    ------
    InputError
        Malformed JSON, unsupported utilities, mismatched domains, weights
        not summing to 1; the message names the file and the field.

    References
    ----------
    .. [1] GeniusWeb, ``geniusweb.profile.utilityspace.LinearAdditiveUtilitySpace``.
    """
    if not profiles:
        raise InputError("a GeniusWeb import needs at least one profile file")
    domain: Any = None
    parties = []
    reservation_bids: list[dict[str, str] | None] = []
    issues: list[tuple[str, list[str]]] = []
    for path in profiles:
        file = str(path)
        raw = _json(path)
        space = raw.get("LinearAdditiveUtilitySpace") if isinstance(raw, dict) else None
        if not isinstance(space, dict):
            raise InputError(
                "expected a {'LinearAdditiveUtilitySpace': {...}} profile", Location(file=file)
            )
        dom = space.get("domain")
        if not isinstance(dom, dict) or not isinstance(dom.get("issuesValues"), dict):
            raise InputError("missing domain.issuesValues", Location(file=file, field="domain"))
        if domain is None:
            domain = dom
            issues = [
                (n, _gw_values(spec, file, f"domain.issuesValues.{n}"))
                for n, spec in dom["issuesValues"].items()
            ]
        elif dom != domain:
            raise InputError(
                "the profile's domain differs from the first profile's",
                Location(file=file, field="domain"),
            )
        utils, weights = space.get("issueUtilities", {}), space.get("issueWeights", {})
        if not isinstance(utils, dict) or not isinstance(weights, dict):
            raise InputError("issueUtilities and issueWeights must be objects", Location(file=file))
        values: dict[str, dict[str, float]] = {}
        w: dict[str, float] = {}
        for name, labels in issues:
            if name not in utils or name not in weights:
                raise InputError(
                    f"no utilities or weight for issue {name!r}",
                    Location(file=file, field="issueUtilities"),
                )
            wv = weights[name]
            if not isinstance(wv, int | float) or isinstance(wv, bool) or wv < 0:
                raise InputError(
                    f"weight {wv!r} must be a non-negative number",
                    Location(file=file, field=f"issueWeights.{name}"),
                )
            w[name] = float(wv)
            values[name] = {
                v: _gw_utility(utils[name], v, file, f"issueUtilities.{name}") for v in labels
            }
        if abs(sum(w.values()) - 1.0) > 1e-6:
            raise InputError(
                f"issueWeights sum to {sum(w.values())!r}, not 1",
                Location(file=file, field="issueWeights"),
            )
        bid = space.get("reservationBid")
        reservation = 0.0
        res_pkg: dict[str, str] | None = None
        if bid is not None:
            iv = bid.get("issuevalues") if isinstance(bid, dict) else None
            if not isinstance(iv, dict):
                raise InputError(
                    "reservationBid must be {'issuevalues': {...}}",
                    Location(file=file, field="reservationBid"),
                )
            known = dict(issues)
            chosen: dict[str, str] = {}
            for name, val in iv.items():
                label = _bid_label(known.get(name, []), val)
                if label is None:
                    raise InputError(
                        f"reservation bid value {name}={val!r} is not in the domain",
                        Location(file=file, field="reservationBid"),
                    )
                chosen[name] = label
            reservation = sum(w[n] * values[n][v] for n, v in chosen.items())
            res_pkg = chosen if len(chosen) == len(issues) else None
        name = str(space.get("name") or Path(path).stem)
        parties.append(
            (name, w, values, reservation, f"imported from GeniusWeb profile {Path(path).name}")
        )
        reservation_bids.append(res_pkg)
    sid = scenario_id or str(domain.get("name") or "geniusweb")
    data = _scenario_data(
        sid, f"GeniusWeb domain {domain.get('name', '')}".strip(), issues, parties
    )
    label_to_id = [{o["label"]: o["id"] for o in issue["options"]} for issue in data["issues"]]
    proposals = []
    for party, bid in zip(data["parties"], reservation_bids, strict=True):
        if bid is not None:
            pkg = {
                issue["id"]: label_to_id[k][bid[name]]
                for k, (issue, (name, _)) in enumerate(zip(data["issues"], issues, strict=True))
            }
            proposals.append(
                {
                    "id": f"reservation_{party['id']}"[:64],
                    "name": f"Reservation bid of {party['name']}",
                    "package": pkg,
                }
            )
    if proposals:
        data["proposals"] = proposals
    return scenario_from_data(data, file=str(profiles[0]))


# ---------------------------------------------------------------- writing


def save_geniusweb(scenario: Scenario, folder: PathLike) -> tuple[list[Path], list[str]]:
    """Write one GeniusWeb ``LinearAdditiveUtilitySpace`` JSON profile per party.

    Weights are each party's normalised weights and value utilities its
    (belief-weighted) option values, so GeniusWeb's ``sum_i w_i u_i`` equals
    the scenario's utility. The reservation bid is the proposal
    ``reservation_<party>`` when it exists (an import keeps it); otherwise it
    is left null and a warning says that the no-deal utility was not carried
    over.

    Returns
    -------
    (paths, warnings)

    Raises
    ------
    InputError
        Interactions or constraints.
    """
    names, labels, cs = _linear_tables(scenario)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    domain = {
        "name": scenario.id,
        "issuesValues": {n: {"values": labs} for n, labs in zip(names, labels, strict=True)},
    }
    paths, warnings = [], []
    proposals = {p.id: p for p in scenario.proposals}
    for p, pid in enumerate(cs.party_ids):
        weights = scenario.preferences[pid].normalised_weights()
        w = [weights.get(iid, 0.0) for iid in cs.issue_ids]
        utils = {
            n: {
                "DiscreteValueSetUtilities": {
                    "valueUtilities": {
                        v: (float(t[j, p]) / wi if wi > 0 else 0.0) for j, v in enumerate(labs)
                    }
                }
            }
            for n, labs, t, wi in zip(names, labels, cs.tables, w, strict=True)
        }
        reservation: Any = None
        prop = proposals.get(f"reservation_{pid}"[:64])
        if prop is not None:
            pkg = scenario.complete_package(prop.package)
            reservation = {
                "issuevalues": {
                    n: labs[scenario.issues[k].option_ids.index(pkg[scenario.issues[k].id])]
                    for k, (n, labs) in enumerate(zip(names, labels, strict=True))
                }
            }
        elif float(cs.no_deal[p]) != 0.0:
            warnings.append(
                f"{pid}: no reservation_{pid} proposal, so reservationBid is null and the no-deal "
                f"utility {float(cs.no_deal[p])!r} is not carried over"
            )
        profile = {
            "LinearAdditiveUtilitySpace": {
                "name": pid,
                "domain": domain,
                "issueUtilities": utils,
                "issueWeights": dict(zip(names, w, strict=True)),
                "reservationBid": reservation,
            }
        }
        path = out / f"{pid}.json"
        write_text_atomic(path, json.dumps(profile, indent=2, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths, warnings
