"""Zone of possible agreement (ZOPA): packages every party prefers to no deal.

Three questions, each answered exactly where possible:

* **Does a ZOPA exist?** Exactly, always: the acceptable Pareto frontier
  (:func:`peacetable.analysis.frontier.pareto_frontier` with the no-deal
  bound) is non-empty iff some package is acceptable to all.
* **How many packages does it hold?** A counting dynamic programme over the
  compound issues with bound pruning: partial utility vectors are merged
  with multiplicities; a partial vector whose worst completion already
  satisfies every party counts all its completions at once, one whose best
  completion fails a party is dropped (the counting analogue of the
  bounding sets of Bazgan, Hugot & Vanderpooten 2009). When that state set
  outgrows its budget and the space has at most ``max_exact`` (1e8)
  feasible packages, a chunked vectorised enumeration (one block of
  "outer" partial sums against all "inner" partial sums; Horowitz & Sahni
  1974 split) counts exactly. Beyond, a seeded Monte Carlo estimate with a
  Wilson score interval is returned and labelled as an estimate.
* **Which acceptable package is best for each party?** The point of the
  acceptable frontier with the highest utility for that party (ties by the
  largest total utility, so the answer is Pareto-optimal).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 4 (zone of
   agreement).
.. [2] Horowitz, E. & Sahni, S. (1974). Computing partitions with applications
   to the knapsack problem. *J. ACM* 21(2), 277-292.
.. [3] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. *JASA* 22(158), 209-212.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.analysis import _milp
from peacetable.analysis._budget import Deadline
from peacetable.analysis._nondominated import unique_rows
from peacetable.analysis.frontier import DEFAULT_MAX_CANDIDATES, FrontierTooLarge, pareto_frontier
from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.prepared import PreparedScenario, as_space
from peacetable.core.results import Provenance, Result
from peacetable.core.sampling import wilson_interval
from peacetable.core.space import AgreementSpace
from peacetable.errors import InputError
from peacetable.model import Scenario

__all__ = ["MAX_EXACT_COUNT", "ZopaResult", "count_acceptable", "zopa"]

#: Spaces with at most this many feasible packages are always counted exactly.
MAX_EXACT_COUNT = 10**8
_MAX_STATES = 4_000_000
_BLOCK = 4_000_000


@dataclass(frozen=True)
class ZopaResult(Result):
    """The zone of possible agreement of a scenario.

    Attributes
    ----------
    exists:
        Whether some feasible package is acceptable to every party (exact);
        ``None`` when the time limit left it undecided.
    count:
        Number of acceptable packages (exact, or the point estimate).
    count_is_exact:
        False when *count* is a Monte Carlo estimate.
    ci:
        ``(low, high)`` confidence interval of an estimated count (None if exact).
    confidence:
        Level of *ci*.
    n_packages, n_feasible:
        Size of the space and number of feasible agreements (the package that
        is no deal is not an agreement, so it is neither counted here nor in
        the ZOPA).
    best_for_party:
        ``{party: {"package": ..., "utilities": {...}}}`` -- the acceptable
        package best for each party (empty when there is no ZOPA).
    party_ids, no_deal:
        Parties and their no-deal utilities.

    ``provenance.method`` is ``"dp-count"``, ``"enumeration"`` or
    ``"monte-carlo"`` (then with its seed and sample count).
    """

    exists: bool | None
    count: int
    count_is_exact: bool
    ci: tuple[int, int] | None
    confidence: float
    n_packages: int
    n_feasible: int
    best_for_party: dict[str, dict[str, Any]]
    party_ids: tuple[str, ...]
    no_deal: tuple[float, ...]

    @property
    def fraction(self) -> float:
        """Share of feasible packages in the ZOPA."""
        return self.count / self.n_feasible if self.n_feasible else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "exists": self.exists,
            "count": self.count,
            "count_is_exact": self.count_is_exact,
            "ci": None if self.ci is None else list(self.ci),
            "confidence": self.confidence,
            "fraction": self.fraction,
            "n_packages": self.n_packages,
            "n_feasible": self.n_feasible,
            "best_for_party": self.best_for_party,
            "no_deal": dict(zip(self.party_ids, self.no_deal, strict=True)),
            "provenance": self.provenance.to_dict(),
        }


def _count_dp(
    space: AgreementSpace, d: FloatArray, max_states: int, deadline: Deadline | None = None
) -> int | None:
    """Exact count by the bound-pruned counting DP; None when it exceeds *max_states* or
    the deadline."""
    groups = space.groups
    p = space.n_parties
    if any(g.size == 0 for g in groups):
        return 0
    sizes = [g.size for g in groups]
    lo = np.zeros((len(groups) + 1, p))
    hi = np.zeros((len(groups) + 1, p))
    for g in range(len(groups) - 1, -1, -1):
        lo[g] = lo[g + 1] + groups[g].utilities.min(axis=0)
        hi[g] = hi[g + 1] + groups[g].utilities.max(axis=0)
    exact_int = space.n_feasible < 2**62
    vec = space.offset[None, :].copy()
    cnt: npt.NDArray[Any] = np.ones(1, dtype=np.int64 if exact_int else object)
    sure = 0
    if ((vec + lo[0]) >= d).all():
        return space.n_feasible
    if ((vec + hi[0]) < d).any():
        return 0
    for g, grp in enumerate(groups):
        m = grp.size
        if vec.shape[0] * m > max_states or (deadline is not None and deadline.expired()):
            return None
        cand = (vec[:, None, :] + grp.utilities[None, :, :]).reshape(-1, p)
        c = np.repeat(cnt, m)
        remaining = math.prod(sizes[g + 1 :])
        alive = (cand + hi[g + 1] >= d).all(axis=1)
        done = alive & (cand + lo[g + 1] >= d).all(axis=1)
        if done.any():
            sure += int(c[done].sum()) * remaining
        keep = alive & ~done
        cand, c = cand[keep], c[keep]
        if cand.shape[0] == 0:
            return sure
        vec, inverse = unique_rows(cand)
        cnt = np.zeros(vec.shape[0], dtype=c.dtype)
        np.add.at(cnt, inverse, c)
    return sure  # with no issue left every state is settled above


def _count_enumeration(
    space: AgreementSpace, d: FloatArray, deadline: Deadline | None = None
) -> int | None:
    """Exact count by blocks of outer partial sums against all inner partial sums (None when
    the deadline stops it)."""
    groups = space.groups
    p = space.n_parties

    def sums(gs: tuple[int, ...]) -> FloatArray:
        acc = np.zeros((1, p))
        for g in gs:
            acc = (acc[:, None, :] + groups[g].utilities[None, :, :]).reshape(-1, p)
        return acc

    # inner: the trailing groups whose product stays below a block
    inner_ids: list[int] = []
    size = 1
    for g in range(len(groups) - 1, -1, -1):
        if size * groups[g].size > 2_000_000:
            break
        inner_ids.insert(0, g)
        size *= groups[g].size
    outer_ids = tuple(g for g in range(len(groups)) if g not in inner_ids)
    inner = sums(tuple(inner_ids)) + space.offset
    need = d[None, :] - inner  # outer partial sum must reach this
    total = 0
    outer_sizes = [groups[g].size for g in outer_ids]
    n_outer = math.prod(outer_sizes)
    step = max(1, _BLOCK // max(1, inner.shape[0]))
    for start in range(0, n_outer, step):
        if deadline is not None and deadline.expired():
            return None
        idx = np.arange(start, min(n_outer, start + step), dtype=np.int64)
        block = np.zeros((idx.size, p))
        rest = idx
        for g, s in zip(reversed(outer_ids), reversed(outer_sizes), strict=True):
            block += groups[g].utilities[rest % s]
            rest = rest // s
        ok = block[:, None, 0] >= need[None, :, 0]
        for c in range(1, p):
            ok &= block[:, None, c] >= need[None, :, c]
        total += int(ok.sum())
    return total


def _estimate(
    space: AgreementSpace,
    d: FloatArray,
    samples: int,
    seed: int,
    deadline: Deadline | None = None,
    memory_limit: int | None = None,
) -> tuple[int, int]:
    """Monte Carlo draws uniform over the feasible packages: ``(hits, draws)``.

    Draws come in chunks sized to *memory_limit*; the deadline is checked
    between chunks (at least one chunk is drawn), so *draws* may fall short of
    *samples*.
    """
    rng = np.random.default_rng(seed)
    # about 1e8 additions per chunk (~0.5 s), so that the deadline is checked often
    chunk = int(max(1_000, min(250_000, 10**8 // max(1, len(space.groups) * space.n_parties))))
    if memory_limit is not None:
        chunk = int(max(1_000, min(chunk, memory_limit // (16 * max(1, space.n_parties)))))
    hits = 0
    done = 0
    while done < samples:
        if done and deadline is not None and deadline.expired():
            break
        k = min(chunk, samples - done)
        u = np.broadcast_to(space.offset, (k, space.n_parties)).copy()
        for grp in space.groups:
            u += grp.utilities[rng.integers(0, grp.size, size=k)]
        hits += int((u >= d).all(axis=1).sum())
        done += k
    return hits, done


def _without_no_deal(space: AgreementSpace, d: FloatArray, count: int) -> int:
    """*count* of packages with ``u >= d`` summed group by group, less the no-deal package
    when it was counted (it is not an agreement)."""
    additive = space.additive_no_deal()
    if additive is not None and (additive >= d).all():
        return count - 1
    return count


def count_acceptable(
    scenario: Scenario | PreparedScenario | AgreementSpace,
    *,
    lower: npt.ArrayLike | None = None,
    max_exact: int = MAX_EXACT_COUNT,
    max_states: int = _MAX_STATES,
) -> int | None:
    """Exact number of feasible packages with ``u >= lower`` (default: every party accepts).

    Returns None when the counting DP exceeds *max_states* and the space has
    more than *max_exact* feasible packages (see :func:`zopa` for estimates).

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], no_deal=[1, 1])
    >>> count_acceptable(s)
    2
    """
    space = as_space(scenario)
    d = space.acceptance_floor() if lower is None else np.asarray(lower, dtype=np.float64)
    if d.shape != (space.n_parties,):
        raise InputError(f"lower must have shape ({space.n_parties},)")
    got = _count_dp(space, d, max_states)
    if got is not None:
        return _without_no_deal(space, d, got)
    if space.n_feasible <= max_exact:
        found = _count_enumeration(space, d)
        assert found is not None  # no deadline
        return _without_no_deal(space, d, found)
    return None


def zopa(
    scenario: Scenario | PreparedScenario | AgreementSpace,
    *,
    max_exact: int = MAX_EXACT_COUNT,
    samples: int = 1_000_000,
    seed: int = 0,
    confidence: float = 0.95,
    max_states: int = _MAX_STATES,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ZopaResult:
    """Existence, size and best packages of the zone of possible agreement.

    Parameters
    ----------
    scenario:
        Scenario, prepared scenario or :class:`AgreementSpace`.
    max_exact:
        Spaces with at most this many feasible packages are always counted
        exactly (larger ones too whenever the counting DP fits its budget).
    samples, seed, confidence:
        Monte Carlo sample size, random seed and interval level, used only
        when the count cannot be exact.
    max_states:
        Budget of the counting DP.
    max_candidates:
        Budget of the frontier DP (beyond it, MILP answers existence and the
        best package per party).
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`);
        ``None``: none. Half goes to existence and the best packages, half
        to the exact count; what the limit cuts short is labelled in the
        provenance (the count falls back to the Monte Carlo estimate; a best
        package not proven best carries ``"exact": false`` and an upper bound
        ``"at_most"`` on that party's best utility).
    memory_limit:
        Bytes the DPs and the Monte Carlo chunks may take at once.
    progress:
        ``progress(done, 3)`` after existence and the best packages, the
        exact count, and the estimate.

    Returns
    -------
    ZopaResult

    Notes
    -----
    Existence and the best package per party are exact unless the time limit
    stops them (then labelled; an undecided existence is ``None``). The count
    is exact by counting DP (cost grows with the number of distinct
    undecided partial vectors) or by enumeration up to ``max_exact``
    packages (``O(n_feasible * n_parties)`` vectorised); otherwise it is an
    estimate from ``samples`` uniform draws with a Wilson interval.

    Examples
    --------
    >>> from peacetable.core.space import AgreementSpace
    >>> s = AgreementSpace.from_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], no_deal=[1, 1])
    >>> r = zopa(s)
    >>> r.exists, r.count, r.count_is_exact
    (True, 2, True)
    """
    if not 0 < confidence < 1:
        raise InputError("confidence must lie strictly between 0 and 1")
    if samples < 1:
        raise InputError("samples must be positive")
    space = as_space(scenario)
    d = space.acceptance_floor()  # the core's rule: u >= no_deal, ties included
    deadline = Deadline.of(time_limit)
    if space.n_feasible == 0:
        return _result(space, False, 0, None, {}, confidence, Provenance("dp-count"), 0)
    exists, best, caveats = _existence(space, d, max_candidates, deadline.part(0.5), memory_limit)
    counted: tuple[int, str] | None = (0, "dp-count")
    if exists is not False:
        counted = _exact_count(space, d, max_exact, max_states, deadline.part(0.5), memory_limit)
    if progress is not None:
        progress(2, 3)
    if counted is not None:
        count, method = counted
        provenance = Provenance(method)
        if caveats:
            provenance = Provenance(
                method, exact=False, bound="; ".join([*caveats, deadline.note()])
            )
        return _result(space, exists, count, None, best, confidence, provenance, count)
    if deadline.cut and space.n_feasible <= max_exact:
        caveats.append("an exact count did not fit the time limit")
    hits, draws = _estimate(space, d, samples, seed, deadline, memory_limit)
    if progress is not None:
        progress(3, 3)
    if exists is None and hits:
        exists = True
        caveats = [c for c in caveats if not c.startswith("existence")]
    low, high = wilson_interval(hits, draws, confidence)
    n = space.n_feasible
    estimate, ci = round(hits / draws * n), (math.floor(low * n), math.ceil(high * n))
    shift = estimate - _without_no_deal(space, d, estimate)  # the no-deal package, if counted
    estimate, ci = estimate - shift, (max(0, ci[0] - shift), max(0, ci[1] - shift))
    if exists:
        estimate, ci = max(estimate, 1), (max(ci[0], 1), ci[1])
    bound = f"count estimated; {100 * confidence:g}% Wilson interval {list(ci)}"
    if draws < samples:
        bound += f" from {draws:,} of {samples:,} draws ({deadline.note()})"
    if caveats:
        bound = "; ".join([bound, *caveats, deadline.note()])
    provenance = Provenance("monte-carlo", exact=False, bound=bound, seed=seed, samples=draws)
    return _result(space, exists, estimate, ci, best, confidence, provenance, None)


def _result(
    space: AgreementSpace,
    exists: bool | None,
    count: int,
    ci: tuple[int, int] | None,
    best: dict[str, dict[str, Any]],
    confidence: float,
    provenance: Provenance,
    exact_count: int | None,
) -> ZopaResult:
    return ZopaResult(
        exists=exists,
        count=count,
        count_is_exact=exact_count is not None,
        ci=ci,
        confidence=confidence,
        n_packages=space.n_packages,
        n_feasible=space.n_agreements if space.n_feasible else 0,
        best_for_party=best,
        party_ids=space.party_ids,
        no_deal=tuple(float(v) for v in space.no_deal),
        provenance=provenance,
    )


def _existence(
    space: AgreementSpace,
    d: FloatArray,
    max_candidates: int,
    deadline: Deadline,
    memory_limit: int | None,
) -> tuple[bool | None, dict[str, dict[str, Any]], list[str]]:
    """Does a ZOPA exist, and the acceptable package best for each party.

    Exactly by the acceptable frontier when it fits its budget (a third of the
    time); otherwise by mixed-integer programs: one for existence (the largest
    utility sum among acceptable packages), then one per party sharing the
    time left. A party whose program the time limit stops gets the best
    package found for it (or the existence program's package) and an upper
    bound on its best utility (``at_most``); the third value lists such
    caveats in words.
    """
    best: dict[str, dict[str, Any]] = {}
    try:
        front = pareto_frontier(
            space,
            acceptable_only=True,
            max_candidates=max_candidates,
            time_limit=deadline.part(1 / 3),
            memory_limit=memory_limit,
        )
    except FrontierTooLarge:
        pass
    else:
        if front.size:
            reps = front.representatives()
            total = front.points.sum(axis=1)
            for p, pid in enumerate(space.party_ids):
                j = int(np.lexsort((-total, -front.points[:, p]))[0])
                best[pid] = _best_entry(space, reps[j])
        return front.size > 0, best, []
    n = space.n_parties
    program = deadline.part(0.5)
    first = _milp.max_weighted(space, np.ones(n), d, program)
    if first is None:
        if program.cut:  # (not a cut of the frontier attempt above: it may have refused)
            return None, best, ["existence undecided: no acceptable package found in time"]
        return False, best, []
    top = space.offset + sum((g.utilities.max(axis=0) for g in space.groups), np.zeros(n))
    loose = 0
    for p, pid in enumerate(space.party_ids):
        own = _milp.max_weighted(space, np.eye(n)[p], d, deadline.part(1.0 / (n - p)))
        if own is not None and own.optimal:
            best[pid] = _best_entry(space, own.package)
            continue
        loose += 1
        tried = [first.package] if own is None else [own.package, first.package]
        found = max(tried, key=lambda x: float(space.utilities(x)[0][p]))
        at_most = float(top[p]) if own is None else min(float(top[p]), own.bound + space.offset[p])
        best[pid] = {**_best_entry(space, found), "exact": False, "at_most": at_most}
    caveats = []
    if loose:
        caveats.append(
            f"the best package for {loose} of {n} parties is the best found in time, with an "
            "upper bound on that party's best utility ('at_most')"
        )
    return True, best, caveats


def _exact_count(
    space: AgreementSpace,
    d: FloatArray,
    max_exact: int,
    max_states: int,
    deadline: Deadline,
    memory_limit: int | None,
) -> tuple[int, str] | None:
    """The exact count and its method, or None when neither method fits its budget."""
    states = max_states
    if memory_limit is not None:
        states = min(states, memory_limit // (8 * 4 * max(1, space.n_parties)))
    count = _count_dp(space, d, states, deadline)
    if count is not None:
        return _without_no_deal(space, d, count), "dp-count"
    if space.n_feasible <= max_exact and not deadline.expired():
        found = _count_enumeration(space, d, deadline)
        if found is not None:
            return _without_no_deal(space, d, found), "enumeration"
    return None


def _best_entry(space: AgreementSpace, pkg: IntArray) -> dict[str, Any]:
    u = space.utilities(pkg)[0]
    return {
        "package": space.package_dict(pkg),
        "utilities": {k: float(v) for k, v in zip(space.party_ids, u, strict=True)},
    }
