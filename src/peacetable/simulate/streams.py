"""Counter-based random numbers: one reproducible stream per negotiation.

A batched run and a one-at-a-time run must draw exactly the same numbers for
the same negotiation, whatever the batch, the chunking or the worker. Instead
of a sequential generator, every draw is a pure function of a key
``(seed, negotiation id, step, party, purpose)``: the key's parts are mixed one
after another by the SplitMix64 finaliser (Steele, Lea & Flood 2014) and the
top 53 bits give a uniform number in ``[0, 1)``. This is the idea of
counter-based generators (Salmon et al. 2011): random access, no state, the
same value in NumPy arrays and in scalars.

References
----------
.. [1] Steele, G. L., Lea, D. & Flood, C. H. (2014). Fast splittable
   pseudorandom number generators. *OOPSLA 2014*, 453-472 (SplitMix64).
.. [2] Salmon, J. K., Moraes, M. A., Dror, R. O. & Shaw, D. E. (2011).
   Parallel random numbers: as easy as 1, 2, 3. *SC '11*, article 16.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MASK = (1 << 64) - 1


def _mix(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = z + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def uniform(seed: int, *parts: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Uniform numbers in ``[0, 1)`` that depend only on the key.

    Parameters
    ----------
    seed:
        The run's seed (any integer; taken modulo ``2**64``).
    *parts:
        Non-negative integers or integer arrays (broadcast together), e.g. the
        negotiation ids, the step, the party and a purpose code.

    Returns
    -------
    numpy.ndarray
        Float64 array of the broadcast shape of *parts*.

    Examples
    --------
    >>> import numpy as np
    >>> a = uniform(7, np.arange(3), 5)
    >>> b = np.array([uniform(7, i, 5)[()] for i in range(3)])
    >>> bool((a == b).all()) and bool(((0 <= a) & (a < 1)).all())
    True
    """
    h = _mix(np.asarray(seed & _MASK, dtype=np.uint64))
    for part in parts:
        h = _mix(h ^ np.asarray(part, dtype=np.int64).astype(np.uint64))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
