"""The outcome space a simulated negotiation runs on.

Negotiating agents in the alternating-offers and single-text protocols pick
whole outcomes (packages), so the feasible packages of a scenario are
enumerated once, with every party's utility of each and its reservation
value, the utility of no deal (Raiffa 1982, ch. 4). A party's reservation is
met when its utility is at least its no-deal utility: the one acceptance rule
of the core, on the exact utility grid of the agreement space
(:mod:`peacetable.core.space`), so ties are exact.

:func:`outcome_space` is the only place that reads a scenario here: it
enumerates the agreements of the core's prepared scenario
(:func:`peacetable.core.prepare`), so utilities, no-deal values and ties are
the ones every other lens uses.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 4
   (reservation values) and ch. 11 (many issues).
.. [2] Baarslag, T. (2014). *What to Bid and When to Stop*, ch. 2 (outcome
   spaces and utility of bilateral negotiation agents). Delft University of
   Technology.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core import prepare
from peacetable.errors import InputError, ScenarioError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["DEFAULT_OUTCOME_LIMIT", "OutcomeSpace", "outcome_space", "random_space"]

#: Largest number of packages a scenario may enumerate for a simulation.
DEFAULT_OUTCOME_LIMIT = 2_000_000


@dataclass(frozen=True, eq=False)
class OutcomeSpace:
    """Feasible outcomes with every party's utility: what agents negotiate over.

    Attributes
    ----------
    utilities:
        ``(n_outcomes, n_parties)`` utility of each outcome for each party.
    no_deal:
        ``(n_parties,)`` utility of no agreement (the reservation values).
    packages:
        ``(n_outcomes, n_issues)`` option indices of each outcome (issue
        structure, used by opponent models and single-issue amendments).
    party_ids, issue_ids, option_ids:
        Names; generated ones for spaces built from arrays.
    name:
        Label (the scenario id).
    tie:
        Utilities within this of a reservation value count as meeting it
        (the core's tie rule, ``PreparedScenario.tie``; 0 for plain arrays).
    """

    utilities: FloatArray
    no_deal: FloatArray
    packages: IntArray
    party_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    name: str = "space"
    tie: float = 0.0
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes."""
        return int(self.utilities.shape[0])

    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return int(self.utilities.shape[1])

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return int(self.packages.shape[1])

    @property
    def reservation(self) -> FloatArray:
        """``(n_parties,)`` the least utility each party accepts: ``no_deal - tie`` (the
        core's acceptance rule; agents compare utilities with these values)."""
        return np.asarray(self.no_deal - self.tie)

    def accepts(self) -> BoolArray:
        """``(n_outcomes, n_parties)``: is each party's reservation met (the core's rule)?"""
        return np.asarray(self.utilities >= self.reservation[None, :])

    def package_dict(self, outcome: int) -> dict[str, str]:
        """``{issue id: option id}`` of one outcome."""
        row = self.packages[int(outcome)]
        return {i: self.option_ids[k][int(row[k])] for k, i in enumerate(self.issue_ids)}

    def outcome_of(self, package: npt.ArrayLike) -> int:
        """Index of the outcome with these option indices.

        Raises
        ------
        InputError
            The package is not a feasible outcome of the space.
        """
        want = np.asarray(package, dtype=np.int64).reshape(-1)
        hit = np.flatnonzero((self.packages == want[None, :]).all(axis=1))
        if hit.size == 0:
            raise InputError(f"package {want.tolist()} is not a feasible outcome of {self.name}")
        return int(hit[0])

    def neighbours(self) -> tuple[IntArray, IntArray]:
        """Outcomes that differ from each outcome in exactly one issue (CSR form).

        Returns ``(start, index)``: the neighbours of outcome ``o`` are
        ``index[start[o]:start[o + 1]]``, ascending. Built once and cached.

        Examples
        --------
        >>> s = OutcomeSpace.from_arrays(
        ...     [[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0], packages=[[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> start, index = s.neighbours()
        >>> index[start[0] : start[1]].tolist()
        [1, 2]
        """
        hit = self._cache.get("neighbours")
        if hit is None:
            hit = _neighbours(self.packages)
            self._cache["neighbours"] = hit
        return hit

    def single_changes(self, texts: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        """Outcomes that differ from each of *texts* in exactly one issue.

        Looks the changed packages up in a sorted index of the outcomes' keys
        (built once, ``O(n log n)``), so only the texts asked about cost
        anything: ``O(len(texts) × Σ options × log n)``.

        Returns
        -------
        (seg, cand)
            Pairs: ``cand[j]`` is a single change of ``texts[seg[j]]``; sorted by
            ``seg`` then ``cand`` (the order of :meth:`neighbours`).

        Examples
        --------
        >>> s = OutcomeSpace.from_arrays(
        ...     [[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0], packages=[[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> [a.tolist() for a in s.single_changes([0, 3])]
        [[0, 0, 1, 1], [1, 2, 1, 2]]
        """
        x = np.asarray(texts, dtype=np.int64).reshape(-1)
        radix, weights, keys, order = self._key_index()
        pk = self.packages[x]
        own = pk @ weights
        segs: list[IntArray] = []
        cands: list[IntArray] = []
        for i in range(self.n_issues):
            options = np.arange(int(radix[i]), dtype=np.int64)
            want = (own - pk[:, i] * weights[i])[:, None] + options[None, :] * weights[i]
            other = options[None, :] != pk[:, i][:, None]
            pos = np.minimum(np.searchsorted(keys, want), max(keys.size - 1, 0))
            found = other & (keys[pos] == want) if keys.size else np.zeros_like(other)
            rows, cols = np.nonzero(found)
            segs.append(rows.astype(np.int64))
            cands.append(order[pos[rows, cols]])
        seg = np.concatenate(segs) if segs else np.zeros(0, dtype=np.int64)
        cand = np.concatenate(cands) if cands else np.zeros(0, dtype=np.int64)
        by = np.lexsort((cand, seg))
        return seg[by], cand[by]

    def _key_index(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Mixed-radix key of every outcome's package, sorted, with the sorting permutation."""
        hit = self._cache.get("keys")
        if hit is None:
            radix, weights = _radix(self.packages)
            full = self.packages @ weights
            order = np.argsort(full, kind="stable").astype(np.int64)
            hit = (radix, weights, full[order], order)
            self._cache["keys"] = hit
        return hit

    @classmethod
    def from_arrays(
        cls,
        utilities: npt.ArrayLike,
        no_deal: npt.ArrayLike,
        packages: npt.ArrayLike | None = None,
        *,
        name: str = "space",
        party_ids: tuple[str, ...] | None = None,
    ) -> OutcomeSpace:
        """A space from plain arrays (one issue with one option per outcome if no packages).

        Raises
        ------
        InputError
            Shapes do not match, or values are not finite.

        Examples
        --------
        >>> s = OutcomeSpace.from_arrays([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], [0.2, 0.2])
        >>> s.n_outcomes, s.n_parties, s.accepts()[:, 0].tolist()
        (3, 2, [True, True, False])
        """
        u = np.ascontiguousarray(np.asarray(utilities, dtype=np.float64))
        d = np.asarray(no_deal, dtype=np.float64).reshape(-1)
        if u.ndim != 2 or u.shape[0] < 1 or u.shape[1] < 2 or d.shape != (u.shape[1],):
            raise InputError(
                f"utilities must be (n_outcomes, n_parties >= 2) and no_deal (n_parties,); "
                f"got {u.shape} and {d.shape}"
            )
        if not (np.isfinite(u).all() and np.isfinite(d).all()):
            raise InputError("utilities and no-deal values must be finite")
        if packages is None:
            x = np.arange(u.shape[0], dtype=np.int64)[:, None]
            issues: tuple[str, ...] = ("outcome",)
            options: tuple[tuple[str, ...], ...] = (tuple(f"o{k}" for k in range(u.shape[0])),)
        else:
            x = np.asarray(packages, dtype=np.int64)
            if x.ndim != 2 or x.shape[0] != u.shape[0]:
                raise InputError(f"packages must be ({u.shape[0]}, n_issues), got {x.shape}")
            issues = tuple(f"I{i}" for i in range(x.shape[1]))
            options = tuple(
                tuple(f"o{k}" for k in range(int(x[:, i].max()) + 1)) for i in range(x.shape[1])
            )
        parties = party_ids or tuple(f"P{p}" for p in range(u.shape[1]))
        return cls(u, d, x, parties, issues, options, name)


def _radix(packages: IntArray) -> tuple[IntArray, IntArray]:
    """Options per issue and the mixed-radix weights that make a package one integer key."""
    n, m = packages.shape
    radix = packages.max(axis=0).astype(np.int64) + 1 if n else np.ones(m, dtype=np.int64)
    weights = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
    return radix, weights


def _neighbours(packages: IntArray) -> tuple[IntArray, IntArray]:
    n, m = packages.shape
    _, weights = _radix(packages)
    full = packages @ weights
    sources: list[IntArray] = []
    targets: list[IntArray] = []
    for i in range(m):
        key = full - packages[:, i] * weights[i]  # the package without issue i
        order = np.argsort(key, kind="stable")
        k = key[order]
        starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
        sizes = np.diff(np.concatenate([starts, [n]]))
        size_of = np.repeat(sizes, sizes)
        start_of = np.repeat(starts, sizes)
        src = np.repeat(order, size_of)
        offset = np.arange(src.shape[0]) - np.repeat(np.cumsum(size_of) - size_of, size_of)
        dst = order[np.repeat(start_of, size_of) + offset]
        keep = src != dst
        sources.append(src[keep])
        targets.append(dst[keep])
    src = np.concatenate(sources) if sources else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    start = np.searchsorted(src, np.arange(n + 1)).astype(np.int64)
    return start, dst.astype(np.int64)


def outcome_space(scenario: Any, *, limit: int = DEFAULT_OUTCOME_LIMIT) -> OutcomeSpace:
    """Enumerate a scenario's feasible packages with every party's exact utility.

    Parameters
    ----------
    scenario:
        A :class:`~peacetable.model.Scenario` or a prepared scenario
        (:func:`peacetable.core.prepare`); an :class:`OutcomeSpace` is
        returned as it is. The outcomes are the agreements: the no-deal
        package is what failing to agree gives, not an outcome.
    limit:
        Largest package space that may be enumerated.

    Returns
    -------
    OutcomeSpace
        Utilities and no-deal values on the agreement space's exact grid.

    Raises
    ------
    ScenarioError
        The package space exceeds *limit*, or no package is feasible.

    Notes
    -----
    ``O(n_packages × (n_issues + n_parties))`` time and memory.

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = outcome_space(load_scenario("tests/model/mini.yaml"))
    >>> s.n_parties, s.n_outcomes > 0
    (2, True)
    """
    if isinstance(scenario, OutcomeSpace):
        return scenario
    prepared = prepare(scenario)
    if prepared.n_packages > limit:
        raise ScenarioError(
            f"the scenario has {prepared.n_packages:,} packages, more than the {limit:,} a "
            "simulation enumerates; merge or drop options, or raise the limit"
        )
    x = prepared.all_packages(limit)
    x = x[prepared.is_agreement(x)]  # the no-deal package is what failing to agree gives
    if x.shape[0] == 0:
        raise ScenarioError("no package satisfies the scenario's constraints")
    return OutcomeSpace(
        utilities=np.ascontiguousarray(prepared.utilities(x)),
        no_deal=np.asarray(prepared.no_deal, dtype=np.float64).copy(),
        packages=np.asarray(x, dtype=np.int64),
        party_ids=tuple(prepared.party_ids),
        issue_ids=tuple(prepared.issue_ids),
        option_ids=tuple(tuple(o) for o in prepared.option_ids),
        name=str(prepared.scenario.id),
        tie=prepared.tie,
    )


def random_space(
    n_parties: int,
    n_issues: int,
    n_options: int,
    seed: int,
    *,
    no_deal: float | None = None,
    name: str | None = None,
) -> OutcomeSpace:
    """A random linear-additive outcome space (for tests, tournaments and benchmarks).

    Weights are uniform and normalised, option values uniform in ``[0, 1]``;
    no-deal values uniform in ``[0, 0.5]`` unless *no_deal* is given.

    Examples
    --------
    >>> s = random_space(2, 3, 10, seed=1)
    >>> s.n_outcomes, s.n_parties, s.n_issues
    (1000, 2, 3)
    """
    if n_parties < 2 or n_issues < 1 or n_options < 1:
        raise InputError("a random space needs >= 2 parties, >= 1 issue and >= 1 option")
    rng = np.random.default_rng(seed)
    weights = rng.random((n_issues, n_parties))
    weights /= weights.sum(axis=0, keepdims=True)
    values = rng.random((n_issues, n_options, n_parties))
    grids = np.meshgrid(*(np.arange(n_options) for _ in range(n_issues)), indexing="ij")
    x = np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)
    u = np.zeros((x.shape[0], n_parties))
    for i in range(n_issues):
        u += weights[i][None, :] * values[i][x[:, i]]
    d = rng.random(n_parties) * 0.5 if no_deal is None else np.full(n_parties, float(no_deal))
    return OutcomeSpace.from_arrays(u, d, x, name=name or f"random-{seed}")
