"""Exposure and self-enforcement of phased schedules, vectorised over many schedules.

A *schedule* puts every unit (tranche of a step) of a :class:`~peacetable.sequence.plan.Plan`
in a phase ``1..K``. Units of one phase run side by side; the next phase starts
once they are done and verified, so a phase lasts as long as its longest unit
(duration plus verification delay).

**Exposure** (Walter 1999, ch. 2: the vulnerability of the side that complies
first). During phase ``t`` party ``i`` has felt every loss of the units done by
the end of ``t`` and every gain of its own units, but counts the gains of the
others' units only once they are verified, i.e. from the end of their phase, and
only if ``i`` can see the verification (it verifies, or a verifier without
preferences reports to all)::

    E_i(t) = - sum_{u done by t} [own_ui v_ui + (1 - own_ui) min(v_ui, 0)]
             - sum_{u done by t-1} (1 - own_ui) credit_ui max(v_ui, 0)

and after the last phase every verified gain counts. A schedule is **safe** when
``E_i(t) <= bound_i`` for every party and phase, and after completion.

**Self-enforcement** (one-step deterrence; Kilgour & Brams 1992; the
sanctioning logic of the conflict lens, Fang, Hipel & Kilgour 1993, ch. 4,
with the defector's opponents' one response being the collapse of the deal).
At the end of each phase ``t <= K`` of the schedule:

* *walking away* is deterred when ``P_i(t) >= W_i(t)``: the partially
  implemented state ``P_i(t) = base_i + sum_{u done by t} v_ui`` against the
  collapse, in which every reversible unit is undone (the performer paying its
  reversal cost) and the irreversible ones stay:
  ``W_i(t) = no_deal_i(t) + sum_{irreversible u done} v_ui - sum_{own reversible u done} c_u``;
* *reversing* one of its own reversible units ``u`` (gain ``g_u = -v_ui - c_u > 0``)
  is deterred when ``(1 - q_u) g_u <= q_u (P_i(t) - W_i(t))``: with probability
  ``q_u`` (the detection probability of u's verification) the breach is seen and
  the deal collapses, otherwise the party keeps the gain.

References
----------
Walter, B. F. (1999). Designing transitions from civil war. *International
Security* 24(1), 127–155.
Kilgour, D. M., & Brams, S. J. (1992). Putting the other side "on notice" can
induce compliance in arms control. *Journal of Conflict Resolution* 36(3), 395–414.
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetable.sequence.plan import (
    PROBABILITY_SCALE,
    BoolArray,
    IntArray,
    Plan,
    Rule,
    scale_no_deal,
)


@dataclass(frozen=True)
class Evaluation:
    """Exposure, self-enforcement and rule checks of a batch of ``B`` schedules.

    Attributes
    ----------
    phases:
        ``(B, n_units)`` phase of each unit (1-based).
    n_phases, duration:
        ``(B,)`` last phase used, and total duration (time units).
    phase_length:
        ``(B, P)`` length of each phase (0 when empty).
    exposure:
        ``(B, P + 1, n_parties)``: row ``t - 1`` during phase ``t``, row ``P`` after completion.
    walk_margin:
        ``(B, P, n_parties)`` ``P_i(t) - W_i(t)`` at the end of each phase.
    reversal_ok:
        ``(B, P, n_parties)`` no profitable undetected reversal at phase t.
    rules_ok:
        ``(B, n_rules)`` each rule of ``rules`` holds.
    structure_ok:
        ``(B,)`` phases within ``1..max_phases``, no empty phase before the last,
        tranches of a step in order.
    """

    phases: IntArray
    n_phases: IntArray
    duration: IntArray
    phase_length: IntArray
    exposure: IntArray
    bounds: IntArray
    walk_margin: IntArray
    reversal_ok: BoolArray
    rules_ok: BoolArray
    structure_ok: BoolArray

    @property
    def used(self) -> BoolArray:
        """``(B, P)`` phase t is part of the schedule (t <= n_phases)."""
        p = self.phase_length.shape[1]
        return np.arange(1, p + 1)[None, :] <= self.n_phases[:, None]

    @property
    def max_exposure(self) -> IntArray:
        """``(B,)`` largest exposure of any party at any phase or after completion."""
        out: IntArray = self.exposure.max(axis=(1, 2))
        return out

    @property
    def safe_party(self) -> BoolArray:
        """``(B, n_parties)`` the party's exposure never exceeds its bound."""
        out: BoolArray = np.asarray((self.exposure <= self.bounds[None, None, :]).all(axis=1))
        return out

    @property
    def self_enforcing_party(self) -> BoolArray:
        """``(B, n_parties)`` no gain by walking away or reversing at any phase of the schedule."""
        ok = (self.walk_margin >= 0) & self.reversal_ok
        out: BoolArray = np.asarray((ok | ~self.used[:, :, None]).all(axis=1))
        return out

    def feasible(self, *, safe: bool = True, self_enforcing: bool = False) -> BoolArray:
        """``(B,)`` structure and rules hold, and the required properties."""
        ok = np.asarray(self.structure_ok & self.rules_ok.all(axis=1), dtype=bool)
        if safe:
            ok = np.asarray(ok & self.safe_party.all(axis=1), dtype=bool)
        if self_enforcing:
            ok = np.asarray(ok & self.self_enforcing_party.all(axis=1), dtype=bool)
        return ok


