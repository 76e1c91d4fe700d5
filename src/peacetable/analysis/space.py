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

Exact arithmetic
----------------
Every table entry, bonus and no-deal utility is rounded once to a multiple of
a power of two ``2**-q`` (``q <= 40``, chosen so that every partial sum stays
below ``2**52`` quanta). Sums of such numbers are exact in IEEE double
precision, hence independent of summation order: two packages tie exactly
when their utilities are equal, and dominance and acceptance are decided
without rounding noise. The rounding moves a utility by at most
``2**-(q+1)`` (about ``5e-13`` for utilities of order one).

References
----------
.. [1] Keeney, R. L. & Raiffa, H. (1976). *Decisions with Multiple
   Objectives*, ch. 3 (additive and non-additive multi-attribute value).
.. [2] Tarjan, R. E. (1975). Efficiency of a good but not linear set union
   algorithm. *J. ACM* 22(2), 215-225 (union-find).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from peacetable.errors import AnalysisError, InputError, Location

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest number of option combinations a compound issue may enumerate.
MAX_GROUP_COMBINATIONS = 5_000_000


class InteractionLike(Protocol):
    """Anything with ``conditions`` ``((issue, option), ...)`` and ``bonus`` ``(n_parties,)``."""

    @property
    def conditions(self) -> tuple[tuple[int, int], ...]: ...

    @property
    def bonus(self) -> FloatArray: ...


