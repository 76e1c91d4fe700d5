"""Coalition analysis: coalitional improvements and coalition (Nash) stability.

Definitions (Kilgour, Hipel, Fang & Peng 2001):

* A coalition ``H`` (two or more DMs, or one) reaches ``R_H(s)`` by legal move
  sequences of its members (see :mod:`peacetable.conflict.moves`).
* A *coalitional improvement* of ``H`` from ``s`` is a state
  ``t ∈ R_H(s)`` that every member strictly prefers to ``s``:
  ``R_H^{++}(s) = {t ∈ R_H(s) : t ≻_j s for all j ∈ H}``.
* ``s`` is *coalition Nash stable* (CR) for DM ``i`` when no coalition that
  contains ``i`` — ``{i}`` included — has a coalitional improvement from ``s``;
  it is a *coalition equilibrium* when it is coalition stable for every DM, i.e.
  when no coalition at all can improve on it. A state Nash stable for all
  DMs can fail this test when a group gains by moving together.

Method: states with the same options of the DMs outside ``H`` form a block that
``H``'s moves never leave. Inside each block, strongly connected components of
``H``'s union move graph and the transitive closure of their (small) DAG give
``R_H``; a chunked pairwise comparison of payoff vectors then finds the
coalitional improvements. The work grows with the sum of squared block sizes,
so the grand coalition of a large conflict is refused (``AnalysisError``).

References
----------
Kilgour, D. M., Hipel, K. W., Fang, L., & Peng, X. (2001). Coalition analysis in
group decision support. *Group Decision and Negotiation*, 10(2), 159–175.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from peacetable.conflict.model import BoolArray, ConflictModel
from peacetable.conflict.moves import Reachability
from peacetable.core.results import Provenance, Result
from peacetable.errors import AnalysisError, InputError

#: Largest sum over blocks of (block size)^2 one coalition may need.
MAX_PAIRS = 400_000_000
#: Largest number of strongly connected components in one block (dense closure).
MAX_COMPONENTS = 2048


@dataclass(frozen=True, eq=False)
class CoalitionResult(Result):
    """Coalitional improvements per coalition and coalition stability per DM.

    Attributes
    ----------
    coalitions:
        The coalitions examined, as tuples of DM indices.
    improvable:
        ``(n_coalitions, n_states)``: does the coalition have a coalitional
        improvement from the state?
    stable:
        ``(n_dms, n_states)`` coalition Nash stability (over the coalitions
        examined that contain the DM).
    """

    model: ConflictModel
    coalitions: tuple[tuple[int, ...], ...]
    improvable: BoolArray
    stable: BoolArray

    def equilibria(self) -> list[str]:
        """States no examined coalition can improve upon."""
        return [self.model.yn(int(s)) for s in np.flatnonzero(self.stable.all(axis=0))]

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        names = m.dm_names
        return {
            "coalitions": [[names[j] for j in h] for h in self.coalitions],
            "improvable": {
                " + ".join(names[j] for j in h): [
                    m.yn(int(s)) for s in np.flatnonzero(self.improvable[k])
                ]
                for k, h in enumerate(self.coalitions)
            },
            "stable": {
                d: [m.yn(int(s)) for s in np.flatnonzero(self.stable[i])]
                for i, d in enumerate(names)
            },
            "equilibria": self.equilibria(),
            "provenance": self.provenance.to_dict(),
        }


def coalition_improvements(
    model: ConflictModel,
    coalition: Iterable[int | str],
    state: int,
    reach: Reachability | None = None,
) -> list[int]:
    """States of ``R_H^{++}(state)``: reachable by the coalition and better for every member."""
    members = sorted({model.dm_index(d) for d in coalition})
    reach = reach or Reachability(model)
    reached = _reachable_from(model, reach, members, state)
    better = np.all(
        model.payoffs[members][:, reached] > model.payoffs[members, state][:, None], axis=0
    )
    return [int(t) for t in reached[better]]


def _reachable_from(
    model: ConflictModel, reach: Reachability, members: list[int], start: int
) -> np.ndarray:
    src, dst = reach.coalition_edges(members)
    n = model.n_states
    graph = csr_matrix((np.ones(len(src), dtype=bool), (src, dst)), shape=(n, n))
    seen = np.zeros(n, dtype=bool)
    frontier = np.array([start])
    while len(frontier):
        nxt = graph[frontier].indices
        nxt = np.unique(nxt[~seen[nxt]])
        seen[nxt] = True
        frontier = nxt
    return np.flatnonzero(seen)


def coalition_analysis(
    model: ConflictModel,
    coalitions: Sequence[Iterable[int | str]] | None = None,
    reach: Reachability | None = None,
) -> CoalitionResult:
    """Coalitional improvements of every coalition from every state, and coalition stability.

    Parameters
    ----------
    model:
        The conflict.
    coalitions:
        Coalitions to examine (DM indices or names). Default: every nonempty
        subset of the DMs, singletons included.

    Raises
    ------
    AnalysisError
        When a coalition's blocks are too large for the pairwise comparison.

    Examples
    --------
    >>> from peacetable.conflict.model import build_model
    >>> pd = build_model("pd", [("defect", "A"), ("defect", "B")],
    ...                  {"A": [3, 4, 1, 2], "B": [3, 1, 4, 2]})
    >>> r = coalition_analysis(pd)
    >>> r.equilibria()   # YY is the Nash equilibrium, but A and B together improve on it
    []
    >>> [pd.yn(s) for s in coalition_improvements(pd, ["A", "B"], pd.parse_state("YY"))]
    ['NN']
    """
    reach = reach or Reachability(model)
    n = model.n_dms
    if coalitions is None:
        groups = [c for k in range(1, n + 1) for c in combinations(range(n), k)]
    else:
        groups = [tuple(sorted({model.dm_index(d) for d in c})) for c in coalitions]
        if any(not g for g in groups):
            raise InputError("a coalition needs at least one decision maker")
    improvable = np.zeros((len(groups), model.n_states), dtype=bool)
    for k, members in enumerate(groups):
        improvable[k] = _improvable(model, reach, list(members))
    stable = np.ones((n, model.n_states), dtype=bool)
    for k, members in enumerate(groups):
        for i in members:
            stable[i] &= ~improvable[k]
    return CoalitionResult(
        model,
        tuple(groups),
        improvable,
        stable,
        provenance=Provenance("coalition Nash stability (Kilgour, Hipel, Fang & Peng 2001)"),
    )


def _improvable(model: ConflictModel, reach: Reachability, members: list[int]) -> BoolArray:
    n = model.n_states
    mask = np.int64(0)
    for j in members:
        mask |= model.dm_mask(j)
    key = model.states & ~mask
    _, block = np.unique(key, return_inverse=True)
    sizes = np.bincount(block)
    if int(np.sum(sizes.astype(np.int64) ** 2)) > MAX_PAIRS:
        raise AnalysisError(
            f"coalition of {len(members)} DMs: blocks too large for coalition analysis "
            f"({int(sizes.max()):,} states); analyse smaller coalitions"
        )
    src, dst = reach.coalition_edges(members)
    graph = csr_matrix((np.ones(len(src), dtype=bool), (src, dst)), shape=(n, n))
    _, comp = connected_components(graph, directed=True, connection="strong")
    pay = model.payoffs[members].T  # (n, |H|)
    out = np.zeros(n, dtype=bool)
    order = np.argsort(block, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for b in range(len(sizes)):
        states = order[bounds[b] : bounds[b + 1]]
        if len(states) < 2:
            continue
        local = {int(c): k for k, c in enumerate(np.unique(comp[states]))}
        if len(local) > MAX_COMPONENTS:
            raise AnalysisError(
                f"coalition of {len(members)} DMs: {len(local):,} irreversibly separated groups "
                "of states in one block, too many for coalition analysis; analyse smaller coalitions"
            )
        lc = np.array([local[int(c)] for c in comp[states]])
        closure = _closure(graph, states, lc, len(local))
        reachable_comp = closure[lc]  # (b, C): which components each state reaches
        for lo in range(0, len(states), 2048):
            rows = slice(lo, lo + 2048)
            dominated = np.all(pay[states][None, :, :] > pay[states[rows]][:, None, :], axis=2)
            can_reach = reachable_comp[rows][:, lc]
            out[states[rows]] = np.any(dominated & can_reach, axis=1)
    return out


def _closure(graph: csr_matrix, states: np.ndarray, lc: np.ndarray, n_comp: int) -> np.ndarray:
    """Reflexive-transitive closure of the condensed component DAG of one block."""
    sub = graph[states][:, states].tocoo()
    adj = np.eye(n_comp, dtype=bool)
    adj[lc[sub.row], lc[sub.col]] = True
    while True:
        nxt = (adj.astype(np.float32) @ adj.astype(np.float32)) > 0
        if np.array_equal(nxt, adj):
            return adj
        adj = nxt
