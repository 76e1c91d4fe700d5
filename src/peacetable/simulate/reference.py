"""Plain one-negotiation reference of the alternating-offers protocol and its strategies.

Everything here runs one negotiation with Python loops over lists, one
decision at a time, so that each rule reads as it is stated in
:mod:`peacetable.simulate.strategies` and :mod:`peacetable.simulate.sao`.
The batched engine (:mod:`peacetable.simulate.sao`) must reach exactly the
same outcome, step and turn for every negotiation; the property tests check
that on random spaces. It is also the readable specification: the batched
code is its vectorised transcription.

References
----------
.. [1] Aydoğan, R., Festen, D., Hindriks, K. V. & Jonker, C. M. (2017).
   Alternating offers protocols for multilateral negotiation. In *Modern
   Approaches to Agent-based Complex Automated Negotiation*, 153-167
   (the stacked alternating offers protocol).
.. [2] Rubinstein, A. (1982). Perfect equilibrium in a bargaining model.
   *Econometrica* 50(1), 97-109 (alternating offers).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence

from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import (
    Strategy,
    aspiration_level,
    genius_fraction,
    relative_time,
)
from peacetable.simulate.streams import uniform

__all__ = ["ReferenceOutcome", "run_sao_reference"]

#: Purpose code of MiCRO's random repetition of an earlier offer (random streams).
PURPOSE_MICRO = 1


class ReferenceOutcome(tuple[int, int, int, str]):
    """``(outcome or -1, step or -1, turn or -1, end)`` of one reference negotiation.

    ``end`` is ``agreement``, ``deadline`` or ``broken`` (a negotiator had no
    outcome it could offer).
    """

    __slots__ = ()


class _Agent(ABC):
    """One negotiator: its utilities, preference order and reservation value."""

    def __init__(self, space: OutcomeSpace, party: int, no_deal: float) -> None:
        self.party = party
        self.u = [float(v) for v in space.utilities[:, party]]
        self.order = sorted(range(len(self.u)), key=lambda o: (-self.u[o], o))
        self.umax = self.u[self.order[0]]
        self.worst = self.u[self.order[-1]]
        self.set_reservation(float(no_deal))

    def set_reservation(self, d: float) -> None:
        """The party's no-deal utility now (it may change from step to step)."""
        self.d = d
        self.pmin = self.d if self.worst < self.d else self.worst
        self.n_rational = sum(1 for o in self.order if self.u[o] >= self.d)

    def worst_at_least(self, level: float) -> int:
        """The last outcome of the preference order with utility >= level (else the best)."""
        chosen = self.order[0]
        for o in self.order:
            if self.u[o] >= level:
                chosen = o
            else:
                break
        return chosen

    @abstractmethod
    def respond(self, step: int, t: float, offer: int) -> bool:
        """Accept *offer* at this step?"""

    @abstractmethod
    def propose(self, step: int, t: float) -> int | None:
        """The outcome to offer at this step (``None``: none)."""

    def observe(self, party: int, offer: int) -> None:
        """Another negotiator proposed *offer* (a hook: by default nothing is learnt)."""
        return


class _Aspiration(_Agent):
    def __init__(self, space: OutcomeSpace, party: int, no_deal: float, s: Strategy) -> None:
        super().__init__(space, party, no_deal)
        self.s = s

    def level(self, t: float) -> float:
        lo = (self.umax - self.pmin) * aspiration_level(self.s, t) + self.pmin - self.s.tolerance
        return max(self.pmin, min(self.umax, lo))

    def respond(self, step: int, t: float, offer: int) -> bool:
        u = self.u[offer]
        return u >= self.level(t) and u >= self.d

    def propose(self, step: int, t: float) -> int | None:
        return self.worst_at_least(self.level(t))


