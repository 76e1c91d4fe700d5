"""Random scenarios small enough to enumerate, and brute-force references.

Numbers are dyadic (weights sum to 8, values are quarters, bonuses eighths,
no-deal utilities sixteenths), so every utility is an exact binary fraction:
ties are real ties and brute force needs no tolerance.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core import prepare
from peacetable.io import scenario_from_data
from peacetable.model import Scenario


def random_scenario(
    seed: int, max_parties: int = 5, max_issues: int = 5, max_options: int = 4
) -> Scenario:
    """A random valid scenario with constraints, interactions and a few proposals."""
    rng = np.random.default_rng(seed)
    n_parties = int(rng.integers(2, max_parties + 1))
    n_issues = int(rng.integers(2, max_issues + 1))
    sizes = [int(s) for s in rng.integers(2, max_options + 1, size=n_issues)]
    issues = [
        {
            "id": f"i{i}",
            "name": f"Issue {i}",
            "options": [{"id": f"o{k}", "label": f"Option {k}"} for k in range(sizes[i])],
        }
        for i in range(n_issues)
    ]
    preferences: dict[str, Any] = {}
    for p in range(n_parties):
        cuts = np.sort(rng.integers(0, 9, size=n_issues - 1))
        weights = np.diff(np.concatenate([[0], cuts, [8]]))
        if weights.sum() == 0 or (weights == 0).all():
            weights[0] = 8
        values = {
            f"i{i}": {f"o{k}": int(rng.integers(0, 5)) / 4 for k in range(sizes[i])}
            for i in range(n_issues)
        }
        prefs: dict[str, Any] = {
            "weights": {f"i{i}": int(weights[i]) for i in range(n_issues)},
            "values": values,
        }
        inters = []
        for _ in range(int(rng.integers(0, 2))):
            a, b = rng.choice(n_issues, size=2, replace=False)
            inters.append(
                {
                    "when": {
                        f"i{a}": f"o{int(rng.integers(0, sizes[a]))}",
                        f"i{b}": f"o{int(rng.integers(0, sizes[b]))}",
                    },
                    "bonus": int(rng.integers(-2, 3)) / 8,
                }
            )
        if inters:
            prefs["interactions"] = inters
        preferences[f"P{p}"] = prefs
    constraints = []
    for _ in range(int(rng.integers(0, 3))):
        a, b = rng.choice(n_issues, size=2, replace=False)
        if rng.random() < 0.5:
            constraints.append(
                {
                    "excludes": {
                        f"i{a}": f"o{int(rng.integers(0, sizes[a]))}",
                        f"i{b}": f"o{int(rng.integers(0, sizes[b]))}",
                    }
                }
            )
        else:
            constraints.append(
                {
                    "if": {f"i{a}": [f"o{int(rng.integers(0, sizes[a]))}"]},
                    "then": {
                        f"i{b}": [f"o{k}" for k in range(sizes[b]) if rng.random() < 0.6] or ["o0"]
                    },
                }
            )
    parties = [
        {"id": f"P{p}", "name": f"Party {p}", "no_deal": {"utility": int(rng.integers(3, 11)) / 16}}
        for p in range(n_parties)
    ]
    data: dict[str, Any] = {
        "id": f"random-{seed}",
        "title": "random",
        "parties": parties,
        "issues": issues,
        "preferences": preferences,
        "constraints": constraints,
    }
    bare = scenario_from_data(data)
    cs = prepare(bare)
    x = cs.all_packages()
    x = x[cs.feasible(x)]
    if x.shape[0] == 0:  # constraints exclude everything: drop them
        data["constraints"] = []
        x = cs.all_packages()
    picks = rng.integers(0, x.shape[0], size=2)
    data["proposals"] = [
        {"id": f"d{j}", "name": f"Draft {j}", "package": cs.package_dict(x[k])}
        for j, k in enumerate(picks)
    ]
    return scenario_from_data(data)


def brute(
    scenario: Scenario,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Every package, its utilities and whether it is an agreement, by plain loops over the model.

    The package that is no deal (every issue at its status quo, unless the scenario
    says otherwise) is worth each party's no-deal utility and is not an agreement.
    """
    from peacetable.core.compile import no_deal_package, option_value
    from peacetable.model import violated_constraints

    parties = scenario.negotiating_party_ids
    issues = scenario.issues
    nd_pkg = no_deal_package(scenario)
    no_deal = None if nd_pkg is None else scenario.complete_package(nd_pkg)
    rows, utils, feas = [], [], []
    for combo in itertools.product(*(range(len(i.options)) for i in issues)):
        pkg = {iss.id: iss.options[k].id for iss, k in zip(issues, combo, strict=True)}
        u = []
        for pid in parties:
            prefs = scenario.preferences[pid]
            w = prefs.normalised_weights()
            total = sum(
                w.get(iid, 0.0) * option_value(scenario, pid, iid, oid) for iid, oid in pkg.items()
            )
            for inter in prefs.interactions:
                if all(pkg[i] == o for i, o in inter.when.items()):
                    total += inter.bonus.value
            u.append(total)
        if pkg == no_deal:
            u = [scenario.party(pid).no_deal_value.utility for pid in parties]
        rows.append(combo)
        utils.append(u)
        feas.append(not violated_constraints(scenario, pkg) and pkg != no_deal)
    return (
        np.array(rows, dtype=np.int64),
        np.array(utils, dtype=np.float64),
        np.array(feas, dtype=bool),
    )
