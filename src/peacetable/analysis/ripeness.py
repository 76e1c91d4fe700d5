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

from peacetable.analysis._zopa_search import ZopaSearch, best_for_each
from peacetable.core import PreparedScenario, Provenance, Result, accepts, prepare
from peacetable.core.arrays import BoolArray, IntArray
from peacetable.core.sampling import ParameterModel, SampleTables, sample_chunks, wilson_interval
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
        A ZOPA exists at the nominal estimates (exact).
    zopa_count:
        Sampled worlds in which a ZOPA exists.
    stalemate:
        Mutually hurting stalemate at the nominal estimates.
    stalemate_count, ripe_count:
        Worlds with a hurting stalemate, and with a stalemate and a ZOPA.
    proposal_accepted, proposal_count:
        The proposal is accepted by all, nominally / in how many worlds.
    """

    month: int
    zopa: bool
    zopa_count: int
    stalemate: bool
    stalemate_count: int
    ripe_count: int
    proposal_accepted: bool | None
    proposal_count: int | None
    n_samples: int
    confidence: float

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

    def headline(self) -> str:
        """One sentence for ``peacetable analyze``."""
        if self.first_zopa_month == 0:
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

    Returns
    -------
    RipenessResult

    Raises
    ------
    InputError
        Bad horizon or unknown proposal.

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
    model = compiled.sampling
    x_prop, label = _followed(compiled, proposal)
    offers = _offers(compiled)
    principals = _principals(compiled)
    nominal = model.tables(model.base)
    nom = _Worlds(model, nominal, horizon, offers, principals, hurt_threshold)
    counts = np.zeros((horizon + 1, 4), dtype=np.int64)  # zopa, stalemate, ripe, proposal
    chunks = list(sample_chunks(n_samples, min(chunk_size, _WORLDS_PER_SEARCH)))
    for done, (a, b) in enumerate(chunks, start=1):
        # worlds in batches: memory stays O(batch × combinations × parties)
        worlds = _Worlds(
            model, model.tables(model.draw(a, b, seed)), horizon, offers, principals, hurt_threshold
        )
        counts += worlds.counts(x_prop)
        if progress is not None:
            progress(done, len(chunks))
    zopa_nom = [bool(z[0]) for z in nom.zopa()]
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
        )
        for t in range(horizon + 1)
    ]
    first = _first(zopa_nom)
    opened_by, alone = nom.pressure(first)
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
        provenance=Provenance(
            "exact ZOPA search per month (branch and bound); Monte Carlo over estimates",
            exact=False,
            bound="nominal answers exact; probabilities are Monte Carlo estimates "
            f"({100 * confidence:g}% Wilson intervals)",
            seed=seed,
            samples=n_samples,
        ),
    )


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
    ) -> None:
        self.model, self.st, self.horizon = model, st, horizon
        # months 0..horizon+1 (the last to tell whether month `horizon` is still falling)
        self.path = np.stack([st.no_deal_at(t) for t in range(horizon + 2)])  # (T+2, P, n)
        self.search = ZopaSearch(model, st)
        if offers.shape[0]:
            best = model.utilities(st, offers).max(axis=0)  # (P, n)
        else:
            best = best_for_each(self.search).T
        falling = self.path[:-1] - self.path[1:] > hurt_threshold  # (T+1, P, n)
        no_better = self.path[:-1] <= best[None] + model.tie
        hurting = falling & no_better
        self.stalemate: BoolArray = np.asarray(hurting[:, principals].all(axis=1))  # (T+1, n)
        self.monotone = (np.diff(self.path[:-1], axis=0) <= model.tie).all(axis=(0, 1))

    def zopa(self) -> list[BoolArray]:
        """``(n,)`` per month: does a ZOPA exist in each world?"""
        out: list[BoolArray] = []
        carried = np.zeros(self.st.n, dtype=bool)
        for t in range(self.horizon + 1):
            z = self.search.exists(self.path[t], skip=carried & self.monotone)
            carried = z
            out.append(z)
        return out

    def counts(self, x_prop: IntArray | None) -> IntArray:
        """``(T+1, 4)`` worlds with a ZOPA, a stalemate, both, and the proposal accepted."""
        out = np.zeros((self.horizon + 1, 4), dtype=np.int64)
        u_prop = None if x_prop is None else self.model.utilities(self.st, x_prop)[0]
        for t, z in enumerate(self.zopa()):
            stale = self.stalemate[t]
            out[t, :3] = [int(z.sum()), int(stale.sum()), int((stale & z).sum())]
            if u_prop is not None:
                out[t, 3] = int(accepts(u_prop, self.path[t], self.model.tie).all(axis=0).sum())
        return out

    def pressure(self, first: int | None) -> tuple[tuple[str, ...], dict[str, int | None]]:
        """Whose changing no-deal utility opens the ZOPA, and when each alone would."""
        ids = self.model.party_ids
        opened: tuple[str, ...] = ()
        if first is not None and first > 0:
            frozen = []
            for p, pid in enumerate(ids):
                d = self.path[first].copy()
                d[p] = self.path[0, p]  # without this party's change since month 0
                if not self.search.exists(d)[0]:
                    frozen.append(pid)
            opened = tuple(frozen)
        alone: dict[str, int | None] = {}
        for p, pid in enumerate(ids):
            flags = []
            for t in range(self.horizon + 1):
                d = self.path[0].copy()
                d[p] = self.path[t, p]  # only this party's no-deal utility changes
                flags.append(bool(self.search.exists(d)[0]))
                if flags[-1] and (np.diff(self.path[: t + 1, p, 0]) <= self.model.tie).all():
                    break
            alone[pid] = _first(flags)
        return opened, alone
