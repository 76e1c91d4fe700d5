"""A deliberately naive GMCR solver, straight from the textbook definitions, for cross-checks.

Every set is built explicitly (legal move sequences are enumerated over
(state, last mover) pairs), so it only suits tiny models.
"""

from __future__ import annotations

from itertools import combinations

from peacetable.conflict import ConflictModel, Direction


def moves(m: ConflictModel, i: int, s: int) -> set[int]:
    """R_i(s)."""
    codes = [int(c) for c in m.states]
    mine = set(m.decision_makers[i].options)
    out = set()
    for t in range(m.n_states):
        if t == s:
            continue
        diff = codes[s] ^ codes[t]
        if any(diff >> k & 1 for k in range(m.n_options) if k not in mine):
            continue
        ok = True
        for k in mine:
            if diff >> k & 1:
                was = codes[s] >> k & 1
                d = m.options[k].direction
                if (d is Direction.FORWARD and was) or (d is Direction.BACKWARD and not was):
                    ok = False
        if m.misperceived is not None and (m.misperceived[i, s] or m.misperceived[i, t]):
            ok = False
        if ok:
            out.add(t)
    return out


def improvements(m: ConflictModel, i: int, s: int) -> set[int]:
    return {t for t in moves(m, i, s) if m.payoffs[i, t] > m.payoffs[i, s]}


def coalition(m: ConflictModel, members: list[int], s: int, improving: bool) -> set[int]:
    """R_H(s) or R_H^+(s) by legal sequences: no DM moves twice in a row."""
    step = improvements if improving else moves
    seen = {(s, -1)}
    frontier = [(s, -1)]
    reached: set[int] = set()
    while frontier:
        nxt = []
        for state, last in frontier:
            for j in members:
                if j == last:
                    continue
                for t in step(m, j, state):
                    if (t, j) not in seen:
                        seen.add((t, j))
                        reached.add(t)
                        nxt.append((t, j))
        frontier = nxt
    return reached


def stable(m: ConflictModel, concept: str, i: int, s: int) -> bool:
    u = m.payoffs[i]
    others = [j for j in range(m.n_dms) if j != i]
    codes = [int(c) for c in m.states]
    for s1 in improvements(m, i, s):
        if concept == "nash":
            return False
        if concept == "gmr":
            ok = any(u[s2] <= u[s] for s2 in coalition(m, others, s1, False))
        elif concept == "smr":
            ok = any(
                u[s2] <= u[s] and all(u[s3] <= u[s] for s3 in moves(m, i, s2))
                for s2 in coalition(m, others, s1, False)
            )
        elif concept == "seq":
            ok = any(u[s2] <= u[s] for s2 in coalition(m, others, s1, True))
        elif concept == "sim":
            ok = False
            for j in others:
                for s2 in improvements(m, j, s):
                    joint = codes[s1] ^ codes[s] ^ codes[s2]
                    if joint in codes and u[codes.index(joint)] <= u[s]:
                        ok = True
        else:
            raise ValueError(concept)
        if not ok:
            return False
    return True


def coalition_stable(m: ConflictModel, i: int, s: int) -> bool:
    """No coalition containing i has a coalitional improvement from s."""
    for k in range(1, m.n_dms + 1):
        for h in combinations(range(m.n_dms), k):
            if i not in h:
                continue
            for t in coalition(m, list(h), s, False):
                if all(m.payoffs[j, t] > m.payoffs[j, s] for j in h):
                    return False
    return True
