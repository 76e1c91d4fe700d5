"""Stability of every state for every decision maker: R, GMR, SMR, SEQ, SIM.

Notation (Fang, Hipel & Kilgour 1993, ch. 3–4): ``N`` the DMs, ``R_i(s)`` DM
``i``'s unilateral moves from ``s``, ``R_i^+(s)`` those strictly preferred by
``i`` (unilateral improvements, UIs), ``R_H(s)`` / ``R_H^+(s)`` the states a
coalition ``H`` reaches by *legal move sequences* of moves / of UIs (members move
one at a time, never the same DM twice in a row, a DM may move again later),
``s2 ⪯_i s`` when ``i`` does not prefer ``s2`` to ``s``.

A state ``s`` is, for DM ``i``,

Nash (R)
    if ``R_i^+(s)`` is empty.
general metarationality (GMR)
    if for every ``s1 ∈ R_i^+(s)`` some ``s2 ∈ R_{N−i}(s1)`` has ``s2 ⪯_i s``.
symmetric metarationality (SMR)
    if for every ``s1 ∈ R_i^+(s)`` some ``s2 ∈ R_{N−i}(s1)`` has ``s2 ⪯_i s``
    and ``s3 ⪯_i s`` for every ``s3 ∈ R_i(s2)`` (``i``'s counter-response cannot
    escape the sanction).
sequential stability (SEQ)
    if for every ``s1 ∈ R_i^+(s)`` some ``s2 ∈ R_{N−i}^+(s1)`` has ``s2 ⪯_i s``
    (sanctions only by credible moves: each a UI for the DM making it).
simultaneous sanctioning (SIM)
    if for every ``s1 ∈ R_i^+(s)`` some opponent ``j ≠ i`` has a UI
    ``s2 ∈ R_j^+(s)`` from the *same* state such that the state reached when
    both moves are made at once (``i``'s options as in ``s1``, ``j``'s as in
    ``s2``, the rest as in ``s``) is feasible and ``⪯_i s`` (Fraser & Hipel
    1984; Fang et al. 1993 §3.3 for two DMs, with one opponent moving at a
    time for more).

A state is an *equilibrium* under a concept when it is stable for every DM.
``seq_or_sim_per_dm`` marks states where every DM is SEQ- or SIM-stable (the
"SEQ & SIM" row of GMCR+ and of the NK2017 blog posts).

Method
------
The sanction tests are reduced to one number per state: with
``m(x) = min { u_i(y) : y ∈ {x} ∪ R_{N−i}(x) }`` (computed by
:func:`~peacetable.conflict.moves.reach_min`), ``s`` is GMR for ``i`` iff
``m(s1) ≤ u_i(s)`` for each UI ``s1``; SMR uses ``w_i(y) = max(u_i(y),
max u_i(R_i(y)))`` in place of ``u_i(y)``, SEQ the opponents' improvement graph.
Adding ``x`` itself never creates a sanction because ``u_i(s1) > u_i(s)``.
So every concept costs one pass over the move edges plus, for 3+ DMs, a
strongly-connected-components pass per DM: no ``S × S`` matrix is built.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
Fraser, N. M., & Hipel, K. W. (1984). *Conflict Analysis: Models and
Resolutions*. North-Holland.
Hipel, K. W., Kilgour, D. M., Fang, L., & Peng, X. (1997). The decision support
system GMCR in environmental conflict management. *Applied Mathematics and
Computation*, 83, 117–152.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.conflict.model import BoolArray, ConflictModel, IntArray
from peacetable.conflict.moves import MoveGraph, Reachability
from peacetable.core.results import Provenance, Result
from peacetable.errors import InputError

CONCEPTS: tuple[str, ...] = ("nash", "gmr", "smr", "seq", "sim")
CONCEPT_NAMES = {
    "nash": "Nash (R)",
    "gmr": "general metarationality (GMR)",
    "smr": "symmetric metarationality (SMR)",
    "seq": "sequential stability (SEQ)",
    "sim": "simultaneous sanctioning (SIM)",
    "seq_or_sim_per_dm": "SEQ or SIM for every DM",
}


@dataclass(frozen=True, eq=False)
class StabilityResult(Result):
    """Per-concept, per-DM stability of every feasible state.

    Attributes
    ----------
    model:
        The analysed conflict.
    stable:
        ``concept -> (n_dms, n_states)`` boolean array.
    reach:
        The move graphs used (kept for explanations and status quo analysis).
    """

    model: ConflictModel
    stable: dict[str, BoolArray]
    reach: Reachability | None = field(default=None, repr=False)

    @property
    def concepts(self) -> list[str]:
        return list(self.stable)

    def equilibria_mask(self, concept: str) -> BoolArray:
        """States stable for every DM under *concept* (or ``seq_or_sim_per_dm``)."""
        if concept == "seq_or_sim_per_dm":
            if "seq" not in self.stable or "sim" not in self.stable:
                raise InputError("seq_or_sim_per_dm needs both seq and sim")
            both: BoolArray = np.all(self.stable["seq"] | self.stable["sim"], axis=0)
            return both
        every: BoolArray = np.all(self._concept(concept), axis=0)
        return every

    def equilibria(self, concept: str) -> list[str]:
        """Equilibria under *concept* as Y/N patterns, in state order."""
        return [self.model.yn(int(i)) for i in np.flatnonzero(self.equilibria_mask(concept))]

    def stable_states(self, concept: str, dm: int | str) -> list[str]:
        """States stable for *dm* under *concept*, as Y/N patterns."""
        row = self._concept(concept)[self.model.dm_index(dm)]
        return [self.model.yn(int(i)) for i in np.flatnonzero(row)]

    def is_stable(self, concept: str, dm: int | str, state: int) -> bool:
        return bool(self._concept(concept)[self.model.dm_index(dm), state])

    def _concept(self, concept: str) -> BoolArray:
        try:
            return self.stable[concept]
        except KeyError:
            raise InputError(
                f"concept {concept!r} was not computed; have {self.concepts}"
            ) from None

    def equilibrium_concepts(self) -> list[str]:
        names = list(self.stable)
        if "seq" in self.stable and "sim" in self.stable:
            names.append("seq_or_sim_per_dm")
        return names

    def to_dict(self, per_state: bool = True) -> dict[str, Any]:
        """JSON-ready results: stable states per concept and DM, equilibria, and a state table."""
        m = self.model
        out: dict[str, Any] = {
            "conflict": m.name,
            "decision_makers": m.dm_names,
            "n_states": m.n_states,
            "stable": {
                c: {d: self.stable_states(c, i) for i, d in enumerate(m.dm_names)}
                for c in self.stable
            },
            "equilibria": {c: self.equilibria(c) for c in self.equilibrium_concepts()},
        }
        if per_state:
            yn = m.yn_all()
            out["states"] = [
                {
                    "index": s,
                    "yn": yn[s],
                    "decimal": int(m.states[s]),
                    "payoffs": {d: int(m.payoffs[i, s]) for i, d in enumerate(m.dm_names)},
                    "stable": {
                        c: [d for i, d in enumerate(m.dm_names) if self.stable[c][i, s]]
                        for c in self.stable
                    },
                    "equilibrium": [
                        c for c in self.equilibrium_concepts() if self.equilibria_mask(c)[s]
                    ],
                }
                for s in range(m.n_states)
            ]
        out["provenance"] = self.provenance.to_dict()
        return out


def analyze(
    model: ConflictModel,
    concepts: Sequence[str] = CONCEPTS,
    *,
    reach: Reachability | None = None,
) -> StabilityResult:
    """Stability of every feasible state for every DM under the chosen concepts.

    Parameters
    ----------
    model:
        The conflict.
    concepts:
        Any of ``nash``, ``gmr``, ``smr``, ``seq``, ``sim`` (default: all).
    reach:
        Move graphs to reuse (built on demand otherwise).

    Returns
    -------
    StabilityResult

    Raises
    ------
    InputError
        For an unknown concept.

    Notes
    -----
    Definitions in the module docstring. Cost per DM: building ``R_i``
    (sum of squared group sizes), one edge pass per concept, and for three
    or more DMs a strongly-connected-components pass over the opponents'
    union graph for GMR/SMR and over their improvement graph for SEQ.

    Examples
    --------
    >>> from peacetable.conflict.model import build_model
    >>> chicken = build_model("chicken", [("straight", "A"), ("straight", "B")],
    ...                       {"A": [3, 4, 2, 1], "B": [3, 2, 4, 1]})
    >>> r = analyze(chicken)
    >>> r.equilibria("nash"), r.equilibria("gmr"), r.equilibria("seq")
    (['YN', 'NY'], ['NN', 'YN', 'NY'], ['YN', 'NY'])
    """
    unknown = [c for c in concepts if c not in CONCEPTS]
    if unknown:
        raise InputError(f"unknown stability concept(s) {unknown}; choose from {list(CONCEPTS)}")
    reach = reach or Reachability(model)
    n, s = model.n_dms, model.n_states
    stable = {c: np.zeros((n, s), dtype=bool) for c in CONCEPTS if c in concepts}
    for i in range(n):
        u = model.payoffs[i]
        ui = reach.improvements(i)
        others = [j for j in range(n) if j != i]
        if "nash" in stable:
            stable["nash"][i] = _no_edges_from(ui.src, s)
        if "gmr" in stable:
            worst = reach.coalition_reach_min(others, u)
            stable["gmr"][i] = _all_sanctioned(ui, worst, u, s)
        if "smr" in stable:
            escape = best_within_one_move(reach.moves(i), u)
            worst = reach.coalition_reach_min(others, escape)
            stable["smr"][i] = _all_sanctioned(ui, worst, u, s)
        if "seq" in stable:
            worst = reach.coalition_reach_min(others, u, improving=True)
            stable["seq"][i] = _all_sanctioned(ui, worst, u, s)
        if "sim" in stable:
            stable["sim"][i] = _sim_stable(model, reach, i, others)
    return StabilityResult(
        model,
        stable,
        reach=reach,
        provenance=Provenance(
            "exact: sparse move graphs, SCC reachability (legal move sequences); "
            + ", ".join(stable)
        ),
    )


def _no_edges_from(sources: np.ndarray, n: int) -> BoolArray:
    """Per state: is it absent from *sources* (no offending edge leaves it)?"""
    out: BoolArray = np.bincount(sources, minlength=n) == 0
    return out


def _all_sanctioned(ui: MoveGraph, worst: IntArray, u: IntArray, n: int) -> BoolArray:
    """Stable where every UI ``s -> s1`` has ``worst[s1] <= u[s]``."""
    escapes = worst[ui.dst] > u[ui.src]
    return _no_edges_from(ui.src[escapes], n)


def best_within_one_move(moves: MoveGraph, u: IntArray) -> IntArray:
    """``w(y) = max(u(y), max u over R_i(y))``: the best ``i`` secures from ``y`` in one move."""
    out = u.copy()
    if len(moves):
        np.maximum.at(out, moves.src, u[moves.dst])
    return out


def _sim_stable(
    model: ConflictModel, reach: Reachability, i: int, others: Iterable[int]
) -> BoolArray:
    """SIM: every UI of *i* from ``s`` is met by some opponent's simultaneous UI from ``s``.

    For an opponent ``j``, the joint state of ``i``'s UI ``s -> s1`` and ``j``'s UI
    ``s -> s2`` is ``s1`` with ``j``'s options set as in ``s2``: a member of ``s1``'s
    ``j``-group (states equal to ``s1`` outside ``j``'s options). Each state's
    ``j``-options get a compact id, and bit sets over those ids (``uint64`` words)
    hold (a) the ids ``j`` can improve to from ``s`` and (b) for each ``j``-group,
    the ids of its members with ``u_i`` at most a threshold (prefix ORs over the
    group sorted by ``u_i``). A UI is sanctioned by ``j`` iff (a) and (b, with
    threshold ``u_i(s)``) intersect: one bit-set AND per (UI, opponent), instead of
    one look-up per (UI, opponent UI) pair.
    """
    n = model.n_states
    u = np.unique(model.payoffs[i], return_inverse=True)[1].astype(np.int64)  # ranks 0..n-1
    mine = reach.improvements(i)
    sanctioned = np.zeros(len(mine), dtype=bool)
    if len(mine) == 0:
        return _no_edges_from(mine.src, n)
    src, dst = mine.src.astype(np.int64), mine.dst.astype(np.int64)
    for j in others:
        theirs = reach.improvements(j)
        if len(theirs) == 0:
            continue
        mask = model.dm_mask(j)
        _, part = np.unique(model.states & mask, return_inverse=True)
        words = int(part.max()) // 64 + 1
        word, bit = part // 64, (part % 64).astype(np.uint64)
        one = np.uint64(1)
        # (a) the j-option ids j improves to from each state
        can = np.zeros((n, words), dtype=np.uint64)
        t = theirs.dst.astype(np.int64)
        np.bitwise_or.at(can, (theirs.src.astype(np.int64), word[t]), one << bit[t])
        # (b) per j-group, members sorted by u_i, prefix ORs of their id bits
        _, group = np.unique(model.states & ~mask, return_inverse=True)
        order = np.lexsort((u, group))
        span = int(u.max()) + 1
        key = group[order] * span + u[order]
        members = np.zeros((n, words), dtype=np.uint64)
        members[np.arange(n), word[order]] = one << bit[order]
        prefix = _segmented_or(members, group[order])
        pos = np.searchsorted(key, group[dst] * span + u[src], side="right") - 1
        inside = (pos >= 0) & (group[order][np.maximum(pos, 0)] == group[dst])
        hit = np.zeros(len(src), dtype=bool)
        hit[inside] = np.any(prefix[pos[inside]] & can[src[inside]] != 0, axis=1)
        sanctioned |= hit
    return _no_edges_from(mine.src[~sanctioned], n)


def _segmented_or(values: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Inclusive prefix OR of the rows of *values* within runs of equal *segment* ids.

    Hillis–Steele doubling: ``log2(longest run)`` vectorised passes.
    """
    out = values.copy()
    d = 1
    while d < len(out):
        same = segment[d:] == segment[:-d]
        if not same.any():
            break
        prev = out.copy()
        out[d:][same] |= prev[:-d][same]
        d *= 2
    return out
