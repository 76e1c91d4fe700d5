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

from peacetable.errors import InputError, Location, PeacetableError
from peacetable.io.genius import (
    MAX_OPTIONS,
    PathLike,
    _linear_tables,
    _scenario_data,
    _scenario_for_files,
)
from peacetable.io.json_parse import parse_json, position_of
from peacetable.io.textfiles import read_text, write_text_atomic
from peacetable.model import Scenario

__all__ = ["is_geniusweb_profile", "load_geniusweb", "save_geniusweb"]


# ---------------------------------------------------------------- reading


class _Profile:
    """One GeniusWeb profile file: its data and where each field is written."""

    def __init__(self, path: PathLike) -> None:
        self.file = str(path)
        text = read_text(path)
        self.data, self.positions = parse_json(text, self.file)

    def error(self, message: str, *path: str | int) -> InputError:
        """An :class:`InputError` at *path* (keys below ``LinearAdditiveUtilitySpace``)."""
        key = ("LinearAdditiveUtilitySpace", *path) if path else ()
        line, column = position_of(self.positions, key)
        field = ".".join(str(p) for p in path) or None
        return InputError(message, Location(self.file, line, column, field))


def _gw_values(spec: Any, prof: _Profile, name: str) -> list[str]:
    where = ("domain", "issuesValues", name)
    if not isinstance(spec, dict):
        raise prof.error("expected {'values': [...]} or {'range': {...}}", *where)
    if "values" in spec and isinstance(spec["values"], list):
        if not 0 < len(spec["values"]) <= MAX_OPTIONS:
            raise prof.error(f"an issue needs 1..{MAX_OPTIONS} values", *where)
        return [str(v) for v in spec["values"]]
    rng = spec.get("range")
    if isinstance(rng, dict):
        try:
            low, high, step = (Decimal(str(rng[k])) for k in ("low", "high", "step"))
        except (KeyError, InvalidOperation):
            raise prof.error("a range needs numeric low, high and step", *where) from None
        if not (low.is_finite() and high.is_finite() and step.is_finite()):
            raise prof.error("a range needs finite low, high and step", *where)
        if step <= 0 or high < low or (high - low) / step + 1 > MAX_OPTIONS:
            raise prof.error(
                f"range {low}..{high} step {step} must hold 1..{MAX_OPTIONS} values", *where
            )
        n = int((high - low) / step) + 1
        return [str(low + k * step) for k in range(n)]
    raise prof.error("expected {'values': [...]} or {'range': {...}}", *where)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _gw_utility(spec: Any, value: str, prof: _Profile, name: str) -> float:
    where = ("issueUtilities", name)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise prof.error("expected one ValueSetUtilities object", *where)
    kind, body = next(iter(spec.items()))
    u: Any
    if kind == "DiscreteValueSetUtilities" and isinstance(body, dict):
        table = body.get("valueUtilities", {})
        u = table.get(value, 0.0) if isinstance(table, dict) else None
    elif kind == "NumberValueSetUtilities" and isinstance(body, dict):
        lv, lu, hv, hu = (
            _number(body.get(k)) for k in ("lowValue", "lowUtility", "highValue", "highUtility")
        )
        if lv is None or lu is None or hv is None or hu is None:
            raise prof.error(
                "NumberValueSetUtilities needs numeric lowValue, lowUtility, highValue, highUtility",
                *where,
            )
        v = Decimal(value)
        if hv == lv or not lv <= v <= hv:
            u = float(lu) if v == lv else 0.0
        else:
            u = float(lu + (v - lv) / (hv - lv) * (hu - lu))
    else:
        raise prof.error(f"unsupported value-set utilities {str(kind)[:40]!r}", *where)
    if isinstance(u, bool) or not isinstance(u, int | float) or not 0.0 <= float(u) <= 1.0:
        shown = repr(u) if isinstance(u, int | float | str | None) else type(u).__name__
        raise prof.error(f"utility of {value!r} must be a number in 0..1, got {shown[:40]}", *where)
    return float(u)


def _bid_label(labels: list[str], value: Any) -> str | None:
    """The domain label a bid value denotes (numbers compare by value: ``3000 == 3000.0``)."""
    if str(value) in labels:
        return str(value)
    number = _number(value)
    if number is None:
        return None
    for lab in labels:
        other = _number(lab)
        if other is not None and other == number:
            return lab
    return None


def _reservation(
    space: dict[str, Any],
    prof: _Profile,
    issues: list[tuple[str, list[str]]],
    w: list[float],
    values: list[dict[str, float]],
) -> tuple[float, dict[str, str] | None]:
    """The utility of a profile's reservation bid and, when complete, the bid itself."""
    bid = space.get("reservationBid")
    if bid is None:
        return 0.0, None
    iv = bid.get("issuevalues") if isinstance(bid, dict) else None
    if not isinstance(iv, dict):
        raise prof.error("reservationBid must be {'issuevalues': {...}}", "reservationBid")
    position = {name: k for k, (name, _) in enumerate(issues)}
    chosen: dict[str, str] = {}
    for name, val in iv.items():
        k = position.get(name)
        label = _bid_label(issues[k][1], val) if k is not None else None
        if label is None:
            shown = repr(val) if isinstance(val, str | int | float) else type(val).__name__
            raise prof.error(
                f"reservation bid value {name}={shown[:40]} is not in the domain",
                "reservationBid",
                "issuevalues",
                name,
            )
        chosen[name] = label
    reservation = sum(w[position[n]] * values[position[n]][v] for n, v in chosen.items())
    return reservation, (chosen if len(chosen) == len(issues) else None)