class _Genius(_Agent):
    def __init__(self, space: OutcomeSpace, party: int, no_deal: float, s: Strategy) -> None:
        super().__init__(space, party, no_deal)
        self.s = s

    def propose(self, step: int, t: float) -> int | None:
        if self.umax < self.d:
            return self.order[0]
        target = self.pmin + (self.umax - self.pmin) * genius_fraction(self.s, t)
        k = 0  # first position of the order with utility below the target
        while k < len(self.order) and self.u[self.order[k]] >= target:
            k += 1
        above = self.order[k - 1] if k > 0 else self.order[0]
        if k < self.n_rational:
            below = self.order[k]
            if target - self.u[below] < self.u[above] - target:
                return below
        return above

    def respond(self, step: int, t: float, offer: int) -> bool:
        mine = self.propose(step, t)
        assert mine is not None
        u = self.u[offer]
        return u >= self.u[mine] and u >= self.d


class _TitForTat(_Agent):
    def __init__(self, space: OutcomeSpace, party: int, no_deal: float, s: Strategy) -> None:
        super().__init__(space, party, no_deal)
        self.absolute = s.absolute
        self.first: float | None = None
        self.best = -math.inf

    def observe(self, party: int, offer: int) -> None:
        u = self.u[offer]
        if self.first is None:
            self.first = u
            self.best = u
        elif u > self.best:
            self.best = u

    def target(self) -> float:
        if self.first is None:
            return self.umax
        gain = self.best - self.first
        if self.absolute:
            target = self.umax - gain
        else:
            span = self.umax - self.first
            target = self.pmin if span <= 0 else self.umax - (self.umax - self.pmin) * (gain / span)
        return max(target, self.pmin)

    def propose(self, step: int, t: float) -> int | None:
        return self.worst_at_least(self.target())

    def respond(self, step: int, t: float, offer: int) -> bool:
        mine = self.worst_at_least(self.target())
        u = self.u[offer]
        return u >= self.u[mine] and u >= self.d


class _MiCRO(_Agent):
    def __init__(
        self, space: OutcomeSpace, party: int, no_deal: float, seed: int, negotiation: int
    ) -> None:
        super().__init__(space, party, no_deal)
        self.next = 0
        self.received: set[int] = set()
        self.seed = seed
        self.negotiation = negotiation

    def observe(self, party: int, offer: int) -> None:
        self.received.add(offer)

    def ready(self) -> bool:
        return self.next <= len(self.received)

    def respond(self, step: int, t: float, offer: int) -> bool:
        if self.ready():
            mine = self.order[self.next] if self.next < self.n_rational else None
        else:
            mine = self.order[self.next - 1] if self.next > 0 else None
        threshold = self.d if mine is None else self.u[mine]
        u = self.u[offer]
        return u >= threshold and u >= self.d

    def propose(self, step: int, t: float) -> int | None:
        if self.next < self.n_rational and self.ready():
            offer = self.order[self.next]
            self.next += 1
            return offer
        if self.next == 0:
            return None
        r = uniform(self.seed, self.negotiation, step, self.party, PURPOSE_MICRO)[()]
        return self.order[int(r * self.next)]


class _Frequency(_Aspiration):
    def __init__(self, space: OutcomeSpace, party: int, no_deal: float, s: Strategy) -> None:
        super().__init__(space, party, no_deal, s)
        self.x = [[int(v) for v in row] for row in space.packages]
        n_issues = space.n_issues
        self.sizes = [int(space.packages[:, i].max()) + 1 for i in range(n_issues)]
        self.models: dict[int, tuple[list[list[int]], list[int], list[int] | None]] = {}

    def observe(self, party: int, offer: int) -> None:
        counts, unchanged, last = self.models.get(
            party, ([[0] * n for n in self.sizes], [0] * len(self.sizes), None)
        )
        x = self.x[offer]
        for i, v in enumerate(x):
            if last is not None and last[i] == v:
                unchanged[i] += 1
            counts[i][v] += 1
        self.models[party] = (counts, unchanged, x)

    def estimate(self, o: int) -> float:
        total = 0.0
        x = self.x[o]
        for q in sorted(self.models):
            counts, unchanged, _ = self.models[q]
            norm = float(sum(1 + c for c in unchanged))
            est = 0.0
            for i, v in enumerate(x):
                top = max(counts[i])
                value = counts[i][v] / top if top > 0 else 0.0
                est += (1 + unchanged[i]) / norm * value
            total += est
        return total

    def propose(self, step: int, t: float) -> int | None:
        lo = self.level(t)
        best, best_score = self.order[0], -math.inf
        for o in self.order:
            if self.u[o] < lo:
                break
            score = self.estimate(o)
            if score > best_score:
                best, best_score = o, score
        return best


