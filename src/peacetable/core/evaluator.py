"""The one package evaluator: utility, feasibility, margin and acceptance on an exact grid.

A *package* assigns one option to every issue; here it is an integer vector
of option indices (issue order). The utility of a package ``x`` for party
``p`` is the additive multi-attribute value (Keeney & Raiffa 1976, ch. 3;
Raiffa 1982, ch. 10)::

    u_p(x) = sum_i t_i[x_i, p] + sum_k bonus_kp * [all conditions of term k hold in x]

where ``t_i`` is issue ``i``'s table of weighted values. A package is
feasible when no forbidden pattern (the scenario's constraints) contains it.

The acceptance rule
-------------------
A party *accepts* a package when its utility is at least its disagreement
utility (no deal; its reservation value, Raiffa 1982, ch. 4). This is the
only definition of acceptance in peacetable: every lens calls
:meth:`PackageEvaluator.accepts` / :meth:`PackageEvaluator.margin` or, for
sampled worlds, :func:`accepts`.

Exact grid
----------
Every table entry, bonus and disagreement utility is rounded once to a
multiple of ``quantum = 2**-q`` (``q <= 40``, chosen so that every partial
sum stays below ``2**52`` quanta). Sums of such numbers are exact in IEEE
double precision, hence independent of summation order, so dominance and
acceptance are decided without summation noise. Because each entry is
rounded separately, two utilities that are equal in exact (rational)
arithmetic -- e.g. three weighted values of ``0.3`` against a no-deal
utility of ``0.9`` -- may end up a few quanta apart. Utilities within
:attr:`PackageEvaluator.tie` (one quantum per rounded term, plus one) of
each other therefore count as equal: the margin of such a package is
exactly ``0.0`` and the party accepts. ``tie`` is about ``1e-11`` for
utilities of order one; no estimate in a scenario is that precise.

References
----------
.. [1] Keeney, R. L. & Raiffa, H. (1976). *Decisions with Multiple
   Objectives*. Wiley, ch. 3 (additive and non-additive value).
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 4 (reservation values), ch. 10 (additive scoring).
.. [3] Goldberg, D. (1991). What every computer scientist should know about
   floating-point arithmetic. *ACM Computing Surveys* 23(1), 5-48 (exact
   sums of numbers on a common binary grid).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.errors import InputError, Location, suggest

#: Largest package space :meth:`PackageEvaluator.all_packages` enumerates by default.
ENUMERATION_LIMIT = 5_000_000

#: Numerical feasibility tolerance given to the mixed-integer solver (HiGHS). It is the
#: solver's arithmetic, not an acceptance rule: every package a solver returns is re-checked
#: with :meth:`PackageEvaluator.accepts` / :meth:`PackageEvaluator.improves_on`.
SOLVER_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Interaction:
    """A non-additive term: ``bonus`` (per party) when every condition holds.

    ``conditions`` are ``(issue index, option index)`` pairs.
    """

    conditions: tuple[tuple[int, int], ...]
    bonus: FloatArray


@dataclass(frozen=True)
class ForbiddenPattern:
    """An infeasible region: a package is infeasible when, for every clause
    ``(issue index, mask over its options)``, its option lies in the mask."""

    clauses: tuple[tuple[int, BoolArray], ...]
    source: str


def accepts(utilities: npt.ArrayLike, no_deal: npt.ArrayLike, tie: float = 0.0) -> BoolArray:
    """The acceptance rule on plain arrays: ``utility >= no_deal - tie``.

    Used for sampled worlds, whose utilities are not on an exact grid;
    :meth:`PackageEvaluator.accepts` applies the same rule with the grid's
    tie tolerance.

    Examples
    --------
    >>> accepts([[0.5, 0.2]], [0.5, 0.3]).tolist()
    [[True, False]]
    """
    u = np.asarray(utilities, dtype=np.float64)
    nd = np.asarray(no_deal, dtype=np.float64)
    return np.asarray(u >= nd - tie)


def feasible_mask(forbidden: Sequence[ForbiddenPattern], packages: IntArray) -> BoolArray:
    """Which packages ``(n, n_issues)`` of option indices lie outside every forbidden pattern."""
    ok = np.ones(packages.shape[0], dtype=bool)
    for pattern in forbidden:
        inside = np.ones(packages.shape[0], dtype=bool)
        for i, mask in pattern.clauses:
            inside &= mask[packages[:, i]]
        ok &= ~inside
    return ok


def grid_quantum(magnitude: float, n_parties: int) -> float:
    """The exact grid's step ``2**-q`` for utilities whose absolute sum is at most *magnitude*.

    Raises
    ------
    InputError
        Non-finite utilities.

    Examples
    --------
    >>> grid_quantum(2.0, 2) == 2.0**-40
    True
    """
    if not math.isfinite(magnitude):
        raise InputError("utilities must be finite")
    bound = (magnitude + 1.0) * (n_parties + 1)
    q = min(40, 51 - math.ceil(math.log2(bound)))
    return float(2.0**-q)


def snap(values: npt.ArrayLike, quantum: float) -> FloatArray:
    """Round *values* to the nearest multiple of *quantum* (a power of two: exact).

    Examples
    --------
    >>> snap([0.3], 0.25).tolist()
    [0.25]
    """
    a = np.asarray(values, dtype=np.float64)
    return np.asarray(np.round(a / quantum) * quantum)


@dataclass(frozen=True, eq=False)
class PackageEvaluator:
    """Tables, terms and constraints of a package space, on the exact grid.

    Build with :meth:`from_arrays`; :class:`peacetable.core.PreparedScenario`
    and :class:`peacetable.core.space.AgreementSpace` are evaluators too.

    Attributes
    ----------
    party_ids, issue_ids, option_ids:
        Names of parties, issues and, per issue, options.
    tables:
        Per issue a ``(n_options, n_parties)`` array of weighted values.
    interactions:
        Non-additive terms.
    forbidden:
        Infeasible regions.
    no_deal:
        ``(n_parties,)`` disagreement utilities (at month 0).
    status_quo:
        ``(n_issues,)`` option index of each issue's status quo.
    quantum:
        Step of the exact grid (see the module notes).
    no_deal_package:
        ``(n_issues,)`` the package that *is* no deal (e.g. the one that
        agrees nothing), or ``None``. Its utility is the disagreement point,
        exactly, and it is not an agreement (:meth:`is_agreement`).
    """

    party_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    tables: tuple[FloatArray, ...]
    interactions: tuple[Interaction, ...]
    forbidden: tuple[ForbiddenPattern, ...]
    no_deal: FloatArray
    status_quo: IntArray
    quantum: float
    no_deal_package: IntArray | None = None

    # ------------------------------------------------------------------ build
    @classmethod
    def grid_fields(
        cls,
        tables: Sequence[npt.ArrayLike],
        no_deal: npt.ArrayLike,
        *,
        interactions: Sequence[Any] = (),
        forbidden: Sequence[Any] = (),
        party_ids: Sequence[str] | None = None,
        issue_ids: Sequence[str] | None = None,
        option_ids: Sequence[Sequence[str]] | None = None,
        status_quo: npt.ArrayLike | None = None,
        no_deal_package: npt.ArrayLike | None = None,
    ) -> dict[str, Any]:
        """Checked, grid-rounded constructor arguments (see :meth:`from_arrays`)."""
        tabs = [np.asarray(t, dtype=np.float64) for t in tables]
        nd = np.asarray(no_deal, dtype=np.float64).reshape(-1)
        n_parties, n_issues = nd.shape[0], len(tabs)
        for i, t in enumerate(tabs):
            if t.ndim != 2 or t.shape[1] != n_parties or t.shape[0] < 1:
                raise InputError(
                    f"table of issue {i} has shape {t.shape}, expected (n_options >= 1, {n_parties})"
                )
        inters = [
            Interaction(
                tuple((int(i), int(o)) for i, o in it.conditions),
                np.asarray(it.bonus, dtype=np.float64).reshape(-1),
            )
            for it in interactions
        ]
        forbs = [
            ForbiddenPattern(
                tuple((int(i), np.asarray(m, dtype=bool)) for i, m in fp.clauses), str(fp.source)
            )
            for fp in forbidden
        ]
        for it in inters:
            if it.bonus.shape != (n_parties,):
                raise InputError(
                    f"interaction bonus has shape {it.bonus.shape}, expected ({n_parties},)"
                )
            for i, o in it.conditions:
                if not (0 <= i < n_issues and 0 <= o < tabs[i].shape[0]):
                    raise InputError(f"interaction condition ({i}, {o}) is out of range")
        for fp in forbs:
            for i, m in fp.clauses:
                if not (0 <= i < n_issues and m.shape == (tabs[i].shape[0],)):
                    raise InputError(f"constraint {fp.source!r}: bad clause on issue {i}")
        magnitude = float(np.abs(nd).max(initial=0.0))
        magnitude += sum(float(np.abs(t).max(initial=0.0)) for t in tabs)
        magnitude += sum(float(np.abs(it.bonus).max(initial=0.0)) for it in inters)
        quantum = grid_quantum(magnitude, n_parties)
        n_opts = [t.shape[0] for t in tabs]
        sq = (
            np.zeros(n_issues, dtype=np.int64)
            if status_quo is None
            else np.asarray(status_quo, dtype=np.int64).reshape(-1)
        )
        return {
            "party_ids": tuple(party_ids)
            if party_ids is not None
            else tuple(f"P{p}" for p in range(n_parties)),
            "issue_ids": tuple(issue_ids)
            if issue_ids is not None
            else tuple(f"I{i}" for i in range(n_issues)),
            "option_ids": tuple(tuple(o) for o in option_ids)
            if option_ids is not None
            else tuple(tuple(f"o{k}" for k in range(n)) for n in n_opts),
            "tables": tuple(snap(t, quantum) for t in tabs),
            "interactions": tuple(
                Interaction(it.conditions, snap(it.bonus, quantum)) for it in inters
            ),
            "forbidden": tuple(forbs),
            "no_deal": snap(nd, quantum),
            "status_quo": sq,
            "quantum": quantum,
            "no_deal_package": None
            if no_deal_package is None
            else np.asarray(no_deal_package, dtype=np.int64).reshape(-1),
        }

    @classmethod
    def from_arrays(
        cls, tables: Sequence[npt.ArrayLike], no_deal: npt.ArrayLike, **kw: Any
    ) -> Self:
        """An evaluator from plain arrays, rounded to the exact grid.

        Parameters
        ----------
        tables:
            Per issue a ``(n_options, n_parties)`` array of weighted values.
        no_deal:
            ``(n_parties,)`` disagreement utilities.
        **kw:
            ``interactions`` and ``forbidden`` (objects with the attributes of
            :class:`Interaction` and :class:`ForbiddenPattern`), ``party_ids``,
            ``issue_ids``, ``option_ids`` (default ``P0``…, ``I0``…, ``o0``…),
            ``status_quo`` (default option 0 of every issue) and
            ``no_deal_package`` (default none).

        Raises
        ------
        InputError
            Inconsistent shapes or non-finite utilities.

        Examples
        --------
        >>> ev = PackageEvaluator.from_arrays([[[0.3], [0.0]]] * 3, no_deal=[0.9])
        >>> ev.utilities([[0, 0, 0]]).round(6).tolist(), ev.accepts([[0, 0, 0]]).tolist()
        ([[0.9]], [[True]])
        """
        return cls(**cls.grid_fields(tables, no_deal, **kw))

    # ------------------------------------------------------------ properties
    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return len(self.party_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issue_ids)

    @property
    def n_options(self) -> tuple[int, ...]:
        """Number of options per issue."""
        return tuple(int(t.shape[0]) for t in self.tables)

    @property
    def n_packages(self) -> int:
        """Number of packages, feasible or not (Python int: may exceed 2**63)."""
        return math.prod(self.n_options)

    @property
    def tie(self) -> float:
        """Utilities closer than this are equal (the grid's accumulated rounding, see notes)."""
        return (self.n_issues + len(self.interactions) + 1) * self.quantum

    # ------------------------------------------------------------ evaluation
    def utilities(self, packages: npt.ArrayLike) -> FloatArray:
        """Utilities ``(n, n_parties)`` of packages ``(n, n_issues)``, on the exact grid.

        The no-deal package is worth the disagreement point, exactly; every
        other package its additive value (:meth:`state_utilities`). Infeasible
        packages are evaluated too (see :meth:`feasible`).
        """
        x = self.as_packages(packages)
        total = self.state_utilities(x)
        if self.no_deal_package is not None:
            total[self.is_no_deal(x)] = self.no_deal
        return total

    def state_utilities(self, packages: npt.ArrayLike) -> FloatArray:
        """Additive value ``(n, n_parties)`` of packages as states of the issues.

        This is what a package is worth as a state of the world whatever led to
        it -- e.g. an agreement signed but not yet carried out leaves every
        issue at its status quo (the sequencing lens). As the outcome of *not*
        agreeing, the no-deal package is worth the disagreement point instead
        (:meth:`utilities`).
        """
        x = self.as_packages(packages)
        total = np.zeros((x.shape[0], self.n_parties))
        for i, table in enumerate(self.tables):
            total += table[x[:, i]]
        for it in self.interactions:
            hit = np.ones(x.shape[0], dtype=bool)
            for i, o in it.conditions:
                hit &= x[:, i] == o
            total += hit[:, None] * it.bonus[None, :]
        return total

    def is_no_deal(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages are the no-deal package (never an agreement)."""
        x = self.as_packages(packages)
        if self.no_deal_package is None:
            return np.zeros(x.shape[0], dtype=bool)
        return np.asarray((x == self.no_deal_package[None, :]).all(axis=1))

    def is_agreement(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages are agreements: feasible, and not the no-deal package."""
        return np.asarray(self.feasible(packages) & ~self.is_no_deal(packages))

    def feasible(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages ``(n, n_issues)`` satisfy every constraint."""
        return feasible_mask(self.forbidden, self.as_packages(packages))

    def margin_of(
        self, utilities: npt.ArrayLike, no_deal: npt.ArrayLike | None = None
    ) -> FloatArray:
        """``utility - no_deal`` of utilities on this grid, ties (within :attr:`tie`) as exactly 0."""
        u = np.asarray(utilities, dtype=np.float64)
        nd = self.no_deal if no_deal is None else np.asarray(no_deal, dtype=np.float64)
        m = u - nd
        return np.asarray(np.where(np.abs(m) <= self.tie, 0.0, m))

    def margin(self, packages: npt.ArrayLike) -> FloatArray:
        """``(n, n_parties)`` utility above the disagreement point (ties exactly 0)."""
        return self.margin_of(self.utilities(packages))

    def accepts(self, packages: npt.ArrayLike) -> BoolArray:
        """``(n, n_parties)``: does each party accept each package (margin >= 0)?"""
        return np.asarray(self.margin(packages) >= 0.0)

    def accepts_utilities(
        self, utilities: npt.ArrayLike, no_deal: npt.ArrayLike | None = None
    ) -> BoolArray:
        """The acceptance rule for utilities already computed on this grid."""
        return np.asarray(self.margin_of(utilities, no_deal) >= 0.0)

    def improves_on(self, utilities: npt.ArrayLike, reference: npt.ArrayLike) -> BoolArray:
        """Which utility rows Pareto-improve on *reference*: no party below it, some party above.

        Differences within :attr:`tie` count as equal (the same rule as
        :meth:`margin_of`).

        Examples
        --------
        >>> ev = PackageEvaluator.from_arrays([[[0.0, 0.0]]], no_deal=[0.0, 0.0])
        >>> ev.improves_on([[1.0, 0.0], [1.0, -1.0]], [0.0, 0.0]).tolist()
        [True, False]
        """
        d = self.margin_of(utilities, reference)
        return np.asarray((d >= 0.0).all(axis=-1) & (d > 0.0).any(axis=-1))

    def acceptance_floor(self, no_deal: npt.ArrayLike | None = None) -> FloatArray:
        """``(n_parties,)`` least utility each party accepts: ``no_deal - tie`` (on the grid).

        Engines that search for acceptable packages (frontier, ZOPA, MILP)
        use this bound so that they agree with :meth:`accepts`.
        """
        nd = self.no_deal if no_deal is None else np.asarray(no_deal, dtype=np.float64)
        return np.asarray(nd - self.tie)

    # -------------------------------------------------------------- packages
    def as_packages(self, packages: npt.ArrayLike) -> IntArray:
        """Packages as a checked ``(n, n_issues)`` index array.

        Raises
        ------
        InputError
            Wrong shape or an option index out of range.
        """
        x = np.asarray(packages, dtype=np.int64)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.n_issues:
            raise InputError(f"packages must have shape (n, {self.n_issues}), got {x.shape}")
        if x.size:
            limits = np.asarray(self.n_options, dtype=np.int64)
            if (x < 0).any() or (x >= limits[None, :]).any():
                raise InputError("option index out of range")
        return x

    def package_dict(self, package: npt.ArrayLike) -> dict[str, str]:
        """``{issue id: option id}`` of one package of option indices."""
        idx = np.asarray(package, dtype=np.int64).reshape(-1)
        return {iid: self.option_ids[i][int(idx[i])] for i, iid in enumerate(self.issue_ids)}

    def encode(self, package: Mapping[str, str], *, complete: bool = False) -> IntArray:
        """Option indices ``(n_issues,)`` of ``{issue id: option id}``.

        Issues left out stay at their status quo, unless *complete* is set,
        in which case leaving one out is an error.

        Raises
        ------
        InputError
            Unknown issue or option (with a did-you-mean), or a missing issue.
        """
        if complete:
            missing = [i for i in self.issue_ids if i not in package]
            if missing:
                raise InputError(f"package leaves issues out: {', '.join(missing)}")
        out = self.status_quo.copy()
        for iid, oid in package.items():
            if iid not in self.issue_ids:
                raise InputError(
                    f"unknown issue {iid!r}{suggest(iid, self.issue_ids)}",
                    Location(field="package"),
                )
            i = self.issue_ids.index(iid)
            if oid not in self.option_ids[i]:
                raise InputError(
                    f"unknown option {oid!r} of issue {iid!r}{suggest(oid, self.option_ids[i])}",
                    Location(field=f"package.{iid}"),
                )
            out[i] = self.option_ids[i].index(oid)
        return out

    def package_array(self, package: Mapping[str, str] | npt.ArrayLike) -> IntArray:
        """Option indices ``(n_issues,)`` of a complete package given by ids or indices.

        Raises
        ------
        InputError
            Unknown, missing or out-of-range issue or option.
        """
        if isinstance(package, Mapping):
            return self.encode(package, complete=True)
        arr = self.as_packages(package)
        if arr.shape[0] != 1:
            raise InputError("expected one package")
        return np.asarray(arr[0], dtype=np.int64)

    def all_packages(self, limit: int = ENUMERATION_LIMIT) -> IntArray:
        """Every package as ``(n_packages, n_issues)``; refuses spaces larger than *limit*.

        Raises
        ------
        InputError
            More than *limit* packages.
        """
        if self.n_packages > limit:
            raise InputError(
                f"the package space has {self.n_packages:,} packages, more than the "
                f"{limit:,} that may be enumerated; use the agreement-space engine"
            )
        grids = np.meshgrid(*(np.arange(n) for n in self.n_options), indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)

    def single_changes(self, base: npt.ArrayLike) -> IntArray:
        """Every package differing from *base* in exactly one issue (issue, then option order)."""
        b = np.asarray(base, dtype=np.int64).reshape(-1)
        rows = []
        for i, m in enumerate(self.n_options):
            alt = np.array([o for o in range(m) if o != b[i]], dtype=np.int64)
            block = np.repeat(b[None, :], alt.size, axis=0)
            block[:, i] = alt
            rows.append(block)
        return np.concatenate(rows) if rows else np.empty((0, self.n_issues), dtype=np.int64)
