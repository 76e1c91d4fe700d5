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
