"""Simultaneous sanctioning (SIM) for any number of decision makers, as GMCR+ defines it.

A unilateral improvement (UI) ``s -> s1`` of DM ``i`` is *SIM-sanctioned* when
some non-empty set of opponents, each making at most one UI from the *same*
state ``s`` at the same time, reaches a feasible state ``x`` that ``i`` does not
prefer to ``s`` (``u_i(x) <= u_i(s)``). The joint state ``x`` takes ``i``'s
options from ``s1``, each moving opponent's options from its own target and
everything else from ``s``; ``s`` is SIM-stable for ``i`` when every UI is
sanctioned (Fraser & Hipel 1984; Fang, Hipel & Kilgour 1993, §3.3; the GMCR+
decision support system, gmcr-py 0.4.1, ``LogicalSolver.sim``, which forms the
product of every opponent's "stay or one of its UIs").

Method
------
1. *One opponent* (every model without dependencies): bit sets over each
   opponent's option combinations, one AND per (UI, opponent) (the method of
   the two-DM case, which it answers completely).
2. *Several opponents*, for the UIs still unsanctioned: the combinations are
   grown opponent by opponent — every partial combination is itself a
   candidate (the remaining opponents stay) — and a UI leaves the search as
   soon as one combination sanctions it. Work is at most the number of
   combinations ``Π_j (1 + |R_j^+(s)|)`` per unsanctioned UI, processed in
   bounded chunks. A UI with more combinations than :data:`MAX_BOX` is decided
   from the other side instead: the feasible states with ``i``'s options of
   ``s1`` and ``u_i <= u_i(s)`` are tested for membership in the product.

With dependencies (:mod:`peacetable.conflict.dependencies`) a move can void
options it does not own, so the joint state is built from the *union* of the
options each move changes (two moves changing one issue differently give no
state) and then repaired; step 1 does not apply and step 2 starts from one
opponent.

References
----------
Fraser, N. M., & Hipel, K. W. (1984). *Conflict Analysis: Models and
Resolutions*. North-Holland.
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
Hipel, K. W., Kilgour, D. M., Fang, L., & Peng, X. (1997). The decision support
system GMCR in environmental conflict management. *Applied Mathematics and
Computation*, 83, 117–152.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from peacetable.conflict.dependencies import repair
from peacetable.conflict.model import BoolArray, ConflictModel, IntArray
from peacetable.conflict.moves import Reachability, expand
from peacetable.errors import AnalysisError

#: Combinations held in memory at once while growing them (per chunk of UIs).
CHUNK = 1 << 21
#: A UI with more opponent combinations than this is decided from the candidate states.
MAX_BOX = 1 << 16
#: Most combinations a model with dependencies may need in all (no candidate shortcut).
MAX_COMBINATIONS = 50_000_000


def sim_stable(
    model: ConflictModel, reach: Reachability, i: int, others: Sequence[int]
) -> BoolArray:
    """Per state: is it SIM-stable for DM *i* (every UI sanctioned by simultaneous UIs)?

    References
    ----------
    Fraser & Hipel (1984); Fang, Hipel & Kilgour (1993), §3.3; GMCR+
    (gmcr-py 0.4.1, ``LogicalSolver.sim``) for three or more DMs.

    Examples
    --------
    Three DMs: A's move is punished only if B and C both move at once.

    >>> from peacetable.conflict.model import build_model
    >>> m = build_model("three", [("a", "A"), ("b", "B"), ("c", "C")],
    ...     {"A": [2, 3, 3, 3, 3, 3, 3, 1], "B": [1, 1, 2, 2, 1, 1, 2, 2],
    ...      "C": [1, 1, 1, 1, 2, 2, 2, 2]})
    >>> bool(sim_stable(m, Reachability(m), 0, [1, 2])[m.parse_state("NNN")])
    True
    """
    n = model.n_states
    mine = reach.improvements(i)
    if len(mine) == 0:
        return np.ones(n, dtype=bool)
    movers = [j for j in others if len(reach.improvements(j))]
    src, dst = mine.src.astype(np.int64), mine.dst.astype(np.int64)
    if model.dependencies:
        sanctioned = np.zeros(len(src), dtype=bool)
        todo = np.ones(len(src), dtype=bool) if movers else sanctioned.copy()
    else:
        sanctioned = single_opponent(model, reach, i, movers)
        moving = np.zeros(n, dtype=np.int64)
        for j in movers:
            moving += np.diff(reach.improvements(j).indptr) > 0
        todo = ~sanctioned & (moving[src] >= 2)
    if todo.any():
        left = np.flatnonzero(todo)
        sanctioned[left] = combination_sanctioned(model, reach, i, movers, src[left], dst[left])
    out: BoolArray = np.bincount(src[~sanctioned], minlength=n) == 0
    return out


def single_opponent(
    model: ConflictModel, reach: Reachability, i: int, others: Sequence[int]
) -> BoolArray:
    """Per UI of *i* (edge order of ``reach.improvements(i)``): does one opponent's UI sanction it?

    For an opponent ``j``, the joint state of ``i``'s UI ``s -> s1`` and ``j``'s UI
    ``s -> s2`` is a member of ``s1``'s ``j``-group (states equal to ``s1`` outside
    ``j``'s options). Each state's ``j``-options get a compact id, and bit sets over
    those ids (``uint64`` words) hold (a) the ids ``j`` can improve to from ``s`` and
    (b) for each ``j``-group, the ids of its members with ``u_i`` at most a
    threshold (prefix ORs over the group sorted by ``u_i``). A UI is sanctioned by
    ``j`` iff (a) and (b, threshold ``u_i(s)``) intersect: one AND per (UI, opponent).

    Examples
    --------
    Chicken: A going straight from NN is met by B going straight at the same time; A
    swerving from YY is not punished by B swerving too.

    >>> from peacetable.conflict.model import build_model
    >>> m = build_model("chicken", [("straight", "A"), ("straight", "B")],
    ...                 {"A": [3, 4, 2, 1], "B": [3, 2, 4, 1]})
    >>> r = Reachability(m)
    >>> [(m.yn(int(a)), m.yn(int(b))) for a, b in zip(r.improvements(0).src, r.improvements(0).dst)]
    [('NN', 'YN'), ('YY', 'NY')]
    >>> single_opponent(m, r, 0, [1]).tolist()
    [True, False]
    """
    n = model.n_states
    u = np.unique(model.payoffs[i], return_inverse=True)[1].astype(np.int64)  # ranks 0..n-1
    mine = reach.improvements(i)
    sanctioned = np.zeros(len(mine), dtype=bool)
    src, dst = mine.src.astype(np.int64), mine.dst.astype(np.int64)
    one = np.uint64(1)
    for j in others:
        theirs = reach.improvements(j)
        if len(theirs) == 0 or len(mine) == 0:
            continue
        mask = model.dm_mask(j)
        _, part = np.unique(model.states & mask, return_inverse=True)
        words = int(part.max()) // 64 + 1
        word, bit = part // 64, (part % 64).astype(np.uint64)
        can = np.zeros((n, words), dtype=np.uint64)
        t = theirs.dst.astype(np.int64)
        np.bitwise_or.at(can, (theirs.src.astype(np.int64), word[t]), one << bit[t])
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
    return sanctioned


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


def _boxes(reach: Reachability, movers: Sequence[int], src: IntArray) -> NDArray[np.float64]:
    """Number of opponent combinations (stay or one UI each) from each source state."""
    box = np.ones(len(src), dtype=np.float64)
    for j in movers:
        box *= 1.0 + np.diff(reach.improvements(j).indptr)[src]
    return box


def _joint(model: ConflictModel, reach: Reachability, s: IntArray, flips: IntArray) -> IntArray:
    """State indices (``-1``: infeasible) of ``s`` with the options in *flips* changed."""
    codes = model.states[s] ^ flips
    if model.dependencies:
        codes = repair(model.dependencies, codes)
    return reach.indices_of(codes)


def combination_sanctioned(
    model: ConflictModel,
    reach: Reachability,
    i: int,
    movers: Sequence[int],
    src: IntArray,
    dst: IntArray,
) -> BoolArray:
    """Per UI ``src -> dst`` of *i*: is it sanctioned by some set of simultaneous opponent UIs?

    Raises
    ------
    AnalysisError
        A model with dependencies needs more than :data:`MAX_COMBINATIONS`
        combinations.

    Examples
    --------
    A's move from NNN is punished only when B and C move together (to YYY).

    >>> from peacetable.conflict.model import build_model
    >>> m = build_model("three", [("a", "A"), ("b", "B"), ("c", "C")],
    ...     {"A": [2, 3, 3, 3, 3, 3, 3, 1], "B": [1, 1, 2, 2, 1, 1, 2, 2],
    ...      "C": [1, 1, 1, 1, 2, 2, 2, 2]})
    >>> r = Reachability(m)
    >>> s, s1 = np.array([m.parse_state("NNN")]), np.array([m.parse_state("YNN")])
    >>> bool(single_opponent(m, r, 0, [1, 2])[0]), bool(combination_sanctioned(m, r, 0, [1, 2], s, s1)[0])
    (False, True)
    """
    out = np.zeros(len(src), dtype=bool)
    if len(src) == 0 or not movers:
        return out
    box = _boxes(reach, movers, src)
    big = box > MAX_BOX
    if model.dependencies:
        if float(box.sum()) > MAX_COMBINATIONS:
            raise AnalysisError(
                f"simultaneous sanctioning needs {float(box.sum()):,.0f} combinations of "
                "simultaneous moves; analyse without 'sim' or hold more issues fixed"
            )
        big[:] = False
    for e in np.flatnonzero(big):
        out[e] = _from_candidates(model, reach, i, int(src[e]), int(dst[e]))
    small = np.flatnonzero(~big)
    if len(small):
        chunk = ((np.cumsum(box[small]) - box[small]) // CHUNK).astype(np.int64)
        starts = np.flatnonzero(np.r_[True, chunk[1:] != chunk[:-1]])
        for lo, hi in zip(starts, [*starts[1:], len(small)], strict=True):
            rows = small[lo:hi]
            out[rows] = _grow(model, reach, i, movers, src[rows], dst[rows])
    return out


def _grow(
    model: ConflictModel,
    reach: Reachability,
    i: int,
    movers: Sequence[int],
    src: IntArray,
    dst: IntArray,
) -> BoolArray:
    """Grow the opponents' combinations for a chunk of UIs, stopping each UI at its first sanction."""
    codes, u = model.states, model.payoffs[i]
    found = np.zeros(len(src), dtype=bool)
    edge = np.arange(len(src), dtype=np.int64)
    flips = codes[dst] ^ codes[src]
    for j in movers:
        alive = ~found[edge]
        edge, flips = edge[alive], flips[alive]
        graph = reach.improvements(j)
        which, moves = expand(graph, src[edge])
        if len(moves) == 0:
            continue
        s = src[edge[which]]
        grown = flips[which] | (codes[graph.dst[moves]] ^ codes[s])
        joint = _joint(model, reach, s, grown)
        hit = joint >= 0
        hit[hit] = u[joint[hit]] <= u[s[hit]]
        found[edge[which[hit]]] = True
        edge = np.concatenate([edge, edge[which[~hit]]])
        flips = np.concatenate([flips, grown[~hit]])
    return found


