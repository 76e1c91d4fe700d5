"""Shared fixtures of the conflict tests: the GMCR verification cases and random small models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from peacetable.conflict import Condition, ConflictModel, build_model

CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gmcr-cases"

# The transcriptions in the .expected.json files leave out GMCR+'s misperceptions.
# SI_misp (the SyriaIraq model with misperceptions, shipped as an example with
# gmcr-py) declares that Syria does not perceive the states YN- and Iraq not NN-.
MISPERCEPTIONS = {"SI_misp": {"Syria": ["YN-"], "Iraq": ["NN-"]}}


# A small scenario: three parties each controlling issues, a joint issue, an uncontrolled one.
SCENARIO = """
format: peacetable/1
id: three-sides
title: Three sides, five issues
parties:
  - {id: A, name: Alpha}
  - {id: B, name: Beta}
  - {id: C, name: Gamma}
  - {id: M, name: Mediator, role: mediator}
issues:
  - id: troops
    name: Troops
    controlled_by: [A]
    options: [{id: stay, label: Stay}, {id: withdraw, label: Withdraw}]
  - id: sanctions
    name: Sanctions
    controlled_by: [B]
    options: [{id: keep, label: Keep}, {id: ease, label: Ease}, {id: lift, label: Lift}]
  - id: aid
    name: Aid
    controlled_by: [C]
    options: [{id: none, label: None}, {id: some, label: Some}]
  - id: border
    name: Border regime
    controlled_by: [A, B]
    options: [{id: closed, label: Closed}, {id: open, label: Open}]
  - id: monitors
    name: Monitors
    options: [{id: no, label: No}, {id: yes, label: Yes}]
preferences:
  A:
    weights: {troops: 2, sanctions: 3, aid: 1, border: 1, monitors: 1}
    values:
      troops: {stay: 1, withdraw: 0}
      sanctions: {keep: 0, ease: 0.6, lift: 1}
      aid: {none: 0, some: 1}
      border: {closed: 0, open: 1}
      monitors: {no: 1, yes: 0}
  B:
    weights: {troops: 3, sanctions: 1, aid: 1, border: 1, monitors: 1}
    values:
      troops: {stay: 0, withdraw: 1}
      sanctions: {keep: 1, ease: 0.5, lift: 0}
      aid: {none: 0.2, some: 0.8}
      border: {closed: 0.3, open: 0.7}
      monitors: {no: 0, yes: 1}
  C:
    weights: {troops: 1, sanctions: 1, aid: 2}
    values:
      troops: {stay: 0, withdraw: 1}
      sanctions: {keep: 0.5, ease: 1, lift: 0.5}
      aid: {none: 1, some: 0}
constraints:
  - {if: {sanctions: lift}, then: {troops: [withdraw]}, reason: "no lifting while troops stay"}
  - {excludes: {aid: some, monitors: no}, reason: "aid needs monitors"}
proposals:
  - {id: deal, name: The deal, package: {troops: withdraw, sanctions: lift, aid: some, border: open, monitors: yes}}
"""


def case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.expected.json")) if CASES.is_dir() else []


def load_case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@st.composite
def small_models(draw: st.DrawFn, max_options: int = 6, max_dms: int = 4) -> ConflictModel:
    """Random conflicts: 2 to *max_dms* DMs, up to *max_options* options, irreversible
    options, infeasible states, ties."""
    n_dms = draw(st.integers(2, max_dms))
    n_opts = draw(st.integers(n_dms, max_options))
    owners = list(range(n_dms)) + [draw(st.integers(0, n_dms - 1)) for _ in range(n_opts - n_dms)]
    owners = draw(st.permutations(owners))
    dirs = [draw(st.sampled_from(["both", "both", "fwd", "back"])) for _ in range(n_opts)]
    options = [(f"o{k}", f"D{owners[k]}", dirs[k]) for k in range(n_opts)]
    n_inf = draw(st.integers(0, 2))
    infeasible = []
    for _ in range(n_inf):
        ks = draw(st.lists(st.integers(0, n_opts - 1), min_size=2, max_size=3, unique=True))
        infeasible.append(Condition.from_pairs((k, draw(st.booleans())) for k in ks))
    from peacetable.conflict import enumerate_states

    codes = enumerate_states(n_opts, infeasible)
    if len(codes) < 2:
        codes = np.arange(1 << n_opts, dtype=np.int64)
    payoffs = {
        f"D{i}": draw(st.lists(st.integers(1, 5), min_size=len(codes), max_size=len(codes)))
        for i in range(n_dms)
    }
    return build_model(
        "random", options, payoffs, decision_makers=[f"D{i}" for i in range(n_dms)], states=codes
    )


@st.composite
def models_with_dependencies(
    draw: st.DrawFn, max_options: int = 6, max_dms: int = 3
) -> ConflictModel:
    """Random conflicts with held options and dependencies (options voided when a requirement breaks)."""
    from peacetable.conflict import Dependency, enumerate_states
    from peacetable.conflict.dependencies import broken

    n_dms = draw(st.integers(2, max_dms))
    n_opts = draw(st.integers(n_dms + 1, max_options))
    owners: list[int | None] = list(range(n_dms))
    owners += [draw(st.sampled_from([*range(n_dms), None])) for _ in range(n_opts - n_dms)]
    owners = draw(st.permutations(owners))
    dirs = [draw(st.sampled_from(["both", "both", "both", "fwd"])) for _ in range(n_opts)]
    options = [
        (f"o{k}", None if owners[k] is None else f"D{owners[k]}", dirs[k]) for k in range(n_opts)
    ]
    raw = []
    for _ in range(draw(st.integers(1, 3))):
        dep = draw(st.lists(st.integers(0, n_opts - 1), min_size=1, max_size=2, unique=True))
        rest = [k for k in range(n_opts) if k not in dep]
        req = draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
        raw.append((dep, req, [k for k in rest if k not in req]))
    dependent = {k for dep, _, _ in raw for k in dep}
    deps = []
    for dep, req, spare in raw:  # a fallback never depends on anything (build_model's rule)
        free = [k for k in spare if k not in dependent]
        fallback = draw(st.sampled_from([None, *free])) if free else None
        deps.append(Dependency(frozenset(dep), frozenset(req), fallback))
    ks = draw(st.lists(st.integers(0, n_opts - 1), min_size=2, max_size=2, unique=True))
    infeasible = [Condition.from_pairs((k, draw(st.booleans())) for k in ks)]
    codes = enumerate_states(n_opts, infeasible)
    codes = codes[~broken(deps, codes)]
    if len(codes) < 2:  # the constraint left too little: drop it
        codes = np.arange(1 << n_opts, dtype=np.int64)
        codes = codes[~broken(deps, codes)]
    payoffs = {
        f"D{i}": draw(st.lists(st.integers(1, 5), min_size=len(codes), max_size=len(codes)))
        for i in range(n_dms)
    }
    return build_model(
        "deps",
        options,
        payoffs,
        decision_makers=[f"D{i}" for i in range(n_dms)],
        states=codes,
        dependencies=deps,
    )
