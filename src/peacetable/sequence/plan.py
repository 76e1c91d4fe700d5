"""An implementation plan as integer arrays: the one input of every sequencing engine.

A :class:`Plan` lists *units* (one tranche of one step each) with, per unit, its
value to each negotiating party, its length in time, whether and at what cost it
can be reversed, how likely a reversal is detected, and which parties can see it
verified; plus the declared order rules, the disputed orders, each party's
exposure bound and the utility of the signed but unimplemented agreement.

Utilities are held as integers in units of ``1 / UTILITY_SCALE`` (1e-4 on the
0..1 utility scale) and time in units of ``1 / TIME_SCALE`` months, so that the
CP-SAT model (:mod:`peacetable.sequence.solver`), the NumPy evaluator
(:mod:`peacetable.sequence.exposure`) and exhaustive enumeration compute with
the same exact numbers.

:func:`plan_from_scenario` derives the plan from a scenario's ``implementation``
block (docs/format.md, section "implementation"); :func:`make_plan` builds one
directly from arrays (random instances, tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from peacetable.errors import Location, ScenarioError

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: Integer units per utility unit (utilities are exact to 1e-4).
UTILITY_SCALE = 10_000
#: Integer units per month.
TIME_SCALE = 100
#: Integer units per probability (detection probabilities are exact to 1e-3).
PROBABILITY_SCALE = 1_000

RuleKind = Literal["before", "match", "same_phase", "limit"]


@dataclass(frozen=True)
class Rule:
    """One order constraint over steps (indices into :attr:`Plan.step_ids`).

    ``before``: every unit of ``steps[0]`` in an earlier phase than every unit of
    ``steps[1]``. ``match``: tranche j of ``steps[1]`` within ``window`` phases of
    tranche j of ``steps[0]``. ``same_phase``: tranche j of every step in one
    phase. ``limit``: at most ``limit`` units of ``steps`` per phase.
    """

    kind: RuleKind
    steps: tuple[int, ...]
    label: str
    window: int = 0
    limit: int = 0


@dataclass(frozen=True)
class Reading:
    """One reading of a disputed order: its precedence rules."""

    id: str
    name: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Dispute:
    """A disputed order and its readings."""

    id: str
    name: str
    readings: tuple[Reading, ...]


@dataclass(frozen=True)
class Plan:
    """An implementation plan as arrays (see the module docstring).

    Attributes
    ----------
    party_ids:
        Negotiating parties: the columns of every ``(…, n_parties)`` array.
    step_ids, step_names, performers:
        Steps and who performs each (any party of the scenario).
    unit_step, unit_tranche:
        ``(n_units,)`` the step and 0-based tranche of each unit.
    value:
        ``(n_units, n_parties)`` utility change of each unit for each party.
    length:
        ``(n_units,)`` duration plus verification delay.
    reversible, reversal_cost:
        Whether the performer can undo the unit, and what undoing costs it.
    detection:
        ``(n_units,)`` chance a reversal is detected (per ``PROBABILITY_SCALE``).
    own, credit:
        ``(n_units, n_parties)``: the party performs the unit; the party can count
        the unit's gain once verified (it verifies, or a verifier without
        preferences reports to all).
    base:
        ``(n_parties,)`` utility of the signed agreement before any step.
    bounds:
        ``(n_parties,)`` exposure bounds.
    rules, disputes:
        Declared order rules and disputed orders.
    max_phases:
        Most phases a schedule may use.
    """

    party_ids: tuple[str, ...]
    step_ids: tuple[str, ...]
    step_names: tuple[str, ...]
    performers: tuple[str, ...]
    unit_step: IntArray
    unit_tranche: IntArray
    value: IntArray
    length: IntArray
    reversible: BoolArray
    reversal_cost: IntArray
    detection: IntArray
    own: BoolArray
    credit: BoolArray
    base: IntArray
    bounds: IntArray
    rules: tuple[Rule, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    max_phases: int = 12
    proposal: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def n_units(self) -> int:
        """Number of units (tranches of steps)."""
        return int(self.unit_step.shape[0])

    @property
    def n_parties(self) -> int:
        """Number of negotiating parties."""
        return len(self.party_ids)

    def unit_label(self, u: int) -> str:
        """``step`` or ``step#k`` (1-based tranche) for unit *u*."""
        s = int(self.unit_step[u])
        n = int(np.count_nonzero(self.unit_step == s))
        return self.step_ids[s] if n == 1 else f"{self.step_ids[s]}#{int(self.unit_tranche[u]) + 1}"

    def units_of(self, step: int) -> IntArray:
        """Units of *step*, in tranche order."""
        return np.flatnonzero(self.unit_step == step).astype(np.int64)


