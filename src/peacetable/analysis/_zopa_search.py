"""Does a ZOPA exist in each of many sampled worlds? Exact branch and bound over compound issues.

Used by :mod:`peacetable.analysis.ripeness` month by month. Linked issues are
merged into compound issues (union-find, :func:`peacetable.core.space.link_issues`)
so that utility is additive across groups in every world; a depth-first search
then fixes one compound issue at a time, keeping only the worlds in which every
party can still reach its no-deal utility with its best remaining options
(Land & Doig 1960 bounding). A world leaves the search once an agreement every
party accepts is found (checked with the sampling model's canonical evaluation
and the core's acceptance rule). The no-deal package is not an agreement.

References
----------
.. [1] Land, A. H. & Doig, A. G. (1960). An automatic method of solving discrete
   programming problems. *Econometrica* 28(3), 497-520.
.. [2] Tarjan, R. E. (1975). Efficiency of a good but not linear set union
   algorithm. *J. ACM* 22(2), 215-225.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peacetable.analysis._budget import Deadline
from peacetable.core import accepts
from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.sampling import ParameterModel, SampleTables, subset
from peacetable.core.space import feasible_combinations, link_issues
from peacetable.errors import AnalysisError

MAX_GROUP_COMBINATIONS = 2_000_000
"""Largest number of option combinations one compound issue may enumerate."""
_MAX_WITNESSES = 32
#: Utilities evaluated at once when trying witnesses (k packages x parties x worlds).
_WITNESS_BLOCK = 1 << 21
#: The deadline is read every this many nodes (a node takes well under a millisecond).
_DEADLINE_EVERY = 32


class _OutOfTime(Exception):
    """The search's deadline passed."""


@dataclass(frozen=True)
class CompoundIssue:
    """Issues merged because an interaction or a constraint links them.

    Attributes
    ----------
    issues:
        Member issue indices (ascending).
    combos:
        ``(m, len(issues))`` option indices of the feasible combinations.
    interactions:
        Indices of the interactions whose conditions lie inside the group.
    """

    issues: tuple[int, ...]
    combos: IntArray
    interactions: tuple[int, ...]

    @property
    def size(self) -> int:
        """Number of feasible combinations."""
        return int(self.combos.shape[0])


def compound_issues(model: ParameterModel) -> tuple[CompoundIssue, ...]:
    """Merge linked issues (union-find) so that utility is additive across groups.

    After the merge every combination of group options is feasible and a
    package's utility is the sum of one term per group, in every sampled world.

    Raises
    ------
    AnalysisError
        When a group has more than :data:`MAX_GROUP_COMBINATIONS` combinations.

    Notes
    -----
    ``O(Σ_g Π_{i∈g} n_i)``. Union-find: Tarjan, R. E. (1975), *J. ACM* 22(2).
    """
    links = [[i for i, _ in c] for c in model.interactions]
    links += [[i for i, _ in fp.clauses] for fp in model.forbidden]
    groups = []
    for issues in link_issues(model.n_issues, links):
        sizes = [model.n_options[i] for i in issues]
        if int(np.prod(sizes)) > MAX_GROUP_COMBINATIONS:
            raise AnalysisError(
                f"issues {', '.join(model.issue_ids[i] for i in issues)} are linked by "
                f"interactions or constraints into {int(np.prod(sizes)):,} combinations, more "
                f"than {MAX_GROUP_COMBINATIONS:,}; simplify the links between them"
            )
        combos = feasible_combinations(issues, sizes, [fp.clauses for fp in model.forbidden])
        pos = {iss: k for k, iss in enumerate(issues)}
        inters = tuple(
            k for k, conds in enumerate(model.interactions) if all(i in pos for i, _ in conds)
        )
        groups.append(CompoundIssue(tuple(issues), combos, inters))
    return tuple(groups)


def group_utilities(model: ParameterModel, group: CompoundIssue, st: SampleTables) -> FloatArray:
    """Utilities ``(n, m, n_parties)`` each combination of *group* contributes per world.

    Sample-major (unlike :class:`SampleTables`): the branch and bound selects worlds.
    """
    pos = {iss: k for k, iss in enumerate(group.issues)}
    u = np.zeros((group.size, model.n_parties, st.n))
    for k, i in enumerate(group.issues):
        u += st.tables[st.row_of[model.offsets[i] + group.combos[:, k]]]
    for k in group.interactions:
        hit = np.ones(group.size, dtype=bool)
        for issue, option in model.interactions[k]:
            hit &= group.combos[:, pos[issue]] == option
        if hit.any():
            u[hit, model.interaction_party[k]] += st.bonus[k]
    return np.ascontiguousarray(np.transpose(u, (2, 0, 1)))


