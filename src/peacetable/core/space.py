"""The agreement space: a scenario's packages as independent (compound) issues.

A *package* assigns one option to every issue. Utilities are additive over
issues except for interaction terms, and feasibility is a conjunction of
forbidden patterns. Issues that are linked by an interaction or a forbidden
pattern are merged (union-find over the issues each term mentions) into one
*compound issue* whose options are the feasible option combinations of its
member issues, with the interaction bonuses folded into their utilities.
After the merge every package's utility is an exact sum of one term per
compound issue and every combination of compound options is feasible, so the
exact algorithms of :mod:`peacetable.analysis.frontier`,
:mod:`peacetable.analysis.solutions` and :mod:`peacetable.analysis.zopa` can
work group by group instead of package by package.

The utilities are the core evaluator's, on its exact grid (see
:mod:`peacetable.core.evaluator`), so every engine built on the space decides
dominance, ties and acceptance as the rest of peacetable does.

References
----------
.. [1] Keeney, R. L. & Raiffa, H. (1976). *Decisions with Multiple
   Objectives*, ch. 3 (additive and non-additive multi-attribute value).
.. [2] Tarjan, R. E. (1975). Efficiency of a good but not linear set union
   algorithm. *J. ACM* 22(2), 215-225 (union-find).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.evaluator import PackageEvaluator
from peacetable.errors import AnalysisError

#: Largest number of option combinations a compound issue may enumerate.
MAX_GROUP_COMBINATIONS = 5_000_000


@dataclass(frozen=True)
class IssueGroup:
    """One compound issue: issues merged because terms link them.

    Attributes
    ----------
    issues:
        Indices of the member issues (ascending).
    combos:
        ``(m, len(issues))`` option indices of the feasible combinations.
    utilities:
        ``(m, n_parties)`` utility contributed by each combination (tables
        plus the bonuses of the interactions inside the group), on the
        space's exact grid.
    """

    issues: tuple[int, ...]
    combos: IntArray
    utilities: FloatArray

    @property
    def size(self) -> int:
        """Number of feasible combinations."""
        return int(self.combos.shape[0])


@dataclass(frozen=True, eq=False)
class AgreementSpace(PackageEvaluator):
    """A package space prepared for exact analysis: independent compound issues.

    Build it with :meth:`from_arrays` (plain arrays, rounded to the exact
    grid) or :meth:`from_evaluator` (e.g. a prepared scenario's arrays,
    already on the grid: ``prepare(scenario).space``). It is a
    :class:`~peacetable.core.evaluator.PackageEvaluator`, so utilities,
    feasibility and acceptance are the core's.

    Attributes
    ----------
    groups:
        The independent compound issues; the utility of a package is
        ``offset + sum(group.utilities[row_g])``.
    offset:
        ``(n_parties,)`` constant utility (interactions without conditions).
    """

    groups: tuple[IssueGroup, ...] = ()
    offset: FloatArray = field(default_factory=lambda: np.zeros(0))

    # ------------------------------------------------------------------ build
    @classmethod
    def from_arrays(
        cls,
        tables: Sequence[npt.ArrayLike],
        no_deal: npt.ArrayLike,
        *,
        max_group_combinations: int = MAX_GROUP_COMBINATIONS,
        **kw: Any,
    ) -> AgreementSpace:
        """Build a space from plain arrays.

        Parameters
        ----------
        tables:
            Per issue a ``(n_options, n_parties)`` array of weighted values.
        no_deal:
            ``(n_parties,)`` no-deal utilities.
        max_group_combinations:
            Refuse compound issues with more option combinations than this.
        **kw:
            ``interactions``, ``forbidden``, ``party_ids``, ``issue_ids``,
            ``option_ids``, ``status_quo`` as in
            :meth:`~peacetable.core.evaluator.PackageEvaluator.from_arrays`.

        Returns
        -------
        AgreementSpace

        Raises
        ------
        InputError
            Inconsistent shapes.
        AnalysisError
            A constraint forbids every package, or a compound issue is too
            large to enumerate.

        Notes
        -----
        Cost: union-find over the terms, then ``O(sum_g prod_{i in g} k_i)``
        to enumerate each compound issue.

        Examples
        --------
        >>> import numpy as np
        >>> s = AgreementSpace.from_arrays([np.eye(2), np.eye(2)], no_deal=[0.5, 0.5])
        >>> s.n_packages, len(s.groups)
        (4, 2)
        """
        return cls.from_evaluator(
            PackageEvaluator.from_arrays(tables, no_deal, **kw),
            max_group_combinations=max_group_combinations,
        )

    @classmethod
    def from_evaluator(
        cls, ev: PackageEvaluator, *, max_group_combinations: int = MAX_GROUP_COMBINATIONS
    ) -> AgreementSpace:
        """The compound-issue decomposition of an evaluator's (grid) arrays.

        Raises
        ------
        AnalysisError
            A constraint forbids every package, or a compound issue has more
            than *max_group_combinations* option combinations.
        """
        for fp in ev.forbidden:
            if not fp.clauses:
                raise AnalysisError(f"constraint {fp.source!r} forbids every package")
        linked = link_issues(
            ev.n_issues,
            [[i for i, _ in it.conditions] for it in ev.interactions]
            + [[i for i, _ in fp.clauses] for fp in ev.forbidden],
        )
        offset = np.zeros(ev.n_parties)
        for it in ev.interactions:
            if not it.conditions:
                offset = offset + it.bonus
        groups = tuple(_enumerate_group(issues, ev, max_group_combinations) for issues in linked)
        base = {f.name: getattr(ev, f.name) for f in fields(PackageEvaluator)}
        return cls(**base, groups=groups, offset=offset)

    # ------------------------------------------------------------ properties
    @property
    def n_feasible(self) -> int:
        """Number of feasible packages (exact: product of compound sizes)."""
        return math.prod(g.size for g in self.groups)

    @property
    def no_deal_rows(self) -> IntArray | None:
        """Per group, the combination row of the no-deal package (``None``: no such package,
        or it is infeasible)."""
        if self.no_deal_package is None:
            return None
        rows = self.rows_of(self.no_deal_package)[0]
        return None if (rows < 0).any() else rows

    @property
    def n_agreements(self) -> int:
        """Number of agreements: feasible packages other than the no-deal package."""
        return self.n_feasible - (self.no_deal_rows is not None)

    def additive_no_deal(self) -> FloatArray | None:
        """The no-deal package's additive utility (what the groups sum to), or ``None``.

        Engines that work group by group sum this for the no-deal package and
        must leave it out (it is not an agreement); its true utility is
        :attr:`no_deal`.
        """
        rows = self.no_deal_rows
        if rows is None:
            return None
        total = self.offset.copy()
        for g, grp in enumerate(self.groups):
            total = total + grp.utilities[rows[g]]
        return total

    # ------------------------------------------------------------ evaluation
    def packages_from_rows(self, rows: npt.ArrayLike) -> IntArray:
        """Packages ``(n, n_issues)`` from one combination row per group ``(n, n_groups)``."""
        r = np.asarray(rows, dtype=np.int64).reshape(-1, len(self.groups))
        out = np.zeros((r.shape[0], self.n_issues), dtype=np.int64)
        for g, grp in enumerate(self.groups):
            out[:, list(grp.issues)] = grp.combos[r[:, g]]
        return out

    def rows_of(self, packages: npt.ArrayLike) -> IntArray:
        """Combination row per group ``(n, n_groups)`` of packages; ``-1`` where infeasible."""
        x = self.as_packages(packages)
        out = np.empty((x.shape[0], len(self.groups)), dtype=np.int64)
        for g, grp in enumerate(self.groups):
            radix = np.array([self.tables[i].shape[0] for i in grp.issues], dtype=np.int64)
            weights = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
            keys = grp.combos @ weights
            want = x[:, list(grp.issues)] @ weights
            pos = np.searchsorted(keys, want)
            pos = np.minimum(pos, len(keys) - 1)
            out[:, g] = np.where(keys[pos] == want, pos, -1)
        return out

    def summary(self) -> dict[str, Any]:
        """JSON-serialisable description (sizes of the space and of each group)."""
        return {
            "parties": list(self.party_ids),
            "n_issues": self.n_issues,
            "n_packages": self.n_packages,
            "n_feasible": self.n_feasible,
            "groups": [
                {"issues": [self.issue_ids[i] for i in g.issues], "combinations": g.size}
                for g in self.groups
            ],
            "quantum": self.quantum,
        }


def link_issues(n_issues: int, links: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """Groups of issues connected through *links* (each a list of issue indices).

    Union-find with path halving (Tarjan, R. E. (1975). Efficiency of a good but
    not linear set union algorithm. *J. ACM* 22(2), 215-225). Groups are ordered
    by their smallest issue, issues within a group ascending; an issue no link
    mentions forms a group of its own. ``O(n α(n))``.

    Examples
    --------
    >>> link_issues(4, [[0, 2], [3]])
    [(0, 2), (1,), (3,)]
    """
    parent = list(range(n_issues))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for members in links:
        for a in members[1:]:
            ra, rb = find(members[0]), find(a)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n_issues):
        groups.setdefault(find(i), []).append(i)
    return [tuple(groups[root]) for root in sorted(groups)]


def feasible_combinations(
    issues: Sequence[int],
    sizes: Sequence[int],
    forbidden: Sequence[Sequence[tuple[int, BoolArray]]],
) -> IntArray:
    """Every option combination ``(m, len(issues))`` of a compound issue that no
    forbidden pattern rules out.

    A pattern (clauses of ``(issue index, option mask)``) applies when all its
    issues belong to the compound issue; a combination is ruled out when every
    clause's mask holds its option. ``O(Π sizes × clauses)``.
    """
    pos = {i: k for k, i in enumerate(issues)}
    grids = np.meshgrid(*(np.arange(s, dtype=np.int64) for s in sizes), indexing="ij")
    combos = np.stack([g.reshape(-1) for g in grids], axis=1)
    ok = np.ones(combos.shape[0], dtype=bool)
    for clauses in forbidden:
        if clauses and all(i in pos for i, _ in clauses):
            inside = np.ones(combos.shape[0], dtype=bool)
            for i, mask in clauses:
                inside &= mask[combos[:, pos[i]]]
            ok &= ~inside
    return combos[ok]


def _enumerate_group(issues: tuple[int, ...], ev: PackageEvaluator, limit: int) -> IssueGroup:
    """Enumerate a compound issue's feasible combinations and their utilities."""
    sizes = [ev.tables[i].shape[0] for i in issues]
    total = math.prod(sizes)
    if total > limit:
        raise AnalysisError(
            f"issues {list(issues)} are linked by constraints or interactions into one compound "
            f"issue of {total:,} option combinations (limit {limit:,}); split the linking terms "
            "or raise max_group_combinations"
        )
    pos = {i: k for k, i in enumerate(issues)}
    combos = feasible_combinations(issues, sizes, [fp.clauses for fp in ev.forbidden])
    util = np.zeros((combos.shape[0], ev.n_parties))
    for i in issues:
        util += ev.tables[i][combos[:, pos[i]]]
    for it in ev.interactions:
        if it.conditions and it.conditions[0][0] in pos:
            hit = np.ones(combos.shape[0], dtype=bool)
            for i, o in it.conditions:
                hit &= combos[:, pos[i]] == o
            util += hit[:, None] * it.bonus[None, :]
    return IssueGroup(issues=issues, combos=combos, utilities=util)
