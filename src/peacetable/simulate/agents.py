"""Vectorised negotiators: each strategy decides for a whole batch of negotiations at once.

The batch shares one outcome space (the same domain) and differs in the
negotiators' reservation values and random streams. A party's preference
order is sorted once; "the worst outcome at or above a level" is then one
``searchsorted`` per decision for the whole batch. Each class transcribes
its counterpart in :mod:`peacetable.simulate.reference` operation by
operation (same floating-point operations in the same order), so that the
outcomes are identical, not merely close.

References
----------
See :mod:`peacetable.simulate.strategies` for the strategies' sources.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import Strategy, aspiration_level, genius_fraction
from peacetable.simulate.streams import uniform

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["BatchAgent", "PartyView", "make_batch_agent"]

PURPOSE_MICRO = 1  # same code as the reference


class PartyView:
    """One party's sorted view of the space, shared by every negotiation of a batch.

    Attributes
    ----------
    u:
        ``(n_outcomes,)`` the party's utilities.
    order, su, asc:
        Outcomes by decreasing utility (ties by outcome index), their
        utilities, and the same utilities ascending (for ``searchsorted``).
    """

    def __init__(self, space: OutcomeSpace, party: int) -> None:
        self.party = party
        self.u = np.ascontiguousarray(space.utilities[:, party])
        self.order = np.argsort(-self.u, kind="stable").astype(np.int64)
        self.su = self.u[self.order]
        self.asc = np.ascontiguousarray(self.su[::-1])
        self.n = int(self.u.shape[0])
        self.umax = float(self.su[0])
        self.worst = float(self.su[-1])

    def count_at_least(self, level: FloatArray) -> IntArray:
        """Number of outcomes with utility >= *level*, per negotiation."""
        return self.n - np.searchsorted(self.asc, level, side="left").astype(np.int64)

    def worst_at_least(self, level: FloatArray) -> IntArray:
        """The last outcome of the order with utility >= level (else the best)."""
        k = self.count_at_least(level)
        return self.order[np.maximum(k - 1, 0)]


class BatchAgent(ABC):
    """A strategy deciding for every negotiation of a batch.

    ``respond`` and ``propose`` see the whole batch; only rows where *mask*
    is true are used by the protocol, and state changes only there.
    """

    def __init__(self, view: PartyView, no_deal: FloatArray) -> None:
        self.v = view
        self.set_reservation(no_deal)

    def set_reservation(self, no_deal: FloatArray) -> None:
        """The party's no-deal utility now, per negotiation (it may change each step)."""
        self.d = no_deal
        self.pmin = np.where(self.v.worst < no_deal, no_deal, self.v.worst)
        self.n_rational = self.v.count_at_least(no_deal)
        self._cache: Any = None

    @abstractmethod
    def respond(self, step: int, t: float, offer: IntArray, mask: BoolArray) -> BoolArray:
        """Per negotiation: accept *offer* at this step?"""

    @abstractmethod
    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        """Per negotiation: the outcome to offer at this step."""

    def observe(self, party: int, offer: IntArray, mask: BoolArray) -> None:
        """Another negotiator proposed *offer* in the rows of *mask* (a hook: by default nothing is learnt)."""
        return

    def _offered(self, offer: IntArray) -> FloatArray:
        return self.v.u[np.maximum(offer, 0)]


class AspirationAgent(BatchAgent):
    """NegMAS-convention time-based concession (see :mod:`~peacetable.simulate.strategies`)."""

    def __init__(self, view: PartyView, no_deal: FloatArray, s: Strategy) -> None:
        super().__init__(view, no_deal)
        self.s = s

    def level(self, t: float) -> FloatArray:
        if self._cache is not None and self._cache[0] == t:
            hit: FloatArray = self._cache[1]
            return hit
        a = aspiration_level(self.s, t)
        lo = (self.v.umax - self.pmin) * a + self.pmin - self.s.tolerance
        lo = np.maximum(self.pmin, np.minimum(self.v.umax, lo))
        self._cache = (t, lo)
        return lo

    def respond(self, step: int, t: float, offer: IntArray, mask: BoolArray) -> BoolArray:
        u = self._offered(offer)
        return (u >= self.level(t)) & (u >= self.d)

    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        return self.v.worst_at_least(self.level(t))


