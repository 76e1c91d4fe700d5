"""How sure are we? Stochastic multicriteria acceptability analysis (SMAA) of packages.

Every uncertain estimate of the scenario is sampled uniformly within its
range (:mod:`peacetable.core.sampling`); in each sampled world a party
accepts a package when its utility is at least its no-deal utility. Over the
samples this gives, for each proposal and each other package of interest,
the probability that each party accepts, that all accept, and a ranking of
the packages by that probability -- the acceptability indices of SMAA
(Lahdelma, Hokkanen & Salminen 1998; Lahdelma & Salminen 2001), with the
"acceptable" event being unanimous acceptance instead of rank one.

:func:`acceptability` sweeps the samples in chunks (bounded memory), locally
or on a Dask cluster, with identical integer counts either way. The exact
search for the package that the most sampled worlds accept unanimously,
:func:`~peacetable.analysis.robust_search.robust_package`, lives in
:mod:`peacetable.analysis.robust_search`.

Every probability here is a Monte Carlo estimate over the samples, reported
with a Wilson score interval.

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

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.analysis._budget import Deadline, check_memory
from peacetable.analysis.sensitivity import (
    N_BINS,
    SensitivityResult,
    bin_counts,
    first_order_indices,
)
from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.core.arrays import IntArray
from peacetable.core.sampling import (
    BLOCK,
    ParameterModel,
    sample_chunks,
    wilson_interval,
)
from peacetable.errors import InputError
from peacetable.model import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk of work."""

_FIRST_TIMED_CHUNK = 1024  # worlds of the first chunk of a time-limited sweep
_MIN_CHUNK = 256  # fewer worlds per chunk would be all overhead: refuse instead

SENSITIVITY_SAMPLES = 131_072
"""Sensitivity indices use the first this-many samples (enough to rank the estimates)."""
_BATCH = 4_000_000  # floats per temporary array


@dataclass(frozen=True)
class PackageAcceptability:
    """Acceptance of one package across the sampled worlds.

    Attributes
    ----------
    name, kind:
        Label and origin (``proposal``, ``solution`` or ``package``).
    package:
        The complete package ``{issue: option}``.
    feasible:
        Whether it satisfies the scenario's constraints.
    nominal_accepts:
        Per party, whether it accepts at the nominal estimates.
    party_counts, all_count:
        Worlds in which each party / every party accepts (exact counts).
    n_samples, confidence:
        Number of worlds and level of the intervals.
    rank:
        1 = highest probability of acceptance by all (ties share a rank).
    """

    name: str
    kind: str
    package: dict[str, str]
    feasible: bool
    party_ids: tuple[str, ...]
    nominal_accepts: tuple[bool, ...]
    party_counts: tuple[int, ...]
    all_count: int
    n_samples: int
    confidence: float
    rank: int = 0

    @property
    def p_all(self) -> float:
        """Estimated probability that every party accepts."""
        return self.all_count / self.n_samples

    @property
    def p_all_interval(self) -> tuple[float, float]:
        """Wilson interval of :attr:`p_all`."""
        return wilson_interval(self.all_count, self.n_samples, self.confidence)

    @property
    def p_party(self) -> dict[str, float]:
        """Estimated probability that each party accepts."""
        return {
            p: c / self.n_samples for p, c in zip(self.party_ids, self.party_counts, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "rank": self.rank,
            "package": dict(self.package),
            "feasible": self.feasible,
            "nominal_accepted_by": [
                p for p, a in zip(self.party_ids, self.nominal_accepts, strict=True) if a
            ],
            "p_all_accept": self.p_all,
            "p_all_accept_interval": list(self.p_all_interval),
            "all_accept_count": self.all_count,
            "p_accept": {
                p: {
                    "p": c / self.n_samples,
                    "interval": list(wilson_interval(c, self.n_samples, self.confidence)),
                }
                for p, c in zip(self.party_ids, self.party_counts, strict=True)
            },
        }


@dataclass(frozen=True)
class AcceptabilityResult(Result):
    """SMAA acceptability of a set of packages (estimates over the samples).

    Attributes
    ----------
    packages:
        One entry per package, highest probability of acceptance by all first.
    sensitivity:
        Per package name, the ranked influence of each estimate (for the
        packages asked for).
    n_samples, chunk_size, backend:
        How the sweep ran; counts do not depend on ``chunk_size`` or ``backend``
        (``provenance`` records the seed).
    n_parameters, n_uncertain:
        Parameters of the scenario and how many are sampled.
    """

    party_ids: tuple[str, ...]
    packages: tuple[PackageAcceptability, ...]
    sensitivity: Mapping[str, SensitivityResult]
    n_samples: int
    chunk_size: int
    backend: str
    n_parameters: int
    n_uncertain: int
    confidence: float

    def headline(self, name: str) -> str:
        """One sentence for a package, e.g. for ``peacetable analyze``.

        ``"seven-points: accepted by all in 23% of plausible worlds (95% CI 22-24%);
        the estimate that matters most: US's no-deal utility (...)"``
        """
        entry = self.get(name)
        lo, hi = entry.p_all_interval
        text = (
            f"{name}: accepted by all in {100 * entry.p_all:.1f}% of plausible worlds "
            f"({100 * self.confidence:g}% CI {100 * lo:.1f}-{100 * hi:.1f}%, "
            f"{self.n_samples:,} samples)"
        )
        sens = self.sensitivity.get(name)
        if sens is not None and sens.most_important is not None:
            text += f"; the estimate that matters most: {sens.most_important.parameter.label}"
        elif sens is not None:
            text += "; no single estimate changes that measurably"
        return text

    def get(self, name: str) -> PackageAcceptability:
        """The entry of the package called *name*."""
        for p in self.packages:
            if p.name == name:
                return p
        raise InputError(f"no package named {name!r} in this result")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "n_samples": self.n_samples,
            "chunk_size": self.chunk_size,
            "backend": self.backend,
            "confidence": self.confidence,
            "n_parameters": self.n_parameters,
            "n_uncertain": self.n_uncertain,
            "parties": list(self.party_ids),
            "packages": [p.to_dict() for p in self.packages],
            "sensitivity": {k: v.to_dict(top=10) for k, v in self.sensitivity.items()},
            "provenance": self.provenance.to_dict(),
        }