class ForbiddenLike(Protocol):
    """Anything with ``clauses`` ``((issue, mask), ...)`` and a ``source`` label."""

    @property
    def clauses(self) -> tuple[tuple[int, BoolArray], ...]: ...

    @property
    def source(self) -> str: ...


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
class AgreementSpace:
    """A package space prepared for exact analysis.

    Build it with :meth:`from_arrays`, :meth:`from_compiled` or
    :meth:`from_scenario`; do not call the constructor directly.

    Attributes
    ----------
    party_ids, issue_ids, option_ids:
        Names of parties, issues and, per issue, options.
    groups:
        The independent compound issues; the utility of a package is
        ``offset + sum(group.utilities[row_g])``.
    offset:
        ``(n_parties,)`` constant utility (interactions without conditions).
    no_deal:
        ``(n_parties,)`` no-deal utilities, on the exact grid.
    quantum:
        Grid step ``2**-q`` of every utility (see the module notes).
    tables, interactions, forbidden:
        The (rounded) inputs, kept for reference evaluation.
    """

    party_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    groups: tuple[IssueGroup, ...]
    offset: FloatArray
    no_deal: FloatArray
    quantum: float
    tables: tuple[FloatArray, ...]
    interactions: tuple[tuple[tuple[tuple[int, int], ...], FloatArray], ...]
    forbidden: tuple[tuple[tuple[tuple[int, BoolArray], ...], str], ...]

    # ------------------------------------------------------------------ build
    @classmethod
    def from_arrays(
        cls,
        tables: Sequence[npt.ArrayLike],
        no_deal: npt.ArrayLike,
        *,
        interactions: Sequence[InteractionLike] = (),
        forbidden: Sequence[ForbiddenLike] = (),
        party_ids: Sequence[str] | None = None,
        issue_ids: Sequence[str] | None = None,
        option_ids: Sequence[Sequence[str]] | None = None,
        max_group_combinations: int = MAX_GROUP_COMBINATIONS,
    ) -> AgreementSpace:
        """Build a space from plain arrays (the fields of a compiled scenario).

        Parameters
        ----------
        tables:
            Per issue a ``(n_options, n_parties)`` array of weighted values.
        no_deal:
            ``(n_parties,)`` no-deal utilities.
        interactions, forbidden:
            Objects with the attributes of
            :class:`peacetable.model.evaluate.Interaction` and
            :class:`peacetable.model.evaluate.ForbiddenPattern`.
        party_ids, issue_ids, option_ids:
            Names; default ``P0, P1, ...``, ``I0, ...``, ``o0, ...``.
        max_group_combinations:
            Refuse compound issues with more option combinations than this.

        Returns
        -------
        AgreementSpace

        Raises
        ------
        InputError
            Inconsistent shapes.
        AnalysisError
            A compound issue is too large to enumerate.

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
        tabs = [np.asarray(t, dtype=np.float64) for t in tables]
        nd = np.asarray(no_deal, dtype=np.float64).reshape(-1)
        n_parties = nd.shape[0]
        for i, t in enumerate(tabs):
            if t.ndim != 2 or t.shape[1] != n_parties or t.shape[0] < 1:
                raise InputError(
                    f"table of issue {i} has shape {t.shape}, expected (n_options >= 1, {n_parties})"
                )
        n_issues = len(tabs)
        inters = [
            (
                tuple((int(i), int(o)) for i, o in it.conditions),
                np.asarray(it.bonus, dtype=np.float64).reshape(-1),
            )
            for it in interactions
        ]
        forbs = [
            (tuple((int(i), np.asarray(m, dtype=bool)) for i, m in fp.clauses), str(fp.source))
            for fp in forbidden
        ]
        for conds, bonus in inters:
            if bonus.shape != (n_parties,):
                raise InputError(
                    f"interaction bonus has shape {bonus.shape}, expected ({n_parties},)"
                )
            for i, o in conds:
                if not (0 <= i < n_issues and 0 <= o < tabs[i].shape[0]):
                    raise InputError(f"interaction condition ({i}, {o}) is out of range")
        for clauses, src in forbs:
            if not clauses:
                raise AnalysisError(f"constraint {src!r} forbids every package")
            for i, m in clauses:
                if not (0 <= i < n_issues and m.shape == (tabs[i].shape[0],)):
                    raise InputError(f"constraint {src!r}: bad clause on issue {i}")

        # exact grid: q bits of fraction, all partial sums below 2**52 quanta
        magnitude = float(np.abs(nd).max(initial=0.0))
        magnitude += sum(float(np.abs(t).max(initial=0.0)) for t in tabs)
        magnitude += sum(float(np.abs(b).max(initial=0.0)) for _, b in inters)
        if not math.isfinite(magnitude):
            raise InputError("utilities must be finite")
        bound = (magnitude + 1.0) * (n_parties + 1)
        q = min(40, 51 - math.ceil(math.log2(bound)))
        scale = float(2.0**q)

        def snap(a: FloatArray) -> FloatArray:
            return np.round(a * scale) / scale

        tabs = [snap(t) for t in tabs]
        inters = [(c, snap(b)) for c, b in inters]
        nd = snap(nd)

        linked = link_issues(
            n_issues, [[i for i, _ in c] for c, _ in inters] + [[i for i, _ in c] for c, _ in forbs]
        )

        offset = np.zeros(n_parties)
        for conds, bonus in inters:
            if not conds:
                offset = offset + bonus
        groups: list[IssueGroup] = []
        for issues in linked:
            groups.append(
                _enumerate_group(issues, tabs, inters, forbs, n_parties, max_group_combinations)
            )

        n_opts = [t.shape[0] for t in tabs]
        return cls(
            party_ids=tuple(party_ids)
            if party_ids is not None
            else tuple(f"P{p}" for p in range(n_parties)),
            issue_ids=tuple(issue_ids)
            if issue_ids is not None
            else tuple(f"I{i}" for i in range(n_issues)),
            option_ids=tuple(tuple(o) for o in option_ids)
            if option_ids is not None
            else tuple(tuple(f"o{k}" for k in range(n)) for n in n_opts),
            groups=tuple(groups),
            offset=offset,
            no_deal=nd,
            quantum=1.0 / scale,
            tables=tuple(tabs),
            interactions=tuple(inters),
            forbidden=tuple(forbs),
        )

    @classmethod
    def from_compiled(cls, compiled: Any, **kwargs: Any) -> AgreementSpace:
        """Build a space from a :class:`peacetable.model.evaluate.CompiledScenario`.

        Parameters
        ----------
        compiled:
            The compiled scenario.
        **kwargs:
            Passed to :meth:`from_arrays` (e.g. ``max_group_combinations``).
        """
        return cls.from_arrays(
            compiled.tables,
            compiled.no_deal,
            interactions=compiled.interactions,
            forbidden=compiled.forbidden,
            party_ids=compiled.party_ids,
            issue_ids=compiled.issue_ids,
            option_ids=compiled.option_ids,
            **kwargs,
        )

    @classmethod
    def from_scenario(cls, scenario: Any, **kwargs: Any) -> AgreementSpace:
        """Build a space from a :class:`peacetable.model.Scenario` (compiled first)."""
        from peacetable.model.evaluate import compile_scenario

        return cls.from_compiled(compile_scenario(scenario), **kwargs)

    # ------------------------------------------------------------ properties
    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return len(self.party_ids)

    @property
    def n_issues(self) -> int:
        """Number of (original) issues."""
        return len(self.issue_ids)

    @property
    def n_options(self) -> tuple[int, ...]:
        """Number of options per issue."""
        return tuple(int(t.shape[0]) for t in self.tables)

    @property
    def n_packages(self) -> int:
        """Number of packages, feasible or not (Python int)."""
        return math.prod(self.n_options)

    @property
    def n_feasible(self) -> int:
        """Number of feasible packages (exact: product of compound sizes)."""
        return math.prod(g.size for g in self.groups)

    # ------------------------------------------------------------ evaluation
    def utilities(self, packages: npt.ArrayLike) -> FloatArray:
        """Utilities ``(n, n_parties)`` of packages ``(n, n_issues)``, on the exact grid.

        Infeasible packages are evaluated too (use :meth:`feasible`).
        """
        x = self._as_packages(packages)
        total = np.broadcast_to(self.offset, (x.shape[0], self.n_parties)).copy()
        for i, t in enumerate(self.tables):
            total += t[x[:, i]]
        for conds, bonus in self.interactions:
            if not conds:
                continue
            hit = np.ones(x.shape[0], dtype=bool)
            for i, o in conds:
                hit &= x[:, i] == o
            total += hit[:, None] * bonus[None, :]
        return total

    def feasible(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages ``(n, n_issues)`` satisfy every constraint."""
        x = self._as_packages(packages)
        ok = np.ones(x.shape[0], dtype=bool)
        for clauses, _ in self.forbidden:
            inside = np.ones(x.shape[0], dtype=bool)
            for i, m in clauses:
                inside &= m[x[:, i]]
            ok &= ~inside
        return ok

    def packages_from_rows(self, rows: npt.ArrayLike) -> IntArray:
        """Packages ``(n, n_issues)`` from one combination row per group ``(n, n_groups)``."""
        r = np.asarray(rows, dtype=np.int64).reshape(-1, len(self.groups))
        out = np.zeros((r.shape[0], self.n_issues), dtype=np.int64)
        for g, grp in enumerate(self.groups):
            out[:, list(grp.issues)] = grp.combos[r[:, g]]
        return out

    def rows_of(self, packages: npt.ArrayLike) -> IntArray:
        """Combination row per group ``(n, n_groups)`` of packages; ``-1`` where infeasible."""
        x = self._as_packages(packages)
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

    def package_dict(self, package: npt.ArrayLike) -> dict[str, str]:
        """``{issue id: option id}`` of one package of option indices."""
        idx = np.asarray(package, dtype=np.int64).reshape(-1)
        return {iid: self.option_ids[i][int(idx[i])] for i, iid in enumerate(self.issue_ids)}

    def package_array(self, package: Mapping[str, str] | npt.ArrayLike) -> IntArray:
        """Option indices ``(n_issues,)`` of a complete package given by ids or indices.

        Raises
        ------
        InputError
            Unknown or missing issue or option.
        """
        if isinstance(package, Mapping):
            missing = [i for i in self.issue_ids if i not in package]
            if missing:
                raise InputError(f"package leaves issues out: {', '.join(missing)}")
            out = np.empty(self.n_issues, dtype=np.int64)
            for iid, oid in package.items():
                if iid not in self.issue_ids:
                    raise InputError(f"unknown issue {iid!r}", Location(field="package"))
                i = self.issue_ids.index(iid)
                if oid not in self.option_ids[i]:
                    raise InputError(
                        f"unknown option {oid!r} of issue {iid!r}", Location(field=f"package.{iid}")
                    )
                out[i] = self.option_ids[i].index(oid)
            return out
        arr = self._as_packages(package)
        if arr.shape[0] != 1:
            raise InputError("expected one package")
        return np.asarray(arr[0], dtype=np.int64)

    def _as_packages(self, packages: npt.ArrayLike) -> IntArray:
        x = np.asarray(packages, dtype=np.int64)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.n_issues:
            raise InputError(f"packages must have shape (n, {self.n_issues}), got {x.shape}")
        limits = np.asarray(self.n_options, dtype=np.int64)
        if x.size and ((x < 0).any() or (x >= limits[None, :]).any()):
            raise InputError("option index out of range")
        return x

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