class GeniusAgent(BatchAgent):
    """GENIUS TimeDependentAgent: offer nearest the target, accept by AC_next."""

    def __init__(self, view: PartyView, no_deal: FloatArray, s: Strategy) -> None:
        super().__init__(view, no_deal)
        self.s = s

    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        if self._cache is not None and self._cache[0] == t:
            hit: IntArray = self._cache[1]
            return hit
        v = self.v
        target = self.pmin + (v.umax - self.pmin) * genius_fraction(self.s, t)
        k = v.count_at_least(target)
        above_rank = np.maximum(k - 1, 0)
        below_rank = np.minimum(k, v.n - 1)
        u_above = v.su[above_rank]
        u_below = v.su[below_rank]
        take_below = (k < self.n_rational) & (target - u_below < u_above - target)
        rank = np.where(take_below, below_rank, above_rank)
        out: IntArray = np.where(v.umax < self.d, v.order[0], v.order[rank])
        self._cache = (t, out)
        return out

    def respond(self, step: int, t: float, offer: IntArray, mask: BoolArray) -> BoolArray:
        mine = self.propose(step, t, mask)
        u = self._offered(offer)
        return (u >= self.v.u[mine]) & (u >= self.d)


class TitForTatAgent(BatchAgent):
    """Relative or absolute tit-for-tat on utilities (Faratin et al. 1998)."""

    def __init__(self, view: PartyView, no_deal: FloatArray, s: Strategy) -> None:
        super().__init__(view, no_deal)
        self.absolute = s.absolute
        b = no_deal.shape[0]
        self.has = np.zeros(b, dtype=bool)
        self.first = np.zeros(b)
        self.best = np.zeros(b)

    def observe(self, party: int, offer: IntArray, mask: BoolArray) -> None:
        u = self._offered(offer)
        fresh = mask & ~self.has
        self.first = np.where(fresh, u, self.first)
        self.best = np.where(fresh, u, np.where(mask & (u > self.best), u, self.best))
        self.has |= mask

    def target(self) -> FloatArray:
        umax = self.v.umax
        gain = self.best - self.first
        if self.absolute:
            target = umax - gain
        else:
            span = umax - self.first
            ratio = np.divide(gain, span, out=np.zeros_like(gain), where=span > 0)
            target = np.where(span <= 0, self.pmin, umax - (umax - self.pmin) * ratio)
        return np.where(self.has, np.maximum(target, self.pmin), umax)

    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        return self.v.worst_at_least(self.target())

    def respond(self, step: int, t: float, offer: IntArray, mask: BoolArray) -> BoolArray:
        mine = self.v.worst_at_least(self.target())
        u = self._offered(offer)
        return (u >= self.v.u[mine]) & (u >= self.d)


class MiCROAgent(BatchAgent):
    """MiCRO (de Jonge 2022), with seeded repetition of earlier offers."""

    def __init__(self, view: PartyView, no_deal: FloatArray, seed: int, ids: IntArray) -> None:
        super().__init__(view, no_deal)
        b = no_deal.shape[0]
        self.next = np.zeros(b, dtype=np.int64)
        self.seen = np.zeros((b, view.n), dtype=bool)
        self.n_received = np.zeros(b, dtype=np.int64)
        self.seed = seed
        self.ids = ids

    def observe(self, party: int, offer: IntArray, mask: BoolArray) -> None:
        rows = np.flatnonzero(mask)
        o = offer[rows]
        new = ~self.seen[rows, o]
        self.seen[rows, o] = True
        self.n_received[rows] += new

    def respond(self, step: int, t: float, offer: IntArray, mask: BoolArray) -> BoolArray:
        v = self.v
        ready = self.next <= self.n_received
        rank = np.where(ready, self.next, self.next - 1)
        valid = np.where(ready, self.next < self.n_rational, self.next > 0)
        threshold = np.where(valid, v.su[np.clip(rank, 0, v.n - 1)], self.d)
        u = self._offered(offer)
        return (u >= threshold) & (u >= self.d)

    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        v = self.v
        concede = (self.next < self.n_rational) & (self.next <= self.n_received)
        r = uniform(self.seed, self.ids, step, v.party, PURPOSE_MICRO)
        repeat_rank = (r * self.next).astype(np.int64)
        out = np.where(concede, v.order[np.minimum(self.next, v.n - 1)], v.order[repeat_rank])
        out = np.where(~concede & (self.next == 0), -1, out)
        self.next = self.next + (concede & mask)
        return out


