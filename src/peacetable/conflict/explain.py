"""Why a state is or is not stable for a DM: its defections and the sanctions against them.

For a state ``s`` and DM ``i``, every unilateral improvement ``s -> s1`` is a
*defection*. Under each concept we look for a witness sanction (definitions in
:mod:`peacetable.conflict.stability`): a shortest legal sequence of the other
DMs' moves (GMR), of moves after which ``i`` cannot escape (SMR), of the other
DMs' own improvements (SEQ), or the fewest opponents' improvements made at the
same time as ``i``'s move (SIM: one step per mover, each from ``s`` to its own
target), ending in a state ``i`` does not prefer to ``s``;
:attr:`Defection.ends` holds that state per concept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetable.conflict.moves import Reachability
from peacetable.conflict.simultaneous import sim_witness
from peacetable.conflict.stability import StabilityResult, best_within_one_move
from peacetable.conflict.status_quo import Step, breadth_first, union_graph


@dataclass(frozen=True)
class Defection:
    """DM *dm* can move from *source* to the preferred *target*.

    ``sanctions`` maps each concept to the opponents' moves that punish the
    defection (``None``: no sanction under that concept, so the defection pays):
    a legal move sequence from *target* (GMR, SMR, SEQ) or the simultaneous
    moves from *source* (SIM). ``ends`` maps each sanctioned concept to the
    state the sanction leaves the conflict in.
    """

    dm: int
    source: int
    target: int
    gain: int
    sanctions: dict[str, list[Step] | None] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)


def explain(result: StabilityResult, state: int, dm: int | str) -> list[Defection]:
    """Every unilateral improvement of *dm* from *state*, with a witness sanction per concept.

    Parameters
    ----------
    result:
        A stability result (its move graphs are reused).
    state:
        State index.
    dm:
        DM index or name.

    Examples
    --------
    >>> from peacetable.conflict.model import build_model
    >>> from peacetable.conflict.stability import analyze
    >>> pd = build_model("pd", [("defect", "A"), ("defect", "B")],
    ...                  {"A": [3, 4, 1, 2], "B": [3, 1, 4, 2]})
    >>> [d] = explain(analyze(pd), pd.parse_state("NN"), "A")
    >>> pd.yn(d.target), [pd.yn(s.target) for s in d.sanctions["gmr"]]
    ('YN', ['YY'])
    """
    model = result.model
    reach = result.reach or Reachability(model)
    i = model.dm_index(dm)
    u = model.payoffs[i]
    others = [j for j in range(model.n_dms) if j != i]
    targets = reach.improvements(i).targets(state)
    out = []
    for s1 in targets.tolist():
        sanctions: dict[str, list[Step] | None] = {}
        ends: dict[str, int] = {}
        for concept in result.stable:
            if concept == "nash":
                continue
            if concept == "sim":
                found = sim_witness(model, reach, i, state, s1, others)
                sanctions[concept] = (
                    None if found is None else [Step(j, state, t) for j, t in found[0]]
                )
                if found is not None:
                    ends[concept] = found[1]
                continue
            values = best_within_one_move(reach.moves(i), u) if concept == "smr" else u
            path = _sequence(reach, others, s1, values <= u[state], concept == "seq")
            sanctions[concept] = path
            if path:
                ends[concept] = path[-1].target
        out.append(Defection(i, state, s1, int(u[s1] - u[state]), sanctions, ends))
    return out


def _sequence(
    reach: Reachability, others: list[int], start: int, goal: np.ndarray, improving: bool
) -> list[Step] | None:
    if not others:
        return None
    graph, who = union_graph(reach, others, improving)
    steps, parent, mover = breadth_first(graph, who, start, reach.model.n_states)
    hits = np.flatnonzero((steps > 0) & goal)
    if len(hits) == 0:
        return None
    cur = int(hits[np.argmin(steps[hits])])
    path = []
    while cur != start:
        prev = int(parent[cur])
        path.append(Step(int(mover[cur]), prev, cur))
        cur = prev
    return path[::-1]


def defection_to_dict(result: StabilityResult, d: Defection) -> dict[str, Any]:
    """JSON form of a defection, states as Y/N patterns and DMs by name."""
    m = result.model
    names = m.dm_names
    return {
        "dm": names[d.dm],
        "from": m.yn(d.source),
        "to": m.yn(d.target),
        "payoff_gain": d.gain,
        "ends": {c: m.yn(e) for c, e in d.ends.items()},
        "sanctions": {
            c: None
            if path is None
            else [
                {"dm": names[st.dm], "from": m.yn(st.source), "to": m.yn(st.target)} for st in path
            ]
            for c, path in d.sanctions.items()
        },
    }
