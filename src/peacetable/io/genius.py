"""Import and export GENIUS XML domains and profiles.

GENIUS (Lin et al. 2014) describes a negotiation by one *domain* XML file
(issues and their values) and one *profile* XML file per party. A profile is
linear-additive: the utility of an outcome is::

    u(x) = sum_i  w_i * eval_i(x_i) / max_v eval_i(v)          (discrete issues)
    eval_i(v) = clip(offset + slope * (v - lowerbound), 0, 1)    (integer issues)

with a reservation value (utility of no agreement) and an optional discount
factor. GeniusWeb's JSON profiles are read and written by
:mod:`peacetable.io.geniusweb`, which shares this module's helpers (ids from
names, the scenario data built from linear-additive profiles, the export
check).

Mapping onto a scenario
-----------------------
* Issues and values become issues and options (ids are slugs of the names,
  the names are kept as labels); integer issues become one option per
  integer (at most :data:`MAX_OPTIONS`). Real-valued issues cannot be
  represented exactly by finitely many options and are refused with an
  :class:`~peacetable.errors.InputError`.
* Utilities are reproduced exactly. peacetable normalises weights to sum 1;
  when a GENIUS profile's weights sum to ``W <= 1`` the option values are
  stored multiplied by ``W``, so the scenario's utility equals the GENIUS
  utility. When ``W > 1`` (the ANAC Laptop profiles: ``W = 1.0000518``)
  values above 1 would be needed; the scenario's utility is then the GENIUS
  utility divided by ``W`` -- a positive rescaling of one party's utility,
  which changes neither its preferences nor the Pareto frontier nor the Nash
  point -- and the reservation value is divided by ``W`` too. The preference
  record's ``assumption`` says so.
* The discount factor is recorded (in ``assumption``) but not applied: it
  discounts utilities by the time an agreement is reached in an
  alternating-offers protocol, while the agreement-space analyses are
  timeless; since the discount multiplies a party's utilities and its
  reservation value by the same positive factor, frontier and Nash point are
  the same at every time anyway.
* Issues are identified by their ``index`` attribute, as in GENIUS: two
  issues may share a name (their ids are then made unique, ``Laptop`` and
  ``Laptop_2``). An issue whose largest evaluation is below
  :data:`ZERO_EVALUATION` is evaluated 0 for every value, as GENIUS's
  ``EvaluatorDiscrete`` does (an ANAC 2015 domain has such an issue).
* XML is parsed by :func:`peacetable.io.xml_parse.parse_xml` (entity
  declarations refused); every error names the file it is about -- the
  profile for a profile's problem -- with the line of the element.
* GENIUS ``similarity_function`` blocks (case-based agents, Car domain) are
  not part of the additive utility and are ignored.

Export writes the same format back. It needs a linear-additive scenario:
interactions and constraints have no GENIUS counterpart and are refused.

References
----------
.. [1] Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K. &
   Jonker, C. M. (2014). Genius: an integrated environment for supporting
   the design of generic automated negotiators. *Computational
   Intelligence* 30(1), 48-70.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple
from xml.sax.saxutils import quoteattr

from peacetable.core.compile import scenario_arrays
from peacetable.errors import InputError, Location, ScenarioError
from peacetable.io.json_parse import number_problem
from peacetable.io.scenario_files import scenario_from_data
from peacetable.io.textfiles import write_text_atomic
from peacetable.io.xml_parse import XmlDocument, parse_xml
from peacetable.model import Scenario

__all__ = [
    "MAX_OPTIONS",
    "ZERO_EVALUATION",
    "find_genius_domain",
    "load_genius",
    "save_genius",
    "slug",
]

#: Largest number of options an integer or number-range issue may expand to.
MAX_OPTIONS = 10_000

PathLike = str | os.PathLike[str]


def slug(text: str, prefix: str = "x") -> str:
    """An id (``^[A-Za-z][A-Za-z0-9_-]*$``, at most 64 characters) from a name.

    Examples
    --------
    >>> slug("Size of Fund"), slug("$100 Billion", "v"), slug("-3", "v"), slug("0.8", "v")
    ('Size_of_Fund', 'v100_Billion', 'v-3', 'v0_8')
    """
    s = re.sub(r"[^A-Za-z0-9_\-]+", "_", text.strip()).strip("_")
    if not s or not s[0].isalpha():
        s = f"{prefix}{s}"
    return s[:64]


def _unique(names: Sequence[str], prefix: str) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        base = slug(n, prefix)
        cand, k = base, 2
        while cand in seen:
            suffix = f"_{k}"
            cand, k = base[: 64 - len(suffix)] + suffix, k + 1
        seen.add(cand)
        out.append(cand)
    return out


# ---------------------------------------------------------------- GENIUS XML: reading

#: GENIUS evaluates a discrete issue as 0 for every value when its largest evaluation is below
#: this (``EvaluatorDiscrete``'s normalisation), instead of dividing by a near-zero maximum.
ZERO_EVALUATION = 1e-5


class _Issue(NamedTuple):
    """One issue of a GENIUS domain: its index attribute, name, value labels and element."""

    key: str
    name: str
    labels: list[str]
    element: ET.Element
    kind: str

    @property
    def where(self) -> str:
        return f"issue {self.name!r} (index {self.key})"


def _objective(doc: XmlDocument) -> ET.Element:
    obj = next(doc.root.iter("objective"), None)
    if obj is None:
        raise InputError(
            "no <objective> element (is this a GENIUS domain/profile?)", doc.at(doc.root)
        )
    return obj


def _issue_type(el: ET.Element) -> str:
    for attr in ("type", "vtype", "etype"):
        v = el.get(attr)
        if v and v != "objective":
            return v.lower()
    return "discrete"


def _number(doc: XmlDocument, el: ET.Element, attr: str, where: str) -> float:
    raw = el.get(attr)
    problem = number_problem(raw.strip()) if raw is not None and len(raw) > 24 else None
    try:
        value = float(raw) if raw is not None and problem is None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        shown = raw if raw is None or len(raw) <= 24 else f"{raw[:20]}…"
        raise InputError(f"attribute {attr}={shown!r} is not a finite number", doc.at(el, where))
    return value


def _domain_issues(path: PathLike) -> list[_Issue]:
    """Every issue of a GENIUS domain, in file order (identified by their ``index``)."""
    doc = parse_xml(path)
    out: list[_Issue] = []
    seen: dict[str, str] = {}
    for el in _objective(doc).iter("issue"):
        name, index = el.get("name"), el.get("index")
        where = f"issue {name!r} (index {index})"
        if name is None or index is None:
            raise InputError("an <issue> needs 'name' and 'index' attributes", doc.at(el, where))
        if index in seen:
            raise InputError(
                f"issue index {index} is used twice (by {seen[index]!r} and {name!r})",
                doc.at(el, where),
            )
        seen[index] = name
        kind = _issue_type(el)
        if kind == "discrete":
            values = [item.get("value") for item in el.findall("item")]
            if not values or any(v is None for v in values):
                raise InputError(
                    "a discrete issue needs <item value=...> children", doc.at(el, where)
                )
            if len(values) > MAX_OPTIONS:
                raise InputError(f"{len(values)} values: at most {MAX_OPTIONS}", doc.at(el, where))
            out.append(_Issue(index, name, [str(v) for v in values], el, kind))
        elif kind == "integer":
            low = _number(doc, el, "lowerbound", where)
            high = _number(doc, el, "upperbound", where)
            if not (low.is_integer() and high.is_integer()) or not 0 <= high - low < MAX_OPTIONS:
                raise InputError(
                    f"integer issue range {low:g}..{high:g} must hold 1..{MAX_OPTIONS} whole values",
                    doc.at(el, where),
                )
            labels = [str(v) for v in range(int(low), int(high) + 1)]
            out.append(_Issue(index, name, labels, el, kind))
        else:
            raise InputError(
                f"{kind}-valued issue cannot be represented exactly by finitely many options; "
                "discretise it (e.g. as an integer or discrete issue) before importing",
                doc.at(el, where),
            )
    if not out:
        raise InputError("the domain has no issues", doc.at(doc.root))
    return out


def _profile(
    path: PathLike, issues: list[_Issue]
) -> tuple[list[float], list[dict[str, float]], float, float | None]:
    """Weights and values (0..1, divided by the issue maximum) per domain issue; reservation, discount.

    A profile's issues and weights are matched to the domain's by ``index``
    (by name only where the index is absent and the name is unique), as GENIUS does.
    """
    doc = parse_xml(path)
    obj = _objective(doc)
    weights_by_index: dict[str | None, ET.Element] = {}
    for weight_el in obj.iter("weight"):
        weights_by_index.setdefault(weight_el.get("index"), weight_el)
    prof_issues: dict[str | None, ET.Element] = {}
    for issue_el in obj.iter("issue"):
        prof_issues.setdefault(issue_el.get("index"), issue_el)
    name_count = Counter(i.name for i in issues)
    weights: list[float] = []
    values: list[dict[str, float]] = []
    for issue in issues:
        where = issue.where
        el = prof_issues.get(issue.key)
        if el is None and name_count[issue.name] == 1:
            el = next((e for e in obj.iter("issue") if e.get("name") == issue.name), None)
        if el is None:
            raise InputError("the profile has no evaluation for this issue", doc.at(obj, where))
        w_el = weights_by_index.get(issue.key)
        if w_el is None:
            raise InputError("the profile has no <weight> for this issue", doc.at(obj, where))
        w = _number(doc, w_el, "value", f"weight index {issue.key}")
        if w < 0:
            raise InputError(f"weight {w} is negative", doc.at(w_el, f"weight index {issue.key}"))
        weights.append(w)
        values.append(_evaluations(doc, el, issue))
    res_el = doc.root.find("reservation")
    reservation = _number(doc, res_el, "value", "reservation") if res_el is not None else 0.0
    disc_el = doc.root.find("discount_factor")
    discount = _number(doc, disc_el, "value", "discount_factor") if disc_el is not None else None
    if sum(weights) <= 0:
        raise InputError("every issue weight is 0", doc.at(obj))
    return weights, values, reservation, discount


def _evaluations(doc: XmlDocument, el: ET.Element, issue: _Issue) -> dict[str, float]:
    """GENIUS's evaluation of each value of *issue*: eval / max eval (0 when max < 1e-5)."""
    where = issue.where
    if issue.kind == "integer":
        ev = el.find("evaluator")
        if ev is None:
            raise InputError(
                "integer issue needs an <evaluator slope=... offset=...>", doc.at(el, where)
            )
        slope = _number(doc, ev, "slope", where + "/evaluator")
        offset = _number(doc, ev, "offset", where + "/evaluator")
        low = int(issue.labels[0])
        # GENIUS does not divide integer evaluations by their maximum
        return {v: min(1.0, max(0.0, offset + slope * (int(v) - low))) for v in issue.labels}
    items: dict[str | None, ET.Element] = {}
    for item_el in el.findall("item"):
        items.setdefault(item_el.get("value"), item_el)
    evals: dict[str, float] = {}
    for v in issue.labels:
        it = items.get(v)
        if it is None:
            raise InputError(f"no evaluation of value {v!r}", doc.at(el, where))
        e = _number(doc, it, "evaluation", f"{where}/item {v!r}")
        if e < 0:
            raise InputError(f"evaluation {e} of {v!r} is negative", doc.at(it, where))
        evals[v] = e
    top = max(evals.values())
    if top < ZERO_EVALUATION:  # EvaluatorDiscrete: every value evaluates to 0
        return dict.fromkeys(evals, 0.0)
    return {v: e / top for v, e in evals.items()}