def _from_candidates(model: ConflictModel, reach: Reachability, i: int, s: int, s1: int) -> bool:
    """SIM test of one UI from the feasible states instead of the combinations (no dependencies).

    A candidate ``x`` has ``i``'s options of ``s1``, ``u_i(x) <= u_i(s)``, and for
    every other DM ``j`` the options of ``s`` or of one of ``j``'s UIs from ``s``.
    """
    codes, u = model.states, model.payoffs[i]
    mask_i = model.dm_mask(i)
    cand = codes[((codes & mask_i) == (codes[s1] & mask_i)) & (u <= u[s])]
    if len(cand) == 0:
        return False
    ok = np.ones(len(cand), dtype=bool)
    owned = mask_i
    for j in range(model.n_dms):
        if j == i:
            continue
        mask_j = model.dm_mask(j)
        owned |= mask_j
        allowed = np.append(codes[reach.improvements(j).targets(s)] & mask_j, codes[s] & mask_j)
        ok &= np.isin(cand & mask_j, allowed)
    ok &= (cand & ~owned) == (codes[s] & ~owned)
    ok &= cand != codes[s1]
    return bool(ok.any())


def sim_witness(
    model: ConflictModel,
    reach: Reachability,
    i: int,
    s: int,
    s1: int,
    others: Sequence[int],
) -> tuple[list[tuple[int, int]], int] | None:
    """A smallest set of simultaneous opponent UIs that sanctions ``s -> s1``.

    Sets of opponents are tried by size (one, then two, …), all their UIs at
    once, so the witness has the fewest movers; among those, the joint state
    *i* likes least.

    Returns
    -------
    ``([(opponent, its target state), ...], joint state)`` or ``None``
        The opponents' UIs from *s* and the state they reach together with
        *i*'s move, or ``None`` when no combination sanctions the UI.

    Raises
    ------
    AnalysisError
        More than :data:`MAX_COMBINATIONS` combinations to try.

    Examples
    --------
    >>> from peacetable.conflict.model import build_model
    >>> m = build_model("three", [("a", "A"), ("b", "B"), ("c", "C")],
    ...     {"A": [2, 3, 3, 3, 3, 3, 3, 1], "B": [1, 1, 2, 2, 1, 1, 2, 2],
    ...      "C": [1, 1, 1, 1, 2, 2, 2, 2]})
    >>> moves, joint = sim_witness(m, Reachability(m), 0, 0, m.parse_state("YNN"), [1, 2])
    >>> [(m.dm_names[j], m.yn(t)) for j, t in moves], m.yn(joint)
    ([('B', 'NYN'), ('C', 'NNY')], 'YYY')
    """
    codes, u = model.states, model.payoffs[i]
    ui = {j: reach.improvements(j).targets(s).astype(np.int64) for j in others}
    movers = [j for j in others if len(ui[j])]
    if not movers:
        return None
    if float(_boxes(reach, movers, np.array([s]))[0]) > MAX_COMBINATIONS:
        raise AnalysisError("too many combinations of simultaneous moves to explain this state")
    base = codes[s1] ^ codes[s]
    for size in range(1, len(movers) + 1):
        best: tuple[int, list[tuple[int, int]], int] | None = None
        for group in combinations(movers, size):
            grids = np.meshgrid(*(ui[j] for j in group), indexing="ij")
            picks = np.stack([g.reshape(-1) for g in grids], axis=1)  # (combos, size)
            flips = np.full(len(picks), base)
            for col in range(size):
                flips |= codes[picks[:, col]] ^ codes[s]
            joint = _joint(model, reach, np.full(len(picks), s), flips)
            good = np.flatnonzero((joint >= 0) & (u[np.maximum(joint, 0)] <= u[s]))
            if len(good):
                r = int(good[np.argmin(u[joint[good]])])
                if best is None or int(u[joint[r]]) < best[0]:
                    pairs = [(j, int(t)) for j, t in zip(group, picks[r], strict=True)]
                    best = (int(u[joint[r]]), pairs, int(joint[r]))
        if best is not None:
            return best[1], best[2]
    return None
