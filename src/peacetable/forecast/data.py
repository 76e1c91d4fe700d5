"""The forecasting data model: actors × issues with position, salience and capability.

A :class:`ForecastProblem` is the common input of every forecasting model in
:mod:`peacetable.forecast`.  It is a set of one-dimensional issues, each with a
numeric scale, and for every actor and issue a *position* on that scale, a
*salience* in 0..1 (how much the issue matters to the actor) and a
*capability* (the actor's clout on the issue, any non-negative unit).  An actor
that took no position on an issue has ``NaN`` there and is left out of every
computation on that issue.

This is the data model of the expected-utility tradition (Bueno de Mesquita
1994; Stokman & van Oosten 1994; Thomson et al. 2006, *The European Union
Decides*, ch. 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peacetable.errors import InputError, Location
from peacetable.io.limits import current_limits

FloatArray = NDArray[np.float64]


def check_problem_size(n_actors: int, n_issues: int, where: Location | None = None) -> None:
    """Refuse a data set outside the limits *before* its arrays are allocated.

    At least one actor and one issue; at most ``max_actors`` actors,
    ``max_forecast_issues`` issues and ``max_forecast_cells`` actor × issue
    cells (:mod:`peacetable.io.limits`).

    Raises
    ------
    InputError
        With the size found, the limit and *where* (the file, line or field
        that announced the size).

    Examples
    --------
    >>> check_problem_size(30, 366)
    >>> check_problem_size(1_000_000_000, 1)
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: 1,000,000,000 actors: at most 10,000 (raise the limit with PEACETABLE_MAX_ACTORS)
    """
    lim = current_limits()
    if n_actors < 1 or n_issues < 1:
        what = "actors" if n_actors < 1 else "issues"
        raise InputError(f"the data set has no {what}", where)
    for count, limit, what, env in (
        (n_actors, lim.max_actors, "actors", "MAX_ACTORS"),
        (n_issues, lim.max_forecast_issues, "issues", "MAX_FORECAST_ISSUES"),
        (n_actors * n_issues, lim.max_forecast_cells, "actor × issue cells", "MAX_FORECAST_CELLS"),
    ):
        if count > limit:
            raise InputError(
                f"{count:,} {what}: at most {limit:,} (raise the limit with PEACETABLE_{env})",
                where,
            )


@dataclass(frozen=True)
class IssueScale:
    """One issue and its numeric scale.

    Attributes
    ----------
    id, name:
        Identifier and human-readable name.
    lower, upper:
        Ends of the scale (``lower < upper``).  Positions lie within them.
    labels:
        Optional named points of the scale, ``((value, label), ...)`` in
        increasing order (e.g. the options of an ordered scenario issue).
    outcome:
        The known real-world outcome on this scale, if any (DEU data sets).
    reference_point:
        The status quo on this scale, if known.
    procedure:
        Free-text procedure type (e.g. ``"COD"`` / ``"CNS"`` in DEU), if known.
    group:
        Issues sharing a group (e.g. the issues of one legislative proposal in
        DEU) are negotiated together; the exchange model trades only within a
        group.  ``None``: all issues form one group.
    """

    id: str
    name: str
    lower: float
    upper: float
    labels: tuple[tuple[float, str], ...] = ()
    outcome: float | None = None
    reference_point: float | None = None
    procedure: str | None = None
    group: str | None = None

    @property
    def span(self) -> float:
        """Length of the scale, ``upper - lower``."""
        return self.upper - self.lower

    def nearest_label(self, value: float) -> str | None:
        """Return the label of the named point nearest to *value* (ties: the lower one)."""
        if not self.labels:
            return None
        best = min(self.labels, key=lambda item: (abs(item[0] - value), item[0]))
        return best[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "id": self.id,
            "name": self.name,
            "lower": self.lower,
            "upper": self.upper,
            "labels": [[v, label] for v, label in self.labels],
            "outcome": self.outcome,
            "reference_point": self.reference_point,
            "procedure": self.procedure,
            "group": self.group,
        }


@dataclass(frozen=True)
class ForecastProblem:
    """Actors × issues with position, salience and capability.

    Attributes
    ----------
    actors:
        Actor identifiers, in input order.
    issues:
        One :class:`IssueScale` per issue, in input order.
    position:
        ``(n_actors, n_issues)`` positions on each issue's scale; ``NaN`` where
        the actor took no position.
    salience:
        ``(n_actors, n_issues)`` saliences in 0..1 (``NaN`` where absent).
    capability:
        ``(n_actors, n_issues)`` non-negative capabilities (``NaN`` where absent).
    name:
        Name of the data set (file name or scenario id).
    source:
        Where the data came from (path, format).

    Raises
    ------
    InputError
        If shapes disagree, a salience lies outside 0..1, a capability is
        negative, or a position lies outside its issue's scale.
    """

    actors: tuple[str, ...]
    issues: tuple[IssueScale, ...]
    position: FloatArray
    salience: FloatArray
    capability: FloatArray
    name: str = ""
    source: str = ""
    actor_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        shape = (len(self.actors), len(self.issues))
        for label in ("position", "salience", "capability"):
            arr = np.asarray(getattr(self, label), dtype=np.float64)
            if arr.shape != shape:
                raise InputError(
                    f"{label} has shape {arr.shape}, expected {shape} (actors × issues)",
                    Location(file=self.source or None, field=label),
                )
            arr.setflags(write=False)
            object.__setattr__(self, label, arr)
        if not self.actor_names:
            object.__setattr__(self, "actor_names", self.actors)
        if len(set(self.actors)) != len(self.actors):
            raise InputError("duplicate actor id", Location(file=self.source or None))
        present = ~np.isnan(self.position)
        loc = Location(file=self.source or None)
        if np.any(present & (np.isnan(self.salience) | np.isnan(self.capability))):
            self._raise_at(
                present & (np.isnan(self.salience) | np.isnan(self.capability)),
                "salience/capability missing where a position is given",
            )
        sal = np.where(present, self.salience, 0.0)
        if np.any((sal < 0) | (sal > 1)):
            self._raise_at(present & ((sal < 0) | (sal > 1)), "salience must lie in 0..1")
        cap = np.where(present, self.capability, 0.0)
        if np.any(cap < 0):
            self._raise_at(present & (cap < 0), "capability must be non-negative")
        for k, issue in enumerate(self.issues):
            if not issue.upper > issue.lower:
                raise InputError(
                    f"issue {issue.id!r}: scale upper ({issue.upper}) must exceed lower "
                    f"({issue.lower})",
                    Location(file=loc.file, field=f"issues.{issue.id}"),
                )
            col = self.position[:, k]
            bad = present[:, k] & ((col < issue.lower - 1e-9) | (col > issue.upper + 1e-9))
            if np.any(bad):
                a = int(np.flatnonzero(bad)[0])
                raise InputError(
                    f"position {col[a]} of actor {self.actors[a]!r} lies outside the scale "
                    f"[{issue.lower}, {issue.upper}] of issue {issue.id!r}",
                    Location(file=loc.file, field=f"{self.actors[a]}.{issue.id}.position"),
                )

    def _raise_at(self, mask: NDArray[np.bool_], message: str) -> None:
        a, k = (int(v) for v in np.argwhere(mask)[0])
        raise InputError(
            f"{message} (actor {self.actors[a]!r}, issue {self.issues[k].id!r})",
            Location(file=self.source or None, field=f"{self.actors[a]}.{self.issues[k].id}"),
        )

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issues)

    @property
    def present(self) -> NDArray[np.bool_]:
        """``(n_actors, n_issues)`` mask: the actor has a position on the issue."""
        return ~np.isnan(self.position)

    @property
    def lower(self) -> FloatArray:
        """Lower ends of the issue scales, shape ``(n_issues,)``."""
        return np.array([i.lower for i in self.issues], dtype=np.float64)

    @property
    def upper(self) -> FloatArray:
        """Upper ends of the issue scales, shape ``(n_issues,)``."""
        return np.array([i.upper for i in self.issues], dtype=np.float64)

    @property
    def outcomes(self) -> FloatArray:
        """Known outcomes per issue (``NaN`` where unknown)."""
        return np.array(
            [np.nan if i.outcome is None else i.outcome for i in self.issues], dtype=np.float64
        )

    def issue_index(self, issue_id: str) -> int:
        """Index of the issue *issue_id*; :class:`InputError` if unknown."""
        for k, issue in enumerate(self.issues):
            if issue.id == issue_id:
                return k
        raise InputError(f"unknown issue {issue_id!r}", Location(field="issue"))

    def subset(self, issue_indices: Sequence[int] | NDArray[np.intp]) -> ForecastProblem:
        """The same actors on a subset of the issues (in the given order)."""
        idx = np.asarray(issue_indices, dtype=np.intp)
        return ForecastProblem(
            actors=self.actors,
            issues=tuple(self.issues[int(k)] for k in idx),
            position=self.position[:, idx],
            salience=self.salience[:, idx],
            capability=self.capability[:, idx],
            name=self.name,
            source=self.source,
            actor_names=self.actor_names,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (``NaN`` → ``None``)."""

        def clean(arr: FloatArray) -> list[list[float | None]]:
            return [[None if np.isnan(v) else float(v) for v in row] for row in arr]

        return {
            "name": self.name,
            "source": self.source,
            "actors": list(self.actors),
            "issues": [i.to_dict() for i in self.issues],
            "position": clean(self.position),
            "salience": clean(self.salience),
            "capability": clean(self.capability),
        }