def evaluate(
    plan: Plan,
    phases: npt.ArrayLike,
    no_deal: npt.ArrayLike,
    rules: Sequence[Rule] | None = None,
    max_phases: int | None = None,
) -> Evaluation:
    """Evaluate schedules of *plan* (see the module docstring for the definitions).

    Parameters
    ----------
    plan:
        The plan.
    phases:
        ``(n_units,)`` or ``(B, n_units)`` phase of each unit, 1-based.
    no_deal:
        ``(n_parties,)`` or ``(n_phases, n_parties)`` disagreement point per phase.
    rules:
        Order rules to check (default: the plan's).
    max_phases:
        Largest phase allowed (default: the plan's ``max_phases``).

    Returns
    -------
    Evaluation

    Notes
    -----
    ``O(B * n_units * P * n_parties)`` time and memory, all in NumPy.

    Examples
    --------
    >>> from peacetable.sequence.plan import make_plan
    >>> plan = make_plan(["A", "B"],
    ...     [{"id": "a", "performer": "A", "value": [-0.1, 0.2], "length": 1},
    ...      {"id": "b", "performer": "B", "value": [0.2, -0.1], "length": 1}],
    ...     base=[0.5, 0.5], bounds=[0.1, 0.1])
    >>> ev = evaluate(plan, [[1, 1], [1, 2]], no_deal=[0.4, 0.4])
    >>> ev.exposure[:, :2, 0].tolist()   # A's exposure in phases 1 and 2: together, then A first
    [[1000, -1000], [1000, 1000]]
    >>> ev.feasible().tolist()           # A's bound 0.1 holds in both schedules
    [True, True]
    """
    ph = np.asarray(phases, dtype=np.int64)
    if ph.ndim == 1:
        ph = ph[None, :]
    limit = plan.max_phases if max_phases is None else max_phases
    p = int(max(limit, int(ph.max(initial=1))))
    rules = plan.rules if rules is None else tuple(rules)
    t = np.arange(0, p + 1)
    done = ph[:, :, None] <= t[None, None, :]  # (B, U, P+1)
    v = plan.value
    now = -(np.where(plan.own, v, np.minimum(v, 0)))  # counted when done
    later = -(np.where(~plan.own & plan.credit, np.maximum(v, 0), 0))  # when verified
    d = done.astype(np.int64)
    exposure = np.einsum("but,ui->bti", d[:, :, 1:], now) + np.einsum(
        "but,ui->bti", d[:, :, :-1], later
    )
    final = np.broadcast_to(
        (now.sum(axis=0) + later.sum(axis=0))[None, None, :], (ph.shape[0], 1, plan.n_parties)
    )
    exposure = np.concatenate([exposure, final], axis=1)
    n_phases = ph.max(axis=1)
    in_phase = ph[:, :, None] == t[None, None, 1:]  # (B, U, P)
    phase_length = np.where(in_phase, plan.length[None, :, None], 0).max(axis=1)
    nd = scale_no_deal(no_deal, p, plan.n_parties)
    rev_v = np.where(plan.reversible[:, None], v, 0)
    rev_c = np.where(plan.reversible[:, None] & plan.own, plan.reversal_cost[:, None], 0)
    walk = (
        plan.base[None, None, :]
        - nd[None, :, :]
        + np.einsum("but,ui->bti", d[:, :, 1:], rev_v + rev_c)
    )
    reversal_ok = _reversal_ok(plan, done[:, :, 1:], walk)
    return Evaluation(
        phases=ph,
        n_phases=n_phases,
        duration=phase_length.sum(axis=1),
        phase_length=phase_length,
        exposure=exposure,
        bounds=plan.bounds,
        walk_margin=walk,
        reversal_ok=reversal_ok,
        rules_ok=np.stack([rule_holds(plan, r, ph) for r in rules], axis=1)
        if rules
        else np.ones((ph.shape[0], 0), dtype=bool),
        structure_ok=_structure_ok(plan, ph, limit),
    )