def make_plan(
    party_ids: Sequence[str],
    steps: Sequence[Mapping[str, Any]],
    *,
    base: npt.ArrayLike,
    bounds: npt.ArrayLike,
    rules: Sequence[Rule] = (),
    disputes: Sequence[Dispute] = (),
    max_phases: int = 12,
) -> Plan:
    """A plan from plain per-step data (values already in utility units).

    Each step is a mapping with ``id``, ``performer``, ``value`` (per-party
    utility change of the whole step, a sequence of ``n_parties`` floats),
    ``length`` (months, per tranche) and optionally ``tranches`` (list of sizes),
    ``reversible``, ``reversal_cost``, ``detection`` and ``verified_by`` (party
    ids; default: every party).

    Examples
    --------
    >>> plan = make_plan(
    ...     ["A", "B"],
    ...     [{"id": "a", "performer": "A", "value": [-0.1, 0.2], "length": 1},
    ...      {"id": "b", "performer": "B", "value": [0.2, -0.1], "length": 2}],
    ...     base=[0.5, 0.5], bounds=[0.1, 0.1])
    >>> plan.n_units, plan.value.tolist()
    (2, [[-1000, 2000], [2000, -1000]])
    """
    parties = tuple(party_ids)
    rows: list[dict[str, Any]] = []
    for k, step in enumerate(steps):
        sizes = tuple(float(x) for x in step.get("tranches", (1.0,)))
        verified_by: tuple[str, ...] = tuple(step.get("verified_by", parties))
        for j, size in enumerate(sizes):
            rows.append(
                {
                    "step": k,
                    "tranche": j,
                    "value": np.asarray(step["value"], dtype=float) * size,
                    "length": float(step["length"]),
                    "reversible": bool(step.get("reversible", False)),
                    "cost": float(step.get("reversal_cost", 0.0)) * size,
                    "detection": float(step.get("detection", 1.0)),
                    "performer": str(step["performer"]),
                    "verified_by": verified_by,
                }
            )
    return _assemble(
        parties,
        tuple(str(s["id"]) for s in steps),
        tuple(str(s.get("name", s["id"])) for s in steps),
        tuple(str(s["performer"]) for s in steps),
        rows,
        neutral=frozenset(),
        base=np.asarray(base, dtype=float),
        bounds=np.asarray(bounds, dtype=float),
        rules=tuple(rules),
        disputes=tuple(disputes),
        max_phases=max_phases,
    )


def _assemble(
    parties: tuple[str, ...],
    step_ids: tuple[str, ...],
    step_names: tuple[str, ...],
    performers: tuple[str, ...],
    rows: list[dict[str, Any]],
    *,
    neutral: frozenset[str],
    base: FloatArray,
    bounds: FloatArray,
    rules: tuple[Rule, ...],
    disputes: tuple[Dispute, ...],
    max_phases: int,
    proposal: str | None = None,
    notes: tuple[str, ...] = (),
) -> Plan:
    n = len(rows)
    own = np.zeros((n, len(parties)), dtype=bool)
    credit = np.zeros((n, len(parties)), dtype=bool)
    for u, row in enumerate(rows):
        performer = str(row["performer"])
        verifiers = set(row["verified_by"])
        for p, pid in enumerate(parties):
            own[u, p] = pid == performer
            credit[u, p] = own[u, p] or pid in verifiers or bool(verifiers & neutral)
    return Plan(
        party_ids=parties,
        step_ids=step_ids,
        step_names=step_names,
        performers=performers,
        unit_step=np.array([r["step"] for r in rows], dtype=np.int64),
        unit_tranche=np.array([r["tranche"] for r in rows], dtype=np.int64),
        value=_scaled([r["value"] for r in rows], UTILITY_SCALE).reshape(n, len(parties)),
        length=_scaled([r["length"] for r in rows], TIME_SCALE),
        reversible=np.array([r["reversible"] for r in rows], dtype=bool),
        reversal_cost=_scaled([r["cost"] for r in rows], UTILITY_SCALE),
        detection=_scaled([r["detection"] for r in rows], PROBABILITY_SCALE),
        own=own,
        credit=credit,
        base=_scaled(base, UTILITY_SCALE),
        bounds=_scaled(bounds, UTILITY_SCALE),
        rules=rules,
        disputes=disputes,
        max_phases=max_phases,
        proposal=proposal,
        notes=notes,
    )


def _scaled(values: object, scale: int) -> IntArray:
    arr = np.asarray(values, dtype=float)
    out: IntArray = np.rint(arr * scale).astype(np.int64)
    return out


def scale_no_deal(no_deal: npt.ArrayLike, n_phases: int, n_parties: int) -> IntArray:
    """No-deal utilities as ``(n_phases, n_parties)`` integers.

    *no_deal* is ``(n_parties,)`` (the same at every phase) or ``(m, n_parties)``
    (row ``t`` for phase ``t + 1``; phases past the last row use the last row).

    Raises
    ------
    peacetable.errors.InputError
        If the shape does not fit the parties.

    Examples
    --------
    >>> scale_no_deal([0.5, 0.25], 3, 2).tolist()
    [[5000, 2500], [5000, 2500], [5000, 2500]]
    """
    from peacetable.errors import InputError

    arr = np.asarray(no_deal, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_parties or arr.shape[0] == 0:
        raise InputError(
            f"no_deal must have shape (n_parties,) or (n_phases, n_parties) with "
            f"n_parties={n_parties}, got {np.asarray(no_deal).shape}",
            Location(field="no_deal"),
        )
    if arr.shape[0] < n_phases:
        arr = np.vstack([arr, np.repeat(arr[-1:], n_phases - arr.shape[0], axis=0)])
    return _scaled(arr[:n_phases], UTILITY_SCALE)


def rule_for(
    kind: RuleKind,
    names: Sequence[str],
    index: Mapping[str, int],
    *,
    label: str | None = None,
    window: int = 0,
    limit: int = 0,
) -> Rule:
    """A :class:`Rule` over step ids (raises :class:`ScenarioError` for unknown ids)."""
    missing = [s for s in names if s not in index]
    if missing:
        raise ScenarioError(f"unknown step(s) {', '.join(missing)}", Location(field="steps"))
    label = label or _default_label(kind, names, window, limit)
    steps = tuple(index[s] for s in names)
    return Rule(kind=kind, steps=steps, label=label, window=window, limit=limit)


def _default_label(kind: RuleKind, names: Sequence[str], window: int, limit: int) -> str:
    if kind == "before":
        return f"{names[0]} before {names[1]}"
    if kind == "match":
        return f"{names[1]} matches {names[0]} within {window} phase(s)"
    if kind == "same_phase":
        return f"{', '.join(names)} in the same phase"
    return f"at most {limit} of {', '.join(names)} per phase"
