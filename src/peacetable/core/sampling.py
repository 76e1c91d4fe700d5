"""Parametric form of a scenario and seeded sampling of its uncertain numbers.

Every number of a scenario that is an estimate -- issue weights, option values
(including the per-outcome values of contingent options), beliefs about
uncertain events, interaction bonuses, no-deal utilities and their monthly
change -- becomes one *parameter* with a base value and an interval. The
interval is the declared range of the estimate, else the party's default
uncertainty (:class:`peacetable.model.Uncertainty`): weights relative
(``w ± u_w·w``), values and beliefs absolute (``v ± u_v``, clipped to 0..1).
Interaction bonuses and no-deal utilities without a declared range use the
party's value half-width (absolute; a bonus keeps its sign, no-deal
utilities stay within -1..2); a monthly change without a declared
``monthly_change_range`` is held fixed.

Sampling is uniform and independent within each interval. This is the
standard choice of stochastic multicriteria acceptability analysis when only
bounds are known ("missing or imprecise information", Lahdelma & Salminen
2001, section 3; Tervonen & Figueira 2008, section 3.1). After sampling,
weights are normalised per party to sum 1 and beliefs per event to sum 1
(outcomes a party leaves out share the remaining probability, as in the
nominal model).

Random numbers come in fixed blocks of :data:`BLOCK` samples; block ``b`` is
drawn from ``np.random.SeedSequence(seed, spawn_key=(b,))`` (the ``b``-th
child of ``SeedSequence(seed).spawn``). Sample ``i`` therefore has the same
parameters whatever the number of samples, the chunk size, or whether the
chunks run locally or on Dask workers.

References
----------
.. [1] Lahdelma, R., Hokkanen, J. & Salminen, P. (1998). SMAA - Stochastic
   multiobjective acceptability analysis. *European Journal of Operational
   Research* 106(1), 137-143.
.. [2] Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
   acceptability analysis for group decision making. *Operations Research*
   49(3), 444-454.
.. [3] Tervonen, T. & Figueira, J. R. (2008). A survey on stochastic
   multicriteria acceptability analysis methods. *Journal of Multi-Criteria
   Decision Analysis* 15(1-2), 1-14.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.disagreement import no_deal_at
from peacetable.core.evaluator import ForbiddenPattern, PackageEvaluator, accepts, feasible_mask
from peacetable.core.parameters import (
    Belief,
    Bonus,
    Contingent,
    Lottery,
    Parameter,
    build_parameters,
)
from peacetable.errors import InputError
from peacetable.model.scenario import Scenario

__all__ = [
    "BLOCK",
    "LotteryDraw",
    "Parameter",
    "ParameterModel",
    "SampleTables",
    "concat",
    "sample_chunks",
    "subset",
    "wilson_interval",
]

BLOCK = 4096
"""Samples per random block; chunks are whole numbers of blocks."""


@dataclass(frozen=True)
class SampleTables:
    """Utility tables of a batch of sampled worlds.

    Attributes
    ----------
    tables:
        ``(n_options_total, n_parties, n)`` weighted values ``w·v`` of every
        option (issues concatenated in scenario order; see
        :attr:`ParameterModel.offsets`). Samples are the last axis throughout,
        so that gathers over options copy contiguous rows.
    bonus:
        ``(n_interactions, n)`` sampled interaction bonuses.
    no_deal:
        ``(n_parties, n)`` no-deal utilities.
    row_of:
        ``(n_options_total,)`` row of :attr:`tables` of each flat option
        (``-1``: not tabulated, when only some options were asked for).
    monthly_change:
        ``(n_parties, n)`` monthly change of the no-deal utilities (scalar form).
    lottery:
        The conflict lottery's sampled numbers (lottery form), else ``None``.
    """

    tables: FloatArray
    row_of: IntArray
    bonus: FloatArray
    no_deal: FloatArray
    monthly_change: FloatArray
    lottery: LotteryDraw | None = None

    @property
    def n(self) -> int:
        """Number of sampled worlds."""
        return int(self.tables.shape[2])

    def no_deal_at(self, month: float) -> FloatArray:
        """``(n_parties, n)`` each party's no-deal utility after *month* months in each world.

        The disagreement model of :mod:`peacetable.core.disagreement`: linear
        in the scalar form, the converging lottery minus costs otherwise.
        """
        if self.lottery is None:
            return np.asarray(self.no_deal + self.monthly_change * month)
        return self.lottery.at(month)


@dataclass(frozen=True)
class LotteryDraw:
    """The conflict lottery in ``n`` sampled worlds (arrays with worlds last).

    ``beliefs`` ``(P, m, n)``, ``common`` ``(m, n)``, ``rate`` ``(n,)``,
    ``cost`` and ``monthly`` ``(P, n)``, ``outcome_utilities`` ``(m, P, n)``.
    """

    beliefs: FloatArray
    common: FloatArray
    rate: FloatArray
    cost: FloatArray
    monthly: FloatArray
    outcome_utilities: FloatArray

    def at(self, month: float) -> FloatArray:
        """``(P, n)`` the lottery no-deal utilities after *month* months."""
        return no_deal_at(
            self.beliefs, self.common, self.rate, self.cost, self.monthly,
            self.outcome_utilities, month,
        )  # fmt: skip

    def subset(self, rows: IntArray) -> LotteryDraw:
        """The worlds *rows*."""
        return LotteryDraw(
            self.beliefs[:, :, rows], self.common[:, rows], self.rate[rows],
            self.cost[:, rows], self.monthly[:, rows], self.outcome_utilities[:, :, rows],
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class ParameterModel:
    """A scenario as a vector of uncertain parameters and the map to utility tables.

    Build it with :meth:`from_scenario`. :meth:`draw` gives the parameters of
    any range of sample indices, :meth:`tables` the utility tables of a
    parameter matrix, :meth:`utilities` and :meth:`accepts` evaluate packages.
    """

    party_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    parameters: tuple[Parameter, ...]
    offsets: IntArray
    status_quo: IntArray
    interactions: tuple[tuple[tuple[int, int], ...], ...]
    interaction_party: IntArray
    forbidden: tuple[ForbiddenPattern, ...]
    tie: float
    no_deal_package: IntArray | None
    _weights: IntArray  # (P, I) parameter index or -1
    _values: IntArray  # (P, J) parameter index or -1 (zero or contingent)
    _contingent: tuple[Contingent, ...]
    _beliefs: tuple[Belief, ...]
    _bonuses: tuple[Bonus, ...]
    _no_deal: IntArray  # (P,)
    _monthly: IntArray  # (P,)
    _lottery: Lottery | None

    # ----------------------------------------------------------------- build
    @classmethod
    def from_scenario(cls, scenario: Scenario, evaluator: PackageEvaluator) -> ParameterModel:
        """The parametric form of a validated scenario.

        Use ``prepare(scenario).sampling``, which builds it once.

        Parameters
        ----------
        scenario:
            A validated :class:`~peacetable.model.Scenario`.
        evaluator:
            Its arrays (the prepared scenario): ids, status quo, constraints
            and the tie tolerance of the acceptance rule.

        Returns
        -------
        ParameterModel

        Notes
        -----
        Values of issues a party does not weigh (weight fixed at 0) are not
        parameters: they cannot change any utility. ``O(parties × options)``.

        References
        ----------
        Lahdelma & Salminen (2001), section 3 (uniform sampling of imprecise
        weights and criteria values).
        """
        built = build_parameters(scenario, evaluator)
        return cls(
            party_ids=evaluator.party_ids,
            issue_ids=evaluator.issue_ids,
            option_ids=evaluator.option_ids,
            parameters=built["parameters"],
            offsets=built["offsets"],
            status_quo=evaluator.status_quo,
            interactions=built["interactions"],
            interaction_party=built["interaction_party"],
            forbidden=evaluator.forbidden,
            tie=evaluator.tie,
            no_deal_package=evaluator.no_deal_package,
            _weights=built["weights_index"],
            _values=built["values_index"],
            _contingent=built["contingent"],
            _beliefs=built["beliefs"],
            _bonuses=built["bonuses"],
            _no_deal=built["no_deal_index"],
            _monthly=built["monthly_index"],
            _lottery=built["lottery"],
        )

    # ----------------------------------------------------------------- sizes
    @property
    def n_parties(self) -> int:
        """Number of negotiating parties."""
        return len(self.party_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issue_ids)

    @property
    def n_options(self) -> tuple[int, ...]:
        """Options per issue."""
        return tuple(len(o) for o in self.option_ids)

    @property
    def uncertain(self) -> IntArray:
        """Indices of the sampled parameters (positive-width intervals)."""
        return np.array([k for k, p in enumerate(self.parameters) if p.uncertain], dtype=np.int64)

    @property
    def base(self) -> FloatArray:
        """Nominal parameter vector."""
        return np.array([p.base for p in self.parameters], dtype=float)

    # ---------------------------------------------------------------- sample
    def uniforms(
        self, start: int, stop: int, seed: int, rows: IntArray | None = None
    ) -> FloatArray:
        """Raw uniforms ``(n_uncertain, stop - start)`` in ``[0, 1)`` of samples ``start..stop``.

        Drawn block by block (see the module notes): sample ``i`` gets the
        same numbers whatever range it is requested in. With ``rows`` (indices
        into :attr:`uncertain`), only those parameters are drawn -- the
        generator jumps over the others (``PCG64.advance``), so their values
        are unchanged.
        """
        if not 0 <= start <= stop:
            raise InputError(f"bad sample range {start}..{stop}")
        k = len(self.uncertain)
        wanted = np.arange(k) if rows is None else np.asarray(rows, dtype=np.int64)
        runs = _runs(wanted)
        out = np.empty((wanted.size, stop - start))
        pos = 0
        for b in range(start // BLOCK, -(-stop // BLOCK)):
            lo, hi = max(start, b * BLOCK) - b * BLOCK, min(stop, (b + 1) * BLOCK) - b * BLOCK
            row = 0
            for first, length in runs:
                bits = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(b,)))
                bits.advance(first * BLOCK)
                block = np.random.Generator(bits).random((length, BLOCK))
                out[row : row + length, pos : pos + hi - lo] = block[:, lo:hi]
                row += length
            pos += hi - lo
        return out

    def scale(self, uniforms: FloatArray) -> FloatArray:
        """Full parameter matrix ``(n_parameters, n)`` from raw uniforms of the uncertain ones."""
        return self._scale_padded(uniforms)[:-1]

    def _scale_padded(self, uniforms: FloatArray, rows: IntArray | None = None) -> FloatArray:
        # one extra zero row at the end: index -1 of the index arrays reads 0;
        # parameters outside ``rows`` stay at their base value (callers do not read them)
        k = len(self.parameters)
        theta = np.empty((k + 1, uniforms.shape[1]))
        unc = self.uncertain if rows is None else self.uncertain[rows]
        fixed = np.setdiff1d(np.arange(k), unc)
        theta[fixed] = self.base[fixed, None]
        theta[-1] = 0.0
        low = np.array([self.parameters[j].low for j in unc])
        high = np.array([self.parameters[j].high for j in unc])
        theta[unc] = low[:, None] + (high - low)[:, None] * uniforms
        return theta

    def needed(self, packages: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        """What evaluating *packages* reads: uncertain-parameter rows and flat options.

        Returns
        -------
        (rows, options)
            Indices into :attr:`uncertain` of the parameters that can change
            the utility or acceptance of these packages (all weights, values
            of the options used, beliefs behind them, bonuses, no-deal
            utilities and monthly changes), and the flat option indices used.
        """
        lot = self._lottery
        used = self.flat(packages)
        if lot is not None:  # every no-deal utility reads the outcome packages
            used = np.concatenate([used.reshape(-1), self.flat(lot.outcomes).reshape(-1)])
        options = np.unique(used)
        params = set(self._weights[self._weights >= 0].tolist())
        params |= set(self._values[:, options][self._values[:, options] >= 0].tolist())
        for c in self._contingent:
            if c.option in options:
                params |= set(c.outcome_values)
                params |= {i for i in self._beliefs[c.belief].outcomes if i >= 0}
        params |= {b.parameter for b in self._bonuses}
        params |= set(self._no_deal.tolist()) | set(self._monthly.tolist())
        if lot is not None:
            params |= set(lot.beliefs[lot.beliefs >= 0].tolist())
            params |= set(lot.common[lot.common >= 0].tolist()) | {lot.convergence}
            params |= set(lot.cost.tolist()) | set(lot.monthly.tolist())
        unc = self.uncertain
        rows = np.flatnonzero(np.isin(unc, np.array(sorted(params), dtype=np.int64)))
        return rows.astype(np.int64), options.astype(np.int64)

    def sample_tables(
        self, start: int, stop: int, seed: int, packages: npt.ArrayLike | None = None
    ) -> tuple[FloatArray, SampleTables]:
        """Raw uniforms and utility tables of samples ``start..stop`` (the sweep's unit).

        With *packages*, only what they read is drawn and tabulated (see
        :meth:`needed`); the uniforms then have one row per needed parameter.
        """
        if packages is None:
            uniforms = self.uniforms(start, stop, seed)
            return uniforms, self._tables_padded(self._scale_padded(uniforms))
        rows, options = self.needed(packages)
        uniforms = self.uniforms(start, stop, seed, rows)
        return uniforms, self._tables_padded(self._scale_padded(uniforms, rows), options)

    def draw(self, start: int, stop: int, seed: int) -> FloatArray:
        """Parameter matrix of samples ``start..stop`` (``(n_parameters, stop - start)``)."""
        return self.scale(self.uniforms(start, stop, seed))

    # ---------------------------------------------------------------- tables
    def tables(self, theta: npt.ArrayLike) -> SampleTables:
        """Utility tables of parameter columns ``theta`` ``(n_parameters, n)`` (or one vector).

        Notes
        -----
        ``O(n × parties × options)``, all vectorised.
        """
        th = np.asarray(theta, dtype=float)
        if th.ndim == 1:
            th = th[:, None]
        return self._tables_padded(np.concatenate([th, np.zeros((1, th.shape[1]))], axis=0))

    def _tables_padded(self, padded: FloatArray, options: IntArray | None = None) -> SampleTables:
        n_i = self._weights.shape[1]
        n_j = int(self.offsets[-1])
        opts = np.arange(n_j) if options is None else options
        w = padded[self._weights.T]  # (I, P, n)
        total = w.sum(axis=0)
        w /= np.where(total > 0, total, 1.0)[None]
        v = padded[self._values.T[opts]]  # (J', P, n)
        row_of = -np.ones(n_j, dtype=np.int64)
        row_of[opts] = np.arange(opts.size)
        beliefs: dict[int, FloatArray] = {}
        for c in self._contingent:
            if row_of[c.option] < 0:
                continue
            if c.belief not in beliefs:
                beliefs[c.belief] = self._belief_probs(padded, self._beliefs[c.belief])
            v[row_of[c.option], c.party] = np.einsum(
                "on,on->n", beliefs[c.belief], padded[list(c.outcome_values)]
            )
        v *= w[np.repeat(np.arange(n_i), np.diff(self.offsets))[opts]]
        st = SampleTables(
            tables=v,
            row_of=row_of,
            bonus=padded[[b.parameter for b in self._bonuses]],
            no_deal=padded[self._no_deal],
            monthly_change=padded[self._monthly],
        )
        if self._lottery is None:
            return st
        draw = self._lottery_draw(padded, st)
        return SampleTables(
            st.tables, st.row_of, st.bonus, draw.at(0.0), np.zeros_like(st.monthly_change), draw
        )

    def _lottery_draw(self, padded: FloatArray, st: SampleTables) -> LotteryDraw:
        """The conflict lottery's numbers in these worlds (beliefs normalised, utilities of
        its outcomes from these worlds' tables)."""
        lot = self._lottery
        assert lot is not None
        n = padded.shape[1]
        stated = {
            p: self._belief_probs(padded, Belief(tuple(int(k) for k in lot.beliefs[p])))
            for p in range(self.n_parties)
            if lot.stated[p]
        }
        if lot.has_common:
            common = self._belief_probs(padded, Belief(tuple(int(k) for k in lot.common)))
        elif stated:
            common = np.mean(np.stack(list(stated.values())), axis=0)
        else:
            common = np.full((lot.outcomes.shape[0], n), 1.0 / lot.outcomes.shape[0])
        beliefs = np.stack([stated.get(p, common) for p in range(self.n_parties)])
        return LotteryDraw(
            beliefs=beliefs,
            common=common,
            rate=padded[lot.convergence],
            cost=padded[lot.cost],
            monthly=padded[lot.monthly],
            outcome_utilities=self._additive_utilities(st, lot.outcomes),
        )

    @staticmethod
    def _belief_probs(padded: FloatArray, belief: Belief) -> FloatArray:
        idx = np.array(belief.outcomes)
        stated = padded[np.where(idx >= 0, idx, padded.shape[0] - 1)]  # (n_out, n)
        missing = idx < 0
        if missing.any():
            rest = np.maximum(0.0, 1.0 - stated[~missing].sum(axis=0))
            stated[missing] = (rest / missing.sum())[None, :]
        total = stated.sum(axis=0, keepdims=True)
        uniform = np.full_like(stated, 1.0 / stated.shape[0])
        probs: FloatArray = np.divide(stated, total, out=uniform, where=total > 0)
        return probs

    # ------------------------------------------------------------ evaluation
    def flat(self, packages: npt.ArrayLike) -> IntArray:
        """Flat option indices ``(m, n_issues)`` of packages given as option indices."""
        x = np.asarray(packages, dtype=np.int64)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.n_issues:
            raise InputError(f"packages must have shape (m, {self.n_issues}), got {x.shape}")
        if np.any(x < 0) or np.any(x >= np.array(self.n_options)):
            raise InputError("package option index out of range")
        return x + self.offsets[:-1][None, :]

    def utilities(self, st: SampleTables, packages: npt.ArrayLike) -> FloatArray:
        """Utilities ``(m, n_parties, n)`` of ``m`` packages in ``n`` sampled worlds.

        The canonical evaluation every engine of this family uses: issue terms
        summed in issue order, then interaction bonuses in order; the no-deal
        package is worth each world's disagreement point (as in the core).
        """
        x = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        u = self._additive_utilities(st, x)
        if self.no_deal_package is not None:
            hit = (x == self.no_deal_package[None, :]).all(axis=1)
            if hit.any():
                u[hit] = st.no_deal[None, :, :]
        return u

    def _additive_utilities(self, st: SampleTables, packages: npt.ArrayLike) -> FloatArray:
        """Issue terms plus interaction bonuses ``(m, n_parties, n)`` (no override)."""
        x = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        fx = st.row_of[self.flat(x)]
        if np.any(fx < 0):
            raise InputError("these sample tables do not cover the options of the packages")
        u = st.tables[fx[:, 0]].copy()
        for i in range(1, self.n_issues):
            u += st.tables[fx[:, i]]
        for k, conds in enumerate(self.interactions):
            hit = np.ones(fx.shape[0], dtype=bool)
            for issue, option in conds:
                hit &= x[:, issue] == option
            if hit.any():
                u[hit, self.interaction_party[k]] += st.bonus[k]
        return u

    def accepts(self, st: SampleTables, packages: npt.ArrayLike) -> BoolArray:
        """``(m, n_parties, n)``: does each party accept each package in each world?

        The core's acceptance rule (:func:`peacetable.core.evaluator.accepts`)
        with the nominal scenario's tie tolerance.
        """
        return accepts(self.utilities(st, packages), st.no_deal[None, :, :], self.tie)

    def feasible(self, packages: npt.ArrayLike) -> BoolArray:
        """Which packages satisfy every constraint (the core evaluator's rule)."""
        x = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        return feasible_mask(self.forbidden, x)


def _runs(rows: IntArray) -> list[tuple[int, int]]:
    """Sorted distinct indices as ``(first, length)`` runs of consecutive values."""
    runs: list[tuple[int, int]] = []
    for r in rows.tolist():
        if runs and runs[-1][0] + runs[-1][1] == r:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((r, 1))
    return runs


def sample_chunks(n_samples: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """Sample ranges ``(start, stop)`` covering ``0..n_samples`` in whole blocks.

    ``chunk_size`` is rounded up to a multiple of :data:`BLOCK`.
    """
    if n_samples < 1:
        raise InputError(f"the number of samples must be at least 1, got {n_samples}")
    if chunk_size < 1:
        raise InputError(f"the chunk size must be at least 1, got {chunk_size}")
    size = -(-chunk_size // BLOCK) * BLOCK
    for start in range(0, n_samples, size):
        yield start, min(n_samples, start + size)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Parameters
    ----------
    successes, n:
        Count of successes among ``n`` trials (``n >= 1``).
    confidence:
        Two-sided confidence level.

    Returns
    -------
    (low, high)

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and
       statistical inference. *JASA* 22(158), 209-212.
    """
    if n < 1:
        raise InputError("a confidence interval needs at least one sample")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)  # stdlib: no scipy.stats import (2 s)
    if successes in (0, n):  # the closed forms, free of rounding
        bound = (z * z / n) / (1 + z * z / n)
        return (0.0, bound) if successes == 0 else (1.0 - bound, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def subset(st: SampleTables, rows: IntArray) -> SampleTables:
    """The worlds ``rows`` of a batch of sample tables."""
    return SampleTables(
        st.tables[:, :, rows],
        st.row_of,
        st.bonus[:, rows],
        st.no_deal[:, rows],
        st.monthly_change[:, rows],
        None if st.lottery is None else st.lottery.subset(rows),
    )


def concat(parts: list[SampleTables]) -> SampleTables:
    """Batches of sample tables joined in order."""
    lottery = None
    if parts[0].lottery is not None:
        draws = [p.lottery for p in parts if p.lottery is not None]
        lottery = LotteryDraw(
            *(np.concatenate([getattr(d, f) for d in draws], axis=-1) for f in _DRAW_FIELDS)
        )
    return SampleTables(
        np.concatenate([p.tables for p in parts], axis=2),
        parts[0].row_of,
        np.concatenate([p.bonus for p in parts], axis=1),
        np.concatenate([p.no_deal for p in parts], axis=1),
        np.concatenate([p.monthly_change for p in parts], axis=1),
        lottery,
    )


_DRAW_FIELDS = ("beliefs", "common", "rate", "cost", "monthly", "outcome_utilities")