def _enumerate_group(
    issues: tuple[int, ...],
    tables: Sequence[FloatArray],
    inters: Sequence[tuple[tuple[tuple[int, int], ...], FloatArray]],
    forbs: Sequence[tuple[tuple[tuple[int, BoolArray], ...], str]],
    n_parties: int,
    limit: int,
) -> IssueGroup:
    """Enumerate a compound issue's feasible combinations and their utilities."""
    sizes = [tables[i].shape[0] for i in issues]
    total = math.prod(sizes)
    if total > limit:
        raise AnalysisError(
            f"issues {list(issues)} are linked by constraints or interactions into one compound "
            f"issue of {total:,} option combinations (limit {limit:,}); split the linking terms "
            "or raise max_group_combinations"
        )
    pos = {i: k for k, i in enumerate(issues)}
    combos = feasible_combinations(issues, sizes, [clauses for clauses, _ in forbs])
    util = np.zeros((combos.shape[0], n_parties))
    for i in issues:
        util += tables[i][combos[:, pos[i]]]
    for conds, bonus in inters:
        if conds and conds[0][0] in pos:
            hit = np.ones(combos.shape[0], dtype=bool)
            for i, o in conds:
                hit &= combos[:, pos[i]] == o
            util += hit[:, None] * bonus[None, :]
    return IssueGroup(issues=issues, combos=combos, utilities=util)


