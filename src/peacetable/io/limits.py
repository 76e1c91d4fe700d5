"""Resource limits of the readers, checked before any large allocation.

Every reader of peacetable (scenario YAML/JSON, GMCR ``.gmcr``, GENIUS XML,
GeniusWeb JSON, BDM/KTAB/Decide/DEU forecasting data) and the GMCR model
builder estimate the size of what they are about to build and refuse, with a
message naming the size, the limit and what to do, before they build it. The
limits are settings: :data:`DEFAULT_LIMITS` holds the documented defaults
(``docs/format.md``, "Limits"), an environment variable ``PEACETABLE_<NAME>``
(e.g. ``PEACETABLE_MAX_STATES=8388608``) overrides one for a command-line run,
and :func:`use_limits` overrides them for a block of Python code.

Examples
--------
>>> current_limits().max_states == DEFAULT_LIMITS.max_states
True
>>> with use_limits(max_states=1024):
...     current_limits().max_states
1024
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from peacetable.errors import InputError, Location

__all__ = ["DEFAULT_LIMITS", "Limits", "current_limits", "use_limits"]


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what a reader may build.

    Attributes
    ----------
    max_file_bytes:
        Largest input file read (bytes); checked with ``stat`` before reading.
    max_depth:
        Deepest nesting of YAML/JSON collections (a scenario needs about 6).
    max_nodes:
        Most YAML nodes a document may hold *after* expanding its aliases
        (an "alias bomb" is refused while it is parsed, before any walk).
    max_number_digits:
        Most digits of a number written in a file (a 5,000-digit integer or
        ``10**400`` is refused with its location).
    max_states:
        Most feasible states of a GMCR conflict model (``2**22``); the
        enumeration stops before it exceeds this.
    max_actors:
        Most actors of a forecasting data set.
    max_forecast_issues:
        Most issues of a forecasting data set.
    max_forecast_cells:
        Most actor × issue cells of a forecasting data set.
    """

    max_file_bytes: int = 64 * 1024 * 1024
    max_depth: int = 100
    max_nodes: int = 250_000
    max_number_digits: int = 100
    max_states: int = 2**22
    max_actors: int = 10_000
    max_forecast_issues: int = 10_000
    max_forecast_cells: int = 2_000_000

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(
                    f"limit {f.name} must be a positive integer, got {value!r}",
                    Location(field=f.name),
                )


#: The documented defaults.
DEFAULT_LIMITS = Limits()

_OVERRIDE: ContextVar[Limits | None] = ContextVar("peacetable_limits", default=None)


def _from_environment() -> Limits:
    changes: dict[str, int] = {}
    for f in dataclasses.fields(Limits):
        name = f"PEACETABLE_{f.name.upper()}"
        raw = os.environ.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            changes[f.name] = int(raw.strip().replace("_", ""))
        except ValueError:
            raise InputError(
                f"{raw.strip()!r} is not a whole number", Location(field=name)
            ) from None
    return dataclasses.replace(DEFAULT_LIMITS, **changes) if changes else DEFAULT_LIMITS


def current_limits() -> Limits:
    """The limits in force: a :func:`use_limits` block, else the environment, else the defaults.

    Raises
    ------
    InputError
        If a ``PEACETABLE_MAX_…`` environment variable is not a positive whole number.
    """
    override = _OVERRIDE.get()
    return override if override is not None else _from_environment()


@contextlib.contextmanager
def use_limits(limits: Limits | None = None, **changes: int) -> Iterator[Limits]:
    """Run a block with other limits (a :class:`Limits`, and/or single fields changed).

    Examples
    --------
    >>> with use_limits(max_depth=10) as lim:
    ...     lim.max_depth, lim.max_states == DEFAULT_LIMITS.max_states
    (10, True)
    """
    base = limits if limits is not None else current_limits()
    chosen = dataclasses.replace(base, **changes) if changes else base
    token = _OVERRIDE.set(chosen)
    try:
        yield chosen
    finally:
        _OVERRIDE.reset(token)
