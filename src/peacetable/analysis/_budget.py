"""Time and memory budgets of the analysis engines, and the checks every lens shares.

An engine that may run long takes a *time limit* (seconds, ``None``: none)
and a *memory limit* (bytes). It estimates the size of what it is about to
build before building it (:func:`check_memory`), checks the time between
stages or chunks (:class:`Deadline`), and when a limit is reached either
stops with what it has -- labelling the answer approximate with how far off
it may be and that the cut depends on the machine's speed
(:meth:`Deadline.note`) -- or refuses with the size and what to do.

A scenario whose constraints leave no agreement cannot be analysed by the
agreement-space lenses; :func:`require_agreements` says so in one sentence.
"""

from __future__ import annotations

import math
import time

from peacetable.core.space import AgreementSpace
from peacetable.errors import AnalysisError, Location

__all__ = [
    "Deadline",
    "check_memory",
    "format_bytes",
    "require_agreements",
]


class Deadline:
    """A time budget measured from its creation.

    Parameters
    ----------
    limit:
        Seconds allowed (``None`` or infinity: no limit).
    parent:
        A deadline this one is part of: it also expires with it, and a cut
        here marks the parent as cut.

    Attributes
    ----------
    cut:
        Whether some work was left undone because the time ran out (set by
        :meth:`expired` when it answers true).

    Examples
    --------
    >>> d = Deadline(None)
    >>> d.expired(), d.remaining()
    (False, inf)
    >>> Deadline(0.0).expired()
    True
    """

    __slots__ = ("_parent", "_start", "cut", "limit")

    def __init__(self, limit: float | None, parent: Deadline | None = None) -> None:
        self.limit = None if limit is None or math.isinf(limit) else max(0.0, float(limit))
        self._start = time.perf_counter()
        self._parent = parent
        self.cut = False

    @classmethod
    def of(cls, value: Deadline | float | None) -> Deadline:
        """*value* if it is a deadline, else a new one of *value* seconds."""
        return value if isinstance(value, Deadline) else cls(value)

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return time.perf_counter() - self._start

    def remaining(self) -> float:
        """Seconds left (``inf`` without a limit; never below 0)."""
        own = math.inf if self.limit is None else max(0.0, self.limit - self.elapsed())
        return own if self._parent is None else min(own, self._parent.remaining())

    def expired(self) -> bool:
        """Whether the time is up (then the work stopped here counts as cut)."""
        if self.remaining() > 0.0:
            return False
        self.mark_cut()
        return True

    def mark_cut(self) -> None:
        """Record that work was left undone (here and in every enclosing deadline)."""
        self.cut = True
        if self._parent is not None:
            self._parent.mark_cut()

    def part(self, fraction: float) -> Deadline:
        """A deadline of *fraction* of the time remaining now, inside this one.

        Examples
        --------
        >>> Deadline(None).part(0.5).limit is None
        True
        """
        left = self.remaining()
        return Deadline(None if math.isinf(left) else left * fraction, parent=self)

    @property
    def seconds(self) -> float | None:
        """The limit of the outermost budget (for messages), or ``None``."""
        if self._parent is not None and self._parent.seconds is not None:
            return self._parent.seconds
        return self.limit

    def note(self) -> str:
        """The words every answer cut short by time carries."""
        limit = self.seconds
        at = f"the {limit:g} s time limit" if limit is not None else "its time limit"
        return f"stopped at {at} (how far it got depends on the machine's speed)"


def format_bytes(n: float) -> str:
    """A byte count in words.

    Examples
    --------
    >>> format_bytes(1536), format_bytes(3 * 2**30)
    ('1.5 KiB', '3.0 GiB')
    """
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def check_memory(nbytes: float, what: str, limit: int, advice: str) -> None:
    """Refuse, before allocating, work whose arrays would exceed *limit* bytes.

    Raises
    ------
    AnalysisError
        ``"<what> needs <size> of working memory (limit <limit>); <advice>"``.

    Examples
    --------
    >>> check_memory(10, "a table", 100, "use fewer options")
    >>> check_memory(2**31, "a table", 2**30, "use fewer options")
    Traceback (most recent call last):
    ...
    peacetable.errors.AnalysisError: a table needs 2.0 GiB of working memory (limit 1.0 GiB); \
use fewer options
    """
    if nbytes > limit:
        raise AnalysisError(
            f"{what} needs {format_bytes(nbytes)} of working memory (limit "
            f"{format_bytes(limit)}); {advice}"
        )


def require_agreements(space: AgreementSpace) -> None:
    """Refuse a scenario whose constraints leave no agreement (nothing to analyse).

    Raises
    ------
    AnalysisError
        Located at the field ``constraints``: every package breaks a
        constraint, or the only package they allow is the no-deal package.

    Examples
    --------
    >>> import numpy as np
    >>> s = AgreementSpace.from_arrays([np.eye(2)], no_deal=[0, 0])
    >>> require_agreements(s)
    """
    if space.n_feasible == 0:
        n = len(space.forbidden)
        raise AnalysisError(
            f"the {n} constraint{'s' * (n != 1)} exclude{'s' * (n == 1)} every one of the "
            f"{space.n_packages:,} packages, so no agreement is possible; remove or relax a "
            "constraint",
            Location(field="constraints"),
        )
    if space.n_agreements == 0:
        raise AnalysisError(
            "the only package the constraints allow is the no-deal package, so no agreement "
            "is possible; remove or relax a constraint",
            Location(field="constraints"),
        )