def _scenario_data(
    scenario_id: str,
    title: str,
    issues: list[tuple[str, list[str]]],
    parties: list[tuple[str, list[float], list[dict[str, float]], float, str]],
) -> dict[str, Any]:
    """Scenario data from per-party linear-additive profiles (names → ids here).

    Each party's weights and values are lists aligned with *issues* (two issues
    may share a name: GENIUS identifies them by index).
    """
    issue_ids = _unique([n for n, _ in issues], "issue")
    option_ids = [_unique(labels, "v") for _, labels in issues]
    party_ids = _unique([p[0] for p in parties], "party")
    data: dict[str, Any] = {
        "format": "peacetable/1",
        "id": slug(scenario_id, "scenario"),
        "title": title,
        "parties": [],
        "issues": [
            {
                "id": iid,
                "name": name,
                "options": [{"id": o, "label": lab} for o, lab in zip(oids, labels, strict=True)],
            }
            for iid, (name, labels), oids in zip(issue_ids, issues, option_ids, strict=True)
        ],
        "preferences": {},
        # every outcome of a GENIUS domain is an agreement; no deal is the reservation value
        "disagreement": {"package": "none"},
    }
    for pid, (pname, weights, values, reservation, note) in zip(party_ids, parties, strict=True):
        total = sum(weights)
        scale = total if total <= 1.0 else 1.0
        if total > 1.0:
            note += (
                f"; weights sum to {total!r} > 1: utilities (and the reservation value) here are the "
                f"source's divided by {total!r}, a positive rescaling that keeps preferences, "
                "frontier and Nash point"
            )
            reservation = reservation / total
        data["parties"].append({"id": pid, "name": pname, "no_deal": {"utility": reservation}})
        data["preferences"][pid] = {
            "weights": dict(zip(issue_ids, weights, strict=True)),
            "values": {
                iid: {o: vals[lab] * scale for o, lab in zip(oids, labels, strict=True)}
                for iid, (_, labels), oids, vals in zip(
                    issue_ids, issues, option_ids, values, strict=True
                )
            },
            "assumption": note,
        }
    return data