class FrequencyAgent(AspirationAgent):
    """Boulware aspiration; among offers above it, the best for a frequency opponent model."""

    def __init__(
        self, view: PartyView, no_deal: FloatArray, s: Strategy, packages: IntArray
    ) -> None:
        super().__init__(view, no_deal, s)
        self.x = packages
        self.n_issues = int(packages.shape[1])
        self.size = int(packages.max()) + 1
        self.models: dict[int, tuple[IntArray, IntArray, IntArray, BoolArray]] = {}
        self.b = int(no_deal.shape[0])

    def observe(self, party: int, offer: IntArray, mask: BoolArray) -> None:
        if party not in self.models:
            self.models[party] = (
                np.zeros((self.b, self.n_issues, self.size), dtype=np.int64),
                np.zeros((self.b, self.n_issues), dtype=np.int64),
                np.zeros((self.b, self.n_issues), dtype=np.int64),
                np.zeros(self.b, dtype=bool),
            )
        counts, unchanged, last, has = self.models[party]
        rows = np.flatnonzero(mask)
        x = self.x[offer[rows]]
        same = (last[rows] == x) & has[rows][:, None]
        unchanged[rows] += same
        for i in range(self.n_issues):
            counts[rows, i, x[:, i]] += 1
        last[rows] = x
        has[rows] = True

    def estimate(self) -> FloatArray:
        total = np.zeros((self.b, self.x.shape[0]))
        for q in sorted(self.models):
            counts, unchanged, _, has = self.models[q]
            norm = (1 + unchanged).sum(axis=1).astype(np.float64)
            est = np.zeros_like(total)
            for i in range(self.n_issues):
                top = counts[:, i, :].max(axis=1)
                picked = counts[:, i, :][:, self.x[:, i]]
                value = np.divide(
                    picked, top[:, None], out=np.zeros(picked.shape), where=top[:, None] > 0
                )
                est += ((1 + unchanged[:, i]) / norm)[:, None] * value
            total = np.where(has[:, None], total + est, total)
        return total

    def propose(self, step: int, t: float, mask: BoolArray) -> IntArray:
        lo = self.level(t)
        k = self.v.count_at_least(lo)
        score = self.estimate()[:, self.v.order]
        ranks = np.arange(self.v.n)[None, :]
        score = np.where(ranks < k[:, None], score, -np.inf)
        best = np.argmax(score, axis=1)
        out: IntArray = self.v.order[best]
        return out


def make_batch_agent(
    view: PartyView,
    no_deal: FloatArray,
    s: Strategy,
    *,
    seed: int,
    ids: IntArray,
    packages: IntArray,
) -> BatchAgent:
    """The vectorised negotiator of strategy *s* for the party of *view*.

    Examples
    --------
    >>> import numpy as np
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])
    >>> agent = make_batch_agent(
    ...     PartyView(s, 0), np.array([0.1, 0.7]), parse_strategy("linear"),
    ...     seed=0, ids=np.arange(2), packages=s.packages)
    >>> agent.propose(0, 0.5, np.ones(2, dtype=bool)).tolist()
    [1, 0]
    """
    if s.family == "aspiration":
        return AspirationAgent(view, no_deal, s)
    if s.family == "genius":
        return GeniusAgent(view, no_deal, s)
    if s.family == "tit-for-tat":
        return TitForTatAgent(view, no_deal, s)
    if s.family == "micro":
        return MiCROAgent(view, no_deal, seed, ids)
    if s.family == "frequency":
        return FrequencyAgent(view, no_deal, s, packages)
    raise ValueError(f"unknown strategy family {s.family!r}")
