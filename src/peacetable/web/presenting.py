"""Plain-language presentation for the workbench pages: labels, scores, record entries, suggestions.

Pure functions over what the services return (no database, no engine), so
the templates stay simple and the wording is in one place. A delegate is not
an analyst: scores are shown as "how far from walking away to your best
package", record entries as sentences.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14 (the
   single negotiating text and how parties read it).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

Labels = dict[str, dict[str, str]]


def percent(score: float | None) -> str:
    """A 0–1 score as a whole percentage; a dash when there is none.

    Examples
    --------
    >>> percent(0.6249), percent(None), percent(1.0)
    ('62 %', '—', '100 %')
    """
    return "—" if score is None else f"{round(score * 100)} %"


def option_labels(issues: Mapping[str, Any]) -> Labels:
    """``{issue: {option: label}}`` from the ``issues`` service answer.

    Examples
    --------
    >>> option_labels({"issues": [{"id": "v", "options": [{"id": "n", "label": "Neutral"}]}]})
    {'v': {'n': 'Neutral'}}
    """
    return {i["id"]: {o["id"]: o["label"] for o in i["options"]} for i in issues["issues"]}


def issue_names(issues: Mapping[str, Any]) -> dict[str, str]:
    """``{issue: name}`` from the ``issues`` service answer.

    Examples
    --------
    >>> issue_names({"issues": [{"id": "v", "name": "Venue", "options": []}]})
    {'v': 'Venue'}
    """
    return {i["id"]: i["name"] for i in issues["issues"]}


def party_names(issues: Mapping[str, Any]) -> dict[str, str]:
    """``{party: name}`` from the ``issues`` service answer.

    Examples
    --------
    >>> party_names({"parties": [{"id": "UA", "name": "Ukraine"}]})
    {'UA': 'Ukraine'}
    """
    return {p["id"]: p["name"] for p in issues["parties"]}


def provisions(
    package: Mapping[str, str], wording: Mapping[str, str], issues: Mapping[str, Any]
) -> list[dict[str, str]]:
    """A package as readable provisions: issue id and name, option id and label, wording.

    Examples
    --------
    >>> data = {"issues": [{"id": "v", "name": "Venue", "options": [{"id": "n", "label": "Neutral"}]}]}
    >>> provisions({"v": "n"}, {"v": "Geneva."}, data)
    [{'issue': 'v', 'name': 'Venue', 'option': 'n', 'label': 'Neutral', 'wording': 'Geneva.'}]
    """
    labels = option_labels(issues)
    return [
        {
            "issue": i["id"],
            "name": i["name"],
            "option": package[i["id"]],
            "label": labels[i["id"]].get(package[i["id"]], package[i["id"]]),
            "wording": wording.get(i["id"], ""),
        }
        for i in issues["issues"]
        if i["id"] in package
    ]


def describe_changes(changes: Mapping[str, Any], issues: Mapping[str, Any]) -> list[dict[str, str]]:
    """``{issue: [from, to]}`` as ``[{"name", "from", "to"}]`` with labels.

    Examples
    --------
    >>> data = {"issues": [{"id": "v", "name": "Venue", "options": [
    ...     {"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]}
    >>> describe_changes({"v": ["a", "b"]}, data)
    [{'issue': 'v', 'name': 'Venue', 'from': 'A', 'to': 'B'}]
    """
    labels, names = option_labels(issues), issue_names(issues)
    out = []
    for issue, (old, new) in changes.items():
        known = labels.get(issue, {})
        out.append(
            {
                "issue": issue,
                "name": names.get(issue, issue),
                "from": known.get(old, old),
                "to": known.get(new, new),
            }
        )
    return out


def apply_changes(package: Mapping[str, str], changes: Mapping[str, Any]) -> dict[str, str]:
    """The package with ``{issue: [from, to]}`` changes made.

    Examples
    --------
    >>> apply_changes({"a": "x", "b": "y"}, {"b": ["y", "z"]})
    {'a': 'x', 'b': 'z'}
    """
    out = dict(package)
    for issue, (_, new) in changes.items():
        out[issue] = new
    return out


FAIR_NAMES = {
    "nash": "Nash bargaining solution (largest product of gains)",
    "kalai_smorodinsky": "Kalai–Smorodinsky (gains in proportion to what each could hope for)",
    "utilitarian": "Largest total gain",
    "egalitarian": "Equal gains as far as possible",
    "maximin_gain": "Best for the party that gains least",
    "leximin": "Best for the worst off, then the next",
}


def suggestions(
    analysis: Mapping[str, Any], base: Mapping[str, str], issues: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every package the analysis of a draft suggests, each with an id, a title and its changes.

    Ids: ``all-K`` (the K-th fewest-change package acceptable to all),
    ``win-PARTY-K`` (the K-th fewest changes that win PARTY over),
    ``pareto-K`` (a Pareto improvement), ``fair-NAME`` (a fair package);
    ``group`` is the part before the first dash, ``key`` the party or name.

    Examples
    --------
    >>> data = {"parties": [{"id": "A", "name": "Alpha"}], "issues": [{"id": "v", "name": "Venue",
    ...     "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]}
    >>> found = suggestions({"to_win_over": {"A": {"solutions": [{"changes": {"v": ["a", "b"]}}]}}},
    ...                     {"v": "a"}, data)
    >>> [(s["id"], s["group"], s["key"], s["title"], s["package"]) for s in found]
    [('win-A-0', 'win', 'A', 'Wins over Alpha', {'v': 'b'})]
    """
    names = party_names(issues)
    found: list[dict[str, Any]] = []

    def add(sid: str, title: str, changes: Mapping[str, Any]) -> None:
        group, _, key = sid.partition("-")
        found.append(
            {
                "id": sid,
                "group": group,
                "key": key.rsplit("-", 1)[0] if group == "win" else key,
                "title": title,
                "changes": describe_changes(changes, issues),
                "package": apply_changes(base, changes),
            }
        )

    for k, sol in enumerate(analysis.get("acceptable_to_all", {}).get("solutions", [])):
        add(f"all-{k}", "Acceptable to every party", sol["changes"])
    for party, search in analysis.get("to_win_over", {}).items():
        for k, sol in enumerate(search.get("solutions", [])):
            add(f"win-{party}-{k}", f"Wins over {names.get(party, party)}", sol["changes"])
    for k, sol in enumerate(analysis.get("pareto_improvements", {}).get("solutions", [])):
        add(f"pareto-{k}", "Better for some parties, worse for none", sol["changes"])
    for name, sol in analysis.get("fair_packages", {}).items():
        package = sol.get("package")
        if package:
            changes = {i: [base[i], o] for i, o in package.items() if base.get(i) != o}
            add(f"fair-{name}", FAIR_NAMES.get(name, name.replace("_", " ")), changes)
    return found


_ENTRY_TEXT = {
    "negotiation_created": "The negotiation was created (the mediator's scenario is committed).",
    "invite_issued": "An invitation was issued ({role}{party}).",
    "invite_used": "An invitation was used: a {role}{party} joined.",
    "invite_revoked": "An invitation was revoked.",
    "preferences_submitted": "{party_name} submitted preferences (version {version}; only a "
    "sealed commitment is recorded).",
    "draft_written": "The mediator wrote draft version {version} (sealed until published).",
    "draft_published": "The mediator published version {version}: “{title}”.",
    "response": "{party_name} answered version {version} (sealed).",
    "agreement": "Version {version} was accepted by every party. Settlement code {code}.",
    "improvement_agreed": "Improvement version {version} was accepted by every party. "
    "Settlement code {code}.",
    "imported": "The negotiation was imported from an export.",
}


def describe_entry(entry: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """One record entry as a sentence (only what the entry itself holds).

    Examples
    --------
    >>> describe_entry({"kind": "response", "data": {"party": "UA", "version": 2}}, {"UA": "Ukraine"})
    'Ukraine answered version 2 (sealed).'
    """
    data = entry.get("data", {})
    template = _ENTRY_TEXT.get(str(entry.get("kind")))
    if template is None:
        return str(entry.get("kind", "")).replace("_", " ")
    party = data.get("party")
    code = str(data.get("settlement_code", ""))
    return template.format(
        role=data.get("role", ""),
        party=f" for {names.get(party, party)}" if party else "",
        party_name=names.get(party, party) if party else "A party",
        version=data.get("version", ""),
        title=data.get("title", ""),
        code=code_groups(code),
    )


def code_groups(code: str, size: int = 8) -> str:
    """A long hex code in groups, easier to read aloud and compare.

    Examples
    --------
    >>> code_groups("0123456789abcdef01")
    '01234567 89abcdef 01'
    """
    return " ".join(code[k : k + size] for k in range(0, len(code), size))


def plotly_js_path() -> Path | None:
    """The ``plotly.min.js`` shipped inside the installed ``plotly`` package (``None`` without it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the ``<style>`` elements plotly.js would insert unless an element with the id exists.

    Under a strict Content-Security-Policy (no inline style) those insertions
    are refused and logged as errors; a page that charts puts an empty
    placeholder element with each id (and the class ``no-inline-styles``)
    in its head, and draws static charts that need none of those rules.

    Examples
    --------
    >>> plotly_style_ids()[0] if plotly_js_path() else "plotly.js-style-global"
    'plotly.js-style-global'
    """
    path = plotly_js_path()
    if path is None:
        return ()
    text = path.read_text(encoding="utf-8", errors="replace")
    found = re.findall(r'getElementById\("([0-9a-f]{64})"\)', text)
    return ("plotly.js-style-global", *dict.fromkeys(found))


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _sure(chance: Mapping[str, Any], confidence: float) -> str:
    """``"97.0% (95% interval 96.2–97.6%)"`` of a ``{"p", "interval"}`` estimate."""
    lo, hi = chance["interval"]
    return f"{_pct(chance['p'])} ({100 * confidence:g}% interval {_pct(lo)}–{_pct(hi)})"


def _when(month: int | None, horizon: int) -> str:
    if month is None:
        return f"not within {horizon} months"
    return "from today" if month == 0 else f"from month {month}"


def _robustness_sentences(name: str, r: Mapping[str, Any]) -> list[str]:
    if not r["answered"]:
        return [f"{r['reason'][:1].upper()}{r['reason'][1:]}."]
    level, least, top = r["confidence"], r["least_sure"], r["matters_most"]
    out = [
        f"{name}: every party accepts it in {_sure(r, level)} of {r['samples']:,} sampled "
        "worlds (each estimate drawn within its range).",
        f"Least sure to accept: {least['name']}, in {_sure(least, level)} of them.",
    ]
    if top is None:
        out.append("No single estimate changes that measurably.")
    else:
        out.append(
            f"The estimate that matters most: {top['estimate']}. Every party accepts in "
            f"{_pct(top['p_all_accept_when_low'])} of the worlds where it is lowest and "
            f"{_pct(top['p_all_accept_when_high'])} where it is highest: firm it up first."
        )
    return out


def _ripeness_sentences(name: str, r: Mapping[str, Any], why_not: str | None) -> list[str]:
    if not r["answered"]:
        return [f"When a deal becomes possible cannot be said: {r['reason']}."]
    level, horizon = r["confidence"], r["horizon"]
    zopa = "a deal every party prefers to walking away (a ZOPA)"
    if r["first_zopa_month"] == 0:
        first = f"{zopa[0].upper()}{zopa[1:]} exists today"
    elif r["first_zopa_month"] is None:
        first = f"No {zopa[2:]} opens within {horizon} months"
    else:
        who = ", ".join(q["name"] for q in r["opened_by"]) or "no single party"
        first = (
            f"No {zopa[2:]} exists today; one opens in month {r['first_zopa_month']} as "
            f"continuing costs more (the pressure needed is on: {who})"
        )
    out = [
        f"{first}, at the nominal estimates. Today a ZOPA exists in "
        f"{_sure(r['p_zopa_today'], level)} of {r['samples']:,} sampled worlds; it is likely "
        f"(in at least half of them) {_when(r['first_likely_zopa_month'], horizon)}.",
    ]
    d = r["draft"]
    if d is None:
        out.append(f"{name}: {why_not}, so there is no month from which it is accepted.")
    else:
        then = "Then" if d["from_month"] is not None else f"At month {d['month_of_p']}"
        out.append(
            f"{name} is accepted by every party {_when(d['from_month'], horizon)} at the "
            f"nominal estimates. {then} every party accepts it in {_sure(d, level)} of the "
            "sampled worlds; it is likely (in at least half of them) "
            f"{_when(d['likely_from_month'], horizon)}."
        )
    return out


def outlook_sentences(outlook: Mapping[str, Any]) -> dict[str, list[str]]:
    """Plain sentences of a draft's outlook (:func:`peacetable.web.analysis.draft_outlook`).

    Each sentence names the draft or the party and says how sure (the
    estimate, its interval and the number of sampled worlds).

    Examples
    --------
    >>> why = "it is no deal (what walking away leaves in place), not an agreement"
    >>> o = {"draft": "Version 1", "not_an_agreement": why,
    ...      "robustness": {"answered": False, "reason": f"Version 1: {why}"},
    ...      "ripeness": {"answered": False, "reason": "no scenario"}}
    >>> outlook_sentences(o)["robustness"]
    ['Version 1: it is no deal (what walking away leaves in place), not an agreement.']
    """
    name = outlook["draft"]
    return {
        "robustness": _robustness_sentences(name, outlook["robustness"]),
        "ripeness": _ripeness_sentences(name, outlook["ripeness"], outlook["not_an_agreement"]),
    }