def problem_from_arrays(
    actors: Sequence[str],
    position: Sequence[Sequence[float]] | FloatArray,
    salience: Sequence[Sequence[float]] | FloatArray,
    capability: Sequence[Sequence[float]] | FloatArray | Sequence[float],
    *,
    issues: Sequence[str] | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
    name: str = "",
) -> ForecastProblem:
    """Build a :class:`ForecastProblem` from plain arrays.

    Parameters
    ----------
    actors:
        Actor ids.
    position, salience:
        ``(n_actors, n_issues)`` arrays (a 1-D array is read as one issue).
    capability:
        ``(n_actors, n_issues)`` or ``(n_actors,)`` (the same on every issue).
    issues:
        Issue ids (default ``"issue1"``, ...).
    scales:
        ``{issue_id: (lower, upper)}``; default: the range of the positions
        (or ``(x, x + 1)`` when all positions coincide).
    name:
        Data set name.

    Returns
    -------
    ForecastProblem

    Examples
    --------
    >>> p = problem_from_arrays(["a", "b"], [4, 10], [0.5, 1.0], [1.0, 2.0])
    >>> p.n_actors, p.n_issues, p.issues[0].lower, p.issues[0].upper
    (2, 1, 4.0, 10.0)
    """
    pos = np.asarray(position, dtype=np.float64)
    if pos.ndim == 1:
        pos = pos[:, None]
    sal = np.asarray(salience, dtype=np.float64)
    if sal.ndim == 1:
        sal = sal[:, None]
    cap = np.asarray(capability, dtype=np.float64)
    if cap.ndim == 1:
        cap = np.repeat(cap[:, None], pos.shape[1], axis=1)
    ids = list(issues) if issues is not None else [f"issue{k + 1}" for k in range(pos.shape[1])]
    if len(ids) != pos.shape[1]:
        raise InputError(f"{len(ids)} issue ids for {pos.shape[1]} issue columns")
    scale_list = []
    for k, issue_id in enumerate(ids):
        if scales is not None and issue_id in scales:
            lo, hi = scales[issue_id]
        else:
            col = pos[:, k][~np.isnan(pos[:, k])]
            lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 1.0)
            if hi <= lo:
                hi = lo + 1.0
        scale_list.append(IssueScale(id=issue_id, name=issue_id, lower=float(lo), upper=float(hi)))
    return ForecastProblem(
        actors=tuple(actors),
        issues=tuple(scale_list),
        position=pos,
        salience=sal,
        capability=cap,
        name=name,
    )
