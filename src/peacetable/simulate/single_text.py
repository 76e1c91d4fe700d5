"""Mediated single-text negotiation: one draft, amended only with every party's consent.

A mediator keeps one text (an outcome) on the table and proposes amendments;
an amendment is adopted only if no party objects to it, i.e. no party likes
the amended text less than the current one (Raiffa 1982, ch. 14, after the
Camp David single negotiating text; Fisher 1978). When the mediator stops,
every party votes on the final text as a whole: it is agreed when every
party's reservation is met (``u >= no_deal``, the core's rule). When the
no-deal utilities move over time (the conflict goes on), the text stays on
the table and is agreed at the first step, up to the deadline, at which
every reservation is met. Four mediators:

* ``veto`` -- the mediator proposes a random outcome each step; adopted if
  no party objects (NegMAS's ``VetoSTMechanism`` proposes the same way but
  needs every party to be strictly better off);
* ``hill-climbing`` -- a random single-issue change of the text, adopted if
  no party objects and one gains (Klein et al. 2003);
* ``maximin`` -- the mediator proposes, among the single-issue changes that
  nobody objects to and someone gains from, the one that most raises the
  worst-off party's gain over no deal; when no single change helps but the
  text is not Pareto-efficient, it proposes the dominating outcome with the
  largest worst-off gain anywhere in the space;
* ``raiffa`` -- the parties criticise the text in turn: each asks for the
  single-issue change it gains most from among those no other party objects
  to, and the mediator adopts it.

Every mediator stops early, with reason ``no-improvement``, as soon as the
text is Pareto-efficient -- decided by the agreement-space engine: against
its frontier (within the core's tie) when the caller passes it, as
:func:`~peacetable.simulate.simulation.simulate` does, otherwise by its exact
non-dominance test on the enumerated space
(:func:`peacetable.analysis.nondominated_mask`); ``maximin`` always gets
there (its search of the whole space finds an improvement whenever one
exists). ``raiffa`` also stops, with ``no-local-improvement``, after a full
round in which no party had a criticism. Otherwise the run ends at the
deadline.

References
----------
.. [1] Fisher, R. (1978). *International Mediation: A Working Guide*.
   International Peace Academy (the one-text procedure).
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14
   ("The single negotiating text"). Harvard University Press.
.. [3] Klein, M., Faratin, P., Sayama, H. & Bar-Yam, Y. (2003). Protocols for
   negotiating complex contracts. *IEEE Intelligent Systems* 18(6), 32-38
   (mediated single-text hill climbing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetable.errors import InputError
from peacetable.simulate.space import OutcomeSpace
from peacetable.simulate.streams import uniform

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "MEDIATORS",
    "STOP_REASONS",
    "SingleTextOutcome",
    "run_single_text",
    "run_single_text_reference",
]

MEDIATORS: tuple[str, ...] = ("veto", "hill-climbing", "maximin", "raiffa")
#: Why a single-text run stopped (index = :attr:`SingleTextOutcome.stop`).
STOP_REASONS: tuple[str, ...] = ("deadline", "no-improvement", "no-local-improvement")
_PURPOSE_PROPOSAL = 2
_PURPOSE_START = 3


@dataclass(frozen=True, eq=False)
class SingleTextOutcome:
    """How each single-text negotiation of a batch ended.

    Attributes
    ----------
    text:
        ``(n,)`` the final text (outcome index), agreed or not.
    agreed:
        ``(n,)`` whether every party's reservation is met by the final text.
    steps:
        ``(n,)`` steps taken (proposals made).
    adopted:
        ``(n,)`` amendments adopted.
    stop:
        ``(n,)`` index into :data:`STOP_REASONS`.
    start:
        ``(n,)`` the first text.
    vote_step:
        ``(n,)`` the step at which the final text was agreed (the last step
        taken, or later when the no-deal utilities fall), ``-1`` if it was not.
    """

    text: IntArray
    agreed: BoolArray
    steps: IntArray
    adopted: IntArray
    stop: npt.NDArray[np.int8]
    start: IntArray
    vote_step: IntArray

    def row(self, k: int) -> tuple[int, bool, int, int, str, int]:
        """``(text, agreed, steps, adopted, stop reason, vote step)`` of negotiation *k*."""
        return (
            int(self.text[k]),
            bool(self.agreed[k]),
            int(self.steps[k]),
            int(self.adopted[k]),
            STOP_REASONS[int(self.stop[k])],
            int(self.vote_step[k]),
        )


def efficient_outcomes(space: OutcomeSpace) -> BoolArray:
    """Which outcomes no other outcome dominates (exact; cached on the space).

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[0, 0], [1, 0], [1, 1], [0, 1]], [0, 0])
    >>> efficient_outcomes(s).tolist()
    [False, False, True, False]
    """
    hit = space._cache.get("efficient")
    if hit is None:
        from peacetable.analysis import nondominated_mask

        hit = nondominated_mask(space.utilities)
        space._cache["efficient"] = hit
    return hit


def _efficiency(
    space: OutcomeSpace, frontier: FloatArray | None
) -> Callable[[IntArray], BoolArray]:
    """``efficient(texts)``: is each text Pareto-efficient?

    With the space's frontier points (e.g. the agreement-space lens's), a text
    is efficient when no frontier point dominates it by more than the space's
    tie (every dominated outcome is dominated by a frontier point), so only the
    texts asked about are tested. Without, the whole space is tested once,
    exactly (:func:`efficient_outcomes`).
    """
    if frontier is None:
        mask = efficient_outcomes(space)
        return lambda texts: np.asarray(mask[texts], dtype=bool)
    front = np.asarray(frontier, dtype=np.float64).reshape(-1, space.n_parties)
    tie = space.tie

    def efficient(texts: IntArray) -> BoolArray:
        uniq, inverse = np.unique(texts, return_inverse=True)
        ut = space.utilities[uniq][:, None, :]
        ge = np.all(front[None, :, :] >= ut - tie, axis=2)
        gt = np.any(front[None, :, :] > ut + tie, axis=2)
        return np.asarray(~np.any(ge & gt, axis=1), dtype=bool)[inverse.reshape(-1)]

    return efficient


def _starts(space: OutcomeSpace, start: int | None, seed: int, ids: IntArray) -> IntArray:
    if start is not None:
        if not 0 <= start < space.n_outcomes:
            raise InputError(f"start outcome {start} is not in 0..{space.n_outcomes - 1}")
        return np.full(ids.shape[0], start, dtype=np.int64)
    r = uniform(seed, ids, 0, 0, _PURPOSE_START)
    return (r * space.n_outcomes).astype(np.int64)


# ---------------------------------------------------------------- reference


def run_single_text_reference(
    space: OutcomeSpace,
    mediator: str,
    n_steps: int,
    *,
    seed: int = 0,
    negotiation: int = 0,
    start: int | None = None,
    no_deal: Sequence[float] | None = None,
    no_deal_shift: Sequence[Sequence[float]] | None = None,
) -> tuple[int, bool, int, int, str, int]:
    """One single-text negotiation, amendment by amendment (the plain reference).

    Returns ``(text, agreed, steps, adopted, stop reason, vote step)``; see
    :func:`run_single_text` for the parameters and the rules.

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[0, 0], [1, 0], [1, 1], [0, 1]], [0.5, 0.5])
    >>> run_single_text_reference(s, "veto", 50, start=0, seed=1)
    (2, True, 3, 2, 'no-improvement', 2)
    """
    _check(mediator, n_steps)
    u = space.utilities
    d = [float(v) for v in (space.reservation if no_deal is None else no_deal)]
    n_parties, n_out = space.n_parties, space.n_outcomes
    efficient = efficient_outcomes(space)
    nb_start, nb_index = space.neighbours()
    x = int(_starts(space, start, seed, np.array([negotiation]))[0])
    adopted, idle, stop = 0, 0, 0
    steps = 0
    for step in range(n_steps):
        if efficient[x]:
            stop = 1
            break
        steps += 1
        nbrs = [int(v) for v in nb_index[nb_start[x] : nb_start[x + 1]]]
        y: int | None = None
        if mediator == "veto":
            y = int(uniform(seed, negotiation, step, 0, _PURPOSE_PROPOSAL)[()] * n_out)
            ok = all(u[y, p] >= u[x, p] for p in range(n_parties))
        elif mediator == "hill-climbing":
            ok = False
            if nbrs:
                r = uniform(seed, negotiation, step, 0, _PURPOSE_PROPOSAL)[()]
                y = nbrs[int(r * len(nbrs))]
                ok = all(u[y, p] >= u[x, p] for p in range(n_parties)) and any(
                    u[y, p] > u[x, p] for p in range(n_parties)
                )
        elif mediator == "maximin":
            y = _maximin_choice(u, d, x, nbrs)
            if y is None:
                y = _maximin_choice(u, d, x, list(range(n_out)))
            ok = y is not None
        else:  # raiffa
            p = step % n_parties
            y = _criticism(u, x, p, nbrs)
            ok = y is not None
        if ok and y is not None:
            x, adopted, idle = y, adopted + 1, 0
        else:
            idle += 1
            if mediator == "raiffa" and idle >= n_parties:
                stop = 2
                break
    vote_step = -1
    last = max(steps - 1, 0)
    for s in range(last, n_steps if no_deal_shift is not None else last + 1):
        shift = [0.0] * n_parties if no_deal_shift is None else no_deal_shift[s]
        if all(u[x, p] >= d[p] + shift[p] for p in range(n_parties)):
            vote_step = s
            break
    agreed = vote_step >= 0
    if stop == 0 and efficient[x]:
        stop = 1
    return (x, agreed, steps, adopted, STOP_REASONS[stop], vote_step)


def _improves(u: FloatArray, x: int, y: int) -> bool:
    return bool((u[y] >= u[x]).all() and (u[y] > u[x]).any())


def _maximin_choice(u: FloatArray, d: Sequence[float], x: int, cands: list[int]) -> int | None:
    best: int | None = None
    key: tuple[float, float] | None = None
    for y in cands:
        if not _improves(u, x, y):
            continue
        worst = min(float(u[y, p]) - d[p] for p in range(u.shape[1]))
        total = 0.0
        for p in range(u.shape[1]):
            total += float(u[y, p])
        k = (worst, total)
        if key is None or k > key:
            best, key = y, k
    return best


def _criticism(u: FloatArray, x: int, p: int, nbrs: list[int]) -> int | None:
    best: int | None = None
    key: tuple[float, float] | None = None
    for y in nbrs:
        if u[y, p] <= u[x, p]:
            continue
        if any(u[y, q] < u[x, q] for q in range(u.shape[1]) if q != p):
            continue
        total = 0.0
        for q in range(u.shape[1]):
            total += float(u[y, q])
        k = (float(u[y, p]), total)
        if key is None or k > key:
            best, key = y, k
    return best


def _check(mediator: str, n_steps: int) -> None:
    if mediator not in MEDIATORS:
        from peacetable.errors import suggest

        raise InputError(
            f"unknown mediator {mediator!r}{suggest(mediator, MEDIATORS)}; "
            f"choose {', '.join(MEDIATORS)}"
        )
    if n_steps < 1:
        raise InputError(f"the deadline must be at least one step, got {n_steps}")


# ---------------------------------------------------------------- batched


def run_single_text(
    space: OutcomeSpace,
    mediator: str,
    n_steps: int,
    *,
    n: int = 1,
    no_deal: npt.ArrayLike | None = None,
    seed: int = 0,
    first_id: int = 0,
    start: int | None = None,
    no_deal_shift: npt.ArrayLike | None = None,
    frontier: npt.ArrayLike | None = None,
) -> SingleTextOutcome:
    """Run *n* single-text negotiations at once.

    Parameters
    ----------
    space:
        The outcome space.
    mediator:
        One of :data:`MEDIATORS`.
    n_steps:
        Deadline: the most amendments the mediator proposes.
    n, no_deal:
        Number of negotiations, or ``(n, n_parties)`` reservation values.
    seed, first_id:
        Random streams keyed by ``(seed, first_id + k)`` (random first text
        and random proposals).
    start:
        The first text (outcome index); default a random outcome per
        negotiation.
    no_deal_shift:
        Optional ``(n_steps, n_parties)`` shift of the reservation values per
        step; the final vote uses the reservation values of the last step
        taken (``no_deal + no_deal_shift[max(steps - 1, 0)]``).
    frontier:
        Optional ``(k, n_parties)`` Pareto frontier of the space (e.g.
        :func:`peacetable.analysis.pareto_frontier`'s points): efficiency is
        then tested against it, within the space's tie, for the texts reached
        only; default: an exact test over the whole space, once.

    Returns
    -------
    SingleTextOutcome

    Raises
    ------
    InputError
        Unknown mediator, a deadline under one step, a bad start.

    Notes
    -----
    Per step ``O(n × n_parties)`` for ``veto`` and ``hill-climbing``,
    ``O(n × degree × n_parties)`` for ``maximin`` and ``raiffa`` (degree: the
    single-issue changes of a text), plus ``O(n_outcomes × n_parties)`` per
    negotiation that needs ``maximin``'s search of the whole space. Single
    changes are looked up per text (:meth:`OutcomeSpace.single_changes`).

    Examples
    --------
    >>> s = OutcomeSpace.from_arrays([[0, 0], [1, 0], [1, 1], [0, 1]], [0.5, 0.5])
    >>> run_single_text(s, "veto", 50, start=0, seed=1).row(0)
    (2, True, 3, 2, 'no-improvement', 2)
    """
    _check(mediator, n_steps)
    n_parties = space.n_parties
    if no_deal is None:
        d = np.broadcast_to(space.reservation, (max(1, n), n_parties)).copy()
    else:
        d = np.asarray(no_deal, dtype=np.float64)
        if d.ndim != 2 or d.shape[1] != n_parties:
            raise InputError(f"no_deal must be (n, {n_parties}), got {d.shape}")
    b = d.shape[0]
    ids = np.arange(first_id, first_id + b, dtype=np.int64)
    u = space.utilities
    efficient = _efficiency(space, None if frontier is None else np.asarray(frontier))
    x = _starts(space, start, seed, ids)
    first = x.copy()
    steps = np.zeros(b, dtype=np.int64)
    adopted = np.zeros(b, dtype=np.int64)
    idle = np.zeros(b, dtype=np.int64)
    stop = np.where(efficient(x), 1, 0).astype(np.int8)
    running = stop == 0
    for step in range(n_steps):
        rows = np.flatnonzero(running)
        if rows.size == 0:
            break
        steps[rows] += 1
        y, ok = _proposals(space, mediator, x[rows], d[rows], ids[rows], seed, step)
        x[rows[ok]] = y[ok]
        adopted[rows[ok]] += 1
        idle[rows[ok]] = 0
        idle[rows[~ok]] += 1
        if mediator == "raiffa":
            tired = rows[idle[rows] >= n_parties]
            stop[tired] = 2
            running[tired] = False
        done = rows[running[rows] & efficient(x[rows])]
        stop[done] = 1
        running[done] = False
    vote_step = _vote(u[x], d, steps, n_steps, no_deal_shift)
    return SingleTextOutcome(x, vote_step >= 0, steps, adopted, stop, first, vote_step)


def _vote(
    ux: FloatArray,
    d: FloatArray,
    steps: IntArray,
    n_steps: int,
    no_deal_shift: npt.ArrayLike | None,
) -> IntArray:
    """The first step from the last one taken at which the text meets every reservation."""
    last = np.maximum(steps - 1, 0)
    if no_deal_shift is None:
        ok = (ux >= d).all(axis=1)
        out: IntArray = np.where(ok, last, -1)
        return out
    shift = np.asarray(no_deal_shift, dtype=np.float64)
    n_parties = d.shape[1]
    if shift.shape != (n_steps, n_parties) or not np.isfinite(shift).all():
        raise InputError(f"no_deal_shift must be ({n_steps}, {n_parties}), got {shift.shape}")
    ok = (ux[:, None, :] >= d[:, None, :] + shift[None, :, :]).all(axis=2)
    ok &= np.arange(n_steps)[None, :] >= last[:, None]
    first = np.argmax(ok, axis=1)
    out = np.where(ok.any(axis=1), first, -1).astype(np.int64)
    return out


def _proposals(
    space: OutcomeSpace,
    mediator: str,
    x: IntArray,
    d: FloatArray,
    ids: IntArray,
    seed: int,
    step: int,
) -> tuple[IntArray, BoolArray]:
    u = space.utilities
    ux = u[x]
    if mediator == "veto":
        y = (uniform(seed, ids, step, 0, _PURPOSE_PROPOSAL) * space.n_outcomes).astype(np.int64)
        return y, np.asarray((u[y] >= ux).all(axis=1), dtype=bool)
    if mediator == "hill-climbing":
        seg, cand = space.single_changes(x)
        if cand.size == 0:
            return x.copy(), np.zeros(x.shape[0], dtype=bool)
        deg = np.bincount(seg, minlength=x.shape[0]).astype(np.int64)
        begin = np.cumsum(deg) - deg
        r = uniform(seed, ids, step, 0, _PURPOSE_PROPOSAL)
        pos = begin + (r * deg).astype(np.int64)
        y = np.where(deg > 0, cand[np.minimum(pos, cand.size - 1)], x)
        ok = (deg > 0) & (u[y] >= ux).all(axis=1) & (u[y] > ux).any(axis=1)
        return y, ok
    # identical (text, reservation values) rows get identical proposals: compute each once
    keys = np.column_stack([x.astype(np.float64), d])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    ux_rows = uniq[:, 0].astype(np.int64)
    du = uniq[:, 1:]
    seg, cand = space.single_changes(ux_rows)
    if mediator == "maximin":
        y, ok = _best_per_segment(u, du, ux_rows, seg, cand, None)
        for row in np.flatnonzero(~ok):  # no single change helps: search the whole space
            here = u[ux_rows[row]]
            better = np.flatnonzero((u >= here).all(axis=1) & (u > here).any(axis=1))
            one = slice(int(row), int(row) + 1)
            y2, ok2 = _best_per_segment(
                u, du[one], ux_rows[one], np.zeros_like(better), better, None
            )
            y[row], ok[row] = y2[0], ok2[0]
    else:
        y, ok = _best_per_segment(u, du, ux_rows, seg, cand, step % space.n_parties)
    return y[inverse], ok[inverse]


def _best_per_segment(
    u: FloatArray,
    d: FloatArray,
    x: IntArray,
    seg: IntArray,
    cand: IntArray,
    critic: int | None,
) -> tuple[IntArray, BoolArray]:
    """Per text, the best candidate: maximin gain (critic None) or the critic's own gain."""
    uy = u[cand]
    ux = u[x[seg]]
    n_parties = u.shape[1]
    if critic is None:
        keep = (uy >= ux).all(axis=1) & (uy > ux).any(axis=1)
        first_key = uy[:, 0] - d[seg, 0]
        for p in range(1, n_parties):
            first_key = np.minimum(first_key, uy[:, p] - d[seg, p])
    else:
        others = [q for q in range(n_parties) if q != critic]
        keep = uy[:, critic] > ux[:, critic]
        if others:
            keep &= (uy[:, others] >= ux[:, others]).all(axis=1)
        first_key = uy[:, critic]
    total = np.zeros(uy.shape[0])
    for p in range(n_parties):
        total += uy[:, p]
    seg, cand, first_key, total = seg[keep], cand[keep], first_key[keep], total[keep]
    order = np.lexsort((cand, -total, -first_key, seg))
    seg, cand = seg[order], cand[order]
    head = np.ones(seg.shape[0], dtype=bool)
    head[1:] = seg[1:] != seg[:-1]
    y = x.copy()
    ok = np.zeros(x.shape[0], dtype=bool)
    y[seg[head]] = cand[head]
    ok[seg[head]] = True
    return y, ok
