"""Unilateral moves and coalition reachability, as sparse graphs over state indices.

DM ``i``'s reachable list ``R_i(s)`` holds the feasible states that differ from
``s`` only in options ``i`` controls and that respect every option's permitted
direction (Fang, Hipel & Kilgour 1993, §2.2). States with the same values of
the *other* DMs' options form one group; inside a group every state reaches
every other one, less the pairs an irreversible option forbids. The move
graph is therefore built group by group — never as a dense ``S × S`` matrix —
and stored as sorted edge arrays with a CSR row pointer.

Coalition reachability ``R_H(s)`` (legal move sequences: members of ``H``
move one at a time, the same DM never twice in a row, a DM may move again
after another has moved) equals ordinary graph reachability in the union of
the members' move graphs: two consecutive moves by the same DM compose into
one move of that DM, because ``R_j`` is transitive (groups are closed and the
direction rules are monotone). The same holds for unilateral improvements
(``R_H^+``), where payoffs increase strictly along each DM's run. The only
difference is whether ``s`` itself belongs to ``R_H(s)``, which never affects a
sanction (a unilateral improvement is strictly preferred to the state it left).
:func:`reach_min` therefore answers "the least preferred state a coalition can
reach" with strongly connected components and a relaxation over their DAG, in
time linear in the edges times the DAG depth (at most the number of
irreversible options plus one for these graphs).

Dependencies (:mod:`peacetable.conflict.dependencies`): a move may also void
other options, so a DM's moves are no longer a clique per group. DM ``i``'s
*elementary* moves from ``s`` set its options to any combination found in a
feasible state and void what that breaks; ``R_i`` is their transitive closure
(everything ``i`` can bring about by its own actions in a row), which keeps
``R_i`` transitive and so every result above valid.

Misperceptions (GMCR+ ``.gmcr`` files): a DM does not perceive some states.
We remove those states from that DM's own move graph, both as origins and as
destinations: the DM sees no move from a state it does not perceive and plans
none into it. This reproduces GMCR+ on its ``SI_misp`` example. It is a
simplification of hypergame analysis (Wang, Hipel & Fraser 1988), which
would give each DM its own perceived game.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from peacetable.conflict.dependencies import repair
from peacetable.conflict.model import ConflictModel, IntArray
from peacetable.errors import AnalysisError

#: Largest number of (state, move) pairs one DM's move graph may hold.
MAX_EDGES_PER_DM = 200_000_000


@dataclass(frozen=True)
class MoveGraph:
    """Directed edges ``src -> dst`` sorted by ``src``, with CSR row pointer ``indptr``."""

    src: NDArray[np.int32]
    dst: NDArray[np.int32]
    indptr: NDArray[np.int64]

    @classmethod
    def from_sorted_edges(
        cls, n: int, src: NDArray[np.integer[Any]], dst: NDArray[np.integer[Any]]
    ) -> MoveGraph:
        """Edges already grouped by ascending source."""
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        return cls(src.astype(np.int32), dst.astype(np.int32), indptr)

    def subgraph(self, keep: NDArray[np.bool_]) -> MoveGraph:
        """The edges where *keep* is true (still sorted)."""
        return MoveGraph.from_sorted_edges(len(self.indptr) - 1, self.src[keep], self.dst[keep])

    def targets(self, state: int) -> NDArray[np.int32]:
        return self.dst[self.indptr[state] : self.indptr[state + 1]]

    def __len__(self) -> int:
        return len(self.src)


def unilateral_moves(model: ConflictModel, dm: int) -> MoveGraph:
    """All unilateral moves of DM *dm*: the graph of ``R_dm``.

    Notes
    -----
    States are grouped by the other DMs' options (a stable sort on the code
    with *dm*'s bits cleared); all ordered pairs inside each group are then
    generated at once with ``numpy.repeat`` and filtered by the direction rules
    (a forward-only option may not go from Y to N, a backward-only one not from
    N to Y) and by misperceptions. Cost: ``O(sum of squared group sizes)``.
    With dependencies, see :func:`moves_with_consequences`.
    """
    if model.dependencies:
        return moves_with_consequences(model, dm)
    codes = model.states
    n = len(codes)
    mask = model.dm_mask(dm)
    key = codes & ~mask
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts_flag = np.ones(n, dtype=bool)
    starts_flag[1:] = sorted_key[1:] != sorted_key[:-1]
    group_id = np.cumsum(starts_flag) - 1
    group_start = np.flatnonzero(starts_flag)
    group_size = np.diff(np.append(group_start, n))
    group_of = np.empty(n, dtype=np.int64)
    group_of[order] = group_id
    size_per_state = group_size[group_of]
    total = int(np.sum(size_per_state, dtype=np.int64))
    if total > MAX_EDGES_PER_DM:
        raise AnalysisError(
            f"decision maker {model.decision_makers[dm].name!r} has {total:,} possible moves; "
            "split its options among more decision makers or add infeasibility rules"
        )
    # edges come out grouped by source state already: no sort needed
    src = np.repeat(np.arange(n, dtype=np.int64), size_per_state)
    offset = np.arange(total, dtype=np.int64) - np.repeat(
        np.cumsum(size_per_state) - size_per_state, size_per_state
    )
    dst = order[np.repeat(group_start[group_of], size_per_state) + offset]
    keep = src != dst
    fwd, back = model.direction_masks()
    fwd &= mask
    back &= mask
    if fwd or back:
        cs, cd = codes[src], codes[dst]
        if fwd:
            keep &= (cs & ~cd & fwd) == 0
        if back:
            keep &= (cd & ~cs & back) == 0
    if model.misperceived is not None:
        blind = model.misperceived[dm]
        keep &= ~blind[src] & ~blind[dst]
    return MoveGraph.from_sorted_edges(n, src[keep], dst[keep])


def moves_with_consequences(model: ConflictModel, dm: int) -> MoveGraph:
    """``R_dm`` of a model with dependencies: the closure of its elementary moves.

    An elementary move sets *dm*'s options to a combination that some feasible
    state has (respecting permitted directions) and voids the options that
    this breaks (:func:`~peacetable.conflict.dependencies.repair`); the result
    must be feasible. ``R_dm`` is the transitive closure, by sparse boolean
    products until no edge is added (the number of products is the longest
    chain of elementary moves needed, a few for scenario models).
    Cost: ``O(states × combinations of dm's options)`` for the elementary moves.

    Examples
    --------
    A truce (A's option 0) carries a term (held option 1): breaking the truce voids it,
    and A can then restore a bare truce — two elementary moves, one move of ``R_A``.

    >>> from peacetable.conflict.dependencies import Dependency
    >>> from peacetable.conflict.model import build_model
    >>> m = build_model("truce", [("truce", "A"), ("term", None), ("x", "B")],
    ...     {"A": [1] * 6, "B": [1] * 6}, decision_makers=["A", "B"],
    ...     dependencies=[Dependency(frozenset({1}), frozenset({0}))])
    >>> yy = m.parse_state("YYN")
    >>> sorted(m.yn(int(t)) for t in moves_with_consequences(m, 0).targets(yy))
    ['NNN', 'YNN']
    """
    codes = model.states
    n = len(codes)
    mask = model.dm_mask(dm)
    parts = np.unique(codes & mask)
    if n * len(parts) > MAX_EDGES_PER_DM:
        raise AnalysisError(
            f"decision maker {model.decision_makers[dm].name!r} has "
            f"{n * len(parts):,} possible moves; fix more issues or add constraints"
        )
    own = (codes & mask)[:, None]
    ok = own != parts[None, :]
    fwd, back = model.direction_masks()
    if fwd & mask:
        ok &= (own & ~parts[None, :] & (fwd & mask)) == 0
    if back & mask:
        ok &= (parts[None, :] & ~own & (back & mask)) == 0
    src, col = np.nonzero(ok)
    target = repair(model.dependencies, (codes[src] & ~mask) | parts[col])
    dst = model.indices_of(target)
    keep = (dst >= 0) & (dst != src)
    if model.misperceived is not None:
        blind = model.misperceived[dm]
        keep &= ~blind[src] & ~blind[np.maximum(dst, 0)]
    step = csr_matrix((np.ones(int(keep.sum()), dtype=bool), (src[keep], dst[keep])), shape=(n, n))
    closure = step
    while True:
        grown = (closure + closure @ step).astype(bool)
        if grown.nnz == closure.nnz:
            break
        closure = grown
    closure.setdiag(False)
    closure.eliminate_zeros()
    closure = closure.tocsr()
    closure.sort_indices()
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(closure.indptr))
    return MoveGraph.from_sorted_edges(n, rows, closure.indices.astype(np.int64))


class Reachability:
    """Per-DM move and improvement graphs of a model, built once and cached."""

    def __init__(self, model: ConflictModel) -> None:
        self.model = model
        self._moves: dict[int, MoveGraph] = {}
        self._improvements: dict[int, MoveGraph] = {}

    def moves(self, dm: int) -> MoveGraph:
        """``R_dm``: every unilateral move of *dm*."""
        if dm not in self._moves:
            self._moves[dm] = unilateral_moves(self.model, dm)
        return self._moves[dm]

    def improvements(self, dm: int) -> MoveGraph:
        """``R_dm^+``: the unilateral improvements (strictly preferred targets) of *dm*."""
        if dm not in self._improvements:
            g = self.moves(dm)
            u = self.model.payoffs[dm]
            self._improvements[dm] = g.subgraph(u[g.dst] > u[g.src])
        return self._improvements[dm]

    @cached_property
    def n_states(self) -> int:
        return self.model.n_states

    @cached_property
    def _lookup(self) -> NDArray[np.int32] | None:
        """Dense code -> index table when the codes are small enough (else binary search)."""
        states = self.model.states
        top = int(states[-1])
        if top >= 1 << 26:
            return None
        table = np.full(top + 1, -1, dtype=np.int32)
        table[states] = np.arange(len(states), dtype=np.int32)
        return table

    def indices_of(self, codes: IntArray) -> IntArray:
        """State indices of *codes* (``-1`` where infeasible), by table look-up when possible."""
        table = self._lookup
        if table is None:
            return self.model.indices_of(codes)
        out = np.full(len(codes), -1, dtype=np.int64)
        inside = codes < len(table)
        out[inside] = table[codes[inside]]
        return out

    def coalition_edges(
        self, members: list[int], improving: bool = False
    ) -> tuple[IntArray, IntArray]:
        """Edges of the union graph of *members*' moves (or improvements)."""
        graphs = [self.improvements(j) if improving else self.moves(j) for j in members]
        if not graphs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return (
            np.concatenate([g.src for g in graphs]).astype(np.int64),
            np.concatenate([g.dst for g in graphs]).astype(np.int64),
        )

    def coalition_reach_min(
        self, members: list[int], values: IntArray, improving: bool = False
    ) -> IntArray:
        """Per state ``x``: the least of *values* over ``{x} ∪ R_H(x)`` (or ``R_H^+``)."""
        if len(members) == 1:
            only = self.improvements(members[0]) if improving else self.moves(members[0])
            return _one_step_min(only, values)
        src, dst = self.coalition_edges(members, improving)
        return reach_min(self.n_states, src, dst, values)


def _one_step_min(graph: MoveGraph, values: IntArray) -> IntArray:
    """``min(values[x], min values over x's targets)`` — the closure of a transitive graph."""
    out = np.asarray(values, dtype=np.int64).copy()
    if len(graph):
        np.minimum.at(out, graph.src, values[graph.dst])
    return out


def reach_min(n: int, src: IntArray, dst: IntArray, values: IntArray) -> IntArray:
    """For every node, the minimum of *values* over the nodes it can reach (itself included).

    Parameters
    ----------
    n:
        Number of nodes.
    src, dst:
        Directed edges.
    values:
        One integer per node.

    Notes
    -----
    Strongly connected components (``scipy.sparse.csgraph``) collapse cycles;
    the minimum then flows backwards along the condensed DAG's edges until it
    stops changing, one vectorised pass per DAG level.

    Examples
    --------
    >>> import numpy as np
    >>> reach_min(4, np.array([0, 1, 2]), np.array([1, 0, 3]), np.array([5, 4, 9, 1])).tolist()
    [4, 4, 1, 1]
    """
    values = np.asarray(values, dtype=np.int64)
    if len(src) == 0:
        return values.copy()
    graph = csr_matrix((np.ones(len(src), dtype=bool), (src, dst)), shape=(n, n))
    n_comp, labels = connected_components(graph, directed=True, connection="strong")
    comp_min = np.full(n_comp, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(comp_min, labels, values)
    cs, cd = labels[src], labels[dst]
    cross = cs != cd
    if np.any(cross):
        key = np.unique(cs[cross].astype(np.int64) * n_comp + cd[cross])
        cs, cd = key // n_comp, key % n_comp
        starts = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
        heads = cs[starts]
        while True:
            best = np.minimum.reduceat(comp_min[cd], starts)
            improved = best < comp_min[heads]
            if not np.any(improved):
                break
            comp_min[heads[improved]] = best[improved]
    out: IntArray = comp_min[labels]
    return out


def expand(graph: MoveGraph, rows: NDArray[np.integer]) -> tuple[IntArray, IntArray]:
    """All edges leaving *rows*: ``(position in rows, edge index)`` pairs, vectorised.

    The targets are ``graph.dst[edges]``.
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = graph.indptr[rows]
    counts = graph.indptr[rows + 1] - starts
    total = int(counts.sum())
    which = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, np.repeat(starts, counts) + offset
