"""Seeded random implementation plans, for property tests and benchmarks.

Each step is performed by a random party; it costs its performer and benefits the
others (values drawn uniformly, then the performer's sign forced negative with
probability ``concession``), so that order matters for exposure. Rules are drawn
among precedence, matching, same-phase and per-phase limits; with
``acyclic=True`` precedences only point forward in step order and matched steps
share a tranche count, so the rules can always be met together given enough
phases (exposure bounds may still rule every order out).
"""

from __future__ import annotations

import numpy as np

from peacetable.sequence.plan import Plan, Rule, make_plan, rule_for


def random_plan(
    n_steps: int,
    n_parties: int,
    *,
    seed: int,
    max_tranches: int = 2,
    n_rules: int = 3,
    max_phases: int = 4,
    bound: tuple[float, float] = (0.0, 0.25),
    acyclic: bool = False,
    concession: float = 0.8,
) -> Plan:
    """A random plan (see the module docstring); the same seed gives the same plan.

    Parameters
    ----------
    n_steps, n_parties:
        Size of the plan.
    seed:
        Seed of :func:`numpy.random.default_rng`.
    max_tranches:
        Each step has 1..max_tranches tranches.
    n_rules:
        Number of order rules drawn.
    max_phases:
        The plan's phase limit.
    bound:
        Range of the parties' exposure bounds (utility units).
    acyclic:
        Draw only rules that can hold together (see the module docstring).
    concession:
        Probability that a step costs its performer.

    Returns
    -------
    Plan

    Examples
    --------
    >>> a = random_plan(5, 3, seed=1)
    >>> b = random_plan(5, 3, seed=1)
    >>> bool((a.value == b.value).all()) and a.rules == b.rules
    True
    """
    rng = np.random.default_rng(seed)
    parties = [f"P{i}" for i in range(n_parties)]
    steps = []
    counts = []
    for k in range(n_steps):
        performer = int(rng.integers(n_parties))
        value = rng.uniform(-0.05, 0.2, n_parties).round(3)
        if rng.random() < concession:
            value[performer] = -abs(value[performer]) - 0.01
        n_tr = int(rng.integers(1, max_tranches + 1))
        counts.append(n_tr)
        sizes = rng.dirichlet(np.ones(n_tr)).round(3) if n_tr > 1 else np.ones(1)
        sizes[-1] = 1.0 - sizes[:-1].sum()
        steps.append(
            {
                "id": f"s{k}",
                "performer": parties[performer],
                "value": value.tolist(),
                "length": float(rng.integers(1, 7)),
                "tranches": sizes.tolist(),
                "reversible": bool(rng.random() < 0.5),
                "reversal_cost": round(float(rng.uniform(0, 0.05)), 3),
                "detection": float(rng.choice([0.0, 0.5, 0.9, 1.0])),
                "verified_by": [p for p in parties if rng.random() < 0.7],
            }
        )
    index = {s["id"]: k for k, s in enumerate(steps)}
    rules = _random_rules(rng, n_steps, counts, index, n_rules, acyclic)
    base = rng.uniform(0.2, 0.6, n_parties).round(3)
    return make_plan(
        parties,
        steps,
        base=base,
        bounds=rng.uniform(*bound, n_parties).round(3),
        rules=rules,
        max_phases=max_phases,
    )


def _random_rules(
    rng: np.random.Generator,
    n_steps: int,
    counts: list[int],
    index: dict[str, int],
    n_rules: int,
    acyclic: bool,
) -> list[Rule]:
    rules: list[Rule] = []
    if n_steps < 2:
        return rules
    labels: set[str] = set()
    for _ in range(n_rules):
        a, b = (int(x) for x in rng.choice(n_steps, 2, replace=False))
        if acyclic and a > b:
            a, b = b, a
        kind = str(rng.choice(["before", "before", "match", "same_phase", "limit"]))
        names = [f"s{a}", f"s{b}"]
        if kind in ("match", "same_phase") and counts[a] != counts[b]:
            kind = "before"
        if kind == "match":
            rule = rule_for("match", names, index, window=int(rng.integers(0, 2)))
        elif kind == "limit":
            rule = rule_for("limit", names, index, limit=1)
        else:
            rule = rule_for(kind, names, index)  # type: ignore[arg-type]
        if rule.label not in labels:
            labels.add(rule.label)
            rules.append(rule)
    return rules
