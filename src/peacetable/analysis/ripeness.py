"""Ripeness: when does continuing the conflict make a deal possible?

Each party's no-deal utility changes month by month by its ``monthly_change``
(negative: the conflict hurts it): ``d_p(t) = d_p + c_p·t``. A zone of possible
agreement (ZOPA) exists at month ``t`` when some feasible package gives every
party at least ``d_p(t)``. :func:`ripeness` reports, over a horizon of months,

- the first month a ZOPA exists at the nominal estimates, exactly, and whose
  pressure opens it (the parties whose falling no-deal utility is necessary);
- the probability that a ZOPA exists in each month when every estimate is
  uncertain (sampled as in :mod:`peacetable.core.sampling`);
- when a given proposal becomes acceptable to all, nominally and as a
  probability;
- Zartman's mutually hurting stalemate, as an explicit indicator.

Mutually hurting stalemate (Zartman 2000): the parties find themselves locked
in a conflict from which they cannot escalate to victory and this deadlock is
painful to all of them. Here: at month ``t`` **every** negotiating party's
no-deal utility has fallen by more than ``hurt_threshold`` since month 0
(``d_p(0) - d_p(t) > hurt_threshold`` for all ``p``): nobody gains by waiting
and everybody loses. Zartman's *ripe moment* adds a perceived way out: the
stalemate holds **and** a ZOPA exists.

References
----------
.. [1] Zartman, I. W. (2000). Ripeness: the hurting stalemate and beyond. In
   P. C. Stern & D. Druckman (eds.), *International Conflict Resolution after
   the Cold War*, 225-250. National Academy Press.
.. [2] Zartman, I. W. (1989). *Ripe for Resolution: Conflict and Intervention
   in Africa*, 2nd ed. Oxford University Press.
.. [3] Land, A. H. & Doig, A. G. (1960). An automatic method of solving
   discrete programming problems. *Econometrica* 28(3), 497-520.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.core import PreparedScenario, Provenance, Result, accepts, prepare
from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.sampling import (
    ParameterModel,
    SampleTables,
    sample_chunks,
    subset,
    wilson_interval,
)
from peacetable.core.settings import DEFAULT_HORIZON, DEFAULT_RIPENESS_SAMPLES
from peacetable.core.space import feasible_combinations, link_issues
from peacetable.errors import AnalysisError, InputError
from peacetable.model import Scenario

Progress = Callable[[int, int], None]

_WORLDS_PER_SEARCH = 4096


MAX_GROUP_COMBINATIONS = 2_000_000
"""Largest number of option combinations one compound issue may enumerate."""


@dataclass(frozen=True)
class CompoundIssue:
    """Issues merged because an interaction or a constraint links them.

    Attributes
    ----------
    issues:
        Member issue indices (ascending).
    combos:
        ``(m, len(issues))`` option indices of the feasible combinations.
    interactions:
        Indices of the interactions whose conditions lie inside the group.
    """

    issues: tuple[int, ...]
    combos: IntArray
    interactions: tuple[int, ...]

    @property
    def size(self) -> int:
        """Number of feasible combinations."""
        return int(self.combos.shape[0])


def compound_issues(model: ParameterModel) -> tuple[CompoundIssue, ...]:
    """Merge linked issues (union-find) so that utility is additive across groups.

    After the merge every combination of group options is feasible and a
    package's utility is the sum of one term per group, in every sampled world.

    Raises
    ------
    AnalysisError
        When a group has more than :data:`MAX_GROUP_COMBINATIONS` combinations.

    Notes
    -----
    ``O(Σ_g Π_{i∈g} n_i)``. Union-find: Tarjan, R. E. (1975), *J. ACM* 22(2).
    """
    links = [[i for i, _ in c] for c in model.interactions]
    links += [[i for i, _ in fp.clauses] for fp in model.forbidden]
    groups = []
    for issues in link_issues(model.n_issues, links):
        sizes = [model.n_options[i] for i in issues]
        if int(np.prod(sizes)) > MAX_GROUP_COMBINATIONS:
            raise AnalysisError(
                f"issues {', '.join(model.issue_ids[i] for i in issues)} are linked by "
                f"interactions or constraints into {int(np.prod(sizes)):,} combinations, more "
                f"than {MAX_GROUP_COMBINATIONS:,}; simplify the links between them"
            )
        combos = feasible_combinations(issues, sizes, [fp.clauses for fp in model.forbidden])
        pos = {iss: k for k, iss in enumerate(issues)}
        inters = tuple(
            k for k, conds in enumerate(model.interactions) if all(i in pos for i, _ in conds)
        )
        groups.append(CompoundIssue(tuple(issues), combos, inters))
    return tuple(groups)


def group_utilities(model: ParameterModel, group: CompoundIssue, st: SampleTables) -> FloatArray:
    """Utilities ``(n, m, n_parties)`` each combination of *group* contributes per world.

    Sample-major (unlike :class:`SampleTables`): the branch and bound selects worlds.
    """
    pos = {iss: k for k, iss in enumerate(group.issues)}
    u = np.zeros((group.size, model.n_parties, st.n))
    for k, i in enumerate(group.issues):
        u += st.tables[st.row_of[model.offsets[i] + group.combos[:, k]]]
    for k in group.interactions:
        hit = np.ones(group.size, dtype=bool)
        for issue, option in model.interactions[k]:
            hit &= group.combos[:, pos[issue]] == option
        if hit.any():
            u[hit, model.interaction_party[k]] += st.bonus[k]
    return np.ascontiguousarray(np.transpose(u, (2, 0, 1)))


class _ZopaSearch:
    """Does a ZOPA exist in each world? Depth-first search over compound issues.

    A world leaves the search as soon as one package is found that all its
    parties accept (checked with the canonical evaluation), or when some
    party cannot reach its no-deal utility even with its best remaining
    options (Land & Doig 1960 bounding).
    """

    def __init__(self, model: ParameterModel, st: SampleTables) -> None:
        self.model = model
        self.st = st
        groups = compound_issues(model)
        nominal = model.tables(model.base)
        spread = [
            float(np.ptp(group_utilities(model, g, nominal)[0], axis=0).sum()) for g in groups
        ]
        order = sorted(range(len(groups)), key=lambda g: (-spread[g], g))
        self.groups = [groups[g] for g in order]
        self.utils = [group_utilities(model, g, st) for g in self.groups]  # (n, m, P)
        self.best = [u.max(axis=1) for u in self.utils]
        self.nodes = 0

    def exists(self, no_deal: FloatArray, skip: BoolArray | None = None) -> BoolArray:
        """``(n,)``: is there a feasible package every party accepts against ``no_deal`` ``(P, n)``?"""
        found = np.zeros(self.st.n, dtype=bool) if skip is None else skip.copy()
        slack = sum(self.best, np.zeros((self.st.n, self.model.n_parties))) - no_deal.T
        poss = np.flatnonzero((slack >= -self.model.tie).all(axis=1) & ~found)
        self._dfs(0, poss, slack[poss], [], no_deal, found)
        return found

    def _dfs(
        self,
        depth: int,
        poss: IntArray,
        slack: FloatArray,
        prefix: list[int],
        no_deal: FloatArray,
        found: BoolArray,
    ) -> None:
        live = ~found[poss]
        poss, slack = poss[live], slack[live]
        if poss.size == 0:
            return
        self.nodes += 1
        vals = self.utils[depth][poss] + (slack - self.best[depth][poss])[:, None, :]
        ok = (vals >= -self.model.tie).all(axis=2)
        counts = ok.sum(axis=0)
        for c in np.argsort(-counts, kind="stable"):
            if counts[c] == 0:
                break
            keep = ok[:, c] & ~found[poss]
            if not keep.any():
                continue
            if depth == len(self.utils) - 1:
                x = np.zeros(self.model.n_issues, dtype=np.int64)
                for d, k in enumerate([*prefix, int(c)]):
                    x[list(self.groups[d].issues)] = self.groups[d].combos[k]
                rows = poss[keep]
                sub = subset(self.st, rows)
                u = self.model.utilities(sub, x)[0]
                acc = accepts(u, no_deal[:, rows], self.model.tie).all(axis=0)
                found[rows[acc]] = True
            else:
                self._dfs(depth + 1, poss[keep], vals[keep, c], [*prefix, int(c)], no_deal, found)


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
    monthly_change: dict[str, float]
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
            "monthly_change": dict(self.monthly_change),
            "first_zopa_month": self.first_zopa_month,
            "first_likely_zopa_month": self.first_likely_zopa_month,
            "opened_by": list(self.opened_by),
            "alone": dict(self.alone),
            "proposal": self.proposal,
            "proposal_first_month": self.proposal_first_month,
            "proposal_first_likely_month": self.proposal_first_likely_month,
            "stalemate_definition": (
                "mutually hurting stalemate (Zartman 2000): every negotiating party's no-deal "
                "utility has fallen by more than hurt_threshold since month 0; ripe = stalemate "
                "and a ZOPA exists"
            ),
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
        The scenario (``no_deal.monthly_change`` drives the months).
    horizon:
        Months to look ahead (0..horizon).
    proposal:
        A proposal id or package to follow (default: the first proposal, if any).
    n_samples, seed, chunk_size:
        Sampled worlds (same sampling as the robustness analysis).
    hurt_threshold:
        Utility a party's no-deal must have lost for it to count as hurting.
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
    A ZOPA exists at month ``t`` iff ``max_x min_p (u_p(x) - d_p - c_p·t) ≥ 0``
    over feasible packages ``x``; each month is decided by a depth-first
    branch and bound over compound issues with per-world bounds, exactly.
    When every ``c_p ≤ 0`` in a world, existence is monotone in ``t`` and the
    world is not searched again once a ZOPA is found. Worst case
    ``O(horizon × n_samples × packages × parties)``; the bounds usually
    prune almost everything. Worlds are searched in batches of 4,096, so
    memory is ``O(4096 × combinations × parties)`` whatever ``n_samples``
    (combinations: of the largest group of issues linked by interactions or
    constraints).

    References
    ----------
    Zartman (2000).

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
    scenario = compiled.scenario
    model = compiled.sampling
    nominal = model.tables(model.base)
    x_prop: IntArray | None = None
    label: str | None = None
    if proposal is None and scenario.proposals:
        proposal = scenario.proposals[0].id
    if isinstance(proposal, str):
        x_prop, label = compiled.resolve(proposal)[0], proposal
    elif proposal is not None:
        x_prop, label = compiled.encode(proposal), "package"

    def at(tables: SampleTables, t: int, frozen: int | None = None) -> FloatArray:
        change = tables.monthly_change.copy()
        if frozen is not None:
            change[frozen] = 0.0
        return tables.no_deal + change * t

    nom_search = _ZopaSearch(model, nominal)
    hurt_nom = (nominal.no_deal - at(nominal, 1))[:, 0]
    zopa_nom = [bool(nom_search.exists(at(nominal, t))[0]) for t in range(horizon + 1)]
    counts = np.zeros((horizon + 1, 4), dtype=np.int64)  # zopa, stalemate, ripe, proposal
    chunks = list(sample_chunks(n_samples, min(chunk_size, _WORLDS_PER_SEARCH)))
    for done, (a, b) in enumerate(chunks, start=1):
        # worlds in batches: memory stays O(batch × combinations × parties)
        st = model.tables(model.draw(a, b, seed))
        search = _ZopaSearch(model, st)
        monotone = (st.monthly_change <= 0).all(axis=0)
        hurt = st.no_deal - at(st, 1)
        u_prop = None if x_prop is None else model.utilities(st, x_prop)[0]
        carried = np.zeros(st.n, dtype=bool)
        for t in range(horizon + 1):
            z = search.exists(at(st, t), skip=carried & monotone)
            carried = z
            stale = (hurt * t > hurt_threshold).all(axis=0)
            counts[t, :3] += [int(z.sum()), int(stale.sum()), int((stale & z).sum())]
            if u_prop is not None:
                counts[t, 3] += int(accepts(u_prop, at(st, t), model.tie).all(axis=0).sum())
        if progress is not None:
            progress(done, len(chunks))
    months = []
    for t in range(horizon + 1):
        if x_prop is not None:
            u_nom = model.utilities(nominal, x_prop)[0]
            p_nom: bool | None = bool(accepts(u_nom, at(nominal, t), model.tie).all())
            p_count: int | None = int(counts[t, 3])
        else:
            p_nom, p_count = None, None
        months.append(
            Month(
                month=t,
                zopa=zopa_nom[t],
                zopa_count=int(counts[t, 0]),
                stalemate=bool(np.all(hurt_nom * t > hurt_threshold)),
                stalemate_count=int(counts[t, 1]),
                ripe_count=int(counts[t, 2]),
                proposal_accepted=p_nom,
                proposal_count=p_count,
                n_samples=n_samples,
                confidence=confidence,
            )
        )
    first = _first(zopa_nom)
    opened_by: tuple[str, ...] = ()
    if first is not None and first > 0:
        opened_by = tuple(
            pid
            for p, pid in enumerate(model.party_ids)
            if not nom_search.exists(at(nominal, first, frozen=p))[0]
        )
    alone: dict[str, int | None] = {}
    for p, pid in enumerate(model.party_ids):
        others = [q for q in range(model.n_parties) if q != p]
        only = nominal.monthly_change.copy()
        only[others] = 0.0
        flags = []
        for t in range(horizon + 1):
            flags.append(bool(nom_search.exists(nominal.no_deal + only * t)[0]))
            if flags[-1] and (only <= 0).all():
                break
        alone[pid] = _first(flags)
    half = [2 * m.zopa_count >= n_samples for m in months]
    return RipenessResult(
        party_ids=model.party_ids,
        months=tuple(months),
        first_zopa_month=first,
        first_likely_zopa_month=_first(half),
        opened_by=opened_by,
        alone=alone,
        proposal=label,
        proposal_first_month=_first([bool(m.proposal_accepted) for m in months])
        if x_prop is not None
        else None,
        proposal_first_likely_month=_first(
            [2 * (m.proposal_count or 0) >= n_samples for m in months]
        )
        if x_prop is not None
        else None,
        monthly_change={
            pid: float(nominal.monthly_change[p, 0]) for p, pid in enumerate(model.party_ids)
        },
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
