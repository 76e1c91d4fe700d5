"""Stacked alternating offers, batched: many negotiations advance together as arrays.

The protocol (Rubinstein 1982 for two parties; the stacked alternating offers
protocol of Aydoğan et al. 2017 for more, as NegMAS's ``SAOMechanism`` runs
it): negotiators act in turn, party 0 first. The first proposes; each next
one either accepts the standing offer or rejects it and proposes its own
(offering counts as accepting one's own offer). An offer is agreed as soon as
every other negotiator has accepted it in turn. One *step* is one turn of
every negotiator; the deadline is a number of steps, and relative time at
step ``s`` is ``(s + 1) / (n_steps + 1)``. An optional wall-clock time limit
ends the negotiations still running when it passes (then results depend on
the machine; without it they depend only on the seed).

:func:`run_sao` runs a batch of negotiations on one outcome space (their
reservation values may differ) with one strategy per party; each negotiation
has a global id that keys its random stream, so a negotiation has the same
outcome in any batch, chunk or worker, and the same as
:func:`peacetable.simulate.reference.run_sao_reference`.

References
----------
.. [1] Rubinstein, A. (1982). Perfect equilibrium in a bargaining model.
   *Econometrica* 50(1), 97-109.
.. [2] Aydoğan, R., Festen, D., Hindriks, K. V. & Jonker, C. M. (2017).
   Alternating offers protocols for multilateral negotiation. In *Modern
   Approaches to Agent-based Complex Automated Negotiation*, 153-167.
.. [3] Mohammad, Y., Nakadai, S. & Greenwald, A. (2021). NegMAS: a platform
   for automated negotiations. *PRIMA 2020*, LNCS 12568, 343-351.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetable.errors import InputError
from peacetable.simulate.agents import PartyView, make_batch_agent
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.strategies import Strategy, relative_time

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

__all__ = ["END_CODES", "BatchOutcome", "run_sao"]

#: Meaning of :attr:`BatchOutcome.end`.
END_CODES: tuple[str, ...] = ("agreement", "deadline", "broken", "time-limit")

#: Cells (negotiations × outcomes) a chunk may hold in per-negotiation arrays.
_CHUNK_CELLS = 8_000_000


@dataclass(frozen=True, eq=False)
class BatchOutcome:
    """How each negotiation of a batch ended.

    Attributes
    ----------
    outcome:
        ``(n,)`` agreed outcome index, ``-1`` without agreement.
    step, turn:
        ``(n,)`` step and turn (``step * n_parties + party``) of the
        agreement or of the break, ``-1`` at the deadline.
    end:
        ``(n,)`` index into :data:`END_CODES`.
    """

    outcome: IntArray
    step: IntArray
    turn: IntArray
    end: npt.NDArray[np.int8]

    @property
    def n(self) -> int:
        """Number of negotiations."""
        return int(self.outcome.shape[0])

    def row(self, k: int) -> tuple[int, int, int, str]:
        """``(outcome, step, turn, end)`` of negotiation *k* (as the reference returns it)."""
        return (
            int(self.outcome[k]),
            int(self.step[k]),
            int(self.turn[k]),
            END_CODES[int(self.end[k])],
        )


def _check(space: OutcomeSpace, strategies: Sequence[Strategy], n_steps: int) -> None:
    if len(strategies) != space.n_parties:
        raise InputError(
            f"{len(strategies)} strategies for {space.n_parties} parties: give one per party"
        )
    if n_steps < 1:
        raise InputError(f"the deadline must be at least one step, got {n_steps}")


def _shift(shift: npt.ArrayLike | None, n_steps: int, n_parties: int) -> FloatArray | None:
    """Validated ``(n_steps, n_parties)`` shift of the reservation values, or None."""
    if shift is None:
        return None
    out = np.asarray(shift, dtype=np.float64)
    if out.shape != (n_steps, n_parties) or not np.isfinite(out).all():
        raise InputError(
            f"no_deal_shift must be finite with shape ({n_steps}, {n_parties}), got {out.shape}"
        )
    return out


def run_sao(
    space: OutcomeSpace,
    strategies: Sequence[Strategy],
    n_steps: int,
    *,
    n: int = 1,
    no_deal: npt.ArrayLike | None = None,
    seed: int = 0,
    first_id: int = 0,
    time_limit: float | None = None,
    no_deal_shift: npt.ArrayLike | None = None,
) -> BatchOutcome:
    """Run *n* negotiations under stacked alternating offers, all at once.

    Parameters
    ----------
    space:
        The outcome space; party ``p`` plays ``strategies[p]``, party 0 opens.
    strategies:
        One strategy per party.
    n_steps:
        Deadline in steps.
    n:
        Number of negotiations (ignored when *no_deal* gives one row each).
    no_deal:
        ``(n, n_parties)`` reservation values per negotiation (default: the
        space's for all).
    seed, first_id:
        The random streams of negotiation ``k`` are keyed by
        ``(seed, first_id + k)``.
    time_limit:
        Optional wall-clock limit in seconds for the whole batch.
    no_deal_shift:
        Optional ``(n_steps, n_parties)``: at step ``s`` the reservation value
        of party ``p`` is ``no_deal[:, p] + no_deal_shift[s, p]`` (the
        disagreement point moving as the conflict goes on, e.g. the ripeness
        model ``d + c·month``); strategies and the acceptance rule use it.

    Returns
    -------
    BatchOutcome

    Raises
    ------
    InputError
        Wrong number of strategies, a deadline under one step, bad shapes.

    Notes
    -----
    ``O(n × n_steps × n_parties × log n_outcomes)`` for the time-dependent,
    tit-for-tat and MiCRO strategies (one ``searchsorted`` per decision),
    ``O(n × n_steps × n_outcomes × n_issues)`` for the frequency model, after
    one ``O(n_outcomes log n_outcomes)`` sort per party. Memory
    ``O(n × n_outcomes)`` for MiCRO and the frequency model, processed in
    chunks.

    Examples
    --------
    >>> from peacetable.simulate.space import OutcomeSpace
    >>> from peacetable.simulate.strategies import parse_strategy
    >>> s = OutcomeSpace.from_arrays([[1, 0], [0.6, 0.6], [0, 1]], [0.1, 0.1])
    >>> out = run_sao(s, [parse_strategy("linear")] * 2, 10, n=3)
    >>> out.row(0)
    (1, 4, 9, 'agreement')
    """
    _check(space, strategies, n_steps)
    if no_deal is None:
        d = np.broadcast_to(space.reservation, (max(1, n), space.n_parties)).copy()
    else:
        d = np.asarray(no_deal, dtype=np.float64)
        if d.ndim != 2 or d.shape[1] != space.n_parties:
            raise InputError(f"no_deal must be (n, {space.n_parties}), got {d.shape}")
    shift = _shift(no_deal_shift, n_steps, space.n_parties)
    views = space._cache.get("views")
    if views is None:  # each party's sorted view, built once per space
        views = [PartyView(space, p) for p in range(space.n_parties)]
        space._cache["views"] = views
    heavy = any(s.family in ("micro", "frequency") for s in strategies)
    chunk = max(1, _CHUNK_CELLS // space.n_outcomes) if heavy else d.shape[0]
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    parts = [
        _run_chunk(
            space, views, strategies, n_steps, d[a : a + chunk], seed, first_id + a, deadline, shift
        )
        for a in range(0, d.shape[0], chunk)
    ]
    return BatchOutcome(
        outcome=np.concatenate([p.outcome for p in parts]),
        step=np.concatenate([p.step for p in parts]),
        turn=np.concatenate([p.turn for p in parts]),
        end=np.concatenate([p.end for p in parts]),
    )


def _run_chunk(
    space: OutcomeSpace,
    views: list[PartyView],
    strategies: Sequence[Strategy],
    n_steps: int,
    d: FloatArray,
    seed: int,
    first_id: int,
    deadline: float | None,
    shift: FloatArray | None,
) -> BatchOutcome:
    b, n_parties = d.shape
    ids = np.arange(first_id, first_id + b, dtype=np.int64)
    agents = [
        make_batch_agent(
            views[p], d[:, p].copy(), strategies[p], seed=seed, ids=ids, packages=space.packages
        )
        for p in range(n_parties)
    ]
    current = np.full(b, -1, dtype=np.int64)
    accepted = np.zeros(b, dtype=np.int64)
    running = np.ones(b, dtype=bool)
    outcome = np.full(b, -1, dtype=np.int64)
    step_of = np.full(b, -1, dtype=np.int64)
    turn_of = np.full(b, -1, dtype=np.int64)
    end = np.full(b, 1, dtype=np.int8)
    for step in range(n_steps):
        t = relative_time(step, n_steps)
        if shift is not None:
            for p, agent in enumerate(agents):
                agent.set_reservation(d[:, p] + shift[step, p])
        for i, agent in enumerate(agents):
            has_offer = running & (current >= 0)
            yes = has_offer & agent.respond(step, t, current, has_offer)
            accepted += yes
            done = yes & (accepted == n_parties)
            if done.any():
                outcome[done] = current[done]
                step_of[done] = step
                turn_of[done] = step * n_parties + i
                end[done] = 0
                running &= ~done
            need = running & ~yes
            if not need.any():
                continue
            offer = agent.propose(step, t, need)
            broken = need & (offer < 0)
            if broken.any():
                end[broken] = 2
                step_of[broken] = step
                turn_of[broken] = step * n_parties + i
                running &= ~broken
                need &= ~broken
            current = np.where(need, offer, current)
            accepted = np.where(need, 1, accepted)
            for j, other in enumerate(agents):
                if j != i:
                    other.observe(i, offer, need)
        if not running.any():
            break
        if deadline is not None and time.perf_counter() > deadline:
            end[running] = 3
            break
    return BatchOutcome(outcome=outcome, step=step_of, turn=turn_of, end=end)
