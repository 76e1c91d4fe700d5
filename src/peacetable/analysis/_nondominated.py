"""Non-dominated filtering of utility vectors (maximisation, ties kept).

A vector ``y`` *dominates* ``x`` when ``y >= x`` in every coordinate and
``y != x``. Equal vectors never dominate each other: they are kept as ties.

References
----------
.. [1] Kung, H. T., Luccio, F. & Preparata, F. P. (1975). On finding the
   maxima of a set of vectors. *J. ACM* 22(4), 469-476 (sort-and-sweep for
   two and three dimensions; divide and conquer beyond).
.. [2] Bentley, J. L. (1980). Multidimensional divide-and-conquer.
   *Commun. ACM* 23(4), 214-229.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import BoolArray, FloatArray, IntArray

#: Boolean work-array budget (elements) of one block comparison.
_BLOCK_BUDGET = 4_000_000


class Interrupted(Exception):
    """The caller's ``stop()`` asked the filter to give up (e.g. its time ran out)."""


def unique_rows(points: FloatArray) -> tuple[FloatArray, IntArray]:
    """Distinct rows (lexicographically sorted) and, per input row, its distinct row.

    Notes
    -----
    One ``lexsort``: ``O(n log n * d)``.
    """
    n = points.shape[0]
    if n == 0:
        return points.copy(), np.zeros(0, dtype=np.int64)
    order = np.lexsort(points.T[::-1])
    srt = points[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (srt[1:] != srt[:-1]).any(axis=1)
    ids = np.cumsum(new) - 1
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = ids
    return srt[new], inverse


def tie_classes(points: FloatArray, tol: float) -> FloatArray:
    """Per coordinate, the rank of each value's tie class: sorted values whose gaps are
    at most *tol* share a class (the core's tie rule on the exact grid).

    Comparing class ranks instead of values decides dominance with ties
    within *tol* counted as equal. ``O(n log n)`` per coordinate.

    Examples
    --------
    >>> tie_classes(np.array([[0.0], [1e-12], [1.0]]), 1e-11).ravel().tolist()
    [0.0, 0.0, 1.0]
    """
    canon = np.empty_like(points)
    for j in range(points.shape[1]):
        order = np.argsort(points[:, j], kind="stable")
        values = points[order, j]
        canon[order, j] = np.concatenate([[0.0], np.cumsum(np.diff(values) > tol)])
    return canon


def nondominated_unique(points: FloatArray, stop: Callable[[], bool] | None = None) -> BoolArray:
    """Mask of the non-dominated rows of *distinct* rows.

    Parameters
    ----------
    points:
        ``(n, d)`` array without duplicate rows.
    stop:
        Asked between blocks (``d >= 3``); when it answers true the filter
        raises :class:`Interrupted`.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` boolean mask.

    Notes
    -----
    ``d == 2``: sort by the first coordinate (descending, ties by the second)
    and sweep with a running maximum of the second, ``O(n log n)`` [1]_.
    ``d >= 3``: sort by coordinate sum (a dominator has a strictly larger sum),
    then compare blocks against the front found so far with vectorised
    broadcasting, ``O(n * f * d)`` for a front of size ``f``.
    """
    n, d = points.shape
    if n <= 1:
        return np.ones(n, dtype=bool)
    if d == 1:
        return np.asarray(points[:, 0] == points[:, 0].max(), dtype=bool)
    if d == 2:
        order = np.lexsort((-points[:, 1], -points[:, 0]))
        second = points[order, 1]
        best_before = np.empty(n)
        best_before[0] = -np.inf
        np.maximum.accumulate(second[:-1], out=best_before[1:])
        keep = np.empty(n, dtype=bool)
        keep[order] = best_before < second
        return keep
    return _nondominated_blocked(points, stop)


def _dominated_by(front_t: FloatArray, blk_t: FloatArray) -> BoolArray:
    """``(b,)``: is each column of *blk_t* ``(d, b)`` weakly below a column of *front_t*?"""
    ge = front_t[0][None, :] >= blk_t[0][:, None]
    for c in range(1, blk_t.shape[0]):
        ge &= front_t[c][None, :] >= blk_t[c][:, None]
    return np.asarray(ge.any(axis=1))


def _nondominated_blocked(points: FloatArray, stop: Callable[[], bool] | None) -> BoolArray:
    n, d = points.shape
    order = np.argsort(-points.sum(axis=1), kind="stable")
    srt_t = np.ascontiguousarray(points[order].T)  # (d, n): contiguous coordinates
    keep_sorted = np.zeros(n, dtype=bool)
    front_t = np.empty((d, n))  # the front found so far, in descending-sum order
    f = 0
    start = 0
    while start < n:
        if stop is not None and stop():
            raise Interrupted
        # within-block work is b*b*d, against the front b*f*d: keep b well below f
        block = int(max(64, min(1024, f // 4, _BLOCK_BUDGET // max(f, 1))))
        blk_t = srt_t[:, start : start + block]
        b = blk_t.shape[1]
        # dominated by the front found so far (all of it has a larger or equal sum);
        # strongest front points first, and only survivors meet the next chunk
        live = np.arange(b)
        step = int(max(256, min(2048, _BLOCK_BUDGET // b)))
        for j in range(0, f, step):
            live = live[~_dominated_by(front_t[:, j : min(f, j + step)], blk_t[:, live])]
            if live.size == 0:
                break
        # dominated inside the block (distinct rows: >= everywhere means dominates);
        # columns are in descending-sum order, so only earlier ones can dominate later ones
        if live.size > 1:
            sub = blk_t[:, live]
            ge = sub[0][None, :] >= sub[0][:, None]
            for c in range(1, d):
                ge &= sub[c][None, :] >= sub[c][:, None]
            ge &= np.tri(live.size, k=-1, dtype=bool)
            live = live[~ge.any(axis=1)]
        keep_sorted[start + live] = True
        front_t[:, f : f + live.size] = blk_t[:, live]
        f += live.size
        start += b
    keep = np.empty(n, dtype=bool)
    keep[order] = keep_sorted
    return keep


def nondominated_mask(points: npt.ArrayLike) -> BoolArray:
    """Mask of the rows of *points* that no other row dominates (ties kept).

    Parameters
    ----------
    points:
        ``(n, d)`` utility vectors, larger is better.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` boolean mask; equal rows are all kept or all dropped.

    Examples
    --------
    >>> nondominated_mask([[1, 2], [2, 1], [1, 1], [2, 1]]).tolist()
    [True, True, False, True]
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2:
        raise ValueError("points must be a 2-d array")
    uniq, inverse = unique_rows(pts)
    return nondominated_unique(uniq)[inverse]