def _scenario_for_files(
    data: dict[str, Any], main_file: str, party_files: Sequence[str]
) -> Scenario:
    """Validate imported scenario data; a problem with a party's data names that party's file."""
    try:
        return scenario_from_data(data, file=main_file)
    except ScenarioError as exc:
        ids = [p["id"] for p in data["parties"]]
        problems = []
        for problem in exc.problems:
            loc = problem.location or Location()
            owner = _party_of(loc.field or "", ids)
            if owner is not None:
                loc = Location(party_files[owner], None, None, loc.field)
            problems.append(ScenarioError(problem.message, loc))
        raise ScenarioError(problems[0].message, problems[0].location, problems) from None


def _party_of(field: str, party_ids: list[str]) -> int | None:
    match = re.match(r"parties\[(\d+)\]", field)
    if match and int(match.group(1)) < len(party_ids):
        return int(match.group(1))
    for k, pid in enumerate(party_ids):
        if field == f"preferences.{pid}" or field.startswith(f"preferences.{pid}."):
            return k
    return None


def find_genius_domain(paths: Sequence[PathLike]) -> tuple[Path, list[Path]]:
    """Split GENIUS XML files into the domain file and the profile files.

    The domain is the file without ``<weight>`` elements (usually rooted at
    ``negotiation_template``); folders are searched for ``*.xml`` files.

    Raises
    ------
    InputError
        No domain file, or more than one.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.xml")) if p.is_dir() else [p])
    if not files:
        raise InputError(
            "no GENIUS XML files (*.xml) found", Location(file=str(paths[0]) if paths else None)
        )
    domains = [f for f in files if _is_domain(parse_xml(f).root)]
    if len(domains) != 1:
        what = "no domain file" if not domains else f"{len(domains)} domain files"
        raise InputError(
            f"{what} among {', '.join(f.name for f in files)} (a domain has issues without <weight>s)",
            Location(file=str(files[0])),
        )
    return domains[0], [f for f in files if f != domains[0]]


def _is_domain(root: ET.Element) -> bool:
    return root.tag == "negotiation_template" or next(root.iter("weight"), None) is None


def load_genius(
    domain: PathLike,
    profiles: Sequence[PathLike],
    *,
    scenario_id: str | None = None,
) -> Scenario:
    """Import a GENIUS XML domain and its profile XMLs as a scenario.

    Parameters
    ----------
    domain:
        The domain file (``negotiation_template`` or ``utility_space`` root).
    profiles:
        One profile file per party (party id: the file name's stem).
    scenario_id:
        Id of the scenario (default: the domain file's stem without ``_domain``).

    Returns
    -------
    Scenario
        Utilities equal GENIUS's definition (see the module notes for
        weights summing above 1, and for issues evaluated 0 throughout).

    Raises
    ------
    InputError
        Malformed XML, a missing evaluation or weight, a real-valued issue;
        the message names the file (the profile for a profile's problem), the
        line and the element.

    Notes
    -----
    Linear in the size of the files.

    References
    ----------
    .. [1] Lin, R. et al. (2014). Genius. *Computational Intelligence* 30(1), 48-70.
    """
    if not profiles:
        raise InputError(
            "a GENIUS import needs at least one profile file", Location(file=str(domain))
        )
    issues = _domain_issues(domain)
    parties = []
    for path in profiles:
        weights, values, reservation, discount = _profile(path, issues)
        note = f"imported from GENIUS profile {Path(path).name}"
        if discount is not None:
            note += (
                f"; discount factor {discount!r} recorded, not applied (the analyses are timeless; "
                "discounting rescales utility and reservation alike)"
            )
        parties.append((Path(path).stem, weights, values, reservation, note))
    stem = Path(domain).stem
    sid = scenario_id or re.sub(r"[_-]?domain$", "", stem, flags=re.IGNORECASE) or stem
    data = _scenario_data(
        sid, f"GENIUS domain {stem}", [(i.name, i.labels) for i in issues], parties
    )
    return _scenario_for_files(data, str(domain), [str(p) for p in profiles])


# ---------------------------------------------------------------- export


def _linear_tables(scenario: Scenario) -> tuple[list[str], list[list[str]], Any]:
    """Issue names, option labels and compiled tables; refuses non-additive scenarios."""
    if scenario.constraints:
        raise InputError(
            f"the scenario has {len(scenario.constraints)} constraint(s); GENIUS/GeniusWeb profiles cannot "
            "express infeasible combinations",
            Location(field="constraints"),
        )
    for pid, prefs in scenario.preferences.items():
        if prefs.interactions:
            raise InputError(
                "interaction terms are not linear-additive and have no GENIUS counterpart",
                Location(field=f"preferences.{pid}.interactions"),
            )
    cs = SimpleNamespace(**scenario_arrays(scenario))  # the model's weighted values, unrounded
    names = [i.name for i in scenario.issues]
    names = names if len(set(names)) == len(names) else list(scenario.issue_ids)
    labels = []
    for issue in scenario.issues:
        labs = [o.label for o in issue.options]
        labels.append(labs if len(set(labs)) == len(labs) else list(issue.option_ids))
    return names, labels, cs


def save_genius(scenario: Scenario, folder: PathLike) -> list[Path]:
    """Write a scenario as a GENIUS domain XML and one profile XML per party.

    Each party's weight of issue ``i`` is its largest weighted value on that
    issue, and each evaluation the weighted value divided by it, so that
    GENIUS's ``sum w_i eval/max eval`` equals the scenario's utility; the
    reservation value is the no-deal utility; a recorded discount factor is
    written back.

    Parameters
    ----------
    scenario:
        A linear-additive scenario (no interactions, no constraints).
    folder:
        Output folder (created if needed).

    Returns
    -------
    list of Path
        The domain file first, then the profiles (``<party id>.xml``).

    Raises
    ------
    InputError
        The scenario has interactions or constraints, or a party values
        every option at 0.
    """
    names, labels, cs = _linear_tables(scenario)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        "<negotiation_template>",
        f'<utility_space number_of_issues="{len(names)}">',
        '<objective index="0" etype="objective" type="objective" name="root" description="">',
    ]
    for k, (name, labs) in enumerate(zip(names, labels, strict=True), start=1):
        lines.append(
            f'  <issue index="{k}" name={quoteattr(name)} etype="discrete" type="discrete" vtype="discrete">'
        )
        lines += [
            f'    <item index="{j}" value={quoteattr(v)} description={quoteattr(v)}/>'
            for j, v in enumerate(labs, 1)
        ]
        lines.append("  </issue>")
    lines += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    domain_path = out / f"{scenario.id}_domain.xml"
    write_text_atomic(domain_path, "\n".join(lines))
    paths = [domain_path]
    for p, pid in enumerate(cs.party_ids):
        tops = [float(t[:, p].max()) for t in cs.tables]
        if sum(tops) <= 0:
            raise InputError(
                f"party {pid!r} values every option at 0; GENIUS needs a positive weight",
                Location(field=f"preferences.{pid}"),
            )
        body = ["<utility_space>", f'  <reservation value="{float(cs.no_deal[p])!r}"/>']
        match = re.search(
            r"discount factor ([0-9.eE+-]+)", scenario.preferences[pid].assumption or ""
        )
        if match:
            body.append(f'  <discount_factor value="{match.group(1)}"/>')
        body.append(
            '  <objective index="0" etype="objective" type="objective" name="root" description="">'
        )
        for k, (name, labs, t, top) in enumerate(
            zip(names, labels, cs.tables, tops, strict=True), start=1
        ):
            body.append(
                f'    <issue index="{k}" name={quoteattr(name)} etype="discrete" type="discrete" vtype="discrete">'
            )
            for j, v in enumerate(labs):
                ev = float(t[j, p]) / top if top > 0 else 1.0
                body.append(
                    f'      <item index="{j + 1}" value={quoteattr(v)} evaluation="{ev!r}"/>'
                )
            body.append("    </issue>")
        body += [
            f'    <weight index="{k}" value="{top!r}"/>' for k, top in enumerate(tops, start=1)
        ]
        body += ["  </objective>", "</utility_space>", ""]
        path = out / f"{pid}.xml"
        write_text_atomic(path, "\n".join(body))
        paths.append(path)
    return paths