def make_agent(
    space: OutcomeSpace, party: int, no_deal: float, s: Strategy, seed: int, negotiation: int
) -> _Agent:
    """The reference negotiator of strategy *s* for *party*.

    Examples
    --------
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])
    >>> agent = make_agent(s, 0, 0.1, parse_strategy("linear"), seed=0, negotiation=0)
    >>> agent.propose(0, 0.5), agent.respond(0, 0.5, 1)
    (1, True)
    """
    if s.family == "aspiration":
        return _Aspiration(space, party, no_deal, s)
    if s.family == "genius":
        return _Genius(space, party, no_deal, s)
    if s.family == "tit-for-tat":
        return _TitForTat(space, party, no_deal, s)
    if s.family == "micro":
        return _MiCRO(space, party, no_deal, seed, negotiation)
    if s.family == "frequency":
        return _Frequency(space, party, no_deal, s)
    raise ValueError(f"unknown strategy family {s.family!r}")


def run_sao_reference(
    space: OutcomeSpace,
    strategies: Sequence[Strategy],
    n_steps: int,
    *,
    seed: int = 0,
    negotiation: int = 0,
    no_deal: Sequence[float] | None = None,
    no_deal_shift: Sequence[Sequence[float]] | None = None,
) -> ReferenceOutcome:
    """One negotiation under the stacked alternating offers protocol, step by step.

    Parameters
    ----------
    space:
        The outcome space; party ``p`` plays ``strategies[p]`` and party 0 opens.
    strategies:
        One strategy per party.
    n_steps:
        Deadline in steps; in each step every negotiator acts once, in party order.
    seed, negotiation:
        Key of the negotiation's random stream (MiCRO's repetitions).
    no_deal:
        Reservation values (default: the space's).
    no_deal_shift:
        Optional ``(n_steps, n_parties)``: at step ``s`` party ``p``'s
        reservation value is ``no_deal[p] + no_deal_shift[s][p]`` (the
        disagreement point moving as the conflict goes on).

    Returns
    -------
    ReferenceOutcome
        ``(outcome, step, turn, end)``: ``turn`` counts actions from 0
        (``step * n_parties + party``).

    Notes
    -----
    The protocol (Aydoğan et al. 2017; as NegMAS's ``SAOMechanism``): the
    first negotiator proposes; each next one either accepts the standing offer
    or rejects it and proposes its own; an offer is agreed when every other
    negotiator has accepted it in turn (the proposer counts as accepting).

    Examples
    --------
    >>> from peacetable.simulate.space import OutcomeSpace
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])
    >>> run_sao_reference(s, [parse_strategy("linear")] * 2, 10)
    (1, 4, 9, 'agreement')
    """
    n = space.n_parties
    d = [float(v) for v in (space.reservation if no_deal is None else no_deal)]
    agents = [make_agent(space, p, d[p], strategies[p], seed, negotiation) for p in range(n)]
    current: int | None = None
    accepted = 0
    for step in range(n_steps):
        t = relative_time(step, n_steps)
        if no_deal_shift is not None:
            for p, agent in enumerate(agents):
                agent.set_reservation(d[p] + no_deal_shift[step][p])
        for i, agent in enumerate(agents):
            turn = step * n + i
            if current is not None and agent.respond(step, t, current):
                accepted += 1
                if accepted == n:
                    return ReferenceOutcome((current, step, turn, "agreement"))
                continue
            offer = agent.propose(step, t)
            if offer is None:
                return ReferenceOutcome((-1, step, turn, "broken"))
            current, accepted = offer, 1
            for j, other in enumerate(agents):
                if j != i:
                    other.observe(i, offer)
    return ReferenceOutcome((-1, -1, -1, "deadline"))
