"""Status quo analysis: where can the conflict go from today's state?

From a status quo ``s0`` the conflict evolves by *legal move sequences*: DMs
move one at a time and the same DM never twice in a row. With only unilateral
improvements allowed this is the evolution of Li, Hipel, Kilgour & Fang (2004);
Xu, Li, Kilgour & Hipel (2010) compute the same reachability with matrix
powers of the DMs' reachability matrices. We run a breadth-first search over the
union of the DMs' sparse move graphs instead: a shortest path in that graph never
has two consecutive moves by one DM (they would merge into one shorter move,
because each DM's move relation is transitive), so the shortest paths it finds
are legal, and the step counts equal those of the matrix method.

References
----------
Li, K. W., Hipel, K. W., Kilgour, D. M., & Fang, L. (2004). Preference
uncertainty in the graph model for conflict resolution. *IEEE Transactions on
Systems, Man, and Cybernetics, Part A*, 34(4), 507–520 (status quo analysis).
Xu, H., Li, K. W., Kilgour, D. M., & Hipel, K. W. (2010). A matrix approach to
status quo analysis in the graph model for conflict resolution. *Applied
Mathematics and Computation*, 212(2), 470–480.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peacetable.conflict.model import ConflictModel
from peacetable.conflict.moves import MoveGraph, Reachability, expand
from peacetable.conflict.stability import StabilityResult, analyze
from peacetable.core.results import Provenance, Result


@dataclass(frozen=True)
class Step:
    """One move of a path: *dm* moves the conflict from state *source* to *target*."""

    dm: int
    source: int
    target: int


@dataclass(frozen=True, eq=False)
class StatusQuoResult(Result):
    """Reachability from a status quo.

    Attributes
    ----------
    model:
        The conflict.
    status_quo:
        Index of the starting state.
    improvements_only:
        True when every move had to be a unilateral improvement for its mover.
    steps:
        Per state, the fewest moves needed to reach it (``-1``: unreachable;
        ``0``: the status quo).
    parent, mover:
        Predecessor state and moving DM on one shortest path (``-1`` at the root).
    equilibria:
        Concept -> equilibrium state indices considered.
    """

    model: ConflictModel
    status_quo: int
    improvements_only: bool
    steps: NDArray[np.int32]
    parent: NDArray[np.int32]
    mover: NDArray[np.int16]
    equilibria: dict[str, list[int]] = field(default_factory=dict)

    def reachable(self, state: int) -> bool:
        return bool(self.steps[state] >= 0)

    def path(self, state: int) -> list[Step]:
        """A shortest legal move sequence from the status quo to *state* (empty if unreachable)."""
        if self.steps[state] < 0:
            return []
        out: list[Step] = []
        cur = state
        while cur != self.status_quo:
            prev = int(self.parent[cur])
            out.append(Step(int(self.mover[cur]), prev, cur))
            cur = prev
        return out[::-1]

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        names = m.dm_names

        def path_dict(state: int) -> list[dict[str, Any]]:
            return [
                {"dm": names[st.dm], "from": m.yn(st.source), "to": m.yn(st.target)}
                for st in self.path(state)
            ]

        return {
            "status_quo": m.yn(self.status_quo),
            "moves": "unilateral improvements" if self.improvements_only else "unilateral moves",
            "n_reachable": int(np.count_nonzero(self.steps >= 0)),
            "equilibria": {
                concept: [
                    {
                        "state": m.yn(s),
                        "reachable": self.reachable(s),
                        "steps": int(self.steps[s]) if self.reachable(s) else None,
                        "path": path_dict(s),
                    }
                    for s in states
                ]
                for concept, states in self.equilibria.items()
            },
            "provenance": self.provenance.to_dict(),
        }


def union_graph(
    reach: Reachability, members: list[int], improving: bool
) -> tuple[MoveGraph, NDArray[np.int16]]:
    """The union of *members*' move (or improvement) graphs, with the DM of each edge."""
    graphs = [reach.improvements(j) if improving else reach.moves(j) for j in members]
    src = np.concatenate([g.src for g in graphs]).astype(np.int64)
    dst = np.concatenate([g.dst for g in graphs]).astype(np.int64)
    who = np.concatenate(
        [np.full(len(g), j, dtype=np.int16) for j, g in zip(members, graphs, strict=True)]
    )
    order = np.argsort(src, kind="stable")
    graph = MoveGraph.from_sorted_edges(reach.model.n_states, src[order], dst[order])
    return graph, who[order]


def breadth_first(
    graph: MoveGraph, who: NDArray[np.int16], start: int, n: int, max_steps: int | None = None
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int16]]:
    """Vectorised BFS: steps, parent and mover arrays from *start*."""
    steps = np.full(n, -1, dtype=np.int32)
    parent = np.full(n, -1, dtype=np.int32)
    mover = np.full(n, -1, dtype=np.int16)
    steps[start] = 0
    frontier = np.array([start], dtype=np.int64)
    depth = 0
    while len(frontier) and (max_steps is None or depth < max_steps):
        depth += 1
        which, edges = expand(graph, frontier)
        targets = graph.dst[edges].astype(np.int64)
        new = steps[targets] < 0
        targets, which, edges = targets[new], which[new], edges[new]
        targets, first = np.unique(targets, return_index=True)
        steps[targets] = depth
        parent[targets] = frontier[which[first]]
        mover[targets] = who[edges[first]]
        frontier = targets
    return steps, parent, mover


def status_quo_analysis(
    model: ConflictModel,
    status_quo: int,
    *,
    improvements_only: bool = True,
    stability: StabilityResult | None = None,
    concepts: tuple[str, ...] = ("nash", "gmr", "smr", "seq", "sim"),
    max_steps: int | None = None,
) -> StatusQuoResult:
    """Which states, and which equilibria, can be reached from *status_quo*, and how.

    Parameters
    ----------
    model:
        The conflict.
    status_quo:
        Index of the starting state (see :meth:`ConflictModel.parse_state`).
    improvements_only:
        Allow only moves that improve the mover's position (default), or any
        unilateral move.
    stability:
        A result from :func:`~peacetable.conflict.analyze` to take equilibria
        from (computed for *concepts* otherwise).
    max_steps:
        Stop after this many moves.

    Returns
    -------
    StatusQuoResult

    Examples
    --------
    >>> from peacetable.conflict.model import build_model
    >>> pd = build_model("pd", [("cooperate", "A"), ("cooperate", "B")],
    ...                  {"A": [2, 1, 4, 3], "B": [2, 4, 1, 3]})
    >>> r = status_quo_analysis(pd, pd.parse_state("YY"))
    >>> [(pd.dm_names[s.dm], pd.yn(s.target)) for s in r.path(pd.parse_state("NN"))]
    [('B', 'YN'), ('A', 'NN')]
    """
    reach = (
        stability.reach
        if stability is not None and stability.reach is not None
        else Reachability(model)
    )
    stability = stability or analyze(model, concepts, reach=reach)
    graph, who = union_graph(reach, list(range(model.n_dms)), improvements_only)
    steps, parent, mover = breadth_first(graph, who, int(status_quo), model.n_states, max_steps)
    eq = {
        c: np.flatnonzero(stability.equilibria_mask(c)).tolist()
        for c in stability.equilibrium_concepts()
    }
    return StatusQuoResult(
        model,
        int(status_quo),
        improvements_only,
        steps,
        parent,
        mover,
        eq,
        provenance=Provenance(
            "breadth-first search over unilateral "
            + ("improvements" if improvements_only else "moves")
            + " (Li, Hipel, Kilgour & Fang 2004)"
        ),
    )