def reversal_gain(plan: Plan) -> IntArray:
    """``(n_units,)`` what the performer gains by undoing each unit (0 unless reversible)."""
    perf = np.argmax(plan.own, axis=1)
    has = plan.own.any(axis=1)
    g = -plan.value[np.arange(plan.n_units), perf] - plan.reversal_cost
    return np.where(plan.reversible & has, g, 0)


def _reversal_ok(plan: Plan, done: BoolArray, walk: IntArray) -> BoolArray:
    """``(B, P, n)``: no own reversible unit done by t is worth reversing undetected."""
    ok = np.ones(walk.shape, dtype=bool)
    gains = reversal_gain(plan)
    for u in np.flatnonzero(gains > 0):
        i = int(np.argmax(plan.own[u]))
        q = int(plan.detection[u])
        holds = q * walk[:, :, i] >= (PROBABILITY_SCALE - q) * int(gains[u])
        ok[:, :, i] &= holds | ~done[:, u, :]
    return ok


def rule_holds(plan: Plan, rule: Rule, phases: IntArray) -> BoolArray:
    """``(B,)`` whether each schedule satisfies *rule*."""
    if rule.kind == "before":
        a, b = (phases[:, plan.units_of(s)] for s in rule.steps)
        return np.asarray(a.max(axis=1) < b.min(axis=1), dtype=bool)
    if rule.kind in ("match", "same_phase"):
        cols = [phases[:, plan.units_of(s)] for s in rule.steps]
        window = rule.window if rule.kind == "match" else 0
        ok = np.ones(phases.shape[0], dtype=bool)
        for other in cols[1:]:
            ok &= (np.abs(other - cols[0]) <= window).all(axis=1)
        return ok
    units = np.concatenate([plan.units_of(s) for s in rule.steps])
    p = int(phases.max(initial=1))
    counts = (phases[:, units, None] == np.arange(1, p + 1)[None, None, :]).sum(axis=1)
    return np.asarray((counts <= rule.limit).all(axis=1), dtype=bool)


def _structure_ok(plan: Plan, phases: IntArray, limit: int) -> BoolArray:
    ok = (phases >= 1).all(axis=1) & (phases <= limit).all(axis=1)
    k = phases.max(axis=1)
    p = int(k.max(initial=1))
    present = (phases[:, :, None] == np.arange(1, p + 1)[None, None, :]).any(axis=1)
    ok &= (present | (np.arange(1, p + 1)[None, :] > k[:, None])).all(axis=1)
    for s in range(len(plan.step_ids)):
        units = plan.units_of(s)
        if len(units) > 1:
            ok &= (np.diff(phases[:, units], axis=1) >= 0).all(axis=1)
    return np.asarray(ok, dtype=bool)
