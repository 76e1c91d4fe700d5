"""A deliberately naive GMCR solver, straight from the textbook definitions, for cross-checks.

Every set is built explicitly (legal move sequences are enumerated over
(state, last mover) pairs), so it only suits tiny models.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, product

from peacetable.conflict import ConflictModel, Direction


def naive_repair(m: ConflictModel, code: int) -> int:
    """Void dependent options whose requirement is broken, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for dep in m.dependencies:
            holds = any(code >> k & 1 for k in dep.options)
            needed = any(code >> k & 1 for k in dep.requires)
            if holds and not needed:
                for k in dep.options:
                    code &= ~(1 << k)
                if dep.fallback is not None:
                    code |= 1 << dep.fallback
                changed = True
    return code


def moves(m: ConflictModel, i: int, s: int) -> set[int]:
    """R_i(s)."""
    if m.dependencies:
        return set(_moves_with_dependencies(m, i, s))
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


def _elementary(m: ConflictModel, i: int, s: int) -> set[int]:
    """i sets its options to a combination some feasible state has; what breaks is voided."""
    codes = [int(c) for c in m.states]
    mine = 0
    for k in m.decision_makers[i].options:
        mine |= 1 << k
    out = set()
    for part in {c & mine for c in codes}:
        was = codes[s] & mine
        if part == was:
            continue
        legal = True
        for k in m.decision_makers[i].options:
            before, after = was >> k & 1, part >> k & 1
            d = m.options[k].direction
            if before != after and (
                (d is Direction.FORWARD and before) or (d is Direction.BACKWARD and not before)
            ):
                legal = False
        target = naive_repair(m, (codes[s] & ~mine) | part)
        if legal and target in codes and target != codes[s]:
            out.add(codes.index(target))
    return out


@lru_cache(maxsize=1 << 16)
def _moves_with_dependencies(m: ConflictModel, i: int, s: int) -> frozenset[int]:
    """Everything i reaches by a chain of its own elementary moves (cached: models hash by id)."""
    seen: set[int] = set()
    frontier = [s]
    while frontier:
        nxt = []
        for state in frontier:
            for t in _elementary(m, i, state):
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        frontier = nxt
    seen.discard(s)
    return frozenset(seen)


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
            ok = sim_sanctioned(m, i, s, s1)
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


def sim_sanctioned(m: ConflictModel, i: int, s: int, s1: int, most: int | None = None) -> bool:
    """GMCR+'s SIM, by brute force: some non-empty set of opponents, each making one
    unilateral improvement from s at the same time as i moves to s1, reaches a
    feasible state i does not prefer to s (the joint state: i's options from s1,
    each mover's from its target, the rest from s; with dependencies, every option
    some move changes is changed, then what breaks is voided). *most*: at most this
    many opponents move."""
    codes = [int(c) for c in m.states]
    others = [j for j in range(m.n_dms) if j != i]
    for k in range(1, min(len(others), len(others) if most is None else most) + 1):
        for group in combinations(others, k):
            for targets in product(*(sorted(improvements(m, j, s)) for j in group)):
                changed = codes[s1] ^ codes[s]  # the options the moves change (union)
                for t in targets:
                    changed |= codes[t] ^ codes[s]
                joint = naive_repair(m, codes[s] ^ changed)
                if joint in codes and m.payoffs[i, codes.index(joint)] <= m.payoffs[i, s]:
                    return True
    return False
