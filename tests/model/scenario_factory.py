"""Random, valid scenarios (as plain data) for property tests of the model."""

from __future__ import annotations

from typing import Any

import numpy as np


def random_scenario_data(
    seed: int,
    n_parties: int = 3,
    n_issues: int = 4,
    max_options: int = 4,
    constraints: bool = True,
    interactions: bool = True,
    contingent: bool = True,
) -> dict[str, Any]:
    """A valid scenario dict with random weights, values, constraints and interactions."""
    rng = np.random.default_rng(seed)
    parties = [f"P{k}" for k in range(n_parties)]
    issues = []
    for i in range(n_issues):
        n_opt = int(rng.integers(2, max_options + 1))
        options: list[dict[str, Any]] = [
            {"id": f"o{k}", "label": f"option {k}"} for k in range(n_opt)
        ]
        if contingent and i == 0:
            options[-1]["contingent"] = {
                "event": "ev",
                "outcomes": {"a": "A happens", "b": "B happens"},
            }
        issues.append({"id": f"i{i}", "name": f"issue {i}", "options": options})
    prefs: dict[str, Any] = {}
    for p in parties:
        weights = {iss["id"]: round(float(rng.uniform(0, 1)), 3) for iss in issues}
        weights[issues[int(rng.integers(n_issues))]["id"]] += 0.1
        values: dict[str, Any] = {}
        for iss in issues:
            vals: dict[str, Any] = {}
            for opt in iss["options"]:
                if "contingent" in opt:
                    vals[opt["id"]] = {
                        "a": round(float(rng.uniform()), 3),
                        "b": round(float(rng.uniform()), 3),
                    }
                else:
                    vals[opt["id"]] = round(float(rng.uniform()), 3)
            values[iss["id"]] = vals
        entry: dict[str, Any] = {"weights": weights, "values": values}
        if contingent:
            entry["beliefs"] = {"ev": {"a": round(float(rng.uniform()), 3)}}
        if interactions and n_issues >= 2 and rng.uniform() < 0.7:
            a, b = rng.choice(n_issues, size=2, replace=False)
            entry["interactions"] = [
                {
                    "when": {
                        issues[a]["id"]: issues[a]["options"][0]["id"],
                        issues[b]["id"]: issues[b]["options"][-1]["id"],
                    },
                    "bonus": round(float(rng.uniform(-0.1, 0.1)), 3),
                }
            ]
        prefs[p] = entry
    cons = []
    if constraints and n_issues >= 2:
        cons.append(
            {
                "excludes": {
                    issues[0]["id"]: issues[0]["options"][1]["id"],
                    issues[1]["id"]: issues[1]["options"][0]["id"],
                }
            }
        )
        if n_issues >= 3:
            cons.append(
                {
                    "if": {issues[1]["id"]: issues[1]["options"][1]["id"]},
                    "then": {issues[2]["id"]: [o["id"] for o in issues[2]["options"][:1]]},
                }
            )
    return {
        "format": "peacetable/1",
        "id": f"random-{seed}",
        "title": f"random scenario {seed}",
        "parties": [
            {
                "id": p,
                "name": f"party {p}",
                "no_deal": {"utility": round(float(rng.uniform(0.2, 0.6)), 3)},
            }
            for p in parties
        ],
        "issues": issues,
        "preferences": prefs,
        "constraints": cons,
        "proposals": [],
    }