class ZopaSearch:
    """Does a ZOPA exist in each world? Depth-first search over compound issues.

    A world leaves the search as soon as one package is found that all its
    parties accept (checked with the canonical evaluation), or when some
    party cannot reach its no-deal utility even with its best remaining
    options (Land & Doig 1960 bounding). Agreements found are kept as
    *witnesses* (the last 32) and tried first in every later search: a world
    that accepts one has a ZOPA without any search.
    """

    def __init__(
        self, model: ParameterModel, st: SampleTables, witnesses: list[IntArray] | None = None
    ) -> None:
        self.model = model
        self.st = st
        groups = compound_issues(model)
        nominal = model.tables(model.base)
        spread = [
            float(np.ptp(group_utilities(model, g, nominal)[0], axis=0).sum()) for g in groups
        ]
        order = sorted(range(len(groups)), key=lambda g: (-spread[g], g))
        self.groups = [groups[g] for g in order]
        self.utils = [group_utilities(model, g, st) for g in self.groups]  # (n, m, P)
        self.best = [u.max(axis=1) for u in self.utils]
        self.nodes = 0
        self.witnesses: list[IntArray] = list(witnesses or [])

    def exists(self, no_deal: FloatArray, skip: BoolArray | None = None) -> BoolArray:
        """``(n,)``: is there a feasible package every party accepts against ``no_deal`` ``(P, n)``?"""
        return self.search(no_deal, skip)[0]

    def search(
        self, no_deal: FloatArray, skip: BoolArray | None = None, deadline: Deadline | None = None
    ) -> tuple[BoolArray, BoolArray]:
        """``(found, undecided)``, each ``(n,)``: worlds with a ZOPA, and worlds the
        *deadline* stopped the search in before it decided them (all false without one).

        Worlds in *skip* count as found without a search.
        """
        found = np.zeros(self.st.n, dtype=bool) if skip is None else skip.copy()
        undecided = np.zeros(self.st.n, dtype=bool)
        slack = sum(self.best, np.zeros((self.st.n, self.model.n_parties))) - no_deal.T
        poss = np.flatnonzero((slack >= -self.model.tie).all(axis=1) & ~found)
        self._try_witnesses(poss, no_deal, found)
        poss = poss[~found[poss]]
        try:
            self._dfs(0, poss, slack[poss], [], no_deal, found, deadline)
        except _OutOfTime:
            undecided[poss] = ~found[poss]
        return found, undecided

    def _try_witnesses(self, poss: IntArray, no_deal: FloatArray, found: BoolArray) -> None:
        """Mark the worlds of *poss* that accept one of the witnesses (several at a time)."""
        per = max(1, _WITNESS_BLOCK // max(1, self.model.n_parties * poss.size))
        for start in range(0, len(self.witnesses), per):
            rows = poss[~found[poss]]
            if rows.size == 0:
                return
            xs = np.stack(self.witnesses[start : start + per])
            u = self.model.utilities(subset(self.st, rows), xs)  # (k, P, n)
            ok = accepts(u, no_deal[None, :, rows], self.model.tie).all(axis=1).any(axis=0)
            found[rows[ok]] = True

    def _dfs(
        self,
        depth: int,
        poss: IntArray,
        slack: FloatArray,
        prefix: list[int],
        no_deal: FloatArray,
        found: BoolArray,
        deadline: Deadline | None,
    ) -> None:
        live = ~found[poss]
        poss, slack = poss[live], slack[live]
        if poss.size == 0:
            return
        if deadline is not None and self.nodes % _DEADLINE_EVERY == 0 and deadline.expired():
            raise _OutOfTime
        self.nodes += 1
        vals = self.utils[depth][poss] + (slack - self.best[depth][poss])[:, None, :]
        ok = (vals >= -self.model.tie).all(axis=2)
        counts = ok.sum(axis=0)
        for c in np.argsort(-counts, kind="stable"):
            if counts[c] == 0:
                break
            keep = ok[:, c] & ~found[poss]
            if not keep.any():
                continue
            if depth == len(self.utils) - 1:
                x = np.zeros(self.model.n_issues, dtype=np.int64)
                for d, k in enumerate([*prefix, int(c)]):
                    x[list(self.groups[d].issues)] = self.groups[d].combos[k]
                nd_pkg = self.model.no_deal_package
                if nd_pkg is not None and (x == nd_pkg).all():
                    continue  # the no-deal package is not an agreement
                rows = poss[keep]
                sub = subset(self.st, rows)
                u = self.model.utilities(sub, x)[0]
                acc = accepts(u, no_deal[:, rows], self.model.tie).all(axis=0)
                found[rows[acc]] = True
                if acc.any():
                    self.witnesses = [x, *self.witnesses[: _MAX_WITNESSES - 1]]
            else:
                self._dfs(
                    depth + 1,
                    poss[keep],
                    vals[keep, c],
                    [*prefix, int(c)],
                    no_deal,
                    found,
                    deadline,
                )


def best_for_each(search: ZopaSearch) -> FloatArray:
    """``(n, P)`` each party's best feasible utility in each world (sum of group maxima)."""
    return np.asarray(sum(search.best, np.zeros((search.st.n, search.model.n_parties))))
