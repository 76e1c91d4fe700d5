"""The lens registry: every lens, its settings, its command-line module and its report section.

A lens is a :class:`Lens`: a key, the question it answers, a typed settings
block with defaults, and ``run(prepared, settings, session) -> Result``. The
registry lists each lens once in :data:`LENSES`, by import path, so that the
command line and the report can find a lens's commands and section without
importing its engine (``peacetable --help`` stays fast). Adding a lens is its
package plus one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peacetable.errors import InputError, Location, suggest

if TYPE_CHECKING:
    from peacetable.core.prepared import PreparedScenario
    from peacetable.core.results import Result
    from peacetable.core.session import Session

Runner = Callable[["PreparedScenario", Any, "Session"], "Result"]


@dataclass(frozen=True)
class Lens:
    """One lens: what it answers and how to run it.

    Attributes
    ----------
    key:
        Identifier (``session.result(key)``).
    question:
        The mediator's question it answers, in plain words.
    settings:
        Its settings block: a frozen dataclass whose fields all have defaults;
        fields named like :class:`~peacetable.core.settings.Settings` fields
        take the shared value.
    run:
        ``run(prepared, settings, session) -> Result``; raises
        :class:`~peacetable.errors.AnalysisError` when it cannot answer for the
        scenario (the session turns that into ``NotApplicable``). It may read
        other lenses' results through *session*.
    """

    key: str
    question: str
    settings: type[Any]
    run: Runner


@dataclass(frozen=True)
class LensEntry:
    """Where a lens lives: its :class:`Lens` object, command-line module and report section.

    Attributes
    ----------
    key:
        The lens key.
    lens:
        ``"module:attribute"`` of the :class:`Lens`.
    cli:
        Module under :mod:`peacetable.cli` that registers its commands, if any.
    report:
        Module under :mod:`peacetable.report.sections` that builds its section, if any.
    """

    key: str
    lens: str
    cli: str | None = None
    report: str | None = None

    def load(self) -> Lens:
        """Import the lens object."""
        module_name, _, attribute = self.lens.partition(":")
        lens = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(lens, Lens) or lens.key != self.key:
            raise TypeError(f"{self.lens} is not the Lens {self.key!r}")
        return lens


#: Every lens, in the order the report and ``analyze`` present them.
LENSES: tuple[LensEntry, ...] = (
    LensEntry("acceptance", "peacetable.analysis.lenses:ACCEPTANCE", None, "proposals"),
    LensEntry("diagnosis", "peacetable.analysis.lenses:DIAGNOSIS", "improve", "proposals"),
    LensEntry("frontier", "peacetable.analysis.lenses:FRONTIER", "agreement", "frontier"),
    LensEntry("solutions", "peacetable.analysis.lenses:SOLUTIONS", "agreement", "frontier"),
    LensEntry("zopa", "peacetable.analysis.lenses:ZOPA", "agreement", "frontier"),
    LensEntry("linkage", "peacetable.analysis.lenses:LINKAGE", "improve", None),
    LensEntry("single_text", "peacetable.analysis.lenses:SINGLE_TEXT", "improve", None),
    LensEntry("post_settlement", "peacetable.analysis.lenses:POST_SETTLEMENT", "improve", None),
    LensEntry("robustness", "peacetable.analysis.lenses:ROBUSTNESS", "uncertainty", "robustness"),
    LensEntry(
        "robust_package", "peacetable.analysis.lenses:ROBUST_PACKAGE", "uncertainty", "robustness"
    ),
    LensEntry("contingent", "peacetable.analysis.lenses:CONTINGENT", "uncertainty", "robustness"),
    LensEntry("ripeness", "peacetable.analysis.lenses:RIPENESS", "uncertainty", "ripeness"),
    LensEntry("stability", "peacetable.conflict.lens:STABILITY", "conflict", "conflict"),
    LensEntry("forecast", "peacetable.forecast.lens:FORECAST", "forecast", "forecast"),
    LensEntry("simulate", "peacetable.simulate.lens:LENS", "simulate", "simulate"),
    LensEntry("sequence", "peacetable.sequence.lens:LENS", "sequence", "sequence"),
)


def entries() -> Iterator[LensEntry]:
    """Every registered lens entry, in order."""
    return iter(LENSES)


def entry(key: str) -> LensEntry:
    """The registry entry of a lens.

    Raises
    ------
    InputError
        Unknown lens key (with a did-you-mean).
    """
    for e in LENSES:
        if e.key == key:
            return e
    keys = [e.key for e in LENSES]
    raise InputError(
        f"unknown lens {key!r}{suggest(key, keys)}; lenses: {', '.join(keys)}",
        Location(field="lens"),
    )


_LOADED: dict[str, Lens] = {}


def get_lens(key: str) -> Lens:
    """The :class:`Lens` registered under *key* (imported on first use).

    Raises
    ------
    InputError
        Unknown lens key.

    Examples
    --------
    >>> get_lens("zopa").key
    'zopa'
    """
    if key not in _LOADED:
        _LOADED[key] = entry(key).load()
    return _LOADED[key]


def cli_modules() -> tuple[str, ...]:
    """Command-line modules of the registered lenses, each once, in registry order."""
    seen: list[str] = []
    for e in LENSES:
        if e.cli is not None and e.cli not in seen:
            seen.append(e.cli)
    return tuple(seen)


def report_sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(section module, lens keys)`` of the report, in registry order."""
    out: dict[str, list[str]] = {}
    for e in LENSES:
        if e.report is not None:
            out.setdefault(e.report, []).append(e.key)
    return tuple((section, tuple(keys)) for section, keys in out.items())