def _chunk_counts(
    model: ParameterModel,
    packages: IntArray,
    start: int,
    stop: int,
    seed: int,
    track: tuple[int, ...],
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Counts of one chunk of samples: per party, all, and sensitivity bins."""
    uniforms, st = model.sample_tables(start, stop, seed, packages)
    m = packages.shape[0]
    party = np.zeros((m, model.n_parties), dtype=np.int64)
    hits = np.zeros((m, st.n), dtype=bool)
    step = max(1, _BATCH // max(1, st.n * model.n_parties))
    for a in range(0, m, step):
        acc = model.accepts(st, packages[a : a + step])
        party[a : a + step] = acc.sum(axis=2)
        hits[a : a + step] = acc.all(axis=1)
    all_counts = hits.sum(axis=1).astype(np.int64)
    if track and start < SENSITIVITY_SAMPLES:
        cut = min(stop, SENSITIVITY_SAMPLES) - start
        hit_bins, totals = bin_counts(uniforms[:, :cut], hits[list(track), :cut], N_BINS)
    else:
        hit_bins = np.zeros((len(track), uniforms.shape[0], N_BINS), dtype=np.int64)
        totals = np.zeros((uniforms.shape[0], N_BINS), dtype=np.int64)
    return party, all_counts, hit_bins, totals


def acceptability(
    scenario: Scenario | PreparedScenario,
    packages: Mapping[str, Mapping[str, str] | npt.ArrayLike] | None = None,
    *,
    package_kind: str = "package",
    kinds: Mapping[str, str] | None = None,
    include_proposals: bool = True,
    n_samples: int = 10_000,
    seed: int = 0,
    chunk_size: int = 16_384,
    client: Any = None,
    workers: int = 1,
    sensitivity_for: Sequence[str] | None = None,
    confidence: float = 0.95,
    progress: Progress | None = None,
    time_limit: float | Deadline | None = None,
    memory_limit: int | None = None,
) -> AcceptabilityResult:
    """Probability that each party, and all, accept each package (SMAA).

    Parameters
    ----------
    scenario:
        The scenario; its uncertain estimates are sampled.
    packages:
        Extra named packages (``{name: {issue: option}}`` or option-index
        vectors), e.g. bargaining solutions.
    package_kind:
        Label recorded for the extra packages (``solution``, ``package``).
    kinds:
        Per extra package name, its label (overrides *package_kind*).
    include_proposals:
        Also analyse the scenario's proposals.
    n_samples, seed:
        Number of sampled worlds and the seed (same seed, same counts).
    chunk_size:
        Samples per chunk (rounded up to whole blocks); bounds memory.
    client:
        A ``dask.distributed.Client``: chunks run on its workers.
    workers:
        Local threads working on chunks at once (without ``client``).
    sensitivity_for:
        Names of the packages whose sensitivity to each estimate is computed
        (default: the proposals).
    confidence:
        Level of the Wilson intervals.
    progress:
        ``progress(done, total)`` after each chunk.
    time_limit:
        Seconds (or a shared :class:`~peacetable.analysis._budget.Deadline`);
        ``None``: none. Checked between chunks of a local run (the first
        chunk always runs): when it runs out, the probabilities are those of
        the worlds swept so far (``n_samples`` says how many) and the result
        says so in its provenance.
    memory_limit:
        Bytes one chunk may take: the chunk size is lowered to fit it (a
        parallel sweep rounds chunks up to whole blocks of
        :data:`~peacetable.core.sampling.BLOCK` worlds); when not even 256
        worlds fit, the analysis is refused before it allocates.

    Returns
    -------
    AcceptabilityResult

    Raises
    ------
    InputError
        No package to analyse, bad sampling arguments, unknown names.
    ScenarioError
        Unknown issue or option in a package.
    AnalysisError
        256 sampled worlds would exceed *memory_limit*.

    Notes
    -----
    ``O(n_samples × (parameters + packages × issues × parties))`` time,
    ``O(chunk_size × (parameters + options × parties))`` memory per worker.
    Acceptance uses the canonical evaluation
    :meth:`~peacetable.core.sampling.ParameterModel.utilities`.

    References
    ----------
    Lahdelma, Hokkanen & Salminen (1998); Lahdelma & Salminen (2001).

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = load_scenario("tests/model/mini.yaml")
    >>> r = acceptability(s, n_samples=4096, seed=1)
    >>> [p.name for p in r.packages]
    ['p1', 'sq']
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be within 0..1, got {confidence}")
    next(sample_chunks(n_samples, chunk_size))  # the same checks of both, same messages
    compiled = prepare(scenario)
    scenario = compiled.scenario
    model = compiled.sampling
    names: list[str] = []
    labels: list[str] = []
    rows: list[IntArray] = []
    if include_proposals:
        for prop in scenario.proposals:
            names.append(prop.id)
            labels.append("proposal")
            rows.append(compiled.encode(prop.package))
    for name, pkg in (packages or {}).items():
        if name in names:
            raise InputError(f"package name {name!r} is used twice")
        names.append(name)
        labels.append((kinds or {}).get(name, package_kind))
        if isinstance(pkg, Mapping):
            rows.append(compiled.encode(pkg))
        else:
            try:
                rows.append(compiled.package_array(pkg))
            except InputError:
                raise InputError(
                    f"package {name!r} is not a valid vector of option indices"
                ) from None
    if not rows:
        raise InputError(
            "nothing to analyse: the scenario has no proposals and no package was given"
        )
    x = np.stack(rows)
    if sensitivity_for is None:
        sensitivity_for = [n for n, k in zip(names, labels, strict=True) if k == "proposal"]
    unknown = [n for n in sensitivity_for if n not in names]
    if unknown:
        raise InputError(f"unknown package(s) for sensitivity: {', '.join(unknown)}")
    track = tuple(names.index(n) for n in sensitivity_for)
    if memory_limit is not None:
        chunk_size = _fitting_chunk(model, x, chunk_size, memory_limit)
    deadline = Deadline.of(time_limit)
    requested = n_samples
    if client is None and workers <= 1:
        results, n_samples = _run_local(
            model, x, n_samples, chunk_size, seed, track, progress, deadline
        )
    else:
        chunks = list(sample_chunks(n_samples, chunk_size))
        results = _run_chunks(model, x, chunks, seed, track, client, progress, workers)
    party = sum((r[0] for r in results), np.zeros((len(names), model.n_parties), np.int64))
    all_counts = sum((r[1] for r in results), np.zeros(len(names), np.int64))
    n_unc = len(model.needed(x)[0])
    hit_bins = sum((r[2] for r in results), np.zeros((len(track), n_unc, N_BINS), np.int64))
    totals = sum((r[3] for r in results), np.zeros((n_unc, N_BINS), np.int64))
    nominal = model.accepts(model.tables(model.base), x)[:, :, 0]
    feasible = compiled.feasible(x)
    order = sorted(range(len(names)), key=lambda j: (-int(all_counts[j]), j))
    entries = []
    for j in order:
        rank = 1 + int(np.sum(all_counts > all_counts[j]))
        entries.append(
            PackageAcceptability(
                name=names[j],
                kind=labels[j],
                package=compiled.package_dict(x[j]),
                feasible=bool(feasible[j]),
                party_ids=model.party_ids,
                nominal_accepts=tuple(bool(v) for v in nominal[j]),
                party_counts=tuple(int(v) for v in party[j]),
                all_count=int(all_counts[j]),
                n_samples=n_samples,
                confidence=confidence,
                rank=rank,
            )
        )
    unc_params = [model.parameters[k] for k in model.uncertain[model.needed(x)[0]]]
    n_sens = min(n_samples, SENSITIVITY_SAMPLES)
    sens = {
        names[j]: first_order_indices(names[j], unc_params, hit_bins[t], totals, n_sens, seed)
        for t, j in enumerate(track)
    }
    return AcceptabilityResult(
        party_ids=model.party_ids,
        packages=tuple(entries),
        sensitivity=sens,
        n_samples=n_samples,
        chunk_size=-(-chunk_size // BLOCK) * BLOCK,
        backend="local" if client is None else "dask",
        n_parameters=len(model.parameters),
        n_uncertain=len(model.uncertain),
        confidence=confidence,
        provenance=Provenance(
            "SMAA: uniform sampling within ranges, unanimous-acceptance indices",
            exact=False,
            bound=f"Monte Carlo estimates; {100 * confidence:g}% Wilson score intervals"
            + (
                f"; {n_samples:,} of the {requested:,} sampled worlds, {deadline.note()}"
                if n_samples < requested
                else ""
            ),
            seed=seed,
            samples=n_samples,
        ),
    )


def _fitting_chunk(model: ParameterModel, x: IntArray, chunk_size: int, memory_limit: int) -> int:
    """The largest chunk (at most *chunk_size* worlds) whose arrays fit *memory_limit*.

    Per sampled world a chunk holds every parameter (the parameter matrix), the
    sampled ones it reads, the weights and the values of the options used, and
    the utilities and acceptance of the packages (8 bytes each). A local sweep
    uses chunks of this size; a parallel one rounds them up to whole blocks of
    :data:`~peacetable.core.sampling.BLOCK` worlds.

    Raises
    ------
    AnalysisError
        When not even :data:`_MIN_CHUNK` worlds fit.
    """
    rows, options = model.needed(x)
    per_world = 8 * (
        len(model.parameters)
        + 1
        + rows.size
        + model.n_parties * (model.n_issues + options.size + 2 * x.shape[0])
    )
    check_memory(
        per_world * _MIN_CHUNK,
        f"a chunk of {_MIN_CHUNK:,} sampled worlds of {len(model.parameters):,} parameters and "
        f"{x.shape[0]:,} packages",
        memory_limit,
        "analyse fewer packages, give fewer estimates a range, or raise the memory limit",
    )
    return int(max(_MIN_CHUNK, min(chunk_size, memory_limit // per_world)))


def _run_local(
    model: ParameterModel,
    x: IntArray,
    n_samples: int,
    chunk_size: int,
    seed: int,
    track: tuple[int, ...],
    progress: Progress | None,
    deadline: Deadline,
) -> tuple[list[tuple[IntArray, IntArray, IntArray, IntArray]], int]:
    """The sweep in this process, chunk by chunk; returns the chunks' counts and how many
    worlds they cover.

    Without a time limit the chunks are *chunk_size* worlds. With one, the first
    chunk is small (:data:`_FIRST_TIMED_CHUNK` worlds) and the next ones are
    sized from the time per world measured so far to use about half of the
    time left, so that the deadline is checked often; the first chunk always
    runs. Counts do not depend on the chunking (sample ``i`` has the same
    numbers in any range).
    """
    out: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    timed = not math.isinf(deadline.remaining())
    size = min(chunk_size, _FIRST_TIMED_CHUNK) if timed else chunk_size
    start = 0
    while start < n_samples:
        if out and deadline.expired():
            break  # the time is up: the worlds swept so far
        stop = min(n_samples, start + size)
        began = time.perf_counter()
        out.append(_chunk_counts(model, x, start, stop, seed, track))
        per_world = (time.perf_counter() - began) / (stop - start)
        start = stop
        if timed:
            fit = deadline.remaining() / 2 / max(per_world, 1e-9)
            size = int(min(chunk_size, max(_FIRST_TIMED_CHUNK // 4, fit)))
        if progress is not None:
            progress(start, n_samples)
    return out, start


def _run_chunks(
    model: ParameterModel,
    x: IntArray,
    chunks: list[tuple[int, int]],
    seed: int,
    track: tuple[int, ...],
    client: Any,
    progress: Progress | None,
    workers: int = 1,
) -> list[tuple[IntArray, IntArray, IntArray, IntArray]]:
    total = len(chunks)
    if client is None:
        # NumPy releases the GIL in its kernels: threads share the cores
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            jobs = [pool.submit(_chunk_counts, model, x, a, b, seed, track) for a, b in chunks]
            for done, job in enumerate(jobs, start=1):
                job.result()
                if progress is not None:
                    progress(done, total)
        return [job.result() for job in jobs]
    from distributed import as_completed

    model_f = client.scatter(model, broadcast=True, hash=False)  # a fresh key per sweep
    futures = [
        client.submit(_chunk_counts, model_f, x, a, b, seed, track, pure=False) for a, b in chunks
    ]
    for done, _ in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
        if progress is not None:
            progress(done, total)
    return list(client.gather(futures))


def sensitivity(
    scenario: Scenario | PreparedScenario,
    package: Mapping[str, str] | str,
    *,
    n_samples: int = 20_000,
    seed: int = 0,
    chunk_size: int = 16_384,
    client: Any = None,
) -> SensitivityResult:
    """Rank the uncertain estimates by how much they decide a package's acceptance by all.

    Parameters
    ----------
    scenario:
        The scenario (or prepared scenario).
    package:
        A proposal id, or a (partial) package ``{issue: option}``.
    n_samples, seed, chunk_size, client:
        As :func:`acceptability`.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    InputError
        Unknown proposal id, issue or option, or bad sampling arguments.

    Notes
    -----
    One acceptability sweep; ``O(n_samples × (parameters + issues × parties))``.

    References
    ----------
    Saltelli et al. (2008); Plischke, Borgonovo & Smith (2013).

    Examples
    --------
    >>> from peacetable.io import load_scenario
    >>> s = load_scenario("tests/model/mini.yaml")
    >>> r = sensitivity(s, {"x": "mid", "y": "no"}, n_samples=4096)
    >>> r.most_important.parameter.name
    'B.value.x.mid'
    """
    if isinstance(package, str):
        prepare(scenario).resolve(package)
        result = acceptability(
            scenario,
            n_samples=n_samples,
            seed=seed,
            chunk_size=chunk_size,
            client=client,
            sensitivity_for=(package,),
        )
        name = package
    else:
        result = acceptability(
            scenario,
            {"package": package},
            include_proposals=False,
            n_samples=n_samples,
            seed=seed,
            chunk_size=chunk_size,
            client=client,
            sensitivity_for=("package",),
        )
        name = "package"
    return result.sensitivity[name]