_Party = tuple[str, list[float], list[dict[str, float]], float, str]


def _read_profile(
    prof: _Profile, domain: Any
) -> tuple[Any, list[tuple[str, list[str]]], _Party, dict[str, str] | None]:
    """Domain, issues, party data and complete reservation bid (or None) of one profile."""
    raw = prof.data
    space = raw.get("LinearAdditiveUtilitySpace") if isinstance(raw, dict) else None
    if not isinstance(space, dict):
        raise prof.error("expected a {'LinearAdditiveUtilitySpace': {...}} profile")
    dom = space.get("domain")
    if not isinstance(dom, dict) or not isinstance(dom.get("issuesValues"), dict):
        raise prof.error("missing domain.issuesValues", "domain")
    if domain is not None and dom != domain:
        raise prof.error("the profile's domain differs from the first profile's", "domain")
    if not dom["issuesValues"]:
        raise prof.error("the domain has no issues", "domain", "issuesValues")
    issues = [(str(n), _gw_values(spec, prof, n)) for n, spec in dom["issuesValues"].items()]
    utils, weights = space.get("issueUtilities", {}), space.get("issueWeights", {})
    if not isinstance(utils, dict) or not isinstance(weights, dict):
        raise prof.error("issueUtilities and issueWeights must be objects")
    values: list[dict[str, float]] = []
    w: list[float] = []
    for name, labels in issues:
        if name not in utils or name not in weights:
            raise prof.error(f"no utilities or weight for issue {name!r}", "issueUtilities")
        wv = weights[name]
        if isinstance(wv, bool) or not isinstance(wv, int | float) or not 0 <= wv <= 1:
            shown = repr(wv) if isinstance(wv, str | int | float) else type(wv).__name__
            raise prof.error(f"weight {shown[:40]} must be a number in 0..1", "issueWeights", name)
        w.append(float(wv))
        values.append({v: _gw_utility(utils[name], v, prof, name) for v in labels})
    if abs(sum(w) - 1.0) > 1e-6:
        raise prof.error(f"issueWeights sum to {sum(w)!r}, not 1", "issueWeights")
    reservation, res_pkg = _reservation(space, prof, issues, w, values)
    name = str(space.get("name") or Path(prof.file).stem)
    note = f"imported from GeniusWeb profile {Path(prof.file).name}"
    return dom, issues, (name, w, values, reservation, note), res_pkg


def load_geniusweb(profiles: Sequence[PathLike], *, scenario_id: str | None = None) -> Scenario:
    """Import GeniusWeb ``LinearAdditiveUtilitySpace`` JSON profiles (one per party) as a scenario.

    Parameters
    ----------
    profiles:
        Profile files; each embeds the domain, which must be the same in all.
        A UTF-8 byte-order mark is accepted.
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
        not summing to 1; the message names the file, the line and the field.

    References
    ----------
    .. [1] GeniusWeb, ``geniusweb.profile.utilityspace.LinearAdditiveUtilitySpace``.
    """
    if not profiles:
        raise InputError("a GeniusWeb import needs at least one profile file")
    domain: Any = None
    issues: list[tuple[str, list[str]]] = []
    parties: list[_Party] = []
    reservation_bids: list[dict[str, str] | None] = []
    for path in profiles:
        domain, issues, party, res_pkg = _read_profile(_Profile(path), domain)
        parties.append(party)
        reservation_bids.append(res_pkg)
    sid = scenario_id or str(domain.get("name") or "geniusweb")
    data = _scenario_data(
        sid, f"GeniusWeb domain {domain.get('name', '')}".strip(), issues, parties
    )
    label_to_id = [{o["label"]: o["id"] for o in issue["options"]} for issue in data["issues"]]
    proposals = []
    for party_data, bid in zip(data["parties"], reservation_bids, strict=True):
        if bid is not None:
            pkg = {
                issue["id"]: label_to_id[k][bid[name]]
                for k, (issue, (name, _)) in enumerate(zip(data["issues"], issues, strict=True))
            }
            proposals.append(
                {
                    "id": f"reservation_{party_data['id']}"[:64],
                    "name": f"Reservation bid of {party_data['name']}",
                    "package": pkg,
                }
            )
    if proposals:
        data["proposals"] = proposals
    return _scenario_for_files(data, str(profiles[0]), [str(p) for p in profiles])


def is_geniusweb_profile(path: PathLike) -> bool:
    """Whether *path* is a readable JSON file holding a ``LinearAdditiveUtilitySpace``.

    Never raises: a file that cannot be read or parsed is simply not a profile.
    """
    try:
        data, _ = parse_json(read_text(path), str(path))
    except (PeacetableError, OSError):
        return False
    return isinstance(data, dict) and "LinearAdditiveUtilitySpace" in data


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
