"""Dependencies between options: terms that hold only while another term holds.

A :class:`Dependency` says that the options in ``options`` (e.g. every agreed
term of a settlement) can be taken only while at least one option of
``requires`` is taken (e.g. "a ceasefire holds"). A state that breaks a
dependency is not a state of the world. A move that breaks one — the mover
changes its own options so that no required option is taken any more — voids
the dependent options *in the same move*: they are cleared and ``fallback``
(the issue's status quo) is taken instead. :func:`repair` applies this rule
until nothing changes, so a chain of dependencies (``a`` needs ``b``, ``b``
needs ``c``) collapses at once.

This extends the option form of the graph model (Fang, Hipel & Kilgour 1993,
ch. 2), in which a move changes only the mover's own options: here a move also
changes the options its consequences void, whoever controls them. The
consequences are what makes a party's walk-away move (resuming a war) land in
the state where every term that depended on the peace has lapsed.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from peacetable.errors import InputError


@dataclass(frozen=True)
class Dependency:
    """Options that hold only while one of the ``requires`` options is taken.

    Attributes
    ----------
    options:
        The dependent options (bit indices).
    requires:
        At least one of these must be taken for any dependent option to hold.
    fallback:
        The option taken instead when the dependent options are voided (the
        issue's status quo), or ``None`` to clear them only.
    label:
        What the dependency means, for explanations.
    """

    options: frozenset[int]
    requires: frozenset[int]
    fallback: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not self.options or not self.requires:
            raise InputError("a dependency needs dependent and required options")
        if self.fallback is not None and self.fallback in self.options:
            raise InputError("a dependency's fallback cannot be one of its dependent options")

    def masks(self) -> tuple[np.int64, np.int64, np.int64]:
        """Bit masks of the dependent options, the required options and the fallback."""
        return (
            _mask(self.options),
            _mask(self.requires),
            _mask(() if self.fallback is None else (self.fallback,)),
        )


def _mask(options: Iterable[int]) -> np.int64:
    m = 0
    for k in options:
        m |= 1 << int(k)
    return np.int64(m)


def broken(dependencies: Sequence[Dependency], codes: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which state codes break some dependency (a dependent option without its requirement).

    Examples
    --------
    >>> dep = Dependency(frozenset({2}), frozenset({0}), fallback=1)
    >>> broken([dep], np.array([0b101, 0b100, 0b010])).tolist()
    [False, True, False]
    """
    out = np.zeros(np.shape(codes), dtype=bool)
    for dep in dependencies:
        opts, req, _ = dep.masks()
        out |= ((codes & opts) != 0) & ((codes & req) == 0)
    return out


def repair(dependencies: Sequence[Dependency], codes: NDArray[np.int64]) -> NDArray[np.int64]:
    """The codes after voiding every dependent option whose requirement is not met.

    Voiding only ever clears dependent options and takes fallbacks, and no
    fallback is itself a dependent option (:func:`~peacetable.conflict.build_model`
    checks it), so each dependency fires at most once and the loop ends after at
    most one pass per dependency.

    Examples
    --------
    Option 2 (a term) needs option 0 (a ceasefire); voided, option 1 is taken.

    >>> dep = Dependency(frozenset({2}), frozenset({0}), fallback=1)
    >>> repair([dep], np.array([0b101, 0b100, 0b010])).tolist()
    [5, 2, 2]
    """
    out = np.asarray(codes, dtype=np.int64).copy()
    if not dependencies:
        return out
    masks = [d.masks() for d in dependencies]
    for _ in range(len(masks) + 1):
        changed = False
        for opts, req, fallback in masks:
            hit = ((out & opts) != 0) & ((out & req) == 0)
            if hit.any():
                out[hit] = (out[hit] & ~opts) | fallback
                changed = True
        if not changed:
            break
    return out
