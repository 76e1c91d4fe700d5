"""The array types every engine computes with (one place for the aliases)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
"""Option indices, counts, row numbers."""
FloatArray = npt.NDArray[np.float64]
"""Utilities, weights, probabilities."""
BoolArray = npt.NDArray[np.bool_]
"""Masks: feasibility, acceptance."""

__all__ = ["BoolArray", "FloatArray", "IntArray"]