#: Spaces built from (frozen) compiled scenarios, by object identity, dropped with the object.
_SPACE_CACHE: dict[int, tuple[weakref.ref[Any], AgreementSpace]] = {}


def _from_compiled_cached(compiled: Any) -> AgreementSpace:
    key = id(compiled)
    hit = _SPACE_CACHE.get(key)
    if hit is not None and hit[0]() is compiled:
        return hit[1]
    space = AgreementSpace.from_compiled(compiled)
    try:
        ref = weakref.ref(compiled, lambda _r, key=key: _SPACE_CACHE.pop(key, None))  # type: ignore[misc]
    except TypeError:  # not weak-referenceable: do not cache
        return space
    _SPACE_CACHE[key] = (ref, space)
    return space


def as_space(obj: Any) -> AgreementSpace:
    """Coerce a scenario, compiled scenario or space into an :class:`AgreementSpace`.

    A compiled scenario (immutable) is converted once; later calls with the
    same object reuse the space.

    Raises
    ------
    InputError
        *obj* is none of these.
    """
    if isinstance(obj, AgreementSpace):
        return obj
    if hasattr(obj, "tables") and hasattr(obj, "no_deal") and hasattr(obj, "forbidden"):
        return _from_compiled_cached(obj)
    if hasattr(obj, "issues") and hasattr(obj, "preferences"):
        return AgreementSpace.from_scenario(obj)
    raise InputError(
        f"expected a Scenario, CompiledScenario or AgreementSpace, got {type(obj).__name__}"
    )
