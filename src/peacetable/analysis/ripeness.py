"""Ripeness: when does continuing the conflict make a deal possible?

Each party's no-deal utility follows the disagreement model
(:mod:`peacetable.core.disagreement`): in the scalar form it changes linearly,
``d_p(t) = d_p + c_p·t``; in the lottery form no deal is the conflict's
expected outcome under the party's own beliefs, which converge toward a common
estimate as fighting reveals information, minus what fighting on costs it,
``d_p(t) = Σ_o q_po(t) u_p(o) − cost_p − monthly_p·t`` (Fearon 1995; Slantchev
2003; Powell 2004). A zone of possible agreement (ZOPA) exists at month ``t``
when some agreement gives every party at least ``d_p(t)``. :func:`ripeness`
reports, over a horizon of months,

- the first month a ZOPA exists at the nominal estimates, exactly, and whose
  pressure opens it (the parties whose changing no-deal utility is necessary);
- the probability that a ZOPA exists in each month when every estimate is
  uncertain (sampled as in :mod:`peacetable.core.sampling`);
- when a given proposal becomes acceptable to all, nominally and as a
  probability;
- Zartman's mutually hurting stalemate, tested as stated below.

Mutually hurting stalemate (Zartman 2000): the parties are locked in a
conflict from which they cannot escalate to victory, and the deadlock hurts
all of them. Here, at month ``t``, for **every principal** ``p`` (the
negotiating parties with role ``principal``; all negotiating parties if none
has that role):

1. *hurting*: its no-deal utility is falling, ``d_p(t) − d_p(t+1) >
   hurt_threshold`` (waiting another month costs it);
2. *no escalation to victory*: it expects no better outcome from continuing
   than from the best settlement on offer, ``d_p(t) ≤ max_x u_p(x)`` over the
   proposals on the table (over every agreement when there are none).

Zartman's *ripe moment* adds a perceived way out: the stalemate holds **and** a
ZOPA exists.

References
----------
.. [1] Zartman, I. W. (2000). Ripeness: the hurting stalemate and beyond. In
   P. C. Stern & D. Druckman (eds.), *International Conflict Resolution after
   the Cold War*, 225-250. National Academy Press.
.. [2] Fearon, J. D. (1995). Rationalist explanations for war. *International
   Organization* 49(3), 379-414.
.. [3] Slantchev, B. L. (2003). The principle of convergence in wartime
   negotiations. *American Political Science Review* 97(4), 621-632.
.. [4] Powell, R. (2004). Bargaining and learning while fighting. *American
   Journal of Political Science* 48(2), 344-361.
.. [5] Land, A. H. & Doig, A. G. (1960). An automatic method of solving
   discrete programming problems. *Econometrica* 28(3), 497-520.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.analysis._budget import Deadline, check_memory, require_agreements
from peacetable.analysis._zopa_search import ZopaSearch, best_for_each
from peacetable.core import PreparedScenario, Provenance, Result, accepts, prepare
from peacetable.core.arrays import BoolArray, IntArray
from peacetable.core.sampling import ParameterModel, SampleTables, wilson_interval
from peacetable.core.settings import DEFAULT_HORIZON, DEFAULT_RIPENESS_SAMPLES
from peacetable.errors import InputError
from peacetable.model import Scenario

Progress = Callable[[int, int], None]

_WORLDS_PER_SEARCH = 4096

STALEMATE_DEFINITION = (
    "mutually hurting stalemate (Zartman 2000) at month t: for every principal p, d_p(t) - "
    "d_p(t+1) > hurt_threshold (its no-deal utility is falling) and d_p(t) <= the utility of "
    "its best proposal on the table (every agreement when there is none): it expects no "
    "better outcome from continuing than from the best settlement on offer; ripe = "
    "stalemate and a ZOPA exists"
)


@dataclass(frozen=True)
class Month:
    """One month of the horizon.

    Attributes
    ----------
    month:
        Months from now (0 = today).
    zopa:
        A ZOPA exists at the nominal estimates (exact; ``None`` when the time
        limit stopped the search first).
    zopa_count:
        Sampled worlds in which a ZOPA exists (found).
    stalemate:
        Mutually hurting stalemate at the nominal estimates.
    stalemate_count, ripe_count:
        Worlds with a hurting stalemate, and with a stalemate and a ZOPA.
    proposal_accepted, proposal_count:
        The proposal is accepted by all, nominally / in how many worlds.
    zopa_undecided, ripe_undecided:
        Worlds the time limit left undecided (counted as without a ZOPA, so
        the probabilities may be low by up to this many worlds).
    """

    month: int
    zopa: bool | None
    zopa_count: int
    stalemate: bool
    stalemate_count: int
    ripe_count: int
    proposal_accepted: bool | None
    proposal_count: int | None
    n_samples: int
    confidence: float
    zopa_undecided: int = 0
    ripe_undecided: int = 0

    def _p(self, count: int) -> dict[str, Any]:
        return {
            "p": count / self.n_samples,
            "interval": list(wilson_interval(count, self.n_samples, self.confidence)),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        out: dict[str, Any] = {
            "month": self.month,
            "zopa": self.zopa,
            "p_zopa": self._p(self.zopa_count),
            "stalemate": self.stalemate,
            "ripe": self.stalemate and self.zopa,
            "p_stalemate": self._p(self.stalemate_count),
            "p_ripe": self._p(self.ripe_count),
        }
        if self.zopa_undecided:
            out["undecided"] = {"zopa": self.zopa_undecided, "ripe": self.ripe_undecided}
            out["p_zopa"]["at_most"] = (self.zopa_count + self.zopa_undecided) / self.n_samples
            out["p_ripe"]["at_most"] = (self.ripe_count + self.ripe_undecided) / self.n_samples
        if self.proposal_count is not None:
            out["proposal_accepted"] = self.proposal_accepted
            out["p_proposal_accepted"] = self._p(self.proposal_count)
        return out


@dataclass(frozen=True)
class RipenessResult(Result):
    """When a deal becomes possible as the conflict goes on.

    Attributes
    ----------
    months:
        Month by month, nominal answers (exact) and probabilities (estimates
        over the samples, Wilson intervals).
    first_zopa_month:
        First month with a ZOPA at the nominal estimates (``None``: not
        within the horizon).
    first_likely_zopa_month:
        First month in which a ZOPA exists in at least half of the worlds.
    opened_by:
        Parties whose falling no-deal utility is necessary for the ZOPA to
        open at ``first_zopa_month`` (without their pressure there is no ZOPA
        that month); empty when a ZOPA exists already at month 0.
    alone:
        Per party, the first month a ZOPA would exist if only that party's
        no-deal utility changed (``None``: not within the horizon).
    proposal:
        Id or label of the proposal followed, if any.
    proposal_first_month:
        First month the proposal is accepted by all at the nominal estimates.
    no_deal_path:
        Per party, its no-deal utility at months ``0..horizon`` (nominal).
    principals:
        The parties the stalemate test is about.
    first_stalemate_month:
        First month the mutually hurting stalemate holds at the nominal estimates.
    complete:
        False when the time limit left some search undecided (the provenance
        says which).
    """

    party_ids: tuple[str, ...]
    months: tuple[Month, ...]
    first_zopa_month: int | None
    first_likely_zopa_month: int | None
    opened_by: tuple[str, ...]
    alone: dict[str, int | None]
    proposal: str | None
    proposal_first_month: int | None
    proposal_first_likely_month: int | None
    no_deal_path: dict[str, tuple[float, ...]]
    principals: tuple[str, ...]
    first_stalemate_month: int | None
    horizon: int
    hurt_threshold: float
    n_samples: int
    complete: bool = True

    def headline(self) -> str:
        """One sentence for ``peacetable analyze``."""
        earlier = self.months[: (self.first_zopa_month or self.horizon) + 1]
        if self.first_zopa_month is None and any(m.zopa is None for m in earlier):
            text = "whether a ZOPA opens within the horizon was not settled in time"
        elif self.first_zopa_month is not None and any(m.zopa is None for m in earlier):
            text = (
                f"a ZOPA exists in month {self.first_zopa_month} at the nominal estimates "
                "(earlier months were not settled in time)"
            )
        elif self.first_zopa_month == 0:
            text = "a ZOPA exists today"
        elif self.first_zopa_month is None:
            text = f"no ZOPA opens within {self.horizon} months at the nominal estimates"
        else:
            who = ", ".join(self.opened_by) or "no single party"
            text = (
                f"a ZOPA opens in month {self.first_zopa_month} at the nominal estimates "
                f"(pressure needed on: {who})"
            )
        if self.first_likely_zopa_month is not None:
            text += f"; likely (>= 50% of worlds) from month {self.first_likely_zopa_month}"
        if self.proposal is not None:
            when = self.proposal_first_month
            text += (
                f"; {self.proposal} accepted by all from month {when}"
                if when is not None
                else f"; {self.proposal} not accepted by all within {self.horizon} months"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "headline": self.headline(),
            "n_samples": self.n_samples,
            "complete": self.complete,
            "horizon": self.horizon,
            "hurt_threshold": self.hurt_threshold,
            "parties": list(self.party_ids),
            "principals": list(self.principals),
            "no_deal_path": {p: list(v) for p, v in self.no_deal_path.items()},
            "first_zopa_month": self.first_zopa_month,
            "first_stalemate_month": self.first_stalemate_month,
            "first_likely_zopa_month": self.first_likely_zopa_month,
            "opened_by": list(self.opened_by),
            "alone": dict(self.alone),
            "proposal": self.proposal,
            "proposal_first_month": self.proposal_first_month,
            "proposal_first_likely_month": self.proposal_first_likely_month,
            "stalemate_definition": STALEMATE_DEFINITION,
            "months": [m.to_dict() for m in self.months],
            "provenance": self.provenance.to_dict(),
        }


def _first(flags: list[bool]) -> int | None:
    return next((t for t, f in enumerate(flags) if f), None)


def ripeness(
    scenario: Scenario | PreparedScenario,
    *,
    horizon: int = DEFAULT_HORIZON,
    proposal: Mapping[str, str] | str | None = None,
    n_samples: int = DEFAULT_RIPENESS_SAMPLES,
    seed: int = 0,
    hurt_threshold: float = 0.0,
    chunk_size: int = 16_384,
    confidence: float = 0.95,
    progress: Progress | None = None,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> RipenessResult:
    """Month by month: does a ZOPA exist, who opens it, when is a proposal accepted?

    Parameters
    ----------
    scenario:
        The scenario (its disagreement model drives the months).
    horizon:
        Months to look ahead (0..horizon).
    proposal:
        A proposal id or package to follow (default: the first proposal, if any).
    n_samples, seed, chunk_size:
        Sampled worlds (same sampling as the robustness analysis).
    hurt_threshold:
        Fall of a principal's no-deal utility over one month that counts as hurting.
    confidence:
        Level of the Wilson intervals.
    progress:
        ``progress(done, total)`` over batches of worlds.
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`);
        ``None``: none. The nominal months get half of it, then the pressure
        analysis, then the sampled worlds share what is left. A search the
        limit stops leaves its worlds *undecided*: they count as without a
        ZOPA, each month says how many (``undecided``, ``p_zopa.at_most``),
        and the provenance says the answer is cut short.
    memory_limit:
        Bytes one batch of worlds may take; batches are sized to fit.

    Returns
    -------
    RipenessResult

    Raises
    ------
    InputError
        Bad horizon or unknown proposal.
    AnalysisError
        The constraints leave no agreement, or one world's tables exceed
        *memory_limit*.

    Notes
    -----
    A ZOPA exists at month ``t`` iff ``max_x min_p (u_p(x) − d_p(t)) ≥ 0`` over
    agreements ``x``; each month is decided by a depth-first branch and bound
    over compound issues with per-world bounds, exactly
    (:mod:`peacetable.analysis._zopa_search`). In a world whose no-deal
    utilities never rise over the horizon, existence is monotone in ``t`` and
    the world is not searched again once a ZOPA is found. Worst case
    ``O(horizon × n_samples × packages × parties)``; the bounds usually prune
    almost everything. Worlds are searched in batches of 4,096, so memory is
    ``O(4096 × combinations × parties)`` whatever ``n_samples``.

    References
    ----------
    Zartman (2000); Fearon (1995); Slantchev (2003); Powell (2004).

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> r = ripeness(load_scenario("tests/model/mini.yaml"), horizon=6, n_samples=256)
    >>> r.first_zopa_month
    0
    """
    if horizon < 0:
        raise InputError(f"the horizon must be at least 0 months, got {horizon}")
    compiled = prepare(scenario)
    require_agreements(compiled.space)
    deadline = Deadline.of(time_limit)
    model = compiled.sampling
    x_prop, label = _followed(compiled, proposal)
    offers = _offers(compiled)
    principals = _principals(compiled)
    nominal = model.tables(model.base)
    nom = _Worlds(model, nominal, horizon, offers, principals, hurt_threshold)
    found, open_ = nom.zopa(deadline.part(0.5))
    zopa_nom = [None if u[0] else bool(z[0]) for z, u in zip(found, open_, strict=True)]
    first = _first([z is True for z in zopa_nom])
    settled = all(z is not None for z in zopa_nom[: (horizon if first is None else first) + 1])
    opened_by, alone, pressure_cut = nom.pressure(first if settled else None, deadline.part(0.4))
    witnesses = nom.search.witnesses
    batch = min(chunk_size, _WORLDS_PER_SEARCH, _batch_size(model, horizon, memory_limit))
    ranges = [(a, min(n_samples, a + batch)) for a in range(0, n_samples, batch)]
    counts = np.zeros((horizon + 1, 6), dtype=np.int64)  # see _Worlds.counts
    for done, (a, b) in enumerate(ranges, start=1):
        # worlds in batches: memory stays O(batch × combinations × parties)
        worlds = _Worlds(
            model, model.tables(model.draw(a, b, seed)), horizon, offers, principals,
            hurt_threshold, witnesses,
        )  # fmt: skip
        counts += worlds.counts(x_prop, deadline.part(1.0 / (len(ranges) - done + 1)))
        witnesses = worlds.search.witnesses
        if progress is not None:
            progress(done, len(ranges))
    stale_nom = [bool(v[0]) for v in nom.stalemate]
    u_prop = None if x_prop is None else model.utilities(nominal, x_prop)[0]
    months = [
        Month(
            month=t,
            zopa=zopa_nom[t],
            zopa_count=int(counts[t, 0]),
            stalemate=stale_nom[t],
            stalemate_count=int(counts[t, 1]),
            ripe_count=int(counts[t, 2]),
            proposal_accepted=None
            if u_prop is None
            else bool(accepts(u_prop, nom.path[t], model.tie).all()),
            proposal_count=None if x_prop is None else int(counts[t, 3]),
            n_samples=n_samples,
            confidence=confidence,
            zopa_undecided=int(counts[t, 4]),
            ripe_undecided=int(counts[t, 5]),
        )
        for t in range(horizon + 1)
    ]
    bound = (
        "nominal answers exact; probabilities are Monte Carlo estimates "
        f"({100 * confidence:g}% Wilson intervals)"
    )
    cut = _cut_note(zopa_nom, int(counts[:, 4].sum()), pressure_cut, deadline)
    return RipenessResult(
        party_ids=model.party_ids,
        months=tuple(months),
        first_zopa_month=first,
        first_likely_zopa_month=_first([2 * m.zopa_count >= n_samples for m in months]),
        opened_by=opened_by,
        alone=alone,
        proposal=label,
        proposal_first_month=None
        if x_prop is None
        else _first([bool(m.proposal_accepted) for m in months]),
        proposal_first_likely_month=None
        if x_prop is None
        else _first([2 * (m.proposal_count or 0) >= n_samples for m in months]),
        no_deal_path={
            pid: tuple(float(v) for v in nom.path[: horizon + 1, p, 0])
            for p, pid in enumerate(model.party_ids)
        },
        principals=tuple(model.party_ids[p] for p in principals),
        first_stalemate_month=_first(stale_nom),
        horizon=horizon,
        hurt_threshold=hurt_threshold,
        n_samples=n_samples,
        complete=not cut,
        provenance=Provenance(
            "exact ZOPA search per month (branch and bound); Monte Carlo over estimates",
            exact=False,
            bound=bound if not cut else f"{bound}; {cut}",
            seed=seed,
            samples=n_samples,
        ),
    )


def _batch_size(model: ParameterModel, horizon: int, memory_limit: int | None) -> int:
    """Worlds per batch so that one batch's arrays fit *memory_limit*.

    Per world: the parameter matrix, the option tables and the search's
    per-group copy of them (parties × options each), and the no-deal path
    (8 bytes each).

    Raises
    ------
    AnalysisError
        When a batch of 16 worlds does not fit.
    """
    if memory_limit is None:
        return _WORLDS_PER_SEARCH
    n_options = int(model.offsets[-1])
    per_world = 8 * (
        len(model.parameters) + 1 + 2 * n_options * model.n_parties
        + (horizon + 2) * model.n_parties
    )  # fmt: skip
    check_memory(
        16 * per_world,
        f"a batch of 16 sampled worlds ({len(model.parameters):,} parameters, "
        f"{n_options:,} options, {model.n_parties} parties)",
        memory_limit,
        "raise the memory limit or give fewer estimates a range",
    )
    return int(max(16, min(_WORLDS_PER_SEARCH, memory_limit // per_world)))


def _cut_note(
    zopa_nom: list[bool | None], undecided: int, pressure_cut: bool, deadline: Deadline
) -> str:
    """What the time limit left open, in words ('' when nothing)."""
    parts = []
    open_months = sum(z is None for z in zopa_nom)
    if open_months:
        parts.append(f"the nominal ZOPA is undecided in {open_months} month(s)")
    if pressure_cut:
        parts.append("whose pressure opens the ZOPA was not fully settled")
    if undecided:
        parts.append(
            f"{undecided:,} world-months were left undecided and count as without a ZOPA "
            "(each month's 'at_most' bounds the probability)"
        )
    return "; ".join(parts) + f" ({deadline.note()})" if parts else ""


def _followed(
    compiled: PreparedScenario, proposal: Mapping[str, str] | str | None
) -> tuple[IntArray | None, str | None]:
    """The package whose acceptance is followed month by month, and its label."""
    if proposal is None and compiled.proposal_ids:
        proposal = compiled.proposal_ids[0]
    if isinstance(proposal, str):
        return compiled.resolve(proposal)[0], proposal
    if proposal is not None:
        return compiled.encode(proposal), "package"
    return None, None


def _offers(compiled: PreparedScenario) -> IntArray:
    """The settlements on offer: the proposals on the table that are agreements."""
    rows = [compiled.package(pid) for pid in compiled.proposal_ids]
    if not rows:
        return np.zeros((0, compiled.n_issues), dtype=np.int64)
    x = np.stack(rows)
    return np.asarray(x[compiled.is_agreement(x)])


def _principals(compiled: PreparedScenario) -> IntArray:
    """Indices of the negotiating parties with role principal (all of them if none has it)."""
    roles = [compiled.scenario.party(pid).role for pid in compiled.party_ids]
    idx = [p for p, role in enumerate(roles) if role == "principal"]
    return np.array(idx or range(len(roles)), dtype=np.int64)


class _Worlds:
    """One batch of worlds: no-deal paths, ZOPA searches and the stalemate test."""

    def __init__(
        self,
        model: ParameterModel,
        st: SampleTables,
        horizon: int,
        offers: IntArray,
        principals: IntArray,
        hurt_threshold: float,
        witnesses: list[IntArray] | None = None,
    ) -> None:
        self.model, self.st, self.horizon = model, st, horizon
        # months 0..horizon+1 (the last to tell whether month `horizon` is still falling)
        self.path = np.stack([st.no_deal_at(t) for t in range(horizon + 2)])  # (T+2, P, n)
        self.search = ZopaSearch(model, st, witnesses)
        if offers.shape[0]:
            best = model.utilities(st, offers).max(axis=0)  # (P, n)
        else:
            best = best_for_each(self.search).T
        falling = self.path[:-1] - self.path[1:] > hurt_threshold  # (T+1, P, n)
        no_better = self.path[:-1] <= best[None] + model.tie
        hurting = falling & no_better
        self.stalemate: BoolArray = np.asarray(hurting[:, principals].all(axis=1))  # (T+1, n)
        self.monotone = (np.diff(self.path[:-1], axis=0) <= model.tie).all(axis=(0, 1))

    def zopa(self, deadline: Deadline) -> tuple[list[BoolArray], list[BoolArray]]:
        """Per month, ``(n,)`` worlds with a ZOPA and worlds left undecided by *deadline*
        (each month gets an equal share of the time left)."""
        found: list[BoolArray] = []
        undecided: list[BoolArray] = []
        carried = np.zeros(self.st.n, dtype=bool)
        for t in range(self.horizon + 1):
            share = deadline.part(1.0 / (self.horizon + 1 - t))
            z, u = self.search.search(self.path[t], skip=carried & self.monotone, deadline=share)
            carried = z
            found.append(z)
            undecided.append(u)
        return found, undecided

    def counts(self, x_prop: IntArray | None, deadline: Deadline) -> IntArray:
        """``(T+1, 6)`` worlds with a ZOPA, a stalemate, both, the proposal accepted, and the
        worlds left undecided (ZOPA; stalemate and ZOPA)."""
        out = np.zeros((self.horizon + 1, 6), dtype=np.int64)
        u_prop = None if x_prop is None else self.model.utilities(self.st, x_prop)[0]
        found, undecided = self.zopa(deadline)
        for t, (z, u) in enumerate(zip(found, undecided, strict=True)):
            stale = self.stalemate[t]
            out[t, :3] = [int(z.sum()), int(stale.sum()), int((stale & z).sum())]
            out[t, 4:] = [int(u.sum()), int((stale & u).sum())]
            if u_prop is not None:
                out[t, 3] = int(accepts(u_prop, self.path[t], self.model.tie).all(axis=0).sum())
        return out

    def pressure(
        self, first: int | None, deadline: Deadline
    ) -> tuple[tuple[str, ...], dict[str, int | None], bool]:
        """Whose changing no-deal utility opens the ZOPA, when each alone would, and whether
        the deadline cut this short (then the parties not settled are left out, resp.
        ``None``)."""
        ids = self.model.party_ids
        opened: tuple[str, ...] = ()
        cut = False
        if first is not None and first > 0:
            frozen = []
            for p, pid in enumerate(ids):
                d = self.path[first].copy()
                d[p] = self.path[0, p]  # without this party's change since month 0
                z, u = self.search.search(d, deadline=deadline)
                cut |= bool(u[0])
                if not z[0] and not u[0]:
                    frozen.append(pid)
            opened = tuple(frozen)
        alone: dict[str, int | None] = {}
        for p, pid in enumerate(ids):
            flags: list[bool] = []
            stopped = False
            for t in range(self.horizon + 1):
                d = self.path[0].copy()
                d[p] = self.path[t, p]  # only this party's no-deal utility changes
                z, u = self.search.search(d, deadline=deadline)
                if u[0]:
                    cut = stopped = True
                    break
                flags.append(bool(z[0]))
                if flags[-1] and (np.diff(self.path[: t + 1, p, 0]) <= self.model.tie).all():
                    break
            alone[pid] = None if stopped and not any(flags) else _first(flags)
        return opened, alone, cut
