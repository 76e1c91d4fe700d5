"""One set of settings, with one set of defaults, for every surface.

:class:`Settings` holds what several lenses share (the seed, sample sizes,
the horizon, the proposals in focus) and, per lens, its own options. A lens
declares a typed settings block (a frozen dataclass with defaults); the
session fills it from :class:`Settings` -- a field named like a shared
setting takes that value, any other field its lens option or default -- so
the CLI, the report, ``analyze`` and the web app run every lens with the
same defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from peacetable.defaults import (
    DEFAULT_HORIZON,
    DEFAULT_MAX_CHANGES,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TIME_LIMIT,
)
from peacetable.errors import InputError, Location, suggest

T = TypeVar("T")

__all__ = [
    "DEFAULT_HORIZON",
    "DEFAULT_MAX_CHANGES",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_RIPENESS_SAMPLES",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TIME_LIMIT",
    "Settings",
    "lens_settings",
]


@dataclass(frozen=True)
class Settings:
    """Settings shared by every lens and surface.

    Attributes
    ----------
    seed:
        Seed of every random routine (same seed, same answer).
    samples:
        Sampled worlds of the uncertainty lens (acceptability, robust package).
    ripeness_samples:
        Sampled worlds of the ripeness probabilities (each searched month by month).
    horizon:
        Months the time-dependent lenses (ripeness) look ahead.
    max_changes:
        Largest number of changed provisions the "what would it take" searches try.
    proposals:
        Proposal ids in focus (``None``: every proposal on the table).
    trade_process:
        Let the agreement-space searches vary the process issues of a scenario
        whose ``process`` block says the talks are agreed first (default: they
        are held at the agreed process; see
        :meth:`peacetable.core.PreparedScenario.settled`).
    time_limit:
        Seconds each lens may spend on its long work (searches, solver runs,
        sampled sweeps). A lens that reaches it stops with what it has and
        labels the answer approximate (``provenance.exact`` false, with the
        bound and a note that the cut depends on the machine's speed), or
        refuses with the size and what to do. ``None``: no limit.
    memory_limit:
        Bytes of working arrays one step of a lens may allocate; sizes are
        estimated before allocating, and a lens over the limit works in
        smaller pieces, switches to a labelled approximation, or refuses.
    lens_options:
        Per lens key, options of that lens's settings block.

    Examples
    --------
    >>> Settings(samples=500).samples
    500
    """

    seed: int = DEFAULT_SEED
    samples: int = DEFAULT_SAMPLES
    ripeness_samples: int = DEFAULT_RIPENESS_SAMPLES
    horizon: int = DEFAULT_HORIZON
    max_changes: int = DEFAULT_MAX_CHANGES
    proposals: tuple[str, ...] | None = None
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    lens_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, least in (("samples", 1), ("ripeness_samples", 1), ("horizon", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < least:
                raise InputError(
                    f"{name} must be a whole number of at least {least}, got {value!r}",
                    Location(field=name),
                )
        if not isinstance(self.max_changes, int) or self.max_changes < 0:
            raise InputError(
                f"max_changes must be a whole number of at least 0, got {self.max_changes!r}",
                Location(field="max_changes"),
            )
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(
                f"seed must be a whole number of at least 0, got {self.seed!r}",
                Location(field="seed"),
            )
        if self.time_limit is not None and (
            isinstance(self.time_limit, bool)
            or not isinstance(self.time_limit, int | float)
            or not self.time_limit > 0
        ):
            raise InputError(
                f"time_limit must be a positive number of seconds (or None), "
                f"got {self.time_limit!r}",
                Location(field="time_limit"),
            )
        if (
            isinstance(self.memory_limit, bool)
            or not isinstance(self.memory_limit, int)
            or self.memory_limit < 1 << 20
        ):
            raise InputError(
                f"memory_limit must be a whole number of bytes of at least 1 MiB, "
                f"got {self.memory_limit!r}",
                Location(field="memory_limit"),
            )
        if self.proposals is not None:
            object.__setattr__(self, "proposals", tuple(self.proposals))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the shared settings; lens options under ``lens_options``)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["proposals"] = list(self.proposals) if self.proposals is not None else None
        out["lens_options"] = {k: dict(v) for k, v in self.lens_options.items()}
        return out


def lens_settings(
    block: type[T], settings: Settings, key: str, overrides: Mapping[str, Any] | None = None
) -> T:
    """Fill a lens's settings block from the shared settings, its lens options and *overrides*.

    Parameters
    ----------
    block:
        The lens's frozen dataclass of settings.
    settings:
        The shared settings.
    key:
        The lens key (selects ``settings.lens_options[key]``).
    overrides:
        Options of this one call (take precedence).

    Returns
    -------
    An instance of *block*.

    Raises
    ------
    InputError
        An option the block does not have (with a did-you-mean).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Block:
    ...     seed: int = 0
    ...     top: int = 3
    >>> lens_settings(Block, Settings(seed=7), "demo", {"top": 1})
    Block(seed=7, top=1)
    """
    if not dataclasses.is_dataclass(block):
        raise TypeError(f"{block!r} is not a dataclass")
    names = [f.name for f in dataclasses.fields(block)]
    values: dict[str, Any] = {}
    shared = {f.name for f in dataclasses.fields(Settings)} - {"lens_options"}
    for name in names:
        if name in shared:
            values[name] = getattr(settings, name)
    for source in (settings.lens_options.get(key, {}), overrides or {}):
        for name, value in source.items():
            if name not in names:
                raise InputError(
                    f"lens {key!r} has no setting {name!r}{suggest(name, names)}; "
                    f"settings: {', '.join(names)}",
                    Location(field=f"lens_options.{key}.{name}"),
                )
            values[name] = value
    return block(**values)
