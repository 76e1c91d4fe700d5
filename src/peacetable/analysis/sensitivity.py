"""Which uncertain estimate matters most for a proposal's fate.

The *fate* of a package in a sampled world is the indicator ``Y`` that every
party accepts it. The first-order (main-effect) variance-based sensitivity
index of parameter ``θ_k`` is (Saltelli et al. 2008, ch. 1.2.6 and 4)::

    S_k = Var(E[Y | θ_k]) / Var(Y)

the share of the variance of the outcome that fixing ``θ_k`` alone would
remove -- exactly the "which estimate to firm up first" question. It is
estimated from the same Monte Carlo samples as the acceptability analysis
("given data" estimator; Plischke, Borgonovo & Smith 2013): the range of
each parameter is cut into :data:`N_BINS` equal-width bins, which under
uniform sampling are equal-probability bins, and ``Var(E[Y | θ_k])`` is the
spread of the acceptance rate across the bins. Because ``Y`` is 0/1 every
quantity is an integer count, so the estimate is identical whatever the
chunking and whether the sweep ran locally or on Dask.

Without any effect the estimator still averages about ``(N_BINS - 1) / n``
(its *noise floor*, reported); indices near that floor are
indistinguishable from zero.

References
----------
.. [1] Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J.,
   Gatelli, D., Saisana, M. & Tarantola, S. (2008). *Global Sensitivity
   Analysis: The Primer*. Wiley.
.. [2] Plischke, E., Borgonovo, E. & Smith, C. L. (2013). Global sensitivity
   measures from given data. *European Journal of Operational Research*
   226(3), 536-550.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.core.arrays import BoolArray, FloatArray, IntArray
from peacetable.core.results import Provenance, Result
from peacetable.core.sampling import Parameter

N_BINS = 10
"""Equal-probability bins per parameter for the given-data estimator."""


def bin_counts(
    uniforms: FloatArray, hits: BoolArray, n_bins: int = N_BINS
) -> tuple[IntArray, IntArray]:
    """Per-bin counts of one chunk of samples (the streaming part of the estimator).

    Parameters
    ----------
    uniforms:
        ``(K, n)`` raw uniforms in ``[0, 1)`` of the sampled parameters.
    hits:
        ``(m, n)`` whether all parties accept each of ``m`` packages.
    n_bins:
        Bins per parameter.

    Returns
    -------
    (hit_counts, totals)
        ``(m, K, n_bins)`` samples in each bin where the package was accepted
        by all, and ``(K, n_bins)`` samples in each bin.

    Notes
    -----
    ``O(n K bins (1 + m p))`` with ``p`` the acceptance rate (byte comparisons).
    """
    k = uniforms.shape[0]
    keyed = np.minimum(uniforms * n_bins, n_bins - 1).astype(np.uint8)
    totals = np.stack([np.count_nonzero(keyed == b, axis=1) for b in range(n_bins)], axis=1)
    out = np.zeros((hits.shape[0], k, n_bins), dtype=np.int64)
    for j in range(hits.shape[0]):
        rows = keyed[:, hits[j]]
        if rows.size:
            out[j] = np.stack([np.count_nonzero(rows == b, axis=1) for b in range(n_bins)], 1)
    return out, totals.astype(np.int64)


@dataclass(frozen=True)
class Influence:
    """How much one uncertain parameter matters for a package's acceptance by all.

    Attributes
    ----------
    parameter:
        The parameter (name, kind, party, base value, sampled interval).
    index:
        First-order variance-based index ``S_k`` in 0..1 (estimate).
    p_low, p_high:
        Probability that all accept when the parameter lies in the lowest /
        highest tenth of its interval (estimates): the direction of the effect.
    """

    parameter: Parameter
    index: float
    p_low: float
    p_high: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            **self.parameter.to_dict(),
            "index": self.index,
            "p_all_accept_when_low": self.p_low,
            "p_all_accept_when_high": self.p_high,
        }


@dataclass(frozen=True)
class SensitivityResult(Result):
    """Parameters ranked by their first-order influence on one package's acceptance.

    Attributes
    ----------
    package_name:
        Which package.
    influences:
        Every sampled parameter, most influential first.
    p_all_accept:
        Probability that all accept (estimate over the samples).
    noise_floor:
        Expected index of a parameter without any effect, ``(bins - 1) / n``.
    n_samples:
        Worlds the estimate uses (``provenance`` records the seed).
    """

    package_name: str
    influences: tuple[Influence, ...]
    p_all_accept: float
    noise_floor: float
    n_samples: int

    @property
    def most_important(self) -> Influence | None:
        """The estimate to firm up first (``None`` if acceptance never varies)."""
        if not self.influences or self.influences[0].index <= self.noise_floor:
            return None
        return self.influences[0]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-serialisable form (the *top* parameters, all if ``None``)."""
        shown = self.influences if top is None else self.influences[:top]
        return {
            "package": self.package_name,
            "n_samples": self.n_samples,
            "bins": N_BINS,
            "p_all_accept": self.p_all_accept,
            "noise_floor": self.noise_floor,
            "influences": [i.to_dict() for i in shown],
            "provenance": self.provenance.to_dict(),
        }


def first_order_indices(
    package_name: str,
    parameters: Sequence[Parameter],
    hit_counts: IntArray,
    totals: IntArray,
    n_samples: int,
    seed: int,
) -> SensitivityResult:
    """First-order indices of one package from its accumulated bin counts.

    Parameters
    ----------
    package_name:
        Label of the package.
    parameters:
        The sampled parameters, in the column order of the counts.
    hit_counts, totals:
        ``(K, bins)`` counts from :func:`bin_counts`, summed over all chunks.
    n_samples, seed:
        Recorded in the result.

    Returns
    -------
    SensitivityResult

    Notes
    -----
    ``S_k = Σ_b n_kb (p_kb - p)² / (n p (1 - p))``; ``O(K × bins)``.
    Ties in the index are ordered by parameter order (deterministic).

    References
    ----------
    Saltelli et al. (2008), ch. 4; Plischke, Borgonovo & Smith (2013).
    """
    n = int(n_samples)
    hits = int(hit_counts[0].sum()) if hit_counts.size else 0
    p = hits / n
    var = p * (1 - p)
    influences = []
    for k, par in enumerate(parameters):
        nb = totals[k].astype(float)
        pb = np.divide(hit_counts[k], nb, out=np.zeros_like(nb), where=nb > 0)
        s = float(np.sum(nb * (pb - p) ** 2) / (n * var)) if var > 0 else 0.0
        influences.append(Influence(par, min(1.0, s), float(pb[0]), float(pb[-1])))
    order = sorted(range(len(influences)), key=lambda k: (-influences[k].index, k))
    return SensitivityResult(
        package_name=package_name,
        influences=tuple(influences[k] for k in order),
        p_all_accept=p,
        noise_floor=(N_BINS - 1) / n,
        n_samples=n,
        provenance=Provenance(
            "first-order variance-based index, given-data binned estimator",
            exact=False,
            bound="Monte Carlo estimate over the samples",
            seed=seed,
            samples=n,
        ),
    )
